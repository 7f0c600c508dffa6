//! Reading the inputs: files of mixed kinds, combined cluster dumps, standard input, and the
//! bundled example cluster; validating what the API server would refuse.

use std::io::Read;

use daemonset_planner::{
    ControllerRevision, DaemonSet, LoadError, Node, Pod, apply_defaults, load_daemonset,
    load_nodes, load_pods, load_revisions, pods_of_namespace, revisions_of_namespace,
    select_daemon_set, validate_daemonset, validate_node, validate_pod,
};
use serde_yaml::Value;

use crate::args::Args;

const BUNDLED_DAEMONSET: &str = include_str!("../../examples/data/fluentd-elasticsearch.yaml");
const BUNDLED_NODES: &str = include_str!("../../examples/data/nodes.yaml");
const BUNDLED_PODS: &str = include_str!("../../examples/data/pods.yaml");

/// Everything one plan reads.
pub struct Inputs {
    /// The DaemonSet, defaulted.
    pub daemon_set: DaemonSet,
    /// Every node.
    pub nodes: Vec<Node>,
    /// The pods of the DaemonSet's namespace.
    pub pods: Vec<Pod>,
    /// `None` without `--revisions` or `--cluster`.
    pub revisions: Option<Vec<ControllerRevision>>,
}

/// Errors, one line each, to print on standard error.
pub type Errors = Vec<String>;

/// Reads a file, or standard input for `-`.
pub fn read(path: &str) -> Result<String, String> {
    if path == "-" {
        let mut text = String::new();
        return std::io::stdin()
            .read_to_string(&mut text)
            .map(|_| text)
            .map_err(|err| format!("standard input: {err}"));
    }
    std::fs::read_to_string(path).map_err(|err| format!("{path}: {err}"))
}

/// Reads the inputs the arguments name, validated and defaulted.
pub fn load(args: &Args) -> Result<Inputs, Errors> {
    let (daemon_set, daemon_set_file, nodes, nodes_file, pods, pods_file, revisions) =
        if !args.cluster.is_empty() {
            load_cluster(args)?
        } else if let (Some(ds_file), Some(nodes_file)) = (&args.daemonset, &args.nodes) {
            let mut errors = Vec::new();
            let ds = read(ds_file)
                .and_then(|text| {
                    pick_daemon_set(&text, args.name.as_deref(), args.namespace.as_deref())
                        .map_err(|e| format!("{ds_file}: {e}"))
                })
                .map_err(|e| errors.push(e))
                .ok();
            let nodes = read(nodes_file)
                .and_then(|text| {
                    of_kind(&text, "Node", load_nodes).map_err(|e| format!("{nodes_file}: {e}"))
                })
                .map_err(|e| errors.push(e))
                .ok();
            let pods = match &args.pods {
                None => Some(Vec::new()),
                Some(file) => read(file)
                    .and_then(|text| {
                        of_kind(&text, "Pod", load_pods).map_err(|e| format!("{file}: {e}"))
                    })
                    .map_err(|e| errors.push(e))
                    .ok(),
            };
            let revisions = revisions_file(args, &mut errors);
            let (Some(ds), Some(nodes), Some(pods), Some(revisions)) = (ds, nodes, pods, revisions)
            else {
                return Err(errors);
            };
            let pods = pods_of_namespace(&ds, pods);
            (
                ds,
                ds_file.clone(),
                nodes,
                nodes_file.clone(),
                pods,
                args.pods.clone().unwrap_or_default(),
                revisions,
            )
        } else {
            let mut errors = Vec::new();
            let ds = load_daemonset(BUNDLED_DAEMONSET)
                .map_err(|e| errors.push(format!("bundled daemonset: {e}")))
                .ok();
            let revisions = revisions_file(args, &mut errors);
            let (Some(ds), Ok(nodes), Ok(pods), Some(revisions)) = (
                ds,
                load_nodes(BUNDLED_NODES),
                load_pods(BUNDLED_PODS),
                revisions,
            ) else {
                errors.push("the bundled example cluster does not load".to_owned());
                return Err(errors);
            };
            (
                ds,
                "examples/data/fluentd-elasticsearch.yaml".to_owned(),
                nodes,
                "examples/data/nodes.yaml".to_owned(),
                pods,
                "examples/data/pods.yaml".to_owned(),
                revisions,
            )
        };
    let mut daemon_set = daemon_set;
    apply_defaults(&mut daemon_set);
    // What the API server would refuse is no cluster to plan: the DaemonSet, every node and
    // every pod must be valid.
    let mut errors = Vec::new();
    let invalid = validate_daemonset(&daemon_set)
        .err()
        .map(|e| (&daemon_set_file, e))
        .into_iter()
        .chain(
            nodes
                .iter()
                .filter_map(|n| validate_node(n).err().map(|e| (&nodes_file, e))),
        )
        .chain(
            pods.iter()
                .filter_map(|p| validate_pod(p).err().map(|e| (&pods_file, e))),
        );
    for (file, invalid) in invalid {
        errors.extend(invalid.to_string().lines().map(|l| format!("{file}: {l}")));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Inputs {
        daemon_set,
        nodes,
        pods,
        revisions,
    })
}

