//! Validation, exactly as the API server validates apps/v1 DaemonSets.
//!
//! [`validate_daemonset`] runs the checks the API server runs when a DaemonSet is created, in the
//! same order, and collects every failure rather than stopping at the first. Each failure names
//! the field path as `kubectl` would print it, the kind of failure, the offending value, and a
//! hint on how to fix it. Call it on a defaulted object (see [`crate::apply_defaults`]): the API
//! server always defaults before it validates, and some rules (an empty `restartPolicy`, an
//! absent `rollingUpdate` block) only make sense after defaulting.
//!
//! Only the parts of pod-spec validation that constrain placement are reproduced (labels, node
//! selector, node name, required and preferred node affinity, tolerations, restart policy,
//! active deadline, ephemeral containers). Containers, volumes, resources and the like are not
//! checked.

mod collector;
mod daemonset;
mod errors;
mod kruise;
mod metadata;
mod node;
mod options;
mod pod;
mod selector;
mod strategy;
mod template;

use crate::model::DaemonSet;
use daemonset::{validate_daemonset_spec, validate_template_generation_annotation};
use selector::render_selector;
use template::has_invalid_required_affinity_values;

use collector::Collector;
pub use errors::{FieldError, FieldErrorKind, ValidationErrors};
use metadata::{Scope, daemonset_name, validate_object_meta, validate_object_meta_update};
pub use node::validate_node;
pub use options::ValidationOptions;
pub use pod::{validate_pod, validate_pod_with};

/// Validates a DaemonSet the way the API server does on create, with default options.
///
/// See [`validate_daemonset_with`].
///
/// ```
/// use daemonset_planner::{apply_defaults, validate_daemonset, DaemonSet, FieldErrorKind};
/// let mut ds = DaemonSet::default();
/// ds.metadata.name = "fluentd".into();
/// apply_defaults(&mut ds);
/// // No selector: apps/v1 does not derive one from the template.
/// let errors = validate_daemonset(&ds).unwrap_err();
/// assert_eq!(errors.object, "daemonset default/fluentd");
/// let first = &errors.errors[0];
/// assert_eq!(first.path, "spec.template.metadata.labels");
/// assert_eq!(first.kind, FieldErrorKind::Invalid);
/// ```
pub fn validate_daemonset(ds: &DaemonSet) -> Result<(), ValidationErrors> {
    validate_daemonset_with(ds, &ValidationOptions::default())
}

/// Validates a DaemonSet the way the API server does on create, collecting every failure.
///
/// The checks, in the API server's order: object metadata (name a DNS-1123 subdomain; an empty
/// namespace is accepted and read as `default`; label and annotation syntax), then the spec:
/// selector syntax, selector matching the template labels, non-empty selector, the pod template
/// (labels, annotations, restart policy, node selector, node affinity, node name, active
/// deadline, tolerations, ephemeral containers), restart policy `Always`, no active deadline,
/// `minReadySeconds >= 0`, template generation `>= 0`, the update strategy, and
/// `revisionHistoryLimit >= 0`.
///
/// An OpenKruise Advanced DaemonSet ([`DaemonSet::is_kruise`]) is checked as Kruise's
/// validating webhook checks it: the same checks except the template generation, and its own
/// update-strategy rules:
///
/// - `maxUnavailable` and `maxSurge` may not both be non-zero, nor both zero (an absent value is
///   zero); a non-zero one must be a non-negative integer or a percentage of at most 100%;
/// - `rollingUpdateType` must be `Standard`, `InPlaceIfPossible` or (v1alpha1 only) `Surging`;
///   `InPlaceIfPossible` needs `maxSurge` 0, `Surging` needs `maxUnavailable` 0;
/// - `partition` must be a non-negative integer or a percentage of at most 100% (a partition
///   above the node count is accepted);
/// - `rollingUpdate.selector` is not validated (an invalid one fails the rolling update).
///
/// Kruise reports the type and partition under a doubled path
/// (`spec.updateStrategy.rollingUpdate.rollingUpdate.type`); this crate names the real fields,
/// `spec.updateStrategy.rollingUpdate.rollingUpdateType` and `...rollingUpdate.partition`.
pub fn validate_daemonset_with(
    ds: &DaemonSet,
    opts: &ValidationOptions,
) -> Result<(), ValidationErrors> {
    let mut out = Collector::default();
    validate_object_meta(&ds.metadata, Scope::Namespaced, &mut out);
    validate_template_generation_annotation(ds, &mut out);
    let rules = Rules {
        opts: *opts,
        update: false,
        lenient_affinity_values: ds.is_kruise(),
        full_spec: true,
    };
    validate_daemonset_spec(ds, &rules, &mut out);
    out.finish(format!("daemonset {}", daemonset_name(&ds.metadata)))
}

