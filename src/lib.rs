//! Decides what the Kubernetes DaemonSet controller must do.
//!
//! Given a DaemonSet, the cluster's nodes and the pods, [`plan`] returns what upstream's
//! DaemonSet controller (kube-controller-manager, `pkg/controller/daemon`) would do in one sync:
//! which nodes get a daemon pod, which pods are deleted and why, which orphans are adopted, the
//! rolling-update batch it starts, and the status `kubectl get ds` would then show. [`explain`]
//! says for every node why a daemon pod does or does not belong there, and
//! [`preview_rollout`] plays the rest of a rolling update forward, batch by batch.
//!
//! Beyond upstream, all opt-in: OpenKruise Advanced DaemonSets (`apps.kruise.io`, chosen by
//! `apiVersion`, see [`DaemonSet::is_kruise`]) are planned with Kruise's partition, paused, node
//! selector and progressive creation; [`PlanOptions`] can order the update ([`UpdateOrder`]:
//! unavailable first, by a label priority, canaries first, one topology domain at a time), cap
//! it per topology domain ([`TopologyBudget`]), make the budget strict, or freeze the
//! DaemonSet; [`conditions`] and [`rollout_complete`] judge a plan, and [`lint`] finds likely
//! mistakes.
//!
//! Around a sync: [`plan_history`] keeps the ControllerRevisions as the controller does and
//! yields the current revision hash, [`rollback`] restores an earlier template as `kubectl
//! rollout undo` does, [`rollout_status`] says what `kubectl rollout status` would, and
//! [`teardown`] plans what deleting the DaemonSet does to its pods.
//!
//! A controller that watches the cluster can keep a [`Planner`] instead: it takes node, pod,
//! DaemonSet and time events one at a time and makes, after any of them, exactly the plan
//! [`plan`] would make from the same objects, at a cost that follows the event rather than the
//! cluster's size.
//!
//! The crate does no I/O, reads no clock (time is [`PlanOptions::now`]), keeps no hidden state
//! (the failed-pod backoff goes in and comes back out), and never panics on input. Manifests load
//! with the `yaml` feature (on by default); the model types mirror Kubernetes' field names, so
//! objects also convert through serde from any other Kubernetes client's types (see [`model`]),
//! and with the `k8s-openapi` feature (off by default) kube-rs' types convert with `TryFrom`
//! (the `interop` module).
//!
//! ```
//! use daemonset_planner::{
//!     apply_defaults, plan, Action, DaemonSet, LabelSelector, Node, PlanOptions, Time,
//! };
//!
//! let mut ds = DaemonSet::default();
//! ds.metadata.name = "fluentd".into();
//! ds.metadata.namespace = "kube-system".into();
//! ds.metadata.uid = "0b7e6c1a".into();
//! let labels = [("name".to_string(), "fluentd".to_string())];
//! ds.spec.selector = Some(LabelSelector { match_labels: labels.clone().into(), ..Default::default() });
//! ds.spec.template.metadata.labels = labels.into();
//! apply_defaults(&mut ds);
//!
//! let mut node = Node::default();
//! node.metadata.name = "worker-1".into();
//!
//! let now = Time::parse("2026-11-22T10:00:00Z").unwrap();
//! let plan = plan(&ds, &[node], &[], &PlanOptions::new(now)).unwrap();
//! assert!(matches!(&plan.actions[..], [Action::Create { node, .. }] if node == "worker-1"));
//! assert_eq!(plan.status.desired_number_scheduled, 1);
//! assert_eq!(plan.status.current_number_scheduled, 0);
//! ```
//!
//! # Layers
//!
//! [`model`] (Kubernetes-shaped data) is read by the scheduling predicates ([`DaemonPlacement`],
//! [`LabelMatcher`]), which planning ([`plan`], [`Planner`], [`plan_history`], [`teardown`])
//! uses; presentation ([`explain`], [`preview_rollout`], [`Simulator`], [`rollout_status`],
//! [`conditions`], [`lint`]) sits on top. Loading manifests and the k8s-openapi conversions are
//! at the edge, behind the `yaml` and
//! `k8s-openapi` features.
//!
//! # Where this crate chooses for upstream
//!
//! Upstream walks Go maps, so some of its choices are random. This crate chooses by name: creates
//! in node-name order, deletes by node name then pod name, adoptions and releases by pod name, and
//! rolling-update candidates in node-name order; the burst limit keeps the first items of each
//! list in that order. Any such choice is one upstream could have made.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod conditions;
mod explain;
mod history;
mod lints;
pub mod model;
mod planning;
mod preview;
mod rollout_status;
mod scheduling;
#[allow(dead_code)] // called by the loader once it checks the full schema
mod schema;
mod simulate;
mod strings;
mod syntax;
mod teardown;

mod defaults;
mod validation;

#[cfg(feature = "yaml")]
mod load;

#[cfg(feature = "k8s-openapi")]
pub mod interop;

pub use defaults::{apply_defaults, apply_kruise_defaults, defaulted};
pub use validation::{
    FieldError, FieldErrorKind, ValidationErrors, ValidationOptions, validate_daemonset,
    validate_daemonset_with, validate_node, validate_pod, validate_pod_with,
};

pub use conditions::{
    ConditionOptions, ConditionType, RolloutCondition, conditions, rollout_complete,
};
pub use explain::{NodeExplanation, Replacement, explain};
pub use history::{
    HistoryError, HistoryOptions, HistoryPlan, RevisionRef, RollbackError, plan_history,
    render_revision, rollback,
};
pub use lints::{Lint, Severity, lint};
pub use model::*;
pub use planning::*;
pub use preview::{RolloutBatch, RolloutPreview, preview_rollout};
pub use rollout_status::{RolloutStatus, rollout_status};
pub use scheduling::*;
pub use simulate::Simulator;
pub use teardown::{PropagationPolicy, Teardown, UnknownPropagationPolicy, teardown};

#[cfg(feature = "yaml")]
pub use load::{
    LoadError, MAX_INPUT_BYTES, load_daemonset, load_daemonset_from_reader, load_nodes,
    load_nodes_from_reader, load_pods, load_pods_from_reader, load_revisions,
    load_revisions_from_reader,
};

#[cfg(feature = "k8s-openapi")]
pub use interop::ConversionError;
