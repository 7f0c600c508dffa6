//! Property tests beyond upstream, on simulated rollouts (`Simulator`): the per-zone budget is
//! never exceeded, a partition keeps exactly its nodes on the old revision, paused and frozen
//! plans replace nothing, canaries go first, and `rollout_complete` says exactly when the
//! simulated rollout has finished.
//!
//! Objects are built in Rust, so this file does not need the `yaml` feature.

use std::collections::{BTreeMap, BTreeSet};

use daemonset_planner::model::{OwnerReference, PodCondition, PodPhase};
use daemonset_planner::rollout::Simulator;
use daemonset_planner::{
    Action, CreateReason, DaemonSet, DaemonSetStatus, DeleteReason, IntOrString, LabelSelector,
    Node, Plan, PlanOptions, Pod, RollingUpdateStep, Time, TopologyBudget, UpdateOrder,
    apply_defaults, rollout_complete,
};
use proptest::prelude::*;

const NOW_SECONDS: i64 = 1_700_000_000;
const ZONE: &str = "topology.kubernetes.io/zone";
const HASH: &str = "controller-revision-hash";
const ZONES: [&str; 3] = ["zone-a", "zone-b", "zone-c"];
/// Enough plans for any generated rollout to finish or settle.
const MAX_STEPS: usize = 400;

fn now() -> Time {
    Time::from_unix_seconds(NOW_SECONDS).unwrap()
}

fn node_name(i: usize) -> String {
    format!("node-{i:02}")
}

fn node(i: usize, zone: usize, pool: &str) -> Node {
    let mut node = Node::default();
    node.metadata.name = node_name(i);
    node.metadata
        .labels
        .insert("kubernetes.io/hostname".into(), node_name(i));
    node.metadata
        .labels
        .insert(ZONE.into(), ZONES[zone % ZONES.len()].into());
    node.metadata.labels.insert("pool".into(), pool.into());
    node
}

/// A DaemonSet named `ds` selecting `app: ds`; `api_version` picks apps/v1 or Kruise.
fn daemon_set(
    api_version: &str,
    max_unavailable: IntOrString,
    max_surge: IntOrString,
) -> DaemonSet {
    let mut ds = DaemonSet {
        api_version: api_version.into(),
        kind: "DaemonSet".into(),
        ..DaemonSet::default()
    };
    ds.metadata.name = "ds".into();
    ds.metadata.namespace = "default".into();
    ds.metadata.uid = "ds-uid".into();
    ds.metadata.generation = Some(2);
    let labels = [("app".to_string(), "ds".to_string())];
    ds.spec.selector = Some(LabelSelector {
        match_labels: labels.clone().into(),
        ..LabelSelector::default()
    });
    ds.spec.template.metadata.labels = labels.into();
    let rolling = ds
        .spec
        .update_strategy
        .rolling_update
        .get_or_insert_with(Default::default);
    rolling.max_unavailable = Some(max_unavailable);
    rolling.max_surge = Some(max_surge);
    apply_defaults(&mut ds);
    ds
}

