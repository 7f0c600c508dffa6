//! Beyond upstream: loading, defaulting, validating and planning OpenKruise Advanced
//! DaemonSets, and this crate's opt-in extensions. Their data-driven cases
//! (`tests/cases/kruise/`, `tests/cases/extensions/`) run in [`crate::cases`].
#![cfg(feature = "yaml")]

// ---------------------------------------------------------------------------------------------
// Loading, defaulting and validating Advanced DaemonSets

use daemonset_planner::model::RollingUpdateType;
use daemonset_planner::planning::{PauseReason, RollingUpdateError};
use daemonset_planner::rollout::ConditionOptions;
use daemonset_planner::validation::FieldErrorKind;
use daemonset_planner::{
    Action, DaemonSet, IntOrString, LoadError, PlanOptions, RollingUpdateStep, Time,
    TopologyBudget, UpdateOrder, apply_defaults, conditions, load_daemonset, load_nodes, plan,
    preview_rollout, render_pod, rollout_complete, validate_daemonset,
};

const KRUISE: &str = r#"
apiVersion: apps.kruise.io/v1alpha1
kind: DaemonSet
metadata: {name: agent, namespace: kube-system, uid: agent-uid, generation: 3}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: "agent:v2"}]
  updateStrategy:
    rollingUpdate:
      rollingUpdateType: Standard
      partition: 2
      paused: false
      selector: {matchLabels: {canary: "true"}}
"#;

fn kruise(text: &str) -> DaemonSet {
    let mut ds = load_daemonset(text).unwrap();
    apply_defaults(&mut ds);
    ds
}

fn with_rolling(version: &str, rolling: &str) -> String {
    format!(
        "apiVersion: apps.kruise.io/{version}\nkind: DaemonSet\nmetadata: {{name: agent}}\nspec:\n  \
         selector: {{matchLabels: {{app: agent}}}}\n  template:\n    metadata: {{labels: {{app: agent}}}}\n    \
         spec: {{containers: [{{name: agent, image: agent}}]}}\n  \
         updateStrategy:\n    rollingUpdate: {rolling}\n"
    )
}

/// `(path, kind)` of every validation error of an Advanced DaemonSet, after defaulting.
fn errors(version: &str, rolling: &str) -> Vec<(String, FieldErrorKind)> {
    let ds = kruise(&with_rolling(version, rolling));
    match validate_daemonset(&ds) {
        Ok(()) => Vec::new(),
        Err(errors) => errors
            .errors
            .into_iter()
            .map(|e| (e.path, e.kind))
            .collect(),
    }
}

#[test]
fn both_kruise_api_versions_load_into_the_one_model() {
    let ds = kruise(KRUISE);
    assert!(ds.is_kruise());
    assert!(ds.is_kruise_v1alpha1());
    let rolling = ds.spec.update_strategy.rolling_update.as_ref().unwrap();
    assert_eq!(rolling.partition, Some(IntOrString::Int(2)));
    assert_eq!(rolling.paused, Some(false));
    assert_eq!(
        rolling.rolling_update_type,
        Some(RollingUpdateType::Standard)
    );
    assert_eq!(
        rolling.selector.as_ref().unwrap().match_labels["canary"],
        "true"
    );
    assert_eq!(ds.spec.burst_replicas, Some(IntOrString::Int(250)));

    let beta = kruise(&KRUISE.replace("v1alpha1", "v1beta1").replace(
        "  updateStrategy:",
        "  scaleStrategy: {partitionedScaling: true}\n  burstReplicas: \"10%\"\n  updateStrategy:",
    ));
    assert!(beta.is_kruise() && !beta.is_kruise_v1alpha1());
    assert_eq!(
        beta.spec.scale_strategy.unwrap().partitioned_scaling,
        Some(true)
    );
    assert_eq!(beta.spec.burst_replicas, Some(IntOrString::from("10%")));
    // Serialized back, the fields keep Kruise's names.
    let json = serde_json::to_value(&ds).unwrap();
    assert_eq!(
        json["spec"]["updateStrategy"]["rollingUpdate"]["rollingUpdateType"],
        "Standard"
    );
    assert_eq!(json["apiVersion"], "apps.kruise.io/v1alpha1");
}

