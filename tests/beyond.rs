//! Data-driven cases beyond upstream: OpenKruise Advanced DaemonSets under
//! `tests/cases/kruise/`, and this crate's opt-in extensions under `tests/cases/extensions/`.
#![cfg(feature = "yaml")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[allow(clippy::collapsible_if)]
mod common;

#[test]
fn kruise_cases() {
    let count = common::run_dir("kruise");
    assert!(count > 0);
}

#[test]
fn extension_cases() {
    let count = common::run_dir("extensions");
    assert!(count > 0);
}
