//! The `plan` example's command line and JSON output: a contract other tools rely on.
#![cfg(feature = "yaml")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--quiet", "--example", "plan", "--"])
        .args(args)
        .output()
        .expect("cargo run --example plan")
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
        .join("examples/data")
        .join(name)
        .display()
        .to_string()
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
