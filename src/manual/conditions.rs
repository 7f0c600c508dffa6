//! Rollout conditions, completion, and lints.
//!
//! Upstream's DaemonSet controller writes no conditions. [`conditions`](crate::conditions())
//! returns Deployment-style ones, each with a status, a CamelCase reason and a message, so that
//! dashboards and CI gates read them as they read a Deployment's:
//!
//! - **Available**: at most maxUnavailable nodes lack an available pod.
//! - **Progressing**: the rollout is moving.
//! - **Complete**: see below.
//! - **Stalled**: the rolling update fails, there was no progress for longer than a
//!   caller-given deadline since a caller-given last progress
//!   ([`rollout::ConditionOptions`](crate::rollout::ConditionOptions)), or NotReady nodes hold
//!   the whole budget (`"2 NotReady nodes hold the whole budget (maxUnavailable = 2): worker-3,
//!   worker-5; 3 old pod(s) wait"`).
//!
//! # When a rollout is complete
//!
//! [`rollout_complete`](crate::rollout_complete) is the one predicate behind Complete: the plan
//! was not skipped, it observed the DaemonSet's generation, it does nothing (no node joining,
//! leaving or changing; nothing deferred), and every desired node runs an available pod of the
//! current revision, except those a partition or update selector keeps. Desired 0 with nothing
//! to do is complete; OnDelete completes once every old pod was deleted and replaced; a paused
//! or frozen rollout does not complete while old pods remain.
//!
//! It judges the pods themselves. [`rollout_status`](crate::rollout_status()) instead judges the
//! stored status as `kubectl rollout status` does (see [`history`](super::history)).
//!
//! # Lints
//!
//! [`lint`](crate::lint) returns findings about a DaemonSet that the API server accepts but that
//! are probably not what its author meant, judged against the cluster's nodes
//! ([`lints::Lint`](crate::lints::Lint): severity, code, message, hint):
//!
//! | code | severity | finding |
//! | --- | --- | --- |
//! | `surge-host-port` | error | maxSurge with a hostPort, or hostNetwork with container ports: the surge pod can never start |
//! | `selector-looks-like-node-selector` | warning | the pod selector names node labels |
//! | `matches-no-node` | warning | no node can run the daemon |
//! | `tolerates-every-taint` | warning | an empty-key `Exists` toleration |
//! | `partition-covers-all` | warning | a Kruise partition keeps every node on the old revision |
//! | `update-selector-matches-no-node` | warning | a Kruise update selector picks no node |
//! | `node-selector-label-unknown` | warning | a nodeSelector key no node carries |
//! | `kruise-field-ignored` | info | a Kruise field on an apps/v1 object, which upstream ignores |
