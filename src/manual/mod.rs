//! The manual: what the planner decides and why, in more words than one item's docs can hold.
//!
//! This module holds no code. The API docs say what each function takes and returns; these
//! pages say what the results mean, where they follow upstream Kubernetes exactly, where this
//! crate has to choose for upstream, and what the opt-in behaviour beyond upstream does.
//!
//! # Topics
//!
//! - [`fidelity`]: what is reproduced decision for decision, and the few deliberate choices.
//! - [`order`]: the order of actions, and how the crate chooses where upstream's choice is
//!   random.
//! - [`kruise`]: OpenKruise Advanced DaemonSets (partition, paused, update selector,
//!   progressive creation) and where the crate differs from Kruise.
//! - [`options`]: the planning options beyond upstream (update orders, topology budgets,
//!   strict budgets, freezing).
//! - [`conditions`]: rollout conditions, when a rollout is complete, and lints.
//! - [`incremental`]: keeping a [`Planner`](crate::Planner) fed with watch events.
//! - [`history`]: ControllerRevisions, rollback, teardown and `kubectl rollout status`.
//! - [`hostile`]: what happens with hostile or broken input, and the documented limits.
//! - [`performance`]: what a plan costs and how it is measured.
//! - [`design`]: the layers and the rules the code keeps.
//!
//! Everything described under [`kruise`] and [`options`] is opt-in: an apps/v1 DaemonSet
//! planned with [`PlanOptions::new`](crate::PlanOptions::new) gets exactly upstream's plan.

pub mod conditions;
pub mod design;
pub mod fidelity;
pub mod history;
pub mod hostile;
pub mod incremental;
pub mod kruise;
pub mod options;
pub mod order;
pub mod performance;
