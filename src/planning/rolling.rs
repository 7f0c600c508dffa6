//! The rolling-update step (upstream's `rollingUpdate`), evaluated on the state after manage's
//! actions: pods manage deletes are gone, pods it creates are present as new, unscheduled and
//! not Ready.
//!
//! For an Advanced DaemonSet the loops run over Kruise's update scope only (partition and node
//! selector; `kruise.rs`); with options beyond upstream, `selection.rs` picks among the old pods
//! the loops find.

use super::cluster::{PodFacts, Snapshot};
use super::kruise::KruiseScope;
use super::selection::{self, Collected, Extensions, Item};
use super::types::{
    BudgetUse, BudgetUseReason, CreateReason, DeleteReason, HeldNode, HoldReason,
    RollingUpdateError, UpdateBatch, UpdateMode,
};
use crate::model::{DaemonSet, IntOrPercentError, Node, Pod};

/// The rolling update's decisions before the burst cap.
#[derive(Debug, Default)]
pub(crate) struct RollingOutcome {
    pub(crate) creates: Vec<(usize, CreateReason)>,
    pub(crate) deletes: Vec<(usize, DeleteReason)>,
}

pub(crate) struct RollingContext<'a> {
    pub(crate) daemon_set: &'a DaemonSet,
    /// Per node: manage creates a pod there in this plan.
    pub(crate) created: &'a [bool],
    /// Per pod: manage deletes it in this plan.
    pub(crate) deleted: &'a [bool],
    /// An Advanced DaemonSet's update scope, or why it cannot be computed.
    pub(crate) kruise: Option<&'a Result<KruiseScope, RollingUpdateError>>,
    /// Options beyond upstream that change which old pods are picked.
    pub(crate) extensions: Option<&'a Extensions<'a>>,
}

/// Which keys of the node-to-pods map the loops visit.
#[derive(Clone, Copy)]
enum Visit<'a> {
    /// Every key, vanished nodes included (upstream).
    All,
    /// Nodes of the node list only (Kruise drops the names of nodes that do not exist).
    Existing,
    /// The nodes flagged in scope (Kruise's update scope).
    Scope(&'a [bool]),
}

/// Kruise's update scope, worked out on the post-manage state.
struct Scope {
    /// Per node of the node list.
    in_scope: Vec<bool>,
    /// Nodes with an old pod outside the scope.
    held: Vec<HeldNode>,
}

/// A pod as the rolling update sees it: one of the snapshot's, or one manage creates now.
#[derive(Clone, Copy)]
enum View {
    Existing(usize),
    Created,
}

/// The new and old pod of one key, or `None` when it has several of either.
#[derive(Clone, Copy)]
struct Split {
    new: Option<View>,
    old: Option<usize>,
}

/// One key of upstream's node-to-pods map: a node of the list, or a vanished node's name.
struct Key<'a> {
    place: Place<'a>,
    node: Option<usize>,
    split: Option<Split>,
}

/// Where a key's name is. Read only when a decision names the key: reading it for every key
/// would be one more pass over the node objects, a cache miss per node at scale.
#[derive(Clone, Copy)]
enum Place<'a> {
    Listed(&'a Node),
    Vanished(&'a str),
}

impl<'a> Key<'a> {
    fn name(&self) -> &'a str {
        match self.place {
            Place::Listed(node) => &node.metadata.name,
            Place::Vanished(name) => name,
        }
    }
}

/// Upstream's `UnavailableCount` and `SurgeCount` for `desired` nodes, with the both-zero
/// fallback.
pub(crate) fn budgets(
    daemon_set: &DaemonSet,
    desired: i64,
) -> Result<(i64, i64), RollingUpdateError> {
    let Some(rolling) = daemon_set
        .spec
        .update_strategy
        .rolling_update
        .as_ref()
        .filter(|_| daemon_set.is_rolling_update())
    else {
        return Ok((if desired > 0 { 1 } else { 0 }, 0));
    };
    // Kruise's controller reads an unset maxUnavailable as 0; upstream fails.
    let max_unavailable = match rolling.max_unavailable.as_ref() {
        None if daemon_set.is_kruise() => Ok(0),
        value => value
            .ok_or(IntOrPercentError::Missing)
            .and_then(|v| v.scaled_value(desired, true)),
    }
    .map_err(|source| RollingUpdateError::Budget {
        field: "maxUnavailable",
        source,
    })?;
    let max_surge = match &rolling.max_surge {
        None => 0,
        Some(value) => {
            value
                .scaled_value(desired, true)
                .map_err(|source| RollingUpdateError::Budget {
                    field: "maxSurge",
                    source,
                })?
        }
    };
    if desired > 0 && max_unavailable == 0 && max_surge == 0 {
        return Ok((1, 0));
    }
    Ok((max_unavailable, max_surge))
}