#[test]
fn other_kruise_versions_and_misspelt_kruise_fields_are_refused() {
    let err = load_daemonset(&KRUISE.replace("v1alpha1", "v1")).unwrap_err();
    assert!(
        matches!(err, LoadError::UnsupportedApiVersion { .. }),
        "{err}"
    );
    let typo = load_daemonset(&KRUISE.replace("partition: 2", "partiton: 2")).unwrap_err();
    assert_eq!(
        typo.to_string(),
        "document 0: unknown field `partiton` at spec.updateStrategy.rollingUpdate, did you mean `partition`?"
    );
}

#[test]
fn kruise_validation_follows_its_webhook() {
    use FieldErrorKind::*;
    let r = "spec.updateStrategy.rollingUpdate";
    let at = |field: &str, kind| (format!("{r}.{field}"), kind);
    // Defaults make a valid Standard update.
    assert_eq!(errors("v1beta1", "{}"), []);
    assert_eq!(errors("v1alpha1", "{rollingUpdateType: Surging}"), []);
    // Surging is rewritten to Standard by defaulting, in v1beta1 too.
    assert_eq!(errors("v1beta1", "{rollingUpdateType: Surging}"), []);
    // Surging with a non-zero maxUnavailable gets maxSurge 1 too: both non-zero.
    assert_eq!(
        errors(
            "v1alpha1",
            "{rollingUpdateType: Surging, maxUnavailable: 1}"
        ),
        [at("maxSurge", Invalid)]
    );
    assert_eq!(
        errors("v1beta1", "{maxUnavailable: 0, maxSurge: 0}"),
        [at("maxUnavailable", Required)]
    );
    assert_eq!(
        errors(
            "v1beta1",
            "{rollingUpdateType: InPlaceIfPossible, maxUnavailable: 0, maxSurge: 1}"
        ),
        [at("maxSurge", Required)]
    );
    assert_eq!(
        errors("v1beta1", "{rollingUpdateType: Rolling}"),
        [at("rollingUpdateType", NotSupported)]
    );
    assert_eq!(
        errors("v1beta1", "{maxUnavailable: \"120%\"}"),
        [at("maxUnavailable", Invalid)]
    );
    assert_eq!(
        errors("v1beta1", "{partition: -1}"),
        [at("partition", Invalid)]
    );
    assert_eq!(
        errors("v1beta1", "{partition: \"101%\"}"),
        [at("partition", Invalid)]
    );
    assert_eq!(
        errors("v1beta1", "{partition: \"half\"}"),
        [at("partition", Invalid)]
    );
    // A partition above the node count is accepted; the update selector is not validated.
    assert_eq!(errors("v1beta1", "{partition: 500}"), []);
    assert_eq!(
        errors(
            "v1beta1",
            "{selector: {matchExpressions: [{key: a, operator: Among}]}}"
        ),
        []
    );
    // Only maxSurge set: maxUnavailable stays unset, which is zero, not an error.
    assert_eq!(errors("v1beta1", "{maxSurge: 2}"), []);
}

#[test]
fn a_raw_v1beta1_surging_type_is_not_supported_before_defaulting() {
    let ds = load_daemonset(&with_rolling(
        "v1beta1",
        "{rollingUpdateType: Surging, maxSurge: 1, maxUnavailable: 0}",
    ))
    .unwrap();
    let mut raw = ds.clone();
    raw.spec.update_strategy.type_ =
        Some(daemonset_planner::model::UpdateStrategyType::RollingUpdate);
    raw.spec.template.spec.restart_policy = "Always".into();
    let errors = validate_daemonset(&raw).unwrap_err();
    assert_eq!(
        errors.errors[0].path,
        "spec.updateStrategy.rollingUpdate.rollingUpdateType"
    );
    let mut alpha = raw.clone();
    alpha.api_version = "apps.kruise.io/v1alpha1".into();
    assert_eq!(validate_daemonset(&alpha), Ok(()));
}

