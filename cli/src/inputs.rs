//! Reading the inputs: files of mixed kinds, combined cluster dumps, standard input, and the
//! bundled example cluster; validating what the API server would refuse.

use std::io::Read;

use daemonset_planner::load::{LoadOptions, LoadWarning, Loadable, load, load_cluster};
use daemonset_planner::select::{pods_of_namespace, revisions_of_namespace};
use daemonset_planner::{
    ControllerRevision, DaemonSet, Node, Pod, apply_defaults, load_daemonset, load_nodes,
    load_pods, select_daemon_set, validate_daemonset, validate_daemonset_update, validate_node,
    validate_pod, validate_revision,
};

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
    /// Unknown fields dropped under `--validate=warn` (and OpenKruise template fields the
    /// controller drops, under any setting but `ignore`), with their files.
    pub warnings: Vec<Dropped>,
}

/// A load warning, and the file it is about.
pub struct Dropped {
    /// The file, as messages name it.
    pub file: String,
    /// What the loader dropped.
    pub warning: LoadWarning,
}

/// Errors, one line each, to print on standard error.
pub type Errors = Vec<String>;

/// Where each part came from, for error messages.
struct Sources {
    daemon_set: String,
    nodes: String,
    pods: String,
    revisions: String,
}

/// Reads the inputs the arguments name, validated and defaulted.
pub fn load_inputs(args: &Args, options: &LoadOptions) -> Result<Inputs, Errors> {
    let mut warnings = Vec::new();
    let (inputs, sources) = if !args.cluster.is_empty() {
        from_cluster(args, options, &mut warnings)?
    } else if let (Some(ds_file), Some(nodes_file)) = (&args.daemonset, &args.nodes) {
        let mut errors = Vec::new();
        let ds = keep(
            &mut errors,
            pick_daemon_set(
                ds_file,
                args.name.as_deref(),
                args.namespace.as_deref(),
                options,
                &mut warnings,
            ),
        );
        let nodes = keep(
            &mut errors,
            load_file::<Node>(nodes_file, options, &mut warnings),
        );
        let pods = match &args.pods {
            None => Some(Vec::new()),
            Some(file) => keep(&mut errors, load_file::<Pod>(file, options, &mut warnings)),
        };
        let revisions = match &args.revisions {
            None => Some(None),
            Some(file) => keep(
                &mut errors,
                load_file::<ControllerRevision>(file, options, &mut warnings),
            )
            .map(Some),
        };
        let (Some(ds), Some(nodes), Some(pods), Some(revisions)) = (ds, nodes, pods, revisions)
        else {
            return Err(errors);
        };
        let pods = pods_of_namespace(&ds, pods);
        let revisions = revisions.map(|found| revisions_of_namespace(&ds, found));
        (
            Inputs {
                daemon_set: ds,
                nodes,
                pods,
                revisions,
                warnings: Vec::new(),
            },
            Sources {
                daemon_set: shown(ds_file).to_owned(),
                nodes: shown(nodes_file).to_owned(),
                pods: shown_or_empty(args.pods.as_deref()),
                revisions: shown_or_empty(args.revisions.as_deref()),
            },
        )
    } else {
        let mut errors = Vec::new();
        let revisions = match &args.revisions {
            None => None,
            Some(file) => match load_file::<ControllerRevision>(file, options, &mut warnings) {
                Ok(found) => Some(found),
                Err(err) => {
                    errors.push(err);
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let (Ok(ds), Ok(nodes), Ok(pods)) = (
            load_daemonset(BUNDLED_DAEMONSET),
            load_nodes(BUNDLED_NODES),
            load_pods(BUNDLED_PODS),
        ) else {
            return Err(vec!["the bundled example cluster does not load".to_owned()]);
        };
        (
            Inputs {
                daemon_set: ds,
                nodes,
                pods,
                revisions,
                warnings: Vec::new(),
            },
            Sources {
                daemon_set: "examples/data/fluentd-elasticsearch.yaml".to_owned(),
                nodes: "examples/data/nodes.yaml".to_owned(),
                pods: "examples/data/pods.yaml".to_owned(),
                revisions: shown_or_empty(args.revisions.as_deref()),
            },
        )
    };
    let mut inputs = inputs;
    inputs.warnings = warnings;
    apply_defaults(&mut inputs.daemon_set);
    // What the API server would refuse is no cluster to plan: the DaemonSet, every node, every
    // pod and every ControllerRevision must be valid.
    let mut errors = Vec::new();
    // A DaemonSet read from a cluster (or the live one of --apply) is a stored object: checked
    // as an update of itself, so rules that ratchet on update do not refuse what is stored.
    let stored = !args.cluster.is_empty() || args.apply.is_some();
    let checked = if stored {
        validate_daemonset_update(&inputs.daemon_set, &inputs.daemon_set)
    } else {
        validate_daemonset(&inputs.daemon_set)
    };
    let invalid = checked
        .err()
        .map(|e| (&sources.daemon_set, e))
        .into_iter()
        .chain(
            inputs
                .nodes
                .iter()
                .filter_map(|n| validate_node(n).err().map(|e| (&sources.nodes, e))),
        )
        .chain(
            inputs
                .pods
                .iter()
                .filter_map(|p| validate_pod(p).err().map(|e| (&sources.pods, e))),
        )
        .chain(
            inputs
                .revisions
                .iter()
                .flatten()
                .filter_map(|r| validate_revision(r).err().map(|e| (&sources.revisions, e))),
        );
    for (file, invalid) in invalid {
        errors.extend(invalid.to_string().lines().map(|l| format!("{file}: {l}")));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(inputs)
}

/// `--cluster FILE...`: one combined dump, possibly split over several files.
fn from_cluster(
    args: &Args,
    options: &LoadOptions,
    warnings: &mut Vec<Dropped>,
) -> Result<(Inputs, Sources), Errors> {
    let mut errors = Vec::new();
    let mut daemon_sets = Vec::new();
    let (mut nodes, mut pods, mut revisions) = (Vec::new(), Vec::new(), Vec::new());
    for file in &args.cluster {
        let loaded = open(file).and_then(|reader| {
            load_cluster(reader, options).map_err(|e| format!("{}: {e}", shown(file)))
        });
        match loaded {
            Ok(loaded) => {
                warnings.extend(loaded.warnings.into_iter().map(|warning| Dropped {
                    file: shown(file).to_owned(),
                    warning,
                }));
                let cluster = loaded.objects;
                daemon_sets.extend(cluster.daemon_sets);
                nodes.extend(cluster.nodes);
                pods.extend(cluster.pods);
                revisions.extend(cluster.revisions);
            }
            Err(err) => errors.push(err),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let source = args
        .cluster
        .iter()
        .map(|f| shown(f))
        .collect::<Vec<_>>()
        .join(", ");
    let ds = select_daemon_set(daemon_sets, args.name.as_deref(), args.namespace.as_deref())
        .map_err(|err| vec![format!("{source}: {err}")])?;
    let pods = pods_of_namespace(&ds, pods);
    let revisions = revisions_of_namespace(&ds, revisions);
    Ok((
        Inputs {
            daemon_set: ds,
            nodes,
            pods,
            revisions: Some(revisions),
            warnings: Vec::new(),
        },
        Sources {
            daemon_set: source.clone(),
            nodes: source.clone(),
            pods: source.clone(),
            revisions: source,
        },
    ))
}

/// The value of `result`, or `None` with its error kept.
fn keep<T>(errors: &mut Errors, result: Result<T, String>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// Opens a file, or standard input for `-`.
fn open(path: &str) -> Result<Box<dyn Read>, String> {
    if path == "-" {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    std::fs::File::open(path)
        .map(|file| Box::new(std::io::BufReader::new(file)) as Box<dyn Read>)
        .map_err(|err| format!("{path}: {err}"))
}

/// How a file is named in messages.
fn shown(path: &str) -> &str {
    if path == "-" { "standard input" } else { path }
}

/// The [`shown`] name of an optional file; empty without one.
fn shown_or_empty(path: Option<&str>) -> String {
    path.map(shown).unwrap_or_default().to_owned()
}

/// Loads the objects of kind `T` of a file, other kinds skipped; keeps the load warnings.
fn load_file<T: Loadable>(
    path: &str,
    options: &LoadOptions,
    warnings: &mut Vec<Dropped>,
) -> Result<Vec<T>, String> {
    let loaded = load::<T>(open(path)?, options).map_err(|e| format!("{}: {e}", shown(path)))?;
    warnings.extend(loaded.warnings.into_iter().map(|warning| Dropped {
        file: shown(path).to_owned(),
        warning,
    }));
    Ok(loaded.objects)
}

/// The DaemonSet of a file: the only one, or the one `name` (and `namespace`) picks.
pub fn pick_daemon_set(
    path: &str,
    name: Option<&str>,
    namespace: Option<&str>,
    options: &LoadOptions,
    warnings: &mut Vec<Dropped>,
) -> Result<DaemonSet, String> {
    let found = load_file::<DaemonSet>(path, options, warnings)?;
    select_daemon_set(found, name, namespace).map_err(|e| format!("{}: {e}", shown(path)))
}
