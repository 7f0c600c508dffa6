//! Incremental planning against planning from scratch: random clusters, then hundreds of random
//! events (nodes and pods added, changed and deleted, DaemonSet spec, selector and status
//! changes, new revisions, time going forward and back); after each event the [`Planner`]'s plan
//! must equal [`plan`] over the same objects, value for value, and its delta must be the
//! difference of the two plans.
//!
//! The generators of clusters are those of `tests/properties.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use std::collections::BTreeMap;

use daemonset_planner::{
    Affinity, DaemonSet, DaemonSetStatus, FailedPodBackoff, IntOrString, LabelSelector,
    LabelSelectorOperator, LabelSelectorRequirement, Node, NodeAffinity, NodeSelector,
    NodeSelectorOperator, NodeSelectorRequirement, NodeSelectorTerm, OwnerReference, Plan,
    PlanDelta, PlanError, PlanOptions, Planner, Pod, PodCondition, PodPhase,
    RollingUpdateDaemonSet, Taint, TaintEffect, Time, Toleration, TolerationOperator,
    UpdateStrategyType, apply_defaults, plan,
};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Clusters (as in tests/properties.rs)
// ---------------------------------------------------------------------------------------------

const NOW_SECONDS: i64 = 1_700_000_000;
const DS_NAME: &str = "ds";
const DS_UID: &str = "ds-uid";
const NAMESPACE: &str = "default";
const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";
const HASH_LABEL: &str = "controller-revision-hash";
const ZONES: [&str; 3] = ["zone-a", "zone-b", "zone-c"];

fn now() -> Time {
    Time::from_unix_seconds(NOW_SECONDS).unwrap()
}

fn at(offset: i64) -> Time {
    Time::from_unix_seconds(NOW_SECONDS + offset).unwrap()
}

fn options() -> PlanOptions {
    PlanOptions::new(now()).with_revision("new")
}

// ---------------------------------------------------------------------------------------------
// Generators: plain descriptions first, objects built from them
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TaintKind {
    ControlPlane,
    NotReady,
    DedicatedGpu,
    Unschedulable,
    PreferNoSchedule,
}

#[derive(Debug, Clone)]
struct NodeGen {
    zone: usize,
    /// `Some(true)` = `disk: ssd`, `Some(false)` = `disk: hdd`.
    disk: Option<bool>,
    taints: Vec<TaintKind>,
}

#[derive(Debug, Clone, Copy)]
enum AffinityGen {
    None,
    NotInZoneA,
    InZonesBC,
}

#[derive(Debug, Clone, Copy)]
enum TolerationGen {
    None,
    ControlPlane,
    DedicatedGpu,
    Both,
    Everything,
}

#[derive(Debug, Clone)]
enum StrategyGen {
    MaxUnavailable(IntOrString),
    /// maxSurge, with maxUnavailable 0.
    MaxSurge(IntOrString),
    OnDelete,
}

#[derive(Debug, Clone)]
struct DsGen {
    ssd_only: bool,
    affinity: AffinityGen,
    tolerations: TolerationGen,
    strategy: StrategyGen,
    min_ready_seconds: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OwnerGen {
    /// Controlled by the DaemonSet, labels matching.
    Ours,
    /// No controller, labels matching: adopted.
    Orphan,
    /// Controlled by another DaemonSet (another uid): never touched.
    Other,
    /// Controlled by the DaemonSet but its labels no longer match: released.
    OursMismatch,
}

#[derive(Debug, Clone)]
struct PodGen {
    phase: PodPhase,
    ready: bool,
    /// Seconds since the Ready condition last changed.
    ready_age: i64,
    terminating: bool,
    new_revision: bool,
    owner: OwnerGen,
    /// Creation order: ranks of these keys give distinct creation timestamps.
    order_key: u32,
}

#[derive(Debug, Clone, Copy)]
enum ExtraGen {
    /// Unscheduled, aimed at an existing node (index taken modulo the node count).
    Aimed(usize),
    /// Scheduled on a node that no longer exists.
    VanishedScheduled(u8),
    /// Unscheduled, aimed at a node that no longer exists.
    VanishedAimed(u8),
}

/// Which update strategies a cluster strategy may produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StrategyMode {
    Any,
    /// OnDelete, or RollingUpdate with every pod of revision `new`.
    SettlesWithoutRollout,
    RollingNoSurge,
    RollingSurge,
}

#[derive(Debug, Clone)]
struct Cluster {
    ds: DaemonSet,
    nodes: Vec<Node>,
    pods: Vec<Pod>,
}

fn taint_kind() -> impl Strategy<Value = TaintKind> {
    prop_oneof![
        Just(TaintKind::ControlPlane),
        Just(TaintKind::NotReady),
        Just(TaintKind::DedicatedGpu),
        Just(TaintKind::Unschedulable),
        Just(TaintKind::PreferNoSchedule),
    ]
}

fn node_gen() -> impl Strategy<Value = NodeGen> {
    let taints = prop_oneof![
        6 => Just(Vec::new()),
        3 => prop::collection::vec(taint_kind(), 1..=1),
        1 => prop::collection::vec(taint_kind(), 2..=2),
    ];
    (
        0..ZONES.len(),
        prop::option::weighted(0.6, any::<bool>()),
        taints,
    )
        .prop_map(|(zone, disk, mut taints)| {
            taints.sort();
            taints.dedup();
            NodeGen { zone, disk, taints }
        })
}

