//! Plan assembly: reads the indexes into a plan (claims, manage's first actions within the
//! burst limit, the rolling update, status, requeue) and keeps the failed-pod backoff.

use std::time::Duration;

use super::delta::PlanDelta;
use super::index;
use super::key::{self, KeyId, Keys, Name, PodId, Pods, RollingKey};
use super::{Engine, Halt, Planner, State};
use crate::model::{DaemonSet, Node, Pod};
use crate::planning::backoff::FailedPodBackoff;
use crate::planning::cluster::Claim;
use crate::planning::rolling::{budgets, clamp_budget};
use crate::planning::status::{status_changed, status_from_counts};
use crate::planning::types::{
    Action, BudgetUse, CreateReason, DeleteReason, Plan, PlanError, RollingUpdateError,
    RollingUpdateStep, UpdateBatch, UpdateMode,
};

impl Planner {
    /// Makes the plan for the current objects and time, as [`plan`] would with
    /// [`Planner::options`], and keeps its failed-pod backoff for the next plan (as a controller
    /// passes [`Plan::failed_pod_backoff`] on).
    ///
    /// [`plan`]: crate::plan
    pub fn plan(&mut self) -> Result<Plan, PlanError> {
        let made = self.make_plan();
        self.last = made.as_ref().ok().cloned();
        made
    }

    /// Makes the plan (as [`Planner::plan`]) and says how it differs from the previous one;
    /// the plan itself is then [`Planner::last_plan`]. After an error the next delta starts
    /// afresh (every action added).
    pub fn plan_delta(&mut self) -> Result<PlanDelta, PlanError> {
        match self.make_plan() {
            Ok(next) => {
                let delta = PlanDelta::between(self.last.as_ref(), &next);
                self.last = Some(next);
                Ok(delta)
            }
            Err(error) => {
                self.last = None;
                Err(error)
            }
        }
    }

    /// Whether plans come from [`crate::plan`] over the held objects: the indexes follow plain
    /// apps/v1 semantics only, so an Advanced DaemonSet or an option beyond upstream (update
    /// order, topology budget, strict budget, freeze) is planned from scratch on every call.
    pub(super) fn plans_from_scratch(&self) -> bool {
        self.daemon_set.is_kruise() || self.given.goes_beyond_upstream()
    }

