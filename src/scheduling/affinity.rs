//! Required node affinity: `spec.nodeSelector` plus
//! `nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`, compiled once per plan.

use crate::model::{Labels, NodeSelector, NodeSelectorOperator, NodeSelectorRequirement, PodSpec};
use crate::syntax::{label_key_error, label_value_error};

/// The node field matchFields can name.
pub const NODE_NAME_FIELD: &str = "metadata.name";

/// Why a node does not satisfy the template's required node affinity.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AffinityMismatch {
    /// A `spec.nodeSelector` entry the node does not carry with that value.
    NodeSelector {
        /// The label key.
        key: String,
        /// The value the template asks for.
        wanted: String,
        /// The node's value, if it has the label.
        actual: Option<String>,
    },
    /// No required node-affinity term matched; why each one failed, in term order.
    Terms(Vec<TermMismatch>),
}

/// Why one node selector term did not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermMismatch {
    /// Index of the term in `nodeSelectorTerms`.
    pub term: usize,
    /// What failed.
    pub reason: TermFailure,
}

/// What made a node selector term fail.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TermFailure {
    /// The term has no requirements: it matches no node.
    Empty,
    /// The term cannot be parsed (upstream ignores such a term: it matches no node).
    Invalid(String),
    /// A requirement did not hold.
    Requirement {
        /// `matchExpressions` or `matchFields`.
        list: &'static str,
        /// Index of the requirement in that list.
        index: usize,
        /// The requirement's key.
        key: String,
        /// The requirement's operator.
        operator: NodeSelectorOperator,
        /// The requirement's values.
        values: Vec<String>,
        /// The node's value for the key, if any.
        actual: Option<String>,
    },
}

/// The compiled required node affinity of a pod template.
#[derive(Debug, Clone)]
pub(crate) struct RequiredAffinity {
    node_selector: Vec<(String, String)>,
    /// `None` when the template has no required node selector (everything matches).
    terms: Option<Vec<CompiledTerm>>,
}

#[derive(Debug, Clone)]
enum CompiledTerm {
    Empty,
    Invalid(String),
    Valid {
        expressions: Vec<CompiledRequirement>,
        fields: Vec<CompiledRequirement>,
        /// For each key length (lengths of 63 and more share the last slot), the expressions
        /// whose key has it: most node labels are skipped by their length alone, and the
        /// others are compared with those few expressions only.
        by_length: [u16; 64],
        /// Bit `i` set when expression `i` holds for a node without its key.
        absent_ok: u16,
    },
}

#[derive(Debug, Clone)]
struct CompiledRequirement {
    key: String,
    /// Cheap fingerprint of `key`, so node labels are compared in full only when likely equal.
    signature: KeySignature,
    operator: NodeSelectorOperator,
    op: Op,
    values: Vec<String>,
    /// The parsed threshold of `Gt`/`Lt`.
    threshold: i64,
}

/// Length plus the first eight bytes of a label key: enough to tell apart the keys of one node
/// in practice, and the full key is compared whenever it agrees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct KeySignature {
    len: usize,
    head: u64,
}

impl KeySignature {
    #[inline]
    fn of(key: &str) -> Self {
        let bytes = key.as_bytes();
        KeySignature {
            len: bytes.len(),
            head: word(bytes.get(..8).unwrap_or(bytes)),
        }
    }

    /// The [`CompiledTerm::Valid::by_length`] slot of a key length.
    #[inline]
    fn length_slot(len: usize) -> usize {
        len.min(63)
    }
}

/// Up to eight bytes as a little-endian word.
#[inline]
fn word(chunk: &[u8]) -> u64 {
    match <[u8; 8]>::try_from(chunk) {
        Ok(eight) => u64::from_le_bytes(eight),
        Err(_) => chunk
            .iter()
            .rev()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)),
    }
}

/// Terms with at most this many expressions are matched in one pass over the node's labels.
const ONE_PASS_LIMIT: usize = 16;

impl RequiredAffinity {
    pub(crate) fn new(spec: &PodSpec) -> Self {
        let node_selector = spec
            .node_selector
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let terms = spec
            .affinity
            .as_ref()
            .and_then(|a| a.node_affinity.as_ref())
            .and_then(|na| na.required.as_ref())
            .map(compile_selector);
        RequiredAffinity {
            node_selector,
            terms,
        }
    }

