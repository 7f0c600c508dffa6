//! Pods, pod templates, tolerations and node affinity.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::string_enum::{empty_as_none, string_enum};
use super::{Labels, ObjectMeta, TaintEffect, Time};

/// A pod (`v1 Pod`), with the fields the controller reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pod {
    /// `apiVersion`, normally `v1`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    /// `kind`, normally `Pod`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// Name, labels, owner references, timestamps.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Node name, affinity, tolerations, and every other field verbatim.
    #[serde(default)]
    pub spec: PodSpec,
    /// Phase and conditions.
    #[serde(default, skip_serializing_if = "PodStatus::is_empty")]
    pub status: PodStatus,
}

/// A pod template (`spec.template` of a DaemonSet).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodTemplateSpec {
    /// Labels, annotations and finalizers for created pods.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The pod spec.
    #[serde(default)]
    pub spec: PodSpec,
}

/// A pod spec: the fields placement reads are typed; every other field (containers, volumes,
/// ...) is kept verbatim in [`PodSpec::other`], so a created pod renders in full.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSpec {
    /// `spec.nodeName`: the node the pod is bound to.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub node_name: String,
    /// `spec.nodeSelector`: labels a node must carry.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: Labels,
    /// `spec.affinity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    /// `spec.tolerations`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tolerations: Vec<Toleration>,
    /// `spec.hostNetwork`: also makes the daemon tolerate `network-unavailable`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub host_network: bool,
    /// `spec.restartPolicy`: must be `Always` in a DaemonSet template.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub restart_policy: String,
    /// `spec.activeDeadlineSeconds`: forbidden in a DaemonSet template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_deadline_seconds: Option<i64>,
    /// Every other field, exactly as given.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `spec.affinity`: node affinity is typed; pod (anti-)affinity is kept verbatim.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Affinity {
    /// `affinity.nodeAffinity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_affinity: Option<NodeAffinity>,
    /// `podAffinity`, `podAntiAffinity` and anything else, verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `affinity.nodeAffinity`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeAffinity {
    /// Hard requirement: the node must match one of these terms.
    #[serde(
        rename = "requiredDuringSchedulingIgnoredDuringExecution",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub required: Option<NodeSelector>,
    /// Soft preferences; the DaemonSet controller ignores them.
    #[serde(
        rename = "preferredDuringSchedulingIgnoredDuringExecution",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub preferred: Vec<PreferredSchedulingTerm>,
}

/// A node selector: terms ORed together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSelector {
    /// `nodeSelectorTerms`: a node matches when any term matches.
    #[serde(default)]
    pub node_selector_terms: Vec<NodeSelectorTerm>,
}

/// One node selector term: its requirements ANDed together. An empty term matches nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSelectorTerm {
    /// Requirements on node labels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<NodeSelectorRequirement>,
    /// Requirements on node fields (only `metadata.name`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_fields: Vec<NodeSelectorRequirement>,
}

/// A weighted preferred term.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreferredSchedulingTerm {
    /// Weight 1-100.
    #[serde(default)]
    pub weight: i32,
    /// The preferred term.
    #[serde(default)]
    pub preference: NodeSelectorTerm,
}

/// One requirement of a node selector term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSelectorRequirement {
    /// Label key, or `metadata.name` for matchFields.
    pub key: String,
    /// How the key relates to the values.
    pub operator: NodeSelectorOperator,
    /// The values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

string_enum! {
    /// A node selector operator.
    pub enum NodeSelectorOperator {
        /// The value is one of the values.
        In = "In",
        /// The key is absent, or its value is none of the values.
        NotIn = "NotIn",
        /// The key is present.
        Exists = "Exists",
        /// The key is absent.
        DoesNotExist = "DoesNotExist",
        /// The value, as an integer, is greater than the one value given.
        Gt = "Gt",
        /// The value, as an integer, is less than the one value given.
        Lt = "Lt",
    }
}

