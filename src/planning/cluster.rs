//! Claiming pods and grouping them by node: the snapshot every later step reads.

use std::collections::{BTreeMap, HashSet};

use foldhash::fast::RandomState;

use super::node_join::{self, DuplicateNode, widen};
use super::revision::CurrentRevision;
use super::types::{Action, PlanError};
use crate::model::{DaemonSet, Node, ObjectMeta, OwnerReference, Pod, PodPhase, Time};
use crate::scheduling::{DaemonPlacement, LabelMatcher, NODE_NAME_FIELD, Placement};

/// What every later step asks about a claimed pod, worked out once while claiming so that
/// manage, the rolling update and status do not walk the pod objects again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct PodFacts(u8);

impl PodFacts {
    const TERMINATING: u8 = 1;
    const FAILED: u8 = 1 << 1;
    const SUCCEEDED: u8 = 1 << 2;
    const READY: u8 = 1 << 3;
    const AVAILABLE: u8 = 1 << 4;
    const UPDATED: u8 = 1 << 5;
    const CURRENT_HASH: u8 = 1 << 6;

    /// The facts of a pod the plan itself creates: new, not Ready.
    pub(crate) const CREATED: PodFacts = PodFacts(Self::UPDATED | Self::CURRENT_HASH);

    pub(crate) fn of(pod: &Pod, ctx: &FactsContext<'_>) -> Self {
        let mut bits = 0;
        let mut set = |flag: u8, on: bool| {
            if on {
                bits |= flag;
            }
        };
        set(Self::TERMINATING, pod.is_terminating());
        set(Self::FAILED, pod.status.phase == Some(PodPhase::Failed));
        set(
            Self::SUCCEEDED,
            pod.status.phase == Some(PodPhase::Succeeded),
        );
        let (ready, available) = pod.readiness(ctx.min_ready_seconds, ctx.now);
        set(Self::READY, ready);
        set(Self::AVAILABLE, available);
        let (updated, current_hash) = ctx.revision.classify(pod);
        set(Self::UPDATED, updated);
        set(Self::CURRENT_HASH, current_hash);
        PodFacts(bits)
    }

    fn has(self, flag: u8) -> bool {
        self.0 & flag != 0
    }
    pub(crate) fn terminating(self) -> bool {
        self.has(Self::TERMINATING)
    }
    pub(crate) fn failed(self) -> bool {
        self.has(Self::FAILED)
    }
    pub(crate) fn succeeded(self) -> bool {
        self.has(Self::SUCCEEDED)
    }
    pub(crate) fn ready(self) -> bool {
        self.has(Self::READY)
    }
    pub(crate) fn available(self) -> bool {
        self.has(Self::AVAILABLE)
    }
    /// Upstream's `IsPodUpdated`: the revision hash or the legacy template generation matches.
    pub(crate) fn updated(self) -> bool {
        self.has(Self::UPDATED)
    }
    /// The hash label alone matches (what manage's surge rule reads).
    pub(crate) fn current_hash(self) -> bool {
        self.has(Self::CURRENT_HASH)
    }
}

/// What pod facts are judged against.
pub(crate) struct FactsContext<'a> {
    pub(crate) revision: &'a CurrentRevision,
    pub(crate) min_ready_seconds: i32,
    pub(crate) now: Time,
}

impl<'a> FactsContext<'a> {
    /// The DaemonSet's minReadySeconds, the current revision and `now`.
    pub(crate) fn new(daemon_set: &DaemonSet, revision: &'a CurrentRevision, now: Time) -> Self {
        FactsContext {
            revision,
            min_ready_seconds: daemon_set.spec.min_ready_seconds,
            now,
        }
    }
}

/// The DaemonSet's selector, compiled; an invalid one fails the plan as upstream's sync fails.
pub(crate) fn compile_selector(daemon_set: &DaemonSet) -> Result<LabelMatcher, PlanError> {
    LabelMatcher::new(daemon_set.spec.selector.as_ref()).map_err(|source| {
        PlanError::InvalidSelector {
            daemon_set: daemon_set.metadata.display_name(),
            source,
        }
    })
}

