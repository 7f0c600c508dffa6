//! Kubernetes' own schema of the objects a user writes: which fields exist, where.
//!
//! The loader walks a user-written manifest (a DaemonSet, `apps/v1` or OpenKruise's) against
//! these tables before deserializing it, so that a field Kubernetes does not know is refused as
//! `kubectl apply` refuses it, while a real field this crate does not model is never an error.

/// A field of a manifest that Kubernetes' schema of the object does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownField {
    /// The path of the object holding the field, as `spec.template.spec` (empty at the top).
    pub path: String,
    /// The key as written.
    pub field: String,
    /// The known field it probably means (a near miss or a known confusion), if any.
    pub suggestion: Option<String>,
}

/// Every field of `object` (a whole manifest document, `apiVersion` and `kind` included) that
/// its kind's schema does not have, in document order. Objects of kinds without a schema here
/// yield nothing.
// Placeholder until the full schema lands: nothing is flagged.
pub(crate) fn unknown_fields(object: &serde_json::Value) -> Vec<UnknownField> {
    let _ = object;
    Vec::new()
}
