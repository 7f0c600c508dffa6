//! Decides what the Kubernetes DaemonSet controller must do.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod model;
mod syntax;

mod defaults;
mod validation;

#[cfg(feature = "yaml")]
mod load;

pub use model::*;

#[cfg(feature = "yaml")]
pub use load::{
    LoadError, MAX_INPUT_BYTES, load_daemonset, load_daemonset_from_reader, load_nodes,
    load_nodes_from_reader, load_pods, load_pods_from_reader,
};
