//! The pod the controller creates for a node.

use crate::model::{
    Affinity, DaemonSet, NodeAffinity, NodeSelector, NodeSelectorOperator, NodeSelectorRequirement,
    NodeSelectorTerm, ObjectMeta, OwnerReference, Pod, PodStatus, REVISION_HASH_LABEL,
    RollingUpdateType, TEMPLATE_GENERATION_LABEL,
};

/// The readiness gate OpenKruise adds to pods it may update in place.
const IN_PLACE_UPDATE_READY: &str = "InPlaceUpdateReady";
use crate::scheduling::{NODE_NAME_FIELD, daemon_tolerations};
use crate::syntax::is_dns1123_subdomain;

/// Renders the full pod upstream's controller creates on `node` for revision `revision`: the
/// template with the default daemon tolerations merged in, the `controller-revision-hash` (and,
/// when the DaemonSet has a template generation, `pod-template-generation`) label, a controller
/// owner reference, `generateName: <daemonset>-`, and the required node affinity replaced by
/// the single term `metadata.name In [node]` (preferred terms and other affinity kept). Every
/// template field this crate does not model is carried over verbatim, so the result serializes
/// to a manifest `kubectl create` accepts.
///
/// For an OpenKruise Advanced DaemonSet the owner reference carries its apiVersion, and with
/// `rollingUpdateType: InPlaceIfPossible` the pod gets the `InPlaceUpdateReady` readiness gate,
/// as Kruise's controller adds them.
///
/// ```
/// use daemonset_planner::{render_pod, DaemonSet};
/// let mut ds = DaemonSet::default();
/// ds.metadata.name = "fluentd".into();
/// ds.metadata.namespace = "kube-system".into();
/// let pod = render_pod(&ds, "worker-1", "5d4b8c9f6");
/// assert_eq!(pod.metadata.generate_name, "fluentd-");
/// assert_eq!(pod.metadata.labels["controller-revision-hash"], "5d4b8c9f6");
/// ```
pub fn render_pod(daemon_set: &DaemonSet, node: &str, revision: &str) -> Pod {
    let template = &daemon_set.spec.template;
    let mut labels = template.metadata.labels.clone();
    if let Some(generation) = daemon_set.template_generation() {
        labels.insert(TEMPLATE_GENERATION_LABEL.to_owned(), generation.to_string());
    }
    if !revision.is_empty() {
        labels.insert(REVISION_HASH_LABEL.to_owned(), revision.to_owned());
    }
    let name = &daemon_set.metadata.name;
    // The API server appends random characters; a name that would not stay a valid prefix with
    // a dash goes without it, as upstream does.
    let generate_name = if is_dns1123_subdomain(&format!("{name}a")) {
        format!("{name}-")
    } else {
        name.clone()
    };
    let mut spec = template.spec.clone();
    spec.tolerations = daemon_tolerations(&template.spec);
    let pin = NodeSelector {
        node_selector_terms: vec![NodeSelectorTerm {
            match_expressions: Vec::new(),
            match_fields: vec![NodeSelectorRequirement {
                key: NODE_NAME_FIELD.to_owned(),
                operator: NodeSelectorOperator::In,
                values: vec![node.to_owned()],
            }],
        }],
    };
    let affinity = spec.affinity.get_or_insert_with(Affinity::default);
    let node_affinity = affinity
        .node_affinity
        .get_or_insert_with(NodeAffinity::default);
    match node_affinity.required.as_mut() {
        Some(required) => required.node_selector_terms = pin.node_selector_terms,
        None => node_affinity.required = Some(pin),
    }
    let in_place = daemon_set
        .kruise_rolling_update()
        .and_then(|r| r.rolling_update_type.as_ref())
        == Some(&RollingUpdateType::InPlaceIfPossible);
    if in_place {
        let gate = serde_json::json!({"conditionType": IN_PLACE_UPDATE_READY});
        match spec.other.get_mut("readinessGates") {
            Some(serde_json::Value::Array(gates)) => gates.push(gate),
            _ => {
                spec.other.insert(
                    "readinessGates".to_owned(),
                    serde_json::Value::Array(vec![gate]),
                );
            }
        }
    }
    let owner_api_version = if daemon_set.is_kruise() {
        daemon_set.api_version.clone()
    } else {
        "apps/v1".to_owned()
    };
    Pod {
        api_version: "v1".to_owned(),
        kind: "Pod".to_owned(),
        metadata: ObjectMeta {
            generate_name,
            namespace: daemon_set.metadata.namespace.clone(),
            labels,
            annotations: template.metadata.annotations.clone(),
            finalizers: template.metadata.finalizers.clone(),
            owner_references: vec![OwnerReference {
                api_version: owner_api_version,
                kind: "DaemonSet".to_owned(),
                name: name.clone(),
                uid: daemon_set.metadata.uid.clone(),
                controller: Some(true),
                block_owner_deletion: Some(true),
            }],
            ..ObjectMeta::default()
        },
        spec,
        status: PodStatus::default(),
    }
}
