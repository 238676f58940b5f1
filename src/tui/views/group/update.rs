//! The group view's update: moving and picking, the detail of a row, queueing the removal of
//! members, undoing and retrying changes, and following the selected group and the store.

use crate::domain::OpSpec;
use crate::domain::text::sanitize;
use crate::domain::{OpId, OperationKind, OperationState, Person};
use crate::tui::action::Action;
use crate::tui::model::{GroupDetail, RowKey};
use crate::tui::msg::{Effect, Loaded, RetryOf};
use crate::tui::overlays::TextPopup;
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
            view.selected = Some(id.clone());
            if view.detail.as_ref().is_some_and(|g| g.id == *id) {
                Vec::new()
            } else {
                vec![Reply::Effect(Effect::LoadGroup(id.clone()))]
            }
        }
        Broadcast::GroupSelected(None) => {
            view.selected = None;
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
    // A reload keeps the cursor on the row it was on (a member, a change), not on its place:
    // a change queued above it (a retry, an undo) must not slide another one under it.
    let under = same
        .then(|| view.detail.as_ref().and_then(|g| g.row(view.cursor.index)))
        .flatten();
    view.detail = detail;
    if let (Some(key), Some(g)) = (under, &view.detail)
        && let Some(index) = g.index_of(&key)
    {
        view.cursor.index = index;
    }
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
                return vec![nothing_here(view, ctx)];
            };
            if !view.picked.remove(&row) {
                view.picked.insert(row);
            }
            move_by(view, ctx, 1);
            Vec::new()
        }
        Action::PickAll => pick_all(view, ctx),
        Action::Open => open(view, ctx),
        Action::Remove => remove(view),
        Action::Undo => undo(view, ctx),
        Action::Retry => retry(view, ctx),
        _ => Vec::new(),
    }
}

/// What a key that needs a row says when there is none.
fn nothing_here(view: &GroupView, ctx: &Ctx) -> Reply {
    match &view.detail {
        None => {
            let open = ctx.keymap.keys_text(Action::Open);
            Reply::notice(
                Tone::Warn,
                format!("no group open: pick one in the groups pane ({open})"),
            )
        }
        Some(_) => Reply::notice(Tone::Warn, "this group has no members and no changes"),
    }
}

/// Picks every row of the list the cursor is in (members, or changes), or unpicks them when
/// they are all picked.
fn pick_all(view: &mut GroupView, ctx: &Ctx) -> Vec<Reply> {
    let Some(group) = view.detail.as_ref() else {
        return vec![nothing_here(view, ctx)];
    };
    let on_change = matches!(group.row(view.cursor.index), Some(RowKey::Op(_)));
    let rows: Vec<RowKey> = if on_change {
        group.ops.iter().map(|o| RowKey::Op(o.id)).collect()
    } else {
        group.members.iter().cloned().map(RowKey::Member).collect()
    };
    if rows.is_empty() {
        return vec![nothing_here(view, ctx)];
    }
    let what = if on_change { "change(s)" } else { "member(s)" };
    if rows.iter().all(|r| view.picked.contains(r)) {
        for r in &rows {
            view.picked.remove(r);
        }
        return vec![Reply::notice(
            Tone::Plain,
            format!("{} {what} unpicked", rows.len()),
        )];
    }
    let n = rows.len();
    view.picked.extend(rows);
    vec![Reply::notice(Tone::Plain, format!("{n} {what} picked"))]
}

/// The whole of the member or change under the cursor, in a popup.
fn open(view: &GroupView, ctx: &Ctx) -> Vec<Reply> {
    let Some(group) = view.detail.as_ref() else {
        return vec![nothing_here(view, ctx)];
    };
    let label = format!("{} ({})", ctx.mirror.label(&group.id), sanitize(&group.id));
    let (title, lines) = match group.row(view.cursor.index) {
        Some(RowKey::Member(p)) => {
            let changes: Vec<&crate::store::Operation> = group
                .ops
                .iter()
                .filter(|o| o.is(&p))
                .map(|o| &o.source)
                .collect();
            (
                format!("Member {p}"),
                crate::present::member_detail(&p, &label, &changes),
            )
        }
        Some(RowKey::Op(id)) => match group.ops.iter().find(|o| o.id == id) {
            Some(op) => (
                format!("Change {id}"),
                crate::present::operation_detail(&op.source, &label),
            ),
            None => return Vec::new(),
        },
        None => return vec![nothing_here(view, ctx)],
    };
    vec![Reply::Popup(TextPopup::new(title, lines))]
}

