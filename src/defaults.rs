//! Defaulting, exactly as the API server applies apps/v1 defaults.
//!
//! The API server defaults every object it decodes, before validation and before the controller
//! sees it. A manifest read from disk has not been through that, so callers that accept raw
//! manifests apply [`apply_defaults`] first; planning an undefaulted object would, for example,
//! treat an absent update strategy as unknown rather than as `RollingUpdate`.
//!
//! An OpenKruise Advanced DaemonSet (`apps.kruise.io`) is defaulted by Kruise's mutating webhook
//! instead, which [`apply_kruise_defaults`] reproduces; [`apply_defaults`] picks one or the other
//! by the object's `apiVersion`.

use crate::model::{
    DaemonSet, IntOrString, RollingUpdateDaemonSet, RollingUpdateType, UpdateStrategyType,
};

/// `spec.revisionHistoryLimit` when the manifest does not set it.
const DEFAULT_REVISION_HISTORY_LIMIT: i32 = 10;
/// `rollingUpdate.maxUnavailable` when the manifest does not set it.
const DEFAULT_MAX_UNAVAILABLE: i32 = 1;
/// `rollingUpdate.maxSurge` when the manifest does not set it.
const DEFAULT_MAX_SURGE: i32 = 0;
/// The only restart policy a DaemonSet template may have, and the pod-spec default.
const DEFAULT_RESTART_POLICY: &str = "Always";
/// An Advanced DaemonSet's `spec.burstReplicas` when the manifest does not set it.
const KRUISE_DEFAULT_BURST_REPLICAS: i32 = 250;

/// Fills in the fields the API server defaults when it decodes an apps/v1 DaemonSet.
///
/// - `spec.updateStrategy.type` absent (or empty) becomes `RollingUpdate`;
/// - for `RollingUpdate` only: an absent `rollingUpdate` block becomes `{}`, an absent
///   `maxUnavailable` becomes `1` and an absent `maxSurge` becomes `0`. A value that is present
///   is never changed, even `0` or `"0%"`, and neither field looks at the other: a manifest that
///   only writes `maxSurge: 1` ends up with `maxUnavailable: 1` as well and fails validation;
/// - for `OnDelete` or an unknown type the `rollingUpdate` block is left exactly as written
///   (not created, not filled, not cleared);
/// - `spec.revisionHistoryLimit` absent becomes `10`;
/// - the template's `restartPolicy`, when empty, becomes `Always` (the pod-spec default).
///
/// Deliberately not defaulted, as in apps/v1:
/// - `spec.selector` is not derived from the template labels, and `metadata.labels` are not
///   copied from them (only the long-removed extensions/v1beta1 API did that);
/// - tolerations are left alone: an absent `operator` stays absent and means `Equal`, an absent
///   `effect` stays absent and means every effect. The tolerations the controller adds to the
///   pods it creates are not part of the stored template.
///
/// Applying the defaults twice gives the same result as applying them once.
///
/// An OpenKruise Advanced DaemonSet ([`DaemonSet::is_kruise`]) gets Kruise's defaults instead:
/// see [`apply_kruise_defaults`].
///
/// ```
/// use daemonset_planner::{apply_defaults, DaemonSet, IntOrString};
/// use daemonset_planner::model::UpdateStrategyType;
/// let mut ds = DaemonSet::default();
/// apply_defaults(&mut ds);
/// let strategy = &ds.spec.update_strategy;
/// assert_eq!(strategy.type_, Some(UpdateStrategyType::RollingUpdate));
/// let rolling = strategy.rolling_update.as_ref().map(|r| (r.max_unavailable.clone(), r.max_surge.clone()));
/// assert_eq!(rolling, Some((Some(IntOrString::Int(1)), Some(IntOrString::Int(0)))));
/// assert_eq!(ds.spec.revision_history_limit, Some(10));
/// assert_eq!(ds.spec.template.spec.restart_policy, "Always");
/// ```
pub fn apply_defaults(ds: &mut DaemonSet) {
    if ds.is_kruise() {
        apply_kruise_defaults(ds);
        return;
    }
    let strategy = &mut ds.spec.update_strategy;
    let type_is_empty = match &strategy.type_ {
        None => true,
        Some(UpdateStrategyType::Other(text)) => text.is_empty(),
        Some(_) => false,
    };
    if type_is_empty {
        strategy.type_ = Some(UpdateStrategyType::RollingUpdate);
    }
    if strategy.type_ == Some(UpdateStrategyType::RollingUpdate) {
        let rolling = strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateDaemonSet::default);
        rolling
            .max_unavailable
            .get_or_insert(IntOrString::Int(DEFAULT_MAX_UNAVAILABLE));
        rolling
            .max_surge
            .get_or_insert(IntOrString::Int(DEFAULT_MAX_SURGE));
    }
    ds.spec
        .revision_history_limit
        .get_or_insert(DEFAULT_REVISION_HISTORY_LIMIT);

    let pod_spec = &mut ds.spec.template.spec;
    if pod_spec.restart_policy.is_empty() {
        pod_spec.restart_policy = DEFAULT_RESTART_POLICY.to_owned();
    }
}

