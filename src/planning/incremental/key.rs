//! One key of upstream's node-to-pods map (a node, or the name of a vanished node that pods are
//! still aimed at) and what the plan takes from it: its status counts, manage's decisions, and how
//! the rolling update sees it once manage's actions are done. Each key is worked out from its own
//! pods alone, so an event only recomputes the keys it touches.

use std::hash::BuildHasher;
use std::sync::Arc;
use std::time::Duration;

use foldhash::fast::RandomState;
use hashbrown::HashTable;

use super::super::backoff::{BackoffEntry, FailedPodBackoff};
use super::super::cluster::{Claim, PodFacts};
use super::super::kruise::preparing_delete;
use super::super::manage::{NodePods, node_rule};
use super::super::rolling::{find_updated, unavailable_reason};
use super::super::types::{BudgetUseReason, DeleteReason};
use crate::model::{LabelSelector, Node, Pod, Time};
use crate::scheduling::Placement;

/// A name as the ordered indexes keep it: a node, a vanished node or a pod.
pub(super) type Name = Arc<str>;
/// A key's place in [`Keys`].
pub(super) type KeyId = usize;
/// A pod's place in [`Pods`].
pub(super) type PodId = usize;

/// Objects by stable index, each with what the planner knows about it (its meta), freed
/// indices reused. The objects stay in the vector they came in (a planner is built without
/// copying them); a freed place holds a default object.
///
/// Each place has a version, changed whenever its object may change (replaced, removed, a
/// new one put there): a plan's output refers to objects by [`Ref`], and an output item whose
/// reference has not changed reads the same as before, so it is not read again.
#[derive(Debug)]
pub(super) struct Table<M, O> {
    meta: Vec<Option<M>>,
    objects: Vec<O>,
    versions: Vec<u64>,
    free: Vec<usize>,
    len: usize,
}

/// An object of a [`Table`] at one version: equal references read the same object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Ref {
    pub(super) id: usize,
    version: u64,
}

#[cfg(test)]
impl Ref {
    /// The first version of the object at `id`.
    pub(super) fn first(id: usize) -> Self {
        Ref { id, version: 0 }
    }
}

impl<M, O: Default> Table<M, O> {
    /// Takes `objects` as they are; `meta` says what to keep of each (`None`: drop it).
    pub(super) fn from_objects(
        mut objects: Vec<O>,
        mut meta: impl FnMut(usize, &O) -> Option<M>,
    ) -> Self {
        let mut table = Table {
            meta: Vec::with_capacity(objects.len()),
            objects: Vec::new(),
            versions: vec![0; objects.len()],
            free: Vec::new(),
            len: 0,
        };
        for (id, object) in objects.iter_mut().enumerate() {
            let kept = meta(id, object);
            if kept.is_some() {
                table.len = table.len.saturating_add(1);
            } else {
                *object = O::default();
                table.free.push(id);
            }
            table.meta.push(kept);
        }
        table.free.reverse();
        table.objects = objects;
        table
    }

    pub(super) fn insert(&mut self, meta: M, object: O) -> usize {
        self.len = self.len.saturating_add(1);
        let id = match self.free.pop() {
            Some(id) if id < self.meta.len() && id < self.objects.len() => id,
            _ => {
                let id = self.meta.len().max(self.objects.len());
                self.meta.resize_with(id, || None);
                self.objects.resize_with(id, O::default);
                self.meta.push(None);
                self.objects.push(O::default());
                id
            }
        };
        self.bump(id);
        if let Some(slot) = self.meta.get_mut(id) {
            *slot = Some(meta);
        }
        if let Some(slot) = self.objects.get_mut(id) {
            *slot = object;
        }
        id
    }

    /// Removes every object; a place used again later gets a newer version than any it had.
    pub(super) fn clear(&mut self) {
        for id in 0..self.meta.len() {
            if self.get(id).is_some() {
                self.remove(id);
            }
        }
    }

    pub(super) fn remove(&mut self, id: usize) -> Option<(M, O)> {
        let meta = self.meta.get_mut(id)?.take()?;
        let object = self
            .objects
            .get_mut(id)
            .map(std::mem::take)
            .unwrap_or_default();
        self.bump(id);
        self.free.push(id);
        self.len = self.len.saturating_sub(1);
        Some((meta, object))
    }
}

