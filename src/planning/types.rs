//! What a plan takes and returns.

use std::fmt;
use std::time::Duration;

use super::backoff::FailedPodBackoff;
use super::strategy::{TopologyBudget, UpdateOrder};
use crate::model::{DaemonSetStatus, IntOrPercentError, Time};
use crate::scheduling::SelectorError;

/// The number of creates, and separately of deletes, one sync issues at most (upstream's
/// `BurstReplicas`).
pub const DEFAULT_BURST_REPLICAS: usize = 250;

/// Everything a plan needs besides the objects: the time, and the state a controller keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlanOptions {
    /// The current time: availability (minReadySeconds) and the failed-pod backoff are judged
    /// against it. The library never reads a clock.
    pub now: Time,
    /// The current revision hash, e.g. read from the DaemonSet's newest ControllerRevision;
    /// `None` computes it with [`crate::planning::revision_hash`].
    pub revision: Option<String>,
    /// Creates, and separately deletes, issued per plan at most; the rest wait for the next
    /// plan. Upstream uses 250. An Advanced DaemonSet's `spec.burstReplicas`, when set, is used
    /// instead, as Kruise's controller does.
    pub burst_replicas: usize,
    /// The failed-pod backoff state returned by the previous plan.
    pub failed_pod_backoff: FailedPodBackoff,
    /// Switches on the alpha `Lt`/`Gt` toleration operators (feature gate
    /// `TaintTolerationComparisonOperators`, off by default upstream).
    pub taint_comparison_operators: bool,
    /// Beyond upstream: which old pods the rolling update replaces first. The default,
    /// [`UpdateOrder::NodeName`], is upstream's behaviour with this crate's name order.
    pub update_order: UpdateOrder,
    /// Beyond upstream: at most this many nodes per value of a topology key may be without an
    /// available pod (maxSurge mode: may be surging), in addition to the global budget.
    /// `None` (the default) is upstream's behaviour.
    pub topology_budget: Option<TopologyBudget>,
    /// Beyond upstream: unavailable old pods are replaced only within the budget. Upstream (and
    /// `false`, the default) replaces every unavailable old pod at once, whatever the budget.
    pub strict_budget: bool,
    /// Beyond upstream: no pod is created and no old pod is replaced (like an Advanced
    /// DaemonSet's `paused`, and also no creates on new nodes); manage's other deletions
    /// (ineligible nodes, duplicates, failed pods) go on. `false` by default.
    pub freeze: bool,
}

impl PlanOptions {
    /// Options with upstream's defaults at time `now`.
    pub fn new(now: Time) -> Self {
        PlanOptions {
            now,
            revision: None,
            burst_replicas: DEFAULT_BURST_REPLICAS,
            failed_pod_backoff: FailedPodBackoff::default(),
            taint_comparison_operators: false,
            update_order: UpdateOrder::NodeName,
            topology_budget: None,
            strict_budget: false,
            freeze: false,
        }
    }

    /// Replaces old pods in `order` (see [`UpdateOrder`]).
    ///
    /// ```
    /// use daemonset_planner::{PlanOptions, Time, UpdateOrder};
    /// let now = Time::parse("2026-11-22T10:00:00Z").unwrap();
    /// let options = PlanOptions::new(now)
    ///     .with_update_order(UpdateOrder::Canary { nodes: vec!["worker-1".into()] })
    ///     .with_strict_budget(true);
    /// assert!(options.strict_budget);
    /// ```
    #[must_use]
    pub fn with_update_order(mut self, order: UpdateOrder) -> Self {
        self.update_order = order;
        self
    }

    /// Caps unavailable (or surging) nodes per topology domain (see [`TopologyBudget`]).
    #[must_use]
    pub fn with_topology_budget(mut self, budget: TopologyBudget) -> Self {
        self.topology_budget = Some(budget);
        self
    }

