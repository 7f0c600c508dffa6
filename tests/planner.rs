//! Data-driven planner conformance: every case under `tests/cases/planner/`.
#![cfg(feature = "yaml")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

#[allow(clippy::collapsible_if)]
mod common;

#[test]
fn planner_cases() {
    let count = common::run_dir("planner");
    assert!(count > 0);
}