    /// Whether the node fits, without saying why not.
    pub(crate) fn matches(&self, name: &str, labels: &Labels) -> bool {
        let selector_ok = self.node_selector.iter().all(|(k, v)| {
            crate::strings::label(labels, k).is_some_and(|w| crate::strings::eq(w, v))
        });
        selector_ok
            && self
                .terms
                .as_ref()
                .is_none_or(|terms| terms.iter().any(|term| term_matches(term, name, labels)))
    }

    /// Why the node does not fit, or `None` when it does.
    pub(crate) fn mismatch(&self, name: &str, labels: &Labels) -> Option<AffinityMismatch> {
        for (key, wanted) in &self.node_selector {
            let actual = labels.get(key);
            if actual != Some(wanted) {
                return Some(AffinityMismatch::NodeSelector {
                    key: key.clone(),
                    wanted: wanted.clone(),
                    actual: actual.cloned(),
                });
            }
        }
        let terms = self.terms.as_ref()?;
        let mut failures = Vec::with_capacity(terms.len());
        for (index, term) in terms.iter().enumerate() {
            match term_result(term, name, labels) {
                Ok(()) => return None,
                Err(reason) => failures.push(TermMismatch {
                    term: index,
                    reason,
                }),
            }
        }
        Some(AffinityMismatch::Terms(failures))
    }
}

fn compile_selector(selector: &NodeSelector) -> Vec<CompiledTerm> {
    selector
        .node_selector_terms
        .iter()
        .map(|term| {
            if term.match_expressions.is_empty() && term.match_fields.is_empty() {
                return CompiledTerm::Empty;
            }
            let expressions: Result<Vec<_>, String> = term
                .match_expressions
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    compile_expression(r).map_err(|e| format!("matchExpressions[{i}]: {e}"))
                })
                .collect();
            let fields: Result<Vec<_>, String> = term
                .match_fields
                .iter()
                .enumerate()
                .map(|(i, r)| compile_field(r).map_err(|e| format!("matchFields[{i}]: {e}")))
                .collect();
            match (expressions, fields) {
                (Ok(expressions), Ok(fields)) => CompiledTerm::Valid {
                    by_length: expressions.iter().zip(0u32..).fold(
                        [0u16; 64],
                        |mut slots, (r, i)| {
                            if let Some(slot) =
                                slots.get_mut(KeySignature::length_slot(r.key.len()))
                            {
                                *slot |= bit(i);
                            }
                            slots
                        },
                    ),
                    absent_ok: expressions
                        .iter()
                        .zip(0u32..)
                        .filter(|(r, _)| expression_holds(r, None))
                        .fold(0, |mask, (_, i)| mask | bit(i)),
                    expressions,
                    fields,
                },
                (Err(e), _) | (_, Err(e)) => CompiledTerm::Invalid(e),
            }
        })
        .collect()
}

fn compile_expression(r: &NodeSelectorRequirement) -> Result<CompiledRequirement, String> {
    if let Some(message) = label_key_error(&r.key) {
        return Err(message);
    }
    let mut threshold = 0;
    match &r.operator {
        NodeSelectorOperator::In | NodeSelectorOperator::NotIn => {
            if r.values.is_empty() {
                return Err(format!("operator {} needs at least one value", r.operator));
            }
        }
        NodeSelectorOperator::Exists | NodeSelectorOperator::DoesNotExist => {
            if !r.values.is_empty() {
                return Err(format!("operator {} takes no values", r.operator));
            }
        }
        NodeSelectorOperator::Gt | NodeSelectorOperator::Lt => {
            let [value] = r.values.as_slice() else {
                return Err(format!("operator {} takes exactly one value", r.operator));
            };
            threshold = crate::model::intstr::parse_go_parse_int(value)
                .ok_or_else(|| format!("{value:?} is not an integer"))?;
        }
        NodeSelectorOperator::Other(other) => {
            return Err(format!("{other:?} is not a valid operator"));
        }
    }
    if let Some(message) = r.values.iter().find_map(|v| label_value_error(v)) {
        return Err(message);
    }
    Ok(CompiledRequirement {
        key: r.key.clone(),
        signature: KeySignature::of(&r.key),
        operator: r.operator.clone(),
        op: Op::of(&r.operator)
            .ok_or_else(|| format!("{:?} is not a valid operator", r.operator.as_str()))?,
        values: r.values.clone(),
        threshold,
    })
}

