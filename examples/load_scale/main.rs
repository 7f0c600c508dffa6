//! Loading at cluster scale, against a floor: `cargo run --release --example load_scale`.
//!
//! Generates, in process, dumps shaped like `shared/tools/cluster_dump.py`'s (EKS-style nodes
//! with 40 cached images each, 30 pods per node with containers, volumes and statuses, one
//! DaemonSet), as one `kubectl get nodes,pods,daemonsets -A` List in JSON and in YAML, for
//! 500 and 5,000 nodes. For each it times [`load_cluster`] from a reader and the floor: the
//! same parser reading the same bytes from the same kind of reader into
//! `serde::de::IgnoredAny` (the parser's own cost, with no model), and measures the peak heap
//! of the load above what was allocated before it (the input text excluded) with a counting
//! allocator. One line per size and format:
//!
//! `format=F nodes=N pods=P bytes=B load_ns=X floor_ns=Y ratio=X/Y peak_heap_bytes=H heap_over_input=H/B`
//!
//! `load_scale 500` runs the small size only; `load_scale 5000 json` one size and format;
//! `load_scale FILE...` loads and plans files as the CLI does (see [`load_files`]).
// A counting global allocator needs `unsafe impl GlobalAlloc`; it only forwards to the system
// allocator and counts.
#![allow(unsafe_code)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufReader, Write as _};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use daemonset_planner::load::{LoadOptions, load_cluster};
use serde::Deserialize as _;

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call forwards to `System` with the caller's arguments unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grow(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
            grow(new_size);
        }
        new
    }
}

fn grow(size: usize) {
    let now = IN_USE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

mod dump;

use dump::{PODS_PER_NODE, json_dump, saphyr_options, yaml_dump};

/// The parser alone, from the same kind of reader as the loader uses.
fn floor(format: &str, bytes: &[u8]) {
    let reader = BufReader::with_capacity(1 << 16, bytes);
    if format == "json" {
        let mut de = serde_json::Deserializer::from_reader(reader);
        serde::de::IgnoredAny::deserialize(&mut de).unwrap();
        de.end().unwrap();
    } else {
        let mut reader = reader;
        for document in serde_saphyr::read_with_options::<_, serde::de::IgnoredAny>(
            &mut reader,
            saphyr_options(),
        ) {
            document.unwrap();
        }
    }
}

/// `load_scale N serde_yaml`: serde_yaml 0.9 (the former backend) reading the YAML dump into
/// `IgnoredAny`, for the choice of backend: its time and peak heap, beside serde-saphyr's.
fn serde_yaml_floor(nodes: usize) {
    let bytes = yaml_dump(nodes);
    let before = IN_USE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let started = Instant::now();
    for document in serde_yaml::Deserializer::from_reader(BufReader::new(&bytes[..])) {
        serde::de::IgnoredAny::deserialize(document).unwrap();
    }
    let floor_ns = started.elapsed().as_nanos();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    let len = bytes.len();
    println!(
        "format=yaml parser=serde_yaml nodes={nodes} bytes={len} floor_ns={floor_ns} \
         peak_heap_bytes={peak} heap_over_input={:.3}",
        peak as f64 / len as f64
    );
}

fn measure(format: &str, nodes: usize) {
    if format == "serde_yaml" {
        serde_yaml_floor(nodes);
        return;
    }
    let bytes = if format == "json" {
        json_dump(nodes)
    } else {
        yaml_dump(nodes)
    };
    let pods = nodes * PODS_PER_NODE;
    let options = LoadOptions::default();
    // The fastest of a few runs each, alternating, on a shared machine.
    let runs = if nodes >= 5000 { 2 } else { 5 };
    let mut load_ns = u128::MAX;
    let mut floor_ns = u128::MAX;
    let mut peak = 0usize;
    for _ in 0..runs {
        let started = Instant::now();
        floor(format, &bytes);
        floor_ns = floor_ns.min(started.elapsed().as_nanos());

        let before = IN_USE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let started = Instant::now();
        let cluster = load_cluster(&bytes[..], &options).unwrap().objects;
        load_ns = load_ns.min(started.elapsed().as_nanos());
        peak = peak.max(PEAK.load(Ordering::Relaxed) - before);
        assert_eq!((cluster.nodes.len(), cluster.pods.len()), (nodes, pods));
        assert_eq!(cluster.daemon_sets.len(), 1);
        drop(cluster);
    }
    let len = bytes.len();
    println!(
        "format={format} nodes={nodes} pods={pods} bytes={len} load_ns={load_ns} floor_ns={floor_ns} \
         ratio={:.3} peak_heap_bytes={peak} heap_over_input={:.3}",
        load_ns as f64 / floor_ns as f64,
        peak as f64 / len as f64
    );
    std::io::stdout().flush().unwrap();
}

/// `load_scale FILE...`: loads the files as the CLI does (each with [`load_cluster`] from the
/// file), plans the one DaemonSet, and prints how long each step took; run under
/// `/usr/bin/time -v` for the peak RSS.
fn load_files(files: &[String]) {
    let started = Instant::now();
    let options = LoadOptions::default();
    let (mut daemon_sets, mut nodes, mut pods) = (Vec::new(), Vec::new(), Vec::new());
    for file in files {
        let reader = std::fs::File::open(file).unwrap();
        let cluster = load_cluster(reader, &options).unwrap().objects;
        daemon_sets.extend(cluster.daemon_sets);
        nodes.extend(cluster.nodes);
        pods.extend(cluster.pods);
    }
    let loaded = started.elapsed();
    let mut ds = daemon_sets.pop().expect("a DaemonSet");
    daemonset_planner::apply_defaults(&mut ds);
    let now = daemonset_planner::Time::parse("2026-12-01T00:00:00Z").unwrap();
    let plan = daemonset_planner::plan(
        &ds,
        &nodes,
        &pods,
        &daemonset_planner::PlanOptions::new(now),
    )
    .unwrap();
    println!(
        "nodes={} pods={} load_ms={} plan_ms={} actions={} peak_heap_bytes={}",
        nodes.len(),
        pods.len(),
        loaded.as_millis(),
        (started.elapsed() - loaded).as_millis(),
        plan.actions.len(),
        PEAK.load(Ordering::Relaxed)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args
        .first()
        .is_some_and(|arg| arg.parse::<usize>().is_err())
    {
        load_files(&args);
        return;
    }
    let sizes: Vec<usize> = match std::env::args().nth(1) {
        Some(size) => vec![size.parse().expect("a number of nodes")],
        None => vec![500, 5000],
    };
    let formats: Vec<String> = match std::env::args().nth(2) {
        Some(format) => vec![format],
        None => vec!["json".to_owned(), "yaml".to_owned()],
    };
    for nodes in sizes {
        for format in &formats {
            measure(format, nodes);
        }
    }
}