/// The DaemonSet's pods grouped by node, with each node's placement.
pub(crate) struct Snapshot<'a> {
    pub(crate) nodes: &'a [Node],
    pub(crate) pods: &'a [Pod],
    pub(crate) placements: Vec<Placement>,
    /// `node_pods[node_end[i - 1]..node_end[i]]` (from 0 for node 0) are node `i`'s pods,
    /// oldest first (u32 halves the memory a plan streams through; the counts are checked on
    /// the way in).
    node_end: Vec<u32>,
    node_pods: Vec<u32>,
    /// Pods aimed at nodes that are not in the node list, by node name, oldest first.
    pub(crate) vanished: BTreeMap<&'a str, Vec<usize>>,
    /// Adopt and release actions, by pod name.
    pub(crate) claim_actions: Vec<Action>,
    /// Facts of every grouped pod, by pod index (default for pods not grouped).
    facts: Vec<PodFacts>,
}

/// A pod that is not grouped on a listed node.
const NO_NODE: u32 = u32::MAX;

impl<'a> Snapshot<'a> {
    pub(crate) fn new(
        daemon_set: &DaemonSet,
        selector: &LabelMatcher,
        placement: &DaemonPlacement,
        nodes: &'a [Node],
        pods: &'a [Pod],
        facts_context: &FactsContext<'_>,
    ) -> Result<Self, PlanError> {
        if u32::try_from(nodes.len()).is_err() {
            return Err(PlanError::InputTooLarge { what: "nodes" });
        }
        if u32::try_from(pods.len()).is_err() {
            return Err(PlanError::InputTooLarge { what: "pods" });
        }
        let placements = nodes.iter().map(|n| placement.placement(n)).collect();

        let namespace = effective_namespace(&daemon_set.metadata.namespace);
        let mut facts = vec![PodFacts::default(); pods.len()];
        let mut claim_actions = Vec::new();
        // Pods that are aimed at a node, to be joined to the node list below.
        let mut grouped: Vec<u32> = Vec::with_capacity(pods.len());
        for (pod, pod_index) in pods.iter().zip(0u32..) {
            if !crate::strings::eq(effective_namespace(&pod.metadata.namespace), namespace) {
                continue;
            }
            let pod_name = || pod.metadata.name.clone();
            match claim(daemon_set, selector, &pod.metadata) {
                Claim::Owned => {}
                Claim::Adopt => claim_actions.push(Action::Adopt { pod: pod_name() }),
                Claim::Release => {
                    claim_actions.push(Action::Release { pod: pod_name() });
                    continue;
                }
                Claim::Ignore => continue,
            }
            // Finished pods that are also being deleted are invisible: nothing is left to do.
            if pod.is_terminal() && pod.is_terminating() {
                continue;
            }
            if target_node(pod).is_none() {
                // Upstream cannot tell where such a pod belongs and never looks at it again.
                continue;
            }
            if let Some(slot) = facts.get_mut(widen(pod_index)) {
                *slot = PodFacts::of(pod, facts_context);
            }
            grouped.push(pod_index);
        }

        // Each grouped pod's node (`NO_NODE` for the others), and each node's pod count in
        // `node_end[i + 1]` until the prefix sums below.
        let mut pod_node = vec![NO_NODE; pods.len()];
        let mut node_end = vec![0u32; nodes.len().saturating_add(1)];
        let mut vanished: BTreeMap<&'a str, Vec<usize>> = BTreeMap::new();
        let target = |p: u32| pods.get(widen(p)).and_then(target_node).unwrap_or("");
        let joined = node_join::join(
            nodes
                .iter()
                .zip(0u32..)
                .map(|(n, i)| (i, n.metadata.name.as_str())),
            nodes.len(),
            grouped.iter().map(|&p| (p, target(p))),
            |pod, node| match node {
                Some(node) => {
                    if let Some(count) = node_end.get_mut(widen(node).saturating_add(1)) {
                        *count = count.saturating_add(1);
                    }
                    if let Some(slot) = pod_node.get_mut(widen(pod)) {
                        *slot = node;
                    }
                }
                None => vanished.entry(target(pod)).or_default().push(widen(pod)),
            },
        );
        if let Err(DuplicateNode(i)) = joined {
            return Err(PlanError::DuplicateNodeName {
                name: nodes
                    .get(widen(i))
                    .map(|n| n.metadata.name.clone())
                    .unwrap_or_default(),
            });
        }

        // A counting sort of the grouped pods by node. After the prefix sums `node_end[i + 1]`
        // is where node `i`'s pods end; filling moves each node's cursor `node_end[i]` from its
        // start to its end, which leaves `node_end[i]` ending node `i`.
        for i in 1..node_end.len() {
            let previous = node_end.get(i.wrapping_sub(1)).copied().unwrap_or(0);
            if let Some(end) = node_end.get_mut(i) {
                *end = end.saturating_add(previous);
            }
        }
        let grouped = node_end.last().copied().map_or(0, widen);
        let mut node_pods = vec![0u32; grouped];
        for (&node, pod_index) in pod_node.iter().zip(0u32..) {
            if node != NO_NODE
                && let Some(cursor) = node_end.get_mut(widen(node))
            {
                if let Some(entry) = node_pods.get_mut(widen(*cursor)) {
                    *entry = pod_index;
                }
                *cursor = cursor.saturating_add(1);
            }
        }
        node_end.truncate(nodes.len());
        let mut start = 0;
        for &end in &node_end {
            let end = widen(end);
            if end.saturating_sub(start) > 1
                && let Some(slice) = node_pods.get_mut(start..end)
            {
                slice.sort_by(|&a, &b| pod_order(pods, widen(a), widen(b)));
            }
            start = end;
        }
        for list in vanished.values_mut() {
            list.sort_by(|&a, &b| pod_order(pods, a, b));
        }
        claim_actions.sort_by(|a, b| action_pod(a).cmp(action_pod(b)));

        Ok(Snapshot {
            nodes,
            pods,
            placements,
            node_end,
            node_pods,
            vanished,
            claim_actions,
            facts,
        })
    }

