//! `--apply FILE`: what happens if the manifest is applied over the live DaemonSet.
//!
//! The library's [`update_daemon_set`] does what the API server does on the update; this module
//! compares where the daemon runs before and after, and collects what holds the rollout back.

use daemonset_planner::planning::UpdateMode;
use daemonset_planner::rollout::RolloutPreview;
use daemonset_planner::update::Update;
use daemonset_planner::{
    DaemonSet, Node, NodeExplanation, Plan, PlanOptions, Pod, RollingUpdateStep, explain, lint,
    plan, update_daemon_set,
};
use serde_json::{Value, json};

/// What an update changes, beside the plan and rollout of the updated DaemonSet.
pub struct WhatIf {
    /// The manifest's file name.
    pub file: String,
    /// The API server's update.
    pub update: Update,
    /// Nodes that run no daemon pod today and should after the update.
    pub gaining: Vec<String>,
    /// Nodes whose daemon pod the update removes: deleted at once, whatever the budget.
    pub losing: Vec<String>,
    /// What holds the rollout back, in words.
    pub blockers: Vec<String>,
    /// The rollout in one sentence, once previewed.
    pub summary: Option<String>,
}

/// Applies `manifest` over `live` and compares placements. The caller plans the updated
/// DaemonSet (`what_if.update.daemon_set`) as usual.
pub fn what_if(
    file: &str,
    live: &DaemonSet,
    manifest: &DaemonSet,
    nodes: &[Node],
    pods: &[Pod],
    options: &PlanOptions,
) -> Result<WhatIf, Vec<String>> {
    let update = update_daemon_set(live, manifest).map_err(|err| {
        err.to_string()
            .lines()
            .map(|l| format!("{file}: {l}"))
            .collect::<Vec<_>>()
    })?;
    let placement = |ds: &DaemonSet| -> Result<Vec<NodeExplanation>, Vec<String>> {
        let planned = plan(ds, nodes, pods, options).map_err(|e| vec![e.to_string()])?;
        explain(ds, nodes, pods, &planned, options).map_err(|e| vec![e.to_string()])
    };
    let before = placement(live)?;
    let after = placement(&update.daemon_set)?;
    let mut gaining = Vec::new();
    let mut losing = Vec::new();
    for (old, new) in before.iter().zip(&after) {
        let (ran, runs) = (
            old.placement.should_continue_running,
            new.placement.should_continue_running,
        );
        if !ran && new.placement.should_run {
            gaining.push(new.node.clone());
        }
        if ran && !runs && !old.pods.is_empty() {
            losing.push(new.node.clone());
        }
    }
    let blockers = lint(&update.daemon_set, nodes)
        .into_iter()
        .filter(|l| l.code == "surge-host-port")
        .map(|l| l.message)
        .collect();
    Ok(WhatIf {
        file: file.to_owned(),
        update,
        gaining,
        losing,
        blockers,
        summary: None,
    })
}

impl WhatIf {
    /// Sums up the rollout preview of the updated DaemonSet.
    pub fn note_rollout(&mut self, planned: &Plan, rollout: &RolloutPreview, startup: i64) {
        let budget = match &planned.rolling_update {
            Some(RollingUpdateStep::Batch(batch)) => {
                let mode = match batch.mode {
                    UpdateMode::MaxUnavailable => "maxUnavailable",
                    _ => "maxSurge",
                };
                format!(" ({mode} {} of {} nodes)", batch.budget, batch.desired)
            }
            _ => String::new(),
        };
        self.summary = Some(format!(
            "{} batch(es){budget}, {} in {}s at {startup}s per pod start",
            rollout.batches.len(),
            finishing(rollout.finishes),
            rollout.duration_seconds,
        ));
        if let Some(reason) = rollout.reason.as_ref().filter(|_| !rollout.finishes) {
            self.blockers.push(reason.clone());
        }
    }

    /// The `"apply"` object of the JSON report.
    pub fn json(&self) -> Value {
        let u = &self.update;
        json!({
            "file": self.file,
            "specChanged": u.spec_changed,
            "templateChanged": u.template_changed,
            "generation": {"from": u.old_generation, "to": u.generation},
            "templateGeneration": {"from": u.old_template_generation, "to": u.template_generation},
            "revisionHash": {"from": u.old_hash, "to": u.hash},
            "nodesGaining": self.gaining,
            "nodesLosing": self.losing,
            "blockedBy": self.blockers,
        })
    }

    /// The what-if section of the table.
    pub fn table(&self) -> String {
        let u = &self.update;
        let mut out = format!(
            "If you apply {} to daemonset {}:\n",
            self.file,
            u.daemon_set.metadata.display_name()
        );
        if !u.spec_changed {
            out.push_str("  No change: the defaulted manifest equals the live spec.\n");
        }
        out.push_str(&format!(
            "  generation {} -> {}; template generation {} -> {}",
            u.old_generation, u.generation, u.old_template_generation, u.template_generation
        ));
        if u.template_changed {
            out.push_str(&format!(
                "\n  The pod template changes (revision {} -> {}): every pod is replaced.\n",
                u.old_hash, u.hash
            ));
        } else {
            out.push_str("\n  The pod template is unchanged: no pod is replaced.\n");
        }
        if !self.gaining.is_empty() {
            out.push_str(&format!(
                "  Nodes gaining the daemon ({}): {}\n",
                self.gaining.len(),
                self.gaining.join(", ")
            ));
        }
        if !self.losing.is_empty() {
            out.push_str(&format!(
                "  Nodes losing the daemon ({}), deleted at once whatever the budget: {}\n",
                self.losing.len(),
                self.losing.join(", ")
            ));
        }
        if let Some(summary) = &self.summary {
            out.push_str(&format!("  Rollout: {summary}.\n"));
        }
        for blocker in &self.blockers {
            out.push_str(&format!("  Blocked: {blocker}\n"));
        }
        out.push('\n');
        out
    }
}

/// Whether a previewed rollout finishes, in the words of the summary and the table.
pub fn finishing(finishes: bool) -> &'static str {
    if finishes {
        "finishes"
    } else {
        "does not finish"
    }
}
