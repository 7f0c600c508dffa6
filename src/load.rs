//! Loading DaemonSets, nodes, pods and ControllerRevisions from YAML or JSON (feature `yaml`).
//!
//! Every entry point accepts what `kubectl` writes and reads:
//!
//! - one object (`kind: Node`),
//! - a multi-document stream (`---` between objects; empty documents are skipped),
//! - a `v1 List` (what `kubectl get -o yaml|json` prints) or a typed list (`NodeList`,
//!   `PodList`, `DaemonSetList`, `ControllerRevisionList`, as the API returns them; their
//!   items may leave out `kind` and `apiVersion`, which are then filled in from the list),
//!
//! in any combination across the documents of one stream, and with objects of any other kinds
//! mixed in (a bundled manifest with a Namespace, RBAC and ConfigMaps; `kubectl get
//! nodes,pods,daemonsets,controllerrevisions -A -o json`): [`load`] keeps the objects of the
//! kind asked for and skips the rest, [`load_cluster`] keeps all four kinds.
//!
//! ```
//! use daemonset_planner::Node;
//! use daemonset_planner::load::{LoadOptions, load_slice};
//!
//! let loaded = load_slice::<Node>(
//!     b"apiVersion: v1
//! kind: Namespace
//! metadata: {name: monitoring}
//! ---
//! apiVersion: v1
//! kind: NodeList
//! items:
//! - metadata: {name: worker-2}
//!   spec:
//!     taints: [{key: dedicated, value: gpu, effect: NoSchedule}]
//! ",
//!     &LoadOptions::default(),
//! )?;
//! assert_eq!(loaded.objects.len(), 1);
//! assert_eq!(loaded.objects[0].spec.taints[0].to_string(), "dedicated=gpu:NoSchedule");
//! # Ok::<(), daemonset_planner::LoadError>(())
//! ```
//!
//! # Checks
//!
//! Every object must have `kind` and `apiVersion`: a DaemonSet must be `apps/v1`, or OpenKruise's
//! Advanced DaemonSet `apps.kruise.io/v1alpha1` or `apps.kruise.io/v1beta1`
//! (`extensions/v1beta1` and `apps/v1beta2` were removed in Kubernetes 1.16), a
//! ControllerRevision `apps/v1` (`apps/v1beta1` and `apps/v1beta2` were removed in 1.16), a node
//! or pod `v1`. An object without `kind` is an error; objects of other kinds are skipped
//! unchecked.
//!
//! Unknown fields of DaemonSet documents (unknown to Kubernetes' schema of the object) follow
//! [`LoadOptions::unknown_fields`]: an error by default, as `kubectl apply` refuses them. Fields
//! this crate does not model are otherwise ignored, as the API server's clients ignore fields
//! they do not know, with one exception: a key that is not a field of its object but differs
//! from a field this crate reads only by letter case or a letter or two (`metadata.Labels`,
//! `nodeselector`, `tolerration`) is rejected with [`LoadError::UnknownField`], because
//! ignoring it would silently leave the field at its default. A modelled field set to `null`
//! counts as absent, as it does for the API server. YAML merge keys (`<<: *anchor`) are
//! applied, and a UTF-8 byte order mark at the start is skipped.
//!
//! # Limits
//!
//! Loading never panics, and stays bounded in time and memory on hostile input: see
//! [`Limits`] for the bounds and their defaults, all settable through [`LoadOptions`].

mod cluster;
mod error;
mod options;
mod schema;
mod yaml;

use std::io::Read;

use serde_yaml::{Mapping, Value};

pub use cluster::{Cluster, Loadable};
pub use error::{IoError, LimitExceeded, LoadError};
pub use options::{FieldValidation, Limits, LoadOptions, LoadWarning, Loaded};

use crate::model::{ControllerRevision, DaemonSet, Node, Pod};
use cluster::{Kind, Wanted};
use schema::Schema;

