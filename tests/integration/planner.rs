//! Planner tests beyond the case files (those run as `cases::planner::*`).
#![cfg(feature = "yaml")]

use crate::common;

/// Two pods of one name cannot exist in a namespace; when the plan would act on such a name it
/// refuses, and a plan that names neither goes ahead.
#[test]
fn duplicate_pod_names_are_refused_when_an_action_names_them() {
    use daemonset_planner::{PlanError, plan};
    let pod = |node: &str| {
        let mut value: serde_yaml::Value = serde_yaml::from_str(common::BASE_POD).unwrap();
        common::merge(
            &mut value,
            &serde_yaml::from_str(&format!(
                "{{metadata: {{name: twin}}, spec: {{nodeName: {node}}}}}"
            ))
            .unwrap(),
        );
        serde_yaml::from_value::<daemonset_planner::Pod>(value).unwrap()
    };
    let mut ds: daemonset_planner::DaemonSet =
        serde_yaml::from_str(common::BASE_DAEMONSET).unwrap();
    daemonset_planner::apply_defaults(&mut ds);
    let node = |name: &str| {
        serde_yaml::from_str::<daemonset_planner::Node>(&format!("metadata: {{name: {name}}}"))
            .unwrap()
    };
    let options = daemonset_planner::PlanOptions::new(
        daemonset_planner::Time::parse("2024-06-01T00:00:00Z").unwrap(),
    )
    .with_revision("new");
    // Steady: each twin runs on its own node and nothing is done to either.
    let steady = plan(
        &ds,
        &[node("n1"), node("n2")],
        &[pod("n1"), pod("n2")],
        &options,
    );
    assert!(steady.unwrap().actions.is_empty());
    // Both twins on n1: one is a duplicate to delete, and its name is ambiguous.
    let err = plan(&ds, &[node("n1")], &[pod("n1"), pod("n1")], &options).unwrap_err();
    assert_eq!(
        err,
        PlanError::DuplicatePodName {
            namespace: "default".into(),
            name: "twin".into()
        }
    );
}
