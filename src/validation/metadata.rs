//! Object metadata: names, namespaces, labels, annotations, owner references, finalizers, and
//! what an update may not change.

use crate::model::{Labels, ObjectMeta, OwnerReference};
use crate::syntax::{
    dns1123_label_reason, dns1123_subdomain_reason, label_key_reason, label_value_reason,
};

use super::collector::Collector;
use super::errors::FieldErrorKind;

/// The largest total size, in bytes, of an object's annotations (keys plus values).
const MAX_ANNOTATIONS_BYTES: usize = 256 * 1024;

/// `namespace/name` for a DaemonSet, reading an empty namespace as `default`.
pub(crate) fn daemonset_name(meta: &ObjectMeta) -> String {
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
pub(crate) fn render_labels(labels: &Labels) -> String {
    labels
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Namespaced,
    Cluster,
}

pub(crate) fn validate_object_meta(meta: &ObjectMeta, scope: Scope, out: &mut Collector) {
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
    validate_finalizers(&meta.finalizers, out);
}

/// Finalizers are qualified names (`example.com/cleanup`, or a bare name such as `orphan`), and
/// `orphan` and `foregroundDeletion` exclude each other.
fn validate_finalizers(finalizers: &[String], out: &mut Collector) {
    const PATH: &str = "metadata.finalizers";
    for finalizer in finalizers {
        if let Some(reason) = label_key_reason(finalizer) {
            out.invalid(
                PATH,
                finalizer,
                format!("not a valid finalizer name: {reason}"),
                "finalizers are qualified names such as `example.com/cleanup`",
            );
        }
    }
    let has = |name: &str| finalizers.iter().any(|f| f == name);
    if has("orphan") && has("foregroundDeletion") {
        out.invalid(
            PATH,
            finalizers.join(","),
            "finalizer orphan and foregroundDeletion cannot be both set",
            "keep one: orphan leaves the dependents, foregroundDeletion deletes them first",
        );
    }
}

/// Upstream's `ValidateOwnerReferences`: every reference names an apiVersion with a version, a
/// kind, a name and a uid, no reference points at a v1 Event, and at most one is the
/// controller. Like upstream, the paths do not carry the index of the reference.
pub(crate) fn validate_owner_references(references: &[OwnerReference], out: &mut Collector) {
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

pub(crate) fn validate_labels(labels: &Labels, path: &str, out: &mut Collector) {
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

pub(crate) fn validate_annotations(annotations: &Labels, path: &str, out: &mut Collector) {
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

/// The metadata rules of an update: name, namespace and uid are fixed at creation.
pub(crate) fn validate_object_meta_update(old: &ObjectMeta, new: &ObjectMeta, out: &mut Collector) {
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
