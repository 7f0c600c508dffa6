//! Lints that earn their place: the real manifests of the real-world corpus
//! (`crate::common::realworld`, skipped when absent) draw no warning or error,
//! `tolerates-every-taint` names what it opens, and the fields a loader dropped become lints.
#![cfg(feature = "yaml")]

use std::path::Path;

use daemonset_planner::lints::{Lint, Severity, lint_unknown_fields};
use daemonset_planner::schema::unknown_fields;
use daemonset_planner::{DaemonSet, Node, apply_defaults, lint, load_daemonset, load_nodes};
use serde_json::{Value, json};

use crate::common::realworld::{self, documents};

/// The manifests the API server refuses (`realworld-baseline.txt`): removed API versions, a
/// selector missing or not matching the template, an upper-case name, unknown fields.
const REFUSED: &[&str] = &[
    "cloudnativelabs_kube-router__daemonset_kubeadm-kuberouter@8f0bcfb2",
    "elastic_beats__deploy_kubernetes_filebeat_filebeat-daemonset",
    "flannel-io_flannel__Documentation_kube-flannel@ac54a74d__kube-flannel-ds-amd64",
    "fluent_fluentd-kubernetes-daemonset__fluentd-daemonset-gcs",
    "openshift_microshift__deps_github.com_openshift_kubernetes_cluster_addons_node-problem-detector_npd",
    "projectcalico_calico__pod2daemon_nodeagent_nodeagent",
    "rezaabedi1365_Devops__Kuberneties_Workloads_DaemonSet_Readme.md",
    "weaveworks_weave__prog_weave-kube_weave-daemonset-k8s-1.8",
    "zhuwbigdata_k8s-utils__scheduling_daemonset_README.md",
];

/// The accepted manifests' DaemonSets, defaulted, by file name.
fn accepted(root: &Path) -> Vec<(String, DaemonSet)> {
    let mut out = Vec::new();
    for (name, docs) in realworld::daemon_set_documents(root) {
        if REFUSED.contains(&name.as_str()) {
            continue;
        }
        for doc in docs {
            // Through the loader, which reads nulls and type quirks as the API server does.
            let mut ds = load_daemonset(&serde_json::to_string(&doc).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            apply_defaults(&mut ds);
            out.push((name.clone(), ds));
        }
    }
    out
}

fn serious(lints: &[Lint]) -> Vec<String> {
    lints
        .iter()
        .filter(|l| l.severity <= Severity::Warning)
        .map(ToString::to_string)
        .collect()
}

#[test]
fn accepted_real_manifests_draw_no_warning_or_error() {
    let Some(dir) = realworld::root() else { return };
    let daemon_sets = accepted(&dir);
    assert!(daemon_sets.len() >= 62, "{} DaemonSets", daemon_sets.len());
    let mut info = 0;
    for (name, ds) in &daemon_sets {
        let lints = lint(ds, &[]);
        assert_eq!(serious(&lints), Vec::<String>::new(), "{name}");
        info += lints.len();
    }
    println!(
        "{} DaemonSets, {info} findings of severity info",
        daemon_sets.len()
    );
}

/// Against real and synthetic node lists only the lints about those nodes may warn: the
/// daemon runs on none of them, or its nodeSelector names a label none carries. Both are real
/// facts about that cluster (a GPU plugin on a cluster without GPUs), never about the manifest.
#[test]
fn against_node_lists_only_node_findings_warn() {
    let Some(dir) = realworld::root() else { return };
    let daemon_sets = accepted(&dir);
    let mut node_sets: Vec<(String, Vec<Node>)> = std::fs::read_dir(dir.join("nodes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|path| {
            let nodes = load_nodes(&std::fs::read_to_string(&path).unwrap()).unwrap();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                nodes,
            )
        })
        .collect();
    node_sets.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, ds) in &daemon_sets {
        for (set, nodes) in &node_sets {
            for found in lint(ds, nodes) {
                if found.severity <= Severity::Warning {
                    assert!(
                        ["matches-no-node", "node-selector-label-unknown"].contains(&found.code),
                        "{name} on {set}: {found}"
                    );
                }
            }
        }
    }
}

fn daemon_set(spec: Value) -> DaemonSet {
    let mut ds: DaemonSet = serde_json::from_value(json!({
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "agent", "namespace": "default"},
        "spec": spec,
    }))
    .unwrap();
    apply_defaults(&mut ds);
    ds
}

fn node(name: &str, taints: Value) -> Node {
    serde_json::from_value(json!({"metadata": {"name": name}, "spec": {"taints": taints}})).unwrap()
}

