//! Hostile, malformed and enormous inputs: each gets a clear typed error, or is planned, and
//! never a panic, a hang or a memory blow-up.
//!
//! The corpus is `tests/hostile/`: `daemonset/`, `nodes/` and `pods/` hold one input each, run
//! in that role with the other two taken from `base/`; `outcomes.yaml` says what each must give
//! and why, decided as Kubernetes decides: what the API server accepts is accepted (and
//! planned as upstream's controller would), what it rejects is a typed error with the field
//! path, and states no real cluster can be in (two nodes with one name) are a
//! [`PlanError`]. Inputs too large to keep in the repository are generated below.
#![cfg(feature = "yaml")]

use crate::common::pipeline;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use daemonset_planner::load::LimitExceeded;
use daemonset_planner::{
    LoadError, PlanError, PlanOptions, apply_defaults, load_daemonset, load_nodes, plan,
    validate_daemonset, validate_node,
};
use pipeline::Outcome;
use serde::Deserialize;

/// The longest one case may take, debug build included: far above what any case needs, far
/// below a hang.
const TIME_LIMIT: Duration = Duration::from_secs(10);

/// What a case must give. Absent fields mean: loads, passes validation, plans.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// Why Kubernetes decides so.
    #[allow(dead_code)]
    why: String,
    /// The `LoadError` variant, when loading must fail.
    load: Option<String>,
    /// The error's field path (`LoadError::Field` and `UnknownField`).
    path: Option<String>,
    /// Text the load or plan error's message must contain.
    message: Option<String>,
    /// Every validation error's path, as `daemonset PATH`, `node NAME PATH` or `pod NAME PATH`.
    #[serde(default)]
    invalid: Vec<String>,
    /// `ok` (the default) or the `PlanError` variant.
    plan: Option<String>,
    /// The plan's actions, as displayed, when they matter.
    actions: Option<Vec<String>>,
    /// Other corpus files to use instead of `base/` for the other roles.
    #[serde(default)]
    with: BTreeMap<String, String>,
}

const ROLES: [&str; 3] = ["daemonset", "nodes", "pods"];

fn hostile() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

