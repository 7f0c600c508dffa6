//! The integration tests of daemonset-planner, as one test crate (one binary to link).
//!
//! ```text
//! cargo test --test integration                          # everything here
//! cargo test --test integration beyond::                 # one module
//! cargo test cases::planner::rolling                     # one case file
//! DSP_CASE='maxSurge' cargo test --test integration cases::  # the cases whose name contains it
//! ```
//!
//! `cargo test NAME` runs the tests whose path contains `NAME`; each case file of
//! `tests/cases/` is one test, `cases::<directory>::<file>` (`-` written `_`), and the
//! environment variable `DSP_CASE` narrows the case-file tests to the cases whose `name:`
//! contains its value (the others are not run; a file left with none passes).
//!
//! # Layout
//!
//! | module | what it tests |
//! |---|---|
//! | [`common`] | shared helpers, not tests: the case-file schema and checks, base objects, the pipeline on untrusted bytes |
//! | `cases` | the data-driven cases of `tests/cases/`, one test per file, and the schema's own tests |
//! | `beyond` | Advanced DaemonSets (Kruise) and the extensions, beyond their cases |
//! | `beyond_props` | properties beyond upstream on simulated rollouts |
//! | `generators` | shared code, not tests: random clusters and the helpers the property tests share |
//! | `history` | the runner of the history cases (`tests/cases/history/`) |
//! | `history_props` | properties of the revision history |
//! | `incremental_cases` | every planner case through an incremental `Planner` |
//! | `incremental_props` | `Planner` against `plan` after random events |
//! | `interop` | k8s-openapi conversions (feature `k8s-openapi`) |
//! | `lints` | the lints, and the real manifests drawing none |
//! | `loading` | manifests and dumps in, mixed kinds, JSON and YAML, field validation, limits |
//! | `pipeline_props` | the whole pipeline on generated input |
//! | `planner` | planner behaviour beyond the case files |
//! | `properties` | invariants of one plan, a short run and the budgets on random clusters |
//! | `robustness` | the hostile corpus (`tests/hostile/`): each input's expected outcome |
//! | `rollout_props` | whole rolling updates on a simulator |
//! | `scale` | a million nodes, ignored by default |
//! | `schema` | Kubernetes' schema of a DaemonSet manifest: unknown fields, did-you-mean |
//! | `serde_bridge` | Kubernetes JSON into and out of the model |
//! | `validation` | admission validation, one rule per test |
//!
//! The lint block below is the one place the tests relax the library's clippy lints (tests
//! may unwrap, index and panic); modules do not repeat it. A module that needs a feature says
//! so with an inner `#![cfg(feature = "...")]`.
//!
//! # Adding a test file
//!
//! A new test file goes in this directory with a `mod` line below; it reaches the shared
//! helpers through [`common`] (`use crate::common;`, `use crate::common::pipeline;`). The
//! command's tests live with the command, in `cli/tests/`, because they run its binary.
//!
//! The shared helpers live in `tests/common/` (not in this directory) because the fuzz target
//! (`fuzz/`) reaches them there. The random clusters of the property tests (proptest
//! generators and the builders of nodes, DaemonSets and pods) are the module `generators`,
//! here: `properties` and `incremental_props` take them all (`use super::generators::*;`),
//! `rollout_props`, whose clusters differ (old pods on every node, other taints), only the
//! names, times and helpers they share.
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
mod cases;
mod generators;
mod history;
mod history_props;
mod incremental_cases;
mod incremental_props;
mod interop;
mod lints;
mod loading;
mod pipeline_props;
mod planner;
mod properties;
mod robustness;
mod rollout_props;
mod scale;
mod schema;
mod serde_bridge;
mod validation;
