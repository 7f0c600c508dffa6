//! The shared helpers of the tests (`crate::common` in `tests/integration/`, `mod common;` in
//! the test binaries not yet moved in): the case files' schema ([`schema`]) and how a case is
//! built and checked (here), the base objects cases are merged over, the compact form of
//! actions, the whole pipeline on untrusted bytes ([`pipeline`]) and the real-world corpus
//! ([`realworld`]).
#![allow(dead_code)]

pub mod pipeline;
pub mod realworld;
pub mod schema;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use daemonset_planner::rollout::ConditionOptions;
use daemonset_planner::{
    Action, DaemonSet, Node, Plan, PlanOptions, Pod, RollingUpdateStep, Time, TopologyBudget,
    UpdateOrder, apply_defaults, conditions, lint, plan, render_pod, rollout_complete,
};
use schema::RollingExpect;
use serde_yaml::Value;

/// The DaemonSet every case starts from; a case's `daemonset` is merged over it.
pub const BASE_DAEMONSET: &str = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ds
  namespace: default
  uid: ds-uid
  generation: 1
spec:
  selector:
    matchLabels: {app: ds}
  template:
    metadata:
      labels: {app: ds}
    spec:
      containers:
      - name: agent
        image: registry.k8s.io/agent:v1
"#;

/// The pod every case pod starts from: owned by `ds`, of revision `new`, Running and Ready
/// since long ago.
pub const BASE_POD: &str = r#"
apiVersion: v1
kind: Pod
metadata:
  namespace: default
  labels: {app: ds, controller-revision-hash: new}
  creationTimestamp: "2024-01-01T00:00:00Z"
  ownerReferences:
  - {apiVersion: apps/v1, kind: DaemonSet, name: ds, uid: ds-uid, controller: true, blockOwnerDeletion: true}
spec:
  containers:
  - name: agent
    image: registry.k8s.io/agent:v1
status:
  phase: Running
  conditions:
  - {type: Ready, status: "True", lastTransitionTime: "2024-01-01T00:00:00Z"}
"#;

/// Merges `overlay` into `base`: mappings recursively, anything else replaced.
pub fn merge(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Mapping(base), Value::Mapping(overlay)) => {
            for (key, value) in overlay {
                match base.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, overlay) => *base = overlay.clone(),
    }
}

fn over(base: &str, overlay: Option<&Value>) -> Value {
    let mut value: Value = serde_yaml::from_str(base).unwrap();
    if let Some(overlay) = overlay {
        merge(&mut value, overlay);
    }
    value
}

pub use schema::{Case, selected};

/// Every planner case of the directory `dir`, files in name order.
pub fn load_cases(dir: &Path) -> Vec<Case> {
    case_files(dir)
        .iter()
        .flat_map(|file| schema::read_case_file(file))
        .collect()
}

/// The `.yaml` files of a directory, in name order.
pub fn case_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

impl Case {
    pub fn daemon_set(&self) -> DaemonSet {
        let mut ds: DaemonSet =
            serde_yaml::from_value(over(BASE_DAEMONSET, self.daemonset.as_ref()))
                .unwrap_or_else(|e| panic!("{}: daemonset: {e}", self.name));
        apply_defaults(&mut ds);
        ds
    }

    pub fn nodes(&self) -> Vec<Node> {
        self.nodes
            .iter()
            .map(|n| {
                // Shorthand: a bare string is a node of that name.
                let value = match n {
                    Value::String(name) => serde_yaml::from_str(&format!(
                        "{{metadata: {{name: {name}, labels: {{kubernetes.io/hostname: {name}}}}}}}"
                    ))
                    .unwrap(),
                    other => other.clone(),
                };
                serde_yaml::from_value(value).unwrap_or_else(|e| panic!("{}: node: {e}", self.name))
            })
            .collect()
    }

    pub fn pods(&self) -> Vec<Pod> {
        self.pods
            .iter()
            .map(|p| {
                serde_yaml::from_value(over(BASE_POD, Some(p)))
                    .unwrap_or_else(|e| panic!("{}: pod: {e}", self.name))
            })
            .collect()
    }

    pub fn now(&self) -> Time {
        self.now
            .as_deref()
            .map(|t| Time::parse(t).unwrap())
            .unwrap_or_else(|| Time::parse("2024-06-01T00:00:00Z").unwrap())
    }

