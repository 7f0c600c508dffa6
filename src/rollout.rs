//! A rollout beyond one sync: playing it forward, judging a plan, and what `kubectl rollout
//! status` says.
//!
//! [`preview_rollout`] plays the rest of a rolling update batch by batch on a [`Simulator`];
//! [`conditions`] and [`rollout_complete`] judge a plan as Deployment-style conditions;
//! [`rollout_status`] gives `kubectl rollout status`'s verdict. The
//! [manual](crate::manual::conditions) describes when a rollout counts as complete or stalled.

pub use crate::conditions::{
    ConditionOptions, ConditionType, RolloutCondition, conditions, rollout_complete,
};
pub use crate::preview::{RolloutBatch, RolloutPreview, preview_rollout};
pub use crate::rollout_status::{RolloutStatus, rollout_status};
pub use crate::simulate::Simulator;
