//! The pod template and its spec, validated as the API server's `ValidatePodTemplateSpec` does.

use serde_json::Value;

use crate::model::{PodSpec, PodTemplateSpec};
use crate::syntax::dns1123_subdomain_reason;

/// The grace period a pod gets when it gives none.
const DEFAULT_GRACE_PERIOD: i64 = 30;

use super::Rules;
use super::collector::Collector;
use super::metadata::{validate_annotations, validate_labels};

mod containers;
mod dns;
mod env;
mod json;
mod ports;
mod probes;
mod quantity;
mod resources;
mod scheduling;
mod security;
mod volumes;

use containers::{PodContext, validate_containers};
use dns::validate_dns;
use scheduling::{
    validate_node_selector, validate_node_selector_term, validate_pod_placement_extras,
    validate_toleration,
};
use security::validate_pod_security;
use volumes::validate_volumes;

pub(crate) use scheduling::has_invalid_required_affinity_values;

pub(super) use scheduling::validate_taint_effect;

/// The restart policies a pod spec may have at all.
const RESTART_POLICIES: &[&str] = &["Always", "OnFailure", "Never"];

pub(crate) fn validate_pod_template(
    template: &PodTemplateSpec,
    path: &str,
    rules: &Rules,
    out: &mut Collector,
) {
    validate_labels(&template.metadata.labels, &format!("{path}.labels"), out);
    validate_annotations(
        &template.metadata.annotations,
        &format!("{path}.annotations"),
        out,
    );
    validate_pod_spec(
        &template.spec,
        &format!("{path}.spec"),
        SpecOf::Template,
        rules,
        out,
    );
    let ephemeral = template.spec.other.get("ephemeralContainers");
    let has_ephemeral = match ephemeral {
        None | Some(Value::Null) => false,
        Some(Value::Array(items)) => !items.is_empty(),
        Some(_) => true,
    };
    if has_ephemeral {
        out.forbidden(
            format!("{path}.spec.ephemeralContainers"),
            "ephemeral containers are not allowed in a pod template",
            "remove ephemeralContainers: they are only added to running pods, with `kubectl debug`",
        );
    }
}

/// Whose pod spec is validated: hints differ.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum SpecOf {
    /// A DaemonSet's pod template.
    Template,
    /// A pod.
    Pod,
}

