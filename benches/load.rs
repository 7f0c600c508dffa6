//! Loading a cluster dump: the small size of `examples/load_scale` (500 nodes x 30 pods, one
//! DaemonSet, as one List in JSON and in YAML) with `load_cluster` from a reader, beside the
//! parser alone (into `IgnoredAny`, from the same kind of reader); and the bundled fluentd
//! DaemonSet. `cargo run --release --example load_scale` prints the large size too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

#[path = "../examples/load_scale/dump.rs"]
mod dump;

use std::io::BufReader;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use daemonset_planner::load::{LoadOptions, load_cluster};
use daemonset_planner::load_daemonset;
use serde::Deserialize as _;

const NODES: usize = 500;

fn bench_load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    let options = LoadOptions::default();
    for (format, bytes) in [
        ("json", dump::json_dump(NODES)),
        ("yaml", dump::yaml_dump(NODES)),
    ] {
        let cluster = load_cluster(&bytes[..], &options).unwrap().objects;
        assert_eq!(cluster.pods.len(), NODES * dump::PODS_PER_NODE);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(format!("{format}/cluster/{NODES}"), |b| {
            b.iter(|| load_cluster(&bytes[..], &options).unwrap())
        });
        group.bench_function(format!("{format}/floor/{NODES}"), |b| {
            b.iter(|| {
                let reader = BufReader::with_capacity(1 << 16, &bytes[..]);
                if format == "json" {
                    let mut de = serde_json::Deserializer::from_reader(reader);
                    serde::de::IgnoredAny::deserialize(&mut de).unwrap();
                } else {
                    let mut reader = reader;
                    for document in serde_saphyr::read::<_, serde::de::IgnoredAny>(&mut reader) {
                        document.unwrap();
                    }
                }
            })
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
