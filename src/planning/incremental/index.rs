//! The sums and sorted sets the keys' contributions add up to: the status counts, manage's
//! creates and deletes in the plan's order, and the rolling update's budget uses, deletions and
//! candidates in one update mode. Adding and removing a contribution costs a few ordered-map
//! operations; the plan reads the first items of each set.

use std::collections::BTreeMap;
use std::time::Duration;

use super::super::status::StatusCounts;
use super::super::types::{BudgetUseReason, DeleteReason, HoldReason};
use super::key::{Contribution, KeyId, Name, NewState, Pods, Ref, RollingKey};
use crate::scheduling::Placement;

/// Adds one to a count, or takes one away.
fn step(count: &mut usize, add: bool) {
    *count = if add {
        count.saturating_add(1)
    } else {
        count.saturating_sub(1)
    };
}

fn put<K: Ord, V>(map: &mut BTreeMap<K, V>, key: K, value: V, add: bool) {
    if add {
        map.insert(key, value);
    } else {
        map.remove(&key);
    }
}

/// Adds or removes a name (only an added one is copied).
fn put_name<V>(map: &mut BTreeMap<Name, V>, name: &str, value: V, add: bool) {
    if add {
        map.insert(Name::from(name), value);
    } else {
        map.remove(name);
    }
}

/// The lowest key a sorted set changed at since a plan last read it: a plan that read the
/// set up to a key below that one would read the same again.
#[derive(Debug)]
pub(super) struct Low<K> {
    key: Option<K>,
    /// Everything may have changed (a new set).
    all: bool,
}

impl<K> Default for Low<K> {
    fn default() -> Self {
        Low {
            key: None,
            all: true,
        }
    }
}

impl<K: Ord + Clone> Low<K> {
    fn note(&mut self, key: &K) {
        if self.key.as_ref().is_none_or(|low| key < low) {
            self.key = Some(key.clone());
        }
    }

    /// Whether a read that saw the keys up to `cut` reads the same now.
    pub(super) fn unchanged_to(&self, cut: &Cut<K>) -> bool {
        match (&self.key, cut) {
            (_, Cut::Nothing) => true,
            _ if self.all => false,
            (None, _) => true,
            (Some(low), Cut::Upto(cut)) => low > cut,
            (Some(_), Cut::All) => false,
        }
    }

    /// The set was just read.
    pub(super) fn read(&mut self) {
        self.key = None;
        self.all = false;
    }
}

/// How far a plan read a sorted set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Cut<K> {
    /// No key.
    Nothing,
    /// The keys up to this one.
    Upto(K),
    /// Every key.
    All,
}

impl<K: Ord + Clone> Cut<K> {
    /// This read, of which only the keys up to `bound` (if any) mattered.
    pub(super) fn within(self, bound: Option<&K>) -> Self {
        match (self, bound) {
            (cut, None) => cut,
            (Cut::Nothing, Some(_)) => Cut::Nothing,
            (Cut::All, Some(bound)) => Cut::Upto(bound.clone()),
            (Cut::Upto(cut), Some(bound)) => Cut::Upto(cut.min(bound.clone())),
        }
    }
}

impl Low<Name> {
    /// Adds or removes a name in `map` (the set this follows), and notes where it changed;
    /// the name is copied only when added.
    fn put<V>(&mut self, map: &mut BTreeMap<Name, V>, name: &str, value: V, add: bool) {
        let lower = self.key.as_deref().is_none_or(|low| name < low);
        if add {
            let key = Name::from(name);
            if lower {
                self.key = Some(key.clone());
            }
            map.insert(key, value);
        } else if let Some((key, _)) = map.remove_entry(name)
            && lower
        {
            self.key = Some(key);
        }
    }
}

/// The (key name, pod name) entry of pod `p`.
fn pod_entry(name: &str, pods: &Pods, p: PodId) -> (Name, Name) {
    (Name::from(name), Name::from(pods.name(p)))
}

/// A pod's place in the pods.
type PodId = super::key::PodId;

