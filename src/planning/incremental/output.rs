//! A plan's lists by reference, and the plan made from them by reusing what the previous plan
//! already read.
//!
//! A plan of a large cluster mid-rollout holds hundreds of actions (the burst limit) and the
//! nodes a partition holds, each with a name or two; reading them out of the objects again on
//! every event would cost far more than the event. So the assembly lists its decisions as
//! references to objects at a version ([`Ref`]): an item whose reference did not change reads
//! the same as before, and is moved from the previous plan instead of read again. Only the
//! items that differ are read, and the delta comes from the same comparison.
//!
//! The last plan's lists are edited in place ([`edit`]): a comparison per reference, and a
//! move of the list's tail per place the lists differ in. Runs the rolling update copied from
//! the previous plan (its deletes, a partition's held nodes: see
//! [`DeletesRead`]) are not even compared.

use std::collections::HashSet;

use foldhash::fast::RandomState;

use super::delta::PlanDelta;
use super::key::{Keys, Pods, Ref};
use super::rolling::DeletesRead;
use crate::planning::assembly;
use crate::planning::types::{
    Action, BudgetUse, BudgetUseReason, CreateReason, DeleteReason, HeldNode, HoldReason, Plan,
    RollingUpdateStep, UpdateBatch,
};

/// One action of a plan, by reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ActionItem {
    /// An adoption of the pod.
    Adopt(Ref),
    /// A release of the pod.
    Release(Ref),
    /// A create on the node of the key.
    Create(Ref, CreateReason),
    /// A delete of the pod.
    Delete(Ref, DeleteReason),
}

/// The lists of a rolling-update batch, by reference (keys for nodes, pods for pod names).
#[derive(Debug, Default)]
pub(super) struct BatchItems {
    pub(super) used: Vec<(Ref, BudgetUseReason)>,
    pub(super) deleted: Vec<Ref>,
    pub(super) surged: Vec<Ref>,
    pub(super) held: Vec<(Ref, HoldReason)>,
    /// How the deletes were read (maxUnavailable mode), for the next plan to copy them.
    pub(super) deletes_read: Option<DeletesRead>,
    /// The held nodes were copied from the previous plan's.
    pub(super) held_copied: bool,
}

/// A plan's lists by reference: its actions, and its batch's lists when it has a batch.
#[derive(Debug, Default)]
pub(super) struct Sketch {
    /// The plan's number (the planner counts its plans).
    pub(super) number: u64,
    pub(super) actions: Vec<ActionItem>,
    pub(super) batch: Option<BatchItems>,
    /// A run of actions copied from the previous plan's (and with it the batch's deleted
    /// pods), which need no comparing.
    pub(super) copied: Option<Copied>,
}

/// A run of actions copied from the previous plan's sketch: from `old` there, to `new` here,
/// `len` of them.
#[derive(Debug, Clone, Copy)]
pub(super) struct Copied {
    pub(super) old: usize,
    pub(super) new: usize,
    pub(super) len: usize,
}

impl Copied {
    /// When old item `i` and new item `j` are the same item of the run, how many items of the
    /// run are left from there (an edit before the run may shift where it meets it).
    fn rest(self, i: usize, j: usize) -> Option<usize> {
        let into = i.checked_sub(self.old)?;
        (j.checked_sub(self.new)? == into && into < self.len).then(|| self.len.saturating_sub(into))
    }
}

impl Sketch {
    /// The sketch emptied, its buffers kept for the next plan's lists.
    pub(super) fn recycled(mut self: Box<Self>) -> Box<Self> {
        self.actions.clear();
        self.copied = None;
        if let Some(batch) = &mut self.batch {
            batch.used.clear();
            batch.deleted.clear();
            batch.surged.clear();
            batch.held.clear();
            batch.deletes_read = None;
            batch.held_copied = false;
        }
        self
    }
}

/// Reads references out of the planner's objects.
#[derive(Clone, Copy)]
pub(super) struct Source<'a> {
    pub(super) keys: &'a Keys,
    pub(super) pods: &'a Pods,
}

