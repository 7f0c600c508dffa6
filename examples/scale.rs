//! Plan cost against the input-scan floor at 10,000, 100,000 and 1,000,000 nodes.
//!
//! Prints one line per size and nothing else on stdout (tooling reads it):
//! `nodes=N plan_ns_per_node=X floor_ns_per_node=Y ratio=X/Y allocs_per_node=Z`
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

use daemonset_planner::{IntOrString, PlanOptions, plan};

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
        let reps = if size >= 1_000_000 { 5 } else { 11 };
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
    }
}
