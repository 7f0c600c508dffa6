//! `tolerates-every-taint`: an empty-key `Exists` toleration, and which taints it really opens.

use serde_json::Value;

use super::{Lint, Severity};
use crate::model::{DaemonSet, Node, PodSpec, TaintEffect, Toleration, TolerationOperator};
use crate::scheduling::{default_daemon_tolerations, tolerates};

/// Priority classes Kubernetes reserves for components a node or cluster cannot run without.
const SYSTEM_PRIORITY_CLASSES: &[&str] = &["system-node-critical", "system-cluster-critical"];

/// Well-known taints the tolerations every daemon pod gets do not cover, with what they mean:
/// `(key, effect, nodes it keeps the daemon off)`. `network-unavailable` is listed separately
/// (the controller tolerates it for host-network pods).
const UNCOVERED_TAINTS: &[(&str, TaintEffect, &str)] = &[
    (
        "node-role.kubernetes.io/control-plane",
        TaintEffect::NoSchedule,
        "control-plane nodes",
    ),
    (
        "node.cloudprovider.kubernetes.io/uninitialized",
        TaintEffect::NoSchedule,
        "nodes the cloud provider has not initialised yet",
    ),
    (
        "node.cloudprovider.kubernetes.io/shutdown",
        TaintEffect::NoSchedule,
        "shut-down nodes",
    ),
    (
        "node.kubernetes.io/not-ready",
        TaintEffect::NoSchedule,
        "not-ready nodes",
    ),
    (
        "node.kubernetes.io/unreachable",
        TaintEffect::NoSchedule,
        "unreachable nodes",
    ),
    (
        "node.kubernetes.io/out-of-service",
        TaintEffect::NoExecute,
        "nodes taken out of service",
    ),
];

/// Whether the pod template has the shape of a node agent, a daemon that works on the node
/// itself (a CNI or CSI node plugin, a log shipper, a metrics exporter, a device plugin) and
/// so tolerates every taint on purpose: it uses the host's network or process namespace, runs
/// at a system-critical priority class, or mounts a hostPath volume.
pub(crate) fn is_node_agent(spec: &PodSpec) -> bool {
    let flag = |name: &str| spec.other.get(name).and_then(Value::as_bool) == Some(true);
    let priority = spec.other.get("priorityClassName").and_then(Value::as_str);
    let host_path = spec
        .other
        .get("volumes")
        .and_then(Value::as_array)
        .is_some_and(|volumes| volumes.iter().any(|v| v.get("hostPath").is_some()));
    spec.host_network
        || flag("hostPID")
        || priority.is_some_and(|p| SYSTEM_PRIORITY_CLASSES.contains(&p))
        || host_path
}

fn is_wildcard(toleration: &Toleration) -> bool {
    toleration.key.is_empty() && toleration.operator == Some(TolerationOperator::Exists)
}

/// The well-known taints of `effect` (every effect when None) the wildcard opens beyond the
/// default daemon tolerations.
fn well_known_opened(effect: Option<&TaintEffect>, host_network: bool) -> Vec<String> {
    let mut out: Vec<String> = UNCOVERED_TAINTS
        .iter()
        .filter(|(_, e, _)| effect.is_none_or(|effect| effect == e))
        .map(|(key, e, what)| format!("{key}:{e} ({what})"))
        .collect();
    if !host_network && effect.is_none_or(|e| *e == TaintEffect::NoSchedule) {
        out.push(
            "node.kubernetes.io/network-unavailable:NoSchedule (nodes whose network is not set up)"
                .to_owned(),
        );
    }
    out
}

/// The taints of `nodes` that only wildcard tolerations tolerate: their effect, and
/// `key=value:effect on node`.
fn opened_on_nodes(spec: &PodSpec, nodes: &[Node]) -> Vec<(TaintEffect, String)> {
    let mut others: Vec<Toleration> = spec
        .tolerations
        .iter()
        .filter(|t| !is_wildcard(t))
        .cloned()
        .collect();
    others.extend(default_daemon_tolerations(spec.host_network));
    let mut out = Vec::new();
    for node in nodes {
        for taint in &node.spec.taints {
            if taint.effect == TaintEffect::PreferNoSchedule
                || others.iter().any(|t| tolerates(t, taint, false))
                || !spec
                    .tolerations
                    .iter()
                    .any(|t| is_wildcard(t) && tolerates(t, taint, false))
            {
                continue;
            }
            let shown = if taint.value.is_empty() {
                format!("{}:{} on {}", taint.key, taint.effect, node.metadata.name)
            } else {
                format!(
                    "{}={}:{} on {}",
                    taint.key, taint.value, taint.effect, node.metadata.name
                )
            };
            out.push((taint.effect.clone(), shown));
        }
    }
    out
}

