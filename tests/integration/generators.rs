//! Random clusters for the property tests: proptest generators and the builders of nodes,
//! DaemonSets and pods, shared by `properties` and `incremental_props`.

use std::collections::BTreeMap;

use daemonset_planner::model::{
    Affinity, NodeAffinity, NodeSelector, NodeSelectorOperator, NodeSelectorRequirement,
    NodeSelectorTerm, OwnerReference, PodCondition, PodPhase, RollingUpdateDaemonSet,
    TolerationOperator, UpdateStrategyType,
};
use daemonset_planner::scheduling::{DaemonPlacement, Placement};
use daemonset_planner::{
    DaemonSet, IntOrString, LabelSelector, Node, PlanOptions, Pod, Taint, TaintEffect, Time,
    Toleration, apply_defaults,
};
use proptest::prelude::*;

pub(crate) const NOW_SECONDS: i64 = 1_700_000_000;
pub(crate) const DS_NAME: &str = "ds";
pub(crate) const DS_UID: &str = "ds-uid";
pub(crate) const NAMESPACE: &str = "default";
pub(crate) const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
pub(crate) const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";
pub(crate) const HASH_LABEL: &str = "controller-revision-hash";
pub(crate) const ZONES: [&str; 3] = ["zone-a", "zone-b", "zone-c"];

pub(crate) fn now() -> Time {
    Time::from_unix_seconds(NOW_SECONDS).unwrap()
}

pub(crate) fn at(offset: i64) -> Time {
    Time::from_unix_seconds(NOW_SECONDS + offset).unwrap()
}

pub(crate) fn options() -> PlanOptions {
    PlanOptions::new(now()).with_revision("new")
}

// ---------------------------------------------------------------------------------------------
// Generators: plain descriptions first, objects built from them
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum TaintKind {
    ControlPlane,
    NotReady,
    DedicatedGpu,
    Unschedulable,
    PreferNoSchedule,
}