impl Source<'_> {
    fn node(&self, key: Ref) -> String {
        self.keys.name(key.id).to_owned()
    }

    fn pod(&self, pod: Ref) -> String {
        self.pods.name(pod.id).to_owned()
    }

    fn action(&self, item: &ActionItem) -> Action {
        match item {
            ActionItem::Adopt(pod) => Action::Adopt {
                pod: self.pod(*pod),
            },
            ActionItem::Release(pod) => Action::Release {
                pod: self.pod(*pod),
            },
            ActionItem::Create(key, reason) => Action::Create {
                node: self.node(*key),
                reason: *reason,
            },
            ActionItem::Delete(pod, reason) => match self.pods.object(pod.id) {
                Some(object) => assembly::delete_action(object, *reason),
                // The assembly lists only pods it holds.
                None => Action::Delete {
                    pod: String::new(),
                    node: None,
                    reason: *reason,
                },
            },
        }
    }

    fn budget_use(&self, (key, reason): &(Ref, BudgetUseReason)) -> BudgetUse {
        BudgetUse {
            node: self.node(*key),
            reason: reason.clone(),
        }
    }

    fn held(&self, (key, reason): &(Ref, HoldReason)) -> HeldNode {
        HeldNode {
            node: self.node(*key),
            reason: reason.clone(),
        }
    }
}

/// How far ahead the comparison of two lists looks for an item inserted or removed before it
/// takes an item as replaced: far enough for the usual event (an item in, the burst limit's
/// last one out), near enough to stay cheap.
const LOOKAHEAD: usize = 8;

/// How many places two lists may differ in before the rest of the list is read anew: each
/// place moves the list's tail.
const EDITS: usize = 16;

/// What editing a list changed.
struct Edited<T> {
    /// The previous items no longer in the list.
    removed: Vec<T>,
    /// Where the items read anew sit.
    made: Vec<usize>,
}

impl<T> Edited<T> {
    /// Whether the list differs from the previous one in value.
    fn changed(&self) -> bool {
        !self.removed.is_empty() || !self.made.is_empty()
    }
}

/// The position of `item` among the first [`LOOKAHEAD`] items of `rest`.
fn ahead<S: PartialEq>(rest: Option<&[S]>, item: &S) -> Option<usize> {
    rest?.iter().take(LOOKAHEAD).position(|other| other == item)
}

/// Edits `list` (read from the references `old`) in place into the list of the references
/// `new`: an item whose reference did not change stays, the others are read with `make`.
/// Costs a comparison per reference and a move of the tail per place the lists differ in.
fn edit<S: PartialEq, T: PartialEq>(
    list: &mut Vec<T>,
    (old, new): (&[S], &[S]),
    copied: Option<Copied>,
    make: impl Fn(&S) -> T,
) -> Edited<T> {
    let mut removed = Vec::new();
    let mut made = Vec::new();
    // Invariant: `list` is the new list's first `j` items, then the old list from `i`.
    let mut i = 0usize;
    let mut j = 0usize;
    let mut edits = 0usize;
    while let (Some(previous), Some(item)) = (old.get(i), new.get(j)) {
        if let Some(rest) = copied.and_then(|run| run.rest(i, j)) {
            i = i.saturating_add(rest);
            j = j.saturating_add(rest);
            continue;
        }
        if previous == item {
            i = i.saturating_add(1);
            j = j.saturating_add(1);
            continue;
        }
        if edits >= EDITS {
            break;
        }
        let next_i = i.saturating_add(1);
        let next_j = j.saturating_add(1);
        if let Some(skip) = ahead(old.get(next_i..), item) {
            // Old items were removed before this one.
            edits = edits.saturating_add(1);
            let end = j.saturating_add(skip).saturating_add(1).min(list.len());
            removed.extend(list.drain(j.min(end)..end));
            i = next_i.saturating_add(skip).saturating_add(1);
            j = next_j;
        } else if let Some(skip) = ahead(new.get(next_j..), previous) {
            // New items were inserted before the old one.
            edits = edits.saturating_add(1);
            let end = next_j.saturating_add(skip);
            let fresh = new.get(j..end).unwrap_or_default().iter().map(&make);
            let at = j.min(list.len());
            list.splice(at..at, fresh);
            made.extend(j..end);
            i = next_i;
            j = end.saturating_add(1);
        } else {
            // Replaced in place; it may read as before (an object changed in what the plan
            // does not show).
            let fresh = make(item);
            if let Some(slot) = list.get_mut(j)
                && *slot != fresh
            {
                edits = edits.saturating_add(1);
                removed.push(std::mem::replace(slot, fresh));
                made.push(j);
            }
            i = next_i;
            j = next_j;
        }
    }
    // The rest of the new list is read; it replaces the rest of the old one unless it reads
    // the same (references that changed in what the plan does not show).
    let at = j.min(list.len());
    let rest: Vec<T> = new.get(j..).unwrap_or_default().iter().map(make).collect();
    if list.get(at..) != Some(&rest[..]) {
        removed.extend(list.drain(at..));
        made.extend(at..at.saturating_add(rest.len()));
        list.extend(rest);
    }
    Edited { removed, made }
}

