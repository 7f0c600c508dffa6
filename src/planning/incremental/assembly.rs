//! Plan assembly: reads the indexes into a plan (claims, manage's first actions within the
//! burst limit, the rolling update, status, requeue) and keeps the failed-pod backoff.

use super::delta::PlanDelta;
use super::index::{self, KeyView};
use super::key::{self, Contribution, KeyId, Keys, Name, PodId, Pods, RollingKey};
use super::{Engine, Halt, Planner, State, zone_budget};
use crate::model::{DaemonSet, Node, Pod};
use crate::planning::assembly;
use crate::planning::backoff::FailedPodBackoff;
use crate::planning::cluster::Claim;
use crate::planning::kruise::{Kruise, KruiseScope};
use crate::planning::rolling::{budgets, clamp_budget, fill_budget, sunset_room};
use crate::planning::selection::Extensions;
use crate::planning::selection::{domain_limit, domain_room, fill_domains};
use crate::planning::status::status_from_counts;
use crate::planning::types::{
    Action, BudgetUse, CreateReason, DeleteReason, HeldNode, HoldReason, PauseReason, Plan,
    PlanError, RollingUpdateError, RollingUpdateStep, UpdateBatch, UpdateMode,
};
use std::collections::BTreeMap;

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

    /// Whether plans come from [`crate::plan`] over the held objects: the indexes do not
    /// answer the strategies' selection (an update order other than by name, a strict budget),
    /// so with either each plan is made from scratch. A topology budget alone is answered by
    /// per-domain sets.
    pub(super) fn plans_from_scratch(&self) -> bool {
        Extensions::from_options(&self.options).is_some() && zone_budget(&self.options).is_none()
    }

    pub(super) fn make_plan(&mut self) -> Result<Plan, PlanError> {
        if self.plans_from_scratch() {
            let nodes: Vec<Node> = self.nodes().cloned().collect();
            let pods: Vec<Pod> = self.pods().cloned().collect();
            let plan = crate::planning::plan(&self.daemon_set, &nodes, &pods, &self.options)?;
            self.options.failed_pod_backoff = plan.failed_pod_backoff.clone();
            return Ok(plan);
        }
        let engine = match &mut self.state {
            State::Halted(Halt::Error(error)) => return Err(error.clone()),
            State::Halted(Halt::Skip(reason)) => {
                return Ok(assembly::skipped_plan(
                    &self.daemon_set,
                    self.revision.hash.clone(),
                    *reason,
                    self.options.failed_pod_backoff.clone(),
                ));
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
        let mut actions = Vec::new();
        for (name, kind) in &engine.claims {
            let pod = name.to_string();
            actions.push(match kind {
                Claim::Release => Action::Release { pod },
                _ => Action::Adopt { pod },
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
        let mut creates = index.creates.keys();
        actions.extend(creates.by_ref().take(run).map(|name| Action::Create {
            node: name.to_string(),
            reason: CreateReason::Missing,
        }));
        let create_cut: Option<Name> = creates.next().cloned();
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
                .filter_map(|(_, &(p, reason))| delete_action(pods, p, reason)),
        );
        let delete_cut: Option<(Name, Name)> = deletes.next().map(|(entry, _)| entry.clone());

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

        Ok(assembly::Parts {
            revision: self.revision.hash.clone(),
            actions,
            status,
            deferred_creates,
            deferred_deletes,
            backoff_requeue,
            failed_pod_backoff: self.options.failed_pod_backoff.clone(),
            rolling_update,
        }
        .finish(&self.daemon_set))
    }
}

fn delete_action(pods: &Pods, p: PodId, reason: DeleteReason) -> Option<Action> {
    Some(assembly::delete_action(pods.object(p)?, reason))
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
#[allow(clippy::too_many_arguments)]
fn rolling_step(
    ds: &DaemonSet,
    scope: Option<&Result<KruiseScope, RollingUpdateError>>,
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
    let scope = match scope {
        None => None,
        Some(Ok(scope)) => Some(scope),
        Some(Err(error)) => {
            return Step {
                step: RollingUpdateStep::Failed(error.clone()),
                deferred: None,
            };
        }
    };
    let surge = max_surge != 0;
    if engine.index.rolling.surge != surge {
        // The mode switched: sum every key up again in the other mode.
        engine.index.rolling =
            index::RollingIndex::new(surge, engine.rules.kruise, engine.zone_budget.is_some());
        for (id, key) in keys.iter() {
            if !key.dirty {
                let view = KeyView::of(&key.contribution);
                engine
                    .index
                    .rolling
                    .apply(id, keys.name(id), view, pods, true);
            }
        }
    }
    let fixes = deferred_views(engine, keys, pods, cuts, surge);
    let (held, out) = match scope {
        Some(scope) => partition_out(engine, keys, pods, scope.partition, &fixes),
        None => (Vec::new(), Vec::new()),
    };
    let step = if surge {
        surge_batch(engine, pods, desired, max_surge, burst, held, actions)
    } else {
        unavailable_batch(engine, pods, desired, max_unavailable, burst, held, actions)
    };
    let rolling = &mut engine.index.rolling;
    for (id, name) in out {
        if let Some(key) = keys.get(id) {
            let view = current_view(&key.contribution, id, &fixes);
            rolling.apply_budget(id, &name, view, pods, true);
        }
    }
    for (id, view) in fixes {
        if let Some(key) = keys.get(id) {
            let c = KeyView::of(&key.contribution);
            rolling.apply(id, keys.name(id), c.with(&view), pods, false);
            rolling.apply(id, keys.name(id), c, pods, true);
        }
    }
    step
}

/// A key as the rolling update sees it in this plan: with its deferred view when it has one
/// (`fixes`, sorted by key).
fn current_view<'a>(
    c: &'a Contribution,
    id: KeyId,
    fixes: &'a [(KeyId, RollingKey)],
) -> KeyView<'a> {
    let view = KeyView::of(c);
    match fixes.binary_search_by_key(&id, |&(k, _)| k) {
        Ok(i) => fixes.get(i).map_or(view, |(_, fix)| view.with(fix)),
        Err(_) => view,
    }
}

/// Kruise's update scope on the indexes: takes the keys a partition of `partition` keeps on
/// the old revision out of the budget sets (to put back after the plan; returned) and lists
/// the held nodes: those the selector does not take and the partition's old ones, by name.
fn partition_out(
    engine: &mut Engine,
    keys: &Keys,
    pods: &Pods,
    partition: i64,
    fixes: &[(KeyId, RollingKey)],
) -> (Vec<HeldNode>, Vec<(KeyId, Name)>) {
    let rolling = &mut engine.index.rolling;
    let Some(classes) = &rolling.kruise else {
        return (Vec::new(), Vec::new());
    };
    let count = classes.partitioned(partition);
    let out: Vec<(KeyId, Name)> = classes
        .lowest(count)
        .map(|(name, &id)| (id, name.clone()))
        .collect();
    let partitioned = out.iter().take(classes.old.len()).map(|(_, name)| name);
    let not_selected = classes.not_selected.keys();
    let held = merge_first(
        not_selected.map(|name| (name, (name, HoldReason::NotSelected))),
        partitioned.map(|name| (name, (name, HoldReason::Partition))),
        usize::MAX,
    )
    .into_iter()
    .map(|(name, reason)| HeldNode {
        node: name.to_string(),
        reason,
    })
    .collect();
    for (id, name) in &out {
        if let Some(key) = keys.get(*id) {
            let view = current_view(&key.contribution, *id, fixes);
            rolling.apply_budget(*id, name, view, pods, false);
        }
    }
    (held, out)
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
        // Kruise's classes tell a node without a pod from one being created, in both modes.
        let creates = if surge && engine.index.rolling.kruise.is_none() {
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
            let seen = KeyView::of(c);
            rolling.apply(id, keys.name(id), seen, pods, false);
            rolling.apply(id, keys.name(id), seen.with(&view), pods, true);
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

/// maxUnavailable mode: the rolling index's budget uses and candidates through the rolling
/// update's rule ([`fill_budget`]), the deletes within the burst limit.
fn unavailable_batch(
    engine: &Engine,
    pods: &Pods,
    desired: i64,
    max_unavailable: i64,
    burst: usize,
    held: Vec<HeldNode>,
    actions: &mut Vec<Action>,
) -> Step {
    let rolling = &engine.index.rolling;
    let budget = (UpdateMode::MaxUnavailable, desired, max_unavailable);
    let (mut batch, count, chosen) = match choose(engine, budget, held) {
        Ok(chosen) => chosen,
        Err(error) => return failed(error),
    };
    let total = rolling.deletes.len().saturating_add(count);
    let name_of = |p: PodId| pods.name(p);
    let always = always_deletes(rolling);
    let chosen = chosen.map(|(k, &(_, p))| ((k.as_ref(), name_of(p)), (p, DeleteReason::Outdated)));
    let deletes = merge_first(always, chosen, burst);
    batch.deleted = push_deletes(pods, &deletes, actions);
    Step {
        step: RollingUpdateStep::Batch(batch),
        deferred: Some((0, total.saturating_sub(burst))),
    }
}

/// maxSurge mode: the rolling index's budget uses and candidates through the rolling update's
/// rules ([`fill_budget`], [`sunset_room`]), the creates and deletes within the burst limit.
fn surge_batch(
    engine: &Engine,
    pods: &Pods,
    desired: i64,
    max_surge: i64,
    burst: usize,
    held: Vec<HeldNode>,
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
    let sunset_count = sunset_room(available, desired, rolling.sunset.len());
    let budget = (UpdateMode::MaxSurge, desired, max_surge);
    let (mut batch, count, chosen) = match choose(engine, budget, held) {
        Ok(chosen) => chosen,
        Err(error) => return failed(error),
    };
    let chosen = chosen.map(|(k, _)| k);
    let total_creates = rolling.creates.len().saturating_add(count);
    let always = rolling
        .creates
        .keys()
        .map(|k| (k.as_ref(), (k, CreateReason::SurgeForUnavailable)));
    let chosen = chosen.map(|k| (k.as_ref(), (k, CreateReason::Surge)));
    let creates = merge_first(always, chosen, burst);
    for (node, reason) in creates {
        batch.surged.push(node.to_string());
        actions.push(Action::Create {
            node: node.to_string(),
            reason,
        });
    }

    let name_of = |p: PodId| pods.name(p);
    let always = always_deletes(rolling);
    let sunset = rolling
        .sunset
        .iter()
        .take(sunset_count)
        .map(|(k, &p)| ((k.as_ref(), name_of(p)), (p, DeleteReason::Sunset)));
    let deletes = merge_first(always, sunset, burst);
    let total_deletes = rolling.deletes.len().saturating_add(sunset_count);
    batch.deleted = push_deletes(pods, &deletes, actions);
    Step {
        step: RollingUpdateStep::Batch(batch),
        deferred: Some((
            total_creates.saturating_sub(burst),
            total_deletes.saturating_sub(burst),
        )),
    }
}

/// A rolling-update step that fails.
fn failed(error: RollingUpdateError) -> Step {
    Step {
        step: RollingUpdateStep::Failed(error),
        deferred: None,
    }
}

/// A candidate of the rolling index: its key's name, the key and its old pod.
type Candidate<'a> = (&'a Name, &'a (KeyId, PodId));

/// What [`choose`] returns: the batch, how many candidates are chosen, and them by name.
type Chosen<'a> = (
    UpdateBatch,
    usize,
    Box<dyn Iterator<Item = Candidate<'a>> + 'a>,
);

/// The batch of budget uses and candidates in the rolling index, through the rolling update's
/// rule ([`fill_budget`]) or, with a topology budget, its per-domain rule ([`fill_domains`]).
fn choose<'a>(
    engine: &'a Engine,
    (mode, desired, budget): (UpdateMode, i64, i64),
    held: Vec<HeldNode>,
) -> Result<Chosen<'a>, RollingUpdateError> {
    let rolling = &engine.index.rolling;
    let used = budget_uses(engine);
    let (Some(zones), Some(topology), Some(desired_per_domain)) = (
        rolling.zones.as_ref(),
        engine.zone_budget.as_ref(),
        engine.index.domains.as_ref(),
    ) else {
        let candidates = rolling.candidates.iter();
        let (batch, chosen) = fill_budget(mode, desired, budget, used, held, candidates);
        return Ok((batch, chosen.len(), Box::new(chosen)));
    };
    let mut limits = BTreeMap::new();
    for (domain, &count) in desired_per_domain {
        let count = i64::try_from(count).unwrap_or(i64::MAX);
        limits.insert(domain, domain_limit(topology, count)?);
    }
    let mut domains = vec![(usize::MAX, zones.vanished.iter())];
    for (domain, candidates) in &zones.candidates {
        let in_use = zones.used.get(domain).copied().unwrap_or(0);
        let in_use = i64::try_from(in_use).unwrap_or(i64::MAX);
        let limit = limits.get(domain).copied().unwrap_or(0);
        domains.push((domain_room(limit, in_use), candidates.iter()));
    }
    let domains = domains
        .into_iter()
        .map(|(room, candidates)| (room, candidates.map(|(name, value)| (name, (name, value)))))
        .collect();
    let room = clamp_budget(budget, used.len(), usize::MAX);
    let (count, chosen) = fill_domains(room, domains);
    let waiting = rolling.candidates.len().saturating_sub(count);
    let batch = UpdateBatch::started(mode, desired, budget, used, waiting, held);
    Ok((batch, count, Box::new(chosen)))
}

/// The rolling update's deletes that take no budget, by (node, pod) name.
fn always_deletes(
    rolling: &index::RollingIndex,
) -> impl Iterator<Item = ((&str, &str), (PodId, DeleteReason))> {
    rolling
        .deletes
        .iter()
        .map(|((k, n), &(p, reason))| ((k.as_ref(), n.as_ref()), (p, reason)))
}

/// Appends the deletes; returns the deleted pods' names.
fn push_deletes(
    pods: &Pods,
    deletes: &[(PodId, DeleteReason)],
    actions: &mut Vec<Action>,
) -> Vec<String> {
    let mut names = Vec::with_capacity(deletes.len());
    for &(p, reason) in deletes {
        if let Some(action) = delete_action(pods, p, reason) {
            names.push(pods.name(p).to_owned());
            actions.push(action);
        }
    }
    names
}
