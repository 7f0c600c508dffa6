//! The API server's update of a DaemonSet: [`update_daemon_set`].

use serde_json::{Map, Value};

use crate::defaults::apply_defaults;
use crate::model::{DaemonSet, PodTemplateSpec, TEMPLATE_GENERATION_ANNOTATION};
use crate::planning::revision_hash;
use crate::validation::{ValidationErrors, validate_daemonset_update};

/// What the API server stores when a manifest replaces a live DaemonSet, and what changed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Update {
    /// The DaemonSet as stored after the update: the defaulted manifest with the live object's
    /// system fields, status and new generations.
    pub daemon_set: DaemonSet,
    /// `metadata.generation` before the update (1 when the live object has none).
    pub old_generation: i64,
    /// `metadata.generation` after it: one more when the spec changed.
    pub generation: i64,
    /// The template generation before the update (1 when the live object has none).
    pub old_template_generation: i64,
    /// The template generation after it: one more when the pod template changed.
    pub template_generation: i64,
    /// Whether the defaulted spec differs from the live one.
    pub spec_changed: bool,
    /// Whether the defaulted pod template differs from the live one (labels, annotations and
    /// spec): pods of the old template are then outdated and the rolling update replaces them.
    pub template_changed: bool,
    /// The revision hash of the live template, as stored.
    pub old_hash: String,
    /// The revision hash of the new template (equal to `old_hash` when the template did not
    /// change).
    pub hash: String,
}

/// Why the API server refuses an update.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UpdateError {
    /// The manifest names another object than the live one.
    #[error(
        "the manifest is {manifest}, the live object {live}: an update keeps the name and namespace (hint: pick the live DaemonSet with --name)"
    )]
    OtherObject {
        /// The manifest's `namespace/name`.
        manifest: String,
        /// The live object's `namespace/name`.
        live: String,
    },
    /// The updated object is invalid, or changes what may not change (`spec.selector`).
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
}

