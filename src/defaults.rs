//! Defaulting, exactly as the API server applies apps/v1 defaults.
//! (Temporary stub: replaced by the full implementation on the validation branch.)

use crate::model::{DaemonSet, IntOrString, RollingUpdateDaemonSet, UpdateStrategyType};

/// Applies the apps/v1 defaults.
pub fn apply_defaults(ds: &mut DaemonSet) {
    let strategy = &mut ds.spec.update_strategy;
    if strategy.type_.is_none() {
        strategy.type_ = Some(UpdateStrategyType::RollingUpdate);
    }
    if strategy.type_ == Some(UpdateStrategyType::RollingUpdate) {
        let rolling = strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateDaemonSet::default);
        rolling.max_unavailable.get_or_insert(IntOrString::Int(1));
        rolling.max_surge.get_or_insert(IntOrString::Int(0));
    }
    ds.spec.revision_history_limit.get_or_insert(10);
    if ds.spec.template.spec.restart_policy.is_empty() {
        ds.spec.template.spec.restart_policy = "Always".into();
    }
}