/// Everything but the claims (which belong to pods, not keys).
#[derive(Debug, Default)]
pub(super) struct Index {
    pub(super) counts: StatusCounts,
    /// Manage's creates, by node name.
    pub(super) creates: BTreeMap<Name, Ref>,
    /// The creates whose key the rolling update may see differently in surge mode when the
    /// create is deferred.
    pub(super) sensitive_creates: BTreeMap<Name, Ref>,
    /// Manage's deletes, by (target node, pod name).
    pub(super) deletes: BTreeMap<(Name, Name), (Ref, DeleteReason)>,
    /// Keys with failed pods manage deletes, and how many.
    pub(super) failed: BTreeMap<KeyId, u32>,
    /// Backoff delays still holding a deletion back, with how many keys have each.
    pub(super) requeue: BTreeMap<Duration, usize>,
    /// How many of manage's deletes retire an old pod for the update (superseded, or old and
    /// not ready): a paused Advanced DaemonSet holds them back.
    pub(super) update_deletes: usize,
    /// Nodes with one pod of the current revision and at most one old pod, before the plan's
    /// actions (Kruise's `newPods`, for progressive creation; counted for an Advanced
    /// DaemonSet only).
    pub(super) new_pods: usize,
    /// With a topology budget: desired nodes per domain.
    pub(super) domains: Option<BTreeMap<Option<Name>, usize>>,
    pub(super) rolling: RollingIndex,
}

impl Index {
    /// An empty index whose rolling part is in surge mode or not, and sorts keys into
    /// Kruise's classes or not (`kruise`).
    pub(super) fn new(surge: bool, kruise: bool, zones: bool) -> Self {
        Index {
            domains: zones.then(BTreeMap::new),
            rolling: RollingIndex::new(surge, kruise, zones),
            ..Index::default()
        }
    }

    /// Adds (or, with `add` false, removes) one key's contribution.
    pub(super) fn apply(
        &mut self,
        key_id: KeyId,
        name: &str,
        c: &Contribution,
        pods: &Pods,
        add: bool,
    ) {
        let s = c.status;
        let counts = &mut self.counts;
        for (flag, count) in [
            (s.desired, &mut counts.desired),
            (s.current, &mut counts.current),
            (s.misscheduled, &mut counts.misscheduled),
            (s.ready, &mut counts.ready),
            (s.available, &mut counts.available),
            (s.updated, &mut counts.updated),
        ] {
            if flag {
                step(count, add);
            }
        }
        if c.create {
            put_name(&mut self.creates, name, c.key, add);
        }
        if c.create_sensitive {
            put_name(&mut self.sensitive_creates, name, c.key, add);
        }
        if c.one_new {
            step(&mut self.new_pods, add);
        }
        if let Some(domains) = &mut self.domains
            && s.desired
        {
            let count = domains.entry(c.domain.clone()).or_default();
            step(count, add);
            if *count == 0 {
                domains.remove(&c.domain);
            }
        }
        for &(p, reason) in c.deletes() {
            if matches!(reason, DeleteReason::Superseded | DeleteReason::OldNotReady) {
                step(&mut self.update_deletes, add);
            }
            put(
                &mut self.deletes,
                pod_entry(name, pods, p),
                (pods.at(p), reason),
                add,
            );
        }
        if c.failed_deletes() > 0 {
            put(&mut self.failed, key_id, c.failed_deletes(), add);
        }
        if let Some(delay) = c.requeue() {
            if add {
                let count = self.requeue.entry(delay).or_insert(0);
                *count = count.saturating_add(1);
            } else if let Some(count) = self.requeue.get_mut(&delay) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    self.requeue.remove(&delay);
                }
            }
        }
        self.rolling.apply(key_id, name, KeyView::of(c), pods, add);
    }
}

/// How the rolling update sees one key: its node's placement (`None`: a vanished node),
/// whether Kruise's `rollingUpdate.selector` takes the node, and its pods after manage.
#[derive(Debug, Clone, Copy)]
pub(super) struct KeyView<'a> {
    /// The key's node, as the plan's output refers to it.
    pub(super) key: Ref,
    pub(super) placement: Option<Placement>,
    pub(super) selected: bool,
    /// The node's topology domain (its value of the topology budget's label), with a budget.
    pub(super) domain: Option<&'a Name>,
    pub(super) rolling: &'a RollingKey,
}

