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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::model::{IntOrString, PodPhase, Taint, TaintEffect};
    use crate::planning::fixture::{self, NEW, OLD};

    /// Manage's decisions as `create NODE` and `delete POD REASON`, and the backoff after.
    fn run(
        ds: &DaemonSet,
        nodes: &[crate::model::Node],
        pods: &[crate::model::Pod],
        backoff: &mut FailedPodBackoff,
    ) -> (Vec<String>, Option<Duration>) {
        let ctx = ManageContext {
            daemon_set: ds,
            allows_surge: crate::planning::allows_surge(ds),
            now: fixture::now(),
            kruise: ds.is_kruise(),
        };
        fixture::with_snapshot(ds, nodes, pods, |snapshot| {
            let out = manage(&ctx, snapshot, backoff);
            let mut decisions: Vec<String> = out
                .creates
                .iter()
                .map(|&n| format!("create {}", snapshot.node_name(n)))
                .collect();
            decisions.extend(
                out.deletes
                    .iter()
                    .map(|&(p, reason)| format!("delete {} {reason:?}", pods[p].metadata.name)),
            );
            (decisions, out.requeue_after)
        })
    }

    #[test]
    fn a_node_without_a_pod_gets_one() {
        let ds = fixture::daemon_set();
        let nodes = fixture::nodes(2);
        let pods = vec![fixture::pod(&ds, "p1", "n1", NEW)];
        let (decisions, _) = run(&ds, &nodes, &pods, &mut FailedPodBackoff::default());
        assert_eq!(decisions, ["create n2"]);
    }

    #[test]
    fn a_pod_on_a_node_tainted_no_execute_is_deleted() {
        let ds = fixture::daemon_set();
        let mut nodes = fixture::nodes(2);
        nodes[1]
            .spec
            .taints
            .push(Taint::new("example.com/drain", TaintEffect::NoExecute));
        let pods = fixture::pods(&ds, &nodes, &[]);
        let (decisions, _) = run(&ds, &nodes, &pods, &mut FailedPodBackoff::default());
        assert_eq!(decisions, ["delete p2 NodeIneligible"]);
    }

    #[test]
    fn without_surge_the_oldest_running_pod_stays_and_the_rest_are_duplicates() {
        let ds = fixture::daemon_set();
        let nodes = fixture::nodes(1);
        let older = fixture::pod(&ds, "p-older", "n1", NEW);
        let mut younger = fixture::pod(&ds, "p-younger", "n1", NEW);
        younger.metadata.creation_timestamp = fixture::now().checked_add_seconds(-60);
        let pods = vec![younger, older];
        let (decisions, _) = run(&ds, &nodes, &pods, &mut FailedPodBackoff::default());
        assert_eq!(decisions, ["delete p-younger Duplicate"]);
    }

    #[test]
    fn a_failed_pod_is_deleted_once_then_backs_off() {
        let ds = fixture::daemon_set();
        let nodes = fixture::nodes(1);
        let mut failed = fixture::pod(&ds, "p1", "n1", NEW);
        failed.status.phase = Some(PodPhase::Failed);
        let pods = vec![failed];
        let mut backoff = FailedPodBackoff::default();
        let (decisions, requeue) = run(&ds, &nodes, &pods, &mut backoff);
        assert_eq!(decisions, ["delete p1 Failed"]);
        assert_eq!(requeue, None);
        // The same failed pod seen again at the same time: in backoff, nothing is deleted.
        let (decisions, requeue) = run(&ds, &nodes, &pods, &mut backoff);
        assert!(decisions.is_empty(), "{decisions:?}");
        assert!(requeue.is_some_and(|d| d > Duration::ZERO));
    }

    #[test]
    fn with_surge_an_available_new_pod_supersedes_the_old_one() {
        let mut ds = fixture::daemon_set();
        let rolling = fixture::rolling(&mut ds);
        rolling.max_surge = Some(IntOrString::Int(1));
        rolling.max_unavailable = Some(IntOrString::Int(0));
        let nodes = fixture::nodes(2);
        let pods = vec![
            fixture::pod(&ds, "p1-old", "n1", OLD),
            fixture::pod(&ds, "p1-new", "n1", NEW),
            fixture::unready(fixture::pod(&ds, "p2-old", "n2", OLD)),
            fixture::pod(&ds, "p2-new", "n2", NEW),
        ];
        let (decisions, _) = run(&ds, &nodes, &pods, &mut FailedPodBackoff::default());
        assert_eq!(
            decisions,
            ["delete p1-old Superseded", "delete p2-old OldNotReady"]
        );
    }

    #[test]
    fn an_advanced_daemon_set_deletes_pods_preparing_delete() {
        let ds = fixture::kruise_daemon_set();
        let nodes = fixture::nodes(2);
        let mut pods = fixture::pods(&ds, &nodes, &[]);
        pods[0].metadata.labels.insert(
            crate::model::KRUISE_LIFECYCLE_STATE_LABEL.into(),
            "PreparingDelete".into(),
        );
        let (decisions, _) = run(&ds, &nodes, &pods, &mut FailedPodBackoff::default());
        assert_eq!(decisions, ["delete p1 PreparingDelete"]);
        // The same label on an apps/v1 DaemonSet's pod means nothing.
        let ds = fixture::daemon_set();
        let (decisions, _) = run(&ds, &nodes, &pods, &mut FailedPodBackoff::default());
        assert!(decisions.is_empty(), "{decisions:?}");
    }
}
