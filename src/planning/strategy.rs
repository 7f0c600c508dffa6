//! Rollout strategies beyond upstream, all opt-in through [`PlanOptions`](super::PlanOptions):
//! the update order (by name, unavailable first, by a label priority, canaries first, one topology domain at a
//! time), a per-topology budget, and a strict budget. The freeze is applied in `plan` itself.
//!
//! Upstream's rolling update picks which old pods to replace in Go map order; this crate picks
//! in node-name order, and these options choose differently. The loops that count the budget
//! are upstream's (see `rolling.rs`); only the choice among the old pods they find changes
//! (`selection.rs`). This module holds the options' values and their command-line syntax.

use std::fmt;
use std::str::FromStr;

use crate::model::IntOrString;

/// Which old pods the rolling update replaces first ([`PlanOptions::update_order`](super::PlanOptions::update_order)).
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
    /// so the first rank matters with [`PlanOptions::strict_budget`](super::PlanOptions::strict_budget).
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

/// A budget per topology domain ([`PlanOptions::topology_budget`](super::PlanOptions::topology_budget)): for each value of the node
/// label `key` (the nodes without it form one more domain), at most `max_unavailable` of the
/// domain's nodes that should run the daemon may be without an available pod in maxUnavailable
/// mode, or may be surging in maxSurge mode. A percentage is of the domain's nodes, rounded up.
/// It holds in addition to the global budget, and, like it, does not stop the replacement of
/// old pods that are unavailable anyway unless [`PlanOptions::strict_budget`](super::PlanOptions::strict_budget) is set.
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn every_order_reads_back_what_it_writes() {
        for text in [
            "name",
            "unavailable-first",
            "label:example.com/priority",
            "canary:worker-1,worker-7",
            "zones:topology.kubernetes.io/zone",
        ] {
            let order: UpdateOrder = text.parse().unwrap();
            assert_eq!(order.to_string(), text);
        }
    }

    #[test]
    fn an_order_without_its_argument_is_refused() {
        for text in ["label:", "canary:", "zones:", "random"] {
            let error = text.parse::<UpdateOrder>().unwrap_err();
            assert_eq!(error.input, text);
        }
    }

    #[test]
    fn a_topology_budget_reads_a_count_or_a_percentage() {
        let budget: TopologyBudget = "zone=2".parse().unwrap();
        assert_eq!(budget, TopologyBudget::new("zone", IntOrString::Int(2)));
        let budget: TopologyBudget = "zone=25%".parse().unwrap();
        assert_eq!(budget.max_unavailable, IntOrString::from("25%"));
        assert!("zone".parse::<TopologyBudget>().is_err());
        assert!("=2".parse::<TopologyBudget>().is_err());
    }
}