/// Loads the objects of kind `T` from `reader`: any stream of YAML or JSON documents, lists
/// included, with objects of other kinds skipped.
///
/// ```
/// use daemonset_planner::DaemonSet;
/// use daemonset_planner::load::{LoadOptions, load};
///
/// let manifest = "apiVersion: v1
/// kind: ServiceAccount
/// metadata: {name: fluentd, namespace: kube-system}
/// ---
/// apiVersion: apps/v1
/// kind: DaemonSet
/// metadata: {name: fluentd, namespace: kube-system}
/// spec:
///   selector: {matchLabels: {name: fluentd}}
///   template:
///     metadata: {labels: {name: fluentd}}
///     spec:
///       containers: [{name: fluentd, image: fluentd:v1}]
/// ";
/// let loaded = load::<DaemonSet>(manifest.as_bytes(), &LoadOptions::default())?;
/// assert_eq!(loaded.objects[0].metadata.display_name(), "kube-system/fluentd");
/// # Ok::<(), daemonset_planner::LoadError>(())
/// ```
pub fn load<T: Loadable>(
    reader: impl Read,
    options: &LoadOptions,
) -> Result<Loaded<Vec<T>>, LoadError> {
    let text = read_limited(reader, options.limits.max_input_bytes)?;
    load_wanted(&text, options, Wanted::only(T::KIND)).map(take::<T>)
}

/// [`load`] from bytes in memory.
pub fn load_slice<T: Loadable>(
    bytes: &[u8],
    options: &LoadOptions,
) -> Result<Loaded<Vec<T>>, LoadError> {
    let text = utf8(bytes, options.limits.max_input_bytes)?;
    load_wanted(text, options, Wanted::only(T::KIND)).map(take::<T>)
}

/// Loads every DaemonSet, node, pod and ControllerRevision of `reader` in one pass, skipping
/// objects of other kinds.
///
/// ```
/// use daemonset_planner::load::{LoadOptions, load_cluster};
///
/// let dump = r#"{"apiVersion": "v1", "kind": "List", "items": [
///   {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "worker-1"}},
///   {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kubernetes"}},
///   {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "agent-x", "namespace": "default"},
///    "spec": {"nodeName": "worker-1"}}
/// ]}"#;
/// let cluster = load_cluster(dump.as_bytes(), &LoadOptions::default())?.objects;
/// assert_eq!((cluster.nodes.len(), cluster.pods.len()), (1, 1));
/// # Ok::<(), daemonset_planner::LoadError>(())
/// ```
pub fn load_cluster(
    reader: impl Read,
    options: &LoadOptions,
) -> Result<Loaded<Cluster>, LoadError> {
    let text = read_limited(reader, options.limits.max_input_bytes)?;
    load_wanted(&text, options, Wanted::ALL)
}

/// [`load_cluster`] from bytes in memory.
pub fn load_cluster_slice(
    bytes: &[u8],
    options: &LoadOptions,
) -> Result<Loaded<Cluster>, LoadError> {
    let text = utf8(bytes, options.limits.max_input_bytes)?;
    load_wanted(text, options, Wanted::ALL)
}

fn take<T: Loadable>(loaded: Loaded<Cluster>) -> Loaded<Vec<T>> {
    Loaded {
        objects: T::take(loaded.objects),
        warnings: loaded.warnings,
    }
}

/// Loads the one DaemonSet of a manifest: a single document, a stream, or a list, holding
/// exactly one DaemonSet (`apps/v1`, or an OpenKruise Advanced DaemonSet,
/// `apps.kruise.io/v1alpha1` or `apps.kruise.io/v1beta1`, whose `partition`, `paused`, node
/// `selector`, `rollingUpdateType`, `scaleStrategy` and `burstReplicas` load into the same
/// model; see [`DaemonSet::is_kruise`]), among objects of any other kinds. Unknown fields are
/// errors ([`FieldValidation::Strict`]); [`load`] takes other options.
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
    exactly_one(load_slice::<DaemonSet>(text.as_bytes(), &LoadOptions::default())?.objects)
}

/// Loads every node of a manifest: single objects, streams and lists of `v1 Node`, among
/// objects of any other kinds.
pub fn load_nodes(text: &str) -> Result<Vec<Node>, LoadError> {
    Ok(load_slice(text.as_bytes(), &LoadOptions::default())?.objects)
}