    pub(super) fn make_plan(&mut self) -> Result<Plan, PlanError> {
        if self.plans_from_scratch() {
            let nodes: Vec<Node> = self.nodes().cloned().collect();
            let pods: Vec<Pod> = self.pods().cloned().collect();
            let plan = crate::planning::plan(&self.daemon_set, &nodes, &pods, &self.options())?;
            self.backoff = plan.failed_pod_backoff.clone();
            return Ok(plan);
        }
        let engine = match &mut self.state {
            State::Halted(Halt::Error(error)) => return Err(error.clone()),
            State::Halted(Halt::Skip(reason)) => {
                return Ok(Plan {
                    revision: self.hash.clone(),
                    actions: Vec::new(),
                    status: self.daemon_set.status.clone().unwrap_or_default(),
                    status_changed: false,
                    skipped: Some(*reason),
                    deferred_creates: 0,
                    deferred_deletes: 0,
                    requeue_after: None,
                    failed_pod_backoff: self.backoff.clone(),
                    rolling_update: None,
                });
            }
            State::Active(engine) => engine,
        };
        let burst = self.burst_replicas;
        let pods = &self.pods;
        let mut actions = Vec::new();
        for (name, kind) in &engine.claims {
            let pod = name.to_string();
            actions.push(match kind {
                Claim::Release => Action::Release { pod },
                _ => Action::Adopt { pod },
            });
        }

        // Manage: the first `burst` creates by node name, deletes by node then pod name.
        let index = &engine.index;
        let mut create_cut: Option<Name> = None;
        for (i, name) in index.creates.keys().enumerate() {
            if i == burst {
                create_cut = Some(name.clone());
                break;
            }
            actions.push(Action::Create {
                node: name.to_string(),
                reason: CreateReason::Missing,
            });
        }
        let mut delete_cut: Option<(Name, Name)> = None;
        for (i, (entry, &(p, reason))) in index.deletes.iter().enumerate() {
            if i == burst {
                delete_cut = Some(entry.clone());
                break;
            }
            actions.push(delete_action(pods, p, reason));
        }
        let mut deferred_creates = index.creates.len().saturating_sub(burst);
        let mut deferred_deletes = index.deletes.len().saturating_sub(burst);

        let rolling_update = if engine.rules.rolling {
            let step = rolling_step(
                &self.daemon_set,
                engine,
                &self.keys,
                pods,
                burst,
                &Cuts {
                    create: create_cut,
                    delete: delete_cut,
                },
                &mut actions,
            );
            if let Some((creates, deletes)) = step.deferred {
                deferred_creates = deferred_creates.saturating_add(creates);
                deferred_deletes = deferred_deletes.saturating_add(deletes);
            }
            Some(step.step)
        } else {
            None
        };

        let index = &engine.index;
        let status = status_from_counts(&self.daemon_set, &index.counts);
        let status_changed = status_changed(&self.daemon_set, &status);
        let min_ready = self.daemon_set.spec.min_ready_seconds;
        let mut requeue_after = index.requeue.keys().next().copied();
        if min_ready > 0 && status.number_ready != status.number_available {
            let wait = Duration::from_secs(u64::try_from(min_ready).unwrap_or(0));
            requeue_after = Some(requeue_after.map_or(wait, |d| d.min(wait)));
        }

        // Manage recorded the failed pods it deleted (all of them, deferred or not).
        let failed: Vec<(KeyId, u32)> = index.failed.iter().map(|(&k, &n)| (k, n)).collect();
        let now = self.now;
        let generation = engine.rules.observed_generation;
        for &(id, count) in &failed {
            if self.keys.get(id).is_none() {
                continue;
            }
            let name = self.keys.name(id);
            let backoff_key =
                FailedPodBackoff::key(&self.daemon_set.metadata.uid, generation, name);
            for _ in 0..count {
                self.backoff.record(backoff_key.clone(), now);
            }
        }
        self.backoff.collect_garbage(now);
        for &(id, _) in &failed {
            self.touch(id);
        }
        self.finish();

        Ok(Plan {
            revision: self.hash.clone(),
            actions,
            status,
            status_changed,
            skipped: None,
            deferred_creates,
            deferred_deletes,
            requeue_after,
            failed_pod_backoff: self.backoff.clone(),
            rolling_update,
        })
    }
}

fn delete_action(pods: &Pods, p: PodId, reason: DeleteReason) -> Action {
    let pod = pods.name(p).to_owned();
    let node = pods
        .object(p)
        .map(|pod| &pod.spec.node_name)
        .filter(|node| !node.is_empty())
        .cloned();
    Action::Delete { pod, node, reason }
}

/// Where the burst limit cut manage's creates and deletes: the first deferred item of each.
struct Cuts {
    create: Option<Name>,
    delete: Option<(Name, Name)>,
}

struct Step {
    step: RollingUpdateStep,
    /// Creates and deletes the rolling update defers (when it ran).
    deferred: Option<(usize, usize)>,
}

/// The rolling-update step on the state after manage's executed actions.
fn rolling_step(
    ds: &DaemonSet,
    engine: &mut Engine,
    keys: &Keys,
    pods: &Pods,
    burst: usize,
    cuts: &Cuts,
    actions: &mut Vec<Action>,
) -> Step {
    let desired = i64::try_from(engine.index.counts.desired).unwrap_or(i64::MAX);
    let (max_unavailable, max_surge) = match budgets(ds, desired) {
        Ok(budgets) => budgets,
        Err(error) => {
            return Step {
                step: RollingUpdateStep::Failed(error),
                deferred: None,
            };
        }
    };
    let surge = max_surge != 0;
    if engine.index.rolling.surge != surge {
        // The mode switched: sum every key up again in the other mode.
        engine.index.rolling = index::RollingIndex {
            surge,
            ..Default::default()
        };
        for (id, key) in keys.iter() {
            if !key.dirty {
                let c = &key.contribution;
                engine
                    .index
                    .rolling
                    .apply(id, keys.name(id), c.placement, &c.rolling, pods, true);
            }
        }
    }
    let fixes = deferred_views(engine, keys, pods, cuts, surge);
    let step = if surge {
        with_surge(engine, pods, desired, max_surge, burst, actions)
    } else {
        without_surge(engine, pods, desired, max_unavailable, burst, actions)
    };
    for (id, view) in fixes {
        if let Some(key) = keys.get(id) {
            let c = &key.contribution;
            let rolling = &mut engine.index.rolling;
            rolling.apply(id, keys.name(id), c.placement, &view, pods, false);
            rolling.apply(id, keys.name(id), c.placement, &c.rolling, pods, true);
        }
    }
    step
}

