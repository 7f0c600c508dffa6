//! Incremental planning: a [`Planner`] keeps the cluster and indexes over it, takes one node,
//! pod, DaemonSet or time event at a time, and makes the same plan [`plan`] makes from scratch.
//!
//! Upstream's decisions are per key of its node-to-pods map (a node, or the name of a vanished
//! node that pods are aimed at): the status counts, manage's creates and deletes, and how the
//! rolling update classifies the key. Only a few global numbers tie keys together (desired
//! nodes, the budget already used, available pods), and the choices between keys are "the first
//! N by name". So the planner keeps each key's contribution in sums and ordered sets; an event
//! recomputes the keys it touches (usually one) and making a plan reads the first items of the
//! ordered sets.
//!
//! [`plan`]: crate::plan

mod index;
mod key;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Bound;
use std::time::Duration;

use foldhash::fast::RandomState;

use super::backoff::FailedPodBackoff;
use super::cluster::{Claim, FactsContext, PodFacts, claim, compare_pods, target_node};
use super::effective_namespace;
use super::node_join::{self, widen};
use super::revision::{CurrentRevision, revision_hash};
use super::rolling::{allows_surge, budgets, clamp_budget};
use super::status::{status_changed, status_from_counts};
use super::types::{
    Action, BudgetUse, CreateReason, DeleteReason, Plan, PlanError, PlanOptions,
    RollingUpdateError, RollingUpdateStep, SkipReason, UpdateBatch, UpdateMode,
};
use crate::model::{DaemonSet, LabelSelector, Node, Pod, Time};
use crate::scheduling::{DaemonPlacement, LabelMatcher, Placement};
use index::Index;
use key::{
    KeyId, KeySlot, Keys, Name, NameIndex, Named, PodId, PodSlot, Pods, RollingKey, Rules, Table,
};

/// Plans one DaemonSet incrementally: built once from the cluster, then told about each change
/// (a node or pod added, updated or deleted, a new DaemonSet spec, the time), it makes after any
/// sequence of changes exactly the plan [`plan`] makes from the same objects, at a cost that
/// follows the change and the size of the plan rather than the size of the cluster.
///
/// Like [`plan`] it does no I/O, reads no clock and starts no thread: time comes in through
/// [`Planner::set_now`]. It keeps what a controller would keep between syncs: the failed-pod
/// backoff (taken from [`PlanOptions::failed_pod_backoff`] when built, updated by every plan it
/// makes, as [`Plan::failed_pod_backoff`] says) and the last plan, to say what changed
/// ([`Planner::plan_delta`]).
///
/// The planner holds the nodes and the pods of the DaemonSet's namespace (pods of other
/// namespaces are ignored, as [`plan`] ignores them), by name. Its invariant: at any point,
///
/// ```text
/// planner.plan()
///     == plan(planner.daemon_set(), <planner.nodes()>, <planner.pods()>, &planner.options())
/// ```
///
/// in value (same actions in the same order, same status, rolling-update batch, backoff and
/// requeue), where `options()` is read just before `plan()`.
///
/// Cost: an event recomputes the keys it touches (a node event one, a pod event at most two, a
/// time step those whose pods become available or whose backoff runs out); making a plan reads
/// the actions it returns plus the rolling update's budget uses and chosen candidates. A
/// DaemonSet change recomputes what depends on what changed: the placements when the template's
/// spec changes, the pod facts when the revision or minReadySeconds changes, the claims when
/// the selector changes, and the keys' contributions in any of those cases.
/// Two cases cost more: when manage has more creates or deletes than the burst limit, making
/// a plan also revisits the keys whose manage actions are deferred (the rolling update sees them
/// without those actions); and when the rolling update switches between surge and no-surge (a
/// percentage maxSurge while the desired count goes to or from zero), its sets are rebuilt.
///
/// ```
/// use daemonset_planner::{
///     apply_defaults, plan, Action, DaemonSet, LabelSelector, Node, PlanOptions, Planner, Time,
/// };
///
/// let mut ds = DaemonSet::default();
/// ds.metadata.name = "fluentd".into();
/// ds.metadata.namespace = "kube-system".into();
/// ds.metadata.uid = "0b7e6c1a".into();
/// let labels = [("name".to_string(), "fluentd".to_string())];
/// ds.spec.selector = Some(LabelSelector {
///     match_labels: labels.clone().into(),
///     ..Default::default()
/// });
/// ds.spec.template.metadata.labels = labels.into();
/// apply_defaults(&mut ds);
/// let node = |name: &str| {
///     let mut node = Node::default();
///     node.metadata.name = name.into();
///     node
/// };
///
/// let now = Time::parse("2026-11-22T10:00:00Z").unwrap();
/// let options = PlanOptions::new(now);
/// let mut planner = Planner::new(ds, vec![node("worker-1")], vec![], options).unwrap();
/// let first = planner.plan().unwrap();
/// assert!(matches!(&first.actions[..], [Action::Create { node, .. }] if node == "worker-1"));
///
/// planner.apply_node(node("worker-2"));
/// let delta = planner.plan_delta().unwrap();
/// assert!(matches!(&delta.added[..], [Action::Create { node, .. }] if node == "worker-2"));
/// assert!(delta.removed.is_empty());
///
/// // The same plan as from scratch.
/// let nodes: Vec<Node> = planner.nodes().cloned().collect();
/// let options = planner.options();
/// let from_scratch = plan(planner.daemon_set(), &nodes, &[], &options).unwrap();
/// assert_eq!(planner.plan().unwrap(), from_scratch);
/// ```
///
/// [`plan`]: crate::plan
pub struct Planner {
    daemon_set: DaemonSet,
    /// The revision given (`None`: computed from the template).
    revision: Option<String>,
    /// The revision hash plans carry.
    hash: String,
    now: Time,
    burst_replicas: usize,
    taint_comparison_operators: bool,
    backoff: FailedPodBackoff,
    /// The DaemonSet's namespace (`default` when empty).
    namespace: String,
    state: State,
    keys: Keys,
    key_index: NameIndex,
    /// How many keys have a node.
    node_count: usize,
    pods: Pods,
    pod_index: NameIndex,
    /// Keys whose contribution is out of the indexes, to recompute when the event ends.
    dirty: Vec<KeyId>,
    last: Option<Plan>,
    /// The options as given, for the strategy options beyond upstream; plans for an Advanced
    /// DaemonSet or with such options are made from scratch (see [`Planner::plan`]).
    given: PlanOptions,
}

