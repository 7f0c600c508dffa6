//! The rolling update on the indexes: the budget uses and candidates the rolling index keeps,
//! through the rolling update's rules, with the burst limit, Kruise's partition and a topology
//! budget; the step's actions and batch lists by reference.
//!
//! A plan records how far it read the sets its deletes and held nodes come from, and what
//! bounded them ([`DeletesRead`], the partition's record in the Kruise classes); the sets
//! note the lowest name they changed at since ([`index::Low`]). When nothing changed within
//! what was read and the bounds still hold, the next plan copies those lists instead of
//! reading them again.

use std::collections::BTreeMap;

use super::Engine;
use super::index::{self, Cut, KeyView};
use super::key::{self, Contribution, KeyId, Keys, Name, PodId, Pods, Ref, RollingKey};
use super::output::{ActionItem, BatchItems, Copied};
use crate::model::DaemonSet;
use crate::planning::kruise::KruiseScope;
use crate::planning::rolling::{budget_split, budgets, clamp_budget, sunset_room};
use crate::planning::selection::{domain_limit, domain_room, merge_domains};
use crate::planning::types::{
    BudgetUseReason, CreateReason, DeleteReason, HoldReason, RollingUpdateError, RollingUpdateStep,
    UpdateBatch, UpdateMode,
};

/// The previous plan's lists by reference, when it had a batch: its number, actions and
/// batch lists.
#[derive(Clone, Copy)]
pub(super) struct Previous<'a> {
    pub(super) number: u64,
    pub(super) actions: &'a [ActionItem],
    pub(super) batch: &'a BatchItems,
}

/// Where the burst limit cut manage's creates and deletes: the first deferred item of each.
pub(super) struct Cuts {
    pub(super) create: Option<Name>,
    pub(super) delete: Option<(Name, Name)>,
}

pub(super) struct Step {
    pub(super) step: RollingUpdateStep,
    /// The actions copied from the previous plan, if any.
    pub(super) copied: Option<Copied>,
    /// The batch's lists, when the step is a batch.
    pub(super) items: Option<BatchItems>,
    /// Creates and deletes the rolling update defers (when it ran).
    pub(super) deferred: Option<(usize, usize)>,
}

