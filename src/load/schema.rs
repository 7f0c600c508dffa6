//! Which fields this crate models, where: a small static tree walked over a document before it
//! is deserialized.
//!
//! For nodes, pods, ControllerRevisions and lists, it catches misspelt top-level keys that
//! serde would silently ignore: a key is flagged when it is not a field of the object but
//! differs from one this crate models only by letter case or by a small edit distance
//! (optimal string alignment distance, on lowercase: 1, or 2 for field names of 10 characters
//! or more). Every other unknown key is ignored, since real objects carry many fields this
//! crate does not model; to keep those from being flagged, each schema also lists the real
//! Kubernetes fields it does not model.
//!
//! For DaemonSets, which people write, Kubernetes' whole schema ([`crate::schema`]) finds
//! unknown fields (every typo this tree would find, and more); the tree here only drops
//! modelled fields set to `null` ([`drop_nulls`]).

use serde_json::Value;

/// The fields of one Kubernetes object or struct.
pub(super) struct Schema {
    /// The fields this crate models and what each holds.
    fields: &'static [(&'static str, Shape)],
    /// Real Kubernetes fields this crate does not model: never flagged.
    unmodelled: &'static [&'static str],
}

/// What a modelled field holds.
#[derive(Clone, Copy)]
enum Shape {
    /// A scalar, or a map or list checked no further (labels, values, int-or-string).
    Leaf,
    /// A struct with a schema.
    Object(&'static Schema),
    /// A list of structs with a schema.
    ListOf(&'static Schema),
}

impl Schema {
    fn field(&self, name: &str) -> Option<Shape> {
        self.fields
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, shape)| *shape)
    }

    /// The modelled field `key` probably means, if it is not a field here.
    pub(super) fn suggestion(&self, key: &str) -> Option<&'static str> {
        if self.field(key).is_some() || self.unmodelled.contains(&key) {
            return None;
        }
        let key: Vec<char> = key.chars().flat_map(char::to_lowercase).collect();
        self.fields
            .iter()
            .filter_map(|(field, _)| {
                let lower: Vec<char> = field.chars().flat_map(char::to_lowercase).collect();
                let allowed = if lower.len() >= 10 { 2 } else { 1 };
                let distance = bounded_distance(&key, &lower, allowed)?;
                Some((distance, *field))
            })
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, field)| field)
    }
}

/// Drops the modelled fields of `value` set to `null`, recursively (the API server reads them
/// as absent; serde would reject a `null` string or list).
pub(super) fn drop_nulls(value: &mut Value, schema: &Schema) {
    let Value::Object(mapping) = value else {
        return;
    };
    mapping.retain(|key, value| !(value.is_null() && schema.field(key).is_some()));
    for (key, child) in mapping.iter_mut() {
        match schema.field(key) {
            Some(Shape::Object(inner)) => drop_nulls(child, inner),
            Some(Shape::ListOf(inner)) => {
                if let Value::Array(items) = child {
                    for item in items {
                        drop_nulls(item, inner);
                    }
                }
            }
            Some(Shape::Leaf) | None => {}
        }
    }
}

/// The optimal string alignment distance between `a` and `b` (edits: insert, delete,
/// substitute, swap two adjacent characters), when it is at most `limit`.
fn bounded_distance(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let at = |row: &[usize], j: usize| row.get(j).copied().unwrap_or(usize::MAX / 2);
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut prior_char: Option<char> = None;
    for (i, &ca) in a.iter().enumerate() {
        let mut current = Vec::with_capacity(b.len().saturating_add(1));
        current.push(i.saturating_add(1));
        let mut prior_b: Option<char> = None;
        for (j, &cb) in b.iter().enumerate() {
            let substitute = at(&previous, j).saturating_add(usize::from(ca != cb));
            let delete = at(&previous, j.saturating_add(1)).saturating_add(1);
            let insert = at(&current, j).saturating_add(1);
            let mut best = substitute.min(delete).min(insert);
            if prior_char == Some(cb) && prior_b == Some(ca) {
                best = best.min(at(&before, j.wrapping_sub(1)).saturating_add(1));
            }
            current.push(best);
            prior_b = Some(cb);
        }
        before = previous;
        previous = current;
        prior_char = Some(ca);
    }
    Some(at(&previous, b.len())).filter(|distance| *distance <= limit)
}

