//! Snapshots of the table and the JSON of `kubectl-dsplan` on the bundled example cluster, on
//! real manifests (copied into `tests/data/` from the realworld corpus) and on a small cluster
//! dump. Each case's standard output must equal `tests/snapshots/<case>.<txt|json>`.
//!
//! After a deliberate change of the output, rewrite the files and review the diff:
//!
//! ```text
//! UPDATE_SNAPSHOTS=1 cargo test -p kubectl-dsplan --test snapshots
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: &str = "2026-11-22T10:00:00Z";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// Runs the command from `tests/` (so file names in the output are short and stable).
fn run(args: &[&str]) -> String {
    let width = if args.contains(&"--width") {
        &[][..]
    } else {
        &["--width", "120"][..]
    };
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-dsplan"))
        .current_dir(dir())
        .env_remove("COLUMNS")
        .args(["--now", NOW])
        .args(width)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Compares with the stored snapshot, or stores it under `UPDATE_SNAPSHOTS=1`; returns the
/// mismatch, if any.
fn check(name: &str, actual: &str) -> Option<String> {
    let path = dir().join("snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return None;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    (expected != actual).then(|| {
        format!(
            "snapshot {name} differs (UPDATE_SNAPSHOTS=1 rewrites it)\n--- expected\n{expected}\n--- actual\n{actual}"
        )
    })
}

const EXAMPLE: [&str; 6] = [
    "--daemonset",
    "../../examples/data/fluentd-elasticsearch.yaml",
    "--nodes",
    "../../examples/data/nodes.yaml",
    "--pods",
    "../../examples/data/pods.yaml",
];

const NODE_EXPORTER: [&str; 6] = [
    "-f",
    "data/node-exporter-ds.yaml",
    "--nodes",
    "data/mixed-nodes.yaml",
    "--pods",
    "data/node-exporter-pods.yaml",
];

/// node-exporter in the small cluster dump.
const CLUSTER: [&str; 4] = [
    "--cluster",
    "data/cluster.json",
    "--name",
    "monitoring/node-exporter",
];

#[test]
fn table_and_json_snapshots() {
    let with = |base: &[&'static str], extra: &[&'static str]| -> Vec<&'static str> {
        base.iter().chain(extra).copied().collect()
    };
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("bundled.txt", vec![]),
        ("bundled.json", vec!["-o", "json"]),
        (
            "bundled-explain.txt",
            vec!["--explain", "--rollout", "--status", "--lint"],
        ),
        (
            "bundled-history.json",
            with(
                &EXAMPLE,
                &[
                    "--revisions",
                    "../../examples/data/revisions.yaml",
                    "-o",
                    "json",
                    "--rollout",
                ],
            ),
        ),
        ("node-exporter.txt", with(&NODE_EXPORTER, &["--rollout"])),
        (
            "node-exporter-narrow.txt",
            with(&NODE_EXPORTER, &["--rollout", "--width", "80"]),
        ),
        (
            "node-exporter.json",
            with(&NODE_EXPORTER, &["-o", "json", "--rollout", "--lint"]),
        ),
        (
            "flannel-bundle.txt",
            vec![
                "-f",
                "data/kube-flannel-bundle.yaml",
                "--nodes",
                "data/mixed-nodes.yaml",
                "--rollout",
            ],
        ),
        ("cluster.txt", with(&CLUSTER, &[])),
        (
            "cluster.json",
            vec![
                "--cluster",
                "data/cluster.json",
                "-n",
                "monitoring",
                "--name",
                "node-exporter",
                "-o",
                "json",
            ],
        ),
        (
            "what-if-image.txt",
            with(&CLUSTER, &["--apply", "data/node-exporter-v1.8.json"]),
        ),
        (
            "what-if-image.json",
            with(
                &CLUSTER,
                &["--apply", "data/node-exporter-v1.8.json", "-o", "json"],
            ),
        ),
        (
            "what-if-node-selector.txt",
            with(&CLUSTER, &["--apply", "data/node-exporter-zone-a.json"]),
        ),
        (
            "what-if-blocked.txt",
            with(&NODE_EXPORTER, &["--apply", "data/node-exporter-v1.9.yaml"]),
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, args)| check(name, &run(args)))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
