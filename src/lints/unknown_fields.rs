//! Fields Kubernetes' schema does not have, which the loader dropped under `--validate=warn`:
//! `misplaced-field` (a real field written at the wrong level, such as a top-level
//! `template`) and `unknown-field` (a typo or a field of another kind).

use super::{Lint, Severity};
use crate::schema::UnknownField;

/// Fields of `spec` without which a DaemonSet cannot work: written at the top level, the
/// DaemonSet has none.
const VITAL_SPEC_FIELDS: &[&str] = &["template", "selector"];

/// Lints for the unknown fields of a manifest ([`crate::schema::unknown_fields`]), one per field, in
/// the given order. Meant for the fields a loader dropped instead of refusing (`--validate=warn`;
/// the `unknown` field of each `load::LoadWarning`):
///
/// - \[`misplaced-field`\] error when a top-level `template` or `selector` belongs under
///   `spec` (the DaemonSet then has no pod template or selector: the selector matches no
///   template labels), warning for other real fields at the wrong level;
/// - \[`unknown-field`\] warning for any other unknown field (a typo, a field of another kind
///   such as `spec.replicas` or `spec.strategy`), with the did-you-mean in the hint. In an
///   OpenKruise DaemonSet's template the API server keeps such a field but the controller
///   drops it from the pods it creates; the message says so.
///
/// ```
/// use daemonset_planner::lints::{lint_unknown_fields, Severity};
/// use daemonset_planner::schema::unknown_fields;
/// let manifest = serde_json::json!({
///     "apiVersion": "apps/v1",
///     "kind": "DaemonSet",
///     "metadata": {"name": "agent"},
///     "spec": {"strategy": {"type": "OnDelete"}},
/// });
/// let lints = lint_unknown_fields(&unknown_fields(&manifest));
/// assert_eq!(lints.len(), 1);
/// assert_eq!(lints[0].code, "unknown-field");
/// assert_eq!(lints[0].severity, Severity::Warning);
/// assert!(lints[0].hint.starts_with("did you mean spec.updateStrategy?"));
/// ```
pub fn lint_unknown_fields(fields: &[UnknownField]) -> Vec<Lint> {
    fields.iter().map(lint_one).collect()
}

fn lint_one(field: &UnknownField) -> Lint {
    let full = field.full_path();
    let suggested = field.suggested_path();
    let misplaced = field.suggestion.as_deref().is_some_and(|s| s.contains('.'));
    let mut hint = match &suggested {
        Some(path) => format!("did you mean {path}?"),
        None => String::new(),
    };
    if let Some(extra) = &field.hint {
        if !hint.is_empty() {
            hint.push(' ');
        }
        hint.push_str(extra);
    }
    if hint.is_empty() {
        hint = "remove the field, or check its spelling and indentation against the API \
                reference"
            .to_owned();
    }
    if misplaced && let Some(path) = &suggested {
        let vital = field.path.is_empty() && VITAL_SPEC_FIELDS.contains(&field.field.as_str());
        let (severity, consequence) = if vital {
            (
                Severity::Error,
                format!(
                    ": the DaemonSet has no spec.{}, so spec.selector matches no pod template \
                     labels and the DaemonSet cannot run",
                    field.field
                ),
            )
        } else {
            (Severity::Warning, String::new())
        };
        return Lint::new(
            severity,
            "misplaced-field",
            format!("{full} is not a field there, {path} is: it was dropped{consequence}"),
            hint,
        );
    }
    let fate = if field.schemaless {
        "OpenKruise's API server keeps it in the template, but the controller drops it from the \
         pods it creates"
    } else {
        "the API server refuses it under strict field validation and drops it otherwise; it \
         was dropped"
    };
    Lint::new(
        Severity::Warning,
        "unknown-field",
        format!("unknown field {full}: {fate}"),
        hint,
    )
}
