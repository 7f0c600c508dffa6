//! The DaemonSet status (what `kubectl get ds` shows), counted from the oldest pod per node.

use super::cluster::Snapshot;
use crate::model::{DaemonSet, DaemonSetStatus};

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

pub(crate) fn compute_status(daemon_set: &DaemonSet, snapshot: &Snapshot<'_>) -> DaemonSetStatus {
    let mut counts = StatusCounts::default();
    for node in 0..snapshot.nodes.len() {
        let pods = snapshot.pods_of(node);
        let scheduled = !pods.is_empty();
        if snapshot.placement(node).should_run {
            counts.desired = counts.desired.saturating_add(1);
            let Some(oldest) = pods.first() else {
                continue;
            };
            let facts = snapshot.facts(oldest);
            counts.current = counts.current.saturating_add(1);
            if facts.ready() {
                counts.ready = counts.ready.saturating_add(1);
                if facts.available() {
                    counts.available = counts.available.saturating_add(1);
                }
            }
            if facts.updated() {
                counts.updated = counts.updated.saturating_add(1);
            }
        } else if scheduled {
            counts.misscheduled = counts.misscheduled.saturating_add(1);
        }
    }
    status_from_counts(daemon_set, &counts)
}

/// The six node counts the status is made of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct StatusCounts {
    pub(crate) desired: usize,
    pub(crate) current: usize,
    pub(crate) misscheduled: usize,
    pub(crate) ready: usize,
    pub(crate) available: usize,
    pub(crate) updated: usize,
}

/// The status to write from the node counts, keeping what the controller does not count.
pub(crate) fn status_from_counts(daemon_set: &DaemonSet, counts: &StatusCounts) -> DaemonSetStatus {
    let previous = daemon_set.status.clone().unwrap_or_default();
    DaemonSetStatus {
        desired_number_scheduled: count(counts.desired),
        current_number_scheduled: count(counts.current),
        number_misscheduled: count(counts.misscheduled),
        number_ready: count(counts.ready),
        updated_number_scheduled: count(counts.updated),
        number_available: count(counts.available),
        number_unavailable: count(counts.desired.saturating_sub(counts.available)),
        observed_generation: daemon_set
            .metadata
            .generation
            .or(previous.observed_generation),
        collision_count: previous.collision_count,
        conditions: previous.conditions,
    }
}

/// Upstream writes the status unless all seven counters are unchanged and the stored
/// observedGeneration has caught up.
pub(crate) fn status_changed(daemon_set: &DaemonSet, new: &DaemonSetStatus) -> bool {
    let Some(old) = daemon_set.status.as_ref() else {
        return true;
    };
    let counters = |s: &DaemonSetStatus| {
        [
            s.desired_number_scheduled,
            s.current_number_scheduled,
            s.number_misscheduled,
            s.number_ready,
            s.updated_number_scheduled,
            s.number_available,
            s.number_unavailable,
        ]
    };
    let generation_seen =
        old.observed_generation.unwrap_or(0) >= daemon_set.metadata.generation.unwrap_or(0);
    counters(old) != counters(new) || !generation_seen
}