#[test]
fn tolerates_every_taint_names_what_it_opens_and_not_what_the_controller_already_tolerates() {
    let ds = daemon_set(json!({
        "selector": {"matchLabels": {"app": "agent"}},
        "template": {
            "metadata": {"labels": {"app": "agent"}},
            "spec": {"tolerations": [{"operator": "Exists"}], "containers": [{"name": "a", "image": "a"}]},
        },
    }));
    let nodes = [
        node(
            "cp",
            json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]),
        ),
        node(
            "gpu",
            json!([{"key": "dedicated", "value": "gpu", "effect": "NoExecute"}]),
        ),
        node(
            "cordoned",
            json!([{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]),
        ),
        node(
            "soft",
            json!([{"key": "spot", "effect": "PreferNoSchedule"}]),
        ),
    ];
    let lints = lint(&ds, &nodes);
    assert_eq!(lints.len(), 1, "{lints:?}");
    let found = &lints[0];
    assert_eq!(found.code, "tolerates-every-taint");
    assert_eq!(found.severity, Severity::Info);
    for part in [
        "node-role.kubernetes.io/control-plane:NoSchedule (control-plane nodes)",
        "node.kubernetes.io/out-of-service:NoExecute",
        "node.kubernetes.io/network-unavailable:NoSchedule",
        "on these nodes it opens node-role.kubernetes.io/control-plane:NoSchedule on cp, \
         dedicated=gpu:NoExecute on gpu",
    ] {
        assert!(found.message.contains(part), "{part}: {}", found.message);
    }
    // The controller tolerates a cordoned node's taint for every daemon pod anyway.
    assert!(
        !found.message.contains("unschedulable:"),
        "{}",
        found.message
    );
    assert!(!found.message.contains("on cordoned"), "{}", found.message);
    assert!(!found.message.contains("spot"), "{}", found.message);
}

#[test]
fn a_no_execute_wildcard_names_only_no_execute_taints() {
    let ds = daemon_set(json!({
        "template": {"spec": {"tolerations": [{"operator": "Exists", "effect": "NoExecute"}]}},
    }));
    let nodes = [
        node(
            "cp",
            json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]),
        ),
        node(
            "gpu",
            json!([{"key": "dedicated", "value": "gpu", "effect": "NoExecute"}]),
        ),
    ];
    let found: Vec<Lint> = lint(&ds, &nodes)
        .into_iter()
        .filter(|l| l.code == "tolerates-every-taint")
        .collect();
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .message
            .contains("on these nodes it opens dedicated=gpu:NoExecute on gpu")
    );
    assert!(
        !found[0].message.contains("control-plane"),
        "{}",
        found[0].message
    );
}

fn manifest(text: &str) -> Value {
    documents(text).remove(0)
}

#[test]
fn a_top_level_template_is_an_error_that_says_why_the_selector_matches_nothing() {
    let fields = unknown_fields(&manifest(
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: a}\nspec:\n  selector: \
         {matchLabels: {app: a}}\ntemplate:\n  metadata: {labels: {app: a}}\n",
    ));
    let lints = lint_unknown_fields(&fields);
    assert_eq!(lints.len(), 1);
    assert_eq!(lints[0].severity, Severity::Error);
    assert_eq!(lints[0].code, "misplaced-field");
    assert_eq!(
        lints[0].message,
        "template is not a field there, spec.template is: it was dropped: the DaemonSet has no \
         spec.template, so spec.selector matches no pod template labels and the DaemonSet \
         cannot run"
    );
    assert!(
        lints[0].hint.starts_with("did you mean spec.template?"),
        "{}",
        lints[0].hint
    );
}

#[test]
fn dropped_fields_become_lints_with_their_did_you_mean() {
    let cases: &[(&str, Severity, &str, &str)] = &[
        (
            "spec: {template: {spec: {containers: [{name: a, image: a, imagePullPolcy: Always}]}}}",
            Severity::Warning,
            "unknown-field",
            "did you mean spec.template.spec.containers[0].imagePullPolicy?",
        ),
        (
            "spec: {updateStrategy: {maxUnavailable: 2}}",
            Severity::Warning,
            "misplaced-field",
            "did you mean spec.updateStrategy.rollingUpdate.maxUnavailable?",
        ),
        (
            "spec: {replicas: 3}",
            Severity::Warning,
            "unknown-field",
            "a DaemonSet has no replicas",
        ),
        (
            "spec: {frobnicate: 3}",
            Severity::Warning,
            "unknown-field",
            "remove the field",
        ),
    ];
    for (spec, severity, code, hint) in cases {
        let text = format!("apiVersion: apps/v1\nkind: DaemonSet\n{spec}\n");
        let lints = lint_unknown_fields(&unknown_fields(&manifest(&text)));
        assert_eq!(lints.len(), 1, "{spec}");
        assert_eq!(
            (lints[0].severity, lints[0].code),
            (*severity, *code),
            "{spec}"
        );
        assert!(lints[0].hint.starts_with(hint), "{spec}: {}", lints[0].hint);
    }
    // The valid twin draws nothing.
    let right = "apiVersion: apps/v1\nkind: DaemonSet\nspec: {updateStrategy: {rollingUpdate: \
                 {maxUnavailable: 2}}}\n";
    assert_eq!(lint_unknown_fields(&unknown_fields(&manifest(right))), []);
}

#[test]
fn a_typo_in_a_kruise_template_says_the_controller_drops_it() {
    let text = "apiVersion: apps.kruise.io/v1beta1\nkind: DaemonSet\nspec: {template: {spec: \
                {containers: [{name: a, image: a, imagePullPolcy: Always}]}}}\n";
    let lints = lint_unknown_fields(&unknown_fields(&manifest(text)));
    assert_eq!(lints.len(), 1);
    assert_eq!(lints[0].code, "unknown-field");
    assert!(
        lints[0].message.contains("the controller drops it"),
        "{}",
        lints[0].message
    );
}