fn max_unavailable_value() -> impl Strategy<Value = IntOrString> {
    prop_oneof![
        (0..=3i32).prop_map(IntOrString::Int),
        prop::sample::select(vec!["0%", "10%", "25%", "50%", "100%"]).prop_map(IntOrString::from),
    ]
}

fn max_surge_value() -> impl Strategy<Value = IntOrString> {
    prop_oneof![
        (1..=3i32).prop_map(IntOrString::Int),
        prop::sample::select(vec!["10%", "30%", "100%"]).prop_map(IntOrString::from),
    ]
}

fn strategy_gen(mode: StrategyMode) -> BoxedStrategy<StrategyGen> {
    let no_surge = max_unavailable_value().prop_map(StrategyGen::MaxUnavailable);
    let surge = max_surge_value().prop_map(StrategyGen::MaxSurge);
    match mode {
        StrategyMode::Any | StrategyMode::SettlesWithoutRollout => prop_oneof![
            2 => no_surge,
            2 => surge,
            1 => Just(StrategyGen::OnDelete),
        ]
        .boxed(),
        StrategyMode::RollingNoSurge => no_surge.boxed(),
        StrategyMode::RollingSurge => surge.boxed(),
    }
}

fn ds_gen(mode: StrategyMode) -> impl Strategy<Value = DsGen> {
    let affinity = prop_oneof![
        3 => Just(AffinityGen::None),
        1 => Just(AffinityGen::NotInZoneA),
        1 => Just(AffinityGen::InZonesBC),
    ];
    let tolerations = prop_oneof![
        3 => Just(TolerationGen::None),
        1 => Just(TolerationGen::ControlPlane),
        1 => Just(TolerationGen::DedicatedGpu),
        1 => Just(TolerationGen::Both),
        1 => Just(TolerationGen::Everything),
    ];
    (
        prop::bool::weighted(0.25),
        affinity,
        tolerations,
        strategy_gen(mode),
        prop::sample::select(vec![0, 30]),
    )
        .prop_map(
            |(ssd_only, affinity, tolerations, strategy, min_ready_seconds)| DsGen {
                ssd_only,
                affinity,
                tolerations,
                strategy,
                min_ready_seconds,
            },
        )
}

/// A pod in any state; with `calm`, mostly a healthy Running, Ready pod of the DaemonSet, so
/// that rolling updates have budget left to spend.
fn pod_gen(calm: bool) -> impl Strategy<Value = PodGen> {
    let phase = if calm {
        prop_oneof![
            38 => Just(PodPhase::Running),
            1 => Just(PodPhase::Pending),
            1 => Just(PodPhase::Failed),
        ]
        .boxed()
    } else {
        prop_oneof![
            6 => Just(PodPhase::Running),
            2 => Just(PodPhase::Pending),
            1 => Just(PodPhase::Failed),
            1 => Just(PodPhase::Succeeded),
        ]
        .boxed()
    };
    let owner = if calm {
        prop_oneof![
            19 => Just(OwnerGen::Ours),
            1 => Just(OwnerGen::Orphan),
        ]
        .boxed()
    } else {
        prop_oneof![
            12 => Just(OwnerGen::Ours),
            2 => Just(OwnerGen::Orphan),
            1 => Just(OwnerGen::Other),
            1 => Just(OwnerGen::OursMismatch),
        ]
        .boxed()
    };
    let (ready, terminating, ready_age) = if calm {
        (0.97, 0.02, 0..600i64)
    } else {
        (0.8, 0.12, 0..90i64)
    };
    (
        phase,
        prop::bool::weighted(ready),
        ready_age,
        prop::bool::weighted(terminating),
        any::<bool>(),
        owner,
        any::<u32>(),
    )
        .prop_map(
            |(phase, ready, ready_age, terminating, new_revision, owner, order_key)| PodGen {
                phase,
                ready,
                ready_age,
                terminating,
                new_revision,
                owner,
                order_key,
            },
        )
}

fn extra_gen() -> impl Strategy<Value = ExtraGen> {
    prop_oneof![
        2 => any::<usize>().prop_map(ExtraGen::Aimed),
        1 => (0..3u8).prop_map(ExtraGen::VanishedScheduled),
        1 => (0..3u8).prop_map(ExtraGen::VanishedAimed),
    ]
}

/// A random cluster. Half of them are "calm": one healthy pod on most nodes and few extras.
fn cluster(mode: StrategyMode) -> impl Strategy<Value = Cluster> {
    (1..=60usize, any::<bool>())
        .prop_flat_map(move |(n, calm)| {
            let per_node = if calm {
                prop::collection::vec(
                    prop_oneof![1 => Just(0usize), 28 => Just(1usize), 1 => Just(2usize)]
                        .prop_flat_map(|k| prop::collection::vec(pod_gen(true), k)),
                    n,
                )
                .boxed()
            } else {
                prop::collection::vec(prop::collection::vec(pod_gen(false), 0..=2), n).boxed()
            };
            let extras =
                prop::collection::vec((extra_gen(), pod_gen(calm)), 0..=if calm { 1 } else { 4 });
            (
                prop::collection::vec(node_gen(), n),
                per_node,
                extras,
                ds_gen(mode),
            )
        })
        .prop_map(move |(node_gens, per_node, extras, ds_gen)| {
            build_cluster(mode, &node_gens, &per_node, &extras, &ds_gen)
        })
}

// ---------------------------------------------------------------------------------------------
// Building objects
// ---------------------------------------------------------------------------------------------

fn node_name(i: usize) -> String {
    format!("node-{i}")
}

