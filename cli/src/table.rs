//! The table for people: the `kubectl get ds` line, one row per node (per pod where a node
//! has several), the rolling-update budget, and the rollout preview.

use daemonset_planner::lints::Lint;
use daemonset_planner::planning::{BudgetUseReason, UpdateMode};
use daemonset_planner::{Action, NodeExplanation, RollingUpdateStep};

use crate::report::{Report, budget_reason, collision_message};
use crate::whatif::finishing;

/// Cuts `text` to at most `width` characters, at a word boundary when one is near, marking
/// the cut with `...`.
pub fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let keep = width.saturating_sub(3);
    let mut cut: String = text.chars().take(keep).collect();
    // At a word boundary when one is near.
    if let Some(space) = cut.rfind(' ').filter(|at| *at > keep / 2) {
        cut.truncate(space);
    }
    cut.push_str("...");
    cut
}

/// The short form of a node's reason: its first clause.
fn short_reason(text: &str) -> &str {
    text.split(';').next().unwrap_or(text).trim()
}

/// The REASON of one row: the actions on this row's pod in short words (the create on the
/// node's first row), else the first clause of the node's reason; cut to `room` unless
/// `--explain` (which prints the long form under "Per node").
fn row_reason(
    n: &NodeExplanation,
    pod: Option<&String>,
    first: bool,
    full: &str,
    explain: bool,
    room: usize,
) -> String {
    let own: Vec<String> = n
        .actions
        .iter()
        .filter_map(|action| match action {
            Action::Create { reason, .. } if first => Some(format!("create ({reason})")),
            Action::Delete {
                pod: deleted,
                reason,
                ..
            } if pod == Some(deleted) => Some(format!("delete ({reason})")),
            _ => None,
        })
        .collect();
    let text = if !own.is_empty() {
        own.join(", ")
    } else if !n.actions.is_empty() || !first {
        "kept".to_owned()
    } else {
        short_reason(full).to_owned()
    };
    if explain {
        // In full; the long form follows under "Per node".
        return text;
    }
    truncate(&text, room)
}

/// The lints section.
pub fn lints_table(lints: &[Lint]) -> String {
    let mut out = String::from("\nLints:\n");
    if lints.is_empty() {
        out.push_str("  none\n");
    }
    for l in lints {
        out.push_str(&format!(
            "  {}[{}]: {}\n    hint: {}\n",
            l.severity, l.code, l.message, l.hint
        ));
    }
    out
}