/// Replaces the live DaemonSet by `manifest` as the API server does on an update: returns
/// the object stored and what changed.
///
///
/// `kubectl apply` of a manifest that owns the spec amounts to replacing the live object's spec,
/// labels and annotations with the manifest's. The API server then:
///
/// - defaults the manifest: a field it leaves out takes its default, not the live value (the
///   DaemonSet defaults of [`crate::apply_defaults`], and the pod-spec defaults every stored pod
///   template has: `dnsPolicy`, `schedulerName`, `terminationGracePeriodSeconds`, each
///   container's `imagePullPolicy`, `terminationMessagePath` and port protocol, probe periods,
///   volume modes...), so a manifest that spells out defaults and one that leaves them out store
///   the same object;
/// - keeps what the user cannot set: `metadata.uid`, `creationTimestamp`, the deletion state,
///   the owner references and finalizers when the manifest gives none, and `status`;
/// - validates the result with update semantics: the object must be valid, and `spec.selector`
///   may not change;
/// - adds one to `metadata.generation` when the spec changes, and one to the template
///   generation (annotation `deprecated.daemonset.template.generation`) when the defaulted pod
///   template changes, its labels and annotations included. The manifest cannot set the
///   template generation: its annotation is replaced by the live value, or the live value plus
///   one.
///
/// The new template's revision hash (the `controller-revision-hash` new pods get) is computed
/// from the defaulted template with the live collision count. A template equal to the live one
/// once defaulted is no change: the live template is kept as stored, with its hash.
///
/// ```
/// use daemonset_planner::{load_daemonset, update_daemon_set};
///
/// let live = load_daemonset(
///     "apiVersion: apps/v1
/// kind: DaemonSet
/// metadata:
///   name: agent
///   namespace: kube-system
///   uid: 0d9c1a52-7b3e-4f6a-9c2d-5e8f1a2b3c4d
///   generation: 3
///   annotations: {deprecated.daemonset.template.generation: '3'}
/// spec:
///   selector: {matchLabels: {app: agent}}
///   template:
///     metadata: {labels: {app: agent}}
///     spec:
///       containers: [{name: agent, image: 'agent:1.0'}]
/// ",
/// )?;
/// let manifest = load_daemonset(&format!(
///     "apiVersion: apps/v1
/// kind: DaemonSet
/// metadata: {{name: agent, namespace: kube-system}}
/// spec:
///   selector: {{matchLabels: {{app: agent}}}}
///   template:
///     metadata: {{labels: {{app: agent}}}}
///     spec:
///       containers: [{{name: agent, image: 'agent:1.1'}}]
/// ",
/// ))?;
/// let update = update_daemon_set(&live, &manifest).unwrap();
/// assert!(update.template_changed);
/// assert_eq!((update.old_generation, update.generation), (3, 4));
/// assert_eq!((update.old_template_generation, update.template_generation), (3, 4));
/// assert_eq!(update.daemon_set.metadata.uid, live.metadata.uid);
/// assert_ne!(update.hash, update.old_hash);
/// # Ok::<(), daemonset_planner::LoadError>(())
/// ```
pub fn update_daemon_set(live: &DaemonSet, manifest: &DaemonSet) -> Result<Update, UpdateError> {
    let mut old = live.clone();
    apply_defaults(&mut old);
    default_pod_template(&mut old.spec.template);
    let mut new = manifest.clone();
    if new.metadata.namespace.is_empty() {
        new.metadata.namespace = old.metadata.namespace.clone();
    }
    if new.metadata.name != old.metadata.name || new.metadata.namespace != old.metadata.namespace {
        return Err(UpdateError::OtherObject {
            manifest: new.metadata.display_name(),
            live: old.metadata.display_name(),
        });
    }
    apply_defaults(&mut new);
    default_pod_template(&mut new.spec.template);

    // What the user cannot set comes from the live object.
    let meta = &mut new.metadata;
    meta.uid = old.metadata.uid.clone();
    meta.creation_timestamp = old.metadata.creation_timestamp;
    meta.deletion_timestamp = old.metadata.deletion_timestamp;
    if meta.owner_references.is_empty() {
        meta.owner_references = old.metadata.owner_references.clone();
    }
    if meta.finalizers.is_empty() {
        meta.finalizers = old.metadata.finalizers.clone();
    }
    new.status = old.status.clone();

    validate_daemonset_update(&old, &new)?;

    let old_generation = old.metadata.generation.unwrap_or(1);
    let old_template_generation = old.template_generation().unwrap_or(1);
    let template_changed = old.spec.template != new.spec.template;
    let spec_changed = old.spec != new.spec;
    let generation = if spec_changed {
        old_generation.saturating_add(1)
    } else {
        old_generation
    };
    let template_generation = if template_changed {
        old_template_generation.saturating_add(1)
    } else {
        old_template_generation
    };
    if !template_changed {
        // Equal once defaulted: the stored template stays as it is, and so does its hash.
        new.spec.template = live.spec.template.clone();
    }
    new.metadata.generation = Some(generation);
    new.metadata.annotations.insert(
        TEMPLATE_GENERATION_ANNOTATION.to_owned(),
        template_generation.to_string(),
    );
    let collision_count = old.status.as_ref().and_then(|s| s.collision_count);
    Ok(Update {
        old_hash: revision_hash(&live.spec.template, collision_count),
        hash: revision_hash(&new.spec.template, collision_count),
        daemon_set: new,
        old_generation,
        generation,
        old_template_generation,
        template_generation,
        spec_changed,
        template_changed,
    })
}

/// Fills in the pod-template defaults the API server stores, on the fields the model keeps
/// unparsed (`spec.other`). Idempotent.
fn default_pod_template(template: &mut PodTemplateSpec) {
    let spec = &mut template.spec;
    let host_network = spec.host_network;
    let other = &mut spec.other;
    set_default(other, "dnsPolicy", "ClusterFirst");
    set_default(other, "schedulerName", "default-scheduler");
    set_default(other, "terminationGracePeriodSeconds", 30);
    set_default(other, "securityContext", Map::new());
    for key in ["containers", "initContainers"] {
        if let Some(Value::Array(containers)) = other.get_mut(key) {
            for container in containers.iter_mut().filter_map(Value::as_object_mut) {
                default_container(container, host_network);
            }
        }
    }
    if let Some(Value::Array(volumes)) = other.get_mut("volumes") {
        for volume in volumes.iter_mut().filter_map(Value::as_object_mut) {
            default_volume(volume);
        }
    }
}

