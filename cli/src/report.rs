//! The report of one plan as JSON (and YAML): the contract other tools read.
//!
//! Keys are only ever added, never renamed or removed.

use daemonset_planner::history::HistoryPlan;
use daemonset_planner::lints::{Lint, lint_unknown_fields};
use daemonset_planner::planning::{BudgetUse, BudgetUseReason};
use daemonset_planner::rollout::{RolloutBatch, RolloutCondition, RolloutPreview, RolloutStatus};
use daemonset_planner::{DaemonSet, NodeExplanation, Plan, RollingUpdateStep};
use serde::Serialize;
use serde_json::{Value, json};

use crate::inputs::Dropped;
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
    /// Unknown fields the loader dropped (`--validate=warn`), as lints: [`warning_lints`].
    pub warnings: &'a [Lint],
}

/// The collision message, where no plan is made.
pub fn collision_message(count: i32) -> String {
    format!(
        "a ControllerRevision of another template has the new revision's name: \
         status.collisionCount must become {count}, and the sync fails until it is"
    )
}

/// Why a node uses the budget, in the words the JSON uses.
pub fn budget_reason(why: &BudgetUseReason) -> String {
    // The library serializes the reason as its words; a string always serializes.
    match serde_json::to_value(BudgetUseWords(why)) {
        Ok(Value::String(text)) => text,
        _ => String::new(),
    }
}

/// A budget use reason alone, serialized as the library does inside a [`BudgetUse`].
struct BudgetUseWords<'a>(&'a BudgetUseReason);

impl Serialize for BudgetUseWords<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let use_ = BudgetUse {
            node: String::new(),
            reason: self.0.clone(),
        };
        match serde_json::to_value(&use_) {
            Ok(Value::Object(map)) => map
                .get("reason")
                .cloned()
                .unwrap_or(Value::Null)
                .serialize(s),
            _ => s.serialize_none(),
        }
    }
}

/// Serializes a library value; the output types always serialize.
pub fn value<T: Serialize>(found: &T) -> Value {
    serde_json::to_value(found).unwrap_or(Value::Null)
}

/// The JSON report of a plan: the library's output types, composed.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlanReport<'a> {
    daemon_set: String,
    #[serde(flatten)]
    plan: &'a Plan,
    deferred: Deferred,
    nodes: Vec<NodeRow<'a>>,
    rollout_status: &'a RolloutStatus,
    conditions: &'a [RolloutCondition],
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<&'a HistoryPlan>,
    #[serde(skip_serializing_if = "Option::is_none")]
    apply: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rollout: Option<RolloutReport<'a>>,
}

/// Creates and deletes left for the next plan by the burst limit.
#[derive(Serialize)]
struct Deferred {
    creates: usize,
    deletes: usize,
}

/// One node of the report: its explanation, with the decision, the reason in words and why
/// the rolling update holds it.
#[derive(Serialize)]
struct NodeRow<'a> {
    #[serde(flatten)]
    explanation: &'a NodeExplanation,
    decision: &'static str,
    reason: String,
    held: Option<String>,
}

/// The rollout preview, with its batch count and, per batch, the nodes replaced and those
/// whose old pod is only removed.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RolloutReport<'a> {
    batches: Vec<BatchReport<'a>>,
    batch_count: usize,
    finishes: bool,
    reason: &'a Option<String>,
    duration_seconds: i64,
}

#[derive(Serialize)]
struct BatchReport<'a> {
    #[serde(flatten)]
    batch: &'a RolloutBatch,
    replaced: Vec<&'a str>,
    removed: Vec<&'a str>,
}

impl Report<'_> {
    /// The report as one JSON object.
    pub fn json(&self) -> Value {
        let Some(plan) = self.plan else {
            // No plan: the stored status, in the counts a plan's status serializes to.
            let stored_counts = value(&self.daemon_set.status.clone().unwrap_or_default())
                .as_object()
                .map(|all| {
                    all.iter()
                        .filter(|(key, _)| *key != "collisionCount" && *key != "conditions")
                        .map(|(key, v)| (key.clone(), v.clone()))
                        .collect::<serde_json::Map<_, _>>()
                })
                .unwrap_or_default();
            let collision = self.history.and_then(|h| h.collision_count).unwrap_or(0);
            let mut out = json!({
                "daemonSet": self.daemon_set.metadata.display_name(),
                "revision": "",
                "actions": [],
                "status": stored_counts,
                "statusChanged": false,
                "skipped": collision_message(collision),
                "deferred": {"creates": 0, "deletes": 0},
                "requeueAfterSeconds": null,
                "rollingUpdate": null,
                "nodes": [],
                "history": self.history.map(value),
                "rolloutStatus": value(self.rollout_status),
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
        let held = |node: &str| match &plan.rolling_update {
            Some(RollingUpdateStep::Batch(batch)) => batch
                .held
                .iter()
                .find(|h| h.node == node)
                .map(|h| h.reason.to_string()),
            _ => None,
        };
        let report = PlanReport {
            daemon_set: self.daemon_set.metadata.display_name(),
            plan,
            deferred: Deferred {
                creates: plan.deferred_creates,
                deletes: plan.deferred_deletes,
            },
            nodes: self
                .nodes
                .iter()
                .map(|n| NodeRow {
                    explanation: n,
                    decision: n.decision(),
                    reason: n.to_string(),
                    held: held(&n.node),
                })
                .collect(),
            rollout_status: self.rollout_status,
            conditions: self.conditions.unwrap_or_default(),
            history: self.history,
            apply: self.what_if.map(WhatIf::json),
            rollout: self.rollout.map(|rollout| RolloutReport {
                batches: rollout
                    .batches
                    .iter()
                    .map(|batch| {
                        let (replaced, removed) = self.split_batch(&batch.nodes);
                        BatchReport {
                            batch,
                            replaced,
                            removed,
                        }
                    })
                    .collect(),
                batch_count: rollout.batches.len(),
                finishes: rollout.finishes,
                reason: &rollout.reason,
                duration_seconds: rollout.duration_seconds,
            }),
        };
        let mut out = value(&report);
        self.insert_lints(&mut out);
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
        let all: Vec<&Lint> = self
            .lints
            .unwrap_or_default()
            .iter()
            .chain(self.warnings)
            .collect();
        let found = value(&all);
        if let Some(map) = out.as_object_mut() {
            map.insert("lints".to_owned(), found);
        }
    }
}

/// The fields the loader dropped, as the library's `unknown-field` and `misplaced-field` lints
/// (those an embedder gets from `lints::lint_unknown_fields`), each message naming its file
/// (and document, in a stream of several).
pub fn warning_lints(dropped: &[Dropped]) -> Vec<Lint> {
    dropped
        .iter()
        .flat_map(|dropped| {
            let warning = &dropped.warning;
            let place = match (warning.document, warning.item) {
                (0, None) => dropped.file.clone(),
                (document, None) => format!("{}, document {document}", dropped.file),
                (document, Some(item)) => {
                    format!("{}, document {document}, items[{item}]", dropped.file)
                }
            };
            lint_unknown_fields(std::slice::from_ref(&warning.unknown))
                .into_iter()
                .map(move |mut lint| {
                    lint.message = format!("{place}: {}", lint.message);
                    lint
                })
        })
        .collect()
}
