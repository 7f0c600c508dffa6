//! The rolling-update step (upstream's `rollingUpdate`), evaluated on the state after manage's
//! actions: pods manage deletes are gone, pods it creates are present as new, unscheduled and
//! not Ready.

use super::cluster::{PodFacts, Snapshot};
use super::types::{
    BudgetUse, BudgetUseReason, CreateReason, DeleteReason, RollingUpdateError, UpdateBatch,
    UpdateMode,
};
use crate::model::{DaemonSet, IntOrPercentError};

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
    name: &'a str,
    node: Option<usize>,
    split: Option<Split>,
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
    if max_surge == 0 {
        without_surge(ctx, snapshot, desired, max_unavailable)
    } else {
        with_surge(ctx, snapshot, desired, max_surge)
    }
}

/// Visits every key of the post-manage node-to-pods map: nodes with pods left or created,
/// desired nodes without pods, and vanished nodes with pods left.
fn for_each_key<'a>(
    ctx: &RollingContext<'_>,
    snapshot: &'a Snapshot<'a>,
    mut visit: impl FnMut(Key<'a>) -> Result<(), RollingUpdateError>,
) -> Result<(), RollingUpdateError> {
    let live = |p: &usize| !ctx.deleted.get(*p).copied().unwrap_or(false);
    for node in 0..snapshot.nodes.len() {
        let created = ctx.created.get(node).copied().unwrap_or(false);
        let pods = snapshot.pods_of(node);
        let has_pods = created || pods.iter().any(live);
        if !has_pods && !snapshot.placement(node).should_run {
            continue;
        }
        let views = pods
            .iter()
            .filter(|p| live(p))
            .map(|&p| View::Existing(p))
            .chain(created.then_some(View::Created));
        visit(Key {
            name: snapshot.node_name(node),
            node: Some(node),
            split: split(snapshot, views),
        })?;
    }
    for (name, pods) in &snapshot.vanished {
        if !pods.iter().any(live) {
            continue;
        }
        let views = pods.iter().filter(|p| live(p)).map(|&p| View::Existing(p));
        visit(Key {
            name,
            node: None,
            split: split(snapshot, views),
        })?;
    }
    Ok(())
}

/// Upstream's `findUpdatedPodsOnNode`, ignoring terminating pods.
fn split(snapshot: &Snapshot<'_>, views: impl Iterator<Item = View>) -> Option<Split> {
    let mut out = Split {
        new: None,
        old: None,
    };
    for view in views {
        let facts = facts_of(snapshot, view);
        if facts.terminating() {
            continue;
        }
        let replaced = if facts.updated() {
            out.new.replace(view).is_some()
        } else {
            match view {
                View::Existing(p) => out.old.replace(p).is_some(),
                View::Created => false,
            }
        };
        if replaced {
            return None;
        }
    }
    Some(out)
}

fn facts_of(snapshot: &Snapshot<'_>, view: View) -> PodFacts {
    match view {
        View::Existing(p) => snapshot.facts(p),
        View::Created => PodFacts::CREATED,
    }
}

/// Why a new pod is not available yet.
fn unavailability(snapshot: &Snapshot<'_>, view: View, min_ready: i32) -> BudgetUseReason {
    let View::Existing(p) = view else {
        return BudgetUseReason::Created;
    };
    let Some(pod) = snapshot.pod(p).filter(|pod| pod.is_ready()) else {
        return BudgetUseReason::NotReady;
    };
    pod.ready_condition()
        .and_then(|c| c.last_transition_time)
        .and_then(|t| t.checked_add_seconds(i64::from(min_ready)))
        .map_or(
            BudgetUseReason::NotReady,
            BudgetUseReason::WithinMinReadySeconds,
        )
}

/// Keeps the first `count` items by key name: upstream picks in random map order; this crate
/// picks in node-name order.
fn first_by_name<T>(mut items: Vec<(&str, T)>, count: usize) -> Vec<(&str, T)> {
    items.sort_by(|a, b| a.0.cmp(b.0));
    items.truncate(count);
    items
}

pub(crate) fn clamp_budget(budget: i64, used: usize, available: usize) -> usize {
    let used = i64::try_from(used).unwrap_or(i64::MAX);
    usize::try_from(budget.saturating_sub(used).max(0))
        .unwrap_or(usize::MAX)
        .min(available)
}

fn without_surge(
    ctx: &RollingContext<'_>,
    snapshot: &Snapshot<'_>,
    desired: i64,
    max_unavailable: i64,
) -> Result<(UpdateBatch, RollingOutcome), RollingUpdateError> {
    let min_ready = ctx.daemon_set.spec.min_ready_seconds;
    let mut used = Vec::new();
    let mut replace = Vec::new();
    let mut candidates = Vec::new();
    for_each_key(ctx, snapshot, |key| {
        let mut count = |why| {
            used.push(BudgetUse {
                node: key.name.to_owned(),
                why,
            })
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
                if snapshot.facts(p).available() {
                    candidates.push((key.name, p));
                } else {
                    replace.push((key.name, p));
                    count(BudgetUseReason::OldUnavailable);
                }
            }
        }
        Ok(())
    })?;
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
    Ok((batch, outcome))
}

fn with_surge(
    ctx: &RollingContext<'_>,
    snapshot: &Snapshot<'_>,
    desired: i64,
    max_surge: i64,
) -> Result<(UpdateBatch, RollingOutcome), RollingUpdateError> {
    let min_ready = ctx.daemon_set.spec.min_ready_seconds;
    let mut used = Vec::new();
    let mut number_available: i64 = 0;
    let mut outcome = RollingOutcome::default();
    let mut sunset = Vec::new();
    let mut candidates = Vec::new();
    for_each_key(ctx, snapshot, |key| {
        let Some(split) = key.split else {
            used.push(BudgetUse {
                node: key.name.to_owned(),
                why: BudgetUseReason::SeveralPods,
            });
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
                        node: key.name.to_owned(),
                        pod: snapshot
                            .pod(old)
                            .map(|p| p.metadata.name.clone())
                            .unwrap_or_default(),
                    });
                };
                let should_run = snapshot.placement(node).should_run;
                if !snapshot.facts(old).available() {
                    if should_run {
                        outcome
                            .creates
                            .push((node, CreateReason::SurgeForUnavailable));
                    } else {
                        outcome.deletes.push((old, DeleteReason::Sunset));
                    }
                } else if should_run {
                    candidates.push((key.name, node));
                } else {
                    sunset.push((key.name, old));
                }
            }
            Some(new) => {
                if facts_of(snapshot, new).available() {
                    outcome.deletes.push((old, DeleteReason::Superseded));
                } else {
                    let why = match unavailability(snapshot, new, min_ready) {
                        BudgetUseReason::NotReady | BudgetUseReason::Created => {
                            BudgetUseReason::Surging
                        }
                        other => other,
                    };
                    used.push(BudgetUse {
                        node: key.name.to_owned(),
                        why,
                    });
                }
            }
        }
        Ok(())
    })?;
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