/// How many removed-and-made pairs the delta compares one by one before it hashes instead.
const PAIRS: usize = 4096;

/// What the planner keeps of its last plan: the plan, its lists by reference (when it was
/// made from the indexes), and empty buffers for the next plan's lists.
///
/// Sketches are boxed: a plan moves them from one place to the next, which then moves a
/// pointer rather than their lists' headers.
#[derive(Debug, Default)]
pub(super) struct Last {
    pub(super) plan: Option<Plan>,
    pub(super) sketch: Option<Box<Sketch>>,
    pub(super) pool: Option<Box<Sketch>>,
}

impl Last {
    /// Keeps a plan made whole; the delta from the previous one when asked.
    pub(super) fn keep_whole(
        &mut self,
        plan: Plan,
        want_delta: bool,
    ) -> (&Plan, Option<PlanDelta>) {
        let delta = want_delta.then(|| PlanDelta::between(self.plan.as_ref(), &plan));
        if let Some(old) = self.sketch.take() {
            self.pool = Some(old.recycled());
        }
        (self.plan.insert(plan), delta)
    }

    /// Forgets the last plan (after an error: the next delta starts afresh).
    pub(super) fn forget(&mut self) {
        self.plan = None;
        if let Some(old) = self.sketch.take() {
            self.pool = Some(old.recycled());
        }
    }

    /// Keeps the plan of `shell` (every field but its lists, which are empty, and its
    /// revision, which is `revision`) with the lists of `sketch`, edited from the last plan's
    /// in place; the delta from the last plan when asked.
    pub(super) fn keep(
        &mut self,
        (mut plan, revision): (Plan, &str),
        sketch: Box<Sketch>,
        source: Source<'_>,
        want_delta: bool,
    ) -> (&Plan, Option<PlanDelta>) {
        let delta = match (self.plan.as_mut(), self.sketch.take()) {
            (Some(previous), Some(old)) => {
                // The revision is moved from the previous plan when it is the same; both are
                // left empty for the comparison of the other fields.
                let same = previous.revision == revision;
                let text = if same {
                    std::mem::take(&mut previous.revision)
                } else {
                    previous.revision.clear();
                    revision.to_owned()
                };
                let sketches = (&*old, &*sketch);
                let mut delta = edit_plan(previous, &mut plan, sketches, source, want_delta);
                if let Some(delta) = &mut delta {
                    delta.changed |= !same;
                }
                plan.revision = text;
                self.pool = Some(old.recycled());
                delta
            }
            (_, old) => {
                if let Some(old) = old {
                    self.pool = Some(old.recycled());
                }
                plan.revision = revision.to_owned();
                read_all(&mut plan, &sketch, source);
                want_delta.then(|| PlanDelta::between(self.plan.as_ref(), &plan))
            }
        };
        self.sketch = Some(sketch);
        (self.plan.insert(plan), delta)
    }
}

/// Fills the lists of `plan` by editing the previous plan's (taken out of it) from the
/// previous sketch into the new one; the delta when asked.
fn edit_plan(
    previous: &mut Plan,
    plan: &mut Plan,
    (old, sketch): (&Sketch, &Sketch),
    source: Source<'_>,
    want_delta: bool,
) -> Option<PlanDelta> {
    // The lists out of the previous plan, every other field compares as it is.
    let mut actions = std::mem::take(&mut previous.actions);
    let was_batch = batch_of(&mut previous.rolling_update).map(take_lists);
    let mut changed = *previous != *plan;
    let lists = (&old.actions[..], &sketch.actions[..]);
    let edited = edit(&mut actions, lists, sketch.copied, |item| {
        source.action(item)
    });
    changed |= edited.changed();
    plan.actions = actions;
    if let (Some(batch), Some(new)) = (batch_of(&mut plan.rolling_update), &sketch.batch) {
        match (was_batch, &old.batch) {
            (Some(was), Some(old)) => {
                let copied = sketch.copied.is_some();
                changed |= edit_batch(was, batch, (old, new), copied, source);
            }
            _ => read_batch(batch, new, source),
        }
    }
    want_delta.then(|| {
        let (added, removed) = cancel(&plan.actions, &edited.made, edited.removed);
        PlanDelta {
            added,
            removed,
            changed,
        }
    })
}

