//! The typed schema of the case files under `tests/cases/`.
//!
//! Every mapping of the schema refuses keys it does not know (`deny_unknown_fields`), so a
//! misspelt key fails the test that reads its file instead of asserting nothing. Kubernetes
//! objects inside a case (`daemonset`, `nodes`, `pods`, `revisions`) stay untyped YAML: they are
//! merged over base objects and read by the library's own model types, which accept unknown
//! fields as the API server's clients do.
//!
//! A file is `cases:`, a list of cases, and optionally `anchors:`, a mapping that is never read
//! and only holds YAML anchors (`&name`) the cases refer to (`*name`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use daemonset_planner::FailedPodBackoff;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_yaml::Value;

/// A case file of any directory: the cases are `C`, a planner case ([`Case`]) or a history case
/// ([`HistoryCase`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile<C> {
    /// Anchors the cases refer to; not read otherwise.
    #[serde(default)]
    pub anchors: Option<Value>,
    /// The cases, in file order.
    pub cases: Vec<C>,
}

/// What the readers of case files need of a case.
pub trait NamedCase {
    /// The case's `name`.
    fn name(&self) -> &str;
    /// Records the file the case was read from.
    fn set_file(&mut self, file: &Path);
}

/// Reads one case file; a file the schema refuses panics with the file, the key path and the
/// line.
pub fn read_case_file<C: DeserializeOwned + NamedCase>(file: &Path) -> Vec<C> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let parsed: CaseFile<C> =
        parse_case_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut cases = parsed.cases;
    for case in &mut cases {
        case.set_file(file);
    }
    cases
}

/// Parses the text of a case file against the schema; the error names the key path, the
/// problem and the line.
pub fn parse_case_file<C: DeserializeOwned>(text: &str) -> Result<CaseFile<C>, String> {
    serde_yaml::from_str(text).map_err(|e| e.to_string())
}

/// `DSP_CASE=text`: only cases whose name contains `text` run (all of them when unset).
pub const CASE_FILTER: &str = "DSP_CASE";

/// Whether the case named `name` passes the [`CASE_FILTER`].
pub fn selected(name: &str) -> bool {
    match std::env::var(CASE_FILTER) {
        Ok(filter) => name.contains(&filter),
        Err(_) => true,
    }
}

/// A key that may be absent, or present with `null`: `Some(None)` is an explicit `null`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

// ---------------------------------------------------------------------------------------------
// Planner cases: tests/cases/planner, kruise, extensions

/// One planner case: inputs, and what the plan must say.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Case {
    /// The file the case was read from.
    #[serde(skip)]
    pub file: PathBuf,
    /// What the case shows, in a sentence.
    pub name: String,
    /// Merged over [`super::BASE_DAEMONSET`].
    #[serde(default)]
    pub daemonset: Option<Value>,
    /// Nodes: a bare string is a node of that name (with its hostname label).
    #[serde(default)]
    pub nodes: Vec<Value>,
    /// Pods, each merged over [`super::BASE_POD`].
    #[serde(default)]
    pub pods: Vec<Value>,
    /// The time of the sync (RFC 3339); `2024-06-01T00:00:00Z` when absent.
    #[serde(default)]
    pub now: Option<String>,
    /// Plan options beyond the defaults.
    #[serde(default)]
    pub options: CaseOptions,
    /// The progress deadline the `conditions` check uses.
    #[serde(default)]
    pub progress: Option<Progress>,
    /// What the plan must say.
    pub expect: Expect,
}

impl NamedCase for Case {
    fn name(&self) -> &str {
        &self.name
    }
    fn set_file(&mut self, file: &Path) {
        self.file = file.to_path_buf();
    }
}

/// A case's `options:`; keys absent keep `PlanOptions::new(now).with_revision("new")`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CaseOptions {
    /// The revision hash of the template; `null` plans without one.
    #[serde(default, deserialize_with = "present")]
    pub revision: Option<Option<String>>,
    /// The most creates and deletes of one sync.
    pub burst_replicas: Option<usize>,
    /// The taint comparison operators feature gate.
    pub taint_comparison_operators: Option<bool>,
    /// The failed-pod backoff table from the previous sync.
    pub failed_pod_backoff: Option<FailedPodBackoff>,
    /// Beyond upstream: the update order, in the command line's syntax.
    pub order: Option<String>,
    /// Beyond upstream: the per-zone budget, in the command line's syntax.
    pub zone_budget: Option<String>,
    /// Beyond upstream: the strict budget.
    pub strict_budget: Option<bool>,
    /// Beyond upstream: freeze.
    pub freeze: Option<bool>,
}

/// A case's `progress:`, the progress deadline of the conditions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Progress {
    /// `progressDeadlineSeconds`.
    pub deadline_seconds: u64,
    /// When the rollout last progressed (RFC 3339).
    pub last: String,
}

