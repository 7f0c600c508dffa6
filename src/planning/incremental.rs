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

mod assembly;
mod delta;
mod events;
mod grouping;
mod index;
mod key;
mod output;
mod rolling;

use std::collections::{BTreeMap, BTreeSet};

use super::assembly::skip_reason;
use super::backoff::FailedPodBackoff;
use super::cluster::Claim;
use super::effective_namespace;
use super::revision::CurrentRevision;
use super::rolling::allows_surge;
use super::strategy::{TopologyBudget, UpdateOrder};
use super::types::{Plan, PlanError, PlanOptions, SkipReason};
use crate::model::{DaemonSet, Node, Pod, Time};
use crate::scheduling::{DaemonPlacement, LabelMatcher, Placement};
use index::Index;
use key::{KeyId, KeySlot, Keys, Name, NameIndex, PodSlot, Pods, Rules, Table};

pub use delta::PlanDelta;

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
/// time step those whose pods become available or whose backoff runs out). Making a plan reads
/// the indexes' first items into a plan whose lists refer to objects at a version; an item
/// whose object did not change is not read again but moved from the previous plan, and the
/// rolling update's deletes (most of a large plan: up to the burst limit) and a partition's
/// held nodes are copied from the previous plan when no set changed where that plan read
/// it. So a plan costs what changed, plus a comparison per action and per node the batch
/// lists; at 100,000 nodes mid-rollout (250 actions, 100 held nodes) an event and its delta
/// take about 3 to 4 µs (`examples/scale.rs`, see the [manual](crate::manual::incremental)).
/// A DaemonSet change recomputes what depends on what changed: the placements when the
/// template's spec changes, the pod facts when the revision or minReadySeconds changes, the
/// claims when the selector changes, and the keys' contributions in any of those cases.
/// Two cases cost more: when manage has more creates or deletes than the burst limit, making
/// a plan also revisits the keys whose manage actions are deferred (the rolling update sees them
/// without those actions); and when the rolling update switches between surge and no-surge (a
/// percentage maxSurge while the desired count goes to or from zero), its sets are rebuilt.
///
/// An OpenKruise Advanced DaemonSet ([`DaemonSet::is_kruise`]) is incremental too: the rolling
/// index also sorts the keys into the classes Kruise's update scope ranks (updated, no pod, old
/// and selected by `rollingUpdate.selector`, old and not selected), by name. The keys the
/// partition keeps on the old revision (the lowest-ranked ones) stay out of the budget sets
/// between plans; a plan moves in and out only the keys that entered or left the partition,
/// and does not even walk it when no class changed where the last plan read it. `paused`,
/// progressive creation and `burstReplicas` read counts the events keep, and so does
/// [`PlanOptions::freeze`]. A [`PlanOptions::topology_budget`] on its own is incremental as
/// well: the rolling index keeps the budget uses and candidates per domain, and the desired
/// nodes per domain, and a plan lets each domain's first candidates through by the same rule
/// [`plan`] uses, walking the candidates in name order with a room per domain.
///
/// One mode is not incremental: the strategies' own selection, that is an
/// [`PlanOptions::update_order`] other than by name, or a [`PlanOptions::strict_budget`] (with
/// or without a topology budget). Events are taken as always, but each plan is then made by
/// [`plan`] over the held objects, at the cost of copying them and a full plan. The invariant
/// above holds in every mode. Why: those orders rank candidates by what the name-ordered sets
/// do not keep (a label's priority, node health, the canary list, the active domain and its
/// gate over every desired node), and the strict budget walks the unavailable old pods against
/// the budget one by one; each would need an index of its own order.
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
    /// The options as given, kept current by the events: the time, the revision given (`None`:
    /// computed from the template), the failed-pod backoff as the last plan left it.
    options: PlanOptions,
    /// The current revision: the hash plans carry and pods are judged against.
    revision: CurrentRevision,
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
    /// The last plan made, with its lists by reference.
    last: output::Last,
    /// How many plans were made from the indexes.
    plans: u64,
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
    rules: Rules,
    /// An Advanced DaemonSet's `rollingUpdate.selector`, compiled (`None`: none, or it does
    /// not compile and the rolling update fails).
    update_selector: Option<LabelMatcher>,
    /// The topology budget, when the planner keeps per-domain sets for it (see
    /// [`zone_budget`]).
    zone_budget: Option<TopologyBudget>,
    index: Index,
    /// Adoptions and releases, by pod name (`Claim::Adopt` or `Claim::Release`).
    claims: BTreeMap<Name, Claim>,
    /// (second, key): the key's contribution may change when the time crosses that second.
    breakpoints: BTreeSet<(i64, KeyId)>,
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
            // Worked out by start() below.
            revision: CurrentRevision::default(),
            options,
            namespace,
            // Worked out by start() below.
            state: State::Halted(Halt::Skip(SkipReason::BeingDeleted)),
            node_count: keys.len(),
            keys,
            key_index,
            pods,
            pod_index,
            dirty: Vec::new(),
            last: output::Last::default(),
            plans: 0,
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
        self.options.now
    }

    /// The failed-pod backoff as the last plan left it (or as given, before the first plan).
    pub fn failed_pod_backoff(&self) -> &FailedPodBackoff {
        &self.options.failed_pod_backoff
    }

    /// The options [`plan`] needs to make the plan this planner makes next from the same
    /// objects: the time, the revision, the burst limit, the current failed-pod backoff and the
    /// toleration-operator switch.
    ///
    /// [`plan`]: crate::plan
    pub fn options(&self) -> PlanOptions {
        self.options.clone()
    }

    /// The last plan [`Planner::plan`] or [`Planner::plan_delta`] made, if any.
    pub fn last_plan(&self) -> Option<&Plan> {
        self.last.plan.as_ref()
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
            .field("revision", &self.revision.hash)
            .field("now", &self.options.now)
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

/// A node with only a name: the object of a vanished node's key.
fn named_node(name: &str) -> Node {
    let mut node = Node::default();
    node.metadata.name = name.to_owned();
    node
}

/// Why no plan is made for this DaemonSet, before its selector is compiled.
fn halt(ds: &DaemonSet) -> Option<Halt> {
    skip_reason(ds).map(Halt::Skip)
}

impl Planner {
    /// Makes `hash` (with the DaemonSet's template generation) the current revision; whether
    /// it changed.
    fn update_revision(&mut self, hash: String) -> bool {
        let next = CurrentRevision::new(&self.daemon_set, hash);
        let changed = next != self.revision;
        self.revision = next;
        changed
    }
}

/// The topology budget when the strategies' selection reduces to a budget per domain over
/// name-ordered candidates (no other order, no strict budget): the planner then keeps
/// per-domain sets.
fn zone_budget(options: &PlanOptions) -> Option<TopologyBudget> {
    let plain = options.update_order == UpdateOrder::NodeName && !options.strict_budget;
    options.topology_budget.clone().filter(|_| plain)
}

/// An Advanced DaemonSet's `rollingUpdate.selector`, compiled, if it has one that compiles.
fn update_selector(rules: &Rules) -> Option<LabelMatcher> {
    rules
        .update_selector
        .as_ref()
        .and_then(|selector| LabelMatcher::new(Some(selector)).ok())
}

fn rules(ds: &DaemonSet) -> Rules {
    Rules {
        allows_surge: allows_surge(ds),
        rolling: ds.is_rolling_update(),
        min_ready_seconds: ds.spec.min_ready_seconds,
        kruise: ds.is_kruise(),
        update_selector: ds.kruise_rolling_update().and_then(|r| r.selector.clone()),
        uid: ds.metadata.uid.clone(),
        observed_generation: ds
            .status
            .as_ref()
            .and_then(|s| s.observed_generation)
            .unwrap_or(0),
    }
}
