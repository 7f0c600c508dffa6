//! Presentation: for every node, why a daemon pod does or does not belong there, and what the
//! plan does about it.

use std::fmt;

use crate::model::{DaemonSet, Node, Pod};
use crate::planning::{
    Action, CurrentRevision, FactsContext, Plan, PlanError, PlanOptions, Snapshot, compile_selector,
};
use crate::scheduling::{DaemonPlacement, Ineligibility, Placement};

/// One node's explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeExplanation {
    /// The node name.
    pub node: String,
    /// Whether a daemon pod should run, or may keep running, there.
    #[serde(flatten)]
    pub placement: Placement,
    /// Why the node is not fully eligible (`None` when a pod should run).
    #[serde(serialize_with = "crate::json::display_option")]
    pub cause: Option<Ineligibility>,
    /// The daemon pods on the node, oldest first.
    pub pods: Vec<String>,
    /// The plan's actions for this node.
    #[serde(skip)]
    pub actions: Vec<Action>,
    /// Whether the node's pod (the oldest, which status counts) is of an older revision, and
    /// how it will be replaced; `None` when the pod is current or there is none.
    #[serde(serialize_with = "crate::json::is_some")]
    pub outdated: Option<Replacement>,
}

/// How an outdated pod will be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Replacement {
    /// By the rolling update, when its budget allows.
    RollingUpdate,
    /// Only when someone deletes it (`OnDelete`).
    OnDelete,
}

impl NodeExplanation {
    /// A one-word decision: `create`, `delete`, `replace`, `keep` or `none`.
    pub fn decision(&self) -> &'static str {
        let creates = self
            .actions
            .iter()
            .any(|a| matches!(a, Action::Create { .. }));
        let deletes = self
            .actions
            .iter()
            .any(|a| matches!(a, Action::Delete { .. }));
        match (creates, deletes, self.pods.is_empty()) {
            (true, true, _) => "replace",
            (true, false, _) => "create",
            (false, true, _) => "delete",
            (false, false, false) => "keep",
            (false, false, true) => "none",
        }
    }
}

impl fmt::Display for NodeExplanation {
    /// The reason in words: the action reasons, else the eligibility cause, else "runs its pod".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for action in &self.actions {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            match action {
                Action::Create { reason, .. } => write!(f, "create ({reason})")?,
                Action::Delete { pod, reason, .. } => write!(f, "delete {pod} ({reason})")?,
                other => write!(f, "{other}")?,
            }
        }
        match (&self.cause, first, self.outdated) {
            (None, true, Some(Replacement::RollingUpdate)) => {
                return f.write_str("old revision: waits for the rolling-update budget");
            }
            (None, true, Some(Replacement::OnDelete)) => {
                return f.write_str("old revision: replaced only when deleted (OnDelete)");
            }
            _ => {}
        }
        match (&self.cause, first) {
            (Some(cause), true) => write!(f, "{cause}"),
            (Some(cause), false) => write!(f, "; {cause}"),
            (None, true) if self.pods.is_empty() => f.write_str("eligible"),
            (None, true) => f.write_str("eligible, runs its pod"),
            (None, false) => Ok(()),
        }
    }
}

/// Explains `plan` node by node, in node-name order: eligibility and its cause, the daemon pods
/// on the node, and the plan's actions there. Pass the same inputs the plan was made from.
pub fn explain(
    daemon_set: &DaemonSet,
    nodes: &[Node],
    pods: &[Pod],
    plan: &Plan,
    options: &PlanOptions,
) -> Result<Vec<NodeExplanation>, PlanError> {
    let selector = compile_selector(daemon_set)?;
    let placement = DaemonPlacement::new(daemon_set, options.taint_comparison_operators);
    let revision = CurrentRevision::new(daemon_set, plan.revision.clone());
    let facts_context = FactsContext::new(daemon_set, &revision, options.now);
    let snapshot = Snapshot::new(
        daemon_set,
        &selector,
        &placement,
        nodes,
        pods,
        &facts_context,
    )?;
    let mut out: Vec<NodeExplanation> = nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let verdict = placement.verdict(node);
            let pod_names: Vec<String> = snapshot
                .pods_of(i)
                .iter()
                .filter_map(|p| snapshot.pod(p).map(|pod| pod.metadata.name.clone()))
                .collect();
            let name = node.metadata.name.as_str();
            let outdated = snapshot
                .pods_of(i)
                .first()
                .filter(|&p| !snapshot.facts(p).updated())
                .map(|_| {
                    if daemon_set.is_rolling_update() {
                        Replacement::RollingUpdate
                    } else {
                        Replacement::OnDelete
                    }
                });
            let actions = plan
                .actions
                .iter()
                .filter(|action| match action {
                    Action::Create { node, .. } => node == name,
                    Action::Delete { pod, .. } => pod_names.contains(pod),
                    _ => false,
                })
                .cloned()
                .collect();
            NodeExplanation {
                node: name.to_owned(),
                placement: verdict.placement,
                cause: verdict.cause,
                pods: pod_names,
                actions,
                outdated,
            }
        })
        .collect();
    out.sort_by(|a, b| a.node.cmp(&b.node));
    Ok(out)
}
