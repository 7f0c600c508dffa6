//! How a ControllerRevision's template is compared with a DaemonSet's: as JSON values.
//!
//! Upstream compares Go's marshalled bytes, which no other language reproduces; comparing the
//! values instead ignores object key order and reads Go's `creationTimestamp: null` as absent,
//! so two templates the API server stores identically match here as they do upstream.

use serde_json::Value;

use crate::model::{ControllerRevision, PodTemplateSpec};

/// A template as the JSON value templates are compared by.
pub(super) fn template_value(template: &PodTemplateSpec) -> Value {
    // Serializing plain data into a Value cannot fail; an impossible failure matches nothing.
    serde_json::to_value(template).unwrap_or(Value::Null)
}

/// Whether the revision stores the template whose value is `template`.
pub(super) fn matches_template(revision: &ControllerRevision, template: &Value) -> bool {
    !template.is_null()
        && revision
            .pod_template()
            .is_some_and(|stored| template_value(&stored) == *template)
}
