//! Conversions to and from [k8s-openapi]'s types, the ones kube-rs reads and writes (feature
//! `k8s-openapi`).
//!
//! A controller built on kube-rs gets `k8s_openapi` objects from its reflectors and converts
//! them with `TryFrom`:
//!
//! | from k8s-openapi | to this crate |
//! | --- | --- |
//! | `api::apps::v1::DaemonSet` | [`DaemonSet`] |
//! | `api::core::v1::Node` | [`Node`] |
//! | `api::core::v1::Pod` | [`Pod`] |
//! | `api::core::v1::Taint` | [`Taint`] |
//! | `api::core::v1::Toleration` | [`Toleration`] |
//! | `api::core::v1::NodeAffinity` | [`NodeAffinity`] |
//! | `api::core::v1::NodeSelector` | [`NodeSelector`] |
//! | `apimachinery::pkg::apis::meta::v1::LabelSelector` | [`LabelSelector`] |
//!
//! and converts back what it writes: the pod [`crate::render_pod`] renders, to
//! `api::core::v1::Pod` for the create call, and [`crate::Plan::status`] to
//! `api::apps::v1::DaemonSetStatus` for the status subresource.
//!
//! ```
//! # fn main() -> Result<(), daemonset_planner::ConversionError> {
//! use daemonset_planner::{render_pod, DaemonSet, Node};
//! use k8s_openapi::api::{apps::v1 as apps_v1, core::v1 as core_v1};
//!
//! let mut theirs = apps_v1::DaemonSet::default();
//! theirs.metadata.name = Some("fluentd".into());
//! theirs.metadata.namespace = Some("kube-system".into());
//! let ds = DaemonSet::try_from(&theirs)?;
//! assert_eq!(ds.metadata.display_name(), "kube-system/fluentd");
//!
//! let mut node = core_v1::Node::default();
//! node.metadata.name = Some("worker-1".into());
//! assert_eq!(Node::try_from(&node)?.metadata.name, "worker-1");
//!
//! let pod = core_v1::Pod::try_from(&render_pod(&ds, "worker-1", "5d4b8c9f6"))?;
//! assert_eq!(pod.metadata.generate_name.as_deref(), Some("fluentd-"));
//! # Ok(())
//! # }
//! ```
//!
//! # Kubernetes version
//!
//! This crate enables no `v1_*` feature of k8s-openapi: like kube-rs, it leaves the choice of
//! the Kubernetes version to the application, which enables exactly one (k8s-openapi's build
//! fails without one). The conversions use only fields every supported version has.
//!
//! # How values convert, and what fails
//!
//! Both types spell fields as Kubernetes does, so a conversion serializes the object to JSON
//! and reads the JSON with the other crate's type, tracking the field path. Fields this crate
//! does not model (`resourceVersion`, `managedFields`, node status beyond conditions, ...) are
//! left out on the way in; pod specs keep every field, so a rendered pod converts in full.
//! k8s-openapi keeps enum-like fields (taint effects, operators, phases) as strings, and so
//! does this crate for values it does not know, so none of them fails. A [`ConversionError`]
//! names the object and the field when:
//!
//! - from k8s-openapi, a timestamp lies before year 0001: k8s-openapi holds years -9999 to
//!   9999, this crate's [`crate::Time`] 0001 to 9999;
//! - to k8s-openapi, a timestamp lies after 9999-12-30T22:00:00Z, where k8s-openapi's
//!   `jiff::Timestamp` ends;
//! - to k8s-openapi, a field kept verbatim holds a value of the wrong type (`hostPID: "yes"`),
//!   or a field the enabled Kubernetes version of k8s-openapi does not have (a manifest of a
//!   newer release): rather than drop it silently, the conversion fails with
//!   [`ConversionError::UnknownField`].
//!
//! k8s-openapi fills required fields that are absent with empty values (a container without
//! `name` gets `name: ""`), as its deserializers do for every object.
//!
//! `IntOrString` converts both ways without loss: both sides hold a 32-bit integer or a string.
//!
//! [k8s-openapi]: https://docs.rs/k8s-openapi

use std::fmt;

use k8s_openapi::api::apps::v1 as apps_v1;
use k8s_openapi::api::core::v1 as core_v1;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta_v1;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::model::{
    DaemonSet, DaemonSetStatus, LabelSelector, Node, NodeAffinity, NodeSelector, Pod, Taint,
    Toleration,
};

