//! The command line and JSON output of `kubectl-dsplan` (formerly the `plan` example): a
//! contract other tools rely on. Runs the built binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kubectl-dsplan"))
        .args(args)
        .output()
        .expect("run kubectl-dsplan")
}

fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dsp-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/data")
        .join(name)
        .display()
        .to_string()
}

/// The bundled data file `file` with its first `from` replaced by `to`, written to the
/// temporary file `name`.
fn edited_data(file: &str, name: &str, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(data(file)).unwrap();
    temp_file(name, &text.replacen(from, to, 1))
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON object")
}

#[test]
fn bundled_data_plans_as_a_table_and_as_json() {
    let table = run(&["--now", "2026-11-22T10:00:00Z"]);
    assert!(table.status.success());
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.starts_with("NAME"), "{text}");
    assert!(text.contains("fluentd-elasticsearch"));
    assert!(text.contains("worker-4"));

    let plan = json(&run(&["--now", "2026-11-22T10:00:00Z", "--output", "json"]));
    let actions = plan["actions"].as_array().unwrap();
    assert_eq!(
        actions[0],
        serde_json::json!({"action": "create", "node": "worker-4", "reason": "missing"})
    );
    assert_eq!(actions[1]["action"], "delete");
    assert_eq!(actions[1]["node"], "worker-3");
    assert_eq!(actions[1]["reason"], "outdated-unavailable");
    let status = &plan["status"];
    for (key, want) in [
        ("desiredNumberScheduled", 5),
        ("currentNumberScheduled", 4),
        ("numberMisscheduled", 1),
        ("numberReady", 4),
        ("updatedNumberScheduled", 2),
        ("numberAvailable", 4),
        ("numberUnavailable", 1),
    ] {
        assert_eq!(status[key], want, "status.{key}");
    }
    assert!(plan["revision"].as_str().is_some_and(|r| !r.is_empty()));
}

#[test]
fn explicit_files_revision_and_null_node_of_an_unscheduled_delete() {
    let ds = data("fluentd-elasticsearch.yaml");
    let nodes = temp_file(
        "one-node.yaml",
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n",
    );
    let pods = temp_file(
        "pods.yaml",
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: stray
  namespace: kube-system
  labels: {name: fluentd-elasticsearch}
  ownerReferences:
  - {apiVersion: apps/v1, kind: DaemonSet, name: fluentd-elasticsearch, uid: 3c0e6f5a-8b1d-4d2e-9a57-2f4c1b7e9d10, controller: true}
spec:
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchFields: [{key: metadata.name, operator: In, values: [gone]}]
"#,
    );
    let out = run(&[
        "--daemonset",
        &ds,
        "--nodes",
        nodes.to_str().unwrap(),
        "--pods",
        pods.to_str().unwrap(),
        "--revision",
        "abc123",
        "--now",
        "2026-11-22T10:00:00Z",
        "--output",
        "json",
    ]);
    let plan = json(&out);
    assert_eq!(plan["revision"], "abc123");
    assert_eq!(
        plan["actions"],
        serde_json::json!([
            {"action": "create", "node": "n1", "reason": "missing"},
            {"action": "delete", "pod": "stray", "node": null, "reason": "node-missing"}
        ])
    );
}

#[test]
fn invalid_input_exits_2_with_errors_on_stderr_only() {
    let bad = temp_file(
        "bad-ds.yaml",
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n",
    );
    let nodes = data("nodes.yaml");
    for args in [
        vec!["--daemonset", bad.to_str().unwrap(), "--nodes", &nodes],
        vec!["--daemonset", "/nonexistent.yaml", "--nodes", &nodes],
        vec!["--output", "xml"],
        vec!["--now", "yesterday"],
        vec!["--bogus"],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            out.stdout.is_empty(),
            "{args:?}: stdout {:?}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    let out = run(&["--daemonset", bad.to_str().unwrap(), "--nodes", &nodes]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("spec.template.spec.restartPolicy"),
        "{stderr}"
    );
}

#[test]
fn rollout_preview_in_json() {
    let plan = json(&run(&[
        "--now",
        "2026-11-22T10:00:00Z",
        "--output",
        "json",
        "--rollout",
    ]));
    let rollout = &plan["rollout"];
    assert_eq!(rollout["finishes"], true);
    assert!(rollout["reason"].is_null());
    let batches = rollout["batches"].as_array().unwrap();
    assert_eq!(batches[0]["nodes"], serde_json::json!(["worker-3"]));
}