/// Loads every pod of a manifest: single objects, streams and lists of `v1 Pod`, among
/// objects of any other kinds.
pub fn load_pods(text: &str) -> Result<Vec<Pod>, LoadError> {
    Ok(load_slice(text.as_bytes(), &LoadOptions::default())?.objects)
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
    Ok(load_slice(text.as_bytes(), &LoadOptions::default())?.objects)
}

/// [`load_daemonset`] from a reader.
pub fn load_daemonset_from_reader<R: Read>(reader: R) -> Result<DaemonSet, LoadError> {
    exactly_one(load::<DaemonSet>(reader, &LoadOptions::default())?.objects)
}

/// [`load_nodes`] from a reader.
pub fn load_nodes_from_reader<R: Read>(reader: R) -> Result<Vec<Node>, LoadError> {
    Ok(load(reader, &LoadOptions::default())?.objects)
}

/// [`load_pods`] from a reader.
pub fn load_pods_from_reader<R: Read>(reader: R) -> Result<Vec<Pod>, LoadError> {
    Ok(load(reader, &LoadOptions::default())?.objects)
}

/// [`load_revisions`] from a reader.
pub fn load_revisions_from_reader<R: Read>(
    reader: R,
) -> Result<Vec<ControllerRevision>, LoadError> {
    Ok(load(reader, &LoadOptions::default())?.objects)
}

/// Whether this crate reads objects of `kind` in `api_version`.
fn check_api_version(kind: Kind, api_version: &str) -> ApiVersionCheck {
    match (kind, api_version) {
        // OpenKruise's Advanced DaemonSet is also `kind: DaemonSet`; its extra fields are
        // part of the model, and its apiVersion decides how it is planned.
        (Kind::DaemonSet, "apps/v1" | "apps.kruise.io/v1alpha1" | "apps.kruise.io/v1beta1") => {
            ApiVersionCheck::Supported
        }
        (Kind::DaemonSet, "extensions/v1beta1" | "apps/v1beta2") => ApiVersionCheck::Removed {
            removed_in: "1.16",
            use_instead: "apps/v1",
        },
        (Kind::ControllerRevision, "apps/v1") => ApiVersionCheck::Supported,
        (Kind::ControllerRevision, "apps/v1beta1" | "apps/v1beta2") => ApiVersionCheck::Removed {
            removed_in: "1.16",
            use_instead: "apps/v1",
        },
        (Kind::DaemonSet | Kind::ControllerRevision, _) => ApiVersionCheck::Unsupported {
            use_instead: "apps/v1",
        },
        (Kind::Node | Kind::Pod, "v1") => ApiVersionCheck::Supported,
        (Kind::Node | Kind::Pod, _) => ApiVersionCheck::Unsupported { use_instead: "v1" },
    }
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

fn schema_of(kind: Kind) -> &'static Schema {
    match kind {
        Kind::DaemonSet => &schema::DAEMONSET,
        Kind::Node => &schema::NODE,
        Kind::Pod => &schema::POD,
        Kind::ControllerRevision => &schema::CONTROLLER_REVISION,
    }
}

fn exactly_one<T: Loadable>(objects: Vec<T>) -> Result<T, LoadError> {
    let found = objects.len();
    let mut objects = objects.into_iter();
    match (objects.next(), objects.next()) {
        (Some(object), None) => Ok(object),
        _ => Err(LoadError::Count {
            kind: T::KIND.name().to_owned(),
            expected: 1,
            found,
        }),
    }
}

/// Reads `reader` to the end as UTF-8, but no further than `limit` bytes.
fn read_limited<R: Read>(reader: R, limit: u64) -> Result<String, LoadError> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|err| LoadError::Io { source: err.into() })?;
    check_size(bytes.len(), limit)?;
    String::from_utf8(bytes).map_err(|err| LoadError::NotUtf8 {
        valid_up_to: err.utf8_error().valid_up_to(),
    })
}

fn utf8(bytes: &[u8], limit: u64) -> Result<&str, LoadError> {
    check_size(bytes.len(), limit)?;
    std::str::from_utf8(bytes).map_err(|err| LoadError::NotUtf8 {
        valid_up_to: err.valid_up_to(),
    })
}