/// Fills in the fields OpenKruise's mutating webhook defaults on an Advanced DaemonSet
/// (`apps.kruise.io/v1alpha1` and `v1beta1` alike):
///
/// - `spec.burstReplicas` absent becomes `250`;
/// - `spec.updateStrategy.type` absent (or empty) becomes `RollingUpdate`;
/// - for `RollingUpdate` only: an absent `rollingUpdate` becomes `{}`; with `rollingUpdateType:
///   Surging` an absent `maxSurge` becomes `1` and an absent `maxUnavailable` becomes `0`; an
///   empty or `Surging` type becomes `Standard`; then, only when *both* `maxUnavailable` and
///   `maxSurge` are absent, they become `1` and `0` (when one of them is set the other stays
///   absent, and the controller reads it as 0);
/// - `spec.revisionHistoryLimit` absent becomes `10`;
/// - the template's `restartPolicy`, when empty, becomes `Always` (the pod-spec default).
///
/// So `Surging` with no budgets surges one pod at a time, while `Standard` with no budgets
/// replaces one pod at a time. Kruise's webhook applies the `Surging` rule in v1beta1 too, so a
/// v1beta1 `Surging` is accepted after defaulting although v1beta1 validation lists only
/// `Standard` and `InPlaceIfPossible`.
///
/// [`apply_defaults`] calls this for Advanced DaemonSets; calling it on an apps/v1 object
/// applies Kruise's rules to it all the same. Applying it twice gives the same result as once.
///
/// ```
/// use daemonset_planner::{apply_defaults, load_daemonset, IntOrString};
/// use daemonset_planner::model::RollingUpdateType;
/// let mut ds = load_daemonset(
///     "apiVersion: apps.kruise.io/v1alpha1
/// kind: DaemonSet
/// metadata: {name: agent}
/// spec:
///   updateStrategy:
///     rollingUpdate: {rollingUpdateType: Surging}
/// ",
/// )?;
/// apply_defaults(&mut ds);
/// let rolling = ds.spec.update_strategy.rolling_update.unwrap();
/// assert_eq!(rolling.rolling_update_type, Some(RollingUpdateType::Standard));
/// assert_eq!(rolling.max_surge, Some(IntOrString::Int(1)));
/// assert_eq!(rolling.max_unavailable, Some(IntOrString::Int(0)));
/// assert_eq!(ds.spec.burst_replicas, Some(IntOrString::Int(250)));
/// # Ok::<(), daemonset_planner::LoadError>(())
/// ```
pub fn apply_kruise_defaults(ds: &mut DaemonSet) {
    ds.spec
        .burst_replicas
        .get_or_insert(IntOrString::Int(KRUISE_DEFAULT_BURST_REPLICAS));
    let strategy = &mut ds.spec.update_strategy;
    let type_is_empty = match &strategy.type_ {
        None => true,
        Some(UpdateStrategyType::Other(text)) => text.is_empty(),
        Some(_) => false,
    };
    if type_is_empty {
        strategy.type_ = Some(UpdateStrategyType::RollingUpdate);
    }
    if strategy.type_ == Some(UpdateStrategyType::RollingUpdate) {
        let rolling = strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateDaemonSet::default);
        let type_ = rolling.rolling_update_type.clone();
        if type_ == Some(RollingUpdateType::Surging) {
            rolling.max_surge.get_or_insert(IntOrString::Int(1));
            rolling.max_unavailable.get_or_insert(IntOrString::Int(0));
        }
        let type_is_empty = match &type_ {
            None | Some(RollingUpdateType::Surging) => true,
            Some(RollingUpdateType::Other(text)) => text.is_empty(),
            Some(_) => false,
        };
        if type_is_empty {
            rolling.rolling_update_type = Some(RollingUpdateType::Standard);
        }
        if rolling.max_unavailable.is_none() && rolling.max_surge.is_none() {
            rolling.max_unavailable = Some(IntOrString::Int(DEFAULT_MAX_UNAVAILABLE));
            rolling.max_surge = Some(IntOrString::Int(DEFAULT_MAX_SURGE));
        }
    }
    ds.spec
        .revision_history_limit
        .get_or_insert(DEFAULT_REVISION_HISTORY_LIMIT);
    let pod_spec = &mut ds.spec.template.spec;
    if pod_spec.restart_policy.is_empty() {
        pod_spec.restart_policy = DEFAULT_RESTART_POLICY.to_owned();
    }
}

