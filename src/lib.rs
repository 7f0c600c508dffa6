//! Decides what the Kubernetes DaemonSet controller must do.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod model;
mod planning;
mod scheduling;
mod syntax;

mod defaults;
mod validation;

#[cfg(feature = "yaml")]
mod load;

pub use defaults::{apply_defaults, defaulted};
pub use validation::{
    FieldError, FieldErrorKind, ValidationErrors, ValidationOptions, validate_daemonset,
    validate_daemonset_with, validate_node,
};

pub use model::*;
pub use planning::*;
pub use scheduling::*;
