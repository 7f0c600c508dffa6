//! Choosing one DaemonSet among many: [`select_daemon_set`], and the objects of its
//! namespace.

use crate::model::{ControllerRevision, DaemonSet, Pod};

/// Why no single DaemonSet could be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SelectError {
    /// The input holds no DaemonSet at all.
    #[error("no DaemonSet found (hint: the input holds none; check the file and its kinds)")]
    NoneFound,
    /// Several DaemonSets and no name to choose by.
    #[error("{} DaemonSets found: pick one with --name (candidates: {})", .candidates.len(), .candidates.join(", "))]
    Ambiguous {
        /// Every DaemonSet found, as `namespace/name`, sorted.
        candidates: Vec<String>,
    },
    /// No DaemonSet has the name asked for.
    #[error("no DaemonSet {wanted} (candidates: {})", .candidates.join(", "))]
    NotFound {
        /// The name asked for, as given.
        wanted: String,
        /// Every DaemonSet found, as `namespace/name`, sorted.
        candidates: Vec<String>,
    },
}

/// Chooses one DaemonSet: the one named `wanted` (`NAME` or `NAMESPACE/NAME`), or the only one
/// when `wanted` is `None`.
///
/// A bare `NAME` is looked up in `namespace` when one is given, and otherwise matches a
/// DaemonSet of that name in any namespace as long as only one has it. A DaemonSet without a
/// namespace (a manifest that leaves it to `kubectl apply -n`) matches any namespace.
///
/// A dump of a cluster (`kubectl get nodes,pods,daemonsets,controllerrevisions -A -o json`)
/// holds every DaemonSet, and the pods and ControllerRevisions of every namespace. A DaemonSet
/// only ever owns pods and revisions of its own namespace: [`pods_of_namespace`] and
/// [`revisions_of_namespace`] keep those.
///
/// ```
/// use daemonset_planner::select::{SelectError};
/// use daemonset_planner::{DaemonSet, select_daemon_set};
///
/// let named = |namespace: &str, name: &str| {
///     let mut ds = DaemonSet::default();
///     ds.metadata.namespace = namespace.to_owned();
///     ds.metadata.name = name.to_owned();
///     ds
/// };
/// let all = vec![named("kube-system", "kube-proxy"), named("monitoring", "node-exporter")];
/// let picked = select_daemon_set(all.clone(), Some("kube-system/kube-proxy"), None)?;
/// assert_eq!(picked.metadata.name, "kube-proxy");
///
/// let err = select_daemon_set(all, None, None).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "2 DaemonSets found: pick one with --name (candidates: kube-system/kube-proxy, monitoring/node-exporter)"
/// );
/// # Ok::<(), SelectError>(())
/// ```
pub fn select_daemon_set(
    candidates: Vec<DaemonSet>,
    wanted: Option<&str>,
    namespace: Option<&str>,
) -> Result<DaemonSet, SelectError> {
    let names = || {
        let mut names: Vec<String> = candidates
            .iter()
            .map(|ds| ds.metadata.display_name())
            .collect();
        names.sort();
        names
    };
    let Some(wanted) = wanted else {
        return match candidates.len() {
            0 => Err(SelectError::NoneFound),
            1 => candidates.into_iter().next().ok_or(SelectError::NoneFound),
            _ => Err(SelectError::Ambiguous {
                candidates: names(),
            }),
        };
    };
    if candidates.is_empty() {
        return Err(SelectError::NoneFound);
    }
    let (want_namespace, want_name) = match wanted.split_once('/') {
        Some((ns, name)) => (Some(ns), name),
        None => (namespace, wanted),
    };
    let matches = |ds: &DaemonSet| {
        ds.metadata.name == want_name
            && want_namespace
                .is_none_or(|ns| ds.metadata.namespace.is_empty() || ds.metadata.namespace == ns)
    };
    let found = candidates.iter().filter(|ds| matches(ds)).count();
    match found {
        1 => candidates
            .into_iter()
            .find(matches)
            .ok_or(SelectError::NoneFound),
        0 => Err(SelectError::NotFound {
            wanted: wanted.to_owned(),
            candidates: names(),
        }),
        _ => Err(SelectError::Ambiguous {
            candidates: candidates
                .iter()
                .filter(|ds| matches(ds))
                .map(|ds| ds.metadata.display_name())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect(),
        }),
    }
}

/// The pods of the DaemonSet's namespace (every pod when the DaemonSet names no namespace).
pub fn pods_of_namespace(daemon_set: &DaemonSet, pods: Vec<Pod>) -> Vec<Pod> {
    let namespace = &daemon_set.metadata.namespace;
    pods.into_iter()
        .filter(|pod| namespace.is_empty() || &pod.metadata.namespace == namespace)
        .collect()
}

/// The ControllerRevisions of the DaemonSet's namespace (every one when the DaemonSet names no
/// namespace).
pub fn revisions_of_namespace(
    daemon_set: &DaemonSet,
    revisions: Vec<ControllerRevision>,
) -> Vec<ControllerRevision> {
    let namespace = &daemon_set.metadata.namespace;
    revisions
        .into_iter()
        .filter(|rev| namespace.is_empty() || &rev.metadata.namespace == namespace)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(namespace: &str, name: &str) -> DaemonSet {
        let mut ds = DaemonSet::default();
        ds.metadata.namespace = namespace.to_owned();
        ds.metadata.name = name.to_owned();
        ds
    }

    fn all() -> Vec<DaemonSet> {
        vec![
            ds("monitoring", "agent"),
            ds("kube-system", "kube-proxy"),
            ds("logging", "agent"),
        ]
    }

    #[test]
    fn one_daemonset_needs_no_name() {
        let picked = select_daemon_set(vec![ds("a", "x")], None, None).unwrap();
        assert_eq!(picked.metadata.name, "x");
        assert_eq!(
            select_daemon_set(Vec::new(), None, None),
            Err(SelectError::NoneFound)
        );
    }

    #[test]
    fn a_bare_name_must_be_unique_or_namespaced() {
        let picked = select_daemon_set(all(), Some("kube-proxy"), None).unwrap();
        assert_eq!(picked.metadata.display_name(), "kube-system/kube-proxy");
        assert_eq!(
            select_daemon_set(all(), Some("agent"), None),
            Err(SelectError::Ambiguous {
                candidates: vec!["logging/agent".into(), "monitoring/agent".into()]
            })
        );
        let picked = select_daemon_set(all(), Some("agent"), Some("logging")).unwrap();
        assert_eq!(picked.metadata.display_name(), "logging/agent");
        let picked = select_daemon_set(all(), Some("monitoring/agent"), Some("logging")).unwrap();
        assert_eq!(picked.metadata.display_name(), "monitoring/agent");
    }

    #[test]
    fn an_unknown_name_lists_the_candidates() {
        let err = select_daemon_set(all(), Some("kube-system/calico-node"), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no DaemonSet kube-system/calico-node (candidates: kube-system/kube-proxy, \
             logging/agent, monitoring/agent)"
        );
    }

    #[test]
    fn pods_and_revisions_of_other_namespaces_are_dropped() {
        let mut pod = Pod::default();
        pod.metadata.namespace = "kube-system".into();
        let mut other = Pod::default();
        other.metadata.namespace = "default".into();
        let kept = pods_of_namespace(&ds("kube-system", "kube-proxy"), vec![pod, other]);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].metadata.namespace, "kube-system");
        let mut rev = ControllerRevision::default();
        rev.metadata.namespace = "default".into();
        assert!(revisions_of_namespace(&ds("kube-system", "x"), vec![rev]).is_empty());
    }
}