type Loaded = (
    DaemonSet,
    String,
    Vec<Node>,
    String,
    Vec<Pod>,
    String,
    Option<Vec<ControllerRevision>>,
);

/// `--cluster FILE...`: one combined dump, possibly split over several files.
fn load_cluster(args: &Args) -> Result<Loaded, Errors> {
    let mut errors = Vec::new();
    let mut daemon_sets = Vec::new();
    let (mut nodes, mut pods, mut revisions) = (Vec::new(), Vec::new(), Vec::new());
    for file in &args.cluster {
        let name = if file == "-" { "standard input" } else { file };
        let text = match read(file) {
            Ok(text) => text,
            Err(err) => {
                errors.push(err);
                continue;
            }
        };
        let split = match split_kinds(&text) {
            Ok(split) => split,
            Err(err) => {
                errors.push(format!("{name}: {err}"));
                continue;
            }
        };
        for object in split.of("DaemonSet") {
            match load_daemonset(&object) {
                Ok(ds) => daemon_sets.push(ds),
                Err(err) => errors.push(format!("{name}: {err}")),
            }
        }
        let take = |kind: &str| split.list(kind);
        match load_nodes(&take("Node")) {
            Ok(found) => nodes.extend(found),
            Err(err) => errors.push(format!("{name}: {err}")),
        }
        match load_pods(&take("Pod")) {
            Ok(found) => pods.extend(found),
            Err(err) => errors.push(format!("{name}: {err}")),
        }
        match load_revisions(&take("ControllerRevision")) {
            Ok(found) => revisions.extend(found),
            Err(err) => errors.push(format!("{name}: {err}")),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let file = args.cluster.join(",");
    let ds = select_daemon_set(daemon_sets, args.name.as_deref(), args.namespace.as_deref())
        .map_err(|err| vec![format!("{file}: {err}")])?;
    let pods = pods_of_namespace(&ds, pods);
    let revisions = revisions_of_namespace(&ds, revisions);
    Ok((
        ds,
        file.clone(),
        nodes,
        file.clone(),
        pods,
        file,
        Some(revisions),
    ))
}

fn revisions_file(args: &Args, errors: &mut Errors) -> Option<Option<Vec<ControllerRevision>>> {
    match &args.revisions {
        None => Some(None),
        Some(path) => read(path)
            .and_then(|text| {
                of_kind(&text, "ControllerRevision", load_revisions)
                    .map_err(|e| format!("{path}: {e}"))
            })
            .map_err(|e| errors.push(e))
            .ok()
            .map(Some),
    }
}

/// The DaemonSet of a file: the only one, or the one `--name` picks.
pub fn pick_daemon_set(
    text: &str,
    name: Option<&str>,
    namespace: Option<&str>,
) -> Result<DaemonSet, String> {
    // The common case, one DaemonSet alone, goes straight to the loader and its messages.
    match load_daemonset(text) {
        Ok(ds) if name.is_none() => return Ok(ds),
        Ok(ds) => {
            return select_daemon_set(vec![ds], name, namespace).map_err(|e| e.to_string());
        }
        Err(err) if !mixed(&err) => return Err(err.to_string()),
        Err(err) => {
            let split = split_kinds(text)?;
            if split.count("DaemonSet") == 0 {
                // Nothing of the kind asked for: the loader's message says what was found.
                return Err(err.to_string());
            }
            return select_split(&split, name, namespace);
        }
    }
}

fn select_split(
    split: &Split,
    name: Option<&str>,
    namespace: Option<&str>,
) -> Result<DaemonSet, String> {
    let mut found = Vec::new();
    for object in split.of("DaemonSet") {
        found.push(load_daemonset(&object).map_err(|e| e.to_string())?);
    }
    select_daemon_set(found, name, namespace).map_err(|e| e.to_string())
}

/// Loads the objects of one kind from text that may mix kinds.
fn of_kind<T>(
    text: &str,
    kind: &str,
    loader: impl Fn(&str) -> Result<Vec<T>, LoadError>,
) -> Result<Vec<T>, String> {
    match loader(text) {
        Ok(found) => Ok(found),
        Err(err) if !mixed(&err) => Err(err.to_string()),
        Err(err) => {
            let split = split_kinds(text)?;
            if split.count(kind) == 0 {
                // Nothing of the kind asked for: the loader's message says what was found.
                return Err(err.to_string());
            }
            loader(&split.list(kind)).map_err(|e| e.to_string())
        }
    }
}

/// Whether a load error is about another kind in the stream (which the kind filter handles).
fn mixed(err: &LoadError) -> bool {
    matches!(err, LoadError::WrongKind { .. } | LoadError::Count { .. })
}

/// The objects of a stream or List, by kind, each as the YAML text of one object.
// Until the library's loader takes mixed kinds itself: this parses the text once more into a
// value tree. Only reached after the loader refused the text for holding another kind, so the
// loader's limits (size, depth, aliases) were applied to it first.
struct Split {
    objects: Vec<(String, Value)>,
}

impl Split {
    /// How many objects of `kind` there are.
    fn count(&self, kind: &str) -> usize {
        self.objects.iter().filter(|(k, _)| k == kind).count()
    }

    /// The objects of `kind`, each as the text of one document.
    fn of(&self, kind: &str) -> Vec<String> {
        self.objects
            .iter()
            .filter(|(k, _)| k == kind)
            .filter_map(|(_, v)| serde_yaml::to_string(v).ok())
            .collect()
    }

    /// The objects of `kind` as the text of one `v1 List`.
    fn list(&self, kind: &str) -> String {
        let items: Vec<Value> = self
            .objects
            .iter()
            .filter(|(k, _)| k == kind)
            .map(|(_, v)| v.clone())
            .collect();
        let mut list = serde_yaml::Mapping::new();
        list.insert("apiVersion".into(), "v1".into());
        list.insert("kind".into(), "List".into());
        list.insert("items".into(), Value::Sequence(items));
        serde_yaml::to_string(&Value::Mapping(list)).unwrap_or_default()
    }
}

fn split_kinds(text: &str) -> Result<Split, String> {
    let mut objects = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, document) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let value =
            Value::deserialize_from(document).map_err(|err| format!("document {index}: {err}"))?;
        let Value::Mapping(map) = value else {
            continue;
        };
        let kind = map.get("kind").and_then(Value::as_str).unwrap_or_default();
        match map.get("items") {
            Some(Value::Sequence(items)) if kind.ends_with("List") => {
                let item_kind = kind.strip_suffix("List").unwrap_or_default();
                let api_version = map.get("apiVersion").cloned();
                for item in items {
                    let Value::Mapping(mut item) = item.clone() else {
                        continue;
                    };
                    // Items of a typed list may leave out their kind and apiVersion.
                    if !item_kind.is_empty() && !item.contains_key("kind") {
                        item.insert("kind".into(), item_kind.into());
                        if let Some(version) = &api_version {
                            item.insert("apiVersion".into(), version.clone());
                        }
                    }
                    let kind = item
                        .get("kind")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    objects.push((kind, Value::Mapping(item)));
                }
            }
            _ => objects.push((kind.to_owned(), Value::Mapping(map))),
        }
    }
    Ok(Split { objects })
}

trait DeserializeFrom: Sized {
    fn deserialize_from(de: serde_yaml::Deserializer<'_>) -> Result<Self, serde_yaml::Error>;
}

impl DeserializeFrom for Value {
    fn deserialize_from(de: serde_yaml::Deserializer<'_>) -> Result<Self, serde_yaml::Error> {
        serde::Deserialize::deserialize(de)
    }
}
