//! Data-driven history, rollback, teardown and rollout-status cases: `tests/cases/history/`.
//!
//! A case has the planner cases' `daemonset` (merged over the base DaemonSet), `pods` (each
//! merged over the base pod) and `nodes`, plus `revisions`: ControllerRevisions as `kubectl get
//! controllerrevisions -o yaml` prints them, loaded with `load_revisions`. What runs depends on
//! the case:
//!
//! - `rollback: N` runs `rollback` (expect `image`, `unchanged` or `error`);
//! - `teardown: POLICY` runs `teardown` (expect `actions`, `daemonSetLast`);
//! - `rolloutStatus: daemonset|plan` runs `rollout_status` on the DaemonSet as given, or with
//!   the status of its plan (expect `done`, `message`);
//! - otherwise `plan_history` runs (expect `current`, `hash`, `create`, `update`, `delete`,
//!   `cleanup`, `relabel`, `adopt`, `release`, `collisionCount`, `skipped`).
//!
//! `{hash}` in the revisions and in expected values stands for the hash of the case's
//! template (`revision_hash` with its collision count, or `options.hash`).
#![cfg(feature = "yaml")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

#[allow(clippy::collapsible_if)]
mod common;

use common::Case;
use daemonset_planner::history::{HistoryOptions, HistoryPlan, RevisionRef, revision_hash};
use daemonset_planner::{
    ControllerRevision, PropagationPolicy, plan_history, rollback, rollout_status, teardown,
};
use serde_yaml::Value;

/// The hash `{hash}` stands for.
fn case_hash(case: &Case) -> String {
    if let Some(hash) = options(case).hash {
        return hash;
    }
    let ds = case.daemon_set();
    revision_hash(
        &ds.spec.template,
        ds.status.as_ref().and_then(|s| s.collision_count),
    )
}

fn options(case: &Case) -> HistoryOptions {
    let mut options = HistoryOptions::new();
    if let Some(hash) = case
        .get("options")
        .and_then(|o| o.get("hash"))
        .and_then(Value::as_str)
    {
        options = options.with_hash(hash);
    }
    options
}

fn revisions(case: &Case) -> Vec<ControllerRevision> {
    let text = match case.get("revisions") {
        None => return Vec::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => serde_yaml::to_string(other).unwrap(),
    };
    let text = text.replace("{hash}", &case_hash(case));
    daemonset_planner::load_revisions(&text)
        .unwrap_or_else(|e| panic!("{}: revisions: {e}", case.name))
}

fn strings(value: &Value, hash: &str) -> Vec<String> {
    value
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().replace("{hash}", hash))
        .collect()
}

fn refs(refs: &[RevisionRef]) -> Vec<String> {
    refs.iter()
        .map(|r| format!("{} {}", r.name, r.revision))
        .collect()
}

fn compare(problems: &mut Vec<String>, key: &str, want: Vec<String>, got: Vec<String>) {
    if want != got {
        problems.push(format!("{key}: want {want:?}\n            got  {got:?}"));
    }
}

fn check_history(case: &Case, expect: &Value) -> Vec<String> {
    let hash = case_hash(case);
    let history: HistoryPlan = plan_history(
        &case.daemon_set(),
        &revisions(case),
        &case.pods(),
        &options(case),
    )
    .unwrap_or_else(|e| panic!("{}: plan_history failed: {e}", case.name));
    let mut problems = Vec::new();
    let lists: [(&str, Vec<String>); 8] = [
        ("create", refs(&history.create)),
        ("update", refs(&history.update)),
        ("delete", history.delete.clone()),
        ("cleanup", history.cleanup.clone()),
        (
            "relabel",
            history
                .relabel
                .iter()
                .map(|(pod, hash)| format!("{pod} {hash}"))
                .collect(),
        ),
        ("adopt", history.adopt.clone()),
        ("release", history.release.clone()),
        ("current", vec![history.current.clone()]),
    ];
    for (key, got) in lists {
        let want = match expect.get(key) {
            Some(Value::String(one)) => vec![one.replace("{hash}", &hash)],
            Some(list) => strings(list, &hash),
            // Lists not mentioned must be empty.
            None if key == "current" => continue,
            None => Vec::new(),
        };
        compare(&mut problems, key, want, got);
    }
    if let Some(want) = expect.get("hash").and_then(Value::as_str) {
        compare(
            &mut problems,
            "hash",
            vec![want.replace("{hash}", &hash)],
            vec![history.hash.clone()],
        );
    }
    let collision = expect
        .get("collisionCount")
        .and_then(Value::as_i64)
        .map(|n| n as i32);
    if history.collision_count != collision {
        problems.push(format!(
            "collisionCount: want {collision:?}, got {:?}",
            history.collision_count
        ));
    }
    let skipped = expect
        .get("skipped")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if history.skipped.map(|s| format!("{s:?}")) != skipped {
        problems.push(format!(
            "skipped: want {skipped:?}, got {:?}",
            history.skipped
        ));
    }
    problems
}