#[derive(Debug, Clone)]
pub(crate) struct NodeGen {
    pub(crate) zone: usize,
    /// `Some(true)` = `disk: ssd`, `Some(false)` = `disk: hdd`.
    pub(crate) disk: Option<bool>,
    pub(crate) taints: Vec<TaintKind>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum AffinityGen {
    None,
    NotInZoneA,
    InZonesBC,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum TolerationGen {
    None,
    ControlPlane,
    DedicatedGpu,
    Both,
    Everything,
}

#[derive(Debug, Clone)]
pub(crate) enum StrategyGen {
    MaxUnavailable(IntOrString),
    /// maxSurge, with maxUnavailable 0.
    MaxSurge(IntOrString),
    OnDelete,
}

#[derive(Debug, Clone)]
pub(crate) struct DsGen {
    pub(crate) ssd_only: bool,
    pub(crate) affinity: AffinityGen,
    pub(crate) tolerations: TolerationGen,
    pub(crate) strategy: StrategyGen,
    pub(crate) min_ready_seconds: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OwnerGen {
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
pub(crate) struct PodGen {
    pub(crate) phase: PodPhase,
    pub(crate) ready: bool,
    /// Seconds since the Ready condition last changed.
    pub(crate) ready_age: i64,
    pub(crate) terminating: bool,
    pub(crate) new_revision: bool,
    pub(crate) owner: OwnerGen,
    /// Creation order: ranks of these keys give distinct creation timestamps.
    pub(crate) order_key: u32,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum ExtraGen {
    /// Unscheduled, aimed at an existing node (index taken modulo the node count).
    Aimed(usize),
    /// Scheduled on a node that no longer exists.
    VanishedScheduled(u8),
    /// Unscheduled, aimed at a node that no longer exists.
    VanishedAimed(u8),
}

/// Which update strategies a cluster strategy may produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StrategyMode {
    Any,
    /// OnDelete, or RollingUpdate with every pod of revision `new`.
    SettlesWithoutRollout,
    RollingNoSurge,
    RollingSurge,
}

#[derive(Debug, Clone)]
pub(crate) struct Cluster {
    pub(crate) ds: DaemonSet,
    pub(crate) nodes: Vec<Node>,
    pub(crate) pods: Vec<Pod>,
}

pub(crate) fn taint_kind() -> impl Strategy<Value = TaintKind> {
    prop_oneof![
        Just(TaintKind::ControlPlane),
        Just(TaintKind::NotReady),
        Just(TaintKind::DedicatedGpu),
        Just(TaintKind::Unschedulable),
        Just(TaintKind::PreferNoSchedule),
    ]
}

pub(crate) fn node_gen() -> impl Strategy<Value = NodeGen> {
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

pub(crate) fn max_unavailable_value() -> impl Strategy<Value = IntOrString> {
    prop_oneof![
        (0..=3i32).prop_map(IntOrString::Int),
        prop::sample::select(vec!["0%", "10%", "25%", "50%", "100%"]).prop_map(IntOrString::from),
    ]
}

pub(crate) fn max_surge_value() -> impl Strategy<Value = IntOrString> {
    prop_oneof![
        (1..=3i32).prop_map(IntOrString::Int),
        prop::sample::select(vec!["10%", "30%", "100%"]).prop_map(IntOrString::from),
    ]
}

pub(crate) fn strategy_gen(mode: StrategyMode) -> BoxedStrategy<StrategyGen> {
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

pub(crate) fn ds_gen(mode: StrategyMode) -> impl Strategy<Value = DsGen> {
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
pub(crate) fn pod_gen(calm: bool) -> impl Strategy<Value = PodGen> {
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

pub(crate) fn extra_gen() -> impl Strategy<Value = ExtraGen> {
    prop_oneof![
        2 => any::<usize>().prop_map(ExtraGen::Aimed),
        1 => (0..3u8).prop_map(ExtraGen::VanishedScheduled),
        1 => (0..3u8).prop_map(ExtraGen::VanishedAimed),
    ]
}

/// A random cluster. Half of them are "calm": one healthy pod on most nodes and few extras.
pub(crate) fn cluster(mode: StrategyMode) -> impl Strategy<Value = Cluster> {
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

pub(crate) fn node_name(i: usize) -> String {
    format!("node-{i}")
}

pub(crate) fn build_node(i: usize, g: &NodeGen) -> Node {
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

impl DsGen {
    /// A DaemonSet on every untainted node, no tolerations, minReadySeconds 0, with `strategy`.
    pub(crate) fn plain(strategy: StrategyGen) -> Self {
        DsGen {
            ssd_only: false,
            affinity: AffinityGen::None,
            tolerations: TolerationGen::None,
            strategy,
            min_ready_seconds: 0,
        }
    }
}

pub(crate) fn build_daemon_set(g: &DsGen) -> DaemonSet {
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

pub(crate) fn aim(pod: &mut Pod, node: &str) {
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

pub(crate) fn set_ready(pod: &mut Pod, ready: bool, since: Time) {
    pod.status.conditions.push(PodCondition {
        type_: "Ready".into(),
        status: if ready { "True" } else { "False" }.into(),
        last_transition_time: Some(since),
        ..PodCondition::default()
    });
}

/// `scheduled_on` is the node of a scheduled pod; `aimed_at` the target of an unscheduled one.
pub(crate) fn build_pod(
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

pub(crate) fn build_cluster(
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
// What the property tests look at (shared with rollout_props)
// ---------------------------------------------------------------------------------------------

pub(crate) fn placements(ds: &DaemonSet, nodes: &[Node]) -> BTreeMap<String, Placement> {
    let placement = DaemonPlacement::new(ds, false);
    nodes
        .iter()
        .map(|n| (n.metadata.name.clone(), placement.placement(n)))
        .collect()
}

/// (maxUnavailable, maxSurge) scaled against `desired`, with the both-zero fallback
/// (spec 5.1): the rolling update runs without surge iff the second is 0.
pub(crate) fn budgets(ds: &DaemonSet, desired: i64) -> (i64, i64) {
    let rolling = ds.spec.update_strategy.rolling_update.as_ref().unwrap();
    let surge = rolling
        .max_surge
        .as_ref()
        .map_or(0, |v| v.scaled_value(desired, true).unwrap());
    let unavailable = rolling
        .max_unavailable
        .as_ref()
        .unwrap()
        .scaled_value(desired, true)
        .unwrap();
    if desired > 0 && surge == 0 && unavailable == 0 {
        (1, 0)
    } else {
        (unavailable, surge)
    }
}
