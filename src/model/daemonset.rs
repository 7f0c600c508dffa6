//! The DaemonSet (`apps/v1`) and its update strategy and status.

use serde::{Deserialize, Serialize};

use super::string_enum::{empty_as_none, string_enum};
use super::{IntOrString, LabelSelector, ObjectMeta, PodTemplateSpec};

/// The annotation through which apps/v1 carries the template generation.
pub const TEMPLATE_GENERATION_ANNOTATION: &str = "deprecated.daemonset.template.generation";
/// The pod label naming the revision a pod was created from.
pub const REVISION_HASH_LABEL: &str = "controller-revision-hash";
/// The legacy pod label carrying the template generation a pod was created from.
pub const TEMPLATE_GENERATION_LABEL: &str = "pod-template-generation";

/// A DaemonSet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSet {
    /// `apiVersion`, normally `apps/v1`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    /// `kind`, normally `DaemonSet`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// Name, namespace, uid, generation, annotations.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The desired state.
    #[serde(default)]
    pub spec: DaemonSetSpec,
    /// The last status the controller wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DaemonSetStatus>,
}

/// `DaemonSet.spec`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetSpec {
    /// Which pods belong to the DaemonSet. Absent selects nothing; `{}` selects everything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// The pod each eligible node runs.
    #[serde(default)]
    pub template: PodTemplateSpec,
    /// How pods are replaced when the template changes.
    #[serde(default, skip_serializing_if = "DaemonSetUpdateStrategy::is_empty")]
    pub update_strategy: DaemonSetUpdateStrategy,
    /// Seconds a pod must have been Ready before it counts as available.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub min_ready_seconds: i32,
    /// How many old revisions to keep (defaulted to 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i32>,
}

fn is_zero(value: &i32) -> bool {
    *value == 0
}

/// `spec.updateStrategy`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetUpdateStrategy {
    /// `RollingUpdate` (the default) or `OnDelete`.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "empty_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub type_: Option<UpdateStrategyType>,
    /// The rolling-update parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolling_update: Option<RollingUpdateDaemonSet>,
}

impl DaemonSetUpdateStrategy {
    fn is_empty(&self) -> bool {
        self.type_.is_none() && self.rolling_update.is_none()
    }
}

string_enum! {
    /// An update strategy type.
    pub enum UpdateStrategyType {
        /// Replace pods automatically, a budget at a time.
        RollingUpdate = "RollingUpdate",
        /// Replace a pod only after someone deletes it.
        OnDelete = "OnDelete",
    }
}

/// `spec.updateStrategy.rollingUpdate`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RollingUpdateDaemonSet {
    /// How many nodes may be without an available pod during the update (int or `N%`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
    /// How many nodes may run an extra, new pod during the update (int or `N%`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_surge: Option<IntOrString>,
}

/// `DaemonSet.status`: what `kubectl get ds` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetStatus {
    /// Nodes that should run the daemon pod (DESIRED).
    #[serde(default)]
    pub desired_number_scheduled: i32,
    /// Nodes that should run it and run at least one (CURRENT).
    #[serde(default)]
    pub current_number_scheduled: i32,
    /// Nodes that run it but should not.
    #[serde(default)]
    pub number_misscheduled: i32,
    /// Nodes whose daemon pod is Ready (READY).
    #[serde(default)]
    pub number_ready: i32,
    /// Nodes whose daemon pod is of the current revision (UP-TO-DATE).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub updated_number_scheduled: i32,
    /// Nodes whose daemon pod is available (AVAILABLE).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub number_available: i32,
    /// Desired nodes without an available daemon pod.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub number_unavailable: i32,
    /// The generation the controller last acted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Bumped on a revision-name collision; part of the revision hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collision_count: Option<i32>,
    /// Conditions (upstream never writes any), kept verbatim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<serde_json::Value>,
}

impl DaemonSet {
    /// The template generation from the deprecated annotation; `None` when absent or not an
    /// int64, as upstream treats it.
    pub fn template_generation(&self) -> Option<i64> {
        self.metadata
            .annotations
            .get(TEMPLATE_GENERATION_ANNOTATION)
            .and_then(|text| crate::model::intstr::parse_go_parse_int(text))
    }

    /// The update strategy type as the controller reads it: absent means `RollingUpdate` only
    /// after defaulting, so an undefaulted absent type is treated like any unknown type.
    pub fn is_rolling_update(&self) -> bool {
        self.spec.update_strategy.type_ == Some(UpdateStrategyType::RollingUpdate)
    }
}
