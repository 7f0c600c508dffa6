//! What changed between two consecutive plans.

use std::collections::HashSet;

use foldhash::fast::RandomState;

use crate::planning::types::{Action, Plan};

/// What changed between two consecutive plans of a [`Planner`](super::Planner).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlanDelta {
    /// Actions of the new plan that the previous plan did not have, in plan order.
    pub added: Vec<Action>,
    /// Actions of the previous plan that the new one does not have, in their previous order.
    pub removed: Vec<Action>,
    /// Whether the plan differs from the previous one in anything (actions, status, rolling
    /// update batch, deferred counts, requeue delay, backoff, skip reason or revision). Always
    /// true for the first plan.
    pub changed: bool,
}

impl std::fmt::Display for PlanDelta {
    /// One line per action, `+ ` for added and `- ` for removed; `unchanged` or `changed` when
    /// no action was added or removed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.actions_unchanged() {
            return f.write_str(if self.changed { "changed" } else { "unchanged" });
        }
        let lines = self
            .added
            .iter()
            .map(|a| ('+', a))
            .chain(self.removed.iter().map(|a| ('-', a)));
        for (i, (sign, action)) in lines.enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{sign} {action}")?;
        }
        Ok(())
    }
}

impl PlanDelta {
    /// The delta from `previous` (none: everything is new) to `next`.
    pub fn between(previous: Option<&Plan>, next: &Plan) -> Self {
        let Some(previous) = previous else {
            return PlanDelta {
                added: next.actions.clone(),
                removed: Vec::new(),
                changed: true,
            };
        };
        if previous.actions == next.actions {
            return PlanDelta {
                added: Vec::new(),
                removed: Vec::new(),
                changed: previous != next,
            };
        }
        let before: HashSet<&Action, RandomState> = previous.actions.iter().collect();
        let after: HashSet<&Action, RandomState> = next.actions.iter().collect();
        PlanDelta {
            added: next
                .actions
                .iter()
                .filter(|a| !before.contains(a))
                .cloned()
                .collect(),
            removed: previous
                .actions
                .iter()
                .filter(|a| !after.contains(a))
                .cloned()
                .collect(),
            changed: true,
        }
    }

    /// Whether no action was added or removed.
    pub fn actions_unchanged(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}