/// Why an object could not be converted to or from k8s-openapi's type.
///
/// Displayed as `<object>: <field path>: <what is wrong>`, for example
/// `pod kube-system/fluentd-4xk2p: metadata.creationTimestamp: invalid RFC 3339 timestamp
/// "0000-07-18T07:06:40Z": it falls outside years 0001 to 9999 in UTC`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConversionError {
    /// A field whose value the target type cannot hold: a timestamp out of its range, or a
    /// value of the wrong type in a field kept verbatim.
    #[error("{object}: {}: {message}", At(.path))]
    InvalidField {
        /// The object, such as `pod kube-system/fluentd-4xk2p`, `node worker-1` or `taint`.
        object: String,
        /// Dotted path of the field, such as `metadata.creationTimestamp`; empty for the whole
        /// object.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// A field k8s-openapi's type does not have, for the Kubernetes version the application
    /// enabled: converting would drop it silently.
    #[error(
        "{object}: {path}: k8s-openapi's {target} has no such field, so converting would drop \
         it (enable the k8s-openapi feature of a Kubernetes release that has it, or remove the \
         field)"
    )]
    UnknownField {
        /// The object, such as `pod kube-system/fluentd-*`.
        object: String,
        /// Dotted path of the field, such as `spec.containers[0].fooPolicy`.
        path: String,
        /// The k8s-openapi type converted to, such as `Pod`.
        target: &'static str,
    },
}

impl ConversionError {
    /// The object the error is about, such as `pod kube-system/fluentd-4xk2p`.
    pub fn object(&self) -> &str {
        match self {
            ConversionError::InvalidField { object, .. }
            | ConversionError::UnknownField { object, .. } => object,
        }
    }

    /// Dotted path of the field the error is about; empty for the whole object.
    pub fn path(&self) -> &str {
        match self {
            ConversionError::InvalidField { path, .. }
            | ConversionError::UnknownField { path, .. } => path,
        }
    }
}

/// A path, or `the top level` when it is empty.
struct At<'a>(&'a str);

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("the top level")
        } else {
            f.write_str(self.0)
        }
    }
}

/// What is converted, for error messages: `pod kube-system/x`, or just `taint` for a part.
struct Subject {
    noun: &'static str,
    /// Whether the value is a whole object whose metadata names it.
    named: bool,
}

const DAEMONSET: Subject = Subject {
    noun: "daemonset",
    named: true,
};
const NODE: Subject = Subject {
    noun: "node",
    named: true,
};
const POD: Subject = Subject {
    noun: "pod",
    named: true,
};

const fn part(noun: &'static str) -> Subject {
    Subject { noun, named: false }
}

impl Subject {
    /// `daemonset kube-system/fluentd`, `node worker-1`, `pod kube-system/fluentd-*` (a pod
    /// to be created, named by its generateName), or just the noun.
    fn describe(&self, value: Option<&Value>) -> String {
        let metadata = value
            .filter(|_| self.named)
            .and_then(|value| value.get("metadata"));
        let field = |key: &str| {
            metadata
                .and_then(|metadata| metadata.get(key))
                .and_then(Value::as_str)
                .filter(|text| !text.is_empty())
        };
        let name = match (field("name"), field("generateName")) {
            (Some(name), _) => Some(name.to_owned()),
            (None, Some(prefix)) => Some(format!("{prefix}*")),
            (None, None) => None,
        };
        match (field("namespace"), name) {
            (Some(namespace), Some(name)) => format!("{} {namespace}/{name}", self.noun),
            (None, Some(name)) => format!("{} {name}", self.noun),
            (_, None) => self.noun.to_owned(),
        }
    }
}

/// `prefix` and `path` joined as serde_path_to_error spells paths (`a.b[0].c`).
fn join(prefix: &str, path: &str) -> String {
    match (prefix.is_empty(), path.is_empty()) {
        (true, _) => path.to_owned(),
        (false, true) => prefix.to_owned(),
        (false, false) if path.starts_with('[') => format!("{prefix}{path}"),
        (false, false) => format!("{prefix}.{path}"),
    }
}

fn path_text(path: &serde_path_to_error::Path) -> String {
    match path.iter().len() {
        0 => String::new(),
        _ => path.to_string(),
    }
}

/// Serializes `value` to JSON, naming the field that fails.
fn to_json<T: Serialize + ?Sized>(
    value: &T,
    subject: &Subject,
    prefix: &str,
) -> Result<Value, ConversionError> {
    serde_path_to_error::serialize(value, serde_json::value::Serializer).map_err(|err| {
        ConversionError::InvalidField {
            object: subject.describe(None),
            path: join(prefix, &path_text(err.path())),
            message: err.into_inner().to_string(),
        }
    })
}

