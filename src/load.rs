//! Loading DaemonSets, nodes and pods from YAML manifests (feature `yaml`).
//!
//! Each function accepts what `kubectl` writes and reads:
//!
//! - one object (`kind: Node`),
//! - a multi-document stream (`---` between objects; empty documents are skipped),
//! - a `v1 List` (what `kubectl get -o yaml` prints) or a typed list (`NodeList`, `PodList`,
//!   `DaemonSetList`, `ControllerRevisionList`, as the API returns them; their items may leave
//!   out `kind` and `apiVersion`, which are then filled in from the list),
//!
//! in any combination across the documents of one stream.
//!
//! ```
//! use daemonset_planner::load_nodes;
//!
//! let nodes = load_nodes(
//!     "apiVersion: v1
//! kind: Node
//! metadata: {name: worker-1}
//! ---
//! apiVersion: v1
//! kind: NodeList
//! items:
//! - metadata: {name: worker-2}
//!   spec:
//!     taints: [{key: dedicated, value: gpu, effect: NoSchedule}]
//! ",
//! )?;
//! assert_eq!(nodes.len(), 2);
//! assert_eq!(nodes[1].spec.taints[0].to_string(), "dedicated=gpu:NoSchedule");
//! # Ok::<(), daemonset_planner::LoadError>(())
//! ```
//!
//! # Checks
//!
//! Every object must have `kind` and `apiVersion`: a DaemonSet must be `apps/v1`, or OpenKruise's
//! Advanced DaemonSet `apps.kruise.io/v1alpha1` or `apps.kruise.io/v1beta1`
//! (`extensions/v1beta1` and `apps/v1beta2` were removed in Kubernetes 1.16), a
//! ControllerRevision `apps/v1` (`apps/v1beta1` and `apps/v1beta2` were removed in 1.16), a node
//! or pod `v1`. Fields this crate does not model are ignored, as the API server's clients ignore
//! fields they do not know, with one exception: a key that is not a field of its object but
//! differs from a field this crate reads only by letter case or a letter or two
//! (`metadata.Labels`, `nodeselector`, `tolerration`) is rejected with
//! [`LoadError::UnknownField`], because ignoring it would silently leave the field at its
//! default. A modelled field set to `null` counts as absent, as it does for the API server.
//! YAML merge keys (`<<: *anchor`) are applied, and a UTF-8 byte order mark at the start is
//! skipped.
//!
//! # Limits
//!
//! Loading never panics, and stays bounded in time and memory on hostile input:
//!
//! - input over [`MAX_INPUT_BYTES`] (256 MiB) is refused with [`LoadError::TooLarge`]; a
//!   reader is read no further than that;
//! - serde_yaml refuses nesting deeper than 128 levels (`recursion limit exceeded`), so
//!   10,000 nested brackets give an error, not a stack overflow;
//! - flow collections (`[...]`, `{...}`) nested deeper than 1,000 levels are refused before
//!   parsing, with [`LoadError::Syntax`]: serde_yaml checks its depth only after libyaml has
//!   parsed the whole document, and libyaml's time per token grows with the flow depth;
//! - serde_yaml stops following aliases after 100 jumps per event of the document
//!   (`repetition limit exceeded`), which defeats the "billion laughs" alias bomb;
//! - since one jump can still copy a large anchored value, a stream may also expand to at
//!   most one YAML node per byte of input plus 100,000 nodes; beyond that, loading stops with
//!   [`LoadError::Syntax`].

mod error;
mod schema;
mod yaml;

use std::io::Read;

use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};

pub use error::LoadError;

use crate::model::{ControllerRevision, DaemonSet, Node, Pod};
use schema::Schema;

/// The largest input accepted, in bytes: 256 MiB.
pub const MAX_INPUT_BYTES: usize = 256 * 1024 * 1024;

