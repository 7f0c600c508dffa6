//! Scheduling: node selector, node affinity, tolerations.

use serde_json::{Map, Value};

use super::json::{entry, integer_field, list, object, text};
use crate::model::{
    LabelSelector, NodeSelector, NodeSelectorOperator, NodeSelectorRequirement, NodeSelectorTerm,
    PodSpec, TaintEffect, Toleration, TolerationOperator,
};
use crate::scheduling::NODE_NAME_FIELD;
use crate::scheduling::taints::canonical_integer;
use crate::syntax::{dns1123_subdomain_reason, label_key_reason, label_value_reason};

use super::super::ValidationOptions;
use super::super::collector::Collector;
use super::super::selector::{set_operator_values, validate_label_selector};

pub(crate) fn validate_node_selector(
    selector: &NodeSelector,
    path: &str,
    check_values: bool,
    out: &mut Collector,
) {
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
        validate_node_selector_term(term, &format!("{terms_path}[{i}]"), check_values, out);
    }
}

pub(crate) fn validate_node_selector_term(
    term: &NodeSelectorTerm,
    path: &str,
    check_values: bool,
    out: &mut Collector,
) {
    for (j, requirement) in term.match_expressions.iter().enumerate() {
        validate_node_label_requirement(
            requirement,
            &format!("{path}.matchExpressions[{j}]"),
            check_values,
            out,
        );
    }
    for (j, requirement) in term.match_fields.iter().enumerate() {
        validate_node_field_requirement(requirement, &format!("{path}.matchFields[{j}]"), out);
    }
}

