//! Rolling a DaemonSet back to an earlier template, as `kubectl rollout undo daemonset` does.

use std::fmt;

use crate::model::{ControllerRevision, DaemonSet};
use crate::planning::{effective_namespace, owns};
use crate::scheduling::{LabelMatcher, SelectorError};

use super::template::template_value;

/// Why a rollback cannot be done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RollbackError {
    /// No revision of the DaemonSet has the number asked for.
    #[error(
        "daemonset {daemon_set}: unable to find revision {revision} in its history \
         (available revisions: {})",
        Numbers(.available)
    )]
    UnknownRevision {
        /// The DaemonSet, `namespace/name`.
        daemon_set: String,
        /// The revision number asked for.
        revision: i64,
        /// The revision numbers its history holds, ascending.
        available: Vec<i64>,
    },
    /// Revision 0 (the previous one) was asked for, but the history holds one revision or none.
    #[error(
        "daemonset {daemon_set}: no previous revision to roll back to (available revisions: {})",
        Numbers(.available)
    )]
    NoPreviousRevision {
        /// The DaemonSet, `namespace/name`.
        daemon_set: String,
        /// The revision numbers its history holds, ascending.
        available: Vec<i64>,
    },
    /// The revision's `data` holds no pod template this crate can read.
    #[error(
        "daemonset {daemon_set}: revision {revision} ({name}) holds no readable pod template at \
         data.spec.template"
    )]
    UnreadableRevision {
        /// The DaemonSet, `namespace/name`.
        daemon_set: String,
        /// The revision number.
        revision: i64,
        /// The revision's name.
        name: String,
    },
    /// `spec.selector` cannot be compiled.
    #[error("daemonset {daemon_set}: invalid spec.selector")]
    InvalidSelector {
        /// The DaemonSet, `namespace/name`.
        daemon_set: String,
        /// What is wrong with it (its path is relative to `spec.selector`).
        #[source]
        source: SelectorError,
    },
}

/// `1, 2, 3`, or `none`.
struct Numbers<'a>(&'a [i64]);

impl fmt::Display for Numbers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        for (i, number) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{number}")?;
        }
        Ok(())
    }
}

/// Rolls the DaemonSet back to an earlier template, as `kubectl rollout undo daemonset
/// --to-revision=N` does: returns the DaemonSet with `spec.template` replaced by the template
/// stored in revision `to_revision`, ready to apply; the controller then rolls the pods.
///
/// The history is the revisions of the DaemonSet's namespace that it controls and that its
/// selector picks, as kubectl lists them. `to_revision` 0 means the previous revision: as
/// kubectl does, the second-highest revision number of the history, which is the highest one
/// below the current revision whenever the controller has synced the current template. Other
/// numbers must exist in the history, else [`RollbackError::UnknownRevision`] lists the ones
/// that do.
///
/// When the revision holds the DaemonSet's current template the DaemonSet comes back
/// unchanged: there is nothing to apply, and kubectl reports `skipped rollback (current
/// template already matches revision N)`.
///
/// ```
/// use daemonset_planner::{rollback, DaemonSet, LabelSelector};
/// use daemonset_planner::history::render_revision;
///
/// let mut ds = DaemonSet::default();
/// ds.metadata.name = "fluentd".into();
/// let labels = [("name".to_string(), "fluentd".to_string())];
/// ds.spec.selector = Some(LabelSelector { match_labels: labels.clone().into(), ..Default::default() });
/// ds.spec.template.metadata.labels = labels.into();
/// ds.spec.template.spec.other.insert("containers".into(), serde_json::json!([{"name": "f", "image": "fluentd:v1"}]));
/// let v1 = render_revision(&ds, "hash1", 1);
/// ds.spec.template.spec.other.insert("containers".into(), serde_json::json!([{"name": "f", "image": "fluentd:v2"}]));
/// let v2 = render_revision(&ds, "hash2", 2);
///
/// let undone = rollback(&ds, &[v1.clone(), v2.clone()], 0)?;
/// assert_eq!(undone.spec.template.spec.other["containers"][0]["image"], "fluentd:v1");
/// assert_eq!(rollback(&ds, &[v1.clone(), v2.clone()], 2)?, ds); // already current: skipped
/// assert_eq!(
///     rollback(&ds, &[v1, v2], 7).unwrap_err().to_string(),
///     "daemonset fluentd: unable to find revision 7 in its history (available revisions: 1, 2)"
/// );
/// # Ok::<(), daemonset_planner::RollbackError>(())
/// ```
pub fn rollback(
    daemon_set: &DaemonSet,
    revisions: &[ControllerRevision],
    to_revision: i64,
) -> Result<DaemonSet, RollbackError> {
    let display_name = || daemon_set.metadata.display_name();
    let selector = LabelMatcher::new(daemon_set.spec.selector.as_ref()).map_err(|source| {
        RollbackError::InvalidSelector {
            daemon_set: display_name(),
            source,
        }
    })?;
    let namespace = effective_namespace(&daemon_set.metadata.namespace);
    let mut history: Vec<&ControllerRevision> = revisions
        .iter()
        .filter(|r| effective_namespace(&r.metadata.namespace) == namespace)
        .filter(|r| {
            r.metadata
                .controller_ref()
                .is_some_and(|owner| owns(daemon_set, owner))
        })
        .filter(|r| selector.matches(&r.metadata.labels))
        .collect();
    history.sort_by(|a, b| {
        a.revision
            .cmp(&b.revision)
            .then(a.metadata.name.cmp(&b.metadata.name))
    });
    let available = || {
        let mut numbers: Vec<i64> = history.iter().map(|r| r.revision).collect();
        numbers.dedup();
        numbers
    };
    let target = if to_revision == 0 {
        match history.len().checked_sub(2).and_then(|i| history.get(i)) {
            Some(target) => *target,
            None => {
                return Err(RollbackError::NoPreviousRevision {
                    daemon_set: display_name(),
                    available: available(),
                });
            }
        }
    } else {
        match history.iter().find(|r| r.revision == to_revision) {
            Some(target) => *target,
            None => {
                return Err(RollbackError::UnknownRevision {
                    daemon_set: display_name(),
                    revision: to_revision,
                    available: available(),
                });
            }
        }
    };
    let Some(template) = target.pod_template() else {
        return Err(RollbackError::UnreadableRevision {
            daemon_set: display_name(),
            revision: target.revision,
            name: target.metadata.name.clone(),
        });
    };
    let mut rolled_back = daemon_set.clone();
    if template_value(&template) != template_value(&daemon_set.spec.template) {
        rolled_back.spec.template = template;
    }
    Ok(rolled_back)
}
