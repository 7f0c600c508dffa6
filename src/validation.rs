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

use std::fmt;

use serde_json::Value;

use crate::model::abbrev::{abbrev, abbrev_message};
use crate::model::{
    DaemonSet, DaemonSetUpdateStrategy, IntOrString, LabelSelector, LabelSelectorOperator, Labels,
    Node, NodeSelector, NodeSelectorOperator, NodeSelectorRequirement, NodeSelectorTerm,
    ObjectMeta, OwnerReference, Pod, PodSpec, PodTemplateSpec, RollingUpdateDaemonSet,
    RollingUpdateType, TEMPLATE_GENERATION_ANNOTATION, TaintEffect, Toleration, TolerationOperator,
    UpdateStrategyType,
};
use crate::scheduling::taints::canonical_integer;
use crate::scheduling::{LabelMatcher, NODE_NAME_FIELD};
use crate::syntax::{
    dns1123_label_reason, dns1123_subdomain_reason, label_key_reason, label_value_reason,
};

/// The largest total size, in bytes, of an object's annotations (keys plus values).
const MAX_ANNOTATIONS_BYTES: usize = 256 * 1024;

/// The restart policy a DaemonSet template must have.
const RESTART_ALWAYS: &str = "Always";

/// The restart policies a pod spec may have at all.
const RESTART_POLICIES: &[&str] = &["Always", "OnFailure", "Never"];

/// Node label keys set by the kubelet or cloud providers, which only make sense to pick nodes.
const WELL_KNOWN_NODE_LABELS: &[&str] = &[
    "kubernetes.io/hostname",
    "kubernetes.io/os",
    "kubernetes.io/arch",
    "beta.kubernetes.io/os",
    "beta.kubernetes.io/arch",
    "beta.kubernetes.io/instance-type",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
];

/// The kind of a validation failure, as Kubernetes classifies field errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldErrorKind {
    /// A value that must be given is missing (`Required value`).
    Required,
    /// The value is malformed or out of range (`Invalid value`).
    Invalid,
    /// The value is not one of a fixed set (`Unsupported value`).
    NotSupported,
    /// The field may not be set here at all (`Forbidden`).
    Forbidden,
    /// The value is too large (`Too long`).
    TooLong,
    /// The entry repeats an earlier one that must be unique (`Duplicate value`).
    Duplicate,
}

impl FieldErrorKind {
    /// The words Kubernetes prints for this kind, e.g. `Unsupported value`.
    pub fn as_str(&self) -> &'static str {
        match self {
            FieldErrorKind::Required => "Required value",
            FieldErrorKind::Invalid => "Invalid value",
            FieldErrorKind::NotSupported => "Unsupported value",
            FieldErrorKind::Forbidden => "Forbidden",
            FieldErrorKind::TooLong => "Too long",
            FieldErrorKind::Duplicate => "Duplicate value",
        }
    }
}

impl fmt::Display for FieldErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One validation failure: where, what kind, the offending value, why, and how to fix it.
///
/// Displayed the way `kubectl` prints a field error, followed by the hint:
/// `spec.template.spec.restartPolicy: Unsupported value "Never": must be Always (hint: ...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldError {
    /// The field path, e.g. `spec.template.spec.tolerations[0].operator`.
    pub path: String,
    /// The kind of failure.
    pub kind: FieldErrorKind,
    /// The offending value as text, when there is one to show (maps of labels are written
    /// `key=value,key=value`).
    pub value: Option<String>,
    /// What is wrong, lower-case and without a trailing period.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", abbrev(&self.path), self.kind)?;
        if let Some(value) = &self.value {
            write!(f, " {:?}", abbrev(value))?;
        }
        write!(f, ": {}", abbrev_message(&self.message))?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {})", abbrev_message(hint))?;
        }
        Ok(())
    }
}

impl std::error::Error for FieldError {}

/// Every validation failure of one object.
///
/// Displayed as one line per failure, each prefixed with the object, e.g.
/// `daemonset kube-system/fluentd: spec.selector: Invalid value "": ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationErrors {
    /// The object, e.g. `daemonset kube-system/fluentd` or `node worker-1`.
    pub object: String,
    /// The failures, in the order the API server checks them; never empty.
    pub errors: Vec<FieldError>,
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}: {error}", abbrev(&self.object))?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Switches that change what validation accepts, mirroring API server feature gates.
///
/// ```
/// use daemonset_planner::ValidationOptions;
/// let opts = ValidationOptions::default().with_taint_comparison_operators(true);
/// assert!(opts.taint_comparison_operators);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationOptions {
    /// Accept the `Lt` and `Gt` toleration operators (the alpha feature gate
    /// `TaintTolerationComparisonOperators`, off by default). When on, their value must be a
    /// canonical decimal integer, the only form the matcher can compare.
    pub taint_comparison_operators: bool,
}

impl ValidationOptions {
    /// These options with the `Lt`/`Gt` toleration operators accepted or not.
    #[must_use]
    pub const fn with_taint_comparison_operators(mut self, enabled: bool) -> Self {
        self.taint_comparison_operators = enabled;
        self
    }
}

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

