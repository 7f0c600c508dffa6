//! The rolling-update step (upstream's `rollingUpdate`), evaluated on the state after manage's
//! actions: pods manage deletes are gone, pods it creates are present as new, unscheduled and
//! not Ready.

use super::cluster::Snapshot;
use super::revision::CurrentRevision;
use super::types::{
    BudgetUse, BudgetUseReason, CreateReason, DeleteReason, RollingUpdateError, UpdateBatch,
    UpdateMode,
};
use crate::model::{DaemonSet, IntOrPercentError, Pod, Time};

/// The rolling update's decisions before the burst cap.
#[derive(Debug, Default)]
pub(crate) struct RollingOutcome {
    pub(crate) creates: Vec<(usize, CreateReason)>,
    pub(crate) deletes: Vec<(usize, DeleteReason)>,
}

pub(crate) struct RollingContext<'a> {
    pub(crate) daemon_set: &'a DaemonSet,
    pub(crate) revision: &'a CurrentRevision,
    pub(crate) now: Time,
    /// Per node: manage creates a pod there in this plan.
    pub(crate) created: &'a [bool],
    /// Per pod: manage deletes it in this plan.
    pub(crate) deleted: &'a [bool],
}

/// A pod as the rolling update sees it.
#[derive(Clone, Copy)]
enum View<'a> {
    Existing(usize, &'a Pod),
    Created,
}

/// The new and old pod of one key, or `None` when it has several of either.
struct Split<'a> {
    new: Option<View<'a>>,
    old: Option<(usize, &'a Pod)>,
}

/// One key of upstream's node-to-pods map: a node of the list, or a vanished node's name.
struct Key<'a> {
    name: &'a str,
    node: Option<usize>,
    split: Option<Split<'a>>,
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
    let max_unavailable = rolling
        .max_unavailable
        .as_ref()
        .ok_or(IntOrPercentError::Missing)
        .and_then(|v| v.scaled_value(desired, true))
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
    let keys = keys(ctx, snapshot);
    if max_surge == 0 {
        Ok(without_surge(ctx, &keys, desired, max_unavailable))
    } else {
        with_surge(ctx, snapshot, &keys, desired, max_surge)
    }
}

fn keys<'a>(ctx: &RollingContext<'_>, snapshot: &'a Snapshot<'a>) -> Vec<Key<'a>> {
    let mut keys = Vec::new();
    let live = |p: usize| !ctx.deleted.get(p).copied().unwrap_or(false);
    for node in 0..snapshot.nodes.len() {
        let created = ctx.created.get(node).copied().unwrap_or(false);
        let mut remaining = snapshot
            .pods_of(node)
            .iter()
            .copied()
            .filter(|&p| live(p))
            .peekable();
        let has_pods = remaining.peek().is_some() || created;
        if !has_pods && !snapshot.placement(node).should_run {
            continue;
        }
        let views = remaining
            .filter_map(|p| snapshot.pod(p).map(|pod| View::Existing(p, pod)))
            .chain(created.then_some(View::Created));
        keys.push(Key {
            name: snapshot.node_name(node),
            node: Some(node),
            split: split(ctx.revision, views),
        });
    }
    for (name, pods) in &snapshot.vanished {
        let mut remaining = pods.iter().copied().filter(|&p| live(p)).peekable();
        if remaining.peek().is_none() {
            continue;
        }
        let views = remaining.filter_map(|p| snapshot.pod(p).map(|pod| View::Existing(p, pod)));
        keys.push(Key {
            name,
            node: None,
            split: split(ctx.revision, views),
        });
    }
    keys
}

/// Upstream's `findUpdatedPodsOnNode`, ignoring terminating pods.
fn split<'a>(
    revision: &CurrentRevision,
    views: impl Iterator<Item = View<'a>>,
) -> Option<Split<'a>> {
    let mut out = Split {
        new: None,
        old: None,
    };
    for view in views {
        match view {
            View::Existing(_, pod) if pod.is_terminating() => {}
            View::Existing(p, pod) if !revision.is_updated(pod) => {
                if out.old.replace((p, pod)).is_some() {
                    return None;
                }
            }
            new => {
                if out.new.replace(new).is_some() {
                    return None;
                }
            }
        }
    }
    Some(out)
}

fn available(view: View<'_>, min_ready: i32, now: Time) -> bool {
    match view {
        View::Existing(_, pod) => pod.is_available(min_ready, now),
        View::Created => false,
    }
}

fn unavailability(pod: &Pod, min_ready: i32) -> BudgetUseReason {
    if !pod.is_ready() {
        return BudgetUseReason::NotReady;
    }
    pod.ready_condition()
        .and_then(|c| c.last_transition_time)
        .and_then(|t| t.checked_add_seconds(i64::from(min_ready)))
        .map_or(
            BudgetUseReason::NotReady,
            BudgetUseReason::WithinMinReadySeconds,
        )
}

fn view_unavailability(view: View<'_>, min_ready: i32) -> BudgetUseReason {
    match view {
        View::Existing(_, pod) => unavailability(pod, min_ready),
        View::Created => BudgetUseReason::NotReady,
    }
}

/// Keeps the first `count` items by key name: upstream picks in random map order; this crate
/// picks in node-name order.
fn first_by_name<T>(mut items: Vec<(&str, T)>, count: usize) -> Vec<(&str, T)> {
    items.sort_by(|a, b| a.0.cmp(b.0));
    items.truncate(count);
    items
}

