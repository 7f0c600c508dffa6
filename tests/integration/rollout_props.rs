//! Property tests of whole rolling updates: random clusters whose pods all run an OLD revision
//! are rolled to revision `new` by applying plan after plan to a [`Simulator`], and the budgets
//! (maxUnavailable, maxSurge, the sunset rule), the end state, the number of batches and
//! [`preview_rollout`] are checked against upstream's behaviour (spec, section 5).
//!
//! Objects are built in Rust, so this file does not need the `yaml` feature.

use std::collections::{BTreeMap, BTreeSet};

use daemonset_planner::model::{
    Affinity, NodeAffinity, NodeCondition, NodeSelector, NodeSelectorOperator,
    NodeSelectorRequirement, NodeSelectorTerm, OwnerReference, PodPhase, RollingUpdateDaemonSet,
    TolerationOperator, UpdateStrategyType,
};
use daemonset_planner::planning::UpdateMode;
use daemonset_planner::rollout::Simulator;
use daemonset_planner::scheduling::{DaemonPlacement, Placement};
use daemonset_planner::{
    Action, CreateReason, DaemonSet, DeleteReason, IntOrString, LabelSelector, Node, Plan, Pod,
    RollingUpdateStep, Taint, TaintEffect, Time, Toleration, apply_defaults, preview_rollout,
};
use proptest::prelude::*;

use super::generators::{
    DS_NAME, DS_UID, HASH_LABEL, HOSTNAME_LABEL, NAMESPACE, ZONE_LABEL, ZONES, at, budgets,
    max_surge_value, max_unavailable_value, now, options, placements, set_ready,
};

// ---------------------------------------------------------------------------------------------
// Fixed names and times
// ---------------------------------------------------------------------------------------------

const NEW: &str = "new";
const OLD: &str = "old";

// ---------------------------------------------------------------------------------------------
// Generators: plain descriptions first, objects built from them
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TaintKind {
    /// `node-role.kubernetes.io/control-plane:NoSchedule`: tolerated by some templates only.
    ControlPlane,
    /// `example.com/maintenance:NoSchedule`: tolerated only by a toleration of everything.
    Maintenance,
    /// `dedicated=gpu:NoExecute`: tolerated by some templates only.
    DedicatedGpu,
    /// The node lifecycle controller's two `not-ready` taints (the NoSchedule one is not a
    /// default toleration); pods here never become Ready.
    NotReady,
    /// A `Ready=False` node condition without taints: the daemon should run, but its pods
    /// never become Ready.
    ConditionNotReady,
    /// `node.kubernetes.io/unschedulable:NoSchedule` (a default toleration).
    Unschedulable,
    /// Ignored by the daemon.
    PreferNoSchedule,
}

/// The old pod a node starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PodState {
    Missing,
    /// Running and Ready for an hour.
    Available,
    /// Running and Ready since this many seconds (maybe within minReadySeconds).
    ReadySince(i64),
    /// Running, not Ready.
    NotReady,
    /// Scheduled, Pending.
    Pending,
    /// Failed.
    Failed,
}

#[derive(Debug, Clone)]
struct NodeGen {
    zone: usize,
    /// `Some(true)` = `disk: ssd`, `Some(false)` = `disk: hdd`.
    disk: Option<bool>,
    taints: Vec<TaintKind>,
    pod: PodState,
    /// The old pod is there even if the new template may not keep one on this node (the old
    /// template was placed more widely).
    stray: bool,
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
}

#[derive(Debug, Clone)]
struct DsGen {
    ssd_only: bool,
    affinity: AffinityGen,
    tolerations: TolerationGen,
    strategy: StrategyGen,
    min_ready_seconds: i32,
}

/// Which clusters a property wants.
#[derive(Debug, Clone, Copy)]
struct Shape {
    /// `Some(false)`: maxUnavailable only; `Some(true)`: maxSurge; `None`: either.
    surge: Option<bool>,
    /// Whether nodes on which pods never become Ready may appear.
    not_ready_nodes: bool,
    /// Whether deleted pods linger (terminating) for a few seconds.
    termination: bool,
}

#[derive(Debug, Clone)]
struct Cluster {
    ds: DaemonSet,
    nodes: Vec<Node>,
    pods: Vec<Pod>,
    pod_startup_seconds: i64,
    termination_seconds: i64,
}

fn taint_kind(not_ready_nodes: bool) -> BoxedStrategy<TaintKind> {
    let mut kinds = vec![
        TaintKind::ControlPlane,
        TaintKind::Maintenance,
        TaintKind::DedicatedGpu,
        TaintKind::Unschedulable,
        TaintKind::PreferNoSchedule,
    ];
    if not_ready_nodes {
        kinds.push(TaintKind::NotReady);
        kinds.push(TaintKind::ConditionNotReady);
    }
    prop::sample::select(kinds).boxed()
}

fn pod_state() -> impl Strategy<Value = PodState> {
    prop_oneof![
        14 => Just(PodState::Available),
        2 => (0..=40i64).prop_map(PodState::ReadySince),
        1 => Just(PodState::NotReady),
        1 => Just(PodState::Pending),
        1 => Just(PodState::Failed),
        2 => Just(PodState::Missing),
    ]
}

