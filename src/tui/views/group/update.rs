//! The group view's update: moving and picking, queueing the removal of members, undoing
//! changes, and following the selected group and the store.

use crate::domain::OpSpec;
use crate::domain::{OperationKind, OperationState, Person};
use crate::tui::action::Action;
use crate::tui::model::{GroupDetail, RowKey};
use crate::tui::msg::{Effect, Loaded};
use crate::tui::text::Tone;
use crate::tui::views::cursor::delta;
use crate::tui::views::{Broadcast, Ctx, Reply, ViewMsg, undo_elsewhere};

use super::{GroupView, list_rows};

pub fn update(view: &mut GroupView, ctx: &Ctx, msg: &ViewMsg) -> Vec<Reply> {
    match msg {
        ViewMsg::Key {
            action: Some(action),
            ..
        } => act(view, ctx, *action),
        ViewMsg::Resize => {
            view.fit(ctx.area);
            Vec::new()
        }
        ViewMsg::Loaded(Loaded::Group(id, detail)) => {
            loaded(view, ctx, id, detail.clone());
            Vec::new()
        }
        ViewMsg::Broadcast(b) => heard(view, b),
        _ => Vec::new(),
    }
}

/// The group it shows, for a reload.
fn reload(view: &GroupView) -> Vec<Reply> {
    view.detail
        .as_ref()
        .map(|g| Reply::Effect(Effect::LoadGroup(g.id.clone())))
        .into_iter()
        .collect()
}

fn heard(view: &mut GroupView, broadcast: &Broadcast) -> Vec<Reply> {
    match broadcast {
        Broadcast::GroupSelected(Some(id)) => {
            if view.detail.as_ref().is_some_and(|g| g.id == *id) {
                Vec::new()
            } else {
                vec![Reply::Effect(Effect::LoadGroup(id.clone()))]
            }
        }
        Broadcast::GroupSelected(None) => {
            view.detail = None;
            Vec::new()
        }
        Broadcast::PersonSearched(person) => {
            view.searched = person.clone();
            Vec::new()
        }
        Broadcast::OperationSettled { group_id }
            if view.detail.as_ref().is_some_and(|g| g.id == *group_id) =>
        {
            reload(view)
        }
        Broadcast::StoreChanged | Broadcast::SyncDone => reload(view),
        _ => Vec::new(),
    }
}

/// The group read from the store (`None`: not in the mirror).
fn loaded(view: &mut GroupView, ctx: &Ctx, id: &str, detail: Option<GroupDetail>) {
    let same = view.detail.as_ref().is_some_and(|g| g.id == id);
    if !same {
        view.cursor = Default::default();
        view.picked.clear();
    }
    view.detail = detail;
    if let Some(g) = &view.detail {
        view.picked.retain(|r| match r {
            RowKey::Member(p) => g.members.contains(p),
            RowKey::Op(id) => g
                .ops
                .iter()
                .any(|o| o.id == *id && o.state == OperationState::Pending),
        });
    }
    view.fit(ctx.area);
}

fn act(view: &mut GroupView, ctx: &Ctx, action: Action) -> Vec<Reply> {
    if let Some(delta) = delta(action, list_rows(ctx.area)) {
        move_by(view, ctx, delta);
        return Vec::new();
    }
    match action {
        Action::Select => {
            let Some(row) = view.detail.as_ref().and_then(|g| g.row(view.cursor.index)) else {
                return Vec::new();
            };
            if !view.picked.remove(&row) {
                view.picked.insert(row);
            }
            move_by(view, ctx, 1);
            Vec::new()
        }
        Action::Remove => remove(view),
        Action::Undo => undo(view, ctx),
        _ => Vec::new(),
    }
}

fn move_by(view: &mut GroupView, ctx: &Ctx, delta: isize) {
    let len = view.detail.as_ref().map_or(0, GroupDetail::row_count);
    view.cursor.step(delta, len, list_rows(ctx.area));
}

/// Queues the removal of the picked members (or the one under the cursor).
fn remove(view: &mut GroupView) -> Vec<Reply> {
    let Some(group) = view.detail.as_ref() else {
        return vec![Reply::notice(Tone::Warn, "no group selected")];
    };
    let mut people: Vec<Person> = view
        .picked
        .iter()
        .filter_map(|r| match r {
            RowKey::Member(p) => Some(p.clone()),
            RowKey::Op(_) => None,
        })
        .collect();
    if view.picked.is_empty()
        && let Some(RowKey::Member(p)) = group.row(view.cursor.index)
    {
        people.push(p);
    }
    if people.is_empty() {
        return vec![Reply::notice(
            Tone::Warn,
            "pick members to remove (move to a member, or select with space)",
        )];
    }
    let group_id = group.id.clone();
    view.picked.retain(|r| matches!(r, RowKey::Op(_)));
    let ops = people
        .into_iter()
        .filter_map(|person| {
            OpSpec::for_person(OperationKind::Remove, group_id.clone(), person).ok()
        })
        .collect();
    vec![Reply::Effect(Effect::Enqueue { ops, invalid: 0 })]
}

/// Undoes the picked changes (or the one under the cursor, or a member's pending one).
fn undo(view: &mut GroupView, ctx: &Ctx) -> Vec<Reply> {
    let Some(group) = view.detail.as_ref() else {
        return vec![Reply::Notice(undo_elsewhere(ctx.keymap))];
    };
    let rows: Vec<RowKey> = if view.picked.is_empty() {
        group.row(view.cursor.index).into_iter().collect()
    } else {
        view.picked.iter().cloned().collect()
    };
    let ids: Vec<_> = rows
        .iter()
        .filter_map(|r| match r {
            RowKey::Op(id) => Some(*id),
            RowKey::Member(p) => group.pending_for(p).map(|o| o.id),
        })
        .collect();
    if ids.is_empty() {
        return vec![Reply::notice(Tone::Warn, "no change here to undo")];
    }
    view.picked.clear();
    vec![Reply::Effect(Effect::Undo(ids))]
}
