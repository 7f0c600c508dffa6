//! Loading manifests: fixtures, streams and lists, and every kind of error.
#![cfg(feature = "yaml")]

use std::time::{Duration, Instant};

use daemonset_planner::model::{NodeSelectorOperator, TolerationOperator, UpdateStrategyType};
use daemonset_planner::{
    DaemonSet, IntOrString, LoadError, TaintEffect, load::LimitExceeded, load_daemonset,
    load_daemonset_from_reader, load_nodes, load_nodes_from_reader, load_pods,
    load_pods_from_reader, load_revisions, load_revisions_from_reader,
};
use proptest::prelude::*;

const FLUENTD: &str = include_str!("../data/fluentd-elasticsearch.yaml");
const FLANNEL: &str = include_str!("../data/kube-flannel.yaml");
const REVISIONS: &str = include_str!("../../examples/data/revisions.yaml");

fn node(name: &str) -> String {
    format!("apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n")
}

fn pod(name: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: default\n")
}

fn node_names(text: &str) -> Vec<String> {
    load_nodes(text)
        .unwrap()
        .into_iter()
        .map(|node| node.metadata.name)
        .collect()
}

/// A minimal valid DaemonSet with `extra` appended under `spec.template.spec`.
fn daemonset_with_pod_spec(extra: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd
  namespace: kube-system
spec:
  selector:
    matchLabels: {{app: fluentd}}
  template:
    metadata:
      labels: {{app: fluentd}}
    spec:
      containers: [{{name: fluentd, image: fluentd}}]
{extra}"
    )
}

// ---------------------------------------------------------------------------------------------
// Fixtures

#[test]
fn the_fluentd_tutorial_daemonset_loads() {
    let ds = load_daemonset(FLUENTD).unwrap();
    assert_eq!(
        ds.metadata.display_name(),
        "kube-system/fluentd-elasticsearch"
    );
    assert_eq!(
        ds.spec.update_strategy.type_,
        Some(UpdateStrategyType::RollingUpdate)
    );
    let rolling = ds.spec.update_strategy.rolling_update.as_ref().unwrap();
    assert_eq!(rolling.max_unavailable, Some(IntOrString::Int(1)));
    let pod = &ds.spec.template.spec;
    let keys: Vec<&str> = pod.tolerations.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "node-role.kubernetes.io/control-plane",
            "node-role.kubernetes.io/master"
        ]
    );
    assert!(pod.tolerations.iter().all(|t| {
        t.operator == Some(TolerationOperator::Exists) && t.effect == Some(TaintEffect::NoSchedule)
    }));
    assert_eq!(pod.other["terminationGracePeriodSeconds"], 30);
    assert_eq!(pod.other["volumes"][0]["hostPath"]["path"], "/var/log");
    assert_eq!(
        pod.other["containers"][0]["resources"]["limits"]["memory"],
        "200Mi"
    );
}

#[test]
fn the_flannel_daemonset_loads_as_kubectl_prints_it() {
    let ds = load_daemonset(FLANNEL).unwrap();
    assert_eq!(ds.metadata.display_name(), "kube-flannel/kube-flannel-ds");
    assert_eq!(ds.metadata.generation, Some(3));
    assert_eq!(ds.template_generation(), Some(3));
    assert_eq!(
        ds.metadata.creation_timestamp.unwrap().to_string(),
        "2024-03-11T09:15:42Z"
    );
    assert_eq!(ds.spec.template.metadata.creation_timestamp, None);
    let pod = &ds.spec.template.spec;
    assert!(pod.host_network);
    assert_eq!(pod.restart_policy, "Always");
    assert_eq!(pod.tolerations.len(), 1);
    assert_eq!(pod.tolerations[0].key, "");
    assert_eq!(
        pod.tolerations[0].operator,
        Some(TolerationOperator::Exists)
    );
    assert_eq!(pod.tolerations[0].effect, Some(TaintEffect::NoSchedule));
    let required = pod
        .affinity
        .as_ref()
        .and_then(|affinity| affinity.node_affinity.as_ref())
        .and_then(|node_affinity| node_affinity.required.as_ref())
        .unwrap();
    let requirement = &required.node_selector_terms[0].match_expressions[0];
    assert_eq!(requirement.key, "kubernetes.io/os");
    assert_eq!(requirement.operator, NodeSelectorOperator::In);
    assert_eq!(requirement.values, ["linux"]);
    assert_eq!(pod.other["priorityClassName"], "system-node-critical");
    assert_eq!(pod.other["serviceAccountName"], "flannel");
    assert_eq!(pod.other["initContainers"][1]["name"], "install-cni");
    assert_eq!(
        pod.other["volumes"][3]["configMap"]["name"],
        "kube-flannel-cfg"
    );
    let rolling = ds.spec.update_strategy.rolling_update.as_ref().unwrap();
    assert_eq!(rolling.max_surge, Some(IntOrString::Int(0)));
    let status = ds.status.as_ref().unwrap();
    assert_eq!(status.desired_number_scheduled, 3);
    assert_eq!(status.observed_generation, Some(3));
}

#[test]
fn fixtures_survive_a_round_trip_with_their_unmodelled_fields() {
    for fixture in [FLUENTD, FLANNEL] {
        let first = load_daemonset(fixture).unwrap();
        let text = serde_yaml::to_string(&first).unwrap();
        let second = load_daemonset(&text).unwrap();
        assert_eq!(first, second);
        for key in ["containers", "volumes", "terminationGracePeriodSeconds"] {
            assert_eq!(
                first.spec.template.spec.other.get(key),
                second.spec.template.spec.other.get(key),
                "{key}"
            );
            assert!(second.spec.template.spec.other.contains_key(key), "{key}");
        }
    }
    let flannel = load_daemonset(FLANNEL).unwrap();
    let again = load_daemonset(&serde_yaml::to_string(&flannel).unwrap()).unwrap();
    for key in ["initContainers", "priorityClassName", "dnsPolicy"] {
        assert_eq!(
            again.spec.template.spec.other[key], flannel.spec.template.spec.other[key],
            "{key}"
        );
    }
}