impl<'a> KeyView<'a> {
    /// The view a contribution holds.
    pub(super) fn of(c: &'a Contribution) -> Self {
        KeyView {
            key: c.key,
            placement: c.placement,
            selected: c.selected,
            domain: c.domain.as_ref(),
            rolling: &c.rolling,
        }
    }

    /// The same key seen with other pods (a deferred action's view).
    pub(super) fn with(self, rolling: &'a RollingKey) -> Self {
        KeyView { rolling, ..self }
    }
}

/// A topology budget's view of the rolling index: per domain (a node's value of the budget's
/// label; `None` for nodes without it), how many keys use the budget and the candidates, by
/// name. Vanished nodes have no domain and are in neither.
#[derive(Debug, Default)]
pub(super) struct ZoneIndex {
    pub(super) used: BTreeMap<Option<Name>, usize>,
    pub(super) candidates: BTreeMap<Option<Name>, BTreeMap<Name, Candidate>>,
    /// Candidates on vanished nodes (no domain: no limit).
    pub(super) vanished: BTreeMap<Name, Candidate>,
    /// A number for each domain seen (kept once seen: domains are few), which the candidates
    /// carry so that a plan can walk them all in name order and count each domain's.
    pub(super) domain_ids: BTreeMap<Option<Name>, DomainId>,
}

/// A topology domain's number in [`ZoneIndex::domain_ids`].
pub(super) type DomainId = u32;

/// The domain of candidates on vanished nodes (no limit), and of every candidate without a
/// topology budget.
pub(super) const NO_DOMAIN: DomainId = DomainId::MAX;

/// A budget candidate: the key, its old pod, its topology domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Candidate {
    pub(super) key: Ref,
    pub(super) pod: Ref,
    pub(super) domain: DomainId,
}

impl ZoneIndex {
    /// The number of `domain`, given one if it has none yet.
    fn domain_id(&mut self, domain: Option<&Name>) -> DomainId {
        if let Some(&id) = self.domain_ids.get(&domain.cloned()) {
            return id;
        }
        // Numbers stay below NO_DOMAIN: past that many domains they are shared, and a plan
        // merges the per-domain sets instead of reading the numbers.
        let id = DomainId::try_from(self.domain_ids.len())
            .unwrap_or(NO_DOMAIN)
            .min(NO_DOMAIN.saturating_sub(1));
        self.domain_ids.insert(domain.cloned(), id);
        id
    }
}

/// An Advanced DaemonSet's keys sorted into the classes Kruise's update scope ranks them by
/// (`filterDaemonPodsNodeToUpdate`): the scope takes updated nodes first, then nodes without a
/// pod, then nodes with an old pod the selector takes, each from the highest name down, until
/// `partition` keys are left; nodes the selector does not take are never in it.
#[derive(Debug, Default)]
pub(super) struct KruiseClasses {
    /// Keys of existing nodes the rolling update would visit (the scope's total).
    pub(super) total: usize,
    /// Several pods of a kind, or a pod of the current revision.
    pub(super) updated: BTreeMap<Name, Ref>,
    /// No pod that counts.
    pub(super) no_pod: BTreeMap<Name, Ref>,
    /// Only an old pod, on a node the selector takes.
    pub(super) old: BTreeMap<Name, Ref>,
    /// Only an old pod, on a node the selector does not take.
    pub(super) not_selected: BTreeMap<Name, Ref>,
    /// Keys a partition keeps out of the update scope, by key: their budget contribution is
    /// out of the budget sets. Plans keep this set current (see [`KruiseClasses::lowest`]);
    /// between plans it may hold keys the partition no longer keeps out (or keys gone), and
    /// a key's contribution goes in or out of the budget sets as the flag says.
    out: Vec<u8>,
    /// The keys flagged in `out`.
    out_keys: Vec<KeyId>,
    /// An empty buffer for the next `out_keys`.
    spare_keys: Vec<KeyId>,
    /// Where each class changed since a plan last read the partition: old, no pod, updated,
    /// not selected.
    lows: [Low<Name>; 4],
    /// How the last plan that read the partition read it.
    read: Option<PartitionRead>,
}

/// How a plan read the partition: the plan's number, how many keys it kept out, and how far
/// it read the classes old, no pod and updated (the one not selected is read whole).
#[derive(Debug)]
struct PartitionRead {
    plan: u64,
    count: usize,
    cuts: [Cut<Name>; 3],
}

