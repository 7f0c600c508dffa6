//! Planning: one sync of the DaemonSet controller as a pure function.

mod assembly;
mod backoff;
mod cluster;
#[cfg(test)]
mod fixture;
mod incremental;
mod kruise;
mod manage;
mod node_join;
mod render;
mod revision;
mod rolling;
mod selection;
mod status;
mod strategy;
mod types;

pub use backoff::{BackoffEntry, FailedPodBackoff};
pub use incremental::{PlanDelta, Planner};
pub use render::render_pod;
pub use revision::revision_hash;
pub use strategy::{ParseStrategyError, TopologyBudget, UpdateOrder};
pub use types::{
    Action, BudgetUse, BudgetUseReason, CreateReason, DEFAULT_BURST_REPLICAS, DeleteReason,
    HeldNode, HoldReason, PauseReason, Plan, PlanError, PlanOptions, RollingUpdateError,
    RollingUpdateStep, SkipReason, UpdateBatch, UpdateMode,
};

pub(crate) use cluster::{
    Claim, FactsContext, Snapshot, claim, compile_selector, effective_namespace, owns, target_node,
};
pub(crate) use revision::CurrentRevision;
pub(crate) use rolling::{allows_surge, budgets};

use crate::model::{DaemonSet, Node, Pod};
use crate::scheduling::DaemonPlacement;

/// Plans one sync of the DaemonSet controller: what upstream's controller would create, delete,
/// adopt and release, the rolling-update batch it starts, and the status it writes.
///
/// The DaemonSet should be defaulted ([`crate::apply_defaults`]) as the API server would have
/// done, and ideally validated. Nodes and pods may come in any order: the plan is the same.
/// Where upstream's choice is arbitrary (it walks Go maps), this crate chooses by name: creates in
/// node-name order, deletes by node name then pod name, adoptions and releases by pod name,
/// rolling-update candidates in node-name order; the burst limit keeps the first items of each
/// list in that order.
///
/// Pods of other namespaces are ignored (an empty namespace means `default`). Pods controlled by
/// another object are ignored.
///
/// An OpenKruise Advanced DaemonSet ([`DaemonSet::is_kruise`]) is planned as Kruise's controller
/// plans it: its rolling update is limited to the partition's and the node selector's scope,
/// `paused` skips it, creation can be progressive, `burstReplicas` replaces
/// [`PlanOptions::burst_replicas`]. The options beyond upstream ([`PlanOptions::update_order`],
/// [`PlanOptions::topology_budget`], [`PlanOptions::strict_budget`], [`PlanOptions::freeze`])
/// apply to both kinds. The README's "Beyond upstream" section has the details.
pub fn plan(
    daemon_set: &DaemonSet,
    nodes: &[Node],
    pods: &[Pod],
    options: &PlanOptions,
) -> Result<Plan, PlanError> {
    let revision_text = assembly::revision_text(daemon_set, options.revision.as_deref());
    if let Some(reason) = assembly::skip_reason(daemon_set) {
        return Ok(assembly::skipped_plan(
            daemon_set,
            revision_text,
            reason,
            options.failed_pod_backoff.clone(),
        ));
    }
    let selector = compile_selector(daemon_set)?;
    let placement = DaemonPlacement::new(daemon_set, options.taint_comparison_operators);
    let revision = CurrentRevision::new(daemon_set, revision_text);
    let now = options.now;
    let facts_context = FactsContext::new(daemon_set, &revision, now);
    let snapshot = Snapshot::new(
        daemon_set,
        &selector,
        &placement,
        nodes,
        pods,
        &facts_context,
    )?;

    let kruise = kruise::Kruise::new(daemon_set);
    let mut backoff = options.failed_pod_backoff.clone();
    let mut managed = manage::manage(
        &manage::ManageContext {
            daemon_set,
            allows_surge: rolling::allows_surge(daemon_set),
            now,
            kruise: kruise.is_some(),
        },
        &snapshot,
        &mut backoff,
    );
    backoff.collect_garbage(now);
    let paused = if options.freeze {
        Some(PauseReason::Frozen)
    } else if kruise.as_ref().is_some_and(|k| k.paused) {
        Some(PauseReason::Paused)
    } else {
        None
    };
    if let Some(kruise) = &kruise {
        kruise.limit_creates(
            &snapshot,
            || rolling::nodes_with_one_new_pod(&snapshot),
            &mut managed.creates,
        );
    }
    if paused.is_some() {
        // No update deletions while paused or frozen: manage's surge rule would otherwise
        // retire old pods (Kruise's own paused mode lets it; see the README).
        managed.deletes.retain(|(_, reason)| {
            !matches!(reason, DeleteReason::Superseded | DeleteReason::OldNotReady)
        });
    }
    if options.freeze {
        managed.creates.clear();
    }

    let mut actions = snapshot.claim_actions.clone();
    let burst = kruise
        .as_ref()
        .and_then(|k| k.burst)
        .unwrap_or(options.burst_replicas);
    let creates: Vec<_> = managed
        .creates
        .iter()
        .map(|&n| (n, CreateReason::Missing))
        .collect();
    let (created_nodes, mut deferred_creates) =
        push_creates(&snapshot, creates, burst, &mut actions);
    let (deleted_pods, mut deferred_deletes) =
        push_deletes(&snapshot, managed.deletes, burst, &mut actions);

    let extensions = selection::Extensions::from_options(options);
    let rolling_update = if let Some(reason) = paused.filter(|_| daemon_set.is_rolling_update()) {
        Some(RollingUpdateStep::Paused(reason))
    } else if daemon_set.is_rolling_update() {
        let mut created = vec![false; nodes.len()];
        for &n in &created_nodes {
            if let Some(flag) = created.get_mut(n) {
                *flag = true;
            }
        }
        let mut deleted = vec![false; pods.len()];
        for &p in &deleted_pods {
            if let Some(flag) = deleted.get_mut(p) {
                *flag = true;
            }
        }
        let ctx = rolling::RollingContext {
            daemon_set,
            created: &created,
            deleted: &deleted,
            kruise: kruise.as_ref().map(|k| &k.scope),
            extensions: extensions.as_ref(),
        };
        Some(match rolling::rolling_update(&ctx, &snapshot) {
            Ok((mut batch, outcome)) => {
                let (surged, more_creates) =
                    push_creates(&snapshot, outcome.creates, burst, &mut actions);
                let (removed, more_deletes) =
                    push_deletes(&snapshot, outcome.deletes, burst, &mut actions);
                deferred_creates = deferred_creates.saturating_add(more_creates);
                deferred_deletes = deferred_deletes.saturating_add(more_deletes);
                batch.surged = surged
                    .iter()
                    .map(|&n| snapshot.node_name(n).to_owned())
                    .collect();
                batch.deleted = removed
                    .iter()
                    .filter_map(|&p| snapshot.pod(p).map(|pod| pod.metadata.name.clone()))
                    .collect();
                RollingUpdateStep::Batch(batch)
            }
            Err(error) => RollingUpdateStep::Failed(error),
        })
    } else {
        None
    };

    snapshot.check_action_names(daemon_set, &selector, &actions)?;
    Ok(assembly::Parts {
        revision: revision.hash,
        actions,
        status: status::compute_status(daemon_set, &snapshot),
        deferred_creates,
        deferred_deletes,
        backoff_requeue: managed.requeue_after,
        failed_pod_backoff: backoff,
        rolling_update,
    }
    .finish(daemon_set))
}