/// A toleration in a pod spec.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Toleration {
    /// The taint key it matches; empty matches every key (with `Exists`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    /// `Equal` (also when absent), `Exists`, or the alpha `Lt`/`Gt`.
    #[serde(
        default,
        deserialize_with = "empty_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub operator: Option<TolerationOperator>,
    /// The value compared by `Equal`, `Lt` and `Gt`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub value: String,
    /// The taint effect it matches; absent matches every effect.
    #[serde(
        default,
        deserialize_with = "empty_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub effect: Option<TaintEffect>,
    /// How long a NoExecute taint is tolerated; placement never reads it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toleration_seconds: Option<i64>,
}

impl Toleration {
    /// `Exists` toleration of `key` with the given effect, as the default daemon tolerations are.
    pub fn exists(key: impl Into<String>, effect: TaintEffect) -> Self {
        Toleration {
            key: key.into(),
            operator: Some(TolerationOperator::Exists),
            value: String::new(),
            effect: Some(effect),
            toleration_seconds: None,
        }
    }
}

string_enum! {
    /// A toleration operator.
    pub enum TolerationOperator {
        /// The taint's value equals the toleration's.
        Equal = "Equal",
        /// Any value.
        Exists = "Exists",
        /// The taint's value, as an integer, is less than the toleration's (alpha, gated).
        Lt = "Lt",
        /// The taint's value, as an integer, is greater than the toleration's (alpha, gated).
        Gt = "Gt",
    }
}

/// `Pod.status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodStatus {
    /// `status.phase`.
    #[serde(
        default,
        deserialize_with = "empty_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub phase: Option<PodPhase>,
    /// `status.conditions`; the controller reads `Ready`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<PodCondition>,
}

impl PodStatus {
    fn is_empty(&self) -> bool {
        self.phase.is_none() && self.conditions.is_empty()
    }
}

string_enum! {
    /// A pod phase.
    pub enum PodPhase {
        /// Accepted, not all containers running yet.
        Pending = "Pending",
        /// Bound and running.
        Running = "Running",
        /// Every container exited successfully (terminal).
        Succeeded = "Succeeded",
        /// Every container exited and one failed (terminal).
        Failed = "Failed",
        /// The state could not be obtained.
        Unknown = "Unknown",
    }
}

/// One pod condition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodCondition {
    /// `type`, e.g. `Ready`.
    #[serde(rename = "type", default)]
    pub type_: String,
    /// `True`, `False` or `Unknown`.
    #[serde(default)]
    pub status: String,
    /// When the status last changed: availability counts minReadySeconds from here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    /// Machine-readable reason.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Human-readable message.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

impl Pod {
    /// The first `Ready` condition, as upstream's readiness helpers read it.
    pub fn ready_condition(&self) -> Option<&PodCondition> {
        self.status
            .conditions
            .iter()
            .find(|c| crate::strings::eq(&c.type_, "Ready"))
    }

    /// Whether the pod is Ready (its `Ready` condition is `True`).
    pub fn is_ready(&self) -> bool {
        self.ready_condition().is_some_and(|c| c.status == "True")
    }

    /// Whether the pod has been Ready for `min_ready_seconds` at `now` (upstream's
    /// `IsPodAvailable`, with the `<=` of Kubernetes 1.34 and later). A lastTransitionTime so
    /// late that adding minReadySeconds overflows never becomes available.
    pub fn is_available(&self, min_ready_seconds: i32, now: Time) -> bool {
        self.readiness(min_ready_seconds, now).1
    }

    /// `(is_ready, is_available)` from one look at the Ready condition.
    pub fn readiness(&self, min_ready_seconds: i32, now: Time) -> (bool, bool) {
        match self.ready_condition() {
            Some(ready) if crate::strings::eq(&ready.status, "True") => {
                let available = min_ready_seconds == 0
                    || ready
                        .last_transition_time
                        .and_then(|since| since.checked_add_seconds(i64::from(min_ready_seconds)))
                        .is_some_and(|available_at| available_at <= now);
                (true, available)
            }
            _ => (false, false),
        }
    }

    /// Whether the pod has finished (`Failed` or `Succeeded`).
    pub fn is_terminal(&self) -> bool {
        matches!(
            self.status.phase,
            Some(PodPhase::Failed) | Some(PodPhase::Succeeded)
        )
    }

    /// Whether the pod is being deleted.
    pub fn is_terminating(&self) -> bool {
        self.metadata.deletion_timestamp.is_some()
    }
}