/// The metadata rules of an update: name, namespace and uid are fixed at creation.
fn validate_object_meta_update(old: &ObjectMeta, new: &ObjectMeta, out: &mut Collector) {
    let namespace = |meta: &ObjectMeta| {
        if meta.namespace.is_empty() {
            "default".to_owned()
        } else {
            meta.namespace.clone()
        }
    };
    if new.name != old.name {
        out.invalid(
            "metadata.name",
            &new.name,
            "field is immutable",
            format!(
                "an object cannot be renamed: this updates {:?}; create the new name as a new \
                 object and delete the old one",
                old.name
            ),
        );
    }
    if namespace(new) != namespace(old) {
        out.invalid(
            "metadata.namespace",
            namespace(new),
            "field is immutable",
            format!(
                "an object cannot move between namespaces (it lives in {:?}): create it in the \
                 new namespace and delete the old one",
                namespace(old)
            ),
        );
    }
    if !new.uid.is_empty() && new.uid != old.uid {
        out.invalid(
            "metadata.uid",
            &new.uid,
            "field is immutable",
            "remove metadata.uid from the manifest: the API server keeps the stored one",
        );
    }
}

/// A selector as `kubectl` prints it (`key=value,key in (a,b)`), or its entries as written.
fn render_selector(selector: &LabelSelector) -> String {
    match LabelMatcher::new(Some(selector)) {
        Ok(matcher) => matcher.to_string(),
        Err(_) => render_labels(&selector.match_labels),
    }
}

/// Validates a node the way the API server does: name, labels, annotations, and taints (key and
/// value syntax, a known effect, no two taints with the same key and effect).
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
    let mut seen: Vec<(&str, &str)> = Vec::new();
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
        if seen.contains(&identity) {
            out.push(
                FieldErrorKind::Duplicate,
                path,
                Some(taint.to_string()),
                "taints must be unique by key and effect",
                "remove one of the taints with this key and effect, or give them different effects",
            );
        } else {
            seen.push(identity);
        }
    }
    let name = if node.metadata.name.is_empty() {
        "<unnamed>"
    } else {
        node.metadata.name.as_str()
    };
    out.finish(format!("node {name}"))
}

/// Validates a pod the way the API server does on create, for the fields this crate reads:
/// metadata (name, namespace, labels, annotations, owner references) and the placement parts of
/// the spec (node name, node selector, node affinity, tolerations, restart policy, active
/// deadline). An empty `restartPolicy` is accepted: the API server defaults it to `Always`.
/// A pod without a uid is accepted too: the API server assigns one.
///
/// A pods manifest the API server would refuse does not describe a real cluster: a pod
/// without a name, or one whose owner reference has no uid, cannot exist.
///
/// ```
/// use daemonset_planner::{validate_pod, OwnerReference, Pod};
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

// ---------------------------------------------------------------------------------------------
// Collecting errors

/// What one validation run accepts: the caller's options and whether it checks an update.
struct Rules {
    opts: ValidationOptions,
    update: bool,
}

#[derive(Default)]
struct Collector {
    errors: Vec<FieldError>,
}

impl Collector {
    fn push(
        &mut self,
        kind: FieldErrorKind,
        path: impl Into<String>,
        value: Option<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.errors.push(FieldError {
            path: path.into(),
            kind,
            value,
            message: message.into(),
            hint: Some(hint.into()),
        });
    }

    fn required(
        &mut self,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(FieldErrorKind::Required, path, None, message, hint);
    }

    fn invalid(
        &mut self,
        path: impl Into<String>,
        value: impl fmt::Display,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(
            FieldErrorKind::Invalid,
            path,
            Some(value.to_string()),
            message,
            hint,
        );
    }

    fn forbidden(
        &mut self,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(FieldErrorKind::Forbidden, path, None, message, hint);
    }

    fn not_supported(
        &mut self,
        path: impl Into<String>,
        value: impl fmt::Display,
        supported: &[&str],
        hint: impl Into<String>,
    ) {
        let message = match supported {
            [only] => format!("must be {only}"),
            many => format!("must be one of {}", many.join(", ")),
        };
        self.push(
            FieldErrorKind::NotSupported,
            path,
            Some(value.to_string()),
            message,
            hint,
        );
    }

    fn finish(self, object: String) -> Result<(), ValidationErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors {
                object,
                errors: self.errors,
            })
        }
    }
}

/// `namespace/name` for a DaemonSet, reading an empty namespace as `default`.
fn daemonset_name(meta: &ObjectMeta) -> String {
    let namespace = if meta.namespace.is_empty() {
        "default"
    } else {
        meta.namespace.as_str()
    };
    let name = if !meta.name.is_empty() {
        meta.name.clone()
    } else if !meta.generate_name.is_empty() {
        format!("{}*", meta.generate_name)
    } else {
        "<unnamed>".to_owned()
    };
    format!("{namespace}/{name}")
}

/// A label map as `key=value,key=value`, the way `kubectl get -l` takes it.
fn render_labels(labels: &Labels) -> String {
    labels
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join(",")
}

// ---------------------------------------------------------------------------------------------
// Object metadata

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Namespaced,
    Cluster,
}

