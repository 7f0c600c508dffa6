//! Object metadata: the subset of `metav1.ObjectMeta` the planner reads and writes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Time;

/// Labels or annotations: keys sorted, as Kubernetes prints them.
pub type Labels = BTreeMap<String, String>;

/// The metadata every Kubernetes object carries (the fields the planner uses).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    /// `metadata.name`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// `metadata.generateName`: the prefix the API server completes with random characters.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub generate_name: String,
    /// `metadata.namespace`; empty for cluster-scoped objects such as nodes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// `metadata.uid`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    /// `metadata.generation`: bumped by the API server on every spec change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
    /// `metadata.labels`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: Labels,
    /// `metadata.annotations`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: Labels,
    /// `metadata.ownerReferences`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owner_references: Vec<OwnerReference>,
    /// `metadata.finalizers` (copied from the template onto created pods).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Vec<String>,
    /// `metadata.creationTimestamp`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<Time>,
    /// `metadata.deletionTimestamp`: set once the object is being deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<Time>,
}

/// One entry of `metadata.ownerReferences`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerReference {
    /// API version of the owner, e.g. `apps/v1`.
    #[serde(default)]
    pub api_version: String,
    /// Kind of the owner, e.g. `DaemonSet`.
    #[serde(default)]
    pub kind: String,
    /// Name of the owner.
    #[serde(default)]
    pub name: String,
    /// UID of the owner: what ownership is decided on.
    #[serde(default)]
    pub uid: String,
    /// Whether this reference points to the managing controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    /// Whether the owner cannot be deleted before this object (foreground deletion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
}

impl ObjectMeta {
    /// The controller reference: the first owner reference with `controller: true`.
    pub fn controller_ref(&self) -> Option<&OwnerReference> {
        self.owner_references
            .iter()
            .find(|owner| owner.controller == Some(true))
    }

    /// `namespace/name`, or just `name` for cluster-scoped objects; used in error messages.
    pub fn display_name(&self) -> String {
        match (self.namespace.is_empty(), self.name.is_empty()) {
            (_, true) if !self.generate_name.is_empty() => format!("{}*", self.generate_name),
            (true, _) => self.name.clone(),
            (false, _) => format!("{}/{}", self.namespace, self.name),
        }
    }
}