    /// Checks that every pod the actions name is the only pod of that name the DaemonSet
    /// claims or releases. Real clusters cannot hold two pods of one name in a namespace; if
    /// the input does, an action naming one of them would be ambiguous. Only named pods are
    /// claimed again, so a plan without pod actions costs nothing here.
    pub(crate) fn check_action_names(
        &self,
        daemon_set: &DaemonSet,
        selector: &LabelMatcher,
        actions: &[Action],
    ) -> Result<(), PlanError> {
        let named: HashSet<&str, RandomState> = actions
            .iter()
            .filter_map(|action| match action {
                Action::Delete { pod, .. } | Action::Adopt { pod } | Action::Release { pod } => {
                    Some(pod.as_str())
                }
                _ => None,
            })
            .collect();
        if named.is_empty() {
            return Ok(());
        }
        let namespace = effective_namespace(&daemon_set.metadata.namespace);
        let mut seen: HashSet<&str, RandomState> = HashSet::default();
        for pod in self.pods {
            let name = pod.metadata.name.as_str();
            if named.contains(name)
                && effective_namespace(&pod.metadata.namespace) == namespace
                && claim(daemon_set, selector, &pod.metadata) != Claim::Ignore
                && !seen.insert(name)
            {
                return Err(PlanError::DuplicatePodName {
                    namespace: namespace.to_owned(),
                    name: name.to_owned(),
                });
            }
        }
        Ok(())
    }

    /// The facts of a grouped pod.
    pub(crate) fn facts(&self, index: usize) -> PodFacts {
        self.facts.get(index).copied().unwrap_or_default()
    }

    /// Node `i`'s pods, oldest first.
    pub(crate) fn pods_of(&self, i: usize) -> PodList<'_> {
        let start = match i.checked_sub(1) {
            Some(previous) => self.node_end.get(previous).copied().map_or(0, widen),
            None => 0,
        };
        let end = self.node_end.get(i).copied().map_or(start, widen);
        PodList(self.node_pods.get(start..end).unwrap_or(&[]))
    }

    pub(crate) fn pod(&self, index: usize) -> Option<&'a Pod> {
        self.pods.get(index)
    }

    pub(crate) fn node_name(&self, i: usize) -> &'a str {
        self.nodes.get(i).map_or("", |n| n.metadata.name.as_str())
    }

    pub(crate) fn placement(&self, i: usize) -> Placement {
        self.placements.get(i).copied().unwrap_or(Placement {
            should_run: false,
            should_continue_running: false,
        })
    }
}

/// One node's pods, by pod index, oldest first.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PodList<'a>(&'a [u32]);

