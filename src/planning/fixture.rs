//! Small clusters for the planning rules' unit tests: a DaemonSet `agent` with
//! maxUnavailable 1, nodes `n1`, `n2`, ... and one owned pod per node, of the current revision
//! or the old one.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use super::cluster::{FactsContext, Snapshot, compile_selector};
use super::revision::CurrentRevision;
use crate::model::{
    DaemonSet, IntOrString, LabelSelector, Node, OwnerReference, Pod, PodCondition, PodPhase,
    REVISION_HASH_LABEL, RollingUpdateDaemonSet, Time,
};
use crate::scheduling::DaemonPlacement;

pub(crate) const NEW: &str = "rev-new";
pub(crate) const OLD: &str = "rev-old";

pub(crate) fn now() -> Time {
    Time::parse("2026-11-22T12:00:00Z").unwrap()
}

/// A defaulted apps/v1 DaemonSet with a RollingUpdate of maxUnavailable 1.
pub(crate) fn daemon_set() -> DaemonSet {
    let mut ds = DaemonSet::default();
    ds.metadata.name = "agent".into();
    ds.metadata.namespace = "default".into();
    ds.metadata.uid = "uid-agent".into();
    let labels: crate::model::Labels = [("app".to_string(), "agent".to_string())].into();
    ds.spec.selector = Some(LabelSelector {
        match_labels: labels.clone(),
        ..Default::default()
    });
    ds.spec.template.metadata.labels = labels;
    ds.spec.update_strategy.rolling_update = Some(RollingUpdateDaemonSet {
        max_unavailable: Some(IntOrString::Int(1)),
        ..Default::default()
    });
    crate::defaults::apply_defaults(&mut ds);
    ds
}

/// The same DaemonSet as an OpenKruise Advanced DaemonSet (`apps.kruise.io/v1beta1`).
pub(crate) fn kruise_daemon_set() -> DaemonSet {
    let mut ds = daemon_set();
    ds.api_version = "apps.kruise.io/v1beta1".into();
    ds
}

/// The RollingUpdate block of `ds`, to change.
pub(crate) fn rolling(ds: &mut DaemonSet) -> &mut RollingUpdateDaemonSet {
    ds.spec
        .update_strategy
        .rolling_update
        .get_or_insert_with(Default::default)
}

pub(crate) fn node(name: &str) -> Node {
    let mut node = Node::default();
    node.metadata.name = name.into();
    node
}

/// `count` nodes `n1` ... `n{count}`.
pub(crate) fn nodes(count: usize) -> Vec<Node> {
    (1..=count).map(|i| node(&format!("n{i}"))).collect()
}

/// A running, ready (long enough to be available) pod of `ds` on `node` with revision
/// `revision`, named `name`.
pub(crate) fn pod(ds: &DaemonSet, name: &str, node: &str, revision: &str) -> Pod {
    let created = Time::parse("2026-11-01T00:00:00Z").unwrap();
    let mut pod = Pod::default();
    pod.metadata.name = name.into();
    pod.metadata.namespace = ds.metadata.namespace.clone();
    pod.metadata.creation_timestamp = Some(created);
    pod.metadata.owner_references = vec![OwnerReference {
        api_version: "apps/v1".into(),
        kind: "DaemonSet".into(),
        name: ds.metadata.name.clone(),
        uid: ds.metadata.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }];
    let mut labels = ds.spec.template.metadata.labels.clone();
    labels.insert(REVISION_HASH_LABEL.into(), revision.into());
    pod.metadata.labels = labels;
    pod.spec.node_name = node.into();
    pod.status.phase = Some(PodPhase::Running);
    pod.status.conditions = vec![PodCondition {
        type_: "Ready".into(),
        status: "True".into(),
        last_transition_time: Some(created),
        ..Default::default()
    }];
    pod
}

/// Marks `pod` not ready.
pub(crate) fn unready(mut pod: Pod) -> Pod {
    if let Some(ready) = pod.status.conditions.first_mut() {
        ready.status = "False".into();
    }
    pod
}

/// One pod per node, `p1` on `n1` and so on; the nodes in `old` run the old revision.
pub(crate) fn pods(ds: &DaemonSet, nodes: &[Node], old: &[&str]) -> Vec<Pod> {
    nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let name = &node.metadata.name;
            let revision = if old.contains(&name.as_str()) {
                OLD
            } else {
                NEW
            };
            pod(ds, &format!("p{}", i + 1), name, revision)
        })
        .collect()
}

/// Runs `f` on the snapshot of the cluster at [`now`], with revision [`NEW`].
pub(crate) fn with_snapshot<T>(
    ds: &DaemonSet,
    nodes: &[Node],
    pods: &[Pod],
    f: impl FnOnce(&Snapshot<'_>) -> T,
) -> T {
    let selector = compile_selector(ds).unwrap();
    let placement = DaemonPlacement::new(ds, false);
    let revision = CurrentRevision::new(ds, NEW.into());
    let facts = FactsContext::new(ds, &revision, now());
    let snapshot = Snapshot::new(ds, &selector, &placement, nodes, pods, &facts).unwrap();
    f(&snapshot)
}

/// The rolling update on the cluster as given (no manage actions), with `options`' strategies:
/// the batch and its decisions as `delete POD REASON` / `create NODE REASON`, in the order
/// the update makes them.
pub(crate) fn rolling_update(
    ds: &DaemonSet,
    nodes: &[Node],
    pods: &[Pod],
    options: &super::PlanOptions,
) -> Result<(super::UpdateBatch, Vec<String>), super::RollingUpdateError> {
    let kruise = super::kruise::Kruise::new(ds);
    let extensions = super::selection::Extensions::from_options(options);
    with_snapshot(ds, nodes, pods, |snapshot| {
        let created = vec![false; nodes.len()];
        let deleted = vec![false; pods.len()];
        let ctx = super::rolling::RollingContext {
            daemon_set: ds,
            created: &created,
            deleted: &deleted,
            kruise: kruise.as_ref().map(|k| &k.scope),
            extensions: extensions.as_ref(),
        };
        let (batch, outcome) = super::rolling::rolling_update(&ctx, snapshot)?;
        let mut decisions = Vec::new();
        for (p, reason) in outcome.deletes {
            let name = &pods[p].metadata.name;
            decisions.push(format!("delete {name} {reason:?}"));
        }
        for (n, reason) in outcome.creates {
            let name = &nodes[n].metadata.name;
            decisions.push(format!("create {name} {reason:?}"));
        }
        Ok((batch, decisions))
    })
}
