//! Presentation: lints, findings about a DaemonSet that the API server accepts but that are
//! probably not what its author meant, judged against the cluster's nodes.

mod host_ports;
mod kruise;
mod nodes;
mod selector;
mod tolerations;
mod unknown_fields;

use std::fmt;

use crate::model::{DaemonSet, Node};
use crate::scheduling::DaemonPlacement;

pub use unknown_fields::lint_unknown_fields;

/// How serious a lint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Severity {
    /// The DaemonSet cannot work as written (a rollout that can never finish).
    Error,
    /// Probably a mistake.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Lint {
    /// How serious.
    pub severity: Severity,
    /// A stable kebab-case code, e.g. `surge-host-port`.
    pub code: &'static str,
    /// What is wrong, lower-case, without a trailing period.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl fmt::Display for Lint {
    /// `warning[matches-no-node]: ... (hint: ...)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}]: {} (hint: {})",
            self.severity, self.code, self.message, self.hint
        )
    }
}

impl Lint {
    fn new(
        severity: Severity,
        code: &'static str,
        message: String,
        hint: impl Into<String>,
    ) -> Self {
        Lint {
            severity,
            code,
            message,
            hint: hint.into(),
        }
    }
}

/// Lints `daemon_set` against `nodes`. Pass a defaulted DaemonSet ([`crate::apply_defaults`]).
/// Nothing of severity warning or error fires on a DaemonSet that works as its author
/// evidently meant. The findings, in this order (codes in brackets):
///
/// - \[`surge-host-port`\] error: the update surges (maxSurge above 0) but a container binds a
///   host port (`hostPort`, or any `containerPort` with `hostNetwork`): the surge pod cannot
///   start beside the old one on the same node, so the rollout never finishes;
/// - \[`selector-looks-like-node-selector`\] warning: an entry of `spec.selector` is keyed by
///   a node label (`kubernetes.io/hostname`, `kubernetes.io/os`, `node-role.kubernetes.io/*`,
///   `topology.kubernetes.io/*`, ...): it selects pods, not nodes. Values never count
///   (`k8s-app: calico-node` is a pod label);
/// - \[`matches-no-node`\] warning: no node should run the daemon (checked when nodes are given);
/// - \[`tolerates-every-taint`\] info: a toleration with an empty key and `Exists` tolerates
///   every taint (of its effect, if it names one); the finding names the well-known taints
///   this opens beyond the tolerations every daemon pod gets, and those of the given nodes.
///   Quiet for node agents, which tolerate everything on purpose: a template with
///   `hostNetwork`, `hostPID`, a `system-node-critical` or `system-cluster-critical` priority
///   class, or a hostPath volume;
/// - \[`partition-covers-all`\] warning: an Advanced DaemonSet's partition (scaled against the
///   nodes that should run the daemon, rounding down) is at or above that count: no node will
///   be updated;
/// - \[`update-selector-matches-no-node`\] warning: an Advanced DaemonSet's
///   `rollingUpdate.selector` matches no node that should run the daemon;
/// - \[`node-selector-label-unknown`\] warning: a `nodeSelector` label that no node carries
///   (checked when nodes are given);
/// - \[`kruise-field-ignored`\] info: an apps/v1 DaemonSet carries an Advanced DaemonSet field,
///   which the API server refuses under strict field validation and drops otherwise, and the
///   planner ignores.
///
/// Fields the loader dropped because Kubernetes' schema does not have them are linted by
/// [`lint_unknown_fields`].
///
/// ```
/// use daemonset_planner::{apply_defaults, lint, DaemonSet, Node};
/// use daemonset_planner::lints::Severity;
/// let mut ds = DaemonSet::default();
/// ds.metadata.name = "agent".into();
/// ds.spec.template.spec.node_selector.insert("disktype".into(), "ssd".into());
/// apply_defaults(&mut ds);
/// let mut node = Node::default();
/// node.metadata.name = "worker-1".into();
/// let found = lint(&ds, &[node]);
/// let codes: Vec<&str> = found.iter().map(|l| l.code).collect();
/// assert_eq!(codes, ["matches-no-node", "node-selector-label-unknown"]);
/// assert_eq!(found[1].severity, Severity::Warning);
/// ```
pub fn lint(daemon_set: &DaemonSet, nodes: &[Node]) -> Vec<Lint> {
    let mut out = Vec::new();
    host_ports::surge_host_port(daemon_set, &mut out);
    selector::selector_like_node_selector(daemon_set, &mut out);
    let placement = DaemonPlacement::new(daemon_set, false);
    let desired: Vec<&Node> = nodes
        .iter()
        .filter(|n| placement.placement(n).should_run)
        .collect();
    nodes::matches_no_node(&placement, nodes, &desired, &mut out);
    tolerations::tolerates_everything(daemon_set, nodes, &mut out);
    kruise::kruise_scope(daemon_set, &desired, &mut out);
    nodes::unknown_node_selector_labels(daemon_set, nodes, &mut out);
    kruise::kruise_fields_on_apps_v1(daemon_set, &mut out);
    out
}
