//! The sums and sorted sets the keys' contributions add up to: the status counts, manage's
//! creates and deletes in the plan's order, and the rolling update's budget uses, deletions and
//! candidates in one update mode. Adding and removing a contribution costs a few ordered-map
//! operations; the plan reads the first items of each set.

use std::collections::BTreeMap;
use std::time::Duration;

use super::super::status::StatusCounts;
use super::super::types::{BudgetUseReason, DeleteReason};
use super::key::{Contribution, KeyId, Name, NewState, PodId, Pods, RollingKey};
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

/// The (key name, pod name) entry of pod `p`.
fn pod_entry(name: &str, pods: &Pods, p: PodId) -> (Name, Name) {
    (Name::from(name), Name::from(pods.name(p)))
}

/// Everything but the claims (which belong to pods, not keys).
#[derive(Debug, Default)]
pub(super) struct Index {
    pub(super) counts: StatusCounts,
    /// Manage's creates, by node name.
    pub(super) creates: BTreeMap<Name, KeyId>,
    /// The creates whose key the rolling update may see differently in surge mode when the
    /// create is deferred.
    pub(super) sensitive_creates: BTreeMap<Name, KeyId>,
    /// Manage's deletes, by (target node, pod name).
    pub(super) deletes: BTreeMap<(Name, Name), (PodId, DeleteReason)>,
    /// Keys with failed pods manage deletes, and how many.
    pub(super) failed: BTreeMap<KeyId, u32>,
    /// Backoff delays still holding a deletion back, with how many keys have each.
    pub(super) requeue: BTreeMap<Duration, usize>,
    pub(super) rolling: RollingIndex,
}

impl Index {
    /// An empty index whose rolling part is in surge mode or not.
    pub(super) fn new(surge: bool) -> Self {
        Index {
            rolling: RollingIndex {
                surge,
                ..RollingIndex::default()
            },
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
            put_name(&mut self.creates, name, key_id, add);
        }
        if c.create_sensitive {
            put_name(&mut self.sensitive_creates, name, key_id, add);
        }
        for &(p, reason) in c.deletes() {
            put(
                &mut self.deletes,
                pod_entry(name, pods, p),
                (p, reason),
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
        self.rolling
            .apply(key_id, name, c.placement, &c.rolling, pods, add);
    }
}

/// The rolling update's view of every key, summed up in one mode (surge or not).
#[derive(Debug, Default)]
pub(super) struct RollingIndex {
    pub(super) surge: bool,
    /// Keys using part of the budget, with why.
    pub(super) used: BTreeMap<Name, BudgetUseReason>,
    /// Deletions the budget does not limit: unavailable old pods without surge; sunset
    /// unavailable old pods and superseded ones with surge.
    pub(super) deletes: BTreeMap<(Name, Name), (PodId, DeleteReason)>,
    /// Surge pods the budget does not limit (beside unavailable old pods).
    pub(super) creates: BTreeMap<Name, KeyId>,
    /// Budget candidates: available old pods to delete (no surge), or nodes to surge on.
    pub(super) candidates: BTreeMap<Name, (KeyId, PodId)>,
    /// Surge: available old pods on nodes the new template cannot use.
    pub(super) sunset: BTreeMap<Name, PodId>,
    /// Surge: keys whose counted pod is available.
    pub(super) available: usize,
    /// Surge: vanished nodes with a lone old pod (the step fails).
    pub(super) vanished: BTreeMap<Name, PodId>,
}

impl RollingIndex {
    /// Adds (or removes) how the rolling update sees one key.
    pub(super) fn apply(
        &mut self,
        key_id: KeyId,
        name: &str,
        placement: Option<Placement>,
        view: &RollingKey,
        pods: &Pods,
        add: bool,
    ) {
        if self.surge {
            self.apply_surge(key_id, name, placement, view, pods, add);
        } else {
            self.apply_no_surge(key_id, name, view, pods, add);
        }
    }

    fn use_budget(&mut self, name: &str, why: BudgetUseReason, add: bool) {
        put_name(&mut self.used, name, why, add);
    }

    fn apply_no_surge(
        &mut self,
        key_id: KeyId,
        name: &str,
        view: &RollingKey,
        pods: &Pods,
        add: bool,
    ) {
        match view {
            RollingKey::Skip | RollingKey::NewOnly(NewState::Available) => {}
            RollingKey::Several => self.use_budget(name, BudgetUseReason::SeveralPods, add),
            RollingKey::Empty => self.use_budget(name, BudgetUseReason::NoPod, add),
            RollingKey::Both { .. } => self.use_budget(name, BudgetUseReason::OldAndNew, add),
            RollingKey::NewOnly(NewState::Unavailable(why)) => {
                self.use_budget(name, why.clone(), add)
            }
            RollingKey::OldOnly {
                old,
                available: true,
            } => put_name(&mut self.candidates, name, (key_id, *old), add),
            RollingKey::OldOnly {
                old,
                available: false,
            } => {
                let entry = pod_entry(name, pods, *old);
                put(
                    &mut self.deletes,
                    entry,
                    (*old, DeleteReason::OutdatedUnavailable),
                    add,
                );
                self.use_budget(name, BudgetUseReason::OldUnavailable, add);
            }
        }
    }

    fn apply_surge(
        &mut self,
        key_id: KeyId,
        name: &str,
        placement: Option<Placement>,
        view: &RollingKey,
        pods: &Pods,
        add: bool,
    ) {
        match view {
            RollingKey::Skip | RollingKey::Empty => {}
            RollingKey::Several => self.use_budget(name, BudgetUseReason::SeveralPods, add),
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
                    (false, true) => put_name(&mut self.creates, name, key_id, add),
                    (false, false) => {
                        let entry = pod_entry(name, pods, *old);
                        put(&mut self.deletes, entry, (*old, DeleteReason::Sunset), add);
                    }
                    (true, true) => put_name(&mut self.candidates, name, (key_id, *old), add),
                    (true, false) => put_name(&mut self.sunset, name, *old, add),
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
                        put(
                            &mut self.deletes,
                            entry,
                            (*old, DeleteReason::Superseded),
                            add,
                        );
                    }
                    NewState::Unavailable(why) => {
                        let why = match why {
                            BudgetUseReason::NotReady | BudgetUseReason::Created => {
                                BudgetUseReason::Surging
                            }
                            other => other.clone(),
                        };
                        self.use_budget(name, why, add);
                    }
                }
            }
        }
    }
}
