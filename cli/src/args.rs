//! The command line: every flag, its help text, and the checks clap cannot express.
//!
//! The flags of the former `plan` example keep their names and meanings; this command line is a
//! contract other tools rely on, so flags are only ever added.

use std::time::Duration;

use clap::{Parser, ValueEnum};
use daemonset_planner::load::FieldValidation;
use daemonset_planner::{PropagationPolicy, Time, TopologyBudget, UpdateOrder};

const EXAMPLES: &str = "\
Examples:
  # Plan the bundled example cluster (what `cargo run` does)
  kubectl dsplan

  # Plan a manifest as projects ship it (Namespace, RBAC and the DaemonSet in one file)
  kubectl dsplan -f kube-flannel.yml --nodes nodes.yaml

  # Plan a DaemonSet of a live cluster
  kubectl get nodes,pods,daemonsets,controllerrevisions -A -o json \\
    | kubectl dsplan --cluster - --name kube-system/kube-proxy

  # What happens if I apply this manifest? Batches, nodes, duration
  kubectl get nodes,pods,daemonsets,controllerrevisions -A -o json > cluster.json
  kubectl dsplan --cluster cluster.json --name kube-system/kube-proxy --apply kube-proxy.yaml

Exit status: 0 when a plan is printed (lints do not change it), 2 on invalid input (the errors on
standard error, nothing on standard output).";

/// What the Kubernetes DaemonSet controller will do in its next sync, node by node, and what
/// happens if you apply a new manifest.
///
/// Reads a DaemonSet, the cluster's nodes and the DaemonSet's pods (files as `kubectl get -o
/// yaml|json` prints them, or manifests as projects ship them, other kinds mixed in), and prints
/// the creates and deletes of the next sync with their reasons, the status it writes, the
/// rolling-update batch and its budget. Without input files it plans a bundled example cluster.
#[derive(Debug, Parser)]
#[command(name = "kubectl-dsplan", version, after_long_help = EXAMPLES)]
pub struct Args {
    /// DaemonSet manifest (YAML or JSON; one object, a stream or a List, other kinds ignored).
    /// With several DaemonSets in the file, pick one with --name.
    #[arg(long, short = 'f', value_name = "FILE", help_heading = "Input")]
    pub daemonset: Option<String>,

    /// The cluster's nodes (`kubectl get nodes -o yaml`); needed with --daemonset.
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    pub nodes: Option<String>,

    /// The pods (`kubectl get pods -n NAMESPACE -o yaml`); other kinds in the file are ignored.
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    pub pods: Option<String>,

    /// The ControllerRevisions (`kubectl get controllerrevisions -o yaml`): plans the history
    /// (`"history"` in JSON) and plans the pods with its revision hash.
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    pub revisions: Option<String>,

    /// A combined dump of a cluster: `kubectl get nodes,pods,daemonsets,controllerrevisions -A
    /// -o json` (or yaml). Repeatable; `-` reads standard input. Takes the DaemonSet named by
    /// --name, its namespace's pods and revisions, and every node.
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Input",
        conflicts_with_all = ["daemonset", "nodes", "pods", "revisions"]
    )]
    pub cluster: Vec<String>,

    /// Unknown fields in the DaemonSet manifests, as `kubectl apply --validate`: strict refuses
    /// them (exit 2), warn drops them and reports them as lints, ignore drops them silently.
    #[arg(long, value_enum, value_name = "MODE", default_value_t = Validate::Strict, help_heading = "Input")]
    pub validate: Validate,

    /// The DaemonSet to plan when the input holds several: NAME or NAMESPACE/NAME.
    #[arg(long, value_name = "[NAMESPACE/]NAME", help_heading = "Input")]
    pub name: Option<String>,

    /// The namespace of --name when it names none.
    #[arg(long, short = 'n', value_name = "NAMESPACE", help_heading = "Input")]
    pub namespace: Option<String>,

    /// What if I apply this: the manifest you are about to `kubectl apply` over the live
    /// DaemonSet (from --daemonset or --cluster). Does what the API server does on that update
    /// (defaults, generations, validation), then plans the next sync and previews the rollout.
    #[arg(long, value_name = "FILE", help_heading = "What if")]
    pub apply: Option<String>,

    /// The time of the sync (RFC 3339); now by default.
    #[arg(long, value_name = "RFC3339", value_parser = parse_time, help_heading = "Planning")]
    pub now: Option<Time>,

    /// The revision hash new pods get (default: the template's hash, or the history's).
    #[arg(long, value_name = "HASH", help_heading = "Planning")]
    pub revision: Option<String>,

    /// Update order beyond upstream: name, unavailable-first, label:KEY, canary:NODE1,NODE2 or
    /// zones:KEY.
    #[arg(long, value_name = "ORDER", value_parser = parse_order, help_heading = "Planning")]
    pub order: Option<UpdateOrder>,

    /// At most N (or N%) nodes of one topology domain unavailable at once: KEY=N or KEY=N%.
    #[arg(long, value_name = "KEY=N", value_parser = parse_zone_budget, help_heading = "Planning")]
    pub zone_budget: Option<TopologyBudget>,

    /// Count every unavailable node against maxUnavailable, even old pods that are down anyway.
    #[arg(long, help_heading = "Planning")]
    pub strict_budget: bool,

    /// Freeze the DaemonSet: no creates, no replacements.
    #[arg(long, help_heading = "Planning")]
    pub freeze: bool,

    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = Output::Table, help_heading = "Output")]
    pub output: Output,

    /// Explain every node: eligibility, budget use, reasons in full.
    #[arg(long, help_heading = "Output")]
    pub explain: bool,

    /// Add `kubectl rollout status`'s message and the rollout conditions to the table (JSON
    /// always has them).
    #[arg(long, help_heading = "Output")]
    pub status: bool,

    /// Preview the whole rollout: its batches and how long it takes.
    #[arg(long, help_heading = "Output")]
    pub rollout: bool,

    /// How long a new pod takes to become ready, for --rollout and --apply.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = parse_seconds, help_heading = "Output")]
    pub pod_startup_seconds: i64,

    /// Add the lints (mistakes the API server accepts); the exit status stays 0.
    #[arg(long, help_heading = "Output")]
    pub lint: bool,

    /// Table width in columns (default: $COLUMNS, else 120); long reasons are cut to fit.
    #[arg(long, value_name = "COLUMNS", help_heading = "Output")]
    pub width: Option<usize>,

    /// Report a stalled rollout after this many seconds without progress (with --last-progress).
    #[arg(long, value_name = "SECONDS", value_parser = parse_deadline, help_heading = "Output")]
    pub progress_deadline: Option<Duration>,

    /// When the rollout last made progress (RFC 3339), for --progress-deadline.
    #[arg(long, value_name = "RFC3339", value_parser = parse_time, help_heading = "Output")]
    pub last_progress: Option<Time>,

    /// Print only the DaemonSet to apply to roll back to revision N (`kubectl rollout undo
    /// --to-revision=N`), as YAML. Needs the revisions.
    #[arg(long, value_name = "N", value_parser = parse_revision_number, help_heading = "Other plans")]
    pub rollback_to: Option<i64>,

    /// Plan deleting the DaemonSet instead of a sync: Foreground, Background or Orphan.
    #[arg(long, value_name = "POLICY", value_parser = parse_policy, conflicts_with = "rollback_to", help_heading = "Other plans")]
    pub teardown: Option<PropagationPolicy>,
}

