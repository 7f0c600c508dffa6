//! Properties of the revision history over any sequence of template changes, rollbacks and pod
//! replacements, each followed by syncs whose `HistoryPlan` is applied to the revision list:
//! at most `revisionHistoryLimit` old revisions without pods (and every revision pods use),
//! unique revision numbers with the current one the newest and rising, and exactly one
//! revision of the current template.

use std::collections::BTreeSet;

use daemonset_planner::history::{HistoryOptions, HistoryPlan, render_revision};
use daemonset_planner::model::REVISION_HASH_LABEL;
use daemonset_planner::{
    ControllerRevision, DaemonSet, LabelSelector, Pod, apply_defaults, plan_history, rollback,
};
use proptest::prelude::*;

/// What happens between two syncs.
#[derive(Debug, Clone)]
enum Step {
    /// `kubectl set image`: the template runs image variant N.
    Change(u8),
    /// `kubectl rollout undo --to-revision=N` (0: the previous one); unknown numbers fail and
    /// change nothing.
    Rollback(i64),
    /// Every pod is replaced by one of the current revision.
    RollAll,
    /// One pod is replaced by one of the current revision.
    RollOne(usize),
    /// Nothing changes.
    Sync,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0u8..5).prop_map(Step::Change),
        2 => (0i64..8).prop_map(Step::Rollback),
        2 => Just(Step::RollAll),
        2 => (0usize..3).prop_map(Step::RollOne),
        1 => Just(Step::Sync),
    ]
}

