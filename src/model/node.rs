//! Nodes and their taints.

use serde::{Deserialize, Serialize};

use super::string_enum::string_enum;
use super::{ObjectMeta, Time};

/// A cluster node (`v1 Node`), with the fields placement reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    /// `apiVersion`, normally `v1`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    /// `kind`, normally `Node`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// Name and labels.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Taints and cordon state.
    #[serde(default)]
    pub spec: NodeSpec,
    /// Conditions, for explanations only: placement never reads them.
    #[serde(default, skip_serializing_if = "NodeStatus::is_empty")]
    pub status: NodeStatus,
}

/// `Node.spec`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSpec {
    /// `spec.taints`, in the node's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
    /// `spec.unschedulable` (`kubectl cordon`). Upstream reads only the matching taint.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unschedulable: bool,
}

/// `Node.status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeStatus {
    /// `status.conditions` (Ready, MemoryPressure, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<NodeCondition>,
}

impl NodeStatus {
    fn is_empty(&self) -> bool {
        self.conditions.is_empty()
    }
}

/// One node condition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeCondition {
    /// `type`, e.g. `Ready`.
    #[serde(rename = "type", default)]
    pub type_: String,
    /// `True`, `False` or `Unknown`.
    #[serde(default)]
    pub status: String,
    /// When the status last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    /// Machine-readable reason.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Human-readable message.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// A node taint: `key=value:Effect`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Taint {
    /// The taint key.
    pub key: String,
    /// The taint value (may be empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub value: String,
    /// What the taint does to pods that do not tolerate it.
    pub effect: TaintEffect,
    /// When a NoExecute taint was added; not read by placement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_added: Option<Time>,
}

impl Taint {
    /// A taint with no value and no time.
    pub fn new(key: impl Into<String>, effect: TaintEffect) -> Self {
        Taint {
            key: key.into(),
            value: String::new(),
            effect,
            time_added: None,
        }
    }
}

impl std::fmt::Display for Taint {
    /// `key=value:Effect`, or `key:Effect` when the value is empty, as kubectl prints taints.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.value.is_empty() {
            write!(f, "{}:{}", self.key, self.effect)
        } else {
            write!(f, "{}={}:{}", self.key, self.value, self.effect)
        }
    }
}

string_enum! {
    /// A taint effect.
    pub enum TaintEffect {
        /// New pods that do not tolerate the taint are not placed; running ones stay.
        NoSchedule = "NoSchedule",
        /// A soft preference; DaemonSets ignore it.
        PreferNoSchedule = "PreferNoSchedule",
        /// Pods that do not tolerate the taint are evicted.
        NoExecute = "NoExecute",
    }
}
