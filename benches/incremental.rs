//! One event on an incremental `Planner`, plus the plan delta it makes, at 10,000, 100,000 and
//! 1,000,000 nodes (steady clusters with the six-term NotIn affinity and minReadySeconds, so
//! that time steps have availability to check): a pod turning unready and ready, a node tainted
//! and untainted, a pod or a node deleted and added back, the time moving by a second, and (at
//! the two smaller sizes) a template change, which recomputes every node's placement.
//!
//! Each iteration is one event and `plan_delta`; the next iteration undoes it, so the cluster
//! stays as it was. Set `INCREMENTAL_BENCH_SIZES=10000,100000` to leave sizes out.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects
)]

mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use daemonset_planner::model::PodCondition;
use daemonset_planner::{IntOrString, PlanOptions, Planner, Taint, TaintEffect, Time, Toleration};

fn sizes() -> Vec<usize> {
    std::env::var("INCREMENTAL_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000, 1_000_000])
}

fn bench_events(c: &mut Criterion) {
    let mut group = c.benchmark_group("incremental");
    group.sample_size(20);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    for size in sizes() {
        let nodes = support::nodes(size);
        let mut ds = support::daemon_set(true, IntOrString::Int(1));
        ds.spec.min_ready_seconds = 30;
        let pods = support::pods(&ds, &nodes, support::Scenario::Steady);
        let options = PlanOptions::new(support::now()).with_revision(support::REVISION);
        let mut planner = Planner::new(ds.clone(), nodes, pods, options).unwrap();
        planner.plan_delta().unwrap();
        let middle = size / 2 + 3;

        let pod_name = format!("node-exporter-{middle:06x}");
        let ready = planner.pod(&pod_name).unwrap().clone();
        let mut unready = ready.clone();
        unready.status.conditions = vec![PodCondition {
            type_: "Ready".into(),
            status: "False".into(),
            ..Default::default()
        }];
        let mut flip = false;
        group.bench_function(BenchmarkId::new("pod_updated", size), |b| {
            b.iter(|| {
                flip = !flip;
                planner.apply_pod(if flip { unready.clone() } else { ready.clone() });
                black_box(planner.plan_delta().unwrap())
            })
        });

        let node_name = format!("node-{middle}");
        let node = planner.node(&node_name).unwrap().clone();
        let mut tainted = node.clone();
        tainted.spec.taints.push(Taint::new(
            "example.com/maintenance",
            TaintEffect::NoExecute,
        ));
        let mut flip = false;
        group.bench_function(BenchmarkId::new("node_updated", size), |b| {
            b.iter(|| {
                flip = !flip;
                planner.apply_node(if flip { tainted.clone() } else { node.clone() });
                black_box(planner.plan_delta().unwrap())
            })
        });

        let namespace = ready.metadata.namespace.clone();
        let mut flip = false;
        group.bench_function(BenchmarkId::new("pod_deleted_or_added", size), |b| {
            b.iter(|| {
                flip = !flip;
                if flip {
                    planner.delete_pod(&namespace, &pod_name);
                } else {
                    planner.apply_pod(ready.clone());
                }
                black_box(planner.plan_delta().unwrap())
            })
        });

        let mut flip = false;
        group.bench_function(BenchmarkId::new("node_deleted_or_added", size), |b| {
            b.iter(|| {
                flip = !flip;
                if flip {
                    planner.delete_node(&node_name);
                } else {
                    planner.apply_node(node.clone());
                }
                black_box(planner.plan_delta().unwrap())
            })
        });

        let start = planner.now().unix_seconds();
        let mut flip = false;
        group.bench_function(BenchmarkId::new("time_advanced", size), |b| {
            b.iter(|| {
                flip = !flip;
                let now = Time::from_unix_seconds(start + i64::from(flip)).unwrap();
                planner.set_now(now);
                black_box(planner.plan_delta().unwrap())
            })
        });
        planner.set_now(Time::from_unix_seconds(start).unwrap());

        if size <= 100_000 {
            let mut tolerant = ds.clone();
            tolerant
                .spec
                .template
                .spec
                .tolerations
                .push(Toleration::exists(
                    "example.com/maintenance",
                    TaintEffect::NoExecute,
                ));
            let mut flip = false;
            group.bench_function(BenchmarkId::new("daemonset_spec_changed", size), |b| {
                b.iter(|| {
                    flip = !flip;
                    planner.set_daemon_set(if flip { tolerant.clone() } else { ds.clone() });
                    black_box(planner.plan_delta().unwrap())
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_events);
criterion_main!(benches);
