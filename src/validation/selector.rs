//! Label selectors: their syntax, and whether the DaemonSet's selector picks its own pods.

use crate::model::{LabelSelector, LabelSelectorOperator, Labels, PodTemplateSpec};
use crate::scheduling::LabelMatcher;
use crate::scheduling::labels::{entry_involves_nodes, selector_entries};
use crate::syntax::{label_key_reason, label_value_reason};

use super::collector::Collector;
use super::metadata::{render_labels, validate_labels};

/// The values rule shared by label-selector and node-selector requirements: `In`/`NotIn` need
/// values (`needs_values`), `Exists`/`DoesNotExist` may not have any.
pub(crate) fn set_operator_values(
    needs_values: bool,
    values: &[String],
    path: &str,
    out: &mut Collector,
) {
    if needs_values && values.is_empty() {
        out.required(
            format!("{path}.values"),
            "must be specified when operator is In or NotIn",
            "list at least one value, or use Exists / DoesNotExist",
        );
    } else if !needs_values && !values.is_empty() {
        out.forbidden(
            format!("{path}.values"),
            "may not be specified when operator is Exists or DoesNotExist",
            "remove values, or use In / NotIn to compare them",
        );
    }
}

pub(crate) fn validate_label_selector(
    selector: &LabelSelector,
    path: &str,
    allow_invalid_values: bool,
    out: &mut Collector,
) {
    validate_labels(&selector.match_labels, &format!("{path}.matchLabels"), out);
    for (i, requirement) in selector.match_expressions.iter().enumerate() {
        let path = format!("{path}.matchExpressions[{i}]");
        let values = &requirement.values;
        match &requirement.operator {
            LabelSelectorOperator::In | LabelSelectorOperator::NotIn => {
                set_operator_values(true, values, &path, out);
            }
            LabelSelectorOperator::Exists | LabelSelectorOperator::DoesNotExist => {
                set_operator_values(false, values, &path, out);
            }
            LabelSelectorOperator::Other(operator) => {
                out.invalid(
                    format!("{path}.operator"),
                    operator,
                    "not a valid selector operator",
                    "use In, NotIn, Exists or DoesNotExist (spelled exactly so)",
                );
            }
        }
        if let Some(reason) = label_key_reason(&requirement.key) {
            out.invalid(
                format!("{path}.key"),
                &requirement.key,
                format!("not a valid label key: {reason}"),
                "use a label key such as `app` or `example.com/tier`",
            );
        }
        for (j, value) in values.iter().enumerate() {
            if allow_invalid_values {
                break;
            }
            if let Some(reason) = label_value_reason(value) {
                out.invalid(
                    format!("{path}.values[{j}]"),
                    value,
                    format!("not a valid label value: {reason}"),
                    "label values are at most 63 letters, digits, '-', '_' or '.', starting and \
                     ending with a letter or digit",
                );
            }
        }
    }
}

pub(crate) fn check_selector_matches_template(
    selector: Option<&LabelSelector>,
    template: &PodTemplateSpec,
    out: &mut Collector,
) {
    const PATH: &str = "spec.template.metadata.labels";
    const MESSAGE: &str = "selector does not match template labels";
    let labels = &template.metadata.labels;
    // A selector the controller cannot compile was already reported by the syntax check; an
    // empty one selects everything (and is rejected by the empty-selector check instead).
    let Ok(matcher) = LabelMatcher::new(selector) else {
        return;
    };
    if matcher.matches(labels) {
        return;
    }
    let Some(selector) = selector else {
        out.invalid(
            PATH,
            render_labels(labels),
            MESSAGE,
            format!(
                "spec.selector is missing (apps/v1 does not derive it from the template): {}",
                selector_example_hint(labels)
            ),
        );
        return;
    };
    let mut unmet = Vec::new();
    let mut node_like = Vec::new();
    for entry in selector_entries(selector) {
        let Ok(entry_matcher) = LabelMatcher::new(Some(&entry)) else {
            continue;
        };
        if !entry_matcher.matches(labels) {
            let shown = format!("`{entry_matcher}`");
            if entry_involves_nodes(&entry) {
                node_like.push(shown.clone());
            }
            unmet.push(shown);
        }
    }
    let hint = if node_like.is_empty() {
        format!(
            "spec.selector picks the DaemonSet's own pods, so spec.template.metadata.labels must \
             satisfy it; unmet: {}; add the missing labels to the template (the selector cannot \
             be changed after creation)",
            unmet.join(", ")
        )
    } else {
        let also = if unmet.len() > node_like.len() {
            format!("; unmet: {}", unmet.join(", "))
        } else {
            String::new()
        };
        format!(
            "{} looks like it was meant to choose nodes: node choice belongs in \
             spec.template.spec.nodeSelector (or node affinity), while spec.selector picks the \
             DaemonSet's own pods and must match the pod template's labels{also}",
            node_like.join(", ")
        )
    };
    out.invalid(PATH, render_labels(labels), MESSAGE, hint);
}

pub(crate) fn selector_example_hint(template_labels: &Labels) -> String {
    match template_labels.iter().next() {
        Some((key, value)) => format!(
            "select the pod template's labels, e.g. `selector: {{matchLabels: {{{key}: {value}}}}}`"
        ),
        None => "give the pod template a label such as `app: my-daemon` in \
                 spec.template.metadata.labels and select it with `selector: {matchLabels: \
                 {app: my-daemon}}`"
            .to_owned(),
    }
}

/// A selector as `kubectl` prints it (`key=value,key in (a,b)`), or its entries as written.
pub(crate) fn render_selector(selector: &LabelSelector) -> String {
    match LabelMatcher::new(Some(selector)) {
        Ok(matcher) => matcher.to_string(),
        Err(_) => render_labels(&selector.match_labels),
    }
}
