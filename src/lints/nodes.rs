//! Against the given nodes: `matches-no-node` and `node-selector-label-unknown`.

use std::collections::BTreeSet;

use super::{Lint, Severity};
use crate::model::{DaemonSet, Node};
use crate::scheduling::DaemonPlacement;

/// No node of the (non-empty) list should run the daemon.
pub(super) fn matches_no_node(
    placement: &DaemonPlacement,
    nodes: &[Node],
    desired: &[&Node],
    out: &mut Vec<Lint>,
) {
    if nodes.is_empty() || !desired.is_empty() {
        return;
    }
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

pub(super) fn unknown_node_selector_labels(
    daemon_set: &DaemonSet,
    nodes: &[Node],
    out: &mut Vec<Lint>,
) {
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
