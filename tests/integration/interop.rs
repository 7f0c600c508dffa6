//! k8s-openapi conversions: objects read as k8s-openapi types plan exactly as the same YAML
//! loaded directly, and what a controller writes converts back without loss.
#![cfg(all(feature = "k8s-openapi", feature = "yaml"))]

use daemonset_planner::model::{NodeAffinity, NodeSelector};
use daemonset_planner::{
    ConversionError, DaemonSet, DaemonSetStatus, LabelSelector, Node, Plan, PlanOptions, Pod,
    Taint, Time, Toleration, apply_defaults, load_daemonset, load_nodes, load_pods, plan,
    render_pod,
};
use k8s_openapi::Resource;
use k8s_openapi::api::apps::v1 as apps_v1;
use k8s_openapi::api::core::v1 as core_v1;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta_v1;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString as K8sIntOrString;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const EXAMPLE_DAEMONSET: &str = include_str!("../../examples/data/fluentd-elasticsearch.yaml");
const EXAMPLE_NODES: &str = include_str!("../../examples/data/nodes.yaml");
const EXAMPLE_PODS: &str = include_str!("../../examples/data/pods.yaml");
const FLUENTD: &str = include_str!("../data/fluentd-elasticsearch.yaml");
const FLANNEL: &str = include_str!("../data/kube-flannel.yaml");

/// Every object of kind `K` in a YAML stream, read with k8s-openapi's types: single objects,
/// `List`s and typed lists (whose items may leave out kind and apiVersion).
fn k8s_objects<K: Resource + DeserializeOwned>(text: &str) -> Vec<K> {
    use serde::Deserialize;
    let mut objects = Vec::new();
    for document in serde_yaml::Deserializer::from_str(text) {
        let value = serde_yaml::Value::deserialize(document).unwrap();
        if value.is_null() {
            continue;
        }
        let kind = value["kind"].as_str().unwrap().to_owned();
        if kind == K::KIND {
            objects.push(serde_yaml::from_value(value).unwrap());
            continue;
        }
        assert!(kind.ends_with("List"), "unexpected kind {kind}");
        for mut item in value["items"].as_sequence().cloned().unwrap_or_default() {
            let map = item.as_mapping_mut().unwrap();
            map.entry("kind".into()).or_insert(K::KIND.into());
            map.entry("apiVersion".into())
                .or_insert(K::API_VERSION.into());
            objects.push(serde_yaml::from_value(item).unwrap());
        }
    }
    objects
}

fn convert_all<'a, K: 'a, T: TryFrom<&'a K, Error = ConversionError>>(objects: &'a [K]) -> Vec<T> {
    objects.iter().map(|o| T::try_from(o).unwrap()).collect()
}

fn now() -> Time {
    Time::parse("2026-11-22T10:00:00Z").unwrap()
}

/// The plan from k8s-openapi objects, and the plan from the same YAML loaded directly.
fn both_plans(ds_yaml: &str, nodes_yaml: &str, pods_yaml: &str) -> (Plan, Plan) {
    let theirs_ds = k8s_objects::<apps_v1::DaemonSet>(ds_yaml);
    let theirs_nodes = k8s_objects::<core_v1::Node>(nodes_yaml);
    let theirs_pods = k8s_objects::<core_v1::Pod>(pods_yaml);
    assert_eq!(theirs_ds.len(), 1);

    let mut converted_ds = DaemonSet::try_from(&theirs_ds[0]).unwrap();
    let converted_nodes: Vec<Node> = convert_all(&theirs_nodes);
    let mut converted_pods: Vec<Pod> = convert_all(&theirs_pods);

    let mut loaded_ds = load_daemonset(ds_yaml).unwrap();
    let loaded_nodes = load_nodes(nodes_yaml).unwrap();
    let loaded_pods = load_pods(pods_yaml).unwrap();

    // Nothing the planner reads is lost or changed on the way through k8s-openapi. A pod read
    // from a cluster dump keeps only what planning reads: the loader skips its containers and
    // the other verbatim spec fields, which the conversion keeps.
    assert_eq!(converted_ds, loaded_ds);
    assert_eq!(converted_nodes, loaded_nodes);
    assert!(loaded_pods.iter().all(|pod| pod.spec.other.is_empty()));
    for pod in &mut converted_pods {
        pod.spec.other.clear();
    }
    assert_eq!(converted_pods, loaded_pods);

    apply_defaults(&mut converted_ds);
    apply_defaults(&mut loaded_ds);
    let options = PlanOptions::new(now());
    (
        plan(&converted_ds, &converted_nodes, &converted_pods, &options).unwrap(),
        plan(&loaded_ds, &loaded_nodes, &loaded_pods, &options).unwrap(),
    )
}

