//! Presentation: rollout conditions (Available, Progressing, Complete, Stalled) and whether a
//! rollout is complete, judged from a plan.
//!
//! Upstream's DaemonSet controller writes no conditions; these follow the shape of a
//! Deployment's (`type`, `status`, `reason`, `message`) so that dashboards and CI gates can read
//! them the same way. They are computed from the plan, `now`, and, for the progress deadline,
//! two values the caller keeps: the deadline and when the rollout last made progress.

use std::fmt;
use std::time::Duration;

use crate::model::{DaemonSet, Node, Time};
use crate::planning::{
    Action, CreateReason, DeleteReason, Plan, RollingUpdateStep, SkipReason, UpdateBatch,
    UpdateMode, budgets,
};
use crate::scheduling::taints::node_not_ready;

/// The kind of a rollout condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[derive(serde::Serialize)]
pub enum ConditionType {
    /// Enough nodes run an available pod: at most maxUnavailable of them do not.
    Available,
    /// The rollout moves forward (or has finished).
    Progressing,
    /// The rollout is complete ([`rollout_complete`]).
    Complete,
    /// The rollout cannot move forward without help.
    Stalled,
}

impl ConditionType {
    /// The type as Kubernetes spells condition types, e.g. `Progressing`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionType::Available => "Available",
            ConditionType::Progressing => "Progressing",
            ConditionType::Complete => "Complete",
            ConditionType::Stalled => "Stalled",
        }
    }
}

impl fmt::Display for ConditionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rollout condition.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[derive(serde::Serialize)]
pub struct RolloutCondition {
    /// Which condition.
    #[serde(rename = "type")]
    pub type_: ConditionType,
    /// Whether it holds (`"True"` or `"False"` in Kubernetes' spelling).
    #[serde(serialize_with = "crate::json::condition_status")]
    pub status: bool,
    /// A one-word CamelCase reason, e.g. `ProgressDeadlineExceeded`.
    pub reason: &'static str,
    /// What it means here, in words.
    pub message: String,
}

impl RolloutCondition {
    fn new(type_: ConditionType, status: bool, reason: &'static str, message: String) -> Self {
        RolloutCondition {
            type_,
            status,
            reason,
            message,
        }
    }

    /// `"True"` or `"False"`, as a Kubernetes condition's status.
    pub fn status_str(&self) -> &'static str {
        if self.status { "True" } else { "False" }
    }
}

impl fmt::Display for RolloutCondition {
    /// `Stalled=True (ProgressDeadlineExceeded): no progress for ...`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}={} ({}): {}",
            self.type_,
            self.status_str(),
            self.reason,
            self.message
        )
    }
}

/// What the conditions need beyond the plan: the time, and optionally a progress deadline and
/// when the rollout last made progress (the caller tracks it, e.g. the last time
/// `updatedNumberScheduled` or `numberAvailable` rose).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConditionOptions {
    /// The current time.
    pub now: Time,
    /// How long a rollout may go without progress before it counts as stalled.
    pub progress_deadline: Option<Duration>,
    /// When the rollout last made progress.
    pub last_progress: Option<Time>,
}

impl ConditionOptions {
    /// Options at time `now`, without a progress deadline.
    pub fn new(now: Time) -> Self {
        ConditionOptions {
            now,
            progress_deadline: None,
            last_progress: None,
        }
    }

    /// A rollout without progress for longer than `deadline` since `last_progress` is stalled.
    #[must_use]
    pub fn with_progress_deadline(mut self, deadline: Duration, last_progress: Time) -> Self {
        self.progress_deadline = Some(deadline);
        self.last_progress = Some(last_progress);
        self
    }
}

