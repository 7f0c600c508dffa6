//! The pod spec of a pod read from a cluster: the fields planning, explaining and history
//! read, without the containers, volumes and the rest a created pod's spec keeps.

use serde::Deserialize;

use crate::model::{Affinity, Labels, NodeAffinity, PodSpec, Toleration};

/// `Pod.spec` as read from a cluster: [`PodSpec`] without [`PodSpec::other`], so that the
/// parser skips containers, volumes and every other field instead of keeping them.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ClusterPodSpec {
    #[serde(default)]
    node_name: String,
    #[serde(default)]
    node_selector: Labels,
    #[serde(default)]
    affinity: Option<ClusterAffinity>,
    #[serde(default)]
    tolerations: Vec<Toleration>,
    #[serde(default)]
    host_network: bool,
    #[serde(default)]
    restart_policy: String,
    #[serde(default)]
    active_deadline_seconds: Option<i64>,
}

/// `spec.affinity` of a pod read from a cluster: node affinity only.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClusterAffinity {
    #[serde(default)]
    node_affinity: Option<NodeAffinity>,
}

impl From<ClusterPodSpec> for PodSpec {
    fn from(spec: ClusterPodSpec) -> PodSpec {
        PodSpec {
            node_name: spec.node_name,
            node_selector: spec.node_selector,
            affinity: spec.affinity.map(|affinity| Affinity {
                node_affinity: affinity.node_affinity,
                other: Default::default(),
            }),
            tolerations: spec.tolerations,
            host_network: spec.host_network,
            restart_policy: spec.restart_policy,
            active_deadline_seconds: spec.active_deadline_seconds,
            other: Default::default(),
        }
    }
}
