//! The serde bridge: any Kubernetes client's types convert to this crate's through JSON,
//! without the `k8s-openapi` feature. The JSON here is what k8s-openapi (or client-go, or the
//! API server) writes, fields this crate does not model included.

use daemonset_planner::model::{PodPhase, TolerationOperator, UpdateStrategyType};
use daemonset_planner::{
    DaemonSet, IntOrString, Node, PlanOptions, Pod, TaintEffect, Time, plan, render_pod,
};
use serde_json::{Value, json};

/// A DaemonSet as the API server returns it (`kubectl get ds -o json`).
const DAEMONSET: &str = r#"{
  "apiVersion": "apps/v1",
  "kind": "DaemonSet",
  "metadata": {
    "name": "node-exporter",
    "namespace": "monitoring",
    "uid": "6f1c2b9e-0d3a-4f5e-8a7b-1c2d3e4f5a6b",
    "generation": 3,
    "resourceVersion": "912345",
    "creationTimestamp": "2026-09-01T12:00:00Z",
    "annotations": {"deprecated.daemonset.template.generation": "3"},
    "managedFields": [{"manager": "kubectl", "operation": "Apply", "apiVersion": "apps/v1",
                       "time": "2026-09-01T12:00:00Z", "fieldsType": "FieldsV1", "fieldsV1": {}}]
  },
  "spec": {
    "selector": {"matchLabels": {"app": "node-exporter"}},
    "template": {
      "metadata": {"labels": {"app": "node-exporter"}, "creationTimestamp": null},
      "spec": {
        "containers": [{"name": "exporter", "image": "quay.io/prometheus/node-exporter:v1.9.0",
                        "ports": [{"containerPort": 9100, "hostPort": 9100, "protocol": "TCP"}],
                        "resources": {"limits": {"memory": "180Mi"}, "requests": {"cpu": "100m"}}}],
        "hostNetwork": true,
        "hostPID": true,
        "restartPolicy": "Always",
        "dnsPolicy": "ClusterFirst",
        "terminationGracePeriodSeconds": 30,
        "tolerations": [{"operator": "Exists"}],
        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
          "nodeSelectorTerms": [{"matchExpressions": [
            {"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}]}]}}}
      }
    },
    "updateStrategy": {"type": "RollingUpdate",
                       "rollingUpdate": {"maxUnavailable": "10%", "maxSurge": 0}},
    "revisionHistoryLimit": 10
  },
  "status": {
    "currentNumberScheduled": 1, "desiredNumberScheduled": 1, "numberMisscheduled": 0,
    "numberReady": 1, "numberAvailable": 1, "updatedNumberScheduled": 1,
    "observedGeneration": 3
  }
}"#;

/// A node with the status a kubelet posts.
const NODE: &str = r#"{
  "apiVersion": "v1",
  "kind": "Node",
  "metadata": {"name": "worker-1", "uid": "n-1", "resourceVersion": "77",
               "labels": {"kubernetes.io/os": "linux", "kubernetes.io/hostname": "worker-1"}},
  "spec": {"podCIDR": "10.244.1.0/24", "providerID": "aws:///eu-west-1a/i-0abc",
           "taints": [{"key": "dedicated", "value": "monitoring", "effect": "NoSchedule"}]},
  "status": {
    "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
    "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                    "lastHeartbeatTime": "2026-11-22T09:59:50Z",
                    "lastTransitionTime": "2026-10-01T07:05:00Z"}],
    "addresses": [{"type": "InternalIP", "address": "10.0.1.17"}],
    "nodeInfo": {"kubeletVersion": "v1.36.0", "operatingSystem": "linux"}
  }
}"#;

/// A running daemon pod, status and all.
const POD: &str = r#"{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {
    "name": "node-exporter-x7k2p", "generateName": "node-exporter-", "namespace": "monitoring",
    "uid": "p-1", "resourceVersion": "912400", "creationTimestamp": "2026-11-20T10:00:00Z",
    "labels": {"app": "node-exporter", "controller-revision-hash": "7d9f8c6b5",
               "pod-template-generation": "3"},
    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "node-exporter",
                         "uid": "6f1c2b9e-0d3a-4f5e-8a7b-1c2d3e4f5a6b", "controller": true,
                         "blockOwnerDeletion": true}]
  },
  "spec": {
    "nodeName": "worker-1",
    "containers": [{"name": "exporter", "image": "quay.io/prometheus/node-exporter:v1.9.0"}],
    "hostNetwork": true,
    "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists",
                     "effect": "NoExecute"}]
  },
  "status": {
    "phase": "Running",
    "conditions": [{"type": "Ready", "status": "True", "lastProbeTime": null,
                    "lastTransitionTime": "2026-11-20T10:00:30Z"}],
    "hostIP": "10.0.1.17", "podIP": "10.0.1.17", "startTime": "2026-11-20T10:00:00Z",
    "containerStatuses": [{"name": "exporter", "ready": true, "restartCount": 0,
                           "image": "quay.io/prometheus/node-exporter:v1.9.0", "imageID": "",
                           "state": {"running": {"startedAt": "2026-11-20T10:00:20Z"}}}]
  }
}"#;