fn set_default(map: &mut Map<String, Value>, key: &str, value: impl Into<Value>) {
    if map.get(key).is_none_or(Value::is_null) {
        map.insert(key.to_owned(), value.into());
    }
}

fn default_container(container: &mut Map<String, Value>, host_network: bool) {
    set_default(container, "terminationMessagePath", "/dev/termination-log");
    set_default(container, "terminationMessagePolicy", "File");
    set_default(container, "resources", Map::new());
    let image = container.get("image").and_then(Value::as_str).unwrap_or("");
    // The image's tag: after the last ':' that follows the last '/', without a digest.
    let name = image.split('@').next().unwrap_or("");
    let tag = name
        .rsplit_once('/')
        .map_or(name, |(_, last)| last)
        .split_once(':')
        .map(|(_, tag)| tag);
    let pull = if image.contains('@') || tag.is_some_and(|t| t != "latest") {
        "IfNotPresent"
    } else {
        "Always"
    };
    set_default(container, "imagePullPolicy", pull);
    if let Some(Value::Array(ports)) = container.get_mut("ports") {
        for port in ports.iter_mut().filter_map(Value::as_object_mut) {
            set_default(port, "protocol", "TCP");
            if host_network && let Some(container_port) = port.get("containerPort").cloned() {
                set_default(port, "hostPort", container_port);
            }
        }
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(Value::Object(probe)) = container.get_mut(probe) {
            set_default(probe, "timeoutSeconds", 1);
            set_default(probe, "periodSeconds", 10);
            set_default(probe, "successThreshold", 1);
            set_default(probe, "failureThreshold", 3);
            if let Some(Value::Object(get)) = probe.get_mut("httpGet") {
                set_default(get, "path", "/");
                set_default(get, "scheme", "HTTP");
            }
        }
    }
    if let Some(Value::Array(env)) = container.get_mut("env") {
        for var in env.iter_mut().filter_map(Value::as_object_mut) {
            if let Some(Value::Object(from)) = var.get_mut("valueFrom")
                && let Some(Value::Object(field)) = from.get_mut("fieldRef")
            {
                set_default(field, "apiVersion", "v1");
            }
        }
    }
}

fn default_volume(volume: &mut Map<String, Value>) {
    for source in ["configMap", "secret", "projected", "downwardAPI"] {
        if let Some(Value::Object(source)) = volume.get_mut(source) {
            set_default(source, "defaultMode", 420);
        }
    }
    if let Some(Value::Object(host_path)) = volume.get_mut("hostPath") {
        set_default(host_path, "type", "");
    }
}

#[cfg(test)]
#[cfg(feature = "yaml")]
mod tests {
    use super::*;
    use crate::load_daemonset;

    const LIVE: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: kube-system
  uid: 0d9c1a52-7b3e-4f6a-9c2d-5e8f1a2b3c4d
  creationTimestamp: '2026-01-01T00:00:00Z'
  generation: 5
  annotations: {deprecated.daemonset.template.generation: '4'}
spec:
  selector: {matchLabels: {app: agent}}
  revisionHistoryLimit: 10
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 0}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
      - name: agent
        image: agent:1.0
        imagePullPolicy: IfNotPresent
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
        resources: {}
        ports: [{containerPort: 9100, protocol: TCP}]
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
status:
  desiredNumberScheduled: 3
  currentNumberScheduled: 3
  numberReady: 3
  observedGeneration: 5
";

    /// The live object as a user would write it: no defaults spelled out.
    const MANIFEST: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: kube-system
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
      - name: agent
        image: agent:1.0
        ports: [{containerPort: 9100}]
