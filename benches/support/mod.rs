//! Generated clusters for benchmarks and the `scale` example: nodes named `node-N` with
//! hostname, zone and region labels, a few percent tainted, and DaemonSets with or without the
//! six-term NotIn exclusion affinity most clusters run.
#![allow(
    dead_code,
    unsafe_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use daemonset_planner::model::{
    Affinity, NodeAffinity, NodeSelector, NodeSelectorOperator, NodeSelectorRequirement,
    NodeSelectorTerm, OwnerReference, PodCondition, PodPhase,
};
use daemonset_planner::{
    DaemonSet, IntOrString, LabelSelector, Node, Pod, Taint, TaintEffect, Time, apply_defaults,
};

/// What state the pods are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Every eligible node runs one ready pod of the current revision.
    Steady,
    /// No pods at all.
    Fresh,
    /// Half the pods are of the previous revision.
    MidRollout,
    /// Steady, but 1% of the nodes were replaced: their pods point at vanished nodes.
    Churned,
}

pub const REVISION: &str = "rev-new";
pub const OLD_REVISION: &str = "rev-old";

pub fn now() -> Time {
    Time::parse("2026-11-22T12:00:00Z").unwrap()
}

pub fn daemon_set(with_affinity: bool, max_unavailable: IntOrString) -> DaemonSet {
    let mut ds = DaemonSet::default();
    ds.metadata.name = "node-exporter".into();
    ds.metadata.namespace = "monitoring".into();
    ds.metadata.uid = "5b1f0c9e-2d4a-4e8b-9f61-7a3c2e1d0b9a".into();
    ds.metadata.generation = Some(3);
    let labels: daemonset_planner::model::Labels = [(
        "app.kubernetes.io/name".to_string(),
        "node-exporter".to_string(),
    )]
    .into();
    ds.spec.selector = Some(LabelSelector {
        match_labels: labels.clone(),
        ..Default::default()
    });
    ds.spec.template.metadata.labels = labels;
    if with_affinity {
        let keys = [
            "example.com/papaya",
            "example.com/virtual-kubelet",
            "example.com/fargate",
            "example.com/windows-build",
            "example.com/gpu-isolated",
            "example.com/edge-gateway",
        ];
        let expressions = keys
            .iter()
            .map(|key| NodeSelectorRequirement {
                key: (*key).into(),
                operator: NodeSelectorOperator::NotIn,
                values: vec!["true".into()],
            })
            .collect();
        ds.spec.template.spec.affinity = Some(Affinity {
            node_affinity: Some(NodeAffinity {
                required: Some(NodeSelector {
                    node_selector_terms: vec![NodeSelectorTerm {
                        match_expressions: expressions,
                        match_fields: Vec::new(),
                    }],
                }),
                preferred: Vec::new(),
            }),
            other: Default::default(),
        });
    }
    ds.spec.update_strategy.rolling_update =
        Some(daemonset_planner::model::RollingUpdateDaemonSet {
            max_unavailable: Some(max_unavailable),
            ..Default::default()
        });
    apply_defaults(&mut ds);
    ds
}

pub fn nodes(count: usize) -> Vec<Node> {
    (0..count)
        .map(|i| {
            let mut node = Node::default();
            let name = format!("node-{i}");
            node.metadata.labels = [
                ("kubernetes.io/hostname".to_string(), name.clone()),
                ("kubernetes.io/os".to_string(), "linux".to_string()),
                ("kubernetes.io/arch".to_string(), "amd64".to_string()),
                (
                    "topology.kubernetes.io/zone".to_string(),
                    format!("eu-west-1{}", ["a", "b", "c"][i % 3]),
                ),
                (
                    "topology.kubernetes.io/region".to_string(),
                    "eu-west-1".to_string(),
                ),
                (
                    "node.kubernetes.io/instance-type".to_string(),
                    "m6i.xlarge".to_string(),
                ),
            ]
            .into();
            node.metadata.name = name;
            // A few percent carry taints: cordoned, under memory pressure, or dedicated.
            match i % 50 {
                7 => node.spec.taints.push(Taint::new(
                    "node.kubernetes.io/unschedulable",
                    TaintEffect::NoSchedule,
                )),
                19 => node.spec.taints.push(Taint::new(
                    "node.kubernetes.io/memory-pressure",
                    TaintEffect::NoSchedule,
                )),
                33 => node.spec.taints.push(Taint {
                    key: "dedicated".into(),
                    value: "ingress".into(),
                    effect: TaintEffect::PreferNoSchedule,
                    time_added: None,
                }),
                _ => {}
            }
            node
        })
        .collect()
}

pub fn pods(ds: &DaemonSet, nodes: &[Node], scenario: Scenario) -> Vec<Pod> {
    if scenario == Scenario::Fresh {
        return Vec::new();
    }
    let created = Time::parse("2026-11-01T00:00:00Z").unwrap();
    let owner = OwnerReference {
        api_version: "apps/v1".into(),
        kind: "DaemonSet".into(),
        name: ds.metadata.name.clone(),
        uid: ds.metadata.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    };
    nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let mut pod = Pod::default();
            pod.metadata.name = format!("node-exporter-{i:06x}");
            pod.metadata.namespace = ds.metadata.namespace.clone();
            pod.metadata.creation_timestamp = Some(created);
            pod.metadata.owner_references = vec![owner.clone()];
            let mut labels = ds.spec.template.metadata.labels.clone();
            let old = scenario == Scenario::MidRollout && i % 2 == 0;
            labels.insert(
                "controller-revision-hash".into(),
                if old { OLD_REVISION } else { REVISION }.into(),
            );
            pod.metadata.labels = labels;
            pod.spec.node_name = if scenario == Scenario::Churned && i % 100 == 42 {
                format!("node-gone-{i}")
            } else {
                node.metadata.name.clone()
            };
            pod.status.phase = Some(PodPhase::Running);
            pod.status.conditions = vec![PodCondition {
                type_: "Ready".into(),
                status: "True".into(),
                last_transition_time: Some(created),
                ..Default::default()
            }];
            pod
        })
        .collect()
}

/// Touches each node's name, labels and taints and each pod's owner references, node name and
/// phase once, as tightly as a loop can.
pub fn floor(nodes: &[Node], pods: &[Pod]) -> u64 {
    let mut acc = 0u64;
    for node in nodes {
        acc = acc.wrapping_add(u64::from(
            node.metadata.name.as_bytes().last().copied().unwrap_or(0),
        ));
        for (key, value) in &node.metadata.labels {
            let k = key.as_bytes().first().copied().unwrap_or(0);
            let v = value.as_bytes().first().copied().unwrap_or(0);
            acc = acc.wrapping_add(u64::from(k ^ v));
        }
        acc = acc.wrapping_add(node.spec.taints.len() as u64);
    }
    for pod in pods {
        for owner in &pod.metadata.owner_references {
            acc = acc.wrapping_add(u64::from(
                owner.uid.as_bytes().first().copied().unwrap_or(0),
            ));
        }
        acc = acc.wrapping_add(u64::from(
            pod.spec.node_name.as_bytes().last().copied().unwrap_or(0),
        ));
        acc = acc.wrapping_add(u64::from(pod.status.phase.is_some()));
    }
    acc
}

/// Counts heap allocations; a bench or example installs it with `#[global_allocator]` to report
/// allocations per node beside its timings.
pub struct CountingAllocator;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

/// Heap allocations (and reallocations) so far.
pub fn allocations() -> u64 {
    ALLOCATIONS.load(Ordering::Relaxed)
}

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}
