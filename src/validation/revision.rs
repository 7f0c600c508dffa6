//! ControllerRevisions, as the API server validates them.

use crate::model::ControllerRevision;

use super::collector::Collector;
use super::errors::ValidationErrors;
use super::metadata::{Scope, daemonset_name, validate_object_meta};

/// Validates a ControllerRevision the way the API server does (`ValidateControllerRevision`):
/// metadata (the name a DNS-1123 subdomain, labels, annotations, owner references, finalizers),
/// `data` present, and `revision` not negative. These rules have held since ControllerRevisions
/// exist, so a revision read from a cluster always passes them.
///
/// ```
/// use daemonset_planner::{validate_revision, ControllerRevision};
/// let mut revision = ControllerRevision::default();
/// revision.metadata.name = "fluentd-5d8f6c9b7".into();
/// revision.data = serde_json::json!({"spec": {"template": {"$patch": "replace"}}});
/// revision.revision = -1;
/// let errors = validate_revision(&revision).unwrap_err();
/// assert_eq!(errors.errors[0].path, "revision");
/// ```
pub fn validate_revision(revision: &ControllerRevision) -> Result<(), ValidationErrors> {
    let mut out = Collector::default();
    validate_object_meta(&revision.metadata, Scope::Namespaced, &mut out);
    if revision.data.is_null() {
        out.required(
            "data",
            "data is mandatory",
            "a revision records the DaemonSet's template in `data`: export it with `kubectl get \
             controllerrevision NAME -o yaml`",
        );
    }
    if revision.revision < 0 {
        out.invalid(
            "revision",
            revision.revision,
            "must be greater than or equal to 0",
            "revision numbers count up from 1; export the revision again",
        );
    }
    out.finish(format!(
        "controllerrevision {}",
        daemonset_name(&revision.metadata)
    ))
}
