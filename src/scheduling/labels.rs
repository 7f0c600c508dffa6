//! Label selectors compiled into matchers (`metav1.LabelSelectorAsSelector`).

use std::fmt;

use crate::model::{LabelSelector, LabelSelectorOperator, Labels};
use crate::syntax::{label_key_error, label_value_error};

/// A compiled label selector.
///
/// An absent selector matches nothing; a present one with no requirements matches everything;
/// otherwise every requirement must hold (`NotIn` and `DoesNotExist` hold when the key is absent).
///
/// ```
/// use daemonset_planner::LabelSelector;
/// use daemonset_planner::model::Labels;
/// use daemonset_planner::scheduling::LabelMatcher;
/// let mut selector = LabelSelector::default();
/// selector.match_labels.insert("app".into(), "fluentd".into());
/// let matcher = LabelMatcher::new(Some(&selector)).unwrap();
/// let labels: Labels = [("app".to_string(), "fluentd".to_string())].into();
/// assert!(matcher.matches(&labels));
/// assert!(!LabelMatcher::new(None).unwrap().matches(&labels));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelMatcher {
    kind: MatcherKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum MatcherKind {
    Nothing,
    Everything,
    All(Vec<LabelRequirement>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct LabelRequirement {
    key: String,
    operator: LabelSelectorOperator,
    values: Vec<String>,
}

/// A label selector that cannot be turned into a matcher.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct SelectorError {
    /// Where in the selector, e.g. `matchExpressions[0].operator`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl LabelMatcher {
    /// Compiles a selector, checking keys, values and operators as upstream does.
    pub fn new(selector: Option<&LabelSelector>) -> Result<Self, SelectorError> {
        let Some(selector) = selector else {
            return Ok(LabelMatcher {
                kind: MatcherKind::Nothing,
            });
        };
        if selector.match_labels.is_empty() && selector.match_expressions.is_empty() {
            return Ok(LabelMatcher {
                kind: MatcherKind::Everything,
            });
        }
        let mut requirements = Vec::with_capacity(
            selector
                .match_labels
                .len()
                .saturating_add(selector.match_expressions.len()),
        );
        for (key, value) in &selector.match_labels {
            let path = || format!("matchLabels.{key}");
            check_key_and_values(key, std::slice::from_ref(value), path)?;
            requirements.push(LabelRequirement {
                key: key.clone(),
                operator: LabelSelectorOperator::In,
                values: vec![value.clone()],
            });
        }
        for (index, expression) in selector.match_expressions.iter().enumerate() {
            let path = || format!("matchExpressions[{index}]");
            match expression.operator {
                LabelSelectorOperator::In | LabelSelectorOperator::NotIn => {
                    if expression.values.is_empty() {
                        return Err(SelectorError {
                            path: path(),
                            message: format!(
                                "operator {} needs at least one value",
                                expression.operator
                            ),
                        });
                    }
                }
                LabelSelectorOperator::Exists | LabelSelectorOperator::DoesNotExist => {
                    if !expression.values.is_empty() {
                        return Err(SelectorError {
                            path: path(),
                            message: format!("operator {} takes no values", expression.operator),
                        });
                    }
                }
                LabelSelectorOperator::Other(ref other) => {
                    return Err(SelectorError {
                        path: path(),
                        message: format!("{other:?} is not a valid label selector operator"),
                    });
                }
            }
            check_key_and_values(&expression.key, &expression.values, path)?;
            requirements.push(LabelRequirement {
                key: expression.key.clone(),
                operator: expression.operator.clone(),
                values: expression.values.clone(),
            });
        }
        Ok(LabelMatcher {
            kind: MatcherKind::All(requirements),
        })
    }

    /// Whether the labels satisfy the selector.
    pub fn matches(&self, labels: &Labels) -> bool {
        match &self.kind {
            MatcherKind::Nothing => false,
            MatcherKind::Everything => true,
            MatcherKind::All(requirements) => requirements.iter().all(|r| r.matches(labels)),
        }
    }

    /// Whether the selector matches nothing at all (an absent selector).
    pub fn is_nothing(&self) -> bool {
        self.kind == MatcherKind::Nothing
    }
}

impl LabelRequirement {
    fn matches(&self, labels: &Labels) -> bool {
        let value = crate::strings::label(labels, &self.key);
        let listed = |v: &str| self.values.iter().any(|w| crate::strings::eq(w, v));
        match self.operator {
            LabelSelectorOperator::In => value.is_some_and(listed),
            LabelSelectorOperator::NotIn => value.is_none_or(|v| !listed(v)),
            LabelSelectorOperator::Exists => value.is_some(),
            LabelSelectorOperator::DoesNotExist => value.is_none(),
            LabelSelectorOperator::Other(_) => false,
        }
    }
}

fn check_key_and_values(
    key: &str,
    values: &[String],
    path: impl Fn() -> String,
) -> Result<(), SelectorError> {
    if let Some(message) = label_key_error(key) {
        return Err(SelectorError {
            path: path(),
            message,
        });
    }
    if let Some(message) = values.iter().find_map(|v| label_value_error(v)) {
        return Err(SelectorError {
            path: path(),
            message,
        });
    }
    Ok(())
}

impl fmt::Display for LabelMatcher {
    /// The selector in `kubectl` syntax, e.g. `app=fluentd,tier notin (a,b)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            MatcherKind::Nothing => f.write_str("<none>"),
            MatcherKind::Everything => f.write_str("<all>"),
            MatcherKind::All(requirements) => {
                for (i, r) in requirements.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    match (&r.operator, r.values.as_slice()) {
                        (LabelSelectorOperator::In, [single]) => write!(f, "{}={}", r.key, single)?,
                        (LabelSelectorOperator::Exists, _) => f.write_str(&r.key)?,
                        (LabelSelectorOperator::DoesNotExist, _) => write!(f, "!{}", r.key)?,
                        (op, values) => write!(
                            f,
                            "{} {} ({})",
                            r.key,
                            op.as_str().to_lowercase(),
                            values.join(",")
                        )?,
                    }
                }
                Ok(())
            }
        }
    }
}

