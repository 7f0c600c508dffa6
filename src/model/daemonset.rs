//! The DaemonSet (`apps/v1`, and OpenKruise's Advanced DaemonSet `apps.kruise.io/v1alpha1` and
//! `v1beta1`) and its update strategy and status.
//!
//! One model serves both: the Advanced DaemonSet's extra fields are `Option`s that an apps/v1
//! object leaves unset. Which semantics a plan follows is decided by the object's `apiVersion`
//! alone ([`DaemonSet::is_kruise`]): an apps/v1 object that carries, say, `partition` is
//! planned as upstream plans it, ignoring the field, as the API server would drop it.

use serde::{Deserialize, Serialize};

use super::string_enum::{empty_as_none, string_enum};
use super::{IntOrString, LabelSelector, ObjectMeta, PodTemplateSpec};

/// The annotation through which apps/v1 carries the template generation.
pub const TEMPLATE_GENERATION_ANNOTATION: &str = "deprecated.daemonset.template.generation";
/// The pod label naming the revision a pod was created from.
pub const REVISION_HASH_LABEL: &str = "controller-revision-hash";
/// The legacy pod label carrying the template generation a pod was created from.
pub const TEMPLATE_GENERATION_LABEL: &str = "pod-template-generation";
/// The API group of OpenKruise's Advanced DaemonSet (`kind: DaemonSet` too).
pub const KRUISE_API_GROUP: &str = "apps.kruise.io";
/// The Advanced DaemonSet annotation that makes creation progressive under a partition
/// (`apps.kruise.io/v1alpha1` only; v1beta1 has `spec.scaleStrategy.partitionedScaling`).
pub const KRUISE_PROGRESSIVE_CREATE_ANNOTATION: &str = "daemonset.kruise.io/progressive-create-pod";
/// The pod label through which OpenKruise's lifecycle hooks record a pod's state.
pub const KRUISE_LIFECYCLE_STATE_LABEL: &str = "lifecycle.apps.kruise.io/state";

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
    /// Advanced DaemonSet only: creates, and separately deletes, per sync at most (int, or a
    /// percentage of the stored `status.desiredNumberScheduled`, rounded down; defaulted to
    /// 250). Ignored for apps/v1 objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst_replicas: Option<IntOrString>,
    /// Advanced DaemonSet `apps.kruise.io/v1beta1` only: how pods are created on new nodes.
    /// Ignored for apps/v1 objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_strategy: Option<DaemonSetScaleStrategy>,
}

/// `spec.scaleStrategy` of an Advanced DaemonSet (`apps.kruise.io/v1beta1`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetScaleStrategy {
    /// Create pods progressively under a partition: only as many nodes get a pod as the
    /// partition leaves to the new revision (the v1alpha1 annotation
    /// [`KRUISE_PROGRESSIVE_CREATE_ANNOTATION`] in v1beta1 form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partitioned_scaling: Option<bool>,
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

string_enum! {
    /// How an Advanced DaemonSet's rolling update replaces a pod
    /// (`rollingUpdate.rollingUpdateType`).
    pub enum RollingUpdateType {
        /// Delete and recreate, as upstream (the default).
        Standard = "Standard",
        /// Deprecated alias of `Standard` whose defaults surge one pod at a time; defaulting
        /// rewrites it to `Standard`.
        Surging = "Surging",
        /// Patch the pod in place when only what Kubernetes can update in place changed
        /// (mostly images), else delete and recreate. Planned as `Standard`: see the
        /// [manual](crate::manual::kruise).
        InPlaceIfPossible = "InPlaceIfPossible",
    }
}

/// `spec.updateStrategy.rollingUpdate`.
///
/// `maxUnavailable` and `maxSurge` are upstream's; the other fields belong to OpenKruise's
/// Advanced DaemonSet and are ignored for apps/v1 objects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RollingUpdateDaemonSet {
    /// How many nodes may be without an available pod during the update (int or `N%`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
    /// How many nodes may run an extra, new pod during the update (int or `N%`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_surge: Option<IntOrString>,
    /// Advanced DaemonSet: `Standard` (the default), `InPlaceIfPossible`, or the deprecated
    /// `Surging`.
    #[serde(
        default,
        deserialize_with = "empty_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub rolling_update_type: Option<RollingUpdateType>,
    /// Advanced DaemonSet: how many nodes keep the old revision (int, or a percentage of the
    /// stored `status.desiredNumberScheduled`, rounded down). The lowest-named nodes keep it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<IntOrString>,
    /// Advanced DaemonSet: stop replacing pods (creates and deletes for node changes go on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused: Option<bool>,
    /// Advanced DaemonSet: only nodes whose labels match are updated (`{}` matches all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
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

    /// Whether this is an OpenKruise Advanced DaemonSet: its `apiVersion` is in the
    /// `apps.kruise.io` group (`apps.kruise.io/v1alpha1` or `apps.kruise.io/v1beta1`). Only
    /// such objects are planned with the Advanced DaemonSet's semantics (partition, paused,
    /// node selector, progressive creation, burstReplicas); everything else is apps/v1.
    ///
    /// ```
    /// use daemonset_planner::DaemonSet;
    /// let mut ds = DaemonSet::default();
    /// ds.api_version = "apps.kruise.io/v1beta1".into();
    /// assert!(ds.is_kruise());
    /// ds.api_version = "apps/v1".into();
    /// assert!(!ds.is_kruise());
    /// ```
    pub fn is_kruise(&self) -> bool {
        self.api_version
            .split_once('/')
            .is_some_and(|(group, _)| group == KRUISE_API_GROUP)
    }

    /// Whether this is an `apps.kruise.io/v1alpha1` Advanced DaemonSet.
    pub fn is_kruise_v1alpha1(&self) -> bool {
        self.is_kruise() && self.api_version.ends_with("/v1alpha1")
    }

    /// The Advanced DaemonSet's `rollingUpdate` block, when this is one, its strategy is
    /// `RollingUpdate` and the block is present.
    pub(crate) fn kruise_rolling_update(&self) -> Option<&RollingUpdateDaemonSet> {
        if !self.is_kruise() || !self.is_rolling_update() {
            return None;
        }
        self.spec.update_strategy.rolling_update.as_ref()
    }
}
