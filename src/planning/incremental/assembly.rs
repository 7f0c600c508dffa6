//! Plan assembly: reads the indexes into a plan (claims, manage's first actions within the
//! burst limit, the rolling update, status, requeue) and keeps the failed-pod backoff.

use super::delta::PlanDelta;
use super::key::{KeyId, Name};
use super::output::{ActionItem, Sketch, Source};
use super::rolling::{Cuts, Previous, rolling_step};
use super::{Halt, Planner, State, zone_budget};
use crate::model::{Node, Pod};
use crate::planning::assembly;
use crate::planning::backoff::FailedPodBackoff;
use crate::planning::cluster::Claim;
use crate::planning::kruise::Kruise;
use crate::planning::selection::Extensions;
use crate::planning::status::status_from_counts;
use crate::planning::types::{
    CreateReason, DeleteReason, PauseReason, Plan, PlanError, RollingUpdateStep,
};

impl Planner {
    /// Makes the plan for the current objects and time, as [`plan`] would with
    /// [`Planner::options`], and keeps its failed-pod backoff for the next plan (as a controller
    /// passes [`Plan::failed_pod_backoff`] on).
    ///
    /// [`plan`]: crate::plan
    pub fn plan(&mut self) -> Result<Plan, PlanError> {
        self.settle(false).map(|(plan, _)| plan.clone())
    }

    /// Makes the plan (as [`Planner::plan`]) and says how it differs from the previous one;
    /// the plan itself is then [`Planner::last_plan`]. After an error the next delta starts
    /// afresh (every action added).
    pub fn plan_delta(&mut self) -> Result<PlanDelta, PlanError> {
        self.settle(true)
            .map(|(_, delta)| delta.unwrap_or_default())
    }

    /// Makes the plan and keeps it as the last one (none after an error); the delta from the
    /// previous one when asked.
    fn settle(&mut self, want_delta: bool) -> Result<(&Plan, Option<PlanDelta>), PlanError> {
        match self.make_plan() {
            Err(error) => {
                self.last.forget();
                Err(error)
            }
            Ok(Made::Whole(plan)) => Ok(self.last.keep_whole(plan, want_delta)),
            Ok(Made::Sketched(shell, sketch)) => {
                let source = Source {
                    keys: &self.keys,
                    pods: &self.pods,
                };
                let revision = &self.revision.hash;
                Ok(self
                    .last
                    .keep((shell, revision), sketch, source, want_delta))
            }
        }
    }

    /// Whether plans come from [`crate::plan`] over the held objects: the indexes do not
    /// answer the strategies' selection (an update order other than by name, a strict budget),
    /// so with either each plan is made from scratch. A topology budget alone is answered by
    /// per-domain sets.
    pub(super) fn plans_from_scratch(&self) -> bool {
        Extensions::from_options(&self.options).is_some() && zone_budget(&self.options).is_none()
    }