fn compile_field(r: &NodeSelectorRequirement) -> Result<CompiledRequirement, String> {
    if !matches!(
        r.operator,
        NodeSelectorOperator::In | NodeSelectorOperator::NotIn
    ) {
        return Err(format!(
            "operator {} is not supported for fields",
            r.operator
        ));
    }
    if r.values.len() != 1 {
        return Err("a field requirement takes exactly one value".to_owned());
    }
    Ok(CompiledRequirement {
        key: r.key.clone(),
        signature: KeySignature::of(&r.key),
        operator: r.operator.clone(),
        op: Op::of(&r.operator).unwrap_or(Op::NotIn),
        values: r.values.clone(),
        threshold: 0,
    })
}

/// Whether a term matches, without saying why not: the plan's hot path. Small terms look up
/// all their keys in one pass over the node's labels (a node has few labels, a NotIn exclusion
/// term several keys), comparing full keys only when the fingerprints agree.
fn term_matches(term: &CompiledTerm, name: &str, labels: &Labels) -> bool {
    let CompiledTerm::Valid {
        expressions,
        fields,
        by_length,
        absent_ok,
    } = term
    else {
        return false;
    };
    if expressions.len() > ONE_PASS_LIMIT {
        return term_result(term, name, labels).is_ok();
    }
    // Each expression whose key the node carries is judged on the spot; the others must hold
    // for an absent key, which `absent_ok` precomputes.
    let mut present: u16 = 0;
    for (key, value) in labels {
        let mut candidates = by_length
            .get(KeySignature::length_slot(key.len()))
            .copied()
            .unwrap_or(0);
        if candidates == 0 {
            continue;
        }
        let signature = KeySignature::of(key);
        while candidates != 0 {
            let i = candidates.trailing_zeros();
            candidates &= candidates.wrapping_sub(1);
            let Some(r) = usize::try_from(i).ok().and_then(|i| expressions.get(i)) else {
                break;
            };
            if r.signature == signature && crate::strings::eq(&r.key, key) {
                if !expression_holds(r, Some(value)) {
                    return false;
                }
                present |= bit(i);
            }
        }
    }
    // One bit per expression (at most 16, checked above).
    let count = u32::try_from(expressions.len()).unwrap_or(u32::MAX);
    let all = u16::MAX
        .checked_shr(16u32.saturating_sub(count))
        .unwrap_or(0);
    (present | absent_ok) & all == all && fields_hold(fields, name)
}

/// Bit `i` of a term's expression mask (terms of more than 16 expressions never use masks).
#[inline]
fn bit(i: u32) -> u16 {
    1u16.checked_shl(i).unwrap_or(0)
}

fn field_holds(r: &CompiledRequirement, name: &str) -> bool {
    let field_value = if r.key == NODE_NAME_FIELD { name } else { "" };
    let equal = r.values.first().is_some_and(|v| v == field_value);
    match r.op {
        Op::In => equal,
        _ => !equal,
    }
}

/// A node without a name has no fields, and upstream then skips matchFields entirely.
fn fields_hold(fields: &[CompiledRequirement], name: &str) -> bool {
    name.is_empty() || fields.iter().all(|r| field_holds(r, name))
}

fn term_result(term: &CompiledTerm, name: &str, labels: &Labels) -> Result<(), TermFailure> {
    let (expressions, fields) = match term {
        CompiledTerm::Empty => return Err(TermFailure::Empty),
        CompiledTerm::Invalid(message) => return Err(TermFailure::Invalid(message.clone())),
        CompiledTerm::Valid {
            expressions,
            fields,
            ..
        } => (expressions, fields),
    };
    for (index, r) in expressions.iter().enumerate() {
        let actual = labels.get(&r.key);
        if !expression_holds(r, actual.map(String::as_str)) {
            return Err(requirement_failure(
                "matchExpressions",
                index,
                r,
                actual.cloned(),
            ));
        }
    }
    if !name.is_empty() {
        for (index, r) in fields.iter().enumerate() {
            if !field_holds(r, name) {
                let field_value = if r.key == NODE_NAME_FIELD { name } else { "" };
                return Err(requirement_failure(
                    "matchFields",
                    index,
                    r,
                    Some(field_value.to_owned()),
                ));
            }
        }
    }
    Ok(())
}