/// A key's budget contribution is in the budget sets.
const IN: u8 = 0;
/// A key's budget contribution is out of the budget sets.
const OUT: u8 = 1;
/// Out, and the partition keeps it out (while a plan moves keys in and out).
const KEPT: u8 = 2;

impl KruiseClasses {
    /// Adds (or removes) one key; whether the key is one the update scope may take (its
    /// budget contribution belongs in the rolling index).
    fn apply(&mut self, key_id: KeyId, name: &str, key: KeyView<'_>, add: bool) -> bool {
        if !Self::known(key) {
            return false;
        }
        step(&mut self.total, add);
        let [old, no_pod, updated, not_selected] = &mut self.lows;
        let (class, low) = match key.rolling {
            RollingKey::Empty => (&mut self.no_pod, no_pod),
            RollingKey::OldOnly { .. } if key.selected => (&mut self.old, old),
            RollingKey::OldOnly { .. } => {
                not_selected.put(&mut self.not_selected, name, key.key, add);
                return false;
            }
            _ => (&mut self.updated, updated),
        };
        low.put(class, name, key.key, add);
        !self.is_out(key_id)
    }

    /// Whether Kruise's scope knows the key: existing nodes the rolling update visits.
    fn known(key: KeyView<'_>) -> bool {
        key.placement.is_some() && *key.rolling != RollingKey::Skip
    }

    /// Whether the update scope may take the key (its budget contribution belongs in the
    /// budget sets unless a partition keeps it out).
    pub(super) fn in_scope(key: KeyView<'_>) -> bool {
        Self::known(key) && !matches!(key.rolling, RollingKey::OldOnly { .. } if !key.selected)
    }

    /// Whether a partition keeps the key out (as the last plan left it).
    pub(super) fn is_out(&self, key_id: KeyId) -> bool {
        self.out.get(key_id).is_some_and(|&flag| flag != IN)
    }

    fn flag(&mut self, key_id: KeyId, flag: u8) {
        if self.out.len() <= key_id {
            if flag == IN {
                return;
            }
            self.out.resize(key_id.saturating_add(1), IN);
        }
        if let Some(slot) = self.out.get_mut(key_id) {
            *slot = flag;
        }
    }

    /// Whether the partition reads as plan `plan` read it, for a partition that keeps
    /// `count` keys out: the keys kept out and the nodes held are the same.
    pub(super) fn unchanged_since(&self, plan: u64, count: usize) -> bool {
        let Some(read) = &self.read else {
            return false;
        };

        let [old, no_pod, updated, not_selected] = &self.lows;
        let [old_cut, no_pod_cut, updated_cut] = &read.cuts;
        read.plan == plan
            && read.count == count
            && old.unchanged_to(old_cut)
            && no_pod.unchanged_to(no_pod_cut)
            && updated.unchanged_to(updated_cut)
            && not_selected.unchanged_to(&Cut::All)
    }

    /// Plan `plan` found the partition as the last plan read it.
    pub(super) fn read_again(&mut self, plan: u64) {
        for low in &mut self.lows {
            low.read();
        }
        if let Some(read) = &mut self.read {
            read.plan = plan;
        }
    }