/// A defaulted copy of `ds`; see [`apply_defaults`].
///
/// ```
/// use daemonset_planner::DaemonSet;
/// use daemonset_planner::defaults::defaulted;
/// let raw = DaemonSet::default();
/// let ds = defaulted(&raw);
/// assert_eq!(ds.spec.revision_history_limit, Some(10));
/// assert_eq!(raw.spec.revision_history_limit, None);
/// ```
#[must_use]
pub fn defaulted(ds: &DaemonSet) -> DaemonSet {
    let mut copy = ds.clone();
    apply_defaults(&mut copy);
    copy
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DaemonSetUpdateStrategy, Toleration};

    fn strategy(
        type_: Option<UpdateStrategyType>,
        rolling: Option<RollingUpdateDaemonSet>,
    ) -> DaemonSet {
        let mut ds = DaemonSet::default();
        ds.spec.update_strategy = DaemonSetUpdateStrategy {
            type_,
            rolling_update: rolling,
        };
        ds
    }

    fn rolling(
        max_unavailable: Option<IntOrString>,
        max_surge: Option<IntOrString>,
    ) -> RollingUpdateDaemonSet {
        RollingUpdateDaemonSet {
            max_unavailable,
            max_surge,
            ..RollingUpdateDaemonSet::default()
        }
    }

    #[test]
    fn an_empty_daemonset_gets_a_rolling_update_of_one_unavailable_node() {
        let ds = defaulted(&DaemonSet::default());
        assert_eq!(
            ds.spec.update_strategy,
            DaemonSetUpdateStrategy {
                type_: Some(UpdateStrategyType::RollingUpdate),
                rolling_update: Some(rolling(
                    Some(IntOrString::Int(1)),
                    Some(IntOrString::Int(0))
                )),
            }
        );
        assert_eq!(ds.spec.revision_history_limit, Some(10));
        assert_eq!(ds.spec.template.spec.restart_policy, "Always");
    }

    #[test]
    fn an_empty_type_string_counts_as_absent() {
        let ds = defaulted(&strategy(
            Some(UpdateStrategyType::Other(String::new())),
            None,
        ));
        assert_eq!(
            ds.spec.update_strategy.type_,
            Some(UpdateStrategyType::RollingUpdate)
        );
    }

    #[test]
    fn present_values_are_kept_even_when_zero() {
        let ds = defaulted(&strategy(
            Some(UpdateStrategyType::RollingUpdate),
            Some(rolling(Some(IntOrString::from("0%")), None)),
        ));
        assert_eq!(
            ds.spec.update_strategy.rolling_update,
            Some(rolling(
                Some(IntOrString::from("0%")),
                Some(IntOrString::Int(0))
            ))
        );
    }

    #[test]
    fn max_surge_alone_still_gets_the_default_max_unavailable() {
        let ds = defaulted(&strategy(
            None,
            Some(rolling(None, Some(IntOrString::Int(1)))),
        ));
        assert_eq!(
            ds.spec.update_strategy.rolling_update,
            Some(rolling(
                Some(IntOrString::Int(1)),
                Some(IntOrString::Int(1))
            ))
        );
    }

    #[test]
    fn on_delete_and_unknown_types_keep_rolling_update_as_written() {
        for type_ in [
            UpdateStrategyType::OnDelete,
            UpdateStrategyType::Other("Rolling".to_owned()),
        ] {
            let absent = defaulted(&strategy(Some(type_.clone()), None));
            assert_eq!(absent.spec.update_strategy.rolling_update, None);

            let partial = Some(rolling(None, Some(IntOrString::Int(2))));
            let kept = defaulted(&strategy(Some(type_.clone()), partial.clone()));
            assert_eq!(kept.spec.update_strategy.rolling_update, partial);
            assert_eq!(kept.spec.update_strategy.type_, Some(type_));
        }
    }

    #[test]
    fn revision_history_limit_zero_and_negative_are_kept() {
        for limit in [0, -1, 3] {
            let mut ds = DaemonSet::default();
            ds.spec.revision_history_limit = Some(limit);
            assert_eq!(defaulted(&ds).spec.revision_history_limit, Some(limit));
        }
    }

    #[test]
    fn a_restart_policy_that_is_set_is_kept() {
        let mut ds = DaemonSet::default();
        ds.spec.template.spec.restart_policy = "Never".to_owned();
        assert_eq!(defaulted(&ds).spec.template.spec.restart_policy, "Never");
    }

    #[test]
    fn selector_labels_and_tolerations_are_not_defaulted() {
        let mut ds = DaemonSet::default();
        ds.spec
            .template
            .metadata
            .labels
            .insert("app".to_owned(), "fluentd".to_owned());
        ds.spec.template.spec.tolerations.push(Toleration {
            key: "dedicated".to_owned(),
            ..Toleration::default()
        });
        let out = defaulted(&ds);
        assert_eq!(out.spec.selector, None);
        assert!(out.metadata.labels.is_empty());
        assert_eq!(
            out.spec.template.spec.tolerations,
            ds.spec.template.spec.tolerations
        );
        assert_eq!(
            out.spec
                .template
                .spec
                .tolerations
                .first()
                .and_then(|t| t.operator.clone()),
            None
        );
    }

    fn kruise(version: &str, rolling: Option<RollingUpdateDaemonSet>) -> DaemonSet {
        let mut ds = strategy(None, rolling);
        ds.api_version = format!("apps.kruise.io/{version}");
        ds
    }

    fn kruise_rolling(
        type_: Option<RollingUpdateType>,
        max_unavailable: Option<IntOrString>,
        max_surge: Option<IntOrString>,
    ) -> RollingUpdateDaemonSet {
        RollingUpdateDaemonSet {
            rolling_update_type: type_,
            ..rolling(max_unavailable, max_surge)
        }
    }

    #[test]
    fn kruise_standard_without_budgets_replaces_one_at_a_time() {
        let ds = defaulted(&kruise("v1beta1", None));
        assert_eq!(
            ds.spec.update_strategy.rolling_update,
            Some(kruise_rolling(
                Some(RollingUpdateType::Standard),
                Some(IntOrString::Int(1)),
                Some(IntOrString::Int(0))
            ))
        );
        assert_eq!(ds.spec.burst_replicas, Some(IntOrString::Int(250)));
        assert_eq!(ds.spec.revision_history_limit, Some(10));
    }

    #[test]
    fn kruise_surging_without_budgets_surges_one_at_a_time_in_both_versions() {
        for version in ["v1alpha1", "v1beta1"] {
            let ds = defaulted(&kruise(
                version,
                Some(kruise_rolling(Some(RollingUpdateType::Surging), None, None)),
            ));
            assert_eq!(
                ds.spec.update_strategy.rolling_update,
                Some(kruise_rolling(
                    Some(RollingUpdateType::Standard),
                    Some(IntOrString::Int(0)),
                    Some(IntOrString::Int(1))
                )),
                "{version}"
            );
        }
    }

    #[test]
    fn kruise_keeps_the_other_budget_unset_when_one_is_given() {
        let ds = defaulted(&kruise(
            "v1beta1",
            Some(kruise_rolling(None, None, Some(IntOrString::Int(2)))),
        ));
        assert_eq!(
            ds.spec.update_strategy.rolling_update,
            Some(kruise_rolling(
                Some(RollingUpdateType::Standard),
                None,
                Some(IntOrString::Int(2))
            ))
        );
    }

    #[test]
    fn kruise_in_place_and_on_delete_are_kept() {
        let ds = defaulted(&kruise(
            "v1beta1",
            Some(kruise_rolling(
                Some(RollingUpdateType::InPlaceIfPossible),
                None,
                None,
            )),
        ));
        let rolling = ds.spec.update_strategy.rolling_update.unwrap_or_default();
        assert_eq!(
            rolling.rolling_update_type,
            Some(RollingUpdateType::InPlaceIfPossible)
        );
        let mut on_delete = kruise("v1alpha1", None);
        on_delete.spec.update_strategy.type_ = Some(UpdateStrategyType::OnDelete);
        let out = defaulted(&on_delete);
        assert_eq!(out.spec.update_strategy.rolling_update, None);
        assert_eq!(out.spec.burst_replicas, Some(IntOrString::Int(250)));
    }

    #[test]
    fn defaulting_is_idempotent() {
        let cases = [
            DaemonSet::default(),
            strategy(Some(UpdateStrategyType::OnDelete), None),
            strategy(None, Some(rolling(None, Some(IntOrString::from("25%"))))),
            strategy(Some(UpdateStrategyType::Other("x".to_owned())), None),
            kruise("v1alpha1", None),
            kruise(
                "v1alpha1",
                Some(kruise_rolling(Some(RollingUpdateType::Surging), None, None)),
            ),
            kruise(
                "v1beta1",
                Some(kruise_rolling(None, Some(IntOrString::from("10%")), None)),
            ),
        ];
        for ds in cases {
            let once = defaulted(&ds);
            assert_eq!(defaulted(&once), once);
        }
    }
}
