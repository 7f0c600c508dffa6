//! Revision history: the ControllerRevisions a DaemonSet keeps, and rolling back to one.
//!
//! [`plan_history`] does what upstream's controller does with the history in one sync (its
//! `constructHistory` at the start, `cleanupHistory` at the end); [`rollback()`] does what
//! `kubectl rollout undo daemonset` does; [`render_revision`] builds the object a create stands
//! for, and [`revision_hash`] names a template as the controller does. The
//! [manual](crate::manual::history) explains how they fit into a sync.

mod rollback;
mod template;

use std::collections::{BTreeSet, HashSet};
use std::fmt;

use serde_json::{Map, Value};

use crate::model::{
    ControllerRevision, DaemonSet, LabelSelector, ObjectMeta, OwnerReference, Pod,
    REVISION_HASH_LABEL,
};
use crate::planning::{Claim, SkipReason, claim, effective_namespace, target_node};
use crate::scheduling::{LabelMatcher, SelectorError};

pub use crate::planning::revision_hash;
pub use rollback::{RollbackError, rollback};

use template::{matches_template, template_value};

/// What [`plan_history`] needs besides the objects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HistoryOptions {
    /// The hash that names a new revision (`<daemonset>-<hash>`) and labels its pods. Upstream
    /// computes it from a Go-specific dump of the template and `status.collisionCount`; `None`
    /// computes it with [`revision_hash`] from the same two inputs.
    pub hash: Option<String>,
}

impl HistoryOptions {
    /// Options that compute the hash with [`revision_hash`].
    pub fn new() -> Self {
        HistoryOptions::default()
    }

    /// Names a new revision with `hash` instead of computing one.
    pub fn with_hash(mut self, hash: impl Into<String>) -> Self {
        self.hash = Some(hash.into());
        self
    }
}

/// A ControllerRevision by name, with its revision number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub struct RevisionRef {
    /// `metadata.name`.
    pub name: String,
    /// The `revision` number it has after the write.
    pub revision: i64,
}

impl fmt::Display for RevisionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (revision {})", self.name, self.revision)
    }
}

/// What upstream's controller does with a DaemonSet's ControllerRevisions in one sync.
///
/// The writes, in the order upstream issues them: `adopt` and `release`, then `update` (labels
/// and revision numbers), then `create`, or `relabel` followed by the duplicates in `delete`;
/// the `cleanup` part of `delete` comes last, after the pods were managed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryPlan {
    /// The name of the current revision: the one whose template is the DaemonSet's. Empty when
    /// the sync is skipped or a name collision stops it (`collision_count`).
    pub current: String,
    /// The current revision's `controller-revision-hash` label: the hash new pods carry and
    /// the one to pass to [`crate::PlanOptions::revision`]. Empty when `current` is.
    pub hash: String,
    /// Revisions to create; render each with [`render_revision`]. At most one: the current one.
    pub create: Vec<RevisionRef>,
    /// Revisions to update: set `revision` to the number given and, when the revision has no
    /// `controller-revision-hash` label, add one whose value is its name (as upstream does, so
    /// such a hash looks like `<daemonset>-<hash>`).
    pub update: Vec<RevisionRef>,
    /// Revisions to delete, by name: duplicates of the current revision first, then `cleanup`.
    pub delete: Vec<String>,
    /// The part of `delete` that is history cleanup: the oldest old revisions beyond
    /// `spec.revisionHistoryLimit` that no pod uses. Upstream cleans up only at the end of a
    /// full sync in which manage and the rolling update succeeded: with a
    /// [`crate::RollingUpdateStep::Failed`] plan, or in a status-only sync (creates or deletes
    /// of an earlier sync not yet observed), these wait for a later sync.
    pub cleanup: Vec<String>,
    /// Pods to label `controller-revision-hash: <hash>`, as `(pod, hash)`, by pod name. Only
    /// when duplicate current revisions are merged; see [`plan_history`].
    #[serde(serialize_with = "crate::json::relabel")]
    pub relabel: Vec<(String, String)>,
    /// Orphan revisions to adopt (add the DaemonSet's controller reference), by name.
    pub adopt: Vec<String>,
    /// Owned revisions the selector no longer picks, to release (remove the reference).
    pub release: Vec<String>,
    /// A new revision's name is taken by a revision with another template: write this value
    /// to the DaemonSet's `status.collisionCount` and plan again (the hash includes it).
    /// Upstream fails this sync, so nothing is created, no pod is managed and no status but
    /// the collision count is written.
    pub collision_count: Option<i32>,
    /// Why the sync touches no history at all, if it does not (as [`crate::Plan::skipped`]).
    #[serde(skip)]
    pub skipped: Option<SkipReason>,
}