/// Loads the one DaemonSet of a manifest: a single document, a stream, or a list, holding
/// exactly one DaemonSet (`apps/v1`, or an OpenKruise Advanced DaemonSet,
/// `apps.kruise.io/v1alpha1` or `apps.kruise.io/v1beta1`, whose `partition`, `paused`, node
/// `selector`, `rollingUpdateType`, `scaleStrategy` and `burstReplicas` load into the same
/// model; see [`DaemonSet::is_kruise`]).
///
/// ```
/// use daemonset_planner::load_daemonset;
///
/// let ds = load_daemonset(
///     "apiVersion: apps/v1
/// kind: DaemonSet
/// metadata: {name: fluentd, namespace: kube-system}
/// spec:
///   selector: {matchLabels: {name: fluentd}}
///   template:
///     metadata: {labels: {name: fluentd}}
///     spec:
///       containers: [{name: fluentd, image: fluentd:v1}]
/// ",
/// )?;
/// assert_eq!(ds.metadata.display_name(), "kube-system/fluentd");
///
/// let typo = load_daemonset("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {Labels: {}}\n");
/// assert_eq!(
///     typo.unwrap_err().to_string(),
///     "document 0: unknown field `Labels` at metadata, did you mean `labels`?"
/// );
/// # Ok::<(), daemonset_planner::LoadError>(())
/// ```
pub fn load_daemonset(text: &str) -> Result<DaemonSet, LoadError> {
    exactly_one(load_all::<DaemonSet>(text)?)
}

/// Loads every node of a manifest: single objects, streams and lists of `v1 Node`.
pub fn load_nodes(text: &str) -> Result<Vec<Node>, LoadError> {
    load_all(text)
}

/// Loads every pod of a manifest: single objects, streams and lists of `v1 Pod`.
pub fn load_pods(text: &str) -> Result<Vec<Pod>, LoadError> {
    load_all(text)
}

/// Loads every ControllerRevision of a manifest: single objects, streams and lists of
/// `apps/v1 ControllerRevision`, such as `kubectl get controllerrevisions -o yaml` prints.
/// Revisions of every owner are returned; [`crate::plan_history`] picks the DaemonSet's own.
///
/// ```
/// use daemonset_planner::load_revisions;
///
/// let revisions = load_revisions(
///     "apiVersion: v1
/// kind: List
/// items:
/// - apiVersion: apps/v1
///   kind: ControllerRevision
///   metadata:
///     name: fluentd-6d4b9c7f8
///     namespace: kube-system
///     labels: {name: fluentd, controller-revision-hash: 6d4b9c7f8}
///   revision: 2
///   data:
///     spec:
///       template:
///         $patch: replace
///         metadata: {creationTimestamp: null, labels: {name: fluentd}}
///         spec:
///           containers: [{name: fluentd, image: fluentd:v2}]
/// ",
/// )?;
/// assert_eq!(revisions[0].revision, 2);
/// assert_eq!(revisions[0].hash(), Some("6d4b9c7f8"));
/// # Ok::<(), daemonset_planner::LoadError>(())
/// ```
pub fn load_revisions(text: &str) -> Result<Vec<ControllerRevision>, LoadError> {
    load_all(text)
}

/// [`load_daemonset`] from a reader, read to the end but no further than
/// [`MAX_INPUT_BYTES`].
pub fn load_daemonset_from_reader<R: Read>(reader: R) -> Result<DaemonSet, LoadError> {
    load_daemonset(&read_limited(reader, MAX_INPUT_BYTES)?)
}

/// [`load_nodes`] from a reader, read to the end but no further than [`MAX_INPUT_BYTES`].
pub fn load_nodes_from_reader<R: Read>(reader: R) -> Result<Vec<Node>, LoadError> {
    load_nodes(&read_limited(reader, MAX_INPUT_BYTES)?)
}

/// [`load_pods`] from a reader, read to the end but no further than [`MAX_INPUT_BYTES`].
pub fn load_pods_from_reader<R: Read>(reader: R) -> Result<Vec<Pod>, LoadError> {
    load_pods(&read_limited(reader, MAX_INPUT_BYTES)?)
}

/// [`load_revisions`] from a reader, read to the end but no further than [`MAX_INPUT_BYTES`].
pub fn load_revisions_from_reader<R: Read>(
    reader: R,
) -> Result<Vec<ControllerRevision>, LoadError> {
    load_revisions(&read_limited(reader, MAX_INPUT_BYTES)?)
}

/// A kind of object that can be loaded.
trait Manifest: DeserializeOwned {
    /// `kind` of one object, such as `Node`.
    const KIND: &'static str;
    /// `kind` of its typed list, such as `NodeList`.
    const LIST_KIND: &'static str;
    /// How error messages name one, such as `node`.
    const NOUN: &'static str;
    /// Its modelled fields, for typo detection.
    const SCHEMA: &'static Schema;

    /// Whether this crate reads objects of this kind in `api_version`.
    fn check_api_version(api_version: &str) -> ApiVersionCheck;
}

