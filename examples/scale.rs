//! Plan cost against the input-scan floor at 10,000, 100,000 and 1,000,000 nodes, and the cost
//! of one event on an incremental [`Planner`] against a full plan.
//!
//! Prints two lines per size and nothing else on stdout (tooling reads them):
//! `nodes=N plan_ns_per_node=X floor_ns_per_node=Y ratio=X/Y allocs_per_node=Z`
//! `nodes=N event_ns=X full_plan_ns=Y`
//!
//! and, per size, one line per mode beyond the plain DaemonSet, both mid-rollout (half the
//! pods of the previous revision):
//! `nodes=N mode=kruise-partition event_ns=X` (an Advanced DaemonSet with a partition of 100)
//! `nodes=N mode=zone-budget event_ns=X` (a zone budget of 2% on an apps/v1 DaemonSet)
//!
//! `event_ns` is the median cost of one node or pod event (a pod turning unready or ready, a
//! node tainted or untainted, a pod or node deleted or added back) plus
//! [`Planner::plan_delta`]; `full_plan_ns` is the median cost of one [`plan`] of the same
//! cluster. How long building the planner takes, against a full plan of objects just copied
//! (as the planner is built from objects just copied), goes to stderr, and so does the size of
//! each mode's plan (`actions`, budget `used`, `held` and `waiting` nodes): a plan moves the
//! actions and nodes that did not change from the previous plan, so a mode's event cost
//! follows what changed and, by a comparison each, the size of its plan; not the size of the
//! cluster.
//!
//! The floor is a plain loop that touches what any plan must read at least once: each node's
//! name, labels and taints, and each pod's owner references, node name and phase. Plan and floor
//! are measured in the same run, as the median of several repetitions. Run with `--release`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

#[path = "../benches/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::Instant;

use daemonset_planner::model::PodCondition;
use daemonset_planner::{
    DaemonSet, IntOrString, Node, PlanOptions, Planner, Pod, Taint, TaintEffect, TopologyBudget,
    plan,
};

#[global_allocator]
static GLOBAL: support::CountingAllocator = support::CountingAllocator;

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[samples.len() / 2]
}

