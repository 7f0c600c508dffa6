//! OpenKruise's Advanced DaemonSet (`apps.kruise.io/v1alpha1` and `v1beta1`): what its
//! controller does differently from upstream's, for objects whose apiVersion says so.
//!
//! - `rollingUpdate.partition` (scaled against the stored `status.desiredNumberScheduled`,
//!   rounding down) and `rollingUpdate.selector` narrow the rolling update to a scope of nodes
//!   (`filterDaemonPodsNodeToUpdate`, in `rolling.rs`); budgets are still scaled against every
//!   desired node, and nodes that no longer exist are out of the scope;
//! - progressive creation under a partition (`GetNodesNeedingPods`): creates are limited so that
//!   `partition` desired nodes stay without a new pod;
//! - `rollingUpdate.paused` skips the rolling update (manage goes on);
//! - an unset `maxUnavailable` reads as 0 rather than failing the update;
//! - `spec.burstReplicas` replaces the controller's burst limit;
//! - manage deletes pods in the `PreparingDelete` lifecycle state.
//!
//! The rest (claiming, manage, the budget loops, status) is upstream's.

use super::cluster::Snapshot;
use super::types::RollingUpdateError;
use crate::model::{
    DaemonSet, KRUISE_LIFECYCLE_STATE_LABEL, KRUISE_PROGRESSIVE_CREATE_ANNOTATION, Pod,
};
use crate::scheduling::LabelMatcher;

/// The lifecycle state of a pod whose pre-delete hook has run.
const PREPARING_DELETE: &str = "PreparingDelete";

/// What an Advanced DaemonSet's rolling update is limited to.
pub(crate) struct KruiseScope {
    /// Nodes that keep the old revision.
    pub(crate) partition: i64,
    /// Only matching nodes are updated (`None`: every node).
    pub(crate) selector: Option<LabelMatcher>,
}

/// An Advanced DaemonSet's settings, read once per plan.
pub(crate) struct Kruise {
    /// `rollingUpdate.paused` (with a RollingUpdate strategy).
    pub(crate) paused: bool,
    /// Creation under a partition is progressive.
    progressive: bool,
    /// The scaled partition as manage reads it (0 when unset or malformed).
    manage_partition: i64,
    /// The rolling update's scope, or why the rolling update fails.
    pub(crate) scope: Result<KruiseScope, RollingUpdateError>,
    /// `spec.burstReplicas` scaled, when set.
    pub(crate) burst: Option<usize>,
}

impl Kruise {
    /// The settings of an Advanced DaemonSet; `None` for any other object.
    pub(crate) fn new(daemon_set: &DaemonSet) -> Option<Kruise> {
        if !daemon_set.is_kruise() {
            return None;
        }
        let stored_desired = daemon_set
            .status
            .as_ref()
            .map_or(0, |s| i64::from(s.desired_number_scheduled));
        let rolling = daemon_set.kruise_rolling_update();
        let partition = rolling
            .and_then(|r| r.partition.as_ref())
            .map(|p| {
                p.scaled_value(stored_desired, false)
                    .map_err(|source| RollingUpdateError::Budget {
                        field: "partition",
                        source,
                    })
            })
            .transpose()
            .map(Option::unwrap_or_default);
        let selector = rolling
            .and_then(|r| r.selector.as_ref())
            .map(|selector| {
                LabelMatcher::new(Some(selector))
                    .map_err(|source| RollingUpdateError::UpdateSelector { source })
            })
            .transpose();
        let manage_partition = partition.as_ref().copied().unwrap_or(0);
        let scope = partition.and_then(|partition| {
            selector.map(|selector| KruiseScope {
                partition,
                selector,
            })
        });
        let progressive = if daemon_set.is_kruise_v1alpha1() {
            daemon_set
                .metadata
                .annotations
                .get(KRUISE_PROGRESSIVE_CREATE_ANNOTATION)
                .is_some_and(|v| v == "true")
        } else {
            daemon_set
                .spec
                .scale_strategy
                .as_ref()
                .and_then(|s| s.partitioned_scaling)
                == Some(true)
        };
        let burst = daemon_set.spec.burst_replicas.as_ref().map(|value| {
            value
                .scaled_value(stored_desired, false)
                .ok()
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(0)
        });
        Some(Kruise {
            paused: rolling.and_then(|r| r.paused) == Some(true),
            progressive,
            manage_partition,
            scope,
            burst,
        })
    }

    /// Kruise's `GetNodesNeedingPods`: under a non-zero partition with progressive creation,
    /// only `desired - newPods - partition` of the nodes needing a pod get one, the first in
    /// node-name order (`newPods`: nodes with one pod of the current revision and at most one
    /// old pod, before this plan, counted by `new_pods` only when needed).
    pub(crate) fn limit_creates(
        &self,
        snapshot: &Snapshot<'_>,
        new_pods: impl FnOnce() -> i64,
        creates: &mut Vec<usize>,
    ) {
        let desired = || {
            (0..snapshot.nodes.len())
                .filter(|&n| snapshot.placement(n).should_run)
                .count()
        };
        if let Some(max_create) = self.create_room(desired, new_pods) {
            creates.sort_by(|&a, &b| snapshot.node_name(a).cmp(snapshot.node_name(b)));
            creates.truncate(max_create);
        }
    }

