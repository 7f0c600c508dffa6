//! A short tour of the library: load a DaemonSet, its nodes and pods, plan one sync, explain
//! it node by node, and preview the rollout.
//!
//! ```text
//! cargo run --example plan
//! ```
//!
//! The command-line tool is `kubectl-dsplan` (the `cli/` crate: `cargo run` at the root).
#![allow(clippy::print_stdout)]

use daemonset_planner::{
    PlanOptions, Time, apply_defaults, explain, load_daemonset, load_nodes, load_pods, plan,
    preview_rollout, validate_daemonset,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Load: one object, a stream or a List, as `kubectl get -o yaml` prints them.
    let mut ds = load_daemonset(include_str!("data/fluentd-elasticsearch.yaml"))?;
    let nodes = load_nodes(include_str!("data/nodes.yaml"))?;
    let pods = load_pods(include_str!("data/pods.yaml"))?;

    // 2. Default and validate, as the API server does before the controller sees the object.
    apply_defaults(&mut ds);
    validate_daemonset(&ds)?;

    // 3. Plan one sync at a fixed time: the creates, deletes and status it writes.
    let options = PlanOptions::new(Time::parse("2026-11-22T10:00:00Z")?);
    let planned = plan(&ds, &nodes, &pods, &options)?;
    for action in &planned.actions {
        println!("{action}");
    }
    println!(
        "status: {} desired, {} up to date",
        planned.status.desired_number_scheduled, planned.status.updated_number_scheduled
    );

    // 4. Why, node by node.
    for node in explain(&ds, &nodes, &pods, &planned, &options)? {
        println!("{:<10} {:<8} {node}", node.node, node.decision());
    }

    // 5. The whole rollout, batch by batch, if each new pod takes 10 seconds to start.
    let rollout = preview_rollout(&ds, &nodes, &pods, &options, 10)?;
    for (i, batch) in rollout.batches.iter().enumerate() {
        println!("batch {}: {}", i.saturating_add(1), batch.nodes.join(", "));
    }
    println!("{} seconds", rollout.duration_seconds);
    Ok(())
}
