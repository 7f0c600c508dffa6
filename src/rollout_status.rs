//! `kubectl rollout status daemonset/NAME`: whether a rollout is done, from the status.

use std::fmt;

use crate::model::DaemonSet;

/// The verdict of `kubectl rollout status` on a DaemonSet.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[derive(serde::Serialize)]
pub struct RolloutStatus {
    /// Whether the rollout has finished (`kubectl rollout status` stops waiting).
    pub done: bool,
    /// What kubectl prints, without its trailing newline.
    pub message: String,
}

impl fmt::Display for RolloutStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Says whether the DaemonSet's rollout is done, with the message `kubectl rollout status`
/// prints, judged, as kubectl judges it, from `metadata.generation` and `status` alone:
///
/// - strategy not `RollingUpdate` (OnDelete, or a type absent before defaulting): not done,
///   `rollout status is only available for RollingUpdate strategy type` (kubectl exits with
///   this as an error);
/// - `status.observedGeneration` below `metadata.generation`: `Waiting for daemon set spec
///   update to be observed...`;
/// - `updatedNumberScheduled` below `desiredNumberScheduled`: `Waiting for daemon set "NAME"
///   rollout to finish: N out of M new pods have been updated...`;
/// - `numberAvailable` below `desiredNumberScheduled`: `Waiting for daemon set "NAME" rollout to
///   finish: N of M updated pods are available...`;
/// - otherwise done: `daemon set "NAME" successfully rolled out`.
///
/// To judge the state a plan leads to, pass the DaemonSet with the plan's status
/// ([`crate::Plan::status`]) in place of its own; the plan's status counts the pods as given,
/// before the plan's actions, as the status upstream writes does.
///
/// ```
/// use daemonset_planner::{rollout_status, DaemonSet, DaemonSetStatus};
/// use daemonset_planner::model::UpdateStrategyType;
///
/// let mut ds = DaemonSet::default();
/// ds.metadata.name = "fluentd".into();
/// ds.metadata.generation = Some(2);
/// ds.spec.update_strategy.type_ = Some(UpdateStrategyType::RollingUpdate);
/// ds.status = Some(DaemonSetStatus {
///     observed_generation: Some(2),
///     desired_number_scheduled: 5,
///     updated_number_scheduled: 3,
///     ..Default::default()
/// });
/// let status = rollout_status(&ds);
/// assert!(!status.done);
/// assert_eq!(
///     status.message,
///     r#"Waiting for daemon set "fluentd" rollout to finish: 3 out of 5 new pods have been updated..."#
/// );
/// ```
pub fn rollout_status(daemon_set: &DaemonSet) -> RolloutStatus {
    let waiting = |message: String| RolloutStatus {
        done: false,
        message,
    };
    if !daemon_set.is_rolling_update() {
        return waiting("rollout status is only available for RollingUpdate strategy type".into());
    }
    let status = daemon_set.status.clone().unwrap_or_default();
    let generation = daemon_set.metadata.generation.unwrap_or(0);
    if generation > status.observed_generation.unwrap_or(0) {
        return waiting("Waiting for daemon set spec update to be observed...".into());
    }
    let name = GoQuoted(&daemon_set.metadata.name);
    let desired = status.desired_number_scheduled;
    if status.updated_number_scheduled < desired {
        return waiting(format!(
            "Waiting for daemon set {name} rollout to finish: {} out of {desired} new pods have \
             been updated...",
            status.updated_number_scheduled
        ));
    }
    if status.number_available < desired {
        return waiting(format!(
            "Waiting for daemon set {name} rollout to finish: {} of {desired} updated pods are \
             available...",
            status.number_available
        ));
    }
    RolloutStatus {
        done: true,
        message: format!("daemon set {name} successfully rolled out"),
    }
}

/// A string quoted as Go's `%q` quotes it (the same as Rust's escaping for every character a
/// Kubernetes name may hold).
struct GoQuoted<'a>(&'a str);

impl fmt::Display for GoQuoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}