#[test]
fn kruise_pods_are_owned_by_the_kruise_object_and_in_place_pods_get_the_readiness_gate() {
    let ds = kruise(KRUISE);
    let pod = render_pod(&ds, "n1", "abc");
    assert_eq!(
        pod.metadata.owner_references[0].api_version,
        "apps.kruise.io/v1alpha1"
    );
    assert!(pod.spec.other.get("readinessGates").is_none());
    let in_place = kruise(&KRUISE.replace("Standard", "InPlaceIfPossible"));
    let pod = render_pod(&in_place, "n1", "abc");
    assert_eq!(
        pod.spec.other["readinessGates"],
        serde_json::json!([{"conditionType": "InPlaceUpdateReady"}])
    );
    // apps/v1 objects are rendered as before.
    let mut apps = in_place.clone();
    apps.api_version = "apps/v1".into();
    let pod = render_pod(&apps, "n1", "abc");
    assert_eq!(pod.metadata.owner_references[0].api_version, "apps/v1");
    assert!(pod.spec.other.get("readinessGates").is_none());
}

// ---------------------------------------------------------------------------------------------
// Options beyond upstream

#[test]
fn orders_and_topology_budgets_parse_and_print_in_the_command_line_syntax() {
    for text in [
        "name",
        "unavailable-first",
        "label:example.com/priority",
        "canary:a,b",
        "zones:topology.kubernetes.io/zone",
    ] {
        let order: UpdateOrder = text.parse().unwrap();
        assert_eq!(order.to_string(), text);
    }
    for bad in ["", "zones:", "label:", "canary:a,,b", "random", "name:x"] {
        let err = bad.parse::<UpdateOrder>().unwrap_err();
        assert!(err.to_string().contains("expected"), "{bad}: {err}");
    }
    assert_eq!(
        "zone=2".parse::<TopologyBudget>().unwrap(),
        TopologyBudget::new("zone", IntOrString::Int(2))
    );
    for bad in [
        "zone", "=1", "zone=", "zone=-1", "zone=x%", "zone=%", "zone=1.5",
    ] {
        assert!(bad.parse::<TopologyBudget>().is_err(), "{bad}");
    }
}

#[test]
fn a_topology_budget_that_cannot_be_scaled_fails_the_rolling_update() {
    let ds = kruise(KRUISE);
    let nodes = load_nodes("apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n").unwrap();
    let options = PlanOptions::new(Time::parse("2026-01-01T00:00:00Z").unwrap())
        .with_topology_budget(TopologyBudget::new("zone", IntOrString::from("lots")));
    let planned = plan(&ds, &nodes, &[], &options).unwrap();
    match planned.rolling_update {
        Some(RollingUpdateStep::Failed(RollingUpdateError::TopologyBudget { key, .. })) => {
            assert_eq!(key, "zone")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        planned.actions,
        [Action::Create {
            node: "n1".into(),
            reason: daemonset_planner::CreateReason::Missing
        }]
    );
}

#[test]
fn options_beyond_upstream_are_reported() {
    let now = Time::parse("2026-01-01T00:00:00Z").unwrap();
    assert!(!PlanOptions::new(now).goes_beyond_upstream());
    assert!(
        PlanOptions::new(now)
            .with_freeze(true)
            .goes_beyond_upstream()
    );
    assert!(
        PlanOptions::new(now)
            .with_update_order(UpdateOrder::UnavailableFirst)
            .goes_beyond_upstream()
    );
}

// ---------------------------------------------------------------------------------------------
// Completion and preview

const NODES: &str = r#"
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Node, metadata: {name: n1, labels: {topology.kubernetes.io/zone: a}}}
- {apiVersion: v1, kind: Node, metadata: {name: n2, labels: {topology.kubernetes.io/zone: a}}}
- {apiVersion: v1, kind: Node, metadata: {name: n3, labels: {topology.kubernetes.io/zone: b}}}
- {apiVersion: v1, kind: Node, metadata: {name: n4, labels: {topology.kubernetes.io/zone: b}}}
"#;

