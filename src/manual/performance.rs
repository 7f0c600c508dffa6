//! Performance: what a plan costs.
//!
//! A plan reads each node once for its placement (the template's selector, affinity and
//! tolerations are compiled once per plan), each pod once for its claim and the facts every
//! later step needs, joins pods to nodes by name, and then works on compact per-node arrays for
//! manage, the rolling update and status. It allocates in bulk, not per node: the only
//! allocations that grow with the cluster are the plan's own output (an action's pod or node
//! name, a node listed in the rolling-update batch).
//!
//! The pod-to-node join copies names side by side behind a table of 4-byte places, and beyond
//! 131,072 nodes splits nodes and pods by hash into cache-sized partitions, so no step probes
//! memory at random across the whole cluster. The cost per node therefore grows only slowly
//! with the cluster's size.
//!
//! # Figures
//!
//! From `cargo run --release --example scale`, steady state with a six-term `NotIn` node
//! affinity, on a shared 2-core machine (absolute figures move by ±15% between runs, so compare
//! ratios within one run). The floor is a plain loop that reads what any plan must read once
//! (each node's name, labels and taints; each pod's owner references, node name and phase).
//!
//! | nodes | plan | input-scan floor | ratio | allocations per node |
//! | --- | --- | --- | --- | --- |
//! | 10,000 | 141 ns/node | 65 ns/node | 2.2× | 0.005 |
//! | 100,000 | 238 ns/node | 113 ns/node | 2.1× | 0.0005 |
//! | 1,000,000 | 305 ns/node | 117 ns/node | 2.6× | 0.0001 |
//!
//! At 100,000 nodes (criterion medians, one run): floor 12.1 ms; steady plan 17.0 ms without
//! affinity, 24.3 ms with the six-term `NotIn`; fresh (no pods) 31.7 ms; mid-rollout 30.9 ms; 1%
//! of nodes churned 25.1 ms. A fresh DaemonSet allocates about one name per node, for the
//! batch's list of nodes that use the update budget. The rollout preview of 1,000 nodes at
//! maxUnavailable 10% takes 10.7 ms.
//!
//! A [`Planner`](crate::Planner) event costs about a microsecond (see
//! [`incremental`](super::incremental)). Loading YAML costs far more than planning it (see
//! [`hostile`](super::hostile)).
//!
//! # Reproducing
//!
//! ```sh
//! cargo run --release --example scale      # the table above, one line per size
//! cargo bench --bench plan                 # criterion: 1,000 to 100,000 nodes, four scenarios
//! cargo bench --bench preview
//! cargo bench --bench incremental
//! cargo bench --bench load                 # manifest loading
//! ```
