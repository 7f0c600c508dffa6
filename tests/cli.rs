//! The `plan` example's command line and JSON output: a contract other tools rely on.
#![cfg(feature = "yaml")]
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
