//! `kubectl-dsplan`: what the Kubernetes DaemonSet controller will do in its next sync, node by
//! node, and what happens if you apply a new manifest. Installed on the PATH it is also the
//! kubectl plugin `kubectl dsplan`.
//!
//! Run `kubectl-dsplan --help` for the flags. Invalid input prints its errors on standard
//! error, nothing on standard output, and exits with status 2. The command line and the JSON
//! output are a contract: flags and keys are only ever added.

mod args;
mod inputs;
mod report;
mod table;
mod whatif;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use daemonset_planner::history::HistoryOptions;
use daemonset_planner::load::LoadOptions;
use daemonset_planner::rollout::ConditionOptions;
use daemonset_planner::{
    PlanOptions, PropagationPolicy, Teardown, Time, conditions, explain, lint, plan, plan_history,
    preview_rollout, rollback, rollout_status, teardown,
};
use serde_json::json;

use crate::args::{Args, Output};
use crate::inputs::Inputs;
use crate::report::{Report, value};

/// How a run ends badly: the lines to print on standard error.
struct Failed(Vec<String>);

impl From<String> for Failed {
    fn from(message: String) -> Self {
        Failed(vec![message])
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(stdout) => {
            let mut out = std::io::stdout().lock();
            match out.write_all(stdout.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                // `kubectl dsplan ... | head`: the reader has what it wanted.
                Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("error: standard output: {err}");
                    ExitCode::FAILURE
                }
            }
        }
        Err(Failed(errors)) => {
            for error in errors {
                eprintln!("error: {error}");
            }
            ExitCode::from(2)
        }
    }
}

/// Runs the command; returns what to print on standard output. Nothing is printed before
/// everything succeeded, so an error leaves standard output empty.
fn run(args: &Args) -> Result<String, Failed> {
    args.check()?;
    let now = args
        .now
        .unwrap_or_else(|| Time::from(jiff::Timestamp::now()));
    let load_options = LoadOptions::new().with_unknown_fields(args.validate.into());
    let mut inputs = inputs::load_inputs(args, &load_options).map_err(Failed)?;
    if let Some(to) = args.rollback_to {
        return print_rollback(&inputs, to);
    }
    if let Some(policy) = args.teardown {
        let lints = args.lint.then(|| lint(&inputs.daemon_set, &inputs.nodes));
        return print_teardown(&inputs, policy, args, lints.as_deref());
    }
    let mut options = PlanOptions::new(now)
        .with_strict_budget(args.strict_budget)
        .with_freeze(args.freeze);
    if let Some(order) = &args.order {
        options = options.with_update_order(order.clone());
    }
    if let Some(budget) = &args.zone_budget {
        options = options.with_topology_budget(budget.clone());
    }
    let mut what_if = match &args.apply {
        None => None,
        Some(file) => {
            let live = &inputs.daemon_set;
            let manifest = inputs::pick_daemon_set(
                file,
                Some(&live.metadata.name),
                Some(&live.metadata.namespace),
                &load_options,
                &mut inputs.warnings,
            )?;
            let found =
                whatif::what_if(file, live, &manifest, &inputs.nodes, &inputs.pods, &options)
                    .map_err(Failed)?;
            inputs.daemon_set = found.update.daemon_set.clone();
            Some(found)
        }
    };
    let history = match &inputs.revisions {
        None => None,
        Some(revisions) => {
            let mut history_options = HistoryOptions::new();
            if let Some(hash) = &args.revision {
                history_options = history_options.with_hash(hash.clone());
            }
            Some(
                plan_history(
                    &inputs.daemon_set,
                    revisions,
                    &inputs.pods,
                    &history_options,
                )
                .map_err(|err| err.to_string())?,
            )
        }
    };
    options.revision = args.revision.clone().or_else(|| {
        history
            .as_ref()
            .map(|h| h.hash.clone())
            .filter(|hash| !hash.is_empty())
    });
    // A revision-name collision fails upstream's sync before any pod is managed.
    let collision = history.as_ref().and_then(|h| h.collision_count);
    let with_rollout = args.rollout || what_if.is_some();
    let planned = match collision {
        Some(_) => None,
        None => {
            let planned = plan(&inputs.daemon_set, &inputs.nodes, &inputs.pods, &options)
                .map_err(|err| err.to_string())?;
            let nodes = explain(
                &inputs.daemon_set,
                &inputs.nodes,
                &inputs.pods,
                &planned,
                &options,
            )
            .map_err(|err| err.to_string())?;
            let rollout = if with_rollout {
                Some(
                    preview_rollout(
                        &inputs.daemon_set,
                        &inputs.nodes,
                        &inputs.pods,
                        &options,
                        args.pod_startup_seconds,
                    )
                    .map_err(|err| err.to_string())?,
                )
            } else {
                None
            };
            Some((planned, nodes, rollout))
        }
    };
    if let (Some(found), Some((planned, _, Some(rollout)))) = (what_if.as_mut(), &planned) {
        found.note_rollout(planned, rollout, args.pod_startup_seconds);
    }
    let mut judged = inputs.daemon_set.clone();
    if let Some((planned, _, _)) = &planned {
        judged.status = Some(planned.status.clone());
    }
    let status = rollout_status(&judged);
    let mut condition_options = ConditionOptions::new(now);
    if let (Some(deadline), Some(last)) = (args.progress_deadline, args.last_progress) {
        condition_options = condition_options.with_progress_deadline(deadline, last);
    }
    let found = planned.as_ref().map(|(planned, _, _)| {
        conditions(
            &inputs.daemon_set,
            &inputs.nodes,
            planned,
            &condition_options,
        )
    });
    let lints = args.lint.then(|| lint(&inputs.daemon_set, &inputs.nodes));
    let dropped = report::warning_lints(&inputs.warnings);
    let report = Report {
        conditions: found.as_deref(),
        lints: lints.as_deref(),
        daemon_set: &inputs.daemon_set,
        plan: planned.as_ref().map(|(planned, _, _)| planned),
        nodes: planned
            .as_ref()
            .map_or(&[], |(_, nodes, _)| nodes.as_slice()),
        rollout: planned
            .as_ref()
            .and_then(|(_, _, rollout)| rollout.as_ref()),
        history: history.as_ref(),
        rollout_status: &status,
        what_if: what_if.as_ref(),
        warnings: &dropped,
    };
    match args.output {
        Output::Json => Ok(format!("{}\n", report.json())),
        Output::Yaml => serde_yaml::to_string(&report.json()).map_err(|e| e.to_string().into()),
        Output::Table => Ok(report.table(args.explain, args.status, args.width())),
    }
}