    /// The plan for the current objects and time: whole, or (from the indexes) with its lists
    /// by reference, for [`Last::keep`](super::output::Last::keep) to read.
    fn make_plan(&mut self) -> Result<Made, PlanError> {
        if self.plans_from_scratch() {
            let nodes: Vec<Node> = self.nodes().cloned().collect();
            let pods: Vec<Pod> = self.pods().cloned().collect();
            let plan = crate::planning::plan(&self.daemon_set, &nodes, &pods, &self.options)?;
            self.options.failed_pod_backoff = plan.failed_pod_backoff.clone();
            return Ok(Made::Whole(plan));
        }
        let engine = match &mut self.state {
            State::Halted(Halt::Error(error)) => return Err(error.clone()),
            State::Halted(Halt::Skip(reason)) => {
                return Ok(Made::Whole(assembly::skipped_plan(
                    &self.daemon_set,
                    self.revision.hash.clone(),
                    *reason,
                    self.options.failed_pod_backoff.clone(),
                )));
            }
            State::Active(engine) => engine,
        };
        let kruise = Kruise::new(&self.daemon_set);
        let burst = kruise
            .as_ref()
            .and_then(|k| k.burst)
            .unwrap_or(self.options.burst_replicas);
        let paused = if self.options.freeze {
            Some(PauseReason::Frozen)
        } else if kruise.as_ref().is_some_and(|k| k.paused) {
            Some(PauseReason::Paused)
        } else {
            None
        };
        let pods = &self.pods;
        let mut sketch = self.last.pool.take().unwrap_or_default();
        let mut actions = std::mem::take(&mut sketch.actions);
        self.plans = self.plans.wrapping_add(1);
        let number = self.plans;
        for (name, kind) in &engine.claims {
            // A claim is of a pod the planner holds.
            let Some(id) = self.pod_index.get(pods, name) else {
                continue;
            };
            let pod = pods.at(id);
            actions.push(match kind {
                Claim::Release => ActionItem::Release(pod),
                _ => ActionItem::Adopt(pod),
            });
        }

        // Manage: the first `burst` creates by node name (of those progressive creation
        // allows), deletes by node then pod name (but the update's while paused).
        let index = &engine.index;
        let allowed = kruise.as_ref().and_then(|k| {
            k.create_room(
                || index.counts.desired,
                || i64::try_from(index.new_pods).unwrap_or(i64::MAX),
            )
        });
        let allowed = match allowed {
            // A freeze creates nothing.
            _ if self.options.freeze => 0,
            Some(room) => room.min(index.creates.len()),
            None => index.creates.len(),
        };
        let (run, mut deferred_creates) = assembly::burst_split(allowed, burst);
        let mut creates = index.creates.iter();
        actions.extend(
            creates
                .by_ref()
                .take(run)
                .map(|(_, &key)| ActionItem::Create(key, CreateReason::Missing)),
        );
        let create_cut: Option<Name> = creates.next().map(|(name, _)| name.clone());
        let held_back = |reason: DeleteReason| {
            paused.is_some()
                && matches!(reason, DeleteReason::Superseded | DeleteReason::OldNotReady)
        };
        let count = if paused.is_some() {
            index.deletes.len().saturating_sub(index.update_deletes)
        } else {
            index.deletes.len()
        };
        let (run, mut deferred_deletes) = assembly::burst_split(count, burst);
        let mut deletes = index
            .deletes
            .iter()
            .filter(|&(_, &(_, reason))| !held_back(reason));
        actions.extend(
            deletes
                .by_ref()
                .take(run)
                .map(|(_, &(pod, reason))| ActionItem::Delete(pod, reason)),
        );
        let delete_cut: Option<(Name, Name)> = deletes.next().map(|(entry, _)| entry.clone());

        let mut batch_items = None;
        let mut copied = None;
        let rolling_update = if let Some(reason) = paused.filter(|_| engine.rules.rolling) {
            Some(RollingUpdateStep::Paused(reason))
        } else if engine.rules.rolling {
            let step = rolling_step(
                &self.daemon_set,
                kruise.as_ref().map(|k| &k.scope),
                engine,
                &self.keys,
                pods,
                burst,
                &Cuts {
                    create: create_cut,
                    delete: delete_cut,
                },
                sketch.batch.take().unwrap_or_default(),
                (
                    number,
                    self.last.sketch.as_ref().and_then(|sketch| {
                        Some(Previous {
                            number: sketch.number,
                            actions: &sketch.actions,
                            batch: sketch.batch.as_ref()?,
                        })
                    }),
                ),
                &mut actions,
            );
            if let Some((creates, deletes)) = step.deferred {
                deferred_creates = deferred_creates.saturating_add(creates);
                deferred_deletes = deferred_deletes.saturating_add(deletes);
            }
            batch_items = step.items;
            copied = step.copied;
            Some(step.step)
        } else {
            None
        };

        let index = &engine.index;
        let status = status_from_counts(&self.daemon_set, &index.counts);
        let backoff_requeue = index.requeue.keys().next().copied();

        // Manage recorded the failed pods it deleted (all of them, deferred or not).
        let failed: Vec<(KeyId, u32)> = index.failed.iter().map(|(&k, &n)| (k, n)).collect();
        let now = self.options.now;
        let generation = engine.rules.observed_generation;
        let backoff = &mut self.options.failed_pod_backoff;
        for &(id, count) in &failed {
            if self.keys.get(id).is_none() {
                continue;
            }
            let name = self.keys.name(id);
            let backoff_key =
                FailedPodBackoff::key(&self.daemon_set.metadata.uid, generation, name);
            for _ in 0..count {
                backoff.record(backoff_key.clone(), now);
            }
        }
        backoff.collect_garbage(now);
        for &(id, _) in &failed {
            self.touch(id);
        }
        self.finish();

        let shell = assembly::Parts {
            // Moved from the last plan when it has the same (see `Last::keep`).
            revision: String::new(),
            actions: Vec::new(),
            status,
            deferred_creates,
            deferred_deletes,
            backoff_requeue,
            failed_pod_backoff: self.options.failed_pod_backoff.clone(),
            rolling_update,
        }
        .finish(&self.daemon_set);
        sketch.number = number;
        sketch.actions = actions;
        sketch.batch = batch_items;
        sketch.copied = copied;
        Ok(Made::Sketched(shell, sketch))
    }
}

/// A plan as [`Planner::make_plan`] makes it.
enum Made {
    /// Made whole (from scratch, or a skipped sync).
    Whole(Plan),
    /// Made from the indexes: every field but the lists (empty), and the lists by reference.
    Sketched(Plan, Box<Sketch>),
}