/// The output formats of `-o`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Columns for people.
    Table,
    /// One JSON object.
    Json,
    /// The same object as YAML.
    Yaml,
}

/// `--validate`: what unknown fields in a DaemonSet manifest do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Validate {
    /// Refused, as `kubectl apply` refuses them by default.
    Strict,
    /// Dropped and reported as lints.
    Warn,
    /// Dropped silently.
    Ignore,
}

impl From<Validate> for FieldValidation {
    fn from(validate: Validate) -> Self {
        match validate {
            Validate::Strict => FieldValidation::Strict,
            Validate::Warn => FieldValidation::Warn,
            Validate::Ignore => FieldValidation::Ignore,
        }
    }
}

impl Args {
    /// The checks across flags that clap does not express; the message when one fails.
    pub fn check(&self) -> Result<(), String> {
        if self.progress_deadline.is_some() != self.last_progress.is_some() {
            return Err("--progress-deadline and --last-progress go together".to_owned());
        }
        if self.rollback_to.is_some() && self.revisions.is_none() && self.cluster.is_empty() {
            return Err("--rollback-to needs --revisions".to_owned());
        }
        if self.apply.is_some() && (self.rollback_to.is_some() || self.teardown.is_some()) {
            return Err("--apply plans an update: not with --rollback-to or --teardown".to_owned());
        }
        match (&self.daemonset, &self.nodes) {
            (Some(_), None) => Err("--nodes is required with --daemonset".to_owned()),
            (None, Some(_)) => Err("--daemonset is required with --nodes".to_owned()),
            (None, None) if self.pods.is_some() => {
                Err("--pods needs --daemonset and --nodes".to_owned())
            }
            _ => Ok(()),
        }
    }

    /// The table width: --width, else $COLUMNS, else 120.
    pub fn width(&self) -> usize {
        self.width
            .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok())
            .filter(|w| *w >= 40)
            .unwrap_or(120)
    }
}

fn parse_time(text: &str) -> Result<Time, String> {
    Time::parse(text).map_err(|err| err.to_string())
}

fn parse_order(text: &str) -> Result<UpdateOrder, String> {
    text.parse().map_err(|err| format!("--order: {err}"))
}

fn parse_zone_budget(text: &str) -> Result<TopologyBudget, String> {
    text.parse().map_err(|err| format!("--zone-budget: {err}"))
}

fn parse_policy(text: &str) -> Result<PropagationPolicy, String> {
    text.parse().map_err(|err| format!("--teardown: {err}"))
}

fn parse_seconds(text: &str) -> Result<i64, String> {
    text.parse()
        .ok()
        .filter(|n: &i64| *n >= 0)
        .ok_or_else(|| "--pod-startup-seconds must be a whole number of seconds".to_owned())
}

fn parse_deadline(text: &str) -> Result<Duration, String> {
    text.parse()
        .map(Duration::from_secs)
        .map_err(|_| "--progress-deadline must be a whole number of seconds".to_owned())
}

fn parse_revision_number(text: &str) -> Result<i64, String> {
    text.parse()
        .map_err(|_| "--rollback-to must be a revision number".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn short_flags_follow_kubectl() {
        let args = Args::try_parse_from([
            "kubectl-dsplan",
            "-f",
            "ds.yaml",
            "--nodes",
            "n.yaml",
            "-n",
            "kube-system",
            "-o",
            "json",
        ])
        .unwrap();
        assert_eq!(args.daemonset.as_deref(), Some("ds.yaml"));
        assert_eq!(args.namespace.as_deref(), Some("kube-system"));
        assert_eq!(args.output, Output::Json);
    }
}
