//! The whole pipeline (load, defaults, validation, plan, render_pod, explain) on generated
//! input: what the `pipeline` fuzz target does, in every `cargo test`, so CI exercises it
//! without a fuzzer. Every step must return a value or a typed error; a panic fails the test.
#![cfg(feature = "yaml")]

use crate::common::pipeline;

use daemonset_planner::model::{
    LabelSelectorOperator, LabelSelectorRequirement, NodeCondition, OwnerReference, PodCondition,
    PodPhase, RollingUpdateDaemonSet, TolerationOperator, UpdateStrategyType,
};
use daemonset_planner::{
    DaemonSet, IntOrString, LabelSelector, Node, Pod, Taint, TaintEffect, Time, Toleration,
};
use pipeline::Outcome;
use proptest::prelude::*;
use proptest::sample::select;
use serde_yaml::Value;

// ---------------------------------------------------------------------------------------------
// YAML-ish documents: real field names, random scalars.

/// Field names of the objects the pipeline reads, a few near-misses, and kinds.
const FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "spec",
    "status",
    "items",
    "name",
    "namespace",
    "uid",
    "generation",
    "labels",
    "annotations",
    "creationTimestamp",
    "deletionTimestamp",
    "ownerReferences",
    "controller",
    "template",
    "selector",
    "matchLabels",
    "matchExpressions",
    "updateStrategy",
    "type",
    "rollingUpdate",
    "maxUnavailable",
    "maxSurge",
    "minReadySeconds",
    "revisionHistoryLimit",
    "nodeName",
    "nodeSelector",
    "affinity",
    "nodeAffinity",
    "requiredDuringSchedulingIgnoredDuringExecution",
    "preferredDuringSchedulingIgnoredDuringExecution",
    "nodeSelectorTerms",
    "matchFields",
    "weight",
    "preference",
    "tolerations",
    "tolerationSeconds",
    "taints",
    "unschedulable",
    "key",
    "value",
    "values",
    "operator",
    "effect",
    "conditions",
    "lastTransitionTime",
    "phase",
    "restartPolicy",
    "hostNetwork",
    "containers",
    "collisionCount",
    "observedGeneration",
    "Labels",
    "nodeselector",
    "<<",
];

/// Scalars that mean something somewhere, and ones that break things.
const WORDS: &[&str] = &[
    "DaemonSet",
    "Node",
    "Pod",
    "List",
    "NodeList",
    "PodList",
    "v1",
    "apps/v1",
    "RollingUpdate",
    "OnDelete",
    "NoSchedule",
    "NoExecute",
    "PreferNoSchedule",
    "NoRun",
    "Exists",
    "Equal",
    "In",
    "NotIn",
    "Gt",
    "Lt",
    "DoesNotExist",
    "Running",
    "Failed",
    "Succeeded",
    "Ready",
    "True",
    "False",
    "Always",
    "Never",
    "metadata.name",
    "node.kubernetes.io/unschedulable",
    "kubernetes.io/hostname",
    "controller-revision-hash",
    "10%",
    "99999999999999999999%",
    "-10%",
    "10.5%",
    "",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-00:01",
    "2026-11-22T09:59:00+01:00",
    "n1",
    "n2",
    "ds",
    "ds-uid",
    "démon",
];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => select(WORDS).prop_map(Value::from),
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::from),
        2 => prop_oneof![
            any::<i64>(),
            Just(i64::from(i32::MAX)),
            Just(i64::from(i32::MAX) + 1),
            Just(i64::from(i32::MIN)),
            -3..300i64,
        ]
        .prop_map(Value::from),
        1 => any::<f64>().prop_map(Value::from),
        1 => "[a-z0-9%.:/ -]{0,12}".prop_map(Value::from),
    ]
}

fn yaml_value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(6, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Sequence),
            prop::collection::vec((select(FIELDS), inner), 0..6).prop_map(|entries| {
                Value::Mapping(
                    entries
                        .into_iter()
                        .map(|(key, value)| (Value::from(key), value))
                        .collect(),
                )
            }),
        ]
    })
}

/// An object of `kind`, with a random metadata, spec and status (a list's items too).
fn yaml_object(kind: &'static str, api_version: &'static str) -> impl Strategy<Value = Value> {
    (
        select(vec![kind, "List", "Node", "Pod", "DaemonSet"]),
        select(vec![api_version, "v1", "apps/v1", ""]),
        yaml_value(),
        yaml_value(),
        yaml_value(),
    )
        .prop_map(|(kind, api_version, metadata, spec, status)| {
            let mut mapping = serde_yaml::Mapping::new();
            mapping.insert("apiVersion".into(), api_version.into());
            mapping.insert("kind".into(), kind.into());
            mapping.insert("metadata".into(), metadata.clone());
            mapping.insert("spec".into(), spec.clone());
            mapping.insert("status".into(), status);
            if kind == "List" {
                let mut item = serde_yaml::Mapping::new();
                item.insert("metadata".into(), metadata);
                item.insert("spec".into(), spec);
                mapping.insert("items".into(), Value::Sequence(vec![Value::Mapping(item)]));
            }
            Value::Mapping(mapping)
        })
}

