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
//! Unknown fields of DaemonSet documents (unknown to Kubernetes' schema of the object,
//! [`crate::schema`]: `apps/v1`'s or OpenKruise's) follow [`LoadOptions::unknown_fields`]: an
//! error by default ([`LoadError::UnknownField`], with the schema's did-you-mean and hint), as
//! `kubectl apply` refuses them; under `Warn` they are dropped and returned as
//! [`LoadWarning`]s, which [`lints::lint_unknown_fields`](crate::lints::lint_unknown_fields)
//! turns into lints. A field of an OpenKruise DaemonSet's pod template is never an error (its
//! CRD keeps the template as written), but Kruise's controller drops it from the pods it
//! creates: it is dropped in every mode, with a warning unless `Ignore`. Nodes, pods and
//! ControllerRevisions, which the API server wrote, are checked only at their top level, for a
//! key that differs from a field this crate reads only by letter case or a letter or two
//! (`metdata`), so that the parser can skip what planning does not read. A modelled
//! field set to `null` counts as absent, as it does for the API server. YAML merge keys
//! (`<<: *anchor`) are applied, and a UTF-8 byte order mark at the start is skipped.
//!
//! # Formats
//!
//! Input whose first two significant characters are `{"` (or `{}`) is JSON, read with
//! serde_json (`kubectl get -o json`; several documents may follow one another); anything
//! else is YAML, read with serde-saphyr, which streams. Either way objects are read straight
//! into the model as the parser goes: no value tree is built for nodes, pods and
//! ControllerRevisions, whose unneeded fields (node images, `managedFields`, pod containers
//! and volumes, statuses beyond phase and conditions) are skipped by the parser. A pod read
//! this way keeps the spec fields planning reads and an empty
//! [`PodSpec::other`](crate::model::PodSpec::other). A DaemonSet keeps its whole pod template. Readers are read as the
//! parser goes, never whole: memory follows what the model keeps, not the input's size.
//!
//! Document indexes in errors count documents from 0. In YAML they count documents that are
//! not empty (the parser skips empty ones unseen).
//!
//! # Limits
//!
//! Loading never panics, and stays bounded in time and memory on hostile input: see
//! [`Limits`] for the bounds and their defaults, all settable through [`LoadOptions`].

mod cluster;
mod daemonset;
mod error;
mod input;
mod json;
mod options;
mod pod;
mod schema;
mod stream;
mod track;
mod yaml;

use std::cell::Cell;
use std::io::{BufReader, Read};
use std::rc::Rc;

pub use cluster::{Cluster, Loadable};
pub use error::{IoError, LimitExceeded, LoadError};
pub use options::{FieldValidation, Limits, LoadOptions, LoadWarning, Loaded};

use crate::model::{ControllerRevision, DaemonSet, Node, Pod};
use cluster::{Kind, Wanted};
use stream::Engine;

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
    load_reader(reader, options, Wanted::only(T::KIND)).map(take::<T>)
}

/// [`load`] from bytes in memory.
pub fn load_slice<T: Loadable>(
    bytes: &[u8],
    options: &LoadOptions,
) -> Result<Loaded<Vec<T>>, LoadError> {
    load_bytes(bytes, options, Wanted::only(T::KIND)).map(take::<T>)
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
    load_reader(reader, options, Wanted::ALL)
}

