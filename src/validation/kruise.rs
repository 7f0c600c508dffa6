//! OpenKruise Advanced DaemonSets: the update-strategy rules of Kruise's validating webhook.

use crate::model::{
    DaemonSetUpdateStrategy, IntOrString, RollingUpdateDaemonSet, RollingUpdateType,
};

use super::collector::Collector;
use super::strategy::{
    check_at_most_100_percent, check_non_negative_int_or_percent, strict_percent,
    validate_strategy_type,
};

pub(crate) fn validate_kruise_update_strategy(
    strategy: &DaemonSetUpdateStrategy,
    v1alpha1: bool,
    out: &mut Collector,
) {
    validate_strategy_type(strategy, out, |rolling, path, out| {
        validate_kruise_rolling_update(rolling, path, v1alpha1, out);
    });
}

/// Kruise's `getIntOrPercentValue`: the percentage of a valid `N%`, else the integer (a string
/// that is neither reads as 0).
pub(crate) fn kruise_value(value: &IntOrString) -> i64 {
    if let Some(percent) = strict_percent(value) {
        return percent;
    }
    match value {
        IntOrString::Int(number) => i64::from(*number),
        IntOrString::String(text) => crate::model::intstr::parse_go_atoi(text).unwrap_or(0),
    }
}

pub(crate) fn non_zero(value: Option<&IntOrString>) -> Option<&IntOrString> {
    value.filter(|v| kruise_value(v) != 0)
}

pub(crate) fn validate_kruise_rolling_update(
    rolling: &RollingUpdateDaemonSet,
    path: &str,
    v1alpha1: bool,
    out: &mut Collector,
) {
    let unavailable_path = format!("{path}.maxUnavailable");
    let surge_path = format!("{path}.maxSurge");
    let unavailable = non_zero(rolling.max_unavailable.as_ref());
    let surge = non_zero(rolling.max_surge.as_ref());
    for (value, field_path) in [(unavailable, &unavailable_path), (surge, &surge_path)] {
        if let Some(value) = value {
            check_non_negative_int_or_percent(value, field_path, out);
            check_at_most_100_percent(value, field_path, out);
        }
    }
    match (unavailable, surge) {
        (Some(_), Some(max_surge)) => out.invalid(
            surge_path.clone(),
            max_surge,
            "may not be set when maxUnavailable is non-zero",
            "choose one mode: to surge, set `maxUnavailable: 0`; otherwise remove maxSurge",
        ),
        (None, None) => out.required(
            unavailable_path.clone(),
            "cannot be 0 when maxSurge is 0",
            "let at least one node be updated at a time: set maxUnavailable (e.g. 1) or \
             maxSurge (e.g. 1) above zero",
        ),
        _ => {}
    }
    let type_path = format!("{path}.rollingUpdateType");
    let known: &[&str] = if v1alpha1 {
        &["Standard", "Surging", "InPlaceIfPossible"]
    } else {
        &["Standard", "InPlaceIfPossible"]
    };
    match &rolling.rolling_update_type {
        None | Some(RollingUpdateType::Standard) => {}
        Some(RollingUpdateType::InPlaceIfPossible) => {
            if surge.is_some() {
                out.required(
                    surge_path,
                    "must be 0 for InPlaceIfPossible type",
                    "an in-place update replaces the pod where it runs: use maxUnavailable, not \
                     maxSurge",
                );
            }
        }
        Some(RollingUpdateType::Surging) if v1alpha1 => {
            if unavailable.is_some() {
                out.required(
                    unavailable_path,
                    "must be 0 for Surging type",
                    "Surging replaces pods by surging: remove maxUnavailable, or use Standard",
                );
            }
        }
        Some(other) => out.not_supported(
            type_path,
            other.as_str(),
            known,
            "use Standard (the default) or InPlaceIfPossible; Surging is a deprecated v1alpha1 \
             alias of Standard with maxSurge 1",
        ),
    }
    if let Some(partition) = &rolling.partition {
        let partition_path = format!("{path}.partition");
        check_non_negative_int_or_percent(partition, &partition_path, out);
        check_at_most_100_percent(partition, &partition_path, out);
    }
}