/// The rolling-update step on the state after manage's executed actions.
#[allow(clippy::too_many_arguments)]
pub(super) fn rolling_step(
    ds: &DaemonSet,
    scope: Option<&Result<KruiseScope, RollingUpdateError>>,
    engine: &mut Engine,
    keys: &Keys,
    pods: &Pods,
    burst: usize,
    cuts: &Cuts,
    mut items: BatchItems,
    (plan, previous): (u64, Option<Previous<'_>>),
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
        let previous = previous.map(|p| (p.number, p.batch));
        let plans = (plan, previous);
        partition(
            engine,
            keys,
            pods,
            scope.partition,
            &fixes,
            plans,
            &mut items,
        );
    }
    let step = if surge {
        surge_batch(engine, pods, desired, max_surge, burst, items, actions)
    } else {
        let limits = (desired, max_unavailable, burst);
        let previous = previous.map(|p| (p.actions, p.batch));
        unavailable_batch(engine, pods, limits, items, previous, actions)
    };
    let rolling = &mut engine.index.rolling;
    // The sets as this plan read them: the next plan compares with these.
    rolling.low_candidates.read();
    rolling.low_deletes.read();
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
    (plan, previous): (u64, Option<(u64, &BatchItems)>),
    items: &mut BatchItems,
) {
    let held = &mut items.held;
    let rolling = &mut engine.index.rolling;
    let Some(classes) = &mut rolling.kruise else {
        return;
    };
    let count = classes.partitioned(partition);
    let same = previous
        .and_then(|(number, old)| classes.unchanged_since(number, count).then_some(&old.held));
    if let Some(old_held) = same {
        held.extend_from_slice(old_held);
        items.held_copied = true;
        classes.read_again(plan);
        return;
    }
    if !classes.not_selected.is_empty() {
        let not_selected = classes
            .not_selected
            .iter()
            .map(|(name, &id)| (name, (id, HoldReason::NotSelected)));
        let partitioned = classes
            .lowest(count)
            .take(classes.old.len())
            .map(|(name, &id)| (name, (id, HoldReason::Partition)));
        held.extend(merge(not_selected, partitioned));
    }
    let (enter, leave) = classes.repartition((plan, count), held);
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
/// update's rule ([`budget_split`]), the deletes within the burst limit; copied from the
/// previous plan when it read the same ([`DeletesRead`]).
#[allow(clippy::too_many_arguments)]
fn unavailable_batch(
    engine: &Engine,
    pods: &Pods,
    (desired, max_unavailable, burst): (i64, i64, usize),
    items: BatchItems,
    previous: Option<(&[ActionItem], &BatchItems)>,
    actions: &mut Vec<ActionItem>,
) -> Step {
    let rolling = &engine.index.rolling;
    let budget = (UpdateMode::MaxUnavailable, desired, max_unavailable);
    let (batch, mut items, count, mut chosen) = match choose(engine, budget, items) {
        Ok(chosen) => chosen,
        Err(error) => return failed(error),
    };
    let total = rolling.deletes.len().saturating_add(count);
    let start = actions.len();
    let same = previous.and_then(|(old_actions, old)| {
        let read = old.deletes_read.as_ref()?;
        let holds = read.burst == burst
            && rolling.low_deletes.unchanged_to(&read.always)
            && rolling.low_candidates.unchanged_to(&read.chosen.cut)
            && read.chosen.holds(&chosen.limit);
        let end = read.start.checked_add(read.len)?;
        let copied = old_actions.get(read.start..end)?;
        holds.then_some((read, copied, &old.deleted))
    });
    let mut copy = None;
    if let Some((read, copied, deleted)) = same {
        copy = Some(Copied {
            old: read.start,
            new: start,
            len: copied.len(),
        });
        actions.extend_from_slice(copied);
        items.deleted.extend_from_slice(deleted);
        items.deletes_read = Some(DeletesRead {
            start,
            chosen: ChosenRead {
                limit: chosen.limit.clone(),
                ..read.chosen.clone()
            },
            ..read.clone()
        });
    } else {
        let mut always = Reading::new(rolling.deletes.iter());
        let always_keyed = always.by_ref().map(|((k, n), &(p, reason))| {
            let key = (k, PodKey::Named(n));
            ((k.as_ref(), key.1), (key, (p, reason)))
        });
        let chosen_keyed = chosen.by_ref().map(|(k, c)| {
            let key = (k, PodKey::Held(pods, c.pod.id));
            ((k.as_ref(), key.1), (key, (c.pod, DeleteReason::Outdated)))
        });
        let mut last = None;
        for (key, (pod, reason)) in merge(always_keyed, chosen_keyed).take(burst) {
            items.deleted.push(pod);
            actions.push(ActionItem::Delete(pod, reason));
            last = Some(key);
        }
        let len = actions.len().saturating_sub(start);
        // When the burst limit cut the deletes, nothing past the last one was needed: a
        // change there leaves the deletes as they are, whatever each set was read up to.
        let bound = last
            .filter(|_| len == burst)
            .map(|(node, pod)| (node.clone(), Name::from(pod.name())));
        let always = always.cut().within(bound.as_ref());
        let node = bound.map(|(node, _)| node);
        items.deletes_read = chosen.read().map(|mut chosen| {
            chosen.cut = chosen.cut.within(node.as_ref());
            DeletesRead {
                start,
                len,
                burst,
                always,
                chosen,
            }
        });
    }
    Step {
        step: RollingUpdateStep::Batch(batch),
        copied: copy,
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
    let sunset = rolling.sunset.iter().take(sunset_count).map(|(k, &p)| {
        (
            (k.as_ref(), PodKey::Held(pods, p.id)),
            (p, DeleteReason::Sunset),
        )
    });
    let total_deletes = rolling.deletes.len().saturating_add(sunset_count);
    push_deletes(merge(always, sunset).take(burst), &mut items, actions);
    Step {
        step: RollingUpdateStep::Batch(batch),
        copied: None,
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
        copied: None,
        items: None,
        deferred: None,
    }
}

/// A candidate of the rolling index: its key's name, the key, its old pod and its domain.
type Candidate<'a> = (&'a Name, &'a index::Candidate);

/// What [`choose`] returns: the batch (its lists empty), its lists begun (budget uses and held
/// nodes), how many candidates are chosen, and them by name.
type Chosen<'a> = (UpdateBatch, BatchItems, usize, Chooser<'a>);

/// The batch of budget uses and candidates in the rolling index, through the rolling update's
/// rule ([`budget_split`]) or, with a topology budget, its per-domain rule
/// ([`merge_domains`]).
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
        let (room, waiting) = budget_split(budget, used, rolling.candidates.len());
        let batch = UpdateBatch::started(mode, desired, budget, Vec::new(), waiting, Vec::new());
        let chooser = Chooser {
            left: room,
            limit: Limit::Room(room),
            taken: 0,
            at_limit: false,
            walk: Walk::All(Reading::new(rolling.candidates.iter())),
            zones: None,
            skipped: 0,
            full: Vec::new(),
        };
        return Ok((batch, items, room, chooser));
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
    let mut chooser = Chooser {
        left: count,
        limit: Limit::Zones {
            count,
            rooms: rooms.clone(),
        },
        taken: 0,
        at_limit: false,
        walk: Walk::All(Reading::new(rolling.candidates.iter())),
        full: vec![false; rooms.len()],
        zones: Some((zones, rooms)),
        skipped: 0,
    };
    if zones.domain_ids.len() >= usize::try_from(index::NO_DOMAIN).unwrap_or(usize::MAX) {
        // More domains than numbers: candidates may share one, so only their sets tell.
        chooser.merge_after(None);
    }
    let waiting = rolling.candidates.len().saturating_sub(count);
    let batch = UpdateBatch::started(mode, desired, budget, Vec::new(), waiting, Vec::new());
    Ok((batch, items, count, chooser))
}

