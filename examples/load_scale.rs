//! Loading at cluster scale, against a floor: `cargo run --release --example load_scale`.
//!
//! Generates, in process, dumps shaped like `shared/tools/cluster_dump.py`'s (EKS-style nodes
//! with 40 cached images each, 30 pods per node with containers, volumes and statuses, one
//! DaemonSet), as one `kubectl get nodes,pods,daemonsets -A` List in JSON and in YAML, for
//! 500 and 5,000 nodes. For each it times [`load_cluster`] from a reader and the floor: the
//! same parser reading the same bytes from the same kind of reader into
//! `serde::de::IgnoredAny` (the parser's own cost, with no model), and measures the peak heap
//! of the load above what was allocated before it (the input text excluded) with a counting
//! allocator. One line per size and format:
//!
//! `format=F nodes=N pods=P bytes=B load_ns=X floor_ns=Y ratio=X/Y peak_heap_bytes=H heap_over_input=H/B`
//!
//! `load_scale 500` runs the small size only.
// A counting global allocator needs `unsafe impl GlobalAlloc`; it only forwards to the system
// allocator and counts.
#![allow(unsafe_code)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufReader, Write as _};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use daemonset_planner::load::{LoadOptions, load_cluster};
use serde::Deserialize as _;
use serde_json::{Value, json};

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call forwards to `System` with the caller's arguments unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grow(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
            grow(new_size);
        }
        new
    }
}

fn grow(size: usize) {
    let now = IN_USE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const PODS_PER_NODE: usize = 30;
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
fn json_dump(nodes: usize) -> Vec<u8> {
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
fn yaml_dump(nodes: usize) -> Vec<u8> {
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
fn saphyr_options() -> serde_saphyr::Options {
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

/// The parser alone, from the same kind of reader as the loader uses.
fn floor(format: &str, bytes: &[u8]) {
    let reader = BufReader::with_capacity(1 << 16, bytes);
    if format == "json" {
        let mut de = serde_json::Deserializer::from_reader(reader);
        serde::de::IgnoredAny::deserialize(&mut de).unwrap();
        de.end().unwrap();
    } else {
        let mut reader = reader;
        for document in serde_saphyr::read_with_options::<_, serde::de::IgnoredAny>(
            &mut reader,
            saphyr_options(),
        ) {
            document.unwrap();
        }
    }
}

fn measure(format: &str, nodes: usize) {
    let bytes = if format == "json" {
        json_dump(nodes)
    } else {
        yaml_dump(nodes)
    };
    let pods = nodes * PODS_PER_NODE;
    let options = LoadOptions::default();
    // The fastest of a few runs each, alternating, on a shared machine.
    let runs = if nodes >= 5000 { 2 } else { 5 };
    let mut load_ns = u128::MAX;
    let mut floor_ns = u128::MAX;
    let mut peak = 0usize;
    for _ in 0..runs {
        let started = Instant::now();
        floor(format, &bytes);
        floor_ns = floor_ns.min(started.elapsed().as_nanos());

        let before = IN_USE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let started = Instant::now();
        let cluster = load_cluster(&bytes[..], &options).unwrap().objects;
        load_ns = load_ns.min(started.elapsed().as_nanos());
        peak = peak.max(PEAK.load(Ordering::Relaxed) - before);
        assert_eq!((cluster.nodes.len(), cluster.pods.len()), (nodes, pods));
        assert_eq!(cluster.daemon_sets.len(), 1);
        drop(cluster);
    }
    let len = bytes.len();
    println!(
        "format={format} nodes={nodes} pods={pods} bytes={len} load_ns={load_ns} floor_ns={floor_ns} \
         ratio={:.3} peak_heap_bytes={peak} heap_over_input={:.3}",
        load_ns as f64 / floor_ns as f64,
        peak as f64 / len as f64
    );
    std::io::stdout().flush().unwrap();
}

fn main() {
    let sizes: Vec<usize> = match std::env::args().nth(1) {
        Some(size) => vec![size.parse().expect("a number of nodes")],
        None => vec![500, 5000],
    };
    for nodes in sizes {
        for format in ["json", "yaml"] {
            measure(format, nodes);
        }
    }
}
