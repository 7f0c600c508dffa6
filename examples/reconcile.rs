//! A DaemonSet controller's reconcile function, shaped like one for kube-rs, without a cluster.
//!
//! ```text
//! cargo run --example reconcile --features k8s-openapi -- \
//!     [--daemonset DS.yaml --nodes NODES.yaml [--pods PODS.yaml]] [--now RFC3339] [--bodies]
//! ```
//!
//! It reads k8s-openapi objects from YAML (by default the bundled `examples/data/*.yaml`) into
//! a fake cluster, and runs the reconcile function a kube-rs `Controller` would call, three
//! times:
//!
//! 1. The first reconcile converts the objects, plans, and prints the API calls it makes
//!    (`POST` the rendered pods, `DELETE` pods, `PATCH` owner references to adopt or release,
//!    `PATCH` the status subresource), the expectations it records and the requeue delay.
//! 2. The second one comes right after (the status write wakes the controller up), before the
//!    watch has delivered the pods created and deleted: the expectations are not met, so it
//!    only refreshes the status and waits, as upstream's controller does.
//! 3. The watch then delivers the pod events (and the kubelet reports one pod Failed); the
//!    third reconcile acts again, and the failed-pod backoff remembers the failed pod's node.
//!
//! The state such a controller keeps between reconciles is the point: the failed-pod backoff
//! ([`FailedPodBackoff`], which [`plan`] takes and returns) and the expectations
//! ([`Expectations`] below, which only the controller can keep because only it sees its own
//! API calls and the watch events).
//!
//! With kube-rs, `Cluster` is the API server and the reflector stores, `Client::post` and
//! friends replace the printed calls, and `reconcile` is `async`; everything else is the same.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::arithmetic_side_effects
)]

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use daemonset_planner::{
    Action, ConversionError, DaemonSet, FailedPodBackoff, Node, PlanError, PlanOptions, Pod, Time,
    apply_defaults, plan, render_pod,
};
use k8s_openapi::Resource;
use k8s_openapi::api::apps::v1 as apps_v1;
use k8s_openapi::api::core::v1 as core_v1;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta_v1;
use serde::de::DeserializeOwned;
use serde_json::json;

const BUNDLED_DAEMONSET: &str = include_str!("data/fluentd-elasticsearch.yaml");
const BUNDLED_NODES: &str = include_str!("data/nodes.yaml");
const BUNDLED_PODS: &str = include_str!("data/pods.yaml");

const USAGE: &str = "usage: reconcile [--daemonset FILE --nodes FILE [--pods FILE]] \
[--now RFC3339] [--bodies]";

/// How long upstream's controller trusts its expectations (`ExpectationsTimeout`).
const EXPECTATIONS_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// What a controller expects to observe after its own creates and deletes, as upstream's
/// `ControlleeExpectations` records it: counts that the watch events lower, and when they were
/// set.
///
/// Informer caches lag behind the API server: right after creating a pod, the next reconcile
/// may not see it yet, and would create another. So before acting, the controller records how
/// many creates and deletes it is about to make; each pod added or deleted that the watch
/// delivers lowers the count; and until both counts reach zero, or five minutes pass (a watch
/// event may be lost), the controller does not act again: it only refreshes the status,
/// without raising `observedGeneration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Expectations {
    /// Pod creations not yet observed.
    add: i64,
    /// Pod deletions not yet observed.
    del: i64,
    /// When the expectations were set.
    timestamp: Time,
}

impl Expectations {
    /// Expectations of `add` creates and `del` deletes, set at `now`.
    fn new(add: usize, del: usize, now: Time) -> Self {
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        Expectations {
            add: count(add),
            del: count(del),
            timestamp: now,
        }
    }

    /// Both counts observed.
    fn fulfilled(&self) -> bool {
        self.add <= 0 && self.del <= 0
    }

    /// When the controller stops waiting even if events are missing.
    fn expires_at(&self) -> Option<Time> {
        let timeout = i64::try_from(EXPECTATIONS_TIMEOUT.as_secs()).unwrap_or(i64::MAX);
        self.timestamp.checked_add_seconds(timeout)
    }