    /// Replaces unavailable old pods only within the budget (see [`PlanOptions::strict_budget`]).
    #[must_use]
    pub fn with_strict_budget(mut self, strict: bool) -> Self {
        self.strict_budget = strict;
        self
    }

    /// Freezes the DaemonSet: no creates, no replacements (see [`PlanOptions::freeze`]).
    #[must_use]
    pub fn with_freeze(mut self, freeze: bool) -> Self {
        self.freeze = freeze;
        self
    }

    /// Whether any option beyond upstream is set (an order other than by name, a topology
    /// budget, a strict budget or a freeze).
    pub fn goes_beyond_upstream(&self) -> bool {
        self.update_order != UpdateOrder::NodeName
            || self.topology_budget.is_some()
            || self.strict_budget
            || self.freeze
    }

    /// Uses `revision` as the current revision hash.
    pub fn with_revision(mut self, revision: impl Into<String>) -> Self {
        self.revision = Some(revision.into());
        self
    }

    /// Carries the failed-pod backoff state of the previous plan.
    pub fn with_failed_pod_backoff(mut self, backoff: FailedPodBackoff) -> Self {
        self.failed_pod_backoff = backoff;
        self
    }
}

/// The decisions of one sync of the DaemonSet controller.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// The current revision hash created pods are labelled with.
    pub revision: String,
    /// What to do, in order: adoptions and releases, then manage's creates and deletes, then
    /// the rolling update's.
    pub actions: Vec<Action>,
    /// The status to write, counted from the pods as given (before these actions).
    #[serde(serialize_with = "crate::json::status_counts")]
    pub status: DaemonSetStatus,
    /// Whether `status` differs from the DaemonSet's stored status (upstream skips the write
    /// otherwise).
    pub status_changed: bool,
    /// Why the sync did nothing at all, if it did not.
    #[serde(serialize_with = "crate::json::display_option")]
    pub skipped: Option<SkipReason>,
    /// Creates beyond the burst limit, left for the next plan.
    pub deferred_creates: usize,
    /// Deletes beyond the burst limit, left for the next plan.
    pub deferred_deletes: usize,
    /// Plan again after this long even if nothing changes (failed-pod backoff, minReadySeconds).
    #[serde(
        rename = "requeueAfterSeconds",
        serialize_with = "crate::json::seconds"
    )]
    pub requeue_after: Option<Duration>,
    /// The failed-pod backoff state to pass to the next plan.
    #[serde(skip)]
    pub failed_pod_backoff: FailedPodBackoff,
    /// The rolling-update step of this plan, when the strategy is RollingUpdate.
    pub rolling_update: Option<RollingUpdateStep>,
}

impl Plan {
    /// The nodes whose pod this plan starts replacing, in node-name order: the nodes of the
    /// rolling update's deletes of outdated pods, and of its surge creates. A plan with any is
    /// one batch of a rollout (as [`crate::preview_rollout`] counts them).
    pub fn replaced_nodes(&self) -> Vec<String> {
        let mut nodes: Vec<String> = self
            .actions
            .iter()
            .filter_map(|action| match action {
                Action::Create {
                    node,
                    reason: CreateReason::Surge | CreateReason::SurgeForUnavailable,
                } => Some(node.clone()),
                Action::Delete {
                    node: Some(node),
                    reason: DeleteReason::Outdated | DeleteReason::OutdatedUnavailable,
                    ..
                } => Some(node.clone()),
                _ => None,
            })
            .collect();
        nodes.sort();
        nodes.dedup();
        nodes
    }
}

/// One thing the controller does.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[derive(serde::Serialize)]
#[serde(tag = "action", rename_all = "lowercase")]
pub enum Action {
    /// Create a daemon pod for `node` (render it with [`crate::render_pod`]).
    Create {
        /// The node the pod is pinned to.
        node: String,
        /// Why.
        reason: CreateReason,
    },
    /// Delete a pod.
    Delete {
        /// The pod's name.
        pod: String,
        /// The node the pod is on or aimed at, if any.
        node: Option<String>,
        /// Why.
        reason: DeleteReason,
    },
    /// Adopt an orphan pod that matches the selector (add the controller reference).
    Adopt {
        /// The pod's name.
        pod: String,
    },
    /// Release an owned pod that no longer matches the selector (remove the reference).
    Release {
        /// The pod's name.
        pod: String,
    },
}

