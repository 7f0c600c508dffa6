//! Decides what the Kubernetes DaemonSet controller must do.
//!
//! Given a DaemonSet, the cluster's nodes and the pods, [`plan`] returns what upstream's
//! DaemonSet controller (kube-controller-manager, `pkg/controller/daemon`, Kubernetes 1.36)
//! would do in one sync: which nodes get a daemon pod, which pods are deleted and why, which
//! orphans are adopted, the rolling-update batch it starts, and the status `kubectl get ds`
//! would then show. A controller that watches the cluster keeps a [`Planner`] instead: it takes
//! node, pod, DaemonSet and time events one at a time and makes, after any of them, exactly the
//! plan [`plan`] would make, at a cost that follows the event rather than the cluster's size.
//!
//! The crate does no I/O, reads no clock (time is [`PlanOptions::now`]), keeps no hidden state
//! (the failed-pod backoff goes in and comes back out), and never panics on input.
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
//! # Where to start
//!
//! | to | use |
//! | --- | --- |
//! | plan one sync | [`plan`] with [`PlanOptions`], giving a [`Plan`] of [`Action`]s |
//! | plan from watch events | [`Planner`] |
//! | prepare a manifest as the API server would | [`apply_defaults`], [`validate_daemonset`] |
//! | say why each node does or does not get a pod | [`explain()`] |
//! | keep the ControllerRevisions, roll back | [`plan_history`], [`rollback`] |
//! | play a rolling update forward, judge it | [`preview_rollout`], [`conditions()`], [`rollout_complete`], [`rollout_status()`] |
//! | find likely mistakes | [`lint`] |
//! | plan a DaemonSet's deletion | [`teardown()`] |
//! | create a pod the plan asks for | [`render_pod`] |
//! | read manifests (feature `yaml`, on by default) | [`load_daemonset`], [`load_nodes`], [`load_pods`], [`load_revisions`] |
//! | load a cluster dump or a mixed stream, streaming, with limits | [`load::load_cluster`], [`load::load`], [`load::LoadOptions`] |
//!
//! The model types ([`DaemonSet`], [`Node`], [`Pod`], ...) mirror Kubernetes' field names, so
//! objects convert through serde from any Kubernetes client's types (see [`model`]); with the
//! `k8s-openapi` feature (off by default) kube-rs' types convert with `TryFrom` (the `interop`
//! module).
//!
//! Beyond upstream, all opt-in: OpenKruise Advanced DaemonSets (`apps.kruise.io`, chosen by
//! `apiVersion`) are planned as Kruise plans them, and [`PlanOptions`] can order the update
//! ([`UpdateOrder`]), cap it per topology domain ([`TopologyBudget`]), make the budget strict,
//! or freeze the DaemonSet.
//!
//! # The manual
//!
//! The [`manual`] explains the semantics: [fidelity to upstream](manual::fidelity) and the
//! [order of choices](manual::order) where upstream's is random, [Kruise](manual::kruise), the
//! [options beyond upstream](manual::options), [conditions and completion](manual::conditions),
//! [incremental planning](manual::incremental), [history, rollback and
//! teardown](manual::history), [hostile input and limits](manual::hostile), and
//! [performance](manual::performance).
//!
//! # Layout
//!
//! The root holds what most callers need; the modules hold the rest, layer by layer:
//! [`model`] (the objects) is read by [`scheduling`] (the node predicates), which [`planning`]
//! uses; [`history`], [`rollout`] and [`lints`] sit on top; [`defaults`] and [`validation`] do
//! what the API server does on write. Loading ([`load`]) and the k8s-openapi conversions are at
//! the edge, behind the `yaml` and `k8s-openapi` features.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod manual;

pub mod model;
pub mod planning;
pub mod scheduling;

pub mod defaults;
pub mod history;
pub mod lints;
pub mod rollout;
pub mod schema;
pub mod select;
pub mod update;
pub mod validation;

#[cfg(feature = "yaml")]
#[cfg_attr(docsrs, doc(cfg(feature = "yaml")))]
pub mod load;

#[cfg(feature = "k8s-openapi")]
#[cfg_attr(docsrs, doc(cfg(feature = "k8s-openapi")))]
pub mod interop;

mod abbrev;
mod conditions;
mod explain;
mod json;
mod preview;
mod rollout_status;
mod simulate;
mod strings;
mod syntax;
mod teardown;

// Planning one sync, from scratch or by events.
#[doc(inline)]
pub use planning::{
    Action, CreateReason, DeleteReason, FailedPodBackoff, Plan, PlanDelta, PlanError, PlanOptions,
    Planner, RollingUpdateStep, SkipReason, TopologyBudget, UpdateBatch, UpdateOrder, plan,
    render_pod,
};

// The objects a controller hands over.
#[doc(inline)]
pub use model::{
    ControllerRevision, DaemonSet, DaemonSetStatus, IntOrString, LabelSelector, Node, ObjectMeta,
    Pod, Taint, TaintEffect, Time, TimeParseError, Toleration,
};

// Before a plan: what the API server does on write.
#[doc(inline)]
pub use defaults::apply_defaults;
#[doc(inline)]
pub use validation::{
    ValidationErrors, validate_daemonset, validate_daemonset_update, validate_node, validate_pod,
    validate_revision,
};

// Around a plan.
pub use explain::{NodeExplanation, Replacement, explain};
#[doc(inline)]
pub use history::{HistoryError, RollbackError, plan_history, rollback};
#[doc(inline)]
pub use lints::lint;
#[doc(inline)]
pub use rollout::{conditions, preview_rollout, rollout_complete, rollout_status};
pub use teardown::{PropagationPolicy, Teardown, UnknownPropagationPolicy, teardown};

// What-if: the API server's update of a DaemonSet, and one DaemonSet out of a cluster dump.
#[doc(inline)]
pub use select::select_daemon_set;
#[doc(inline)]
pub use update::update_daemon_set;

// Reading manifests and converting kube-rs' types.
#[cfg(feature = "yaml")]
#[cfg_attr(docsrs, doc(cfg(feature = "yaml")))]
#[doc(inline)]
pub use load::{
    LoadError, load_daemonset, load_daemonset_from_reader, load_nodes, load_nodes_from_reader,
    load_pods, load_pods_from_reader, load_revisions, load_revisions_from_reader,
};

#[cfg(feature = "k8s-openapi")]
#[cfg_attr(docsrs, doc(cfg(feature = "k8s-openapi")))]
#[doc(inline)]
pub use interop::ConversionError;