impl<M, O> Table<M, O> {
    /// Marks the object at `id` as (possibly) changed.
    fn bump(&mut self, id: usize) {
        if self.versions.len() <= id {
            self.versions.resize(id.saturating_add(1), 0);
        }
        if let Some(version) = self.versions.get_mut(id) {
            *version = version.wrapping_add(1);
        }
    }

    /// The object at `id` as it is now. The indexes keep references taken when a key is
    /// worked out, which every change of its node or pods does, so they stay current.
    pub(super) fn at(&self, id: usize) -> Ref {
        let version = self.versions.get(id).copied().unwrap_or(0);
        Ref { id, version }
    }

    pub(super) fn get(&self, id: usize) -> Option<&M> {
        self.meta.get(id)?.as_ref()
    }

    pub(super) fn get_mut(&mut self, id: usize) -> Option<&mut M> {
        self.meta.get_mut(id)?.as_mut()
    }

    /// The object at `id`, if it is in use.
    pub(super) fn object(&self, id: usize) -> Option<&O> {
        self.get(id)?;
        self.objects.get(id)
    }

    /// The object at `id`, to replace it.
    pub(super) fn object_mut(&mut self, id: usize) -> Option<&mut O> {
        self.meta.get(id)?.as_ref()?;
        self.bump(id);
        self.objects.get_mut(id)
    }

    /// The meta at `id` to change, with its object.
    pub(super) fn pair_mut(&mut self, id: usize) -> Option<(&mut M, &O)> {
        let meta = self.meta.get_mut(id)?.as_mut()?;
        Some((meta, self.objects.get(id)?))
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Every meta in use with its index, in index order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (usize, &M)> + Clone {
        self.meta
            .iter()
            .enumerate()
            .filter_map(|(id, item)| item.as_ref().map(|item| (id, item)))
    }

    /// Every object in use with its meta.
    pub(super) fn objects(&self) -> impl Iterator<Item = (&M, &O)> {
        self.meta
            .iter()
            .zip(&self.objects)
            .filter_map(|(meta, object)| meta.as_ref().map(|meta| (meta, object)))
    }

    /// How many places the table has, in use or free: every id is below it.
    pub(super) fn slots(&self) -> usize {
        self.meta.len()
    }

    /// Every index in use, in order.
    pub(super) fn ids(&self) -> Vec<usize> {
        self.iter().map(|(id, _)| id).collect()
    }
}

/// An object with a name: what the name indexes find.
pub(super) trait Named {
    fn name(&self) -> &str;
}

impl Named for Node {
    fn name(&self) -> &str {
        &self.metadata.name
    }
}

impl Named for Pod {
    fn name(&self) -> &str {
        &self.metadata.name
    }
}

impl<M, O: Named> Table<M, O> {
    /// The name of the object at `id` (empty if none).
    pub(super) fn name(&self, id: usize) -> &str {
        self.object(id).map_or("", Named::name)
    }

    /// The name of the object at `id`, for the name index, which holds only ids in use: it
    /// skips the in-use check, one random read per probe (a freed place's object is a default
    /// one, with an empty name).
    fn indexed_name(&self, id: usize) -> &str {
        self.objects.get(id).map_or("", Named::name)
    }
}

/// The objects of a table by name, without a copy of the names: it keeps indices, hashes the
/// name asked for and compares it with the objects' own names.
#[derive(Debug, Default)]
pub(super) struct NameIndex {
    table: HashTable<usize>,
    hasher: RandomState,
}

impl NameIndex {
    pub(super) fn with_capacity(capacity: usize) -> Self {
        NameIndex {
            table: HashTable::with_capacity(capacity),
            hasher: RandomState::default(),
        }
    }

    /// The index of the object named `name`.
    pub(super) fn get<M, O: Named>(&self, objects: &Table<M, O>, name: &str) -> Option<usize> {
        let hash = self.hasher.hash_one(name);
        self.table
            .find(hash, |&id| {
                crate::strings::eq(objects.indexed_name(id), name)
            })
            .copied()
    }

