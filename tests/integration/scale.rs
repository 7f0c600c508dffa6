//! Size checks, ignored by default (they take a while and want a release build):
//!
//! ```text
//! cargo test --release --test integration scale:: -- --ignored --nocapture --test-threads 1
//! ```
//!
//! A generated `NodeList` of 1,000,000 nodes loads and plans with peak memory (VmHWM, from
//! /proc/self/status) proportional to its size. The filter `scale::` runs these tests alone in
//! the test process, one at a time, so the peak is theirs.
#![cfg(feature = "yaml")]
#![allow(clippy::print_stderr)]

use std::fmt::Write as _;
use std::time::Instant;

use daemonset_planner::{PlanOptions, Time, apply_defaults, load_daemonset, load_nodes, plan};

/// A kernel memory figure of this process from /proc/self/status, in MiB (Linux only).
fn proc_status_mib(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(key))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// A `NodeList` of `count` nodes as `kubectl get nodes -o yaml` would print them (less the
/// status), with a few taints.
pub fn node_list(count: usize) -> String {
    let mut text = String::with_capacity(count * 200);
    text.push_str("apiVersion: v1\nkind: NodeList\nitems:\n");
    for i in 0..count {
        let zone = ["a", "b", "c"][i % 3];
        writeln!(
            text,
            "- metadata:\n    name: node-{i:07}\n    labels: {{kubernetes.io/hostname: \
             node-{i:07}, topology.kubernetes.io/zone: zone-{zone}}}"
        )
        .unwrap();
        if i % 10 == 0 {
            text.push_str(
                "  spec:\n    taints: [{key: dedicated, value: gpu, effect: NoSchedule}]\n",
            );
        }
    }
    text
}

const DAEMONSET: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: kube-system, uid: ds-uid}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      tolerations: [{operator: Exists}]
      containers: [{name: agent, image: registry.k8s.io/agent:v1}]
";

#[test]
#[ignore = "a million nodes: run with --release --ignored"]
fn a_million_node_list_loads_and_plans_in_memory_proportional_to_its_size() {
    const NODES: usize = 1_000_000;
    let baseline = proc_status_mib("VmRSS:").unwrap_or(0.0);
    let text = node_list(NODES);
    let input_mib = text.len() as f64 / (1024.0 * 1024.0);
    let after_text = proc_status_mib("VmHWM:").unwrap_or(0.0);

    let started = Instant::now();
    let nodes = load_nodes(&text).unwrap();
    let load_time = started.elapsed();
    let after_load = proc_status_mib("VmHWM:").unwrap_or(0.0);
    drop(text);
    assert_eq!(nodes.len(), NODES);

    let mut ds = load_daemonset(DAEMONSET).unwrap();
    apply_defaults(&mut ds);
    let now = Time::parse("2026-11-22T10:00:00Z").unwrap();
    let started = Instant::now();
    let plan = plan(&ds, &nodes, &[], &PlanOptions::new(now)).unwrap();
    let plan_time = started.elapsed();
    let after_plan = proc_status_mib("VmHWM:").unwrap_or(0.0);
    assert_eq!(plan.status.desired_number_scheduled, 1_000_000);
    assert_eq!(plan.actions.len(), 250, "the burst limit");
    assert_eq!(plan.deferred_creates, NODES - 250);

    eprintln!(
        "{NODES} nodes, {input_mib:.0} MiB of YAML: loaded in {load_time:.1?}, planned in \
         {plan_time:.1?}; peak RSS {after_text:.0} MiB with the text, {after_load:.0} MiB \
         after loading, {after_plan:.0} MiB after planning (baseline {baseline:.0} MiB)"
    );
    if after_load > 0.0 {
        let factor = (after_load - baseline) / input_mib;
        eprintln!("peak while loading: {factor:.1} x the input");
        // serde_yaml's parse events alone take about 13 times the input.
        assert!(factor < 24.0, "loading takes {factor:.1} x the input");
    }
}