/// Whether the rollout is complete: nothing more will change until the DaemonSet, the nodes or
/// the pods do. True exactly when
///
/// - the plan was not skipped (a DaemonSet being deleted, or selecting every pod, never
///   completes);
/// - the plan observed the DaemonSet's generation: its `status.observedGeneration` is at least
///   `metadata.generation` (a plan always observes the DaemonSet it was made from, so this
///   rejects a plan made for an older version of the object);
/// - the plan does nothing: no create, delete, adoption or release, and nothing deferred by the
///   burst limit, so no node is joining, leaving or changing eligibility (nodes churning);
/// - every node that should run the daemon runs an available pod, and every one of them runs a
///   pod of the current revision, except the nodes an Advanced DaemonSet's partition or
///   `rollingUpdate.selector` keeps on the old revision for good.
///
/// With no node to run the daemon (desired 0) a plan that does nothing is complete. An OnDelete
/// DaemonSet completes when every old pod has been deleted by hand and replaced; a paused or
/// frozen one does not complete while old pods remain. Unlike [`crate::rollout_status()`] (which
/// judges the stored status as kubectl does), this judges the pods themselves.
///
/// ```
/// use daemonset_planner::{apply_defaults, plan, rollout_complete, DaemonSet, Node, PlanOptions, Time};
/// let mut ds = DaemonSet::default();
/// ds.metadata.name = "agent".into();
/// ds.spec.selector = Some(Default::default());
/// ds.spec.selector.as_mut().unwrap().match_labels.insert("app".into(), "agent".into());
/// ds.spec.template.metadata.labels.insert("app".into(), "agent".into());
/// apply_defaults(&mut ds);
/// let now = Time::parse("2026-11-22T10:00:00Z").unwrap();
/// // No node: nothing to do, complete.
/// assert!(rollout_complete(&ds, &plan(&ds, &[], &[], &PlanOptions::new(now)).unwrap()));
/// // A node without its pod: not complete.
/// let mut node = Node::default();
/// node.metadata.name = "worker-1".into();
/// assert!(!rollout_complete(&ds, &plan(&ds, &[node], &[], &PlanOptions::new(now)).unwrap()));
/// ```
pub fn rollout_complete(daemon_set: &DaemonSet, plan: &Plan) -> bool {
    incomplete(daemon_set, plan).is_none()
}

/// Why the rollout is not complete, or `None` when it is.
fn incomplete(daemon_set: &DaemonSet, plan: &Plan) -> Option<(&'static str, String)> {
    if let Some(skipped) = plan.skipped {
        return Some(("Skipped", skipped.to_string()));
    }
    let observed = plan.status.observed_generation.unwrap_or(0);
    if let Some(generation) = daemon_set.metadata.generation
        && observed < generation
    {
        return Some((
            "GenerationNotObserved",
            format!(
                "the plan observed generation {observed}, the DaemonSet is at generation \
                 {generation}: plan again"
            ),
        ));
    }
    let status = &plan.status;
    let desired = i64::from(status.desired_number_scheduled);
    let pending = plan.actions.len();
    let deferred = plan.deferred_creates.saturating_add(plan.deferred_deletes);
    if pending > 0 || deferred > 0 {
        let updating = plan.actions.iter().filter(|a| is_update_action(a)).count();
        let churn = pending.saturating_sub(updating);
        let reason = if churn > 0 {
            "NodesChurning"
        } else {
            "Updating"
        };
        return Some((
            reason,
            format!(
                "the plan has {pending} action(s) ({updating} replacing old pods, {churn} for \
                 nodes joining, leaving or changing) and {deferred} deferred"
            ),
        ));
    }
    let kept = kept_old(plan);
    let updated = i64::from(status.updated_number_scheduled).saturating_add(kept);
    if updated < desired {
        return Some((
            "Updating",
            format!(
                "{} of {desired} nodes run the current revision{}",
                status.updated_number_scheduled,
                kept_note(kept)
            ),
        ));
    }
    if i64::from(status.number_available) < desired {
        return Some((
            "PodsUnavailable",
            format!(
                "{} of {desired} nodes run an available pod",
                status.number_available
            ),
        ));
    }
    None
}

/// Old pods an Advanced DaemonSet keeps for good (partition, node selector).
fn kept_old(plan: &Plan) -> i64 {
    match &plan.rolling_update {
        Some(RollingUpdateStep::Batch(batch)) => {
            let kept = batch.held.iter().filter(|h| h.reason.is_final()).count();
            i64::try_from(kept).unwrap_or(i64::MAX)
        }
        _ => 0,
    }
}

fn kept_note(kept: i64) -> String {
    if kept > 0 {
        format!(" ({kept} kept on the old revision by the partition or node selector)")
    } else {
        String::new()
    }
}

fn is_update_action(action: &Action) -> bool {
    match action {
        Action::Create { reason, .. } => {
            matches!(
                reason,
                CreateReason::Surge | CreateReason::SurgeForUnavailable
            )
        }
        Action::Delete { reason, .. } => matches!(
            reason,
            DeleteReason::Outdated
                | DeleteReason::OutdatedUnavailable
                | DeleteReason::Superseded
                | DeleteReason::OldNotReady
                | DeleteReason::Sunset
        ),
        _ => false,
    }
}