/// The keys whose manage actions the burst limit defers, seen by the rolling update without
/// those actions: swapped into the rolling index (and returned, to swap back).
fn deferred_views(
    engine: &mut Engine,
    keys: &Keys,
    pods: &Pods,
    cuts: &Cuts,
    surge: bool,
) -> Vec<(KeyId, RollingKey)> {
    let mut affected: Vec<KeyId> = Vec::new();
    if let Some(cut) = &cuts.create {
        // In surge mode a deferred create only matters where the key holds more than
        // terminating pods; without surge its budget use reads NoPod instead of Created.
        let creates = if surge {
            &engine.index.sensitive_creates
        } else {
            &engine.index.creates
        };
        affected.extend(creates.range(cut.clone()..).map(|(_, &id)| id));
    }
    if let Some(cut) = &cuts.delete {
        let mut last = None;
        for &(p, _) in engine.index.deletes.range(cut.clone()..).map(|(_, v)| v) {
            let id = pods.get(p).and_then(|slot| slot.key);
            if id != last {
                affected.extend(id);
                last = id;
            }
        }
    }
    affected.sort_unstable();
    affected.dedup();
    let mut fixes = Vec::new();
    for id in affected {
        let Some(key) = keys.get(id) else {
            continue;
        };
        let c = &key.contribution;
        let created = c.create
            && cuts
                .create
                .as_ref()
                .is_none_or(|cut| keys.name(id) < cut.as_ref());
        let mut executed: Vec<PodId> = c
            .deletes()
            .iter()
            .map(|&(p, _)| p)
            .filter(|&p| {
                cuts.delete.as_ref().is_none_or(|(cut_key, cut_pod)| {
                    (keys.name(id), pods.name(p)) < (cut_key.as_ref(), cut_pod.as_ref())
                })
            })
            .collect();
        executed.sort_unstable();
        let min_ready = engine.rules.min_ready_seconds;
        let view = key::rolling_key(key, pods, min_ready, created, &executed);
        if view != c.rolling {
            let rolling = &mut engine.index.rolling;
            rolling.apply(id, keys.name(id), c.placement, &c.rolling, pods, false);
            rolling.apply(id, keys.name(id), c.placement, &view, pods, true);
            fixes.push((id, view));
        }
    }
    fixes
}