fn yaml_text(value: &Value) -> Vec<u8> {
    serde_yaml::to_string(value).unwrap().into_bytes()
}

fn check(outcome: &Outcome) {
    match outcome {
        Outcome::Load { error, .. } => assert!(!error.to_string().is_empty()),
        Outcome::Planned { invalid, planned } => {
            for errors in invalid {
                assert!(!errors.errors.is_empty());
            }
            if let Err(error) = planned {
                assert!(!error.to_string().is_empty());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Structured clusters: model objects with hostile values, serialized to YAML.

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(&["n1", "n2", "n3", "worker-1"][..]).prop_map(str::to_owned),
        1 => Just(String::new()),
        1 => "[a-zé✓ .-]{1,8}",
    ]
}

fn label_value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("ds".to_owned()),
        1 => select(vec!["".to_owned(), "other".to_owned(), "café".to_owned(), "x".repeat(64)]),
    ]
}

fn time() -> impl Strategy<Value = Time> {
    prop_oneof![
        Just(-62_135_596_800i64),
        Just(253_402_300_799i64),
        1_795_341_000..1_795_342_200i64,
        -62_135_596_800..253_402_300_799i64,
    ]
    .prop_map(|seconds| Time::from_unix_seconds(seconds).unwrap())
}

fn int_or_string() -> impl Strategy<Value = IntOrString> {
    prop_oneof![
        prop_oneof![Just(i32::MAX), Just(i32::MIN), -2..5i32].prop_map(IntOrString::Int),
        select(
            &[
                "0%",
                "10%",
                "100%",
                "150%",
                "-10%",
                "10.5%",
                "",
                "99999999999999999999%"
            ][..]
        )
        .prop_map(IntOrString::from),
    ]
}

fn effect() -> impl Strategy<Value = TaintEffect> {
    select(&["NoSchedule", "PreferNoSchedule", "NoExecute", "NoRun", ""][..])
        .prop_map(TaintEffect::parse)
}

fn taint() -> impl Strategy<Value = Taint> {
    (
        select(&["dedicated", "node.kubernetes.io/unschedulable", "gpu"][..]),
        select(&["", "a", "☃"][..]),
        effect(),
    )
        .prop_map(|(key, value, effect)| {
            let mut taint = Taint::new(key, effect);
            taint.value = value.to_owned();
            taint
        })
}

fn toleration() -> impl Strategy<Value = Toleration> {
    (
        select(&["", "dedicated", "gpu"][..]),
        prop::option::of(
            select(&["Exists", "Equal", "Gt", "Matches"][..]).prop_map(TolerationOperator::parse),
        ),
        select(&["", "a", "5"][..]),
        prop::option::of(effect()),
    )
        .prop_map(|(key, operator, value, effect)| Toleration {
            key: key.to_owned(),
            operator,
            value: value.to_owned(),
            effect,
            toleration_seconds: None,
        })
}

fn node() -> impl Strategy<Value = Node> {
    (
        name(),
        label_value(),
        prop::collection::vec(taint(), 0..3),
        any::<bool>(),
        prop::option::of((select(&["True", "False", "Unknown"][..]), time())),
    )
        .prop_map(|(name, zone, taints, unschedulable, ready)| {
            let mut node = Node {
                api_version: "v1".into(),
                kind: "Node".into(),
                ..Default::default()
            };
            node.metadata.name = name;
            node.metadata.labels.insert("zone".into(), zone);
            node.spec.taints = taints;
            node.spec.unschedulable = unschedulable;
            if let Some((status, since)) = ready {
                node.status.conditions.push(NodeCondition {
                    type_: "Ready".into(),
                    status: status.into(),
                    last_transition_time: Some(since),
                    ..Default::default()
                });
            }
            node
        })
}

fn pod() -> impl Strategy<Value = Pod> {
    (
        (
            select(&["p1", "p2", "p3", ""][..]),
            select(&["", "default", "other"][..]),
            label_value(),
            select(&["", "old", "new"][..]),
        ),
        prop::option::of((
            select(&["ds-uid", "", "other-uid"][..]),
            select(&["ds", "other"][..]),
            any::<bool>(),
        )),
        (name(), prop::option::of(time()), prop::option::of(time())),
        (
            prop::option::of(
                select(&["Running", "Pending", "Failed", "Succeeded", "Exploded"][..])
                    .prop_map(PodPhase::parse),
            ),
            prop::option::of((select(&["True", "False"][..]), prop::option::of(time()))),
        ),
    )
        .prop_map(
            |((name, namespace, app, hash), owner, (node, created, deleted), (phase, ready))| {
                let mut pod = Pod {
                    api_version: "v1".into(),
                    kind: "Pod".into(),
                    ..Default::default()
                };
                pod.metadata.name = name.into();
                pod.metadata.namespace = namespace.into();
                pod.metadata.labels.insert("app".into(), app);
                if !hash.is_empty() {
                    pod.metadata
                        .labels
                        .insert("controller-revision-hash".into(), hash.into());
                }
                if let Some((uid, owner_name, controller)) = owner {
                    pod.metadata.owner_references.push(OwnerReference {
                        api_version: "apps/v1".into(),
                        kind: "DaemonSet".into(),
                        name: owner_name.into(),
                        uid: uid.into(),
                        controller: Some(controller),
                        block_owner_deletion: None,
                    });
                }
                pod.spec.node_name = node;
                pod.metadata.creation_timestamp = created;
                pod.metadata.deletion_timestamp = deleted;
                pod.status.phase = phase;
                if let Some((status, since)) = ready {
                    pod.status.conditions.push(PodCondition {
                        type_: "Ready".into(),
                        status: status.into(),
                        last_transition_time: since,
                        ..Default::default()
                    });
                }
                pod
            },
        )
}