/// A walk over a sorted map that remembers the last key it read and whether it read them
/// all: what a plan read of a set, for the next plan to tell whether it would read the same
/// ([`index::Low`]).
struct Reading<'a, K, V, I> {
    iter: I,
    last: Option<&'a K>,
    ended: bool,
    values: std::marker::PhantomData<&'a V>,
}

impl<'a, K, V, I: Iterator<Item = (&'a K, &'a V)>> Reading<'a, K, V, I> {
    fn new(iter: I) -> Self {
        Reading {
            iter,
            last: None,
            ended: false,
            values: std::marker::PhantomData,
        }
    }

    /// How far the walk read.
    fn cut(&self) -> Cut<K>
    where
        K: Clone,
    {
        match self.last {
            _ if self.ended => Cut::All,
            Some(last) => Cut::Upto(last.clone()),
            None => Cut::Nothing,
        }
    }
}

impl<'a, K, V, I: Iterator<Item = (&'a K, &'a V)>> Iterator for Reading<'a, K, V, I> {
    type Item = (&'a K, &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        let next = self.iter.next();
        match next {
            Some((key, _)) => self.last = Some(key),
            None => self.ended = true,
        }
        next
    }
}

/// How many candidates of full domains a walk over every candidate passes over before it
/// merges the domains' own sets instead.
const SKIPS: usize = 32;

/// The chosen candidates, lazily, in name order: the first `room` candidates, or with a
/// topology budget the first `count` of those their domain's room lets through
/// ([`merge_domains`]'s rule).
///
/// With a topology budget it walks every candidate in name order while the domains have
/// room, which costs one step a chosen candidate; once it has passed over [`SKIPS`]
/// candidates of full domains it merges the open domains' own sets from there, which costs a
/// comparison per open domain and candidate instead. It remembers what it read (for
/// [`DeletesRead`]).
pub(super) struct Chooser<'a> {
    /// How many more may be chosen.
    left: usize,
    limit: Limit,
    /// How many were chosen, and whether the limit ended them.
    taken: usize,
    at_limit: bool,
    walk: Walk<'a>,
    /// With a topology budget: its index, and the room left per domain number.
    zones: Option<(&'a index::ZoneIndex, Vec<usize>)>,
    skipped: usize,
    /// Per domain number: a candidate was passed over for want of room.
    full: Vec<bool>,
}

type Candidates<'a> = std::collections::btree_map::Iter<'a, Name, index::Candidate>;

enum Walk<'a> {
    All(Reading<'a, Name, index::Candidate, Candidates<'a>>),
    Merged(Box<dyn Iterator<Item = Candidate<'a>> + 'a>),
}

impl<'a> Iterator for Chooser<'a> {
    type Item = Candidate<'a>;

    fn next(&mut self) -> Option<Candidate<'a>> {
        if self.left == 0 {
            self.at_limit = true;
            return None;
        }
        let next = self.step();
        if next.is_some() {
            self.left = self.left.saturating_sub(1);
            self.taken = self.taken.saturating_add(1);
        }
        next
    }
}