/// Merges two sorted streams and keeps the first `limit` items.
fn merge_first<K: Ord, T>(
    a: impl Iterator<Item = (K, T)>,
    b: impl Iterator<Item = (K, T)>,
    limit: usize,
) -> Vec<T> {
    let mut a = a.peekable();
    let mut b = b.peekable();
    let mut out = Vec::new();
    while out.len() < limit {
        let take_a = match (a.peek(), b.peek()) {
            (Some((ka, _)), Some((kb, _))) => ka <= kb,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_a { a.next() } else { b.next() };
        if let Some((_, item)) = next {
            out.push(item);
        }
    }
    out
}

fn budget_uses(engine: &Engine) -> Vec<BudgetUse> {
    engine
        .index
        .rolling
        .used
        .iter()
        .map(|(name, reason)| BudgetUse {
            node: name.to_string(),
            reason: reason.clone(),
        })
        .collect()
}

fn without_surge(
    engine: &Engine,
    pods: &Pods,
    desired: i64,
    max_unavailable: i64,
    burst: usize,
    actions: &mut Vec<Action>,
) -> Step {
    let rolling = &engine.index.rolling;
    let budget = clamp_budget(
        max_unavailable,
        rolling.used.len(),
        rolling.candidates.len(),
    );
    let waiting = rolling.candidates.len().saturating_sub(budget);
    let name_of = |p: PodId| pods.name(p);
    let always = rolling
        .deletes
        .iter()
        .map(|((k, n), &(p, reason))| ((k.as_ref(), n.as_ref()), (p, reason)));
    let chosen = rolling
        .candidates
        .iter()
        .take(budget)
        .map(|(k, &(_, p))| ((k.as_ref(), name_of(p)), (p, DeleteReason::Outdated)));
    let deletes = merge_first(always, chosen, burst);
    let total = rolling.deletes.len().saturating_add(budget);
    let deleted = push_deletes(pods, &deletes, actions);
    Step {
        step: RollingUpdateStep::Batch(UpdateBatch {
            held: Vec::new(),
            mode: UpdateMode::MaxUnavailable,
            desired,
            budget: max_unavailable,
            used: budget_uses(engine),
            deleted,
            surged: Vec::new(),
            waiting,
        }),
        deferred: Some((0, total.saturating_sub(burst))),
    }
}

fn with_surge(
    engine: &Engine,
    pods: &Pods,
    desired: i64,
    max_surge: i64,
    burst: usize,
    actions: &mut Vec<Action>,
) -> Step {
    let rolling = &engine.index.rolling;
    if let Some((node, &p)) = rolling.vanished.iter().next() {
        return Step {
            step: RollingUpdateStep::Failed(RollingUpdateError::VanishedNode {
                node: node.to_string(),
                pod: pods.name(p).to_owned(),
            }),
            deferred: None,
        };
    }
    let available = i64::try_from(rolling.available).unwrap_or(i64::MAX);
    let deletable = available.saturating_sub(desired).max(0);
    let sunset_count = usize::try_from(deletable)
        .unwrap_or(usize::MAX)
        .min(rolling.sunset.len());
    let budget = clamp_budget(max_surge, rolling.used.len(), rolling.candidates.len());
    let waiting = rolling.candidates.len().saturating_sub(budget);

    let always = rolling
        .creates
        .keys()
        .map(|k| (k.as_ref(), (k, CreateReason::SurgeForUnavailable)));
    let chosen = rolling
        .candidates
        .keys()
        .take(budget)
        .map(|k| (k.as_ref(), (k, CreateReason::Surge)));
    let creates = merge_first(always, chosen, burst);
    let total_creates = rolling.creates.len().saturating_add(budget);
    let mut surged = Vec::with_capacity(creates.len());
    for (node, reason) in creates {
        surged.push(node.to_string());
        actions.push(Action::Create {
            node: node.to_string(),
            reason,
        });
    }

    let name_of = |p: PodId| pods.name(p);
    let always = rolling
        .deletes
        .iter()
        .map(|((k, n), &(p, reason))| ((k.as_ref(), n.as_ref()), (p, reason)));
    let sunset = rolling
        .sunset
        .iter()
        .take(sunset_count)
        .map(|(k, &p)| ((k.as_ref(), name_of(p)), (p, DeleteReason::Sunset)));
    let deletes = merge_first(always, sunset, burst);
    let total_deletes = rolling.deletes.len().saturating_add(sunset_count);
    let deleted = push_deletes(pods, &deletes, actions);
    Step {
        step: RollingUpdateStep::Batch(UpdateBatch {
            held: Vec::new(),
            mode: UpdateMode::MaxSurge,
            desired,
            budget: max_surge,
            used: budget_uses(engine),
            deleted,
            surged,
            waiting,
        }),
        deferred: Some((
            total_creates.saturating_sub(burst),
            total_deletes.saturating_sub(burst),
        )),
    }
}

/// Appends the deletes; returns the deleted pods' names.
fn push_deletes(
    pods: &Pods,
    deletes: &[(PodId, DeleteReason)],
    actions: &mut Vec<Action>,
) -> Vec<String> {
    let mut names = Vec::with_capacity(deletes.len());
    for &(p, reason) in deletes {
        let action = delete_action(pods, p, reason);
        if let Action::Delete { pod, .. } = &action {
            names.push(pod.clone());
        }
        actions.push(action);
    }
    names
}