/// Queues failed changes again: the picked or the one under the cursor when they failed,
/// else every failed change of the group.
fn retry(view: &GroupView, ctx: &Ctx) -> Vec<Reply> {
    let Some(group) = view.detail.as_ref() else {
        return vec![nothing_here(view, ctx)];
    };
    let failed = |id: &OpId| {
        group
            .ops
            .iter()
            .any(|o| o.id == *id && o.state == OperationState::Failed)
    };
    let chosen: Vec<OpId> = if view.picked.is_empty() {
        group.row(view.cursor.index).into_iter().collect::<Vec<_>>()
    } else {
        view.picked.iter().cloned().collect()
    }
    .into_iter()
    .filter_map(|r| match r {
        RowKey::Op(id) if failed(&id) => Some(id),
        _ => None,
    })
    .collect();
    if !chosen.is_empty() {
        return vec![Reply::Effect(Effect::Retry(RetryOf::Operations(chosen)))];
    }
    if group.ops.iter().any(|o| o.state == OperationState::Failed) {
        return vec![Reply::Effect(Effect::Retry(RetryOf::Groups(vec![
            group.id.clone(),
        ])))];
    }
    vec![Reply::notice(
        Tone::Warn,
        format!("no failed change in {}", ctx.mirror.label(&group.id)),
    )]
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
    vec![Reply::Effect(Effect::Enqueue {
        ops,
        invalid: Vec::new(),
    })]
}

/// Undoes the picked changes (or the one under the cursor; on a member, their latest change
/// in this group: a pending one is withdrawn, one made is reversed).
fn undo(view: &mut GroupView, ctx: &Ctx) -> Vec<Reply> {
    let Some(group) = view.detail.as_ref() else {
        return vec![Reply::Notice(undo_elsewhere(
            ctx.keymap,
            crate::tui::views::Pane::Group,
        ))];
    };
    let rows: Vec<RowKey> = if view.picked.is_empty() {
        group.row(view.cursor.index).into_iter().collect()
    } else {
        view.picked.iter().cloned().collect()
    };
    let mut ids: Vec<_> = rows
        .iter()
        .filter_map(|r| match r {
            RowKey::Op(id) => Some(*id),
            // The newest first: the member's latest change that made something, or is pending.
            RowKey::Member(p) => group
                .ops
                .iter()
                .find(|o| {
                    o.is(p)
                        && matches!(o.state, OperationState::Pending | OperationState::Confirmed)
                })
                .map(|o| o.id),
        })
        .collect();
    // A member and their change both picked name one change.
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        let text = match rows.as_slice() {
            [RowKey::Member(p)] => format!(
                "no change of {p} in {} to undo: their changes show under Changes",
                ctx.mirror.label(&group.id)
            ),
            [] => "nothing here to undo: move to a change".to_owned(),
            _ => "no change among the picked rows to undo".to_owned(),
        };
        return vec![Reply::notice(Tone::Warn, text)];
    }
    view.picked.clear();
    // Several at once, some made: each of those is reversed (a member picked by their add
    // is removed), so the list is asked about first, as a removal from all groups is.
    let (withdrawn, made): (Vec<&crate::tui::model::OpRow>, Vec<_>) = ids
        .iter()
        .filter_map(|id| group.ops.iter().find(|o| o.id == *id))
        .partition(|o| o.state == OperationState::Pending);
    if ids.len() > 1 && !made.is_empty() {
        let named = |o: &crate::tui::model::OpRow| {
            format!(
                "{} {}",
                o.id,
                crate::present::change_text(&o.source.spec, |g| ctx.mirror.label(g))
            )
        };
        return vec![Reply::Ask(crate::tui::intent::Intent::Undo {
            reversals: made.into_iter().map(named).collect(),
            withdrawals: withdrawn.into_iter().map(named).collect(),
            ids,
        })];
    }
    vec![Reply::Effect(Effect::Undo(ids))]
}
