//! The Kubernetes-shaped data model: plain structs with Kubernetes' field names.
//!
//! Fields the planner does not read are ignored on input, except in pod specs, which keep every
//! field verbatim so that a created pod renders in full, and in a ControllerRevision's `data`,
//! kept verbatim so that a rollback restores the template exactly.
//!
//! # Any Kubernetes client's types convert through serde
//!
//! The types serialize and deserialize with Kubernetes' own field names and JSON shapes
//! (`camelCase` keys, RFC 3339 timestamps, `intstr` as a number or a string, enum-like fields as
//! strings, unknown values kept), so an object of any client library converts by going through
//! JSON: serialize it with its own type, deserialize it with this crate's, and back. Fields the
//! model does not have are dropped on the way in (pod specs excepted); what it does have comes
//! back unchanged. With the `k8s-openapi` feature, the `interop` module does this for kube-rs'
//! types with `TryFrom`, naming the field when a value does not fit.
//!
//! ```
//! use daemonset_planner::Node;
//!
//! // What `kubectl get node -o json` (or k8s-openapi, or client-go) writes.
//! let theirs = serde_json::json!({
//!     "apiVersion": "v1",
//!     "kind": "Node",
//!     "metadata": {"name": "worker-1", "resourceVersion": "77"},
//!     "spec": {"taints": [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]},
//!     "status": {"nodeInfo": {"kubeletVersion": "v1.36.0"}}
//! });
//! let node: Node = serde_json::from_value(theirs)?;
//! assert_eq!(node.spec.taints[0].to_string(), "dedicated=gpu:NoSchedule");
//!
//! let back = serde_json::to_value(&node)?;
//! assert_eq!(back["spec"]["taints"][0]["effect"], "NoSchedule");
//! assert!(back["metadata"].get("resourceVersion").is_none()); // not modelled
//! # Ok::<(), serde_json::Error>(())
//! ```

// Message text shortening moved to `crate::abbrev`; this path stays until the loader and the
// validation modules import it from there.
pub(crate) use crate::abbrev;
mod daemonset;
pub(crate) mod intstr;
mod meta;
mod node;
mod pod;
mod revision;
mod selector;
pub(crate) mod string_enum;
mod time;

pub use daemonset::{
    DaemonSet, DaemonSetScaleStrategy, DaemonSetSpec, DaemonSetStatus, DaemonSetUpdateStrategy,
    KRUISE_API_GROUP, KRUISE_LIFECYCLE_STATE_LABEL, KRUISE_PROGRESSIVE_CREATE_ANNOTATION,
    REVISION_HASH_LABEL, RollingUpdateDaemonSet, RollingUpdateType, TEMPLATE_GENERATION_ANNOTATION,
    TEMPLATE_GENERATION_LABEL, UpdateStrategyType,
};
pub use intstr::{IntOrPercentError, IntOrString};
pub use meta::{Labels, ObjectMeta, OwnerReference};
pub use node::{Node, NodeCondition, NodeSpec, NodeStatus, Taint, TaintEffect};
pub use pod::{
    Affinity, NodeAffinity, NodeSelector, NodeSelectorOperator, NodeSelectorRequirement,
    NodeSelectorTerm, Pod, PodCondition, PodPhase, PodSpec, PodStatus, PodTemplateSpec,
    PreferredSchedulingTerm, Toleration, TolerationOperator,
};
pub use revision::ControllerRevision;
pub use selector::{LabelSelector, LabelSelectorOperator, LabelSelectorRequirement};
pub use time::{Time, TimeParseError};
