//! Whether a daemon pod should run, or may keep running, on a node
//! (upstream's `NodeShouldRunDaemonPod`), with the reason as data.

use std::fmt;

use super::affinity::{AffinityMismatch, RequiredAffinity, TermFailure};
use super::taints::{daemon_tolerations, tolerated_by_any};
use crate::model::{DaemonSet, Node, Taint, TaintEffect, Toleration};

/// The two answers upstream computes for every node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Placement {
    /// A daemon pod should run here: create one if there is none.
    pub should_run: bool,
    /// A daemon pod already here may stay. Always true when `should_run` is.
    pub should_continue_running: bool,
}

impl Placement {
    const RUN: Placement = Placement {
        should_run: true,
        should_continue_running: true,
    };
    const KEEP: Placement = Placement {
        should_run: false,
        should_continue_running: true,
    };
    const NONE: Placement = Placement {
        should_run: false,
        should_continue_running: false,
    };
}

/// Why a node is not (fully) eligible.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ineligibility {
    /// The template names another node in `spec.nodeName`.
    NodeName {
        /// The node the template names.
        wanted: String,
    },
    /// The node fails the template's nodeSelector or required node affinity.
    Affinity(AffinityMismatch),
    /// An untolerated NoExecute taint: no pod, and a running one goes.
    NoExecuteTaint(Taint),
    /// An untolerated NoSchedule taint (and no untolerated NoExecute one): no new pod, but a
    /// running one stays.
    NoScheduleTaint(Taint),
}

/// The verdict for one node: the placement and, unless it is fully eligible, the cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeVerdict {
    /// The placement answers.
    pub placement: Placement,
    /// Why the node is not fully eligible; `None` when `should_run`.
    pub cause: Option<Ineligibility>,
}

/// A DaemonSet's pod template compiled for placement: parsed once per plan, then asked for
/// every node.
#[derive(Debug, Clone)]
pub struct DaemonPlacement {
    node_name: String,
    affinity: RequiredAffinity,
    tolerations: Vec<Toleration>,
    comparison_operators: bool,
}

impl DaemonPlacement {
    /// Compiles the template of `daemon_set`. `comparison_operators` switches on the alpha
    /// `Lt`/`Gt` toleration operators (feature gate `TaintTolerationComparisonOperators`).
    pub fn new(daemon_set: &DaemonSet, comparison_operators: bool) -> Self {
        let spec = &daemon_set.spec.template.spec;
        DaemonPlacement {
            node_name: spec.node_name.clone(),
            affinity: RequiredAffinity::new(spec),
            tolerations: daemon_tolerations(spec),
            comparison_operators,
        }
    }

    /// The placement for `node`.
    pub fn placement(&self, node: &Node) -> Placement {
        let name = node.metadata.name.as_str();
        if !self.node_name.is_empty() && self.node_name != name {
            return Placement::NONE;
        }
        if !self.affinity.matches(name, &node.metadata.labels) {
            return Placement::NONE;
        }
        self.taint_placement(&node.spec.taints)
    }

    /// The placement for `node` with its cause.
    pub fn verdict(&self, node: &Node) -> NodeVerdict {
        let name = node.metadata.name.as_str();
        if !self.node_name.is_empty() && self.node_name != name {
            return NodeVerdict {
                placement: Placement::NONE,
                cause: Some(Ineligibility::NodeName {
                    wanted: self.node_name.clone(),
                }),
            };
        }
        if let Some(mismatch) = self.affinity.mismatch(name, &node.metadata.labels) {
            return NodeVerdict {
                placement: Placement::NONE,
                cause: Some(Ineligibility::Affinity(mismatch)),
            };
        }
        let untolerated = |effect: TaintEffect| {
            node.spec
                .taints
                .iter()
                .find(|t| t.effect == effect && !self.tolerated(t))
        };
        if let Some(taint) = untolerated(TaintEffect::NoExecute) {
            return NodeVerdict {
                placement: Placement::NONE,
                cause: Some(Ineligibility::NoExecuteTaint(taint.clone())),
            };
        }
        if let Some(taint) = untolerated(TaintEffect::NoSchedule) {
            return NodeVerdict {
                placement: Placement::KEEP,
                cause: Some(Ineligibility::NoScheduleTaint(taint.clone())),
            };
        }
        NodeVerdict {
            placement: Placement::RUN,
            cause: None,
        }
    }

    fn tolerated(&self, taint: &Taint) -> bool {
        tolerated_by_any(&self.tolerations, taint, self.comparison_operators)
    }

    fn taint_placement(&self, taints: &[Taint]) -> Placement {
        let mut blocked = false;
        for taint in taints {
            let evicts = match taint.effect {
                TaintEffect::NoExecute => true,
                TaintEffect::NoSchedule => false,
                // PreferNoSchedule and unknown effects never affect daemon pods.
                _ => continue,
            };
            if !self.tolerated(taint) {
                if evicts {
                    return Placement::NONE;
                }
                blocked = true;
            }
        }
        if blocked {
            Placement::KEEP
        } else {
            Placement::RUN
        }
    }
}

impl fmt::Display for Ineligibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ineligibility::NodeName { wanted } => {
                write!(f, "the template's spec.nodeName is {wanted:?}")
            }
            Ineligibility::NoExecuteTaint(taint) => {
                write!(
                    f,
                    "untolerated NoExecute taint {taint}: no pod, a running one is removed"
                )
            }
            Ineligibility::NoScheduleTaint(taint) => write!(
                f,
                "keeps its running pod but gets no new one: untolerated NoSchedule taint {taint}"
            ),
            Ineligibility::Affinity(AffinityMismatch::NodeSelector {
                key,
                wanted,
                actual,
            }) => match actual {
                Some(actual) => write!(
                    f,
                    "nodeSelector {key}={wanted}: the node has {key}={actual}"
                ),
                None => write!(
                    f,
                    "nodeSelector {key}={wanted}: the node has no label {key}"
                ),
            },
            Ineligibility::Affinity(AffinityMismatch::Terms(terms)) => {
                f.write_str("required node affinity: ")?;
                if terms.is_empty() {
                    return f.write_str("no nodeSelectorTerms, so no node matches");
                }
                for (i, term) in terms.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "term {} ", term.term)?;
                    match &term.reason {
                        TermFailure::Empty => f.write_str("is empty and matches no node")?,
                        TermFailure::Invalid(why) => {
                            write!(f, "is invalid and matches no node ({why})")?
                        }
                        TermFailure::Requirement {
                            list,
                            index,
                            key,
                            operator,
                            values,
                            actual,
                        } => {
                            write!(f, "{list}[{index}] {key} {operator}")?;
                            if !values.is_empty() {
                                write!(f, " [{}]", values.join(", "))?;
                            }
                            match actual {
                                Some(actual) => write!(f, " fails: the node has {key}={actual}")?,
                                None => write!(f, " fails: the node has no {key}")?,
                            }
                        }
                    }
                }
                Ok(())
            }
        }
    }
}
