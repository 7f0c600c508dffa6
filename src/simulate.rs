//! A deterministic in-process cluster for tests and previews: it applies a plan's actions,
//! advances time, starts created pods, and lets tests change nodes between steps.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::model::{
    DaemonSet, Node, OwnerReference, Pod, PodCondition, PodPhase, Taint, TaintEffect, Time,
};
use crate::planning::{Action, Plan, PlanError, PlanOptions, plan, render_pod};
use crate::scheduling::taints::TAINT_NOT_READY;

/// A simulated cluster: one DaemonSet, its nodes and pods, and a clock.
///
/// Created pods are bound to their node at once (as the default scheduler would), Running at
/// once, and Ready `pod_startup_seconds` later, except on NotReady nodes (a `Ready=False`
/// condition or the `node.kubernetes.io/not-ready` taint), where they never become Ready.
/// Deleted pods vanish at once, or after `termination_seconds` as terminating pods.
#[derive(Debug, Clone)]
pub struct Simulator {
    /// The DaemonSet (change its template to start a rollout).
    pub daemon_set: DaemonSet,
    /// The nodes.
    pub nodes: Vec<Node>,
    /// The pods.
    pub pods: Vec<Pod>,
    /// The current time.
    pub now: Time,
    /// Seconds from creation until a new pod is Ready.
    pub pod_startup_seconds: i64,
    /// Seconds a deleted pod stays, terminating, before it is gone.
    pub termination_seconds: i64,
    /// When pods become Ready, by pod name.
    ready_at: BTreeMap<String, Time>,
    /// When terminating pods are gone, by pod name.
    gone_at: BTreeMap<String, Time>,
    next_pod: u64,
}

impl Simulator {
    /// A cluster at time `now`.
    pub fn new(daemon_set: DaemonSet, nodes: Vec<Node>, pods: Vec<Pod>, now: Time) -> Self {
        Simulator {
            daemon_set,
            nodes,
            pods,
            now,
            pod_startup_seconds: 10,
            termination_seconds: 0,
            ready_at: BTreeMap::new(),
            gone_at: BTreeMap::new(),
            next_pod: 0,
        }
    }

    /// Plans with `options` at the simulator's time.
    pub fn plan(&self, options: &PlanOptions) -> Result<Plan, PlanError> {
        let mut options = options.clone();
        options.now = self.now;
        plan(&self.daemon_set, &self.nodes, &self.pods, &options)
    }

    /// Applies a plan's actions to the cluster. For an OpenKruise Advanced DaemonSet the plan's
    /// status is also stored in the DaemonSet, as Kruise's controller writes it, because its
    /// partition and burstReplicas percentages are scaled against the stored status.
    pub fn apply(&mut self, plan: &Plan) {
        if self.daemon_set.is_kruise() && plan.skipped.is_none() {
            self.daemon_set.status = Some(plan.status.clone());
        }
        // One index per plan keeps applying linear in the cluster, not in actions × pods.
        let index = self.pod_index();
        let mut removed: HashSet<String> = HashSet::new();
        let owner = self.owner_reference();
        let uid = self.daemon_set.metadata.uid.clone();
        let mut created = Vec::new();
        for action in &plan.actions {
            let slot = |pod: &str| index.get(pod).copied();
            match action {
                Action::Create { node, .. } => created.push(node.clone()),
                Action::Delete { pod, .. } => {
                    self.ready_at.remove(pod);
                    if self.termination_seconds <= 0 {
                        removed.insert(pod.clone());
                    } else if let Some(i) = slot(pod) {
                        self.start_termination(i);
                    }
                }
                Action::Adopt { pod } => {
                    if let Some(p) = slot(pod).and_then(|i| self.pods.get_mut(i)) {
                        p.metadata.owner_references.push(owner.clone());
                    }
                }
                Action::Release { pod } => {
                    if let Some(p) = slot(pod).and_then(|i| self.pods.get_mut(i)) {
                        p.metadata.owner_references.retain(|o| o.uid != uid);
                    }
                }
            }
        }
        if !removed.is_empty() {
            self.pods.retain(|p| !removed.contains(&p.metadata.name));
        }
        if !created.is_empty() {
            let existing: HashSet<String> =
                self.nodes.iter().map(|n| n.metadata.name.clone()).collect();
            for node in created {
                let exists = existing.contains(&node);
                self.create(&node, exists, &plan.revision);
            }
        }
    }