impl<'a> Chooser<'a> {
    fn step(&mut self) -> Option<Candidate<'a>> {
        let candidates = match &mut self.walk {
            Walk::Merged(merged) => return merged.next(),
            Walk::All(candidates) => candidates,
        };
        let Some((_, rooms)) = &mut self.zones else {
            return candidates.next();
        };
        for (name, candidate) in candidates.by_ref() {
            if candidate.domain == index::NO_DOMAIN {
                return Some((name, candidate));
            }
            let id = usize::try_from(candidate.domain).unwrap_or(usize::MAX);
            if let Some(room) = rooms.get_mut(id).filter(|room| **room > 0) {
                *room = room.saturating_sub(1);
                return Some((name, candidate));
            }
            if let Some(full) = self.full.get_mut(id) {
                *full = true;
            }
            self.skipped = self.skipped.saturating_add(1);
            if self.skipped >= SKIPS {
                self.merge_after(Some(name));
                return self.step();
            }
        }
        None
    }

    /// Goes on from after `name` (from the first, without one) by merging the domains' own
    /// sets.
    fn merge_after(&mut self, name: Option<&Name>) {
        use std::ops::Bound::{Excluded, Unbounded};
        let Some((zones, rooms)) = &self.zones else {
            return;
        };
        let after = (
            name.map_or(Unbounded, |name| Excluded(name.clone())),
            Unbounded,
        );
        let mut domains: Vec<(usize, Box<dyn Iterator<Item = _> + 'a>)> = Vec::new();
        domains.push((usize::MAX, Box::new(zones.vanished.range(after.clone()))));
        for (domain, candidates) in &zones.candidates {
            let id = zones.domain_ids.get(domain).copied();
            let room = id
                .and_then(|id| usize::try_from(id).ok())
                .and_then(|id| rooms.get(id))
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

    /// What this walk read, unless it merged the domains' sets (which a record does not
    /// follow).
    fn read(&self) -> Option<ChosenRead> {
        let Walk::All(reading) = &self.walk else {
            return None;
        };
        let taken_per_domain = match (&self.zones, &self.limit) {
            (Some((_, left)), Limit::Zones { rooms, .. }) => rooms
                .iter()
                .zip(left)
                .map(|(before, after)| before.saturating_sub(*after))
                .collect(),
            _ => Vec::new(),
        };
        Some(ChosenRead {
            cut: reading.cut(),
            taken: self.taken,
            at_limit: self.at_limit,
            limit: self.limit.clone(),
            taken_per_domain,
            full: self.full.clone(),
        })
    }
}

/// What bounds the chosen candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Limit {
    /// The first `room`.
    Room(usize),
    /// With a topology budget: `count` in all, and each domain's room.
    Zones { count: usize, rooms: Vec<usize> },
}

/// What a plan read of the chosen candidates.
#[derive(Debug, Clone)]
struct ChosenRead {
    /// How far the candidates were read.
    cut: Cut<Name>,
    /// How many were chosen (read by the merge), and whether the limit ended them.
    taken: usize,
    at_limit: bool,
    limit: Limit,
    /// With a topology budget: how many each domain let through, and whether it turned one
    /// away.
    taken_per_domain: Vec<usize>,
    full: Vec<bool>,
}

impl ChosenRead {
    /// Whether the chosen candidates under `limit` start as they did, as far as they were
    /// read (the candidate set is unchanged up to the cut).
    fn holds(&self, limit: &Limit) -> bool {
        // A limit that ended the chosen must be the same; one that did not may grow, or
        // shrink down to what was taken.
        let reached = |before: usize, now: usize, taken: usize, stopped: bool| {
            if stopped { now == before } else { now >= taken }
        };
        let at_limit = self.at_limit;
        match (&self.limit, limit) {
            (Limit::Room(before), Limit::Room(now)) => reached(*before, *now, self.taken, at_limit),
            (
                Limit::Zones {
                    count: count_before,
                    rooms: before,
                },
                Limit::Zones { count, rooms },
            ) => {
                before.len() == rooms.len()
                    && reached(*count_before, *count, self.taken, at_limit)
                    && before
                        .iter()
                        .zip(rooms)
                        .zip(self.taken_per_domain.iter().zip(&self.full))
                        .all(|((before, now), (taken, full))| reached(*before, *now, *taken, *full))
            }
            _ => false,
        }
    }
}

/// How a plan read the rolling update's deletes in maxUnavailable mode (the merge of the
/// deletions without budget and the chosen candidates, up to the burst limit): enough for the
/// next plan to tell whether it would read the same, and where they sit in the plan's
/// actions. The deletes of a plan are most of a large plan, and most events change neither
/// set where a plan reads it, so the next plan copies them instead of reading them again.
#[derive(Debug, Clone)]
pub(super) struct DeletesRead {
    /// Where the deletes start in the plan's actions, and how many.
    start: usize,
    len: usize,
    burst: usize,
    /// How far the deletions without budget were read.
    always: Cut<(Name, Name)>,
    chosen: ChosenRead,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn chosen(cut: Cut<Name>, taken: usize, at_limit: bool, limit: Limit) -> ChosenRead {
        let (taken_per_domain, full) = match &limit {
            Limit::Zones { rooms, .. } => (vec![0; rooms.len()], vec![false; rooms.len()]),
            Limit::Room(_) => (Vec::new(), Vec::new()),
        };
        ChosenRead {
            cut,
            taken,
            at_limit,
            limit,
            taken_per_domain,
            full,
        }
    }

    #[test]
    fn chosen_candidates_cut_short_by_their_limit_need_the_same_limit() {
        // Regression: a room of 0 reads no candidate at all; a room of 1 reads one.
        let read = chosen(Cut::Nothing, 0, true, Limit::Room(0));
        assert!(read.holds(&Limit::Room(0)));
        assert!(!read.holds(&Limit::Room(1)));
        let read = chosen(Cut::Upto(Name::from("n3")), 3, true, Limit::Room(3));
        assert!(read.holds(&Limit::Room(3)));
        assert!(!read.holds(&Limit::Room(4)));
        assert!(!read.holds(&Limit::Room(2)));
    }

    #[test]
    fn chosen_candidates_cut_short_by_the_burst_limit_allow_any_room_above_them() {
        let read = chosen(Cut::Upto(Name::from("n3")), 3, false, Limit::Room(10));
        assert!(read.holds(&Limit::Room(3)));
        assert!(read.holds(&Limit::Room(9_999)));
        assert!(!read.holds(&Limit::Room(2)));
        assert!(!read.holds(&Limit::Zones {
            count: 10,
            rooms: Vec::new(),
        }));
    }

    #[test]
    fn a_full_domain_needs_the_same_room_and_the_others_room_for_what_they_gave() {
        let limit = Limit::Zones {
            count: 5,
            rooms: vec![1, 4],
        };
        let mut read = chosen(Cut::Upto(Name::from("n9")), 3, false, limit);
        // The first domain let its one candidate through and turned the next away.
        read.taken_per_domain = vec![1, 2];
        read.full = vec![true, false];
        let zones = |count, rooms: Vec<usize>| Limit::Zones { count, rooms };
        assert!(read.holds(&zones(5, vec![1, 4])));
        assert!(read.holds(&zones(4, vec![1, 2])));
        assert!(!read.holds(&zones(5, vec![2, 4])));
        assert!(!read.holds(&zones(5, vec![1, 1])));
        assert!(!read.holds(&zones(2, vec![1, 4])));
        assert!(!read.holds(&zones(5, vec![1, 4, 3])));
    }

    #[test]
    fn a_reading_tells_how_far_it_read() {
        let map: BTreeMap<Name, u32> = [("a", 1), ("b", 2)]
            .into_iter()
            .map(|(k, v)| (Name::from(k), v))
            .collect();
        let mut reading = Reading::new(map.iter());
        assert_eq!(reading.cut(), Cut::Nothing);
        reading.next();
        assert_eq!(reading.cut(), Cut::Upto(Name::from("a")));
        reading.next();
        reading.next();
        assert_eq!(reading.cut(), Cut::All);
        let empty: BTreeMap<Name, u32> = BTreeMap::new();
        let mut reading = Reading::new(empty.iter());
        reading.next();
        assert_eq!(reading.cut(), Cut::All);
    }

    #[test]
    fn merge_takes_the_lower_key_first_and_the_first_stream_on_ties() {
        let a = [(1, "a1"), (3, "a3"), (3, "a3'")].into_iter();
        let b = [(2, "b2"), (3, "b3")].into_iter();
        let merged: Vec<&str> = merge(a, b).collect();
        assert_eq!(merged, ["a1", "b2", "a3", "a3'", "b3"]);
    }
}