impl HistoryPlan {
    fn new() -> Self {
        HistoryPlan {
            current: String::new(),
            hash: String::new(),
            create: Vec::new(),
            update: Vec::new(),
            delete: Vec::new(),
            cleanup: Vec::new(),
            relabel: Vec::new(),
            adopt: Vec::new(),
            release: Vec::new(),
            collision_count: None,
            skipped: None,
        }
    }

    /// Records an update of `name` to `revision`, merging with an earlier one of the same name.
    fn push_update(&mut self, name: &str, revision: i64) {
        match self.update.iter_mut().find(|u| u.name == name) {
            Some(existing) => existing.revision = revision,
            None => self.update.push(RevisionRef {
                name: name.to_owned(),
                revision,
            }),
        }
    }
}

impl fmt::Display for HistoryPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(reason) = self.skipped {
            return write!(f, "history untouched: {reason}");
        }
        if let Some(count) = self.collision_count {
            write!(
                f,
                "revision name collision: set status.collisionCount to {count} and plan again"
            )?;
        } else {
            write!(f, "current revision {} (hash {})", self.current, self.hash)?;
        }
        let list = |items: &mut dyn Iterator<Item = String>| items.collect::<Vec<_>>().join(", ");
        let parts = [
            ("adopt", list(&mut self.adopt.iter().cloned())),
            ("release", list(&mut self.release.iter().cloned())),
            (
                "update",
                list(&mut self.update.iter().map(|r| r.to_string())),
            ),
            (
                "create",
                list(&mut self.create.iter().map(|r| r.to_string())),
            ),
            (
                "relabel",
                list(&mut self.relabel.iter().map(|(p, h)| format!("{p} to {h}"))),
            ),
            ("delete", list(&mut self.delete.iter().cloned())),
        ];
        for (verb, items) in parts {
            if !items.is_empty() {
                write!(f, "; {verb} {items}")?;
            }
        }
        Ok(())
    }
}

/// Why the history cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// `spec.selector` cannot be compiled.
    #[error("daemonset {daemon_set}: invalid spec.selector")]
    InvalidSelector {
        /// The DaemonSet, `namespace/name`.
        daemon_set: String,
        /// What is wrong with it (its path is relative to `spec.selector`).
        #[source]
        source: SelectorError,
    },
    /// Two revisions of the namespace share a name, which no real cluster can produce.
    #[error(
        "two controllerrevisions in namespace {namespace:?} are named {name:?}: revision names \
         must be unique"
    )]
    DuplicateRevisionName {
        /// The namespace.
        namespace: String,
        /// The name.
        name: String,
    },
    /// Two pods of the namespace share a name, which no real cluster can produce.
    #[error("two pods in namespace {namespace:?} are named {name:?}: pod names must be unique")]
    DuplicatePodName {
        /// The namespace.
        namespace: String,
        /// The name.
        name: String,
    },
}

/// A claimed revision, with the hash label it has once this sync's label update is done.
struct Claimed<'a> {
    revision: &'a ControllerRevision,
    hash: &'a str,
}

impl Claimed<'_> {
    fn name(&self) -> &str {
        &self.revision.metadata.name
    }
    fn number(&self) -> i64 {
        self.revision.revision
    }
}