/// [`load_cluster`] from bytes in memory.
pub fn load_cluster_slice(
    bytes: &[u8],
    options: &LoadOptions,
) -> Result<Loaded<Cluster>, LoadError> {
    load_bytes(bytes, options, Wanted::ALL)
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
///     "document 0: unknown field `Labels` at metadata, did you mean `labels`? (hint: field \
///      names are case-sensitive)"
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

fn check_size(size: usize, limit: u64) -> Result<(), LoadError> {
    if u64::try_from(size).unwrap_or(u64::MAX) > limit {
        Err(LoadError::TooLarge { limit })
    } else {
        Ok(())
    }
}

/// Every object of the wanted kinds in `reader`, in order.
fn load_reader<R: Read>(
    reader: R,
    options: &LoadOptions,
    wanted: Wanted,
) -> Result<Loaded<Cluster>, LoadError> {
    let read = Rc::new(Cell::new(0u64));
    let bad_utf8 = Rc::new(Cell::new(None));
    let counted = input::Counted::new(
        reader,
        options.limits.max_input_bytes,
        Rc::clone(&read),
        Rc::clone(&bad_utf8),
    );
    let mut buffered = BufReader::with_capacity(1 << 16, counted);
    let stopped = |error: LoadError| {
        if let Some(offset) = bad_utf8.get() {
            return LoadError::NotUtf8 {
                valid_up_to: usize::try_from(offset).unwrap_or(usize::MAX),
            };
        }
        over_limit(error, &read, options)
    };
    let engine = Engine::new(options, wanted, false, Rc::clone(&read));
    let peeked =
        input::peek(&mut buffered).map_err(|err| stopped(LoadError::Io { source: err.into() }))?;
    let engine = match peeked {
        Some(format) => parse(buffered, format, engine),
        None => {
            let (format, prefix) = input::sniff(&mut buffered)
                .map_err(|err| stopped(LoadError::Io { source: err.into() }))?;
            parse(std::io::Cursor::new(prefix).chain(buffered), format, engine)
        }
    }
    .map_err(stopped)?;
    Ok(engine.into_loaded())
}

/// Parses `reader`, written in `format`, into `engine`.
fn parse<R: Read>(
    reader: R,
    format: input::Format,
    mut engine: Engine,
) -> Result<Engine, LoadError> {
    match format {
        input::Format::Empty => Ok(engine),
        input::Format::Json => {
            json::load(serde_json::Deserializer::from_reader(reader), &mut engine)?;
            Ok(engine)
        }
        input::Format::Yaml => {
            engine.tracker.set_yaml();
            yaml::load_reader(reader, engine)
        }
    }
}

/// Every object of the wanted kinds in `bytes`, in order.
fn load_bytes(
    bytes: &[u8],
    options: &LoadOptions,
    wanted: Wanted,
) -> Result<Loaded<Cluster>, LoadError> {
    check_size(bytes.len(), options.limits.max_input_bytes)?;
    let read = Rc::new(Cell::new(u64::try_from(bytes.len()).unwrap_or(u64::MAX)));
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let format = input::format_of(bytes);
    let mut engine = Engine::new(options, wanted, format == input::Format::Yaml, read);
    match format {
        input::Format::Empty => {}
        input::Format::Json => {
            json::load(serde_json::Deserializer::from_slice(bytes), &mut engine)?
        }
        input::Format::Yaml => {
            let text = std::str::from_utf8(bytes).map_err(|err| LoadError::NotUtf8 {
                valid_up_to: err.valid_up_to(),
            })?;
            engine = yaml::load_str(text, engine)?;
        }
    }
    Ok(engine.into_loaded())
}
/// `daemonset kube-system/fluentd`, `node worker-1`, or just `node` when the name is unknown.
fn object_name(noun: &str, namespace: &str, name: &str) -> String {
    match (namespace.is_empty(), name.is_empty()) {
        (false, false) => format!("{noun} {namespace}/{name}"),
        (true, false) => format!("{noun} {name}"),
        (_, true) => noun.to_owned(),
    }
}

/// A parser's message about a value, reworded to say what was expected first:
/// `invalid type: string "yes", expected a boolean` becomes
/// `expected a boolean, found string "yes"`; the position is left out (the path says where).
fn hint(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(at)
            if message
                .get(at..)
                .is_some_and(|rest| rest.contains(" column ")) =>
        {
            message.get(..at).unwrap_or(message)
        }
        _ => message,
    };
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some((found, expected)) = rest.split_once(", expected ")
        {
            return format!("expected {expected}, found {found}");
        }
    }
    message.to_owned()
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

/// `error`, unless the reader stopped because the input went over the size limit.
fn over_limit(error: LoadError, read: &Cell<u64>, options: &LoadOptions) -> LoadError {
    if read.get() > options.limits.max_input_bytes {
        LoadError::TooLarge {
            limit: options.limits.max_input_bytes,
        }
    } else {
        error
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn readers_stop_past_the_limit() {
        let input = [b'#'; 100_000];
        let options = LoadOptions::new().with_limits(Limits::default().with_max_input_bytes(10));
        assert_eq!(
            load_cluster(&input[..], &options),
            Err(LoadError::TooLarge { limit: 10 })
        );
        assert_eq!(
            LoadError::TooLarge { limit: 10 }.to_string(),
            "input too large: more than 10 bytes (Limits::max_input_bytes)"
        );
    }

    #[test]
    fn type_errors_say_what_was_expected() {
        assert_eq!(
            hint("invalid type: string \"yes\", expected a boolean at line 3 column 9"),
            "expected a boolean, found string \"yes\""
        );
        assert_eq!(hint("missing field `effect`"), "missing field `effect`");
    }
}