    /// How many creates progressive creation allows (`None`: no limit), for `desired` nodes
    /// of which `new_pods` run a pod of the current revision (each counted only when needed).
    pub(crate) fn create_room(
        &self,
        desired: impl FnOnce() -> usize,
        new_pods: impl FnOnce() -> i64,
    ) -> Option<usize> {
        if self.manage_partition == 0 || !self.progressive {
            return None;
        }
        let desired = i64::try_from(desired()).unwrap_or(i64::MAX);
        let partition = self.manage_partition.clamp(0, desired);
        let max_create = desired
            .saturating_sub(new_pods())
            .saturating_sub(partition)
            .max(0);
        Some(usize::try_from(max_create).unwrap_or(usize::MAX))
    }
}

/// Whether an Advanced DaemonSet's pod has finished its pre-delete hook.
pub(crate) fn preparing_delete(pod: &Pod) -> bool {
    pod.metadata
        .labels
        .get(KRUISE_LIFECYCLE_STATE_LABEL)
        .is_some_and(|state| state == PREPARING_DELETE)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::model::{DaemonSetScaleStrategy, DaemonSetStatus, IntOrString};
    use crate::planning::fixture;

    #[test]
    fn an_apps_v1_daemon_set_has_no_kruise_settings() {
        assert!(Kruise::new(&fixture::daemon_set()).is_none());
    }

    #[test]
    fn partition_percentages_scale_against_the_stored_desired_count_rounding_down() {
        let mut ds = fixture::kruise_daemon_set();
        fixture::rolling(&mut ds).partition = Some(IntOrString::from("50%"));
        ds.status = Some(DaemonSetStatus {
            desired_number_scheduled: 5,
            ..Default::default()
        });
        let kruise = Kruise::new(&ds).unwrap();
        assert_eq!(kruise.scope.as_ref().unwrap().partition, 2);
        assert!(!kruise.paused);
        assert_eq!(kruise.burst, None);
    }

    #[test]
    fn a_malformed_partition_fails_the_rolling_update_only() {
        let mut ds = fixture::kruise_daemon_set();
        fixture::rolling(&mut ds).partition = Some(IntOrString::from("half"));
        let kruise = Kruise::new(&ds).unwrap();
        assert!(matches!(
            kruise.scope,
            Err(RollingUpdateError::Budget {
                field: "partition",
                ..
            })
        ));
        assert_eq!(kruise.manage_partition, 0);
    }

    #[test]
    fn paused_and_burst_replicas_are_read() {
        let mut ds = fixture::kruise_daemon_set();
        fixture::rolling(&mut ds).paused = Some(true);
        ds.spec.burst_replicas = Some(IntOrString::Int(7));
        let kruise = Kruise::new(&ds).unwrap();
        assert!(kruise.paused);
        assert_eq!(kruise.burst, Some(7));
    }

    #[test]
    fn progressive_creation_leaves_partition_nodes_without_a_new_pod() {
        let mut ds = fixture::kruise_daemon_set();
        fixture::rolling(&mut ds).partition = Some(IntOrString::Int(2));
        ds.spec.scale_strategy = Some(DaemonSetScaleStrategy {
            partitioned_scaling: Some(true),
        });
        let nodes = fixture::nodes(5);
        // n1 runs a new pod; n2..n5 need one: 5 desired - 1 new - 2 partition = 2 creates.
        let pods = fixture::pods(&ds, &nodes[..1], &[]);
        let kruise = Kruise::new(&ds).unwrap();
        let created = fixture::with_snapshot(&ds, &nodes, &pods, |snapshot| {
            let mut creates = vec![4, 2, 1, 3];
            kruise.limit_creates(snapshot, || 1, &mut creates);
            creates
                .iter()
                .map(|&n| snapshot.node_name(n).to_owned())
                .collect::<Vec<_>>()
        });
        assert_eq!(created, ["n2", "n3"]);
    }

    #[test]
    fn creation_is_not_limited_without_progressive_creation() {
        let mut ds = fixture::kruise_daemon_set();
        fixture::rolling(&mut ds).partition = Some(IntOrString::Int(2));
        let nodes = fixture::nodes(3);
        let kruise = Kruise::new(&ds).unwrap();
        let count = fixture::with_snapshot(&ds, &nodes, &[], |snapshot| {
            let mut creates = vec![0, 1, 2];
            kruise.limit_creates(snapshot, || 0, &mut creates);
            creates.len()
        });
        assert_eq!(count, 3);
    }

    #[test]
    fn preparing_delete_reads_the_lifecycle_label() {
        let ds = fixture::kruise_daemon_set();
        let mut pod = fixture::pod(&ds, "p1", "n1", fixture::NEW);
        assert!(!preparing_delete(&pod));
        pod.metadata
            .labels
            .insert(KRUISE_LIFECYCLE_STATE_LABEL.into(), PREPARING_DELETE.into());
        assert!(preparing_delete(&pod));
    }
}
