//! The selection engine of the rollout strategies beyond upstream (`strategy.rs` holds the
//! options): given what the rolling update's loops found, picks the old pods to replace now,
//! honouring the update order, its gate, the topology budget and the strict budget. With every
//! option at its default this module is not used at all.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::cluster::Snapshot;
use super::strategy::{TopologyBudget, UpdateOrder};
use super::types::{
    BudgetUse, BudgetUseReason, HeldNode, HoldReason, PlanOptions, RollingUpdateError, UpdateMode,
};
use crate::model::Node;
use crate::scheduling::taints::node_not_ready;

/// The options that change which old pods the rolling update picks; present only when one of
/// them is not upstream's.
pub(crate) struct Extensions<'a> {
    order: &'a UpdateOrder,
    budget: Option<&'a TopologyBudget>,
    strict: bool,
}

impl<'a> Extensions<'a> {
    pub(crate) fn from_options(options: &'a PlanOptions) -> Option<Self> {
        let active = options.update_order != UpdateOrder::NodeName
            || options.topology_budget.is_some()
            || options.strict_budget;
        active.then_some(Extensions {
            order: &options.update_order,
            budget: options.topology_budget.as_ref(),
            strict: options.strict_budget,
        })
    }

    /// Whether the order holds nodes back until others are done.
    pub(crate) fn needs_gate(&self) -> bool {
        matches!(
            self.order,
            UpdateOrder::Canary { .. } | UpdateOrder::TopologyDomains { .. }
        )
    }
}

/// An old pod the rolling update may replace: on key `name` (node `node`, or a vanished node),
/// with `target` the pod (maxUnavailable mode) or the node (maxSurge mode) to act on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Item<'a> {
    pub(crate) name: &'a str,
    pub(crate) node: Option<usize>,
    pub(crate) target: usize,
    /// The old pod is unavailable.
    pub(crate) unavailable: bool,
    /// The pod whose unavailability is reported when the item waits.
    pub(crate) pod: usize,
}

/// What the rolling-update loop found, for [`pick`].
#[derive(Default)]
pub(crate) struct Collected<'a> {
    /// Nodes using the budget, other than those with an unavailable old pod.
    pub(crate) used: Vec<BudgetUse>,
    /// The node of each entry of `used` (`None` for a vanished node).
    pub(crate) used_nodes: Vec<Option<usize>>,
    /// Nodes with only an unavailable old pod (upstream replaces them whatever the budget).
    pub(crate) forced: Vec<Item<'a>>,
    /// Nodes with only an available old pod.
    pub(crate) candidates: Vec<Item<'a>>,
    /// For the gates: each desired node of the update scope, and whether it is done (runs
    /// only an available pod of the current revision).
    pub(crate) states: Vec<(usize, bool)>,
}

/// Which old pods to replace now.
pub(crate) struct Picked<'a> {
    /// Unavailable old pods replaced now.
    pub(crate) forced: Vec<Item<'a>>,
    /// Available old pods replaced now.
    pub(crate) chosen: Vec<Item<'a>>,
    /// The budget as used after this plan's choices, by node name.
    pub(crate) used: Vec<BudgetUse>,
    /// Old pods the order holds back.
    pub(crate) held: Vec<HeldNode>,
    /// Old pods that wait for the budget.
    pub(crate) waiting: usize,
}

/// Nodes the order lets the update touch in this plan.
enum Gate<'s> {
    Open,
    Canary(&'s [String]),
    Domain {
        key: &'s str,
        active: Option<&'s str>,
    },
}

impl Gate<'_> {
    fn allows(&self, snapshot: &Snapshot<'_>, node: Option<usize>) -> bool {
        match self {
            Gate::Open => true,
            Gate::Canary(names) => {
                node.is_some_and(|n| names.iter().any(|c| c == snapshot.node_name(n)))
            }
            Gate::Domain { key, active } => {
                node.is_some_and(|n| domain_of(snapshot, n, key) == *active)
            }
        }
    }

    fn reason(&self) -> HoldReason {
        match self {
            Gate::Open | Gate::Canary(_) => HoldReason::Canary,
            Gate::Domain { active, .. } => {
                HoldReason::TopologyDomain(active.unwrap_or_default().to_owned())
            }
        }
    }
}

fn domain_of<'s>(snapshot: &Snapshot<'s>, node: usize, key: &str) -> Option<&'s str> {
    snapshot
        .nodes
        .get(node)
        .and_then(|n| n.metadata.labels.get(key))
        .map(String::as_str)
}