    /// Makes the keys kept out those of a partition that keeps `count` keys out: returns the
    /// keys that enter the partition (whose budget contribution is to leave the budget sets)
    /// and those that leave it (whose contribution, when they are in scope, is to come
    /// back). When no node is left out by the selector, also lists the nodes the partition
    /// holds (its old ones) into `held`. Costs a walk over the partition's keys and the
    /// previous ones.
    pub(super) fn repartition(
        &mut self,
        (plan, count): (u64, usize),
        held: &mut Vec<(Ref, HoldReason)>,
    ) -> (Vec<(KeyId, Name)>, Vec<KeyId>) {
        let previous = std::mem::take(&mut self.out_keys);
        let mut kept = std::mem::take(&mut self.spare_keys);
        kept.clear();
        let mut enter = Vec::new();
        let list_held = self.not_selected.is_empty();
        let lens = [self.old.len(), self.no_pod.len(), self.updated.len()];
        let [old, no_pod, _] = lens;
        let mut last: [Option<&Name>; 3] = [None; 3];
        let mut read = [0usize; 3];
        for (rank, (name, key)) in self.lowest(count).enumerate() {
            let class = if rank < old {
                0
            } else if rank < old.saturating_add(no_pod) {
                1
            } else {
                2
            };
            if let (Some(last), Some(read)) = (last.get_mut(class), read.get_mut(class)) {
                *last = Some(name);
                *read = read.saturating_add(1);
            }
            kept.push(key.id);
            if list_held && rank < old {
                held.push((*key, HoldReason::Partition));
            }
            if !self.is_out(key.id) {
                enter.push((key.id, name.clone()));
            }
        }
        // A class is read when the walk reaches it (even empty): in part up to a name, or
        // whole.
        let before = [0, old, old.saturating_add(no_pod)];
        let cut = |i: usize| match (before.get(i), read.get(i), lens.get(i), last.get(i)) {
            (Some(&before), ..) if count <= before => Cut::Nothing,
            (_, Some(read), Some(len), Some(Some(name))) if read < len => {
                Cut::Upto((*name).clone())
            }
            _ => Cut::All,
        };
        let cuts = [cut(0), cut(1), cut(2)];
        for low in &mut self.lows {
            low.read();
        }
        self.read = Some(PartitionRead { plan, count, cuts });
        for &id in &kept {
            self.flag(id, KEPT);
        }
        let mut leave = Vec::new();
        for &id in &previous {
            if self.out.get(id) == Some(&OUT) {
                self.flag(id, IN);
                leave.push(id);
            }
        }
        for &id in &kept {
            self.flag(id, OUT);
        }
        self.out_keys = kept;
        self.spare_keys = previous;
        (enter, leave)
    }

    /// How many keys a partition of `partition` keeps out of the scope beside the keys the
    /// selector does not take.
    pub(super) fn partitioned(&self, partition: i64) -> usize {
        let ranked = self.total.saturating_sub(self.not_selected.len());
        let total = i64::try_from(self.total).unwrap_or(i64::MAX);
        let room = usize::try_from(total.saturating_sub(partition).max(0)).unwrap_or(0);
        ranked.saturating_sub(room)
    }

    /// The `count` keys a partition keeps out, lowest-ranked first: old pods, then no pod,
    /// then updated, each from the lowest name up.
    pub(super) fn lowest(&self, count: usize) -> impl Iterator<Item = (&Name, &Ref)> {
        self.old
            .iter()
            .chain(self.no_pod.iter())
            .chain(self.updated.iter())
            .take(count)
    }
}

/// The rolling update's view of every key, summed up in one mode (surge or not).
#[derive(Debug, Default)]
pub(super) struct RollingIndex {
    pub(super) surge: bool,
    /// An Advanced DaemonSet's classes: then only keys the update scope may take (existing
    /// nodes, selected when they hold only an old pod) add to the sets below.
    pub(super) kruise: Option<KruiseClasses>,
    /// With a topology budget: the budget uses and candidates per domain.
    pub(super) zones: Option<ZoneIndex>,
    /// Keys using part of the budget, with why.
    pub(super) used: BTreeMap<Name, (Ref, BudgetUseReason)>,
    /// Deletions the budget does not limit: unavailable old pods without surge; sunset
    /// unavailable old pods and superseded ones with surge.
    pub(super) deletes: BTreeMap<(Name, Name), (Ref, DeleteReason)>,
    /// Surge pods the budget does not limit (beside unavailable old pods).
    pub(super) creates: BTreeMap<Name, Ref>,
    /// Budget candidates: available old pods to delete (no surge), or nodes to surge on.
    pub(super) candidates: BTreeMap<Name, Candidate>,
    /// Surge: available old pods on nodes the new template cannot use.
    pub(super) sunset: BTreeMap<Name, Ref>,
    /// Surge: keys whose counted pod is available.
    pub(super) available: usize,
    /// Surge: vanished nodes with a lone old pod (the step fails).
    pub(super) vanished: BTreeMap<Name, PodId>,
    /// Where `candidates` changed since a plan read it.
    pub(super) low_candidates: Low<Name>,
    /// Where `deletes` changed since a plan read it.
    pub(super) low_deletes: Low<(Name, Name)>,
}

