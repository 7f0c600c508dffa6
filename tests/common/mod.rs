//! Shared helpers for the data-driven planner tests: case files, base objects, formatting.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use daemonset_planner::{
    Action, ConditionOptions, DaemonSet, FailedPodBackoff, Node, Plan, PlanOptions, Pod,
    RollingUpdateStep, Time, TopologyBudget, UpdateOrder, apply_defaults, conditions, lint, plan,
    render_pod, rollout_complete,
};
use serde_yaml::{Mapping, Value};

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

/// One case: inputs, and what the plan must say.
pub struct Case {
    pub file: PathBuf,
    pub name: String,
    pub raw: Mapping,
}

pub fn load_cases(dir: &Path) -> Vec<Case> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let doc: Value =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let list = doc
            .get("cases")
            .and_then(Value::as_sequence)
            .unwrap_or_else(|| panic!("{}: expected a `cases:` list", file.display()));
        for item in list {
            let raw = item.as_mapping().unwrap().clone();
            let name = raw
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("{}: a case without name", file.display()))
                .to_string();
            cases.push(Case {
                file: file.clone(),
                name,
                raw,
            });
        }
    }
    cases
}

impl Case {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.raw.get(key)
    }

    pub fn daemon_set(&self) -> DaemonSet {
        let mut ds: DaemonSet = serde_yaml::from_value(over(BASE_DAEMONSET, self.get("daemonset")))
            .unwrap_or_else(|e| panic!("{}: daemonset: {e}", self.name));
        apply_defaults(&mut ds);
        ds
    }

    pub fn nodes(&self) -> Vec<Node> {
        let Some(nodes) = self.get("nodes") else {
            return Vec::new();
        };
        nodes
            .as_sequence()
            .unwrap()
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
        let Some(pods) = self.get("pods") else {
            return Vec::new();
        };
        pods.as_sequence()
            .unwrap()
            .iter()
            .map(|p| {
                serde_yaml::from_value(over(BASE_POD, Some(p)))
                    .unwrap_or_else(|e| panic!("{}: pod: {e}", self.name))
            })
            .collect()
    }

    pub fn now(&self) -> Time {
        self.get("now")
            .and_then(Value::as_str)
            .map(|t| Time::parse(t).unwrap())
            .unwrap_or_else(|| Time::parse("2024-06-01T00:00:00Z").unwrap())
    }

    pub fn options(&self) -> PlanOptions {
        let mut options = PlanOptions::new(self.now()).with_revision("new");
        if let Some(o) = self.get("options") {
            if let Some(r) = o.get("revision") {
                options.revision = r.as_str().map(str::to_string);
            }
            if let Some(b) = o.get("burstReplicas").and_then(Value::as_u64) {
                options.burst_replicas = b as usize;
            }
            if let Some(g) = o.get("taintComparisonOperators").and_then(Value::as_bool) {
                options.taint_comparison_operators = g;
            }
            if let Some(b) = o.get("failedPodBackoff") {
                let backoff: FailedPodBackoff = serde_yaml::from_value(b.clone()).unwrap();
                options.failed_pod_backoff = backoff;
            }
            // Options beyond upstream, in the command line's syntax.
            if let Some(order) = o.get("order").and_then(Value::as_str) {
                let order: UpdateOrder = order
                    .parse()
                    .unwrap_or_else(|e| panic!("{}: order: {e}", self.name));
                options = options.with_update_order(order);
            }
            if let Some(budget) = o.get("zoneBudget").and_then(Value::as_str) {
                let budget: TopologyBudget = budget
                    .parse()
                    .unwrap_or_else(|e| panic!("{}: zoneBudget: {e}", self.name));
                options = options.with_topology_budget(budget);
            }
            if let Some(strict) = o.get("strictBudget").and_then(Value::as_bool) {
                options = options.with_strict_budget(strict);
            }
            if let Some(freeze) = o.get("freeze").and_then(Value::as_bool) {
                options = options.with_freeze(freeze);
            }
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
    let Some(expect) = case.get("expect") else {
        return vec!["no expect: block".into()];
    };
    if let Some(actions) = expect.get("actions") {
        let want: Vec<String> = actions
            .as_sequence()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect();
        let got: Vec<String> = plan.actions.iter().map(compact).collect();
        if want != got {
            problems.push(format!("actions: want {want:?}\n            got  {got:?}"));
        }
    }
    if let Some(status) = expect.get("status") {
        let s = &plan.status;
        let fields = [
            ("desired", s.desired_number_scheduled),
            ("current", s.current_number_scheduled),
            ("misscheduled", s.number_misscheduled),
            ("ready", s.number_ready),
            ("updated", s.updated_number_scheduled),
            ("available", s.number_available),
            ("unavailable", s.number_unavailable),
        ];
        for (key, value) in status.as_mapping().unwrap() {
            let key = key.as_str().unwrap();
            let want = value.as_i64().unwrap();
            match fields.iter().find(|(k, _)| *k == key) {
                Some((_, got)) if i64::from(*got) == want => {}
                Some((_, got)) => problems.push(format!("status.{key}: want {want}, got {got}")),
                None => problems.push(format!("unknown status key {key}")),
            }
        }
    }
    let scalar = |key: &str| expect.get(key);
    if let Some(v) = scalar("deferredCreates") {
        let want = v.as_u64().unwrap() as usize;
        if plan.deferred_creates != want {
            problems.push(format!(
                "deferredCreates: want {want}, got {}",
                plan.deferred_creates
            ));
        }
    }
    if let Some(v) = scalar("deferredDeletes") {
        let want = v.as_u64().unwrap() as usize;
        if plan.deferred_deletes != want {
            problems.push(format!(
                "deferredDeletes: want {want}, got {}",
                plan.deferred_deletes
            ));
        }
    }
    if let Some(v) = scalar("requeueAfterSeconds") {
        let got = plan.requeue_after.map(|d| d.as_secs());
        let want = v.as_u64();
        if got != want {
            problems.push(format!("requeueAfterSeconds: want {want:?}, got {got:?}"));
        }
    }
    if let Some(v) = scalar("skipped") {
        let got = plan.skipped.map(|s| format!("{s:?}"));
        let want = v.as_str().map(str::to_string);
        if got != want {
            problems.push(format!("skipped: want {want:?}, got {got:?}"));
        }
    }
    if let Some(v) = scalar("statusChanged") {
        if Some(plan.status_changed) != v.as_bool() {
            problems.push(format!(
                "statusChanged: want {v:?}, got {}",
                plan.status_changed
            ));
        }
    }
    if let Some(v) = scalar("observedGeneration") {
        if plan.status.observed_generation != v.as_i64() {
            problems.push(format!(
                "observedGeneration: want {v:?}, got {:?}",
                plan.status.observed_generation
            ));
        }
    }
    if let Some(v) = scalar("rollingUpdate") {
        problems.extend(check_rolling(v, plan));
    }
    if let Some(v) = scalar("backoffDelays") {
        problems.extend(check_backoff(v, plan));
    }
    if let Some(v) = scalar("createdPodLabels") {
        problems.extend(check_created_labels(case, v, plan));
    }
    if let Some(v) = scalar("complete") {
        let got = rollout_complete(&case.daemon_set(), plan);
        if Some(got) != v.as_bool() {
            problems.push(format!("complete: want {v:?}, got {got}"));
        }
    }
    if let Some(v) = scalar("conditions") {
        problems.extend(check_conditions(case, v, plan));
    }
    if let Some(v) = scalar("lints") {
        let want: Vec<String> = v
            .as_sequence()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        let got: Vec<String> = lint(&case.daemon_set(), &case.nodes())
            .iter()
            .map(|l| format!("{} {}", l.severity, l.code))
            .collect();
        if want != got {
            problems.push(format!("lints: want {want:?}, got {got:?}"));
        }
    }
    problems
}

/// `conditions: {Stalled: "True BudgetHeldByNotReadyNodes", ...}`: status and reason of each
/// condition named; `messages: {Stalled: "text"}` beside it checks that the message contains
/// the text. The case's `progress: {deadlineSeconds, last}` sets the progress deadline.
fn check_conditions(case: &Case, want: &Value, plan: &Plan) -> Vec<String> {
    let mut options = ConditionOptions::new(case.now());
    if let Some(progress) = case.get("progress") {
        let seconds = progress
            .get("deadlineSeconds")
            .and_then(Value::as_u64)
            .unwrap();
        let last = Time::parse(progress.get("last").and_then(Value::as_str).unwrap()).unwrap();
        options = options.with_progress_deadline(std::time::Duration::from_secs(seconds), last);
    }
    let found = conditions(&case.daemon_set(), &case.nodes(), plan, &options);
    let mut problems = Vec::new();
    for (kind, expected) in want.as_mapping().unwrap() {
        let kind = kind.as_str().unwrap();
        let expected = expected.as_str().unwrap();
        match found.iter().find(|c| c.type_.as_str() == kind) {
            Some(c) => {
                let got = format!("{} {}", c.status_str(), c.reason);
                if got != expected {
                    problems.push(format!(
                        "conditions.{kind}: want {expected:?}, got {got:?} ({})",
                        c.message
                    ));
                }
            }
            None => problems.push(format!("conditions.{kind}: missing")),
        }
    }
    if let Some(messages) = case.get("expect").and_then(|e| e.get("messages")) {
        for (kind, text) in messages.as_mapping().unwrap() {
            let kind = kind.as_str().unwrap();
            let text = text.as_str().unwrap();
            let message = found
                .iter()
                .find(|c| c.type_.as_str() == kind)
                .map(|c| c.message.clone())
                .unwrap_or_default();
            if !message.contains(text) {
                problems.push(format!("messages.{kind}: want {text:?} in {message:?}"));
            }
        }
    }
    problems
}

/// `backoffDelays`: the failed-pod backoff table the plan hands on, as key -> delay in
/// seconds; compared exactly (`{}` means empty).
fn check_backoff(want: &Value, plan: &Plan) -> Vec<String> {
    let want: std::collections::BTreeMap<String, u64> = want
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str().unwrap().to_string(), v.as_u64().unwrap()))
        .collect();
    let got: std::collections::BTreeMap<String, u64> = plan
        .failed_pod_backoff
        .entries()
        .iter()
        .map(|(k, e)| (k.clone(), e.delay_seconds))
        .collect();
    if want == got {
        Vec::new()
    } else {
        vec![format!("backoffDelays: want {want:?}, got {got:?}")]
    }
}