/// Domains in update order: by value, the nodes without the key last.
fn domain_order(a: Option<&str>, b: Option<&str>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn gate<'s>(ext: &Extensions<'s>, snapshot: &Snapshot<'s>, states: &[(usize, bool)]) -> Gate<'s> {
    match ext.order {
        UpdateOrder::Canary { nodes } => {
            let pending = states
                .iter()
                .any(|&(node, done)| !done && nodes.iter().any(|c| c == snapshot.node_name(node)));
            if pending {
                Gate::Canary(nodes)
            } else {
                Gate::Open
            }
        }
        UpdateOrder::TopologyDomains { key } => {
            let active = states
                .iter()
                .filter(|(_, done)| !done)
                .map(|&(node, _)| domain_of(snapshot, node, key))
                .min_by(|a, b| domain_order(*a, *b));
            match active {
                Some(active) => Gate::Domain { key, active },
                None => Gate::Open,
            }
        }
        _ => Gate::Open,
    }
}

/// Whether a node cannot run pods well: NotReady (a Ready condition that is not True, or the
/// not-ready or unreachable taint) or cordoned.
pub(crate) fn node_degraded(node: &Node) -> bool {
    node.spec.unschedulable || node_not_ready(node)
}

fn compare(ext: &Extensions<'_>, snapshot: &Snapshot<'_>, a: &Item<'_>, b: &Item<'_>) -> Ordering {
    let node = |item: &Item<'_>| item.node.and_then(|n| snapshot.nodes.get(n));
    let primary = match ext.order {
        UpdateOrder::NodeName => Ordering::Equal,
        UpdateOrder::UnavailableFirst => {
            let rank = |item: &Item<'_>| {
                if item.unavailable {
                    0
                } else if node(item).is_some_and(node_degraded) {
                    1
                } else {
                    2
                }
            };
            rank(a).cmp(&rank(b))
        }
        UpdateOrder::LabelPriority { key } => {
            let value = |item: &Item<'_>| {
                node(item)
                    .and_then(|n| n.metadata.labels.get(key))
                    .and_then(|v| v.trim().parse::<i64>().ok())
            };
            match (value(a), value(b)) {
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        }
        UpdateOrder::Canary { nodes } => {
            let position = |item: &Item<'_>| {
                nodes
                    .iter()
                    .position(|c| c == item.name)
                    .unwrap_or(usize::MAX)
            };
            position(a).cmp(&position(b))
        }
        UpdateOrder::TopologyDomains { key } => {
            let domain = |item: &Item<'_>| item.node.and_then(|n| domain_of(snapshot, n, key));
            domain_order(domain(a), domain(b))
        }
    };
    primary.then_with(|| a.name.cmp(b.name))
}

/// Per-domain limits and use of a [`TopologyBudget`].
struct DomainBudget<'s> {
    key: &'s str,
    limits: BTreeMap<Option<&'s str>, i64>,
    in_use: BTreeMap<Option<&'s str>, i64>,
}

impl<'s> DomainBudget<'s> {
    fn new(
        budget: &'s TopologyBudget,
        snapshot: &Snapshot<'s>,
    ) -> Result<Self, RollingUpdateError> {
        let mut desired: BTreeMap<Option<&'s str>, i64> = BTreeMap::new();
        for node in 0..snapshot.nodes.len() {
            if snapshot.placement(node).should_run {
                let count = desired
                    .entry(domain_of(snapshot, node, &budget.key))
                    .or_default();
                *count = count.saturating_add(1);
            }
        }
        let mut limits = BTreeMap::new();
        for (domain, count) in desired {
            limits.insert(domain, domain_limit(budget, count)?);
        }
        Ok(DomainBudget {
            key: &budget.key,
            limits,
            in_use: BTreeMap::new(),
        })
    }