fn requirement_failure(
    list: &'static str,
    index: usize,
    r: &CompiledRequirement,
    actual: Option<String>,
) -> TermFailure {
    TermFailure::Requirement {
        list,
        index,
        key: r.key.clone(),
        operator: r.operator.clone(),
        values: r.values.clone(),
        actual,
    }
}

#[inline(always)]
fn expression_holds(r: &CompiledRequirement, value: Option<&str>) -> bool {
    match (r.op, value) {
        (Op::NotIn | Op::DoesNotExist, None) => true,
        (Op::In | Op::Exists | Op::Gt | Op::Lt, None) => false,
        (Op::In, Some(v)) => r.values.iter().any(|w| crate::strings::eq(w, v)),
        (Op::NotIn, Some(v)) => r.values.iter().all(|w| !crate::strings::eq(w, v)),
        (Op::Exists, Some(_)) => true,
        (Op::DoesNotExist, Some(_)) => false,
        (Op::Gt, Some(v)) => {
            crate::model::intstr::parse_go_parse_int(v).is_some_and(|v| v > r.threshold)
        }
        (Op::Lt, Some(v)) => {
            crate::model::intstr::parse_go_parse_int(v).is_some_and(|v| v < r.threshold)
        }
    }
}

/// The operator of a requirement that compiled (unknown operators never compile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Gt,
    Lt,
}

impl Op {
    fn of(operator: &NodeSelectorOperator) -> Option<Op> {
        match operator {
            NodeSelectorOperator::In => Some(Op::In),
            NodeSelectorOperator::NotIn => Some(Op::NotIn),
            NodeSelectorOperator::Exists => Some(Op::Exists),
            NodeSelectorOperator::DoesNotExist => Some(Op::DoesNotExist),
            NodeSelectorOperator::Gt => Some(Op::Gt),
            NodeSelectorOperator::Lt => Some(Op::Lt),
            NodeSelectorOperator::Other(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Affinity, NodeAffinity, NodeSelectorTerm};
    use proptest::prelude::*;

    fn requirement() -> impl Strategy<Value = NodeSelectorRequirement> {
        let keys = prop::sample::select(vec![
            "zone",
            "zonf",
            "topology.kubernetes.io/zone",
            "topology.kubernetes.io/zonf",
            "example.com/papaya",
            "kubernetes.io/arch",
            "a",
            "cpu",
        ]);
        let ops = prop::sample::select(vec!["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]);
        let values = prop::collection::vec(
            prop::sample::select(vec!["a", "b", "true", "4", "08", "amd64"]),
            0..3,
        );
        (keys, ops, values).prop_map(|(key, op, values)| NodeSelectorRequirement {
            key: key.to_owned(),
            operator: NodeSelectorOperator::parse(op),
            values: values.into_iter().map(str::to_owned).collect(),
        })
    }

    fn labels() -> impl Strategy<Value = Labels> {
        prop::collection::btree_map(
            prop::sample::select(vec![
                "zone",
                "topology.kubernetes.io/zone",
                "example.com/papaya",
                "kubernetes.io/arch",
                "cpu",
                "kubernetes.io/hostname",
            ])
            .prop_map(str::to_owned),
            prop::sample::select(vec!["a", "b", "true", "4", "08", "9", "amd64", ""])
                .prop_map(str::to_owned),
            0..6,
        )
    }

    proptest! {
        /// The one-pass fast path agrees with the explaining evaluation on every term.
        #[test]
        fn fast_path_agrees_with_explanation(
            expressions in prop::collection::vec(requirement(), 0..20),
            labels in labels(),
        ) {
            let spec = PodSpec {
                affinity: Some(Affinity {
                    node_affinity: Some(NodeAffinity {
                        required: Some(NodeSelector {
                            node_selector_terms: vec![NodeSelectorTerm {
                                match_expressions: expressions,
                                match_fields: Vec::new(),
                            }],
                        }),
                        preferred: Vec::new(),
                    }),
                    other: Default::default(),
                }),
                ..PodSpec::default()
            };
            let affinity = RequiredAffinity::new(&spec);
            prop_assert_eq!(
                affinity.matches("node-1", &labels),
                affinity.mismatch("node-1", &labels).is_none()
            );
        }
    }
}
