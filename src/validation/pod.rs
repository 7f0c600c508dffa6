//! Pods, as the API server validates them.

use crate::model::Pod;

use super::Rules;
use super::collector::Collector;
use super::daemonset::RESTART_ALWAYS;
use super::errors::ValidationErrors;
use super::metadata::{Scope, daemonset_name, validate_object_meta};
use super::options::ValidationOptions;
use super::template::{SpecOf, validate_pod_spec};

/// Validates a pod the way the API server does on create, for the fields this crate reads:
/// metadata (name, namespace, labels, annotations, owner references) and the placement parts of
/// the spec (node name, node selector, node affinity, tolerations, restart policy, active
/// deadline). An empty `restartPolicy` is accepted: the API server defaults it to `Always`.
/// A pod without a uid is accepted too: the API server assigns one.
///
/// A pods manifest the API server would refuse does not describe a real cluster: a pod
/// without a name, or one whose owner reference has no uid, cannot exist.
///
/// A pod is an object read from a cluster, so only rules the API server has always enforced on
/// stored pods apply: rules added later and ratcheted on update do not, so a pod created before
/// them still validates. Since Kubernetes 1.33 the values of required node-affinity expressions
/// must be label values (`Gt "-5"` is refused on create), but an older pod with such a value is
/// accepted here. Containers, volumes and the rest of the spec, which the planner does not read
/// and the API server checked when the pod was created, are not checked again.
///
/// ```
/// use daemonset_planner::{validate_pod, Pod};
/// use daemonset_planner::model::OwnerReference;
/// let mut pod = Pod::default();
/// pod.metadata.name = "fluentd-x7k2p".into();
/// pod.metadata.owner_references.push(OwnerReference {
///     api_version: "apps/v1".into(),
///     kind: "DaemonSet".into(),
///     name: "fluentd".into(),
///     controller: Some(true),
///     ..Default::default()
/// });
/// let errors = validate_pod(&pod).unwrap_err();
/// assert_eq!(errors.object, "pod default/fluentd-x7k2p");
/// assert_eq!(errors.errors[0].path, "metadata.ownerReferences.uid");
/// ```
pub fn validate_pod(pod: &Pod) -> Result<(), ValidationErrors> {
    validate_pod_with(pod, &ValidationOptions::default())
}

/// [`validate_pod`] with options (feature gates).
pub fn validate_pod_with(pod: &Pod, opts: &ValidationOptions) -> Result<(), ValidationErrors> {
    let mut out = Collector::default();
    let rules = Rules {
        opts: *opts,
        update: false,
        lenient_affinity_values: true,
        full_spec: false,
    };
    validate_object_meta(&pod.metadata, Scope::Namespaced, &mut out);
    if pod.spec.restart_policy.is_empty() {
        let mut defaulted = pod.spec.clone();
        defaulted.restart_policy = RESTART_ALWAYS.to_owned();
        validate_pod_spec(&defaulted, "spec", SpecOf::Pod, &rules, &mut out);
    } else {
        validate_pod_spec(&pod.spec, "spec", SpecOf::Pod, &rules, &mut out);
    }
    out.finish(format!("pod {}", daemonset_name(&pod.metadata)))
}
