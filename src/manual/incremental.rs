//! Incremental planning with a [`Planner`](crate::Planner).
//!
//! A controller that watches nodes and pods can keep a [`Planner`](crate::Planner) instead of
//! calling [`plan`](crate::plan) from scratch on every sync. It holds the objects and indexes
//! over them, takes one event at a time (a node or pod applied or deleted, a new DaemonSet, a
//! new `now`), and after any sequence of events makes exactly the plan [`plan`](crate::plan)
//! makes from the same objects: the same actions in the same order, status, rolling-update
//! batch, backoff and requeue delay. It is as pure as [`plan`](crate::plan): no I/O, no clock,
//! no threads.
//!
//! # What a delta means
//!
//! [`Planner::plan_delta`](crate::Planner::plan_delta) returns a
//! [`PlanDelta`](crate::PlanDelta): the actions added and removed since the previous plan. An
//! action stays in the plan until the event it causes arrives (the created pod, the deleted
//! pod's deletion), so `added` names each action once, much as upstream's expectations keep it
//! from issuing an action twice; `removed` lists actions no longer wanted (a create for a node
//! that went away, a failed pod now in backoff), which need no undoing.
//!
//! Each plan records the failed pods it deletes in the planner's backoff, as
//! [`Plan::failed_pod_backoff`](crate::Plan::failed_pod_backoff) would be passed on, so a failed
//! pod that is still there when its backoff runs out is deleted again, as upstream does. With a
//! revision from [`plan_history`](crate::plan_history), give a new one with
//! [`Planner::set_revision`](crate::Planner::set_revision).
//!
//! # Modes
//!
//! Every mode keeps the guarantee: after any sequence of events, exactly [`plan`](crate::plan)'s
//! plan.
//!
//! - **apps/v1**: each key's contribution lives in sums and name-ordered sets; a plan reads
//!   their first items through the same budget rule [`plan`](crate::plan) uses.
//! - **OpenKruise Advanced DaemonSet**
//!   ([`DaemonSet::is_kruise`](crate::DaemonSet::is_kruise)): the index also sorts keys into the
//!   classes Kruise's update scope ranks (updated, no pod, old and selected by
//!   `rollingUpdate.selector`, old and not selected). The partition's lowest-ranked keys stay
//!   out of the budget sets between plans; a plan moves only the keys that entered or left the
//!   partition, and copies the held nodes from the previous plan when no class changed where
//!   that plan read it. `paused`, progressive creation and `burstReplicas` read counts the
//!   events keep.
//! - **`freeze`**: a flag on top of either.
//! - **A topology budget on its own**: the index keeps budget uses, candidates and desired
//!   nodes per domain; a plan lets each domain's first candidates through by the rule
//!   [`plan`](crate::plan) uses, walking the candidates in name order with a room per domain
//!   (and merging the domains' own sets instead when full domains' candidates pile up).
//! - **From scratch**: an update order other than by name, or a strict budget. Each plan is a
//!   full [`plan`](crate::plan) over the held objects (about 0.3 s at 100,000 nodes), because
//!   those orders rank candidates by what name-ordered sets do not keep (a label priority, node
//!   health, a canary list, the active domain and its gate), and the strict budget walks the
//!   unavailable old pods against the budget one by one.
//!
//! # Cost
//!
//! An event costs the keys it touches. [`Planner::plan_delta`](crate::Planner::plan_delta)
//! then makes the plan, but not from nothing: the plan's lists refer to objects at a version,
//! and an action or listed node whose object did not change is moved from the previous plan
//! rather than read again; the rolling update's deletes and a partition's held nodes are
//! copied from the previous plan when no set changed where that plan read them (an event far
//! from the first nodes by name does not touch them). What is left grows with the plan's size
//! only by a comparison per action and per listed node, a few nanoseconds each.
//!
//! At 100,000 nodes (`examples/scale.rs`, one run on a shared 2-core machine), an event and
//! its delta cost about 1.4 µs in a steady cluster, and mid-rollout with a 10% budget (250
//! actions a plan, the burst limit) about 3.7 µs for an Advanced DaemonSet with a partition of
//! 100 (100 held nodes) and 3.2 µs for a 2% zone budget. About half of that is the event
//! itself: the pod or node replaced, its key worked out again, and the cache misses of
//! reaching a random key among 100,000. The cost does grow with the plan where the plan
//! really changes: when a topology domain's room binds the chosen candidates (a 2% zone
//! budget at 10,000 nodes lets 201 through) a change of that room reads them again, about
//! 5 µs. A DaemonSet change recomputes what depends on it (the placements for a new template,
//! the pod facts for a new revision), which costs about as much as a plan. Building the
//! planner costs about 1.5 full plans at 10,000 nodes and 1.9 to 2.1 at 100,000 and 1,000,000
//! (see [`performance`](super::performance)).
//!
//! # A watch loop
//!
//! ```no_run
//! use daemonset_planner::{Action, DaemonSet, Node, PlanOptions, Planner, Pod, Time, render_pod};
//!
//! /// What the watches deliver, in order (a kube-rs watcher's Apply/Delete, a timer).
//! enum Event {
//!     NodeApplied(Node),
//!     NodeDeleted(String),
//!     PodApplied(Pod),
//!     PodDeleted { namespace: String, name: String },
//!     DaemonSetApplied(DaemonSet),
//!     Tick(Time),
//! }
//!
//! fn run(
//!     ds: DaemonSet,
//!     nodes: Vec<Node>,
//!     pods: Vec<Pod>,
//!     now: Time,
//!     events: impl Iterator<Item = Event>,
//! ) -> Result<(), daemonset_planner::PlanError> {
//!     let mut planner = Planner::new(ds, nodes, pods, PlanOptions::new(now))?;
//!     for event in events {
//!         match event {
//!             Event::NodeApplied(node) => planner.apply_node(node),
//!             Event::NodeDeleted(name) => {
//!                 planner.delete_node(&name);
//!             }
//!             Event::PodApplied(pod) => planner.apply_pod(pod),
//!             Event::PodDeleted { namespace, name } => {
//!                 planner.delete_pod(&namespace, &name);
//!             }
//!             Event::DaemonSetApplied(ds) => planner.set_daemon_set(ds),
//!             Event::Tick(now) => planner.set_now(now),
//!         }
//!         let delta = planner.plan_delta()?;
//!         let Some(plan) = planner.last_plan() else { continue };
//!         for action in &delta.added {
//!             match action {
//!                 Action::Create { node, .. } => {
//!                     let _pod = render_pod(planner.daemon_set(), node, &plan.revision);
//!                     // create it
//!                 }
//!                 Action::Delete { .. } => { /* delete it */ }
//!                 _ => { /* adopt or release: patch its ownerReferences */ }
//!             }
//!         }
//!         // Write plan.status when plan.status_changed; send a Tick after plan.requeue_after.
//!     }
//!     Ok(())
//! }
//! ```
