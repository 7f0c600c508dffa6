//! Plan assembly: reads the indexes into a plan (claims, manage's first actions within the
//! burst limit, the rolling update, status, requeue) and keeps the failed-pod backoff.

use super::delta::PlanDelta;
use super::index::{self, KeyView};
use super::key::{self, Contribution, KeyId, Keys, Name, PodId, Pods, Ref, RollingKey};
use super::output::{self, ActionItem, BatchItems, Last, Sketch, Source};
use super::{Engine, Halt, Planner, State, zone_budget};
use crate::model::{DaemonSet, Node, Pod};
use crate::planning::assembly;
use crate::planning::backoff::FailedPodBackoff;
use crate::planning::cluster::Claim;
use crate::planning::kruise::{Kruise, KruiseScope};
use crate::planning::rolling::{budget_split, budgets, clamp_budget, sunset_room};
use crate::planning::selection::Extensions;
use crate::planning::selection::{domain_limit, domain_room, merge_domains};
use crate::planning::status::status_from_counts;
use crate::planning::types::{
    BudgetUseReason, CreateReason, DeleteReason, HoldReason, PauseReason, Plan, PlanError,
    RollingUpdateError, RollingUpdateStep, UpdateBatch, UpdateMode,
};
use std::collections::BTreeMap;

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
        let made = self.make_plan();
        let last = self.last.take();
        let (next, delta) = match made {
            Err(error) => return Err(error),
            Ok(Made::Whole(plan)) => {
                let previous = last.map(|last| last.plan);
                let delta = want_delta.then(|| PlanDelta::between(previous.as_ref(), &plan));
                (Last::whole(plan), delta)
            }
            Ok(Made::Sketched(shell, sketch)) => {
                let source = Source {
                    keys: &self.keys,
                    pods: &self.pods,
                };
                let (next, delta, old) = output::settle(shell, sketch, last, source, want_delta);
                if let Some(old) = old {
                    self.pool = old.recycled();
                }
                (next, delta)
            }
        };
        let last = self.last.insert(next);
        Ok((&last.plan, delta))
    }

    /// Whether plans come from [`crate::plan`] over the held objects: the indexes do not
    /// answer the strategies' selection (an update order other than by name, a strict budget),
    /// so with either each plan is made from scratch. A topology budget alone is answered by
    /// per-domain sets.
    pub(super) fn plans_from_scratch(&self) -> bool {
        Extensions::from_options(&self.options).is_some() && zone_budget(&self.options).is_none()
    }

    /// The plan for the current objects and time: whole, or (from the indexes) with its lists
    /// by reference, for [`output::settle`] to read.
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
        let mut actions = std::mem::take(&mut self.pool.actions);
        for (name, kind) in &engine.claims {
            let pod = name.clone();
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
                std::mem::take(&mut self.pool.batch).unwrap_or_default(),
                &mut actions,
            );
            if let Some((creates, deletes)) = step.deferred {
                deferred_creates = deferred_creates.saturating_add(creates);
                deferred_deletes = deferred_deletes.saturating_add(deletes);
            }
            batch_items = step.items;
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
            revision: self.revision.hash.clone(),
            actions: Vec::new(),
            status,
            deferred_creates,
            deferred_deletes,
            backoff_requeue,
            failed_pod_backoff: self.options.failed_pod_backoff.clone(),
            rolling_update,
        }
        .finish(&self.daemon_set);
        let sketch = Sketch {
            actions,
            batch: batch_items,
        };
        Ok(Made::Sketched(shell, sketch))
    }
}

/// A plan as [`Planner::make_plan`] makes it.
enum Made {
    /// Made whole (from scratch, or a skipped sync).
    Whole(Plan),
    /// Made from the indexes: every field but the lists (empty), and the lists by reference.
    Sketched(Plan, Sketch),
}