fn clamp_budget(budget: i64, used: usize, available: usize) -> usize {
    let used = i64::try_from(used).unwrap_or(i64::MAX);
    usize::try_from(budget.saturating_sub(used).max(0))
        .unwrap_or(usize::MAX)
        .min(available)
}

fn without_surge(
    ctx: &RollingContext<'_>,
    keys: &[Key<'_>],
    desired: i64,
    max_unavailable: i64,
) -> (UpdateBatch, RollingOutcome) {
    let min_ready = ctx.daemon_set.spec.min_ready_seconds;
    let mut used = Vec::new();
    let mut replace = Vec::new();
    let mut candidates = Vec::new();
    for key in keys {
        let mut count = |why| {
            used.push(BudgetUse {
                node: key.name.to_owned(),
                why,
            })
        };
        match &key.split {
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
                if !available(*new, min_ready, ctx.now) {
                    count(view_unavailability(*new, min_ready));
                }
            }
            Some(Split {
                new: None,
                old: Some((p, pod)),
            }) => {
                if pod.is_available(min_ready, ctx.now) {
                    candidates.push((key.name, *p));
                } else {
                    replace.push((key.name, *p));
                    count(BudgetUseReason::OldUnavailable);
                }
            }
        }
    }
    // Candidates never raise the running count, so when the final count is under the budget
    // every available old pod was a candidate, and otherwise none is deleted.
    let budget = clamp_budget(max_unavailable, used.len(), candidates.len());
    let waiting = candidates.len().saturating_sub(budget);
    let chosen = first_by_name(candidates, budget);
    let mut outcome = RollingOutcome::default();
    outcome.deletes.extend(
        replace
            .iter()
            .map(|&(_, p)| (p, DeleteReason::OutdatedUnavailable)),
    );
    outcome
        .deletes
        .extend(chosen.iter().map(|&(_, p)| (p, DeleteReason::Outdated)));
    used.sort_by(|a, b| a.node.cmp(&b.node));
    let batch = UpdateBatch {
        mode: UpdateMode::MaxUnavailable,
        desired,
        budget: max_unavailable,
        used,
        deleted: Vec::new(),
        surged: Vec::new(),
        waiting,
    };
    (batch, outcome)
}

fn with_surge(
    ctx: &RollingContext<'_>,
    snapshot: &Snapshot<'_>,
    keys: &[Key<'_>],
    desired: i64,
    max_surge: i64,
) -> Result<(UpdateBatch, RollingOutcome), RollingUpdateError> {
    let min_ready = ctx.daemon_set.spec.min_ready_seconds;
    let mut used = Vec::new();
    let mut number_available: i64 = 0;
    let mut outcome = RollingOutcome::default();
    let mut sunset = Vec::new();
    let mut candidates = Vec::new();
    for key in keys {
        let Some(split) = &key.split else {
            used.push(BudgetUse {
                node: key.name.to_owned(),
                why: BudgetUseReason::SeveralPods,
            });
            continue;
        };
        let counts_available = match (split.old, split.new) {
            (Some((_, old)), _) => old.is_available(min_ready, ctx.now),
            (None, Some(new)) => available(new, min_ready, ctx.now),
            (None, None) => false,
        };
        if counts_available {
            number_available = number_available.saturating_add(1);
        }
        let Some((old_index, old)) = split.old else {
            continue;
        };
        match split.new {
            None => {
                let Some(node) = key.node else {
                    return Err(RollingUpdateError::VanishedNode {
                        node: key.name.to_owned(),
                        pod: old.metadata.name.clone(),
                    });
                };
                let should_run = snapshot.placement(node).should_run;
                if !old.is_available(min_ready, ctx.now) {
                    if should_run {
                        outcome
                            .creates
                            .push((node, CreateReason::SurgeForUnavailable));
                    } else {
                        outcome.deletes.push((old_index, DeleteReason::Sunset));
                    }
                } else if should_run {
                    candidates.push((key.name, node));
                } else {
                    sunset.push((key.name, old_index));
                }
            }
            Some(new) => {
                if available(new, min_ready, ctx.now) {
                    outcome.deletes.push((old_index, DeleteReason::Superseded));
                } else {
                    used.push(BudgetUse {
                        node: key.name.to_owned(),
                        why: BudgetUseReason::Surging,
                    });
                }
            }
        }
    }
    let deletable = number_available.saturating_sub(desired).max(0);
    let sunset_count = usize::try_from(deletable).unwrap_or(usize::MAX);
    for (_, p) in first_by_name(sunset, sunset_count) {
        outcome.deletes.push((p, DeleteReason::Sunset));
    }
    let budget = clamp_budget(max_surge, used.len(), candidates.len());
    let waiting = candidates.len().saturating_sub(budget);
    for (_, node) in first_by_name(candidates, budget) {
        outcome.creates.push((node, CreateReason::Surge));
    }
    used.sort_by(|a, b| a.node.cmp(&b.node));
    let batch = UpdateBatch {
        mode: UpdateMode::MaxSurge,
        desired,
        budget: max_surge,
        used,
        deleted: Vec::new(),
        surged: Vec::new(),
        waiting,
    };
    Ok((batch, outcome))
}
