//! Decides what the Kubernetes DaemonSet controller must do.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod explain;
pub mod model;
mod planning;
mod preview;
mod scheduling;
mod simulate;
mod syntax;

mod defaults;
mod validation;

#[cfg(feature = "yaml")]
mod load;

pub use defaults::apply_defaults;
pub use explain::{NodeExplanation, explain};
pub use model::*;
pub use planning::*;
pub use preview::{RolloutBatch, RolloutPreview, preview_rollout};
pub use scheduling::*;
pub use simulate::Simulator;
