//! Presentation: lints, findings about a DaemonSet that the API server accepts but that are
//! probably not what its author meant, judged against the cluster's nodes.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

use crate::model::{DaemonSet, IntOrString, Node, TolerationOperator};
use crate::planning::allows_surge;
use crate::scheduling::{DaemonPlacement, LabelMatcher};
use crate::validation::{entry_involves_nodes, selector_entries};

/// How serious a lint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
#[derive(serde::Serialize)]
#[serde(rename_all = "lowercase")]
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
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[derive(serde::Serialize)]
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
/// The findings, in this order (codes in brackets):
///
/// - \[`surge-host-port`\] error: the update surges (maxSurge above 0) but a container binds a
///   host port (`hostPort`, or any `containerPort` with `hostNetwork`): the surge pod cannot
///   start beside the old one on the same node, so the rollout never finishes;
/// - \[`selector-looks-like-node-selector`\] warning: an entry of `spec.selector` names a node
///   label (`kubernetes.io/hostname`, a zone, ...) or mentions nodes: it selects pods, not nodes;
/// - \[`matches-no-node`\] warning: no node should run the daemon (checked when nodes are given);
/// - \[`tolerates-every-taint`\] warning: a toleration with an empty key and `Exists` tolerates
///   every taint (of its effect, if it names one), so no taint keeps the daemon off a node;
/// - \[`partition-covers-all`\] warning: an Advanced DaemonSet's partition (scaled against the
///   nodes that should run the daemon, rounding down) is at or above that count: no node will
///   be updated;
/// - \[`update-selector-matches-no-node`\] warning: an Advanced DaemonSet's
///   `rollingUpdate.selector` matches no node that should run the daemon;
/// - \[`node-selector-label-unknown`\] warning: a `nodeSelector` label that no node carries
///   (checked when nodes are given);
/// - \[`kruise-field-ignored`\] info: an apps/v1 DaemonSet carries an Advanced DaemonSet field,
///   which the API server drops and the planner ignores.
///
/// ```
/// use daemonset_planner::{apply_defaults, lint, DaemonSet, Node, Severity};
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
    surge_host_port(daemon_set, &mut out);
    selector_like_node_selector(daemon_set, &mut out);
    let placement = DaemonPlacement::new(daemon_set, false);
    let desired: Vec<&Node> = nodes
        .iter()
        .filter(|n| placement.placement(n).should_run)
        .collect();
    if !nodes.is_empty() && desired.is_empty() {
        let example = nodes
            .iter()
            .find_map(|n| {
                placement
                    .verdict(n)
                    .cause
                    .map(|cause| format!("{}: {cause}", n.metadata.name))
            })
            .unwrap_or_default();
        out.push(Lint::new(
            Severity::Warning,
            "matches-no-node",
            format!(
                "no node of {} should run the daemon: desired is 0",
                nodes.len()
            ),
            format!(
                "check the nodeSelector, node affinity, tolerations and nodeName against the \
                 nodes (e.g. {example})"
            ),
        ));
    }
    tolerates_everything(daemon_set, &mut out);
    kruise_scope(daemon_set, &desired, &mut out);
    unknown_node_selector_labels(daemon_set, nodes, &mut out);
    kruise_fields_on_apps_v1(daemon_set, &mut out);
    out
}

/// Host ports a container binds: `(container, port, protocol)`.
fn host_ports(daemon_set: &DaemonSet) -> Vec<(String, i64, String)> {
    let spec = &daemon_set.spec.template.spec;
    let mut out = Vec::new();
    let containers = spec.other.get("containers").and_then(Value::as_array);
    for container in containers.into_iter().flatten() {
        let name = container
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let ports = container.get("ports").and_then(Value::as_array);
        for port in ports.into_iter().flatten() {
            let host_port = port
                .get("hostPort")
                .and_then(Value::as_i64)
                .filter(|p| *p > 0);
            let container_port = port.get("containerPort").and_then(Value::as_i64);
            let bound = match (host_port, spec.host_network) {
                (Some(p), _) => Some(p),
                (None, true) => container_port,
                (None, false) => None,
            };
            if let Some(p) = bound {
                let protocol = port
                    .get("protocol")
                    .and_then(Value::as_str)
                    .unwrap_or("TCP");
                out.push((name.to_owned(), p, protocol.to_owned()));
            }
        }
    }
    out
}

fn surge_host_port(daemon_set: &DaemonSet, out: &mut Vec<Lint>) {
    if !allows_surge(daemon_set) {
        return;
    }
    let ports = host_ports(daemon_set);
    let Some((container, port, protocol)) = ports.first() else {
        return;
    };
    let how = if daemon_set.spec.template.spec.host_network {
        "with hostNetwork"
    } else {
        "as hostPort"
    };
    out.push(Lint::new(
        Severity::Error,
        "surge-host-port",
        format!(
            "maxSurge starts the new pod beside the old one on the same node, but container \
             {container:?} binds host port {port}/{protocol} ({how}): the surge pod can never \
             start there, so the rollout never finishes"
        ),
        "replace pods with maxUnavailable (set maxSurge to 0), or stop binding host ports",
    ));
}