/// Upstream's `AllowsSurge`: maxSurge scaled against one node is positive.
pub(crate) fn allows_surge(daemon_set: &DaemonSet) -> bool {
    daemon_set.is_rolling_update()
        && daemon_set
            .spec
            .update_strategy
            .rolling_update
            .as_ref()
            .and_then(|r| r.max_surge.as_ref())
            .and_then(|v| v.scaled_value(1, true).ok())
            .is_some_and(|v| v > 0)
}

pub(crate) fn rolling_update(
    ctx: &RollingContext<'_>,
    snapshot: &Snapshot<'_>,
) -> Result<(UpdateBatch, RollingOutcome), RollingUpdateError> {
    let desired = (0..snapshot.nodes.len())
        .filter(|&i| snapshot.placement(i).should_run)
        .count();
    let desired = i64::try_from(desired).unwrap_or(i64::MAX);
    let (max_unavailable, max_surge) = budgets(ctx.daemon_set, desired)?;
    let scope = match ctx.kruise {
        None => None,
        Some(Ok(kruise)) => Some(kruise_scope(ctx, snapshot, kruise)?),
        Some(Err(error)) => return Err(error.clone()),
    };
    let (in_scope, held) = match scope {
        Some(scope) => (Some(scope.in_scope), scope.held),
        None => (None, Vec::new()),
    };
    let visit = in_scope.as_deref().map_or(Visit::All, Visit::Scope);
    if max_surge == 0 {
        without_surge(ctx, snapshot, visit, held, desired, max_unavailable)
    } else {
        with_surge(ctx, snapshot, visit, held, desired, max_surge)
    }
}

/// Kruise's `filterDaemonPodsNodeToUpdate`: walking the existing keys from the highest name
/// down, nodes already updated (or with several pods of a kind) come first, then nodes without
/// a pod, then nodes with an old pod (only those the selector matches, when there is one); the
/// first `keys - partition` of them are in scope.
fn kruise_scope(
    ctx: &RollingContext<'_>,
    snapshot: &Snapshot<'_>,
    kruise: &KruiseScope,
) -> Result<Scope, RollingUpdateError> {
    let mut keys: Vec<(&str, usize, Option<Split>)> = Vec::new();
    for_each_key(ctx, snapshot, Visit::Existing, |key| {
        if let Some(node) = key.node {
            keys.push((key.name(), node, key.split));
        }
        Ok(())
    })?;
    keys.sort_by(|a, b| a.0.cmp(b.0));
    let total = i64::try_from(keys.len()).unwrap_or(i64::MAX);
    let mut updated = Vec::new();
    let mut updating = Vec::new();
    let mut old = Vec::new();
    let mut not_selected = Vec::new();
    for &(name, node, split) in keys.iter().rev() {
        match split {
            None => updated.push(node),
            Some(Split { new: Some(_), .. }) => updated.push(node),
            Some(Split { old: None, .. }) => updating.push(node),
            Some(_) => match &kruise.selector {
                Some(selector) => {
                    let labels = snapshot.nodes.get(node).map(|n| &n.metadata.labels);
                    if labels.is_some_and(|labels| selector.matches(labels)) {
                        old.push(node);
                    } else {
                        not_selected.push(name);
                    }
                }
                None => old.push(node),
            },
        }
    }
    let mut ordered = updated;
    ordered.append(&mut updating);
    ordered.append(&mut old);
    let room = usize::try_from(total.saturating_sub(kruise.partition).max(0)).unwrap_or(0);
    ordered.truncate(room);
    let mut in_scope = vec![false; snapshot.nodes.len()];
    for node in ordered {
        if let Some(flag) = in_scope.get_mut(node) {
            *flag = true;
        }
    }
    let mut held = Vec::new();
    for &(name, node, split) in &keys {
        let only_old = matches!(
            split,
            Some(Split {
                new: None,
                old: Some(_)
            })
        );
        if only_old && !in_scope.get(node).copied().unwrap_or(false) {
            let reason = if not_selected.contains(&name) {
                HoldReason::NotSelected
            } else {
                HoldReason::Partition
            };
            held.push(HeldNode {
                node: name.to_owned(),
                reason,
            });
        }
    }
    Ok(Scope { in_scope, held })
}

