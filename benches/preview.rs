//! The rollout preview of a 1,000-node rollout with maxUnavailable 10%.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects
)]

mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use daemonset_planner::{IntOrString, PlanOptions, preview_rollout};
use support::Scenario;

fn bench_preview(c: &mut Criterion) {
    let nodes = support::nodes(1_000);
    let ds = support::daemon_set(true, IntOrString::String("10%".into()));
    // Every pod is of the old revision: the whole rollout is ahead.
    let pods = support::pods(&ds, &nodes, Scenario::Steady);
    let options = PlanOptions::new(support::now()).with_revision("rev-next");
    let mut group = c.benchmark_group("preview");
    group.sample_size(10);
    group.bench_function("1000-nodes-10pct", |b| {
        b.iter(|| {
            let preview = preview_rollout(&ds, &nodes, &pods, &options, 10).unwrap();
            assert!(preview.finishes);
            preview
        })
    });
    group.finish();
}

criterion_group!(benches, bench_preview);
criterion_main!(benches);