impl RollingIndex {
    /// An empty index in surge mode or not, with Kruise's classes or not, with per-domain
    /// sets or not.
    pub(super) fn new(surge: bool, kruise: bool, zones: bool) -> Self {
        RollingIndex {
            surge,
            kruise: kruise.then(KruiseClasses::default),
            zones: zones.then(ZoneIndex::default),
            ..RollingIndex::default()
        }
    }

    /// Adds (or removes) how the rolling update sees one key.
    pub(super) fn apply(
        &mut self,
        key_id: KeyId,
        name: &str,
        key: KeyView<'_>,
        pods: &Pods,
        add: bool,
    ) {
        if let Some(classes) = &mut self.kruise
            && !classes.apply(key_id, name, key, add)
        {
            return;
        }
        self.apply_budget(name, key, pods, add);
    }

    /// Adds (or removes) one key's part in the budget sets only (not Kruise's classes): how a
    /// partition takes a key out of the update scope, or lets it back in.
    pub(super) fn apply_budget(&mut self, name: &str, key: KeyView<'_>, pods: &Pods, add: bool) {
        if self.surge {
            self.apply_surge(name, key, pods, add);
        } else {
            self.apply_no_surge(name, key, pods, add);
        }
    }

    fn use_budget(&mut self, name: &str, key: KeyView<'_>, why: BudgetUseReason, add: bool) {
        put_name(&mut self.used, name, (key.key, why), add);
        if let Some(zones) = &mut self.zones
            && key.placement.is_some()
        {
            let count = zones.used.entry(key.domain.cloned()).or_default();
            step(count, add);
            if *count == 0 {
                zones.used.remove(&key.domain.cloned());
            }
        }
    }

    fn candidate(&mut self, name: &str, key: KeyView<'_>, pod: Ref, add: bool) {
        let mut value = Candidate {
            key: key.key,
            pod,
            domain: NO_DOMAIN,
        };
        if let Some(zones) = &mut self.zones {
            if key.placement.is_none() {
                put_name(&mut zones.vanished, name, value, add);
            } else {
                if add {
                    value.domain = zones.domain_id(key.domain);
                }
                let domain = key.domain.cloned();
                let set = zones.candidates.entry(domain.clone()).or_default();
                put_name(set, name, value, add);
                if set.is_empty() {
                    zones.candidates.remove(&domain);
                }
            }
        }
        self.low_candidates
            .put(&mut self.candidates, name, value, add);
    }

    /// Adds or removes a deletion the budget does not limit.
    fn delete(&mut self, entry: (Name, Name), value: (Ref, DeleteReason), add: bool) {
        self.low_deletes.note(&entry);
        put(&mut self.deletes, entry, value, add);
    }

    fn apply_no_surge(&mut self, name: &str, key: KeyView<'_>, pods: &Pods, add: bool) {
        match key.rolling {
            RollingKey::Skip | RollingKey::NewOnly(NewState::Available) => {}
            RollingKey::Several => self.use_budget(name, key, BudgetUseReason::SeveralPods, add),
            RollingKey::Empty => self.use_budget(name, key, BudgetUseReason::NoPod, add),
            RollingKey::Both { .. } => self.use_budget(name, key, BudgetUseReason::OldAndNew, add),
            RollingKey::NewOnly(NewState::Unavailable(why)) => {
                self.use_budget(name, key, why.clone(), add)
            }
            RollingKey::OldOnly {
                old,
                available: true,
            } => self.candidate(name, key, pods.at(*old), add),
            RollingKey::OldOnly {
                old,
                available: false,
            } => {
                let entry = pod_entry(name, pods, *old);
                let value = (pods.at(*old), DeleteReason::OutdatedUnavailable);
                self.delete(entry, value, add);
                self.use_budget(name, key, BudgetUseReason::OldUnavailable, add);
            }
        }
    }