/// A planner case's `expect:`; keys absent are not checked (except where said).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Expect {
    /// Every action, in order, in the compact form of [`super::compact`].
    pub actions: Option<Vec<String>>,
    /// Counters of the status.
    pub status: Option<StatusExpect>,
    /// `Plan::deferred_creates`.
    pub deferred_creates: Option<usize>,
    /// `Plan::deferred_deletes`.
    pub deferred_deletes: Option<usize>,
    /// `Plan::requeue_after` in seconds; `null` for none.
    #[serde(default, deserialize_with = "present")]
    pub requeue_after_seconds: Option<Option<u64>>,
    /// `Plan::skipped` as its `Debug` form; `null` for none.
    #[serde(default, deserialize_with = "present")]
    pub skipped: Option<Option<String>>,
    /// `Plan::status_changed`.
    pub status_changed: Option<bool>,
    /// The status's `observedGeneration`; `null` for none.
    #[serde(default, deserialize_with = "present")]
    pub observed_generation: Option<Option<i64>>,
    /// The rolling-update step; `null` for none.
    #[serde(default, deserialize_with = "present")]
    pub rolling_update: Option<Option<RollingExpect>>,
    /// The failed-pod backoff table the plan hands on, key to delay in seconds, exactly.
    pub backoff_delays: Option<BTreeMap<String, u64>>,
    /// Labels every created pod carries (`null`: the label is absent); the plan must create.
    pub created_pod_labels: Option<BTreeMap<String, Option<String>>>,
    /// `rollout_complete` of the plan.
    pub complete: Option<bool>,
    /// `Type: "Status Reason"` of each condition named.
    pub conditions: Option<BTreeMap<String, String>>,
    /// `Type: text`: the condition's message contains the text.
    pub messages: Option<BTreeMap<String, String>>,
    /// `"severity code"` of every lint of the DaemonSet and nodes, in order.
    pub lints: Option<Vec<String>>,
}

/// `expect.status`: the counters named are compared.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusExpect {
    /// `desiredNumberScheduled`.
    pub desired: Option<i64>,
    /// `currentNumberScheduled`.
    pub current: Option<i64>,
    /// `numberMisscheduled`.
    pub misscheduled: Option<i64>,
    /// `numberReady`.
    pub ready: Option<i64>,
    /// `updatedNumberScheduled`.
    pub updated: Option<i64>,
    /// `numberAvailable`.
    pub available: Option<i64>,
    /// `numberUnavailable`.
    pub unavailable: Option<i64>,
}

/// `expect.rollingUpdate`: `paused: Reason`, or `failed: text in the error`, or the batch keys.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RollingExpect {
    /// The step is `Paused` for this reason (`Debug` form); no other key may be given.
    pub paused: Option<String>,
    /// The step is `Failed` with an error containing this text; no other key may be given.
    pub failed: Option<String>,
    /// The batch's mode (`Debug` form).
    pub mode: Option<String>,
    /// The batch's budget.
    pub budget: Option<i64>,
    /// How many nodes use the budget.
    pub used: Option<u64>,
    /// How many nodes wait for budget.
    pub waiting: Option<u64>,
    /// `node Reason` of every held node, in order, e.g. `n4 TopologyDomain(zone-a)`.
    pub held: Option<Vec<String>>,
    /// The nodes using the budget, in order.
    pub used_by: Option<Vec<String>>,
}

impl RollingExpect {
    /// Whether a batch key (anything but `paused` and `failed`) is given.
    pub fn has_batch_keys(&self) -> bool {
        self.mode.is_some()
            || self.budget.is_some()
            || self.used.is_some()
            || self.waiting.is_some()
            || self.held.is_some()
            || self.used_by.is_some()
    }
}

// ---------------------------------------------------------------------------------------------
// History cases: tests/cases/history

/// One history case. Which function runs depends on the key given: `rollback`, `teardown`,
/// `rolloutStatus`, or none of them for `plan_history`; `expect` is read by that function's
/// schema ([`HistoryExpect`], [`RollbackExpect`], [`TeardownExpect`], [`RolloutStatusExpect`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HistoryCase {
    /// The file the case was read from.
    #[serde(skip)]
    pub file: PathBuf,
    /// What the case shows, in a sentence.
    pub name: String,
    /// Merged over [`super::BASE_DAEMONSET`].
    #[serde(default)]
    pub daemonset: Option<Value>,
    /// Nodes, as in planner cases.
    #[serde(default)]
    pub nodes: Vec<Value>,
    /// Pods, each merged over [`super::BASE_POD`].
    #[serde(default)]
    pub pods: Vec<Value>,
    /// ControllerRevisions, as text or as YAML; `{hash}` stands for the template's hash.
    #[serde(default)]
    pub revisions: Option<Value>,
    /// History options.
    #[serde(default)]
    pub options: HistoryCaseOptions,
    /// Runs `rollback` to this revision number.
    pub rollback: Option<i64>,
    /// Runs `teardown` with this propagation policy.
    pub teardown: Option<String>,
    /// Runs `rollout_status` on the DaemonSet as given, or with its plan's status.
    pub rollout_status: Option<RolloutFrom>,
    /// What the function must return; its schema depends on the function.
    pub expect: Value,
}

