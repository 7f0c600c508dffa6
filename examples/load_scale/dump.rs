//! Dumps shaped like `shared/tools/cluster_dump.py`'s, generated in process: EKS-style nodes
//! with 40 cached images each, 30 pods per node (the first of a DaemonSet) with containers,
//! volumes and statuses, and the DaemonSet, as one `kubectl get nodes,daemonsets,pods -A`
//! List. Shared by `examples/load_scale` and `benches/load.rs`.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use serde_json::{Value, json};

pub const PODS_PER_NODE: usize = 30;
const DS_UID: &str = "5f0c0d6e-0000-4000-8000-000000000001";

fn ts(s: usize) -> String {
    format!(
        "2026-11-{:02}T{:02}:{:02}:{:02}Z",
        1 + s % 28,
        s % 24,
        s % 60,
        (s * 7) % 60
    )
}

fn node_name(i: usize) -> String {
    format!(
        "ip-10-{}-{}-{}.ec2.internal",
        i / 65536,
        (i / 256) % 256,
        i % 256
    )
}

fn node(i: usize, images: &Value) -> Value {
    let name = node_name(i);
    let zone = format!("us-east-1{}", ["a", "b", "c"][i % 3]);
    let conditions: Vec<Value> = ["MemoryPressure", "DiskPressure", "PIDPressure"]
        .iter()
        .map(|t| {
            json!({"type": t, "status": "False", "lastHeartbeatTime": ts(i + 1),
                   "lastTransitionTime": ts(i), "reason": format!("Kubelet{t}"),
                   "message": format!("kubelet has no {t}")})
        })
        .chain([
            json!({"type": "Ready", "status": "True", "lastHeartbeatTime": ts(i + 1),
            "lastTransitionTime": ts(i), "reason": "KubeletReady",
            "message": "kubelet is posting ready status"}),
        ])
        .collect();
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {
            "name": name, "uid": format!("{i:08x}-0000-4000-8000-{i:012x}"),
            "resourceVersion": (100_000 + i).to_string(), "creationTimestamp": ts(i),
            "labels": {
                "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/instance-type": "m5.2xlarge",
                "beta.kubernetes.io/os": "linux", "failure-domain.beta.kubernetes.io/region": "us-east-1",
                "failure-domain.beta.kubernetes.io/zone": zone, "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                "node.kubernetes.io/instance-type": "m5.2xlarge", "topology.kubernetes.io/region": "us-east-1",
                "topology.kubernetes.io/zone": zone, "eks.amazonaws.com/nodegroup": format!("ng-{}", i % 7),
                "eks.amazonaws.com/capacityType": "ON_DEMAND", "k8s.io/cloud-provider-aws": "abc123"
            },
            "annotations": {
                "alpha.kubernetes.io/provided-node-ip": "10.0.0.1", "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
                "csi.volume.kubernetes.io/nodeid": format!("{{\"ebs.csi.aws.com\": \"i-{i:017x}\"}}")
            }
        },
        "spec": {"providerID": format!("aws:///us-east-1a/i-{i:017x}")},
        "status": {
            "addresses": [{"type": "InternalIP", "address": "10.0.0.1"},
                          {"type": "InternalDNS", "address": name}, {"type": "Hostname", "address": name}],
            "allocatable": {"cpu": "7910m", "ephemeral-storage": "95551679124", "hugepages-1Gi": "0",
                            "hugepages-2Mi": "0", "memory": "31482280Ki", "pods": "58"},
            "capacity": {"cpu": "8", "ephemeral-storage": "104845292Ki", "hugepages-1Gi": "0",
                         "hugepages-2Mi": "0", "memory": "32496040Ki", "pods": "58"},
            "conditions": conditions,
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "images": images,
            "nodeInfo": {"architecture": "amd64", "bootID": "b", "containerRuntimeVersion": "containerd://1.7.11",
                         "kernelVersion": "5.10.205", "kubeProxyVersion": "v1.29.0", "kubeletVersion": "v1.29.0",
                         "machineID": "m", "operatingSystem": "linux", "osImage": "Amazon Linux 2", "systemUUID": "u"}
        }
    })
}

