//! The switches that change what validation accepts.

/// Switches that change what validation accepts, mirroring API server feature gates.
///
/// ```
/// use daemonset_planner::validation::ValidationOptions;
/// let opts = ValidationOptions::default().with_taint_comparison_operators(true);
/// assert!(opts.taint_comparison_operators);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationOptions {
    /// Accept the `Lt` and `Gt` toleration operators (the alpha feature gate
    /// `TaintTolerationComparisonOperators`, off by default). When on, their value must be a
    /// canonical decimal integer, the only form the matcher can compare.
    pub taint_comparison_operators: bool,
}

impl ValidationOptions {
    /// These options with the `Lt`/`Gt` toleration operators accepted or not.
    #[must_use]
    pub const fn with_taint_comparison_operators(mut self, enabled: bool) -> Self {
        self.taint_comparison_operators = enabled;
        self
    }
}
