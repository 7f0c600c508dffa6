//! History, rollback, teardown and rollout status.
//!
//! # ControllerRevisions
//!
//! [`plan_history`](crate::plan_history) does what upstream's controller does with the
//! ControllerRevisions in one sync: it adopts and releases them as it does pods, labels those
//! without a `controller-revision-hash` with their name, creates the current revision
//! (`<ds>-<hash>`, numbered above every old one) or renumbers a returning one, merges
//! duplicates, reports a name collision
//! ([`HistoryPlan::collision_count`](crate::history::HistoryPlan::collision_count): write it to
//! `status.collisionCount` and plan again), and deletes the oldest old revisions beyond
//! `revisionHistoryLimit` that no pod uses.
//!
//! [`HistoryPlan::hash`](crate::history::HistoryPlan::hash) is what
//! [`PlanOptions::revision`](crate::PlanOptions::revision) should get;
//! [`history::render_revision`](crate::history::render_revision) builds the object a create
//! stands for.
//!
//! Whether a revision is current is decided by comparing its `data.spec.template` with the
//! DaemonSet's template as JSON values. Upstream compares Go's marshalled bytes, which no other
//! language reproduces; two templates the API server stores identically match either way. So
//! pass the DaemonSet as the API server returns it (`kubectl get ds -o yaml`): a hand-written
//! manifest lacks the defaults the stored revisions carry and would match none of them.
//!
//! # Rollback
//!
//! [`rollback`](crate::rollback) returns the DaemonSet with the template of revision
//! `to_revision`, as `kubectl rollout undo daemonset --to-revision` restores it; `0` is the
//! previous revision (like kubectl: the second-highest number). An unknown number is an error
//! that lists the available ones; the current template comes back unchanged (kubectl's "skipped
//! rollback").
//!
//! # Teardown
//!
//! [`teardown`](crate::teardown()) plans what deleting the DaemonSet does to its pods, by
//! [`PropagationPolicy`](crate::PropagationPolicy): Foreground and Background delete every pod
//! the DaemonSet owns ([`DeleteReason::Teardown`](crate::DeleteReason::Teardown); with
//! Foreground the DaemonSet object goes last), Orphan releases them. A DaemonSet being deleted
//! is skipped by [`plan`](crate::plan): no creates, no adoptions
//! ([`SkipReason::BeingDeleted`](crate::SkipReason::BeingDeleted)).
//!
//! # Rollout status
//!
//! [`rollout_status`](crate::rollout_status()) gives `kubectl rollout status`'s verdict and
//! message from a DaemonSet's status; pass the DaemonSet with
//! [`Plan::status`](crate::Plan::status) to judge a plan's outcome. It differs from kubectl in
//! one place: an OnDelete DaemonSet is reported as not done, with kubectl's message, where
//! kubectl reports an error and stops watching.