fn build_node(i: usize, g: &NodeGen) -> Node {
    let mut node = Node::default();
    node.metadata.name = node_name(i);
    node.metadata
        .labels
        .insert(HOSTNAME_LABEL.into(), node_name(i));
    node.metadata
        .labels
        .insert(ZONE_LABEL.into(), ZONES[g.zone].into());
    if let Some(ssd) = g.disk {
        node.metadata
            .labels
            .insert("disk".into(), if ssd { "ssd" } else { "hdd" }.into());
    }
    for kind in &g.taints {
        match kind {
            TaintKind::ControlPlane => node.spec.taints.push(Taint::new(
                "node-role.kubernetes.io/control-plane",
                TaintEffect::NoSchedule,
            )),
            TaintKind::NotReady => {
                node.spec.taints.push(Taint::new(
                    "node.kubernetes.io/not-ready",
                    TaintEffect::NoSchedule,
                ));
                node.spec.taints.push(Taint::new(
                    "node.kubernetes.io/not-ready",
                    TaintEffect::NoExecute,
                ));
            }
            TaintKind::DedicatedGpu => {
                let mut taint = Taint::new("dedicated", TaintEffect::NoExecute);
                taint.value = "gpu".into();
                node.spec.taints.push(taint);
            }
            TaintKind::Unschedulable => {
                node.spec.unschedulable = true;
                node.spec.taints.push(Taint::new(
                    "node.kubernetes.io/unschedulable",
                    TaintEffect::NoSchedule,
                ));
            }
            TaintKind::PreferNoSchedule => node.spec.taints.push(Taint::new(
                "example.com/busy",
                TaintEffect::PreferNoSchedule,
            )),
        }
    }
    node
}

fn build_daemon_set(g: &DsGen) -> DaemonSet {
    let mut ds = DaemonSet {
        api_version: "apps/v1".into(),
        kind: "DaemonSet".into(),
        ..DaemonSet::default()
    };
    ds.metadata.name = DS_NAME.into();
    ds.metadata.namespace = NAMESPACE.into();
    ds.metadata.uid = DS_UID.into();
    ds.metadata.generation = Some(1);
    let mut selector = LabelSelector::default();
    selector.match_labels.insert("app".into(), "ds".into());
    ds.spec.selector = Some(selector);
    ds.spec
        .template
        .metadata
        .labels
        .insert("app".into(), "ds".into());
    let spec = &mut ds.spec.template.spec;
    spec.other.insert(
        "containers".into(),
        serde_json::json!([{"name": "agent", "image": "registry.k8s.io/agent:v1"}]),
    );
    if g.ssd_only {
        spec.node_selector.insert("disk".into(), "ssd".into());
    }
    let zone_requirement = match g.affinity {
        AffinityGen::None => None,
        AffinityGen::NotInZoneA => Some(NodeSelectorRequirement {
            key: ZONE_LABEL.into(),
            operator: NodeSelectorOperator::NotIn,
            values: vec!["zone-a".into()],
        }),
        AffinityGen::InZonesBC => Some(NodeSelectorRequirement {
            key: ZONE_LABEL.into(),
            operator: NodeSelectorOperator::In,
            values: vec!["zone-b".into(), "zone-c".into()],
        }),
    };
    if let Some(requirement) = zone_requirement {
        spec.affinity = Some(Affinity {
            node_affinity: Some(NodeAffinity {
                required: Some(NodeSelector {
                    node_selector_terms: vec![NodeSelectorTerm {
                        match_expressions: vec![requirement],
                        match_fields: Vec::new(),
                    }],
                }),
                preferred: Vec::new(),
            }),
            other: serde_json::Map::new(),
        });
    }
    let control_plane = Toleration::exists(
        "node-role.kubernetes.io/control-plane",
        TaintEffect::NoSchedule,
    );
    let gpu = Toleration {
        key: "dedicated".into(),
        operator: Some(TolerationOperator::Equal),
        value: "gpu".into(),
        effect: Some(TaintEffect::NoExecute),
        toleration_seconds: None,
    };
    let everything = Toleration {
        operator: Some(TolerationOperator::Exists),
        ..Toleration::default()
    };
    spec.tolerations = match g.tolerations {
        TolerationGen::None => Vec::new(),
        TolerationGen::ControlPlane => vec![control_plane],
        TolerationGen::DedicatedGpu => vec![gpu],
        TolerationGen::Both => vec![control_plane, gpu],
        TolerationGen::Everything => vec![everything],
    };
    let strategy = &mut ds.spec.update_strategy;
    match &g.strategy {
        StrategyGen::MaxUnavailable(value) => {
            strategy.type_ = Some(UpdateStrategyType::RollingUpdate);
            strategy.rolling_update = Some(RollingUpdateDaemonSet {
                max_unavailable: Some(value.clone()),
                max_surge: None,
                ..Default::default()
            });
        }
        StrategyGen::MaxSurge(value) => {
            strategy.type_ = Some(UpdateStrategyType::RollingUpdate);
            strategy.rolling_update = Some(RollingUpdateDaemonSet {
                max_unavailable: Some(IntOrString::Int(0)),
                max_surge: Some(value.clone()),
                ..Default::default()
            });
        }
        StrategyGen::OnDelete => strategy.type_ = Some(UpdateStrategyType::OnDelete),
    }
    ds.spec.min_ready_seconds = g.min_ready_seconds;
    apply_defaults(&mut ds);
    ds
}