fn node_gen(not_ready_nodes: bool) -> impl Strategy<Value = NodeGen> {
    let taints = prop_oneof![
        6 => Just(Vec::new()),
        3 => prop::collection::vec(taint_kind(not_ready_nodes), 1..=1),
        1 => prop::collection::vec(taint_kind(not_ready_nodes), 2..=2),
    ];
    (
        0..ZONES.len(),
        prop::option::weighted(0.6, any::<bool>()),
        taints,
        pod_state(),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(zone, disk, mut taints, pod, stray)| {
            taints.sort();
            taints.dedup();
            NodeGen {
                zone,
                disk,
                taints,
                pod,
                stray,
            }
        })
}

fn strategy_gen(surge: Option<bool>) -> BoxedStrategy<StrategyGen> {
    let no_surge = max_unavailable_value().prop_map(StrategyGen::MaxUnavailable);
    let with_surge = max_surge_value().prop_map(StrategyGen::MaxSurge);
    match surge {
        None => prop_oneof![no_surge, with_surge].boxed(),
        Some(false) => no_surge.boxed(),
        Some(true) => with_surge.boxed(),
    }
}

fn ds_gen(surge: Option<bool>) -> impl Strategy<Value = DsGen> {
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
        strategy_gen(surge),
        prop_oneof![Just(0), 5..=30i32],
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

/// 1 to 200 nodes, mostly at most 60.
fn node_count() -> impl Strategy<Value = usize> {
    prop_oneof![
        6 => 1..=12usize,
        3 => 13..=60usize,
        1 => 61..=200usize,
    ]
}

fn cluster(shape: Shape) -> impl Strategy<Value = Cluster> {
    let termination = if shape.termination {
        prop_oneof![3 => Just(0i64), 1 => 1..=5i64].boxed()
    } else {
        Just(0i64).boxed()
    };
    node_count()
        .prop_flat_map(move |n| prop::collection::vec(node_gen(shape.not_ready_nodes), n))
        .prop_flat_map(move |node_gens| {
            (
                Just(node_gens),
                ds_gen(shape.surge),
                prop_oneof![1 => Just(0i64), 4 => 1..=15i64],
                termination.clone(),
            )
        })
        .prop_map(|(node_gens, ds_gen, startup, termination)| {
            build_cluster(&node_gens, &ds_gen, startup, termination)
        })
}

// ---------------------------------------------------------------------------------------------
// Building objects
// ---------------------------------------------------------------------------------------------

fn node_name(i: usize) -> String {
    format!("node-{i:03}")
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
            TaintKind::Maintenance => node.spec.taints.push(Taint::new(
                "example.com/maintenance",
                TaintEffect::NoSchedule,
            )),
            TaintKind::DedicatedGpu => {
                let mut taint = Taint::new("dedicated", TaintEffect::NoExecute);
                taint.value = "gpu".into();
                node.spec.taints.push(taint);
            }
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
            TaintKind::ConditionNotReady => node.status.conditions.push(NodeCondition {
                type_: "Ready".into(),
                status: "False".into(),
                last_transition_time: Some(at(-3_600)),
                ..NodeCondition::default()
            }),
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
    ds.metadata.generation = Some(2);
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
        serde_json::json!([{"name": "agent", "image": "registry.k8s.io/agent:v2"}]),
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
    strategy.type_ = Some(UpdateStrategyType::RollingUpdate);
    strategy.rolling_update = Some(match &g.strategy {
        StrategyGen::MaxUnavailable(value) => RollingUpdateDaemonSet {
            max_unavailable: Some(value.clone()),
            max_surge: None,
            ..Default::default()
        },
        StrategyGen::MaxSurge(value) => RollingUpdateDaemonSet {
            max_unavailable: Some(IntOrString::Int(0)),
            max_surge: Some(value.clone()),
            ..Default::default()
        },
    });
    ds.spec.min_ready_seconds = g.min_ready_seconds;
    apply_defaults(&mut ds);
    ds
}

/// An old-revision daemon pod scheduled on `node`.
fn old_pod(name: String, node: &str, state: PodState, created: Time) -> Pod {
    let mut pod = Pod {
        api_version: "v1".into(),
        kind: "Pod".into(),
        ..Pod::default()
    };
    pod.metadata.name = name;
    pod.metadata.namespace = NAMESPACE.into();
    pod.metadata.creation_timestamp = Some(created);
    pod.metadata.labels.insert("app".into(), "ds".into());
    pod.metadata.labels.insert(HASH_LABEL.into(), OLD.into());
    pod.metadata.owner_references.push(OwnerReference {
        api_version: "apps/v1".into(),
        kind: "DaemonSet".into(),
        name: DS_NAME.into(),
        uid: DS_UID.into(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    });
    pod.spec.node_name = node.into();
    let (phase, ready, since) = match state {
        PodState::Missing | PodState::Available => (PodPhase::Running, true, at(-3_600)),
        PodState::ReadySince(age) => (PodPhase::Running, true, at(-age)),
        PodState::NotReady => (PodPhase::Running, false, at(-60)),
        PodState::Pending => (PodPhase::Pending, false, at(-60)),
        PodState::Failed => (PodPhase::Failed, false, at(-60)),
    };
    pod.status.phase = Some(phase);
    set_ready(&mut pod, ready, since);
    pod
}

fn node_never_ready(g: &NodeGen) -> bool {
    g.taints
        .iter()
        .any(|t| matches!(t, TaintKind::NotReady | TaintKind::ConditionNotReady))
}

fn build_cluster(node_gens: &[NodeGen], ds_gen: &DsGen, startup: i64, termination: i64) -> Cluster {
    let ds = build_daemon_set(ds_gen);
    let placement = DaemonPlacement::new(&ds, false);
    let nodes: Vec<Node> = node_gens
        .iter()
        .enumerate()
        .map(|(i, g)| build_node(i, g))
        .collect();
    let mut pods = Vec::new();
    for (i, (g, node)) in node_gens.iter().zip(&nodes).enumerate() {
        if g.pod == PodState::Missing {
            continue;
        }
        if !placement.placement(node).should_continue_running && !g.stray {
            continue;
        }
        // Pods on a NotReady node have lost readiness, as the node lifecycle controller does.
        let state = match g.pod {
            PodState::Available | PodState::ReadySince(_) if node_never_ready(g) => {
                PodState::NotReady
            }
            other => other,
        };
        let created = at(-10_000 + i64::try_from(i).unwrap());
        pods.push(old_pod(
            format!("old-{i:03}"),
            &node.metadata.name,
            state,
            created,
        ));
    }
    Cluster {
        ds,
        nodes,
        pods,
        pod_startup_seconds: startup,
        termination_seconds: termination,
    }
}

fn simulator(c: &Cluster) -> Simulator {
    let mut sim = Simulator::new(c.ds.clone(), c.nodes.clone(), c.pods.clone(), now());
    sim.pod_startup_seconds = c.pod_startup_seconds;
    sim.termination_seconds = c.termination_seconds;
    sim
}

// ---------------------------------------------------------------------------------------------
// What the properties look at
// ---------------------------------------------------------------------------------------------

fn desired_count(placements: &BTreeMap<String, Placement>) -> i64 {
    i64::try_from(placements.values().filter(|p| p.should_run).count()).unwrap()
}

fn is_new(pod: &Pod) -> bool {
    pod.metadata.labels.get(HASH_LABEL).map(String::as_str) == Some(NEW)
}

/// The non-terminating pods of each node (every pod of the simulator is the DaemonSet's and
/// scheduled).
fn live_pods(pods: &[Pod]) -> BTreeMap<&str, Vec<&Pod>> {
    let mut map: BTreeMap<&str, Vec<&Pod>> = BTreeMap::new();
    for pod in pods.iter().filter(|p| !p.is_terminating()) {
        map.entry(pod.spec.node_name.as_str())
            .or_default()
            .push(pod);
    }
    map
}

/// Desired nodes without an available (non-terminating) pod.
fn unavailable_desired(
    sim: &Simulator,
    placements: &BTreeMap<String, Placement>,
) -> BTreeSet<String> {
    let min_ready = sim.daemon_set.spec.min_ready_seconds;
    let live = live_pods(&sim.pods);
    placements
        .iter()
        .filter(|(_, p)| p.should_run)
        .filter(|(name, _)| {
            !live
                .get(name.as_str())
                .is_some_and(|pods| pods.iter().any(|p| p.is_available(min_ready, sim.now)))
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// Upstream's `numAvailable` of the surge loop (spec 5.3), on the given state: over every node
/// that holds live pods or should run one, the old pod decides when there is one, else the new.
fn surge_number_available(sim: &Simulator, placements: &BTreeMap<String, Placement>) -> i64 {
    let min_ready = sim.daemon_set.spec.min_ready_seconds;
    let live = live_pods(&sim.pods);
    let mut count = 0;
    for (node, pods) in &live {
        // Pods on nodes where they may not continue are deleted by manage before the rolling
        // update looks (case C), so they never count.
        if !placements
            .get(*node)
            .is_some_and(|p| p.should_continue_running)
        {
            continue;
        }
        let old = pods.iter().find(|p| !is_new(p));
        let decides = old.or_else(|| pods.iter().find(|p| is_new(p)));
        if decides.is_some_and(|p| p.is_available(min_ready, sim.now)) {
            count += 1;
        }
    }
    count
}

fn creates(plan: &Plan) -> impl Iterator<Item = (&str, CreateReason)> {
    plan.actions.iter().filter_map(|a| match a {
        Action::Create { node, reason } => Some((node.as_str(), *reason)),
        _ => None,
    })
}

fn deletes(plan: &Plan) -> impl Iterator<Item = (&str, Option<&str>, DeleteReason)> {
    plan.actions.iter().filter_map(|a| match a {
        Action::Delete { pod, node, reason } => Some((pod.as_str(), node.as_deref(), *reason)),
        _ => None,
    })
}

/// The nodes a plan starts replacing: rolling-update deletes (Outdated, OutdatedUnavailable)
/// and surge creates (Surge, SurgeForUnavailable), in node-name order. A plan with any is a
/// batch.
fn batch_nodes(plan: &Plan) -> Vec<String> {
    plan.replaced_nodes()
}

fn update_mode(plan: &Plan) -> Option<UpdateMode> {
    match &plan.rolling_update {
        Some(RollingUpdateStep::Batch(batch)) => Some(batch.mode),
        _ => None,
    }
}

/// Whether the status says the rollout is complete, as `preview_rollout` judges it.
fn status_complete(plan: &Plan) -> bool {
    let s = &plan.status;
    s.updated_number_scheduled >= s.desired_number_scheduled
        && s.number_available >= s.desired_number_scheduled
}

// ---------------------------------------------------------------------------------------------
// Driving a rollout
// ---------------------------------------------------------------------------------------------

/// How the clock moves when a plan has nothing to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clock {
    /// Exactly as `preview_rollout`: to `Simulator::next_event`, and stop as soon as the
    /// status says the rollout is complete.
    Preview,
    /// Like a controller: also to the moment a Ready pod becomes available (minReadySeconds;
    /// upstream requeues then), and on until nothing is left to happen.
    Controller,
}

#[derive(Debug)]
struct Outcome {
    /// Every batch: when, and which nodes.
    batches: Vec<(Time, Vec<String>)>,
    /// Preview: the status said complete. Controller: nothing is left to happen.
    finished: bool,
    /// Every plan, with the time it was made (for failure messages).
    log: Vec<String>,
}

/// When the next Ready pod becomes available (minReadySeconds), if one is waiting.
fn next_availability(sim: &Simulator) -> Option<Time> {
    let min_ready = i64::from(sim.daemon_set.spec.min_ready_seconds);
    if min_ready == 0 {
        return None;
    }
    sim.pods
        .iter()
        .filter(|p| !p.is_terminating() && p.is_ready())
        .filter_map(|p| p.ready_condition()?.last_transition_time)
        .filter_map(|since| since.checked_add_seconds(min_ready))
        .filter(|t| *t > sim.now)
        .min()
}

/// Plans, applies and re-plans at the same time while plans act; otherwise moves the clock.
/// `check(before, plan, after)` sees every plan that acts.
fn drive(
    sim: &mut Simulator,
    clock: Clock,
    mut check: impl FnMut(&Simulator, &Plan, &Simulator) -> Result<(), TestCaseError>,
) -> Result<Outcome, TestCaseError> {
    let mut options = options();
    let mut outcome = Outcome {
        batches: Vec::new(),
        finished: false,
        log: Vec::new(),
    };
    let limit = (sim.nodes.len() + sim.pods.len()) * 8 + 64;
    for _ in 0..limit {
        let plan = sim.plan(&options).expect("the plan is made");
        options.failed_pod_backoff = plan.failed_pod_backoff.clone();
        if let Some(RollingUpdateStep::Failed(error)) = &plan.rolling_update {
            return Err(TestCaseError::fail(format!(
                "the rolling update failed: {error}"
            )));
        }
        let offset = sim.now.seconds_since(now());
        let nodes = batch_nodes(&plan);
        if !nodes.is_empty() {
            outcome.batches.push((sim.now, nodes));
        }
        if !plan.actions.is_empty() {
            let actions: Vec<String> = plan.actions.iter().map(ToString::to_string).collect();
            outcome
                .log
                .push(format!("t+{offset}: {}", actions.join("; ")));
            let before = sim.clone();
            sim.apply(&plan);
            check(&before, &plan, sim)?;
            continue;
        }
        if clock == Clock::Preview && status_complete(&plan) {
            outcome.finished = true;
            return Ok(outcome);
        }
        let mut next = sim.next_event();
        if clock == Clock::Controller {
            next = next.into_iter().chain(next_availability(sim)).min();
        }
        match next {
            Some(t) => sim.advance(t.seconds_since(sim.now).max(0)),
            None => {
                outcome.finished = clock == Clock::Controller;
                return Ok(outcome);
            }
        }
    }
    Err(TestCaseError::fail(format!(
        "no end after {limit} plans: {:?}",
        outcome.log
    )))
}

// ---------------------------------------------------------------------------------------------
// 1 and 2. Budgets at every step
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// 1. Without surge, at every step of a rollout (pods that never become Ready included):
    /// the plan's Outdated deletes on desired nodes are at most maxUnavailable minus the
    /// desired nodes already without an available pod, and after the plan at most
    /// max(maxUnavailable, before) desired nodes are without one. Old pods that were already
    /// unavailable are deleted beyond the budget (OutdatedUnavailable), as upstream, but they
    /// were counted as unavailable before.
    #[test]
    fn no_surge_rollout_respects_max_unavailable(
        c in cluster(Shape { surge: Some(false), not_ready_nodes: true, termination: true }),
    ) {
        let placements = placements(&c.ds, &c.nodes);
        let desired = desired_count(&placements);
        let (max_unavailable, max_surge) = budgets(&c.ds, desired);
        prop_assert_eq!(max_surge, 0);
        let mut sim = simulator(&c);
        drive(&mut sim, Clock::Controller, |before, plan, after| {
            prop_assert_eq!(update_mode(plan), Some(UpdateMode::MaxUnavailable));
            let unavailable_before = unavailable_desired(before, &placements);
            let unavailable_after = unavailable_desired(after, &placements);
            let u_before = i64::try_from(unavailable_before.len()).unwrap();
            let u_after = i64::try_from(unavailable_after.len()).unwrap();
            let outdated = deletes(plan)
                .filter(|(_, node, reason)| {
                    *reason == DeleteReason::Outdated
                        && node.is_some_and(|n| placements.get(n).is_some_and(|p| p.should_run))
                })
                .count();
            let outdated = i64::try_from(outdated).unwrap();
            prop_assert!(
                outdated <= (max_unavailable - u_before).max(0),
                "at t+{}: {outdated} outdated deletes on desired nodes with {u_before} desired \
                 nodes unavailable and maxUnavailable {max_unavailable}: {:?}",
                before.now.seconds_since(now()),
                plan.actions
            );
            prop_assert!(
                u_after <= max_unavailable.max(u_before),
                "at t+{}: {u_before} -> {u_after} desired nodes unavailable \
                 (maxUnavailable {max_unavailable}): {:?}; now unavailable: {:?}",
                before.now.seconds_since(now()),
                plan.actions,
                unavailable_after
            );
            // Old pods that were unavailable anyway are the only ones deleted beyond the budget.
            let min_ready = before.daemon_set.spec.min_ready_seconds;
            for (pod, _, reason) in deletes(plan) {
                if reason == DeleteReason::OutdatedUnavailable {
                    let old = before.pods.iter().find(|p| p.metadata.name == pod).unwrap();
                    prop_assert!(!is_new(old) && !old.is_available(min_ready, before.now));
                }
            }
            Ok(())
        })?;
    }

    /// 2. With surge, at every step of a rollout (pods that never become Ready included): after
    /// each plan at most maxSurge nodes carry two (non-terminating) pods, apart from nodes that
    /// got their new pod because their old pod was unavailable (SurgeForUnavailable, beyond
    /// maxSurge as upstream), until they are back to one pod. And the sunset rule: available old
    /// pods on nodes the new template cannot use are deleted only while more nodes are
    /// available than desired, and never so many that fewer remain.
    #[test]
    fn surge_rollout_respects_max_surge(
        c in cluster(Shape { surge: Some(true), not_ready_nodes: true, termination: true }),
    ) {
        let placements = placements(&c.ds, &c.nodes);
        let desired = desired_count(&placements);
        let (_, max_surge) = budgets(&c.ds, desired);
        let mut sim = simulator(&c);
        let mut exempt: BTreeSet<String> = BTreeSet::new();
        drive(&mut sim, Clock::Controller, |before, plan, after| {
            let mode = if max_surge > 0 { UpdateMode::MaxSurge } else { UpdateMode::MaxUnavailable };
            prop_assert_eq!(update_mode(plan), Some(mode));
            for (node, reason) in creates(plan) {
                prop_assert!(placements.get(node).is_some_and(|p| p.should_run), "create on {node}");
                if reason == CreateReason::SurgeForUnavailable {
                    exempt.insert(node.to_owned());
                }
            }
            let live = live_pods(&after.pods);
            exempt.retain(|node| live.get(node.as_str()).is_some_and(|pods| pods.len() >= 2));
            let doubled: Vec<&str> = live
                .iter()
                .filter(|(node, pods)| pods.len() >= 2 && !exempt.contains(**node))
                .map(|(node, _)| *node)
                .collect();
            for node in &doubled {
                let pods = &live[node];
                prop_assert!(
                    pods.len() == 2 && pods.iter().filter(|p| is_new(p)).count() == 1,
                    "{node} carries {} pods", pods.len()
                );
            }
            prop_assert!(
                i64::try_from(doubled.len()).unwrap() <= max_surge,
                "at t+{}: {} nodes carry two pods beyond those of unavailable old pods \
                 (maxSurge {max_surge}): {doubled:?}; plan {:?}",
                before.now.seconds_since(now()),
                doubled.len(),
                plan.actions
            );
            // The sunset rule (spec 5.3, kubernetes PR #119317).
            let min_ready = before.daemon_set.spec.min_ready_seconds;
            let available_sunsets = deletes(plan)
                .filter(|(_, _, reason)| *reason == DeleteReason::Sunset)
                .filter(|(pod, _, _)| {
                    before
                        .pods
                        .iter()
                        .find(|p| p.metadata.name == *pod)
                        .is_some_and(|p| p.is_available(min_ready, before.now))
                })
                .count();
            let available_sunsets = i64::try_from(available_sunsets).unwrap();
            let number_available = surge_number_available(before, &placements);
            prop_assert!(
                available_sunsets <= (number_available - desired).max(0),
                "{available_sunsets} available sunset pods deleted with {number_available} \
                 nodes available and {desired} desired: {:?}",
                plan.actions
            );
            Ok(())
        })?;
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Rollouts end, and how
// ---------------------------------------------------------------------------------------------

/// What a rollout's end looks like on a node the new template may keep a pod on but should
/// not start one (an untolerated NoSchedule taint only: `should_run` false,
/// `should_continue_running` true).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeepNodeEnd {
    /// No pod.
    Empty,
    /// The old pod is kept.
    OldKept,
}

/// Upstream's guarantee for such a node (spec 5.2 quirk 11 and 5.3 sunset):
/// * without surge (in the rolling update's own mode), the old pod is an update candidate
///   like any other and, once deleted, is not recreated: it ends deleted, unless the scaled
///   maxUnavailable is 0 (only possible with 0 desired nodes, where the both-zero fallback
///   does not apply), in which case an available old pod is never a candidate and stays
///   (an unavailable one is deleted at once, beyond the budget);
/// * with surge, an unavailable old pod is deleted at once, an available one is deleted
///   while more nodes are available than desired, which holds once every desired node runs an
///   available new pod: it ends deleted too.
///
/// No new pod is ever created there.
fn keep_node_end(ds: &DaemonSet, desired: i64, old: Option<&Pod>) -> KeepNodeEnd {
    let Some(old) = old else {
        return KeepNodeEnd::Empty;
    };
    let (max_unavailable, max_surge) = budgets(ds, desired);
    let available = old.is_available(ds.spec.min_ready_seconds, now());
    if max_surge == 0 && max_unavailable <= 0 && available {
        KeepNodeEnd::OldKept
    } else {
        KeepNodeEnd::Empty
    }
}

/// How many batches a rollout may take.
///
/// With `budget` the scaled maxUnavailable or maxSurge (at least 1), upstream replaces the
/// available old pods of desired nodes `budget` at a time, and all unavailable ones in the first
/// batch: at most ceil(desired / budget) + 2 batches, provided the batches of one wave stay in
/// step, i.e. deleted pods vanish at once (`termination_seconds == 0`). Two things add plans:
/// * Without surge, an available old pod on a node that may only continue (untolerated
///   NoSchedule taint) is an update candidate (quirk 11): it takes a unit of budget in the plan
///   that deletes it, and none afterwards (the node has no key any more and no replacement
///   comes), so the controller spends that unit again at once, in another plan at the same
///   time. Each such pod can add one plan; the distinct batch times stay within the bound.
/// * With graceful termination, a terminating pod makes its node count as unavailable until it
///   is gone (upstream's `findUpdatedPodsOnNode` ignores it), so a node whose pod was deleted
///   is free again later than a node that had none: the budget splits into units freed at
///   different times, and a wave of `budget` nodes can take `budget` batches. Then only each
///   node being in at most one batch is promised.
fn batch_bound(desired: i64, budget: i64, keep_node_candidates: usize) -> (usize, usize) {
    let waves = usize::try_from((desired + budget - 1) / budget).unwrap() + 2;
    (waves + keep_node_candidates, waves)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    /// 3. Where pods become available (no NotReady nodes), every rollout ends with exactly one
    /// available pod of the new revision on every node that should run the daemon, none on
    /// nodes where it may not continue, what `keep_node_end` says on nodes where it may only
    /// continue, and no node is in two batches; with pods that vanish at once, it takes at
    /// most `batch_bound` batches.
    ///
    /// Old pods that are not Ready are allowed: they never become Ready, but the rollout
    /// replaces them beyond the budget (OutdatedUnavailable, SurgeForUnavailable, Sunset).
    /// The clock also moves to the moment a Ready pod becomes available (minReadySeconds), as
    /// upstream's requeue does; `Simulator::next_event` alone does not (see
    /// `preview_finishes_with_min_ready_seconds`).
    #[test]
    fn rollout_ends_with_one_new_pod_per_desired_node(
        c in cluster(Shape { surge: None, not_ready_nodes: false, termination: true }),
    ) {
        let placements = placements(&c.ds, &c.nodes);
        let desired = desired_count(&placements);
        let (max_unavailable, max_surge) = budgets(&c.ds, desired);
        let budget = if max_surge > 0 { max_surge } else { max_unavailable }.max(1);
        let min_ready = c.ds.spec.min_ready_seconds;
        let initial: BTreeMap<&str, &Pod> =
            c.pods.iter().map(|p| (p.spec.node_name.as_str(), p)).collect();
        let keep_node_candidates = if max_surge > 0 {
            0
        } else {
            placements
                .iter()
                .filter(|(_, p)| !p.should_run && p.should_continue_running)
                .filter(|(name, _)| {
                    initial
                        .get(name.as_str())
                        .is_some_and(|pod| pod.is_available(min_ready, now()))
                })
                .count()
        };
        let mut sim = simulator(&c);
        let outcome = drive(&mut sim, Clock::Controller, |before, plan, _| {
            for (node, _) in creates(plan) {
                prop_assert!(placements.get(node).is_some_and(|p| p.should_run), "create on {node}");
            }
            if max_surge > 0 {
                let available_sunsets = deletes(plan)
                    .filter(|(_, _, reason)| *reason == DeleteReason::Sunset)
                    .filter(|(pod, _, _)| {
                        before
                            .pods
                            .iter()
                            .find(|p| p.metadata.name == *pod)
                            .is_some_and(|p| p.is_available(min_ready, before.now))
                    })
                    .count();
                let number_available = surge_number_available(before, &placements);
                prop_assert!(
                    i64::try_from(available_sunsets).unwrap() <= (number_available - desired).max(0)
                );
            }
            Ok(())
        })?;
        prop_assert!(outcome.finished);
        let log = &outcome.log;

        // Settled: one more plan does nothing, no pod is terminating, the status is complete.
        let last = sim.plan(&options()).unwrap();
        prop_assert!(last.actions.is_empty(), "{:?}", last.actions);
        prop_assert!(status_complete(&last), "{:?}", last.status);
        prop_assert!(sim.pods.iter().all(|p| !p.is_terminating()));

        let live = live_pods(&sim.pods);
        for (name, placement) in &placements {
            let pods = live.get(name.as_str()).cloned().unwrap_or_default();
            if placement.should_run {
                prop_assert!(
                    pods.len() == 1
                        && is_new(pods[0])
                        && pods[0].is_available(min_ready, sim.now),
                    "{name} ends with {:?}: {log:?}",
                    pods.iter().map(|p| &p.metadata.name).collect::<Vec<_>>()
                );
            } else if placement.should_continue_running {
                let expected = keep_node_end(&c.ds, desired, initial.get(name.as_str()).copied());
                let end = match pods.as_slice() {
                    [] => KeepNodeEnd::Empty,
                    [pod] if !is_new(pod) => KeepNodeEnd::OldKept,
                    _ => {
                        return Err(TestCaseError::fail(format!(
                            "{name} (may continue) ends with {} pods: {log:?}",
                            pods.len()
                        )))
                    }
                };
                prop_assert_eq!(end, expected, "{} (may only continue): {:?}", name, log);
            } else {
                prop_assert!(pods.is_empty(), "{name} (may not continue) keeps a pod: {log:?}");
            }
        }

        let mut batched = BTreeSet::new();
        for (_, nodes) in &outcome.batches {
            for node in nodes {
                prop_assert!(batched.insert(node), "{node} is in two batches: {:?}", outcome.batches);
            }
        }
        if c.termination_seconds == 0 {
            let (plans, times) = batch_bound(desired, budget, keep_node_candidates);
            let distinct: BTreeSet<Time> = outcome.batches.iter().map(|(t, _)| *t).collect();
            prop_assert!(
                outcome.batches.len() <= plans && distinct.len() <= times,
                "{} batches at {} times for {desired} desired nodes, budget {budget}, \
                 {keep_node_candidates} available old pods on may-continue nodes without surge \
                 (bounds {plans} and {times}): {:?}",
                outcome.batches.len(),
                distinct.len(),
                outcome.batches
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 4. The preview is the simulation
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// 4. `preview_rollout` gives the batches (same times, same nodes, same number) and the
    /// same `finishes` as a simulator to which the plans are applied one by one, advancing the
    /// clock to the simulator's next event when a plan has nothing to do.
    #[test]
    fn preview_matches_step_by_step_simulation(
        c in cluster(Shape { surge: None, not_ready_nodes: true, termination: false }),
    ) {
        let preview =
            preview_rollout(&c.ds, &c.nodes, &c.pods, &options(), c.pod_startup_seconds).unwrap();
        let mut sim = simulator(&c);
        let outcome = drive(&mut sim, Clock::Preview, |_, _, _| Ok(()))?;
        let previewed: Vec<(Time, Vec<String>)> =
            preview.batches.iter().map(|b| (b.at, b.nodes.clone())).collect();
        prop_assert_eq!(previewed.len(), outcome.batches.len());
        prop_assert_eq!(&previewed, &outcome.batches);
        prop_assert_eq!(preview.finishes, outcome.finished, "{:?}", preview.reason);
        prop_assert_eq!(preview.duration_seconds, sim.now.seconds_since(now()));
        if preview.finishes {
            let placements = placements(&c.ds, &c.nodes);
            prop_assert!(unavailable_desired(&sim, &placements).is_empty());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Examples behind the bounds, and a suspected bug
// ---------------------------------------------------------------------------------------------

fn plain_node(taints: Vec<TaintKind>, pod: PodState) -> NodeGen {
    NodeGen {
        zone: 0,
        disk: None,
        taints,
        pod,
        stray: false,
    }
}

fn max_unavailable_ds(value: IntOrString, min_ready_seconds: i32) -> DsGen {
    DsGen {
        ssd_only: false,
        affinity: AffinityGen::None,
        tolerations: TolerationGen::None,
        strategy: StrategyGen::MaxUnavailable(value),
        min_ready_seconds,
    }
}

fn batch_offsets(outcome: &Outcome) -> Vec<(i64, Vec<String>)> {
    outcome
        .batches
        .iter()
        .map(|(t, nodes)| (t.seconds_since(now()), nodes.clone()))
        .collect()
}

/// Quirk 11: without surge, available old pods on nodes with an untolerated NoSchedule taint
/// are update candidates, are deleted one plan at a time within maxUnavailable 1, and are not
/// recreated. One desired node, three such nodes: four batches, all at once, more than
/// ceil(1 / 1) + 2.
#[test]
fn no_surge_may_continue_nodes_take_a_plan_each() {
    let keep = plain_node(vec![TaintKind::Maintenance], PodState::Available);
    let run = plain_node(Vec::new(), PodState::Available);
    let c = build_cluster(
        &[keep.clone(), keep.clone(), keep, run],
        &max_unavailable_ds(IntOrString::Int(1), 0),
        5,
        0,
    );
    let mut sim = simulator(&c);
    let outcome = drive(&mut sim, Clock::Controller, |_, _, _| Ok(())).unwrap();
    let names = |i: usize| vec![node_name(i)];
    assert_eq!(
        batch_offsets(&outcome),
        vec![(0, names(0)), (0, names(1)), (0, names(2)), (0, names(3))]
    );
    assert_eq!(batch_bound(1, 1, 3), (6, 3));
    let live = live_pods(&sim.pods);
    assert_eq!(live.len(), 1);
    assert!(live[node_name(3).as_str()].iter().all(|p| is_new(p)));
    // The preview agrees.
    let preview = preview_rollout(&c.ds, &c.nodes, &c.pods, &options(), 5).unwrap();
    assert!(preview.finishes);
    assert_eq!(preview.batches.len(), 4);
}

/// Graceful termination splits a wave: a node whose old pod was deleted is free again
/// `termination_seconds` later than a node that had no pod, so maxUnavailable 2 (25% of 8)
/// frees one unit at a time, and each desired node with an available old pod is a batch of
/// its own: seven batches, more than ceil(8 / 2) + 2. Upstream does the same (a terminating
/// pod counts as unavailable, spec 5.2).
#[test]
fn graceful_termination_splits_waves() {
    let mut gens = vec![
        plain_node(Vec::new(), PodState::Missing),
        plain_node(Vec::new(), PodState::NotReady),
    ];
    gens.extend(std::iter::repeat_n(
        plain_node(Vec::new(), PodState::Available),
        6,
    ));
    let c = build_cluster(&gens, &max_unavailable_ds("25%".into(), 20), 0, 5);
    let mut sim = simulator(&c);
    let outcome = drive(&mut sim, Clock::Controller, |_, _, _| Ok(())).unwrap();
    let offsets: Vec<i64> = batch_offsets(&outcome).iter().map(|b| b.0).collect();
    assert_eq!(offsets, vec![0, 20, 25, 45, 50, 70, 75]);
    assert!(outcome.finished);
    assert!(unavailable_desired(&sim, &placements(&c.ds, &c.nodes)).is_empty());
}

/// Regression: with minReadySeconds > 0, `preview_rollout` once stopped as soon as the first
/// new pods were Ready, because `Simulator::next_event` did not know when a Ready pod becomes
/// available.
///
/// Two nodes, maxUnavailable 1, minReadySeconds 10, pods Ready 5 s after creation: the second
/// batch should start at t+15 and the rollout finish at t+30.
#[test]
fn preview_finishes_with_min_ready_seconds() {
    let node = plain_node(Vec::new(), PodState::Available);
    let c = build_cluster(
        &[node.clone(), node],
        &max_unavailable_ds(IntOrString::Int(1), 10),
        5,
        0,
    );
    let preview = preview_rollout(&c.ds, &c.nodes, &c.pods, &options(), 5).unwrap();
    // Today: one batch at t+0, finishes false, duration 5.
    assert!(preview.finishes, "{preview:?}");
    let batches: Vec<(i64, Vec<String>)> = preview
        .batches
        .iter()
        .map(|b| (b.at.seconds_since(now()), b.nodes.clone()))
        .collect();
    assert_eq!(
        batches,
        vec![(0, vec![node_name(0)]), (15, vec![node_name(1)])]
    );
    assert_eq!(preview.duration_seconds, 30);
}

/// The same rollout, driven like a controller (the clock also moves to the moment a Ready pod
/// becomes available), finishes as `preview_finishes_with_min_ready_seconds` expects.
#[test]
fn controller_clock_finishes_with_min_ready_seconds() {
    let node = plain_node(Vec::new(), PodState::Available);
    let c = build_cluster(
        &[node.clone(), node],
        &max_unavailable_ds(IntOrString::Int(1), 10),
        5,
        0,
    );
    let mut sim = simulator(&c);
    let outcome = drive(&mut sim, Clock::Controller, |_, _, _| Ok(())).unwrap();
    assert!(outcome.finished);
    assert_eq!(
        batch_offsets(&outcome),
        vec![(0, vec![node_name(0)]), (15, vec![node_name(1)])]
    );
    assert_eq!(sim.now.seconds_since(now()), 30);
    // Driven by `next_event` alone, as the preview does, it now finishes the same way.
    let mut preview_clock = simulator(&c);
    let outcome = drive(&mut preview_clock, Clock::Preview, |_, _, _| Ok(())).unwrap();
    assert!(outcome.finished);
    assert_eq!(preview_clock.now.seconds_since(now()), 30);
}
