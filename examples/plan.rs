//! Plans one sync of a DaemonSet from manifest files and prints the decisions.
//!
//! ```text
//! cargo run --release --example plan -- --daemonset DS.yaml --nodes NODES.yaml [--pods PODS.yaml]
//!     [--now RFC3339] [--revision HASH] [--output table|json|yaml] [--explain]
//!     [--rollout [--pod-startup-seconds N]]
//! ```
//!
//! With no arguments it plans the bundled example cluster in `examples/data/`. Invalid input
//! (unreadable manifests, or a DaemonSet, node or pod the API server would refuse) prints the
//! errors on stderr, nothing on stdout, and exits with code 2. This command line and its JSON
//! output are a contract other tools rely on: keys are only ever added.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use daemonset_planner::{
    Action, DaemonSet, Node, NodeExplanation, Plan, PlanOptions, Pod, RollingUpdateStep,
    RolloutPreview, Time, UpdateBatch, apply_defaults, explain, load_daemonset, load_nodes,
    load_pods, plan, preview_rollout, validate_daemonset, validate_node, validate_pod,
};
use serde_json::{Value, json};

const BUNDLED_DAEMONSET: &str = include_str!("data/fluentd-elasticsearch.yaml");
const BUNDLED_NODES: &str = include_str!("data/nodes.yaml");
const BUNDLED_PODS: &str = include_str!("data/pods.yaml");

const USAGE: &str = "usage: plan [--daemonset FILE --nodes FILE [--pods FILE]] [--now RFC3339] \
[--revision HASH] [--output table|json|yaml] [--explain] [--rollout [--pod-startup-seconds N]]";

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
    now: Option<String>,
    revision: Option<String>,
    output: Output,
    explain: bool,
    rollout: bool,
    pod_startup_seconds: i64,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        daemonset: None,
        nodes: None,
        pods: None,
        now: None,
        revision: None,
        output: Output::Table,
        explain: false,
        rollout: false,
        pod_startup_seconds: 10,
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
    let (Some(mut daemon_set), Some(nodes), Some(pods)) = (daemon_set, nodes, pods) else {
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
    let mut options = PlanOptions::new(now);
    options.revision = args.revision.clone();
    let result = plan(&inputs.daemon_set, &inputs.nodes, &inputs.pods, &options).and_then(|plan| {
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
        Ok((plan, nodes, rollout))
    });
    let (plan, nodes, rollout) = match result {
        Ok(parts) => parts,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let report = Report {
        daemon_set: &inputs.daemon_set,
        plan: &plan,
        nodes: &nodes,
        rollout: rollout.as_ref(),
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
        Output::Table => print!("{}", report.table(args.explain)),
    }
    ExitCode::SUCCESS
}

struct Report<'a> {
    daemon_set: &'a DaemonSet,
    plan: &'a Plan,
    nodes: &'a [NodeExplanation],
    rollout: Option<&'a RolloutPreview>,
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
        "used": batch.used.iter().map(|u| json!({"node": u.node, "reason": budget_reason(&u.why)})).collect::<Vec<_>>(),
        "deleted": batch.deleted,
        "surged": batch.surged,
        "waiting": batch.waiting,
    })
}

fn budget_reason(why: &daemonset_planner::BudgetUseReason) -> String {
    use daemonset_planner::BudgetUseReason::*;
    match why {
        NoPod => "no pod".to_owned(),
        SeveralPods => "several pods".to_owned(),
        OldAndNew => "old and new pod".to_owned(),
        NotReady => "pod not ready".to_owned(),
        WithinMinReadySeconds(at) => format!("pod ready, available at {at}"),
        OldUnavailable => "old pod unavailable, replaced now".to_owned(),
        Surging => "surge pod starting".to_owned(),
        _ => "other".to_owned(),
    }
}

impl Report<'_> {
    fn json(&self) -> Value {
        let plan = self.plan;
        let s = &plan.status;
        let rolling = match &plan.rolling_update {
            None => Value::Null,
            Some(RollingUpdateStep::Batch(batch)) => batch_json(batch),
            Some(RollingUpdateStep::Failed(error)) => json!({"error": error.to_string()}),
            Some(_) => Value::Null,
        };
        let mut out = json!({
            "daemonSet": self.daemon_set.metadata.display_name(),
            "revision": plan.revision,
            "actions": plan.actions.iter().map(action_json).collect::<Vec<_>>(),
            "status": {
                "desiredNumberScheduled": s.desired_number_scheduled,
                "currentNumberScheduled": s.current_number_scheduled,
                "numberMisscheduled": s.number_misscheduled,
                "numberReady": s.number_ready,
                "updatedNumberScheduled": s.updated_number_scheduled,
                "numberAvailable": s.number_available,
                "numberUnavailable": s.number_unavailable,
                "observedGeneration": s.observed_generation,
            },
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
                "reason": n.to_string(),
            })).collect::<Vec<_>>(),
        });
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

    fn table(&self, explain: bool) -> String {
        let plan = self.plan;
        let s = &plan.status;
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
                if explain {
                    for u in &batch.used {
                        out.push_str(&format!(
                            "  uses budget: {} ({})\n",
                            u.node,
                            budget_reason(&u.why)
                        ));
                    }
                }
            }
            Some(RollingUpdateStep::Failed(error)) => {
                out.push_str(&format!("Rolling update fails: {error}\n"));
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
