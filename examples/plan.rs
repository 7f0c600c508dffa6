//! Plans one sync of a DaemonSet from manifest files and prints the decisions.
//!
//! ```text
//! cargo run --release --example plan -- --daemonset DS.yaml --nodes NODES.yaml [--pods PODS.yaml]
//!     [--revisions REVISIONS.yaml] [--now RFC3339] [--revision HASH]
//!     [--output table|json|yaml] [--explain] [--status] [--rollout [--pod-startup-seconds N]]
//! cargo run --example plan -- ... --revisions REVISIONS.yaml --rollback-to N
//! cargo run --example plan -- ... --teardown Foreground|Background|Orphan
//! cargo run --example plan -- ... [--order name|unavailable-first|label:KEY|canary:N1,N2|zones:KEY]
//!     [--zone-budget KEY=N|KEY=N%] [--strict-budget] [--freeze] [--lint]
//!     [--progress-deadline SECONDS --last-progress RFC3339]
//! ```
//!
//! With no arguments it plans the bundled example cluster in `examples/data/`. With
//! `--revisions` it also plans the ControllerRevisions (`"history"` in JSON) and plans the pods
//! with the history's hash. `--rollback-to N` prints only the DaemonSet to apply, as YAML, as
//! `kubectl rollout undo --to-revision=N` would restore it. `--teardown POLICY` plans deleting
//! the DaemonSet instead of a sync. `--status` adds `kubectl rollout status`'s message to the
//! table (JSON always carries it as `"rolloutStatus"`), with the rollout conditions (JSON always
//! carries them as `"conditions"`). `--daemonset` also reads OpenKruise Advanced DaemonSets
//! (`apps.kruise.io/v1alpha1`, `v1beta1`), planned with Kruise's semantics. `--order`,
//! `--zone-budget`, `--strict-budget` and `--freeze` set the options beyond upstream, for the
//! plan and for `--rollout`. `--lint` adds the lints (`"lints"` in JSON) and exits 0 whatever
//! they find. `--progress-deadline` with `--last-progress` lets the conditions report a stalled
//! rollout. Invalid input (unreadable manifests, or a DaemonSet, node or pod the API server
//! would refuse) prints the errors on stderr, nothing on stdout, and exits with code 2. This command line and its JSON output are a
//! contract other tools rely on: keys are only ever added.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::arithmetic_side_effects
)]

use std::process::ExitCode;

use daemonset_planner::{
    Action, ConditionOptions, ControllerRevision, DaemonSet, DaemonSetStatus, HistoryOptions,
    HistoryPlan, Lint, Node, NodeExplanation, Plan, PlanOptions, Pod, PropagationPolicy,
    RevisionRef, RollingUpdateStep, RolloutCondition, RolloutPreview, RolloutStatus, Teardown,
    Time, TopologyBudget, UpdateBatch, UpdateOrder, apply_defaults, conditions, explain, lint,
    load_daemonset, load_nodes, load_pods, load_revisions, plan, plan_history, preview_rollout,
    rollback, rollout_status, teardown, validate_daemonset, validate_node, validate_pod,
};
use serde_json::{Value, json};

const BUNDLED_DAEMONSET: &str = include_str!("data/fluentd-elasticsearch.yaml");
const BUNDLED_NODES: &str = include_str!("data/nodes.yaml");
const BUNDLED_PODS: &str = include_str!("data/pods.yaml");

const USAGE: &str = "usage: plan [--daemonset FILE --nodes FILE [--pods FILE]] [--revisions FILE] \
[--now RFC3339] [--revision HASH] [--output table|json|yaml] [--explain] [--status] \
[--rollout [--pod-startup-seconds N]] [--rollback-to N] [--teardown Foreground|Background|Orphan] \
[--order name|unavailable-first|label:KEY|canary:NODE1,NODE2|zones:KEY] [--zone-budget KEY=N|KEY=N%] \
[--strict-budget] [--freeze] [--lint] [--progress-deadline SECONDS --last-progress RFC3339]";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Output {
    Table,
    Json,
    Yaml,
}