/// Where the burst limit cut manage's creates and deletes: the first deferred item of each.
struct Cuts {
    create: Option<Name>,
    delete: Option<(Name, Name)>,
}

struct Step {
    step: RollingUpdateStep,
    /// The batch's lists, when the step is a batch.
    items: Option<BatchItems>,
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
    mut items: BatchItems,
    actions: &mut Vec<ActionItem>,
) -> Step {
    let desired = i64::try_from(engine.index.counts.desired).unwrap_or(i64::MAX);
    let (max_unavailable, max_surge) = match budgets(ds, desired) {
        Ok(budgets) => budgets,
        Err(error) => {
            return failed(error);
        }
    };
    let scope = match scope {
        None => None,
        Some(Ok(scope)) => Some(scope),
        Some(Err(error)) => return failed(error.clone()),
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
    if let Some(scope) = scope {
        partition(engine, keys, pods, scope.partition, &fixes, &mut items.held);
    }
    let step = if surge {
        surge_batch(engine, pods, desired, max_surge, burst, items, actions)
    } else {
        unavailable_batch(engine, pods, desired, max_unavailable, burst, items, actions)
    };
    let rolling = &mut engine.index.rolling;
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

/// Kruise's update scope on the indexes: keeps the keys a partition of `partition` keeps on
/// the old revision out of the budget sets, and lists the held nodes (those the selector does
/// not take and the partition's old ones, by name) into `held`.
///
/// The keys kept out stay out between plans (the events leave their budget contribution
/// out, see [`index::KruiseClasses::is_out`]); a plan only moves the keys that entered or
/// left the partition since the last one, so its cost is a walk over the partition's keys.
fn partition(
    engine: &mut Engine,
    keys: &Keys,
    pods: &Pods,
    partition: i64,
    fixes: &[(KeyId, RollingKey)],
    held: &mut Vec<(Ref, HoldReason)>,
) {
    let rolling = &mut engine.index.rolling;
    let Some(classes) = &mut rolling.kruise else {
        return;
    };
    let count = classes.partitioned(partition);
    let not_selected = classes
        .not_selected
        .iter()
        .map(|(name, &id)| (name, (id, HoldReason::NotSelected)));
    let partitioned = classes
        .lowest(count)
        .take(classes.old.len())
        .map(|(name, &id)| (name, (id, HoldReason::Partition)));
    held.extend(merge(not_selected, partitioned));
    let (enter, leave) = classes.repartition(count);
    for id in leave {
        if let Some(key) = keys.get(id) {
            let view = current_view(&key.contribution, id, fixes);
            if !key.dirty && index::KruiseClasses::in_scope(view) {
                rolling.apply_budget(keys.name(id), view, pods, true);
            }
        }
    }
    for (id, name) in enter {
        if let Some(key) = keys.get(id) {
            let view = current_view(&key.contribution, id, fixes);
            rolling.apply_budget(&name, view, pods, false);
        }
    }
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
        affected.extend(creates.range(cut.clone()..).map(|(_, key)| key.id));
    }
    if let Some(cut) = &cuts.delete {
        let mut last = None;
        for &(p, _) in engine.index.deletes.range(cut.clone()..).map(|(_, v)| v) {
            let id = pods.get(p.id).and_then(|slot| slot.key);
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

/// Merges two streams sorted by key.
fn merge<K: Ord, T>(
    a: impl Iterator<Item = (K, T)>,
    b: impl Iterator<Item = (K, T)>,
) -> impl Iterator<Item = T> {
    let mut a = a.peekable();
    let mut b = b.peekable();
    std::iter::from_fn(move || {
        let take_a = match (a.peek(), b.peek()) {
            (Some((ka, _)), Some((kb, _))) => ka <= kb,
            (Some(_), None) => true,
            (None, _) => false,
        };
        let next = if take_a { a.next() } else { b.next() };
        next.map(|(_, item)| item)
    })
}

/// The keys using part of the budget, with why, by name.
fn budget_uses(engine: &Engine) -> impl Iterator<Item = (Ref, BudgetUseReason)> + '_ {
    engine
        .index
        .rolling
        .used
        .values()
        .map(|(key, reason)| (*key, reason.clone()))
}

/// maxUnavailable mode: the rolling index's budget uses and candidates through the rolling
/// update's rule ([`budget_split`]), the deletes within the burst limit.
#[allow(clippy::too_many_arguments)]
fn unavailable_batch(
    engine: &Engine,
    pods: &Pods,
    desired: i64,
    max_unavailable: i64,
    burst: usize,
    items: BatchItems,
    actions: &mut Vec<ActionItem>,
) -> Step {
    let rolling = &engine.index.rolling;
    let budget = (UpdateMode::MaxUnavailable, desired, max_unavailable);
    let (batch, mut items, count, chosen) = match choose(engine, budget, items) {
        Ok(chosen) => chosen,
        Err(error) => return failed(error),
    };
    let total = rolling.deletes.len().saturating_add(count);
    let always = always_deletes(rolling);
    let chosen = chosen.map(|(k, &index::Candidate { pod, .. })| {
        let key = (k.as_ref(), PodKey::Held(pods, pod.id));
        (key, (pod, DeleteReason::Outdated))
    });
    push_deletes(merge(always, chosen).take(burst), &mut items, actions);
    Step {
        step: RollingUpdateStep::Batch(batch),
        items: Some(items),
        deferred: Some((0, total.saturating_sub(burst))),
    }
}

/// maxSurge mode: the rolling index's budget uses and candidates through the rolling update's
/// rules ([`budget_split`], [`sunset_room`]), the creates and deletes within the burst limit.
#[allow(clippy::too_many_arguments)]
fn surge_batch(
    engine: &Engine,
    pods: &Pods,
    desired: i64,
    max_surge: i64,
    burst: usize,
    items: BatchItems,
    actions: &mut Vec<ActionItem>,
) -> Step {
    let rolling = &engine.index.rolling;
    if let Some((node, &p)) = rolling.vanished.iter().next() {
        return failed(RollingUpdateError::VanishedNode {
            node: node.to_string(),
            pod: pods.name(p).to_owned(),
        });
    }
    let available = i64::try_from(rolling.available).unwrap_or(i64::MAX);
    let sunset_count = sunset_room(available, desired, rolling.sunset.len());
    let budget = (UpdateMode::MaxSurge, desired, max_surge);
    let (batch, mut items, count, chosen) = match choose(engine, budget, items) {
        Ok(chosen) => chosen,
        Err(error) => return failed(error),
    };
    let total_creates = rolling.creates.len().saturating_add(count);
    let always = rolling
        .creates
        .iter()
        .map(|(k, &id)| (k.as_ref(), (id, CreateReason::SurgeForUnavailable)));
    let chosen = chosen.map(|(k, c)| (k.as_ref(), (c.key, CreateReason::Surge)));
    for (key, reason) in merge(always, chosen).take(burst) {
        items.surged.push(key);
        actions.push(ActionItem::Create(key, reason));
    }

    let always = always_deletes(rolling);
    let sunset = rolling
        .sunset
        .iter()
        .take(sunset_count)
        .map(|(k, &p)| ((k.as_ref(), PodKey::Held(pods, p.id)), (p, DeleteReason::Sunset)));
    let total_deletes = rolling.deletes.len().saturating_add(sunset_count);
    push_deletes(merge(always, sunset).take(burst), &mut items, actions);
    Step {
        step: RollingUpdateStep::Batch(batch),
        items: Some(items),
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
        items: None,
        deferred: None,
    }
}

/// A candidate of the rolling index: its key's name, the key, its old pod and its domain.
type Candidate<'a> = (&'a Name, &'a index::Candidate);

/// What [`choose`] returns: the batch (its lists empty), its lists begun (budget uses and held
/// nodes), how many candidates are chosen, and them by name.
type Chosen<'a> = (
    UpdateBatch,
    BatchItems,
    usize,
    Box<dyn Iterator<Item = Candidate<'a>> + 'a>,
);

/// The batch of budget uses and candidates in the rolling index, through the rolling update's
/// rule ([`budget_split`]) or, with a topology budget, its per-domain rule ([`fill_domains`]).
fn choose<'a>(
    engine: &'a Engine,
    (mode, desired, budget): (UpdateMode, i64, i64),
    mut items: BatchItems,
) -> Result<Chosen<'a>, RollingUpdateError> {
    let rolling = &engine.index.rolling;
    items.used.extend(budget_uses(engine));
    let used = items.used.len();
    let (Some(zones), Some(topology), Some(desired_per_domain)) = (
        rolling.zones.as_ref(),
        engine.zone_budget.as_ref(),
        engine.index.domains.as_ref(),
    ) else {
        let candidates = rolling.candidates.iter();
        let (room, waiting) = budget_split(budget, used, candidates.len());
        let batch = UpdateBatch::started(mode, desired, budget, Vec::new(), waiting, Vec::new());
        return Ok((batch, items, room, Box::new(candidates.take(room))));
    };
    let mut limits = BTreeMap::new();
    for (domain, &count) in desired_per_domain {
        let count = i64::try_from(count).unwrap_or(i64::MAX);
        limits.insert(domain, domain_limit(topology, count)?);
    }
    let room_of = |domain: &Option<Name>| {
        let in_use = zones.used.get(domain).copied().unwrap_or(0);
        let in_use = i64::try_from(in_use).unwrap_or(i64::MAX);
        domain_room(limits.get(domain).copied().unwrap_or(0), in_use)
    };
    let open = zones
        .candidates
        .iter()
        .map(|(domain, candidates)| room_of(domain).min(candidates.len()))
        .fold(zones.vanished.len(), usize::saturating_add);
    let room = clamp_budget(budget, used, usize::MAX);
    let count = room.min(open);
    let mut rooms = vec![0; zones.domain_ids.len()];
    for (domain, &id) in &zones.domain_ids {
        if let Some(slot) = usize::try_from(id).ok().and_then(|id| rooms.get_mut(id)) {
            *slot = room_of(domain);
        }
    }
    let mut chosen = ZoneWalk {
        zones,
        rooms,
        left: count,
        skipped: 0,
        walk: Walk::All(rolling.candidates.iter()),
    };
    if zones.domain_ids.len() >= usize::try_from(index::NO_DOMAIN).unwrap_or(usize::MAX) {
        // More domains than numbers: candidates may share one, so only their sets tell.
        chosen.merge_after(None);
    }
    let waiting = rolling.candidates.len().saturating_sub(count);
    let batch = UpdateBatch::started(mode, desired, budget, Vec::new(), waiting, Vec::new());
    Ok((batch, items, count, Box::new(chosen)))
}

