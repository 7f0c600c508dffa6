//! The whole pipeline on untrusted bytes, shared by `tests/integration/robustness.rs`,
//! `tests/integration/pipeline_props.rs` and the `pipeline` fuzz target (`fuzz/`), which includes this
//! file by path.
//!
//! bytes -> up to three documents (DaemonSet, nodes, pods; split at `0xFF` bytes, which UTF-8
//! never contains) -> load -> apply_defaults -> validate -> plan -> render_pod for each create
//! -> explain -> preview_rollout (small clusters only). Every step must return `Ok` or a typed
//! error; planning runs even when validation fails, because the library promises not to panic
//! on any input, validated or not.
#![allow(dead_code)]

use daemonset_planner::{
    Action, LoadError, Plan, PlanError, PlanOptions, Time, ValidationErrors, apply_defaults,
    explain, load_daemonset_from_reader, load_nodes_from_reader, load_pods_from_reader, plan,
    preview_rollout, render_pod, validate_daemonset, validate_node, validate_pod,
};

/// The byte that separates the DaemonSet, nodes and pods documents of one input.
pub const SEPARATOR: u8 = 0xFF;

/// How far the pipeline got, and the typed error that stopped it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(dead_code)]
#[allow(clippy::large_enum_variant)] // a test outcome, built once per case
pub enum Outcome {
    /// A manifest did not load: `part` 0 is the DaemonSet, 1 the nodes, 2 the pods.
    Load { part: usize, error: LoadError },
    /// Loaded; `invalid` holds the validation errors of the DaemonSet, the nodes and the pods,
    /// `planned` the plan's result (planning runs either way).
    Planned {
        invalid: Vec<ValidationErrors>,
        planned: Result<Plan, PlanError>,
    },
}

/// Splits `bytes` into up to three parts at [`SEPARATOR`]; missing parts are empty.
pub fn split(bytes: &[u8]) -> [&[u8]; 3] {
    let mut parts = bytes.splitn(3, |&b| b == SEPARATOR);
    let mut next = || parts.next().unwrap_or(&[]);
    [next(), next(), next()]
}

/// Runs the whole pipeline on one input of up to three parts.
pub fn run(bytes: &[u8]) -> Outcome {
    let [ds, nodes, pods] = split(bytes);
    run_parts(ds, nodes, pods)
}

/// Runs the whole pipeline on a DaemonSet manifest, a nodes manifest and a pods manifest.
pub fn run_parts(ds: &[u8], nodes: &[u8], pods: &[u8]) -> Outcome {
    let mut ds = match load_daemonset_from_reader(ds) {
        Ok(ds) => ds,
        Err(error) => return Outcome::Load { part: 0, error },
    };
    let nodes = match load_nodes_from_reader(nodes) {
        Ok(nodes) => nodes,
        Err(error) => return Outcome::Load { part: 1, error },
    };
    let pods = match load_pods_from_reader(pods) {
        Ok(pods) => pods,
        Err(error) => return Outcome::Load { part: 2, error },
    };
    apply_defaults(&mut ds);
    let mut invalid = Vec::new();
    if let Err(errors) = validate_daemonset(&ds) {
        check_errors(&errors);
        invalid.push(errors);
    }
    for node in &nodes {
        if let Err(errors) = validate_node(node) {
            check_errors(&errors);
            invalid.push(errors);
        }
    }
    for pod in &pods {
        if let Err(errors) = validate_pod(pod) {
            check_errors(&errors);
            invalid.push(errors);
        }
    }
    let options = PlanOptions::new(now());
    let planned = plan(&ds, &nodes, &pods, &options).and_then(|plan| {
        for action in &plan.actions {
            let _ = action.to_string();
            if let Action::Create { node, .. } = action {
                let pod = render_pod(&ds, node, &plan.revision);
                let _ = serde_yaml::to_string(&pod);
            }
        }
        let explanations = explain(&ds, &nodes, &pods, &plan, &options)?;
        for explanation in &explanations {
            let _ = explanation.to_string();
        }
        // The preview replans the cluster once per step: keep it to small clusters.
        if nodes.len().saturating_add(pods.len()) <= 64 {
            let _ = preview_rollout(&ds, &nodes, &pods, &options, 10)?;
        }
        Ok(plan)
    });
    if let Err(error) = &planned {
        let _ = error.to_string();
    }
    Outcome::Planned { invalid, planned }
}

/// The time every pipeline run plans at: 2026-11-22T10:00:00Z.
pub fn now() -> Time {
    Time::from_unix_seconds(1_795_341_600)
        .unwrap_or_else(|| Time::from(jiff::Timestamp::UNIX_EPOCH))
}

/// A validation error must say where: every field error carries a path.
fn check_errors(errors: &ValidationErrors) {
    let _ = errors.to_string();
    assert!(!errors.errors.is_empty(), "an empty ValidationErrors");
}
