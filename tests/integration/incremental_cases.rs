//! Every data-driven planner case (`tests/cases/planner/`) through an incremental `Planner`:
//! built from the case at once, and built empty then told about the pods and nodes one by one
//! (time starting an hour early and moved to the case's time); both must plan exactly as
//! `plan` does from scratch.
#![cfg(feature = "yaml")]

use crate::common;

use daemonset_planner::{PlanOptions, Planner, Time, plan};

#[test]
fn planner_cases_plan_the_same_incrementally() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/planner");
    let cases = common::load_cases(&dir);
    assert!(!cases.is_empty());
    let mut checked = 0;
    for case in &cases {
        let (ds, nodes, pods, options) =
            (case.daemon_set(), case.nodes(), case.pods(), case.options());
        let expected = plan(&ds, &nodes, &pods, &options);
        let mut whole = match Planner::new(ds.clone(), nodes.clone(), pods.clone(), options.clone())
        {
            Ok(planner) => planner,
            Err(error) => {
                // Only duplicate names refuse a planner; plan() refuses them when it claims both.
                assert!(
                    format!("{error}").contains("are named"),
                    "{}: {error}",
                    case.name
                );
                continue;
            }
        };
        assert_eq!(whole.plan(), expected, "{}: built at once", case.name);

        let mut early: PlanOptions = options.clone();
        early.now = Time::from_unix_seconds(options.now.unix_seconds() - 3600).unwrap();
        let mut piecewise = Planner::new(ds.clone(), Vec::new(), Vec::new(), early).unwrap();
        for pod in pods.iter().rev() {
            piecewise.apply_pod(pod.clone());
        }
        for node in &nodes {
            piecewise.apply_node(node.clone());
        }
        piecewise.set_now(options.now);
        assert_eq!(piecewise.plan(), expected, "{}: built by events", case.name);
        checked += 1;
    }
    assert!(
        checked * 10 >= cases.len() * 9,
        "{checked} of {} cases checked",
        cases.len()
    );
}