impl Report<'_> {
    /// The whole table.
    pub fn table(&self, explain: bool, with_status: bool, width: usize) -> String {
        let mut out = String::new();
        if let Some(what_if) = self.what_if {
            out.push_str(&what_if.table());
        }
        out.push_str(&self.plan_table(explain, width));
        if let Some(history) = self.history {
            out.push_str(&format!("\nHistory: {history}.\n"));
        }
        if self.lints.is_some() || !self.warnings.is_empty() {
            let mut all = self.lints.unwrap_or_default().to_vec();
            all.extend_from_slice(self.warnings);
            out.push_str(&lints_table(&all));
        }
        if with_status {
            if let Some(found) = self.conditions {
                out.push_str("\nConditions:\n");
                for c in found {
                    out.push_str(&format!("  {c}\n"));
                }
            }
            out.push_str(&format!("\n{}\n", self.rollout_status));
        }
        out
    }

    fn plan_table(&self, explain: bool, width: usize) -> String {
        let stored = self.daemon_set.status.clone().unwrap_or_default();
        let s = self.plan.map_or(&stored, |plan| &plan.status);
        let node_selector = {
            let selector = &self.daemon_set.spec.template.spec.node_selector;
            if selector.is_empty() {
                "<none>".to_owned()
            } else {
                selector
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            }
        };
        let mut out = String::new();
        let name = &self.daemon_set.metadata.name;
        let w = name.len().max(4).saturating_add(3);
        out.push_str(&format!(
            "{:<w$}{:<10}{:<10}{:<8}{:<13}{:<12}{}\n",
            "NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR"
        ));
        out.push_str(&format!(
            "{:<w$}{:<10}{:<10}{:<8}{:<13}{:<12}{}\n\n",
            name,
            s.desired_number_scheduled,
            s.current_number_scheduled,
            s.number_ready,
            s.updated_number_scheduled,
            s.number_available,
            node_selector
        ));
        let Some(plan) = self.plan else {
            let collision = self.history.and_then(|h| h.collision_count).unwrap_or(0);
            out.push_str(&format!(
                "Nothing to do: {}.\n",
                collision_message(collision)
            ));
            return out;
        };
        if let Some(reason) = plan.skipped {
            out.push_str(&format!("Nothing to do: {reason}.\n"));
            return out;
        }
        let nw = self
            .nodes
            .iter()
            .map(|n| n.node.len())
            .max()
            .unwrap_or(4)
            .max(4)
            .saturating_add(3);
        let pw = self
            .nodes
            .iter()
            .flat_map(|n| n.pods.iter().map(String::len))
            .max()
            .unwrap_or(3)
            .max(3)
            .saturating_add(3);
        out.push_str(&format!(
            "{:<nw$}{:<10}{:<pw$}{}\n",
            "NODE", "DECISION", "POD", "REASON"
        ));
        let room = width
            .saturating_sub(nw.saturating_add(10).saturating_add(pw))
            .max(20);
        for n in self.nodes {
            let full = n.to_string();
            // One row per pod (a row with no pod when the node has none); the node's name and
            // decision on the first.
            let rows: Vec<Option<&String>> = if n.pods.is_empty() {
                vec![None]
            } else {
                n.pods.iter().map(Some).collect()
            };
            for (i, pod) in rows.into_iter().enumerate() {
                let reason = row_reason(n, pod, i == 0, &full, explain, room);
                let (node, decision) = if i == 0 {
                    (n.node.as_str(), n.decision())
                } else {
                    ("", "")
                };
                let line = format!(
                    "{:<nw$}{:<10}{:<pw$}{}",
                    node,
                    decision,
                    pod.map_or("-", String::as_str),
                    reason
                );
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
        let others: Vec<String> = plan
            .actions
            .iter()
            .filter(|a| match a {
                Action::Adopt { .. } | Action::Release { .. } => true,
                Action::Delete { pod, .. } => !self.nodes.iter().any(|n| n.pods.contains(pod)),
                _ => false,
            })
            .map(|a| a.to_string())
            .collect();
        if !others.is_empty() {
            out.push_str("\nAlso:\n");
            for line in others {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out.push_str(&format!("\nRevision {}.", plan.revision));
        if plan.deferred_creates > 0 || plan.deferred_deletes > 0 {
            out.push_str(&format!(
                " Deferred by the burst limit: {} creates, {} deletes.",
                plan.deferred_creates, plan.deferred_deletes
            ));
        }
        if let Some(after) = plan.requeue_after {
            out.push_str(&format!(" Plan again in {}s.", after.as_secs()));
        }
        out.push('\n');
        match &plan.rolling_update {
            Some(RollingUpdateStep::Batch(batch)) => {
                let mode = match batch.mode {
                    UpdateMode::MaxUnavailable => "maxUnavailable",
                    _ => "maxSurge",
                };
                // `used` is what is unavailable before this plan; the plan takes more only by
                // deleting available old pods or starting surge pods.
                let replaced_anyway = batch
                    .used
                    .iter()
                    .filter(|u| matches!(u.reason, BudgetUseReason::OldUnavailable))
                    .count();
                let taken = batch
                    .deleted
                    .len()
                    .saturating_sub(replaced_anyway)
                    .saturating_add(batch.surged.len());
                out.push_str(&format!(
                    "Rolling update: {mode} {} of {} desired nodes; unavailable now {}, used by this plan {}; {} old pod(s) wait.\n",
                    batch.budget,
                    batch.desired,
                    batch.used.len(),
                    taken,
                    batch.waiting
                ));
                if !batch.held.is_empty() {
                    out.push_str(&format!(
                        "Held back: {} old pod(s) left alone this plan.\n",
                        batch.held.len()
                    ));
                }
                if explain {
                    for u in &batch.used {
                        out.push_str(&format!(
                            "  uses budget: {} ({})\n",
                            u.node,
                            budget_reason(&u.reason)
                        ));
                    }
                    for h in &batch.held {
                        out.push_str(&format!("  held: {} ({})\n", h.node, h.reason));
                    }
                }
            }
            Some(RollingUpdateStep::Failed(error)) => {
                out.push_str(&format!("Rolling update fails: {error}\n"));
            }
            Some(RollingUpdateStep::Paused(reason)) => {
                out.push_str(&format!("Rolling update does not run: {reason}.\n"));
            }
            _ => {}
        }
        if explain {
            out.push_str("\nPer node:\n");
            for n in self.nodes {
                let eligibility = match &n.cause {
                    None => "eligible".to_owned(),
                    Some(cause) => cause.to_string(),
                };
                out.push_str(&format!("  {}: {}\n", n.node, eligibility));
                if !n.actions.is_empty() || n.outdated.is_some() {
                    out.push_str(&format!("    {n}\n"));
                }
            }
        }
        if let Some(rollout) = self.rollout {
            out.push_str(&format!(
                "\nRollout preview: {} batch(es), {} in {}s.\n",
                rollout.batches.len(),
                finishing(rollout.finishes),
                rollout.duration_seconds
            ));
            for (i, batch) in rollout.batches.iter().enumerate() {
                let (replaced, removed) = self.split_batch(&batch.nodes);
                let mut line = format!("  {}. {}  ", i.saturating_add(1), batch.at);
                if replaced.is_empty() {
                    line.push_str("no pod replaced");
                } else {
                    line.push_str(&replaced.join(", "));
                }
                if !removed.is_empty() {
                    line.push_str(&format!(
                        " (old pod removed, no new one: {})",
                        removed.join(", ")
                    ));
                }
                out.push_str(&line);
                out.push('\n');
            }
            if let Some(reason) = &rollout.reason {
                out.push_str(&format!("  Stops: {reason}.\n"));
            }
        }
        out
    }
}
