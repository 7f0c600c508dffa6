//! Full plans over generated clusters: steady state, fresh, mid-rollout and churned, with and
//! without the six-term NotIn affinity.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    clippy::arithmetic_side_effects
)]

mod support;

#[global_allocator]
static GLOBAL: support::CountingAllocator = support::CountingAllocator;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use daemonset_planner::{IntOrString, PlanOptions, plan};
use support::Scenario;

fn bench_plan(c: &mut Criterion) {
    let mut group = c.benchmark_group("plan");
    group.sample_size(10);
    for &size in &[1_000usize, 10_000, 100_000] {
        let nodes = support::nodes(size);
        // The input-scan floor over the steady-state cluster, in the same run as the plans.
        let steady_pods = support::pods(
            &support::daemon_set(true, IntOrString::Int(1)),
            &nodes,
            Scenario::Steady,
        );
        group.throughput(Throughput::Elements(size as u64));
        group.bench_with_input(BenchmarkId::new("floor", size), &size, |b, _| {
            b.iter(|| support::floor(&nodes, &steady_pods))
        });
        for &(affinity, label) in &[(false, "plain"), (true, "notin6")] {
            let ds = support::daemon_set(affinity, IntOrString::Int(1));
            for scenario in [
                Scenario::Steady,
                Scenario::Fresh,
                Scenario::MidRollout,
                Scenario::Churned,
            ] {
                let pods = support::pods(&ds, &nodes, scenario);
                let options = PlanOptions::new(support::now()).with_revision(support::REVISION);
                group.throughput(Throughput::Elements(size as u64));
                let before = support::allocations();
                drop(plan(&ds, &nodes, &pods, &options).unwrap());
                let allocs = support::allocations() - before;
                eprintln!(
                    "plan/{label}/{scenario:?}/{size}: allocs_per_node={:.4}",
                    allocs as f64 / size as f64
                );
                let id = BenchmarkId::new(format!("{label}/{scenario:?}"), size);
                group.bench_with_input(id, &size, |b, _| {
                    b.iter(|| plan(&ds, &nodes, &pods, &options).unwrap())
                });
            }
        }
    }
    group.finish();
}

criterion_group!(benches, bench_plan);
criterion_main!(benches);
