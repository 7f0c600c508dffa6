//! Rollout strategies beyond upstream, all opt-in through [`PlanOptions`]: the update order
//! (by name, unavailable first, by a label priority, canaries first, one topology domain at a
//! time), a per-topology budget, and a strict budget. The freeze is applied in `plan` itself.
//!
//! Upstream's rolling update picks which old pods to replace in Go map order; this crate picks
//! in node-name order, and these options choose differently. The loops that count the budget
//! are upstream's (see `rolling.rs`); only the choice among the old pods they find changes.
//! With every option at its default this module is not used at all.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use super::cluster::Snapshot;
use super::types::{
    BudgetUse, BudgetUseReason, HeldNode, HoldReason, PlanOptions, RollingUpdateError, UpdateMode,
};
use crate::model::{IntOrString, Node};
use crate::scheduling::taints::node_not_ready;

/// Which old pods the rolling update replaces first ([`PlanOptions::update_order`]).
///
/// The budget (maxUnavailable or maxSurge, and a [`TopologyBudget`]) still decides how many;
/// the order decides which. `Canary` and `TopologyDomains` also hold other nodes back until
/// their turn ([`crate::planning::HoldReason`]).
///
/// Written on the command line as `name`, `unavailable-first`, `label:KEY`,
/// `canary:NODE1,NODE2` or `zones:KEY`:
///
/// ```
/// use daemonset_planner::UpdateOrder;
/// let order: UpdateOrder = "canary:worker-1,worker-7".parse().unwrap();
/// assert_eq!(order, UpdateOrder::Canary { nodes: vec!["worker-1".into(), "worker-7".into()] });
/// assert_eq!(order.to_string(), "canary:worker-1,worker-7");
/// assert!("zones:".parse::<UpdateOrder>().is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UpdateOrder {
    /// By node name (the default): upstream's choice, made deterministic.
    #[default]
    NodeName,
    /// Old pods that are unavailable first, then pods on nodes that are NotReady or cordoned,
    /// then the rest, each by name. Upstream already replaces every unavailable old pod at once,
    /// so the first rank matters with [`PlanOptions::strict_budget`].
    UnavailableFirst,
    /// By the integer value of a node label, highest first; nodes without the label, or with a
    /// value that is not an integer, come last. Ties by name.
    LabelPriority {
        /// The label key.
        key: String,
    },
    /// The listed nodes first, in list order; until each of them that should run the daemon
    /// runs an available pod of the current revision, no other node's old pod is replaced
    /// (not even an unavailable one). Then the rest by name. A canary that never becomes
    /// available holds the rollout (the conditions report it as stalled).
    Canary {
        /// The canary node names.
        nodes: Vec<String>,
    },
    /// One topology domain at a time: the domains (values of the label `key`, in string order;
    /// the nodes without the label last) are updated one after another, and a domain's turn
    /// ends when each of its nodes that should run the daemon runs an available pod of the
    /// current revision.
    TopologyDomains {
        /// The topology label key, e.g. `topology.kubernetes.io/zone`.
        key: String,
    },
}

/// Why a command-line order or topology budget cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?}: {message}")]
#[non_exhaustive]
pub struct ParseStrategyError {
    /// The text as given.
    pub input: String,
    /// What is wrong, and what is expected.
    pub message: String,
}

impl ParseStrategyError {
    fn new(input: &str, message: &str) -> Self {
        ParseStrategyError {
            input: input.to_owned(),
            message: message.to_owned(),
        }
    }
}

impl FromStr for UpdateOrder {
    type Err = ParseStrategyError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        const EXPECTED: &str =
            "expected name, unavailable-first, label:KEY, canary:NODE1,NODE2 or zones:KEY";
        let non_empty = |value: &str, what: &str| {
            if value.is_empty() {
                Err(ParseStrategyError::new(
                    text,
                    &format!("{what} is empty; {EXPECTED}"),
                ))
            } else {
                Ok(value.to_owned())
            }
        };
        match text.split_once(':') {
            None if text == "name" => Ok(UpdateOrder::NodeName),
            None if text == "unavailable-first" => Ok(UpdateOrder::UnavailableFirst),
            Some(("label", key)) => Ok(UpdateOrder::LabelPriority {
                key: non_empty(key, "the label key")?,
            }),
            Some(("zones", key)) => Ok(UpdateOrder::TopologyDomains {
                key: non_empty(key, "the topology key")?,
            }),
            Some(("canary", list)) => {
                let nodes = list
                    .split(',')
                    .map(|node| non_empty(node.trim(), "a canary node name"))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(UpdateOrder::Canary { nodes })
            }
            _ => Err(ParseStrategyError::new(text, EXPECTED)),
        }
    }
}