const fn schema(
    fields: &'static [(&'static str, Shape)],
    unmodelled: &'static [&'static str],
) -> Schema {
    Schema { fields, unmodelled }
}

/// `apps/v1 DaemonSet`.
pub(super) static DAEMONSET: Schema = schema(
    &[
        ("apiVersion", Shape::Leaf),
        ("kind", Shape::Leaf),
        ("metadata", Shape::Object(&OBJECT_META)),
        ("spec", Shape::Object(&DAEMONSET_SPEC)),
        ("status", Shape::Object(&DAEMONSET_STATUS)),
    ],
    &[],
);

/// `v1 Node`.
pub(super) static NODE: Schema = schema(
    &[
        ("apiVersion", Shape::Leaf),
        ("kind", Shape::Leaf),
        ("metadata", Shape::Object(&OBJECT_META)),
        ("spec", Shape::Object(&NODE_SPEC)),
        ("status", Shape::Object(&NODE_STATUS)),
    ],
    &[],
);

/// `v1 Pod`.
pub(super) static POD: Schema = schema(
    &[
        ("apiVersion", Shape::Leaf),
        ("kind", Shape::Leaf),
        ("metadata", Shape::Object(&OBJECT_META)),
        ("spec", Shape::Object(&POD_SPEC)),
        ("status", Shape::Object(&POD_STATUS)),
    ],
    &[],
);

/// `apps/v1 ControllerRevision`: `data` is kept verbatim, so nothing inside it is checked.
pub(super) static CONTROLLER_REVISION: Schema = schema(
    &[
        ("apiVersion", Shape::Leaf),
        ("kind", Shape::Leaf),
        ("metadata", Shape::Object(&OBJECT_META)),
        ("data", Shape::Leaf),
        ("revision", Shape::Leaf),
    ],
    &[],
);

/// A `List` or typed list, apart from its items (checked each against its kind's schema).
pub(super) static LIST: Schema = schema(
    &[
        ("apiVersion", Shape::Leaf),
        ("kind", Shape::Leaf),
        ("metadata", Shape::Leaf),
        ("items", Shape::Leaf),
    ],
    &[],
);

static OBJECT_META: Schema = schema(
    &[
        ("name", Shape::Leaf),
        ("generateName", Shape::Leaf),
        ("namespace", Shape::Leaf),
        ("uid", Shape::Leaf),
        ("generation", Shape::Leaf),
        ("labels", Shape::Leaf),
        ("annotations", Shape::Leaf),
        ("ownerReferences", Shape::ListOf(&OWNER_REFERENCE)),
        ("finalizers", Shape::Leaf),
        ("creationTimestamp", Shape::Leaf),
        ("deletionTimestamp", Shape::Leaf),
    ],
    &[
        "selfLink",
        "resourceVersion",
        "deletionGracePeriodSeconds",
        "managedFields",
        "clusterName",
    ],
);

static OWNER_REFERENCE: Schema = schema(
    &[
        ("apiVersion", Shape::Leaf),
        ("kind", Shape::Leaf),
        ("name", Shape::Leaf),
        ("uid", Shape::Leaf),
        ("controller", Shape::Leaf),
        ("blockOwnerDeletion", Shape::Leaf),
    ],
    &[],
);

