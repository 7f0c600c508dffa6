//! `selector-looks-like-node-selector`: `spec.selector` keyed by labels only nodes carry.

use super::{Lint, Severity};
use crate::model::{DaemonSet, LabelSelector};
use crate::scheduling::LabelMatcher;
use crate::scheduling::labels::selector_entries;

/// Label keys Kubernetes, its cloud providers and kubeadm put on nodes: exact keys.
const NODE_LABEL_KEYS: &[&str] = &[
    "kubernetes.io/hostname",
    "kubernetes.io/os",
    "kubernetes.io/arch",
    "kubernetes.io/role",
];

/// Prefixes (up to and including the `/`) of node label keys.
const NODE_LABEL_PREFIXES: &[&str] = &[
    "node-role.kubernetes.io/",
    "topology.kubernetes.io/",
    "node.kubernetes.io/",
    "beta.kubernetes.io/",
    "failure-domain.beta.kubernetes.io/",
    "node-restriction.kubernetes.io/",
];

/// Whether `key` is a label key only nodes carry (a well-known node label), so that a pod
/// selector using it means to choose nodes. Label values never count: `k8s-app: calico-node`
/// names the daemon, not a node.
pub(crate) fn is_node_label_key(key: &str) -> bool {
    NODE_LABEL_KEYS.contains(&key)
        || NODE_LABEL_PREFIXES
            .iter()
            .any(|prefix| key.starts_with(prefix))
}

/// The entries of `selector` keyed by node labels, each shown as a selector of its own.
fn node_like_entries(selector: &LabelSelector) -> Vec<String> {
    selector_entries(selector)
        .into_iter()
        .filter(|entry| {
            entry.match_labels.keys().any(|key| is_node_label_key(key))
                || entry
                    .match_expressions
                    .iter()
                    .any(|expression| is_node_label_key(&expression.key))
        })
        .filter_map(|entry| LabelMatcher::new(Some(&entry)).ok())
        .map(|matcher| format!("`{matcher}`"))
        .collect()
}

pub(super) fn selector_like_node_selector(daemon_set: &DaemonSet, out: &mut Vec<Lint>) {
    let Some(selector) = &daemon_set.spec.selector else {
        return;
    };
    let node_like = node_like_entries(selector);
    if node_like.is_empty() {
        return;
    }
    out.push(Lint::new(
        Severity::Warning,
        "selector-looks-like-node-selector",
        format!(
            "spec.selector {} uses a node label, as if to choose nodes, but spec.selector picks \
             the DaemonSet's own pods",
            node_like.join(", ")
        ),
        "choose nodes with spec.template.spec.nodeSelector or node affinity, and select the \
         pod template's labels in spec.selector",
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_label_keys_are_the_well_known_ones_only() {
        for key in [
            "kubernetes.io/hostname",
            "kubernetes.io/os",
            "kubernetes.io/arch",
            "node-role.kubernetes.io/control-plane",
            "topology.kubernetes.io/zone",
            "node.kubernetes.io/instance-type",
            "beta.kubernetes.io/arch",
            "failure-domain.beta.kubernetes.io/zone",
        ] {
            assert!(is_node_label_key(key), "{key}");
        }
        for key in [
            "app",
            "k8s-app",
            "name",
            "app.kubernetes.io/name",
            "node",
            "nodeagent",
        ] {
            assert!(!is_node_label_key(key), "{key}");
        }
    }
}