    /// Indexes the object at `id` under its name; false (and nothing changes) when another
    /// object has that name.
    pub(super) fn insert<M, O: Named>(&mut self, objects: &Table<M, O>, id: usize) -> bool {
        let name = objects.name(id);
        let hasher = &self.hasher;
        let entry = self.table.entry(
            hasher.hash_one(name),
            |&other| crate::strings::eq(objects.indexed_name(other), name),
            |&other| hasher.hash_one(objects.indexed_name(other)),
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(_) => false,
            hashbrown::hash_table::Entry::Vacant(slot) => {
                slot.insert(id);
                true
            }
        }
    }

    /// Forgets the object named `name` (call before the object leaves the table).
    pub(super) fn remove<M, O: Named>(&mut self, objects: &Table<M, O>, name: &str) {
        let hash = self.hasher.hash_one(name);
        if let Ok(entry) = self.table.find_entry(hash, |&id| objects.name(id) == name) {
            entry.remove();
        }
    }

    pub(super) fn clear(&mut self) {
        self.table.clear();
    }
}

/// The pods the planner holds.
pub(super) type Pods = Table<PodSlot, Pod>;
/// The keys, with the node of each (for a vanished node, a node with only its name).
pub(super) type Keys = Table<KeySlot, Node>;

/// A pod of the DaemonSet's namespace, with how the DaemonSet sees it.
#[derive(Debug)]
pub(super) struct PodSlot {
    /// How the DaemonSet claims it (`Ignore` while plans are halted).
    pub(super) claim: Claim,
    /// The key it is grouped under, when claimed, visible and aimed at a node.
    pub(super) key: Option<KeyId>,
    /// Its facts at the planner's time (for grouped pods).
    pub(super) facts: PodFacts,
    /// The second it becomes available (Ready condition's lastTransitionTime plus
    /// minReadySeconds), when that depends on the time.
    pub(super) available_at: Option<i64>,
}

/// A key of the node-to-pods map.
#[derive(Debug)]
pub(super) struct KeySlot {
    /// The placement of the node of that name (the node is the key's object in [`Keys`]), if
    /// it exists; otherwise a vanished node with pods aimed at it.
    pub(super) node: Option<Placement>,
    /// Grouped pods, oldest first (upstream's order).
    pub(super) pods: PodList,
    /// What this key added to the indexes (valid while `dirty` is false).
    pub(super) contribution: Contribution,
    /// The contribution is out of the indexes and waits to be recomputed.
    pub(super) dirty: bool,
}

impl KeySlot {
    pub(super) fn new(node: Option<Placement>) -> Self {
        KeySlot {
            node,
            pods: PodList::Empty,
            contribution: Contribution::default(),
            dirty: true,
        }
    }
}

/// A key's pods: most keys have one, which needs no allocation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) enum PodList {
    #[default]
    Empty,
    One(PodId),
    Many(Vec<PodId>),
}

impl std::ops::Deref for PodList {
    type Target = [PodId];
    fn deref(&self) -> &[PodId] {
        match self {
            PodList::Empty => &[],
            PodList::One(p) => std::slice::from_ref(p),
            PodList::Many(v) => v,
        }
    }
}

impl std::ops::DerefMut for PodList {
    fn deref_mut(&mut self) -> &mut [PodId] {
        match self {
            PodList::Empty => &mut [],
            PodList::One(p) => std::slice::from_mut(p),
            PodList::Many(v) => v,
        }
    }
}

impl<'a> IntoIterator for &'a PodList {
    type Item = &'a PodId;
    type IntoIter = std::slice::Iter<'a, PodId>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl PodList {
    /// Inserts `id` at `position` (at the end when beyond it).
    pub(super) fn insert(&mut self, position: usize, id: PodId) {
        *self = match std::mem::take(self) {
            PodList::Empty => PodList::One(id),
            PodList::One(p) if position == 0 => PodList::Many(vec![id, p]),
            PodList::One(p) => PodList::Many(vec![p, id]),
            PodList::Many(mut v) => {
                v.insert(position.min(v.len()), id);
                PodList::Many(v)
            }
        };
    }

    pub(super) fn push(&mut self, id: PodId) {
        self.insert(usize::MAX, id);
    }