/// Validates an update of a DaemonSet the way the API server does when `old` is replaced by
/// `new` (`kubectl apply` or `replace` of an existing DaemonSet), collecting every failure.
///
/// `new` must be valid as on create (see [`validate_daemonset_with`]), with the API server's
/// update leniency: values in `spec.selector.matchExpressions` need not be label values (a
/// selector stored before that rule can still be kept). Beyond that:
///
/// - `metadata.name` and `metadata.namespace` may not change (an empty namespace reads as
///   `default`), nor `metadata.uid` when `new` gives one (the API server keeps the stored uid
///   when the update leaves it out);
/// - apps/v1: `spec.selector` may not change;
/// - OpenKruise (`apps.kruise.io`): Kruise's webhook forbids changing any spec field but
///   `template`, `updateStrategy`, `lifecycle`, `burstReplicas`, `minReadySeconds` and
///   `revisionHistoryLimit`; of the fields this crate models, that is `spec.selector`.
///
/// Fields the API server manages on update (`metadata.generation`, the template generation,
/// `creationTimestamp`, `deletionTimestamp`, `status`) are overwritten from `old` by the server
/// before it validates, so they are not checked. `metadata.resourceVersion` is not modelled.
///
/// ```
/// use daemonset_planner::{apply_defaults, validate_daemonset_update, DaemonSet, LabelSelector};
/// let mut old = DaemonSet::default();
/// old.metadata.name = "fluentd".into();
/// let labels = [("app".to_string(), "fluentd".to_string())];
/// old.spec.selector = Some(LabelSelector { match_labels: labels.clone().into(), ..Default::default() });
/// old.spec.template.metadata.labels = labels.into();
/// apply_defaults(&mut old);
/// let mut new = old.clone();
/// new.spec.template.metadata.labels.insert("tier".into(), "logging".into());
/// assert!(validate_daemonset_update(&old, &new).is_ok());
/// new.spec.selector.as_mut().unwrap().match_labels.insert("tier".into(), "logging".into());
/// let errors = validate_daemonset_update(&old, &new).unwrap_err();
/// assert_eq!(errors.errors[0].path, "spec.selector");
/// ```
pub fn validate_daemonset_update(old: &DaemonSet, new: &DaemonSet) -> Result<(), ValidationErrors> {
    validate_daemonset_update_with(old, new, &ValidationOptions::default())
}

/// [`validate_daemonset_update`] with options (feature gates).
pub fn validate_daemonset_update_with(
    old: &DaemonSet,
    new: &DaemonSet,
    opts: &ValidationOptions,
) -> Result<(), ValidationErrors> {
    let mut out = Collector::default();
    validate_object_meta_update(&old.metadata, &new.metadata, &mut out);
    validate_object_meta(&new.metadata, Scope::Namespaced, &mut out);
    validate_template_generation_annotation(new, &mut out);
    let rules = Rules {
        opts: *opts,
        update: true,
        // The API server ratchets the rule: a template that already broke it may keep doing so.
        lenient_affinity_values: new.is_kruise()
            || has_invalid_required_affinity_values(&old.spec.template.spec),
        full_spec: true,
    };
    validate_daemonset_spec(new, &rules, &mut out);
    if old.spec.selector != new.spec.selector {
        if new.is_kruise() {
            out.forbidden(
                "spec",
                "updates to the spec may only change template, updateStrategy, lifecycle, \
                 burstReplicas, minReadySeconds and revisionHistoryLimit (spec.selector changed)",
                "keep spec.selector as it is; to select other pods, delete the DaemonSet \
                 (`--cascade=orphan` keeps its pods) and create it anew",
            );
        } else {
            out.invalid(
                "spec.selector",
                new.spec
                    .selector
                    .as_ref()
                    .map_or_else(|| "null".to_owned(), render_selector),
                "field is immutable",
                "the selector cannot change after creation: put it back as it was, or delete the \
                 DaemonSet (`kubectl delete ds NAME --cascade=orphan` keeps its pods) and create \
                 it with the new selector",
            );
        }
    }
    out.finish(format!("daemonset {}", daemonset_name(&new.metadata)))
}

/// What one validation run accepts: the caller's options and whether it checks an update.
pub(crate) struct Rules {
    pub(crate) opts: ValidationOptions,
    /// An update: values in `spec.selector` expressions need not be label values.
    pub(crate) update: bool,
    /// Values in required node-affinity expressions need not be label values: the rule came in
    /// Kubernetes 1.33 and is not applied to objects stored before, nor by Kruise's webhook.
    pub(crate) lenient_affinity_values: bool,
    /// Check the whole pod spec (containers, volumes, DNS, security); off for objects read from
    /// a cluster, where only the placement fields the planner reads are checked.
    pub(crate) full_spec: bool,
}