fn check_rollback(case: &Case, to: i64, expect: &Value) -> Vec<String> {
    let ds = case.daemon_set();
    let mut problems = Vec::new();
    match (rollback(&ds, &revisions(case), to), expect.get("error")) {
        (Ok(rolled), None) => {
            if let Some(image) = expect.get("image").and_then(Value::as_str) {
                let got = &rolled.spec.template.spec.other["containers"][0]["image"];
                if got != image {
                    problems.push(format!("image: want {image}, got {got}"));
                }
            }
            if let Some(unchanged) = expect.get("unchanged").and_then(Value::as_bool)
                && (rolled == ds) != unchanged
            {
                problems.push(format!("unchanged: want {unchanged}"));
            }
            if rolled.metadata != ds.metadata || rolled.spec.selector != ds.spec.selector {
                problems.push("rollback changed more than the template".into());
            }
        }
        (Err(error), Some(want)) => {
            let want = want.as_str().unwrap();
            if error.to_string() != want {
                problems.push(format!("error: want {want:?}\n           got  {error:?}"));
            }
        }
        (got, _) => problems.push(format!("want {expect:?}, got {got:?}")),
    }
    problems
}

fn check_teardown(case: &Case, policy: &str, expect: &Value) -> Vec<String> {
    let policy: PropagationPolicy = policy.parse().unwrap();
    let result = teardown(&case.daemon_set(), &case.pods(), policy);
    let mut problems = Vec::new();
    let want = expect
        .get("actions")
        .map(|a| strings(a, ""))
        .unwrap_or_default();
    compare(
        &mut problems,
        "actions",
        want,
        result.actions.iter().map(common::compact).collect(),
    );
    if let Some(last) = expect.get("daemonSetLast").and_then(Value::as_bool)
        && result.daemon_set_last != last
    {
        problems.push(format!("daemonSetLast: want {last}"));
    }
    problems
}

fn check_rollout_status(case: &Case, from: &str, expect: &Value) -> Vec<String> {
    let mut ds = case.daemon_set();
    if from == "plan" {
        ds.status = Some(case.plan().status);
    }
    let status = rollout_status(&ds);
    let mut problems = Vec::new();
    if let Some(done) = expect.get("done").and_then(Value::as_bool)
        && status.done != done
    {
        problems.push(format!("done: want {done}, got {}", status.done));
    }
    let want = expect.get("message").and_then(Value::as_str).unwrap();
    if status.message != want {
        problems.push(format!(
            "message: want {want:?}\n             got  {:?}",
            status.message
        ));
    }
    problems
}

#[test]
fn history_cases() {
    let cases = common::load_cases(&common::cases_dir("history"));
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in &cases {
        let expect = case
            .get("expect")
            .unwrap_or_else(|| panic!("{}: no expect: block", case.name));
        let problems = if let Some(to) = case.get("rollback") {
            check_rollback(case, to.as_i64().unwrap(), expect)
        } else if let Some(policy) = case.get("teardown") {
            check_teardown(case, policy.as_str().unwrap(), expect)
        } else if let Some(from) = case.get("rolloutStatus") {
            check_rollout_status(case, from.as_str().unwrap(), expect)
        } else {
            check_history(case, expect)
        };
        if !problems.is_empty() {
            failures.push(format!(
                "{} :: {}\n    {}",
                case.file.file_name().unwrap().to_string_lossy(),
                case.name,
                problems.join("\n    ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