fn pod(name: &str, node: &str, hash: &str, ready: bool) -> Pod {
    let mut pod = Pod::default();
    pod.metadata.name = name.into();
    pod.metadata.namespace = "default".into();
    pod.metadata.labels.insert("app".into(), "ds".into());
    pod.metadata.labels.insert(HASH.into(), hash.into());
    pod.metadata.creation_timestamp = Time::from_unix_seconds(NOW_SECONDS - 3600);
    pod.metadata.owner_references.push(OwnerReference {
        api_version: "apps/v1".into(),
        kind: "DaemonSet".into(),
        name: "ds".into(),
        uid: "ds-uid".into(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    });
    pod.spec.node_name = node.into();
    pod.status.phase = Some(PodPhase::Running);
    pod.status.conditions.push(PodCondition {
        type_: "Ready".into(),
        status: if ready { "True" } else { "False" }.into(),
        last_transition_time: Time::from_unix_seconds(NOW_SECONDS - 3600),
        ..PodCondition::default()
    });
    pod
}

fn options() -> PlanOptions {
    PlanOptions::new(now()).with_revision("new")
}

/// Plans and applies until nothing more happens (or `MAX_STEPS`), calling `check` on each plan
/// before it is applied.
fn run(sim: &mut Simulator, options: &PlanOptions, mut check: impl FnMut(&Simulator, &Plan)) {
    let mut options = options.clone();
    for _ in 0..MAX_STEPS {
        let plan = sim.plan(&options).unwrap();
        check(sim, &plan);
        options.failed_pod_backoff = plan.failed_pod_backoff.clone();
        if plan.actions.is_empty() {
            match wake_up(sim, &plan) {
                Some(seconds) => sim.advance(seconds),
                None => return,
            }
        } else {
            sim.apply(&plan);
        }
    }
}

/// Seconds until something can change on its own: a pod starts or goes, or a Ready pod
/// becomes available (the plan's requeue covers minReadySeconds only for the oldest pod of a
/// node, so the new pod of a surging node is checked here).
fn wake_up(sim: &Simulator, plan: &Plan) -> Option<i64> {
    let event = sim.next_event().map(|at| at.seconds_since(sim.now));
    let requeue = plan
        .requeue_after
        .map(|d| i64::try_from(d.as_secs()).unwrap());
    let min_ready = i64::from(sim.daemon_set.spec.min_ready_seconds);
    let available = sim
        .pods
        .iter()
        .filter(|p| p.is_ready())
        .filter_map(|p| p.ready_condition()?.last_transition_time)
        .map(|since| since.seconds_since(sim.now) + min_ready)
        .filter(|wait| *wait > 0)
        .min();
    [event, requeue, available]
        .into_iter()
        .flatten()
        .min()
        .map(|s| s.max(1))
}

fn live_pods<'a>(sim: &'a Simulator, node: &str) -> impl Iterator<Item = &'a Pod> + 'a {
    let node = node.to_owned();
    sim.pods
        .iter()
        .filter(move |p| p.spec.node_name == node && p.metadata.deletion_timestamp.is_none())
}

fn is_update_action(action: &Action) -> bool {
    match action {
        Action::Create { reason, .. } => {
            matches!(
                reason,
                CreateReason::Surge | CreateReason::SurgeForUnavailable
            )
        }
        Action::Delete { reason, .. } => matches!(
            reason,
            DeleteReason::Outdated
                | DeleteReason::OutdatedUnavailable
                | DeleteReason::Superseded
                | DeleteReason::OldNotReady
                | DeleteReason::Sunset
        ),
        _ => false,
    }
}

fn update_node(action: &Action) -> Option<&str> {
    if !is_update_action(action) {
        return None;
    }
    match action {
        Action::Create { node, .. } => Some(node),
        Action::Delete { node, .. } => node.as_deref(),
        _ => None,
    }
}

fn budget_value() -> impl Strategy<Value = IntOrString> {
    prop_oneof![
        (1i32..4).prop_map(IntOrString::Int),
        prop_oneof![Just("25%"), Just("50%"), Just("100%")].prop_map(IntOrString::from),
    ]
}

