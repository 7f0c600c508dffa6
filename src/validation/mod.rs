//! Validation as the API server (Kubernetes 1.36) and OpenKruise's webhook validate.
//!
//! [`validate_daemonset`] runs the checks the API server runs when a DaemonSet is created, and
//! [`validate_daemonset_update`] those it runs when one is replaced; both collect every failure
//! rather than stopping at the first. Each failure names the field path as `kubectl` prints it
//! (`spec.template.spec.containers[0].ports[1].containerPort`), the kind of failure, the
//! offending value, the rule broken and a hint. Call them on a defaulted object (see
//! [`crate::apply_defaults`]): the API server defaults before it validates. Where defaulting
//! fills a field this crate does not default (`imagePullPolicy`, `terminationMessagePolicy`, a
//! port's `protocol`, `dnsPolicy`, a hostNetwork port's `hostPort`), an empty value is accepted
//! as the default it would get.
//!
//! Objects read from a cluster ([`validate_node`], [`validate_pod`], [`validate_revision`]) are
//! checked only against rules the API server has always enforced on stored objects, for the
//! fields the planner reads: a pod created under older rules still exists and must plan.
//!
//! # The rules, by area
//!
//! - Metadata (`metadata`): name a DNS-1123 subdomain (253 characters in all, no limit per
//!   dot-separated part), namespace a DNS label, labels and annotations (keys qualified names,
//!   values label values, annotations at most 256 KiB), owner references, finalizers
//!   (qualified names; not both `orphan` and `foregroundDeletion`). On update: name, namespace
//!   and uid are immutable.
//! - Selector (`selector`): syntax, not empty, matches the template labels; immutable on update
//!   (apps/v1), and part of Kruise's frozen spec.
//! - DaemonSet spec (`daemonset`): restart policy `Always`, no `activeDeadlineSeconds`,
//!   `minReadySeconds`, template generation and `revisionHistoryLimit` not negative.
//! - Update strategy (`strategy`, `kruise`): the type, `rollingUpdate` present, `maxUnavailable`
//!   and `maxSurge` (int or percent, at most 100%, exactly one non-zero); Kruise's
//!   `rollingUpdateType` (`Surging` only in v1alpha1) and `partition`.
//! - The pod template (`template`): labels, annotations, no ephemeral containers, then the spec:
//!   - containers (`containers`): a non-empty list (not a mapping), names unique DNS labels
//!     across containers and init containers, an image, `imagePullPolicy` and
//!     `terminationMessagePolicy` values; init containers' `restartPolicy` (`Always` makes a
//!     sidecar), and no probes or lifecycle on other init containers;
//!   - ports (`ports`): `containerPort` 1-65535, `hostPort` 0-65535, names IANA service names
//!     (at most 15 characters, one letter at least) unique per container, protocol TCP, UDP or
//!     SCTP, no two ports on one host port, protocol and host IP, and with `hostNetwork` a
//!     `hostPort` equal to the `containerPort`;
//!   - env (`env`): names required and printable ASCII without '=' (the relaxed rule, GA in
//!     1.34), `value` not beside `valueFrom`, exactly one `valueFrom` source, the pod fields and
//!     resources a variable may read, ConfigMap and Secret key references; `envFrom` with
//!     exactly one source and a valid prefix;
//!   - resources (`resources`, `quantity`): standard or extended resource names, quantities that
//!     parse, not negative, whole for extended resources, requests within limits, huge pages and
//!     extended resources not overcommitted;
//!   - probes and lifecycle (`probes`): exactly one handler, exec commands, ports and header
//!     names, non-negative timings, `successThreshold` 1 for liveness and startup probes, a
//!     positive probe grace period, sleep hooks within the pod's grace period;
//!   - volumes and mounts (`volumes`): names unique DNS labels, exactly one source, the required
//!     fields of hostPath, configMap, secret, persistentVolumeClaim, nfs and csi sources, file
//!     modes and projected items; mounts and devices of existing volumes, mount paths required
//!     and unique, sub-paths relative without `..`, propagation (Bidirectional only when
//!     privileged), recursive read-only only with `readOnly` and without propagation;
//!   - security contexts (`security`): user and group ids, privileged against
//!     `allowPrivilegeEscalation: false`, `procMount`, seccomp and AppArmor profiles, sysctls,
//!     the pod's change and group policies, `shareProcessNamespace` against `hostPID`;
//!   - scheduling (`scheduling`): node selector, node affinity (since 1.33 values of required
//!     terms must be label values, so `Gt "-5"` is refused; ratcheted on update, never applied to
//!     stored pods), node name, tolerations, pod (anti-)affinity terms, topology spread
//!     constraints; readiness gates and scheduling gates (qualified names, the latter unique);
//!   - DNS (`dns`): `dnsPolicy`, `dnsConfig` (required with `None`, at most 3 nameservers that are
//!     IP addresses, at most 32 search domains and 2048 characters, option names), host aliases,
//!     `hostname` and `subdomain` DNS labels; service account, priority class and runtime class
//!     names.
//! - Nodes (`node`): metadata, taint keys, values and effects, no two taints with one key and
//!   effect. Pods (`pod`): metadata and the placement fields. ControllerRevisions (`revision`):
//!   metadata, `data` present, `revision` not negative.
//!
//! # Rules left out, and why
//!
//! - The read-only persistent-disk rule of DaemonSets (a `gcePersistentDisk` must be
//!   `readOnly`): upstream skips it by default since 1.29 and removed it in 1.31.
//! - Rules that need the server's state or other objects: `resourceVersion` on update, quotas,
//!   admission plugins (Pod Security, LimitRanger), whether referenced ConfigMaps, Secrets,
//!   service accounts or priority classes exist.
//! - Fields the server sets itself on update (generation, template generation, timestamps,
//!   status): it overwrites them from the stored object before validating.
//! - Deep checks of rarely used volume sources (iSCSI, RBD, Cinder, FC, projected sources,
//!   ephemeral claim templates) beyond "exactly one source", `resources.claims`, resize
//!   policies, container `restartPolicyRules`, user namespaces, Windows options, `os`, pod-level
//!   resources and the seccomp/AppArmor annotations: each
//!   needs a large part of upstream's code for a field DaemonSets seldom use; they are accepted
//!   as written.
//! - Kruise's `spec.lifecycle.inPlaceUpdate` (forbidden by its webhook): the model does not keep
//!   Kruise's `lifecycle`. Kruise's webhook is taken to predate the 1.33 node-affinity value rule
//!   and not to apply it.
//! - Type errors (a string where a number belongs) are the loader's concern; where validation
//!   reads such a field it reports it as invalid.

mod collector;
mod daemonset;
mod errors;
mod kruise;
mod metadata;
mod node;
mod options;
mod pod;
mod revision;
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
pub use revision::validate_revision;

/// Validates a DaemonSet the way the API server does on create, with default options.
///
/// See [`validate_daemonset_with`].
///
/// ```
/// use daemonset_planner::{apply_defaults, validate_daemonset, DaemonSet};
/// use daemonset_planner::validation::FieldErrorKind;
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
/// namespace is accepted and read as `default`; label, annotation, owner-reference and
/// finalizer syntax), then the spec: selector syntax, selector matching the template labels,
/// non-empty selector, the pod template as `ValidatePodTemplateSpec` checks it (see the module
/// documentation for the rules), restart policy `Always`, no active deadline,
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
/// old.spec.template.spec.other.insert(
///     "containers".into(),
///     serde_json::json!([{"name": "fluentd", "image": "fluentd:1.16"}]),
/// );
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
