//! Rollout preview: the rest of a rolling update, batch by batch, before it runs.

use crate::model::{DaemonSet, Node, Pod, Time};
use crate::planning::{
    BudgetUseReason, PauseReason, PlanError, PlanOptions, RollingUpdateStep, UpdateBatch,
};
use crate::simulate::Simulator;

/// One batch of a previewed rollout.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[derive(serde::Serialize)]
pub struct RolloutBatch {
    /// When the batch starts.
    pub at: Time,
    /// The nodes whose pod is replaced in this batch, in node-name order.
    pub nodes: Vec<String>,
}

/// A previewed rollout.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutPreview {
    /// Every batch, the first being the one the current plan starts.
    pub batches: Vec<RolloutBatch>,
    /// Whether the rollout reaches the end (every desired node runs an available pod of the
    /// current revision, as `kubectl rollout status` judges it).
    pub finishes: bool,
    /// Why it cannot finish, when it cannot.
    pub reason: Option<String>,
    /// Seconds from now until the rollout finishes, or until it stops making progress.
    pub duration_seconds: i64,
}

/// Simulates the rest of the rollout from the current state: each new pod becomes Ready
/// `pod_startup_seconds` after it is created (never, on a NotReady node) and available
/// minReadySeconds later; plans are applied in order as a controller would. Stops when the
/// rollout is complete, or when nothing more can happen, and says why.
///
/// Every plan uses `options`, so the update order, topology budget, strict budget and freeze
/// shape the preview as they shape the plans. For an Advanced DaemonSet the rollout is
/// complete when every node its partition and node selector leave to the update runs an
/// available current pod (the others keep theirs), and a paused one stops at once.
pub fn preview_rollout(
    daemon_set: &DaemonSet,
    nodes: &[Node],
    pods: &[Pod],
    options: &PlanOptions,
    pod_startup_seconds: i64,
) -> Result<RolloutPreview, PlanError> {
    let mut sim = Simulator::new(
        daemon_set.clone(),
        nodes.to_vec(),
        pods.to_vec(),
        options.now,
    );
    sim.pod_startup_seconds = pod_startup_seconds.max(0);
    let mut options = options.clone();
    let start = options.now;
    let mut batches = Vec::new();
    // Each node is replaced at most once and each step either acts or moves the clock, so this
    // bound is never reached by a rollout that progresses; it guards against one that loops.
    let limit = nodes
        .len()
        .saturating_add(pods.len())
        .saturating_mul(8)
        .saturating_add(64);
    let mut last_batch: Option<UpdateBatch> = None;
    let mut paused: Option<PauseReason>;
    for _ in 0..limit {
        let plan = sim.plan(&options)?;
        options.failed_pod_backoff = plan.failed_pod_backoff.clone();
        if let Some(RollingUpdateStep::Failed(error)) = &plan.rolling_update {
            return Ok(RolloutPreview {
                batches,
                finishes: false,
                reason: Some(format!("the rolling update fails: {error}")),
                duration_seconds: sim.now.seconds_since(start),
            });
        }
        if let Some(RollingUpdateStep::Batch(batch)) = &plan.rolling_update {
            last_batch = Some(batch.clone());
        }
        paused = match &plan.rolling_update {
            Some(RollingUpdateStep::Paused(reason)) => Some(*reason),
            _ => None,
        };
        let replaced = plan.replaced_nodes();
        if !replaced.is_empty() {
            batches.push(RolloutBatch {
                at: sim.now,
                nodes: replaced,
            });
        }
        if !plan.actions.is_empty() {
            sim.apply(&plan);
            continue;
        }
        let status = &plan.status;
        // Old pods an Advanced DaemonSet's partition or node selector keeps for good.
        let kept = match &plan.rolling_update {
            Some(RollingUpdateStep::Batch(batch)) => {
                batch.held.iter().filter(|h| h.reason.is_final()).count()
            }
            _ => 0,
        };
        let updated = i64::from(status.updated_number_scheduled)
            .saturating_add(i64::try_from(kept).unwrap_or(i64::MAX));
        let complete = updated >= i64::from(status.desired_number_scheduled)
            && status.number_available >= status.desired_number_scheduled;
        if complete {
            return Ok(RolloutPreview {
                batches,
                finishes: true,
                reason: None,
                duration_seconds: sim.now.seconds_since(start),
            });
        }
        match sim.next_event() {
            Some(at) => sim.advance(at.seconds_since(sim.now).max(0)),
            None => {
                let reason = match paused {
                    Some(reason) => reason.to_string(),
                    None => stall_reason(last_batch.as_ref(), daemon_set),
                };
                return Ok(RolloutPreview {
                    batches,
                    finishes: false,
                    reason: Some(reason),
                    duration_seconds: sim.now.seconds_since(start),
                });
            }
        }
    }
    Ok(RolloutPreview {
        batches,
        finishes: false,
        reason: Some("the rollout does not settle: plans keep acting without progress".into()),
        duration_seconds: sim.now.seconds_since(start),
    })
}

fn stall_reason(batch: Option<&UpdateBatch>, daemon_set: &DaemonSet) -> String {
    let Some(batch) = batch else {
        return if daemon_set.is_rolling_update() {
            "no further progress is possible".to_owned()
        } else {
            "the update strategy is OnDelete: old pods are replaced only when someone deletes them"
                .to_owned()
        };
    };
    let stuck: Vec<&str> = batch
        .used
        .iter()
        .filter(|u| {
            matches!(
                u.reason,
                BudgetUseReason::NotReady | BudgetUseReason::Surging | BudgetUseReason::NoPod
            )
        })
        .map(|u| u.node.as_str())
        .collect();
    let budget_name = match batch.mode {
        crate::planning::UpdateMode::MaxUnavailable => "maxUnavailable",
        crate::planning::UpdateMode::MaxSurge => "maxSurge",
    };
    if batch.waiting > 0 && !stuck.is_empty() {
        format!(
            "{} old pods wait, but {} node(s) whose pods never become available hold the whole \
             budget ({budget_name} = {}): {}",
            batch.waiting,
            stuck.len(),
            batch.budget,
            stuck.join(", ")
        )
    } else if !stuck.is_empty() && batch.held.iter().any(|h| !h.reason.is_final()) {
        let held = batch.held.iter().filter(|h| !h.reason.is_final()).count();
        let why = batch
            .held
            .iter()
            .find(|h| !h.reason.is_final())
            .map(|h| h.reason.to_string())
            .unwrap_or_default();
        format!(
            "{held} old pod(s) are held back ({why}), but pods never become available on {} \
             node(s): {}",
            stuck.len(),
            stuck.join(", ")
        )
    } else if !stuck.is_empty() {
        format!(
            "pods never become available on {} node(s): {}",
            stuck.len(),
            stuck.join(", ")
        )
    } else {
        "no further progress is possible".to_owned()
    }
}