// ---------------------------------------------------------------------------------------------
// The per-zone budget

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// After every plan, no zone has more nodes without an available pod (maxUnavailable mode)
    /// or more surging nodes (maxSurge mode) than its budget, for every order.
    #[test]
    fn the_zone_budget_is_never_exceeded(
        zones in proptest::collection::vec(0usize..3, 2..10),
        surge in any::<bool>(),
        global in budget_value(),
        per_zone in prop_oneof![
            (1i32..3).prop_map(IntOrString::Int),
            prop_oneof![Just("34%"), Just("50%")].prop_map(IntOrString::from),
        ],
        order in prop_oneof![
            Just(UpdateOrder::NodeName),
            Just(UpdateOrder::TopologyDomains { key: ZONE.into() }),
            Just(UpdateOrder::Canary { nodes: vec![node_name(1)] }),
        ],
        strict in any::<bool>(),
        kruise in any::<bool>(),
        min_ready in prop_oneof![Just(0), Just(5)],
        termination in prop_oneof![Just(0i64), Just(3)],
    ) {
        let nodes: Vec<Node> = zones.iter().enumerate().map(|(i, z)| node(i, *z, "a")).collect();
        let (max_unavailable, max_surge) = if surge {
            (IntOrString::Int(0), global)
        } else {
            (global, IntOrString::Int(0))
        };
        let api = if kruise { "apps.kruise.io/v1beta1" } else { "apps/v1" };
        let mut ds = daemon_set(api, max_unavailable, max_surge);
        ds.spec.min_ready_seconds = min_ready;
        let pods: Vec<Pod> = nodes
            .iter()
            .map(|n| pod(&format!("old-{}", n.metadata.name), &n.metadata.name, "old", true))
            .collect();
        let budget = TopologyBudget::new(ZONE, per_zone.clone());
        let options = options()
            .with_topology_budget(budget)
            .with_update_order(order)
            .with_strict_budget(strict);
        let mut per_zone_desired: BTreeMap<&str, i64> = BTreeMap::new();
        for n in &nodes {
            *per_zone_desired.entry(n.metadata.labels[ZONE].as_str()).or_default() += 1;
        }
        let limits: BTreeMap<&str, i64> = per_zone_desired
            .iter()
            .map(|(z, count)| (*z, per_zone.scaled_value(*count, true).unwrap()))
            .collect();
        let mut sim = Simulator::new(ds, nodes.clone(), pods, now());
        sim.termination_seconds = termination;
        let mut violations = Vec::new();
        let mut steps = 0;
        let mut options = options;
        for _ in 0..MAX_STEPS {
            let plan = sim.plan(&options).unwrap();
            options.failed_pod_backoff = plan.failed_pod_backoff.clone();
            let acted = !plan.actions.is_empty();
            sim.apply(&plan);
            steps += 1;
            let mut in_use: BTreeMap<&str, i64> = BTreeMap::new();
            for n in &nodes {
                let pods: Vec<&Pod> = live_pods(&sim, &n.metadata.name).collect();
                let counts = if surge {
                    pods.len() > 1
                } else {
                    !pods.iter().any(|p| p.is_available(min_ready, sim.now))
                };
                if counts {
                    *in_use.entry(n.metadata.labels[ZONE].as_str()).or_default() += 1;
                }
            }
            for (zone, used) in &in_use {
                if *used > limits[zone] {
                    violations.push(format!("step {steps}: {zone} uses {used} > {}", limits[zone]));
                }
            }
            if !acted {
                match wake_up(&sim, &plan) {
                    Some(seconds) => sim.advance(seconds),
                    None => break,
                }
            }
        }
        prop_assert!(violations.is_empty(), "{violations:?}");
        // And the rollout gets there.
        let current = sim
            .pods
            .iter()
            .filter(|p| p.metadata.labels.get(HASH).map(String::as_str) == Some("new"))
            .count();
        prop_assert_eq!(current, nodes.len());
    }
}

