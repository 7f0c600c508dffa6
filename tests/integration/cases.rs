//! The data-driven cases of `tests/cases/`: one test per case file, named after the file.
//!
//! ```text
//! cargo test --test integration cases::planner::rolling          # one file
//! DSP_CASE='maxSurge' cargo test --test integration cases::      # cases whose name contains it
//! ```
//!
//! A new case file is listed below (its name with `-` written `_`); the `every_file_is_listed`
//! test of each directory fails until it is. The schema of the files is
//! [`crate::common::schema`]: a key it does not know fails the file's test.
#![cfg(feature = "yaml")]

use std::collections::BTreeSet;

use crate::common::{self, case_files, cases_dir, file_ident};

/// One module per directory of `tests/cases/`, with one test per file that runs its cases
/// with `$run(directory, file)`, and a test that the list names every file of the directory.
macro_rules! case_files {
    ($($dir:ident => $run:path { $($file:ident),* $(,)? })*) => {
        $(
            mod $dir {
                $(
                    #[test]
                    fn $file() {
                        $run(stringify!($dir), stringify!($file));
                    }
                )*

                #[test]
                fn every_file_is_listed() {
                    super::assert_listed(stringify!($dir), &[$(stringify!($file)),*]);
                }
            }
        )*

        #[test]
        fn every_directory_is_listed() {
            assert_directories(&[$(stringify!($dir)),*]);
        }
    };
}

case_files! {
    planner => crate::common::run_file {
        basics,
        deletion,
        eligibility,
        manage,
        ondelete,
        ownership,
        regression_empty_selector_checked_before_deletion,
        regression_malformed_budgets_report_maxunavailable_first,
        regression_terminating_unscheduled_pod_on_vanished_node,
        rolling,
        status,
    }
    kruise => crate::common::run_file {
        partition,
        paused,
        progressive,
        selector,
        strategy,
    }
    extensions => crate::common::run_file {
        canary,
        conditions,
        freeze,
        lints,
        order,
        strict,
        zone_budget,
        zones,
    }
    history => crate::history::run_file {
        cleanup,
        revisions,
        rollback,
        rollout_status,
        teardown,
    }
    validation => crate::validation::run_file {
        containers,
        dns,
        env,
        metadata,
        ports,
        probes,
        resources,
        scheduling,
        security,
        volumes,
    }
}

/// The files of `tests/cases/<dir>/` are exactly `listed`.
fn assert_listed(dir: &str, listed: &[&str]) {
    let found: BTreeSet<String> = case_files(&cases_dir(dir))
        .iter()
        .map(|file| file_ident(file))
        .collect();
    let listed: BTreeSet<String> = listed.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        found, listed,
        "tests/cases/{dir}/ and the list in tests/integration/cases.rs differ"
    );
}

/// The directories of `tests/cases/` are exactly `listed`.
fn assert_directories(listed: &[&str]) {
    let found: BTreeSet<String> = std::fs::read_dir(common::cases_dir(""))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let listed: BTreeSet<String> = listed.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        found, listed,
        "the directories of tests/cases/ and the list in tests/integration/cases.rs differ"
    );
}

/// The schema refuses what it does not know, at every level, naming the key and where it is.
mod schema {
    use crate::common::schema::{Case, CaseFile, HistoryCase, HistoryCheck, parse_case_file};

    fn refused<C: serde::de::DeserializeOwned>(text: &str) -> String {
        match parse_case_file::<C>(text) {
            Ok(_) => panic!("accepted:\n{text}"),
            Err(error) => error,
        }
    }

    /// Regression: a misspelt `expect:` key used to be ignored, so the case asserted nothing.
    #[test]
    fn a_misspelt_expect_key_is_refused() {
        let error = refused::<Case>("cases:\n- name: c\n  nodes: [n1]\n  expect: {actoins: []}\n");
        assert!(
            error.starts_with("cases[0].expect: unknown field `actoins`"),
            "{error}"
        );
    }

    #[test]
    fn misspelt_keys_are_refused_at_every_level() {
        let refusals = [
            ("cases: []\ncasse: []\n", "unknown field `casse`"),
            (
                "cases:\n- name: c\n  node: [n1]\n  expect: {}\n",
                "cases[0]: unknown field `node`",
            ),
            (
                "cases:\n- name: c\n  options: {burstReplica: 1}\n  expect: {}\n",
                "cases[0].options: unknown field `burstReplica`",
            ),
            (
                "cases:\n- name: c\n  progress: {deadline: 1, last: x}\n  expect: {}\n",
                "cases[0].progress: unknown field `deadline`",
            ),
            (
                "cases:\n- name: c\n  expect: {status: {desird: 1}}\n",
                "cases[0].expect.status: unknown field `desird`",
            ),
            (
                "cases:\n- name: c\n  expect: {rollingUpdate: {wating: 1}}\n",
                "cases[0].expect.rollingUpdate: unknown field `wating`",
            ),
        ];
        for (text, want) in refusals {
            let error = refused::<Case>(text);
            assert!(error.contains(want), "{text}: {error}");
        }
    }

    #[test]
    fn a_case_without_expect_is_refused() {
        let error = refused::<Case>("cases:\n- name: c\n  nodes: [n1]\n");
        assert!(error.contains("missing field `expect`"), "{error}");
    }

    #[test]
    fn anchors_are_the_only_other_top_level_key() {
        let text =
            "anchors:\n  two: &two [n1, n2]\ncases:\n- name: c\n  nodes: *two\n  expect: {}\n";
        let file: CaseFile<Case> = parse_case_file(text).unwrap();
        assert_eq!(file.cases[0].nodes.len(), 2);
        let error = refused::<Case>("templates: {}\ncases: []\n");
        assert!(error.contains("unknown field `templates`"), "{error}");
    }

    #[test]
    fn a_history_expectation_is_read_by_the_schema_of_its_function() {
        let case = |text: &str| {
            let file: CaseFile<HistoryCase> = parse_case_file(text).unwrap();
            file.cases.into_iter().next().unwrap().check()
        };
        let ok = case("cases:\n- name: c\n  rollback: 1\n  expect: {image: x}\n").unwrap();
        assert!(matches!(ok, HistoryCheck::Rollback(1, _)));
        // `image` is a rollback key, not a plan_history one.
        let error = case("cases:\n- name: c\n  expect: {image: x}\n").unwrap_err();
        assert!(error.contains("unknown field `image`"), "{error}");
        let error =
            case("cases:\n- name: c\n  teardown: Foreground\n  expect: {daemonsetLast: true}\n")
                .unwrap_err();
        assert!(error.contains("unknown field `daemonsetLast`"), "{error}");
        let error = case("cases:\n- name: c\n  rollback: 1\n  teardown: Orphan\n  expect: {}\n")
            .unwrap_err();
        assert!(error.contains("at most one"), "{error}");
    }
}