fn check_size(size: usize, limit: u64) -> Result<(), LoadError> {
    if u64::try_from(size).unwrap_or(u64::MAX) > limit {
        Err(LoadError::TooLarge { limit })
    } else {
        Ok(())
    }
}

/// What one load gathers.
struct Gather<'o> {
    options: &'o LoadOptions,
    wanted: Wanted,
    loaded: Loaded<Cluster>,
}

/// Every object of the wanted kinds in the stream, in order.
fn load_wanted(
    text: &str,
    options: &LoadOptions,
    wanted: Wanted,
) -> Result<Loaded<Cluster>, LoadError> {
    // A byte order mark may open a UTF-8 stream (YAML 1.2, 5.2); libyaml would read it as
    // the start of the first key.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(offset) = yaml::flow_depth_exceeded(text) {
        return Err(flow_too_deep(text, offset));
    }
    let budget = yaml::Budget::for_input(text.len());
    let mut gather = Gather {
        options,
        wanted,
        loaded: Loaded::default(),
    };
    // Stop at the first error: after a syntax error serde_yaml would yield it forever.
    for (document, deserializer) in serde_yaml::Deserializer::from_str(text).enumerate() {
        if document >= options.limits.max_documents {
            return Err(LoadError::Limit {
                document,
                item: None,
                limit: LimitExceeded::Documents(options.limits.max_documents),
            });
        }
        let read = yaml::read_document(deserializer, &budget)
            .map_err(|err| LoadError::from_yaml(document, &err))?;
        match read.value {
            Value::Null => {}
            Value::Mapping(mapping) => gather.document(document, mapping, read.items)?,
            other => {
                return Err(LoadError::NotAnObject {
                    document,
                    item: None,
                    found: describe(&other).to_owned(),
                });
            }
        }
    }
    Ok(gather.loaded)
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

