//! `manage`: per-node creates and deletes (upstream's `podsShouldBeOnNode` and the sweep of
//! unscheduled pods aimed at vanished nodes).
//!
//! [`node_rule`] decides at one node; [`manage`] runs it over a snapshot, and the incremental
//! planner runs it over one key when an event touches it.

use std::time::Duration;

use super::backoff::FailedPodBackoff;
use super::cluster::{PodFacts, Snapshot};
use super::kruise;
use super::types::DeleteReason;
use crate::model::{DaemonSet, Time};
use crate::scheduling::Placement;

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

/// What [`node_rule`] reads of a node's pods, however they are held.
pub(crate) trait NodePods<P: Copy> {
    /// The pod's facts.
    fn facts(&self, pod: P) -> PodFacts;
    /// Whether an Advanced DaemonSet's pod has finished its pre-delete hook.
    fn preparing_delete(&self, pod: P) -> bool;
    /// A failed pod: whether it is deleted now (and the backoff records it), or left while
    /// its node's failed-pod backoff runs (the backoff keeps the delay for the requeue).
    fn delete_failed(&mut self, pod: P) -> bool;
}

/// Upstream's `podsShouldBeOnNode` for one node of the list whose pods (claimed, with a
/// target, oldest first) are `pods`: whether it gets a pod, and which pods are deleted.
/// `running` is scratch space (so that a walk over many nodes allocates it once).
pub(crate) fn node_rule<P: Copy>(
    (allows_surge, kruise): (bool, bool),
    placement: Placement,
    pods: impl Iterator<Item = P> + Clone,
    view: &mut impl NodePods<P>,
    deletes: &mut Vec<(P, DeleteReason)>,
    running: &mut Vec<P>,
) -> bool {
    if placement.should_run && pods.clone().next().is_none() {
        return true;
    }
    if !placement.should_continue_running {
        for p in pods {
            if !view.facts(p).terminating() {
                deletes.push((p, DeleteReason::NodeIneligible));
            }
        }
        return false;
    }
    running.clear();
    for p in pods {
        let facts = view.facts(p);
        if facts.terminating() {
            continue;
        }
        if facts.failed() {
            if view.delete_failed(p) {
                deletes.push((p, DeleteReason::Failed));
            }
        } else if kruise && view.preparing_delete(p) {
            deletes.push((p, DeleteReason::PreparingDelete));
        } else if facts.succeeded() {
            deletes.push((p, DeleteReason::Succeeded));
        } else {
            running.push(p);
        }
    }
    if !allows_surge {
        // `running` is already oldest first: keep the first, delete the rest.
        for &p in running.iter().skip(1) {
            deletes.push((p, DeleteReason::Duplicate));
        }
        return false;
    }
    if running.is_empty() {
        return placement.should_run;
    }
    let mut oldest_new = None;
    let mut oldest_old = None;
    for &p in running.iter() {
        let slot = if view.facts(p).current_hash() {
            &mut oldest_new
        } else {
            &mut oldest_old
        };
        if slot.is_none() {
            *slot = Some(p);
        } else {
            deletes.push((p, DeleteReason::Duplicate));
        }
    }
    if let (Some(new), Some(old)) = (oldest_new, oldest_old) {
        if !view.facts(old).ready() {
            deletes.push((old, DeleteReason::OldNotReady));
        } else if view.facts(new).available() {
            deletes.push((old, DeleteReason::Superseded));
        }
    }
    false
}

/// A node's pods in a snapshot, with the backoff manage records into.
struct SnapshotPods<'s, 'a> {
    snapshot: &'s Snapshot<'a>,
    ctx: &'s ManageContext<'s>,
    observed_generation: i64,
    node: usize,
    backoff: &'s mut FailedPodBackoff,
    requeue_after: &'s mut Option<Duration>,
}

impl NodePods<usize> for SnapshotPods<'_, '_> {
    fn facts(&self, pod: usize) -> PodFacts {
        self.snapshot.facts(pod)
    }

    fn preparing_delete(&self, pod: usize) -> bool {
        self.snapshot.pod(pod).is_some_and(kruise::preparing_delete)
    }

    fn delete_failed(&mut self, _: usize) -> bool {
        let key = FailedPodBackoff::key(
            &self.ctx.daemon_set.metadata.uid,
            self.observed_generation,
            self.snapshot.node_name(self.node),
        );
        match self.backoff.in_backoff(&key, self.ctx.now) {
            Some(delay) => {
                *self.requeue_after = Some(self.requeue_after.map_or(delay, |d| d.min(delay)));
                false
            }
            None => {
                self.backoff.record(key, self.ctx.now);
                true
            }
        }
    }
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
        let mut view = SnapshotPods {
            snapshot,
            ctx,
            observed_generation,
            node,
            backoff: &mut *backoff,
            requeue_after: &mut out.requeue_after,
        };
        let placement = snapshot.placement(node);
        let create = node_rule(
            (ctx.allows_surge, ctx.kruise),
            placement,
            snapshot.pods_of(node).iter(),
            &mut view,
            &mut out.deletes,
            &mut running,
        );
        if create {
            out.creates.push(node);
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