/// Plans what upstream's DaemonSet controller does with the ControllerRevisions in one sync,
/// and which hash is current.
///
/// `revisions` may hold every revision of the cluster: those of other namespaces are ignored,
/// and those of the namespace are claimed as pods are (controlled by the DaemonSet and picked by
/// its selector, which is matched against the revision's labels; orphans picked by the selector
/// are adopted; owned revisions it no longer picks are released). `pods` are the pods of the
/// namespace, as given to [`crate::plan`]; they decide which old revisions are still in use.
/// In one sync:
///
/// 1. A claimed revision without a `controller-revision-hash` label gets one whose value is
///    its name, not a hash (an update).
/// 2. Revisions whose template is the DaemonSet's are current (see below for how templates are
///    compared); the others are old.
/// 3. No current revision: one is created, named `<daemonset>-<hash>` and numbered one above
///    the highest old revision. When a revision of that name exists with another template,
///    upstream bumps `status.collisionCount` and fails the sync: `collision_count` says so and
///    nothing else happens (the hash of the next sync includes the new count). When it exists
///    with the same template (a revision the DaemonSet does not own), it is used as it is.
/// 4. Several current revisions (after a race, or two old revisions with equal templates): the
///    one with the highest revision number stays (on a tie, the last by name) and the others
///    are deleted. Before that, upstream relabels **every** claimed pod whose hash label
///    differs from the one kept, old pods included, so those pods count as updated from then
///    on and are never rolled (the spec's quirk 7). `relabel` reproduces this.
/// 5. A current revision numbered below the highest old one is renumbered one above it: this
///    is how a template that returns (a rollback) becomes the newest revision again.
/// 6. Cleanup: when there are more old revisions than `spec.revisionHistoryLimit` (10 when
///    unset), the oldest are deleted, lowest number first (ties by name), until the limit is
///    met, skipping every revision whose hash some claimed pod still carries (Failed,
///    Succeeded and terminating pods included; pods whose node cannot be told are not
///    counted, as upstream does not see them). The current revision is never deleted. Pods
///    count with the labels given, before this sync's `relabel`.
///
/// A DaemonSet being deleted or selecting every pod is skipped before the history, as
/// [`crate::plan`] skips it.
///
/// # Which revision is current
///
/// Upstream compares the revision's `data` byte for byte with a patch it marshals from the
/// DaemonSet (`{"spec":{"template":{...,"$patch":"replace"}}}`, Go's JSON encoder). Those bytes
/// cannot be reproduced outside Go, so this crate compares meaning instead: the revision's
/// `data.spec.template` (without `$patch`) is read as a
/// [`PodTemplateSpec`](crate::model::PodTemplateSpec), and both templates are serialized to
/// JSON values and compared (object key order does not matter). Fields the
/// model does not type (containers, volumes, ...) are compared verbatim; `creationTimestamp:
/// null`, which Go writes into every stored template, reads as absent. Two templates the API
/// server stores identically therefore match, as upstream's bytes do. Pass the DaemonSet as
/// the API server returns it: a manifest from disk lacks the defaults (`dnsPolicy`,
/// `imagePullPolicy`, ...) the stored revisions carry, and would match none of them.
///
/// ```
/// use daemonset_planner::{apply_defaults, plan_history, DaemonSet, LabelSelector};
/// use daemonset_planner::history::{render_revision, HistoryOptions};
///
/// let mut ds = DaemonSet::default();
/// ds.metadata.name = "fluentd".into();
/// ds.metadata.namespace = "kube-system".into();
/// let labels = [("name".to_string(), "fluentd".to_string())];
/// ds.spec.selector = Some(LabelSelector { match_labels: labels.clone().into(), ..Default::default() });
/// ds.spec.template.metadata.labels = labels.into();
/// apply_defaults(&mut ds);
///
/// // The first sync creates revision 1 ...
/// let history = plan_history(&ds, &[], &[], &HistoryOptions::new())?;
/// assert_eq!(history.create[0].revision, 1);
/// assert_eq!(history.current, format!("fluentd-{}", history.hash));
///
/// // ... which the next sync finds current.
/// let revision = render_revision(&ds, &history.hash, 1);
/// let again = plan_history(&ds, &[revision], &[], &HistoryOptions::new())?;
/// assert!(again.create.is_empty() && again.update.is_empty());
/// assert_eq!(again.hash, history.hash);
/// # Ok::<(), daemonset_planner::HistoryError>(())
/// ```
pub fn plan_history(
    daemon_set: &DaemonSet,
    revisions: &[ControllerRevision],
    pods: &[Pod],
    options: &HistoryOptions,
) -> Result<HistoryPlan, HistoryError> {
    let mut plan = HistoryPlan::new();
    if daemon_set.metadata.deletion_timestamp.is_some() {
        plan.skipped = Some(SkipReason::BeingDeleted);
        return Ok(plan);
    }
    if daemon_set.spec.selector.as_ref() == Some(&LabelSelector::default()) {
        plan.skipped = Some(SkipReason::SelectsAllPods);
        return Ok(plan);
    }
    let selector =
        compile_selector(daemon_set).map_err(|source| HistoryError::InvalidSelector {
            daemon_set: daemon_set.metadata.display_name(),
            source,
        })?;
    let namespace = effective_namespace(&daemon_set.metadata.namespace);
    let in_namespace = revisions_of_namespace(namespace, revisions)?;
    let claimed_pods = claimed_pods(daemon_set, &selector, namespace, pods)?;

    let mut claimed = Vec::new();
    for revision in &in_namespace {
        let name = &revision.metadata.name;
        match claim(daemon_set, &selector, &revision.metadata) {
            Claim::Owned => {}
            Claim::Adopt => plan.adopt.push(name.clone()),
            Claim::Release => {
                plan.release.push(name.clone());
                continue;
            }
            Claim::Ignore => continue,
        }
        let hash = match revision.hash() {
            Some(hash) => hash,
            None => {
                plan.push_update(name, revision.revision);
                name.as_str()
            }
        };
        claimed.push(Claimed { revision, hash });
    }

    let template = template_value(&daemon_set.spec.template);
    let (current, old): (Vec<Claimed<'_>>, Vec<Claimed<'_>>) = claimed
        .into_iter()
        .partition(|c| matches_template(c.revision, &template));
    let next = old
        .iter()
        .map(Claimed::number)
        .fold(0, i64::max)
        .saturating_add(1);

    let kept = current
        .iter()
        .max_by(|a, b| a.number().cmp(&b.number()).then(a.name().cmp(b.name())));
    match kept {
        None => {
            let collision_count = daemon_set.status.as_ref().and_then(|s| s.collision_count);
            let hash = options
                .hash
                .clone()
                .unwrap_or_else(|| revision_hash(&daemon_set.spec.template, collision_count));
            let name = format!("{}-{hash}", daemon_set.metadata.name);
            match in_namespace.iter().find(|r| r.metadata.name == name) {
                Some(existing) if matches_template(existing, &template) => {
                    plan.current = name;
                    plan.hash = existing.hash().unwrap_or_default().to_owned();
                }
                Some(_) => {
                    plan.collision_count = Some(collision_count.unwrap_or(0).saturating_add(1));
                    return Ok(plan);
                }
                None => {
                    plan.create.push(RevisionRef {
                        name: name.clone(),
                        revision: next,
                    });
                    plan.current = name;
                    plan.hash = hash;
                }
            }
        }
        Some(kept) => {
            if current.len() > 1 {
                plan.relabel = claimed_pods
                    .iter()
                    .filter(|pod| {
                        pod.metadata
                            .labels
                            .get(REVISION_HASH_LABEL)
                            .map(String::as_str)
                            != Some(kept.hash)
                    })
                    .map(|pod| (pod.metadata.name.clone(), kept.hash.to_owned()))
                    .collect();
                plan.delete.extend(
                    current
                        .iter()
                        .filter(|c| c.name() != kept.name())
                        .map(|c| c.name().to_owned()),
                );
            }
            if kept.number() < next {
                plan.push_update(kept.name(), next);
            }
            plan.current = kept.name().to_owned();
            plan.hash = kept.hash.to_owned();
        }
    }

    plan.cleanup = cleanup(daemon_set, old, &claimed_pods);
    plan.delete.extend(plan.cleanup.iter().cloned());
    Ok(plan)
}

