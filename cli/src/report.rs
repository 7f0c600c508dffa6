//! The report of one plan as JSON (and YAML): the contract other tools read.
//!
//! Keys are only ever added, never renamed or removed.

use daemonset_planner::{
    Action, BudgetUseReason, DaemonSet, DaemonSetStatus, HistoryPlan, Lint, NodeExplanation, Plan,
    RevisionRef, RollingUpdateStep, RolloutCondition, RolloutPreview, RolloutStatus, UpdateBatch,
    UpdateMode,
};
use serde_json::{Value, json};

use crate::whatif::WhatIf;

/// Everything one plan prints.
pub struct Report<'a> {
    /// `None` when no plan was made (a revision-name collision).
    pub conditions: Option<&'a [RolloutCondition]>,
    /// With `--lint`.
    pub lints: Option<&'a [Lint]>,
    pub daemon_set: &'a DaemonSet,
    /// `None` when a revision-name collision fails the sync before pods are planned.
    pub plan: Option<&'a Plan>,
    pub nodes: &'a [NodeExplanation],
    pub rollout: Option<&'a RolloutPreview>,
    pub history: Option<&'a HistoryPlan>,
    pub rollout_status: &'a RolloutStatus,
    /// With `--apply`: what the update changes.
    pub what_if: Option<&'a WhatIf>,
    /// Unknown fields dropped under `--validate=warn`: reported as lints.
    pub warnings: &'a [String],
}

pub fn conditions_json(found: &[RolloutCondition]) -> Value {
    Value::Array(
        found
            .iter()
            .map(|c| {
                json!({
                    "type": c.type_.as_str(),
                    "status": c.status_str(),
                    "reason": c.reason,
                    "message": c.message,
                })
            })
            .collect(),
    )
}

pub fn lints_json(lints: &[Lint]) -> Value {
    Value::Array(
        lints
            .iter()
            .map(|l| {
                json!({
                    "severity": l.severity.as_str(),
                    "code": l.code,
                    "message": l.message,
                    "hint": l.hint,
                })
            })
            .collect(),
    )
}

pub fn status_json(status: &RolloutStatus) -> Value {
    json!({"done": status.done, "message": status.message})
}

pub fn refs_json(refs: &[RevisionRef]) -> Vec<Value> {
    refs.iter()
        .map(|r| json!({"name": r.name, "revision": r.revision}))
        .collect()
}

pub fn history_json(history: &HistoryPlan) -> Value {
    json!({
        "current": history.current,
        "hash": history.hash,
        "create": refs_json(&history.create),
        "update": refs_json(&history.update),
        "delete": history.delete,
        "cleanup": history.cleanup,
        "relabel": history.relabel.iter().map(|(pod, hash)| json!({"pod": pod, "hash": hash})).collect::<Vec<_>>(),
        "adopt": history.adopt,
        "release": history.release,
        "collisionCount": history.collision_count,
    })
}

/// Why no pods are planned after a revision-name collision.
pub fn collision_message(count: i32) -> String {
    format!(
        "a ControllerRevision of another template has the new revision's name: \
         status.collisionCount must become {count}, and the sync fails until it is"
    )
}

pub fn action_json(action: &Action) -> Value {
    match action {
        Action::Create { node, reason } => {
            json!({"action": "create", "node": node, "reason": reason.as_str()})
        }
        Action::Delete { pod, node, reason } => {
            json!({"action": "delete", "pod": pod, "node": node, "reason": reason.as_str()})
        }
        Action::Adopt { pod } => json!({"action": "adopt", "pod": pod}),
        Action::Release { pod } => json!({"action": "release", "pod": pod}),
        other => json!({"action": "other", "description": other.to_string()}),
    }
}

pub fn batch_json(batch: &UpdateBatch) -> Value {
    json!({
        "mode": match batch.mode {
            UpdateMode::MaxUnavailable => "maxUnavailable",
            _ => "maxSurge",
        },
        "desired": batch.desired,
        "budget": batch.budget,
        "used": batch.used.iter().map(|u| json!({"node": u.node, "reason": budget_reason(&u.why)})).collect::<Vec<_>>(),
        "deleted": batch.deleted,
        "surged": batch.surged,
        "waiting": batch.waiting,
        "held": batch.held.iter().map(|h| json!({"node": h.node, "reason": h.why.to_string()})).collect::<Vec<_>>(),
    })
}

pub fn budget_reason(why: &BudgetUseReason) -> String {
    use BudgetUseReason::*;
    match why {
        NoPod => "no pod".to_owned(),
        SeveralPods => "several pods".to_owned(),
        OldAndNew => "old and new pod".to_owned(),
        NotReady => "pod not ready".to_owned(),
        Created => "new pod created now".to_owned(),
        WithinMinReadySeconds(at) => format!("pod ready, available at {at}"),
        OldUnavailable => "old pod unavailable, replaced now".to_owned(),
        Surging => "surge pod starting".to_owned(),
        _ => "other".to_owned(),
    }
}

pub fn status_counts_json(s: &DaemonSetStatus) -> Value {
    json!({
        "desiredNumberScheduled": s.desired_number_scheduled,
        "currentNumberScheduled": s.current_number_scheduled,
        "numberMisscheduled": s.number_misscheduled,
        "numberReady": s.number_ready,
        "updatedNumberScheduled": s.updated_number_scheduled,
        "numberAvailable": s.number_available,
        "numberUnavailable": s.number_unavailable,
        "observedGeneration": s.observed_generation,
    })
}