impl<'a> PodList<'a> {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The oldest pod.
    pub(crate) fn first(&self) -> Option<usize> {
        self.0.first().copied().map(widen)
    }

    pub(crate) fn iter(self) -> impl DoubleEndedIterator<Item = usize> + Clone + 'a {
        self.0.iter().map(|&p| widen(p))
    }
}

fn action_pod(action: &Action) -> &str {
    match action {
        Action::Adopt { pod } | Action::Release { pod } | Action::Delete { pod, .. } => pod,
        Action::Create { node, .. } => node,
    }
}

/// How one object of the DaemonSet's namespace (a pod or a ControllerRevision) is claimed:
/// upstream's controller-reference manager, shared by pods and revisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Claim {
    /// Controlled by the DaemonSet and selected: it belongs to it.
    Owned,
    /// An orphan the selector picks: adopted, then it belongs to the DaemonSet.
    Adopt,
    /// Controlled by the DaemonSet but no longer selected: the reference is removed.
    Release,
    /// Controlled by something else, or an orphan that is not adopted.
    Ignore,
}

/// Claims one object of the DaemonSet's namespace. A DaemonSet being deleted neither adopts nor
/// releases; a terminating orphan is never adopted.
pub(crate) fn claim(daemon_set: &DaemonSet, selector: &LabelMatcher, meta: &ObjectMeta) -> Claim {
    let being_deleted = daemon_set.metadata.deletion_timestamp.is_some();
    let selected = || selector.matches(&meta.labels);
    match meta.controller_ref() {
        Some(owner) if !owns(daemon_set, owner) => Claim::Ignore,
        Some(_) if selected() => Claim::Owned,
        Some(_) if being_deleted => Claim::Ignore,
        Some(_) => Claim::Release,
        None if !being_deleted && meta.deletion_timestamp.is_none() && selected() => Claim::Adopt,
        None => Claim::Ignore,
    }
}

/// Manifests without a namespace land in `default`.
pub(crate) fn effective_namespace(namespace: &str) -> &str {
    if namespace.is_empty() {
        "default"
    } else {
        namespace
    }
}

/// Whether a controller reference points at this DaemonSet. A DaemonSet without a uid (a
/// manifest that was never applied) owns the pods whose controller is a DaemonSet of its name.
pub(crate) fn owns(daemon_set: &DaemonSet, owner: &OwnerReference) -> bool {
    use crate::strings::eq;
    let uid_matches =
        daemon_set.metadata.uid.is_empty() || eq(&owner.uid, &daemon_set.metadata.uid);
    uid_matches && eq(&owner.kind, "DaemonSet") && eq(&owner.name, &daemon_set.metadata.name)
}

/// The node a daemon pod runs on or is aimed at: `spec.nodeName`, else the single value of
/// the first `metadata.name In` field requirement of its required node affinity.
pub(crate) fn target_node(pod: &Pod) -> Option<&str> {
    if !pod.spec.node_name.is_empty() {
        return Some(&pod.spec.node_name);
    }
    let terms = &pod
        .spec
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required
        .as_ref()?
        .node_selector_terms;
    let requirement = terms
        .iter()
        .flat_map(|term| term.match_fields.iter())
        .find(|r| {
            r.key == NODE_NAME_FIELD && r.operator == crate::model::NodeSelectorOperator::In
        })?;
    match requirement.values.as_slice() {
        [single] => Some(single),
        _ => None,
    }
}

/// Upstream's "oldest" order: scheduled before unscheduled, then earlier creation, then name.
pub(crate) fn pod_order(pods: &[Pod], a: usize, b: usize) -> std::cmp::Ordering {
    match (pods.get(a), pods.get(b)) {
        (Some(a), Some(b)) => compare_pods(a, b),
        _ => a.cmp(&b),
    }
}

pub(crate) fn compare_pods(a: &Pod, b: &Pod) -> std::cmp::Ordering {
    let unscheduled = |p: &Pod| p.spec.node_name.is_empty();
    unscheduled(a)
        .cmp(&unscheduled(b))
        .then_with(|| {
            a.metadata
                .creation_timestamp
                .cmp(&b.metadata.creation_timestamp)
        })
        .then_with(|| a.metadata.name.cmp(&b.metadata.name))
}