    /// Removes `id`.
    pub(super) fn remove(&mut self, id: PodId) {
        *self = match std::mem::take(self) {
            PodList::One(p) if p == id => PodList::Empty,
            PodList::Many(mut v) => {
                v.retain(|&p| p != id);
                match v.as_slice() {
                    [] => PodList::Empty,
                    &[p] => PodList::One(p),
                    _ => PodList::Many(v),
                }
            }
            other => other,
        };
    }
}

/// What per-key decisions read besides the key itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rules {
    /// Upstream's `AllowsSurge` (manage's duplicate rule).
    pub(super) allows_surge: bool,
    /// The strategy is RollingUpdate: the rolling update runs.
    pub(super) rolling: bool,
    pub(super) min_ready_seconds: i32,
    /// An Advanced DaemonSet (manage deletes pods in the `PreparingDelete` state; the rolling
    /// update is limited to Kruise's scope).
    pub(super) kruise: bool,
    /// An Advanced DaemonSet's `rollingUpdate.selector`, as written.
    pub(super) update_selector: Option<LabelSelector>,
    /// The DaemonSet's uid and observed generation: the failed-pod backoff key.
    pub(super) uid: String,
    pub(super) observed_generation: i64,
}

/// How the rolling update sees a new pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum NewState {
    Available,
    /// Not available, and why (as a budget use of the no-surge update).
    Unavailable(BudgetUseReason),
}

/// How the rolling update sees one key after manage's actions (upstream's
/// `findUpdatedPodsOnNode` plus what each branch reads), independent of the update mode.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) enum RollingKey {
    /// Not a key of the post-manage map (or the strategy is not RollingUpdate).
    #[default]
    Skip,
    /// Several new or several old pods.
    Several,
    /// No pod that counts (none, or only terminating ones).
    Empty,
    NewOnly(NewState),
    OldOnly {
        old: PodId,
        available: bool,
    },
    Both {
        old: PodId,
        old_available: bool,
        new: NewState,
    },
}

/// A key's status counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct KeyStatus {
    pub(super) desired: bool,
    pub(super) current: bool,
    pub(super) misscheduled: bool,
    pub(super) ready: bool,
    pub(super) available: bool,
    pub(super) updated: bool,
}

/// Manage's deletions at one key, and its failed-pod backoff.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Manage {
    pub(super) deletes: Vec<(PodId, DeleteReason)>,
    /// Failed pods manage deletes here: the backoff records them when the plan is made.
    pub(super) failed_deletes: u32,
    /// The shortest failed-pod backoff still holding a deletion back here.
    pub(super) requeue: Option<Duration>,
}

impl Manage {
    fn is_empty(&self) -> bool {
        self.deletes.is_empty() && self.failed_deletes == 0 && self.requeue.is_none()
    }
}

impl Contribution {
    /// Manage's deletions here.
    pub(super) fn deletes(&self) -> &[(PodId, DeleteReason)] {
        self.manage.as_ref().map_or(&[], |m| m.deletes.as_slice())
    }

    /// Failed pods manage deletes here.
    pub(super) fn failed_deletes(&self) -> u32 {
        self.manage.as_ref().map_or(0, |m| m.failed_deletes)
    }

    /// The shortest failed-pod backoff still holding a deletion back here.
    pub(super) fn requeue(&self) -> Option<Duration> {
        self.manage.as_ref().and_then(|m| m.requeue)
    }
}

/// Everything one key adds to the indexes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Contribution {
    /// The node's placement; `None` for a vanished node.
    pub(super) placement: Option<Placement>,
    pub(super) status: KeyStatus,
    /// Manage creates a pod here.
    pub(super) create: bool,
    /// Manage creates a pod here and the rolling update could see this key differently when
    /// the create is deferred by the burst limit in surge mode (see [`super::Planner::plan`]).
    pub(super) create_sensitive: bool,
    /// Manage's deletions and backoff here, when there are any (most keys have none).
    pub(super) manage: Option<Box<Manage>>,
    /// How the rolling update sees the key once every manage action is done.
    pub(super) rolling: RollingKey,
    /// Kruise's `rollingUpdate.selector` takes the key's node (or there is none).
    pub(super) selected: bool,
    /// With a topology budget: the node's value of the budget's label.
    pub(super) domain: Option<Name>,
    /// Advanced DaemonSet: the node has one pod of the current revision and at most one old
    /// pod, before the plan's actions (Kruise's `newPods`).
    pub(super) one_new: bool,
    /// Seconds at which this contribution may change with the time alone, sorted.
    pub(super) breakpoints: Vec<i64>,
    /// The key's node at the version this was worked out for (what the plan's output refers
    /// to: a node's change always works its key out again).
    pub(super) key: Ref,
}