struct Args {
    daemonset: Option<String>,
    nodes: Option<String>,
    pods: Option<String>,
    revisions: Option<String>,
    now: Option<String>,
    revision: Option<String>,
    output: Output,
    explain: bool,
    rollout: bool,
    pod_startup_seconds: i64,
    status: bool,
    rollback_to: Option<i64>,
    teardown: Option<PropagationPolicy>,
    order: Option<UpdateOrder>,
    zone_budget: Option<TopologyBudget>,
    strict_budget: bool,
    freeze: bool,
    lint: bool,
    progress_deadline: Option<u64>,
    last_progress: Option<String>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        daemonset: None,
        nodes: None,
        pods: None,
        revisions: None,
        now: None,
        revision: None,
        output: Output::Table,
        explain: false,
        rollout: false,
        pod_startup_seconds: 10,
        status: false,
        rollback_to: None,
        teardown: None,
        order: None,
        zone_budget: None,
        strict_budget: false,
        freeze: false,
        lint: false,
        progress_deadline: None,
        last_progress: None,
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--daemonset" => parsed.daemonset = Some(value("--daemonset")?),
            "--nodes" => parsed.nodes = Some(value("--nodes")?),
            "--pods" => parsed.pods = Some(value("--pods")?),
            "--revisions" => parsed.revisions = Some(value("--revisions")?),
            "--status" => parsed.status = true,
            "--rollback-to" => {
                let text = value("--rollback-to")?;
                parsed.rollback_to = Some(text.parse().map_err(|_| {
                    format!("--rollback-to must be a revision number (got {text:?})")
                })?);
            }
            "--teardown" => {
                let text = value("--teardown")?;
                parsed.teardown = Some(text.parse().map_err(|err| format!("--teardown: {err}"))?);
            }
            "--now" => parsed.now = Some(value("--now")?),
            "--revision" => parsed.revision = Some(value("--revision")?),
            "--output" | "-o" => {
                parsed.output = match value("--output")?.as_str() {
                    "table" => Output::Table,
                    "json" => Output::Json,
                    "yaml" => Output::Yaml,
                    other => {
                        return Err(format!(
                            "--output must be table, json or yaml (got {other:?})"
                        ));
                    }
                }
            }
            "--explain" => parsed.explain = true,
            "--order" => {
                let text = value("--order")?;
                parsed.order = Some(text.parse().map_err(|err| format!("--order: {err}"))?);
            }
            "--zone-budget" => {
                let text = value("--zone-budget")?;
                parsed.zone_budget = Some(
                    text.parse()
                        .map_err(|err| format!("--zone-budget: {err}"))?,
                );
            }
            "--strict-budget" => parsed.strict_budget = true,
            "--freeze" => parsed.freeze = true,
            "--lint" => parsed.lint = true,
            "--progress-deadline" => {
                let text = value("--progress-deadline")?;
                parsed.progress_deadline = Some(text.parse().map_err(|_| {
                    format!("--progress-deadline must be a whole number of seconds (got {text:?})")
                })?);
            }
            "--last-progress" => parsed.last_progress = Some(value("--last-progress")?),
            "--rollout" => parsed.rollout = true,
            "--pod-startup-seconds" => {
                let text = value("--pod-startup-seconds")?;
                parsed.pod_startup_seconds =
                    text.parse().ok().filter(|n: &i64| *n >= 0).ok_or_else(|| {
                        format!(
                            "--pod-startup-seconds must be a whole number of seconds (got {text:?})"
                        )
                    })?;
            }
            "--help" | "-h" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if parsed.rollback_to.is_some() && parsed.revisions.is_none() {
        return Err("--rollback-to needs --revisions".to_owned());
    }
    if parsed.rollback_to.is_some() && parsed.teardown.is_some() {
        return Err("--rollback-to and --teardown exclude each other".to_owned());
    }
    if parsed.progress_deadline.is_some() != parsed.last_progress.is_some() {
        return Err("--progress-deadline and --last-progress go together".to_owned());
    }
    match (&parsed.daemonset, &parsed.nodes) {
        (Some(_), None) => Err("--nodes is required with --daemonset".to_owned()),
        (None, Some(_)) => Err("--daemonset is required with --nodes".to_owned()),
        (None, None) if parsed.pods.is_some() => {
            Err("--pods needs --daemonset and --nodes".to_owned())
        }
        _ => Ok(parsed),
    }
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|err| format!("{path}: {err}"))
}

