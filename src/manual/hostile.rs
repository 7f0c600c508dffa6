//! Hostile input and documented limits.
//!
//! Every input gets a typed error with its place (`document 0: daemonset default/agent:
//! spec.minReadySeconds: ...`, a [`validation::FieldError`](crate::validation::FieldError) path,
//! a [`PlanError`](crate::PlanError)) or a plan; never a panic, a hang or a memory blow-up.
//! Each case is decided as Kubernetes decides it:
//!
//! - what the API server accepts is accepted and planned as upstream's controller plans it (a
//!   BOM, CRLF, a pod on a vanished node, timestamps in years 0001 and 9999 with offsets, a
//!   clock behind every creation timestamp);
//! - what it rejects is a `LoadError` (not YAML, a scalar where an object belongs,
//!   `maxUnavailable` beyond 32 bits) or a validation error from
//!   [`validate_daemonset`](crate::validate_daemonset),
//!   [`validate_node`](crate::validate_node) or [`validate_pod`](crate::validate_pod)
//!   (`"99999999999999999999%"`, `"10.5%"`, negative numbers, unknown taint effects and
//!   toleration operators, non-ASCII names and label values, owner references without a uid);
//! - states no cluster can be in (two nodes with one name) are a [`PlanError`](crate::PlanError).
//!
//! The planner itself reads an unknown taint effect or operator as matching nothing, as
//! upstream does, rather than refusing the object.
//!
//! # Limits
//!
//! All of them are errors rather than crashes. The loader's are the fields of `load::Limits`,
//! settable through `load::LoadOptions`; the defaults are:
//!
//! | limit | default | error |
//! | --- | --- | --- |
//! | input size (`max_input_bytes`) | 64 GiB, counted as the bytes arrive (memory follows the objects kept, not the input; this guards against endless streams) | `LoadError::TooLarge` |
//! | nesting depth (`max_depth`) | 64 levels of mappings and sequences, block or flow (Kubernetes objects nest about 20) | `LoadError::Limit` |
//! | documents (`max_documents`) | 1,000,000 in a YAML stream, empty ones included | `LoadError::Limit` |
//! | YAML nodes (`max_nodes`) | 1,000,000,000 in a stream, every copy an alias makes counted (a 1 GB dump holds about 60 million) | `LoadError::Limit` |
//! | alias expansion in bytes (`max_expanded_bytes`) | 64 MiB: scalars repeated by aliases may add at most this to the input's size, so a 1 MiB string aliased 3,000 times stops after 64 copies | `LoadError::Limit` |
//! | alias expansion in nodes (`max_alias_nodes`) | 100,000 nodes repeated by aliases per document (stops the "billion laughs") | `LoadError::Limit` |
//! | integers | 64 bits; 32 bits where Kubernetes has an `int32` (`minReadySeconds`, int `maxUnavailable`) | `LoadError::Field` |
//! | timestamps | years 0001 to 9999 in UTC, whole seconds | `LoadError::Field` |
//! | messages | values over 200 bytes and messages over 1,000 bytes are cut and marked with their length | |
//! | plan size | 4,294,967,295 nodes and as many pods (a plan keeps `u32` indexes per node and pod) | [`PlanError::InputTooLarge`](crate::PlanError::InputTooLarge) |
//!
//! YAML is parsed by serde-saphyr, which streams and applies the depth, document, node and
//! alias budgets as it parses; JSON (input starting with `{"`) by serde_json, with the depth
//! limit applied as objects are read. Nodes, pods and ControllerRevisions are read straight
//! into the model, without a value tree, and a DaemonSet (one object, checked against the
//! schema) through a JSON value, so memory is bounded by what the model keeps, not by the
//! input. A 1 MiB string anchored once and aliased 3,000 times (3 GiB once expanded) is refused
//! by `kubectl-dsplan` in 0.06 s with exit code 2, under a 512 MB address-space limit.
//!
//! Loading still costs more than planning: `kubectl-dsplan` reads and plans a 913 MB JSON dump
//! of 5,000 nodes and 150,000 pods in about 3.3 s of CPU with a 620 MB peak, and 102 MB of YAML
//! (5,000 nodes, 20,000 pods) in about 6.4 s with a 106 MB peak (see
//! [`performance`](super::performance)).
//!
//! The loader is behind the `yaml` feature; its types are in the `load` module when the feature
//! is on.