fn aim(pod: &mut Pod, node: &str) {
    pod.spec.affinity = Some(Affinity {
        node_affinity: Some(NodeAffinity {
            required: Some(NodeSelector {
                node_selector_terms: vec![NodeSelectorTerm {
                    match_expressions: Vec::new(),
                    match_fields: vec![NodeSelectorRequirement {
                        key: "metadata.name".into(),
                        operator: NodeSelectorOperator::In,
                        values: vec![node.into()],
                    }],
                }],
            }),
            preferred: Vec::new(),
        }),
        other: serde_json::Map::new(),
    });
}

fn set_ready(pod: &mut Pod, ready: bool, since: Time) {
    pod.status.conditions.push(PodCondition {
        type_: "Ready".into(),
        status: if ready { "True" } else { "False" }.into(),
        last_transition_time: Some(since),
        ..PodCondition::default()
    });
}

/// `scheduled_on` is the node of a scheduled pod; `aimed_at` the target of an unscheduled one.
fn build_pod(
    name: String,
    g: &PodGen,
    scheduled_on: Option<&str>,
    aimed_at: Option<&str>,
    created: Time,
) -> Pod {
    let mut pod = Pod {
        api_version: "v1".into(),
        kind: "Pod".into(),
        ..Pod::default()
    };
    pod.metadata.name = name;
    pod.metadata.namespace = NAMESPACE.into();
    pod.metadata.creation_timestamp = Some(created);
    let app = if g.owner == OwnerGen::OursMismatch {
        "something-else"
    } else {
        "ds"
    };
    pod.metadata.labels.insert("app".into(), app.into());
    pod.metadata.labels.insert(
        HASH_LABEL.into(),
        if g.new_revision { "new" } else { "old" }.into(),
    );
    let owner = |name: &str, uid: &str| OwnerReference {
        api_version: "apps/v1".into(),
        kind: "DaemonSet".into(),
        name: name.into(),
        uid: uid.into(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    };
    match g.owner {
        OwnerGen::Ours | OwnerGen::OursMismatch => {
            pod.metadata.owner_references.push(owner(DS_NAME, DS_UID));
        }
        OwnerGen::Other => pod
            .metadata
            .owner_references
            .push(owner("other", "other-uid")),
        OwnerGen::Orphan => {}
    }
    if g.terminating {
        pod.metadata.deletion_timestamp = Some(at(-5));
    }
    if let Some(node) = scheduled_on {
        pod.spec.node_name = node.into();
        pod.status.phase = Some(g.phase.clone());
        let ready = g.ready && g.phase == PodPhase::Running;
        set_ready(&mut pod, ready, at(-g.ready_age));
    } else {
        // Never scheduled: Pending and not Ready.
        pod.status.phase = Some(PodPhase::Pending);
    }
    if let Some(node) = aimed_at {
        aim(&mut pod, node);
    }
    pod
}

fn build_cluster(
    mode: StrategyMode,
    node_gens: &[NodeGen],
    per_node: &[Vec<PodGen>],
    extras: &[(ExtraGen, PodGen)],
    ds_gen: &DsGen,
) -> Cluster {
    let ds = build_daemon_set(ds_gen);
    let nodes: Vec<Node> = node_gens
        .iter()
        .enumerate()
        .map(|(i, g)| build_node(i, g))
        .collect();
    let all_new = mode == StrategyMode::SettlesWithoutRollout && ds.is_rolling_update();
    // Distinct creation timestamps, in an order independent of names.
    let mut described: Vec<(PodGen, Option<String>, Option<String>)> = Vec::new();
    for (i, pods) in per_node.iter().enumerate() {
        for g in pods {
            described.push((g.clone(), Some(node_name(i)), None));
        }
    }
    for (extra, g) in extras {
        let (scheduled, aimed) = match *extra {
            ExtraGen::Aimed(raw) => (None, Some(node_name(raw % nodes.len()))),
            ExtraGen::VanishedScheduled(k) => (Some(node_name(100 + usize::from(k))), None),
            ExtraGen::VanishedAimed(k) => (None, Some(node_name(100 + usize::from(k)))),
        };
        described.push((g.clone(), scheduled, aimed));
    }
    let mut order: Vec<usize> = (0..described.len()).collect();
    order.sort_by_key(|&k| (described[k].0.order_key, k));
    let mut rank = vec![0i64; described.len()];
    for (r, &k) in order.iter().enumerate() {
        rank[k] = i64::try_from(r).unwrap();
    }
    let pods = described
        .iter()
        .enumerate()
        .map(|(k, (g, scheduled, aimed))| {
            let mut g = g.clone();
            if all_new {
                g.new_revision = true;
            }
            build_pod(
                format!("pod-{k}"),
                &g,
                scheduled.as_deref(),
                aimed.as_deref(),
                at(-10_000 + rank[k]),
            )
        })
        .collect();
    Cluster { ds, nodes, pods }
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/// Node names events pick from: the cluster's own (`node-0` to `node-59`) and the vanished
/// nodes extra pods are aimed at (`node-100` to `node-102`), which an event may bring back.
const NODE_SLOTS: usize = 64;
/// Pod names events pick from (`pod-0` ...): existing pods are replaced, others added.
const POD_SLOTS: usize = 160;

fn slot_node_name(slot: usize) -> String {
    if slot < 60 {
        node_name(slot)
    } else {
        node_name(100 + (slot - 60) % 3)
    }
}

#[derive(Debug, Clone, Copy)]
enum TargetGen {
    Scheduled(usize),
    Aimed(usize),
    /// Neither scheduled nor aimed: the DaemonSet cannot tell where it belongs.
    Nowhere,
    /// A pod of another namespace (ignored by both planners).
    OtherNamespace(usize),
}

#[derive(Debug, Clone)]
enum PodChange {
    Ready(bool, i64),
    Phase(PodPhase),
    Terminate,
    Revision(&'static str),
    /// Binds an aimed pod to its target.
    Schedule,
    Orphan,
    Relabel(&'static str),
}

#[derive(Debug, Clone)]
enum SelectorGen {
    /// `app: ds`.
    Ours,
    /// `app In (ds, something-else)`: also claims the pods `OursMismatch` made.
    Wide,
    /// `{}`: the plan is skipped.
    Everything,
    /// `app In ()`: the selector does not compile.
    Invalid,
}

#[derive(Debug, Clone)]
enum EventGen {
    ApplyNode(usize, NodeGen),
    DeleteNode(usize),
    ApplyPod(usize, PodGen, TargetGen, i64),
    ChangePod(usize, PodChange),
    DeletePod(usize),
    Spec(DsGen, SelectorGen, bool),
    Status {
        observed_generation: i64,
        collision_count: Option<i32>,
    },
    Revision(Option<&'static str>),
    Advance(i64),
}

fn target_gen() -> impl Strategy<Value = TargetGen> {
    prop_oneof![
        8 => (0..NODE_SLOTS).prop_map(TargetGen::Scheduled),
        2 => (0..NODE_SLOTS).prop_map(TargetGen::Aimed),
        1 => Just(TargetGen::Nowhere),
        1 => (0..NODE_SLOTS).prop_map(TargetGen::OtherNamespace),
    ]
}

fn pod_change() -> impl Strategy<Value = PodChange> {
    prop_oneof![
        4 => (any::<bool>(), 0..90i64).prop_map(|(r, age)| PodChange::Ready(r, age)),
        2 => prop::sample::select(vec![
            PodPhase::Running,
            PodPhase::Pending,
            PodPhase::Failed,
            PodPhase::Succeeded,
        ])
        .prop_map(PodChange::Phase),
        1 => Just(PodChange::Terminate),
        2 => prop::sample::select(vec!["new", "old", "newer"]).prop_map(PodChange::Revision),
        1 => Just(PodChange::Schedule),
        1 => Just(PodChange::Orphan),
        1 => prop::sample::select(vec!["ds", "something-else"]).prop_map(PodChange::Relabel),
    ]
}

fn selector_gen() -> impl Strategy<Value = SelectorGen> {
    prop_oneof![
        12 => Just(SelectorGen::Ours),
        3 => Just(SelectorGen::Wide),
        1 => Just(SelectorGen::Everything),
        1 => Just(SelectorGen::Invalid),
    ]
}

fn event_gen() -> impl Strategy<Value = EventGen> {
    prop_oneof![
        6 => ((0..NODE_SLOTS), node_gen()).prop_map(|(s, g)| EventGen::ApplyNode(s, g)),
        2 => (0..NODE_SLOTS).prop_map(EventGen::DeleteNode),
        6 => ((0..POD_SLOTS), pod_gen(false), target_gen(), -300..300i64)
            .prop_map(|(s, g, t, c)| EventGen::ApplyPod(s, g, t, c)),
        10 => ((0..POD_SLOTS), pod_change()).prop_map(|(s, c)| EventGen::ChangePod(s, c)),
        3 => (0..POD_SLOTS).prop_map(EventGen::DeletePod),
        1 => (ds_gen(StrategyMode::Any), selector_gen(), prop::bool::weighted(0.05))
            .prop_map(|(g, s, deleting)| EventGen::Spec(g, s, deleting)),
        1 => ((0..4i64), prop::option::weighted(0.3, 0..3i32)).prop_map(|(o, c)| EventGen::Status {
            observed_generation: o,
            collision_count: c,
        }),
        1 => prop::sample::select(vec![Some("new"), Some("old"), Some("newer"), None])
            .prop_map(EventGen::Revision),
        4 => prop_oneof![
            6 => 1..40i64,
            2 => 40..2000i64,
            1 => -60..0i64,
        ]
        .prop_map(EventGen::Advance),
    ]
}

/// What both planners are told, kept as plain objects for planning from scratch.
struct Model {
    ds: DaemonSet,
    nodes: BTreeMap<String, Node>,
    /// By (namespace, name).
    pods: BTreeMap<(String, String), Pod>,
    now: Time,
    revision: Option<String>,
    burst: usize,
    backoff: FailedPodBackoff,
}

impl Model {
    fn options(&self) -> PlanOptions {
        let mut options = PlanOptions::new(self.now);
        options.revision = self.revision.clone();
        options.burst_replicas = self.burst;
        options.failed_pod_backoff = self.backoff.clone();
        options
    }

    fn plan(&mut self) -> Result<Plan, PlanError> {
        let nodes: Vec<Node> = self.nodes.values().cloned().collect();
        let pods: Vec<Pod> = self.pods.values().cloned().collect();
        let made = plan(&self.ds, &nodes, &pods, &self.options());
        if let Ok(made) = &made {
            self.backoff = made.failed_pod_backoff.clone();
        }
        made
    }

    /// The name of the `slot`-th pod of the DaemonSet's namespace, if there is any pod.
    fn existing_pod(&self, slot: usize) -> Option<(String, String)> {
        let count = self.pods.len();
        (count > 0).then(|| self.pods.keys().nth(slot % count).cloned())?
    }
}

fn selector(g: &SelectorGen) -> LabelSelector {
    let mut selector = LabelSelector::default();
    let values = match g {
        SelectorGen::Ours => {
            selector.match_labels.insert("app".into(), "ds".into());
            return selector;
        }
        SelectorGen::Everything => return selector,
        SelectorGen::Wide => vec!["ds".to_string(), "something-else".to_string()],
        SelectorGen::Invalid => Vec::new(),
    };
    selector.match_expressions.push(LabelSelectorRequirement {
        key: "app".into(),
        operator: LabelSelectorOperator::In,
        values,
    });
    selector
}

fn change_pod(pod: &mut Pod, change: &PodChange, now: Time) {
    let at = |offset: i64| Time::from_unix_seconds(now.unix_seconds() + offset).unwrap();
    match change {
        PodChange::Ready(ready, age) => {
            pod.status.conditions.clear();
            set_ready(pod, *ready, at(-age));
            if *ready {
                pod.status.phase = Some(PodPhase::Running);
            }
        }
        PodChange::Phase(phase) => pod.status.phase = Some(phase.clone()),
        PodChange::Terminate => pod.metadata.deletion_timestamp = Some(at(-1)),
        PodChange::Revision(hash) => {
            pod.metadata
                .labels
                .insert(HASH_LABEL.into(), (*hash).into());
        }
        PodChange::Schedule => {
            if pod.spec.node_name.is_empty()
                && let Some(target) = pod
                    .spec
                    .affinity
                    .as_ref()
                    .and_then(|a| a.node_affinity.as_ref())
                    .and_then(|n| n.required.as_ref())
                    .and_then(|r| r.node_selector_terms.first())
                    .and_then(|t| t.match_fields.first())
                    .and_then(|f| f.values.first())
            {
                pod.spec.node_name = target.clone();
            }
        }
        PodChange::Orphan => pod.metadata.owner_references.clear(),
        PodChange::Relabel(app) => {
            pod.metadata.labels.insert("app".into(), (*app).into());
        }
    }
}

/// Applies one event to the model and the planner alike.
fn apply(event: &EventGen, model: &mut Model, planner: &mut Planner) {
    match event {
        EventGen::ApplyNode(slot, g) => {
            let name = slot_node_name(*slot);
            let mut node = build_node(0, g);
            node.metadata.name = name.clone();
            node.metadata
                .labels
                .insert(HOSTNAME_LABEL.into(), name.clone());
            model.nodes.insert(name, node.clone());
            planner.apply_node(node);
        }
        EventGen::DeleteNode(slot) => {
            let name = slot_node_name(*slot);
            let expected = model.nodes.remove(&name);
            assert_eq!(planner.delete_node(&name), expected);
        }
        EventGen::ApplyPod(slot, g, target, created) => {
            let name = format!("pod-{slot}");
            let created = Time::from_unix_seconds(model.now.unix_seconds() + created).unwrap();
            let mut pod = match *target {
                TargetGen::Scheduled(n) => {
                    build_pod(name, g, Some(&slot_node_name(n)), None, created)
                }
                TargetGen::Aimed(n) => build_pod(name, g, None, Some(&slot_node_name(n)), created),
                TargetGen::Nowhere => build_pod(name, g, None, None, created),
                TargetGen::OtherNamespace(n) => {
                    let mut pod = build_pod(name, g, Some(&slot_node_name(n)), None, created);
                    pod.metadata.namespace = "elsewhere".into();
                    pod
                }
            };
            if pod.metadata.namespace == NAMESPACE && pod.metadata.name.ends_with('7') {
                // Some pods leave the namespace empty, which means `default`.
                pod.metadata.namespace.clear();
            }
            let key = (pod.metadata.namespace.clone(), pod.metadata.name.clone());
            let other_key = if key.0.is_empty() {
                (NAMESPACE.to_string(), key.1.clone())
            } else if key.0 == NAMESPACE {
                (String::new(), key.1.clone())
            } else {
                key.clone()
            };
            // One pod per name in a namespace: drop the spelling of the namespace it replaces.
            if other_key != key {
                model.pods.remove(&other_key);
            }
            model.pods.insert(key, pod.clone());
            planner.apply_pod(pod);
        }
        EventGen::ChangePod(slot, change) => {
            let Some(key) = model.existing_pod(*slot) else {
                return;
            };
            let mut pod = model.pods[&key].clone();
            change_pod(&mut pod, change, model.now);
            model.pods.insert(key, pod.clone());
            planner.apply_pod(pod);
        }
        EventGen::DeletePod(slot) => {
            let Some(key) = model.existing_pod(*slot) else {
                return;
            };
            let removed = model.pods.remove(&key).unwrap();
            let ours = key.0.is_empty() || key.0 == NAMESPACE;
            let got = planner.delete_pod(&key.0, &key.1);
            assert_eq!(got, ours.then_some(removed));
        }
        EventGen::Spec(g, selector_gen, deleting) => {
            let mut ds = build_daemon_set(g);
            ds.spec.selector = Some(selector(selector_gen));
            ds.metadata.generation = Some(model.ds.metadata.generation.unwrap_or(0) + 1);
            ds.status = model.ds.status.clone();
            if *deleting {
                ds.metadata.deletion_timestamp = Some(model.now);
            }
            model.ds = ds.clone();
            planner.set_daemon_set(ds);
        }
        EventGen::Status {
            observed_generation,
            collision_count,
        } => {
            let mut ds = model.ds.clone();
            let status = ds.status.get_or_insert_with(DaemonSetStatus::default);
            status.observed_generation = Some(*observed_generation);
            status.collision_count = *collision_count;
            status.number_ready = 1;
            model.ds = ds.clone();
            planner.set_daemon_set(ds);
        }
        EventGen::Revision(revision) => {
            model.revision = revision.map(str::to_string);
            planner.set_revision(model.revision.clone());
        }
        EventGen::Advance(seconds) => {
            model.now = Time::from_unix_seconds(model.now.unix_seconds() + seconds).unwrap();
            planner.set_now(model.now);
        }
    }
}

/// Builds both from a cluster, runs the events, and compares after each (or, when `batch`
/// says so, after a few events at a time).
fn check(
    cluster: Cluster,
    burst: usize,
    backoff: FailedPodBackoff,
    events: &[EventGen],
    quiet: &[bool],
) -> Result<(), TestCaseError> {
    let mut options = PlanOptions::new(now())
        .with_revision("new")
        .with_failed_pod_backoff(backoff.clone());
    options.burst_replicas = burst;
    let mut model = Model {
        ds: cluster.ds.clone(),
        nodes: cluster
            .nodes
            .iter()
            .map(|n| (n.metadata.name.clone(), n.clone()))
            .collect(),
        pods: cluster
            .pods
            .iter()
            .map(|p| {
                (
                    (p.metadata.namespace.clone(), p.metadata.name.clone()),
                    p.clone(),
                )
            })
            .collect(),
        now: now(),
        revision: Some("new".into()),
        burst,
        backoff,
    };
    let mut planner = Planner::new(cluster.ds, cluster.nodes, cluster.pods, options)
        .expect("the planner is built");
    prop_assert_eq!(planner.plan(), model.plan(), "after building");
    let mut previous = planner.last_plan().cloned();
    for (i, event) in events.iter().enumerate() {
        apply(event, &mut model, &mut planner);
        prop_assert_eq!(planner.node_count(), model.nodes.len());
        let ours = model
            .pods
            .keys()
            .filter(|(namespace, _)| namespace.is_empty() || namespace == NAMESPACE)
            .count();
        prop_assert_eq!(planner.pod_count(), ours);
        if quiet.get(i).copied().unwrap_or(false) {
            continue;
        }
        let expected = model.plan();
        if i % 2 == 0 {
            let got = planner.plan();
            prop_assert_eq!(&got, &expected, "after event {} {:?}", i, event);
        } else {
            let delta = planner.plan_delta();
            match (&delta, &expected) {
                (Ok(delta), Ok(expected)) => {
                    prop_assert_eq!(
                        planner.last_plan(),
                        Some(expected),
                        "after event {} {:?}",
                        i,
                        event
                    );
                    let wanted = PlanDelta::between(previous.as_ref(), expected);
                    prop_assert_eq!(delta, &wanted, "delta after event {} {:?}", i, event);
                }
                (Err(got), Err(wanted)) => prop_assert_eq!(got, wanted),
                _ => prop_assert!(
                    false,
                    "after event {i} {event:?}: {delta:?} vs {expected:?}"
                ),
            }
        }
        previous = expected.ok();
    }
    Ok(())
}

/// A backoff table as a controller may carry it in: entries for some nodes under the observed
/// generations status events produce, of any age, with delays a table may hold (also 0 and
/// beyond the maximum).
fn backoff_gen() -> impl Strategy<Value = FailedPodBackoff> {
    let entry = (
        0..NODE_SLOTS,
        0..3i64,
        -2500..10i64,
        prop::sample::select(vec![0u64, 1, 2, 8, 60, 900, 5000]),
    );
    prop::collection::vec(entry, 0..6).prop_map(|entries| {
        let entries: serde_json::Map<String, serde_json::Value> = entries
            .into_iter()
            .map(|(slot, generation, age, delay)| {
                let key = format!("{DS_UID}/{generation}/{}", slot_node_name(slot));
                let value = serde_json::json!({"delaySeconds": delay, "lastUpdate": at(age)});
                (key, value)
            })
            .collect();
        serde_json::from_value(serde_json::json!({ "entries": entries })).unwrap()
    })
}

fn burst() -> impl Strategy<Value = usize> {
    prop_oneof![3 => Just(250usize), 2 => 1..=4usize, 1 => Just(0usize)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any cluster, any events: after each event the incremental plan is the full plan.
    #[test]
    fn incremental_plans_equal_full_plans(
        c in cluster(StrategyMode::Any),
        burst in burst(),
        backoff in backoff_gen(),
        events in prop::collection::vec(event_gen(), 150..=300),
        quiet in prop::collection::vec(prop::bool::weighted(0.15), 300),
    ) {
        check(c, burst, backoff, &events, &quiet)?;
    }

    /// Mid-rollout clusters with surge, where deferred creates and sunset pods matter.
    #[test]
    fn incremental_surge_rollouts_equal_full_plans(
        c in cluster(StrategyMode::RollingSurge),
        burst in burst(),
        backoff in backoff_gen(),
        events in prop::collection::vec(event_gen(), 100..=200),
    ) {
        check(c, burst, backoff, &events, &[])?;
    }

    /// Mid-rollout clusters without surge.
    #[test]
    fn incremental_no_surge_rollouts_equal_full_plans(
        c in cluster(StrategyMode::RollingNoSurge),
        burst in burst(),
        backoff in backoff_gen(),
        events in prop::collection::vec(event_gen(), 100..=200),
    ) {
        check(c, burst, backoff, &events, &[])?;
    }
}

/// A planner built empty and fed the cluster object by object plans as one built at once.
#[test]
fn building_by_events_equals_building_at_once() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 32,
        ..ProptestConfig::default()
    });
    runner
        .run(&(cluster(StrategyMode::Any), burst()), |(c, burst)| {
            let mut options = PlanOptions::new(now()).with_revision("new");
            options.burst_replicas = burst;
            let mut whole = Planner::new(
                c.ds.clone(),
                c.nodes.clone(),
                c.pods.clone(),
                options.clone(),
            )
            .unwrap();
            let mut piecewise =
                Planner::new(c.ds.clone(), Vec::new(), Vec::new(), options).unwrap();
            for pod in c.pods.iter().rev() {
                piecewise.apply_pod(pod.clone());
            }
            for node in &c.nodes {
                piecewise.apply_node(node.clone());
            }
            prop_assert_eq!(piecewise.plan(), whole.plan());
            Ok(())
        })
        .unwrap();
}

#[test]
fn duplicate_names_are_rejected_when_building() {
    let ds = build_daemon_set(&DsGen {
        ssd_only: false,
        affinity: AffinityGen::None,
        tolerations: TolerationGen::None,
        strategy: StrategyGen::MaxUnavailable(IntOrString::Int(1)),
        min_ready_seconds: 0,
    });
    let node = build_node(
        0,
        &NodeGen {
            zone: 0,
            disk: None,
            taints: Vec::new(),
        },
    );
    let error =
        Planner::new(ds.clone(), vec![node.clone(), node], Vec::new(), options()).unwrap_err();
    assert_eq!(
        error,
        PlanError::DuplicateNodeName {
            name: "node-0".into()
        }
    );
    let g = PodGen {
        phase: PodPhase::Running,
        ready: true,
        ready_age: 10,
        terminating: false,
        new_revision: true,
        owner: OwnerGen::Ours,
        order_key: 0,
    };
    let pod = build_pod("pod-0".into(), &g, Some("node-0"), None, now());
    let error = Planner::new(ds, Vec::new(), vec![pod.clone(), pod], options()).unwrap_err();
    assert_eq!(
        error,
        PlanError::DuplicatePodName {
            namespace: NAMESPACE.into(),
            name: "pod-0".into()
        }
    );
}

/// A node with two Failed pods whose backoff entry runs out, then expires, while no plan is
/// made: the planner notices both times (the delay doubles before expiry, starts over after).
#[test]
fn backoff_windows_and_expiry_follow_the_time() {
    let ds = build_daemon_set(&DsGen {
        ssd_only: false,
        affinity: AffinityGen::None,
        tolerations: TolerationGen::None,
        strategy: StrategyGen::OnDelete,
        min_ready_seconds: 0,
    });
    let node = build_node(
        0,
        &NodeGen {
            zone: 0,
            disk: None,
            taints: Vec::new(),
        },
    );
    let failed = PodGen {
        phase: PodPhase::Failed,
        ready: false,
        ready_age: 0,
        terminating: false,
        new_revision: true,
        owner: OwnerGen::Ours,
        order_key: 0,
    };
    let pods = vec![
        build_pod("pod-a".into(), &failed, Some("node-0"), None, at(-500)),
        build_pod("pod-b".into(), &failed, Some("node-0"), None, at(-400)),
    ];
    let backoff: FailedPodBackoff = serde_json::from_value(serde_json::json!({"entries": {
        format!("{DS_UID}/0/node-0"): {"delaySeconds": 200, "lastUpdate": at(-100)}
    }}))
    .unwrap();
    let full = |planner: &Planner| {
        plan(&ds, std::slice::from_ref(&node), &pods, &planner.options()).unwrap()
    };
    // In backoff, out of it (the next delay doubles), expired (it starts over), and back.
    for path in [
        &[0][..],
        &[150],
        &[150, 1800],
        &[1800],
        &[1800, 150, 50],
        &[50, 2000],
    ] {
        let options = options().with_failed_pod_backoff(backoff.clone());
        let mut planner =
            Planner::new(ds.clone(), vec![node.clone()], pods.clone(), options).unwrap();
        for &offset in path {
            planner.set_now(at(offset));
        }
        let expected = full(&planner);
        assert_eq!(planner.plan().unwrap(), expected, "times {path:?}");
    }
}

#[test]
fn planner_and_delta_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Planner>();
    check::<PlanDelta>();
}

#[test]
fn a_delta_shows_added_and_removed_actions() {
    let ds = build_daemon_set(&DsGen {
        ssd_only: false,
        affinity: AffinityGen::None,
        tolerations: TolerationGen::None,
        strategy: StrategyGen::OnDelete,
        min_ready_seconds: 0,
    });
    let node = |i| {
        build_node(
            i,
            &NodeGen {
                zone: 0,
                disk: None,
                taints: Vec::new(),
            },
        )
    };
    let mut planner = Planner::new(ds, vec![node(0)], Vec::new(), options()).unwrap();
    assert_eq!(
        planner.plan_delta().unwrap().to_string(),
        "+ create a pod on node-0 (missing)"
    );
    assert_eq!(planner.plan_delta().unwrap().to_string(), "unchanged");
    planner.delete_node("node-0");
    planner.apply_node(node(1));
    assert_eq!(
        planner.plan_delta().unwrap().to_string(),
        "+ create a pod on node-1 (missing)\n- create a pod on node-0 (missing)"
    );
    planner.set_now(at(5));
    assert_eq!(planner.plan_delta().unwrap().to_string(), "unchanged");
}