/// Reads `json` as a `T`, naming the field that fails.
fn from_json<T: DeserializeOwned>(
    json: &Value,
    object: &str,
    prefix: &str,
) -> Result<T, ConversionError> {
    serde_path_to_error::deserialize(json).map_err(|err| {
        let message = match late_timestamp(json, err.path()) {
            Some(text) => format!(
                "{text} is later than 9999-12-30T22:00:00Z, the last instant k8s-openapi's \
                 Time (a jiff::Timestamp) holds"
            ),
            None => err.inner().to_string(),
        };
        ConversionError::InvalidField {
            object: object.to_owned(),
            path: join(prefix, &path_text(err.path())),
            message,
        }
    })
}

/// The timestamp at `path` in `json`, when it is one this crate holds and jiff does not.
fn late_timestamp<'a>(json: &'a Value, path: &serde_path_to_error::Path) -> Option<&'a str> {
    use serde_path_to_error::Segment;
    let mut value = json;
    for segment in path {
        value = match segment {
            Segment::Seq { index } => value.get(index)?,
            Segment::Map { key } => value.get(key)?,
            Segment::Enum { .. } | Segment::Unknown => return None,
        };
    }
    let text = value.as_str()?;
    crate::model::Time::parse(text)
        .ok()
        .filter(|time| time.to_timestamp().is_none())
        .map(|_| text)
}

/// k8s-openapi's value to this crate's type.
fn from_k8s<T: Serialize + ?Sized, U: DeserializeOwned>(
    theirs: &T,
    subject: &Subject,
) -> Result<U, ConversionError> {
    let json = to_json(theirs, subject, "")?;
    let object = subject.describe(Some(&json));
    from_json(&json, &object, "")
}

/// This crate's value to k8s-openapi's type, refusing to drop a field k8s-openapi lacks.
fn to_k8s<T: Serialize + ?Sized, U: Serialize + DeserializeOwned>(
    ours: &T,
    subject: &Subject,
    prefix: &str,
    target: &'static str,
) -> Result<U, ConversionError> {
    let json = to_json(ours, subject, prefix)?;
    let object = subject.describe(Some(&json));
    let theirs: U = from_json(&json, &object, prefix)?;
    let back = to_json(&theirs, subject, prefix)?;
    let mut path = prefix.to_owned();
    if dropped_field(&json, &back, &mut path) {
        return Err(ConversionError::UnknownField {
            object,
            path,
            target,
        });
    }
    Ok(theirs)
}

/// Whether `output` lacks a non-null field of `input`; `path` then names the first one.
fn dropped_field(input: &Value, output: &Value, path: &mut String) -> bool {
    let len = path.len();
    match (input, output) {
        (Value::Object(input), Value::Object(output)) => {
            for (key, value) in input {
                if value.is_null() {
                    continue;
                }
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                match output.get(key) {
                    None => return true,
                    Some(out) if dropped_field(value, out, path) => return true,
                    Some(_) => path.truncate(len),
                }
            }
            false
        }
        (Value::Array(input), Value::Array(output)) => {
            for (index, (value, out)) in input.iter().zip(output).enumerate() {
                path.push_str(&format!("[{index}]"));
                if dropped_field(value, out, path) {
                    return true;
                }
                path.truncate(len);
            }
            false
        }
        _ => false,
    }
}

macro_rules! from_k8s {
    ($($theirs:ty => $ours:ty, $subject:expr;)+) => {$(
        impl TryFrom<&$theirs> for $ours {
            type Error = ConversionError;

            #[doc = concat!(
                "Converts k8s-openapi's `", stringify!($theirs), "`; fails only on a timestamp ",
                "before year 0001 (see [the module](crate::interop))."
            )]
            fn try_from(theirs: &$theirs) -> Result<Self, ConversionError> {
                from_k8s(theirs, &$subject)
            }
        }
    )+};
}

from_k8s! {
    apps_v1::DaemonSet => DaemonSet, DAEMONSET;
    core_v1::Node => Node, NODE;
    core_v1::Pod => Pod, POD;
    core_v1::Taint => Taint, part("taint");
    core_v1::Toleration => Toleration, part("toleration");
    core_v1::NodeAffinity => NodeAffinity, part("node affinity");
    core_v1::NodeSelector => NodeSelector, part("node selector");
    meta_v1::LabelSelector => LabelSelector, part("label selector");
}

impl TryFrom<&Pod> for core_v1::Pod {
    type Error = ConversionError;

    /// Converts a pod, typically one [`crate::render_pod`] rendered, for the create call.
    /// Fails on a timestamp after 9999-12-30T22:00:00Z, a verbatim field of the wrong type, or
    /// a field k8s-openapi's `Pod` lacks (see [the module](crate::interop)).
    fn try_from(pod: &Pod) -> Result<Self, ConversionError> {
        to_k8s(pod, &POD, "", "Pod")
    }
}