/// The verdict on an object's apiVersion.
enum ApiVersionCheck {
    /// Read it.
    Supported,
    /// Kubernetes removed it in release `removed_in`.
    Removed {
        removed_in: &'static str,
        use_instead: &'static str,
    },
    /// Not a version this crate reads (or none given).
    Unsupported { use_instead: &'static str },
}

impl Manifest for DaemonSet {
    const KIND: &'static str = "DaemonSet";
    const LIST_KIND: &'static str = "DaemonSetList";
    const NOUN: &'static str = "daemonset";
    const SCHEMA: &'static Schema = &schema::DAEMONSET;

    fn check_api_version(api_version: &str) -> ApiVersionCheck {
        match api_version {
            // OpenKruise's Advanced DaemonSet is also `kind: DaemonSet`; its extra fields are
            // part of the model, and its apiVersion decides how it is planned.
            "apps/v1" | "apps.kruise.io/v1alpha1" | "apps.kruise.io/v1beta1" => {
                ApiVersionCheck::Supported
            }
            "extensions/v1beta1" | "apps/v1beta2" => ApiVersionCheck::Removed {
                removed_in: "1.16",
                use_instead: "apps/v1",
            },
            _ => ApiVersionCheck::Unsupported {
                use_instead: "apps/v1",
            },
        }
    }
}

impl Manifest for Node {
    const KIND: &'static str = "Node";
    const LIST_KIND: &'static str = "NodeList";
    const NOUN: &'static str = "node";
    const SCHEMA: &'static Schema = &schema::NODE;

    fn check_api_version(api_version: &str) -> ApiVersionCheck {
        core_v1(api_version)
    }
}

impl Manifest for Pod {
    const KIND: &'static str = "Pod";
    const LIST_KIND: &'static str = "PodList";
    const NOUN: &'static str = "pod";
    const SCHEMA: &'static Schema = &schema::POD;

    fn check_api_version(api_version: &str) -> ApiVersionCheck {
        core_v1(api_version)
    }
}

impl Manifest for ControllerRevision {
    const KIND: &'static str = "ControllerRevision";
    const LIST_KIND: &'static str = "ControllerRevisionList";
    const NOUN: &'static str = "controllerrevision";
    const SCHEMA: &'static Schema = &schema::CONTROLLER_REVISION;

    fn check_api_version(api_version: &str) -> ApiVersionCheck {
        match api_version {
            "apps/v1" => ApiVersionCheck::Supported,
            "apps/v1beta1" | "apps/v1beta2" => ApiVersionCheck::Removed {
                removed_in: "1.16",
                use_instead: "apps/v1",
            },
            _ => ApiVersionCheck::Unsupported {
                use_instead: "apps/v1",
            },
        }
    }
}

fn core_v1(api_version: &str) -> ApiVersionCheck {
    match api_version {
        "v1" => ApiVersionCheck::Supported,
        _ => ApiVersionCheck::Unsupported { use_instead: "v1" },
    }
}

fn exactly_one<M: Manifest>(objects: Vec<M>) -> Result<M, LoadError> {
    let found = objects.len();
    let mut objects = objects.into_iter();
    match (objects.next(), objects.next()) {
        (Some(object), None) => Ok(object),
        _ => Err(LoadError::Count {
            kind: M::KIND.to_owned(),
            expected: 1,
            found,
        }),
    }
}

/// Reads `reader` to the end as UTF-8, but no further than `limit` bytes.
fn read_limited<R: Read>(reader: R, limit: usize) -> Result<String, LoadError> {
    let mut bytes = Vec::new();
    reader
        .take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|err| LoadError::Io {
            kind: err.kind(),
            message: err.to_string(),
        })?;
    check_size(bytes.len(), limit)?;
    String::from_utf8(bytes).map_err(|err| LoadError::NotUtf8 {
        valid_up_to: err.utf8_error().valid_up_to(),
    })
}

fn check_size(size: usize, limit: usize) -> Result<(), LoadError> {
    if size > limit {
        Err(LoadError::TooLarge { limit, size })
    } else {
        Ok(())
    }
}