fn validate_object_meta(meta: &ObjectMeta, scope: Scope, out: &mut Collector) {
    if !meta.generate_name.is_empty() {
        // The server appends random characters, so a trailing '-' is fine.
        let completed = match meta.generate_name.strip_suffix('-') {
            Some(stem) => format!("{stem}-a"),
            None => meta.generate_name.clone(),
        };
        if let Some(reason) = dns1123_subdomain_reason(&completed) {
            out.invalid(
                "metadata.generateName",
                &meta.generate_name,
                format!("not a valid name prefix: {reason}"),
                "use lower-case letters, digits, '-' and '.', e.g. `fluentd-`",
            );
        }
    }
    if meta.name.is_empty() {
        if meta.generate_name.is_empty() {
            out.required(
                "metadata.name",
                "name or generateName is required",
                "set metadata.name, e.g. `name: fluentd-elasticsearch`",
            );
        }
    } else if let Some(reason) = dns1123_subdomain_reason(&meta.name) {
        out.invalid(
            "metadata.name",
            &meta.name,
            format!("not a valid name: {reason}"),
            "use lower-case letters, digits, '-' and '.', e.g. `fluentd-elasticsearch`",
        );
    }
    match scope {
        Scope::Namespaced => {
            // An empty namespace is read as "default", as kubectl does when applying a manifest.
            if !meta.namespace.is_empty()
                && let Some(reason) = dns1123_label_reason(&meta.namespace)
            {
                out.invalid(
                    "metadata.namespace",
                    &meta.namespace,
                    format!("not a valid namespace: {reason}"),
                    "use an existing namespace such as `kube-system`, or leave it out for \
                     `default`",
                );
            }
        }
        Scope::Cluster => {
            if !meta.namespace.is_empty() {
                out.forbidden(
                    "metadata.namespace",
                    "not allowed on this type: the object is cluster-scoped",
                    "remove metadata.namespace",
                );
            }
        }
    }
    validate_labels(&meta.labels, "metadata.labels", out);
    validate_annotations(&meta.annotations, "metadata.annotations", out);
    validate_owner_references(&meta.owner_references, out);
}

/// Upstream's `ValidateOwnerReferences`: every reference names an apiVersion with a version, a
/// kind, a name and a uid, no reference points at a v1 Event, and at most one is the
/// controller. Like upstream, the paths do not carry the index of the reference.
fn validate_owner_references(references: &[OwnerReference], out: &mut Collector) {
    const PATH: &str = "metadata.ownerReferences";
    let mut first_controller: Option<String> = None;
    for reference in references {
        // schema.ParseGroupVersion: `v1`, or `group/version`; anything else has no version.
        let version = match reference.api_version.split_once('/') {
            None => reference.api_version.as_str(),
            Some((_, version)) if !version.contains('/') => version,
            Some(_) => "",
        };
        if version.is_empty() {
            out.invalid(
                format!("{PATH}.apiVersion"),
                &reference.api_version,
                "version must not be empty",
                "write the owner's apiVersion, e.g. `apps/v1` for a DaemonSet",
            );
        }
        for (field, value, hint) in [
            (
                "kind",
                &reference.kind,
                "write the owner's kind, e.g. `DaemonSet`",
            ),
            ("name", &reference.name, "write the owner's name"),
            (
                "uid",
                &reference.uid,
                "copy the owner's metadata.uid (`kubectl get KIND NAME -o jsonpath='{.metadata.uid}'`)",
            ),
        ] {
            if value.is_empty() {
                out.invalid(format!("{PATH}.{field}"), value, "must not be empty", hint);
            }
        }
        if reference.api_version == "v1" && reference.kind == "Event" {
            out.invalid(
                PATH,
                "/v1, Kind=Event",
                "/v1, Kind=Event is disallowed from being an owner",
                "remove the owner reference to the event",
            );
        }
        if reference.controller == Some(true) {
            let this = format!("{}/{}", reference.kind, reference.name);
            match &first_controller {
                Some(first) => out.invalid(
                    PATH,
                    format!("{first}, {this}"),
                    format!(
                        "Only one reference can have Controller set to true. Found \"true\" in \
                         references for {first} and {this}"
                    ),
                    "an object has at most one controller: set controller: true on one reference",
                ),
                None => first_controller = Some(this),
            }
        }
    }
}

/// The apps/v1 carrier of the template generation must hold an integer; the API server fails
/// to decode the object otherwise.
fn validate_template_generation_annotation(ds: &DaemonSet, out: &mut Collector) {
    if let Some(text) = ds.metadata.annotations.get(TEMPLATE_GENERATION_ANNOTATION)
        && ds.template_generation().is_none()
    {
        out.invalid(
            "metadata.annotations",
            text,
            format!("{TEMPLATE_GENERATION_ANNOTATION} must be a base-10 integer"),
            "remove the annotation (the API server maintains it) or set it to a whole number",
        );
    }
}

fn validate_labels(labels: &Labels, path: &str, out: &mut Collector) {
    for (key, value) in labels {
        if let Some(reason) = label_key_reason(key) {
            out.invalid(
                path,
                key,
                format!("not a valid label key: {reason}"),
                "label keys look like `app` or `example.com/tier`: an optional lower-case DNS \
                 prefix and '/', then at most 63 letters, digits, '-', '_' or '.'",
            );
        }
        if let Some(reason) = label_value_reason(value) {
            out.invalid(
                path,
                value,
                format!("not a valid label value: {reason}"),
                "label values are at most 63 letters, digits, '-', '_' or '.', starting and \
                 ending with a letter or digit, or empty",
            );
        }
    }
}