/// Whether plans are made, and with what.
#[derive(Debug)]
enum State {
    /// The DaemonSet is skipped, or its selector does not compile: no indexes are kept (the
    /// keys are just the nodes, and pods are not grouped).
    Halted(Halt),
    Active(Box<Engine>),
}

#[derive(Debug)]
enum Halt {
    Skip(SkipReason),
    Error(PlanError),
}

/// What an active planner derives from the DaemonSet, and the indexes.
#[derive(Debug)]
struct Engine {
    selector: LabelMatcher,
    placement: DaemonPlacement,
    revision: CurrentRevision,
    rules: Rules,
    index: Index,
    /// Adoptions and releases, by pod name (`Claim::Adopt` or `Claim::Release`).
    claims: BTreeMap<Name, Claim>,
    /// (second, key): the key's contribution may change when the time crosses that second.
    breakpoints: BTreeSet<(i64, KeyId)>,
}

/// What changed between two consecutive plans of a [`Planner`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlanDelta {
    /// Actions of the new plan that the previous plan did not have, in plan order.
    pub added: Vec<Action>,
    /// Actions of the previous plan that the new one does not have, in their previous order.
    pub removed: Vec<Action>,
    /// Whether the plan differs from the previous one in anything (actions, status, rolling
    /// update batch, deferred counts, requeue delay, backoff, skip reason or revision). Always
    /// true for the first plan.
    pub changed: bool,
}

impl std::fmt::Display for PlanDelta {
    /// One line per action, `+ ` for added and `- ` for removed; `unchanged` or `changed` when
    /// no action was added or removed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.actions_unchanged() {
            return f.write_str(if self.changed { "changed" } else { "unchanged" });
        }
        let lines = self
            .added
            .iter()
            .map(|a| ('+', a))
            .chain(self.removed.iter().map(|a| ('-', a)));
        for (i, (sign, action)) in lines.enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{sign} {action}")?;
        }
        Ok(())
    }
}

impl PlanDelta {
    /// The delta from `previous` (none: everything is new) to `next`.
    pub fn between(previous: Option<&Plan>, next: &Plan) -> Self {
        let Some(previous) = previous else {
            return PlanDelta {
                added: next.actions.clone(),
                removed: Vec::new(),
                changed: true,
            };
        };
        if previous.actions == next.actions {
            return PlanDelta {
                added: Vec::new(),
                removed: Vec::new(),
                changed: previous != next,
            };
        }
        let before: HashSet<&Action, RandomState> = previous.actions.iter().collect();
        let after: HashSet<&Action, RandomState> = next.actions.iter().collect();
        PlanDelta {
            added: next
                .actions
                .iter()
                .filter(|a| !before.contains(a))
                .cloned()
                .collect(),
            removed: previous
                .actions
                .iter()
                .filter(|a| !after.contains(a))
                .cloned()
                .collect(),
            changed: true,
        }
    }

