//! OpenKruise Advanced DaemonSets.
//!
//! The loaders also read `apps.kruise.io/v1alpha1` and `apps.kruise.io/v1beta1` DaemonSets into
//! the same [`DaemonSet`](crate::DaemonSet) model: `rollingUpdate.partition` (int or percent),
//! `rollingUpdate.paused`, `rollingUpdate.selector` (a node label selector),
//! `rollingUpdate.rollingUpdateType` (`Standard`, `InPlaceIfPossible`, deprecated `Surging`),
//! `spec.scaleStrategy.partitionedScaling`, `spec.burstReplicas`, and the annotation
//! `daemonset.kruise.io/progressive-create-pod` are `Option` fields or read from the metadata.
//!
//! **The mode is decided by `apiVersion` alone**
//! ([`DaemonSet::is_kruise`](crate::DaemonSet::is_kruise)): only `apps.kruise.io` objects get
//! Kruise's semantics; an apps/v1 object carrying `partition` is planned as upstream plans it
//! (and [`lint`](crate::lint) says the field is ignored).
//!
//! # Defaulting and validation
//!
//! - **Defaulting** ([`apply_defaults`](crate::apply_defaults) calls
//!   [`defaults::apply_kruise_defaults`](crate::defaults::apply_kruise_defaults) for Kruise
//!   objects), as Kruise's webhook: `burstReplicas` 250, `Surging` without budgets becomes
//!   `Standard` with maxSurge 1 and maxUnavailable 0, budgets become 1/0 only when *both* are
//!   unset (one set leaves the other unset, read as 0), `revisionHistoryLimit` 10.
//! - **Validation** ([`validate_daemonset`](crate::validate_daemonset)), as Kruise's webhook:
//!   not both budgets non-zero nor both zero, `InPlaceIfPossible` without maxSurge, `Surging`
//!   only in v1alpha1 and without maxUnavailable, a partition that is a non-negative int or at
//!   most 100% (above the node count is fine), no check of `rollingUpdate.selector`. Errors name
//!   the real field paths.
//!
//! # Planning
//!
//! - **Partition and selector**: the rolling update runs over Kruise's *update scope*. Node
//!   names are walked from the highest down; updated nodes, then nodes without a pod, then old
//!   nodes (only those the selector matches, if there is one) fill `nodes - partition` slots.
//!   So the `partition` lowest-named old nodes keep the old revision; a percentage partition is
//!   scaled against the *stored* `status.desiredNumberScheduled`, rounding down. The budgets are
//!   still scaled against every desired node, and unavailability outside the scope neither uses
//!   the budget nor is repaired. Nodes that no longer exist are out of the scope. Nodes left
//!   out are reported in [`UpdateBatch::held`](crate::UpdateBatch::held)
//!   ([`HoldReason::Partition`](crate::planning::HoldReason::Partition),
//!   [`HoldReason::NotSelected`](crate::planning::HoldReason::NotSelected)).
//! - **Paused**: the rolling update is skipped
//!   ([`RollingUpdateStep::Paused`](crate::RollingUpdateStep::Paused)); creates on new nodes and
//!   deletes for node changes (ineligible nodes, failed pods, duplicates) go on.
//! - **Progressive creation** (v1beta1 `partitionedScaling`, v1alpha1 annotation `"true"`):
//!   under a non-zero partition only `desired - nodes with a new pod - partition` nodes needing
//!   a pod get one, first in string order (`node-10` before `node-5`). Without it every node
//!   needing a pod gets a new-revision one.
//! - **Budgets** as upstream (maxUnavailable, maxSurge, the both-zero fallback), an unset
//!   maxUnavailable read as 0; `burstReplicas` (scaled against the stored desired count,
//!   rounding down) replaces [`PlanOptions::burst_replicas`](crate::PlanOptions::burst_replicas).
//!   Pods in the lifecycle state `PreparingDelete` are deleted
//!   ([`DeleteReason::PreparingDelete`](crate::DeleteReason::PreparingDelete)). Rendered pods
//!   are owned by the Kruise object.
//! - **Modelled only as far as they change the plan**: `InPlaceIfPossible` is planned as
//!   `Standard` (the plan deletes where Kruise may patch the pod in place, with the same
//!   budget; rendered pods get the `InPlaceUpdateReady` readiness gate); a `preDelete`
//!   lifecycle hook makes Kruise mark a pod `PreparingDelete` before deleting it, and the plan
//!   lists the delete; image pre-download does not change the plan. Kruise's status fields
//!   `updateRevision` and `daemonSetHash` are not written.
//!
//! # Where this crate differs from Kruise
//!
//! - An unavailable old pod in the scope is counted against maxUnavailable, as upstream counts
//!   it (Kruise replaces it without counting it).
//! - `paused` also keeps manage's surge rule from retiring old pods (Kruise's lets it), so a
//!   paused plan contains no update deletion at all.
//! - Manage and the surge loop are upstream's current ones (Kruise's copy keeps Succeeded pods
//!   and lacks the sunset rule).
//! - Within the scope, candidates are taken by node name where Kruise walks a Go map.
//!
//! Where Kruise's code and its documentation disagreed, the code won: its webhook defaults
//! `Surging` in v1beta1 too (so a defaulted v1beta1 `Surging` is accepted as `Standard`), and it
//! checks a budget's format only when the budget is non-zero.
