//! The Kubernetes-shaped data model: plain structs with Kubernetes' field names.
//!
//! Fields the planner does not read are ignored on input, except in pod specs, which keep every
//! field verbatim so that a created pod renders in full.

pub(crate) mod abbrev;
mod daemonset;
pub(crate) mod intstr;
mod meta;
mod node;
mod pod;
mod selector;
pub(crate) mod string_enum;
mod time;

pub use daemonset::{
    DaemonSet, DaemonSetSpec, DaemonSetStatus, DaemonSetUpdateStrategy, REVISION_HASH_LABEL,
    RollingUpdateDaemonSet, TEMPLATE_GENERATION_ANNOTATION, TEMPLATE_GENERATION_LABEL,
    UpdateStrategyType,
};
pub use intstr::{IntOrPercentError, IntOrString};
pub use meta::{Labels, ObjectMeta, OwnerReference};
pub use node::{Node, NodeCondition, NodeSpec, NodeStatus, Taint, TaintEffect};
pub use pod::{
    Affinity, NodeAffinity, NodeSelector, NodeSelectorOperator, NodeSelectorRequirement,
    NodeSelectorTerm, Pod, PodCondition, PodPhase, PodSpec, PodStatus, PodTemplateSpec,
    PreferredSchedulingTerm, Toleration, TolerationOperator,
};
pub use selector::{LabelSelector, LabelSelectorOperator, LabelSelectorRequirement};
pub use time::{Time, TimeParseError};
