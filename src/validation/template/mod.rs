//! The pod template and its spec, validated as the API server's `ValidatePodTemplateSpec` does.

use serde_json::Value;

use crate::model::{PodSpec, PodTemplateSpec};
use crate::syntax::dns1123_subdomain_reason;

use super::Rules;
use super::collector::Collector;
use super::metadata::{validate_annotations, validate_labels};

mod scheduling;

use scheduling::{validate_node_selector, validate_node_selector_term, validate_toleration};

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

    validate_labels(&spec.node_selector, &format!("{path}.nodeSelector"), out);

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
            validate_node_selector_term(&preferred.preference, &format!("{path}.preference"), out);
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
}