static DAEMONSET_SPEC: Schema = schema(
    &[
        ("selector", Shape::Object(&LABEL_SELECTOR)),
        ("template", Shape::Object(&POD_TEMPLATE)),
        ("updateStrategy", Shape::Object(&UPDATE_STRATEGY)),
        ("minReadySeconds", Shape::Leaf),
        ("revisionHistoryLimit", Shape::Leaf),
        // Advanced DaemonSet (apps.kruise.io) only.
        ("burstReplicas", Shape::Leaf),
        ("scaleStrategy", Shape::Object(&SCALE_STRATEGY)),
    ],
    // extensions/v1beta1 only; still found in old manifests. Then Advanced DaemonSet fields
    // this crate does not model.
    &["templateGeneration", "lifecycle", "nodePatches"],
);

/// An Advanced DaemonSet's `spec.scaleStrategy` (apps.kruise.io/v1beta1).
static SCALE_STRATEGY: Schema = schema(&[("partitionedScaling", Shape::Leaf)], &[]);

static LABEL_SELECTOR: Schema = schema(
    &[
        ("matchLabels", Shape::Leaf),
        ("matchExpressions", Shape::ListOf(&SELECTOR_REQUIREMENT)),
    ],
    &[],
);

/// A label selector requirement or a node selector requirement: the same three fields.
static SELECTOR_REQUIREMENT: Schema = schema(
    &[
        ("key", Shape::Leaf),
        ("operator", Shape::Leaf),
        ("values", Shape::Leaf),
    ],
    &[],
);

static UPDATE_STRATEGY: Schema = schema(
    &[
        ("type", Shape::Leaf),
        ("rollingUpdate", Shape::Object(&ROLLING_UPDATE)),
    ],
    &[],
);

static ROLLING_UPDATE: Schema = schema(
    &[
        ("maxUnavailable", Shape::Leaf),
        ("maxSurge", Shape::Leaf),
        // Advanced DaemonSet (apps.kruise.io) only.
        ("rollingUpdateType", Shape::Leaf),
        ("partition", Shape::Leaf),
        ("paused", Shape::Leaf),
        ("selector", Shape::Object(&LABEL_SELECTOR)),
    ],
    &[],
);

static DAEMONSET_STATUS: Schema = schema(
    &[
        ("desiredNumberScheduled", Shape::Leaf),
        ("currentNumberScheduled", Shape::Leaf),
        ("numberMisscheduled", Shape::Leaf),
        ("numberReady", Shape::Leaf),
        ("updatedNumberScheduled", Shape::Leaf),
        ("numberAvailable", Shape::Leaf),
        ("numberUnavailable", Shape::Leaf),
        ("observedGeneration", Shape::Leaf),
        ("collisionCount", Shape::Leaf),
        ("conditions", Shape::Leaf),
    ],
    &[],
);

static POD_TEMPLATE: Schema = schema(
    &[
        ("metadata", Shape::Object(&OBJECT_META)),
        ("spec", Shape::Object(&POD_SPEC)),
    ],
    &[],
);

static POD_SPEC: Schema = schema(
    &[
        ("nodeName", Shape::Leaf),
        ("nodeSelector", Shape::Leaf),
        ("affinity", Shape::Object(&AFFINITY)),
        ("tolerations", Shape::ListOf(&TOLERATION)),
        ("hostNetwork", Shape::Leaf),
        ("restartPolicy", Shape::Leaf),
        ("activeDeadlineSeconds", Shape::Leaf),
    ],
    &[
        "volumes",
        "initContainers",
        "containers",
        "ephemeralContainers",
        "terminationGracePeriodSeconds",
        "dnsPolicy",
        "serviceAccountName",
        "serviceAccount",
        "automountServiceAccountToken",
        "hostPID",
        "hostIPC",
        "hostUsers",
        "shareProcessNamespace",
        "securityContext",
        "imagePullSecrets",
        "hostname",
        "subdomain",
        "schedulerName",
        "hostAliases",
        "priorityClassName",
        "priority",
        "dnsConfig",
        "readinessGates",
        "runtimeClassName",
        "enableServiceLinks",
        "preemptionPolicy",
        "overhead",
        "topologySpreadConstraints",
        "setHostnameAsFQDN",
        "os",
        "schedulingGates",
        "resourceClaims",
        "resources",
        "hostnameOverride",
    ],
);