pub(crate) fn validate_pod_spec(
    spec: &PodSpec,
    path: &str,
    of: SpecOf,
    rules: &Rules,
    out: &mut Collector,
) {
    if rules.full_spec {
        let volumes = validate_volumes(&spec.other, path, out);
        let grace_period = match json::integer(&spec.other, "terminationGracePeriodSeconds") {
            Ok(Some(seconds)) => seconds,
            _ => DEFAULT_GRACE_PERIOD,
        };
        let pod = PodContext {
            volumes: &volumes,
            host_network: spec.host_network,
            grace_period,
        };
        validate_containers(&spec.other, path, &pod, out);
    }

    let restart_path = format!("{path}.restartPolicy");
    if spec.restart_policy.is_empty() {
        out.required(
            restart_path,
            "a restart policy is required",
            "set restartPolicy: Always, or apply the defaults before validating",
        );
    } else if !RESTART_POLICIES.contains(&spec.restart_policy.as_str()) {
        out.not_supported(
            restart_path,
            &spec.restart_policy,
            RESTART_POLICIES,
            "check the spelling: the values are case-sensitive",
        );
    }

    if rules.full_spec {
        validate_dns(&spec.other, path, out);
    }

    validate_labels(&spec.node_selector, &format!("{path}.nodeSelector"), out);

    if rules.full_spec {
        validate_pod_security(&spec.other, path, out);
    }

    if let Some(node_affinity) = spec
        .affinity
        .as_ref()
        .and_then(|affinity| affinity.node_affinity.as_ref())
    {
        let path = format!("{path}.affinity.nodeAffinity");
        if let Some(required) = &node_affinity.required {
            validate_node_selector(
                required,
                &format!("{path}.requiredDuringSchedulingIgnoredDuringExecution"),
                !rules.lenient_affinity_values,
                out,
            );
        }
        for (i, preferred) in node_affinity.preferred.iter().enumerate() {
            let path = format!("{path}.preferredDuringSchedulingIgnoredDuringExecution[{i}]");
            if !(1..=100).contains(&preferred.weight) {
                out.invalid(
                    format!("{path}.weight"),
                    preferred.weight,
                    "must be in the range 1-100",
                    "give each preferred term a weight from 1 to 100",
                );
            }
            validate_node_selector_term(
                &preferred.preference,
                &format!("{path}.preference"),
                false,
                out,
            );
        }
    }

    if !spec.node_name.is_empty()
        && let Some(reason) = dns1123_subdomain_reason(&spec.node_name)
    {
        out.invalid(
            format!("{path}.nodeName"),
            &spec.node_name,
            format!("not a valid node name: {reason}"),
            match of {
                SpecOf::Template => {
                    "remove nodeName from a DaemonSet template: the controller places one pod \
                     per node; use nodeSelector or node affinity to choose nodes"
                }
                SpecOf::Pod => "node names are DNS subdomains, e.g. `worker-1`",
            },
        );
    }

    if let Some(seconds) = spec.active_deadline_seconds
        && !(1..=i64::from(i32::MAX)).contains(&seconds)
    {
        out.invalid(
            format!("{path}.activeDeadlineSeconds"),
            seconds,
            format!("must be between 1 and {}, inclusive", i32::MAX),
            "remove activeDeadlineSeconds",
        );
    }

    for (i, toleration) in spec.tolerations.iter().enumerate() {
        validate_toleration(
            toleration,
            &format!("{path}.tolerations[{i}]"),
            &rules.opts,
            out,
        );
    }

    if rules.full_spec {
        validate_object_names(&spec.other, path, out);
        validate_gates(&spec.other, path, out);
        validate_pod_placement_extras(spec, path, out);
    }
}

/// Readiness gates name pod condition types, and scheduling gates name themselves: qualified
/// names, scheduling gates unique.
fn validate_gates(spec: &serde_json::Map<String, Value>, path: &str, out: &mut Collector) {
    for (key, field) in [
        ("readinessGates", "conditionType"),
        ("schedulingGates", "name"),
    ] {
        let gates_path = format!("{path}.{key}");
        let gates = json::list(spec, key, &gates_path, out);
        let mut seen = std::collections::HashSet::with_capacity(gates.len());
        for (i, gate) in gates.iter().enumerate() {
            let at = json::Item(&gates_path, i);
            let Some(gate) = json::entry(gate, at, out) else {
                continue;
            };
            let name = json::text(gate, field);
            if let Some(reason) = crate::syntax::label_key_reason(name) {
                out.invalid(
                    format!("{at}.{field}"),
                    name,
                    format!("not a valid qualified name: {reason}"),
                    "use a name such as `example.com/ready`",
                );
            } else if key == "schedulingGates" && !seen.insert(name) {
                out.duplicate(
                    format!("{at}.{field}"),
                    name,
                    "scheduling gates must be unique",
                    "list each gate once",
                );
            }
        }
    }
}

/// The objects a pod names: its service account, priority class and runtime class.
fn validate_object_names(spec: &serde_json::Map<String, Value>, path: &str, out: &mut Collector) {
    for (field, what) in [
        ("serviceAccountName", "service account"),
        ("priorityClassName", "priority class"),
        ("runtimeClassName", "runtime class"),
    ] {
        let name = json::text(spec, field);
        if !name.is_empty()
            && let Some(reason) = dns1123_subdomain_reason(name)
        {
            out.invalid(
                format!("{path}.{field}"),
                name,
                format!("not a valid {what} name: {reason}"),
                format!("give the {what}'s name as `kubectl get` prints it"),
            );
        }
    }
}