fn pod(i: usize, j: usize) -> Value {
    let ds = j == 0;
    let node = node_name(i);
    let name = if ds {
        format!("node-exporter-{i:05x}")
    } else {
        format!("app-{j}-{}-{i:05x}", i % 50)
    };
    let labels = if ds {
        json!({"app.kubernetes.io/name": "node-exporter", "controller-revision-hash": "7c9f5d6b8",
               "pod-template-generation": "1"})
    } else {
        json!({"app": format!("app-{j}"), "pod-template-hash": "abc"})
    };
    let mut spec = json!({
        "containers": [{"name": "c", "image": "quay.io/prometheus/node-exporter:v1.7.0",
            "args": ["--path.rootfs=/host", "--web.listen-address=:9100"],
            "ports": [{"containerPort": 9100, "name": "metrics", "protocol": "TCP"}],
            "resources": {"limits": {"memory": "180Mi"}, "requests": {"cpu": "100m", "memory": "180Mi"}},
            "volumeMounts": [{"mountPath": "/host", "name": "root", "readOnly": true},
                {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access", "readOnly": true}],
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
            "imagePullPolicy": "IfNotPresent"}],
        "nodeName": node, "restartPolicy": "Always", "schedulerName": "default-scheduler",
        "serviceAccountName": "node-exporter", "dnsPolicy": "ClusterFirst",
        "tolerations": [{"operator": "Exists"}], "volumes": [{"name": "root", "hostPath": {"path": "/", "type": ""}}]
    });
    if ds {
        spec["affinity"] = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
            {"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]}}});
    }
    let conditions: Vec<Value> = ["Initialized", "Ready", "ContainersReady", "PodScheduled"]
        .iter()
        .map(|t| json!({"type": t, "status": "True", "lastProbeTime": null, "lastTransitionTime": ts(i)}))
        .collect();
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": name, "namespace": if ds { "monitoring" } else { "default" },
            "uid": format!("{i:08x}-{j:04x}-4000-8000-000000000000"), "resourceVersion": "1",
            "creationTimestamp": ts(i), "labels": labels,
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": if ds { "DaemonSet" } else { "ReplicaSet" },
                "name": if ds { "node-exporter".to_owned() } else { format!("app-{j}-abc") },
                "uid": if ds { DS_UID.to_owned() } else { format!("rs-{j}") },
                "controller": true, "blockOwnerDeletion": true}]
        },
        "spec": spec,
        "status": {
            "phase": "Running", "hostIP": "10.0.0.1", "podIP": "10.1.0.1", "startTime": ts(i), "qosClass": "Burstable",
            "conditions": conditions,
            "containerStatuses": [{"name": "c", "ready": true, "restartCount": 0, "started": true,
                "image": "quay.io/prometheus/node-exporter:v1.7.0", "imageID": format!("sha256:{i:064x}"),
                "containerID": format!("containerd://{i:064x}"), "state": {"running": {"startedAt": ts(i)}},
                "lastState": {}}]
        }
    })
}

fn daemon_set() -> Value {
    json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "node-exporter", "namespace": "monitoring", "uid": DS_UID, "generation": 1,
                     "annotations": {"deprecated.daemonset.template.generation": "1"}},
        "spec": {"selector": {"matchLabels": {"app.kubernetes.io/name": "node-exporter"}},
                 "template": {"metadata": {"labels": {"app.kubernetes.io/name": "node-exporter"}},
                              "spec": {"containers": [{"name": "c", "image": "quay.io/prometheus/node-exporter:v1.7.0"}],
                                       "tolerations": [{"operator": "Exists"}]}},
                 "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "10%"}}}})
}

/// Every object of the dump, one at a time: nodes, the DaemonSet, pods.
fn objects(nodes: usize, mut each: impl FnMut(&Value)) {
    let images: Vec<Value> = (0..40)
        .map(|i| {
            json!({"names": [format!("registry.k8s.io/img-{i}@sha256:{i:064x}"),
                             format!("registry.k8s.io/img-{i}:v1.{i}")],
                   "sizeBytes": 10_000_000 + i})
        })
        .collect();
    let images = Value::Array(images);
    for i in 0..nodes {
        each(&node(i, &images));
    }
    each(&daemon_set());
    for i in 0..nodes {
        for j in 0..PODS_PER_NODE {
            each(&pod(i, j));
        }
    }
}

/// The dump as `kubectl get nodes,daemonsets,pods -A -o json` prints it (keys of the List
/// in kubectl's order: `items` before `kind`), objects indented as `json.dump(indent=4)`.
pub fn json_dump(nodes: usize) -> Vec<u8> {
    let mut out = b"{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n".to_vec();
    let mut first = true;
    objects(nodes, |object| {
        if !first {
            out.extend_from_slice(b",\n");
        }
        first = false;
        let mut text = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut serializer = serde_json::Serializer::with_formatter(&mut text, formatter);
        serde::Serialize::serialize(object, &mut serializer).unwrap();
        let text = String::from_utf8(text).unwrap();
        let lines: Vec<String> = text.lines().map(|line| format!("        {line}")).collect();
        out.extend_from_slice(lines.join("\n").as_bytes());
    });
    out.extend_from_slice(
        b"\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n",
    );
    out
}

/// The dump as `kubectl get ... -o yaml` prints it (block style, `items` before `kind`).
pub fn yaml_dump(nodes: usize) -> Vec<u8> {
    let mut out = b"apiVersion: v1\nitems:\n".to_vec();
    objects(nodes, |object| {
        let text = serde_yaml::to_string(object).unwrap();
        for (n, line) in text.lines().enumerate() {
            out.extend_from_slice(if n == 0 { b"- " } else { b"  " });
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
    });
    out.extend_from_slice(b"kind: List\nmetadata:\n  resourceVersion: \"\"\n");
    out
}

/// serde-saphyr's options as the loader sets them for the default limits.
pub fn saphyr_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_reader_input_bytes: None,
            max_depth: 64,
            flow_nesting_limit: 64,
            max_documents: 1_000_000,
            max_nodes: 1_000_000_000,
            max_events: usize::MAX,
            max_total_scalar_bytes: usize::MAX,
            max_aliases: 100_000,
            max_recorded_anchor_events: 100_000,
            enforce_alias_anchor_ratio: false,
        },
        alias_limits: serde_saphyr::alias_limits! { max_total_replayed_events: 100_000 },
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::PassThrough,
        strict_booleans: true,
        with_snippet: false,
    }
}