#[test]
fn the_example_cluster_plans_the_same_through_k8s_openapi() {
    let (converted, loaded) = both_plans(EXAMPLE_DAEMONSET, EXAMPLE_NODES, EXAMPLE_PODS);
    assert_eq!(converted, loaded);
    assert!(
        !converted.actions.is_empty(),
        "the example cluster has work to do"
    );
}

#[test]
fn other_daemonsets_plan_the_same_through_k8s_openapi() {
    for ds in [FLUENTD, FLANNEL] {
        let (converted, loaded) = both_plans(ds, EXAMPLE_NODES, "");
        assert_eq!(converted, loaded);
        let (converted, loaded) = both_plans(ds, EXAMPLE_NODES, EXAMPLE_PODS);
        assert_eq!(converted, loaded);
    }
}

/// JSON of a value, for comparisons that ignore key order.
fn json_of<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

#[test]
fn a_rendered_pod_converts_to_the_same_json() {
    for ds_yaml in [EXAMPLE_DAEMONSET, FLUENTD, FLANNEL] {
        let mut ds = load_daemonset(ds_yaml).unwrap();
        apply_defaults(&mut ds);
        let ours = render_pod(&ds, "worker-1", "5d7f9b8c4");
        let theirs = core_v1::Pod::try_from(&ours).unwrap();
        assert_eq!(json_of(&theirs), json_of(&ours));
        assert_eq!(
            theirs.metadata.generate_name.as_deref(),
            Some(format!("{}-", ds.metadata.name).as_str())
        );
        // And back: the same pod.
        assert_eq!(Pod::try_from(&theirs).unwrap(), ours);
    }
}

#[test]
fn a_computed_status_converts_with_every_counter_set() {
    let mut ds = load_daemonset(EXAMPLE_DAEMONSET).unwrap();
    apply_defaults(&mut ds);
    let nodes = load_nodes(EXAMPLE_NODES).unwrap();
    let plan = plan(&ds, &nodes, &[], &PlanOptions::new(now())).unwrap();
    assert_eq!(plan.status.number_available, 0);

    let theirs = apps_v1::DaemonSetStatus::try_from(&plan.status).unwrap();
    assert_eq!(theirs.number_available, Some(0));
    assert_eq!(theirs.updated_number_scheduled, Some(0));

    // The same JSON as ours, plus the zeros Kubernetes' omitempty leaves out: a merge patch
    // must reset them.
    let mut expected = json_of(&plan.status);
    for key in [
        "updatedNumberScheduled",
        "numberAvailable",
        "numberUnavailable",
    ] {
        let map = expected.as_object_mut().unwrap();
        map.entry(key).or_insert(json!(0));
    }
    assert_eq!(json_of(&theirs), expected);
    // Read back through serde (status converts one way only): the same status.
    let back: DaemonSetStatus = serde_json::from_value(json_of(&theirs)).unwrap();
    assert_eq!(back, plan.status);
}

#[test]
fn status_conditions_convert_and_name_their_field_when_malformed() {
    let status = DaemonSetStatus {
        conditions: vec![json!({"type": "Progressing", "status": "True", "reason": "Fine"})],
        ..Default::default()
    };
    let theirs = apps_v1::DaemonSetStatus::try_from(&status).unwrap();
    let conditions = theirs.conditions.unwrap();
    assert_eq!(conditions[0].type_, "Progressing");
    assert_eq!(conditions[0].reason.as_deref(), Some("Fine"));

    let status = DaemonSetStatus {
        conditions: vec![json!({"type": "Progressing", "status": 7})],
        ..Default::default()
    };
    let err = apps_v1::DaemonSetStatus::try_from(&status).unwrap_err();
    assert_eq!(err.object(), "daemonset status");
    assert_eq!(err.path(), "conditions[0].status");

    let status = DaemonSetStatus {
        conditions: vec![json!({"type": "Progressing", "status": "True", "severity": "low"})],
        ..Default::default()
    };
    let err = apps_v1::DaemonSetStatus::try_from(&status).unwrap_err();
    assert!(
        matches!(err, ConversionError::UnknownField { .. }),
        "{err:?}"
    );
    assert_eq!(err.path(), "conditions[0].severity");
}

