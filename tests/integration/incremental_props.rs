//! Incremental planning against planning from scratch: random clusters, then hundreds of random
//! events (nodes and pods added, changed and deleted, DaemonSet spec, selector and status
//! changes, new revisions, time going forward and back); after each event the [`Planner`]'s plan
//! must equal [`plan`] over the same objects, value for value, and its delta must be the
//! difference of the two plans.
//!
//! The generators of clusters are those of `properties` (the module `generators`).

use std::collections::BTreeMap;

use daemonset_planner::model::{
    DaemonSetScaleStrategy, LabelSelectorOperator, LabelSelectorRequirement, PodPhase,
};
use daemonset_planner::{
    DaemonSet, DaemonSetStatus, FailedPodBackoff, IntOrString, LabelSelector, Node, Plan,
    PlanDelta, PlanError, PlanOptions, Planner, Pod, Time, TopologyBudget, UpdateOrder, plan,
};
use proptest::prelude::*;

use super::generators::*;

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
    /// The Advanced DaemonSet settings change (or the object turns apps/v1 or Kruise).
    Kruise(KruiseGen),
}

/// How the DaemonSet is an OpenKruise Advanced DaemonSet, if it is; applied on top of every
/// spec the events make.
#[derive(Debug, Clone, Default)]
struct KruiseGen {
    /// `None`: apps/v1.
    api: Option<&'static str>,
    partition: Option<IntOrString>,
    paused: bool,
    /// `rollingUpdate.selector`: `zone In (zone-a, zone-b)`.
    selector: bool,
    progressive: bool,
    burst: Option<IntOrString>,
}

fn kruise_gen() -> impl Strategy<Value = KruiseGen> {
    let partition = prop_oneof![
        2 => Just(None),
        4 => (0..6i32).prop_map(|n| Some(IntOrString::Int(n))),
        1 => Just(Some(IntOrString::from("40%"))),
        1 => Just(Some(IntOrString::from("x%"))),
    ];
    let burst = prop_oneof![
        4 => Just(None),
        1 => (0..4i32).prop_map(|n| Some(IntOrString::Int(n))),
        1 => Just(Some(IntOrString::from("50%"))),
    ];
    (
        prop::sample::select(vec![
            None,
            Some("apps.kruise.io/v1alpha1"),
            Some("apps.kruise.io/v1beta1"),
            Some("apps.kruise.io/v1beta1"),
        ]),
        partition,
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.4),
        burst,
    )
        .prop_map(
            |(api, partition, paused, selector, progressive, burst)| KruiseGen {
                api,
                partition,
                paused,
                selector,
                progressive,
                burst,
            },
        )
}

/// Makes `ds` the Advanced DaemonSet `g` says (or leaves it apps/v1).
fn flavor(ds: &mut DaemonSet, g: &KruiseGen) {
    let Some(api) = g.api else {
        ds.api_version = "apps/v1".into();
        return;
    };
    ds.api_version = api.into();
    if let Some(rolling) = ds.spec.update_strategy.rolling_update.as_mut() {
        rolling.partition = g.partition.clone();
        rolling.paused = Some(g.paused);
        rolling.selector = g.selector.then(|| LabelSelector {
            match_expressions: vec![LabelSelectorRequirement {
                key: ZONE_LABEL.into(),
                operator: LabelSelectorOperator::In,
                values: vec!["zone-a".into(), "zone-b".into()],
            }],
            ..Default::default()
        });
    }
    if g.progressive {
        ds.metadata.annotations.insert(
            "daemonset.kruise.io/progressive-create-pod".into(),
            "true".into(),
        );
        ds.spec.scale_strategy = Some(DaemonSetScaleStrategy {
            partitioned_scaling: Some(true),
        });
    }
    ds.spec.burst_replicas = g.burst.clone();
}

/// The options beyond upstream a test case plans with.
fn options_gen() -> impl Strategy<Value = PlanOptions> {
    let order = prop_oneof![
        3 => Just(UpdateOrder::NodeName),
        1 => Just(UpdateOrder::UnavailableFirst),
        1 => Just(UpdateOrder::LabelPriority { key: "disk".into() }),
        1 => Just(UpdateOrder::Canary { nodes: vec!["node-1".into(), "node-3".into()] }),
        1 => Just(UpdateOrder::TopologyDomains { key: ZONE_LABEL.into() }),
    ];
    let budget = prop_oneof![
        2 => Just(None),
        1 => Just(Some(TopologyBudget::new(ZONE_LABEL, IntOrString::Int(1)))),
        1 => Just(Some(TopologyBudget::new(ZONE_LABEL, IntOrString::from("50%")))),
    ];
    (
        order,
        budget,
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(order, budget, strict, freeze)| {
            let mut options = PlanOptions::new(now())
                .with_update_order(order)
                .with_strict_budget(strict)
                .with_freeze(freeze);
            options.topology_budget = budget;
            options
        })
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
        1 => kruise_gen().prop_map(EventGen::Kruise),
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
    /// The options beyond upstream (the time, revision, burst and backoff are the fields above).
    beyond: PlanOptions,
    kruise: KruiseGen,
}

