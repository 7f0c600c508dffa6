//! The failed-pod backoff: how often the controller may delete a Failed daemon pod on a node.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::model::Time;

/// First delay after a Failed pod is deleted.
pub const INITIAL_DELAY: Duration = Duration::from_secs(1);
/// Longest delay.
pub const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// An entry older than this starts over at [`INITIAL_DELAY`] (and is dropped).
pub const ENTRY_EXPIRY: Duration = Duration::from_secs(30 * 60);

/// Failed-pod backoff state, kept by the caller between plans (upstream keeps it in the
/// controller's memory). Keys are `<daemonset uid>/<observedGeneration>/<node>`, so a processed
/// spec change starts afresh. Pass it in [`crate::PlanOptions::failed_pod_backoff`] and store
/// [`crate::Plan::failed_pod_backoff`] for the next plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedPodBackoff {
    entries: BTreeMap<String, BackoffEntry>,
}

/// One backoff entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackoffEntry {
    /// The current delay, in seconds.
    pub delay_seconds: u64,
    /// When a Failed pod was last deleted under this key.
    pub last_update: Time,
}

impl FailedPodBackoff {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// The entries, by key.
    pub fn entries(&self) -> &BTreeMap<String, BackoffEntry> {
        &self.entries
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn key(daemon_set_uid: &str, observed_generation: i64, node: &str) -> String {
        format!("{daemon_set_uid}/{observed_generation}/{node}")
    }

    /// `Some(delay)` when `key` is in backoff at `now`: do not delete, plan again after `delay`.
    pub(crate) fn in_backoff(&self, key: &str, now: Time) -> Option<Duration> {
        self.entries.get(key)?.in_backoff(now)
    }

    /// Records a deletion under `key` at `now`: the delay starts at one second and doubles up to
    /// fifteen minutes; an expired entry starts over.
    pub(crate) fn record(&mut self, key: String, now: Time) {
        let entry = BackoffEntry::next(self.entries.get(&key), now);
        self.entries.insert(key, entry);
    }

    /// Drops entries that have expired at `now`, as upstream's periodic garbage collection does.
    pub(crate) fn collect_garbage(&mut self, now: Time) {
        self.entries
            .retain(|_, entry| now.seconds_since(entry.last_update) <= secs(ENTRY_EXPIRY));
    }
}

impl BackoffEntry {
    /// `Some(delay)` when this entry holds deletions back at `now`.
    pub(crate) fn in_backoff(&self, now: Time) -> Option<Duration> {
        let age = now.seconds_since(self.last_update);
        let expired = age > secs(ENTRY_EXPIRY);
        let delay = i64::try_from(self.delay_seconds).unwrap_or(i64::MAX);
        (!expired && age < delay).then(|| Duration::from_secs(self.delay_seconds))
    }

    /// The entry after a deletion at `now`: the delay starts at one second and doubles up to
    /// fifteen minutes; an expired (or missing) entry starts over.
    pub(crate) fn next(previous: Option<&BackoffEntry>, now: Time) -> BackoffEntry {
        let delay = match previous {
            Some(entry) if now.seconds_since(entry.last_update) <= secs(ENTRY_EXPIRY) => entry
                .delay_seconds
                .saturating_mul(2)
                .min(MAX_DELAY.as_secs()),
            _ => INITIAL_DELAY.as_secs(),
        };
        BackoffEntry {
            delay_seconds: delay,
            last_update: now,
        }
    }
}

fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test times are small constants
mod tests {
    use super::*;

    fn at(seconds: i64) -> Time {
        Time::from_unix_seconds(1_700_000_000 + seconds).unwrap()
    }

    #[test]
    fn delays_double_up_to_the_maximum_and_expire() {
        let mut b = FailedPodBackoff::new();
        let key = "uid/1/n1".to_string();
        assert_eq!(b.in_backoff(&key, at(0)), None);
        b.record(key.clone(), at(0));
        assert_eq!(b.in_backoff(&key, at(0)), Some(Duration::from_secs(1)));
        assert_eq!(b.in_backoff(&key, at(1)), None);
        b.record(key.clone(), at(1));
        assert_eq!(b.entries()[&key].delay_seconds, 2);
        for i in 0..20 {
            b.record(key.clone(), at(2 + i));
        }
        assert_eq!(b.entries()[&key].delay_seconds, 900);
        b.record(key.clone(), at(10_000));
        assert_eq!(b.entries()[&key].delay_seconds, 1);
        b.collect_garbage(at(10_000 + 1801));
        assert!(b.is_empty());
    }
}