fn budget_name(batch: &UpdateBatch) -> &'static str {
    match batch.mode {
        UpdateMode::MaxUnavailable => "maxUnavailable",
        _ => "maxSurge",
    }
}

/// Why the rollout cannot move forward without help, if it cannot.
fn stall(
    plan: &Plan,
    nodes: &[Node],
    options: &ConditionOptions,
) -> Option<(&'static str, String)> {
    if let Some(RollingUpdateStep::Failed(error)) = &plan.rolling_update {
        return Some((
            "RollingUpdateFailed",
            format!("the rolling update fails: {error}"),
        ));
    }
    if let (Some(deadline), Some(last)) = (options.progress_deadline, options.last_progress) {
        let since = options.now.seconds_since(last);
        let limit = i64::try_from(deadline.as_secs()).unwrap_or(i64::MAX);
        if since > limit {
            return Some((
                "ProgressDeadlineExceeded",
                format!(
                    "no progress for longer than the given deadline ({limit}s): last progress \
                     at {last}, {since}s ago"
                ),
            ));
        }
    }
    let Some(RollingUpdateStep::Batch(batch)) = &plan.rolling_update else {
        return None;
    };
    let held_back = batch.held.iter().filter(|h| !h.reason.is_final()).count();
    let moving = plan.actions.iter().any(is_update_action);
    if moving || (batch.waiting == 0 && held_back == 0) || batch.used.is_empty() {
        return None;
    }
    let not_ready = |name: &str| {
        nodes
            .iter()
            .find(|n| n.metadata.name == name)
            .is_some_and(node_not_ready)
    };
    if !batch.used.iter().all(|u| not_ready(&u.node)) {
        return None;
    }
    let names: Vec<&str> = batch.used.iter().map(|u| u.node.as_str()).collect();
    let count = names.len();
    let nodes_word = if count == 1 { "node" } else { "nodes" };
    let verb = if count == 1 { "holds" } else { "hold" };
    let what = if held_back > 0 && batch.waiting == 0 {
        format!("{held_back} old pod(s) are held back until they are done")
    } else {
        format!("{} old pod(s) wait", batch.waiting)
    };
    Some((
        "BudgetHeldByNotReadyNodes",
        format!(
            "{count} NotReady {nodes_word} {verb} the whole budget ({} = {}): {}; {what}",
            budget_name(batch),
            batch.budget,
            names.join(", ")
        ),
    ))
}