pub(super) fn tolerates_everything(daemon_set: &DaemonSet, nodes: &[Node], out: &mut Vec<Lint>) {
    let spec = &daemon_set.spec.template.spec;
    if is_node_agent(spec) {
        return;
    }
    let on_nodes = opened_on_nodes(spec, nodes);
    for (i, toleration) in spec.tolerations.iter().enumerate() {
        if !is_wildcard(toleration) || toleration.effect == Some(TaintEffect::PreferNoSchedule) {
            // PreferNoSchedule taints never keep a daemon off a node anyway.
            continue;
        }
        let scope = match &toleration.effect {
            None => "every taint".to_owned(),
            Some(effect) => format!("every {effect} taint"),
        };
        let mut message = format!(
            "spec.template.spec.tolerations[{i}] (operator Exists, no key) tolerates {scope}: \
             beyond the tolerations every daemon pod gets (the node-pressure and unschedulable \
             taints, and not-ready and unreachable for NoExecute), the daemon also runs on {} \
             and on nodes tainted for a dedicated use",
            well_known_opened(toleration.effect.as_ref(), spec.host_network).join(", ")
        );
        let shown: Vec<&String> = on_nodes
            .iter()
            .filter(|(effect, _)| toleration.effect.as_ref().is_none_or(|e| e == effect))
            .map(|(_, taint)| taint)
            .collect();
        if let Some((first, rest)) = shown.split_first() {
            let mut listed = (*first).clone();
            for taint in rest.iter().take(4) {
                listed.push_str(", ");
                listed.push_str(taint);
            }
            if rest.len() > 4 {
                listed.push_str(&format!(" and {} more", rest.len().saturating_sub(4)));
            }
            message.push_str(&format!("; on these nodes it opens {listed}"));
        }
        out.push(Lint::new(
            Severity::Info,
            "tolerates-every-taint",
            message,
            "if the daemon is not meant to run everywhere, tolerate the taints it needs by key \
             and effect",
        ));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn node_agents_are_recognised_by_their_host_access() {
        let mut spec = PodSpec::default();
        assert!(!is_node_agent(&spec));
        spec.host_network = true;
        assert!(is_node_agent(&spec));
        for (key, value) in [
            ("hostPID", serde_json::json!(true)),
            (
                "priorityClassName",
                serde_json::json!("system-node-critical"),
            ),
            (
                "priorityClassName",
                serde_json::json!("system-cluster-critical"),
            ),
            (
                "volumes",
                serde_json::json!([{"name": "log", "hostPath": {"path": "/var/log"}}]),
            ),
        ] {
            let mut spec = PodSpec::default();
            spec.other.insert(key.into(), value);
            assert!(is_node_agent(&spec), "{key}");
        }
        let mut spec = PodSpec::default();
        spec.other
            .insert("priorityClassName".into(), serde_json::json!("high"));
        spec.other
            .insert("hostPID".into(), serde_json::json!(false));
        spec.other.insert(
            "volumes".into(),
            serde_json::json!([{"name": "c", "emptyDir": {}}]),
        );
        assert!(!is_node_agent(&spec));
    }

    #[test]
    fn the_well_known_list_follows_the_effect_and_host_network() {
        let all = well_known_opened(None, false);
        assert_eq!(all.len(), 7);
        assert!(!all.iter().any(|t| t.contains("unschedulable")));
        let no_execute = well_known_opened(Some(&TaintEffect::NoExecute), false);
        assert_eq!(no_execute.len(), 1);
        assert!(no_execute[0].starts_with("node.kubernetes.io/out-of-service:NoExecute"));
        assert_eq!(well_known_opened(None, true).len(), 6);
    }
}
