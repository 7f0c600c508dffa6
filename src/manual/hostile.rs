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
//! All of them are errors rather than crashes:
//!
//! | limit | value | error |
//! | --- | --- | --- |
//! | input size | 256 MiB (`load::MAX_INPUT_BYTES`); a reader is read one byte past it at most | `LoadError::TooLarge` |
//! | nesting depth | 128 levels of any nesting | `LoadError::Syntax` |
//! | flow nesting | 1,000 levels of `[` and `{`, checked before parsing, because the YAML parser's cost per token grows with the flow depth | `LoadError::Syntax` |
//! | alias expansion | 100 alias jumps per event, and at most one YAML node per input byte plus 100,000 per stream | `LoadError::Syntax` |
//! | integers | 64 bits in YAML; 32 bits where Kubernetes has an `int32` (`minReadySeconds`, int `maxUnavailable`) | `LoadError::Syntax`, `LoadError::Field` |
//! | timestamps | years 0001 to 9999 in UTC, whole seconds | `LoadError::Field` |
//! | messages | values over 200 bytes and messages over 1,000 bytes are cut and marked with their length | |
//! | plan size | 4,294,967,295 nodes and as many pods (a plan keeps `u32` indexes per node and pod) | [`PlanError::InputTooLarge`](crate::PlanError::InputTooLarge) |
//!
//! Loading is the expensive part: it runs at roughly 8 MB of YAML per second and peaks at about
//! 16 times the input in memory, so the 256 MiB cap also bounds memory, at about 4 GiB. A
//! `NodeList` of 1,000,000 nodes (124 MiB) loads in 16 s with a 2.0 GiB peak and plans in about
//! 1 s (release build).
//!
//! The loader is behind the `yaml` feature; its types are in the `load` module when the feature
//! is on.