    /// Whether no action was added or removed.
    pub fn actions_unchanged(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

impl Planner {
    /// Builds a planner from a DaemonSet (defaulted, as for [`plan`]), the nodes, the pods and
    /// the options (time, revision, burst limit, failed-pod backoff, toleration operators).
    /// Pods of other namespaces than the DaemonSet's are left out.
    ///
    /// The planner holds objects by name, so two nodes of one name are an error
    /// ([`PlanError::DuplicateNodeName`]), and so are two pods of one name in the DaemonSet's
    /// namespace ([`PlanError::DuplicatePodName`], even when [`plan`] would ignore both pods).
    ///
    /// [`plan`]: crate::plan
    pub fn new(
        daemon_set: DaemonSet,
        nodes: impl IntoIterator<Item = Node>,
        pods: impl IntoIterator<Item = Pod>,
        options: PlanOptions,
    ) -> Result<Self, PlanError> {
        // Collecting a vector gives the same vector back: the objects are not copied.
        let nodes: Vec<Node> = nodes.into_iter().collect();
        let pods: Vec<Pod> = pods.into_iter().collect();
        let given = options.clone();
        let namespace = effective_namespace(&daemon_set.metadata.namespace).to_owned();
        // Keys as forget_grouping() leaves them, so that start() can follow directly.
        let keys = Table::from_objects(nodes, |_, _| {
            Some(KeySlot {
                dirty: false,
                ..KeySlot::new(Some(UNPLACED))
            })
        });
        let mut key_index = NameIndex::with_capacity(keys.len());
        for (id, _) in keys.iter() {
            if !key_index.insert(&keys, id) {
                let name = keys.name(id).to_owned();
                return Err(PlanError::DuplicateNodeName { name });
            }
        }
        let pods = Table::from_objects(pods, |_, pod| {
            (effective_namespace(&pod.metadata.namespace) == namespace).then(PodSlot::new)
        });
        let mut pod_index = NameIndex::with_capacity(pods.len());
        for (id, _) in pods.iter() {
            if !pod_index.insert(&pods, id) {
                let name = pods.name(id).to_owned();
                return Err(PlanError::DuplicatePodName { namespace, name });
            }
        }
        let mut planner = Planner {
            daemon_set,
            revision: options.revision,
            hash: String::new(),
            now: options.now,
            burst_replicas: options.burst_replicas,
            taint_comparison_operators: options.taint_comparison_operators,
            backoff: options.failed_pod_backoff,
            namespace,
            // Worked out by start() below.
            state: State::Halted(Halt::Skip(SkipReason::BeingDeleted)),
            node_count: keys.len(),
            keys,
            key_index,
            pods,
            pod_index,
            dirty: Vec::new(),
            last: None,
            given,
        };
        // Everything is as forget_grouping() leaves it: fresh slots, no vanished keys.
        planner.start();
        Ok(planner)
    }

    /// The DaemonSet plans are made for.
    pub fn daemon_set(&self) -> &DaemonSet {
        &self.daemon_set
    }

    /// The nodes, in no particular order.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.keys
            .objects()
            .filter_map(|(key, node)| key.node.map(|_| node))
    }

    /// The pods of the DaemonSet's namespace, in no particular order.
    pub fn pods(&self) -> impl Iterator<Item = &Pod> {
        self.pods.objects().map(|(_, pod)| pod)
    }

    /// The node named `name`.
    pub fn node(&self, name: &str) -> Option<&Node> {
        let id = self.key_index.get(&self.keys, name)?;
        self.keys.get(id)?.node?;
        self.keys.object(id)
    }

    /// The pod of the DaemonSet's namespace named `name`.
    pub fn pod(&self, name: &str) -> Option<&Pod> {
        let id = self.pod_index.get(&self.pods, name)?;
        self.pods.object(id)
    }

    /// How many nodes the planner holds.
    pub fn node_count(&self) -> usize {
        self.node_count
    }

    /// How many pods (of the DaemonSet's namespace) the planner holds.
    pub fn pod_count(&self) -> usize {
        self.pods.len()
    }

    /// The planner's time.
    pub fn now(&self) -> Time {
        self.now
    }

    /// The failed-pod backoff as the last plan left it (or as given, before the first plan).
    pub fn failed_pod_backoff(&self) -> &FailedPodBackoff {
        &self.backoff
    }

    /// The options [`plan`] needs to make the plan this planner makes next from the same
    /// objects: the time, the revision, the burst limit, the current failed-pod backoff and the
    /// toleration-operator switch.
    ///
    /// [`plan`]: crate::plan
    pub fn options(&self) -> PlanOptions {
        let mut options = self.given.clone();
        options.now = self.now;
        options.revision = self.revision.clone();
        options.burst_replicas = self.burst_replicas;
        options.failed_pod_backoff = self.backoff.clone();
        options.taint_comparison_operators = self.taint_comparison_operators;
        options
    }

    /// The last plan [`Planner::plan`] or [`Planner::plan_delta`] made, if any.
    pub fn last_plan(&self) -> Option<&Plan> {
        self.last.as_ref()
    }

    // -----------------------------------------------------------------------------------------
    // Events
    // -----------------------------------------------------------------------------------------

    /// A node was added or changed (labels, taints, ...): it replaces the node of its name.
    pub fn apply_node(&mut self, node: Node) {
        let placement = match &self.state {
            State::Active(engine) => engine.placement.placement(&node),
            State::Halted(_) => UNPLACED,
        };
        match self.key_index.get(&self.keys, &node.metadata.name) {
            Some(id) => {
                self.touch(id);
                if let Some(key) = self.keys.get_mut(id) {
                    if key.node.is_none() {
                        self.node_count = self.node_count.saturating_add(1);
                    }
                    key.node = Some(placement);
                }
                if let Some(slot) = self.keys.object_mut(id) {
                    *slot = node;
                }
            }
            None => {
                let id = self.keys.insert(KeySlot::new(Some(placement)), node);
                self.key_index.insert(&self.keys, id);
                self.dirty.push(id);
                self.node_count = self.node_count.saturating_add(1);
            }
        }
        self.finish();
    }

    /// The node `name` was deleted; returns it. Its pods stay, aimed at a vanished node, as
    /// upstream sees them until pod garbage collection removes them.
    pub fn delete_node(&mut self, name: &str) -> Option<Node> {
        let id = self.key_index.get(&self.keys, name)?;
        self.keys.get(id)?.node?;
        self.touch(id);
        if let Some(key) = self.keys.get_mut(id) {
            key.node = None;
            self.node_count = self.node_count.saturating_sub(1);
        }
        // The key may stay, for the pods still aimed at it: it keeps the name.
        let node = self
            .keys
            .object_mut(id)
            .map(|node| std::mem::replace(node, named_node(name)));
        self.finish();
        node
    }

    /// A pod was added or changed: it replaces the pod of its name. Pods of other namespaces
    /// than the DaemonSet's are ignored.
    pub fn apply_pod(&mut self, pod: Pod) {
        if effective_namespace(&pod.metadata.namespace) != self.namespace {
            return;
        }
        let id = match self.pod_index.get(&self.pods, &pod.metadata.name) {
            Some(id) => {
                self.ungroup(id);
                if let Some(slot) = self.pods.object_mut(id) {
                    *slot = pod;
                }
                id
            }
            None => {
                let id = self.pods.insert(PodSlot::new(), pod);
                self.pod_index.insert(&self.pods, id);
                id
            }
        };
        self.group(id, true);
        self.finish();
    }

    /// The pod `name` of `namespace` was deleted; returns it (`None` for another namespace
    /// than the DaemonSet's, or an unknown pod).
    pub fn delete_pod(&mut self, namespace: &str, name: &str) -> Option<Pod> {
        if effective_namespace(namespace) != self.namespace {
            return None;
        }
        let id = self.pod_index.get(&self.pods, name)?;
        self.ungroup(id);
        self.pod_index.remove(&self.pods, name);
        let (_, pod) = self.pods.remove(id)?;
        self.finish();
        Some(pod)
    }

    /// The DaemonSet changed (spec, status, metadata). Recomputes what depends on what changed:
    /// placements for a new template spec, pod facts for a new revision or minReadySeconds,
    /// claims for a new selector (or uid or name), and then every key's contribution; a change
    /// of status counters or generation alone costs nothing more.
    ///
    /// With the revision computed by the planner (no [`PlanOptions::revision`]), a template
    /// change is a new revision; otherwise give the new revision with
    /// [`Planner::set_revision`]. The namespace of a DaemonSet never changes; given another
    /// one, the planner drops its pods.
    pub fn set_daemon_set(&mut self, daemon_set: DaemonSet) {
        let previous = std::mem::replace(&mut self.daemon_set, daemon_set);
        let namespace = effective_namespace(&self.daemon_set.metadata.namespace).to_owned();
        if namespace != self.namespace {
            self.namespace = namespace;
            self.pods = Table::from_objects(Vec::new(), |_, _| None);
            self.pod_index.clear();
            self.restart();
            return;
        }
        let ds = &self.daemon_set;
        let same_claims = previous.spec.selector == ds.spec.selector
            && previous.metadata.uid == ds.metadata.uid
            && previous.metadata.name == ds.metadata.name;
        let next_halt = halt(ds);
        if let State::Halted(current) = &self.state {
            // Nothing is grouped while halted: staying halted costs nothing.
            let still_invalid = matches!(current, Halt::Error(_)) && same_claims;
            if next_halt.is_some() || still_invalid {
                self.hash = revision_text(ds, self.revision.as_ref());
                if let Some(next_halt) = next_halt {
                    self.state = State::Halted(next_halt);
                }
            } else {
                self.restart();
            }
            return;
        }
        if !same_claims || next_halt.is_some() {
            self.restart();
            return;
        }
        let collision_count = |ds: &DaemonSet| ds.status.as_ref().and_then(|s| s.collision_count);
        if self.revision.is_none()
            && (previous.spec.template != ds.spec.template
                || collision_count(&previous) != collision_count(ds))
        {
            self.hash = revision_text(ds, None);
        }
        let placement_changed = previous.spec.template.spec != ds.spec.template.spec;
        self.refresh(placement_changed);
    }

    /// The current revision hash changed (for example after [`crate::plan_history`] made a
    /// new revision); `None` computes it from the template, as [`plan`] does.
    ///
    /// [`plan`]: crate::plan
    pub fn set_revision(&mut self, revision: Option<String>) {
        self.revision = revision;
        self.hash = revision_text(&self.daemon_set, self.revision.as_ref());
        if matches!(self.state, State::Active(_)) {
            self.refresh(false);
        }
    }

    /// The time is now `now` (forward or back). Only the keys whose pods change availability
    /// (minReadySeconds) or whose failed-pod backoff runs out between the old and the new time
    /// are recomputed.
    pub fn set_now(&mut self, now: Time) {
        let before = self.now.unix_seconds();
        self.now = now;
        let after = now.unix_seconds();
        let State::Active(engine) = &self.state else {
            return;
        };
        if before == after {
            return;
        }
        let (low, high) = (before.min(after), before.max(after));
        let range = (
            Bound::Excluded((low, usize::MAX)),
            Bound::Included((high, usize::MAX)),
        );
        let mut touched: Vec<KeyId> = engine.breakpoints.range(range).map(|&(_, k)| k).collect();
        touched.sort_unstable();
        touched.dedup();
        for id in touched {
            self.touch(id);
            self.refresh_facts(id);
        }
        self.finish();
    }

    // -----------------------------------------------------------------------------------------
    // Plans
    // -----------------------------------------------------------------------------------------

    /// Makes the plan for the current objects and time, as [`plan`] would with
    /// [`Planner::options`], and keeps its failed-pod backoff for the next plan (as a controller
    /// passes [`Plan::failed_pod_backoff`] on).
    ///
    /// [`plan`]: crate::plan
    pub fn plan(&mut self) -> Result<Plan, PlanError> {
        let made = self.make_plan();
        self.last = made.as_ref().ok().cloned();
        made
    }

    /// Makes the plan (as [`Planner::plan`]) and says how it differs from the previous one;
    /// the plan itself is then [`Planner::last_plan`]. After an error the next delta starts
    /// afresh (every action added).
    pub fn plan_delta(&mut self) -> Result<PlanDelta, PlanError> {
        match self.make_plan() {
            Ok(next) => {
                let delta = PlanDelta::between(self.last.as_ref(), &next);
                self.last = Some(next);
                Ok(delta)
            }
            Err(error) => {
                self.last = None;
                Err(error)
            }
        }
    }

    /// Whether plans come from [`crate::plan`] over the held objects: the indexes follow plain
    /// apps/v1 semantics only, so an Advanced DaemonSet or an option beyond upstream (update
    /// order, topology budget, strict budget, freeze) is planned from scratch on every call.
    fn plans_from_scratch(&self) -> bool {
        self.daemon_set.is_kruise() || self.given.goes_beyond_upstream()
    }

    fn make_plan(&mut self) -> Result<Plan, PlanError> {
        if self.plans_from_scratch() {
            let nodes: Vec<Node> = self.nodes().cloned().collect();
            let pods: Vec<Pod> = self.pods().cloned().collect();
            let plan = crate::planning::plan(&self.daemon_set, &nodes, &pods, &self.options())?;
            self.backoff = plan.failed_pod_backoff.clone();
            return Ok(plan);
        }
        let engine = match &mut self.state {
            State::Halted(Halt::Error(error)) => return Err(error.clone()),
            State::Halted(Halt::Skip(reason)) => {
                return Ok(Plan {
                    revision: self.hash.clone(),
                    actions: Vec::new(),
                    status: self.daemon_set.status.clone().unwrap_or_default(),
                    status_changed: false,
                    skipped: Some(*reason),
                    deferred_creates: 0,
                    deferred_deletes: 0,
                    requeue_after: None,
                    failed_pod_backoff: self.backoff.clone(),
                    rolling_update: None,
                });
            }
            State::Active(engine) => engine,
        };
        let burst = self.burst_replicas;
        let pods = &self.pods;
        let mut actions = Vec::new();
        for (name, kind) in &engine.claims {
            let pod = name.to_string();
            actions.push(match kind {
                Claim::Release => Action::Release { pod },
                _ => Action::Adopt { pod },
            });
        }

        // Manage: the first `burst` creates by node name, deletes by node then pod name.
        let index = &engine.index;
        let mut create_cut: Option<Name> = None;
        for (i, name) in index.creates.keys().enumerate() {
            if i == burst {
                create_cut = Some(name.clone());
                break;
            }
            actions.push(Action::Create {
                node: name.to_string(),
                reason: CreateReason::Missing,
            });
        }
        let mut delete_cut: Option<(Name, Name)> = None;
        for (i, (entry, &(p, reason))) in index.deletes.iter().enumerate() {
            if i == burst {
                delete_cut = Some(entry.clone());
                break;
            }
            actions.push(delete_action(pods, p, reason));
        }
        let mut deferred_creates = index.creates.len().saturating_sub(burst);
        let mut deferred_deletes = index.deletes.len().saturating_sub(burst);

        let rolling_update = if engine.rules.rolling {
            let step = rolling_step(
                &self.daemon_set,
                engine,
                &self.keys,
                pods,
                burst,
                &Cuts {
                    create: create_cut,
                    delete: delete_cut,
                },
                &mut actions,
            );
            if let Some((creates, deletes)) = step.deferred {
                deferred_creates = deferred_creates.saturating_add(creates);
                deferred_deletes = deferred_deletes.saturating_add(deletes);
            }
            Some(step.step)
        } else {
            None
        };

        let index = &engine.index;
        let status = status_from_counts(&self.daemon_set, &index.counts);
        let status_changed = status_changed(&self.daemon_set, &status);
        let min_ready = self.daemon_set.spec.min_ready_seconds;
        let mut requeue_after = index.requeue.keys().next().copied();
        if min_ready > 0 && status.number_ready != status.number_available {
            let wait = Duration::from_secs(u64::try_from(min_ready).unwrap_or(0));
            requeue_after = Some(requeue_after.map_or(wait, |d| d.min(wait)));
        }

        // Manage recorded the failed pods it deleted (all of them, deferred or not).
        let failed: Vec<(KeyId, u32)> = index.failed.iter().map(|(&k, &n)| (k, n)).collect();
        let now = self.now;
        let generation = engine.rules.observed_generation;
        for &(id, count) in &failed {
            if self.keys.get(id).is_none() {
                continue;
            }
            let name = self.keys.name(id);
            let backoff_key =
                FailedPodBackoff::key(&self.daemon_set.metadata.uid, generation, name);
            for _ in 0..count {
                self.backoff.record(backoff_key.clone(), now);
            }
        }
        self.backoff.collect_garbage(now);
        for &(id, _) in &failed {
            self.touch(id);
        }
        self.finish();

        Ok(Plan {
            revision: self.hash.clone(),
            actions,
            status,
            status_changed,
            skipped: None,
            deferred_creates,
            deferred_deletes,
            requeue_after,
            failed_pod_backoff: self.backoff.clone(),
            rolling_update,
        })
    }

    // -----------------------------------------------------------------------------------------
    // Keeping the indexes
    // -----------------------------------------------------------------------------------------

    /// Takes key `id`'s contribution out of the indexes until [`Planner::finish`].
    fn touch(&mut self, id: KeyId) {
        let Some(key) = self.keys.get_mut(id) else {
            return;
        };
        if key.dirty {
            return;
        }
        key.dirty = true;
        self.dirty.push(id);
        if let State::Active(engine) = &mut self.state {
            take_out(engine, &self.keys, &self.pods, id);
        }
    }

    /// Recomputes the touched keys and puts them back; drops keys left without node or pods.
    fn finish(&mut self) {
        for id in std::mem::take(&mut self.dirty) {
            let Some(key) = self.keys.get(id) else {
                continue;
            };
            if !key.dirty {
                continue;
            }
            if key.node.is_none() && key.pods.is_empty() {
                let name = self.keys.name(id);
                self.key_index.remove(&self.keys, name);
                self.keys.remove(id);
                continue;
            }
            let contribution = match &mut self.state {
                State::Active(engine) => {
                    let env = key::Env {
                        pods: &self.pods,
                        rules: &engine.rules,
                        now: self.now,
                        backoff: &self.backoff,
                    };
                    let name = self.keys.name(id);
                    let c = key::contribution(key, name, &env);
                    engine.index.apply(id, name, &c, &self.pods, true);
                    for &at in &c.breakpoints {
                        engine.breakpoints.insert((at, id));
                    }
                    Some(c)
                }
                State::Halted(_) => None,
            };
            if let Some(key) = self.keys.get_mut(id) {
                key.dirty = false;
                if let Some(c) = contribution {
                    key.contribution = c;
                }
            }
        }
    }

    /// Takes pod `id` out of its key and its claim action.
    fn ungroup(&mut self, id: PodId) {
        let Some(slot) = self.pods.get_mut(id) else {
            return;
        };
        let claim = std::mem::replace(&mut slot.claim, Claim::Ignore);
        let key = slot.key.take();
        if let State::Active(engine) = &mut self.state
            && matches!(claim, Claim::Adopt | Claim::Release)
        {
            engine.claims.remove(self.pods.name(id));
        }
        if let Some(key_id) = key {
            self.touch(key_id);
            if let Some(key) = self.keys.get_mut(key_id) {
                key.pods.remove(id);
            }
        }
    }

    /// Claims pod `id` and groups it under its key (kept sorted when `sorted`).
    fn group(&mut self, id: PodId, sorted: bool) {
        if !self.claim_pod(id) {
            return;
        }
        let Some(target) = self.pods.object(id).and_then(target_node) else {
            return;
        };
        let key_id = key_named(&mut self.keys, &mut self.key_index, &mut self.dirty, target);
        self.file(id, key_id, sorted);
    }

    /// Claims pod `id` and works out its facts; whether it is to be filed under a key (it is
    /// claimed, visible, and aimed at a node).
    fn claim_pod(&mut self, id: PodId) -> bool {
        let State::Active(engine) = &mut self.state else {
            return false;
        };
        let Some((slot, pod)) = self.pods.pair_mut(id) else {
            return false;
        };
        let claimed = claim(&self.daemon_set, &engine.selector, &pod.metadata);
        slot.claim = claimed;
        match claimed {
            Claim::Owned => {}
            Claim::Adopt => {
                engine.claims.insert(Name::from(pod.name()), Claim::Adopt);
            }
            Claim::Release => {
                engine.claims.insert(Name::from(pod.name()), Claim::Release);
                return false;
            }
            Claim::Ignore => return false,
        }
        // Finished pods that are also being deleted are invisible; pods without a target are
        // never looked at again.
        if pod.is_terminal() && pod.is_terminating() {
            return false;
        }
        if target_node(pod).is_none() {
            return false;
        }
        let context = FactsContext {
            revision: &engine.revision,
            min_ready_seconds: engine.rules.min_ready_seconds,
            now: self.now,
        };
        slot.facts = PodFacts::of(pod, &context);
        slot.available_at = key::available_at(pod, engine.rules.min_ready_seconds);
        true
    }

    /// Files claimed pod `id` under key `key_id`, in pod order when `sorted`.
    fn file(&mut self, id: PodId, key_id: KeyId, sorted: bool) {
        let State::Active(engine) = &mut self.state else {
            return;
        };
        let Some(slot) = self.pods.get_mut(id) else {
            return;
        };
        slot.key = Some(key_id);
        // Touch the key (takes its contribution out while its pods change).
        if let Some(key) = self.keys.get_mut(key_id)
            && !key.dirty
        {
            key.dirty = true;
            self.dirty.push(key_id);
            take_out(engine, &self.keys, &self.pods, key_id);
        }
        let Some(key) = self.keys.get_mut(key_id) else {
            return;
        };
        if sorted {
            let pods = &self.pods;
            let position =
                key.pods
                    .partition_point(|&other| match (pods.object(other), pods.object(id)) {
                        (Some(a), Some(b)) => compare_pods(a, b).is_lt(),
                        _ => true,
                    });
            key.pods.insert(position, id);
        } else {
            key.pods.push(id);
        }
    }

    /// Groups every pod, as [`Planner::group`] one by one would, but finds the pods' nodes with
    /// one bulk join instead of a name lookup per pod (the lookups were half of building a
    /// planner at 100,000 nodes).
    fn group_all(&mut self) {
        let mut grouped: Vec<PodId> = Vec::new();
        for id in 0..self.pods.slots() {
            if self.claim_pod(id) {
                grouped.push(id);
            }
        }
        let (keys, pods) = (&self.keys, &self.pods);
        let target = |p: PodId| pods.object(p).and_then(target_node).unwrap_or("");
        // Each matched pod as `pod << 32 | key`, so that sorting files them in pod order.
        let mut matched: Vec<u64> = Vec::with_capacity(grouped.len());
        let mut unmatched: Vec<PodId> = Vec::new();
        let indexable = u32::try_from(keys.slots()).is_ok() && u32::try_from(pods.slots()).is_ok();
        let joined = indexable
            && node_join::join(
                keys.iter()
                    .filter(|(_, key)| key.node.is_some())
                    .map(|(id, _)| (narrow(id), keys.name(id))),
                self.node_count,
                grouped.iter().map(|&p| (narrow(p), target(p))),
                |pod, key| match key {
                    Some(key) => matched.push(u64::from(pod) << 32 | u64::from(key)),
                    None => unmatched.push(widen(pod)),
                },
            )
            .is_ok();
        if !joined {
            // Beyond what the join indexes: every pod takes the name lookup below, which finds
            // listed nodes' keys as well, in pod order.
            matched.clear();
            unmatched = grouped;
        }
        matched.sort_unstable();
        for filed in matched {
            let (pod, key) = (filed >> 32, filed & u64::from(u32::MAX));
            let (Ok(pod), Ok(key)) = (usize::try_from(pod), usize::try_from(key)) else {
                continue;
            };
            self.file(pod, key, false);
        }
        // Keys for vanished nodes are made in pod order, as one-by-one grouping makes them.
        unmatched.sort_unstable();
        for pod in unmatched {
            let Some(target) = self.pods.object(pod).and_then(target_node) else {
                continue;
            };
            let key_id = key_named(&mut self.keys, &mut self.key_index, &mut self.dirty, target);
            self.file(pod, key_id, false);
        }
    }

    /// Recomputes the facts of key `id`'s pods at the planner's time.
    fn refresh_facts(&mut self, id: KeyId) {
        let State::Active(engine) = &self.state else {
            return;
        };
        let Some(key) = self.keys.get(id) else {
            return;
        };
        let context = FactsContext {
            revision: &engine.revision,
            min_ready_seconds: engine.rules.min_ready_seconds,
            now: self.now,
        };
        for &p in &key.pods {
            if let Some((slot, pod)) = self.pods.pair_mut(p) {
                slot.facts = PodFacts::of(pod, &context);
            }
        }
    }

    /// After a DaemonSet or revision change that keeps the claims: recomputes placements (when
    /// `placement_changed`), pod facts (when the revision or minReadySeconds changed) and every
    /// contribution (when anything they read changed).
    fn refresh(&mut self, placement_changed: bool) {
        let State::Active(engine) = &mut self.state else {
            return;
        };
        let ds = &self.daemon_set;
        let revision = CurrentRevision::new(ds, self.hash.clone());
        let rules = rules(ds);
        let facts_changed = revision != engine.revision
            || rules.min_ready_seconds != engine.rules.min_ready_seconds;
        if !placement_changed && !facts_changed && rules == engine.rules {
            return;
        }
        engine.revision = revision;
        engine.rules = rules;
        engine.index = Index::new(engine.index.rolling.surge);
        engine.breakpoints.clear();
        if placement_changed {
            engine.placement = DaemonPlacement::new(ds, self.taint_comparison_operators);
            for id in self.keys.ids() {
                if let Some((key, node)) = self.keys.pair_mut(id)
                    && key.node.is_some()
                {
                    key.node = Some(engine.placement.placement(node));
                }
            }
        }
        if facts_changed {
            let context = FactsContext {
                revision: &engine.revision,
                min_ready_seconds: engine.rules.min_ready_seconds,
                now: self.now,
            };
            for id in self.pods.ids() {
                if let Some((slot, pod)) = self.pods.pair_mut(id)
                    && slot.key.is_some()
                {
                    slot.facts = PodFacts::of(pod, &context);
                    slot.available_at = key::available_at(pod, engine.rules.min_ready_seconds);
                }
            }
        }
        self.recompute_all();
    }

    /// Recomputes every key's contribution into empty indexes.
    fn recompute_all(&mut self) {
        self.dirty.clear();
        for id in 0..self.keys.slots() {
            if let Some(key) = self.keys.get_mut(id) {
                key.dirty = true;
                self.dirty.push(id);
            }
        }
        self.finish();
    }

    /// Starts over from the stored objects: the revision, whether plans are made, placements,
    /// claims and grouping, and every contribution.
    fn restart(&mut self) {
        self.forget_grouping();
        self.start();
    }

    /// Drops vanished keys, empties the nodes' pod lists and the pods' claims: the state of a
    /// planner just built, before [`Planner::start`].
    fn forget_grouping(&mut self) {
        for id in self.keys.ids() {
            let Some(key) = self.keys.get_mut(id) else {
                continue;
            };
            if key.node.is_none() {
                self.key_index.remove(&self.keys, self.keys.name(id));
                self.keys.remove(id);
            } else {
                key.pods = Default::default();
                key.contribution = Default::default();
                key.dirty = false;
            }
        }
        for id in self.pods.ids() {
            if let Some(slot) = self.pods.get_mut(id) {
                slot.claim = Claim::Ignore;
                slot.key = None;
                slot.facts = PodFacts::default();
                slot.available_at = None;
            }
        }
        self.dirty.clear();
    }

    /// Works out the revision, whether plans are made, placements, claims and grouping, and
    /// every contribution, from a forgotten grouping.
    fn start(&mut self) {
        self.hash = revision_text(&self.daemon_set, self.revision.as_ref());
        let ds = &self.daemon_set;
        if let Some(halt) = halt(ds) {
            self.state = State::Halted(halt);
            return;
        }
        let selector = match LabelMatcher::new(ds.spec.selector.as_ref()) {
            Ok(selector) => selector,
            Err(source) => {
                self.state = State::Halted(Halt::Error(PlanError::InvalidSelector {
                    daemon_set: ds.metadata.display_name(),
                    source,
                }));
                return;
            }
        };
        let placement = DaemonPlacement::new(ds, self.taint_comparison_operators);
        // Walks over places, not `ids()`: a list of a million ids is fresh memory to fault in.
        for id in 0..self.keys.slots() {
            if let Some((key, node)) = self.keys.pair_mut(id)
                && key.node.is_some()
            {
                key.node = Some(placement.placement(node));
            }
        }
        self.state = State::Active(Box::new(Engine {
            selector,
            placement,
            revision: CurrentRevision::new(ds, self.hash.clone()),
            rules: rules(ds),
            index: Index::new(false),
            claims: BTreeMap::new(),
            breakpoints: BTreeSet::new(),
        }));
        // Every key is recomputed below: grouping need not take contributions out.
        for id in 0..self.keys.slots() {
            if let Some(key) = self.keys.get_mut(id) {
                key.dirty = true;
            }
        }
        self.group_all();
        let pods = &self.pods;
        for id in 0..self.keys.slots() {
            if let Some(key) = self.keys.get_mut(id)
                && key.pods.len() > 1
            {
                key.pods
                    .sort_by(|&a, &b| match (pods.object(a), pods.object(b)) {
                        (Some(a), Some(b)) => compare_pods(a, b),
                        _ => a.cmp(&b),
                    });
            }
        }
        self.recompute_all();
    }
}

impl std::fmt::Debug for Planner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.state {
            State::Active(_) => "active",
            State::Halted(Halt::Skip(_)) => "skipped",
            State::Halted(Halt::Error(_)) => "invalid",
        };
        f.debug_struct("Planner")
            .field("daemon_set", &self.daemon_set.metadata.display_name())
            .field("revision", &self.hash)
            .field("now", &self.now)
            .field("state", &state)
            .field("keys", &self.keys.len())
            .field("pods", &self.pods.len())
            .finish_non_exhaustive()
    }
}