/// Nodes of the node list with one non-terminating pod of the current revision and at most one
/// old one, before this plan's actions (Kruise's `newPods` for progressive creation).
pub(crate) fn nodes_with_one_new_pod(snapshot: &Snapshot<'_>) -> i64 {
    let count = (0..snapshot.nodes.len())
        .filter(|&node| {
            let views = snapshot.pods_of(node).iter().map(View::Existing);
            matches!(split(snapshot, views), Some(Split { new: Some(_), .. }))
        })
        .count();
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// Visits the keys of the post-manage node-to-pods map `visit` asks for: nodes with pods left
/// or created, desired nodes without pods, and vanished nodes with pods left.
fn for_each_key<'a>(
    ctx: &RollingContext<'_>,
    snapshot: &'a Snapshot<'a>,
    filter: Visit<'_>,
    mut visit: impl FnMut(Key<'a>) -> Result<(), RollingUpdateError>,
) -> Result<(), RollingUpdateError> {
    let live = |p: usize| !ctx.deleted.get(p).copied().unwrap_or(false);
    for node in 0..snapshot.nodes.len() {
        if let Visit::Scope(in_scope) = filter
            && !in_scope.get(node).copied().unwrap_or(false)
        {
            continue;
        }
        let created = ctx.created.get(node).copied().unwrap_or(false);
        let pods = snapshot.pods_of(node);
        let has_pods = created || pods.iter().any(live);
        if !has_pods && !snapshot.placement(node).should_run {
            continue;
        }
        let views = pods
            .iter()
            .filter(|&p| live(p))
            .map(View::Existing)
            .chain(created.then_some(View::Created));
        let Some(listed) = snapshot.nodes.get(node) else {
            continue;
        };
        visit(Key {
            place: Place::Listed(listed),
            node: Some(node),
            split: split(snapshot, views),
        })?;
    }
    if !matches!(filter, Visit::All) {
        return Ok(());
    }
    for (name, pods) in &snapshot.vanished {
        if !pods.iter().any(|&p| live(p)) {
            continue;
        }
        let views = pods
            .iter()
            .copied()
            .filter(|&p| live(p))
            .map(View::Existing);
        visit(Key {
            place: Place::Vanished(name),
            node: None,
            split: split(snapshot, views),
        })?;
    }
    Ok(())
}

/// Upstream's `findUpdatedPodsOnNode`, ignoring terminating pods.
fn split(snapshot: &Snapshot<'_>, views: impl Iterator<Item = View>) -> Option<Split> {
    let (new, old) = find_updated(views.map(|view| (view, facts_of(snapshot, view))))?;
    let old = match old {
        Some(View::Existing(p)) => Some(p),
        // A pod manage creates is of the current revision.
        Some(View::Created) | None => None,
    };
    Some(Split { new, old })
}

/// Upstream's `findUpdatedPodsOnNode` over one key's pods (however they are held), ignoring
/// terminating ones: its pod of the current revision and its old pod, or `None` when it has
/// several of either.
pub(crate) fn find_updated<P>(
    pods: impl Iterator<Item = (P, PodFacts)>,
) -> Option<(Option<P>, Option<P>)> {
    let (mut new, mut old) = (None, None);
    for (pod, facts) in pods {
        if facts.terminating() {
            continue;
        }
        let slot = if facts.updated() { &mut new } else { &mut old };
        if slot.replace(pod).is_some() {
            return None;
        }
    }
    Some((new, old))
}

fn facts_of(snapshot: &Snapshot<'_>, view: View) -> PodFacts {
    match view {
        View::Existing(p) => snapshot.facts(p),
        View::Created => PodFacts::CREATED,
    }
}

/// Why a new pod is not available yet.
fn unavailability(snapshot: &Snapshot<'_>, view: View, min_ready: i32) -> BudgetUseReason {
    match view {
        View::Existing(p) => unavailable_reason(snapshot.pod(p), min_ready),
        View::Created => BudgetUseReason::Created,
    }
}

/// Why an existing new pod is not available yet: not Ready, or Ready for less than
/// minReadySeconds (until when).
pub(crate) fn unavailable_reason(pod: Option<&Pod>, min_ready_seconds: i32) -> BudgetUseReason {
    let Some(pod) = pod.filter(|pod| pod.is_ready()) else {
        return BudgetUseReason::NotReady;
    };
    pod.ready_condition()
        .and_then(|c| c.last_transition_time)
        .and_then(|t| t.checked_add_seconds(i64::from(min_ready_seconds)))
        .map_or(
            BudgetUseReason::NotReady,
            BudgetUseReason::WithinMinReadySeconds,
        )
}

/// Something the rolling update picks by its key's name.
trait Named {
    fn key_name(&self) -> &str;
}

impl<T> Named for (&str, T) {
    fn key_name(&self) -> &str {
        self.0
    }
}

/// Keeps the first `count` items by key name: upstream picks in random map order; this crate
/// picks in node-name order.
fn first_by_name<T: Named>(mut items: Vec<T>, count: usize) -> Vec<T> {
    items.sort_by(|a, b| a.key_name().cmp(b.key_name()));
    items.truncate(count);
    items
}

/// The budget loops' last step, however the keys were found (a walk over the objects, or the
/// incremental planner's indexes): the nodes in `used` (by name) already count against
/// `budget`; the first `candidates` in name order fill what is left, the rest wait. Returns the
/// batch (its actions not filled in yet) and the chosen candidates.
pub(crate) fn fill_budget<C: ExactSizeIterator>(
    mode: UpdateMode,
    desired: i64,
    budget: i64,
    used: Vec<BudgetUse>,
    held: Vec<HeldNode>,
    candidates: C,
) -> (UpdateBatch, std::iter::Take<C>) {
    let (room, waiting) = budget_split(budget, used.len(), candidates.len());
    let batch = UpdateBatch::started(mode, desired, budget, used, waiting, held);
    (batch, candidates.take(room))
}

/// The budget rule itself: with `used` nodes already counting against `budget`, how many of
/// `candidates` are chosen now (the first in the update's order), and how many wait.
pub(crate) fn budget_split(budget: i64, used: usize, candidates: usize) -> (usize, usize) {
    let room = clamp_budget(budget, used, candidates);
    (room, candidates.saturating_sub(room))
}

/// maxSurge mode: how many of `sunset` available old pods on nodes that should no longer run
/// are deleted (as many as there are available pods beyond the `desired` count).
pub(crate) fn sunset_room(available: i64, desired: i64, sunset: usize) -> usize {
    usize::try_from(available.saturating_sub(desired).max(0))
        .unwrap_or(usize::MAX)
        .min(sunset)
}

pub(crate) fn clamp_budget(budget: i64, used: usize, available: usize) -> usize {
    let used = i64::try_from(used).unwrap_or(i64::MAX);
    usize::try_from(budget.saturating_sub(used).max(0))
        .unwrap_or(usize::MAX)
        .min(available)
}

/// Whether a key is done for the order's gates: it runs only an available pod of the current
/// revision.
fn done(snapshot: &Snapshot<'_>, split: Option<Split>) -> bool {
    matches!(split, Some(Split { new: Some(new), old: None }) if facts_of(snapshot, new).available())
}

fn without_surge(
    ctx: &RollingContext<'_>,
    snapshot: &Snapshot<'_>,
    visit: Visit<'_>,
    held: Vec<HeldNode>,
    desired: i64,
    max_unavailable: i64,
) -> Result<(UpdateBatch, RollingOutcome), RollingUpdateError> {
    let min_ready = ctx.daemon_set.spec.min_ready_seconds;
    let ext = ctx.extensions;
    let gated = ext.is_some_and(Extensions::needs_gate);
    let mut used = Vec::new();
    let mut used_nodes = Vec::new();
    let mut replace = Vec::new();
    let mut candidates = Vec::new();
    let mut states = Vec::new();
    for_each_key(ctx, snapshot, visit, |key| {
        if gated
            && let Some(node) = key.node
            && snapshot.placement(node).should_run
        {
            states.push((node, done(snapshot, key.split)));
        }
        let mut count = |reason| {
            used.push(BudgetUse {
                node: key.name().to_owned(),
                reason,
            });
            if ext.is_some() {
                used_nodes.push(key.node);
            }
        };
        match key.split {
            None => count(BudgetUseReason::SeveralPods),
            Some(Split {
                new: None,
                old: None,
            }) => count(BudgetUseReason::NoPod),
            Some(Split {
                new: Some(_),
                old: Some(_),
            }) => count(BudgetUseReason::OldAndNew),
            Some(Split {
                new: Some(new),
                old: None,
            }) => {
                if !facts_of(snapshot, new).available() {
                    count(unavailability(snapshot, new, min_ready));
                }
            }
            Some(Split {
                new: None,
                old: Some(p),
            }) => {
                let item = Item {
                    name: key.name(),
                    node: key.node,
                    target: p,
                    unavailable: false,
                    pod: p,
                };
                if snapshot.facts(p).available() {
                    candidates.push(item);
                } else {
                    if ext.is_none() {
                        count(BudgetUseReason::OldUnavailable);
                    }
                    replace.push(Item {
                        unavailable: true,
                        ..item
                    });
                }
            }
        }
        Ok(())
    })?;
    let mut outcome = RollingOutcome::default();
    if let Some(ext) = ext {
        let collected = Collected {
            used,
            used_nodes,
            forced: replace,
            candidates,
            states,
        };
        let (batch, deletes) = pick_beyond(
            ext,
            snapshot,
            (UpdateMode::MaxUnavailable, desired, max_unavailable),
            collected,
            held,
            min_ready,
            |target| (target, DeleteReason::OutdatedUnavailable),
            |target| (target, DeleteReason::Outdated),
        )?;
        outcome.deletes.extend(deletes);
        return Ok((batch, outcome));
    }
    // Candidates never raise the running count, so when the final count is under the budget
    // every available old pod was a candidate, and otherwise none is deleted.
    outcome.deletes.extend(
        replace
            .iter()
            .map(|item| (item.target, DeleteReason::OutdatedUnavailable)),
    );
    used.sort_by(|a, b| a.node.cmp(&b.node));
    candidates.sort_by(|a, b| a.name.cmp(b.name));
    let (batch, chosen) = fill_budget(
        UpdateMode::MaxUnavailable,
        desired,
        max_unavailable,
        used,
        held,
        candidates.into_iter(),
    );
    outcome
        .deletes
        .extend(chosen.map(|item| (item.target, DeleteReason::Outdated)));
    Ok((batch, outcome))
}

/// With options beyond upstream: the selection engine picks among the old pods the loops
/// collected; returns the batch and the decisions, `forced` for the unavailable old pods it
/// replaces and `chosen` for the available ones (by their pod or node, as the mode acts).
#[allow(clippy::too_many_arguments)]
fn pick_beyond<'a, T>(
    ext: &Extensions<'_>,
    snapshot: &Snapshot<'a>,
    (mode, desired, budget): (UpdateMode, i64, i64),
    collected: Collected<'a>,
    held: Vec<HeldNode>,
    min_ready: i32,
    forced: impl Fn(usize) -> T,
    chosen: impl Fn(usize) -> T,
) -> Result<(UpdateBatch, Vec<T>), RollingUpdateError> {
    let picked = selection::pick(ext, snapshot, mode, budget, collected, |p| {
        unavailability(snapshot, View::Existing(p), min_ready)
    })?;
    let decisions = picked
        .forced
        .iter()
        .map(|item| forced(item.target))
        .chain(picked.chosen.iter().map(|item| chosen(item.target)))
        .collect();
    let held = merge_held(held, picked.held);
    let batch = UpdateBatch::started(mode, desired, budget, picked.used, picked.waiting, held);
    Ok((batch, decisions))
}

