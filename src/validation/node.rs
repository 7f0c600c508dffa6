//! Nodes, as the API server validates them.

use std::collections::HashSet;

use crate::model::Node;
use crate::syntax::{label_key_reason, label_value_reason};

use super::collector::Collector;
use super::errors::{FieldErrorKind, ValidationErrors};
use super::metadata::{Scope, validate_object_meta};
use super::template::validate_taint_effect;

/// Validates a node the way the API server does: name (a DNS-1123 subdomain of at most 253
/// characters, so a 64-character node name is fine), labels, annotations, finalizers, and
/// taints (key and value syntax, a known effect, no two taints with the same key and effect).
/// These rules have always held for stored nodes, so any node read from a cluster passes.
///
/// ```
/// use daemonset_planner::{validate_node, Node, Taint, TaintEffect};
/// let mut node = Node::default();
/// node.metadata.name = "worker-1".into();
/// node.spec.taints.push(Taint::new("dedicated", TaintEffect::Other("NoRun".into())));
/// let errors = validate_node(&node).unwrap_err();
/// assert_eq!(errors.errors[0].path, "spec.taints[0].effect");
/// ```
pub fn validate_node(node: &Node) -> Result<(), ValidationErrors> {
    let mut out = Collector::default();
    validate_object_meta(&node.metadata, Scope::Cluster, &mut out);
    let mut seen: HashSet<(&str, &str)> = HashSet::with_capacity(node.spec.taints.len());
    for (i, taint) in node.spec.taints.iter().enumerate() {
        let path = format!("spec.taints[{i}]");
        if let Some(reason) = label_key_reason(&taint.key) {
            out.invalid(
                format!("{path}.key"),
                &taint.key,
                format!("not a valid taint key: {reason}"),
                "taint keys follow label-key syntax, e.g. `dedicated` or `example.com/gpu`",
            );
        }
        if let Some(reason) = label_value_reason(&taint.value) {
            out.invalid(
                format!("{path}.value"),
                &taint.value,
                format!("not a valid taint value: {reason}"),
                "taint values follow label-value syntax; leave the value empty if none is needed",
            );
        }
        validate_taint_effect(
            Some(&taint.effect),
            false,
            &format!("{path}.effect"),
            &mut out,
        );
        let identity = (taint.key.as_str(), taint.effect.as_str());
        if !seen.insert(identity) {
            out.push(
                FieldErrorKind::Duplicate,
                path,
                Some(taint.to_string()),
                "taints must be unique by key and effect",
                "remove one of the taints with this key and effect, or give them different effects",
            );
        }
    }
    let name = if node.metadata.name.is_empty() {
        "<unnamed>"
    } else {
        node.metadata.name.as_str()
    };
    out.finish(format!("node {name}"))
}
