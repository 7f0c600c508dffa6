//! The event API: a node, pod, DaemonSet, revision or time change recomputes the keys it
//! touches.

use std::ops::Bound;

use super::key::{KeyId, KeySlot, PodSlot};
use super::{Halt, Planner, State, UNPLACED, halt, named_node};
use crate::model::{DaemonSet, Node, Pod, Time};
use crate::planning::assembly::revision_text;
use crate::planning::effective_namespace;

impl Planner {
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
    /// With the revision computed by the planner (no [`PlanOptions::revision`](crate::planning::PlanOptions::revision)), a template
    /// change is a new revision; otherwise give the new revision with
    /// [`Planner::set_revision`]. The namespace of a DaemonSet never changes; given another
    /// one, the planner drops its pods.
    pub fn set_daemon_set(&mut self, daemon_set: DaemonSet) {
        let previous = std::mem::replace(&mut self.daemon_set, daemon_set);
        let namespace = effective_namespace(&self.daemon_set.metadata.namespace).to_owned();
        if namespace != self.namespace {
            self.namespace = namespace;
            // Cleared rather than made anew: the last plan refers to pods by place and
            // version, which a new table would hand out again.
            self.pods.clear();
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
                let hash = revision_text(ds, self.options.revision.as_deref());
                self.update_revision(hash);
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
        let hash = if self.options.revision.is_none()
            && (previous.spec.template != ds.spec.template
                || collision_count(&previous) != collision_count(ds))
        {
            revision_text(ds, None)
        } else {
            self.revision.hash.clone()
        };
        let placement_changed = previous.spec.template.spec != ds.spec.template.spec;
        let revision_changed = self.update_revision(hash);
        self.refresh(placement_changed, revision_changed);
    }

    /// The current revision hash changed (for example after [`crate::plan_history`] made a
    /// new revision); `None` computes it from the template, as [`plan`] does.
    ///
    /// [`plan`]: crate::plan
    pub fn set_revision(&mut self, revision: Option<String>) {
        let hash = revision_text(&self.daemon_set, revision.as_deref());
        self.options.revision = revision;
        let revision_changed = self.update_revision(hash);
        self.refresh(false, revision_changed);
    }

    /// The time is now `now` (forward or back). Only the keys whose pods change availability
    /// (minReadySeconds) or whose failed-pod backoff runs out between the old and the new time
    /// are recomputed.
    pub fn set_now(&mut self, now: Time) {
        let before = self.options.now.unix_seconds();
        self.options.now = now;
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
}