/// The batch of a rolling-update step, if it is one.
fn batch_of(step: &mut Option<RollingUpdateStep>) -> Option<&mut UpdateBatch> {
    match step {
        Some(RollingUpdateStep::Batch(batch)) => Some(batch),
        _ => None,
    }
}

/// A batch's lists, taken out of it.
fn take_lists(batch: &mut UpdateBatch) -> Lists {
    Lists {
        used: std::mem::take(&mut batch.used),
        deleted: std::mem::take(&mut batch.deleted),
        surged: std::mem::take(&mut batch.surged),
        held: std::mem::take(&mut batch.held),
    }
}

/// A batch's lists.
struct Lists {
    used: Vec<BudgetUse>,
    deleted: Vec<String>,
    surged: Vec<String>,
    held: Vec<HeldNode>,
}

/// Edits the previous batch's lists into the new batch's; whether any list changed.
fn edit_batch(
    mut was: Lists,
    batch: &mut UpdateBatch,
    (old, new): (&BatchItems, &BatchItems),
    deleted_copied: bool,
    source: Source<'_>,
) -> bool {
    let deleted = (&old.deleted[..], &new.deleted[..]);
    // Copied deletes come with the batch's deleted pods, whole.
    let whole = |len| Copied {
        old: 0,
        new: 0,
        len,
    };
    let all = deleted_copied.then_some(whole(new.deleted.len()));
    let held = (&old.held[..], &new.held[..]);
    let held_copied = new.held_copied.then_some(whole(new.held.len()));
    let changes = [
        edit(&mut was.used, (&old.used, &new.used), None, |u| {
            source.budget_use(u)
        })
        .changed(),
        edit(&mut was.deleted, deleted, all, |&p| source.pod(p)).changed(),
        edit(&mut was.surged, (&old.surged, &new.surged), None, |&k| {
            source.node(k)
        })
        .changed(),
        edit(&mut was.held, held, held_copied, |h| source.held(h)).changed(),
    ];
    batch.used = was.used;
    batch.deleted = was.deleted;
    batch.surged = was.surged;
    batch.held = was.held;
    changes.contains(&true)
}

/// Reads every list of a batch.
fn read_batch(batch: &mut UpdateBatch, items: &BatchItems, source: Source<'_>) {
    batch.used = items.used.iter().map(|u| source.budget_use(u)).collect();
    batch.deleted = items.deleted.iter().map(|&p| source.pod(p)).collect();
    batch.surged = items.surged.iter().map(|&k| source.node(k)).collect();
    batch.held = items.held.iter().map(|h| source.held(h)).collect();
}

/// Fills every list of the plan, read anew.
fn read_all(plan: &mut Plan, sketch: &Sketch, source: Source<'_>) {
    plan.actions = sketch.actions.iter().map(|a| source.action(a)).collect();
    if let (Some(batch), Some(items)) = (batch_of(&mut plan.rolling_update), &sketch.batch) {
        read_batch(batch, items, source);
    }
}