    /// Plans and applies; returns the plan.
    pub fn step(&mut self, options: &PlanOptions) -> Result<Plan, PlanError> {
        let plan = self.plan(options)?;
        self.apply(&plan);
        Ok(plan)
    }

    /// Moves the clock forward, starting and removing pods whose time has come.
    pub fn advance(&mut self, seconds: i64) {
        self.now = self.now.checked_add_seconds(seconds).unwrap_or(self.now);
        let now = self.now;
        let gone: HashSet<String> = self
            .gone_at
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(name, _)| name.clone())
            .collect();
        if !gone.is_empty() {
            self.gone_at.retain(|name, _| !gone.contains(name));
            self.pods.retain(|p| !gone.contains(&p.metadata.name));
        }
        let due: Vec<(String, Time)> = self
            .ready_at
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(name, at)| (name.clone(), *at))
            .collect();
        if due.is_empty() {
            return;
        }
        let index = self.pod_index();
        let ready_nodes = self.ready_nodes();
        for (name, at) in due {
            let Some(i) = index.get(&name).copied() else {
                continue;
            };
            let on_ready_node = self
                .pods
                .get(i)
                .is_some_and(|p| ready_nodes.contains(p.spec.node_name.as_str()));
            if !on_ready_node {
                continue;
            }
            self.ready_at.remove(&name);
            if let Some(pod) = self.pods.get_mut(i) {
                set_ready(pod, at);
            }
        }
    }

    /// The next time something happens on its own (a pod becomes Ready, a Ready pod becomes
    /// available after minReadySeconds, or a pod goes away), if any. Upstream requeues the
    /// DaemonSet when one of its pods turns Ready so that it sees it become available; the
    /// availability time stands for that requeue.
    pub fn next_event(&self) -> Option<Time> {
        let ready_nodes = self.ready_nodes();
        let on_ready_node: HashSet<&str> = self
            .pods
            .iter()
            .filter(|p| ready_nodes.contains(p.spec.node_name.as_str()))
            .map(|p| p.metadata.name.as_str())
            .collect();
        let ready = self
            .ready_at
            .iter()
            .filter(|(name, _)| on_ready_node.contains(name.as_str()));
        let min_ready = i64::from(self.daemon_set.spec.min_ready_seconds);
        let now = self.now;
        let available = self
            .pods
            .iter()
            .filter(|p| min_ready > 0 && p.is_ready())
            .filter_map(|p| p.ready_condition()?.last_transition_time)
            .filter_map(|since| since.checked_add_seconds(min_ready))
            .filter(move |at| *at > now);
        ready
            .map(|(_, at)| *at)
            .chain(self.gone_at.values().copied())
            .chain(available)
            .min()
    }

    /// Adds a node.
    pub fn add_node(&mut self, node: Node) {
        self.nodes.push(node);
    }

    /// Removes a node (its pods stay, as they do until pod garbage collection).
    pub fn remove_node(&mut self, name: &str) {
        self.nodes.retain(|n| n.metadata.name != name);
    }

    /// Adds a taint to a node.
    pub fn taint_node(&mut self, name: &str, taint: Taint) {
        if let Some(node) = self.nodes.iter_mut().find(|n| n.metadata.name == name) {
            node.spec.taints.push(taint);
        }
    }

    /// Sets (or with `None` removes) a node label.
    pub fn label_node(&mut self, name: &str, key: &str, value: Option<&str>) {
        if let Some(node) = self.nodes.iter_mut().find(|n| n.metadata.name == name) {
            match value {
                Some(v) => node.metadata.labels.insert(key.to_owned(), v.to_owned()),
                None => node.metadata.labels.remove(key),
            };
        }
    }

    /// Marks a node NotReady the way the node lifecycle controller does: both not-ready taints,
    /// and its pods lose readiness.
    pub fn mark_node_not_ready(&mut self, name: &str) {
        self.taint_node(name, Taint::new(TAINT_NOT_READY, TaintEffect::NoSchedule));
        self.taint_node(name, Taint::new(TAINT_NOT_READY, TaintEffect::NoExecute));
        let now = self.now;
        for pod in self.pods.iter_mut().filter(|p| p.spec.node_name == name) {
            set_condition(pod, "False", now);
        }
    }

    fn owner_reference(&self) -> OwnerReference {
        let api_version = if self.daemon_set.is_kruise() {
            self.daemon_set.api_version.clone()
        } else {
            "apps/v1".to_owned()
        };
        OwnerReference {
            api_version,
            kind: "DaemonSet".to_owned(),
            name: self.daemon_set.metadata.name.clone(),
            uid: self.daemon_set.metadata.uid.clone(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }
    }

    fn create(&mut self, node: &str, node_exists: bool, revision: &str) {
        let mut pod = render_pod(&self.daemon_set, node, revision);
        self.next_pod = self.next_pod.saturating_add(1);
        pod.metadata.name = format!("{}sim{:05}", pod.metadata.generate_name, self.next_pod);
        pod.metadata.creation_timestamp = Some(self.now);
        if node_exists {
            pod.spec.node_name = node.to_owned();
            pod.status.phase = Some(PodPhase::Running);
            set_condition(&mut pod, "False", self.now);
            let ready_at = self
                .now
                .checked_add_seconds(self.pod_startup_seconds)
                .unwrap_or(self.now);
            self.ready_at.insert(pod.metadata.name.clone(), ready_at);
        } else {
            pod.status.phase = Some(PodPhase::Pending);
        }
        self.pods.push(pod);
    }

    /// Marks pod `i` terminating; it goes away `termination_seconds` later.
    fn start_termination(&mut self, i: usize) {
        let gone = self
            .now
            .checked_add_seconds(self.termination_seconds)
            .unwrap_or(self.now);
        let now = self.now;
        if let Some(pod) = self.pods.get_mut(i)
            && pod.metadata.deletion_timestamp.is_none()
        {
            pod.metadata.deletion_timestamp = Some(now);
            self.gone_at.insert(pod.metadata.name.clone(), gone);
        }
    }

    /// Pod positions by name.
    fn pod_index(&self) -> HashMap<String, usize> {
        self.pods
            .iter()
            .enumerate()
            .map(|(i, p)| (p.metadata.name.clone(), i))
            .collect()
    }

    /// Names of the nodes on which pods can become Ready.
    fn ready_nodes(&self) -> HashSet<String> {
        self.nodes
            .iter()
            .filter(|n| node_is_ready(n))
            .map(|n| n.metadata.name.clone())
            .collect()
    }
}

/// Whether pods can become Ready on the node.
fn node_is_ready(node: &Node) -> bool {
    let tainted = node.spec.taints.iter().any(|t| t.key == TAINT_NOT_READY);
    let condition_false = node
        .status
        .conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status != "True");
    !tainted && !condition_false
}

fn set_ready(pod: &mut Pod, at: Time) {
    pod.status.phase = Some(PodPhase::Running);
    set_condition(pod, "True", at);
}

fn set_condition(pod: &mut Pod, status: &str, at: Time) {
    let condition = PodCondition {
        type_: "Ready".to_owned(),
        status: status.to_owned(),
        last_transition_time: Some(at),
        ..PodCondition::default()
    };
    match pod
        .status
        .conditions
        .iter_mut()
        .find(|c| c.type_ == "Ready")
    {
        Some(existing) if existing.status == status => {}
        Some(existing) => *existing = condition,
        None => pod.status.conditions.push(condition),
    }
}