/// The rollout conditions of `plan`, made from `daemon_set` and `nodes` (the same inputs), in
/// the order Available, Progressing, Complete, Stalled:
///
/// - **Available**: at most maxUnavailable (scaled; 0 for OnDelete) of the nodes that should
///   run the daemon lack an available pod (`MinimumNodesAvailable` / `MinimumNodesUnavailable`).
/// - **Complete**: [`rollout_complete`] (`RolloutComplete`, or why not: `Skipped`,
///   `GenerationNotObserved`, `NodesChurning`, `Updating`, `PodsUnavailable`).
/// - **Stalled**: the rollout cannot move forward without help: the rolling update fails
///   (`RollingUpdateFailed`), no progress for longer than the given deadline
///   (`ProgressDeadlineExceeded`), or the plan replaces nothing while old pods wait and every
///   node holding the budget is NotReady (`BudgetHeldByNotReadyNodes`, e.g. "2 NotReady nodes
///   hold the whole budget (maxUnavailable = 2): worker-3, worker-5; 3 old pod(s) wait").
///   Never while complete, paused or frozen.
/// - **Progressing**: true while the rollout moves (`RollingUpdate`) or once it is complete
///   (`RolloutComplete`); false when paused (`Paused`, `Frozen`), stalled (the stall's
///   reason), for an OnDelete DaemonSet with old pods (`OnDelete`), or when skipped.
///
/// ```
/// use std::time::Duration;
/// use daemonset_planner::{apply_defaults, conditions, plan, DaemonSet, Node, PlanOptions, Time};
/// use daemonset_planner::rollout::{ConditionOptions, ConditionType};
/// let mut ds = DaemonSet::default();
/// ds.metadata.name = "agent".into();
/// ds.spec.selector = Some(Default::default());
/// ds.spec.selector.as_mut().unwrap().match_labels.insert("app".into(), "agent".into());
/// ds.spec.template.metadata.labels.insert("app".into(), "agent".into());
/// apply_defaults(&mut ds);
/// let mut node = Node::default();
/// node.metadata.name = "worker-1".into();
/// let now = Time::parse("2026-11-22T10:00:00Z").unwrap();
/// let nodes = [node];
/// let plan = plan(&ds, &nodes, &[], &PlanOptions::new(now)).unwrap();
/// let an_hour_ago = Time::parse("2026-11-22T09:00:00Z").unwrap();
/// let options = ConditionOptions::new(now)
///     .with_progress_deadline(Duration::from_secs(600), an_hour_ago);
/// let found = conditions(&ds, &nodes, &plan, &options);
/// let stalled = found.iter().find(|c| c.type_ == ConditionType::Stalled).unwrap();
/// assert!(stalled.status);
/// assert_eq!(stalled.reason, "ProgressDeadlineExceeded");
/// ```
pub fn conditions(
    daemon_set: &DaemonSet,
    nodes: &[Node],
    plan: &Plan,
    options: &ConditionOptions,
) -> Vec<RolloutCondition> {
    use ConditionType::{Available, Complete, Progressing, Stalled};
    let status = &plan.status;
    let desired = i64::from(status.desired_number_scheduled);
    let allowed = if daemon_set.is_rolling_update() {
        budgets(daemon_set, desired).map_or(0, |(max_unavailable, _)| max_unavailable)
    } else {
        0
    };
    let unavailable = desired.saturating_sub(i64::from(status.number_available));
    let available = if desired == 0 {
        RolloutCondition::new(
            Available,
            true,
            "MinimumNodesAvailable",
            "no node should run the daemon".to_owned(),
        )
    } else {
        let ok = unavailable <= allowed.max(0);
        RolloutCondition::new(
            Available,
            ok,
            if ok {
                "MinimumNodesAvailable"
            } else {
                "MinimumNodesUnavailable"
            },
            format!(
                "{} of {desired} nodes run an available pod; at most {} may be without one",
                status.number_available,
                allowed.max(0)
            ),
        )
    };
    let not_done = incomplete(daemon_set, plan);
    let complete = match &not_done {
        None => RolloutCondition::new(
            Complete,
            true,
            "RolloutComplete",
            format!(
                "every node that should run the daemon runs an available pod of revision {}{}",
                plan.revision,
                kept_note(kept_old(plan))
            ),
        ),
        Some((reason, message)) => RolloutCondition::new(Complete, false, reason, message.clone()),
    };
    let paused = match &plan.rolling_update {
        Some(RollingUpdateStep::Paused(reason)) => Some(*reason),
        _ => None,
    };
    let stalled = if not_done.is_none() || paused.is_some() || plan.skipped.is_some() {
        None
    } else {
        stall(plan, nodes, options)
    };
    let stalled_condition = match &stalled {
        Some((reason, message)) => RolloutCondition::new(Stalled, true, reason, message.clone()),
        None => RolloutCondition::new(
            Stalled,
            false,
            if paused.is_some() {
                "Paused"
            } else {
                "NotStalled"
            },
            match paused {
                Some(reason) => format!("not stalled: {reason}"),
                None => "the rollout can move forward".to_owned(),
            },
        ),
    };
    let progressing = if let Some(skipped) = plan.skipped {
        let reason = match skipped {
            SkipReason::BeingDeleted => "BeingDeleted",
            _ => "Skipped",
        };
        RolloutCondition::new(Progressing, false, reason, skipped.to_string())
    } else if not_done.is_none() {
        RolloutCondition::new(
            Progressing,
            true,
            "RolloutComplete",
            "the rollout is complete".to_owned(),
        )
    } else if let Some(reason) = paused {
        let word = match reason {
            crate::planning::PauseReason::Paused => "Paused",
            _ => "Frozen",
        };
        RolloutCondition::new(Progressing, false, word, reason.to_string())
    } else if let Some((reason, message)) = &stalled {
        RolloutCondition::new(Progressing, false, reason, message.clone())
    } else if !daemon_set.is_rolling_update() {
        RolloutCondition::new(
            Progressing,
            false,
            "OnDelete",
            format!(
                "old pods are replaced only when someone deletes them: {} of {desired} nodes \
                 run the current revision",
                status.updated_number_scheduled
            ),
        )
    } else {
        let replacing = plan.actions.iter().filter(|a| is_update_action(a)).count();
        RolloutCondition::new(
            Progressing,
            true,
            "RollingUpdate",
            format!(
                "{} of {desired} nodes run the current revision, {} an available pod; this plan \
                 replaces {replacing} old pod(s)",
                status.updated_number_scheduled, status.number_available
            ),
        )
    };
    vec![available, progressing, complete, stalled_condition]
}