/// Every object of kind `M` in the stream, in order.
fn load_all<M: Manifest>(text: &str) -> Result<Vec<M>, LoadError> {
    check_size(text.len(), MAX_INPUT_BYTES)?;
    // A byte order mark may open a UTF-8 stream (YAML 1.2, 5.2); libyaml would read it as
    // the start of the first key.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(offset) = yaml::flow_depth_exceeded(text) {
        return Err(flow_too_deep(text, offset));
    }
    let budget = yaml::Budget::for_input(text.len());
    let mut objects = Vec::new();
    // Stop at the first error: after a syntax error serde_yaml would yield it forever.
    for (document, deserializer) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let read = yaml::read_document(deserializer, &budget)
            .map_err(|err| LoadError::from_yaml(document, &err))?;
        match read.value {
            Value::Null => {}
            Value::Mapping(mapping) => load_document(document, mapping, read.items, &mut objects)?,
            other => {
                return Err(LoadError::NotAnObject {
                    document,
                    item: None,
                    found: describe(&other).to_owned(),
                });
            }
        }
    }
    Ok(objects)
}

/// The error for flow collections nested deeper than [`yaml::MAX_FLOW_DEPTH`] at `offset`.
fn flow_too_deep(text: &str, offset: usize) -> LoadError {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count().saturating_add(1);
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |last| last.chars().count())
        .saturating_add(1);
    // Documents are counted as serde_yaml counts them: a `---` line ends the previous one,
    // unless nothing but comments and blank lines came before it.
    let mut document = 0usize;
    let mut content = false;
    for text_line in before.lines() {
        if text_line == "---" || text_line.starts_with("--- ") {
            if content {
                document = document.saturating_add(1);
            }
            content = true;
        } else if !text_line.trim().is_empty() && !text_line.trim_start().starts_with('#') {
            content = true;
        }
    }
    LoadError::Syntax {
        document,
        line: Some(line),
        column: Some(column),
        message: format!(
            "flow collections ([...] or {{...}}) nest deeper than {} levels at line {line} \
             column {column}",
            yaml::MAX_FLOW_DEPTH
        ),
    }
}

/// One document: an object of kind `M`, or a list of them. `items_apart` is its top-level
/// `items` sequence, when read apart from the mapping.
fn load_document<M: Manifest>(
    document: usize,
    mut mapping: Mapping,
    items_apart: Option<Vec<yaml::Item>>,
    objects: &mut Vec<M>,
) -> Result<(), LoadError> {
    let kind = text_of(&mapping, "kind");
    let api_version = text_of(&mapping, "apiVersion");
    if kind == M::KIND {
        if let Some(items) = items_apart {
            let items = items.into_iter().map(yaml::Item::into_value).collect();
            mapping.insert(Value::from("items"), Value::Sequence(items));
        }
        check_api_version::<M>(document, None, &kind, &api_version)?;
        objects.push(load_object(document, None, mapping)?);
        return Ok(());
    }
    let typed_list = kind == M::LIST_KIND;
    if !typed_list && kind != "List" {
        return Err(LoadError::WrongKind {
            document,
            item: None,
            expected: M::KIND.to_owned(),
            found: kind,
        });
    }
    if typed_list {
        check_api_version::<M>(document, None, &kind, &api_version)?;
    } else if api_version != "v1" {
        return Err(LoadError::UnsupportedApiVersion {
            document,
            item: None,
            kind,
            api_version,
            use_instead: "v1".to_owned(),
        });
    }
    let mut list = Value::Mapping(std::mem::take(&mut mapping));
    schema::prepare(&mut list, &schema::LIST, &mut String::new()).map_err(|typo| {
        LoadError::UnknownField {
            document,
            path: typo.path,
            field: typo.field,
            suggestion: typo.suggestion.to_owned(),
        }
    })?;
    let items = match list.as_mapping_mut().and_then(|list| list.remove("items")) {
        _ if items_apart.is_some() => items_apart.unwrap_or_default(),
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => items.into_iter().map(yaml::Item::Value).collect(),
        Some(other) => {
            return Err(LoadError::Field {
                document,
                object: kind,
                path: "items".to_owned(),
                message: format!("expected a sequence of objects, found {}", describe(&other)),
            });
        }
    };
    for (index, item) in items.into_iter().enumerate() {
        let item = item.into_value();
        let Value::Mapping(mut item) = item else {
            return Err(LoadError::NotAnObject {
                document,
                item: Some(index),
                found: describe(&item).to_owned(),
            });
        };
        if typed_list {
            // The API leaves kind and apiVersion out of a typed list's items.
            for (key, implied) in [("kind", M::KIND), ("apiVersion", api_version.as_str())] {
                if item.get(key).is_none_or(Value::is_null) {
                    item.insert(Value::from(key), Value::from(implied));
                }
            }
        }
        let item_kind = text_of(&item, "kind");
        if item_kind != M::KIND {
            return Err(LoadError::WrongKind {
                document,
                item: Some(index),
                expected: M::KIND.to_owned(),
                found: item_kind,
            });
        }
        check_api_version::<M>(
            document,
            Some(index),
            &item_kind,
            &text_of(&item, "apiVersion"),
        )?;
        objects.push(load_object(document, Some(index), item)?);
    }
    Ok(())
}