/// Why a pod is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[derive(serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CreateReason {
    /// The node should run a daemon pod and has none.
    Missing,
    /// Surge: a new pod beside an available old one, within maxSurge.
    Surge,
    /// Surge: a new pod beside an unavailable old one, beyond maxSurge (as upstream).
    SurgeForUnavailable,
}

/// Why a pod is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[derive(serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeleteReason {
    /// One pod too many on the node; the oldest is kept.
    Duplicate,
    /// The pod failed (deleted at most once per backoff window per node).
    Failed,
    /// The pod completed, which a daemon must not.
    Succeeded,
    /// The node may not run the daemon any more (selector, affinity or NoExecute taint).
    NodeIneligible,
    /// The pod was never scheduled and its target node no longer exists.
    NodeMissing,
    /// Surge: the old pod is not Ready while a new pod runs beside it.
    OldNotReady,
    /// Surge: the new pod beside it is available.
    Superseded,
    /// Rolling update: an available old pod, within maxUnavailable.
    Outdated,
    /// Rolling update: an old pod that is unavailable anyway (not limited by the budget).
    OutdatedUnavailable,
    /// Surge: an old pod on a node the new template can no longer use.
    Sunset,
    /// The DaemonSet is deleted with foreground or background propagation: the garbage
    /// collector deletes its pods ([`crate::teardown()`]).
    Teardown,
    /// Advanced DaemonSet: the pod's lifecycle state (label
    /// `lifecycle.apps.kruise.io/state`) is `PreparingDelete`, so its pre-delete hook is done.
    PreparingDelete,
}

impl CreateReason {
    /// The reason as a short kebab-case word, as the JSON output spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            CreateReason::Missing => "missing",
            CreateReason::Surge => "surge",
            CreateReason::SurgeForUnavailable => "surge-for-unavailable",
        }
    }
}

impl DeleteReason {
    /// The reason as a short kebab-case word, as the JSON output spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            DeleteReason::Duplicate => "duplicate",
            DeleteReason::Failed => "failed",
            DeleteReason::Succeeded => "succeeded",
            DeleteReason::NodeIneligible => "node-ineligible",
            DeleteReason::NodeMissing => "node-missing",
            DeleteReason::OldNotReady => "old-not-ready",
            DeleteReason::Superseded => "superseded",
            DeleteReason::Outdated => "outdated",
            DeleteReason::OutdatedUnavailable => "outdated-unavailable",
            DeleteReason::Sunset => "sunset",
            DeleteReason::Teardown => "teardown",
            DeleteReason::PreparingDelete => "preparing-delete",
        }
    }
}

impl fmt::Display for CreateReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for DeleteReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Create { node, reason } => write!(f, "create a pod on {node} ({reason})"),
            Action::Delete { pod, node, reason } => match node {
                Some(node) => write!(f, "delete pod {pod} on {node} ({reason})"),
                None => write!(f, "delete pod {pod} ({reason})"),
            },
            Action::Adopt { pod } => write!(f, "adopt pod {pod}"),
            Action::Release { pod } => write!(f, "release pod {pod}"),
        }
    }
}

/// Why a sync does nothing at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SkipReason {
    /// The DaemonSet is being deleted: no actions, no status write.
    BeingDeleted,
    /// `spec.selector` is `{}`, which would select every pod of the namespace (upstream emits a
    /// `SelectingAll` warning event).
    SelectsAllPods,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::BeingDeleted => f.write_str("the DaemonSet is being deleted"),
            SkipReason::SelectsAllPods => f.write_str(
                "spec.selector is empty and would select every pod: a non-empty selector is required",
            ),
        }
    }
}

