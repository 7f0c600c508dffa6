//! OpenKruise's Advanced DaemonSet: a partition or update selector that updates nothing, and
//! its fields on an apps/v1 object.

use super::{Lint, Severity};
use crate::model::{DaemonSet, IntOrString, Node};
use crate::scheduling::LabelMatcher;

pub(super) fn kruise_scope(daemon_set: &DaemonSet, desired: &[&Node], out: &mut Vec<Lint>) {
    let Some(rolling) = daemon_set.kruise_rolling_update() else {
        return;
    };
    let count = i64::try_from(desired.len()).unwrap_or(i64::MAX);
    if let Some(partition) = &rolling.partition
        && count > 0
        && let Ok(scaled) = partition.scaled_value(count, false)
        && scaled >= count
    {
        let shown = match partition {
            IntOrString::Int(n) => n.to_string(),
            IntOrString::String(text) => format!("{text} ({scaled} nodes)"),
        };
        out.push(Lint::new(
            Severity::Warning,
            "partition-covers-all",
            format!(
                "rollingUpdate.partition {shown} keeps every one of the {count} nodes that \
                 should run the daemon on the old revision: no node will be updated"
            ),
            "lower the partition step by step to roll out (to 0 to finish), or remove it",
        ));
    }
    if let Some(selector) = &rolling.selector
        && let Ok(matcher) = LabelMatcher::new(Some(selector))
        && count > 0
        && !desired.iter().any(|n| matcher.matches(&n.metadata.labels))
    {
        out.push(Lint::new(
            Severity::Warning,
            "update-selector-matches-no-node",
            format!(
                "rollingUpdate.selector `{matcher}` matches none of the {count} nodes that should \
                 run the daemon: no old pod will be updated"
            ),
            "label the nodes to update, or fix or remove rollingUpdate.selector",
        ));
    }
}

pub(super) fn kruise_fields_on_apps_v1(daemon_set: &DaemonSet, out: &mut Vec<Lint>) {
    if daemon_set.is_kruise() {
        return;
    }
    let mut fields = Vec::new();
    if let Some(rolling) = &daemon_set.spec.update_strategy.rolling_update {
        for (set, name) in [
            (rolling.partition.is_some(), "rollingUpdate.partition"),
            (rolling.paused.is_some(), "rollingUpdate.paused"),
            (rolling.selector.is_some(), "rollingUpdate.selector"),
            (
                rolling.rolling_update_type.is_some(),
                "rollingUpdate.rollingUpdateType",
            ),
        ] {
            if set {
                fields.push(name);
            }
        }
    }
    if daemon_set.spec.burst_replicas.is_some() {
        fields.push("burstReplicas");
    }
    if daemon_set.spec.scale_strategy.is_some() {
        fields.push("scaleStrategy");
    }
    if fields.is_empty() {
        return;
    }
    out.push(Lint::new(
        Severity::Info,
        "kruise-field-ignored",
        format!(
            "{} belong to OpenKruise's Advanced DaemonSet: the API server refuses them on an \
             apps/v1 DaemonSet under strict field validation and drops them otherwise",
            fields.join(", ")
        ),
        "use apiVersion apps.kruise.io/v1beta1 (with OpenKruise installed), or remove them",
    ));
}