// ---------------------------------------------------------------------------------------------
// History, rollback, teardown and rollout status

const NOW: &str = "2026-11-22T10:00:00Z";

fn stdout_of(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn fails_with(args: &[&str], message: &str) {
    let out = run(args);
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    assert!(out.stdout.is_empty(), "{args:?}: stdout {:?}", out.stdout);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains(message), "{args:?}: {stderr}");
}

#[test]
fn revisions_add_the_history_and_its_hash_becomes_the_revision() {
    let revisions = data("revisions.yaml");
    let plan = json(&run(&[
        "--now",
        NOW,
        "-o",
        "json",
        "--revisions",
        &revisions,
    ]));
    assert_eq!(
        plan["history"],
        serde_json::json!({
            "current": "fluentd-elasticsearch-5d7f9b8c4", "hash": "5d7f9b8c4",
            "create": [], "update": [], "delete": [], "cleanup": [], "relabel": [],
            "adopt": [], "release": [], "collisionCount": null,
        })
    );
    assert_eq!(plan["revision"], "5d7f9b8c4");
    assert_eq!(plan["status"]["updatedNumberScheduled"], 2);

    // Without --revisions there is no history key; --revision wins over the history's hash.
    let plain = json(&run(&["--now", NOW, "-o", "json"]));
    assert!(plain.get("history").is_none());
    let given = json(&run(&[
        "--now",
        NOW,
        "-o",
        "json",
        "--revisions",
        &revisions,
        "--revision",
        "abc123",
    ]));
    assert_eq!(given["revision"], "abc123");
}

#[test]
fn a_new_template_creates_the_next_revision() {
    let text = std::fs::read_to_string(data("fluentd-elasticsearch.yaml")).unwrap();
    let ds = temp_file(
        "ds-v5.1.yaml",
        &text.replace("fluentd:v5.0.1", "fluentd:v5.1.0"),
    );
    let args = [
        "--daemonset",
        ds.to_str().unwrap(),
        "--nodes",
        &data("nodes.yaml"),
        "--pods",
        &data("pods.yaml"),
        "--revisions",
        &data("revisions.yaml"),
        "--now",
        NOW,
        "-o",
        "json",
    ];
    let plan = json(&run(&args));
    let history = &plan["history"];
    let hash = history["hash"].as_str().unwrap();
    assert_eq!(
        history["create"],
        serde_json::json!([{"name": format!("fluentd-elasticsearch-{hash}"), "revision": 3}])
    );
    assert_eq!(history["current"], format!("fluentd-elasticsearch-{hash}"));
    assert_eq!(plan["revision"], hash);

    // A hash whose name holds another template is a collision: no pods are planned.
    let mut colliding = args.to_vec();
    colliding.extend(["--revision", "7b9c6d5f8"]);
    let plan = json(&run(&colliding));
    assert_eq!(plan["history"]["collisionCount"], 1);
    assert_eq!(plan["actions"], serde_json::json!([]));
    assert!(plan["skipped"].as_str().unwrap().contains("collisionCount"));
}

#[test]
fn rollback_prints_only_the_daemonset_to_apply() {
    let revisions = data("revisions.yaml");
    let out = run(&["--revisions", &revisions, "--rollback-to", "0"]);
    let yaml = stdout_of(&out);
    assert!(out.stderr.is_empty());
    let ds = daemonset_planner::load_daemonset(&yaml).unwrap();
    assert_eq!(
        ds.spec.template.spec.other["containers"][0]["image"],
        "quay.io/fluentd_elasticsearch/fluentd:v4.7.2"
    );
    assert_eq!(ds.metadata.name, "fluentd-elasticsearch");

    let out = run(&["--revisions", &revisions, "--rollback-to", "2"]);
    let ds = daemonset_planner::load_daemonset(&stdout_of(&out)).unwrap();
    assert_eq!(
        ds.spec.template.spec.other["containers"][0]["image"],
        "quay.io/fluentd_elasticsearch/fluentd:v5.0.1"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("skipped rollback"), "{stderr}");

    fails_with(
        &["--revisions", &revisions, "--rollback-to", "9"],
        "unable to find revision 9 in its history (available revisions: 1, 2)",
    );
    fails_with(&["--rollback-to", "1"], "--rollback-to needs --revisions");
    fails_with(
        &["--revisions", &revisions, "--rollback-to", "one"],
        "--rollback-to must be a revision number",
    );
    fails_with(&["--revisions", "/nonexistent.yaml"], "/nonexistent.yaml");
}