#[test]
fn parts_convert_on_their_own() {
    let taint = core_v1::Taint {
        key: "dedicated".into(),
        value: Some("gpu".into()),
        effect: "NoSchedule".into(),
        time_added: None,
    };
    assert_eq!(
        Taint::try_from(&taint).unwrap().to_string(),
        "dedicated=gpu:NoSchedule"
    );
    let odd = core_v1::Taint {
        effect: "NoScheduleEver".into(),
        ..taint.clone()
    };
    assert!(!Taint::try_from(&odd).unwrap().effect.is_known());

    let toleration = core_v1::Toleration {
        key: Some("dedicated".into()),
        operator: Some("Exists".into()),
        effect: Some(String::new()),
        ..Default::default()
    };
    let ours = Toleration::try_from(&toleration).unwrap();
    assert_eq!(ours.key, "dedicated");
    assert_eq!(ours.effect, None, "an empty effect means every effect");

    let selector = meta_v1::LabelSelector {
        match_labels: Some([("app".to_owned(), "agent".to_owned())].into()),
        match_expressions: Some(vec![meta_v1::LabelSelectorRequirement {
            key: "tier".into(),
            operator: "NotIn".into(),
            values: Some(vec!["test".into()]),
        }]),
    };
    let ours = LabelSelector::try_from(&selector).unwrap();
    assert_eq!(ours.match_labels["app"], "agent");
    assert_eq!(ours.match_expressions[0].values, ["test"]);

    let node_selector = core_v1::NodeSelector {
        node_selector_terms: vec![core_v1::NodeSelectorTerm {
            match_expressions: Some(vec![core_v1::NodeSelectorRequirement {
                key: "kubernetes.io/os".into(),
                operator: "In".into(),
                values: Some(vec!["linux".into()]),
            }]),
            match_fields: None,
        }],
    };
    let affinity = core_v1::NodeAffinity {
        required_during_scheduling_ignored_during_execution: Some(node_selector.clone()),
        preferred_during_scheduling_ignored_during_execution: Some(vec![
            core_v1::PreferredSchedulingTerm {
                weight: 10,
                preference: core_v1::NodeSelectorTerm::default(),
            },
        ]),
    };
    let ours = NodeAffinity::try_from(&affinity).unwrap();
    assert_eq!(
        ours.required,
        Some(NodeSelector::try_from(&node_selector).unwrap())
    );
    assert_eq!(ours.preferred[0].weight, 10);
}

#[test]
fn int_or_string_budgets_survive_the_round_trip() {
    let mut ds = k8s_objects::<apps_v1::DaemonSet>(EXAMPLE_DAEMONSET).remove(0);
    let strategy = ds.spec.as_mut().unwrap().update_strategy.as_mut().unwrap();
    let rolling = strategy.rolling_update.as_mut().unwrap();
    rolling.max_unavailable = Some(K8sIntOrString::String("10%".into()));
    rolling.max_surge = Some(K8sIntOrString::Int(2));
    let ours = DaemonSet::try_from(&ds).unwrap();
    let rolling = ours.spec.update_strategy.rolling_update.unwrap();
    assert_eq!(rolling.max_unavailable, Some("10%".into()));
    assert_eq!(rolling.max_surge, Some(2.into()));
}

#[test]
fn a_timestamp_before_year_one_is_an_error_naming_object_and_field() {
    let mut pod = k8s_objects::<core_v1::Pod>(EXAMPLE_PODS).remove(0);
    pod.metadata.creation_timestamp = Some(meta_v1::Time(
        jiff::Timestamp::from_second(-62_150_000_000).unwrap(),
    ));
    let err = Pod::try_from(&pod).unwrap_err();
    assert_eq!(err.object(), "pod kube-system/fluentd-elasticsearch-4xk2p");
    assert_eq!(err.path(), "metadata.creationTimestamp");
    let text = err.to_string();
    assert!(
        text.starts_with(
            "pod kube-system/fluentd-elasticsearch-4xk2p: metadata.creationTimestamp: \
             invalid RFC 3339 timestamp"
        ),
        "{text}"
    );
}

