//! Scheduling: node selector, node affinity, tolerations.

use crate::model::{
    NodeSelector, NodeSelectorOperator, NodeSelectorRequirement, NodeSelectorTerm, TaintEffect,
    Toleration, TolerationOperator,
};
use crate::scheduling::NODE_NAME_FIELD;
use crate::scheduling::taints::canonical_integer;
use crate::syntax::{dns1123_subdomain_reason, label_key_reason, label_value_reason};

use super::super::ValidationOptions;
use super::super::collector::Collector;
use super::super::selector::set_operator_values;

pub(crate) fn validate_node_selector(selector: &NodeSelector, path: &str, out: &mut Collector) {
    let terms_path = format!("{path}.nodeSelectorTerms");
    if selector.node_selector_terms.is_empty() {
        out.required(
            terms_path,
            "must have at least one node selector term",
            "add a term such as `- matchExpressions: [{key: kubernetes.io/os, operator: In, \
             values: [linux]}]`, or remove requiredDuringSchedulingIgnoredDuringExecution",
        );
        return;
    }
    for (i, term) in selector.node_selector_terms.iter().enumerate() {
        validate_node_selector_term(term, &format!("{terms_path}[{i}]"), out);
    }
}

pub(crate) fn validate_node_selector_term(
    term: &NodeSelectorTerm,
    path: &str,
    out: &mut Collector,
) {
    for (j, requirement) in term.match_expressions.iter().enumerate() {
        validate_node_label_requirement(requirement, &format!("{path}.matchExpressions[{j}]"), out);
    }
    for (j, requirement) in term.match_fields.iter().enumerate() {
        validate_node_field_requirement(requirement, &format!("{path}.matchFields[{j}]"), out);
    }
}

pub(crate) fn validate_node_label_requirement(
    requirement: &NodeSelectorRequirement,
    path: &str,
    out: &mut Collector,
) {
    let values = &requirement.values;
    match &requirement.operator {
        NodeSelectorOperator::In | NodeSelectorOperator::NotIn => {
            set_operator_values(true, values, path, out);
        }
        NodeSelectorOperator::Exists | NodeSelectorOperator::DoesNotExist => {
            set_operator_values(false, values, path, out);
        }
        // The value is not checked to be an integer here; one that is not simply never matches.
        NodeSelectorOperator::Gt | NodeSelectorOperator::Lt => {
            if values.len() != 1 {
                out.required(
                    format!("{path}.values"),
                    format!(
                        "must be exactly one value when operator is Gt or Lt (got {})",
                        values.len()
                    ),
                    "give a single integer threshold, e.g. `values: [\"4\"]`",
                );
            }
        }
        NodeSelectorOperator::Other(operator) => {
            out.invalid(
                format!("{path}.operator"),
                operator,
                "not a valid selector operator",
                "use In, NotIn, Exists, DoesNotExist, Gt or Lt (spelled exactly so)",
            );
        }
    }
    if let Some(reason) = label_key_reason(&requirement.key) {
        out.invalid(
            format!("{path}.key"),
            &requirement.key,
            format!("not a valid label key: {reason}"),
            "use a node label key such as `kubernetes.io/os` or `node-role.kubernetes.io/worker`",
        );
    }
}