fn main() {
    // SCALE_SIZES=10000,20000 measures other sizes (for profiling); the default is the contract.
    let sizes: Vec<usize> = std::env::var("SCALE_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000, 1_000_000]);
    for &size in &sizes {
        let nodes = support::nodes(size);
        let ds = support::daemon_set(true, IntOrString::Int(1));
        let pods = support::pods(&ds, &nodes, support::Scenario::Steady);
        let options = PlanOptions::new(support::now()).with_revision(support::REVISION);
        // Small sizes take many samples: their floor is a few milliseconds and the most noisy.
        let reps = match size {
            0..=20_000 => 101,
            20_001..=200_000 => 21,
            _ => 5,
        };
        let mut plan_ns = Vec::new();
        let mut floor_ns = Vec::new();
        let mut allocs = u64::MAX;
        for _ in 0..reps {
            let start = Instant::now();
            black_box(support::floor(black_box(&nodes), black_box(&pods)));
            floor_ns.push(start.elapsed().as_nanos() as f64 / size as f64);

            let before = support::allocations();
            let start = Instant::now();
            let result = black_box(plan(black_box(&ds), &nodes, &pods, &options).unwrap());
            plan_ns.push(start.elapsed().as_nanos() as f64 / size as f64);
            allocs = allocs.min(support::allocations() - before);
            drop(result);
        }
        let (p, f) = (median(plan_ns), median(floor_ns));
        println!(
            "nodes={size} plan_ns_per_node={p:.1} floor_ns_per_node={f:.1} ratio={:.2} allocs_per_node={:.4}",
            p / f,
            allocs as f64 / size as f64
        );
        let full_plan_ns = p * size as f64;
        let (planner, build_ns, cold_plan_ns) = build(&ds, nodes, pods, &options, size);
        eprintln!(
            "nodes={size} build_ns={build_ns:.0} cold_full_plan_ns={cold_plan_ns:.0} build_over_full_plan={:.2}",
            build_ns / cold_plan_ns
        );
        let event_ns = events(planner, size, 2_000);
        println!("nodes={size} event_ns={event_ns:.0} full_plan_ns={full_plan_ns:.0}");

        for (mode, ds, options) in modes(&options) {
            let nodes = support::nodes(size);
            let pods = support::pods(&ds, &nodes, support::Scenario::MidRollout);
            let first = plan(&ds, &nodes, &pods, &options).unwrap();
            let step = first.rolling_update.as_ref();
            if let Some(daemonset_planner::RollingUpdateStep::Batch(batch)) = step {
                eprintln!(
                    "nodes={size} mode={mode} actions={} used={} held={} waiting={}",
                    first.actions.len(),
                    batch.used.len(),
                    batch.held.len(),
                    batch.waiting
                );
            } else {
                eprintln!("nodes={size} mode={mode} step={step:?}");
            }
            let planner = Planner::new(ds, nodes, pods, options).unwrap();
            // Fewer rounds where events may cost as much as a plan.
            let rounds = (2_000_000 / size).clamp(2, 2_000);
            let event_ns = events(planner, size, rounds);
            println!("nodes={size} mode={mode} event_ns={event_ns:.0}");
        }
    }
}

/// The modes beyond the plain DaemonSet, mid-rollout: an Advanced DaemonSet with a partition,
/// and a zone budget on an apps/v1 DaemonSet.
fn modes(options: &PlanOptions) -> Vec<(&'static str, DaemonSet, PlanOptions)> {
    let mut kruise = support::daemon_set(true, IntOrString::from("10%"));
    kruise.api_version = "apps.kruise.io/v1beta1".into();
    if let Some(rolling) = kruise.spec.update_strategy.rolling_update.as_mut() {
        rolling.partition = Some(IntOrString::Int(100));
    }
    let zoned = support::daemon_set(true, IntOrString::from("10%"));
    let budget = TopologyBudget::new("topology.kubernetes.io/zone", IntOrString::from("2%"));
    vec![
        ("kruise-partition", kruise, options.clone()),
        (
            "zone-budget",
            zoned,
            options.clone().with_topology_budget(budget),
        ),
    ]
}

/// Builds the planner from a fresh copy of the cluster, and makes one full plan from another
/// fresh copy, a few times below a million nodes (once at a million); returns the last planner
/// and the median build and plan times. Both start from objects just copied, so they meet the
/// same caches.
fn build(
    ds: &daemonset_planner::DaemonSet,
    nodes: Vec<Node>,
    pods: Vec<Pod>,
    options: &PlanOptions,
    size: usize,
) -> (Planner, f64, f64) {
    let reps = if size >= 1_000_000 { 1 } else { 5 };
    let (mut builds, mut plans) = (Vec::new(), Vec::new());
    for _ in 1..reps {
        let (nodes, pods) = (nodes.clone(), pods.clone());
        let start = Instant::now();
        black_box(plan(ds, &nodes, &pods, options).unwrap());
        plans.push(start.elapsed().as_nanos() as f64);
        let (nodes, pods) = (nodes.clone(), pods.clone());
        let start = Instant::now();
        let planner = black_box(Planner::new(ds.clone(), nodes, pods, options.clone()).unwrap());
        builds.push(start.elapsed().as_nanos() as f64);
        drop(planner);
    }
    let start = Instant::now();
    black_box(plan(ds, &nodes, &pods, options).unwrap());
    plans.push(start.elapsed().as_nanos() as f64);
    let start = Instant::now();
    let planner = Planner::new(ds.clone(), nodes, pods, options.clone()).unwrap();
    builds.push(start.elapsed().as_nanos() as f64);
    (planner, median(builds), median(plans))
}

/// The median cost of one event plus the plan delta, over a mix of node and pod events spread
/// over the cluster, each undone by the next event of its kind.
fn events(mut planner: Planner, size: usize, rounds: usize) -> f64 {
    let mut first = planner.plan_delta().unwrap();
    assert!(first.changed);
    first = planner.plan_delta().unwrap();
    assert!(!first.changed);
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut pick = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % size as u64) as usize
    };
    let mut samples = Vec::with_capacity(rounds * 8);
    let mut time = |planner: &mut Planner, event: &mut dyn FnMut(&mut Planner)| {
        let start = Instant::now();
        event(planner);
        black_box(planner.plan_delta().unwrap());
        samples.push(start.elapsed().as_nanos() as f64);
    };
    for _ in 0..rounds {
        // A pod turns unready, then ready again.
        let name = format!("node-exporter-{:06x}", pick());
        let pod = planner.pod(&name).unwrap().clone();
        let mut unready = pod.clone();
        unready.status.conditions = vec![PodCondition {
            type_: "Ready".into(),
            status: "False".into(),
            ..Default::default()
        }];
        time(&mut planner, &mut |p| p.apply_pod(unready.clone()));
        time(&mut planner, &mut |p| p.apply_pod(pod.clone()));
        // A node is tainted NoExecute (its pod goes), then untainted.
        let name = format!("node-{}", pick());
        let node = planner.node(&name).unwrap().clone();
        let mut tainted = node.clone();
        tainted.spec.taints.push(Taint::new(
            "example.com/maintenance",
            TaintEffect::NoExecute,
        ));
        time(&mut planner, &mut |p| p.apply_node(tainted.clone()));
        time(&mut planner, &mut |p| p.apply_node(node.clone()));
        // A pod is deleted (the node needs one), then comes back.
        let name = format!("node-exporter-{:06x}", pick());
        let pod = planner.pod(&name).unwrap().clone();
        let namespace = pod.metadata.namespace.clone();
        time(&mut planner, &mut |p| {
            p.delete_pod(&namespace, &name);
        });
        time(&mut planner, &mut |p| p.apply_pod(pod.clone()));
        // A node is deleted (its pod is then aimed at a vanished node), then comes back.
        let name = format!("node-{}", pick());
        let node = planner.node(&name).unwrap().clone();
        time(&mut planner, &mut |p| {
            p.delete_node(&name);
        });
        time(&mut planner, &mut |p| p.apply_node(node.clone()));
    }
    assert!(!planner.plan_delta().unwrap().changed);
    median(samples)
}