/// The delta's lists: the actions read anew that the previous plan did not have, and the
/// previous ones the plan no longer has (a pair of equal ones is no change: an action whose
/// objects changed in what it does not show).
fn cancel(actions: &[Action], made: &[usize], removed: Vec<Action>) -> (Vec<Action>, Vec<Action>) {
    let mut added: Vec<Option<&Action>> = made.iter().map(|&j| actions.get(j)).collect();
    let mut kept = Vec::with_capacity(removed.len());
    if removed.len().saturating_mul(added.len()) <= PAIRS {
        for action in removed {
            match added.iter_mut().find(|a| a.is_some_and(|a| *a == action)) {
                Some(slot) => *slot = None,
                None => kept.push(action),
            }
        }
    } else {
        let gone: HashSet<&Action, RandomState> = removed.iter().collect();
        let fresh: HashSet<&Action, RandomState> = added.iter().flatten().copied().collect();
        for slot in &mut added {
            if slot.is_some_and(|a| gone.contains(a)) {
                *slot = None;
            }
        }
        kept = removed
            .iter()
            .filter(|a| !fresh.contains(a))
            .cloned()
            .collect();
    }
    (added.into_iter().flatten().cloned().collect(), kept)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    /// Edits the list read from `old` into the list of `new` (items read as their text).
    fn run_edit(old: &[u32], new: &[u32]) -> (Vec<String>, Edited<String>) {
        let mut list: Vec<String> = old.iter().map(u32::to_string).collect();
        let edited = edit(&mut list, (old, new), None, u32::to_string);
        (list, edited)
    }

    #[test]
    fn an_unchanged_list_reads_nothing() {
        let (list, edited) = run_edit(&[1, 2, 3], &[1, 2, 3]);
        assert_eq!(list, ["1", "2", "3"]);
        assert!(!edited.changed());
    }

    #[test]
    fn an_item_in_and_the_last_out_reads_only_the_new_one() {
        // The usual event under a burst limit: one delete enters, the last one leaves.
        let (list, edited) = run_edit(&[1, 2, 3, 4], &[1, 9, 2, 3]);
        assert_eq!(list, ["1", "9", "2", "3"]);
        assert_eq!(edited.made, [1]);
        assert_eq!(edited.removed, ["4"]);
    }

    #[test]
    fn removed_inserted_and_replaced_items_are_found() {
        let (list, edited) = run_edit(&[1, 2, 3, 4, 5], &[1, 3, 4, 7, 8]);
        assert_eq!(list, ["1", "3", "4", "7", "8"]);
        assert_eq!(edited.removed, ["2", "5"]);
        assert_eq!(edited.made, [3, 4]);
        let (list, edited) = run_edit(&[], &[1, 2]);
        assert_eq!(list, ["1", "2"]);
        assert_eq!(edited.made, [0, 1]);
        let (list, edited) = run_edit(&[1, 2], &[]);
        assert!(list.is_empty());
        assert_eq!(edited.removed, ["1", "2"]);
    }

    #[test]
    fn lists_that_differ_everywhere_are_read_anew() {
        let old: Vec<u32> = (0..40).collect();
        let new: Vec<u32> = (100..140).collect();
        let (list, edited) = run_edit(&old, &new);
        assert_eq!(list, new.iter().map(u32::to_string).collect::<Vec<_>>());
        assert_eq!(edited.removed.len(), 40);
        assert_eq!(edited.made.len(), 40);
    }

    #[test]
    fn a_reference_read_again_as_before_is_no_change() {
        // Another reference (an object changed) that reads the same as the item it replaces.
        let mut list = vec!["a".to_string()];
        let edited = edit(&mut list, (&[1], &[2]), None, |_: &u32| "a".to_string());
        assert_eq!(list, ["a"]);
        assert!(!edited.changed());
    }

    #[test]
    fn many_references_that_read_as_before_are_no_change() {
        // Regression: past the limit of edits the rest of the list was read anew and counted
        // as changed even where it read the same.
        let old: Vec<u32> = (0..40).collect();
        let new: Vec<u32> = (100..140).collect();
        let mut list = vec!["same".to_string(); 40];
        let edited = edit(&mut list, (&old, &new), None, |_: &u32| "same".to_string());
        assert_eq!(list.len(), 40);
        assert!(!edited.changed());
    }

    #[test]
    fn a_copied_run_is_not_compared() {
        // The run says items 1..3 of the new list are the old ones: even references that
        // differ there are taken as they were.
        let mut list: Vec<String> = ["0", "1", "2"].map(String::from).to_vec();
        let run = Copied {
            old: 1,
            new: 1,
            len: 2,
        };
        let edited = edit(
            &mut list,
            (&[0, 1, 2], &[0, 8, 9]),
            Some(run),
            u32::to_string,
        );
        assert_eq!(list, ["0", "1", "2"]);
        assert!(!edited.changed());
    }

    #[test]
    fn a_copied_run_shifted_by_an_insert_before_it_is_not_compared() {
        // A create enters before the copied deletes: they move one place down.
        let mut list: Vec<String> = ["1", "2"].map(String::from).to_vec();
        let run = Copied {
            old: 0,
            new: 1,
            len: 2,
        };
        let edited = edit(&mut list, (&[1, 2], &[7, 1, 8]), Some(run), u32::to_string);
        assert_eq!(list, ["7", "1", "2"]);
        assert_eq!(edited.made, [0]);
        assert!(edited.removed.is_empty());
    }

    #[test]
    fn the_delta_cancels_an_action_removed_and_read_again() {
        let create = |node: &str| Action::Create {
            node: node.into(),
            reason: CreateReason::Missing,
        };
        let actions = [create("a"), create("b")];
        let (added, removed) = cancel(&actions, &[0, 1], vec![create("b"), create("c")]);
        assert_eq!(added, [create("a")]);
        assert_eq!(removed, [create("c")]);
    }
}