/// Sorts creates by node name, keeps the first `burst`, appends them; returns the executed node
/// indices and how many were deferred.
fn push_creates(
    snapshot: &Snapshot<'_>,
    mut creates: Vec<(usize, CreateReason)>,
    burst: usize,
    actions: &mut Vec<Action>,
) -> (Vec<usize>, usize) {
    creates.sort_by(|a, b| snapshot.node_name(a.0).cmp(snapshot.node_name(b.0)));
    let (run, deferred) = assembly::burst_split(creates.len(), burst);
    creates.truncate(run);
    actions.extend(creates.iter().map(|&(n, reason)| Action::Create {
        node: snapshot.node_name(n).to_owned(),
        reason,
    }));
    (creates.into_iter().map(|(n, _)| n).collect(), deferred)
}

/// Sorts deletes by node then pod name, keeps the first `burst`, appends them; returns the
/// executed pod indices and how many were deferred.
fn push_deletes(
    snapshot: &Snapshot<'_>,
    mut deletes: Vec<(usize, DeleteReason)>,
    burst: usize,
    actions: &mut Vec<Action>,
) -> (Vec<usize>, usize) {
    let key = |p: usize| {
        snapshot.pod(p).map_or(("", ""), |pod| {
            (target_node(pod).unwrap_or(""), pod.metadata.name.as_str())
        })
    };
    deletes.sort_by(|a, b| key(a.0).cmp(&key(b.0)));
    let (run, deferred) = assembly::burst_split(deletes.len(), burst);
    deletes.truncate(run);
    actions.extend(
        deletes
            .iter()
            .filter_map(|&(p, reason)| Some(assembly::delete_action(snapshot.pod(p)?, reason))),
    );
    (deletes.into_iter().map(|(p, _)| p).collect(), deferred)
}