fn validate_annotations(annotations: &Labels, path: &str, out: &mut Collector) {
    let mut total = 0usize;
    for (key, value) in annotations {
        if let Some(reason) = label_key_reason(&key.to_lowercase()) {
            out.invalid(
                path,
                key,
                format!("not a valid annotation key: {reason}"),
                "annotation keys follow label-key syntax, e.g. `example.com/owner`",
            );
        }
        total = total.saturating_add(key.len()).saturating_add(value.len());
    }
    if total > MAX_ANNOTATIONS_BYTES {
        out.push(
            FieldErrorKind::TooLong,
            path,
            None,
            format!(
                "annotations may not exceed {MAX_ANNOTATIONS_BYTES} bytes in total (got {total})"
            ),
            "move large data into a ConfigMap and reference it",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The DaemonSet spec

fn validate_daemonset_spec(ds: &DaemonSet, rules: &Rules, out: &mut Collector) {
    let spec = &ds.spec;

    // 1. selector syntax
    if let Some(selector) = &spec.selector {
        // On update the API server lets matchExpressions keep values that are not label values.
        validate_label_selector(selector, "spec.selector", rules.update, out);
    }

    // 2. the selector must select the pods the template creates
    check_selector_matches_template(spec.selector.as_ref(), &spec.template, out);

    // 3. an empty selector would select every pod in the namespace
    if let Some(selector) = &spec.selector
        && selector.match_labels.is_empty()
        && selector.match_expressions.is_empty()
    {
        out.invalid(
            "spec.selector",
            "{}",
            "empty selector is invalid for a DaemonSet: it would select every pod in the \
             namespace",
            selector_example_hint(&spec.template.metadata.labels),
        );
    }

    // 4. the pod template
    validate_pod_template(&spec.template, "spec.template", rules, out);

    // 5. daemons run forever
    let restart_policy = &spec.template.spec.restart_policy;
    if restart_policy != RESTART_ALWAYS {
        out.not_supported(
            "spec.template.spec.restartPolicy",
            restart_policy,
            &[RESTART_ALWAYS],
            "a DaemonSet keeps its pod running on every node: remove restartPolicy or set it to \
             Always (run-to-completion work belongs in a Job)",
        );
    }

    // 6. nor may they time out
    if spec.template.spec.active_deadline_seconds.is_some() {
        out.forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds is not supported in a DaemonSet",
            "remove activeDeadlineSeconds: a daemon pod is meant to run until it is replaced",
        );
    }

    // 7.
    if spec.min_ready_seconds < 0 {
        out.invalid(
            "spec.minReadySeconds",
            spec.min_ready_seconds,
            "must be greater than or equal to 0",
            "use 0 (available as soon as ready) or a positive number of seconds",
        );
    }

    // 8. (apps/v1 only: Kruise's webhook does not check it)
    if let Some(generation) = ds.template_generation().filter(|_| !ds.is_kruise())
        && generation < 0
    {
        out.invalid(
            "spec.templateGeneration",
            generation,
            "must be greater than or equal to 0",
            format!(
                "the template generation is read from annotation \
                 {TEMPLATE_GENERATION_ANNOTATION}: remove it or make it non-negative"
            ),
        );
    }

    // 9.
    if ds.is_kruise() {
        validate_kruise_update_strategy(&spec.update_strategy, ds.is_kruise_v1alpha1(), out);
    } else {
        validate_update_strategy(&spec.update_strategy, out);
    }

    // 10.
    if let Some(limit) = spec.revision_history_limit
        && limit < 0
    {
        out.invalid(
            "spec.revisionHistoryLimit",
            limit,
            "must be greater than or equal to 0",
            "use 0 to keep no old revisions, or leave it out for the default of 10",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Label selectors

/// The values rule shared by label-selector and node-selector requirements: `In`/`NotIn` need
/// values (`needs_values`), `Exists`/`DoesNotExist` may not have any.
fn set_operator_values(needs_values: bool, values: &[String], path: &str, out: &mut Collector) {
    if needs_values && values.is_empty() {
        out.required(
            format!("{path}.values"),
            "must be specified when operator is In or NotIn",
            "list at least one value, or use Exists / DoesNotExist",
        );
    } else if !needs_values && !values.is_empty() {
        out.forbidden(
            format!("{path}.values"),
            "may not be specified when operator is Exists or DoesNotExist",
            "remove values, or use In / NotIn to compare them",
        );
    }
}

fn validate_label_selector(
    selector: &LabelSelector,
    path: &str,
    allow_invalid_values: bool,
    out: &mut Collector,
) {
    validate_labels(&selector.match_labels, &format!("{path}.matchLabels"), out);
    for (i, requirement) in selector.match_expressions.iter().enumerate() {
        let path = format!("{path}.matchExpressions[{i}]");
        let values = &requirement.values;
        match &requirement.operator {
            LabelSelectorOperator::In | LabelSelectorOperator::NotIn => {
                set_operator_values(true, values, &path, out);
            }
            LabelSelectorOperator::Exists | LabelSelectorOperator::DoesNotExist => {
                set_operator_values(false, values, &path, out);
            }
            LabelSelectorOperator::Other(operator) => {
                out.invalid(
                    format!("{path}.operator"),
                    operator,
                    "not a valid selector operator",
                    "use In, NotIn, Exists or DoesNotExist (spelled exactly so)",
                );
            }
        }
        if let Some(reason) = label_key_reason(&requirement.key) {
            out.invalid(
                format!("{path}.key"),
                &requirement.key,
                format!("not a valid label key: {reason}"),
                "use a label key such as `app` or `example.com/tier`",
            );
        }
        for (j, value) in values.iter().enumerate() {
            if allow_invalid_values {
                break;
            }
            if let Some(reason) = label_value_reason(value) {
                out.invalid(
                    format!("{path}.values[{j}]"),
                    value,
                    format!("not a valid label value: {reason}"),
                    "label values are at most 63 letters, digits, '-', '_' or '.', starting and \
                     ending with a letter or digit",
                );
            }
        }
    }
}

/// One entry of a selector (a `matchLabels` pair or a `matchExpressions` item) as a selector of
/// its own, so that each can be matched and printed separately.
pub(crate) fn selector_entries(selector: &LabelSelector) -> Vec<LabelSelector> {
    let pairs = selector
        .match_labels
        .iter()
        .map(|(key, value)| LabelSelector {
            match_labels: Labels::from([(key.clone(), value.clone())]),
            match_expressions: Vec::new(),
        });
    let expressions = selector
        .match_expressions
        .iter()
        .map(|expression| LabelSelector {
            match_labels: Labels::new(),
            match_expressions: vec![expression.clone()],
        });
    pairs.chain(expressions).collect()
}

/// Whether a selector entry looks like it was written to choose nodes rather than pods: a
/// well-known node label key, or a key or value mentioning "node".
pub(crate) fn entry_involves_nodes(entry: &LabelSelector) -> bool {
    let mentions_node = |text: &str| text.to_ascii_lowercase().contains("node");
    let node_key = |key: &str| WELL_KNOWN_NODE_LABELS.contains(&key) || mentions_node(key);
    entry
        .match_labels
        .iter()
        .any(|(key, value)| node_key(key) || mentions_node(value))
        || entry.match_expressions.iter().any(|expression| {
            node_key(&expression.key) || expression.values.iter().any(|v| mentions_node(v))
        })
}

fn check_selector_matches_template(
    selector: Option<&LabelSelector>,
    template: &PodTemplateSpec,
    out: &mut Collector,
) {
    const PATH: &str = "spec.template.metadata.labels";
    const MESSAGE: &str = "selector does not match template labels";
    let labels = &template.metadata.labels;
    // A selector the controller cannot compile was already reported by the syntax check; an
    // empty one selects everything (and is rejected by the empty-selector check instead).
    let Ok(matcher) = LabelMatcher::new(selector) else {
        return;
    };
    if matcher.matches(labels) {
        return;
    }
    let Some(selector) = selector else {
        out.invalid(
            PATH,
            render_labels(labels),
            MESSAGE,
            format!(
                "spec.selector is missing (apps/v1 does not derive it from the template): {}",
                selector_example_hint(labels)
            ),
        );
        return;
    };
    let mut unmet = Vec::new();
    let mut node_like = Vec::new();
    for entry in selector_entries(selector) {
        let Ok(entry_matcher) = LabelMatcher::new(Some(&entry)) else {
            continue;
        };
        if !entry_matcher.matches(labels) {
            let shown = format!("`{entry_matcher}`");
            if entry_involves_nodes(&entry) {
                node_like.push(shown.clone());
            }
            unmet.push(shown);
        }
    }
    let hint = if node_like.is_empty() {
        format!(
            "spec.selector picks the DaemonSet's own pods, so spec.template.metadata.labels must \
             satisfy it; unmet: {}; add the missing labels to the template (the selector cannot \
             be changed after creation)",
            unmet.join(", ")
        )
    } else {
        let also = if unmet.len() > node_like.len() {
            format!("; unmet: {}", unmet.join(", "))
        } else {
            String::new()
        };
        format!(
            "{} looks like it was meant to choose nodes: node choice belongs in \
             spec.template.spec.nodeSelector (or node affinity), while spec.selector picks the \
             DaemonSet's own pods and must match the pod template's labels{also}",
            node_like.join(", ")
        )
    };
    out.invalid(PATH, render_labels(labels), MESSAGE, hint);
}

fn selector_example_hint(template_labels: &Labels) -> String {
    match template_labels.iter().next() {
        Some((key, value)) => format!(
            "select the pod template's labels, e.g. `selector: {{matchLabels: {{{key}: {value}}}}}`"
        ),
        None => "give the pod template a label such as `app: my-daemon` in \
                 spec.template.metadata.labels and select it with `selector: {matchLabels: \
                 {app: my-daemon}}`"
            .to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// The pod template and its spec

fn validate_pod_template(
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
enum SpecOf {
    /// A DaemonSet's pod template.
    Template,
    /// A pod.
    Pod,
}

fn validate_pod_spec(spec: &PodSpec, path: &str, of: SpecOf, rules: &Rules, out: &mut Collector) {
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

// ---------------------------------------------------------------------------------------------
// Node affinity

fn validate_node_selector(selector: &NodeSelector, path: &str, out: &mut Collector) {
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

fn validate_node_selector_term(term: &NodeSelectorTerm, path: &str, out: &mut Collector) {
    for (j, requirement) in term.match_expressions.iter().enumerate() {
        validate_node_label_requirement(requirement, &format!("{path}.matchExpressions[{j}]"), out);
    }
    for (j, requirement) in term.match_fields.iter().enumerate() {
        validate_node_field_requirement(requirement, &format!("{path}.matchFields[{j}]"), out);
    }
}

fn validate_node_label_requirement(
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

fn validate_node_field_requirement(
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

fn validate_toleration(
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
fn validate_taint_effect(
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

// ---------------------------------------------------------------------------------------------
// Update strategy

fn validate_update_strategy(strategy: &DaemonSetUpdateStrategy, out: &mut Collector) {
    const PATH: &str = "spec.updateStrategy";
    match &strategy.type_ {
        Some(UpdateStrategyType::OnDelete) => {}
        Some(UpdateStrategyType::RollingUpdate) => match &strategy.rolling_update {
            None => out.required(
                format!("{PATH}.rollingUpdate"),
                "must be set when type is RollingUpdate",
                "add `rollingUpdate: {maxUnavailable: 1}`, or apply the defaults before \
                 validating",
            ),
            Some(rolling) => {
                validate_rolling_update(rolling, &format!("{PATH}.rollingUpdate"), out)
            }
        },
        other => {
            let text = other.as_ref().map_or("", UpdateStrategyType::as_str);
            out.not_supported(
                PATH,
                text,
                UpdateStrategyType::KNOWN,
                "set spec.updateStrategy.type to RollingUpdate or OnDelete (case-sensitive)",
            );
        }
    }
}

fn validate_rolling_update(rolling: &RollingUpdateDaemonSet, path: &str, out: &mut Collector) {
    // An absent value reaches the API server's internal type as the integer 0.
    let zero = IntOrString::Int(0);
    let max_unavailable = rolling.max_unavailable.as_ref().unwrap_or(&zero);
    let max_surge = rolling.max_surge.as_ref().unwrap_or(&zero);
    let unavailable_path = format!("{path}.maxUnavailable");
    let surge_path = format!("{path}.maxSurge");

    check_non_negative_int_or_percent(max_unavailable, &unavailable_path, out);
    check_non_negative_int_or_percent(max_surge, &surge_path, out);
    check_at_most_100_percent(max_unavailable, &unavailable_path, out);
    check_at_most_100_percent(max_surge, &surge_path, out);

    let unavailable = numeric_value(max_unavailable) != 0;
    let surge = numeric_value(max_surge) != 0;
    if unavailable && surge {
        out.invalid(
            surge_path,
            max_surge,
            "may not be set when maxUnavailable is non-zero",
            "choose one mode: to surge, also write `maxUnavailable: 0` (its default is 1); \
             otherwise remove maxSurge",
        );
    } else if !unavailable && !surge {
        out.required(
            unavailable_path,
            "cannot be 0 when maxSurge is 0",
            "let at least one node be updated at a time: set maxUnavailable (e.g. 1) or \
             maxSurge (e.g. 1) above zero",
        );
    }
}

fn validate_kruise_update_strategy(
    strategy: &DaemonSetUpdateStrategy,
    v1alpha1: bool,
    out: &mut Collector,
) {
    const PATH: &str = "spec.updateStrategy";
    match &strategy.type_ {
        Some(UpdateStrategyType::OnDelete) => {}
        Some(UpdateStrategyType::RollingUpdate) => match &strategy.rolling_update {
            None => out.required(
                format!("{PATH}.rollingUpdate"),
                "must be set when type is RollingUpdate",
                "add `rollingUpdate: {maxUnavailable: 1}`, or apply the defaults before \
                 validating",
            ),
            Some(rolling) => validate_kruise_rolling_update(
                rolling,
                &format!("{PATH}.rollingUpdate"),
                v1alpha1,
                out,
            ),
        },
        other => {
            let text = other.as_ref().map_or("", UpdateStrategyType::as_str);
            out.not_supported(
                PATH,
                text,
                UpdateStrategyType::KNOWN,
                "set spec.updateStrategy.type to RollingUpdate or OnDelete (case-sensitive)",
            );
        }
    }
}

/// Kruise's `getIntOrPercentValue`: the percentage of a valid `N%`, else the integer (a string
/// that is neither reads as 0).
fn kruise_value(value: &IntOrString) -> i64 {
    if let Some(percent) = strict_percent(value) {
        return percent;
    }
    match value {
        IntOrString::Int(number) => i64::from(*number),
        IntOrString::String(text) => crate::model::intstr::parse_go_atoi(text).unwrap_or(0),
    }
}

fn non_zero(value: Option<&IntOrString>) -> Option<&IntOrString> {
    value.filter(|v| kruise_value(v) != 0)
}

fn validate_kruise_rolling_update(
    rolling: &RollingUpdateDaemonSet,
    path: &str,
    v1alpha1: bool,
    out: &mut Collector,
) {
    let unavailable_path = format!("{path}.maxUnavailable");
    let surge_path = format!("{path}.maxSurge");
    let unavailable = non_zero(rolling.max_unavailable.as_ref());
    let surge = non_zero(rolling.max_surge.as_ref());
    for (value, field_path) in [(unavailable, &unavailable_path), (surge, &surge_path)] {
        if let Some(value) = value {
            check_non_negative_int_or_percent(value, field_path, out);
            check_at_most_100_percent(value, field_path, out);
        }
    }
    match (unavailable, surge) {
        (Some(_), Some(max_surge)) => out.invalid(
            surge_path.clone(),
            max_surge,
            "may not be set when maxUnavailable is non-zero",
            "choose one mode: to surge, set `maxUnavailable: 0`; otherwise remove maxSurge",
        ),
        (None, None) => out.required(
            unavailable_path.clone(),
            "cannot be 0 when maxSurge is 0",
            "let at least one node be updated at a time: set maxUnavailable (e.g. 1) or \
             maxSurge (e.g. 1) above zero",
        ),
        _ => {}
    }
    let type_path = format!("{path}.rollingUpdateType");
    let known: &[&str] = if v1alpha1 {
        &["Standard", "Surging", "InPlaceIfPossible"]
    } else {
        &["Standard", "InPlaceIfPossible"]
    };
    match &rolling.rolling_update_type {
        None | Some(RollingUpdateType::Standard) => {}
        Some(RollingUpdateType::InPlaceIfPossible) => {
            if surge.is_some() {
                out.required(
                    surge_path,
                    "must be 0 for InPlaceIfPossible type",
                    "an in-place update replaces the pod where it runs: use maxUnavailable, not \
                     maxSurge",
                );
            }
        }
        Some(RollingUpdateType::Surging) if v1alpha1 => {
            if unavailable.is_some() {
                out.required(
                    unavailable_path,
                    "must be 0 for Surging type",
                    "Surging replaces pods by surging: remove maxUnavailable, or use Standard",
                );
            }
        }
        Some(other) => out.not_supported(
            type_path,
            other.as_str(),
            known,
            "use Standard (the default) or InPlaceIfPossible; Surging is a deprecated v1alpha1 \
             alias of Standard with maxSurge 1",
        ),
    }
    if let Some(partition) = &rolling.partition {
        let partition_path = format!("{path}.partition");
        check_non_negative_int_or_percent(partition, &partition_path, out);
        check_at_most_100_percent(partition, &partition_path, out);
    }
}

fn check_non_negative_int_or_percent(value: &IntOrString, path: &str, out: &mut Collector) {
    match value {
        IntOrString::Int(number) if *number < 0 => out.invalid(
            path,
            number,
            "must be greater than or equal to 0",
            "use 0 or a positive number of nodes, or a percentage such as \"10%\"",
        ),
        IntOrString::Int(_) => {}
        IntOrString::String(text) => {
            if strict_percent(value).is_none() {
                out.invalid(
                    path,
                    text,
                    "must be an integer, or digits followed by '%' such as \"10%\"",
                    "write a number of nodes without quotes (`1`), or a percentage in quotes \
                     (`\"10%\"`)",
                );
            }
        }
    }
}

fn check_at_most_100_percent(value: &IntOrString, path: &str, out: &mut Collector) {
    if strict_percent(value).is_some_and(|percent| percent > 100) {
        out.invalid(
            path,
            value,
            "must not be greater than 100%",
            "use a percentage from 0% to 100%, or a number of nodes",
        );
    }
}

/// The percentage of a string made of digits then one `%` (no sign, no spaces); a digit run too
/// large for 64 bits reads as the largest value. `None` for anything else, integers included.
fn strict_percent(value: &IntOrString) -> Option<i64> {
    let IntOrString::String(text) = value else {
        return None;
    };
    let digits = text.strip_suffix('%')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse::<i64>().unwrap_or(i64::MAX))
}

/// The number the API server compares with zero: the percentage if [`strict_percent`] reads
/// one; otherwise, for a string, Go's `Atoi` of the whole string (0 when it is not an integer,
/// the nearest 64-bit bound when it overflows); otherwise the integer.
fn numeric_value(value: &IntOrString) -> i64 {
    if let Some(percent) = strict_percent(value) {
        return percent;
    }
    match value {
        IntOrString::Int(number) => i64::from(*number),
        IntOrString::String(text) => match crate::model::intstr::parse_go_atoi(text) {
            Ok(number) => number,
            Err(true) if text.starts_with('-') => i64::MIN,
            Err(true) => i64::MAX,
            Err(false) => 0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FieldErrorKind::{Invalid, Required};

    fn s(text: &str) -> IntOrString {
        IntOrString::from(text)
    }

    #[test]
    fn strict_percent_accepts_only_digits_then_percent() {
        assert_eq!(strict_percent(&s("10%")), Some(10));
        assert_eq!(strict_percent(&s("007%")), Some(7));
        assert_eq!(strict_percent(&s("0%")), Some(0));
        assert_eq!(
            strict_percent(&s("99999999999999999999999%")),
            Some(i64::MAX)
        );
        for text in ["-5%", "+5%", "5", "5.5%", " 5%", "5%%", "%", "", "abc"] {
            assert_eq!(strict_percent(&s(text)), None, "{text:?}");
        }
        assert_eq!(strict_percent(&IntOrString::Int(5)), None);
    }

    #[test]
    fn numeric_value_falls_back_to_atoi_then_zero() {
        assert_eq!(numeric_value(&s("25%")), 25);
        assert_eq!(numeric_value(&s("5")), 5);
        assert_eq!(numeric_value(&s("-3")), -3);
        assert_eq!(numeric_value(&s("+3")), 3);
        assert_eq!(numeric_value(&s("abc")), 0);
        assert_eq!(numeric_value(&s("-5%")), 0);
        assert_eq!(numeric_value(&s("")), 0);
        assert_eq!(numeric_value(&s("99999999999999999999")), i64::MAX);
        assert_eq!(numeric_value(&s("-99999999999999999999")), i64::MIN);
        assert_eq!(numeric_value(&IntOrString::Int(-1)), -1);
        assert_eq!(numeric_value(&IntOrString::Int(0)), 0);
    }

    fn rolling_errors(
        max_unavailable: IntOrString,
        max_surge: IntOrString,
    ) -> Vec<(String, FieldErrorKind)> {
        let mut out = Collector::default();
        let rolling = RollingUpdateDaemonSet {
            max_unavailable: Some(max_unavailable),
            max_surge: Some(max_surge),
            ..RollingUpdateDaemonSet::default()
        };
        validate_rolling_update(&rolling, "r", &mut out);
        out.errors
            .into_iter()
            .map(|error| (error.path, error.kind))
            .collect()
    }

    /// The worked examples of spec section 6.2 (values after defaulting).
    #[test]
    fn rolling_update_worked_examples() {
        use IntOrString::Int;
        let mu = || ("r.maxUnavailable".to_owned(), Invalid);
        let mu_required = || ("r.maxUnavailable".to_owned(), Required);
        let ms = || ("r.maxSurge".to_owned(), Invalid);
        type Case = (IntOrString, IntOrString, Vec<(String, FieldErrorKind)>);
        let cases: Vec<Case> = vec![
            (Int(1), Int(0), vec![]),
            (Int(0), Int(1), vec![]),
            (Int(0), Int(0), vec![mu_required()]),
            (Int(1), Int(1), vec![ms()]),
            (s("0%"), s("0%"), vec![mu_required()]),
            (s("100%"), Int(0), vec![]),
            (s("101%"), Int(0), vec![mu()]),
            (Int(150), Int(0), vec![]),
            (Int(-1), Int(0), vec![mu()]),
            (Int(-1), Int(1), vec![mu(), ms()]),
            (s("5"), Int(0), vec![mu()]),
            (s("abc"), Int(0), vec![mu(), mu_required()]),
            (s("-5%"), Int(0), vec![mu(), mu_required()]),
            (Int(0), s("25%"), vec![]),
        ];
        for (max_unavailable, max_surge, expected) in cases {
            let label = format!("maxUnavailable {max_unavailable}, maxSurge {max_surge}");
            assert_eq!(
                rolling_errors(max_unavailable, max_surge),
                expected,
                "{label}"
            );
        }
    }

    #[test]
    fn a_percentage_over_100_on_both_fields_reports_both() {
        assert_eq!(
            rolling_errors(s("200%"), s("300%")),
            vec![
                ("r.maxUnavailable".to_owned(), Invalid),
                ("r.maxSurge".to_owned(), Invalid),
                ("r.maxSurge".to_owned(), Invalid),
            ]
        );
    }

    #[test]
    fn field_errors_display_like_kubectl_with_a_hint() {
        let error = FieldError {
            path: "spec.template.spec.restartPolicy".to_owned(),
            kind: FieldErrorKind::NotSupported,
            value: Some("Never".to_owned()),
            message: "must be Always".to_owned(),
            hint: Some("remove it".to_owned()),
        };
        assert_eq!(
            error.to_string(),
            "spec.template.spec.restartPolicy: Unsupported value \"Never\": must be Always \
             (hint: remove it)"
        );
        let required = FieldError {
            value: None,
            hint: None,
            kind: FieldErrorKind::Required,
            ..error
        };
        assert_eq!(
            required.to_string(),
            "spec.template.spec.restartPolicy: Required value: must be Always"
        );
    }

    #[test]
    fn validation_errors_list_one_line_per_error_prefixed_with_the_object() {
        let mut out = Collector::default();
        out.required("a", "first", "fix a");
        out.forbidden("b", "second", "fix b");
        let errors = out.finish("daemonset default/x".to_owned());
        let text = errors.map_err(|e| e.to_string()).err();
        assert_eq!(
            text.as_deref(),
            Some(
                "daemonset default/x: a: Required value: first (hint: fix a)\n\
                 daemonset default/x: b: Forbidden: second (hint: fix b)"
            )
        );
    }

    #[test]
    fn no_errors_is_ok() {
        assert_eq!(Collector::default().finish("x".to_owned()), Ok(()));
    }

    #[test]
    fn error_types_are_send_and_sync() {
        fn check<T: Send + Sync + std::error::Error + 'static>() {}
        check::<FieldError>();
        check::<ValidationErrors>();
    }

    #[test]
    fn node_like_selector_entries() {
        let entry = |key: &str, value: &str| LabelSelector {
            match_labels: Labels::from([(key.to_owned(), value.to_owned())]),
            match_expressions: Vec::new(),
        };
        assert!(entry_involves_nodes(&entry("app", "logging-node")));
        assert!(entry_involves_nodes(&entry(
            "kubernetes.io/hostname",
            "worker-1"
        )));
        assert!(entry_involves_nodes(&entry(
            "node-role.kubernetes.io/worker",
            ""
        )));
        assert!(entry_involves_nodes(&entry(
            "topology.kubernetes.io/zone",
            "eu-1a"
        )));
        assert!(entry_involves_nodes(&entry("kubernetes.io/os", "linux")));
        assert!(!entry_involves_nodes(&entry("app", "fluentd")));
    }
}