fn image_of(ds: &DaemonSet) -> String {
    ds.spec.template.spec.other["containers"][0]["image"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn set_image(ds: &mut DaemonSet, variant: u8) {
    ds.spec.template.spec.other.insert(
        "containers".into(),
        serde_json::json!([{"name": "agent", "image": format!("registry.k8s.io/agent:v{variant}")}]),
    );
}

fn daemon_set(limit: i32) -> DaemonSet {
    let mut ds = DaemonSet::default();
    ds.metadata.name = "agent".into();
    ds.metadata.namespace = "ops".into();
    ds.metadata.uid = "agent-uid".into();
    let labels: daemonset_planner::model::Labels = [("app".to_owned(), "agent".to_owned())].into();
    ds.spec.selector = Some(LabelSelector {
        match_labels: labels.clone(),
        ..Default::default()
    });
    ds.spec.template.metadata.labels = labels;
    ds.spec.revision_history_limit = Some(limit);
    set_image(&mut ds, 0);
    apply_defaults(&mut ds);
    ds
}

fn pods(ds: &DaemonSet) -> Vec<Pod> {
    (0..3)
        .map(|i| {
            let mut pod = Pod::default();
            pod.metadata.name = format!("agent-{i}");
            pod.metadata.namespace = "ops".into();
            pod.metadata.labels = ds.spec.template.metadata.labels.clone();
            pod.metadata.owner_references = vec![daemonset_planner::model::OwnerReference {
                api_version: "apps/v1".into(),
                kind: "DaemonSet".into(),
                name: "agent".into(),
                uid: "agent-uid".into(),
                controller: Some(true),
                block_owner_deletion: Some(true),
            }];
            pod.spec.node_name = format!("node-{i}");
            pod
        })
        .collect()
}

fn set_hash(pod: &mut Pod, hash: &str) {
    pod.metadata
        .labels
        .insert(REVISION_HASH_LABEL.to_owned(), hash.to_owned());
}

/// A deliberately weak hash (two values per collision count), so that names collide often.
fn weak_hash(ds: &DaemonSet) -> String {
    let image = image_of(ds);
    let variant = image.bytes().last().unwrap_or(b'0');
    let count = ds
        .status
        .as_ref()
        .and_then(|s| s.collision_count)
        .unwrap_or(0);
    format!("h{}c{count}", variant % 2)
}

/// Carries out a history plan as the API server would.
fn apply(
    ds: &DaemonSet,
    plan: &HistoryPlan,
    revisions: &mut Vec<ControllerRevision>,
    pods: &mut [Pod],
) {
    for update in &plan.update {
        let revision = revisions
            .iter_mut()
            .find(|r| r.metadata.name == update.name)
            .expect("an update names an existing revision");
        revision.revision = update.revision;
        if revision.hash().is_none() {
            let name = revision.metadata.name.clone();
            revision
                .metadata
                .labels
                .insert(REVISION_HASH_LABEL.to_owned(), name);
        }
    }
    for create in &plan.create {
        let revision = render_revision(ds, &plan.hash, create.revision);
        assert_eq!(revision.metadata.name, create.name);
        assert!(
            revisions.iter().all(|r| r.metadata.name != create.name),
            "create of an existing name {}",
            create.name
        );
        revisions.push(revision);
    }
    for (pod_name, hash) in &plan.relabel {
        let pod = pods
            .iter_mut()
            .find(|p| &p.metadata.name == pod_name)
            .unwrap();
        set_hash(pod, hash);
    }
    revisions.retain(|r| !plan.delete.contains(&r.metadata.name));
}

/// Syncs until no collision is left (each collision bumps collisionCount, as the controller's
/// status write does), then applies the plan.
fn sync(
    ds: &mut DaemonSet,
    revisions: &mut Vec<ControllerRevision>,
    pods: &mut [Pod],
    weak: bool,
) -> HistoryPlan {
    for _ in 0..64 {
        let options = if weak {
            HistoryOptions::new().with_hash(weak_hash(ds))
        } else {
            HistoryOptions::new()
        };
        let plan = plan_history(ds, revisions, pods, &options).unwrap();
        if let Some(count) = plan.collision_count {
            assert!(plan.create.is_empty() && plan.delete.is_empty() && plan.current.is_empty());
            ds.status
                .get_or_insert_with(Default::default)
                .collision_count = Some(count);
            continue;
        }
        apply(ds, &plan, revisions, pods);
        return plan;
    }
    panic!("collisions did not resolve in 64 syncs");
}

fn check(
    ds: &DaemonSet,
    plan: &HistoryPlan,
    revisions: &[ControllerRevision],
    pods: &[Pod],
    limit: i32,
) -> Result<(), TestCaseError> {
    let numbers: BTreeSet<i64> = revisions.iter().map(|r| r.revision).collect();
    prop_assert_eq!(numbers.len(), revisions.len(), "revision numbers repeat");

    let current: Vec<&ControllerRevision> = revisions
        .iter()
        .filter(|r| r.pod_template().as_ref() == Some(&ds.spec.template))
        .collect();
    prop_assert_eq!(current.len(), 1, "the current template has one revision");
    let current = current[0];
    prop_assert_eq!(&current.metadata.name, &plan.current);
    prop_assert_eq!(current.hash(), Some(plan.hash.as_str()));
    prop_assert!(
        revisions
            .iter()
            .all(|r| r.revision < current.revision || r.metadata.name == current.metadata.name),
        "the current revision is the newest"
    );

    let live: BTreeSet<&str> = pods
        .iter()
        .filter_map(|p| p.metadata.labels.get(REVISION_HASH_LABEL))
        .map(String::as_str)
        .collect();
    let unused_old = revisions
        .iter()
        .filter(|r| r.metadata.name != current.metadata.name)
        .filter(|r| !r.hash().is_some_and(|h| live.contains(h)))
        .count();
    prop_assert!(
        unused_old <= usize::try_from(limit).unwrap(),
        "{} old revisions without pods, limit {}",
        unused_old,
        limit
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn history_stays_bounded_numbered_and_current(
        limit in 0i32..4,
        weak in any::<bool>(),
        steps in prop::collection::vec(step(), 1..24),
    ) {
        let mut ds = daemon_set(limit);
        let mut revisions = Vec::new();
        let mut pods = pods(&ds);
        let mut plan = sync(&mut ds, &mut revisions, &mut pods, weak);
        for pod in &mut pods {
            set_hash(pod, &plan.hash);
        }
        check(&ds, &plan, &revisions, &pods, limit)?;
        let mut newest = revisions.iter().map(|r| r.revision).max().unwrap();

        for step in steps {
            match step {
                Step::Change(variant) => set_image(&mut ds, variant),
                Step::Rollback(to) => {
                    if let Ok(rolled) = rollback(&ds, &revisions, to) {
                        ds = rolled;
                    }
                }
                Step::RollAll => pods.iter_mut().for_each(|p| set_hash(p, &plan.hash)),
                Step::RollOne(i) => set_hash(&mut pods[i], &plan.hash),
                Step::Sync => {}
            }
            let previous = plan.current.clone();
            let in_use: Vec<String> = revisions
                .iter()
                .filter(|r| pods.iter().any(|p| p.metadata.labels.get(REVISION_HASH_LABEL).map(String::as_str) == r.hash()))
                .map(|r| r.metadata.name.clone())
                .collect();
            plan = sync(&mut ds, &mut revisions, &mut pods, weak);
            check(&ds, &plan, &revisions, &pods, limit)?;
            for name in in_use {
                prop_assert!(
                    revisions.iter().any(|r| r.metadata.name == name),
                    "revision {} was deleted while pods used it", name
                );
            }
            let current = revisions.iter().find(|r| r.metadata.name == plan.current).unwrap();
            if plan.current == previous {
                prop_assert_eq!(current.revision, newest, "an unchanged current keeps its number");
            } else {
                prop_assert!(current.revision > newest, "a new current revision is numbered higher");
                newest = current.revision;
            }
        }
    }
}