    pub fn options(&self) -> PlanOptions {
        let mut options = PlanOptions::new(self.now()).with_revision("new");
        let o = &self.options;
        if let Some(revision) = &o.revision {
            options.revision = revision.clone();
        }
        if let Some(b) = o.burst_replicas {
            options.burst_replicas = b;
        }
        if let Some(g) = o.taint_comparison_operators {
            options.taint_comparison_operators = g;
        }
        if let Some(backoff) = &o.failed_pod_backoff {
            options.failed_pod_backoff = backoff.clone();
        }
        // Options beyond upstream, in the command line's syntax.
        if let Some(order) = &o.order {
            let order: UpdateOrder = order
                .parse()
                .unwrap_or_else(|e| panic!("{}: order: {e}", self.name));
            options = options.with_update_order(order);
        }
        if let Some(budget) = &o.zone_budget {
            let budget: TopologyBudget = budget
                .parse()
                .unwrap_or_else(|e| panic!("{}: zoneBudget: {e}", self.name));
            options = options.with_topology_budget(budget);
        }
        if let Some(strict) = o.strict_budget {
            options = options.with_strict_budget(strict);
        }
        if let Some(freeze) = o.freeze {
            options = options.with_freeze(freeze);
        }
        options
    }

    pub fn plan(&self) -> Plan {
        plan(
            &self.daemon_set(),
            &self.nodes(),
            &self.pods(),
            &self.options(),
        )
        .unwrap_or_else(|e| panic!("{}: plan failed: {e}", self.name))
    }
}

/// An action in the compact form case files use.
pub fn compact(action: &Action) -> String {
    match action {
        Action::Create { node, reason } => match reason.as_str() {
            "missing" => format!("create {node}"),
            other => format!("create {node} {other}"),
        },
        Action::Delete { pod, reason, .. } => format!("delete {pod} {reason}"),
        Action::Adopt { pod } => format!("adopt {pod}"),
        Action::Release { pod } => format!("release {pod}"),
        other => format!("{other:?}"),
    }
}

/// Compares a plan with a case's `expect:` block; returns the differences.
pub fn check(case: &Case, plan: &Plan) -> Vec<String> {
    let mut problems = Vec::new();
    let expect = &case.expect;
    if let Some(want) = &expect.actions {
        let got: Vec<String> = plan.actions.iter().map(compact).collect();
        if *want != got {
            problems.push(format!("actions: want {want:?}\n            got  {got:?}"));
        }
    }
    if let Some(status) = &expect.status {
        let s = &plan.status;
        let fields = [
            ("desired", status.desired, s.desired_number_scheduled),
            ("current", status.current, s.current_number_scheduled),
            ("misscheduled", status.misscheduled, s.number_misscheduled),
            ("ready", status.ready, s.number_ready),
            ("updated", status.updated, s.updated_number_scheduled),
            ("available", status.available, s.number_available),
            ("unavailable", status.unavailable, s.number_unavailable),
        ];
        for (key, want, got) in fields {
            match want {
                Some(want) if i64::from(got) != want => {
                    problems.push(format!("status.{key}: want {want}, got {got}"));
                }
                _ => {}
            }
        }
    }
    if let Some(want) = expect.deferred_creates {
        if plan.deferred_creates != want {
            problems.push(format!(
                "deferredCreates: want {want}, got {}",
                plan.deferred_creates
            ));
        }
    }
    if let Some(want) = expect.deferred_deletes {
        if plan.deferred_deletes != want {
            problems.push(format!(
                "deferredDeletes: want {want}, got {}",
                plan.deferred_deletes
            ));
        }
    }
    if let Some(want) = expect.requeue_after_seconds {
        let got = plan.requeue_after.map(|d| d.as_secs());
        if got != want {
            problems.push(format!("requeueAfterSeconds: want {want:?}, got {got:?}"));
        }
    }
    if let Some(want) = &expect.skipped {
        let got = plan.skipped.map(|s| format!("{s:?}"));
        if got != *want {
            problems.push(format!("skipped: want {want:?}, got {got:?}"));
        }
    }
    if let Some(want) = expect.status_changed {
        if plan.status_changed != want {
            problems.push(format!(
                "statusChanged: want {want}, got {}",
                plan.status_changed
            ));
        }
    }
    if let Some(want) = expect.observed_generation {
        if plan.status.observed_generation != want {
            problems.push(format!(
                "observedGeneration: want {want:?}, got {:?}",
                plan.status.observed_generation
            ));
        }
    }
    if let Some(want) = &expect.rolling_update {
        problems.extend(check_rolling(want.as_ref(), plan));
    }
    if let Some(want) = &expect.backoff_delays {
        problems.extend(check_backoff(want, plan));
    }
    if let Some(want) = &expect.created_pod_labels {
        problems.extend(check_created_labels(case, want, plan));
    }
    if let Some(want) = expect.complete {
        let got = rollout_complete(&case.daemon_set(), plan);
        if got != want {
            problems.push(format!("complete: want {want}, got {got}"));
        }
    }
    if expect.conditions.is_some() || expect.messages.is_some() {
        problems.extend(check_conditions(case, plan));
    }
    if let Some(want) = &expect.lints {
        let got: Vec<String> = lint(&case.daemon_set(), &case.nodes())
            .iter()
            .map(|l| format!("{} {}", l.severity, l.code))
            .collect();
        if *want != got {
            problems.push(format!("lints: want {want:?}, got {got:?}"));
        }
    }
    problems
}