/// The old revisions upstream's `cleanupHistory` deletes, oldest first.
fn cleanup(daemon_set: &DaemonSet, mut old: Vec<Claimed<'_>>, pods: &[&Pod]) -> Vec<String> {
    let limit = i64::from(daemon_set.spec.revision_history_limit.unwrap_or(10));
    let count = i64::try_from(old.len()).unwrap_or(i64::MAX);
    let mut to_delete = count.saturating_sub(limit);
    if to_delete <= 0 {
        return Vec::new();
    }
    let live: HashSet<&str> = pods
        .iter()
        .filter(|pod| target_node(pod).is_some())
        .filter_map(|pod| pod.metadata.labels.get(REVISION_HASH_LABEL))
        .map(String::as_str)
        .filter(|hash| !hash.is_empty())
        .collect();
    old.sort_by(|a, b| a.number().cmp(&b.number()).then(a.name().cmp(b.name())));
    let mut deleted = Vec::new();
    for revision in old {
        if to_delete <= 0 {
            break;
        }
        if live.contains(revision.hash) {
            continue;
        }
        deleted.push(revision.name().to_owned());
        to_delete = to_delete.saturating_sub(1);
    }
    deleted
}

/// The pods of the namespace the DaemonSet claims (those it adopts included), by name.
fn claimed_pods<'a>(
    daemon_set: &DaemonSet,
    selector: &LabelMatcher,
    namespace: &str,
    pods: &'a [Pod],
) -> Result<Vec<&'a Pod>, HistoryError> {
    let mut claimed: Vec<&Pod> = pods
        .iter()
        .filter(|pod| effective_namespace(&pod.metadata.namespace) == namespace)
        .filter(|pod| {
            matches!(
                claim(daemon_set, selector, &pod.metadata),
                Claim::Owned | Claim::Adopt
            )
        })
        .collect();
    claimed.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    if let Some(pair) = claimed
        .windows(2)
        .find(|pair| matches!(pair, [a, b] if a.metadata.name == b.metadata.name))
        && let Some(pod) = pair.first()
    {
        return Err(HistoryError::DuplicatePodName {
            namespace: namespace.to_owned(),
            name: pod.metadata.name.clone(),
        });
    }
    Ok(claimed)
}