fn check_api_version<M: Manifest>(
    document: usize,
    item: Option<usize>,
    kind: &str,
    api_version: &str,
) -> Result<(), LoadError> {
    match M::check_api_version(api_version) {
        ApiVersionCheck::Supported => Ok(()),
        ApiVersionCheck::Removed {
            removed_in,
            use_instead,
        } => Err(LoadError::RemovedApiVersion {
            document,
            item,
            kind: kind.to_owned(),
            api_version: api_version.to_owned(),
            removed_in: removed_in.to_owned(),
            use_instead: use_instead.to_owned(),
        }),
        ApiVersionCheck::Unsupported { use_instead } => Err(LoadError::UnsupportedApiVersion {
            document,
            item,
            kind: kind.to_owned(),
            api_version: api_version.to_owned(),
            use_instead: use_instead.to_owned(),
        }),
    }
}

/// One object whose kind and apiVersion have been checked: typo check, then typed read.
fn load_object<M: Manifest>(
    document: usize,
    item: Option<usize>,
    mapping: Mapping,
) -> Result<M, LoadError> {
    let prefix = item
        .map(|index| format!("items[{index}]"))
        .unwrap_or_default();
    let object = object_name(M::NOUN, &mapping);
    let mut value = Value::Mapping(mapping);
    let mut path = prefix.clone();
    schema::prepare(&mut value, M::SCHEMA, &mut path).map_err(|typo| LoadError::UnknownField {
        document,
        path: typo.path,
        field: typo.field,
        suggestion: typo.suggestion.to_owned(),
    })?;
    serde_path_to_error::deserialize::<_, M>(value).map_err(|err| {
        let path = match err.path().iter().len() {
            0 => String::new(),
            _ => err.path().to_string(),
        };
        let message = err.into_inner().to_string();
        let path = match (prefix.is_empty(), path.is_empty()) {
            (true, _) => path,
            (false, true) => prefix,
            (false, false) => format!("{prefix}.{path}"),
        };
        LoadError::Field {
            document,
            object,
            path,
            message,
        }
    })
}

/// `daemonset kube-system/fluentd`, `node worker-1`, or just `node` when the name is unknown.
fn object_name(noun: &str, mapping: &Mapping) -> String {
    let metadata = mapping.get("metadata");
    let field = |key: &str| {
        metadata
            .and_then(|metadata| metadata.get(key))
            .and_then(Value::as_str)
            .filter(|text| !text.is_empty())
    };
    match (field("namespace"), field("name")) {
        (Some(namespace), Some(name)) => format!("{noun} {namespace}/{name}"),
        (None, Some(name)) => format!("{noun} {name}"),
        (_, None) => noun.to_owned(),
    }
}

/// A `kind` or `apiVersion` as text: empty when absent or null, a scalar's text otherwise.
fn text_of(mapping: &Mapping, key: &str) -> String {
    match mapping.get(key) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Bool(value)) => value.to_string(),
        Some(Value::Number(number)) => number.to_string(),
        Some(other) => format!("({})", describe(other)),
    }
}

/// `a string`, `a sequence`, ...: what a value is, for messages.
fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a sequence",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn readers_stop_one_byte_past_the_limit() {
        let input = [b'#'; 100];
        assert_eq!(
            read_limited(&input[..], 10),
            Err(LoadError::TooLarge {
                limit: 10,
                size: 11
            })
        );
        assert_eq!(read_limited(&input[..], 100).unwrap().len(), 100);
        assert_eq!(
            LoadError::TooLarge {
                limit: 10,
                size: 11
            }
            .to_string(),
            "input too large: more than 10 bytes (read 11)"
        );
    }

    #[test]
    fn text_over_the_limit_is_refused_before_parsing() {
        assert_eq!(
            check_size(MAX_INPUT_BYTES + 1, MAX_INPUT_BYTES),
            Err(LoadError::TooLarge {
                limit: MAX_INPUT_BYTES,
                size: MAX_INPUT_BYTES + 1
            })
        );
        assert_eq!(check_size(MAX_INPUT_BYTES, MAX_INPUT_BYTES), Ok(()));
    }
}
