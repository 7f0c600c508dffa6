//! The order of choices: where this crate chooses for upstream.
//!
//! Upstream walks Go maps, so some of its choices are random from one sync to the next. This
//! crate chooses by name instead, so that the same inputs, in any order, give the same plan:
//!
//! - creates in node-name order;
//! - deletes by node name, then pod name;
//! - adoptions and releases by pod name;
//! - rolling-update candidates (which old pods are deleted, which nodes get a surge pod, which
//!   sunset pods go) in node-name order, unless an
//!   [`UpdateOrder`](crate::UpdateOrder) says otherwise (see [`options`](super::options));
//! - the pods of one node in upstream's "oldest first" order (scheduled first, then creation
//!   time, then name), which also decides which of several Failed pods is deleted first.
//!
//! The burst limit ([`PlanOptions::burst_replicas`](crate::PlanOptions::burst_replicas), 250
//! creates and 250 deletes per plan by default, as upstream) keeps the first items of each list
//! in that order; the rest are counted in [`Plan::deferred_creates`](crate::Plan::deferred_creates)
//! and [`Plan::deferred_deletes`](crate::Plan::deferred_deletes) and come in a later sync.
//!
//! # The order of a plan's actions
//!
//! [`Plan::actions`](crate::Plan::actions) lists adoptions and releases first (claiming), then
//! manage's creates and deletes, then the rolling update's surge creates and deletes. Each group
//! is sorted as above. The rolling update sees the state after manage's actions, as upstream's
//! does: a node manage just gave a pod is not given another one.