static AFFINITY: Schema = schema(
    &[("nodeAffinity", Shape::Object(&NODE_AFFINITY))],
    &["podAffinity", "podAntiAffinity"],
);

static NODE_AFFINITY: Schema = schema(
    &[
        (
            "requiredDuringSchedulingIgnoredDuringExecution",
            Shape::Object(&NODE_SELECTOR),
        ),
        (
            "preferredDuringSchedulingIgnoredDuringExecution",
            Shape::ListOf(&PREFERRED_TERM),
        ),
    ],
    &[],
);

static NODE_SELECTOR: Schema = schema(
    &[("nodeSelectorTerms", Shape::ListOf(&NODE_SELECTOR_TERM))],
    &[],
);

static NODE_SELECTOR_TERM: Schema = schema(
    &[
        ("matchExpressions", Shape::ListOf(&SELECTOR_REQUIREMENT)),
        ("matchFields", Shape::ListOf(&SELECTOR_REQUIREMENT)),
    ],
    &[],
);

static PREFERRED_TERM: Schema = schema(
    &[
        ("weight", Shape::Leaf),
        ("preference", Shape::Object(&NODE_SELECTOR_TERM)),
    ],
    &[],
);

static TOLERATION: Schema = schema(
    &[
        ("key", Shape::Leaf),
        ("operator", Shape::Leaf),
        ("value", Shape::Leaf),
        ("effect", Shape::Leaf),
        ("tolerationSeconds", Shape::Leaf),
    ],
    &[],
);

static POD_STATUS: Schema = schema(
    &[
        ("phase", Shape::Leaf),
        ("conditions", Shape::ListOf(&POD_CONDITION)),
    ],
    &[
        "observedGeneration",
        "message",
        "reason",
        "nominatedNodeName",
        "hostIP",
        "hostIPs",
        "podIP",
        "podIPs",
        "startTime",
        "initContainerStatuses",
        "containerStatuses",
        "ephemeralContainerStatuses",
        "qosClass",
        "resize",
        "resourceClaimStatuses",
        "extendedResourceClaimStatus",
    ],
);

static POD_CONDITION: Schema = schema(
    &[
        ("type", Shape::Leaf),
        ("status", Shape::Leaf),
        ("lastTransitionTime", Shape::Leaf),
        ("reason", Shape::Leaf),
        ("message", Shape::Leaf),
    ],
    &["observedGeneration", "lastProbeTime"],
);

static NODE_SPEC: Schema = schema(
    &[
        ("taints", Shape::ListOf(&TAINT)),
        ("unschedulable", Shape::Leaf),
    ],
    &[
        "podCIDR",
        "podCIDRs",
        "providerID",
        "configSource",
        "externalID",
    ],
);

static TAINT: Schema = schema(
    &[
        ("key", Shape::Leaf),
        ("value", Shape::Leaf),
        ("effect", Shape::Leaf),
        ("timeAdded", Shape::Leaf),
    ],
    &[],
);

static NODE_STATUS: Schema = schema(
    &[("conditions", Shape::ListOf(&NODE_CONDITION))],
    &[
        "capacity",
        "allocatable",
        "phase",
        "addresses",
        "daemonEndpoints",
        "nodeInfo",
        "images",
        "volumesInUse",
        "volumesAttached",
        "config",
        "runtimeHandlers",
        "features",
        "declaredFeatures",
    ],
);