impl NamedCase for HistoryCase {
    fn name(&self) -> &str {
        &self.name
    }
    fn set_file(&mut self, file: &Path) {
        self.file = file.to_path_buf();
    }
}

impl HistoryCase {
    /// The same objects as a planner case, with the default plan options and nothing expected.
    pub fn objects(&self) -> Case {
        Case {
            file: self.file.clone(),
            name: self.name.clone(),
            daemonset: self.daemonset.clone(),
            nodes: self.nodes.clone(),
            pods: self.pods.clone(),
            now: None,
            options: CaseOptions::default(),
            progress: None,
            expect: Expect::default(),
        }
    }

    /// Which function the case runs, with its expectation read by that function's schema.
    pub fn check(&self) -> Result<HistoryCheck, String> {
        fn expect<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
            serde_yaml::from_value(value.clone()).map_err(|e| format!("expect: {e}"))
        }
        match (&self.rollback, &self.teardown, &self.rollout_status) {
            (None, None, None) => Ok(HistoryCheck::History(expect(&self.expect)?)),
            (Some(to), None, None) => Ok(HistoryCheck::Rollback(*to, expect(&self.expect)?)),
            (None, Some(policy), None) => Ok(HistoryCheck::Teardown(
                policy.clone(),
                expect(&self.expect)?,
            )),
            (None, None, Some(from)) => {
                Ok(HistoryCheck::RolloutStatus(*from, expect(&self.expect)?))
            }
            _ => Err("give at most one of rollback, teardown and rolloutStatus".into()),
        }
    }
}

/// A history case's `options:`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryCaseOptions {
    /// The hash the caller computed, instead of `revision_hash`.
    pub hash: Option<String>,
}

/// `rolloutStatus:`: the status `rollout_status` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RolloutFrom {
    /// The DaemonSet's status as the case gives it.
    Daemonset,
    /// The status of the case's plan.
    Plan,
}

/// The function a history case runs, and what it must return.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // one per case, read once
pub enum HistoryCheck {
    /// `plan_history`.
    History(HistoryExpect),
    /// `rollback` to a revision number.
    Rollback(i64, RollbackExpect),
    /// `teardown` with a propagation policy.
    Teardown(String, TeardownExpect),
    /// `rollout_status`.
    RolloutStatus(RolloutFrom, RolloutStatusExpect),
}

/// One string, or a list of them.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Strings {
    /// `key: text`.
    One(String),
    /// `key: [text, ...]`.
    Many(Vec<String>),
}

impl Strings {
    /// The strings, `{hash}` replaced by `hash`.
    pub fn with_hash(&self, hash: &str) -> Vec<String> {
        match self {
            Strings::One(one) => vec![one.replace("{hash}", hash)],
            Strings::Many(many) => many.iter().map(|s| s.replace("{hash}", hash)).collect(),
        }
    }
}

/// `expect:` of a `plan_history` case. Lists not given must be empty; `collisionCount` and
/// `skipped` not given must be none.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HistoryExpect {
    /// The current revision's name (checked when given).
    pub current: Option<Strings>,
    /// The template's hash (checked when given).
    pub hash: Option<String>,
    /// `name revision` of each revision to create.
    pub create: Option<Strings>,
    /// `name revision` of each revision to renumber.
    pub update: Option<Strings>,
    /// Revisions to delete as duplicates.
    pub delete: Option<Strings>,
    /// Revisions to delete past the history limit.
    pub cleanup: Option<Strings>,
    /// `pod hash` of each pod to relabel.
    pub relabel: Option<Strings>,
    /// Revisions to adopt.
    pub adopt: Option<Strings>,
    /// Revisions to release.
    pub release: Option<Strings>,
    /// The collision count to write.
    pub collision_count: Option<i32>,
    /// Why the history is not planned (`Debug` form).
    pub skipped: Option<String>,
}

/// `expect:` of a `rollback` case: the error, or what the rolled-back DaemonSet is.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollbackExpect {
    /// The first container's image after the rollback.
    pub image: Option<String>,
    /// Whether the rollback returns the DaemonSet unchanged.
    pub unchanged: Option<bool>,
    /// The error, exactly.
    pub error: Option<String>,
}

/// `expect:` of a `teardown` case.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TeardownExpect {
    /// Every action, in order (none when not given).
    pub actions: Option<Vec<String>>,
    /// Whether the DaemonSet is deleted last.
    pub daemon_set_last: Option<bool>,
}

/// `expect:` of a `rolloutStatus` case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolloutStatusExpect {
    /// Whether the rollout is done.
    pub done: Option<bool>,
    /// The message, exactly.
    pub message: String,
}