impl TryFrom<&DaemonSetStatus> for apps_v1::DaemonSetStatus {
    type Error = ConversionError;

    /// Converts a computed status ([`crate::Plan::status`]) for the status subresource.
    ///
    /// Every counter is set, zeros included (`Some(0)`), although Kubernetes omits zero
    /// `updatedNumberScheduled`, `numberAvailable` and `numberUnavailable` when it prints a
    /// status: a merge patch that left them out would keep the previous, non-zero value.
    /// Fails only on a malformed condition.
    fn try_from(status: &DaemonSetStatus) -> Result<Self, ConversionError> {
        let conditions = if status.conditions.is_empty() {
            None
        } else {
            Some(to_k8s(
                &status.conditions,
                &part("daemonset status"),
                "conditions",
                "DaemonSetCondition",
            )?)
        };
        Ok(apps_v1::DaemonSetStatus {
            collision_count: status.collision_count,
            conditions,
            current_number_scheduled: status.current_number_scheduled,
            desired_number_scheduled: status.desired_number_scheduled,
            number_available: Some(status.number_available),
            number_misscheduled: status.number_misscheduled,
            number_ready: status.number_ready,
            number_unavailable: Some(status.number_unavailable),
            observed_generation: status.observed_generation,
            updated_number_scheduled: Some(status.updated_number_scheduled),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use serde_json::json;

    #[test]
    fn errors_are_send_sync_and_display_object_path_and_fix() {
        fn send_sync<T: Send + Sync + std::error::Error>() {}
        send_sync::<ConversionError>();
        let err = ConversionError::UnknownField {
            object: "pod ns/ds-*".into(),
            path: "spec.futureField".into(),
            target: "Pod",
        };
        assert_eq!(
            err.to_string(),
            "pod ns/ds-*: spec.futureField: k8s-openapi's Pod has no such field, so converting \
             would drop it (enable the k8s-openapi feature of a Kubernetes release that has it, \
             or remove the field)"
        );
        let err = ConversionError::InvalidField {
            object: "taint".into(),
            path: String::new(),
            message: "invalid type".into(),
        };
        assert_eq!(err.to_string(), "taint: the top level: invalid type");
    }

    #[test]
    fn dropped_fields_are_named_by_path() {
        let input = json!({"spec": {"containers": [{"name": "a"}, {"name": "b", "x": 1}]}});
        let output = json!({"spec": {"containers": [{"name": "a"}, {"name": "b"}]}});
        let mut path = String::new();
        assert!(dropped_field(&input, &output, &mut path));
        assert_eq!(path, "spec.containers[1].x");

        let mut path = String::new();
        let nulls = json!({"spec": {"containers": [{"name": "a", "x": null}]}, "y": null});
        assert!(!dropped_field(&nulls, &output, &mut path));
        assert_eq!(path, "");
    }

    #[test]
    fn paths_join_as_serde_path_to_error_writes_them() {
        assert_eq!(join("", "a.b"), "a.b");
        assert_eq!(join("conditions", ""), "conditions");
        assert_eq!(join("conditions", "[0].type"), "conditions[0].type");
        assert_eq!(join("spec", "taints"), "spec.taints");
    }

    #[test]
    fn objects_are_named_by_namespace_and_name_or_generate_name() {
        let pod = json!({"metadata": {"namespace": "ns", "generateName": "ds-"}});
        assert_eq!(POD.describe(Some(&pod)), "pod ns/ds-*");
        let node = json!({"metadata": {"name": "n1"}});
        assert_eq!(NODE.describe(Some(&node)), "node n1");
        assert_eq!(part("taint").describe(Some(&node)), "taint");
        assert_eq!(DAEMONSET.describe(None), "daemonset");
    }

    #[test]
    fn a_timestamp_before_year_one_names_its_field() {
        let mut taint = core_v1::Taint {
            key: "k".into(),
            effect: "NoExecute".into(),
            ..Default::default()
        };
        // Year 0 (1 BC): k8s-openapi holds it, this crate does not.
        let ancient = jiff::Timestamp::from_second(-62_150_000_000).unwrap();
        taint.time_added = Some(meta_v1::Time(ancient));
        let err = Taint::try_from(&taint).unwrap_err();
        assert_eq!(err.object(), "taint");
        assert_eq!(err.path(), "timeAdded");
        assert!(
            err.to_string()
                .starts_with("taint: timeAdded: invalid RFC 3339 timestamp")
        );
    }
}