#[test]
fn readers_load_like_text() {
    let file = std::fs::File::open("tests/data/kube-flannel.yaml").unwrap();
    assert_eq!(
        load_daemonset_from_reader(file).unwrap(),
        load_daemonset(FLANNEL).unwrap()
    );
    let nodes = format!("{}---\n{}", node("a"), node("b"));
    assert_eq!(load_nodes_from_reader(nodes.as_bytes()).unwrap().len(), 2);
    let pods = pod("p1");
    assert_eq!(load_pods_from_reader(pods.as_bytes()).unwrap().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Streams and lists

#[test]
fn streams_skip_empty_documents() {
    let text = format!(
        "---\n---\n# only a comment\n---\n{}---\n\n---\n{}...\n---\n",
        node("a"),
        node("b")
    );
    assert_eq!(node_names(&text), ["a", "b"]);
    assert_eq!(node_names(""), Vec::<String>::new());
    assert_eq!(node_names("# nothing here\n"), Vec::<String>::new());
}

#[test]
fn a_v1_list_of_nodes_loads_as_kubectl_get_prints_it() {
    let text = "apiVersion: v1
kind: List
metadata:
  resourceVersion: \"\"
items:
- apiVersion: v1
  kind: Node
  metadata:
    name: worker-1
    labels: {kubernetes.io/hostname: worker-1}
  spec:
    podCIDR: 10.244.1.0/24
    taints:
    - {key: node.kubernetes.io/unschedulable, effect: NoSchedule}
    unschedulable: true
  status:
    capacity: {cpu: \"4\"}
    conditions:
    - {type: Ready, status: \"True\", lastHeartbeatTime: \"2024-05-01T10:00:00Z\"}
- apiVersion: v1
  kind: Node
  metadata: {name: worker-2}
";
    let nodes = load_nodes(text).unwrap();
    assert_eq!(nodes.len(), 2);
    assert_eq!(nodes[0].metadata.name, "worker-1");
    assert!(nodes[0].spec.unschedulable);
    assert_eq!(
        nodes[0].spec.taints[0].to_string(),
        "node.kubernetes.io/unschedulable:NoSchedule"
    );
    assert_eq!(nodes[0].status.conditions[0].type_, "Ready");
    assert_eq!(nodes[1].metadata.name, "worker-2");
}

#[test]
fn typed_lists_fill_in_the_kind_and_api_version_of_their_items() {
    let nodes = load_nodes(
        "apiVersion: v1
kind: NodeList
metadata: {resourceVersion: \"42\"}
items:
- metadata: {name: a}
- apiVersion: v1
  kind: Node
  metadata: {name: b}
",
    )
    .unwrap();
    assert_eq!(nodes.len(), 2);
    assert_eq!(
        (nodes[0].api_version.as_str(), nodes[0].kind.as_str()),
        ("v1", "Node")
    );

    let pods = load_pods(
        "apiVersion: v1
kind: PodList
items:
- metadata: {name: p1, namespace: default}
  spec: {nodeName: worker-1}
  status: {phase: Running, podIP: 10.0.0.1}
- metadata: {name: p2, namespace: default}
",
    )
    .unwrap();
    assert_eq!(pods.len(), 2);
    assert_eq!(pods[0].spec.node_name, "worker-1");
    assert_eq!(pods[1].kind, "Pod");

    let ds = load_daemonset(
        "apiVersion: apps/v1\nkind: DaemonSetList\nitems:\n- metadata: {name: fluentd}\n",
    )
    .unwrap();
    assert_eq!(
        (ds.api_version.as_str(), ds.kind.as_str()),
        ("apps/v1", "DaemonSet")
    );
}

#[test]
fn a_stream_may_mix_objects_and_lists() {
    let text = format!(
        "{}---\napiVersion: v1\nkind: NodeList\nitems:\n- metadata: {{name: b}}\n- metadata: {{name: c}}\n---\n\
         apiVersion: v1\nkind: List\nitems: []\n---\napiVersion: v1\nkind: List\nitems:\n- {}",
        node("a"),
        node("d").replace('\n', "\n  ")
    );
    assert_eq!(node_names(&text), ["a", "b", "c", "d"]);
}

#[test]
fn load_daemonset_accepts_a_list_holding_exactly_one() {
    let inner = FLUENTD
        .lines()
        .filter(|line| !line.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n  ");
    let text = format!("apiVersion: v1\nkind: List\nitems:\n- {inner}\n");
    assert_eq!(
        load_daemonset(&text).unwrap(),
        load_daemonset(FLUENTD).unwrap()
    );
}

#[test]
fn load_daemonset_wants_exactly_one() {
    for text in [
        "",
        "---\n---\n",
        "apiVersion: apps/v1\nkind: DaemonSetList\nitems: []\n",
    ] {
        let err = load_daemonset(text).unwrap_err();
        assert_eq!(
            err,
            LoadError::Count {
                kind: "DaemonSet".into(),
                expected: 1,
                found: 0
            }
        );
        assert_eq!(err.to_string(), "expected exactly 1 DaemonSet, found 0");
    }
    let two = format!("{FLUENTD}---\n{FLANNEL}");
    assert_eq!(
        load_daemonset(&two).unwrap_err().to_string(),
        "expected exactly 1 DaemonSet, found 2"
    );
}

// ---------------------------------------------------------------------------------------------
// Kind and apiVersion

#[test]
fn objects_of_other_kinds_are_skipped() {
    // Mixed kinds are what bundled manifests and `kubectl get a,b,c` give: each loader keeps
    // its own kind (this used to be a WrongKind error).
    let text = format!("{}---\n{}", node("a"), pod("p1"));
    assert_eq!(node_names(&text), ["a"]);
    assert_eq!(load_pods(&text).unwrap()[0].metadata.name, "p1");
    assert_eq!(load_pods(&node("a")).unwrap(), []);
    let namespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\n";
    assert_eq!(
        load_daemonset(&format!("{namespace}{FLUENTD}")).unwrap(),
        load_daemonset(FLUENTD).unwrap()
    );
    // A typed list of another kind is skipped whole, unchecked.
    assert_eq!(
        load_daemonset("apiVersion: v1\nkind: PodList\nitems: []\n").unwrap_err(),
        LoadError::Count {
            kind: "DaemonSet".into(),
            expected: 1,
            found: 0
        }
    );
    assert_eq!(
        load_nodes("apiVersion: v9\nkind: PodList\nitems: [1]\n").unwrap(),
        []
    );
}

#[test]
fn one_pass_loads_every_kind() {
    use daemonset_planner::load::{LoadOptions, load_cluster};
    let text = format!(
        "{}---\n{}---\n{FLUENTD}---\n{REVISIONS}---\napiVersion: v1\nkind: Service\n",
        node("a"),
        pod("p1")
    );
    let cluster = load_cluster(text.as_bytes(), &LoadOptions::default())
        .unwrap()
        .objects;
    assert_eq!(cluster.nodes.len(), 1);
    assert_eq!(cluster.pods.len(), 1);
    assert_eq!(cluster.daemon_sets.len(), 1);
    assert_eq!(cluster.revisions, load_revisions(REVISIONS).unwrap());
}

#[test]
fn an_object_needs_a_kind() {
    assert_eq!(
        load_nodes("apiVersion: v1\nmetadata: {name: a}\n")
            .unwrap_err()
            .to_string(),
        "document 0: expected kind Node, found an object without kind"
    );
}

#[test]
fn list_items_are_checked_one_by_one() {
    let text = "apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Node, metadata: {name: a}}
- {apiVersion: v1, kind: Pod, metadata: {name: p}}
- {apiVersion: v1, metadata: {name: q}}
";
    // A v1 List may mix kinds; an item without a kind cannot be sorted.
    let err = load_nodes(text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "document 0, items[2]: expected kind Node, found an object without kind"
    );
    assert_eq!(
        load_nodes("apiVersion: v1\nkind: NodeList\nitems: [a]\n")
            .unwrap_err()
            .to_string(),
        "document 0, items[0]: expected a Kubernetes object (a mapping with apiVersion and \
         kind), found a string"
    );
    assert_eq!(
        load_nodes("apiVersion: v1\nkind: NodeList\nitems:\n- {kind: Pod}\n")
            .unwrap_err()
            .to_string(),
        "document 0, items[0]: expected kind Node, found Pod"
    );
    assert_eq!(
        load_nodes("apiVersion: v1\nkind: NodeList\nitems: {}\n")
            .unwrap_err()
            .to_string(),
        "document 0: NodeList: items: expected a sequence of objects, found a mapping"
    );
}

#[test]
fn daemonsets_from_the_removed_beta_api_versions_are_refused() {
    for version in ["extensions/v1beta1", "apps/v1beta2"] {
        let text = FLUENTD.replace("apiVersion: apps/v1", &format!("apiVersion: {version}"));
        let err = load_daemonset(&text).unwrap_err();
        assert_eq!(
            err,
            LoadError::RemovedApiVersion {
                document: 0,
                item: None,
                kind: "DaemonSet".into(),
                api_version: version.into(),
                removed_in: "1.16".into(),
                use_instead: "apps/v1".into(),
            }
        );
        assert_eq!(
            err.to_string(),
            format!(
                "document 0: DaemonSet apiVersion {version} was removed in Kubernetes 1.16: use \
                 apps/v1"
            )
        );
    }
    let list = "apiVersion: extensions/v1beta1\nkind: DaemonSetList\nitems: []\n";
    assert!(matches!(
        load_daemonset(list),
        Err(LoadError::RemovedApiVersion { .. })
    ));
}

#[test]
fn other_api_versions_are_refused() {
    let text = FLUENTD.replace("apiVersion: apps/v1", "apiVersion: apps/v2");
    assert_eq!(
        load_daemonset(&text).unwrap_err().to_string(),
        "document 0: apiVersion apps/v2 is not supported for DaemonSet: use apps/v1"
    );
    let text = FLUENTD.replace("apiVersion: apps/v1\n", "");
    assert_eq!(
        load_daemonset(&text).unwrap_err().to_string(),
        "document 0: no apiVersion given for DaemonSet: use apps/v1"
    );
    assert_eq!(
        load_nodes("apiVersion: apps/v1\nkind: Node\n")
            .unwrap_err()
            .to_string(),
        "document 0: apiVersion apps/v1 is not supported for Node: use v1"
    );
    assert_eq!(
        load_pods("apiVersion: apps/v1\nkind: List\nitems: []\n")
            .unwrap_err()
            .to_string(),
        "document 0: apiVersion apps/v1 is not supported for List: use v1"
    );
    assert_eq!(
        load_pods("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v2, kind: Pod}\n")
            .unwrap_err()
            .to_string(),
        "document 0, items[0]: apiVersion v2 is not supported for Pod: use v1"
    );
}

#[test]
fn a_document_must_be_a_mapping() {
    let err = load_pods("---\njust some text\n").unwrap_err();
    assert_eq!(
        err,
        LoadError::NotAnObject {
            document: 0,
            item: None,
            found: "a string".into()
        }
    );
    assert!(matches!(
        load_nodes("- a\n- b\n"),
        Err(LoadError::NotAnObject { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Misspelt fields

#[test]
fn misspelt_fields_are_reported_with_a_suggestion() {
    let cases = [
        (
            FLUENTD.replace("  labels:\n    k8s-app", "  Labels:\n    k8s-app"),
            "document 0: unknown field `Labels` at metadata, did you mean `labels`? (hint: field \
             names are case-sensitive)",
        ),
        (
            daemonset_with_pod_spec("      nodeselector: {disk: ssd}\n"),
            "document 0: unknown field `nodeselector` at spec.template.spec, did you mean \
             `nodeSelector`? (hint: field names are case-sensitive)",
        ),
        (
            daemonset_with_pod_spec("      nodeSelecter: {disk: ssd}\n"),
            "document 0: unknown field `nodeSelecter` at spec.template.spec, did you mean \
             `nodeSelector`?",
        ),
        (
            daemonset_with_pod_spec("      tolerration: []\n"),
            "document 0: unknown field `tolerration` at spec.template.spec, did you mean \
             `tolerations`?",
        ),
        (
            daemonset_with_pod_spec("      tolerations:\n      - {key: a, opperator: Exists}\n"),
            "document 0: unknown field `opperator` at spec.template.spec.tolerations[0], did \
             you mean `operator`?",
        ),
        (
            FLUENTD.replace("maxUnavailable", "maxUnavailible"),
            "document 0: unknown field `maxUnavailible` at spec.updateStrategy.rollingUpdate, \
             did you mean `maxUnavailable`?",
        ),
        (
            FLUENTD.replace("\nspec:", "\nSpec:"),
            "document 0: unknown field `Spec` at the top level, did you mean `spec`? (hint: field \
             names are case-sensitive)",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(load_daemonset(&text).unwrap_err().to_string(), expected);
    }
}

#[test]
fn misspelt_fields_are_found_in_list_items_and_node_affinity() {
    let err = load_nodes(
        "apiVersion: v1\nkind: NodeList\nitems:\n- metadata: {name: a}\n- metdata: {name: b}\n",
    )
    .unwrap_err();
    assert_eq!(
        err,
        LoadError::UnknownField {
            document: 0,
            path: "items[1]".into(),
            field: "metdata".into(),
            suggestion: Some("metadata".into()),
            hint: None,
        }
    );
    // Below the top level, nodes, pods and revisions (written by the API server) are read
    // at full speed, without looking for misspellings: the parser skips what it does not need.
    let nodes = load_nodes(
        "apiVersion: v1\nkind: NodeList\nitems:\n- metadata: {name: a}\n- spec: {taint: []}\n",
    )
    .unwrap();
    assert!(nodes[1].spec.taints.is_empty());
    let text = FLANNEL.replace("nodeSelectorTerms", "nodeSelectorTerm");
    assert_eq!(
        load_daemonset(&text).unwrap_err().to_string(),
        "document 0: unknown field `nodeSelectorTerm` at \
         spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, \
         did you mean `nodeSelectorTerms`?"
    );
}

#[test]
fn real_fields_this_crate_does_not_model_are_not_flagged() {
    // Flannel's fixture carries resourceVersion, managedFields, serviceAccount, ...
    load_daemonset(FLANNEL).unwrap();
    let text = "apiVersion: v1
kind: Node
metadata:
  name: worker-1
  resourceVersion: \"1\"
  selfLink: /api/v1/nodes/worker-1
spec:
  podCIDR: 10.244.0.0/24
  podCIDRs: [10.244.0.0/24]
  providerID: aws:///eu-west-1a/i-0123
status:
  phase: Running
  conditions:
  - {type: Ready, status: \"True\", lastHeartbeatTime: \"2024-05-01T10:00:00Z\"}
";
    assert_eq!(load_nodes(text).unwrap()[0].metadata.name, "worker-1");
    let pod = "apiVersion: v1
kind: Pod
metadata: {name: p1, namespace: default}
spec:
  hostname: p1
  hostPID: true
status:
  podIP: 10.0.0.1
  hostIP: 192.168.0.1
  conditions:
  - {type: Ready, status: \"True\", lastProbeTime: null}
";
    assert_eq!(load_pods(pod).unwrap().len(), 1);
}

/// Regression: `defaultMode: 0640` (filebeat's manifest) read as the float 640.0, which
/// validation refused; Kubernetes' YAML reader (YAML 1.1) reads it as the octal 416.
#[test]
fn leading_zero_integers_are_yaml_1_1_octals() {
    let text = daemonset_with_pod_spec(
        "      volumes:\n      - name: config\n        configMap: {name: c, defaultMode: 0640}\n",
    );
    let ds = load_daemonset(&text).unwrap();
    assert_eq!(
        ds.spec.template.spec.other["volumes"][0]["configMap"]["defaultMode"],
        416
    );
}

/// Keys of free-form maps (labels, nodeSelector) are data, never fields; any other key
/// Kubernetes' schema lacks is refused under strict validation, even one far from every field
/// (it was ignored before the loader checked the whole schema), and dropped under warn.
#[test]
fn keys_in_free_form_maps_are_data_and_other_unknown_keys_are_refused() {
    let free_form = daemonset_with_pod_spec("      nodeSelector: {Labels: x, nodeName: y}\n")
        .replace(
            "labels: {app: fluentd}",
            "labels: {app: fluentd, Labels: x}",
        );
    let ds = load_daemonset(&free_form).unwrap();
    assert_eq!(ds.spec.template.spec.node_selector["Labels"], "x");
    assert_eq!(ds.spec.template.spec.node_selector["nodeName"], "y");

    let text = daemonset_with_pod_spec(
        "      initContainers:
      - name: c
        image: i
        imagePullPolicyy: Always
        tolerration: yes
      somethingNew: true
",
    );
    let err = load_daemonset(&text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "document 0: unknown field `imagePullPolicyy` at spec.template.spec.initContainers[0], \
         did you mean `imagePullPolicy`?"
    );
    let warn = daemonset_planner::load::LoadOptions::new()
        .with_unknown_fields(daemonset_planner::load::FieldValidation::Warn);
    let loaded = daemonset_planner::load::load_slice::<DaemonSet>(text.as_bytes(), &warn).unwrap();
    let dropped: Vec<String> = loaded
        .warnings
        .iter()
        .map(|w| w.unknown.full_path())
        .collect();
    assert_eq!(
        dropped,
        [
            "spec.template.spec.initContainers[0].imagePullPolicyy",
            "spec.template.spec.initContainers[0].tolerration",
            "spec.template.spec.somethingNew",
        ]
    );
    assert!(
        !loaded.objects[0]
            .spec
            .template
            .spec
            .other
            .contains_key("somethingNew")
    );
}

// ---------------------------------------------------------------------------------------------
// Values of the wrong type

#[test]
fn an_invalid_timestamp_names_the_object_and_the_field() {
    let text =
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: worker-1\n  creationTimestamp: yesterday\n";
    let err = load_nodes(text).unwrap_err();
    let LoadError::Field {
        document,
        object,
        path,
        message,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(
        (*document, object.as_str(), path.as_str()),
        (0, "node worker-1", "metadata.creationTimestamp")
    );
    assert!(message.contains("yesterday"), "{message}");
    assert!(
        err.to_string()
            .starts_with("document 0: node worker-1: metadata.creationTimestamp: "),
        "{err}"
    );
    // Once the metadata is read, errors name the object.
    let text = "apiVersion: v1\nkind: Node\nmetadata: {name: worker-1}\nspec: {unschedulable: 3}\n";
    assert!(
        load_nodes(text)
            .unwrap_err()
            .to_string()
            .starts_with("document 0: node worker-1: spec.unschedulable: ")
    );
}

#[test]
fn a_fractional_max_unavailable_names_its_path() {
    let text = FLUENTD.replace("maxUnavailable: 1", "maxUnavailable: 10.5");
    let err = load_daemonset(&text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "document 0: daemonset kube-system/fluentd-elasticsearch: \
         spec.updateStrategy.rollingUpdate.maxUnavailable: 10.5 is not a whole number: write an \
         integer or a percentage such as \"10%\""
    );
}

#[test]
fn errors_inside_the_pod_spec_name_the_full_path() {
    let text =
        daemonset_with_pod_spec("      tolerations:\n      - {key: a, tolerationSeconds: soon}\n");
    let err = load_daemonset(&text).unwrap_err();
    let LoadError::Field { path, object, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(object, "daemonset kube-system/fluentd");
    assert_eq!(path, "spec.template.spec.tolerations[0].tolerationSeconds");

    let text = FLANNEL.replace("- linux", "- {linux: true}");
    let err = load_daemonset(&text).unwrap_err();
    let LoadError::Field { path, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(
        path,
        "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution\
         .nodeSelectorTerms[0].matchExpressions[0].values[0]"
    );

    let pods = "apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: p1, namespace: default}\n  spec: {hostNetwork: maybe}\n";
    let err = load_pods(pods).unwrap_err();
    assert_eq!(
        err.to_string(),
        "document 0: pod default/p1: items[0].spec.hostNetwork: invalid boolean (strict mode \
         expects true/false)"
    );
}

#[test]
fn modelled_fields_set_to_null_count_as_absent() {
    let text = daemonset_with_pod_spec(
        "      tolerations: null\n      nodeSelector: null\n      nodeName: null\n      affinity: {nodeAffinity: null}\n",
    )
    .replace("  namespace: kube-system\n", "  namespace: kube-system\n  labels: null\n");
    let ds = load_daemonset(&text).unwrap();
    assert!(ds.spec.template.spec.tolerations.is_empty());
    assert!(ds.metadata.labels.is_empty());
}

// ---------------------------------------------------------------------------------------------
// YAML

#[test]
fn a_syntax_error_carries_line_and_column() {
    let text = format!(
        "{}---\napiVersion: v1\nkind: Node\nmetadata:\n  name: \"b\n",
        node("a")
    );
    let err = load_nodes(&text).unwrap_err();
    let LoadError::Syntax {
        document,
        line,
        column,
        message,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(*document, 1);
    assert_eq!((*line, *column), (Some(9), Some(9)), "{message}");
    assert!(message.contains("unclosed quote"), "{message}");
    assert!(err.to_string().starts_with("document 1: "), "{err}");

    let err = load_nodes("apiVersion: v1\nkind: Node\n\tmetadata: {}\n").unwrap_err();
    assert!(
        matches!(
            err,
            LoadError::Syntax {
                document: 0,
                line: Some(2 | 3),
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn duplicate_keys_are_an_error() {
    let err =
        load_nodes("apiVersion: v1\nkind: Node\nmetadata:\n  name: a\n  name: b\n").unwrap_err();
    assert!(
        matches!(&err, LoadError::Field { path, message, .. } if path == "metadata" && message == "duplicate key `name`"),
        "{err:?}"
    );
}

#[test]
fn merge_keys_are_applied() {
    let text = "apiVersion: v1
kind: List
items:
- &base
  apiVersion: v1
  kind: Node
  metadata: {name: a}
  spec: {unschedulable: true}
- <<: *base
  metadata: {name: b}
";
    let nodes = load_nodes(text).unwrap();
    assert_eq!(nodes[1].metadata.name, "b");
    assert!(nodes[1].spec.unschedulable);
}

/// Time limit for inputs that must fail fast (generous: debug builds on a loaded machine).
const QUICKLY: Duration = Duration::from_secs(10);

#[test]
fn a_billion_laughs_is_refused_quickly() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        let row = [previous.as_str(); 9].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{row}]\n"));
    }
    let start = Instant::now();
    let err = load_nodes(&text).unwrap_err();
    assert_eq!(
        err,
        LoadError::Limit {
            document: 0,
            item: None,
            limit: LimitExceeded::AliasNodes(100_000)
        }
    );
    assert_eq!(
        err.to_string(),
        "document 0: YAML aliases repeat more than 100000 nodes of anchored values \
         (Limits::max_alias_nodes)"
    );
    assert!(start.elapsed() < QUICKLY);
}

#[test]
fn a_quadratic_alias_expansion_is_refused_quickly() {
    // 2,000 scalars anchored once and referenced 2,000 times: 4 million nodes from 20 KB.
    let scalars = vec!["x"; 2000].join(",");
    let aliases = vec!["*a"; 2000].join(",");
    let text = format!("a: &a [{scalars}]\nb: [{aliases}]\n");
    let start = Instant::now();
    let err = load_pods(&text).unwrap_err();
    assert!(
        matches!(
            &err,
            LoadError::Limit {
                limit: LimitExceeded::AliasNodes(_),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(start.elapsed() < QUICKLY);
}

#[test]
fn deep_nesting_is_refused_quickly() {
    for text in [
        format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
        format!("{}x", "- ".repeat(10_000)),
        "{a: ".repeat(10_000),
    ] {
        let start = Instant::now();
        let err = load_daemonset(&text).unwrap_err();
        // A sequence is no object: refused before it is read. Nested mappings go over
        // Limits::max_depth, or the parser's flow nesting limit first.
        assert!(
            matches!(
                err,
                LoadError::NotAnObject { .. }
                    | LoadError::Syntax { .. }
                    | LoadError::Limit {
                        limit: LimitExceeded::Depth(64),
                        ..
                    }
            ),
            "{err:?}"
        );
        assert!(start.elapsed() < QUICKLY);
    }
}

#[test]
fn readers_report_io_and_encoding_errors() {
    struct Broken;
    impl std::io::Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk on fire"))
        }
    }
    let err = load_nodes_from_reader(Broken).unwrap_err();
    assert_eq!(err.to_string(), "cannot read the input");
    // The cause is kept as the source, not repeated in the message.
    let source = std::error::Error::source(&err).unwrap();
    assert_eq!(source.to_string(), "disk on fire");
    assert_eq!(
        load_pods_from_reader(&b"kind: Pod\n\xff"[..]).unwrap_err(),
        LoadError::NotUtf8 { valid_up_to: 10 }
    );
}

#[test]
fn errors_are_send_sync_and_cloneable() {
    fn check<T: Send + Sync + Clone + std::error::Error + 'static>() {}
    check::<LoadError>();
}

// ---------------------------------------------------------------------------------------------
// No panics

/// Real field names, kinds and versions, so that generated documents reach deep code paths.
const WORDS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "spec",
    "status",
    "items",
    "name",
    "namespace",
    "labels",
    "Labels",
    "annotations",
    "creationTimestamp",
    "ownerReferences",
    "template",
    "selector",
    "matchLabels",
    "matchExpressions",
    "updateStrategy",
    "rollingUpdate",
    "maxUnavailable",
    "maxSurge",
    "nodeName",
    "nodeSelector",
    "nodeselector",
    "affinity",
    "nodeAffinity",
    "requiredDuringSchedulingIgnoredDuringExecution",
    "nodeSelectorTerms",
    "tolerations",
    "tolerration",
    "taints",
    "key",
    "value",
    "values",
    "operator",
    "effect",
    "conditions",
    "type",
    "phase",
    "hostNetwork",
    "containers",
    "<<",
    "Node",
    "Pod",
    "DaemonSet",
    "List",
    "NodeList",
    "PodList",
    "DaemonSetList",
    "v1",
    "apps/v1",
    "extensions/v1beta1",
];

fn yaml_value() -> impl Strategy<Value = serde_yaml::Value> {
    use serde_yaml::Value;
    let word = proptest::sample::select(WORDS).prop_map(|w| Value::from(w.to_owned()));
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[a-zA-Z0-9%:. -]{0,12}".prop_map(Value::from),
        "(19|20|99)[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:00:00(Z|\\+02:00)"
            .prop_map(Value::from),
        word.clone(),
    ];
    leaf.prop_recursive(6, 64, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Sequence),
            proptest::collection::vec((word.clone(), inner), 0..6)
                .prop_map(|entries| Value::Mapping(entries.into_iter().collect())),
        ]
    })
}

/// An object whose kind and apiVersion are drawn from the ones the loader knows.
fn yaml_object() -> impl Strategy<Value = serde_yaml::Value> {
    let kind = proptest::sample::select(&WORDS[WORDS.len() - 10..]);
    let api_version = proptest::sample::select(&["v1", "apps/v1", "apps/v1beta2", ""][..]);
    (kind, api_version, yaml_value(), yaml_value()).prop_map(
        |(kind, api_version, metadata, spec)| {
            let mut mapping = serde_yaml::Mapping::new();
            mapping.insert("apiVersion".into(), api_version.into());
            mapping.insert("kind".into(), kind.into());
            mapping.insert("metadata".into(), metadata);
            mapping.insert("spec".into(), spec.clone());
            mapping.insert("items".into(), serde_yaml::Value::Sequence(vec![spec]));
            serde_yaml::Value::Mapping(mapping)
        },
    )
}

/// Fragments of YAML syntax glued together: anchors, aliases, merges, flow and block nodes.
fn yaml_soup() -> impl Strategy<Value = String> {
    let token = proptest::sample::select(
        &[
            "- ",
            ": ",
            "\n",
            "  ",
            "&a ",
            "*a",
            "&b ",
            "*b",
            "<<: ",
            "{",
            "}",
            "[",
            "]",
            ", ",
            "---\n",
            "...\n",
            "'",
            "\"",
            "|\n",
            ">-\n",
            "!tag ",
            "!!str ",
            "? ",
            "#",
            "kind: ",
            "Node",
            "apiVersion: v1\n",
            "items:\n",
            "metadata: ",
            "name: x",
            "\t",
            "~",
            "1.5",
        ][..],
    );
    proptest::collection::vec(token, 0..40).prop_map(|tokens| tokens.concat())
}

fn load_everything(text: &str) {
    let _ = load_daemonset(text);
    let _ = load_nodes(text);
    let _ = load_pods(text);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(text in ".*") {
        load_everything(&text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = load_daemonset_from_reader(&bytes[..]);
        let _ = load_nodes_from_reader(&bytes[..]);
        load_everything(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn yaml_soup_never_panics(text in yaml_soup()) {
        load_everything(&text);
    }

    #[test]
    fn yaml_shaped_documents_never_panic(
        documents in proptest::collection::vec(prop_oneof![yaml_value(), yaml_object()], 1..4)
    ) {
        let text = documents
            .iter()
            .map(|document| serde_yaml::to_string(document).unwrap())
            .collect::<Vec<_>>()
            .join("---\n");
        load_everything(&text);
    }

    #[test]
    fn a_loaded_daemonset_survives_a_round_trip(
        name in "[a-z][a-z0-9-]{0,10}",
        max_unavailable in prop_oneof![
            (0..100i32).prop_map(IntOrString::Int),
            (0..100i32).prop_map(|p| IntOrString::String(format!("{p}%"))),
        ],
        host_network in any::<bool>(),
    ) {
        let mut ds: DaemonSet = load_daemonset(FLANNEL).unwrap();
        ds.metadata.name = name;
        ds.spec.template.spec.host_network = host_network;
        ds.spec.update_strategy.rolling_update.as_mut().unwrap().max_unavailable = Some(max_unavailable);
        let again = load_daemonset(&serde_yaml::to_string(&ds).unwrap()).unwrap();
        prop_assert_eq!(again, ds);
    }
}

// ---------------------------------------------------------------------------------------------
// ControllerRevisions

#[test]
fn revisions_load_as_kubectl_get_controllerrevisions_prints_them() {
    let revisions = load_revisions(REVISIONS).unwrap();
    assert_eq!(revisions.len(), 2);
    let first = &revisions[0];
    assert_eq!(first.metadata.name, "fluentd-elasticsearch-7b9c6d5f8");
    assert_eq!(first.metadata.namespace, "kube-system");
    assert_eq!(first.revision, 1);
    assert_eq!(first.hash(), Some("7b9c6d5f8"));
    assert_eq!(
        first.metadata.controller_ref().unwrap().uid,
        "3c0e6f5a-8b1d-4d2e-9a57-2f4c1b7e9d10"
    );
    // data is kept verbatim, the patch directive included ...
    assert_eq!(first.data["spec"]["template"]["$patch"], "replace");
    assert!(first.data["spec"]["template"]["metadata"]["creationTimestamp"].is_null());
    // ... and reads back as the template it stores.
    let template = first.pod_template().unwrap();
    assert_eq!(
        template.spec.other["containers"][0]["image"],
        "quay.io/fluentd_elasticsearch/fluentd:v4.7.2"
    );
    assert_eq!(template.spec.restart_policy, "Always");
    assert_eq!(
        load_revisions_from_reader(REVISIONS.as_bytes()).unwrap(),
        revisions
    );
}

#[test]
fn a_typed_revision_list_fills_in_kind_and_api_version() {
    let revisions = load_revisions(
        "apiVersion: apps/v1
kind: ControllerRevisionList
items:
- metadata: {name: agent-5d4b8c9f6, namespace: ops}
  revision: 3
  data: {spec: {template: {metadata: {labels: {app: agent}}}}}
",
    )
    .unwrap();
    assert_eq!(
        (
            revisions[0].api_version.as_str(),
            revisions[0].kind.as_str()
        ),
        ("apps/v1", "ControllerRevision")
    );
    assert_eq!(revisions[0].revision, 3);
}

#[test]
fn revisions_of_the_removed_beta_apis_are_refused() {
    for version in ["apps/v1beta1", "apps/v1beta2"] {
        let text =
            format!("apiVersion: {version}\nkind: ControllerRevision\nmetadata: {{name: r}}\n");
        assert_eq!(
            load_revisions(&text).unwrap_err().to_string(),
            format!(
                "document 0: ControllerRevision apiVersion {version} was removed in Kubernetes \
                 1.16: use apps/v1"
            )
        );
    }
}

#[test]
fn a_misspelt_revision_field_is_reported_but_nothing_inside_data_is() {
    let typo = "apiVersion: apps/v1\nkind: ControllerRevision\nmetadata: {name: r}\nrevison: 2\n";
    assert_eq!(
        load_revisions(typo).unwrap_err().to_string(),
        "document 0: unknown field `revison` at the top level, did you mean `revision`?"
    );
    let free = "apiVersion: apps/v1\nkind: ControllerRevision\nmetadata: {name: r}\n\
                data: {spec: {templte: {}}}\n";
    assert_eq!(
        load_revisions(free).unwrap()[0].data["spec"]["templte"],
        serde_json::json!({})
    );
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n";
    assert_eq!(load_revisions(pod).unwrap(), []);
}

// ---------------------------------------------------------------------------------------------
// The load module: options, warnings, JSON, mixed kinds

mod load_module {
    use daemonset_planner::load::{
        FieldValidation, LimitExceeded, Limits, LoadOptions, load, load_cluster, load_slice,
    };
    use daemonset_planner::{DaemonSet, LoadError, Node, Pod};

    const FLUENTD: &str = include_str!("../data/fluentd-elasticsearch.yaml");

    #[test]
    fn unknown_fields_follow_the_field_validation() {
        let text = FLUENTD.replace("  labels:\n", "  Labels:\n");
        assert_ne!(text, FLUENTD);
        let strict = load_slice::<DaemonSet>(text.as_bytes(), &LoadOptions::default());
        assert!(
            matches!(&strict, Err(LoadError::UnknownField { field, suggestion: Some(s), .. })
                if field == "Labels" && s == "labels"),
            "{strict:?}"
        );

        let warn = LoadOptions::new().with_unknown_fields(FieldValidation::Warn);
        let loaded = load_slice::<DaemonSet>(text.as_bytes(), &warn).unwrap();
        assert_eq!(loaded.objects.len(), 1);
        // Both `labels` were renamed: the DaemonSet's and its template's.
        assert_eq!(loaded.warnings.len(), 2);
        assert_eq!(
            loaded.warnings[1].unknown.full_path(),
            "spec.template.metadata.Labels"
        );
        let warning = &loaded.warnings[0];
        assert_eq!(
            (
                warning.document,
                warning.item,
                warning.unknown.path.as_str(),
                warning.unknown.field.as_str()
            ),
            (0, None, "metadata", "Labels")
        );
        assert_eq!(
            warning.to_string(),
            "document 0: unknown field `Labels` at metadata (did you mean `labels`?) dropped"
        );
        assert!(loaded.objects[0].metadata.labels.is_empty());

        let ignore = LoadOptions::new().with_unknown_fields(FieldValidation::Ignore);
        let loaded = load_slice::<DaemonSet>(text.as_bytes(), &ignore).unwrap();
        assert_eq!((loaded.objects.len(), loaded.warnings.len()), (1, 0));
    }

    #[test]
    fn unknown_field_errors_carry_the_schemas_hint() {
        let text = FLUENTD.replace("updateStrategy:", "strategy:");
        assert_ne!(text, FLUENTD);
        let err = load_slice::<DaemonSet>(text.as_bytes(), &LoadOptions::default()).unwrap_err();
        let LoadError::UnknownField {
            path,
            field,
            suggestion,
            hint,
            ..
        } = &err
        else {
            panic!("{err:?}");
        };
        assert_eq!(
            (path.as_str(), field.as_str(), suggestion.as_deref()),
            ("spec", "strategy", Some("updateStrategy"))
        );
        assert!(
            hint.as_deref().unwrap().contains("Deployment's field"),
            "{hint:?}"
        );
        assert!(
            err.to_string().starts_with(
                "document 0: unknown field `strategy` at spec, did you mean `updateStrategy`? \
                 (hint: `strategy` is a Deployment's field"
            ),
            "{err}"
        );
    }

    #[test]
    fn load_warnings_become_the_same_lints_as_the_schemas_findings() {
        let text = FLUENTD.replace("updateStrategy:", "strategy:");
        let warn = LoadOptions::new().with_unknown_fields(FieldValidation::Warn);
        let loaded = load_slice::<DaemonSet>(text.as_bytes(), &warn).unwrap();
        let unknown: Vec<_> = loaded.warnings.iter().map(|w| w.unknown.clone()).collect();
        let value: serde_json::Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(unknown, daemonset_planner::schema::unknown_fields(&value));
        let lints = daemonset_planner::lints::lint_unknown_fields(&unknown);
        assert_eq!(lints.len(), 1);
        assert_eq!(lints[0].code, "unknown-field");
        assert!(
            lints[0]
                .hint
                .starts_with("did you mean spec.updateStrategy?")
        );
    }

    /// A field of an OpenKruise template the schema lacks: Kruise's CRD keeps the template as
    /// written, so the API server stores it (no error, even under strict validation), and the
    /// controller drops it from the pods it creates (so the loader drops it in every mode).
    #[test]
    fn unknown_fields_of_an_openkruise_template_are_dropped_with_a_warning() {
        let text = FLUENTD
            .replace("apiVersion: apps/v1", "apiVersion: apps.kruise.io/v1alpha1")
            .replace(
                "      tolerations:",
                "      priorityClassNmae: high\n      tolerations:",
            );
        assert_ne!(text, FLUENTD);
        for (mode, warnings) in [
            (FieldValidation::Strict, 1),
            (FieldValidation::Warn, 1),
            (FieldValidation::Ignore, 0),
        ] {
            let options = LoadOptions::new().with_unknown_fields(mode);
            let loaded = load_slice::<DaemonSet>(text.as_bytes(), &options).unwrap();
            assert!(
                !loaded.objects[0]
                    .spec
                    .template
                    .spec
                    .other
                    .contains_key("priorityClassNmae"),
                "{mode}"
            );
            assert_eq!(loaded.warnings.len(), warnings, "{mode}");
            if let Some(warning) = loaded.warnings.first() {
                assert!(warning.unknown.schemaless);
                assert_eq!(
                    warning.unknown.full_path(),
                    "spec.template.spec.priorityClassNmae"
                );
            }
        }
        // A mistake outside the template is still refused.
        let text = text.replace("updateStrategy:", "strategy:");
        let err = load_slice::<DaemonSet>(text.as_bytes(), &LoadOptions::default()).unwrap_err();
        assert!(
            matches!(&err, LoadError::UnknownField { field, .. } if field == "strategy"),
            "{err:?}"
        );
    }

    #[test]
    fn json_loads_as_yaml_does() {
        let yaml = load_slice::<DaemonSet>(FLUENTD.as_bytes(), &LoadOptions::default())
            .unwrap()
            .objects;
        let json = serde_json::to_string_pretty(&yaml[0]).unwrap();
        let from_json = load::<DaemonSet>(json.as_bytes(), &LoadOptions::default())
            .unwrap()
            .objects;
        assert_eq!(from_json, yaml);
        // Several JSON documents one after the other.
        let node = r#"{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"}}"#;
        let two = format!("{node}\n{node}");
        assert_eq!(
            load::<Node>(two.as_bytes(), &LoadOptions::default())
                .unwrap()
                .objects
                .len(),
            2
        );
    }

    #[test]
    fn kubectl_order_items_before_kind_and_typed_items_without_kind() {
        // kubectl prints keys in order: `items` comes before `kind`.
        let list = r#"{"apiVersion": "v1", "items": [
            {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "a"}},
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "d"},
             "spec": {"nodeName": "a", "containers": [{"name": "c", "image": "i"}]}}
        ], "kind": "List", "metadata": {"resourceVersion": ""}}"#;
        let cluster = load_cluster(list.as_bytes(), &LoadOptions::default())
            .unwrap()
            .objects;
        assert_eq!(cluster.nodes[0].metadata.name, "a");
        assert_eq!(cluster.pods[0].spec.node_name, "a");
        // Pods read from a cluster keep what planning reads, not their containers.
        assert!(cluster.pods[0].spec.other.is_empty());
        // A typed list whose items leave out their kind, with the list's kind last.
        let typed =
            r#"{"apiVersion": "v1", "items": [{"metadata": {"name": "b"}}], "kind": "NodeList"}"#;
        let nodes = load::<Node>(typed.as_bytes(), &LoadOptions::default())
            .unwrap()
            .objects;
        assert_eq!(
            (nodes[0].metadata.name.as_str(), nodes[0].kind.as_str()),
            ("b", "Node")
        );
        // Items read before `kind` said the document is no list are taken back.
        let odd = r#"{"items": [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "c"}}], "kind": "ConfigMap", "apiVersion": "v1"}"#;
        assert_eq!(
            load::<Node>(odd.as_bytes(), &LoadOptions::default())
                .unwrap()
                .objects,
            []
        );
        // `kind` may come last in an object too.
        let late = r#"{"metadata": {"name": "q", "namespace": "d"}, "spec": {"nodeName": "a"}, "apiVersion": "v1", "kind": "Pod"}"#;
        let pods = load::<Pod>(late.as_bytes(), &LoadOptions::default())
            .unwrap()
            .objects;
        assert_eq!(pods[0].spec.node_name, "a");
    }

    #[test]
    fn json_errors_name_the_item_and_the_field() {
        let list = r#"{"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "a"}},
            {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "b"}, "spec": {"unschedulable": "yes"}}
        ]}"#;
        let err = load::<Node>(list.as_bytes(), &LoadOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "document 0: node b: items[1].spec.unschedulable: expected a boolean, found string \"yes\""
        );
        let valid = list.replace("\"yes\"", "true");
        let truncated = &valid[..valid.len() - 10];
        assert!(matches!(
            load::<Node>(truncated.as_bytes(), &LoadOptions::default()),
            Err(LoadError::Syntax { line: Some(_), .. })
        ));
    }

    #[test]
    fn limits_are_settable() {
        let options = LoadOptions::new().with_limits(Limits::default().with_max_depth(3));
        let text = "apiVersion: v1\nkind: Node\nmetadata:\n  labels: {a: b}\n";
        assert!(load_slice::<Node>(text.as_bytes(), &LoadOptions::default()).is_ok());
        let deep = "apiVersion: v1\nkind: Node\nmetadata:\n  x: {a: {b: {c: {d: e}}}}\n";
        assert!(
            matches!(
                load_slice::<Node>(deep.as_bytes(), &options),
                Err(LoadError::Limit {
                    limit: LimitExceeded::Depth(3),
                    ..
                })
            ),
            "{:?}",
            load_slice::<Node>(deep.as_bytes(), &options)
        );
        let options = LoadOptions::new().with_limits(Limits::default().with_max_documents(2));
        let three = "kind: A\n---\nkind: B\n---\nkind: C\n";
        assert!(matches!(
            load_slice::<Node>(three.as_bytes(), &options),
            Err(LoadError::Limit {
                limit: LimitExceeded::Documents(2),
                ..
            })
        ));
    }
}

/// Regression: serde-saphyr refuses `null` where a mapping is asked for (`spec:` with
/// nothing after it, as in real node lists); the loader reads it as absent.
#[test]
fn an_empty_spec_or_status_reads_as_absent() {
    let nodes = load_nodes(
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata:\n    name: n3\n  spec:\n  status:\n",
    )
    .unwrap();
    assert_eq!(nodes[0].metadata.name, "n3");
    let pods = load_pods(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\nspec:\n  nodeName:\n  tolerations:\nstatus:\n",
    )
    .unwrap();
    assert!(pods[0].spec.node_name.is_empty() && pods[0].metadata.labels.is_empty());
    let json = r#"{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n", "labels": null}, "spec": null}"#;
    assert_eq!(load_nodes(json).unwrap()[0].metadata.name, "n");
}