fn outcomes() -> BTreeMap<String, Expect> {
    let text = std::fs::read_to_string(hostile().join("outcomes.yaml")).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

/// The three inputs of a case: its file in its role, the rest from `with` or `base/`.
fn inputs(file: &str, expect: &Expect) -> [Vec<u8>; 3] {
    let role = file.split('/').next().unwrap();
    ROLES.map(|r| {
        let path = if r == role {
            file.to_owned()
        } else {
            expect
                .with
                .get(r)
                .cloned()
                .unwrap_or_else(|| format!("base/{r}.yaml"))
        };
        std::fs::read(hostile().join(&path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    })
}

fn variant(error: &impl std::fmt::Debug) -> String {
    let debug = format!("{error:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn load_path(error: &LoadError) -> Option<String> {
    match error {
        LoadError::Field { path, .. } => Some(path.clone()),
        LoadError::UnknownField { path, field, .. } if path.is_empty() => Some(field.clone()),
        LoadError::UnknownField { path, field, .. } => Some(format!("{path}.{field}")),
        _ => None,
    }
}

/// `daemonset spec.x`, `node n1 spec.x`, `pod default/p spec.x`.
fn invalid_paths(outcome: &Outcome) -> Vec<String> {
    let Outcome::Planned { invalid, .. } = outcome else {
        return Vec::new();
    };
    let mut paths: Vec<String> = invalid
        .iter()
        .flat_map(|errors| {
            let object = if errors.object.starts_with("daemonset ") {
                "daemonset".to_owned()
            } else {
                errors.object.clone()
            };
            errors
                .errors
                .iter()
                .map(move |e| format!("{object} {}", e.path))
        })
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// Checks one case; returns what went wrong, if anything.
fn check(file: &str, expect: &Expect) -> Result<(), String> {
    let [ds, nodes, pods] = inputs(file, expect);
    let started = Instant::now();
    let outcome = pipeline::run_parts(&ds, &nodes, &pods);
    let took = started.elapsed();
    if took > TIME_LIMIT {
        return Err(format!("took {took:?}"));
    }
    match (&outcome, &expect.load) {
        (Outcome::Load { error, .. }, Some(want)) => {
            let message = error.to_string();
            if message.is_empty() || message.contains('\n') {
                return Err(format!("message not one line: {message:?}"));
            }
            if &variant(error) != want {
                return Err(format!("load error {error:?}, expected {want}"));
            }
            if let Some(text) = &expect.message
                && !message.contains(text.as_str())
            {
                return Err(format!("message {message:?} does not contain {text:?}"));
            }
            if load_path(error) != expect.path {
                return Err(format!(
                    "load error path {:?}, expected {:?}: {message}",
                    load_path(error),
                    expect.path
                ));
            }
            if let Some(path) = &expect.path
                && !path.is_empty()
                && !message.contains(path.as_str())
                && !matches!(error, LoadError::UnknownField { .. })
            {
                return Err(format!("message does not name {path}: {message}"));
            }
            Ok(())
        }
        (Outcome::Load { error, .. }, None) => Err(format!("does not load: {error}")),
        (Outcome::Planned { .. }, Some(want)) => Err(format!("loads, expected {want}")),
        (Outcome::Planned { planned, .. }, None) => {
            let got_invalid = invalid_paths(&outcome);
            let mut want_invalid = expect.invalid.clone();
            want_invalid.sort();
            if got_invalid != want_invalid {
                return Err(format!(
                    "validation errors at {got_invalid:?}, expected {want_invalid:?}"
                ));
            }
            let want_plan = expect.plan.as_deref().unwrap_or("ok");
            match planned {
                Ok(plan) => {
                    if want_plan != "ok" {
                        return Err(format!("planned, expected {want_plan}"));
                    }
                    if let Some(want) = &expect.actions {
                        let got: Vec<String> = plan.actions.iter().map(|a| a.to_string()).collect();
                        if &got != want {
                            return Err(format!("actions {got:?}, expected {want:?}"));
                        }
                    }
                    Ok(())
                }
                Err(error) if variant(error) == want_plan => {
                    let message = error.to_string();
                    if message.is_empty() || message.contains('\n') {
                        return Err(format!("message not one line: {message:?}"));
                    }
                    if let Some(text) = &expect.message
                        && !message.contains(text.as_str())
                    {
                        return Err(format!("message {message:?} does not contain {text:?}"));
                    }
                    Ok(())
                }
                Err(error) => Err(format!("plan error {error:?}, expected {want_plan}")),
            }
        }
    }
}

/// What a case gives, in the form of `outcomes.yaml`, for writing new entries.
fn describe(file: &str, expect: &Expect) -> String {
    let [ds, nodes, pods] = inputs(file, expect);
    let outcome = pipeline::run_parts(&ds, &nodes, &pods);
    let mut out = format!("{file}:\n");
    match &outcome {
        Outcome::Load { error, .. } => {
            out.push_str(&format!("  load: {}\n", variant(error)));
            if let Some(path) = load_path(error) {
                out.push_str(&format!("  path: {path:?}\n"));
            }
            out.push_str(&format!("  # {error}\n"));
        }
        Outcome::Planned { invalid, planned } => {
            let paths = invalid_paths(&outcome);
            if !paths.is_empty() {
                out.push_str(&format!("  invalid: {paths:?}\n"));
            }
            for errors in invalid {
                for line in errors.to_string().lines() {
                    out.push_str(&format!("  # {line}\n"));
                }
            }
            match planned {
                Ok(plan) => {
                    let actions: Vec<String> = plan.actions.iter().map(|a| a.to_string()).collect();
                    out.push_str(&format!("  actions: {actions:?}\n"));
                }
                Err(error) => out.push_str(&format!("  plan: {}\n  # {error}\n", variant(error))),
            }
        }
    }
    out
}

#[test]
fn every_hostile_input_gives_its_expected_outcome() {
    let outcomes = outcomes();
    let mut files = Vec::new();
    for role in ROLES {
        for entry in std::fs::read_dir(hostile().join(role)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            files.push(format!("{role}/{name}"));
        }
    }
    files.sort();
    let print = std::env::var_os("HOSTILE_PRINT").is_some();
    let mut failures = Vec::new();
    for file in &files {
        let default = Expect::default();
        let expect = outcomes.get(file).unwrap_or(&default);
        if print {
            eprint!("{}", describe(file, expect));
        }
        if !outcomes.contains_key(file) {
            failures.push(format!("{file}: no entry in outcomes.yaml"));
            continue;
        }
        if expect.why.is_empty() {
            failures.push(format!("{file}: say why in outcomes.yaml"));
        }
        if let Err(problem) = check(file, expect) {
            failures.push(format!("{file}: {problem}"));
        }
    }
    for file in outcomes.keys() {
        if !files.contains(file) {
            failures.push(format!("{file}: in outcomes.yaml but not in the corpus"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert!(
        files.len() >= 90,
        "the corpus shrank to {} files",
        files.len()
    );
}

#[test]
fn the_base_cluster_is_accepted_and_planned() {
    let expect = Expect::default();
    let [ds, nodes, pods] =
        ROLES.map(|r| std::fs::read(hostile().join(format!("base/{r}.yaml"))).unwrap());
    let outcome = pipeline::run_parts(&ds, &nodes, &pods);
    assert!(invalid_paths(&outcome).is_empty(), "{outcome:?}");
    let Outcome::Planned {
        planned: Ok(plan), ..
    } = outcome
    else {
        panic!("{outcome:?}");
    };
    let actions: Vec<String> = plan.actions.iter().map(|a| a.to_string()).collect();
    assert_eq!(actions, ["create a pod on n2 (missing)"], "{expect:?}");
}

// ---------------------------------------------------------------------------------------------
// Generated inputs: too large to keep in the repository.

const MIB: usize = 1024 * 1024;

fn base(role: &str) -> String {
    std::fs::read_to_string(hostile().join(format!("base/{role}.yaml"))).unwrap()
}

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let value = f();
    assert!(
        started.elapsed() < TIME_LIMIT,
        "{what} took {:?}",
        started.elapsed()
    );
    value
}

#[test]
fn a_megabyte_name_is_refused_by_validation_not_by_loading() {
    let long = "a".repeat(MIB);
    let text = base("daemonset").replacen("  name: agent\n", &format!("  name: {long}\n"), 1);
    let mut ds = timed("loading", || load_daemonset(&text)).unwrap();
    assert_eq!(ds.metadata.name.len(), MIB);
    apply_defaults(&mut ds);
    let errors = timed("validation", || validate_daemonset(&ds)).unwrap_err();
    let paths: Vec<&str> = errors.errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["metadata.name"]);
    // The message quotes the value, but not a megabyte of it.
    assert!(
        errors.to_string().len() < 4096,
        "{} bytes",
        errors.to_string().len()
    );
}

#[test]
fn megabyte_label_values_and_annotations_are_refused_with_their_paths() {
    let long = "v".repeat(MIB);
    let text = base("daemonset").replace(
        "  uid: ds-uid\n",
        &format!("  uid: ds-uid\n  labels: {{big: {long}}}\n  annotations: {{big: {long}}}\n"),
    );
    let mut ds = timed("loading", || load_daemonset(&text)).unwrap();
    apply_defaults(&mut ds);
    let errors = timed("validation", || validate_daemonset(&ds)).unwrap_err();
    let paths: Vec<&str> = errors.errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["metadata.labels", "metadata.annotations"]);
    assert!(
        errors.to_string().len() < 8192,
        "{} bytes",
        errors.to_string().len()
    );
}

#[test]
fn a_megabyte_node_name_is_invalid_but_still_planned() {
    let long = "n".repeat(MIB);
    let text = base("nodes").replace("name: n2", &format!("name: {long}"));
    let nodes = timed("loading", || load_nodes(&text)).unwrap();
    let errors = validate_node(&nodes[1]).unwrap_err();
    assert_eq!(errors.errors[0].path, "metadata.name");
    assert!(errors.to_string().len() < 4096);
    let mut ds = load_daemonset(&base("daemonset")).unwrap();
    apply_defaults(&mut ds);
    let plan = timed("planning", || {
        plan(&ds, &nodes, &[], &PlanOptions::new(pipeline::now()))
    })
    .unwrap();
    assert_eq!(plan.actions.len(), 2);
}

#[test]
fn a_megabyte_of_flow_nesting_is_refused_before_parsing() {
    for open in ["[", "{a: "] {
        let text = format!("kind: Node\nx: {}", open.repeat(MIB / open.len()));
        let error = timed("loading", || load_nodes(&text)).unwrap_err();
        assert!(
            matches!(
                error,
                LoadError::Limit {
                    limit: LimitExceeded::Depth(64),
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("nests deeper than 64 levels"),
            "{error}"
        );
    }
    // Nesting that stays shallow is read at the YAML parser's usual pace.
    let burst = format!("{}x{}, ", "{a: ".repeat(50), "}".repeat(50));
    let text = format!("[{}]", burst.repeat(MIB / burst.len()));
    let error = timed("loading", || load_nodes(&text)).unwrap_err();
    assert!(matches!(error, LoadError::NotAnObject { .. }), "{error:?}");
}

#[test]
fn a_megabyte_of_one_line_is_a_clear_error() {
    let text = "x".repeat(MIB);
    let error = timed("loading", || load_nodes(&text)).unwrap_err();
    assert!(matches!(error, LoadError::NotAnObject { .. }), "{error:?}");
}

#[test]
fn a_hundred_thousand_empty_documents_load_as_nothing() {
    let text = "---\n".repeat(100_000);
    assert_eq!(timed("loading", || load_nodes(&text)).unwrap(), []);
}

#[test]
fn many_aliases_of_a_large_anchor_stop_at_the_node_budget() {
    // 10,000 aliases of a 10,000-item list: 10^8 nodes from 120 kB of text.
    let items = vec!["x"; 10_000].join(",");
    let aliases = vec!["*a"; 10_000].join(",");
    let text = format!("apiVersion: v1\nkind: List\nitems: []\nx: &a [{items}]\ny: [{aliases}]\n");
    let error = timed("loading", || load_nodes(&text)).unwrap_err();
    assert!(
        matches!(
            error,
            LoadError::Limit {
                limit: LimitExceeded::AliasNodes(100_000),
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn a_long_string_aliased_thousands_of_times_stops_at_the_expanded_bytes_budget() {
    // A 1 MiB string anchored once and aliased 3,000 times: 3 GiB once expanded, from 1 MiB
    // of text. Kept (labels) or skipped (an unmodelled field), the aliases stop at 64 MiB.
    let long = "x".repeat(MIB);
    for (field, indent) in [("  labels:\n", "    "), ("  unmodelled:\n", "    ")] {
        let mut text = format!(
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: n\n{field}{indent}a0: &big {long}\n"
        );
        for i in 1..=3000 {
            text.push_str(&format!("{indent}a{i}: *big\n"));
        }
        let started = Instant::now();
        let error = timed("loading", || load_nodes(&text)).unwrap_err();
        assert!(
            matches!(
                error,
                LoadError::Limit {
                    limit: LimitExceeded::ExpandedBytes(_),
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("Limits::max_expanded_bytes"),
            "{error}"
        );
        assert!(started.elapsed() < TIME_LIMIT);
    }
}

#[test]
fn plan_errors_name_the_duplicate() {
    let nodes = load_nodes(&format!("{}---\n{}", base("nodes"), base("nodes"))).unwrap();
    let mut ds = load_daemonset(&base("daemonset")).unwrap();
    apply_defaults(&mut ds);
    let error = plan(&ds, &nodes, &[], &PlanOptions::new(pipeline::now())).unwrap_err();
    assert_eq!(error, PlanError::DuplicateNodeName { name: "n1".into() });
    assert_eq!(
        error.to_string(),
        "two nodes are named \"n1\": node names must be unique"
    );
}

// ---------------------------------------------------------------------------------------------
// A List's items are read apart from the rest of the document, each compacted: the same
// results as a tree of values.

#[test]
fn list_items_read_apart_keep_merges_tags_odd_keys_and_duplicate_checks() {
    let nodes = load_nodes(
        "apiVersion: v1
kind: NodeList
base: &base {labels: {zone: a}}
items:
- metadata: {<<: *base, name: n1}
- metadata: {name: n2}
  spec: {taints: [{key: k, effect: NoSchedule, value: !!str 5}]}
  unmodelled: {1: one, true: yes, ~: null}
- metadata: {name: n3}
  unmodelled: {ratio: .inf}
",
    )
    .unwrap();
    let names: Vec<&str> = nodes.iter().map(|n| n.metadata.name.as_str()).collect();
    assert_eq!(names, ["n1", "n2", "n3"]);
    assert_eq!(nodes[0].metadata.labels["zone"], "a");
    assert_eq!(nodes[0].kind, "Node");
    assert_eq!(nodes[1].spec.taints[0].value, "5");

    let twice = load_nodes("apiVersion: v1\nkind: List\nitems: []\nitems: []\n").unwrap_err();
    assert!(
        twice.to_string().contains("duplicate key `items`"),
        "{twice}"
    );

    // `items` written out wins over one merged in.
    let merged = load_nodes(
        "apiVersion: v1
kind: List
<<: {items: [{apiVersion: v1, kind: Node, metadata: {name: merged}}]}
items: [{apiVersion: v1, kind: Node, metadata: {name: written}}]
",
    )
    .unwrap();
    assert_eq!(merged[0].metadata.name, "written");
    let only_merged = load_nodes(
        "apiVersion: v1\nkind: List\n<<: {items: [{apiVersion: v1, kind: Node, metadata: {name: m}}]}\n",
    )
    .unwrap();
    assert_eq!(only_merged[0].metadata.name, "m");

    // An object that is not a list keeps its `items` field (and ignores it).
    let node =
        load_nodes("apiVersion: v1\nkind: Node\nmetadata: {name: n}\nitems: [1, 2]\n").unwrap();
    assert_eq!(node[0].metadata.name, "n");

    let scalar = load_nodes("apiVersion: v1\nkind: List\nitems: [1.5]\n").unwrap_err();
    assert!(
        matches!(scalar, LoadError::NotAnObject { item: Some(0), .. }),
        "{scalar:?}"
    );
    let bad_merge = load_nodes("apiVersion: v1\nkind: List\nitems: [{<<: 5}]\n").unwrap_err();
    assert!(
        matches!(bad_merge, LoadError::Syntax { .. }),
        "{bad_merge:?}"
    );
}