fn selector_like_node_selector(daemon_set: &DaemonSet, out: &mut Vec<Lint>) {
    let Some(selector) = &daemon_set.spec.selector else {
        return;
    };
    let node_like: Vec<String> = selector_entries(selector)
        .iter()
        .filter(|entry| entry_involves_nodes(entry))
        .filter_map(|entry| LabelMatcher::new(Some(entry)).ok())
        .map(|matcher| format!("`{matcher}`"))
        .collect();
    if node_like.is_empty() {
        return;
    }
    out.push(Lint::new(
        Severity::Warning,
        "selector-looks-like-node-selector",
        format!(
            "spec.selector {} looks like it means to choose nodes, but spec.selector picks the \
             DaemonSet's own pods",
            node_like.join(", ")
        ),
        "choose nodes with spec.template.spec.nodeSelector or node affinity, and select the \
         pod template's labels in spec.selector",
    ));
}

fn tolerates_everything(daemon_set: &DaemonSet, out: &mut Vec<Lint>) {
    for (i, toleration) in daemon_set.spec.template.spec.tolerations.iter().enumerate() {
        if !toleration.key.is_empty() || toleration.operator != Some(TolerationOperator::Exists) {
            continue;
        }
        let scope = match &toleration.effect {
            None => "every taint".to_owned(),
            Some(effect) => format!("every {effect} taint"),
        };
        out.push(Lint::new(
            Severity::Warning,
            "tolerates-every-taint",
            format!(
                "spec.template.spec.tolerations[{i}] (operator Exists, no key) tolerates \
                 {scope}: no such taint keeps the daemon off a node, not even \
                 node.kubernetes.io/unschedulable or a dedicated node's"
            ),
            "tolerate the taints the daemon needs by key (the controller adds the node-problem \
             tolerations daemons need by itself)",
        ));
    }
}

fn kruise_scope(daemon_set: &DaemonSet, desired: &[&Node], out: &mut Vec<Lint>) {
    let Some(rolling) = daemon_set.kruise_rolling_update() else {
        return;
    };
    let count = i64::try_from(desired.len()).unwrap_or(i64::MAX);
    if let Some(partition) = &rolling.partition
        && count > 0
        && let Ok(scaled) = partition.scaled_value(count, false)
        && scaled >= count
    {
        let shown = match partition {
            IntOrString::Int(n) => n.to_string(),
            IntOrString::String(text) => format!("{text} ({scaled} nodes)"),
        };
        out.push(Lint::new(
            Severity::Warning,
            "partition-covers-all",
            format!(
                "rollingUpdate.partition {shown} keeps every one of the {count} nodes that \
                 should run the daemon on the old revision: no node will be updated"
            ),
            "lower the partition step by step to roll out (to 0 to finish), or remove it",
        ));
    }
    if let Some(selector) = &rolling.selector
        && let Ok(matcher) = LabelMatcher::new(Some(selector))
        && count > 0
        && !desired.iter().any(|n| matcher.matches(&n.metadata.labels))
    {
        out.push(Lint::new(
            Severity::Warning,
            "update-selector-matches-no-node",
            format!(
                "rollingUpdate.selector `{matcher}` matches none of the {count} nodes that should \
                 run the daemon: no old pod will be updated"
            ),
            "label the nodes to update, or fix or remove rollingUpdate.selector",
        ));
    }
}

fn unknown_node_selector_labels(daemon_set: &DaemonSet, nodes: &[Node], out: &mut Vec<Lint>) {
    if nodes.is_empty() {
        return;
    }
    for (key, value) in &daemon_set.spec.template.spec.node_selector {
        let carried = nodes
            .iter()
            .any(|n| n.metadata.labels.get(key) == Some(value));
        if carried {
            continue;
        }
        let others: BTreeSet<&str> = nodes
            .iter()
            .filter_map(|n| n.metadata.labels.get(key).map(String::as_str))
            .collect();
        let hint = if others.is_empty() {
            format!(
                "no node has the label {key} at all: label the nodes (`kubectl label node NAME \
                 {key}={value}`) or fix the key"
            )
        } else {
            let values: Vec<&str> = others.into_iter().collect();
            format!(
                "nodes carry {key} with the values {}: fix the value, or label the nodes",
                values.join(", ")
            )
        };
        out.push(Lint::new(
            Severity::Warning,
            "node-selector-label-unknown",
            format!(
                "spec.template.spec.nodeSelector {key}={value}: no node of {} carries this label",
                nodes.len()
            ),
            hint,
        ));
    }
}

fn kruise_fields_on_apps_v1(daemon_set: &DaemonSet, out: &mut Vec<Lint>) {
    if daemon_set.is_kruise() {
        return;
    }
    let mut fields = Vec::new();
    if let Some(rolling) = &daemon_set.spec.update_strategy.rolling_update {
        for (set, name) in [
            (rolling.partition.is_some(), "rollingUpdate.partition"),
            (rolling.paused.is_some(), "rollingUpdate.paused"),
            (rolling.selector.is_some(), "rollingUpdate.selector"),
            (
                rolling.rolling_update_type.is_some(),
                "rollingUpdate.rollingUpdateType",
            ),
        ] {
            if set {
                fields.push(name);
            }
        }
    }
    if daemon_set.spec.burst_replicas.is_some() {
        fields.push("burstReplicas");
    }
    if daemon_set.spec.scale_strategy.is_some() {
        fields.push("scaleStrategy");
    }
    if fields.is_empty() {
        return;
    }
    out.push(Lint::new(
        Severity::Info,
        "kruise-field-ignored",
        format!(
            "{} belong to OpenKruise's Advanced DaemonSet: an apps/v1 DaemonSet ignores them",
            fields.join(", ")
        ),
        "use apiVersion apps.kruise.io/v1beta1 (with OpenKruise installed), or remove them",
    ));
}