#[test]
fn a_timestamp_k8s_openapi_cannot_hold_is_an_error_naming_object_and_field() {
    let mut ds = load_daemonset(EXAMPLE_DAEMONSET).unwrap();
    apply_defaults(&mut ds);
    let mut pod = render_pod(&ds, "worker-1", "abc");
    pod.metadata.creation_timestamp = Some(Time::parse("9999-12-31T12:00:00Z").unwrap());
    let err = core_v1::Pod::try_from(&pod).unwrap_err();
    assert_eq!(err.object(), "pod kube-system/fluentd-elasticsearch-*");
    assert_eq!(err.path(), "metadata.creationTimestamp");
    assert_eq!(
        err.to_string(),
        "pod kube-system/fluentd-elasticsearch-*: metadata.creationTimestamp: \
         9999-12-31T12:00:00Z is later than 9999-12-30T22:00:00Z, the last instant \
         k8s-openapi's Time (a jiff::Timestamp) holds"
    );
    // The last instant both hold converts.
    pod.metadata.creation_timestamp = Some(Time::parse("9999-12-30T22:00:00Z").unwrap());
    assert!(core_v1::Pod::try_from(&pod).is_ok());
}

#[test]
fn a_field_k8s_openapi_lacks_is_refused_rather_than_dropped() {
    let mut ds = load_daemonset(EXAMPLE_DAEMONSET).unwrap();
    apply_defaults(&mut ds);
    let mut pod = render_pod(&ds, "worker-1", "abc");
    let containers = pod.spec.other.get_mut("containers").unwrap();
    containers[0]["futureField"] = json!({"enabled": true});
    let err = core_v1::Pod::try_from(&pod).unwrap_err();
    assert_eq!(
        err,
        ConversionError::UnknownField {
            object: "pod kube-system/fluentd-elasticsearch-*".into(),
            path: "spec.containers[0].futureField".into(),
            target: "Pod",
        }
    );
    assert!(err.to_string().contains("would drop it"));
}

#[test]
fn a_verbatim_field_of_the_wrong_type_is_an_error_naming_it() {
    let mut ds = load_daemonset(EXAMPLE_DAEMONSET).unwrap();
    apply_defaults(&mut ds);
    let mut pod = render_pod(&ds, "worker-1", "abc");
    pod.spec.other.insert("hostPID".into(), json!("yes"));
    let err = core_v1::Pod::try_from(&pod).unwrap_err();
    assert!(
        matches!(err, ConversionError::InvalidField { .. }),
        "{err:?}"
    );
    assert_eq!(err.path(), "spec.hostPID");
    assert!(
        err.to_string()
            .starts_with("pod kube-system/fluentd-elasticsearch-*: spec.hostPID: ")
    );
}

#[test]
fn the_reconcile_example_waits_for_its_expectations_then_acts_again() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "run",
            "--quiet",
            "--example",
            "reconcile",
            "--features",
            "k8s-openapi",
        ])
        .args(["--", "--now", "2026-11-22T10:00:00Z"])
        .output()
        .expect("cargo run --example reconcile");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let reconciles: Vec<&str> = stdout.split("reconcile kube-system/").skip(1).collect();
    assert_eq!(reconciles.len(), 3, "{stdout}");

    let first = reconciles[0];
    assert!(first.contains(
        "POST   /api/v1/namespaces/kube-system/pods  generateName=fluentd-elasticsearch- \
         node=worker-4 (missing)"
    ));
    assert!(first.contains(
        "DELETE /api/v1/namespaces/kube-system/pods/fluentd-elasticsearch-c2n5t  \
         (outdated-unavailable on worker-3)"
    ));
    assert!(first.contains(
        "PATCH  /apis/apps/v1/namespaces/kube-system/daemonsets/fluentd-elasticsearch/status"
    ));
    assert!(first.contains("expectations: add=1 del=1 set 2026-11-22T10:00:00Z"));

    let second = reconciles[1];
    assert!(
        second.contains("expectations not met (add=1 del=1"),
        "{second}"
    );
    assert!(
        !second.contains("  POST ") && !second.contains("  DELETE "),
        "{second}"
    );
    assert!(second.contains("Action::requeue(299s)"), "{second}");

    let third = reconciles[2];
    assert!(third.contains("(failed on cp-1)"), "{third}");
    assert!(third.contains(
        "failed-pod backoff: 3c0e6f5a-8b1d-4d2e-9a57-2f4c1b7e9d10/2/cp-1: next delete after 1s"
    ));
}