fn facts_of(pods: &Pods, p: PodId) -> PodFacts {
    pods.get(p).map_or(PodFacts::default(), |slot| slot.facts)
}

/// What a key's contribution is worked out with besides the key.
#[derive(Clone, Copy)]
pub(super) struct Env<'a> {
    pub(super) pods: &'a Pods,
    pub(super) rules: &'a Rules,
    /// The planner's time.
    pub(super) now: Time,
    /// The failed-pod backoff as the last plan left it.
    pub(super) backoff: &'a FailedPodBackoff,
}

/// Works out the contribution of `key`, named `name`.
pub(super) fn contribution(key: &KeySlot, name: &str, env: &Env<'_>) -> Contribution {
    let pods = env.pods;
    let mut c = Contribution {
        placement: key.node,
        ..Contribution::default()
    };
    if let Some(placement) = c.placement {
        if placement.should_run {
            c.status.desired = true;
            if let Some(&oldest) = key.pods.first() {
                let facts = facts_of(pods, oldest);
                c.status.current = true;
                c.status.ready = facts.ready();
                c.status.available = facts.ready() && facts.available();
                c.status.updated = facts.updated();
            }
        } else if !key.pods.is_empty() {
            c.status.misscheduled = true;
        }
    }
    let mut m = Manage::default();
    match c.placement {
        Some(placement) => manage_node(&mut c, &mut m, key, name, placement, env),
        None => {
            // A vanished node: its unscheduled pods go (scheduled ones are pod GC's).
            for &p in &key.pods {
                if pods
                    .object(p)
                    .is_some_and(|pod| pod.spec.node_name.is_empty())
                {
                    m.deletes.push((p, DeleteReason::NodeMissing));
                }
            }
        }
    }
    if env.rules.rolling {
        let mut deleted: Vec<PodId> = m.deletes.iter().map(|&(p, _)| p).collect();
        deleted.sort_unstable();
        c.rolling = rolling_key(key, pods, env.rules.min_ready_seconds, c.create, &deleted);
    }
    if env.rules.kruise && c.placement.is_some() {
        let views = key.pods.iter().map(|&p| (p, facts_of(pods, p)));
        c.one_new = matches!(find_updated(views), Some((Some(_), _)));
    }
    c.create_sensitive = c.create
        && (!m.deletes.is_empty() || key.pods.iter().any(|&p| !facts_of(pods, p).terminating()));
    if !m.is_empty() {
        c.manage = Some(Box::new(m));
    }
    for &p in &key.pods {
        if let Some(at) = pods.get(p).and_then(|slot| slot.available_at) {
            c.breakpoints.push(at);
        }
    }
    c.breakpoints.sort_unstable();
    c.breakpoints.dedup();
    c
}

/// Upstream's `podsShouldBeOnNode` for one node of the list: manage's rule
/// ([`node_rule`]) over the key's pods, with the failed-pod backoff read from the last plan's.
fn manage_node(
    c: &mut Contribution,
    m: &mut Manage,
    key: &KeySlot,
    name: &str,
    placement: Placement,
    env: &Env<'_>,
) {
    let mut view = KeyPods {
        env,
        name,
        entry: None,
        breakpoints: &mut c.breakpoints,
        requeue: &mut m.requeue,
        failed_deletes: &mut m.failed_deletes,
    };
    let rules = env.rules;
    c.create = node_rule(
        (rules.allows_surge, rules.kruise),
        placement,
        key.pods.iter().copied(),
        &mut view,
        &mut m.deletes,
        &mut Vec::new(),
    );
}