impl Model {
    fn options(&self) -> PlanOptions {
        let mut options = self.beyond.clone();
        options.now = self.now;
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
            flavor(&mut ds, &model.kruise);
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
        EventGen::Kruise(g) => {
            let mut ds = model.ds.clone();
            flavor(&mut ds, g);
            model.kruise = g.clone();
            model.ds = ds.clone();
            planner.set_daemon_set(ds);
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
    check_beyond(
        cluster,
        (KruiseGen::default(), PlanOptions::new(now())),
        burst,
        backoff,
        events,
        quiet,
    )
}

/// [`check`] for an Advanced DaemonSet (as `kruise` says) planned with the options beyond
/// upstream of `beyond`.
fn check_beyond(
    mut cluster: Cluster,
    (kruise, beyond): (KruiseGen, PlanOptions),
    burst: usize,
    backoff: FailedPodBackoff,
    events: &[EventGen],
    quiet: &[bool],
) -> Result<(), TestCaseError> {
    flavor(&mut cluster.ds, &kruise);
    let mut options = beyond
        .clone()
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
        beyond,
        kruise,
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

/// Any cluster, or a mid-rollout one with or without surge, equally likely.
fn any_or_mid_rollout_cluster() -> impl Strategy<Value = Cluster> {
    prop_oneof![
        cluster(StrategyMode::Any),
        cluster(StrategyMode::RollingSurge),
        cluster(StrategyMode::RollingNoSurge),
    ]
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

    /// Advanced DaemonSets (partition, paused, update selector, progressive creation, burst)
    /// and the options beyond upstream (update orders, topology budget, strict budget, freeze),
    /// on any cluster and on mid-rollout ones with and without surge.
    #[test]
    fn incremental_kruise_and_beyond_upstream_plans_equal_full_plans(
        c in any_or_mid_rollout_cluster(),
        kruise in kruise_gen(),
        beyond in options_gen(),
        burst in burst(),
        backoff in backoff_gen(),
        events in prop::collection::vec(event_gen(), 100..=200),
    ) {
        check_beyond(c, (kruise, beyond), burst, backoff, &events, &[])?;
    }

    /// Advanced DaemonSets with no strategy selection (the planner's own indexes, not a plan
    /// from scratch), frozen or not, on any cluster and on mid-rollout ones.
    #[test]
    fn incremental_kruise_and_freeze_plans_equal_full_plans(
        c in any_or_mid_rollout_cluster(),
        kruise in kruise_gen(),
        freeze in prop::bool::weighted(0.2),
        burst in burst(),
        backoff in backoff_gen(),
        events in prop::collection::vec(event_gen(), 100..=200),
    ) {
        let options = PlanOptions::new(now()).with_freeze(freeze);
        check_beyond(c, (kruise, options), burst, backoff, &events, &[])?;
    }

    /// A topology budget alone (per-domain sets, not a plan from scratch), on apps/v1 and
    /// Advanced DaemonSets, with a count, a percentage or a malformed value.
    #[test]
    fn incremental_zone_budget_plans_equal_full_plans(
        c in any_or_mid_rollout_cluster(),
        kruise in kruise_gen(),
        budget in prop_oneof![
            2 => Just(IntOrString::Int(1)),
            2 => Just(IntOrString::from("50%")),
            1 => Just(IntOrString::Int(0)),
            1 => Just(IntOrString::from("half")),
        ],
        burst in burst(),
        backoff in backoff_gen(),
        events in prop::collection::vec(event_gen(), 100..=200),
    ) {
        let options =
            PlanOptions::new(now()).with_topology_budget(TopologyBudget::new(ZONE_LABEL, budget));
        check_beyond(c, (kruise, options), burst, backoff, &events, &[])?;
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
    let ds = build_daemon_set(&DsGen::plain(StrategyGen::MaxUnavailable(
        IntOrString::Int(1),
    )));
    let node = bare_node(0);
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

/// Node `i` in zone 0, without disk label or taints.
fn bare_node(i: usize) -> Node {
    let g = NodeGen {
        zone: 0,
        disk: None,
        taints: Vec::new(),
    };
    build_node(i, &g)
}

/// A node with two Failed pods whose backoff entry runs out, then expires, while no plan is
/// made: the planner notices both times (the delay doubles before expiry, starts over after).
#[test]
fn backoff_windows_and_expiry_follow_the_time() {
    let ds = build_daemon_set(&DsGen::plain(StrategyGen::OnDelete));
    let node = bare_node(0);
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
    let ds = build_daemon_set(&DsGen::plain(StrategyGen::OnDelete));
    let node = |i| bare_node(i);
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

/// The plan of the planner's objects made from scratch, and the delta from `previous` to it.
fn scratch_delta(planner: &Planner, previous: &Plan) -> (Plan, PlanDelta) {
    let nodes: Vec<Node> = planner.nodes().cloned().collect();
    let pods: Vec<Pod> = planner.pods().cloned().collect();
    let expected = plan(planner.daemon_set(), &nodes, &pods, &planner.options()).unwrap();
    let delta = PlanDelta::between(Some(previous), &expected);
    (expected, delta)
}

/// Regression: nodes changed in what the plan does not show (a label no one selects) keep
/// their creates; past 16 such changes the delta once said the plan changed.
#[test]
fn many_nodes_changed_where_the_plan_does_not_look_leave_it_unchanged() {
    let ds = build_daemon_set(&DsGen::plain(StrategyGen::OnDelete));
    let node = |i, label: Option<&str>| {
        let mut node = bare_node(i);
        if let Some(value) = label {
            node.metadata
                .labels
                .insert("example.com/rack".into(), value.into());
        }
        node
    };
    let nodes: Vec<Node> = (0..24).map(|i| node(i, None)).collect();
    let mut planner = Planner::new(ds, nodes, Vec::new(), options()).unwrap();
    let first = planner.plan().unwrap();
    assert_eq!(first.actions.len(), 24);
    for i in 0..20 {
        planner.apply_node(node(i, Some("r1")));
    }
    let delta = planner.plan_delta().unwrap();
    let (expected, wanted) = scratch_delta(&planner, &first);
    assert_eq!(planner.last_plan(), Some(&expected));
    assert_eq!(delta, wanted);
    assert!(!delta.changed);
}

/// Regression: a new namespace drops the pods; the pods that come after take their places
/// and must not read as the dropped ones (the plan once still adopted a dropped pod).
#[test]
fn pods_after_a_namespace_change_are_not_taken_for_the_dropped_ones() {
    let ds = build_daemon_set(&DsGen::plain(StrategyGen::OnDelete));
    let node = bare_node(0);
    let orphan = PodGen {
        phase: PodPhase::Running,
        ready: true,
        ready_age: 600,
        terminating: false,
        new_revision: true,
        owner: OwnerGen::Orphan,
        order_key: 0,
    };
    let pod = |name: &str, namespace: &str| {
        let mut pod = build_pod(name.into(), &orphan, Some("node-0"), None, at(-900));
        pod.metadata.namespace = namespace.into();
        pod
    };
    let mut planner = Planner::new(
        ds.clone(),
        vec![node],
        vec![pod("x1", NAMESPACE)],
        options(),
    )
    .unwrap();
    let mut changed = pod("x1", NAMESPACE);
    changed
        .metadata
        .annotations
        .insert("note".into(), "changed".into());
    planner.apply_pod(changed);
    let first = planner.plan().unwrap();
    assert!(first.actions.iter().any(|a| a.to_string().contains("x1")));
    let mut moved = ds;
    moved.metadata.namespace = "elsewhere".into();
    planner.set_daemon_set(moved);
    planner.apply_pod(pod("y1", "elsewhere"));
    let delta = planner.plan_delta().unwrap();
    let (expected, wanted) = scratch_delta(&planner, &first);
    assert_eq!(planner.last_plan(), Some(&expected));
    assert_eq!(delta, wanted);
    assert!(
        expected
            .actions
            .iter()
            .any(|a| a.to_string().contains("y1"))
    );
}

/// Regression: plans of an Advanced DaemonSet (made from scratch) record failed-pod backoffs;
/// when the DaemonSet turns apps/v1 the planner's indexes must see them (they once deleted the
/// failed pods again).
#[test]
fn backoffs_recorded_for_an_advanced_daemon_set_hold_after_it_turns_apps_v1() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 16,
        ..ProptestConfig::default()
    });
    runner
        .run(&cluster(StrategyMode::Any), |mut c| {
            for pod in &mut c.pods {
                pod.status.phase = Some(PodPhase::Failed);
            }
            let kruise = KruiseGen {
                api: Some("apps.kruise.io/v1beta1"),
                ..KruiseGen::default()
            };
            let mut ds = c.ds.clone();
            flavor(&mut ds, &kruise);
            let options = PlanOptions::new(now()).with_revision("new");
            let mut planner = Planner::new(ds, c.nodes.clone(), c.pods.clone(), options).unwrap();
            let first = planner.plan();
            prop_assume!(first.is_ok());
            planner.set_daemon_set(c.ds.clone());
            let expected = plan(&c.ds, &c.nodes, &c.pods, &planner.options());
            prop_assert_eq!(planner.plan(), expected);
            Ok(())
        })
        .unwrap();
}