/// The rolling-update step of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[derive(serde::Serialize)]
#[serde(untagged)]
pub enum RollingUpdateStep {
    /// The step ran; this is the batch it started.
    Batch(UpdateBatch),
    /// The step failed as upstream's does (manage's actions and the status still stand).
    #[serde(serialize_with = "crate::json::rolling_update_error")]
    Failed(RollingUpdateError),
    /// The step did not run: the update is paused or frozen (manage's actions still stand).
    #[serde(serialize_with = "crate::json::pause_reason")]
    Paused(PauseReason),
}

/// Why the rolling update did not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PauseReason {
    /// The Advanced DaemonSet's `rollingUpdate.paused` is true.
    Paused,
    /// [`PlanOptions::freeze`] is set.
    Frozen,
}

impl fmt::Display for PauseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PauseReason::Paused => {
                f.write_str("the rolling update is paused (rollingUpdate.paused)")
            }
            PauseReason::Frozen => {
                f.write_str("the DaemonSet is frozen (no creates, no replacements)")
            }
        }
    }
}

/// A rolling-update step that upstream would end with an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RollingUpdateError {
    /// maxUnavailable or maxSurge cannot be scaled.
    #[error("spec.updateStrategy.rollingUpdate.{field}: {source}")]
    Budget {
        /// `maxUnavailable` or `maxSurge`.
        field: &'static str,
        /// The scaling error.
        source: IntOrPercentError,
    },
    /// The Advanced DaemonSet's `rollingUpdate.selector` cannot be compiled.
    #[error("spec.updateStrategy.rollingUpdate.selector.{source}")]
    UpdateSelector {
        /// What is wrong with it.
        source: SelectorError,
    },
    /// The topology budget ([`PlanOptions::topology_budget`]) cannot be scaled.
    #[error("topology budget for {key}: {source}")]
    TopologyBudget {
        /// The topology key.
        key: String,
        /// The scaling error.
        source: IntOrPercentError,
    },
    /// Surge mode found an old pod on a node that no longer exists (upstream fails the step
    /// until pod garbage collection removes the pod).
    #[error("old pod {pod} is on node {node}, which no longer exists")]
    VanishedNode {
        /// The node name.
        node: String,
        /// The pod name.
        pod: String,
    },
}

/// How the rolling update replaces pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum UpdateMode {
    /// Delete old pods first, at most maxUnavailable nodes without an available pod.
    MaxUnavailable,
    /// Start new pods beside old ones first, at most maxSurge nodes with two pods.
    MaxSurge,
}

/// The batch the rolling update starts in this plan, and how its budget is spent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateBatch {
    /// Which budget applies.
    pub mode: UpdateMode,
    /// Desired nodes the budget is scaled against.
    pub desired: i64,
    /// The scaled budget: maxUnavailable or maxSurge as a number of nodes.
    pub budget: i64,
    /// The part of the budget already used, node by node, with why.
    pub used: Vec<BudgetUse>,
    /// Old pods deleted now (names).
    pub deleted: Vec<String>,
    /// Nodes that get a new pod now (surge).
    pub surged: Vec<String>,
    /// Old pods that wait for a later batch (for the budget: global, per topology domain, or
    /// strict).
    pub waiting: usize,
    /// Nodes whose old pod the update leaves alone in this plan, by node name, with why: kept
    /// by an Advanced DaemonSet's partition or node selector, or held back by the update order
    /// (canaries first, one topology domain at a time). Not counted in `waiting`. Always empty
    /// for apps/v1 with upstream's options.
    pub held: Vec<HeldNode>,
}

impl UpdateBatch {
    /// A batch whose actions are not filled in yet (`deleted` and `surged` are set once the
    /// burst limit has decided what runs).
    pub(crate) fn started(
        mode: UpdateMode,
        desired: i64,
        budget: i64,
        used: Vec<BudgetUse>,
        waiting: usize,
        held: Vec<HeldNode>,
    ) -> Self {
        UpdateBatch {
            mode,
            desired,
            budget,
            used,
            deleted: Vec::new(),
            surged: Vec::new(),
            waiting,
            held,
        }
    }
}