/// A key's pods as manage's rule reads them.
struct KeyPods<'a, 'e> {
    env: &'a Env<'e>,
    /// The key's node name.
    name: &'a str,
    /// The node's backoff entry, read once and then updated as manage's own records would.
    entry: Option<Option<BackoffEntry>>,
    breakpoints: &'a mut Vec<i64>,
    requeue: &'a mut Option<Duration>,
    failed_deletes: &'a mut u32,
}

impl NodePods<PodId> for KeyPods<'_, '_> {
    fn facts(&self, pod: PodId) -> PodFacts {
        facts_of(self.env.pods, pod)
    }

    fn preparing_delete(&self, pod: PodId) -> bool {
        self.env.pods.object(pod).is_some_and(preparing_delete)
    }

    fn delete_failed(&mut self, _: PodId) -> bool {
        let Env {
            rules,
            now,
            backoff,
            ..
        } = *self.env;
        let (name, breakpoints) = (self.name, &mut *self.breakpoints);
        let local = self.entry.get_or_insert_with(|| {
            let stored = backoff
                .entries()
                .get(&FailedPodBackoff::key(
                    &rules.uid,
                    rules.observed_generation,
                    name,
                ))
                .copied();
            if let Some(stored) = stored {
                // In backoff until lastUpdate + delay; expired after 30 minutes.
                let since = stored.last_update.unix_seconds();
                let delay = i64::try_from(stored.delay_seconds).unwrap_or(i64::MAX);
                breakpoints.push(since.saturating_add(delay));
                breakpoints.push(since.saturating_add(30 * 60 + 1));
            }
            stored
        });
        match local.and_then(|e| e.in_backoff(now)) {
            Some(delay) => {
                *self.requeue = Some(self.requeue.map_or(delay, |d| d.min(delay)));
                false
            }
            None => {
                *local = Some(BackoffEntry::next(local.as_ref(), now));
                *self.failed_deletes = self.failed_deletes.saturating_add(1);
                true
            }
        }
    }
}

/// How the rolling update sees `key` when manage's create here is done (`created`) and the
/// pods `deleted` (sorted) are gone.
pub(super) fn rolling_key(
    key: &KeySlot,
    pods: &Pods,
    min_ready_seconds: i32,
    created: bool,
    deleted: &[PodId],
) -> RollingKey {
    let live = |p: &PodId| deleted.binary_search(p).is_err();
    let visited = match key.node {
        Some(placement) => created || placement.should_run || key.pods.iter().any(live),
        None => key.pods.iter().any(live),
    };
    if !visited {
        return RollingKey::Skip;
    }
    // `None` is the pod manage creates.
    let views = key
        .pods
        .iter()
        .filter(|p| live(p))
        .map(|&p| (Some(p), facts_of(pods, p)))
        .chain(created.then_some((None, PodFacts::CREATED)));
    let Some((new, old)) = find_updated(views) else {
        return RollingKey::Several;
    };
    // An old pod is always an existing one.
    let old = old.flatten();
    let new_state = |view: Option<PodId>| match view {
        Some(p) if facts_of(pods, p).available() => NewState::Available,
        Some(p) => NewState::Unavailable(unavailable_reason(pods.object(p), min_ready_seconds)),
        None => NewState::Unavailable(BudgetUseReason::Created),
    };
    match (new, old) {
        (None, None) => RollingKey::Empty,
        (Some(view), None) => RollingKey::NewOnly(new_state(view)),
        (None, Some(old)) => RollingKey::OldOnly {
            old,
            available: facts_of(pods, old).available(),
        },
        (Some(view), Some(old)) => RollingKey::Both {
            old,
            old_available: facts_of(pods, old).available(),
            new: new_state(view),
        },
    }
}

/// The second at which a pod's availability changes with the time alone, if it does.
pub(super) fn available_at(pod: &Pod, min_ready_seconds: i32) -> Option<i64> {
    if min_ready_seconds == 0 {
        return None;
    }
    let ready = pod.ready_condition().filter(|c| c.status == "True")?;
    ready
        .last_transition_time?
        .checked_add_seconds(i64::from(min_ready_seconds))
        .map(Time::unix_seconds)
}