    /// Upstream's `SatisfiedExpectations`: fulfilled, or older than the timeout.
    fn satisfied(&self, now: Time) -> bool {
        self.fulfilled() || self.expires_at().is_none_or(|at| now > at)
    }
}

impl fmt::Display for Expectations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "add={} del={} set {}",
            self.add, self.del, self.timestamp
        )?;
        if let Some(at) = self.expires_at() {
            write!(f, ", expire {at}")?;
        }
        Ok(())
    }
}

/// What a reconcile asks of the controller next, as kube-rs' `controller::Action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
struct ReconcileAction {
    requeue_after: Option<Duration>,
}

impl ReconcileAction {
    fn requeue(after: Duration) -> Self {
        ReconcileAction {
            requeue_after: Some(after),
        }
    }

    fn await_change() -> Self {
        ReconcileAction {
            requeue_after: None,
        }
    }
}

impl fmt::Display for ReconcileAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.requeue_after {
            Some(after) => write!(f, "Action::requeue({}s)", after.as_secs()),
            None => f.write_str("Action::await_change()"),
        }
    }
}

/// Why a reconcile failed.
#[derive(Debug)]
enum Error {
    Convert(ConversionError),
    Plan(PlanError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Convert(err) => write!(f, "conversion: {err}"),
            Error::Plan(err) => write!(f, "plan: {err}"),
        }
    }
}

impl From<ConversionError> for Error {
    fn from(err: ConversionError) -> Self {
        Error::Convert(err)
    }
}

impl From<PlanError> for Error {
    fn from(err: PlanError) -> Self {
        Error::Plan(err)
    }
}

/// A watch event the fake API server delivers later.
enum Event {
    PodAdded(core_v1::Pod),
    PodModified(core_v1::Pod),
    PodDeleted(String),
    DaemonSetModified(apps_v1::DaemonSet),
}

/// The fake cluster: what the informer caches hold, and the events the watch has not
/// delivered yet. API calls only queue events, so the caches lag as real ones do.
struct Cluster {
    daemon_set: apps_v1::DaemonSet,
    nodes: Vec<core_v1::Node>,
    pods: Vec<core_v1::Pod>,
    pending: VecDeque<Event>,
    created: usize,
    /// Print request bodies of POST calls.
    bodies: bool,
}

impl Cluster {
    /// `POST /api/v1/namespaces/{ns}/pods`: the API server completes generateName.
    fn create_pod(&mut self, mut pod: core_v1::Pod, now: Time) {
        self.created += 1;
        let prefix = pod.metadata.generate_name.clone().unwrap_or_default();
        let name = format!("{prefix}{}", suffix(self.created));
        pod.metadata.uid = Some(format!("uid-{name}"));
        pod.metadata.name = Some(name);
        pod.metadata.creation_timestamp = now.to_timestamp().map(meta_v1::Time);
        pod.status = Some(core_v1::PodStatus {
            phase: Some("Pending".into()),
            ..Default::default()
        });
        self.pending.push_back(Event::PodAdded(pod));
    }
}

/// Five characters of the API server's generateName alphabet, scrambled from a counter.
fn suffix(n: usize) -> String {
    let mut n = n.wrapping_mul(2_654_435_761) % 14_348_907; // 27^5
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    (0..5)
        .map(|_| {
            let c = ALPHABET.get(n % ALPHABET.len()).copied().unwrap_or(b'b');
            n /= ALPHABET.len();
            char::from(c)
        })
        .collect()
}