#[test]
fn a_plan_for_an_older_generation_is_not_complete() {
    let mut ds = kruise(KRUISE);
    ds.spec.update_strategy.rolling_update = None;
    apply_defaults(&mut ds);
    let now = Time::parse("2026-01-01T00:00:00Z").unwrap();
    let planned = plan(&ds, &[], &[], &PlanOptions::new(now)).unwrap();
    assert!(rollout_complete(&ds, &planned));
    let mut newer = ds.clone();
    newer.metadata.generation = Some(4);
    assert!(!rollout_complete(&newer, &planned));
    let found = conditions(&newer, &[], &planned, &ConditionOptions::new(now));
    assert_eq!(found[2].reason, "GenerationNotObserved");
    assert_eq!(
        found[2].to_string(),
        "Complete=False (GenerationNotObserved): the plan observed generation 3, the DaemonSet is at generation 4: plan again"
    );
}

#[test]
fn the_preview_follows_the_partition_the_pause_and_the_options() {
    let nodes = load_nodes(NODES).unwrap();
    let mut ds = kruise(KRUISE);
    let rolling = ds.spec.update_strategy.rolling_update.as_mut().unwrap();
    rolling.selector = None;
    let now = Time::parse("2026-01-01T00:00:00Z").unwrap();
    // Every node starts with an old pod: only n3 and n4 are updated, n1 and n2 are kept.
    let pods: Vec<daemonset_planner::Pod> = nodes
        .iter()
        .map(|n| {
            let mut pod = render_pod(&ds, &n.metadata.name, "old");
            pod.metadata.name = format!("old-{}", n.metadata.name);
            pod.spec.node_name = n.metadata.name.clone();
            pod.status.phase = Some(daemonset_planner::model::PodPhase::Running);
            pod.status
                .conditions
                .push(daemonset_planner::model::PodCondition {
                    type_: "Ready".into(),
                    status: "True".into(),
                    last_transition_time: Time::parse("2025-01-01T00:00:00Z").ok(),
                    ..Default::default()
                });
            pod
        })
        .collect();
    let options = PlanOptions::new(now).with_revision("new");
    let preview = preview_rollout(&ds, &nodes, &pods, &options, 10).unwrap();
    assert!(preview.finishes, "{preview:?}");
    let replaced: Vec<&str> = preview
        .batches
        .iter()
        .flat_map(|b| b.nodes.iter().map(String::as_str))
        .collect();
    assert_eq!(replaced, ["n3", "n4"]);

    // Paused: it stops at once and says why.
    let mut paused = ds.clone();
    paused
        .spec
        .update_strategy
        .rolling_update
        .as_mut()
        .unwrap()
        .paused = Some(true);
    let preview = preview_rollout(&paused, &nodes, &pods, &options, 10).unwrap();
    assert!(!preview.finishes);
    assert_eq!(
        preview.reason.as_deref(),
        Some(PauseReason::Paused.to_string().as_str())
    );

    // Without the partition, one zone at a time with one node per zone at most: the preview
    // honours the options.
    let mut whole = ds.clone();
    let rolling = whole.spec.update_strategy.rolling_update.as_mut().unwrap();
    rolling.partition = None;
    rolling.max_unavailable = Some(IntOrString::Int(4));
    let options = options
        .with_update_order(UpdateOrder::TopologyDomains {
            key: "topology.kubernetes.io/zone".into(),
        })
        .with_topology_budget(TopologyBudget::new(
            "topology.kubernetes.io/zone",
            IntOrString::Int(1),
        ));
    let preview = preview_rollout(&whole, &nodes, &pods, &options, 10).unwrap();
    assert!(preview.finishes, "{preview:?}");
    let batches: Vec<Vec<String>> = preview.batches.iter().map(|b| b.nodes.clone()).collect();
    assert_eq!(batches, [["n1"], ["n2"], ["n3"], ["n4"]]);

    // Frozen: nothing happens.
    let frozen = PlanOptions::new(now).with_revision("new").with_freeze(true);
    let preview = preview_rollout(&whole, &nodes, &pods, &frozen, 10).unwrap();
    assert!(!preview.finishes);
    assert!(preview.batches.is_empty());
    assert_eq!(
        preview.reason.as_deref(),
        Some(PauseReason::Frozen.to_string().as_str())
    );
}