    fn domain(&self, snapshot: &Snapshot<'s>, node: Option<usize>) -> Option<Option<&'s str>> {
        node.map(|n| domain_of(snapshot, n, self.key))
    }

    fn use_of(&self, domain: Option<&'s str>) -> i64 {
        self.in_use.get(&domain).copied().unwrap_or(0)
    }

    fn add(&mut self, domain: Option<Option<&'s str>>) {
        if let Some(domain) = domain {
            let count = self.in_use.entry(domain).or_default();
            *count = count.saturating_add(1);
        }
    }

    /// Whether one more node of the domain fits, counting `extra` nodes not yet added.
    fn fits(&self, domain: Option<Option<&'s str>>, extra: i64) -> bool {
        let Some(domain) = domain else {
            return true;
        };
        let limit = self.limits.get(&domain).copied().unwrap_or(0);
        self.use_of(domain).saturating_add(extra) < limit
    }
}

/// A topology budget's limit for a domain of `desired` nodes.
pub(crate) fn domain_limit(
    budget: &TopologyBudget,
    desired: i64,
) -> Result<i64, RollingUpdateError> {
    budget
        .max_unavailable
        .scaled_value(desired, true)
        .map_err(|source| RollingUpdateError::TopologyBudget {
            key: budget.key.clone(),
            source,
        })
}

/// How many more nodes of a domain with `limit` may be unavailable when `in_use` are.
pub(crate) fn domain_room(limit: i64, in_use: i64) -> usize {
    usize::try_from(limit.saturating_sub(in_use).max(0)).unwrap_or(0)
}

/// The candidate rule of a topology budget, however the candidates are found (the walk over
/// the objects, or the incremental planner's per-domain sets): each domain lets its first
/// `room` candidates (in the update's order) through, and of those the first `budget_room`
/// by rank (the update's order across domains) are chosen. `domains` gives each domain's room
/// and its ranked candidates. Returns how many are chosen, and them, lazily.
pub(crate) fn fill_domains<K: Ord, T, I: ExactSizeIterator<Item = (K, T)>>(
    budget_room: usize,
    domains: Vec<(usize, I)>,
) -> (usize, impl Iterator<Item = T>) {
    let open = domains
        .iter()
        .map(|(room, candidates)| (*room).min(candidates.len()))
        .fold(0usize, usize::saturating_add);
    let count = budget_room.min(open);
    (count, merge_domains(count, domains))
}

/// The candidates the domains let through, in rank order across domains, the first `left` of
/// them: each domain lets as many through as its room (the first part of [`fill_domains`]'s
/// rule, for candidates however found).
pub(crate) fn merge_domains<K: Ord, T, I: Iterator<Item = (K, T)>>(
    mut left: usize,
    domains: Vec<(usize, I)>,
) -> impl Iterator<Item = T> {
    let mut domains: Vec<(usize, std::iter::Peekable<I>)> = domains
        .into_iter()
        .map(|(room, candidates)| (room, candidates.peekable()))
        .collect();
    std::iter::from_fn(move || {
        if left == 0 {
            return None;
        }
        let mut best: Option<(usize, &K)> = None;
        for (i, (room, candidates)) in domains.iter_mut().enumerate() {
            if *room == 0 {
                continue;
            }
            if let Some((rank, _)) = candidates.peek()
                && best.is_none_or(|(_, b)| rank < b)
            {
                best = Some((i, rank));
            }
        }
        let (i, _) = best?;
        let (room, candidates) = domains.get_mut(i)?;
        *room = room.saturating_sub(1);
        left = left.saturating_sub(1);
        candidates.next().map(|(_, item)| item)
    })
}

/// Picks the old pods to replace now, honouring the order, its gate, the topology budget and
/// the strict budget. `budget` is maxUnavailable or maxSurge as a number of nodes; `reason`
/// says why a waiting unavailable old pod is unavailable (it still counts in maxUnavailable
/// mode).
pub(crate) fn pick<'a>(
    ext: &Extensions<'a>,
    snapshot: &Snapshot<'a>,
    mode: UpdateMode,
    budget: i64,
    collected: Collected<'a>,
    reason: impl Fn(usize) -> BudgetUseReason,
) -> Result<Picked<'a>, RollingUpdateError> {
    let Collected {
        mut used,
        used_nodes,
        mut forced,
        mut candidates,
        states,
    } = collected;
    let gate = if ext.needs_gate() {
        gate(ext, snapshot, &states)
    } else {
        Gate::Open
    };
    let mut zones = ext
        .budget
        .map(|b| DomainBudget::new(b, snapshot))
        .transpose()?;
    if let Some(zones) = zones.as_mut() {
        for node in &used_nodes {
            zones.add(zones.domain(snapshot, *node));
        }
    }
    let mut held = Vec::new();
    let hold = |items: &mut Vec<Item<'a>>, held: &mut Vec<HeldNode>| {
        items.retain(|item| {
            let allowed = gate.allows(snapshot, item.node);
            if !allowed {
                held.push(HeldNode {
                    node: item.name.to_owned(),
                    reason: gate.reason(),
                });
            }
            allowed
        });
    };
    // Unavailable old pods the order holds back are left as they are: like old pods outside an
    // Advanced DaemonSet's update scope they are neither replaced nor counted (counting them
    // would let them hold the budget the canaries or the active domain need, forever).
    hold(&mut forced, &mut held);
    let forced_total = forced.len();
    let all_forced_nodes: Vec<Option<usize>> = forced.iter().map(|item| item.node).collect();
    hold(&mut candidates, &mut held);
    forced.sort_by(|a, b| compare(ext, snapshot, a, b));
    candidates.sort_by(|a, b| compare(ext, snapshot, a, b));

    let counts_unavailable = mode == UpdateMode::MaxUnavailable;
    let other = i64::try_from(used.len()).unwrap_or(i64::MAX);
    let mut waiting = 0usize;
    let mut chosen_forced: Vec<Item<'a>> = Vec::new();
    // Upstream replaces every unavailable old pod. Strict: only while the nodes being replaced
    // (those counted so far, plus the ones picked here) stay within the budget, globally and
    // per domain.
    let mut in_flight: BTreeMap<Option<&str>, i64> = BTreeMap::new();
    for item in forced {
        let domain = zones.as_ref().and_then(|z| z.domain(snapshot, item.node));
        let fits = !ext.strict || {
            let picked = i64::try_from(chosen_forced.len()).unwrap_or(i64::MAX);
            let flying = domain.and_then(|d| in_flight.get(&d).copied()).unwrap_or(0);
            other.saturating_add(picked) < budget
                && zones.as_ref().is_none_or(|z| z.fits(domain, flying))
        };
        if fits {
            if let Some(d) = domain {
                let count = in_flight.entry(d).or_default();
                *count = count.saturating_add(1);
            }
            let counted_as = if counts_unavailable {
                Some(BudgetUseReason::OldUnavailable)
            } else if ext.strict {
                Some(BudgetUseReason::Surging)
            } else {
                None
            };
            if let Some(reason) = counted_as {
                used.push(BudgetUse {
                    node: item.name.to_owned(),
                    reason,
                });
            }
            chosen_forced.push(item);
        } else {
            waiting = waiting.saturating_add(1);
            if counts_unavailable {
                used.push(BudgetUse {
                    node: item.name.to_owned(),
                    reason: reason(item.pod),
                });
            }
        }
    }
    if let Some(zones) = zones.as_mut() {
        if counts_unavailable {
            // Every unavailable old pod's node in the update is unavailable, replaced now or not.
            for node in all_forced_nodes {
                zones.add(zones.domain(snapshot, node));
            }
        } else if ext.strict {
            for item in &chosen_forced {
                zones.add(zones.domain(snapshot, item.node));
            }
        }
    }
    // Available old pods: what is left of the budget once every node counted so far is.
    let counted = if counts_unavailable {
        other.saturating_add(i64::try_from(forced_total).unwrap_or(i64::MAX))
    } else if ext.strict {
        other.saturating_add(i64::try_from(chosen_forced.len()).unwrap_or(i64::MAX))
    } else {
        other
    };
    let room = usize::try_from(budget.saturating_sub(counted).max(0)).unwrap_or(usize::MAX);
    let total = candidates.len();
    let mut groups: BTreeMap<Option<Option<&str>>, Vec<(usize, Item<'a>)>> = BTreeMap::new();
    for (rank, item) in candidates.into_iter().enumerate() {
        let domain = zones.as_ref().and_then(|z| z.domain(snapshot, item.node));
        groups.entry(domain).or_default().push((rank, item));
    }
    let domains = groups
        .into_iter()
        .map(|(domain, items)| {
            let room = match (zones.as_ref(), domain) {
                (Some(zones), Some(domain)) => domain_room(
                    zones.limits.get(&domain).copied().unwrap_or(0),
                    zones.use_of(domain),
                ),
                _ => usize::MAX,
            };
            (room, items.into_iter())
        })
        .collect();
    let (count, chosen) = fill_domains(room, domains);
    let chosen: Vec<Item<'a>> = chosen.collect();
    waiting = waiting.saturating_add(total.saturating_sub(count));
    used.sort_by(|a, b| a.node.cmp(&b.node));
    held.sort_by(|a, b| a.node.cmp(&b.node));
    Ok(Picked {
        forced: chosen_forced,
        chosen,
        used,
        held,
        waiting,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::model::IntOrString;
    use crate::planning::fixture;

    /// Four nodes running old pods, n1 and n2 in zone `a`, n3 and n4 in zone `b`, with
    /// maxUnavailable `budget`.
    fn cluster(budget: i32) -> (crate::model::DaemonSet, Vec<Node>, Vec<crate::model::Pod>) {
        let mut ds = fixture::daemon_set();
        fixture::rolling(&mut ds).max_unavailable = Some(IntOrString::Int(budget));
        let mut nodes = fixture::nodes(4);
        for (i, node) in nodes.iter_mut().enumerate() {
            let zone = if i < 2 { "a" } else { "b" };
            node.metadata.labels.insert(ZONE.into(), zone.into());
        }
        let pods = fixture::pods(&ds, &nodes, &["n1", "n2", "n3", "n4"]);
        (ds, nodes, pods)
    }

    const ZONE: &str = "topology.kubernetes.io/zone";

    fn options() -> PlanOptions {
        PlanOptions::new(fixture::now())
    }

    fn held(batch: &crate::planning::UpdateBatch) -> Vec<(String, HoldReason)> {
        batch
            .held
            .iter()
            .map(|h| (h.node.clone(), h.reason.clone()))
            .collect()
    }

    #[test]
    fn canaries_go_first_and_hold_the_other_nodes() {
        let (ds, nodes, pods) = cluster(2);
        let options = options().with_update_order(UpdateOrder::Canary {
            nodes: vec!["n3".into()],
        });
        let (batch, decisions) = fixture::rolling_update(&ds, &nodes, &pods, &options).unwrap();
        assert_eq!(decisions, ["delete p3 Outdated"]);
        let others = ["n1", "n2", "n4"].map(|n| (n.to_owned(), HoldReason::Canary));
        assert_eq!(held(&batch), others);
    }

    #[test]
    fn label_priority_replaces_the_highest_value_first() {
        let (ds, mut nodes, pods) = cluster(2);
        nodes[1].metadata.labels.insert("prio".into(), "10".into());
        nodes[3].metadata.labels.insert("prio".into(), "5".into());
        let options =
            options().with_update_order(UpdateOrder::LabelPriority { key: "prio".into() });
        let (batch, decisions) = fixture::rolling_update(&ds, &nodes, &pods, &options).unwrap();
        assert_eq!(decisions, ["delete p2 Outdated", "delete p4 Outdated"]);
        assert_eq!(batch.waiting, 2);
    }

    #[test]
    fn a_topology_budget_caps_each_zone() {
        let (ds, nodes, pods) = cluster(3);
        let options =
            options().with_topology_budget(TopologyBudget::new(ZONE, IntOrString::Int(1)));
        let (batch, decisions) = fixture::rolling_update(&ds, &nodes, &pods, &options).unwrap();
        assert_eq!(decisions, ["delete p1 Outdated", "delete p3 Outdated"]);
        assert_eq!(batch.waiting, 2);
    }

    #[test]
    fn topology_domains_update_one_zone_at_a_time() {
        let (ds, nodes, pods) = cluster(4);
        let options =
            options().with_update_order(UpdateOrder::TopologyDomains { key: ZONE.into() });
        let (batch, decisions) = fixture::rolling_update(&ds, &nodes, &pods, &options).unwrap();
        assert_eq!(decisions, ["delete p1 Outdated", "delete p2 Outdated"]);
        let waiting = HoldReason::TopologyDomain("a".into());
        assert_eq!(
            held(&batch),
            [
                ("n3".to_owned(), waiting.clone()),
                ("n4".to_owned(), waiting)
            ]
        );
    }

    #[test]
    fn a_strict_budget_replaces_unavailable_old_pods_within_the_budget_only() {
        let (ds, nodes, mut pods) = cluster(1);
        pods[0] = fixture::unready(pods[0].clone());
        pods[2] = fixture::unready(pods[2].clone());
        let (_, decisions) = fixture::rolling_update(&ds, &nodes, &pods, &options()).unwrap();
        assert_eq!(
            decisions,
            [
                "delete p1 OutdatedUnavailable",
                "delete p3 OutdatedUnavailable"
            ]
        );
        let strict = options().with_strict_budget(true);
        let (batch, decisions) = fixture::rolling_update(&ds, &nodes, &pods, &strict).unwrap();
        assert_eq!(decisions, ["delete p1 OutdatedUnavailable"]);
        assert_eq!(batch.waiting, 3);
    }
}