struct Inputs {
    daemon_set: DaemonSet,
    nodes: Vec<Node>,
    pods: Vec<Pod>,
    /// `None` without `--revisions`.
    revisions: Option<Vec<ControllerRevision>>,
}

fn load(args: &Args) -> Result<Inputs, Vec<String>> {
    let (ds_text, ds_name, nodes_text, nodes_name, pods_text, pods_name) =
        match (&args.daemonset, &args.nodes) {
            (Some(ds), Some(nodes)) => (
                read(ds).map_err(|e| vec![e])?,
                ds.clone(),
                read(nodes).map_err(|e| vec![e])?,
                nodes.clone(),
                match &args.pods {
                    Some(pods) => read(pods).map_err(|e| vec![e])?,
                    None => String::new(),
                },
                args.pods.clone().unwrap_or_default(),
            ),
            _ => (
                BUNDLED_DAEMONSET.to_owned(),
                "examples/data/fluentd-elasticsearch.yaml".to_owned(),
                BUNDLED_NODES.to_owned(),
                "examples/data/nodes.yaml".to_owned(),
                BUNDLED_PODS.to_owned(),
                "examples/data/pods.yaml".to_owned(),
            ),
        };
    let mut errors = Vec::new();
    let daemon_set = load_daemonset(&ds_text)
        .map_err(|e| errors.push(format!("{ds_name}: {e}")))
        .ok();
    let nodes = load_nodes(&nodes_text)
        .map_err(|e| errors.push(format!("{nodes_name}: {e}")))
        .ok();
    let pods = load_pods(&pods_text)
        .map_err(|e| errors.push(format!("{pods_name}: {e}")))
        .ok();
    let revisions = match &args.revisions {
        None => Some(None),
        Some(path) => read(path)
            .and_then(|text| load_revisions(&text).map_err(|e| format!("{path}: {e}")))
            .map_err(|e| errors.push(e))
            .ok()
            .map(Some),
    };
    let (Some(mut daemon_set), Some(nodes), Some(pods), Some(revisions)) =
        (daemon_set, nodes, pods, revisions)
    else {
        return Err(errors);
    };
    apply_defaults(&mut daemon_set);
    // What the API server would refuse is no cluster to plan: the DaemonSet, every node and
    // every pod must be valid.
    let invalid = validate_daemonset(&daemon_set)
        .err()
        .map(|e| (&ds_name, e))
        .into_iter()
        .chain(
            nodes
                .iter()
                .filter_map(|n| validate_node(n).err().map(|e| (&nodes_name, e))),
        )
        .chain(
            pods.iter()
                .filter_map(|p| validate_pod(p).err().map(|e| (&pods_name, e))),
        );
    for (file, invalid) in invalid {
        errors.extend(invalid.to_string().lines().map(|l| format!("{file}: {l}")));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Inputs {
        daemon_set,
        nodes,
        pods,
        revisions,
    })
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let now = match &args.now {
        Some(text) => match Time::parse(text) {
            Ok(now) => now,
            Err(err) => {
                eprintln!("--now: {err}");
                return ExitCode::from(2);
            }
        },
        None => Time::from(jiff::Timestamp::now()),
    };
    let inputs = match load(&args) {
        Ok(inputs) => inputs,
        Err(errors) => {
            for error in errors {
                eprintln!("error: {error}");
            }
            return ExitCode::from(2);
        }
    };
    if let Some(to) = args.rollback_to {
        return print_rollback(&inputs, to);
    }
    if let Some(policy) = args.teardown {
        let lints = args.lint.then(|| lint(&inputs.daemon_set, &inputs.nodes));
        return print_teardown(&inputs, policy, args.output, args.status, lints.as_deref());
    }
    let history = match &inputs.revisions {
        None => None,
        Some(revisions) => {
            let mut history_options = HistoryOptions::new();
            if let Some(hash) = &args.revision {
                history_options = history_options.with_hash(hash.clone());
            }
            match plan_history(
                &inputs.daemon_set,
                revisions,
                &inputs.pods,
                &history_options,
            ) {
                Ok(history) => Some(history),
                Err(err) => {
                    eprintln!("error: {err}");
                    return ExitCode::from(2);
                }
            }
        }
    };
    let last_progress = match &args.last_progress {
        Some(text) => match Time::parse(text) {
            Ok(time) => Some(time),
            Err(err) => {
                eprintln!("--last-progress: {err}");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let mut options = PlanOptions::new(now)
        .with_strict_budget(args.strict_budget)
        .with_freeze(args.freeze);
    if let Some(order) = &args.order {
        options = options.with_update_order(order.clone());
    }
    if let Some(budget) = &args.zone_budget {
        options = options.with_topology_budget(budget.clone());
    }
    options.revision = args.revision.clone().or_else(|| {
        history
            .as_ref()
            .map(|h| h.hash.clone())
            .filter(|hash| !hash.is_empty())
    });
    // A revision-name collision fails upstream's sync before any pod is managed.
    let collision = history.as_ref().and_then(|h| h.collision_count);
    let result = match collision {
        Some(_) => Ok(None),
        None => plan(&inputs.daemon_set, &inputs.nodes, &inputs.pods, &options).and_then(|plan| {
            let nodes = explain(
                &inputs.daemon_set,
                &inputs.nodes,
                &inputs.pods,
                &plan,
                &options,
            )?;
            let rollout = if args.rollout {
                Some(preview_rollout(
                    &inputs.daemon_set,
                    &inputs.nodes,
                    &inputs.pods,
                    &options,
                    args.pod_startup_seconds,
                )?)
            } else {
                None
            };
            Ok(Some((plan, nodes, rollout)))
        }),
    };
    let planned = match result {
        Ok(planned) => planned,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let mut judged = inputs.daemon_set.clone();
    if let Some((plan, _, _)) = &planned {
        judged.status = Some(plan.status.clone());
    }
    let status = rollout_status(&judged);
    let mut condition_options = ConditionOptions::new(now);
    if let (Some(seconds), Some(last)) = (args.progress_deadline, last_progress) {
        condition_options =
            condition_options.with_progress_deadline(std::time::Duration::from_secs(seconds), last);
    }
    let found = planned.as_ref().map(|(plan, _, _)| {
        conditions(&inputs.daemon_set, &inputs.nodes, plan, &condition_options)
    });
    let lints = args.lint.then(|| lint(&inputs.daemon_set, &inputs.nodes));
    let report = Report {
        conditions: found.as_deref(),
        lints: lints.as_deref(),
        daemon_set: &inputs.daemon_set,
        plan: planned.as_ref().map(|(plan, _, _)| plan),
        nodes: planned
            .as_ref()
            .map_or(&[], |(_, nodes, _)| nodes.as_slice()),
        rollout: planned
            .as_ref()
            .and_then(|(_, _, rollout)| rollout.as_ref()),
        history: history.as_ref(),
        rollout_status: &status,
    };
    match args.output {
        Output::Json => println!("{}", report.json()),
        Output::Yaml => match serde_yaml::to_string(&report.json()) {
            Ok(text) => print!("{text}"),
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::from(2);
            }
        },
        Output::Table => print!("{}", report.table(args.explain, args.status)),
    }
    ExitCode::SUCCESS
}

/// `--rollback-to N`: the DaemonSet to apply, as YAML, and nothing else on stdout.
fn print_rollback(inputs: &Inputs, to: i64) -> ExitCode {
    let revisions = inputs.revisions.as_deref().unwrap_or_default();
    let rolled = match rollback(&inputs.daemon_set, revisions, to) {
        Ok(rolled) => rolled,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    match serde_yaml::to_string(&rolled) {
        Ok(text) => print!("{text}"),
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    }
    if rolled == inputs.daemon_set {
        eprintln!("skipped rollback (current template already matches revision {to})");
    }
    ExitCode::SUCCESS
}

/// `--teardown POLICY`: what deleting the DaemonSet does to its pods.
fn print_teardown(
    inputs: &Inputs,
    policy: PropagationPolicy,
    output: Output,
    with_status: bool,
    lints: Option<&[Lint]>,
) -> ExitCode {
    let ds = &inputs.daemon_set;
    let planned: Teardown = teardown(ds, &inputs.pods, policy);
    let status = rollout_status(ds);
    let json = json!({
        "daemonSet": ds.metadata.display_name(),
        "teardown": {
            "policy": planned.policy.as_str(),
            "daemonSetLast": planned.daemon_set_last,
            "finalizer": planned.policy.finalizer(),
        },
        "actions": planned.actions.iter().map(action_json).collect::<Vec<_>>(),
        "rolloutStatus": status_json(&status),
        // A teardown plans no rollout, so it has no rollout conditions.
        "conditions": [],
    });
    let mut json = json;
    if let (Some(lints), Some(map)) = (lints, json.as_object_mut()) {
        map.insert("lints".to_owned(), lints_json(lints));
    }
    match output {
        Output::Json => println!("{json}"),
        Output::Yaml => match serde_yaml::to_string(&json) {
            Ok(text) => print!("{text}"),
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::from(2);
            }
        },
        Output::Table => {
            let mut out = format!(
                "Deleting daemonset {} with {} propagation:\n",
                ds.metadata.display_name(),
                planned.policy
            );
            if planned.actions.is_empty() {
                out.push_str("  no pods\n");
            }
            for action in &planned.actions {
                out.push_str(&format!("  {action}\n"));
            }
            match planned.policy.finalizer() {
                Some(finalizer) if planned.daemon_set_last => out.push_str(&format!(
                    "The DaemonSet object goes last (finalizer {finalizer}).\n"
                )),
                _ => out.push_str("The DaemonSet object goes first.\n"),
            }
            if let Some(lints) = lints {
                out.push_str(&lints_table(lints));
            }
            if with_status {
                out.push_str(&format!("\n{status}\n"));
            }
            print!("{out}");
        }
    }
    ExitCode::SUCCESS
}

struct Report<'a> {
    /// `None` when no plan was made (a revision-name collision).
    conditions: Option<&'a [RolloutCondition]>,
    /// With `--lint`.
    lints: Option<&'a [Lint]>,
    daemon_set: &'a DaemonSet,
    /// `None` when a revision-name collision fails the sync before pods are planned.
    plan: Option<&'a Plan>,
    nodes: &'a [NodeExplanation],
    rollout: Option<&'a RolloutPreview>,
    history: Option<&'a HistoryPlan>,
    rollout_status: &'a RolloutStatus,
}

fn conditions_json(found: &[RolloutCondition]) -> Value {
    Value::Array(
        found
            .iter()
            .map(|c| {
                json!({
                    "type": c.type_.as_str(),
                    "status": c.status_str(),
                    "reason": c.reason,
                    "message": c.message,
                })
            })
            .collect(),
    )
}

fn lints_json(lints: &[Lint]) -> Value {
    Value::Array(
        lints
            .iter()
            .map(|l| {
                json!({
                    "severity": l.severity.as_str(),
                    "code": l.code,
                    "message": l.message,
                    "hint": l.hint,
                })
            })
            .collect(),
    )
}

fn lints_table(lints: &[Lint]) -> String {
    let mut out = String::from("\nLints:\n");
    if lints.is_empty() {
        out.push_str("  none\n");
    }
    for l in lints {
        out.push_str(&format!(
            "  {}[{}]: {}\n    hint: {}\n",
            l.severity, l.code, l.message, l.hint
        ));
    }
    out
}

fn status_json(status: &RolloutStatus) -> Value {
    json!({"done": status.done, "message": status.message})
}

fn refs_json(refs: &[RevisionRef]) -> Vec<Value> {
    refs.iter()
        .map(|r| json!({"name": r.name, "revision": r.revision}))
        .collect()
}

fn history_json(history: &HistoryPlan) -> Value {
    json!({
        "current": history.current,
        "hash": history.hash,
        "create": refs_json(&history.create),
        "update": refs_json(&history.update),
        "delete": history.delete,
        "cleanup": history.cleanup,
        "relabel": history.relabel.iter().map(|(pod, hash)| json!({"pod": pod, "hash": hash})).collect::<Vec<_>>(),
        "adopt": history.adopt,
        "release": history.release,
        "collisionCount": history.collision_count,
    })
}

/// Why no pods are planned after a revision-name collision.
fn collision_message(count: i32) -> String {
    format!(
        "a ControllerRevision of another template has the new revision's name: \
         status.collisionCount must become {count}, and the sync fails until it is"
    )
}

fn action_json(action: &Action) -> Value {
    match action {
        Action::Create { node, reason } => {
            json!({"action": "create", "node": node, "reason": reason.as_str()})
        }
        Action::Delete { pod, node, reason } => {
            json!({"action": "delete", "pod": pod, "node": node, "reason": reason.as_str()})
        }
        Action::Adopt { pod } => json!({"action": "adopt", "pod": pod}),
        Action::Release { pod } => json!({"action": "release", "pod": pod}),
        other => json!({"action": "other", "description": other.to_string()}),
    }
}

fn batch_json(batch: &UpdateBatch) -> Value {
    json!({
        "mode": match batch.mode {
            daemonset_planner::UpdateMode::MaxUnavailable => "maxUnavailable",
            _ => "maxSurge",
        },
        "desired": batch.desired,
        "budget": batch.budget,
        "used": batch.used.iter().map(|u| json!({"node": u.node, "reason": budget_reason(&u.reason)})).collect::<Vec<_>>(),
        "deleted": batch.deleted,
        "surged": batch.surged,
        "waiting": batch.waiting,
        "held": batch.held.iter().map(|h| json!({"node": h.node, "reason": h.reason.to_string()})).collect::<Vec<_>>(),
    })
}

fn budget_reason(why: &daemonset_planner::BudgetUseReason) -> String {
    use daemonset_planner::BudgetUseReason::*;
    match why {
        NoPod => "no pod".to_owned(),
        SeveralPods => "several pods".to_owned(),
        OldAndNew => "old and new pod".to_owned(),
        NotReady => "pod not ready".to_owned(),
        Created => "new pod created now".to_owned(),
        WithinMinReadySeconds(at) => format!("pod ready, available at {at}"),
        OldUnavailable => "old pod unavailable, replaced now".to_owned(),
        Surging => "surge pod starting".to_owned(),
        _ => "other".to_owned(),
    }
}

fn status_counts_json(s: &DaemonSetStatus) -> Value {
    json!({
        "desiredNumberScheduled": s.desired_number_scheduled,
        "currentNumberScheduled": s.current_number_scheduled,
        "numberMisscheduled": s.number_misscheduled,
        "numberReady": s.number_ready,
        "updatedNumberScheduled": s.updated_number_scheduled,
        "numberAvailable": s.number_available,
        "numberUnavailable": s.number_unavailable,
        "observedGeneration": s.observed_generation,
    })
}

impl Report<'_> {
    fn json(&self) -> Value {
        let stored = self.daemon_set.status.clone().unwrap_or_default();
        let Some(plan) = self.plan else {
            let collision = self.history.and_then(|h| h.collision_count).unwrap_or(0);
            let mut out = json!({
                "daemonSet": self.daemon_set.metadata.display_name(),
                "revision": "",
                "actions": [],
                "status": status_counts_json(&stored),
                "statusChanged": false,
                "skipped": collision_message(collision),
                "deferred": {"creates": 0, "deletes": 0},
                "requeueAfterSeconds": null,
                "rollingUpdate": null,
                "nodes": [],
                "history": self.history.map(history_json),
                "rolloutStatus": status_json(self.rollout_status),
                "conditions": [{
                    "type": "Stalled",
                    "status": "True",
                    "reason": "RevisionCollision",
                    "message": collision_message(collision),
                }],
            });
            if let (Some(lints), Some(map)) = (self.lints, out.as_object_mut()) {
                map.insert("lints".to_owned(), lints_json(lints));
            }
            return out;
        };
        let rolling = match &plan.rolling_update {
            None => Value::Null,
            Some(RollingUpdateStep::Batch(batch)) => batch_json(batch),
            Some(RollingUpdateStep::Failed(error)) => json!({"error": error.to_string()}),
            Some(RollingUpdateStep::Paused(reason)) => {
                json!({"paused": true, "reason": reason.to_string()})
            }
            Some(_) => Value::Null,
        };
        let held = |node: &str| match &plan.rolling_update {
            Some(RollingUpdateStep::Batch(batch)) => batch
                .held
                .iter()
                .find(|h| h.node == node)
                .map(|h| h.reason.to_string()),
            _ => None,
        };
        let mut out = json!({
            "daemonSet": self.daemon_set.metadata.display_name(),
            "revision": plan.revision,
            "actions": plan.actions.iter().map(action_json).collect::<Vec<_>>(),
            "status": status_counts_json(&plan.status),
            "statusChanged": plan.status_changed,
            "skipped": plan.skipped.map(|r| r.to_string()),
            "deferred": {"creates": plan.deferred_creates, "deletes": plan.deferred_deletes},
            "requeueAfterSeconds": plan.requeue_after.map(|d| d.as_secs()),
            "rollingUpdate": rolling,
            "nodes": self.nodes.iter().map(|n| json!({
                "node": n.node,
                "shouldRun": n.placement.should_run,
                "shouldContinueRunning": n.placement.should_continue_running,
                "decision": n.decision(),
                "pods": n.pods,
                "cause": n.cause.as_ref().map(|c| c.to_string()),
                "outdated": n.outdated.is_some(),
                "reason": n.to_string(),
                "held": held(&n.node),
            })).collect::<Vec<_>>(),
            "rolloutStatus": status_json(self.rollout_status),
            "conditions": conditions_json(self.conditions.unwrap_or_default()),
        });
        if let (Some(lints), Some(map)) = (self.lints, out.as_object_mut()) {
            map.insert("lints".to_owned(), lints_json(lints));
        }
        if let (Some(history), Some(map)) = (self.history, out.as_object_mut()) {
            map.insert("history".to_owned(), history_json(history));
        }
        if let (Some(rollout), Some(map)) = (self.rollout, out.as_object_mut()) {
            map.insert("rollout".to_owned(), json!({
                "batches": rollout.batches.iter().map(|b| json!({"at": b.at.to_string(), "nodes": b.nodes})).collect::<Vec<_>>(),
                "batchCount": rollout.batches.len(),
                "finishes": rollout.finishes,
                "reason": rollout.reason,
                "durationSeconds": rollout.duration_seconds,
            }));
        }
        out
    }

    fn table(&self, explain: bool, with_status: bool) -> String {
        let mut out = self.plan_table(explain);
        if let Some(history) = self.history {
            out.push_str(&format!("History: {history}.\n"));
        }
        if let Some(lints) = self.lints {
            out.push_str(&lints_table(lints));
        }
        if with_status {
            if let Some(found) = self.conditions {
                out.push_str("\nConditions:\n");
                for c in found {
                    out.push_str(&format!("  {c}\n"));
                }
            }
            out.push_str(&format!("\n{}\n", self.rollout_status));
        }
        out
    }

    fn plan_table(&self, explain: bool) -> String {
        let stored = self.daemon_set.status.clone().unwrap_or_default();
        let s = self.plan.map_or(&stored, |plan| &plan.status);
        let node_selector = {
            let selector = &self.daemon_set.spec.template.spec.node_selector;
            if selector.is_empty() {
                "<none>".to_owned()
            } else {
                selector
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            }
        };
        let mut out = String::new();
        let name = &self.daemon_set.metadata.name;
        let w = name.len().max(4).saturating_add(3);
        out.push_str(&format!(
            "{:<w$}{:<10}{:<10}{:<8}{:<13}{:<12}{}\n",
            "NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR"
        ));
        out.push_str(&format!(
            "{:<w$}{:<10}{:<10}{:<8}{:<13}{:<12}{}\n\n",
            name,
            s.desired_number_scheduled,
            s.current_number_scheduled,
            s.number_ready,
            s.updated_number_scheduled,
            s.number_available,
            node_selector
        ));
        let Some(plan) = self.plan else {
            let collision = self.history.and_then(|h| h.collision_count).unwrap_or(0);
            out.push_str(&format!(
                "Nothing to do: {}.\n",
                collision_message(collision)
            ));
            return out;
        };
        if let Some(reason) = plan.skipped {
            out.push_str(&format!("Nothing to do: {reason}.\n"));
            return out;
        }
        let nw = self
            .nodes
            .iter()
            .map(|n| n.node.len())
            .max()
            .unwrap_or(4)
            .max(4)
            .saturating_add(3);
        let pw = self
            .nodes
            .iter()
            .flat_map(|n| n.pods.iter().map(String::len))
            .max()
            .unwrap_or(3)
            .max(3)
            .saturating_add(3);
        out.push_str(&format!(
            "{:<nw$}{:<10}{:<pw$}{}\n",
            "NODE", "DECISION", "POD", "REASON"
        ));
        for n in self.nodes {
            let pods = if n.pods.is_empty() {
                "-".to_owned()
            } else {
                n.pods.join(",")
            };
            out.push_str(&format!(
                "{:<nw$}{:<10}{:<pw$}{}\n",
                n.node,
                n.decision(),
                pods,
                n
            ));
        }
        let others: Vec<String> = plan
            .actions
            .iter()
            .filter(|a| match a {
                Action::Adopt { .. } | Action::Release { .. } => true,
                Action::Delete { pod, .. } => !self.nodes.iter().any(|n| n.pods.contains(pod)),
                _ => false,
            })
            .map(|a| a.to_string())
            .collect();
        if !others.is_empty() {
            out.push_str("\nAlso:\n");
            for line in others {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out.push_str(&format!("\nRevision {}.", plan.revision));
        if plan.deferred_creates > 0 || plan.deferred_deletes > 0 {
            out.push_str(&format!(
                " Deferred by the burst limit: {} creates, {} deletes.",
                plan.deferred_creates, plan.deferred_deletes
            ));
        }
        if let Some(after) = plan.requeue_after {
            out.push_str(&format!(" Plan again in {}s.", after.as_secs()));
        }
        out.push('\n');
        match &plan.rolling_update {
            Some(RollingUpdateStep::Batch(batch)) => {
                let mode = match batch.mode {
                    daemonset_planner::UpdateMode::MaxUnavailable => "maxUnavailable",
                    _ => "maxSurge",
                };
                out.push_str(&format!(
                    "Rolling update: {mode} {} of {} desired nodes, {} used; {} old pod(s) wait.\n",
                    batch.budget,
                    batch.desired,
                    batch.used.len(),
                    batch.waiting
                ));
                if !batch.held.is_empty() {
                    out.push_str(&format!(
                        "Held back: {} old pod(s) left alone this plan.\n",
                        batch.held.len()
                    ));
                }
                if explain {
                    for u in &batch.used {
                        out.push_str(&format!(
                            "  uses budget: {} ({})\n",
                            u.node,
                            budget_reason(&u.reason)
                        ));
                    }
                    for h in &batch.held {
                        out.push_str(&format!("  held: {} ({})\n", h.node, h.reason));
                    }
                }
            }
            Some(RollingUpdateStep::Failed(error)) => {
                out.push_str(&format!("Rolling update fails: {error}\n"));
            }
            Some(RollingUpdateStep::Paused(reason)) => {
                out.push_str(&format!("Rolling update does not run: {reason}.\n"));
            }
            _ => {}
        }
        if explain {
            out.push_str("\nPer node:\n");
            for n in self.nodes {
                let eligibility = match (&n.cause, n.placement.should_run) {
                    (None, _) => "eligible".to_owned(),
                    (Some(cause), _) => cause.to_string(),
                };
                out.push_str(&format!("  {}: {}\n", n.node, eligibility));
            }
        }
        if let Some(rollout) = self.rollout {
            out.push_str(&format!(
                "\nRollout preview: {} batch(es), {} in {}s.\n",
                rollout.batches.len(),
                if rollout.finishes {
                    "finishes"
                } else {
                    "does not finish"
                },
                rollout.duration_seconds
            ));
            for (i, batch) in rollout.batches.iter().enumerate() {
                out.push_str(&format!(
                    "  {}. {}  {}\n",
                    i.saturating_add(1),
                    batch.at,
                    batch.nodes.join(", ")
                ));
            }
            if let Some(reason) = &rollout.reason {
                out.push_str(&format!("  Stops: {reason}.\n"));
            }
        }
        out
    }
}
