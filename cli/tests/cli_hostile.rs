//! `kubectl-dsplan` on the hostile corpus (`tests/hostile/`): what the library refuses, the
//! command line refuses with exit code 2, the errors on stderr and nothing on stdout; what it
//! accepts, it plans. Never a crash, a hang or a flood of output.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_yaml::Value;

/// The longest one run may take (a debug build, on a busy machine).
const TIME_LIMIT: Duration = Duration::from_secs(20);

/// The command under test, as cargo built it for this test.
fn plan_binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_kubectl-dsplan"))
}

fn hostile(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/hostile")
        .join(path)
        .display()
        .to_string()
}

fn run(ds: &str, nodes: &str, pods: &str) -> (Output, Duration) {
    let started = Instant::now();
    let output = Command::new(plan_binary())
        .args(["--daemonset", ds, "--nodes", nodes, "--pods", pods])
        .args(["--now", "2026-11-22T10:00:00Z", "--output", "json"])
        .output()
        .expect("run the plan example");
    (output, started.elapsed())
}

/// Checks one run against whether the case is accepted; returns what went wrong.
fn check(what: &str, output: &Output, took: Duration, accepted: bool) -> Result<(), String> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if took > TIME_LIMIT {
        return Err(format!("{what}: took {took:?}"));
    }
    if stderr.contains("panicked") {
        return Err(format!("{what}: panicked: {stderr}"));
    }
    if accepted {
        if output.status.code() != Some(0) || !stderr.is_empty() {
            return Err(format!("{what}: exit {:?}, stderr {stderr}", output.status));
        }
        serde_json::from_str::<serde_json::Value>(&stdout)
            .map_err(|e| format!("{what}: stdout is not JSON ({e}): {stdout}"))?;
    } else {
        if output.status.code() != Some(2) {
            return Err(format!("{what}: exit {:?}, stderr {stderr}", output.status));
        }
        if !stdout.is_empty() {
            return Err(format!("{what}: stdout {stdout:?}"));
        }
        if !stderr.starts_with("error: ") {
            return Err(format!("{what}: stderr {stderr:?}"));
        }
    }
    if stderr.len() > 16 * 1024 {
        return Err(format!("{what}: {} bytes of stderr", stderr.len()));
    }
    Ok(())
}

#[test]
fn every_hostile_input_exits_2_with_its_error_on_stderr_or_is_planned() {
    let text = std::fs::read_to_string(hostile("outcomes.yaml")).unwrap();
    let outcomes: serde_yaml::Mapping = serde_yaml::from_str(&text).unwrap();
    let mut failures = Vec::new();
    let mut refused = 0;
    for (file, expect) in &outcomes {
        let file = file.as_str().unwrap();
        let role = file.split('/').next().unwrap();
        let with = |r: &str| {
            if r == role {
                return hostile(file);
            }
            match expect
                .get("with")
                .and_then(|with| with.get(r))
                .and_then(Value::as_str)
            {
                Some(other) => hostile(other),
                None => hostile(&format!("base/{r}.yaml")),
            }
        };
        let invalid = expect
            .get("invalid")
            .and_then(Value::as_sequence)
            .is_some_and(|paths| !paths.is_empty());
        let accepted = expect.get("load").is_none() && expect.get("plan").is_none() && !invalid;
        let (output, took) = run(&with("daemonset"), &with("nodes"), &with("pods"));
        if let Err(problem) = check(file, &output, took, accepted) {
            failures.push(problem);
            continue;
        }
        if accepted {
            continue;
        }
        refused += 1;
        // The error names the field, where the corpus gives one.
        let stderr = String::from_utf8_lossy(&output.stderr);
        let field = expect
            .get("path")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| {
                let first = expect.get("invalid")?.as_sequence()?.first()?.as_str()?;
                first.rsplit(' ').next().map(str::to_owned)
            });
        if let Some(field) = field
            && !stderr.contains(&field)
        {
            failures.push(format!("{file}: stderr does not name {field}: {stderr}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert!(refused >= 60, "only {refused} inputs refused");
    assert!(
        outcomes.len() - refused >= 20,
        "only {} inputs planned",
        outcomes.len() - refused
    );
}

fn temp_file(name: &str, text: impl AsRef<[u8]>) -> String {
    let dir = std::env::temp_dir().join(format!("dsp-cli-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn enormous_inputs_exit_2_quickly_with_a_short_message() {
    let base_ds = std::fs::read_to_string(hostile("base/daemonset.yaml")).unwrap();
    let long_name = temp_file(
        "long-name.yaml",
        base_ds.replacen(
            "  name: agent\n",
            &format!("  name: {}\n", "a".repeat(1 << 20)),
            1,
        ),
    );
    let nesting = temp_file("nesting.yaml", "{a: ".repeat(1 << 18));
    let bomb = temp_file(
        "aliases.yaml",
        format!(
            "apiVersion: v1\nkind: List\nitems: []\nx: &a [{}]\ny: [{}]\n",
            vec!["x"; 5000].join(","),
            vec!["*a"; 5000].join(",")
        ),
    );
    let utf16 = temp_file("utf16.yaml", b"\xff\xfek\x00i\x00n\x00d\x00");
    let (nodes, pods) = (hostile("base/nodes.yaml"), hostile("base/pods.yaml"));
    for (what, ds, nodes) in [
        ("a megabyte name", &long_name, &nodes),
        ("a megabyte of nesting", &nesting, &nodes),
        ("an alias bomb", &hostile("base/daemonset.yaml"), &bomb),
        ("UTF-16", &utf16, &nodes),
    ] {
        let (output, took) = run(ds, nodes, &pods);
        check(what, &output, took, false).unwrap();
    }
}