pub(crate) fn validate_node_label_requirement(
    requirement: &NodeSelectorRequirement,
    path: &str,
    check_values: bool,
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
    // Since Kubernetes 1.33, for required terms only, and ratcheted on update.
    if check_values {
        for (j, value) in values.iter().enumerate() {
            if let Some(reason) = label_value_reason(value) {
                out.invalid(
                    format!("{path}.values[{j}]"),
                    value,
                    format!("not a valid label value: {reason}"),
                    "node label values are at most 63 letters, digits, '-', '_' or '.', starting \
                     and ending with a letter or digit; Gt and Lt compare against such a value, \
                     so a negative threshold cannot be written",
                );
            }
        }
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

/// Whether a pod spec's required node affinity has a value that is not a label value (such a
/// template, stored before Kubernetes 1.33, may keep it on update).
pub(crate) fn has_invalid_required_affinity_values(spec: &PodSpec) -> bool {
    spec.affinity
        .as_ref()
        .and_then(|affinity| affinity.node_affinity.as_ref())
        .and_then(|node_affinity| node_affinity.required.as_ref())
        .is_some_and(|required| {
            required.node_selector_terms.iter().any(|term| {
                term.match_expressions.iter().any(|requirement| {
                    requirement
                        .values
                        .iter()
                        .any(|value| label_value_reason(value).is_some())
                })
            })
        })
}

/// The whenUnsatisfiable values of a topology spread constraint.
const WHEN_UNSATISFIABLE: &[&str] = &["DoNotSchedule", "ScheduleAnyway"];

/// The node inclusion policies of a topology spread constraint.
const INCLUSION_POLICIES: &[&str] = &["Honor", "Ignore"];

/// Pod affinity, pod anti-affinity and topology spread constraints, which the model keeps
/// verbatim.
pub(crate) fn validate_pod_placement_extras(spec: &PodSpec, path: &str, out: &mut Collector) {
    if let Some(affinity) = &spec.affinity {
        for key in ["podAffinity", "podAntiAffinity"] {
            let at = format!("{path}.affinity.{key}");
            let Some(pod_affinity) = object(&affinity.other, key, &at, out) else {
                continue;
            };
            let required_path = format!("{at}.requiredDuringSchedulingIgnoredDuringExecution");
            for (i, term) in list(
                pod_affinity,
                "requiredDuringSchedulingIgnoredDuringExecution",
                &required_path,
                out,
            )
            .iter()
            .enumerate()
            {
                let term_path = format!("{required_path}[{i}]");
                if let Some(term) = entry(term, &term_path, out) {
                    validate_pod_affinity_term(term, &term_path, out);
                }
            }
            let preferred_path = format!("{at}.preferredDuringSchedulingIgnoredDuringExecution");
            for (i, weighted) in list(
                pod_affinity,
                "preferredDuringSchedulingIgnoredDuringExecution",
                &preferred_path,
                out,
            )
            .iter()
            .enumerate()
            {
                let weighted_path = format!("{preferred_path}[{i}]");
                let Some(weighted) = entry(weighted, &weighted_path, out) else {
                    continue;
                };
                let weight_path = format!("{weighted_path}.weight");
                if let Some(weight) = integer_field(weighted, "weight", &weight_path, out)
                    && !(1..=100).contains(&weight)
                {
                    out.invalid(
                        weight_path,
                        weight,
                        "must be in the range 1-100",
                        "give each preferred term a weight from 1 to 100",
                    );
                }
                let term_path = format!("{weighted_path}.podAffinityTerm");
                if let Some(term) = object(weighted, "podAffinityTerm", &term_path, out) {
                    validate_pod_affinity_term(term, &term_path, out);
                }
            }
        }
    }
    let constraints_path = format!("{path}.topologySpreadConstraints");
    let constraints = list(
        &spec.other,
        "topologySpreadConstraints",
        &constraints_path,
        out,
    );
    let mut seen: std::collections::HashSet<(&str, &str)> = std::collections::HashSet::new();
    for (i, constraint) in constraints.iter().enumerate() {
        let at = format!("{constraints_path}[{i}]");
        let Some(constraint) = entry(constraint, &at, out) else {
            continue;
        };
        let skew_path = format!("{at}.maxSkew");
        match integer_field(constraint, "maxSkew", &skew_path, out) {
            Some(skew) if skew > 0 => {}
            Some(skew) => out.invalid(
                skew_path,
                skew,
                "must be greater than zero",
                "maxSkew is how uneven the spread may be: 1 or more",
            ),
            None => {}
        }
        let key = text(constraint, "topologyKey");
        if key.is_empty() {
            out.required(
                format!("{at}.topologyKey"),
                "can not be empty",
                "give a node label key, e.g. `topology.kubernetes.io/zone`",
            );
        } else if let Some(reason) = label_key_reason(key) {
            out.invalid(
                format!("{at}.topologyKey"),
                key,
                format!("not a valid label key: {reason}"),
                "give a node label key, e.g. `topology.kubernetes.io/zone`",
            );
        }
        let when = text(constraint, "whenUnsatisfiable");
        if !WHEN_UNSATISFIABLE.contains(&when) {
            out.not_supported(
                format!("{at}.whenUnsatisfiable"),
                when,
                WHEN_UNSATISFIABLE,
                "say what the scheduler does when the spread cannot be kept",
            );
        } else if !seen.insert((key, when)) {
            out.duplicate(
                format!("{at}.{{topologyKey, whenUnsatisfiable}}"),
                format!("{key}, {when}"),
                "constraints must be unique by topologyKey and whenUnsatisfiable",
                "merge the two constraints",
            );
        }
        for field in ["nodeAffinityPolicy", "nodeTaintsPolicy"] {
            let value = text(constraint, field);
            if !value.is_empty() && !INCLUSION_POLICIES.contains(&value) {
                out.not_supported(
                    format!("{at}.{field}"),
                    value,
                    INCLUSION_POLICIES,
                    "the values are case-sensitive",
                );
            }
        }
        if let Some(selector) = constraint.get("labelSelector") {
            check_selector_value(selector, &format!("{at}.labelSelector"), out);
        }
    }
}

fn validate_pod_affinity_term(term: &Map<String, Value>, path: &str, out: &mut Collector) {
    let key = text(term, "topologyKey");
    if key.is_empty() {
        out.required(
            format!("{path}.topologyKey"),
            "can not be empty",
            "give a node label key, e.g. `kubernetes.io/hostname`",
        );
    } else if let Some(reason) = label_key_reason(key) {
        out.invalid(
            format!("{path}.topologyKey"),
            key,
            format!("not a valid label key: {reason}"),
            "give a node label key, e.g. `kubernetes.io/hostname`",
        );
    }
    for key in ["labelSelector", "namespaceSelector"] {
        if let Some(selector) = term.get(key) {
            check_selector_value(selector, &format!("{path}.{key}"), out);
        }
    }
}

/// A label selector kept as JSON; values in its expressions are not checked (the API server
/// lets stored ones keep invalid values, and they never match).
fn check_selector_value(value: &Value, path: &str, out: &mut Collector) {
    if value.is_null() {
        return;
    }
    match serde_json::from_value::<LabelSelector>(value.clone()) {
        Ok(selector) => validate_label_selector(&selector, path, true, out),
        Err(_) => out.invalid(
            path,
            value,
            "not a label selector",
            "write `matchLabels: {key: value}` and/or `matchExpressions: [...]`",
        ),
    }
}
