//! The ControllerRevision (`apps/v1`): one entry of a DaemonSet's template history.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{ObjectMeta, PodTemplateSpec, REVISION_HASH_LABEL};

/// A ControllerRevision: a snapshot of a DaemonSet's pod template, numbered.
///
/// The DaemonSet controller keeps one per distinct template it has run (`kubectl rollout
/// history daemonset/NAME` lists them). [`ControllerRevision::data`] is kept verbatim; for a
/// DaemonSet it is a strategic merge patch `{"spec": {"template": {..., "$patch": "replace"}}}`
/// that restores the template, which [`ControllerRevision::pod_template`] reads back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ControllerRevision {
    /// `apiVersion`, normally `apps/v1`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    /// `kind`, normally `ControllerRevision`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// Name, namespace, labels (with `controller-revision-hash`), owner references.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The revision's state, verbatim (for a DaemonSet: the template patch).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub data: Value,
    /// The revision number: higher is newer; the current template's revision has the highest.
    #[serde(default)]
    pub revision: i64,
}

impl ControllerRevision {
    /// The `controller-revision-hash` label, if the revision has one.
    pub fn hash(&self) -> Option<&str> {
        self.metadata
            .labels
            .get(REVISION_HASH_LABEL)
            .map(String::as_str)
    }

    /// The pod template stored in [`ControllerRevision::data`] (`data.spec.template`, without
    /// the `$patch` directive), or `None` when the data holds no template this crate can read.
    ///
    /// ```
    /// use daemonset_planner::ControllerRevision;
    /// let revision = ControllerRevision {
    ///     data: serde_json::json!({"spec": {"template": {
    ///         "$patch": "replace",
    ///         "metadata": {"creationTimestamp": null, "labels": {"app": "agent"}},
    ///         "spec": {"containers": [{"name": "agent", "image": "agent:v2"}]},
    ///     }}}),
    ///     ..Default::default()
    /// };
    /// let template = revision.pod_template().unwrap();
    /// assert_eq!(template.metadata.labels["app"], "agent");
    /// assert_eq!(template.spec.other["containers"][0]["image"], "agent:v2");
    /// ```
    pub fn pod_template(&self) -> Option<PodTemplateSpec> {
        let mut template = self.data.get("spec")?.get("template")?.clone();
        template.as_object_mut()?.remove("$patch");
        serde_json::from_value(template).ok()
    }
}