/// Whether every field of `ours` is in `theirs` with the same value (`theirs` may have more).
fn is_subset(ours: &Value, theirs: &Value) -> bool {
    match (ours, theirs) {
        (Value::Object(ours), Value::Object(theirs)) => ours
            .iter()
            .all(|(key, value)| theirs.get(key).is_some_and(|t| is_subset(value, t))),
        (Value::Array(ours), Value::Array(theirs)) => {
            ours.len() == theirs.len() && ours.iter().zip(theirs).all(|(o, t)| is_subset(o, t))
        }
        _ => ours == theirs,
    }
}

#[test]
fn kubernetes_json_deserializes_into_the_model() {
    let ds: DaemonSet = serde_json::from_str(DAEMONSET).unwrap();
    assert_eq!(ds.metadata.display_name(), "monitoring/node-exporter");
    assert_eq!(ds.template_generation(), Some(3));
    assert_eq!(
        ds.spec.update_strategy.type_,
        Some(UpdateStrategyType::RollingUpdate)
    );
    let rolling = ds.spec.update_strategy.rolling_update.as_ref().unwrap();
    assert_eq!(rolling.max_unavailable, Some(IntOrString::from("10%")));
    assert_eq!(rolling.max_surge, Some(IntOrString::Int(0)));
    assert_eq!(
        ds.spec.template.spec.tolerations[0].operator,
        Some(TolerationOperator::Exists)
    );
    // Pod template fields the planner does not read are kept verbatim.
    assert_eq!(ds.spec.template.spec.other["hostPID"], json!(true));
    assert_eq!(ds.status.as_ref().unwrap().observed_generation, Some(3));

    let node: Node = serde_json::from_str(NODE).unwrap();
    assert_eq!(node.spec.taints[0].effect, TaintEffect::NoSchedule);
    assert_eq!(node.status.conditions[0].status, "True");

    let pod: Pod = serde_json::from_str(POD).unwrap();
    assert_eq!(pod.status.phase, Some(PodPhase::Running));
    assert!(pod.is_ready());
    assert_eq!(pod.metadata.controller_ref().unwrap().name, "node-exporter");
}

#[test]
fn the_model_serializes_back_to_the_same_fields() {
    for text in [DAEMONSET, NODE, POD] {
        let theirs: Value = serde_json::from_str(text).unwrap();
        let ours = match theirs["kind"].as_str() {
            Some("DaemonSet") => {
                serde_json::to_value(serde_json::from_value::<DaemonSet>(theirs.clone()).unwrap())
            }
            Some("Node") => {
                serde_json::to_value(serde_json::from_value::<Node>(theirs.clone()).unwrap())
            }
            _ => serde_json::to_value(serde_json::from_value::<Pod>(theirs.clone()).unwrap()),
        }
        .unwrap();
        // What the model keeps, it writes back unchanged; what it does not model
        // (resourceVersion, managedFields, node status beyond conditions) it leaves out.
        assert!(
            is_subset(&ours, &theirs),
            "{ours:#}\nis not part of\n{theirs:#}"
        );
        assert!(ours["metadata"].get("resourceVersion").is_none());
        // Pod specs are kept whole.
        let spec = |v: &Value| v.pointer("/spec/template/spec").or(v.get("spec")).cloned();
        if theirs["kind"] != "Node" {
            assert_eq!(spec(&ours), spec(&theirs));
        }
    }
}

#[test]
fn a_plan_made_from_kubernetes_json_renders_a_pod_any_client_can_send() {
    let ds: DaemonSet = serde_json::from_str(DAEMONSET).unwrap();
    let mut other_node: Node = serde_json::from_str(NODE).unwrap();
    other_node.metadata.name = "worker-2".into();
    let nodes = [serde_json::from_str(NODE).unwrap(), other_node];
    let pods = [serde_json::from_str::<Pod>(POD).unwrap()];
    let now = Time::parse("2026-11-22T10:00:00Z").unwrap();
    let plan = plan(&ds, &nodes, &pods, &PlanOptions::new(now)).unwrap();
    assert_eq!(plan.actions.len(), 1, "{:?}", plan.actions);

    let pod = render_pod(&ds, "worker-2", &plan.revision);
    let body = serde_json::to_value(&pod).unwrap();
    assert_eq!(body["apiVersion"], "v1");
    assert_eq!(body["metadata"]["generateName"], "node-exporter-");
    assert_eq!(body["spec"]["hostPID"], true);
    assert_eq!(
        body["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
            ["nodeSelectorTerms"][0]["matchFields"][0],
        json!({"key": "metadata.name", "operator": "In", "values": ["worker-2"]})
    );
    let status = serde_json::to_value(&plan.status).unwrap();
    assert_eq!(status["desiredNumberScheduled"], 2);
}
