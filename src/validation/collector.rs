//! Collecting failures while validating, each with a hint.

use std::fmt;

use super::errors::{FieldError, FieldErrorKind, ValidationErrors};

#[derive(Default)]
pub(crate) struct Collector {
    pub(crate) errors: Vec<FieldError>,
}

impl Collector {
    pub(crate) fn push(
        &mut self,
        kind: FieldErrorKind,
        path: impl Into<String>,
        value: Option<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.errors.push(FieldError {
            path: path.into(),
            kind,
            value,
            message: message.into(),
            hint: Some(hint.into()),
        });
    }

    /// Records a failure of `kind` that carries the offending value.
    fn push_value(
        &mut self,
        kind: FieldErrorKind,
        path: impl Into<String>,
        value: impl fmt::Display,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(kind, path, Some(value.to_string()), message, hint);
    }

    pub(crate) fn required(
        &mut self,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(FieldErrorKind::Required, path, None, message, hint);
    }

    pub(crate) fn invalid(
        &mut self,
        path: impl Into<String>,
        value: impl fmt::Display,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push_value(FieldErrorKind::Invalid, path, value, message, hint);
    }

    pub(crate) fn forbidden(
        &mut self,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(FieldErrorKind::Forbidden, path, None, message, hint);
    }

    pub(crate) fn not_supported(
        &mut self,
        path: impl Into<String>,
        value: impl fmt::Display,
        supported: &[&str],
        hint: impl Into<String>,
    ) {
        let message = match supported {
            [only] => format!("must be {only}"),
            many => format!("must be one of {}", many.join(", ")),
        };
        self.push_value(FieldErrorKind::NotSupported, path, value, message, hint);
    }

    pub(crate) fn duplicate(
        &mut self,
        path: impl Into<String>,
        value: impl fmt::Display,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push_value(FieldErrorKind::Duplicate, path, value, message, hint);
    }

    pub(crate) fn not_found(
        &mut self,
        path: impl Into<String>,
        value: impl fmt::Display,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push_value(FieldErrorKind::NotFound, path, value, message, hint);
    }

    pub(crate) fn finish(self, object: String) -> Result<(), ValidationErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors {
                object,
                errors: self.errors,
            })
        }
    }
}