/// `conditions: {Stalled: "True BudgetHeldByNotReadyNodes", ...}`: status and reason of each
/// condition named; `messages: {Stalled: "text"}` beside it checks that the message contains
/// the text. The case's `progress: {deadlineSeconds, last}` sets the progress deadline.
fn check_conditions(case: &Case, plan: &Plan) -> Vec<String> {
    let mut options = ConditionOptions::new(case.now());
    if let Some(progress) = &case.progress {
        let last = Time::parse(&progress.last).unwrap();
        options = options.with_progress_deadline(
            std::time::Duration::from_secs(progress.deadline_seconds),
            last,
        );
    }
    let found = conditions(&case.daemon_set(), &case.nodes(), plan, &options);
    let mut problems = Vec::new();
    for (kind, expected) in case.expect.conditions.iter().flatten() {
        match found.iter().find(|c| c.type_.as_str() == kind) {
            Some(c) => {
                let got = format!("{} {}", c.status_str(), c.reason);
                if got != *expected {
                    problems.push(format!(
                        "conditions.{kind}: want {expected:?}, got {got:?} ({})",
                        c.message
                    ));
                }
            }
            None => problems.push(format!("conditions.{kind}: missing")),
        }
    }
    for (kind, text) in case.expect.messages.iter().flatten() {
        let message = found
            .iter()
            .find(|c| c.type_.as_str() == kind)
            .map(|c| c.message.clone())
            .unwrap_or_default();
        if !message.contains(text.as_str()) {
            problems.push(format!("messages.{kind}: want {text:?} in {message:?}"));
        }
    }
    problems
}

/// `backoffDelays`: the failed-pod backoff table the plan hands on, as key -> delay in
/// seconds; compared exactly (`{}` means empty).
fn check_backoff(want: &BTreeMap<String, u64>, plan: &Plan) -> Vec<String> {
    let got: BTreeMap<String, u64> = plan
        .failed_pod_backoff
        .entries()
        .iter()
        .map(|(k, e)| (k.clone(), e.delay_seconds))
        .collect();
    if *want == got {
        Vec::new()
    } else {
        vec![format!("backoffDelays: want {want:?}, got {got:?}")]
    }
}

/// `createdPodLabels`: labels every pod the plan creates must carry (rendered with
/// `render_pod` for the plan's revision); other labels may be present too. The plan must
/// create at least one pod.
fn check_created_labels(
    case: &Case,
    want: &BTreeMap<String, Option<String>>,
    plan: &Plan,
) -> Vec<String> {
    let ds = case.daemon_set();
    let nodes: Vec<&str> = plan
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::Create { node, .. } => Some(node.as_str()),
            _ => None,
        })
        .collect();
    if nodes.is_empty() {
        return vec!["createdPodLabels: the plan creates no pod".into()];
    }
    let mut problems = Vec::new();
    for node in nodes {
        let pod = render_pod(&ds, node, &plan.revision);
        for (key, want) in want {
            let got = pod.metadata.labels.get(key).cloned();
            if got != *want {
                problems.push(format!(
                    "createdPodLabels on {node}: {key} want {want:?}, got {got:?}"
                ));
            }
        }
    }
    problems
}