/// How many candidates of full domains a walk over every candidate passes over before it
/// merges the domains' own sets instead.
const SKIPS: usize = 32;

/// A topology budget's choice ([`fill_domains`]'s rule) over the rolling index: the first
/// `left` candidates, in name order, of those their domain's room lets through. It walks every
/// candidate in name order while the domains have room, which costs one step a chosen
/// candidate; once it has passed over [`SKIPS`] candidates of full domains it merges the open
/// domains' own sets from there ([`merge_domains`]), which costs a comparison per open domain
/// and candidate instead.
struct ZoneWalk<'a> {
    zones: &'a index::ZoneIndex,
    /// Room left per domain number.
    rooms: Vec<usize>,
    left: usize,
    skipped: usize,
    walk: Walk<'a>,
}

enum Walk<'a> {
    All(std::collections::btree_map::Iter<'a, Name, index::Candidate>),
    Merged(Box<dyn Iterator<Item = Candidate<'a>> + 'a>),
}

impl<'a> Iterator for ZoneWalk<'a> {
    type Item = Candidate<'a>;

    fn next(&mut self) -> Option<Candidate<'a>> {
        if self.left == 0 {
            return None;
        }
        let candidates = match &mut self.walk {
            Walk::Merged(merged) => {
                let next = merged.next();
                self.left = self.left.saturating_sub(usize::from(next.is_some()));
                return next;
            }
            Walk::All(candidates) => candidates,
        };
        for (name, candidate) in candidates.by_ref() {
            if candidate.domain == index::NO_DOMAIN {
                self.left = self.left.saturating_sub(1);
                return Some((name, candidate));
            }
            let room = usize::try_from(candidate.domain)
                .ok()
                .and_then(|id| self.rooms.get_mut(id));
            if let Some(room) = room.filter(|room| **room > 0) {
                *room = room.saturating_sub(1);
                self.left = self.left.saturating_sub(1);
                return Some((name, candidate));
            }
            self.skipped = self.skipped.saturating_add(1);
            if self.skipped >= SKIPS {
                self.merge_after(Some(name));
                return self.next();
            }
        }
        None
    }
}