/// The scope's held nodes and the order's, by node name.
fn merge_held(mut scope: Vec<HeldNode>, mut order: Vec<HeldNode>) -> Vec<HeldNode> {
    if scope.is_empty() {
        return order;
    }
    scope.append(&mut order);
    scope.sort_by(|a, b| a.node.cmp(&b.node));
    scope
}

fn with_surge(
    ctx: &RollingContext<'_>,
    snapshot: &Snapshot<'_>,
    visit: Visit<'_>,
    held: Vec<HeldNode>,
    desired: i64,
    max_surge: i64,
) -> Result<(UpdateBatch, RollingOutcome), RollingUpdateError> {
    let min_ready = ctx.daemon_set.spec.min_ready_seconds;
    let ext = ctx.extensions;
    let gated = ext.is_some_and(Extensions::needs_gate);
    let mut used = Vec::new();
    let mut used_nodes = Vec::new();
    let mut number_available: i64 = 0;
    let mut outcome = RollingOutcome::default();
    let mut sunset = Vec::new();
    let mut forced = Vec::new();
    let mut candidates = Vec::new();
    let mut states = Vec::new();
    for_each_key(ctx, snapshot, visit, |key| {
        if gated
            && let Some(node) = key.node
            && snapshot.placement(node).should_run
        {
            states.push((node, done(snapshot, key.split)));
        }
        let Some(split) = key.split else {
            used.push(BudgetUse {
                node: key.name().to_owned(),
                reason: BudgetUseReason::SeveralPods,
            });
            if ext.is_some() {
                used_nodes.push(key.node);
            }
            return Ok(());
        };
        let counts_available = match (split.old, split.new) {
            (Some(old), _) => snapshot.facts(old).available(),
            (None, Some(new)) => facts_of(snapshot, new).available(),
            (None, None) => false,
        };
        if counts_available {
            number_available = number_available.saturating_add(1);
        }
        let Some(old) = split.old else {
            return Ok(());
        };
        match split.new {
            None => {
                let Some(node) = key.node else {
                    return Err(RollingUpdateError::VanishedNode {
                        node: key.name().to_owned(),
                        pod: snapshot
                            .pod(old)
                            .map(|p| p.metadata.name.clone())
                            .unwrap_or_default(),
                    });
                };
                let should_run = snapshot.placement(node).should_run;
                let item = Item {
                    name: key.name(),
                    node: Some(node),
                    target: node,
                    unavailable: false,
                    pod: old,
                };
                if !snapshot.facts(old).available() {
                    if !should_run {
                        outcome.deletes.push((old, DeleteReason::Sunset));
                    } else if ext.is_some() {
                        forced.push(Item {
                            unavailable: true,
                            ..item
                        });
                    } else {
                        outcome
                            .creates
                            .push((node, CreateReason::SurgeForUnavailable));
                    }
                } else if should_run {
                    candidates.push(item);
                } else {
                    sunset.push((key.name(), old));
                }
            }
            Some(new) => {
                if facts_of(snapshot, new).available() {
                    outcome.deletes.push((old, DeleteReason::Superseded));
                } else {
                    let reason = match unavailability(snapshot, new, min_ready) {
                        BudgetUseReason::NotReady | BudgetUseReason::Created => {
                            BudgetUseReason::Surging
                        }
                        other => other,
                    };
                    used.push(BudgetUse {
                        node: key.name().to_owned(),
                        reason,
                    });
                    if ext.is_some() {
                        used_nodes.push(key.node);
                    }
                }
            }
        }
        Ok(())
    })?;
    let sunset_count = sunset_room(number_available, desired, sunset.len());
    for (_, p) in first_by_name(sunset, sunset_count) {
        outcome.deletes.push((p, DeleteReason::Sunset));
    }
    if let Some(ext) = ext {
        let collected = Collected {
            used,
            used_nodes,
            forced,
            candidates,
            states,
        };
        let (batch, creates) = pick_beyond(
            ext,
            snapshot,
            (UpdateMode::MaxSurge, desired, max_surge),
            collected,
            held,
            min_ready,
            |target| (target, CreateReason::SurgeForUnavailable),
            |target| (target, CreateReason::Surge),
        )?;
        outcome.creates.extend(creates);
        return Ok((batch, outcome));
    }
    used.sort_by(|a, b| a.node.cmp(&b.node));
    candidates.sort_by(|a, b| a.name.cmp(b.name));
    let (batch, chosen) = fill_budget(
        UpdateMode::MaxSurge,
        desired,
        max_surge,
        used,
        held,
        candidates.into_iter(),
    );
    outcome
        .creates
        .extend(chosen.map(|item| (item.target, CreateReason::Surge)));
    Ok((batch, outcome))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::model::{IntOrString, LabelSelector};
    use crate::planning::PlanOptions;
    use crate::planning::fixture::{self, NEW};

    fn options() -> PlanOptions {
        PlanOptions::new(fixture::now())
    }

    #[test]
    fn budgets_scale_percentages_up_and_never_leave_both_at_zero() {
        let mut ds = fixture::daemon_set();
        fixture::rolling(&mut ds).max_unavailable = Some(IntOrString::from("25%"));
        assert_eq!(budgets(&ds, 10), Ok((3, 0)));
        fixture::rolling(&mut ds).max_unavailable = Some(IntOrString::Int(0));
        assert_eq!(budgets(&ds, 10), Ok((1, 0)));
        assert_eq!(budgets(&ds, 0), Ok((0, 0)));
        fixture::rolling(&mut ds).max_unavailable = None;
        assert!(matches!(
            budgets(&ds, 10),
            Err(RollingUpdateError::Budget {
                field: "maxUnavailable",
                ..
            })
        ));
        // Kruise reads an unset maxUnavailable as 0.
        let mut ds = fixture::kruise_daemon_set();
        let rolling = fixture::rolling(&mut ds);
        rolling.max_unavailable = None;
        rolling.max_surge = Some(IntOrString::Int(2));
        assert_eq!(budgets(&ds, 10), Ok((0, 2)));
    }

    #[test]
    fn fill_budget_takes_the_first_candidates_into_what_is_left() {
        let used = vec![BudgetUse {
            node: "n0".into(),
            reason: BudgetUseReason::NoPod,
        }];
        let (batch, chosen) = fill_budget(
            UpdateMode::MaxUnavailable,
            4,
            2,
            used,
            Vec::new(),
            ["n1", "n2", "n3"].into_iter(),
        );
        assert_eq!(chosen.collect::<Vec<_>>(), ["n1"]);
        assert_eq!(batch.waiting, 2);
        assert_eq!(batch.budget, 2);
        // A budget already used up takes nothing.
        let (batch, chosen) = fill_budget(
            UpdateMode::MaxSurge,
            4,
            0,
            Vec::new(),
            Vec::new(),
            ["n1"].into_iter(),
        );
        assert_eq!(chosen.count(), 0);
        assert_eq!(batch.waiting, 1);
    }

    #[test]
    fn sunset_deletes_only_available_pods_beyond_the_desired_count() {
        assert_eq!(sunset_room(5, 3, 10), 2);
        assert_eq!(sunset_room(5, 3, 1), 1);
        assert_eq!(sunset_room(2, 3, 4), 0);
    }

    #[test]
    fn max_unavailable_replaces_the_first_old_pods_by_node_name() {
        let ds = fixture::daemon_set();
        let nodes = fixture::nodes(3);
        let pods = fixture::pods(&ds, &nodes, &["n1", "n2", "n3"]);
        let (batch, decisions) = fixture::rolling_update(&ds, &nodes, &pods, &options()).unwrap();
        assert_eq!(decisions, ["delete p1 Outdated"]);
        assert_eq!(batch.mode, UpdateMode::MaxUnavailable);
        assert_eq!(batch.waiting, 2);
        assert!(batch.used.is_empty());
    }

    #[test]
    fn an_unavailable_old_pod_is_replaced_and_uses_the_budget() {
        let ds = fixture::daemon_set();
        let nodes = fixture::nodes(3);
        let mut pods = fixture::pods(&ds, &nodes, &["n1", "n2", "n3"]);
        pods[1] = fixture::unready(pods[1].clone());
        let (batch, decisions) = fixture::rolling_update(&ds, &nodes, &pods, &options()).unwrap();
        assert_eq!(decisions, ["delete p2 OutdatedUnavailable"]);
        assert_eq!(
            batch.used,
            [BudgetUse {
                node: "n2".into(),
                reason: BudgetUseReason::OldUnavailable
            }]
        );
        assert_eq!(batch.waiting, 2);
    }

    #[test]
    fn max_surge_creates_beside_the_first_old_pods_and_counts_surging_nodes() {
        let mut ds = fixture::daemon_set();
        let rolling = fixture::rolling(&mut ds);
        rolling.max_surge = Some(IntOrString::Int(2));
        rolling.max_unavailable = Some(IntOrString::Int(0));
        let nodes = fixture::nodes(4);
        let mut pods = fixture::pods(&ds, &nodes, &["n1", "n2", "n3", "n4"]);
        // n1 is already surging: its new pod is not ready yet.
        pods.push(fixture::unready(fixture::pod(&ds, "p1-new", "n1", NEW)));
        let (batch, decisions) = fixture::rolling_update(&ds, &nodes, &pods, &options()).unwrap();
        assert_eq!(decisions, ["create n2 Surge"]);
        assert_eq!(batch.mode, UpdateMode::MaxSurge);
        assert_eq!(batch.used.len(), 1);
        assert_eq!(batch.used[0].reason, BudgetUseReason::Surging);
        assert_eq!(batch.waiting, 2);
    }

    #[test]
    fn kruise_partition_keeps_the_lowest_names_on_the_old_revision() {
        let mut ds = fixture::kruise_daemon_set();
        fixture::rolling(&mut ds).partition = Some(IntOrString::Int(2));
        let nodes = fixture::nodes(4);
        let pods = fixture::pods(&ds, &nodes, &["n1", "n2", "n3", "n4"]);
        let (batch, decisions) = fixture::rolling_update(&ds, &nodes, &pods, &options()).unwrap();
        // Scope: the highest names first (n4, n3); the budget of 1 picks n3 by name.
        assert_eq!(decisions, ["delete p3 Outdated"]);
        let held: Vec<(&str, &HoldReason)> = batch
            .held
            .iter()
            .map(|h| (h.node.as_str(), &h.reason))
            .collect();
        assert_eq!(
            held,
            [
                ("n1", &HoldReason::Partition),
                ("n2", &HoldReason::Partition)
            ]
        );
    }

    #[test]
    fn kruise_scope_counts_updated_nodes_first() {
        // n4 is updated already: with a partition of 2 only one old node (n3) is in scope.
        let mut ds = fixture::kruise_daemon_set();
        let rolling = fixture::rolling(&mut ds);
        rolling.partition = Some(IntOrString::Int(2));
        rolling.max_unavailable = Some(IntOrString::Int(3));
        let nodes = fixture::nodes(4);
        let pods = fixture::pods(&ds, &nodes, &["n1", "n2", "n3"]);
        let (batch, decisions) = fixture::rolling_update(&ds, &nodes, &pods, &options()).unwrap();
        assert_eq!(decisions, ["delete p3 Outdated"]);
        assert_eq!(batch.held.len(), 2);
    }

    #[test]
    fn kruise_selector_holds_unmatched_nodes() {
        let mut ds = fixture::kruise_daemon_set();
        let rolling = fixture::rolling(&mut ds);
        rolling.max_unavailable = Some(IntOrString::Int(3));
        rolling.selector = Some(LabelSelector {
            match_labels: [("canary".to_string(), "true".to_string())].into(),
            ..Default::default()
        });
        let mut nodes = fixture::nodes(3);
        nodes[1]
            .metadata
            .labels
            .insert("canary".into(), "true".into());
        let pods = fixture::pods(&ds, &nodes, &["n1", "n2", "n3"]);
        let (batch, decisions) = fixture::rolling_update(&ds, &nodes, &pods, &options()).unwrap();
        assert_eq!(decisions, ["delete p2 Outdated"]);
        let held: Vec<&str> = batch.held.iter().map(|h| h.node.as_str()).collect();
        assert_eq!(held, ["n1", "n3"]);
        assert!(
            batch
                .held
                .iter()
                .all(|h| h.reason == HoldReason::NotSelected)
        );
    }
}
