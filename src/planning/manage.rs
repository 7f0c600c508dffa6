//! `manage`: per-node creates and deletes (upstream's `podsShouldBeOnNode` and the sweep of
//! unscheduled pods aimed at vanished nodes).

use std::time::Duration;

use super::backoff::FailedPodBackoff;
use super::cluster::Snapshot;
use super::kruise;
use super::types::DeleteReason;
use crate::model::{DaemonSet, Time};

/// Manage's decisions before the burst cap.
#[derive(Debug, Default)]
pub(crate) struct ManageOutcome {
    /// Node indices that get a pod.
    pub(crate) creates: Vec<usize>,
    /// Pod indices to delete, with why.
    pub(crate) deletes: Vec<(usize, DeleteReason)>,
    /// The shortest failed-pod backoff still running.
    pub(crate) requeue_after: Option<Duration>,
}

pub(crate) struct ManageContext<'a> {
    pub(crate) daemon_set: &'a DaemonSet,
    pub(crate) allows_surge: bool,
    pub(crate) now: Time,
    /// An Advanced DaemonSet: pods in the `PreparingDelete` lifecycle state are deleted.
    pub(crate) kruise: bool,
}

pub(crate) fn manage(
    ctx: &ManageContext<'_>,
    snapshot: &Snapshot<'_>,
    backoff: &mut FailedPodBackoff,
) -> ManageOutcome {
    let mut out = ManageOutcome::default();
    let observed_generation = ctx
        .daemon_set
        .status
        .as_ref()
        .and_then(|s| s.observed_generation)
        .unwrap_or(0);
    let mut running: Vec<usize> = Vec::new();
    for node in 0..snapshot.nodes.len() {
        let placement = snapshot.placement(node);
        let pods = snapshot.pods_of(node);
        if placement.should_run && pods.is_empty() {
            out.creates.push(node);
            continue;
        }
        if !placement.should_continue_running {
            for p in pods.iter() {
                if !snapshot.facts(p).terminating() {
                    out.deletes.push((p, DeleteReason::NodeIneligible));
                }
            }
            continue;
        }
        running.clear();
        for p in pods.iter() {
            let facts = snapshot.facts(p);
            if facts.terminating() {
                continue;
            }
            if facts.failed() {
                let key = FailedPodBackoff::key(
                    &ctx.daemon_set.metadata.uid,
                    observed_generation,
                    snapshot.node_name(node),
                );
                match backoff.in_backoff(&key, ctx.now) {
                    Some(delay) => {
                        out.requeue_after = Some(out.requeue_after.map_or(delay, |d| d.min(delay)));
                    }
                    None => {
                        backoff.record(key, ctx.now);
                        out.deletes.push((p, DeleteReason::Failed));
                    }
                }
            } else if ctx.kruise && snapshot.pod(p).is_some_and(kruise::preparing_delete) {
                out.deletes.push((p, DeleteReason::PreparingDelete));
            } else if facts.succeeded() {
                out.deletes.push((p, DeleteReason::Succeeded));
            } else {
                running.push(p);
            }
        }
        if !ctx.allows_surge {
            // `running` is already oldest first: keep the first, delete the rest.
            for &p in running.iter().skip(1) {
                out.deletes.push((p, DeleteReason::Duplicate));
            }
            continue;
        }
        if running.is_empty() {
            if placement.should_run {
                out.creates.push(node);
            }
            continue;
        }
        let mut oldest_new = None;
        let mut oldest_old = None;
        for &p in &running {
            let slot = if snapshot.facts(p).current_hash() {
                &mut oldest_new
            } else {
                &mut oldest_old
            };
            if slot.is_none() {
                *slot = Some(p);
            } else {
                out.deletes.push((p, DeleteReason::Duplicate));
            }
        }
        if let (Some(new), Some(old)) = (oldest_new, oldest_old) {
            if !snapshot.facts(old).ready() {
                out.deletes.push((old, DeleteReason::OldNotReady));
            } else if snapshot.facts(new).available() {
                out.deletes.push((old, DeleteReason::Superseded));
            }
        }
    }
    for pods in snapshot.vanished.values() {
        for &p in pods {
            // Scheduled pods on vanished nodes are left to pod garbage collection. Unscheduled
            // ones are deleted even when already terminating, as upstream does: the delete is
            // what removes them from the rolling update's view in the same sync.
            let unscheduled = snapshot
                .pod(p)
                .is_some_and(|pod| pod.spec.node_name.is_empty());
            if unscheduled {
                out.deletes.push((p, DeleteReason::NodeMissing));
            }
        }
    }
    out
}
