//! Grouping: claims pods, files them under their node's key, and keeps each key's
//! contribution in the indexes (taken out when an event touches the key, put back when it ends).

use std::collections::{BTreeMap, BTreeSet};

use super::index::Index;
use super::key::{self, KeyId, KeySlot, Keys, Name, NameIndex, Named, PodId, PodSlot, Pods};
use super::{Engine, Halt, Planner, State, halt, named_node, rules, update_selector, zone_budget};
use crate::planning::assembly::revision_text;
use crate::planning::cluster::{Claim, FactsContext, PodFacts, claim, compare_pods, target_node};
use crate::planning::node_join::{self, widen};
use crate::planning::types::PlanError;
use crate::scheduling::{DaemonPlacement, LabelMatcher};

impl Planner {
    /// Takes key `id`'s contribution out of the indexes until [`Planner::finish`].
    pub(super) fn touch(&mut self, id: KeyId) {
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
    pub(super) fn finish(&mut self) {
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
                        now: self.options.now,
                        backoff: &self.options.failed_pod_backoff,
                    };
                    let name = self.keys.name(id);
                    let mut c = key::contribution(key, name, &env);
                    let node = self.keys.object(id);
                    c.selected = engine.update_selector.as_ref().is_none_or(|selector| {
                        node.is_some_and(|node| selector.matches(&node.metadata.labels))
                    });
                    if let Some(label) = engine.zone_budget.as_ref().map(|b| &b.key) {
                        c.domain = node
                            .and_then(|node| node.metadata.labels.get(label))
                            .map(|value| Name::from(value.as_str()));
                    }
                    c.key = self.keys.at(id);
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
    pub(super) fn ungroup(&mut self, id: PodId) {
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
    pub(super) fn group(&mut self, id: PodId, sorted: bool) {
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
    pub(super) fn claim_pod(&mut self, id: PodId) -> bool {
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
            revision: &self.revision,
            min_ready_seconds: engine.rules.min_ready_seconds,
            now: self.options.now,
        };
        slot.facts = PodFacts::of(pod, &context);
        slot.available_at = key::available_at(pod, engine.rules.min_ready_seconds);
        true
    }

    /// Files claimed pod `id` under key `key_id`, in pod order when `sorted`.
    pub(super) fn file(&mut self, id: PodId, key_id: KeyId, sorted: bool) {
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
    pub(super) fn group_all(&mut self) {
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
    pub(super) fn refresh_facts(&mut self, id: KeyId) {
        let State::Active(engine) = &self.state else {
            return;
        };
        let Some(key) = self.keys.get(id) else {
            return;
        };
        let context = FactsContext {
            revision: &self.revision,
            min_ready_seconds: engine.rules.min_ready_seconds,
            now: self.options.now,
        };
        for &p in &key.pods {
            if let Some((slot, pod)) = self.pods.pair_mut(p) {
                slot.facts = PodFacts::of(pod, &context);
            }
        }
    }

    /// After a DaemonSet or revision change that keeps the claims: recomputes placements (when
    /// `placement_changed`), pod facts (when `revision_changed` or minReadySeconds changed) and
    /// every contribution (when anything they read changed).
    pub(super) fn refresh(&mut self, placement_changed: bool, revision_changed: bool) {
        let State::Active(engine) = &mut self.state else {
            return;
        };
        let ds = &self.daemon_set;
        let rules = rules(ds);
        let facts_changed =
            revision_changed || rules.min_ready_seconds != engine.rules.min_ready_seconds;
        if !placement_changed && !facts_changed && rules == engine.rules {
            return;
        }
        if rules.update_selector != engine.rules.update_selector {
            engine.update_selector = update_selector(&rules);
        }
        engine.index = Index::new(
            engine.index.rolling.surge,
            rules.kruise,
            engine.zone_budget.is_some(),
        );
        engine.rules = rules;
        engine.breakpoints.clear();
        if placement_changed {
            engine.placement = DaemonPlacement::new(ds, self.options.taint_comparison_operators);
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
                revision: &self.revision,
                min_ready_seconds: engine.rules.min_ready_seconds,
                now: self.options.now,
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
    pub(super) fn recompute_all(&mut self) {
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
    pub(super) fn restart(&mut self) {
        self.forget_grouping();
        self.start();
    }

    /// Drops vanished keys, empties the nodes' pod lists and the pods' claims: the state of a
    /// planner just built, before [`Planner::start`].
    pub(super) fn forget_grouping(&mut self) {
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
    pub(super) fn start(&mut self) {
        let hash = revision_text(&self.daemon_set, self.options.revision.as_deref());
        self.update_revision(hash);
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
        let placement = DaemonPlacement::new(ds, self.options.taint_comparison_operators);
        // Walks over places, not `ids()`: a list of a million ids is fresh memory to fault in.
        for id in 0..self.keys.slots() {
            if let Some((key, node)) = self.keys.pair_mut(id)
                && key.node.is_some()
            {
                key.node = Some(placement.placement(node));
            }
        }
        let rules = rules(ds);
        self.state = State::Active(Box::new(Engine {
            selector,
            placement,
            update_selector: update_selector(&rules),
            zone_budget: zone_budget(&self.options),
            index: Index::new(false, rules.kruise, zone_budget(&self.options).is_some()),
            rules,
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
    pub(super) fn new() -> Self {
        PodSlot {
            claim: Claim::Ignore,
            key: None,
            facts: PodFacts::default(),
            available_at: None,
        }
    }
}
