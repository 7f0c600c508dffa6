//! The parts of a plan that [`plan`](super::plan) and the incremental
//! [`Planner`](super::Planner) assemble alike: the skip rule, the current revision, the plan of
//! a skipped sync, the burst limit, the actions, and the finishing of a plan (the status,
//! whether it changed, when to plan again). Each planner finds the decisions its own way (a
//! walk over the objects, or indexes kept by events); what a plan is made of is decided here.

use std::time::Duration;

use super::backoff::FailedPodBackoff;
use super::revision::revision_hash;
use super::status::status_changed;
use super::types::{Action, DeleteReason, Plan, RollingUpdateStep, SkipReason};
use crate::model::{DaemonSet, DaemonSetStatus, LabelSelector, Pod};

/// Why a sync of `daemon_set` does nothing at all, if it does not.
pub(crate) fn skip_reason(daemon_set: &DaemonSet) -> Option<SkipReason> {
    // Upstream checks the empty selector before the deletion timestamp.
    if daemon_set.spec.selector.as_ref() == Some(&LabelSelector::default()) {
        Some(SkipReason::SelectsAllPods)
    } else if daemon_set.metadata.deletion_timestamp.is_some() {
        Some(SkipReason::BeingDeleted)
    } else {
        None
    }
}

/// The current revision hash: the one given, or the template's.
pub(crate) fn revision_text(daemon_set: &DaemonSet, given: Option<&str>) -> String {
    match given {
        Some(given) => given.to_owned(),
        None => revision_hash(
            &daemon_set.spec.template,
            daemon_set.status.as_ref().and_then(|s| s.collision_count),
        ),
    }
}

/// The plan of a sync that does nothing: the stored status, the backoff unchanged.
pub(crate) fn skipped_plan(
    daemon_set: &DaemonSet,
    revision: String,
    reason: SkipReason,
    failed_pod_backoff: FailedPodBackoff,
) -> Plan {
    Plan {
        revision,
        actions: Vec::new(),
        status: daemon_set.status.clone().unwrap_or_default(),
        status_changed: false,
        skipped: Some(reason),
        deferred_creates: 0,
        deferred_deletes: 0,
        requeue_after: None,
        failed_pod_backoff,
        rolling_update: None,
    }
}

/// The burst limit on `count` creates (or deletes) in name order: how many run now, and how
/// many are deferred to the next plan.
pub(crate) fn burst_split(count: usize, burst: usize) -> (usize, usize) {
    (count.min(burst), count.saturating_sub(burst))
}

/// The delete action for `pod`, naming the node it is on or aimed at when it has one.
pub(crate) fn delete_action(pod: &Pod, reason: DeleteReason) -> Action {
    Action::Delete {
        pod: pod.metadata.name.clone(),
        node: (!pod.spec.node_name.is_empty()).then(|| pod.spec.node_name.clone()),
        reason,
    }
}

/// A plan's parts once the actions are decided.
pub(crate) struct Parts {
    pub(crate) revision: String,
    pub(crate) actions: Vec<Action>,
    pub(crate) status: DaemonSetStatus,
    pub(crate) deferred_creates: usize,
    pub(crate) deferred_deletes: usize,
    /// The shortest failed-pod backoff still holding a deletion back.
    pub(crate) backoff_requeue: Option<Duration>,
    pub(crate) failed_pod_backoff: FailedPodBackoff,
    pub(crate) rolling_update: Option<RollingUpdateStep>,
}

impl Parts {
    /// The plan: whether the status changed, and when to plan again (the failed-pod backoff,
    /// or minReadySeconds while ready pods are not yet available).
    pub(crate) fn finish(self, daemon_set: &DaemonSet) -> Plan {
        let status_changed = status_changed(daemon_set, &self.status);
        let min_ready = daemon_set.spec.min_ready_seconds;
        let mut requeue_after = self.backoff_requeue;
        if min_ready > 0 && self.status.number_ready != self.status.number_available {
            let wait = Duration::from_secs(u64::try_from(min_ready).unwrap_or(0));
            requeue_after = Some(requeue_after.map_or(wait, |d| d.min(wait)));
        }
        Plan {
            revision: self.revision,
            actions: self.actions,
            status: self.status,
            status_changed,
            skipped: None,
            deferred_creates: self.deferred_creates,
            deferred_deletes: self.deferred_deletes,
            requeue_after,
            failed_pod_backoff: self.failed_pod_backoff,
            rolling_update: self.rolling_update,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_runs_the_first_and_defers_the_rest() {
        assert_eq!(burst_split(300, 250), (250, 50));
        assert_eq!(burst_split(3, 250), (3, 0));
        assert_eq!(burst_split(5, 0), (0, 5));
    }

    #[test]
    fn the_empty_selector_is_checked_before_the_deletion_timestamp() {
        let mut ds = DaemonSet::default();
        assert_eq!(skip_reason(&ds), None);
        ds.metadata.deletion_timestamp = crate::model::Time::from_unix_seconds(0);
        assert_eq!(skip_reason(&ds), Some(SkipReason::BeingDeleted));
        ds.spec.selector = Some(LabelSelector::default());
        assert_eq!(skip_reason(&ds), Some(SkipReason::SelectsAllPods));
    }

    #[test]
    fn min_ready_seconds_requeues_while_ready_pods_are_not_available() {
        let mut ds = DaemonSet::default();
        ds.spec.min_ready_seconds = 30;
        let parts = |ready, available, backoff| Parts {
            revision: "r".into(),
            actions: Vec::new(),
            status: DaemonSetStatus {
                number_ready: ready,
                number_available: available,
                ..Default::default()
            },
            deferred_creates: 0,
            deferred_deletes: 0,
            backoff_requeue: backoff,
            failed_pod_backoff: FailedPodBackoff::default(),
            rolling_update: None,
        };
        let plan = parts(3, 2, None).finish(&ds);
        assert_eq!(plan.requeue_after, Some(Duration::from_secs(30)));
        let plan = parts(3, 2, Some(Duration::from_secs(10))).finish(&ds);
        assert_eq!(plan.requeue_after, Some(Duration::from_secs(10)));
        let plan = parts(3, 3, None).finish(&ds);
        assert_eq!(plan.requeue_after, None);
        assert!(plan.status_changed);
    }
}