/// A node whose old pod the rolling update leaves alone in this plan.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HeldNode {
    /// The node name.
    pub node: String,
    /// Why.
    #[serde(serialize_with = "crate::json::display")]
    pub reason: HoldReason,
}

/// Why the rolling update leaves a node's old pod alone.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HoldReason {
    /// Advanced DaemonSet: the partition keeps this node on the old revision.
    Partition,
    /// Advanced DaemonSet: the node does not match `rollingUpdate.selector`.
    NotSelected,
    /// [`UpdateOrder::Canary`]: the canary nodes are not all updated and available yet.
    Canary,
    /// [`UpdateOrder::TopologyDomains`]: another domain (this value of the key; empty for the
    /// nodes without it) is being updated first.
    TopologyDomain(String),
}

impl HoldReason {
    /// Whether the update keeps the node on the old revision for good (a partition or the
    /// node selector), rather than for now.
    pub fn is_final(&self) -> bool {
        matches!(self, HoldReason::Partition | HoldReason::NotSelected)
    }
}

impl fmt::Display for HoldReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HoldReason::Partition => f.write_str("kept on the old revision by the partition"),
            HoldReason::NotSelected => {
                f.write_str("not matched by rollingUpdate.selector: not updated")
            }
            HoldReason::Canary => f.write_str("waits for the canary nodes"),
            HoldReason::TopologyDomain(active) if active.is_empty() => {
                f.write_str("waits for the nodes without the topology key")
            }
            HoldReason::TopologyDomain(active) => {
                write!(f, "waits for topology domain {active}")
            }
        }
    }
}

/// One node using part of the rolling-update budget.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BudgetUse {
    /// The node (or vanished node) name.
    pub node: String,
    /// Why it counts.
    #[serde(serialize_with = "crate::json::budget_use_reason")]
    pub reason: BudgetUseReason,
}

/// Why a node counts against the rolling-update budget.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BudgetUseReason {
    /// The node should run a pod and has none (or only terminating ones).
    NoPod,
    /// The node has several old or several new pods.
    SeveralPods,
    /// The node has both an old and a new pod.
    OldAndNew,
    /// The node's pod is not Ready.
    NotReady,
    /// The node's new pod is created by this plan.
    Created,
    /// The node's pod is Ready but not yet for minReadySeconds; available at this time.
    WithinMinReadySeconds(Time),
    /// The node's old pod is unavailable and is replaced now.
    OldUnavailable,
    /// A surge pod is starting here.
    Surging,
}

/// Why a plan cannot be made at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// `spec.selector` cannot be compiled.
    #[error("daemonset {daemon_set}: spec.selector.{source}")]
    InvalidSelector {
        /// The DaemonSet, `namespace/name`.
        daemon_set: String,
        /// What is wrong with it.
        source: SelectorError,
    },
    /// Two nodes share a name, which no real cluster can produce.
    #[error("two nodes are named {name:?}: node names must be unique")]
    DuplicateNodeName {
        /// The name.
        name: String,
    },
    /// The plan would act on a pod whose name another pod of the DaemonSet's namespace shares,
    /// which no real cluster can produce (the action would be ambiguous).
    #[error("two pods in namespace {namespace:?} are named {name:?}: pod names must be unique")]
    DuplicatePodName {
        /// The namespace.
        namespace: String,
        /// The name.
        name: String,
    },
    /// More nodes or pods than a plan indexes (4,294,967,295 of each): far beyond any cluster,
    /// and beyond the memory of the machines that run one.
    #[error("more {what} than a plan can index (at most 4294967295)")]
    InputTooLarge {
        /// `nodes` or `pods`.
        what: &'static str,
    },
}
