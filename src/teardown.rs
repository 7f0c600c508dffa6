//! Deleting a DaemonSet: what the garbage collector does with its pods.

use std::fmt;
use std::str::FromStr;

use crate::abbrev::abbrev;
use crate::model::{DaemonSet, Pod};
use crate::planning::{Action, DeleteReason, effective_namespace, owns, target_node};

/// How a delete propagates to the objects a DaemonSet owns (`propagationPolicy` of the delete
/// options, `kubectl delete --cascade=foreground|background|orphan`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PropagationPolicy {
    /// The DaemonSet stays, with the `foregroundDeletion` finalizer, until the garbage
    /// collector has deleted its pods.
    Foreground,
    /// The DaemonSet goes at once; the garbage collector deletes its pods afterwards (the
    /// default of `kubectl delete` and of the API for DaemonSets).
    Background,
    /// The pods stay: the garbage collector removes their owner reference (the DaemonSet waits
    /// for that with the `orphan` finalizer).
    Orphan,
}

impl PropagationPolicy {
    /// The policy as the API spells it: `Foreground`, `Background` or `Orphan`.
    pub fn as_str(self) -> &'static str {
        match self {
            PropagationPolicy::Foreground => "Foreground",
            PropagationPolicy::Background => "Background",
            PropagationPolicy::Orphan => "Orphan",
        }
    }

    /// The finalizer the API server puts on the DaemonSet while the policy is carried out.
    pub fn finalizer(self) -> Option<&'static str> {
        match self {
            PropagationPolicy::Foreground => Some("foregroundDeletion"),
            PropagationPolicy::Background => None,
            PropagationPolicy::Orphan => Some("orphan"),
        }
    }
}

impl fmt::Display for PropagationPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A propagation policy that is not `Foreground`, `Background` or `Orphan`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown propagation policy {:?}: use Foreground, Background or Orphan", abbrev(.text))]
#[non_exhaustive]
pub struct UnknownPropagationPolicy {
    /// The text that was given.
    pub text: String,
}

impl FromStr for PropagationPolicy {
    type Err = UnknownPropagationPolicy;

    /// Parses the API spelling (`Foreground`), also in lower case as `kubectl delete
    /// --cascade` writes it (`foreground`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "Foreground" | "foreground" => Ok(PropagationPolicy::Foreground),
            "Background" | "background" => Ok(PropagationPolicy::Background),
            "Orphan" | "orphan" => Ok(PropagationPolicy::Orphan),
            other => Err(UnknownPropagationPolicy {
                text: other.to_owned(),
            }),
        }
    }
}

/// What deleting a DaemonSet does to its pods.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Teardown {
    /// The policy planned for.
    pub policy: PropagationPolicy,
    /// Foreground and Background: a [`Action::Delete`] with [`DeleteReason::Teardown`] for
    /// every pod the DaemonSet owns that is not already being deleted, by node then pod name.
    /// Orphan: a [`Action::Release`] for every pod it owns, by pod name.
    pub actions: Vec<Action>,
    /// Whether the DaemonSet object outlives these actions: with Foreground it is removed only
    /// after its pods are gone, with Orphan after they are released (both through a
    /// finalizer, [`PropagationPolicy::finalizer`]); with Background it goes first.
    pub daemon_set_last: bool,
}

impl fmt::Display for Teardown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} deletion: ", self.policy)?;
        if self.actions.is_empty() {
            f.write_str("no pods")?;
        }
        for (i, action) in self.actions.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{action}")?;
        }
        if self.daemon_set_last {
            f.write_str("; then the DaemonSet")?;
        }
        Ok(())
    }
}

/// The order deletes are listed in everywhere: by node, then by pod name.
fn delete_order(pod: &Pod) -> (&str, &str) {
    (target_node(pod).unwrap_or(""), pod.metadata.name.as_str())
}

/// Plans what deleting the DaemonSet with `policy` does to its pods: what the garbage
/// collector does, since the DaemonSet controller itself stops at once (a DaemonSet with a
/// `deletionTimestamp` is skipped by [`crate::plan`]: no creates, no adoptions).
///
/// The pods affected are those of the DaemonSet's namespace with an owner reference to it (by
/// uid; by kind and name when the DaemonSet has no uid), whether or not the selector still
/// picks them: the garbage collector follows owner references only. Pods the controller would
/// have adopted are not affected: without the reference they are not dependents.
///
/// ```
/// use daemonset_planner::{teardown, Action, DaemonSet, Pod, PropagationPolicy};
/// use daemonset_planner::model::OwnerReference;
///
/// let mut ds = DaemonSet::default();
/// ds.metadata.name = "fluentd".into();
/// ds.metadata.uid = "u1".into();
/// let mut pod = Pod::default();
/// pod.metadata.name = "fluentd-x7k2p".into();
/// pod.metadata.owner_references = vec![OwnerReference {
///     kind: "DaemonSet".into(), name: "fluentd".into(), uid: "u1".into(),
///     controller: Some(true), ..Default::default()
/// }];
///
/// let foreground = teardown(&ds, &[pod.clone()], PropagationPolicy::Foreground);
/// assert!(matches!(&foreground.actions[..], [Action::Delete { pod, .. }] if pod == "fluentd-x7k2p"));
/// assert!(foreground.daemon_set_last);
///
/// let orphan = teardown(&ds, &[pod], "orphan".parse().unwrap());
/// assert!(matches!(&orphan.actions[..], [Action::Release { pod }] if pod == "fluentd-x7k2p"));
/// ```
pub fn teardown(daemon_set: &DaemonSet, pods: &[Pod], policy: PropagationPolicy) -> Teardown {
    let namespace = effective_namespace(&daemon_set.metadata.namespace);
    let mut dependents: Vec<&Pod> = pods
        .iter()
        .filter(|pod| effective_namespace(&pod.metadata.namespace) == namespace)
        .filter(|pod| {
            pod.metadata
                .owner_references
                .iter()
                .any(|owner| owns(daemon_set, owner))
        })
        .collect();
    let actions = match policy {
        PropagationPolicy::Foreground | PropagationPolicy::Background => {
            // Deleting a pod that is being deleted changes nothing.
            dependents.retain(|pod| !pod.is_terminating());
            dependents.sort_by(|a, b| delete_order(a).cmp(&delete_order(b)));
            dependents
                .iter()
                .map(|pod| Action::Delete {
                    pod: pod.metadata.name.clone(),
                    node: (!pod.spec.node_name.is_empty()).then(|| pod.spec.node_name.clone()),
                    reason: DeleteReason::Teardown,
                })
                .collect()
        }
        PropagationPolicy::Orphan => {
            dependents.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
            dependents
                .iter()
                .map(|pod| Action::Release {
                    pod: pod.metadata.name.clone(),
                })
                .collect()
        }
    };
    Teardown {
        policy,
        actions,
        daemon_set_last: policy.finalizer().is_some(),
    }
}
