//! Manifest loading: a v1 `List` of nodes and one of pods as `kubectl get -o yaml` prints them
//! (generated clusters of 1,000 and 10,000 nodes), and the bundled fluentd DaemonSet.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod support;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use daemonset_planner::{IntOrString, load_daemonset, load_nodes, load_pods};
use serde::Serialize;
use support::Scenario;

/// `items` as a v1 List in YAML, each item with its apiVersion and kind.
fn list_yaml<T: Serialize>(kind: &str, items: &[T]) -> String {
    let items: Vec<serde_json::Value> = items
        .iter()
        .map(|item| {
            let mut value = serde_json::to_value(item).unwrap();
            value["apiVersion"] = "v1".into();
            value["kind"] = kind.into();
            value
        })
        .collect();
    serde_yaml::to_string(&serde_json::json!({
        "apiVersion": "v1",
        "kind": "List",
        "items": items,
    }))
    .unwrap()
}

fn bench_load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    for &size in &[1_000usize, 10_000] {
        let nodes = support::nodes(size);
        let ds = support::daemon_set(true, IntOrString::Int(1));
        let pods = support::pods(&ds, &nodes, Scenario::Steady);
        let nodes_yaml = list_yaml("Node", &nodes);
        let pods_yaml = list_yaml("Pod", &pods);
        assert_eq!(load_nodes(&nodes_yaml).unwrap().len(), size);
        assert_eq!(load_pods(&pods_yaml).unwrap().len(), size);
        group.throughput(Throughput::Elements(size as u64));
        group.bench_with_input(BenchmarkId::new("nodes", size), &size, |b, _| {
            b.iter(|| load_nodes(&nodes_yaml).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("pods", size), &size, |b, _| {
            b.iter(|| load_pods(&pods_yaml).unwrap())
        });
    }
    let fluentd = include_str!("../examples/data/fluentd-elasticsearch.yaml");
    group.throughput(Throughput::Elements(1));
    group.bench_function("daemonset/fluentd", |b| {
        b.iter(|| load_daemonset(fluentd).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench_load);
criterion_main!(benches);