pub(crate) fn validate_node_field_requirement(
    requirement: &NodeSelectorRequirement,
    path: &str,
    out: &mut Collector,
) {
    match &requirement.operator {
        NodeSelectorOperator::In | NodeSelectorOperator::NotIn => {
            if requirement.values.len() != 1 {
                out.required(
                    format!("{path}.values"),
                    format!(
                        "must be exactly one value when operator is In or NotIn for a node field \
                         selector (got {})",
                        requirement.values.len()
                    ),
                    "name one node per requirement; to allow several nodes, write one term per \
                     node (terms are ORed)",
                );
            }
        }
        other => {
            out.invalid(
                format!("{path}.operator"),
                other.as_str(),
                "not a valid field selector operator: must be In or NotIn",
                "use In or NotIn with a single node name",
            );
        }
    }
    if requirement.key != NODE_NAME_FIELD {
        out.invalid(
            format!("{path}.key"),
            &requirement.key,
            "not a valid field selector key: only metadata.name is supported",
            "use `key: metadata.name`, or move label requirements to matchExpressions",
        );
    } else {
        for (j, value) in requirement.values.iter().enumerate() {
            if let Some(reason) = dns1123_subdomain_reason(value) {
                out.invalid(
                    format!("{path}.values[{j}]"),
                    value,
                    format!("not a valid node name: {reason}"),
                    "give the node's name exactly as `kubectl get nodes` prints it",
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tolerations and taint effects

pub(crate) fn validate_toleration(
    toleration: &Toleration,
    path: &str,
    opts: &ValidationOptions,
    out: &mut Collector,
) {
    let operator_text = toleration
        .operator
        .as_ref()
        .map_or("", TolerationOperator::as_str);
    let effect_text = toleration.effect.as_ref().map_or("", TaintEffect::as_str);

    if !toleration.key.is_empty()
        && let Some(reason) = label_key_reason(&toleration.key)
    {
        out.invalid(
            format!("{path}.key"),
            &toleration.key,
            format!("not a valid toleration key: {reason}"),
            "use the taint's key exactly, e.g. `node-role.kubernetes.io/control-plane`",
        );
    }

    if toleration.key.is_empty() && toleration.operator != Some(TolerationOperator::Exists) {
        out.invalid(
            format!("{path}.operator"),
            operator_text,
            "operator must be Exists when key is empty (an empty key means every taint)",
            "set `operator: Exists` to tolerate every taint, or give the key of the taint to \
             tolerate",
        );
    }

    if toleration.toleration_seconds.is_some() && toleration.effect != Some(TaintEffect::NoExecute)
    {
        out.invalid(
            format!("{path}.effect"),
            effect_text,
            "effect must be NoExecute when tolerationSeconds is set",
            "set `effect: NoExecute`, or remove tolerationSeconds (it only delays eviction by \
             NoExecute taints)",
        );
    }

    let comparison_hint = "Lt and Gt compare integers: give a whole number such as \"5\" \
                           (no leading zeros, no '+')";
    match &toleration.operator {
        None | Some(TolerationOperator::Equal) => {
            // Reported at `.operator`, where the API server reports it.
            if let Some(reason) = label_value_reason(&toleration.value) {
                out.invalid(
                    format!("{path}.operator"),
                    &toleration.value,
                    format!("not a valid label value: {reason}"),
                    "with Equal (or no operator) the value must be the taint's value, which \
                     follows label-value syntax",
                );
            }
        }
        Some(TolerationOperator::Exists) => {
            if !toleration.value.is_empty() {
                out.invalid(
                    format!("{path}.operator"),
                    &toleration.value,
                    "value must be empty when operator is Exists",
                    "remove the value (Exists tolerates any value), or use Equal to match this \
                     value only",
                );
            }
        }
        Some(TolerationOperator::Lt | TolerationOperator::Gt)
            if opts.taint_comparison_operators =>
        {
            if canonical_integer(&toleration.value).is_none() {
                out.invalid(
                    format!("{path}.value"),
                    &toleration.value,
                    "value must be a decimal integer when operator is Lt or Gt",
                    comparison_hint,
                );
            }
        }
        Some(other) => {
            let supported: &[&str] = if opts.taint_comparison_operators {
                &["Equal", "Exists", "Lt", "Gt"]
            } else {
                &["Equal", "Exists"]
            };
            let hint = match other {
                TolerationOperator::Lt | TolerationOperator::Gt => {
                    "Lt and Gt need the alpha feature gate TaintTolerationComparisonOperators \
                     (ValidationOptions::taint_comparison_operators); otherwise use Equal or \
                     Exists"
                }
                _ => "use Equal or Exists (spelled exactly so)",
            };
            out.not_supported(format!("{path}.operator"), other, supported, hint);
        }
    }

    validate_taint_effect(
        toleration.effect.as_ref(),
        true,
        &format!("{path}.effect"),
        out,
    );
}

/// A known effect; absent (or empty) is allowed for tolerations (every effect) but not taints.
pub(crate) fn validate_taint_effect(
    effect: Option<&TaintEffect>,
    allow_empty: bool,
    path: &str,
    out: &mut Collector,
) {
    match effect {
        None => {
            if !allow_empty {
                out.required(path, "an effect is required", "use NoSchedule or NoExecute");
            }
        }
        Some(TaintEffect::Other(text)) if text.is_empty() => {
            if !allow_empty {
                out.required(path, "an effect is required", "use NoSchedule or NoExecute");
            }
        }
        Some(TaintEffect::Other(text)) => {
            out.not_supported(
                path,
                text,
                TaintEffect::KNOWN,
                "check the spelling: effects are case-sensitive",
            );
        }
        Some(_) => {}
    }
}