/// `--rollback-to N`: the DaemonSet to apply, as YAML, and nothing else on stdout.
fn print_rollback(inputs: &Inputs, to: i64) -> Result<String, Failed> {
    let revisions = inputs.revisions.as_deref().unwrap_or_default();
    let rolled = rollback(&inputs.daemon_set, revisions, to).map_err(|err| err.to_string())?;
    let text = serde_yaml::to_string(&rolled).map_err(|err| err.to_string())?;
    if rolled == inputs.daemon_set {
        eprintln!("skipped rollback (current template already matches revision {to})");
    }
    Ok(text)
}

/// `--teardown POLICY`: what deleting the DaemonSet does to its pods.
fn print_teardown(
    inputs: &Inputs,
    policy: PropagationPolicy,
    args: &Args,
    lints: Option<&[daemonset_planner::lints::Lint]>,
) -> Result<String, Failed> {
    let ds = &inputs.daemon_set;
    let planned: Teardown = teardown(ds, &inputs.pods, policy);
    let status = rollout_status(ds);
    let mut json = json!({
        "daemonSet": ds.metadata.display_name(),
        "teardown": {
            "policy": planned.policy.as_str(),
            "daemonSetLast": planned.daemon_set_last,
            "finalizer": planned.policy.finalizer(),
        },
        "actions": value(&planned.actions),
        "rolloutStatus": value(&status),
        // A teardown plans no rollout, so it has no rollout conditions.
        "conditions": [],
    });
    if let (Some(lints), Some(map)) = (lints, json.as_object_mut()) {
        map.insert("lints".to_owned(), value(&lints));
    }
    match args.output {
        Output::Json => Ok(format!("{json}\n")),
        Output::Yaml => serde_yaml::to_string(&json).map_err(|e| e.to_string().into()),
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
                out.push_str(&table::lints_table(lints));
            }
            if args.status {
                out.push_str(&format!("\n{status}\n"));
            }
            Ok(out)
        }
    }
}