impl Gather<'_> {
    /// One document: an object, or a list of them. `items_apart` is its top-level `items`
    /// sequence, when read apart from the mapping.
    fn document(
        &mut self,
        document: usize,
        mut mapping: Mapping,
        items_apart: Option<Vec<yaml::Item>>,
    ) -> Result<(), LoadError> {
        let kind = text_of(&mapping, "kind");
        let api_version = text_of(&mapping, "apiVersion");
        if let Some(object_kind) = Kind::from_name(&kind) {
            if !self.wanted.contains(object_kind) {
                return Ok(());
            }
            if let Some(items) = items_apart {
                let items = items.into_iter().map(yaml::Item::into_value).collect();
                mapping.insert(Value::from("items"), Value::Sequence(items));
            }
            api_version_ok(object_kind, document, None, &kind, &api_version)?;
            return self.object(object_kind, document, None, mapping);
        }
        if kind.is_empty() {
            return Err(LoadError::WrongKind {
                document,
                item: None,
                expected: self.wanted.describe(),
                found: kind,
            });
        }
        let typed_list = Kind::from_list_name(&kind);
        match typed_list {
            Some(list_kind) if !self.wanted.contains(list_kind) => return Ok(()),
            Some(list_kind) => api_version_ok(list_kind, document, None, &kind, &api_version)?,
            None if kind != "List" => return Ok(()),
            None if api_version != "v1" => {
                return Err(LoadError::UnsupportedApiVersion {
                    document,
                    item: None,
                    kind,
                    api_version,
                    use_instead: "v1".to_owned(),
                });
            }
            None => {}
        }
        let mut list = Value::Mapping(std::mem::take(&mut mapping));
        schema::prepare(&mut list, &schema::LIST, &mut String::new()).map_err(|typo| {
            LoadError::UnknownField {
                document,
                path: typo.path,
                field: typo.field,
                suggestion: Some(typo.suggestion.to_owned()),
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
            if let Some(list_kind) = typed_list {
                // The API leaves kind and apiVersion out of a typed list's items.
                for (key, implied) in [
                    ("kind", list_kind.name()),
                    ("apiVersion", api_version.as_str()),
                ] {
                    if item.get(key).is_none_or(Value::is_null) {
                        item.insert(Value::from(key), Value::from(implied));
                    }
                }
            }
            let item_kind = text_of(&item, "kind");
            let item_object_kind = Kind::from_name(&item_kind);
            match (typed_list, item_object_kind) {
                // A typed list holds its own kind only.
                (Some(list_kind), found) if found != Some(list_kind) => {
                    return Err(LoadError::WrongKind {
                        document,
                        item: Some(index),
                        expected: list_kind.name().to_owned(),
                        found: item_kind,
                    });
                }
                (_, Some(found)) if self.wanted.contains(found) => {
                    api_version_ok(
                        found,
                        document,
                        Some(index),
                        &item_kind,
                        &text_of(&item, "apiVersion"),
                    )?;
                    self.object(found, document, Some(index), item)?;
                }
                (None, None) if item_kind.is_empty() => {
                    return Err(LoadError::WrongKind {
                        document,
                        item: Some(index),
                        expected: self.wanted.describe(),
                        found: item_kind,
                    });
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// One object whose kind and apiVersion have been checked: typo check, then typed read.
    fn object(
        &mut self,
        kind: Kind,
        document: usize,
        item: Option<usize>,
        mapping: Mapping,
    ) -> Result<(), LoadError> {
        let prefix = item
            .map(|index| format!("items[{index}]"))
            .unwrap_or_default();
        let object = object_name(kind.noun(), &mapping);
        let mut value = Value::Mapping(mapping);
        let mut path = prefix.clone();
        let typo = schema::prepare(&mut value, schema_of(kind), &mut path).err();
        let place = Place {
            document,
            object,
            prefix,
        };
        if kind != Kind::DaemonSet
            && let Some(typo) = typo
        {
            return Err(LoadError::UnknownField {
                document,
                path: typo.path,
                field: typo.field,
                suggestion: Some(typo.suggestion.to_owned()),
            });
        }
        let objects = match kind {
            Kind::DaemonSet => {
                // Kubernetes' schema reads JSON values; a document JSON cannot hold (keys
                // that are not strings) fails in the typed read below instead.
                let json = serde_json::to_value(&value).ok();
                let pruned = match json {
                    Some(json) => self.unknown_fields(document, item, &place.prefix, json, typo)?,
                    None => None,
                };
                let ds = match pruned {
                    Some(json) => place.read(json)?,
                    None => place.read(value)?,
                };
                self.loaded.objects.daemon_sets.push(ds);
                return Ok(());
            }
            _ => &mut self.loaded.objects,
        };
        match kind {
            Kind::DaemonSet => {}
            Kind::Node => objects.nodes.push(place.read(value)?),
            Kind::Pod => objects.pods.push(place.read(value)?),
            Kind::ControllerRevision => objects.revisions.push(place.read(value)?),
        }
        Ok(())
    }

    /// The fields of a DaemonSet document Kubernetes does not know, and near misses of the
    /// fields this crate reads, handled as [`LoadOptions::unknown_fields`] says: the first is
    /// an error, or each is dropped with a warning, or dropped silently.
    fn unknown_fields(
        &mut self,
        document: usize,
        item: Option<usize>,
        prefix: &str,
        mut json: serde_json::Value,
        typo: Option<schema::Typo>,
    ) -> Result<Option<serde_json::Value>, LoadError> {
        let mut found: Vec<(String, String, Option<String>)> = crate::schema::unknown_fields(&json)
            .into_iter()
            .map(|unknown| (unknown.path, unknown.field, unknown.suggestion))
            .collect();
        if let Some(typo) = typo {
            // The typo's path includes the list prefix; the schema's does not.
            let path = typo
                .path
                .strip_prefix(prefix)
                .map(|rest| rest.trim_start_matches('.').to_owned())
                .unwrap_or(typo.path);
            if !found.iter().any(|(p, f, _)| *p == path && *f == typo.field) {
                found.push((path, typo.field, Some(typo.suggestion.to_owned())));
            }
        }
        if found.is_empty() {
            return Ok(None);
        }
        match self.options.unknown_fields {
            FieldValidation::Strict => {
                let (path, field, suggestion) = found.swap_remove(0);
                let path = match (prefix.is_empty(), path.is_empty()) {
                    (true, _) => path,
                    (false, true) => prefix.to_owned(),
                    (false, false) => format!("{prefix}.{path}"),
                };
                return Err(LoadError::UnknownField {
                    document,
                    path,
                    field,
                    suggestion,
                });
            }
            FieldValidation::Warn => {
                for (path, field, suggestion) in &found {
                    self.loaded.warnings.push(LoadWarning {
                        document,
                        item,
                        path: path.clone(),
                        field: field.clone(),
                        suggestion: suggestion.clone(),
                    });
                }
            }
            FieldValidation::Ignore => {}
        }
        for (path, field, _) in &found {
            remove_field(&mut json, path, field);
        }
        Ok(Some(json))
    }
}

/// Where an object is, for its errors.
struct Place {
    document: usize,
    /// `node worker-1`, ...
    object: String,
    /// `items[N]` for an entry of a list, else empty.
    prefix: String,
}

impl Place {
    /// Deserializes `T` from `value`, naming the field that does not fit.
    fn read<'de, T, D>(&self, value: D) -> Result<T, LoadError>
    where
        T: serde::Deserialize<'de>,
        D: serde::Deserializer<'de>,
        D::Error: std::fmt::Display,
    {
        serde_path_to_error::deserialize(value).map_err(|err| {
            let path = match err.path().iter().len() {
                0 => String::new(),
                _ => err.path().to_string(),
            };
            let message = err.into_inner().to_string();
            let path = match (self.prefix.is_empty(), path.is_empty()) {
                (true, _) => path,
                (false, true) => self.prefix.clone(),
                (false, false) => format!("{}.{path}", self.prefix),
            };
            LoadError::Field {
                document: self.document,
                object: self.object.clone(),
                path,
                message,
            }
        })
    }
}

/// Removes `field` from the object at dotted `path` (with `[N]` indexes) in `value`.
fn remove_field(value: &mut serde_json::Value, path: &str, field: &str) {
    let mut at = value;
    for segment in path.split('.').filter(|segment| !segment.is_empty()) {
        let (key, indexes) = match segment.find('[') {
            Some(open) => (
                segment.get(..open).unwrap_or(segment),
                segment.get(open..).unwrap_or(""),
            ),
            None => (segment, ""),
        };
        let Some(next) = at.get_mut(key) else {
            return;
        };
        at = next;
        for index in indexes.split('[').filter_map(|part| part.strip_suffix(']')) {
            let Some(next) = index
                .parse::<usize>()
                .ok()
                .and_then(|index| at.get_mut(index))
            else {
                return;
            };
            at = next;
        }
    }
    if let Some(object) = at.as_object_mut() {
        object.remove(field);
    }
}

fn api_version_ok(
    kind: Kind,
    document: usize,
    item: Option<usize>,
    kind_text: &str,
    api_version: &str,
) -> Result<(), LoadError> {
    match check_api_version(kind, api_version) {
        ApiVersionCheck::Supported => Ok(()),
        ApiVersionCheck::Removed {
            removed_in,
            use_instead,
        } => Err(LoadError::RemovedApiVersion {
            document,
            item,
            kind: kind_text.to_owned(),
            api_version: api_version.to_owned(),
            removed_in: removed_in.to_owned(),
            use_instead: use_instead.to_owned(),
        }),
        ApiVersionCheck::Unsupported { use_instead } => Err(LoadError::UnsupportedApiVersion {
            document,
            item,
            kind: kind_text.to_owned(),
            api_version: api_version.to_owned(),
            use_instead: use_instead.to_owned(),
        }),
    }
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
            Err(LoadError::TooLarge { limit: 10 })
        );
        assert_eq!(read_limited(&input[..], 100).unwrap().len(), 100);
        assert_eq!(
            LoadError::TooLarge { limit: 10 }.to_string(),
            "input too large: more than 10 bytes (Limits::max_input_bytes)"
        );
    }

    #[test]
    fn fields_are_removed_by_path() {
        let mut value = serde_json::json!({"spec": {"a": [{"x": 1, "y": 2}], "z": 3}});
        remove_field(&mut value, "spec.a[0]", "x");
        remove_field(&mut value, "", "nothing");
        remove_field(&mut value, "spec", "z");
        assert_eq!(value, serde_json::json!({"spec": {"a": [{"y": 2}]}}));
    }
}
