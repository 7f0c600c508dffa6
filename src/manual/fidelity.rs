//! Fidelity to upstream, and the deliberate choices.
//!
//! The reference is the DaemonSet controller of Kubernetes 1.36 (`pkg/controller/daemon` in
//! kube-controller-manager). Where upstream is deterministic, [`plan`](crate::plan) matches it
//! decision for decision:
//!
//! - the node predicates: taints with the default daemon tolerations
//!   ([`scheduling::daemon_tolerations`](crate::scheduling::daemon_tolerations)), the
//!   nodeSelector, required node affinity, including the alpha `Lt`/`Gt` toleration operators
//!   behind
//!   [`PlanOptions::taint_comparison_operators`](crate::PlanOptions::taint_comparison_operators);
//! - claiming: which pods the DaemonSet owns, adopts and releases;
//! - manage: duplicates, failed pods and their backoff, terminating pods, pods on nodes that
//!   left or no longer fit;
//! - the rolling update with and without surge, evaluated on the state after manage's actions
//!   (as upstream's own tests observe it);
//! - status, as `kubectl get ds` shows it.
//!
//! Where upstream walks Go maps its choices are random; the crate then chooses by name, as
//! [`order`](super::order) describes. Any such choice is one upstream could have made.
//!
//! # Deliberate choices
//!
//! Each is documented on the item it concerns as well:
//!
//! - A DaemonSet without a uid (a manifest that was never applied) owns the pods whose
//!   controller reference is a DaemonSet of its name.
//! - An empty namespace means `default`, for the DaemonSet and for pods.
//! - Revision hashes are computed by this crate
//!   ([`planning::revision_hash`](crate::planning::revision_hash): FNV-1a over canonical JSON,
//!   spelled with upstream's alphabet), because upstream hashes a Go-specific dump that no other
//!   language reproduces. Pass the real hash with
//!   [`PlanOptions::revision`](crate::PlanOptions::revision) to match a live cluster's pods, or
//!   take it from [`plan_history`](crate::plan_history).
//! - Two nodes with one name cannot exist in a real cluster: the plan is an error
//!   ([`PlanError::DuplicateNodeName`](crate::PlanError::DuplicateNodeName)). Nor can two pods
//!   of one name in a namespace; the plan refuses
//!   ([`PlanError::DuplicatePodName`](crate::PlanError::DuplicatePodName)) when an action would
//!   name such a pod, since the action would be ambiguous, and otherwise plans as usual.
//!   [`Planner::new`](crate::Planner::new) indexes pods by name and refuses any duplicate.
//! - Duplicate current revisions: like upstream, every claimed pod whose hash differs from the
//!   kept revision's is relabelled, old pods included (they then count as updated and are never
//!   rolled). History cleanup counts pods with the labels they had before that relabel.
//! - Rollout status of an OnDelete DaemonSet: kubectl reports it as an error (and "done");
//!   [`rollout_status`](crate::rollout_status()) says not done, with kubectl's message.
//! - API server defaulting: [`apply_defaults`](crate::apply_defaults) applies the apps/v1
//!   DaemonSet defaults and the `restartPolicy: Always` pod default. Like upstream it does not
//!   default toleration operators (an absent operator means `Equal`).
//! - Which ControllerRevision is current is decided by comparing templates as JSON values, not
//!   as Go's marshalled bytes; see [`history`](super::history).
//!
//! # What is not modelled
//!
//! The crate does no I/O and keeps no hidden state: it has no informers, no expectations cache
//! and no event recorder. What upstream keeps between syncs either goes in and comes back out
//! (the failed-pod backoff, [`FailedPodBackoff`](crate::FailedPodBackoff)) or is the caller's
//! (the expectations of creates and deletes not yet observed; `examples/reconcile.rs` keeps
//! them). Time is [`PlanOptions::now`](crate::PlanOptions::now); the crate reads no clock.