/// `createdPodLabels`: labels every pod the plan creates must carry (rendered with
/// `render_pod` for the plan's revision); other labels may be present too. The plan must
/// create at least one pod.
fn check_created_labels(case: &Case, want: &Value, plan: &Plan) -> Vec<String> {
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
        for (key, value) in want.as_mapping().unwrap() {
            let key = key.as_str().unwrap();
            let want = value.as_str().map(str::to_string);
            let got = pod.metadata.labels.get(key).cloned();
            if got != want {
                problems.push(format!(
                    "createdPodLabels on {node}: {key} want {want:?}, got {got:?}"
                ));
            }
        }
    }
    problems
}

fn check_rolling(want: &Value, plan: &Plan) -> Vec<String> {
    let mut problems = Vec::new();
    if want.is_null() {
        if plan.rolling_update.is_some() {
            problems.push(format!(
                "rollingUpdate: want none, got {:?}",
                plan.rolling_update
            ));
        }
        return problems;
    }
    if let Some(reason) = want.get("paused").and_then(Value::as_str) {
        match &plan.rolling_update {
            Some(RollingUpdateStep::Paused(got)) if format!("{got:?}") == reason => {}
            got => problems.push(format!("rollingUpdate.paused: want {reason}, got {got:?}")),
        }
        return problems;
    }
    match (&plan.rolling_update, want.get("failed")) {
        (Some(RollingUpdateStep::Failed(error)), Some(message)) => {
            let message = message.as_str().unwrap();
            if !error.to_string().contains(message) {
                problems.push(format!("rollingUpdate.failed: want {message:?} in {error}"));
            }
        }
        (Some(RollingUpdateStep::Batch(batch)), None) => {
            if let Some(mode) = want.get("mode").and_then(Value::as_str) {
                if format!("{:?}", batch.mode) != mode {
                    problems.push(format!(
                        "rollingUpdate.mode: want {mode}, got {:?}",
                        batch.mode
                    ));
                }
            }
            if let Some(budget) = want.get("budget").and_then(Value::as_i64) {
                if batch.budget != budget {
                    problems.push(format!(
                        "rollingUpdate.budget: want {budget}, got {}",
                        batch.budget
                    ));
                }
            }
            if let Some(used) = want.get("used").and_then(Value::as_u64) {
                if batch.used.len() as u64 != used {
                    problems.push(format!(
                        "rollingUpdate.used: want {used}, got {:?}",
                        batch.used
                    ));
                }
            }
            if let Some(waiting) = want.get("waiting").and_then(Value::as_u64) {
                if batch.waiting as u64 != waiting {
                    problems.push(format!(
                        "rollingUpdate.waiting: want {waiting}, got {}",
                        batch.waiting
                    ));
                }
            }
            // `held: [node Reason]`, e.g. `n1 Partition` or `n4 TopologyDomain(zone-a)`.
            if let Some(held) = want.get("held").and_then(Value::as_sequence) {
                let want: Vec<String> = held
                    .iter()
                    .map(|h| h.as_str().unwrap().to_string())
                    .collect();
                let got: Vec<String> = batch
                    .held
                    .iter()
                    .map(|h| format!("{} {:?}", h.node, h.reason).replace('"', ""))
                    .collect();
                if want != got {
                    problems.push(format!("rollingUpdate.held: want {want:?}, got {got:?}"));
                }
            }
            // `usedBy: [node]`: the nodes using the budget, by name.
            if let Some(nodes) = want.get("usedBy").and_then(Value::as_sequence) {
                let want: Vec<String> = nodes
                    .iter()
                    .map(|n| n.as_str().unwrap().to_string())
                    .collect();
                let got: Vec<String> = batch.used.iter().map(|u| u.node.clone()).collect();
                if want != got {
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

/// Runs every case of a directory and fails with all the differences at once.
pub fn run_dir(name: &str) -> usize {
    let cases = load_cases(&cases_dir(name));
    let mut failures = Vec::new();
    for case in &cases {
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
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    cases.len()
}