/// Node label keys set by the kubelet or cloud providers, which only make sense to pick nodes.
const WELL_KNOWN_NODE_LABELS: &[&str] = &[
    "kubernetes.io/hostname",
    "kubernetes.io/os",
    "kubernetes.io/arch",
    "beta.kubernetes.io/os",
    "beta.kubernetes.io/arch",
    "beta.kubernetes.io/instance-type",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
];

/// One entry of a selector (a `matchLabels` pair or a `matchExpressions` item) as a selector of
/// its own, so that each can be matched and printed separately.
pub(crate) fn selector_entries(selector: &LabelSelector) -> Vec<LabelSelector> {
    let pairs = selector
        .match_labels
        .iter()
        .map(|(key, value)| LabelSelector {
            match_labels: Labels::from([(key.clone(), value.clone())]),
            match_expressions: Vec::new(),
        });
    let expressions = selector
        .match_expressions
        .iter()
        .map(|expression| LabelSelector {
            match_labels: Labels::new(),
            match_expressions: vec![expression.clone()],
        });
    pairs.chain(expressions).collect()
}

/// Whether a selector entry looks like it was written to choose nodes rather than pods: a
/// well-known node label key, or a key or value mentioning "node".
pub(crate) fn entry_involves_nodes(entry: &LabelSelector) -> bool {
    let mentions_node = |text: &str| text.to_ascii_lowercase().contains("node");
    let node_key = |key: &str| WELL_KNOWN_NODE_LABELS.contains(&key) || mentions_node(key);
    entry
        .match_labels
        .iter()
        .any(|(key, value)| node_key(key) || mentions_node(value))
        || entry.match_expressions.iter().any(|expression| {
            node_key(&expression.key) || expression.values.iter().any(|v| mentions_node(v))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LabelSelectorRequirement;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn expr(key: &str, op: &str, values: &[&str]) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.into(),
            operator: LabelSelectorOperator::parse(op),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn absent_selects_nothing_and_empty_selects_everything() {
        assert!(!LabelMatcher::new(None).unwrap().matches(&labels(&[])));
        let empty = LabelSelector::default();
        assert!(
            LabelMatcher::new(Some(&empty))
                .unwrap()
                .matches(&labels(&[]))
        );
    }

    #[test]
    fn not_in_and_does_not_exist_match_absent_keys() {
        let selector = LabelSelector {
            match_expressions: vec![expr("a", "NotIn", &["x"]), expr("b", "DoesNotExist", &[])],
            ..Default::default()
        };
        let m = LabelMatcher::new(Some(&selector)).unwrap();
        assert!(m.matches(&labels(&[])));
        assert!(m.matches(&labels(&[("a", "y")])));
        assert!(!m.matches(&labels(&[("a", "x")])));
        assert!(!m.matches(&labels(&[("b", "")])));
    }

    #[test]
    fn contradictory_requirements_match_nothing() {
        let selector = LabelSelector {
            match_labels: labels(&[("a", "x")]),
            match_expressions: vec![expr("a", "In", &["y"])],
        };
        let m = LabelMatcher::new(Some(&selector)).unwrap();
        assert!(!m.matches(&labels(&[("a", "x")])));
        assert!(!m.matches(&labels(&[("a", "y")])));
    }

    #[test]
    fn bad_selectors_are_errors() {
        for e in [
            expr("a", "Gt", &["1"]),
            expr("a", "in", &["1"]),
            expr("a", "In", &[]),
            expr("a", "Exists", &["x"]),
            expr("a b", "Exists", &[]),
            expr("a", "In", &["-x"]),
        ] {
            let selector = LabelSelector {
                match_expressions: vec![e.clone()],
                ..Default::default()
            };
            assert!(LabelMatcher::new(Some(&selector)).is_err(), "{e:?}");
        }
    }

    #[test]
    fn node_like_selector_entries() {
        let entry = |key: &str, value: &str| LabelSelector {
            match_labels: Labels::from([(key.to_owned(), value.to_owned())]),
            match_expressions: Vec::new(),
        };
        assert!(entry_involves_nodes(&entry("app", "logging-node")));
        assert!(entry_involves_nodes(&entry(
            "kubernetes.io/hostname",
            "worker-1"
        )));
        assert!(entry_involves_nodes(&entry(
            "node-role.kubernetes.io/worker",
            ""
        )));
        assert!(entry_involves_nodes(&entry(
            "topology.kubernetes.io/zone",
            "eu-1a"
        )));
        assert!(entry_involves_nodes(&entry("kubernetes.io/os", "linux")));
        assert!(!entry_involves_nodes(&entry("app", "fluentd")));
    }
}