/// The revisions of the namespace, by name; two of one name are an error.
fn revisions_of_namespace<'a>(
    namespace: &str,
    revisions: &'a [ControllerRevision],
) -> Result<Vec<&'a ControllerRevision>, HistoryError> {
    let mut found: Vec<&ControllerRevision> = revisions
        .iter()
        .filter(|r| effective_namespace(&r.metadata.namespace) == namespace)
        .collect();
    found.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    let mut names = BTreeSet::new();
    for revision in &found {
        if !names.insert(revision.metadata.name.as_str()) {
            return Err(HistoryError::DuplicateRevisionName {
                namespace: namespace.to_owned(),
                name: revision.metadata.name.clone(),
            });
        }
    }
    Ok(found)
}

fn compile_selector(daemon_set: &DaemonSet) -> Result<LabelMatcher, SelectorError> {
    LabelMatcher::new(daemon_set.spec.selector.as_ref())
}

/// Renders the ControllerRevision upstream's controller creates for the DaemonSet's current
/// template: named `<daemonset>-<hash>`, in the DaemonSet's namespace, labelled with the
/// template's labels plus `controller-revision-hash: <hash>`, annotated with the DaemonSet's
/// annotations, controlled by the DaemonSet, numbered `revision`, and holding the template as
/// the patch `{"spec": {"template": {"$patch": "replace", ...}}}` that restores it.
///
/// ```
/// use daemonset_planner::DaemonSet;
/// use daemonset_planner::history::render_revision;
/// let mut ds = DaemonSet::default();
/// ds.metadata.name = "fluentd".into();
/// let revision = render_revision(&ds, "6d4b9c7f8", 3);
/// assert_eq!(revision.metadata.name, "fluentd-6d4b9c7f8");
/// assert_eq!(revision.hash(), Some("6d4b9c7f8"));
/// assert_eq!(revision.data["spec"]["template"]["$patch"], "replace");
/// assert_eq!(revision.pod_template(), Some(ds.spec.template.clone()));
/// ```
pub fn render_revision(daemon_set: &DaemonSet, hash: &str, revision: i64) -> ControllerRevision {
    let template = &daemon_set.spec.template;
    let mut labels = template.metadata.labels.clone();
    labels.insert(REVISION_HASH_LABEL.to_owned(), hash.to_owned());
    let mut patch = Map::new();
    patch.insert("$patch".to_owned(), Value::from("replace"));
    if let Value::Object(fields) = template_value(template) {
        patch.extend(fields);
    }
    let mut spec = Map::new();
    spec.insert("template".to_owned(), Value::Object(patch));
    let mut data = Map::new();
    data.insert("spec".to_owned(), Value::Object(spec));
    ControllerRevision {
        api_version: "apps/v1".to_owned(),
        kind: "ControllerRevision".to_owned(),
        metadata: ObjectMeta {
            name: format!("{}-{hash}", daemon_set.metadata.name),
            namespace: daemon_set.metadata.namespace.clone(),
            labels,
            annotations: daemon_set.metadata.annotations.clone(),
            owner_references: vec![OwnerReference {
                api_version: "apps/v1".to_owned(),
                kind: "DaemonSet".to_owned(),
                name: daemon_set.metadata.name.clone(),
                uid: daemon_set.metadata.uid.clone(),
                controller: Some(true),
                block_owner_deletion: Some(true),
            }],
            ..ObjectMeta::default()
        },
        data: Value::Object(data),
        revision,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    fn daemon_set(image: &str) -> DaemonSet {
        let mut ds = DaemonSet::default();
        ds.metadata.name = "agent".into();
        ds.metadata.namespace = "ops".into();
        ds.metadata.uid = "uid-1".into();
        let labels: crate::model::Labels = [("app".to_owned(), "agent".to_owned())].into();
        ds.spec.selector = Some(LabelSelector {
            match_labels: labels.clone(),
            ..Default::default()
        });
        ds.spec.template.metadata.labels = labels;
        ds.spec.template.spec.other.insert(
            "containers".into(),
            serde_json::json!([{"name": "agent", "image": image}]),
        );
        ds
    }

    #[test]
    fn key_order_and_a_null_creation_timestamp_do_not_matter() {
        let ds = daemon_set("agent:v1");
        let mut revision = render_revision(&ds, "h", 1);
        revision.data = serde_json::json!({"spec": {"template": {
            "spec": {"containers": [{"image": "agent:v1", "name": "agent"}]},
            "metadata": {"labels": {"app": "agent"}, "creationTimestamp": null},
            "$patch": "replace",
        }}});
        assert!(matches_template(
            &revision,
            &template_value(&ds.spec.template)
        ));
        let other = daemon_set("agent:v2");
        assert!(!matches_template(
            &revision,
            &template_value(&other.spec.template)
        ));
    }

    #[test]
    fn data_without_a_template_matches_nothing() {
        let ds = daemon_set("agent:v1");
        let mut revision = render_revision(&ds, "h", 1);
        revision.data = serde_json::json!({"spec": {}});
        assert!(!matches_template(
            &revision,
            &template_value(&ds.spec.template)
        ));
        revision.data = serde_json::json!({"spec": {"template": {"metadata": {"labels": 3}}}});
        assert!(!matches_template(
            &revision,
            &template_value(&ds.spec.template)
        ));
    }

    #[test]
    fn the_rendered_patch_starts_with_the_directive_as_go_sorts_it() {
        let revision = render_revision(&daemon_set("agent:v1"), "h", 4);
        let keys: Vec<&String> = revision.data["spec"]["template"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(keys, ["$patch", "metadata", "spec"]);
        assert_eq!(revision.metadata.owner_references[0].uid, "uid-1");
        assert_eq!(revision.metadata.namespace, "ops");
    }

    #[test]
    fn a_selector_error_is_the_source_and_not_repeated_in_the_message() {
        let mut ds = daemon_set("agent:v1");
        if let Some(selector) = ds.spec.selector.as_mut() {
            selector
                .match_labels
                .insert("bad key!".into(), "agent".into());
        }
        let errors: [Box<dyn std::error::Error>; 2] = [
            Box::new(plan_history(&ds, &[], &[], &HistoryOptions::new()).unwrap_err()),
            Box::new(rollback(&ds, &[], 0).unwrap_err()),
        ];
        for error in errors {
            assert_eq!(
                error.to_string(),
                "daemonset ops/agent: invalid spec.selector"
            );
            let source = error.source().unwrap().to_string();
            assert!(source.starts_with("matchLabels.bad key!: "), "{source}");
        }
    }

    #[test]
    fn display_lists_every_write() {
        let ds = daemon_set("agent:v1");
        let plan = plan_history(&ds, &[], &[], &HistoryOptions::new().with_hash("h1")).unwrap();
        assert_eq!(
            plan.to_string(),
            "current revision agent-h1 (hash h1); create agent-h1 (revision 1)"
        );
    }
}
