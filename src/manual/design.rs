//! Design: layers, purity, and the shape of the types.
//!
//! # Layers
//!
//! One direction, and no module imports a module above it:
//!
//! 1. [`model`](crate::model): Kubernetes-shaped data.
//! 2. [`scheduling`](crate::scheduling): label selectors, taints and tolerations, node
//!    affinity, and the per-node placement built from them.
//! 3. [`planning`](crate::planning): claiming, manage, the rolling update, status, and the
//!    incremental [`Planner`](crate::Planner); [`history`](crate::history) and
//!    [`teardown`](crate::teardown()) sit beside it.
//! 4. Presentation: [`explain`](crate::explain()), the [`rollout`](crate::rollout) module
//!    (preview, simulator, conditions, `kubectl rollout status`) and [`lints`](crate::lints).
//!
//! Manifest loading and the k8s-openapi conversions sit at the edge, behind the `yaml` and
//! `k8s-openapi` features; nothing in the core knows about them.
//!
//! # Purity
//!
//! The crate does no I/O, reads no clock (time is
//! [`PlanOptions::now`](crate::PlanOptions::now)), starts no threads and keeps no hidden state:
//! the failed-pod backoff goes in and comes back out. Same inputs in any order give the same
//! output.
//!
//! No input makes it panic: the library denies clippy's `unwrap_used`, `expect_used`, `panic`,
//! `indexing_slicing` and `arithmetic_side_effects`; arithmetic on input-derived numbers is
//! checked or saturating.
//!
//! # Types
//!
//! Model types are plain structs with public fields and `Default`, named as in Kubernetes, so
//! that `Node { metadata, ..Default::default() }` works. Enum-like fields keep unknown strings
//! ([`TaintEffect::Other`](crate::TaintEffect::Other)), because upstream treats an unknown taint
//! effect or operator as matching nothing rather than as undecodable. Pod specs keep every
//! field this crate does not model, so [`render_pod`](crate::render_pod) produces the full pod.
//!
//! Returned types (plans, actions, reasons, reports, errors) are `#[non_exhaustive]` where they
//! may grow: match them with a wildcard arm. Errors carry the object, the field path and a
//! hint; when an error has a cause, the cause is its `source()` and is not repeated in its
//! message, so print the chain (as `anyhow` or `eyre` do) to see all of it.