// ---------------------------------------------------------------------------------------------
// The partition

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// At the end of a simulated rollout of an Advanced DaemonSet, exactly `partition` nodes
    /// (all of them if the partition is larger) still run the old revision: the lowest names.
    #[test]
    fn a_partition_keeps_exactly_its_nodes_on_the_old_revision(
        count in 1usize..9,
        partition in prop_oneof![
            (0i32..11).prop_map(IntOrString::Int),
            prop_oneof![Just("0%"), Just("30%"), Just("50%"), Just("100%")].prop_map(IntOrString::from),
        ],
        surge in any::<bool>(),
        global in budget_value(),
        fresh in 0usize..3,
        order in prop_oneof![
            Just(UpdateOrder::NodeName),
            Just(UpdateOrder::UnavailableFirst),
            Just(UpdateOrder::TopologyDomains { key: ZONE.into() }),
        ],
    ) {
        let nodes: Vec<Node> = (0..count).map(|i| node(i, i, "a")).collect();
        let (max_unavailable, max_surge) = if surge {
            (IntOrString::Int(0), global)
        } else {
            (global, IntOrString::Int(0))
        };
        let mut ds = daemon_set("apps.kruise.io/v1beta1", max_unavailable, max_surge);
        let rolling = ds.spec.update_strategy.rolling_update.as_mut().unwrap();
        rolling.partition = Some(partition.clone());
        // A settled DaemonSet: its status counts every node, so percentages scale as they would.
        ds.status = Some(DaemonSetStatus {
            desired_number_scheduled: i32::try_from(count).unwrap(),
            ..DaemonSetStatus::default()
        });
        // The highest `fresh` nodes join without a pod (they get new-revision pods).
        let pods: Vec<Pod> = nodes
            .iter()
            .take(count.saturating_sub(fresh))
            .map(|n| pod(&format!("old-{}", n.metadata.name), &n.metadata.name, "old", true))
            .collect();
        let had_old = pods.len();
        let mut sim = Simulator::new(ds, nodes.clone(), pods, now());
        run(&mut sim, &options().with_update_order(order), |_, _| {});
        let scaled = partition.scaled_value(i64::try_from(count).unwrap(), false).unwrap();
        let keep = usize::try_from(scaled.clamp(0, i64::try_from(count).unwrap())).unwrap();
        let old_nodes: BTreeSet<&str> = sim
            .pods
            .iter()
            .filter(|p| p.metadata.labels.get(HASH).map(String::as_str) == Some("old"))
            .map(|p| p.spec.node_name.as_str())
            .collect();
        // New nodes count as updated and take scope slots from the top; the partition keeps
        // the lowest names among the nodes that started with an old pod.
        let expected: BTreeSet<String> = (0..keep.min(had_old)).map(node_name).collect();
        let got: BTreeSet<String> = old_nodes.iter().map(|s| (*s).to_owned()).collect();
        prop_assert_eq!(got, expected);
        // Every node runs exactly one pod.
        for n in &nodes {
            prop_assert_eq!(live_pods(&sim, &n.metadata.name).count(), 1, "{}", n.metadata.name);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Paused and frozen

#[derive(Debug, Clone)]
struct PodGen {
    node: usize,
    old: bool,
    ready: bool,
    created: i64,
}

fn pod_gen() -> impl Strategy<Value = PodGen> {
    (0usize..6, any::<bool>(), any::<bool>(), 0i64..4).prop_map(|(node, old, ready, created)| {
        PodGen {
            node,
            old,
            ready,
            created,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A paused Advanced DaemonSet, or any frozen DaemonSet, never replaces an old pod (no
    /// update deletion, no surge), whatever state its pods are in, over a simulated run; a
    /// frozen one creates nothing at all.
    #[test]
    fn paused_and_frozen_plans_contain_no_update_actions(
        pods in proptest::collection::vec(pod_gen(), 0..10),
        surge in any::<bool>(),
        freeze in any::<bool>(),
        kruise_version in prop_oneof![Just("apps.kruise.io/v1alpha1"), Just("apps.kruise.io/v1beta1"), Just("apps/v1")],
        pools in proptest::collection::vec(any::<bool>(), 6),
    ) {
        let nodes: Vec<Node> = pools
            .iter()
            .enumerate()
            .map(|(i, a)| node(i, i, if *a { "a" } else { "b" }))
            .collect();
        let (max_unavailable, max_surge) = if surge {
            (IntOrString::Int(0), IntOrString::Int(2))
        } else {
            (IntOrString::Int(2), IntOrString::Int(0))
        };
        let mut ds = daemon_set(kruise_version, max_unavailable, max_surge);
        ds.spec.template.spec.node_selector.insert("pool".into(), "a".into());
        let kruise = kruise_version != "apps/v1";
        ds.spec.update_strategy.rolling_update.as_mut().unwrap().paused = Some(true);
        prop_assume!(kruise || freeze);
        let pods: Vec<Pod> = pods
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let mut p = pod(
                    &format!("p{i}"),
                    &node_name(g.node),
                    if g.old { "old" } else { "new" },
                    g.ready,
                );
                p.metadata.creation_timestamp = Time::from_unix_seconds(NOW_SECONDS - 100 * g.created);
                p
            })
            .collect();
        let mut sim = Simulator::new(ds, nodes, pods, now());
        let mut bad = Vec::new();
        run(&mut sim, &options().with_freeze(freeze), |_, plan| {
            for action in &plan.actions {
                let creates = matches!(action, Action::Create { .. });
                if is_update_action(action) || (freeze && creates) {
                    bad.push(action.to_string());
                }
            }
            if !matches!(plan.rolling_update, Some(RollingUpdateStep::Paused(_))) {
                bad.push(format!("rolling update ran: {:?}", plan.rolling_update));
            }
        });
        prop_assert!(bad.is_empty(), "{bad:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Canaries

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// With canaries, no other node's old pod is touched until every canary runs an available
    /// pod of the current revision; and the rollout still finishes.
    #[test]
    fn canary_nodes_are_always_updated_first(
        count in 2usize..9,
        canaries in proptest::collection::btree_set(0usize..9, 1..3),
        unready in proptest::collection::vec(any::<bool>(), 9),
        surge in any::<bool>(),
        global in budget_value(),
        kruise in any::<bool>(),
        strict in any::<bool>(),
    ) {
        let nodes: Vec<Node> = (0..count).map(|i| node(i, i, "a")).collect();
        let canary_names: Vec<String> = canaries.iter().map(|&i| node_name(i)).collect();
        let (max_unavailable, max_surge) = if surge {
            (IntOrString::Int(0), global)
        } else {
            (global, IntOrString::Int(0))
        };
        let api = if kruise { "apps.kruise.io/v1alpha1" } else { "apps/v1" };
        let ds = daemon_set(api, max_unavailable, max_surge);
        let pods: Vec<Pod> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| pod(&format!("old-{i}"), &n.metadata.name, "old", !unready[i]))
            .collect();
        let order = UpdateOrder::Canary { nodes: canary_names.clone() };
        let mut sim = Simulator::new(ds, nodes.clone(), pods, now());
        let mut bad = Vec::new();
        run(&mut sim, &options().with_update_order(order).with_strict_budget(strict), |sim, plan| {
            let touches_others = plan
                .actions
                .iter()
                .filter_map(update_node)
                .any(|n| !canary_names.iter().any(|c| c == n));
            if !touches_others {
                return;
            }
            // Pods this plan deletes are gone when the rest of it is judged.
            let deleted: BTreeSet<&str> = plan
                .actions
                .iter()
                .filter_map(|a| match a {
                    Action::Delete { pod, .. } => Some(pod.as_str()),
                    _ => None,
                })
                .collect();
            for canary in &canary_names {
                if !nodes.iter().any(|n| &n.metadata.name == canary) {
                    continue;
                }
                let pods: Vec<&Pod> = live_pods(sim, canary)
                    .filter(|p| !deleted.contains(p.metadata.name.as_str()))
                    .collect();
                let done = pods.len() == 1
                    && pods[0].metadata.labels.get(HASH).map(String::as_str) == Some("new")
                    && pods[0].is_available(0, sim.now);
                if !done {
                    bad.push(format!("{canary} not done when others were touched: {plan:?}"));
                }
            }
        });
        prop_assert!(bad.is_empty(), "{bad:?}");
        for n in &nodes {
            let pods: Vec<&Pod> = live_pods(&sim, &n.metadata.name).collect();
            prop_assert_eq!(pods.len(), 1);
            prop_assert_eq!(pods[0].metadata.labels.get(HASH).map(String::as_str), Some("new"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// rollout_complete

/// Whether the simulated cluster shows a finished rollout: every node that should run the
/// daemon (pool `a`) runs exactly one pod, of the current revision and available, and no other
/// node runs one.
fn finished(sim: &Simulator, min_ready: i32) -> bool {
    sim.nodes.iter().all(|n| {
        let pods: Vec<&Pod> = sim
            .pods
            .iter()
            .filter(|p| p.spec.node_name == n.metadata.name)
            .collect();
        if n.metadata.labels.get("pool").map(String::as_str) == Some("a") {
            pods.len() == 1
                && pods[0].metadata.labels.get(HASH).map(String::as_str) == Some("new")
                && pods[0].is_available(min_ready, sim.now)
        } else {
            pods.is_empty()
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// At every step of a simulated rollout, `rollout_complete` is true exactly when the
    /// cluster shows a finished rollout, for apps/v1 and Advanced DaemonSets, with and without
    /// surge and the options beyond upstream.
    #[test]
    fn rollout_complete_is_true_exactly_when_the_rollout_has_finished(
        pods in proptest::collection::vec(pod_gen(), 0..10),
        pools in proptest::collection::vec(any::<bool>(), 6),
        surge in any::<bool>(),
        global in budget_value(),
        api in prop_oneof![Just("apps/v1"), Just("apps.kruise.io/v1alpha1"), Just("apps.kruise.io/v1beta1")],
        on_delete in prop::bool::weighted(0.15),
        min_ready in prop_oneof![Just(0), Just(7)],
        order in prop_oneof![
            Just(UpdateOrder::NodeName),
            Just(UpdateOrder::UnavailableFirst),
            Just(UpdateOrder::Canary { nodes: vec![node_name(2)] }),
            Just(UpdateOrder::TopologyDomains { key: ZONE.into() }),
        ],
        strict in any::<bool>(),
    ) {
        let nodes: Vec<Node> = pools
            .iter()
            .enumerate()
            .map(|(i, a)| node(i, i, if *a { "a" } else { "b" }))
            .collect();
        let (max_unavailable, max_surge) = if surge {
            (IntOrString::Int(0), global)
        } else {
            (global, IntOrString::Int(0))
        };
        let mut ds = daemon_set(api, max_unavailable, max_surge);
        ds.spec.template.spec.node_selector.insert("pool".into(), "a".into());
        ds.spec.min_ready_seconds = min_ready;
        if on_delete {
            ds.spec.update_strategy.type_ = Some(daemonset_planner::model::UpdateStrategyType::OnDelete);
        }
        // At most one pod per node: the simulator never readies pods it did not create, so an
        // unready pod of its own would hold the node forever; that is fine, it is not finished.
        let mut seen = BTreeSet::new();
        let pods: Vec<Pod> = pods
            .iter()
            .enumerate()
            .filter(|(_, g)| seen.insert(g.node))
            .map(|(i, g)| {
                pod(&format!("p{i}"), &node_name(g.node), if g.old { "old" } else { "new" }, g.ready)
            })
            .collect();
        let mut sim = Simulator::new(ds, nodes, pods, now());
        let options = options().with_update_order(order).with_strict_budget(strict);
        let mut bad = Vec::new();
        let mut ever_complete = false;
        run(&mut sim, &options, |sim, plan| {
            let complete = rollout_complete(&sim.daemon_set, plan);
            ever_complete |= complete;
            if complete != finished(sim, min_ready) {
                bad.push(format!(
                    "at {}: rollout_complete {complete}, finished {}: {:?} {:?}",
                    sim.now,
                    finished(sim, min_ready),
                    plan.actions,
                    plan.status
                ));
            }
        });
        prop_assert!(bad.is_empty(), "{bad:?}");
        let _ = ever_complete;
    }
}
