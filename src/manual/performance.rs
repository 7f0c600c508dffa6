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
//! A [`Planner`](crate::Planner) event costs about a microsecond in a steady cluster and a few
//! mid-rollout (see [`incremental`](super::incremental)).
//!
//! # Loading
//!
//! Reading the cluster costs more than planning it. End to end, `kubectl-dsplan` (release
//! build) on dumps shaped as `kubectl get -o json|yaml` prints them (EKS-style nodes with 40
//! cached images each, pods with containers, volumes and statuses), measured with
//! `/usr/bin/time -v` on the same shared 2-core machine under a load average of 5 to 6, so wall
//! clock is inflated; CPU is user plus system time:
//!
//! | input | size | wall clock | CPU | peak RSS |
//! | --- | --- | --- | --- | --- |
//! | 5,000 nodes, 150,000 pods, one JSON `List` (`--cluster`) | 913 MB | 6.8 s | 3.3 s | 620 MB |
//! | the same from a pipe (`--cluster -`) | 913 MB | 5.0 s | 3.5 s | 620 MB |
//! | the same as separate DaemonSet, node and pod files | 913 MB | 5.1 s | 3.4 s | 527 MB |
//! | 5,000 nodes, 20,000 pods, JSON files | 207 MB | 0.8 s | 0.7 s | 104 MB |
//! | 5,000 nodes, 20,000 pods, YAML files | 102 MB | 9.6 s | 6.4 s | 106 MB |
//!
//! JSON is read with serde_json and YAML with serde-saphyr, both straight into the model as the
//! parser goes (see [`hostile`](super::hostile) for the limits), so the peak follows what the
//! model keeps rather than the input: below the dump's size. The same objects take about nine
//! times longer as YAML than as JSON; large clusters are best dumped as JSON. `cargo run
//! --release --example load_scale` times loading alone against the same parser reading into
//! `IgnoredAny`.
//!
//! # Reproducing
//!
//! ```sh
//! cargo run --release --example scale      # the planning table, one line per size
//! cargo bench --bench plan                 # criterion: 1,000 to 100,000 nodes, four scenarios
//! cargo bench --bench preview
//! cargo bench --bench incremental
//! cargo bench --bench load                 # loading: 500 nodes x 30 pods, one DaemonSet
//! cargo run --release --example load_scale # loading 500 and 5,000 nodes x 30 pods vs the parser
//! ```