impl fmt::Display for UpdateOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UpdateOrder::NodeName => f.write_str("name"),
            UpdateOrder::UnavailableFirst => f.write_str("unavailable-first"),
            UpdateOrder::LabelPriority { key } => write!(f, "label:{key}"),
            UpdateOrder::Canary { nodes } => write!(f, "canary:{}", nodes.join(",")),
            UpdateOrder::TopologyDomains { key } => write!(f, "zones:{key}"),
        }
    }
}

/// A budget per topology domain ([`PlanOptions::topology_budget`]): for each value of the node
/// label `key` (the nodes without it form one more domain), at most `max_unavailable` of the
/// domain's nodes that should run the daemon may be without an available pod in maxUnavailable
/// mode, or may be surging in maxSurge mode. A percentage is of the domain's nodes, rounded up.
/// It holds in addition to the global budget, and, like it, does not stop the replacement of
/// old pods that are unavailable anyway unless [`PlanOptions::strict_budget`] is set.
///
/// Written on the command line as `KEY=N` or `KEY=N%`:
///
/// ```
/// use daemonset_planner::{IntOrString, TopologyBudget};
/// let budget: TopologyBudget = "topology.kubernetes.io/zone=25%".parse().unwrap();
/// assert_eq!(budget.key, "topology.kubernetes.io/zone");
/// assert_eq!(budget.max_unavailable, IntOrString::from("25%"));
/// assert_eq!(budget.to_string(), "topology.kubernetes.io/zone=25%");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TopologyBudget {
    /// The node label that names the domain, e.g. `topology.kubernetes.io/zone`.
    pub key: String,
    /// Nodes per domain (int or `N%`).
    pub max_unavailable: IntOrString,
}

impl TopologyBudget {
    /// A budget of `max_unavailable` nodes per value of `key`.
    pub fn new(key: impl Into<String>, max_unavailable: IntOrString) -> Self {
        TopologyBudget {
            key: key.into(),
            max_unavailable,
        }
    }
}

impl FromStr for TopologyBudget {
    type Err = ParseStrategyError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        const EXPECTED: &str = "expected KEY=N or KEY=N% (e.g. topology.kubernetes.io/zone=1)";
        let Some((key, value)) = text.split_once('=') else {
            return Err(ParseStrategyError::new(text, EXPECTED));
        };
        if key.is_empty() {
            return Err(ParseStrategyError::new(text, EXPECTED));
        }
        let max_unavailable = match value.strip_suffix('%') {
            Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
                IntOrString::String(value.to_owned())
            }
            Some(_) => return Err(ParseStrategyError::new(text, EXPECTED)),
            None => value
                .parse::<i32>()
                .ok()
                .filter(|n| *n >= 0)
                .map(IntOrString::Int)
                .ok_or_else(|| ParseStrategyError::new(text, EXPECTED))?,
        };
        Ok(TopologyBudget::new(key, max_unavailable))
    }
}

impl fmt::Display for TopologyBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.key, self.max_unavailable)
    }
}

// ---------------------------------------------------------------------------------------------
// The selection engine

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
            let limit = budget
                .max_unavailable
                .scaled_value(count, true)
                .map_err(|source| RollingUpdateError::TopologyBudget {
                    key: budget.key.clone(),
                    source,
                })?;
            limits.insert(domain, limit);
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
                    why: gate.reason(),
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
            let why = if counts_unavailable {
                Some(BudgetUseReason::OldUnavailable)
            } else if ext.strict {
                Some(BudgetUseReason::Surging)
            } else {
                None
            };
            if let Some(why) = why {
                used.push(BudgetUse {
                    node: item.name.to_owned(),
                    why,
                });
            }
            chosen_forced.push(item);
        } else {
            waiting = waiting.saturating_add(1);
            if counts_unavailable {
                used.push(BudgetUse {
                    node: item.name.to_owned(),
                    why: reason(item.pod),
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
    let mut room = budget.saturating_sub(counted).max(0);
    let mut chosen = Vec::new();
    for item in candidates {
        let domain = zones.as_ref().and_then(|z| z.domain(snapshot, item.node));
        let zone_fits = zones.as_ref().is_none_or(|z| z.fits(domain, 0));
        if room > 0 && zone_fits {
            room = room.saturating_sub(1);
            if let Some(zones) = zones.as_mut() {
                zones.add(domain);
            }
            chosen.push(item);
        } else {
            waiting = waiting.saturating_add(1);
        }
    }
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
