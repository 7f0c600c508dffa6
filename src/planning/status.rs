//! The DaemonSet status (what `kubectl get ds` shows), counted from the oldest pod per node.

use super::cluster::Snapshot;
use crate::model::{DaemonSet, DaemonSetStatus};

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

pub(crate) fn compute_status(daemon_set: &DaemonSet, snapshot: &Snapshot<'_>) -> DaemonSetStatus {
    let (mut desired, mut current, mut misscheduled) = (0usize, 0usize, 0usize);
    let (mut ready, mut available, mut updated) = (0usize, 0usize, 0usize);
    for node in 0..snapshot.nodes.len() {
        let pods = snapshot.pods_of(node);
        let scheduled = !pods.is_empty();
        if snapshot.placement(node).should_run {
            desired = desired.saturating_add(1);
            let Some(&oldest) = pods.first() else {
                continue;
            };
            let facts = snapshot.facts(oldest);
            current = current.saturating_add(1);
            if facts.ready() {
                ready = ready.saturating_add(1);
                if facts.available() {
                    available = available.saturating_add(1);
                }
            }
            if facts.updated() {
                updated = updated.saturating_add(1);
            }
        } else if scheduled {
            misscheduled = misscheduled.saturating_add(1);
        }
    }
    let previous = daemon_set.status.clone().unwrap_or_default();
    DaemonSetStatus {
        desired_number_scheduled: count(desired),
        current_number_scheduled: count(current),
        number_misscheduled: count(misscheduled),
        number_ready: count(ready),
        updated_number_scheduled: count(updated),
        number_available: count(available),
        number_unavailable: count(desired.saturating_sub(available)),
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