impl Report<'_> {
    /// The report as one JSON object.
    pub fn json(&self) -> Value {
        let stored = self.daemon_set.status.clone().unwrap_or_default();
        let Some(plan) = self.plan else {
            let collision = self.history.and_then(|h| h.collision_count).unwrap_or(0);
            let mut out = json!({
                "daemonSet": self.daemon_set.metadata.display_name(),
                "revision": "",
                "actions": [],
                "status": status_counts_json(&stored),
                "statusChanged": false,
                "skipped": collision_message(collision),
                "deferred": {"creates": 0, "deletes": 0},
                "requeueAfterSeconds": null,
                "rollingUpdate": null,
                "nodes": [],
                "history": self.history.map(history_json),
                "rolloutStatus": status_json(self.rollout_status),
                "conditions": [{
                    "type": "Stalled",
                    "status": "True",
                    "reason": "RevisionCollision",
                    "message": collision_message(collision),
                }],
            });
            self.insert_lints(&mut out);
            return out;
        };
        let rolling = match &plan.rolling_update {
            None => Value::Null,
            Some(RollingUpdateStep::Batch(batch)) => batch_json(batch),
            Some(RollingUpdateStep::Failed(error)) => json!({"error": error.to_string()}),
            Some(RollingUpdateStep::Paused(reason)) => {
                json!({"paused": true, "reason": reason.to_string()})
            }
            Some(_) => Value::Null,
        };
        let held = |node: &str| match &plan.rolling_update {
            Some(RollingUpdateStep::Batch(batch)) => batch
                .held
                .iter()
                .find(|h| h.node == node)
                .map(|h| h.why.to_string()),
            _ => None,
        };
        let mut out = json!({
            "daemonSet": self.daemon_set.metadata.display_name(),
            "revision": plan.revision,
            "actions": plan.actions.iter().map(action_json).collect::<Vec<_>>(),
            "status": status_counts_json(&plan.status),
            "statusChanged": plan.status_changed,
            "skipped": plan.skipped.map(|r| r.to_string()),
            "deferred": {"creates": plan.deferred_creates, "deletes": plan.deferred_deletes},
            "requeueAfterSeconds": plan.requeue_after.map(|d| d.as_secs()),
            "rollingUpdate": rolling,
            "nodes": self.nodes.iter().map(|n| json!({
                "node": n.node,
                "shouldRun": n.placement.should_run,
                "shouldContinueRunning": n.placement.should_continue_running,
                "decision": n.decision(),
                "pods": n.pods,
                "cause": n.cause.as_ref().map(|c| c.to_string()),
                "outdated": n.outdated.is_some(),
                "reason": n.to_string(),
                "held": held(&n.node),
            })).collect::<Vec<_>>(),
            "rolloutStatus": status_json(self.rollout_status),
            "conditions": conditions_json(self.conditions.unwrap_or_default()),
        });
        self.insert_lints(&mut out);
        if let (Some(history), Some(map)) = (self.history, out.as_object_mut()) {
            map.insert("history".to_owned(), history_json(history));
        }
        if let (Some(what_if), Some(map)) = (self.what_if, out.as_object_mut()) {
            map.insert("apply".to_owned(), what_if.json());
        }
        if let (Some(rollout), Some(map)) = (self.rollout, out.as_object_mut()) {
            map.insert("rollout".to_owned(), json!({
                "batches": rollout.batches.iter().map(|b| {
                    let (replaced, removed) = self.split_batch(&b.nodes);
                    json!({"at": b.at.to_string(), "nodes": b.nodes, "replaced": replaced, "removed": removed})
                }).collect::<Vec<_>>(),
                "batchCount": rollout.batches.len(),
                "finishes": rollout.finishes,
                "reason": rollout.reason,
                "durationSeconds": rollout.duration_seconds,
            }));
        }
        out
    }

    /// The nodes of a rollout batch whose pod is replaced (the node exists and gets a new
    /// pod), and those whose old pod is only removed (a node that may no longer run the
    /// daemon, or is gone).
    pub fn split_batch<'n>(&self, nodes: &'n [String]) -> (Vec<&'n str>, Vec<&'n str>) {
        nodes.iter().map(String::as_str).partition(|name| {
            self.nodes
                .iter()
                .any(|n| n.node == *name && n.placement.should_run)
        })
    }

    /// The `"lints"` key: with `--lint`, or when `--validate=warn` dropped fields.
    fn insert_lints(&self, out: &mut Value) {
        if self.lints.is_none() && self.warnings.is_empty() {
            return;
        }
        let mut found = lints_json(self.lints.unwrap_or_default());
        if let Value::Array(items) = &mut found {
            items.extend(self.warnings.iter().map(warning_json));
        }
        if let Some(map) = out.as_object_mut() {
            map.insert("lints".to_owned(), found);
        }
    }
}

/// A field `--validate=warn` dropped, as a lint.
pub fn warning_json(warning: &String) -> Value {
    json!({
        "severity": "warning",
        "code": "unknown-field",
        "message": warning,
        "hint": "remove the field or fix its name: the API server refuses unknown fields under strict validation",
    })
}