#[test]
fn teardown_plans_deletes_or_releases() {
    let foreground = json(&run(&["--teardown", "Foreground", "-o", "json"]));
    assert_eq!(foreground["teardown"]["daemonSetLast"], true);
    assert_eq!(foreground["teardown"]["finalizer"], "foregroundDeletion");
    let actions = foreground["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 5);
    assert_eq!(
        actions[0],
        serde_json::json!({"action": "delete", "pod": "fluentd-elasticsearch-4xk2p", "node": "cp-1", "reason": "teardown"})
    );
    assert!(foreground["rolloutStatus"]["message"].is_string());

    let background = json(&run(&["--teardown", "Background", "-o", "json"]));
    assert_eq!(background["teardown"]["daemonSetLast"], false);
    assert_eq!(background["actions"], foreground["actions"]);

    let orphan = json(&run(&["--teardown", "Orphan", "-o", "json"]));
    assert!(
        orphan["actions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["action"] == "release")
    );

    let table = stdout_of(&run(&["--teardown", "Background"]));
    assert!(
        table.contains("delete pod fluentd-elasticsearch-d9w4r on worker-5 (teardown)"),
        "{table}"
    );
    fails_with(&["--teardown", "Cascade"], "unknown propagation policy");
}

#[test]
fn rollout_status_is_in_json_always_and_in_the_table_on_request() {
    let plan = json(&run(&["--now", NOW, "-o", "json"]));
    assert_eq!(
        plan["rolloutStatus"],
        serde_json::json!({
            "done": false,
            "message": "Waiting for daemon set \"fluentd-elasticsearch\" rollout to finish: 2 out of 5 new pods have been updated...",
        })
    );
    let table = stdout_of(&run(&["--now", NOW, "--status"]));
    assert!(
        table.trim_end().ends_with(
            "Waiting for daemon set \"fluentd-elasticsearch\" rollout to finish: 2 out of 5 new pods have been updated..."
        ),
        "{table}"
    );
    let without = stdout_of(&run(&["--now", NOW]));
    assert!(!without.contains("Waiting for daemon set"));
}

// ---------------------------------------------------------------------------------------------
// Beyond upstream: Advanced DaemonSets, the strategy options, lints and conditions

fn kruise_daemonset(extra: &str) -> PathBuf {
    let text = std::fs::read_to_string(data("fluentd-elasticsearch.yaml")).unwrap();
    let text = text
        .replace("apiVersion: apps/v1", "apiVersion: apps.kruise.io/v1beta1")
        .replace(
            "      maxSurge: 0\n",
            &format!("      maxSurge: 0\n{extra}"),
        );
    temp_file(&format!("kruise-{}.yaml", extra.len()), &text)
}

fn plan_json(extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["--now", NOW, "-o", "json"];
    args.extend_from_slice(extra);
    json(&run(&args))
}

/// The JSON plan of the DaemonSet in `ds` over the bundled nodes and pods, at [`NOW`].
fn plan_json_of(ds: &Path, extra: &[&str]) -> serde_json::Value {
    let (nodes, pods) = (data("nodes.yaml"), data("pods.yaml"));
    let mut args = vec![
        "--daemonset",
        ds.to_str().unwrap(),
        "--nodes",
        &nodes,
        "--pods",
        &pods,
    ];
    args.extend_from_slice(extra);
    plan_json(&args)
}

fn node_list(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["node"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn conditions_are_always_in_the_json() {
    let plan = plan_json(&[]);
    let found = plan["conditions"].as_array().unwrap();
    let types: Vec<&str> = found.iter().map(|c| c["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["Available", "Progressing", "Complete", "Stalled"]);
    for c in found {
        assert!(c["status"] == "True" || c["status"] == "False", "{c}");
        assert!(c["reason"].as_str().is_some_and(|r| !r.is_empty()));
        assert!(c["message"].is_string());
    }
    assert_eq!(found[1]["status"], "True");
    assert_eq!(found[2]["status"], "False");
    // The rollout has made no progress for an hour: stalled.
    let stalled = plan_json(&[
        "--progress-deadline",
        "600",
        "--last-progress",
        "2026-11-22T09:00:00Z",
    ]);
    assert_eq!(stalled["conditions"][3]["status"], "True");
    assert_eq!(
        stalled["conditions"][3]["reason"],
        "ProgressDeadlineExceeded"
    );
    // Teardown JSON carries the key too.
    let teardown = json(&run(&["--teardown", "Orphan", "-o", "json"]));
    assert_eq!(teardown["conditions"], serde_json::json!([]));
    // The table shows them with --status, before kubectl's message.
    let table = stdout_of(&run(&["--now", NOW, "--status"]));
    assert!(
        table.contains("Conditions:\n  Available=True (MinimumNodesAvailable)"),
        "{table}"
    );
}

#[test]
fn an_advanced_daemonset_loads_through_daemonset_and_plans_with_its_partition() {
    let ds = kruise_daemonset("      partition: 2\n");
    let plan = plan_json_of(&ds, &["--rollout"]);
    let held = &plan["rollingUpdate"]["held"];
    assert_eq!(node_list(held), ["worker-1", "worker-2"]);
    assert_eq!(
        held[0]["reason"],
        "kept on the old revision by the partition"
    );
    assert_eq!(plan["rollout"]["finishes"], true);
    let nodes = plan["nodes"].as_array().unwrap();
    let worker_1 = nodes.iter().find(|n| n["node"] == "worker-1").unwrap();
    assert_eq!(
        worker_1["held"],
        "kept on the old revision by the partition"
    );
    let worker_5 = nodes.iter().find(|n| n["node"] == "worker-5").unwrap();
    assert!(worker_5["held"].is_null());

    let paused = kruise_daemonset("      paused: true\n");
    let plan = plan_json_of(&paused, &[]);
    assert_eq!(plan["rollingUpdate"]["paused"], true);
    assert_eq!(
        plan["actions"],
        serde_json::json!([{"action": "create", "node": "worker-4", "reason": "missing"}])
    );
    assert_eq!(plan["conditions"][1]["reason"], "Paused");

    // Kruise's webhook rules apply.
    let bad = kruise_daemonset("      partition: \"150%\"\n");
    let args = [
        "--daemonset",
        bad.to_str().unwrap(),
        "--nodes",
        &data("nodes.yaml"),
    ];
    fails_with(&args, "spec.updateStrategy.rollingUpdate.partition");
}

#[test]
fn strategy_flags_shape_the_plan_and_the_rollout() {
    let plain = plan_json(&[]);
    assert_eq!(plain["actions"].as_array().unwrap().len(), 2);
    assert_eq!(plain["rollingUpdate"]["held"], serde_json::json!([]));

    // Frozen: nothing is created or replaced, and the preview says so.
    let frozen = plan_json(&["--freeze", "--rollout"]);
    assert_eq!(frozen["actions"], serde_json::json!([]));
    assert_eq!(frozen["rollingUpdate"]["paused"], true);
    assert_eq!(frozen["rollout"]["finishes"], false);
    assert!(
        frozen["rollout"]["reason"]
            .as_str()
            .unwrap()
            .contains("frozen")
    );

    // Strict: the unavailable old pod on worker-3 waits for the budget worker-4's create uses.
    let strict = plan_json(&["--strict-budget"]);
    assert_eq!(
        strict["actions"],
        serde_json::json!([{"action": "create", "node": "worker-4", "reason": "missing"}])
    );
    assert_eq!(strict["rollingUpdate"]["waiting"], 3);

    // Canaries first: the others are held back.
    let canary = plan_json(&["--order", "canary:worker-2", "--rollout"]);
    assert_eq!(
        node_list(&canary["rollingUpdate"]["held"]),
        ["worker-1", "worker-3"]
    );
    let batches = canary["rollout"]["batches"].as_array().unwrap();
    assert_eq!(batches[0]["nodes"], serde_json::json!(["worker-2"]));

    // One zone at a time, one node per zone: accepted and reflected in the preview.
    let zones = plan_json(&[
        "--order",
        "zones:topology.kubernetes.io/zone",
        "--zone-budget",
        "topology.kubernetes.io/zone=1",
        "--rollout",
    ]);
    assert!(
        zones["rollout"]["batchCount"].as_u64().unwrap() >= 2,
        "{}",
        zones["rollout"]
    );

    fails_with(&["--order", "zones:"], "--order");
    fails_with(&["--order", "fastest"], "expected name, unavailable-first");
    fails_with(&["--zone-budget", "zone"], "--zone-budget");
    fails_with(&["--progress-deadline", "60"], "go together");
}

/// The bundled DaemonSet, written to the temporary file `name`, made to surge while its
/// container holds host port 24224.
fn surge_with_a_host_port(name: &str) -> PathBuf {
    let text = std::fs::read_to_string(data("fluentd-elasticsearch.yaml")).unwrap();
    let surge = text
        .replace("maxUnavailable: 1", "maxUnavailable: 0")
        .replace("maxSurge: 0", "maxSurge: 1")
        .replace(
            "      - name: fluentd-elasticsearch\n        image:",
            "      - name: fluentd-elasticsearch\n        ports: [{containerPort: 24224, hostPort: 24224}]\n        image:",
        );
    temp_file(name, &surge)
}

#[test]
fn lint_reports_findings_and_still_exits_0() {
    let plan = plan_json(&["--lint"]);
    assert!(plan["lints"].is_array());
    assert!(plan_json(&[]).get("lints").is_none());

    let ds = surge_with_a_host_port("surge-host-port.yaml");
    let out = run(&[
        "--daemonset",
        ds.to_str().unwrap(),
        "--nodes",
        &data("nodes.yaml"),
        "--now",
        NOW,
        "-o",
        "json",
        "--lint",
    ]);
    let plan = json(&out);
    let lints = plan["lints"].as_array().unwrap();
    assert!(
        lints
            .iter()
            .any(|l| l["severity"] == "error" && l["code"] == "surge-host-port"),
        "{lints:?}"
    );
    for l in lints {
        assert!(l["message"].is_string() && l["hint"].is_string());
    }
    let table = stdout_of(&run(&[
        "--daemonset",
        ds.to_str().unwrap(),
        "--nodes",
        &data("nodes.yaml"),
        "--now",
        NOW,
        "--lint",
    ]));
    assert!(
        table.contains("Lints:\n  error[surge-host-port]"),
        "{table}"
    );
}

// ---------------------------------------------------------------------------------------------
// Real inputs: bundles of mixed kinds, combined cluster dumps, standard input, --apply

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
        .display()
        .to_string()
}

/// The JSON plan of the DaemonSet `name` in the cluster dump `dump`, at [`NOW`].
fn cluster_json(dump: &str, name: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["--cluster", dump, "--name", name];
    args.extend_from_slice(extra);
    plan_json(&args)
}

/// The small cluster dump, copied to a temporary directory as a user's dump would be (one
/// copy per test: tests run in parallel).
fn cluster_dump(test: &str) -> String {
    let text = std::fs::read_to_string(fixture("cluster.json")).unwrap();
    temp_file(&format!("cluster-{test}.json"), &text)
        .display()
        .to_string()
}

#[test]
fn a_bundle_of_mixed_kinds_plans_with_daemonset_as_is() {
    let plan = json(&run(&[
        "-f",
        &fixture("kube-flannel-bundle.yaml"),
        "--nodes",
        &fixture("mixed-nodes.yaml"),
        "--now",
        NOW,
        "-o",
        "json",
    ]));
    assert_eq!(plan["daemonSet"], "kube-flannel/kube-flannel-ds");
    assert_eq!(plan["status"]["desiredNumberScheduled"], 10);
}

#[test]
fn a_cluster_dump_plans_from_a_file_and_from_a_pipe() {
    let dump = cluster_dump("a_cluster_dump_plans_from_a_file_and_fro");
    let plan = cluster_json(&dump, "monitoring/node-exporter", &[]);
    assert_eq!(plan["daemonSet"], "monitoring/node-exporter");
    assert_eq!(plan["status"]["desiredNumberScheduled"], 3);
    assert_eq!(plan["status"]["updatedNumberScheduled"], 3);
    // Only the DaemonSet's namespace's pods: the ReplicaSet pods of other namespaces are not
    // its concern, and kube-proxy's namespace has none.
    assert_eq!(
        plan["nodes"][0]["pods"],
        serde_json::json!(["node-exporter-00000"])
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-dsplan"))
        .args(["--cluster", "-", "--name", "monitoring/node-exporter"])
        .args(["--now", NOW, "-o", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let text = std::fs::read(&dump).unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(&text).unwrap();
    }
    let from_pipe = child.wait_with_output().unwrap();
    assert_eq!(json(&from_pipe), plan);
}

#[test]
fn several_daemonsets_need_a_name_and_the_error_lists_them() {
    let dump = cluster_dump("several_daemonsets_need_a_name_and_the_e");
    fails_with(
        &["--cluster", &dump],
        "2 DaemonSets found: pick one with --name (candidates: kube-system/kube-proxy, monitoring/node-exporter)",
    );
    fails_with(
        &["--cluster", &dump, "--name", "calico-node"],
        "no DaemonSet calico-node (candidates: kube-system/kube-proxy, monitoring/node-exporter)",
    );
    let plan = cluster_json(&dump, "kube-proxy", &[]);
    assert_eq!(plan["daemonSet"], "kube-system/kube-proxy");
    fails_with(
        &["--cluster", &dump, "--nodes", &data("nodes.yaml")],
        "cannot be used with",
    );
}

#[test]
fn what_if_a_new_image_reports_a_rolling_update() {
    let dump = cluster_dump("what_if_a_new_image_reports_a_rolling_up");
    let plan = cluster_json(
        &dump,
        "monitoring/node-exporter",
        &["--apply", &fixture("node-exporter-v1.8.json")],
    );
    let apply = &plan["apply"];
    assert_eq!(apply["templateChanged"], true);
    assert_eq!(apply["generation"], serde_json::json!({"from": 1, "to": 2}));
    assert_eq!(
        apply["templateGeneration"],
        serde_json::json!({"from": 1, "to": 2})
    );
    assert_eq!(plan["status"]["updatedNumberScheduled"], 0);
    assert_eq!(plan["rollingUpdate"]["budget"], 1);
    assert_eq!(plan["rollout"]["batchCount"], 3);
    assert_eq!(plan["rollout"]["durationSeconds"], 30);
    assert_eq!(plan["actions"].as_array().unwrap().len(), 1);
}

#[test]
fn what_if_a_node_selector_names_the_nodes_that_lose_their_pod() {
    let dump = cluster_dump("what_if_a_node_selector_names_the_nodes_");
    let plan = cluster_json(
        &dump,
        "monitoring/node-exporter",
        &["--apply", &fixture("node-exporter-zone-a.json")],
    );
    assert_eq!(
        plan["apply"]["nodesLosing"],
        serde_json::json!(["ip-10-0-0-1.ec2.internal", "ip-10-0-0-2.ec2.internal"])
    );
    // Out of scope, deleted at once whatever the budget of 1.
    let deletes = plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["reason"] == "node-ineligible")
        .count();
    assert_eq!(deletes, 2);
}

#[test]
fn what_if_the_same_manifest_changes_nothing() {
    let dump = cluster_dump("what_if_the_same_manifest_changes_nothin");
    let live = serde_json::from_str::<serde_json::Value>(
        &std::fs::read_to_string(fixture("node-exporter-v1.8.json")).unwrap(),
    )
    .unwrap()
    .to_string()
    .replace("v1.8.0", "v1.7.0");
    let same = temp_file("same.json", &live);
    let plan = cluster_json(
        &dump,
        "monitoring/node-exporter",
        &["--apply", same.to_str().unwrap()],
    );
    assert_eq!(plan["apply"]["templateChanged"], false);
    assert_eq!(plan["apply"]["generation"]["to"], 1);
    assert_eq!(plan["actions"], serde_json::json!([]));
}

#[test]
fn what_if_a_changed_selector_is_refused_with_exit_2() {
    let dump = cluster_dump("what_if_a_changed_selector_is_refused_wi");
    fails_with(
        &[
            "--cluster",
            &dump,
            "--name",
            "monitoring/node-exporter",
            "--apply",
            &fixture("node-exporter-new-selector.json"),
        ],
        "spec.selector",
    );
}

#[test]
fn validate_warn_drops_a_typo_and_reports_it_as_a_lint() {
    let typo = edited_data(
        "fluentd-elasticsearch.yaml",
        "typo.yaml",
        "  template:\n",
        "  templte: {}\n  template:\n",
    );
    let args = |mode: &'static str| {
        vec![
            "-f".to_owned(),
            typo.display().to_string(),
            "--nodes".to_owned(),
            data("nodes.yaml"),
            "--now".to_owned(),
            NOW.to_owned(),
            "-o".to_owned(),
            "json".to_owned(),
            format!("--validate={mode}"),
        ]
    };
    let strict: Vec<String> = args("strict");
    let strict: Vec<&str> = strict.iter().map(String::as_str).collect();
    fails_with(&strict, "templte");
    let warn = args("warn");
    let warn: Vec<&str> = warn.iter().map(String::as_str).collect();
    let plan = json(&run(&warn));
    let lints = plan["lints"].as_array().unwrap();
    assert_eq!(lints.len(), 1, "{lints:?}");
    assert_eq!(lints[0]["code"], "unknown-field");
    // The library's unknown-field lint, its message naming the file.
    let message = lints[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!("{}: unknown field spec.templte", typo.display())),
        "{message}"
    );
    assert_eq!(lints[0]["severity"], "warning");
    assert_eq!(
        lints[0]["hint"].as_str().unwrap(),
        "did you mean spec.template?"
    );
    let as_table: Vec<&str> = warn
        .iter()
        .copied()
        .filter(|arg| !["-o", "json"].contains(arg))
        .collect();
    let table = stdout_of(&run(&as_table));
    assert!(
        table.contains("warning[unknown-field]: ")
            && table.contains("hint: did you mean spec.template?"),
        "{table}"
    );
    let ignore = args("ignore");
    let ignore: Vec<&str> = ignore.iter().map(String::as_str).collect();
    assert!(json(&run(&ignore)).get("lints").is_none());
}

#[test]
fn a_misplaced_top_level_template_is_an_error_lint_under_warn() {
    let misplaced = edited_data(
        "fluentd-elasticsearch.yaml",
        "misplaced.yaml",
        "spec:\n",
        "template: {}\nspec:\n",
    );
    let path = misplaced.display().to_string();
    let args = [
        "-f",
        &path,
        "--nodes",
        &data("nodes.yaml"),
        "--now",
        NOW,
        "-o",
        "json",
        "--validate=warn",
    ];
    let plan = json(&run(&args));
    let lints = plan["lints"].as_array().unwrap();
    assert_eq!(lints.len(), 1, "{lints:?}");
    assert_eq!(lints[0]["code"], "misplaced-field");
    assert_eq!(lints[0]["severity"], "error");
    fails_with(
        &args[..args.len() - 1],
        "unknown field `template` at the top level",
    );
}

#[test]
fn an_invalid_revision_is_refused_with_its_file() {
    let negative = edited_data(
        "revisions.yaml",
        "negative-revision.yaml",
        "revision: 1\n",
        "revision: -1\n",
    );
    let path = negative.display().to_string();
    fails_with(&["--now", NOW, "--revisions", &path], &format!("{path}: "));
    fails_with(&["--now", NOW, "--revisions", &path], "revision");
}

#[test]
fn a_reader_that_stops_early_is_no_crash() {
    // `kubectl dsplan ... | head -1`: the pipe closes before the output is written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-dsplan"))
        .args(["--now", NOW, "--explain", "--rollout", "--status", "--lint"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn what_if_surge_with_a_host_port_says_what_blocks_it() {
    let manifest = surge_with_a_host_port("what-if-surge-host-port.yaml");
    let plan = json(&run(&[
        "--apply",
        manifest.to_str().unwrap(),
        "--now",
        NOW,
        "-o",
        "json",
    ]));
    let blocked = plan["apply"]["blockedBy"].as_array().unwrap();
    assert!(
        blocked
            .iter()
            .any(|b| b.as_str().unwrap().contains("24224")),
        "{blocked:?}"
    );
    assert_eq!(plan["rollingUpdate"]["mode"], "maxSurge");
}
