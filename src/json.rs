//! How the output types serialize where a derive alone cannot say it: reasons as their words,
//! condition statuses as `"True"`/`"False"`, durations in seconds. Used through
//! `#[serde(serialize_with = "...")]` on the output types, so that serializing a [`crate::Plan`],
//! an [`crate::UpdateBatch`], a [`crate::history::HistoryPlan`] and the rest gives the JSON that
//! `kubectl-dsplan -o json` prints.

use std::fmt::Display;
use std::time::Duration;

use serde::ser::{SerializeMap, SerializeSeq, Serializer};

use crate::model::DaemonSetStatus;
use crate::planning::{BudgetUseReason, PauseReason, RollingUpdateError};

/// A value as its `Display` text.
pub(crate) fn display<T: Display, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

/// An optional value as its `Display` text, or `null`.
pub(crate) fn display_option<T: Display, S: Serializer>(
    value: &Option<T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => s.collect_str(value),
        None => s.serialize_none(),
    }
}

/// Whether an optional value is there.
pub(crate) fn is_some<T, S: Serializer>(value: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_bool(value.is_some())
}

/// A condition status as Kubernetes writes it.
pub(crate) fn condition_status<S: Serializer>(status: &bool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if *status { "True" } else { "False" })
}

/// An optional duration in whole seconds, or `null`.
pub(crate) fn seconds<S: Serializer>(value: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(duration) => s.serialize_u64(duration.as_secs()),
        None => s.serialize_none(),
    }
}

/// Why a node uses the rolling-update budget, in words.
pub(crate) fn budget_use_reason<S: Serializer>(
    why: &BudgetUseReason,
    s: S,
) -> Result<S::Ok, S::Error> {
    match why {
        BudgetUseReason::NoPod => s.serialize_str("no pod"),
        BudgetUseReason::SeveralPods => s.serialize_str("several pods"),
        BudgetUseReason::OldAndNew => s.serialize_str("old and new pod"),
        BudgetUseReason::NotReady => s.serialize_str("pod not ready"),
        BudgetUseReason::Created => s.serialize_str("new pod created now"),
        BudgetUseReason::WithinMinReadySeconds(at) => {
            s.collect_str(&format_args!("pod ready, available at {at}"))
        }
        BudgetUseReason::OldUnavailable => s.serialize_str("old pod unavailable, replaced now"),
        BudgetUseReason::Surging => s.serialize_str("surge pod starting"),
    }
}

/// `(pod, hash)` pairs as `{"pod": ..., "hash": ...}` objects.
pub(crate) fn relabel<S: Serializer>(pairs: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(pairs.len()))?;
    for (pod, hash) in pairs {
        seq.serialize_element(&serde_json::json!({"pod": pod, "hash": hash}))?;
    }
    seq.end()
}

/// A failed rolling-update step as `{"error": ...}`.
pub(crate) fn rolling_update_error<S: Serializer>(
    error: &RollingUpdateError,
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(1))?;
    map.serialize_entry("error", &error.to_string())?;
    map.end()
}

/// A rolling-update step that did not run as `{"paused": true, "reason": ...}`.
pub(crate) fn pause_reason<S: Serializer>(reason: &PauseReason, s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(2))?;
    map.serialize_entry("paused", &true)?;
    map.serialize_entry("reason", &reason.to_string())?;
    map.end()
}

/// The status counts `kubectl get ds` shows (without `collisionCount` and `conditions`),
/// `observedGeneration` as `null` when unset.
pub(crate) fn status_counts<S: Serializer>(
    status: &DaemonSetStatus,
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(8))?;
    map.serialize_entry("desiredNumberScheduled", &status.desired_number_scheduled)?;
    map.serialize_entry("currentNumberScheduled", &status.current_number_scheduled)?;
    map.serialize_entry("numberMisscheduled", &status.number_misscheduled)?;
    map.serialize_entry("numberReady", &status.number_ready)?;
    map.serialize_entry("updatedNumberScheduled", &status.updated_number_scheduled)?;
    map.serialize_entry("numberAvailable", &status.number_available)?;
    map.serialize_entry("numberUnavailable", &status.number_unavailable)?;
    map.serialize_entry("observedGeneration", &status.observed_generation)?;
    map.end()
}

#[cfg(test)]
#[cfg(feature = "yaml")]
mod tests {
    use serde_json::json;

    use crate::{
        PlanOptions, Time, apply_defaults, conditions, explain, lint, load_daemonset, load_nodes,
        load_pods, plan, preview_rollout,
    };

    #[test]
    fn the_output_types_serialize_as_the_cli_prints_them() {
        let mut ds =
            load_daemonset(include_str!("../examples/data/fluentd-elasticsearch.yaml")).unwrap();
        apply_defaults(&mut ds);
        let nodes = load_nodes(include_str!("../examples/data/nodes.yaml")).unwrap();
        let pods = load_pods(include_str!("../examples/data/pods.yaml")).unwrap();
        let options = PlanOptions::new(Time::parse("2026-11-22T10:00:00Z").unwrap());
        let planned = plan(&ds, &nodes, &pods, &options).unwrap();
        let value = serde_json::to_value(&planned).unwrap();
        assert_eq!(
            value["actions"],
            json!([
                {"action": "create", "node": "worker-4", "reason": "missing"},
                {"action": "delete", "pod": "fluentd-elasticsearch-c2n5t", "node": "worker-3",
                 "reason": "outdated-unavailable"},
            ])
        );
        assert_eq!(value["status"]["updatedNumberScheduled"], 2);
        assert!(value["status"].get("collisionCount").is_none());
        assert_eq!(value["skipped"], json!(null));
        assert_eq!(value["requeueAfterSeconds"], json!(null));
        assert!(value.get("failedPodBackoff").is_none());
        let batch = &value["rollingUpdate"];
        assert_eq!(batch["mode"], "maxUnavailable");
        assert_eq!(
            batch["used"][0],
            json!({"node": "worker-3", "reason": "old pod unavailable, replaced now"})
        );

        let explained = explain(&ds, &nodes, &pods, &planned, &options).unwrap();
        let worker_3 = serde_json::to_value(&explained[3]).unwrap();
        assert_eq!(worker_3["node"], "worker-3");
        assert_eq!(worker_3["shouldRun"], false);
        assert_eq!(worker_3["outdated"], true);
        assert!(worker_3["cause"].as_str().unwrap().contains("not-ready"));
        assert!(worker_3.get("actions").is_none());

        let found = conditions(
            &ds,
            &nodes,
            &planned,
            &crate::rollout::ConditionOptions::new(options.now),
        );
        let first = serde_json::to_value(&found[0]).unwrap();
        assert_eq!(first["type"], "Available");
        assert_eq!(first["status"], "True");

        let preview = preview_rollout(&ds, &nodes, &pods, &options, 10).unwrap();
        let preview = serde_json::to_value(&preview).unwrap();
        assert_eq!(preview["durationSeconds"], 30);
        assert_eq!(
            preview["batches"][0],
            json!({"at": "2026-11-22T10:00:00Z", "nodes": ["worker-3"]})
        );

        let lints = serde_json::to_value(lint(&ds, &nodes)).unwrap();
        for found in lints.as_array().unwrap() {
            assert!(["error", "warning", "info"].contains(&found["severity"].as_str().unwrap()));
        }
    }
}