/// What kube-rs hands a reconcile function: the client, the stores, and the controller's own
/// state, shared behind an `Arc`.
struct Context {
    cluster: Mutex<Cluster>,
    /// The failed-pod backoff, from one plan to the next.
    backoff: Mutex<FailedPodBackoff>,
    /// Expectations per DaemonSet (`namespace/name`).
    expectations: Mutex<BTreeMap<String, Expectations>>,
    /// The clock; a real controller reads the system clock.
    now: Mutex<Time>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One reconcile of one DaemonSet.
fn reconcile(object: Arc<apps_v1::DaemonSet>, ctx: Arc<Context>) -> Result<ReconcileAction, Error> {
    let now = *lock(&ctx.now);
    let mut cluster = lock(&ctx.cluster);

    // Convert what the stores hold. Objects read from the API server are already defaulted;
    // defaulting again changes nothing and covers hand-written manifests.
    let mut ds = DaemonSet::try_from(object.as_ref())?;
    apply_defaults(&mut ds);
    let nodes = cluster
        .nodes
        .iter()
        .map(Node::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let pods = cluster
        .pods
        .iter()
        .map(Pod::try_from)
        .collect::<Result<Vec<_>, _>>()?;

    let key = format!("{}/{}", ds.metadata.namespace, ds.metadata.name);
    let backoff = lock(&ctx.backoff).clone();
    let options = PlanOptions::new(now).with_failed_pod_backoff(backoff);
    let plan = plan(&ds, &nodes, &pods, &options)?;
    println!(
        "reconcile {key} at {now}: generation {}, revision {}",
        ds.metadata.generation.unwrap_or(0),
        plan.revision
    );

    let waiting = lock(&ctx.expectations)
        .get(&key)
        .filter(|e| !e.satisfied(now))
        .copied();
    if let Some(expectations) = waiting {
        // Upstream: only the status, and without raising observedGeneration, since this
        // generation was not acted on. Leaving it out of the merge patch keeps the stored one.
        println!("  expectations not met ({expectations}): no creates or deletes");
        let mut status = plan.status.clone();
        status.observed_generation = None;
        if plan.status_changed {
            patch_status(&mut cluster, &object, &status)?;
        } else {
            println!("  status unchanged: no write");
        }
        let wait = expectations
            .expires_at()
            .map_or(0, |at| at.seconds_since(now).max(1));
        let action = ReconcileAction::requeue(Duration::from_secs(wait.unsigned_abs()));
        println!("  => {action} (or sooner, when the watch delivers the pods)");
        return Ok(action);
    }

    // Record the expectations before acting: the watch may deliver events before the calls
    // return.
    let creates = plan
        .actions
        .iter()
        .filter(|a| matches!(a, Action::Create { .. }))
        .count();
    let deletes = plan
        .actions
        .iter()
        .filter(|a| matches!(a, Action::Delete { .. }))
        .count();
    let expectations = Expectations::new(creates, deletes, now);
    lock(&ctx.expectations).insert(key.clone(), expectations);

    // A real controller lowers the expectations for every create or delete that fails, so
    // that it does not wait five minutes for events that will never come.
    for action in &plan.actions {
        execute(&mut cluster, action, &ds, &pods, &plan.revision, now)?;
    }
    if plan.deferred_creates + plan.deferred_deletes > 0 {
        println!(
            "  deferred by the burst limit: {} creates, {} deletes",
            plan.deferred_creates, plan.deferred_deletes
        );
    }
    if plan.status_changed {
        patch_status(&mut cluster, &object, &plan.status)?;
    } else {
        println!("  status unchanged: no write");
    }

    println!("  expectations: {expectations}");
    print_backoff(&plan.failed_pod_backoff);
    *lock(&ctx.backoff) = plan.failed_pod_backoff.clone();
    let action = match plan.requeue_after {
        Some(after) => ReconcileAction::requeue(after),
        None => ReconcileAction::await_change(),
    };
    println!("  => {action}");
    Ok(action)
}

/// Makes the API call of one action (printing it), and queues the watch events it causes.
fn execute(
    cluster: &mut Cluster,
    action: &Action,
    ds: &DaemonSet,
    pods: &[Pod],
    revision: &str,
    now: Time,
) -> Result<(), Error> {
    let pods_path = format!("/api/v1/namespaces/{}/pods", ds.metadata.namespace);
    match action {
        Action::Create { node, reason } => {
            let pod = core_v1::Pod::try_from(&render_pod(ds, node, revision))?;
            let generate_name = pod.metadata.generate_name.as_deref().unwrap_or_default();
            println!("  POST   {pods_path}  generateName={generate_name} node={node} ({reason})");
            if cluster.bodies {
                let body = serde_json::to_string(&pod).unwrap_or_default();
                println!("         {body}");
            }
            cluster.create_pod(pod, now);
        }
        Action::Delete { pod, node, reason } => {
            let on = node.as_deref().map(|n| format!(" on {n}"));
            println!(
                "  DELETE {pods_path}/{pod}  ({reason}{})",
                on.unwrap_or_default()
            );
            cluster.pending.push_back(Event::PodDeleted(pod.clone()));
        }
        Action::Adopt { pod } => patch_owner(cluster, &pods_path, ds, pods, pod, true),
        Action::Release { pod } => patch_owner(cluster, &pods_path, ds, pods, pod, false),
        other => println!("  (not handled by this example: {other})"),
    }
    Ok(())
}

/// Adopts (`adopt`) or releases a pod: a strategic merge patch of its owner references that
/// also names the pod's uid, so it cannot hit a new pod of the same name, as upstream's does.
fn patch_owner(
    cluster: &mut Cluster,
    pods_path: &str,
    ds: &DaemonSet,
    pods: &[Pod],
    pod: &str,
    adopt: bool,
) {
    let uid = pods
        .iter()
        .find(|p| p.metadata.name == pod)
        .map(|p| p.metadata.uid.clone())
        .unwrap_or_default();
    let reference = meta_v1::OwnerReference {
        api_version: "apps/v1".into(),
        kind: "DaemonSet".into(),
        name: ds.metadata.name.clone(),
        uid: ds.metadata.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    };
    let change = if adopt {
        json!(reference)
    } else {
        json!({"$patch": "delete", "uid": ds.metadata.uid})
    };
    let patch = json!({"metadata": {"ownerReferences": [change], "uid": uid}});
    let verb = if adopt { "adopt" } else { "release" };
    println!("  PATCH  {pods_path}/{pod}  (strategic merge, {verb}) {patch}");
    let found = cluster
        .pods
        .iter()
        .find(|p| p.metadata.name.as_deref() == Some(pod));
    if let Some(found) = found {
        let mut patched = found.clone();
        let references = patched.metadata.owner_references.get_or_insert_default();
        references.retain(|r| r.uid != ds.metadata.uid);
        if adopt {
            references.push(reference);
        }
        cluster.pending.push_back(Event::PodModified(patched));
    }
}

/// `PATCH .../daemonsets/{name}/status` with a merge patch of the whole status.
fn patch_status(
    cluster: &mut Cluster,
    object: &apps_v1::DaemonSet,
    status: &daemonset_planner::DaemonSetStatus,
) -> Result<(), Error> {
    let status = apps_v1::DaemonSetStatus::try_from(status)?;
    let path = format!(
        "/apis/apps/v1/namespaces/{}/daemonsets/{}/status",
        object.metadata.namespace.as_deref().unwrap_or("default"),
        object.metadata.name.as_deref().unwrap_or_default()
    );
    let body = json!({ "status": status });
    println!("  PATCH  {path}  (merge) {body}");
    // A merge patch keeps the fields it leaves out.
    let mut updated = object.clone();
    let mut merged = status;
    if merged.observed_generation.is_none() {
        merged.observed_generation = object.status.as_ref().and_then(|s| s.observed_generation);
    }
    updated.status = Some(merged);
    cluster.pending.push_back(Event::DaemonSetModified(updated));
    Ok(())
}

fn print_backoff(backoff: &FailedPodBackoff) {
    if backoff.is_empty() {
        println!("  failed-pod backoff: empty");
    }
    for (key, entry) in backoff.entries() {
        println!(
            "  failed-pod backoff: {key}: next delete after {}s (last {})",
            entry.delay_seconds, entry.last_update
        );
    }
}

/// Delivers the pending watch events that `which` selects to the caches and to the event
/// handlers, which lower the expectations of the DaemonSet that controls the pod (upstream's
/// `addPod` and `deletePod`); the other events stay pending.
fn deliver_events(ctx: &Context, which: fn(&Event) -> bool) {
    let mut cluster = lock(&ctx.cluster);
    let ds = &cluster.daemon_set;
    let key = format!(
        "{}/{}",
        ds.metadata.namespace.as_deref().unwrap_or_default(),
        ds.metadata.name.as_deref().unwrap_or_default()
    );
    let uid = ds.metadata.uid.clone();
    let controlled = |pod: &core_v1::Pod| {
        pod.metadata
            .owner_references
            .iter()
            .flatten()
            .any(|r| r.controller == Some(true) && Some(&r.uid) == uid.as_ref())
    };
    let (deliver, keep): (VecDeque<Event>, VecDeque<Event>) = std::mem::take(&mut cluster.pending)
        .into_iter()
        .partition(which);
    cluster.pending = keep;
    for event in deliver {
        let mut expectations = lock(&ctx.expectations);
        let record = expectations.get_mut(&key);
        match event {
            Event::PodAdded(pod) => {
                let name = pod.metadata.name.clone().unwrap_or_default();
                if let (true, Some(e)) = (controlled(&pod), record) {
                    e.add -= 1;
                    println!("watch: ADDED pod {name} -> creation observed ({e})");
                }
                cluster.pods.push(pod);
            }
            Event::PodModified(pod) => {
                let name = pod.metadata.name.clone();
                println!(
                    "watch: MODIFIED pod {}",
                    name.as_deref().unwrap_or_default()
                );
                cluster.pods.retain(|p| p.metadata.name != name);
                cluster.pods.push(pod);
            }
            Event::PodDeleted(name) => {
                let found = cluster
                    .pods
                    .iter()
                    .position(|p| p.metadata.name.as_deref() == Some(&name));
                if let Some(index) = found {
                    let pod = cluster.pods.remove(index);
                    if let (true, Some(e)) = (controlled(&pod), record) {
                        e.del -= 1;
                        println!("watch: DELETED pod {name} -> deletion observed ({e})");
                    }
                }
            }
            Event::DaemonSetModified(ds) => {
                println!("watch: MODIFIED daemonset {key} (status)");
                cluster.daemon_set = ds;
            }
        }
    }
}

/// The kubelet reports the first running pod of the DaemonSet (by name) as Failed.
fn fail_a_pod(ctx: &Context) {
    let mut cluster = lock(&ctx.cluster);
    let uid = cluster.daemon_set.metadata.uid.clone();
    let mut candidates: Vec<&mut core_v1::Pod> = cluster
        .pods
        .iter_mut()
        .filter(|p| {
            let owned = p
                .metadata
                .owner_references
                .iter()
                .flatten()
                .any(|r| Some(&r.uid) == uid.as_ref());
            let running = p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running");
            owned && running && p.metadata.deletion_timestamp.is_none()
        })
        .collect();
    candidates.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    if let Some(pod) = candidates.into_iter().next() {
        let status = pod.status.get_or_insert_default();
        status.phase = Some("Failed".into());
        status.conditions = None;
        println!(
            "watch: MODIFIED pod {} -> phase Failed (OOMKilled)",
            pod.metadata.name.as_deref().unwrap_or_default()
        );
    }
}

/// Every object of kind `K` in a YAML stream: single objects, `List`s and typed lists.
fn read_objects<K: Resource + DeserializeOwned>(text: &str) -> Result<Vec<K>, String> {
    use serde::Deserialize;
    let mut objects = Vec::new();
    for document in serde_yaml::Deserializer::from_str(text) {
        let value = serde_yaml::Value::deserialize(document).map_err(|e| e.to_string())?;
        let kind = value
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or_default();
        let items = if value.is_null() {
            Vec::new()
        } else if kind == K::KIND {
            vec![value.clone()]
        } else if kind == "List" || kind.strip_suffix("List") == Some(K::KIND) {
            let mut items = match value.get("items") {
                Some(serde_yaml::Value::Sequence(items)) => items.clone(),
                _ => Vec::new(),
            };
            for item in &mut items {
                if let serde_yaml::Value::Mapping(map) = item {
                    for (key, implied) in [("kind", K::KIND), ("apiVersion", K::API_VERSION)] {
                        map.entry(key.into()).or_insert_with(|| implied.into());
                    }
                }
            }
            items
        } else {
            return Err(format!(
                "expected kind {} or a list of them, found {kind:?}",
                K::KIND
            ));
        };
        for item in items {
            objects.push(serde_yaml::from_value(item).map_err(|e| e.to_string())?);
        }
    }
    Ok(objects)
}

struct Args {
    files: Option<(String, String, Option<String>)>,
    now: Option<String>,
    bodies: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut daemonset, mut nodes, mut pods, mut now, mut bodies) = (None, None, None, None, false);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--daemonset" => daemonset = Some(value("--daemonset")?),
            "--nodes" => nodes = Some(value("--nodes")?),
            "--pods" => pods = Some(value("--pods")?),
            "--now" => now = Some(value("--now")?),
            "--bodies" => bodies = true,
            "--help" | "-h" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let files = match (daemonset, nodes, pods) {
        (Some(ds), Some(nodes), pods) => Some((ds, nodes, pods)),
        (None, None, None) => None,
        _ => return Err(format!("--daemonset and --nodes go together\n{USAGE}")),
    };
    Ok(Args { files, now, bodies })
}

fn load(args: &Args) -> Result<Cluster, String> {
    let read = |path: &str| std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"));
    let (ds, nodes, pods) = match &args.files {
        Some((ds, nodes, pods)) => (
            read(ds)?,
            read(nodes)?,
            pods.as_deref().map(read).transpose()?.unwrap_or_default(),
        ),
        None => (
            BUNDLED_DAEMONSET.to_owned(),
            BUNDLED_NODES.to_owned(),
            BUNDLED_PODS.to_owned(),
        ),
    };
    let mut daemon_sets = read_objects::<apps_v1::DaemonSet>(&ds)?;
    let daemon_set = match (daemon_sets.pop(), daemon_sets.is_empty()) {
        (Some(ds), true) => ds,
        _ => return Err("expected exactly one DaemonSet".to_owned()),
    };
    Ok(Cluster {
        daemon_set,
        nodes: read_objects(&nodes)?,
        pods: read_objects(&pods)?,
        pending: VecDeque::new(),
        created: 0,
        bodies: args.bodies,
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
    let now = match args.now.as_deref().map(Time::parse) {
        Some(Ok(now)) => now,
        Some(Err(err)) => {
            eprintln!("--now: {err}");
            return ExitCode::from(2);
        }
        None => Time::from(jiff::Timestamp::now()),
    };
    let cluster = match load(&args) {
        Ok(cluster) => cluster,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let ctx = Arc::new(Context {
        cluster: Mutex::new(cluster),
        backoff: Mutex::new(FailedPodBackoff::new()),
        expectations: Mutex::new(BTreeMap::new()),
        now: Mutex::new(now),
    });

    // The controller's loop, by hand. The first reconcile acts. Its status write comes back
    // through the watch first and triggers the second reconcile, which finds the pods it
    // created and deleted not yet observed. Then the watch delivers them, the kubelet reports
    // a pod Failed, and the third reconcile acts again.
    let result = run(&ctx, now, 0).and_then(|()| {
        println!();
        deliver_events(&ctx, |e| matches!(e, Event::DaemonSetModified(_)));
        println!();
        run(&ctx, now, 1)
    });
    let result = result.and_then(|()| {
        println!();
        deliver_events(&ctx, |_| true);
        fail_a_pod(&ctx);
        println!();
        run(&ctx, now, 30)
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // kube-rs would call the error policy and requeue.
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

/// Sets the clock to `seconds` after `start` and reconciles the DaemonSet in the cache.
fn run(ctx: &Arc<Context>, start: Time, seconds: i64) -> Result<(), Error> {
    if let Some(at) = start.checked_add_seconds(seconds) {
        *lock(&ctx.now) = at;
    }
    let object = Arc::new(lock(&ctx.cluster).daemon_set.clone());
    reconcile(object, Arc::clone(ctx)).map(|_action| ())
}
