//! The integration tests of daemonset-planner, as one test crate (one binary to link).
//!
//! ```text
//! cargo test --test integration                    # everything here
//! cargo test --test integration beyond::           # one module
//! cargo test --test integration properties::plan_  # tests whose path contains the text
//! ```
//!
//! # Layout
//!
//! | module | what it tests |
//! |---|---|
//! | [`common`] | shared helpers (not tests): case files, base objects, the pipeline on untrusted bytes |
//! | `beyond` | Kruise and extension cases, and Advanced DaemonSet loading and planning |
//! | `beyond_props` | properties beyond upstream on simulated rollouts |
//! | `history` | history, rollback, teardown and rollout-status cases |
//! | `history_props` | properties of the revision history |
//! | `interop` | k8s-openapi conversions (feature `k8s-openapi`) |
//! | `pipeline_props` | the whole pipeline on generated input |
//! | `properties` | invariants of one plan, a short run and the budgets on random clusters |
//! | `rollout_props` | whole rolling updates on a simulator |
//! | `scale` | a million nodes, ignored by default |
//! | `serde_bridge` | Kubernetes JSON into and out of the model |
//!
//! The lint block below is the one place tests relax the library's clippy lints (tests may
//! unwrap, index and panic); modules do not repeat it.
//!
//! # Moving another test binary in
//!
//! Some `tests/*.rs` files are still binaries of their own (their owners were changing them
//! while this crate was made). To move one, say `tests/planner.rs`, in:
//!
//! 1. `git mv tests/planner.rs tests/integration/planner.rs` (a commit of its own, so git
//!    follows the rename when merging other edits);
//! 2. add `mod planner;` below;
//! 3. in the file, replace how it reached the shared helpers by a path into [`common`]:
//!    `mod common;` becomes `use crate::common;`, `#[path = "common/pipeline.rs"] mod
//!    pipeline;` becomes `use crate::common::pipeline;`, and `include!("support/generators.rs")`
//!    becomes `include!("../support/generators.rs")`; its `#![allow(clippy::...)]` block can go.
//!
//! The shared helpers live in `tests/common/` (not in this directory) because the binaries not
//! yet moved in, and the fuzz target, reach them there; `tests/support/generators.rs` is
//! `include!`d (it must carry no imports of its own for that), by `properties` here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

#[cfg(feature = "yaml")]
#[path = "../common/mod.rs"]
#[allow(clippy::collapsible_if)]
mod common;

mod beyond;
mod beyond_props;
mod history;
mod history_props;
mod interop;
mod pipeline_props;
mod properties;
mod rollout_props;
mod scale;
mod serde_bridge;