impl<'a> ZoneWalk<'a> {
    /// Goes on from after `name` (from the first, without one) by merging the domains' own
    /// sets.
    fn merge_after(&mut self, name: Option<&Name>) {
        use std::ops::Bound::{Excluded, Unbounded};
        let after = (name.map_or(Unbounded, |name| Excluded(name.clone())), Unbounded);
        let mut domains: Vec<(usize, Box<dyn Iterator<Item = _> + 'a>)> = Vec::new();
        let vanished = self.zones.vanished.range(after.clone());
        domains.push((usize::MAX, Box::new(vanished)));
        for (domain, candidates) in &self.zones.candidates {
            let id = self.zones.domain_ids.get(domain).copied();
            let room = id
                .and_then(|id| usize::try_from(id).ok())
                .and_then(|id| self.rooms.get(id))
                .copied()
                .unwrap_or(0);
            domains.push((room, Box::new(candidates.range(after.clone()))));
        }
        let domains = domains
            .into_iter()
            .map(|(room, candidates)| (room, candidates.map(|(name, value)| (name, (name, value)))))
            .collect();
        self.walk = Walk::Merged(Box::new(merge_domains(self.left, domains)));
    }
}

/// The rolling update's deletes that take no budget, by (node, pod) name.
fn always_deletes(
    rolling: &index::RollingIndex,
) -> impl Iterator<Item = ((&str, PodKey<'_>), (Ref, DeleteReason))> {
    rolling
        .deletes
        .iter()
        .map(|((k, n), &(p, reason))| ((k.as_ref(), PodKey::Named(n)), (p, reason)))
}

/// A pod's name as a merge of deletes orders them (after the node's name): read from the pod
/// only when two deletes are on one node, so that ordering them costs no read of each pod.
#[derive(Clone, Copy)]
enum PodKey<'a> {
    Named(&'a str),
    Held(&'a Pods, PodId),
}

impl PodKey<'_> {
    fn name(&self) -> &str {
        match self {
            PodKey::Named(name) => name,
            PodKey::Held(pods, p) => pods.name(*p),
        }
    }
}

impl PartialEq for PodKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for PodKey<'_> {}

impl PartialOrd for PodKey<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PodKey<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.name().cmp(other.name())
    }
}

/// Appends the deletes to the actions and to the batch's deleted pods.
fn push_deletes(
    deletes: impl Iterator<Item = (Ref, DeleteReason)>,
    items: &mut BatchItems,
    actions: &mut Vec<ActionItem>,
) {
    for (pod, reason) in deletes {
        items.deleted.push(pod);
        actions.push(ActionItem::Delete(pod, reason));
    }
}
