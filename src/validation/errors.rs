//! The failures validation reports: their kinds, one failure, and every failure of one object.

use std::fmt;

use crate::model::abbrev::{abbrev, abbrev_message};

/// The kind of a validation failure, as Kubernetes classifies field errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldErrorKind {
    /// A value that must be given is missing (`Required value`).
    Required,
    /// The value is malformed or out of range (`Invalid value`).
    Invalid,
    /// The value is not one of a fixed set (`Unsupported value`).
    NotSupported,
    /// The field may not be set here at all (`Forbidden`).
    Forbidden,
    /// The value is too large (`Too long`).
    TooLong,
    /// The entry repeats an earlier one that must be unique (`Duplicate value`).
    Duplicate,
    /// The value names something that does not exist, such as a volume a mount refers to
    /// (`Not found`).
    NotFound,
}

impl FieldErrorKind {
    /// The words Kubernetes prints for this kind, e.g. `Unsupported value`.
    pub fn as_str(&self) -> &'static str {
        match self {
            FieldErrorKind::Required => "Required value",
            FieldErrorKind::Invalid => "Invalid value",
            FieldErrorKind::NotSupported => "Unsupported value",
            FieldErrorKind::Forbidden => "Forbidden",
            FieldErrorKind::TooLong => "Too long",
            FieldErrorKind::Duplicate => "Duplicate value",
            FieldErrorKind::NotFound => "Not found",
        }
    }
}

impl fmt::Display for FieldErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One validation failure: where, what kind, the offending value, why, and how to fix it.
///
/// Displayed the way `kubectl` prints a field error, followed by the hint:
/// `spec.template.spec.restartPolicy: Unsupported value "Never": must be Always (hint: ...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldError {
    /// The field path, e.g. `spec.template.spec.tolerations[0].operator`.
    pub path: String,
    /// The kind of failure.
    pub kind: FieldErrorKind,
    /// The offending value as text, when there is one to show (maps of labels are written
    /// `key=value,key=value`).
    pub value: Option<String>,
    /// What is wrong, lower-case and without a trailing period.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", abbrev(&self.path), self.kind)?;
        if let Some(value) = &self.value {
            write!(f, " {:?}", abbrev(value))?;
        }
        write!(f, ": {}", abbrev_message(&self.message))?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {})", abbrev_message(hint))?;
        }
        Ok(())
    }
}

impl std::error::Error for FieldError {}

/// Every validation failure of one object.
///
/// Displayed as one line per failure, each prefixed with the object, e.g.
/// `daemonset kube-system/fluentd: spec.selector: Invalid value "": ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationErrors {
    /// The object, e.g. `daemonset kube-system/fluentd` or `node worker-1`.
    pub object: String,
    /// The failures, in the order the API server checks them; never empty.
    pub errors: Vec<FieldError>,
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}: {error}", abbrev(&self.object))?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::collector::Collector;

    #[test]
    fn field_errors_display_like_kubectl_with_a_hint() {
        let error = FieldError {
            path: "spec.template.spec.restartPolicy".to_owned(),
            kind: FieldErrorKind::NotSupported,
            value: Some("Never".to_owned()),
            message: "must be Always".to_owned(),
            hint: Some("remove it".to_owned()),
        };
        assert_eq!(
            error.to_string(),
            "spec.template.spec.restartPolicy: Unsupported value \"Never\": must be Always \
             (hint: remove it)"
        );
        let required = FieldError {
            value: None,
            hint: None,
            kind: FieldErrorKind::Required,
            ..error
        };
        assert_eq!(
            required.to_string(),
            "spec.template.spec.restartPolicy: Required value: must be Always"
        );
    }

    #[test]
    fn validation_errors_list_one_line_per_error_prefixed_with_the_object() {
        let mut out = Collector::default();
        out.required("a", "first", "fix a");
        out.forbidden("b", "second", "fix b");
        let errors = out.finish("daemonset default/x".to_owned());
        let text = errors.map_err(|e| e.to_string()).err();
        assert_eq!(
            text.as_deref(),
            Some(
                "daemonset default/x: a: Required value: first (hint: fix a)\n\
                 daemonset default/x: b: Forbidden: second (hint: fix b)"
            )
        );
    }

    #[test]
    fn no_errors_is_ok() {
        assert_eq!(Collector::default().finish("x".to_owned()), Ok(()));
    }

    #[test]
    fn error_types_are_send_and_sync() {
        fn check<T: Send + Sync + std::error::Error + 'static>() {}
        check::<FieldError>();
        check::<ValidationErrors>();
    }
}