fn check_rolling(want: Option<&RollingExpect>, plan: &Plan) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(want) = want else {
        if plan.rolling_update.is_some() {
            problems.push(format!(
                "rollingUpdate: want none, got {:?}",
                plan.rolling_update
            ));
        }
        return problems;
    };
    if (want.paused.is_some() || want.failed.is_some())
        && (want.has_batch_keys() || (want.paused.is_some() && want.failed.is_some()))
    {
        return vec![format!(
            "rollingUpdate: `paused` and `failed` take no other key, got {want:?}"
        )];
    }
    if let Some(reason) = &want.paused {
        match &plan.rolling_update {
            Some(RollingUpdateStep::Paused(got)) if format!("{got:?}") == *reason => {}
            got => problems.push(format!("rollingUpdate.paused: want {reason}, got {got:?}")),
        }
        return problems;
    }
    match (&plan.rolling_update, &want.failed) {
        (Some(RollingUpdateStep::Failed(error)), Some(message)) => {
            if !error.to_string().contains(message.as_str()) {
                problems.push(format!("rollingUpdate.failed: want {message:?} in {error}"));
            }
        }
        (Some(RollingUpdateStep::Batch(batch)), None) => {
            if let Some(mode) = &want.mode {
                if format!("{:?}", batch.mode) != *mode {
                    problems.push(format!(
                        "rollingUpdate.mode: want {mode}, got {:?}",
                        batch.mode
                    ));
                }
            }
            if let Some(budget) = want.budget {
                if batch.budget != budget {
                    problems.push(format!(
                        "rollingUpdate.budget: want {budget}, got {}",
                        batch.budget
                    ));
                }
            }
            if let Some(used) = want.used {
                if batch.used.len() as u64 != used {
                    problems.push(format!(
                        "rollingUpdate.used: want {used}, got {:?}",
                        batch.used
                    ));
                }
            }
            if let Some(waiting) = want.waiting {
                if batch.waiting as u64 != waiting {
                    problems.push(format!(
                        "rollingUpdate.waiting: want {waiting}, got {}",
                        batch.waiting
                    ));
                }
            }
            // `held: [node Reason]`, e.g. `n1 Partition` or `n4 TopologyDomain(zone-a)`.
            if let Some(want) = &want.held {
                let got: Vec<String> = batch
                    .held
                    .iter()
                    .map(|h| format!("{} {:?}", h.node, h.reason).replace('"', ""))
                    .collect();
                if *want != got {
                    problems.push(format!("rollingUpdate.held: want {want:?}, got {got:?}"));
                }
            }
            // `usedBy: [node]`: the nodes using the budget, by name.
            if let Some(want) = &want.used_by {
                let got: Vec<String> = batch.used.iter().map(|u| u.node.clone()).collect();
                if *want != got {
                    problems.push(format!("rollingUpdate.usedBy: want {want:?}, got {got:?}"));
                }
            }
        }
        (got, _) => problems.push(format!("rollingUpdate: want {want:?}, got {got:?}")),
    }
    problems
}

pub fn cases_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases")
        .join(name)
}

/// Runs the planner cases of one file of `tests/cases/<dir>/`, named as a Rust identifier
/// (`-` written `_`), that pass the `DSP_CASE` filter; fails with all the differences at once.
pub fn run_file(dir: &str, file: &str) {
    let file = case_file(dir, file);
    let cases: Vec<Case> = schema::read_case_file(&file);
    let ran = run_cases(&cases);
    note_filtered(&file, ran, cases.len());
}

fn run_cases(cases: &[Case]) -> usize {
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in cases.iter().filter(|case| selected(&case.name)) {
        ran += 1;
        let plan = case.plan();
        let problems = check(case, &plan);
        if !problems.is_empty() {
            failures.push(format!(
                "{} :: {}\n    {}",
                case.file.file_name().unwrap().to_string_lossy(),
                case.name,
                problems.join("\n    ")
            ));
        }
    }
    report(&failures, cases.len(), ran)
}

/// Says on stderr how many cases of `file` the `DSP_CASE` filter let run, when it is set.
pub fn note_filtered(file: &Path, ran: usize, total: usize) {
    if let Ok(filter) = std::env::var(schema::CASE_FILTER) {
        eprintln!(
            "{}: {ran} of {total} cases match {}={filter:?}",
            file.display(),
            schema::CASE_FILTER
        );
    }
}

/// Fails with every failure; returns how many cases ran (the filter may leave out some).
pub fn report(failures: &[String], total: usize, ran: usize) -> usize {
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        ran,
        failures.join("\n")
    );
    assert!(total > 0, "a case file without cases");
    ran
}

/// The file of `tests/cases/<dir>/` whose stem, `-` written `_`, is `ident`.
pub fn case_file(dir: &str, ident: &str) -> PathBuf {
    let files = case_files(&cases_dir(dir));
    let mut found = files.into_iter().filter(|f| file_ident(f) == ident);
    let file = found
        .next()
        .unwrap_or_else(|| panic!("no file {ident}.yaml in tests/cases/{dir}"));
    assert!(
        found.next().is_none(),
        "two files of tests/cases/{dir} read as {ident}"
    );
    file
}

/// A case file's name as a Rust identifier: its stem, `-` written `_`.
pub fn file_ident(file: &Path) -> String {
    file.file_stem()
        .unwrap()
        .to_string_lossy()
        .replace('-', "_")
}
