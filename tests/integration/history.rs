//! The runner of the history, rollback, teardown and rollout-status cases of
//! `tests/cases/history/` (their tests are in [`crate::cases`]; the schema is
//! [`crate::common::schema::HistoryCase`]).
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

use crate::common::schema::{
    HistoryCase, HistoryCheck, HistoryExpect, RollbackExpect, RolloutFrom, RolloutStatusExpect,
    TeardownExpect, read_case_file,
};
use crate::common::{self, selected};
use daemonset_planner::history::{HistoryOptions, HistoryPlan, RevisionRef, revision_hash};
use daemonset_planner::{
    ControllerRevision, PropagationPolicy, plan_history, rollback, rollout_status, teardown,
};
use serde_yaml::Value;

/// The hash `{hash}` stands for.
fn case_hash(case: &HistoryCase) -> String {
    if let Some(hash) = options(case).hash {
        return hash;
    }
    let ds = case.objects().daemon_set();
    revision_hash(
        &ds.spec.template,
        ds.status.as_ref().and_then(|s| s.collision_count),
    )
}

fn options(case: &HistoryCase) -> HistoryOptions {
    let mut options = HistoryOptions::new();
    if let Some(hash) = &case.options.hash {
        options = options.with_hash(hash);
    }
    options
}

fn revisions(case: &HistoryCase) -> Vec<ControllerRevision> {
    let text = match &case.revisions {
        None => return Vec::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => serde_yaml::to_string(other).unwrap(),
    };
    let text = text.replace("{hash}", &case_hash(case));
    daemonset_planner::load_revisions(&text)
        .unwrap_or_else(|e| panic!("{}: revisions: {e}", case.name))
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

fn check_history(case: &HistoryCase, expect: &HistoryExpect) -> Vec<String> {
    let hash = case_hash(case);
    let objects = case.objects();
    let history: HistoryPlan = plan_history(
        &objects.daemon_set(),
        &revisions(case),
        &objects.pods(),
        &options(case),
    )
    .unwrap_or_else(|e| panic!("{}: plan_history failed: {e}", case.name));
    let mut problems = Vec::new();
    let lists = [
        ("create", &expect.create, refs(&history.create)),
        ("update", &expect.update, refs(&history.update)),
        ("delete", &expect.delete, history.delete.clone()),
        ("cleanup", &expect.cleanup, history.cleanup.clone()),
        (
            "relabel",
            &expect.relabel,
            history
                .relabel
                .iter()
                .map(|(pod, hash)| format!("{pod} {hash}"))
                .collect(),
        ),
        ("adopt", &expect.adopt, history.adopt.clone()),
        ("release", &expect.release, history.release.clone()),
        ("current", &expect.current, vec![history.current.clone()]),
    ];
    for (key, want, got) in lists {
        let want = match want {
            Some(want) => want.with_hash(&hash),
            // Lists not mentioned must be empty.
            None if key == "current" => continue,
            None => Vec::new(),
        };
        compare(&mut problems, key, want, got);
    }
    if let Some(want) = &expect.hash {
        compare(
            &mut problems,
            "hash",
            vec![want.replace("{hash}", &hash)],
            vec![history.hash.clone()],
        );
    }
    if history.collision_count != expect.collision_count {
        problems.push(format!(
            "collisionCount: want {:?}, got {:?}",
            expect.collision_count, history.collision_count
        ));
    }
    if history.skipped.map(|s| format!("{s:?}")) != expect.skipped {
        problems.push(format!(
            "skipped: want {:?}, got {:?}",
            expect.skipped, history.skipped
        ));
    }
    problems
}

fn check_rollback(case: &HistoryCase, to: i64, expect: &RollbackExpect) -> Vec<String> {
    let ds = case.objects().daemon_set();
    let mut problems = Vec::new();
    match (rollback(&ds, &revisions(case), to), &expect.error) {
        (Ok(rolled), None) => {
            if let Some(image) = &expect.image {
                let got = &rolled.spec.template.spec.other["containers"][0]["image"];
                if got != image.as_str() {
                    problems.push(format!("image: want {image}, got {got}"));
                }
            }
            if let Some(unchanged) = expect.unchanged
                && (rolled == ds) != unchanged
            {
                problems.push(format!("unchanged: want {unchanged}"));
            }
            if rolled.metadata != ds.metadata || rolled.spec.selector != ds.spec.selector {
                problems.push("rollback changed more than the template".into());
            }
        }
        (Err(error), Some(want)) => {
            if error.to_string() != *want {
                problems.push(format!("error: want {want:?}\n           got  {error:?}"));
            }
        }
        (got, _) => problems.push(format!("want {expect:?}, got {got:?}")),
    }
    problems
}

fn check_teardown(case: &HistoryCase, policy: &str, expect: &TeardownExpect) -> Vec<String> {
    let policy: PropagationPolicy = policy.parse().unwrap();
    let objects = case.objects();
    let result = teardown(&objects.daemon_set(), &objects.pods(), policy);
    let mut problems = Vec::new();
    compare(
        &mut problems,
        "actions",
        expect.actions.clone().unwrap_or_default(),
        result.actions.iter().map(common::compact).collect(),
    );
    if let Some(last) = expect.daemon_set_last
        && result.daemon_set_last != last
    {
        problems.push(format!("daemonSetLast: want {last}"));
    }
    problems
}

fn check_rollout_status(
    case: &HistoryCase,
    from: RolloutFrom,
    expect: &RolloutStatusExpect,
) -> Vec<String> {
    let objects = case.objects();
    let mut ds = objects.daemon_set();
    if from == RolloutFrom::Plan {
        ds.status = Some(objects.plan().status);
    }
    let status = rollout_status(&ds);
    let mut problems = Vec::new();
    if let Some(done) = expect.done
        && status.done != done
    {
        problems.push(format!("done: want {done}, got {}", status.done));
    }
    if status.message != expect.message {
        problems.push(format!(
            "message: want {:?}\n             got  {:?}",
            expect.message, status.message
        ));
    }
    problems
}

/// Runs the history cases of one file of `tests/cases/history/` (named as a Rust identifier)
/// that pass the `DSP_CASE` filter; fails with all the differences at once.
pub fn run_file(dir: &str, file: &str) {
    let file = common::case_file(dir, file);
    let cases: Vec<HistoryCase> = read_case_file(&file);
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in cases.iter().filter(|case| selected(&case.name)) {
        ran += 1;
        let problems = match case.check() {
            Err(problem) => vec![problem],
            Ok(HistoryCheck::History(expect)) => check_history(case, &expect),
            Ok(HistoryCheck::Rollback(to, expect)) => check_rollback(case, to, &expect),
            Ok(HistoryCheck::Teardown(policy, expect)) => check_teardown(case, &policy, &expect),
            Ok(HistoryCheck::RolloutStatus(from, expect)) => {
                check_rollout_status(case, from, &expect)
            }
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
    common::report(&failures, cases.len(), ran);
    common::note_filtered(&file, ran, cases.len());
}