";

    fn update(manifest: &str) -> Result<Update, UpdateError> {
        let live = load_daemonset(LIVE).unwrap();
        update_daemon_set(&live, &load_daemonset(manifest).unwrap())
    }

    /// The update to MANIFEST with `from` replaced by `to`, which must be accepted.
    fn edited(from: &str, to: &str) -> Update {
        update(&MANIFEST.replace(from, to)).unwrap()
    }

    #[test]
    fn a_manifest_that_leaves_out_only_defaults_changes_nothing() {
        let same = update(MANIFEST).unwrap();
        assert!(!same.spec_changed && !same.template_changed);
        assert_eq!((same.old_generation, same.generation), (5, 5));
        assert_eq!(
            (same.old_template_generation, same.template_generation),
            (4, 4)
        );
        assert_eq!(same.hash, same.old_hash);
        assert_eq!(
            same.daemon_set.metadata.uid,
            "0d9c1a52-7b3e-4f6a-9c2d-5e8f1a2b3c4d"
        );
        assert!(same.daemon_set.metadata.creation_timestamp.is_some());
        assert_eq!(
            same.daemon_set.status.as_ref().unwrap().observed_generation,
            Some(5)
        );
    }

    #[test]
    fn a_new_image_bumps_both_generations_and_the_hash() {
        let new = edited("agent:1.0", "agent:1.1");
        assert!(new.spec_changed && new.template_changed);
        assert_eq!((new.generation, new.template_generation), (6, 5));
        assert_eq!(new.daemon_set.template_generation(), Some(5));
        assert_eq!(new.daemon_set.metadata.generation, Some(6));
        assert_ne!(new.hash, new.old_hash);
    }

    #[test]
    fn a_template_label_is_a_template_change() {
        let new = edited(
            "    metadata: {labels: {app: agent}}",
            "    metadata: {labels: {app: agent, tier: node}}",
        );
        assert!(new.template_changed);
    }

    #[test]
    fn a_strategy_change_bumps_only_the_generation() {
        let new = edited(
            "  template:\n",
            "  updateStrategy: {rollingUpdate: {maxUnavailable: 3}}\n  template:\n",
        );
        assert!(new.spec_changed && !new.template_changed);
        assert_eq!((new.generation, new.template_generation), (6, 4));
        assert_eq!(new.hash, new.old_hash);
    }

    #[test]
    fn the_manifest_cannot_set_the_template_generation() {
        let new = edited(
            "  namespace: kube-system\n",
            "  namespace: kube-system\n  annotations: {deprecated.daemonset.template.generation: '99'}\n",
        );
        assert_eq!(new.template_generation, 4);
        assert_eq!(new.daemon_set.template_generation(), Some(4));
    }

    #[test]
    fn explicit_and_implicit_defaults_give_one_hash() {
        let implicit = edited("agent:1.0", "agent:2.0");
        let explicit = update(&LIVE.replace("agent:1.0", "agent:2.0")).unwrap();
        assert_eq!(implicit.hash, explicit.hash);
        assert_eq!(implicit.daemon_set.spec, explicit.daemon_set.spec);
    }

    #[test]
    fn a_changed_selector_is_refused() {
        let err = update(&MANIFEST.replace("{app: agent}", "{app: agent2}")).unwrap_err();
        let UpdateError::Invalid(errors) = err else {
            panic!("{err:?}")
        };
        assert!(errors.errors.iter().any(|e| e.path == "spec.selector"));
    }

    #[test]
    fn another_object_is_refused() {
        let err = update(&MANIFEST.replace("name: agent\n", "name: other\n")).unwrap_err();
        assert!(matches!(err, UpdateError::OtherObject { .. }), "{err:?}");
    }

    #[test]
    fn a_manifest_without_namespace_takes_the_live_one() {
        let new = edited("  namespace: kube-system\n", "");
        assert_eq!(new.daemon_set.metadata.namespace, "kube-system");
        assert!(!new.spec_changed);
    }

    #[test]
    fn image_pull_policy_follows_the_tag() {
        let mut container = Map::new();
        for (image, want) in [
            ("agent", "Always"),
            ("agent:latest", "Always"),
            ("registry:5000/agent", "Always"),
            ("registry:5000/agent:1.0", "IfNotPresent"),
            ("agent@sha256:abc", "IfNotPresent"),
        ] {
            container.clear();
            container.insert("image".into(), image.into());
            default_container(&mut container, false);
            assert_eq!(container["imagePullPolicy"], want, "{image}");
        }
    }
}
