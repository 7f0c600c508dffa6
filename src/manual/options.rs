//! The planning options beyond upstream.
//!
//! [`PlanOptions`](crate::PlanOptions) fields (each with a builder method) that change how the
//! rolling update proceeds, for apps/v1 and Kruise objects alike. All are off by default; with
//! every option off no extra work or allocation happens per node.
//!
//! | option | CLI | what it does |
//! | --- | --- | --- |
//! | [`update_order`](crate::PlanOptions::update_order) | `--order` | which old pods the budget goes to first (see below) |
//! | [`topology_budget`](crate::PlanOptions::topology_budget) | `--zone-budget KEY=N` / `KEY=N%` | at most N (or N% of the zone's desired nodes, rounded up) nodes per value of the label without an available pod (in maxSurge mode: surging), in addition to the global budget |
//! | [`strict_budget`](crate::PlanOptions::strict_budget) | `--strict-budget` | unavailable old pods count against the budget and are replaced only within it (upstream replaces all of them at once) |
//! | [`freeze`](crate::PlanOptions::freeze) | `--freeze` | like Kruise's `paused`, and no creates either; manage's other deletions go on |
//!
//! # Update orders
//!
//! [`UpdateOrder`](crate::UpdateOrder) decides which old pods the budget goes to first:
//!
//! - `NodeName` (the default): upstream's order, made deterministic (see
//!   [`order`](super::order));
//! - `UnavailableFirst`: unavailable old pods, then pods on NotReady or cordoned nodes;
//! - `LabelPriority { key }`: the highest integer value of a node label first;
//! - `Canary { nodes }`: the listed nodes first; no other node's old pod is replaced until every
//!   canary runs an available new pod;
//! - `TopologyDomains { key }`: one zone at a time, in value order; a zone's turn ends when all
//!   its nodes run an available new pod.
//!
//! Old pods the order holds back are listed in [`UpdateBatch::held`](crate::UpdateBatch::held)
//! ([`HoldReason::Canary`](crate::planning::HoldReason::Canary),
//! [`HoldReason::TopologyDomain`](crate::planning::HoldReason::TopologyDomain)); like pods
//! outside a Kruise scope they are neither replaced nor counted, so an unavailable one cannot
//! hold the budget the canaries need.
//!
//! [`preview_rollout`](crate::preview_rollout) plays the rollout forward with the same options,
//! and [`Planner`](crate::Planner) takes them too.