fn daemon_set() -> impl Strategy<Value = DaemonSet> {
    (
        (
            select(&["ds-uid", ""][..]),
            label_value(),
            prop::option::of(select(&[">1", "In", "Bogus"][..])),
        ),
        (
            any::<bool>(),
            prop::option::of(int_or_string()),
            prop::option::of(int_or_string()),
            prop_oneof![Just(0), Just(i32::MAX), Just(-1), 0..100i32],
        ),
        (
            prop::collection::vec(toleration(), 0..3),
            prop::option::of(select(&["n1", "n2", "zone"][..])),
            prop::option::of(time()),
        ),
    )
        .prop_map(
            |(
                (uid, app, expression),
                (rolling, max_unavailable, max_surge, min_ready),
                (tolerations, node_selector, deleted),
            )| {
                let mut ds = DaemonSet {
                    api_version: "apps/v1".into(),
                    kind: "DaemonSet".into(),
                    ..Default::default()
                };
                ds.metadata.name = "ds".into();
                ds.metadata.uid = uid.into();
                ds.metadata.deletion_timestamp = deleted;
                let mut selector = LabelSelector::default();
                selector.match_labels.insert("app".into(), app.clone());
                if let Some(operator) = expression {
                    selector.match_expressions.push(LabelSelectorRequirement {
                        key: "zone".into(),
                        operator: LabelSelectorOperator::parse(operator),
                        values: vec!["ds".into()],
                    });
                }
                ds.spec.selector = Some(selector);
                ds.spec.template.metadata.labels.insert("app".into(), app);
                ds.spec.template.spec.tolerations = tolerations;
                if let Some(key) = node_selector {
                    ds.spec
                        .template
                        .spec
                        .node_selector
                        .insert("zone".into(), key.into());
                }
                ds.spec.min_ready_seconds = min_ready;
                ds.spec.update_strategy.type_ = Some(if rolling {
                    UpdateStrategyType::RollingUpdate
                } else {
                    UpdateStrategyType::OnDelete
                });
                if rolling {
                    ds.spec.update_strategy.rolling_update = Some(RollingUpdateDaemonSet {
                        max_unavailable,
                        max_surge,
                        ..Default::default()
                    });
                }
                ds
            },
        )
}

/// A typed list of `items`, as the API returns it.
fn list<T: serde::Serialize>(kind: &str, items: &[T]) -> Vec<u8> {
    let items: Vec<Value> = items
        .iter()
        .map(|item| serde_yaml::to_value(item).unwrap())
        .collect();
    let mut mapping = serde_yaml::Mapping::new();
    mapping.insert("apiVersion".into(), "v1".into());
    mapping.insert("kind".into(), kind.into());
    mapping.insert("items".into(), Value::Sequence(items));
    yaml_text(&Value::Mapping(mapping))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn yaml_shaped_manifests_give_a_value_or_a_typed_error(
        ds in yaml_object("DaemonSet", "apps/v1"),
        nodes in yaml_object("NodeList", "v1"),
        pods in yaml_object("PodList", "v1"),
    ) {
        check(&pipeline::run_parts(&yaml_text(&ds), &yaml_text(&nodes), &yaml_text(&pods)));
    }

    #[test]
    fn generated_clusters_load_and_plan_or_give_a_typed_error(
        ds in daemon_set(),
        nodes in prop::collection::vec(node(), 0..5),
        pods in prop::collection::vec(pod(), 0..6),
    ) {
        let ds_text = yaml_text(&serde_yaml::to_value(&ds).unwrap());
        let outcome = pipeline::run_parts(&ds_text, &list("NodeList", &nodes), &list("PodList", &pods));
        check(&outcome);
        // What the model writes, the loader reads.
        let Outcome::Planned { .. } = outcome else {
            panic!("a serialized cluster does not load: {outcome:?}");
        };
    }

    #[test]
    fn the_pipeline_split_of_bytes_never_panics(
        bytes in prop::collection::vec(prop_oneof![any::<u8>(), Just(pipeline::SEPARATOR)], 0..200)
    ) {
        check(&pipeline::run(&bytes));
    }
}