    fn apply_surge(&mut self, name: &str, key: KeyView<'_>, pods: &Pods, add: bool) {
        let placement = key.placement;
        match key.rolling {
            RollingKey::Skip | RollingKey::Empty => {}
            RollingKey::Several => self.use_budget(name, key, BudgetUseReason::SeveralPods, add),
            RollingKey::NewOnly(new) => {
                if *new == NewState::Available {
                    step(&mut self.available, add);
                }
            }
            RollingKey::OldOnly { old, available } => {
                if *available {
                    step(&mut self.available, add);
                }
                let Some(placement) = placement else {
                    put_name(&mut self.vanished, name, *old, add);
                    return;
                };
                match (*available, placement.should_run) {
                    (false, true) => put_name(&mut self.creates, name, key.key, add),
                    (false, false) => {
                        let entry = pod_entry(name, pods, *old);
                        self.delete(entry, (pods.at(*old), DeleteReason::Sunset), add);
                    }
                    (true, true) => self.candidate(name, key, pods.at(*old), add),
                    (true, false) => put_name(&mut self.sunset, name, pods.at(*old), add),
                }
            }
            RollingKey::Both {
                old,
                old_available,
                new,
            } => {
                if *old_available {
                    step(&mut self.available, add);
                }
                match new {
                    NewState::Available => {
                        let entry = pod_entry(name, pods, *old);
                        let value = (pods.at(*old), DeleteReason::Superseded);
                        self.delete(entry, value, add);
                    }
                    NewState::Unavailable(why) => {
                        let why = match why {
                            BudgetUseReason::NotReady | BudgetUseReason::Created => {
                                BudgetUseReason::Surging
                            }
                            other => other.clone(),
                        };
                        self.use_budget(name, key, why, add);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::planning::incremental::key::Table;

    const RUNS: Option<Placement> = Some(Placement {
        should_run: true,
        should_continue_running: true,
    });

    fn no_pods() -> Pods {
        Table::from_objects(Vec::new(), |_, _| None)
    }

    fn view(rolling: &RollingKey, selected: bool) -> KeyView<'_> {
        KeyView {
            key: Ref::default(),
            placement: RUNS,
            selected,
            domain: None,
            rolling,
        }
    }

    const OLD: RollingKey = RollingKey::OldOnly {
        old: 0,
        available: true,
    };

    fn names(map: &BTreeMap<Name, Ref>) -> Vec<&str> {
        map.keys().map(|name| name.as_ref()).collect()
    }

    #[test]
    fn kruise_classes_rank_updated_no_pod_old_and_keep_not_selected_apart() {
        let mut rolling = RollingIndex::new(false, true, false);
        let pods = no_pods();
        let new = RollingKey::NewOnly(NewState::Available);
        rolling.apply(0, "n1", view(&new, true), &pods, true);
        rolling.apply(1, "n2", view(&RollingKey::Empty, true), &pods, true);
        rolling.apply(2, "n3", view(&OLD, true), &pods, true);
        rolling.apply(3, "n4", view(&OLD, false), &pods, true);
        let classes = rolling.kruise.as_ref().unwrap();
        assert_eq!(classes.total, 4);
        assert_eq!(names(&classes.updated), ["n1"]);
        assert_eq!(names(&classes.no_pod), ["n2"]);
        assert_eq!(names(&classes.old), ["n3"]);
        assert_eq!(names(&classes.not_selected), ["n4"]);
        // The node the selector does not take is no budget candidate.
        assert_eq!(names_of(&rolling.candidates), ["n3"]);
        assert_eq!(names_of(&rolling.used), ["n2"]);
    }

    fn names_of<V>(map: &BTreeMap<Name, V>) -> Vec<&str> {
        map.keys().map(|name| name.as_ref()).collect()
    }

    #[test]
    fn kruise_classes_leave_out_vanished_nodes_and_keys_the_update_does_not_visit() {
        let mut rolling = RollingIndex::new(true, true, false);
        let pods = no_pods();
        let vanished = KeyView {
            placement: None,
            ..view(&OLD, true)
        };
        rolling.apply(0, "gone", vanished, &pods, true);
        rolling.apply(1, "idle", view(&RollingKey::Skip, true), &pods, true);
        let classes = rolling.kruise.as_ref().unwrap();
        assert_eq!(classes.total, 0);
        // Without Kruise a vanished node's lone old pod fails a surge step; Kruise skips it.
        assert!(rolling.vanished.is_empty());
        let mut upstream = RollingIndex::new(true, false, false);
        upstream.apply(0, "gone", vanished, &pods, true);
        assert_eq!(names_of(&upstream.vanished), ["gone"]);
    }

    #[test]
    fn removing_a_key_undoes_adding_it() {
        let mut rolling = RollingIndex::new(false, true, false);
        let pods = no_pods();
        rolling.apply(2, "n3", view(&OLD, true), &pods, true);
        rolling.apply(2, "n3", view(&OLD, true), &pods, false);
        let classes = rolling.kruise.as_ref().unwrap();
        assert_eq!(classes.total, 0);
        assert!(classes.old.is_empty());
        assert!(rolling.candidates.is_empty());
    }

    #[test]
    fn a_partition_takes_the_lowest_old_nodes_first_then_nodes_without_a_pod() {
        let mut classes = KruiseClasses::default();
        let new = RollingKey::Several;
        for (id, name) in ["a", "b"].iter().enumerate() {
            classes.apply(id, name, view(&new, true), true);
        }
        classes.apply(2, "c", view(&RollingKey::Empty, true), true);
        classes.apply(3, "e", view(&OLD, true), true);
        classes.apply(4, "d", view(&OLD, true), true);
        classes.apply(5, "f", view(&OLD, false), true);
        // Six keys; one is never in scope: a partition of 4 keeps 3 ranked keys out.
        assert_eq!(classes.partitioned(4), 3);
        let out: Vec<&str> = classes.lowest(3).map(|(name, _)| name.as_ref()).collect();
        assert_eq!(out, ["d", "e", "c"]);
        // A partition no larger than the keys the selector leaves out keeps nothing else out.
        assert_eq!(classes.partitioned(1), 0);
        assert_eq!(classes.partitioned(0), 0);
        // A partition beyond the keys keeps every ranked key out.
        assert_eq!(classes.partitioned(100), 5);
        assert_eq!(classes.partitioned(-3), 0);
    }

    #[test]
    fn a_partition_read_through_an_empty_class_sees_a_key_enter_it() {
        // Regression: a partition that reached the updated nodes read the empty class of
        // nodes without a pod whole; a node entering that class changes the partition.
        let mut classes = KruiseClasses::default();
        let at = |id, rolling| KeyView {
            key: Ref::first(id),
            ..view(rolling, true)
        };
        classes.apply(0, "a", at(0, &OLD), true);
        let new = RollingKey::Several;
        classes.apply(1, "c", at(1, &new), true);
        classes.apply(2, "d", at(2, &new), true);
        let mut held = Vec::new();
        let (enter, leave) = classes.repartition((1, 2), &mut held);
        assert_eq!(enter.len(), 2);
        assert!(leave.is_empty());
        assert_eq!(held.len(), 1);
        assert!(classes.unchanged_since(1, 2));
        // A change past what the partition read does not matter...
        classes.apply(3, "e", at(3, &new), true);
        assert!(classes.unchanged_since(1, 2));
        // ...one in the empty class it walked through does.
        classes.apply(4, "b", at(4, &RollingKey::Empty), true);
        assert!(!classes.unchanged_since(1, 2));
        let mut held = Vec::new();
        let (enter, leave) = classes.repartition((2, 2), &mut held);
        let entered: Vec<&str> = enter.iter().map(|(_, name)| name.as_ref()).collect();
        assert_eq!(entered, ["b"]);
        assert_eq!(leave, [1]);
    }

    #[test]
    fn a_low_tells_whether_a_read_would_read_the_same() {
        let mut low: Low<Name> = Low::default();
        // A new set has changed everywhere.
        assert!(!low.unchanged_to(&Cut::Upto(Name::from("m"))));
        assert!(low.unchanged_to(&Cut::Nothing));
        low.read();
        assert!(low.unchanged_to(&Cut::All));
        low.put(&mut BTreeMap::new(), "p", (), true);
        assert!(low.unchanged_to(&Cut::Upto(Name::from("m"))));
        assert!(!low.unchanged_to(&Cut::Upto(Name::from("p"))));
        assert!(!low.unchanged_to(&Cut::All));
        low.put(&mut BTreeMap::new(), "c", (), true);
        assert!(!low.unchanged_to(&Cut::Upto(Name::from("m"))));
    }
}