static NODE_CONDITION: Schema = schema(
    &[
        ("type", Shape::Leaf),
        ("status", Shape::Leaf),
        ("lastTransitionTime", Shape::Leaf),
        ("reason", Shape::Leaf),
        ("message", Shape::Leaf),
    ],
    &["lastHeartbeatTime"],
);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::model::{
        Affinity, DaemonSet, DaemonSetScaleStrategy, DaemonSetSpec, DaemonSetStatus,
        DaemonSetUpdateStrategy, IntOrString, LabelSelector, LabelSelectorOperator,
        LabelSelectorRequirement, Node, NodeAffinity, NodeCondition, NodeSelector,
        NodeSelectorOperator, NodeSelectorRequirement, NodeSelectorTerm, NodeSpec, NodeStatus,
        ObjectMeta, OwnerReference, Pod, PodCondition, PodPhase, PodSpec, PodStatus,
        PodTemplateSpec, PreferredSchedulingTerm, RollingUpdateDaemonSet, RollingUpdateType, Taint,
        TaintEffect, Time, Toleration, UpdateStrategyType,
    };

    fn distance(a: &str, b: &str) -> Option<usize> {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        bounded_distance(&a, &b, 3)
    }

    #[test]
    fn distance_counts_insertions_deletions_substitutions_and_swaps() {
        assert_eq!(distance("labels", "labels"), Some(0));
        assert_eq!(distance("lables", "labels"), Some(1));
        assert_eq!(distance("label", "labels"), Some(1));
        assert_eq!(distance("nodeselecter", "nodeselector"), Some(1));
        assert_eq!(distance("tolerration", "tolerations"), Some(2));
        assert_eq!(distance("", "abc"), Some(3));
        assert_eq!(distance("abcd", ""), None);
        assert_eq!(distance("ca", "abc"), Some(3));
        assert_eq!(distance("spec", "status"), None);
    }

    #[test]
    fn suggestions_allow_one_edit_or_two_in_long_names() {
        assert_eq!(OBJECT_META.suggestion("Labels"), Some("labels"));
        assert_eq!(OBJECT_META.suggestion("ANNOTATIONS"), Some("annotations"));
        assert_eq!(OBJECT_META.suggestion("nmae"), Some("name"));
        assert_eq!(OBJECT_META.suggestion("lbls"), None);
        assert_eq!(POD_SPEC.suggestion("tolerration"), Some("tolerations"));
        assert_eq!(POD_SPEC.suggestion("nodeSelecter"), Some("nodeSelector"));
        assert_eq!(POD_SPEC.suggestion("nodeselector"), Some("nodeSelector"));
        assert_eq!(POD_SPEC.suggestion("hostNetwrk"), Some("hostNetwork"));
        assert_eq!(DAEMONSET.suggestion("specs"), Some("spec"));
        assert_eq!(DAEMONSET.suggestion("sepcs"), None);
        assert_eq!(
            DAEMONSET_STATUS.suggestion("numberUnavailabe"),
            Some("numberUnavailable")
        );
    }

    #[test]
    fn known_fields_are_never_suggestions() {
        assert_eq!(OBJECT_META.suggestion("labels"), None);
        assert_eq!(OBJECT_META.suggestion("resourceVersion"), None);
        assert_eq!(NODE_SPEC.suggestion("podCIDR"), None);
        assert_eq!(NODE_CONDITION.suggestion("lastHeartbeatTime"), None);
        assert_eq!(POD_SPEC.suggestion("hostname"), None);
        assert_eq!(POD_SPEC.suggestion("hostIPC"), None);
    }

    /// Every schema reachable from `schema`, depth first.
    fn all_schemas(schema: &'static Schema, out: &mut Vec<&'static Schema>) {
        if out.iter().any(|seen| std::ptr::eq(*seen, schema)) {
            return;
        }
        out.push(schema);
        for (_, shape) in schema.fields {
            if let Shape::Object(inner) | Shape::ListOf(inner) = shape {
                all_schemas(inner, out);
            }
        }
    }

    #[test]
    fn no_field_is_both_modelled_and_unmodelled() {
        let mut schemas = Vec::new();
        for root in [&DAEMONSET, &NODE, &POD, &CONTROLLER_REVISION, &LIST] {
            all_schemas(root, &mut schemas);
        }
        for schema in schemas {
            for field in schema.unmodelled {
                assert!(schema.field(field).is_none(), "{field} is listed twice");
            }
        }
    }

    fn meta(name: &str) -> ObjectMeta {
        let time = Time::parse("2024-05-01T10:00:00Z").unwrap();
        ObjectMeta {
            name: name.into(),
            generate_name: format!("{name}-"),
            namespace: "default".into(),
            uid: "uid-1".into(),
            generation: Some(1),
            labels: [("app".to_owned(), "x".to_owned())].into(),
            annotations: [("note".to_owned(), "y".to_owned())].into(),
            owner_references: vec![OwnerReference {
                api_version: "apps/v1".into(),
                kind: "DaemonSet".into(),
                name: "ds".into(),
                uid: "uid-0".into(),
                controller: Some(true),
                block_owner_deletion: Some(true),
            }],
            finalizers: vec!["f".into()],
            creation_timestamp: Some(time),
            deletion_timestamp: Some(time),
        }
    }

    fn term() -> NodeSelectorTerm {
        let requirement = NodeSelectorRequirement {
            key: "k".into(),
            operator: NodeSelectorOperator::In,
            values: vec!["v".into()],
        };
        NodeSelectorTerm {
            match_expressions: vec![requirement.clone()],
            match_fields: vec![requirement],
        }
    }

    /// A pod spec with every modelled field set and nothing else.
    fn pod_spec() -> PodSpec {
        PodSpec {
            node_name: "n".into(),
            node_selector: [("disk".to_owned(), "ssd".to_owned())].into(),
            affinity: Some(Affinity {
                node_affinity: Some(NodeAffinity {
                    required: Some(NodeSelector {
                        node_selector_terms: vec![term()],
                    }),
                    preferred: vec![PreferredSchedulingTerm {
                        weight: 1,
                        preference: term(),
                    }],
                }),
                other: Default::default(),
            }),
            tolerations: vec![Toleration {
                toleration_seconds: Some(5),
                value: "v".into(),
                ..Toleration::exists("k", TaintEffect::NoExecute)
            }],
            host_network: true,
            restart_policy: "Always".into(),
            active_deadline_seconds: Some(5),
            other: Default::default(),
        }
    }

    /// Keys of `value` missing from `schema`, and modelled fields missing from `value`.
    fn compare(value: &Value, schema: &Schema, path: &str, problems: &mut Vec<String>) {
        let Value::Object(mapping) = value else {
            problems.push(format!("{path}: not a mapping"));
            return;
        };
        for (name, shape) in schema.fields {
            let Some(child) = mapping.get(*name) else {
                problems.push(format!("{path}.{name}: modelled but not serialized"));
                continue;
            };
            match shape {
                Shape::Leaf => {}
                Shape::Object(inner) => compare(child, inner, &format!("{path}.{name}"), problems),
                Shape::ListOf(inner) => {
                    for item in child.as_array().into_iter().flatten() {
                        compare(item, inner, &format!("{path}.{name}[]"), problems);
                    }
                }
            }
        }
        for key in mapping.keys() {
            if schema.field(key).is_none() {
                problems.push(format!("{path}.{key}: serialized but not in the schema"));
            }
        }
    }

    /// The schemas list exactly the fields the model reads and writes: a field added to the
    /// model must be added to its schema too (or misspellings of it go unnoticed).
    #[test]
    fn schemas_match_the_model() {
        let daemonset = DaemonSet {
            api_version: "apps/v1".into(),
            kind: "DaemonSet".into(),
            metadata: meta("ds"),
            spec: DaemonSetSpec {
                selector: Some(LabelSelector {
                    match_labels: [("app".to_owned(), "x".to_owned())].into(),
                    match_expressions: vec![LabelSelectorRequirement {
                        key: "k".into(),
                        operator: LabelSelectorOperator::In,
                        values: vec!["v".into()],
                    }],
                }),
                template: PodTemplateSpec {
                    metadata: meta("t"),
                    spec: pod_spec(),
                },
                update_strategy: DaemonSetUpdateStrategy {
                    type_: Some(UpdateStrategyType::RollingUpdate),
                    rolling_update: Some(RollingUpdateDaemonSet {
                        max_unavailable: Some(IntOrString::Int(1)),
                        max_surge: Some(IntOrString::Int(1)),
                        rolling_update_type: Some(RollingUpdateType::Standard),
                        partition: Some(IntOrString::Int(1)),
                        paused: Some(true),
                        selector: Some(LabelSelector {
                            match_labels: [("zone".to_owned(), "a".to_owned())].into(),
                            match_expressions: vec![LabelSelectorRequirement {
                                key: "k".into(),
                                operator: LabelSelectorOperator::NotIn,
                                values: vec!["v".into()],
                            }],
                        }),
                    }),
                },
                min_ready_seconds: 1,
                revision_history_limit: Some(1),
                burst_replicas: Some(IntOrString::Int(1)),
                scale_strategy: Some(DaemonSetScaleStrategy {
                    partitioned_scaling: Some(true),
                }),
            },
            status: Some(DaemonSetStatus {
                desired_number_scheduled: 1,
                current_number_scheduled: 1,
                number_misscheduled: 1,
                number_ready: 1,
                updated_number_scheduled: 1,
                number_available: 1,
                number_unavailable: 1,
                observed_generation: Some(1),
                collision_count: Some(1),
                conditions: vec![serde_json::json!({"type": "X"})],
            }),
        };
        let time = Time::parse("2024-05-01T10:00:00Z").unwrap();
        let node = Node {
            api_version: "v1".into(),
            kind: "Node".into(),
            metadata: meta("n"),
            spec: NodeSpec {
                taints: vec![Taint {
                    value: "v".into(),
                    time_added: Some(time),
                    ..Taint::new("k", TaintEffect::NoExecute)
                }],
                unschedulable: true,
            },
            status: NodeStatus {
                conditions: vec![NodeCondition {
                    type_: "Ready".into(),
                    status: "True".into(),
                    last_transition_time: Some(time),
                    reason: "r".into(),
                    message: "m".into(),
                }],
            },
        };
        let pod = Pod {
            api_version: "v1".into(),
            kind: "Pod".into(),
            metadata: meta("p"),
            spec: pod_spec(),
            status: PodStatus {
                phase: Some(PodPhase::Running),
                conditions: vec![PodCondition {
                    type_: "Ready".into(),
                    status: "True".into(),
                    last_transition_time: Some(time),
                    reason: "r".into(),
                    message: "m".into(),
                }],
            },
        };
        let revision = crate::model::ControllerRevision {
            api_version: "apps/v1".into(),
            kind: "ControllerRevision".into(),
            metadata: meta("r"),
            data: serde_json::json!({"spec": {}}),
            revision: 1,
        };
        let mut problems = Vec::new();
        compare(
            &serde_json::to_value(&revision).unwrap(),
            &CONTROLLER_REVISION,
            "controllerrevision",
            &mut problems,
        );
        let daemonset = serde_json::to_value(&daemonset).unwrap();
        compare(&daemonset, &DAEMONSET, "daemonset", &mut problems);
        compare(
            &serde_json::to_value(&node).unwrap(),
            &NODE,
            "node",
            &mut problems,
        );
        compare(
            &serde_json::to_value(&pod).unwrap(),
            &POD,
            "pod",
            &mut problems,
        );
        assert_eq!(problems, Vec::<String>::new());
    }
}