/// The placement of a node while plans are halted (not worked out).
const UNPLACED: Placement = Placement {
    should_run: false,
    should_continue_running: false,
};

/// The key of the node named `target`: the node's own, or a vanished node's, made on first use.
fn key_named(
    keys: &mut Keys,
    key_index: &mut NameIndex,
    dirty: &mut Vec<KeyId>,
    target: &str,
) -> KeyId {
    match key_index.get(keys, target) {
        Some(key_id) => key_id,
        None => {
            let key_id = keys.insert(KeySlot::new(None), named_node(target));
            key_index.insert(keys, key_id);
            dirty.push(key_id);
            key_id
        }
    }
}

/// An index known to fit in u32 (the table sizes are checked first).
fn narrow(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

/// A node with only a name: the object of a vanished node's key.
fn named_node(name: &str) -> Node {
    let mut node = Node::default();
    node.metadata.name = name.to_owned();
    node
}

/// Takes key `id`'s contribution out of the engine's indexes.
fn take_out(engine: &mut Engine, keys: &Keys, pods: &Pods, id: KeyId) {
    let Some(key) = keys.get(id) else {
        return;
    };
    let c = &key.contribution;
    engine.index.apply(id, keys.name(id), c, pods, false);
    for &at in &c.breakpoints {
        engine.breakpoints.remove(&(at, id));
    }
}

impl PodSlot {
    fn new() -> Self {
        PodSlot {
            claim: Claim::Ignore,
            key: None,
            facts: PodFacts::default(),
            available_at: None,
        }
    }
}

/// Why no plan is made for this DaemonSet, before its selector is compiled.
fn halt(ds: &DaemonSet) -> Option<Halt> {
    // Upstream checks the empty selector before the deletion timestamp.
    if ds.spec.selector.as_ref() == Some(&LabelSelector::default()) {
        Some(Halt::Skip(SkipReason::SelectsAllPods))
    } else if ds.metadata.deletion_timestamp.is_some() {
        Some(Halt::Skip(SkipReason::BeingDeleted))
    } else {
        None
    }
}

fn revision_text(ds: &DaemonSet, given: Option<&String>) -> String {
    match given {
        Some(given) => given.clone(),
        None => revision_hash(
            &ds.spec.template,
            ds.status.as_ref().and_then(|s| s.collision_count),
        ),
    }
}

fn rules(ds: &DaemonSet) -> Rules {
    Rules {
        allows_surge: allows_surge(ds),
        rolling: ds.is_rolling_update(),
        min_ready_seconds: ds.spec.min_ready_seconds,
        uid: ds.metadata.uid.clone(),
        observed_generation: ds
            .status
            .as_ref()
            .and_then(|s| s.observed_generation)
            .unwrap_or(0),
    }
}

fn delete_action(pods: &Pods, p: PodId, reason: DeleteReason) -> Action {
    let pod = pods.name(p).to_owned();
    let node = pods
        .object(p)
        .map(|pod| &pod.spec.node_name)
        .filter(|node| !node.is_empty())
        .cloned();
    Action::Delete { pod, node, reason }
}

/// Where the burst limit cut manage's creates and deletes: the first deferred item of each.
struct Cuts {
    create: Option<Name>,
    delete: Option<(Name, Name)>,
}

struct Step {
    step: RollingUpdateStep,
    /// Creates and deletes the rolling update defers (when it ran).
    deferred: Option<(usize, usize)>,
}

/// The rolling-update step on the state after manage's executed actions.
fn rolling_step(
    ds: &DaemonSet,
    engine: &mut Engine,
    keys: &Keys,
    pods: &Pods,
    burst: usize,
    cuts: &Cuts,
    actions: &mut Vec<Action>,
) -> Step {
    let desired = i64::try_from(engine.index.counts.desired).unwrap_or(i64::MAX);
    let (max_unavailable, max_surge) = match budgets(ds, desired) {
        Ok(budgets) => budgets,
        Err(error) => {
            return Step {
                step: RollingUpdateStep::Failed(error),
                deferred: None,
            };
        }
    };
    let surge = max_surge != 0;
    if engine.index.rolling.surge != surge {
        // The mode switched: sum every key up again in the other mode.
        engine.index.rolling = index::RollingIndex {
            surge,
            ..Default::default()
        };
        for (id, key) in keys.iter() {
            if !key.dirty {
                let c = &key.contribution;
                engine
                    .index
                    .rolling
                    .apply(id, keys.name(id), c.placement, &c.rolling, pods, true);
            }
        }
    }
    let fixes = deferred_views(engine, keys, pods, cuts, surge);
    let step = if surge {
        with_surge(engine, pods, desired, max_surge, burst, actions)
    } else {
        without_surge(engine, pods, desired, max_unavailable, burst, actions)
    };
    for (id, view) in fixes {
        if let Some(key) = keys.get(id) {
            let c = &key.contribution;
            let rolling = &mut engine.index.rolling;
            rolling.apply(id, keys.name(id), c.placement, &view, pods, false);
            rolling.apply(id, keys.name(id), c.placement, &c.rolling, pods, true);
        }
    }
    step
}

/// The keys whose manage actions the burst limit defers, seen by the rolling update without
/// those actions: swapped into the rolling index (and returned, to swap back).
fn deferred_views(
    engine: &mut Engine,
    keys: &Keys,
    pods: &Pods,
    cuts: &Cuts,
    surge: bool,
) -> Vec<(KeyId, RollingKey)> {
    let mut affected: Vec<KeyId> = Vec::new();
    if let Some(cut) = &cuts.create {
        // In surge mode a deferred create only matters where the key holds more than
        // terminating pods; without surge its budget use reads NoPod instead of Created.
        let creates = if surge {
            &engine.index.sensitive_creates
        } else {
            &engine.index.creates
        };
        affected.extend(creates.range(cut.clone()..).map(|(_, &id)| id));
    }
    if let Some(cut) = &cuts.delete {
        let mut last = None;
        for &(p, _) in engine.index.deletes.range(cut.clone()..).map(|(_, v)| v) {
            let id = pods.get(p).and_then(|slot| slot.key);
            if id != last {
                affected.extend(id);
                last = id;
            }
        }
    }
    affected.sort_unstable();
    affected.dedup();
    let mut fixes = Vec::new();
    for id in affected {
        let Some(key) = keys.get(id) else {
            continue;
        };
        let c = &key.contribution;
        let created = c.create
            && cuts
                .create
                .as_ref()
                .is_none_or(|cut| keys.name(id) < cut.as_ref());
        let mut executed: Vec<PodId> = c
            .deletes()
            .iter()
            .map(|&(p, _)| p)
            .filter(|&p| {
                cuts.delete.as_ref().is_none_or(|(cut_key, cut_pod)| {
                    (keys.name(id), pods.name(p)) < (cut_key.as_ref(), cut_pod.as_ref())
                })
            })
            .collect();
        executed.sort_unstable();
        let min_ready = engine.rules.min_ready_seconds;
        let view = key::rolling_key(key, pods, min_ready, created, &executed);
        if view != c.rolling {
            let rolling = &mut engine.index.rolling;
            rolling.apply(id, keys.name(id), c.placement, &c.rolling, pods, false);
            rolling.apply(id, keys.name(id), c.placement, &view, pods, true);
            fixes.push((id, view));
        }
    }
    fixes
}

/// Merges two sorted streams and keeps the first `limit` items.
fn merge_first<K: Ord, T>(
    a: impl Iterator<Item = (K, T)>,
    b: impl Iterator<Item = (K, T)>,
    limit: usize,
) -> Vec<T> {
    let mut a = a.peekable();
    let mut b = b.peekable();
    let mut out = Vec::new();
    while out.len() < limit {
        let take_a = match (a.peek(), b.peek()) {
            (Some((ka, _)), Some((kb, _))) => ka <= kb,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_a { a.next() } else { b.next() };
        if let Some((_, item)) = next {
            out.push(item);
        }
    }
    out
}

fn budget_uses(engine: &Engine) -> Vec<BudgetUse> {
    engine
        .index
        .rolling
        .used
        .iter()
        .map(|(name, reason)| BudgetUse {
            node: name.to_string(),
            reason: reason.clone(),
        })
        .collect()
}

fn without_surge(
    engine: &Engine,
    pods: &Pods,
    desired: i64,
    max_unavailable: i64,
    burst: usize,
    actions: &mut Vec<Action>,
) -> Step {
    let rolling = &engine.index.rolling;
    let budget = clamp_budget(
        max_unavailable,
        rolling.used.len(),
        rolling.candidates.len(),
    );
    let waiting = rolling.candidates.len().saturating_sub(budget);
    let name_of = |p: PodId| pods.name(p);
    let always = rolling
        .deletes
        .iter()
        .map(|((k, n), &(p, reason))| ((k.as_ref(), n.as_ref()), (p, reason)));
    let chosen = rolling
        .candidates
        .iter()
        .take(budget)
        .map(|(k, &(_, p))| ((k.as_ref(), name_of(p)), (p, DeleteReason::Outdated)));
    let deletes = merge_first(always, chosen, burst);
    let total = rolling.deletes.len().saturating_add(budget);
    let deleted = push_deletes(pods, &deletes, actions);
    Step {
        step: RollingUpdateStep::Batch(UpdateBatch {
            held: Vec::new(),
            mode: UpdateMode::MaxUnavailable,
            desired,
            budget: max_unavailable,
            used: budget_uses(engine),
            deleted,
            surged: Vec::new(),
            waiting,
        }),
        deferred: Some((0, total.saturating_sub(burst))),
    }
}

fn with_surge(
    engine: &Engine,
    pods: &Pods,
    desired: i64,
    max_surge: i64,
    burst: usize,
    actions: &mut Vec<Action>,
) -> Step {
    let rolling = &engine.index.rolling;
    if let Some((node, &p)) = rolling.vanished.iter().next() {
        return Step {
            step: RollingUpdateStep::Failed(RollingUpdateError::VanishedNode {
                node: node.to_string(),
                pod: pods.name(p).to_owned(),
            }),
            deferred: None,
        };
    }
    let available = i64::try_from(rolling.available).unwrap_or(i64::MAX);
    let deletable = available.saturating_sub(desired).max(0);
    let sunset_count = usize::try_from(deletable)
        .unwrap_or(usize::MAX)
        .min(rolling.sunset.len());
    let budget = clamp_budget(max_surge, rolling.used.len(), rolling.candidates.len());
    let waiting = rolling.candidates.len().saturating_sub(budget);

    let always = rolling
        .creates
        .keys()
        .map(|k| (k.as_ref(), (k, CreateReason::SurgeForUnavailable)));
    let chosen = rolling
        .candidates
        .keys()
        .take(budget)
        .map(|k| (k.as_ref(), (k, CreateReason::Surge)));
    let creates = merge_first(always, chosen, burst);
    let total_creates = rolling.creates.len().saturating_add(budget);
    let mut surged = Vec::with_capacity(creates.len());
    for (node, reason) in creates {
        surged.push(node.to_string());
        actions.push(Action::Create {
            node: node.to_string(),
            reason,
        });
    }

    let name_of = |p: PodId| pods.name(p);
    let always = rolling
        .deletes
        .iter()
        .map(|((k, n), &(p, reason))| ((k.as_ref(), n.as_ref()), (p, reason)));
    let sunset = rolling
        .sunset
        .iter()
        .take(sunset_count)
        .map(|(k, &p)| ((k.as_ref(), name_of(p)), (p, DeleteReason::Sunset)));
    let deletes = merge_first(always, sunset, burst);
    let total_deletes = rolling.deletes.len().saturating_add(sunset_count);
    let deleted = push_deletes(pods, &deletes, actions);
    Step {
        step: RollingUpdateStep::Batch(UpdateBatch {
            held: Vec::new(),
            mode: UpdateMode::MaxSurge,
            desired,
            budget: max_surge,
            used: budget_uses(engine),
            deleted,
            surged,
            waiting,
        }),
        deferred: Some((
            total_creates.saturating_sub(burst),
            total_deletes.saturating_sub(burst),
        )),
    }
}

/// Appends the deletes; returns the deleted pods' names.
fn push_deletes(
    pods: &Pods,
    deletes: &[(PodId, DeleteReason)],
    actions: &mut Vec<Action>,
) -> Vec<String> {
    let mut names = Vec::with_capacity(deletes.len());
    for &(p, reason) in deletes {
        let action = delete_action(pods, p, reason);
        if let Action::Delete { pod, .. } = &action {
            names.push(pod.clone());
        }
        actions.push(action);
    }
    names
}
