//! Scheduling predicates: label selectors, taints and tolerations, node affinity, and the
//! per-node placement decision built from them.

pub(crate) mod affinity;
mod eligibility;
pub(crate) mod labels;
pub(crate) mod taints;

pub use affinity::{AffinityMismatch, NODE_NAME_FIELD, TermFailure, TermMismatch};
pub use eligibility::{DaemonPlacement, Ineligibility, NodeVerdict, Placement};
pub use labels::{LabelMatcher, SelectorError};
pub use taints::{daemon_tolerations, default_daemon_tolerations, tolerates};
