//! `metav1.LabelSelector`, the DaemonSet's pod selector.

use serde::{Deserialize, Serialize};

use super::Labels;
use super::string_enum::string_enum;

/// A label selector as written in `spec.selector`.
///
/// Its meaning (nil selects nothing, `{}` selects everything) is implemented by
/// [`crate::scheduling::LabelMatcher`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    /// Exact `key: value` pairs, all of which must be present.
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub match_labels: Labels,
    /// Set-based requirements, all of which must hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One entry of `matchExpressions` in a label selector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelectorRequirement {
    /// The label key.
    pub key: String,
    /// How the key relates to the values.
    pub operator: LabelSelectorOperator,
    /// The values; required for `In`/`NotIn`, forbidden for `Exists`/`DoesNotExist`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

string_enum! {
    /// A label selector operator.
    pub enum LabelSelectorOperator {
        /// The label's value is one of the values.
        In = "In",
        /// The label is absent, or its value is none of the values.
        NotIn = "NotIn",
        /// The label is present.
        Exists = "Exists",
        /// The label is absent.
        DoesNotExist = "DoesNotExist",
    }
}
