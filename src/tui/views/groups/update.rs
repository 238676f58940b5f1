//! The groups view's update: moving and picking, the filter as it is typed, the person search,
//! removing the searched person, and following the mirror.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent};

use crate::domain::OpSpec;
use crate::domain::{OperationKind, Participant, Person, Query, Region, UserId};
use crate::tui::action::Action;
use crate::tui::key::typed;
use crate::tui::msg::{Effect, Loaded};
use crate::tui::text::Tone;
use crate::tui::views::cursor::delta;
use crate::tui::views::{Broadcast, Ctx, Pane, Reply, ViewMsg};

use super::{GroupsView, list_rows};

/// The filter text can not grow past this many characters.
const MAX_FILTER: usize = 200;

pub fn update(view: &mut GroupsView, ctx: &Ctx, msg: &ViewMsg) -> Vec<Reply> {
    let searched = view.filter.person.as_ref().map(|(p, _)| p.clone());
    let mut replies = match msg {
        ViewMsg::Key { action, key } if view.filter.editing => filter_key(view, ctx, *action, key),
        ViewMsg::Key {
            action: Some(action),
            ..
        } => act(view, ctx, *action),
        ViewMsg::Paste(text) if view.filter.editing => {
            let line = text.lines().next().unwrap_or_default();
            view.filter
                .text
                .extend(line.chars().filter(|c| !c.is_control()));
            filter_changed(view, ctx)
        }
        ViewMsg::Resize => {
            view.cursor.fit(view.visible.len(), list_rows(ctx.area));
            Vec::new()
        }
        ViewMsg::Loaded(Loaded::PersonGroups {
            query,
            person,
            groups,
        }) if *query == view.filter.text => {
            // A username no member has is text like any other: the subject filter stands
            // (unless it found someone before: then they are in no group any more).
            let searching = view.filter.person.is_some();
            if groups.is_empty() && matches!(person, Query::Username(_)) && !searching {
                Vec::new()
            } else {
                let found: BTreeMap<String, Person> = groups.iter().cloned().collect();
                view.picked.retain(|g| found.contains_key(g));
                view.filter.person = Some((person.clone(), found));
                view.refilter(ctx.mirror, ctx.area);
                selected(view, ctx)
            }
        }
        ViewMsg::Broadcast(Broadcast::MirrorLoaded) => mirror_loaded(view, ctx),
        ViewMsg::Broadcast(Broadcast::StoreChanged | Broadcast::SyncDone) => {
            vec![Reply::Effect(Effect::LoadGroups)]
        }
        _ => Vec::new(),
    };
    let now_searched = view.filter.person.as_ref().map(|(q, _)| q);
    if now_searched != searched.as_ref() {
        replies.push(Reply::Broadcast(Broadcast::PersonSearched(
            now_searched.cloned(),
        )));
    }
    replies
}

/// Tells the others which group is under the cursor.
fn selected(view: &GroupsView, ctx: &Ctx) -> Vec<Reply> {
    let id = view.current(ctx.mirror).map(|g| g.id.clone());
    vec![Reply::Broadcast(Broadcast::GroupSelected(id))]
}

fn act(view: &mut GroupsView, ctx: &Ctx, action: Action) -> Vec<Reply> {
    if let Some(delta) = delta(action, list_rows(ctx.area)) {
        return move_by(view, ctx, delta);
    }
    match action {
        Action::Open if view.current(ctx.mirror).is_some() => vec![Reply::Focus(Pane::Group)],
        Action::Select => {
            let Some(id) = view.current(ctx.mirror).map(|g| g.id.clone()) else {
                return Vec::new();
            };
            if !view.picked.remove(&id) {
                view.picked.insert(id);
            }
            move_by(view, ctx, 1)
        }
        Action::Remove => remove(view, ctx),
        _ => Vec::new(),
    }
}

fn move_by(view: &mut GroupsView, ctx: &Ctx, delta: isize) -> Vec<Reply> {
    let len = view.visible.len();
    if len == 0 {
        return Vec::new();
    }
    view.cursor.step(delta, len, list_rows(ctx.area));
    selected(view, ctx)
}

/// Queues the removal of the searched person from the picked groups (or the current one), as
/// each group lists them.
fn remove(view: &mut GroupsView, ctx: &Ctx) -> Vec<Reply> {
    let Some((_, found)) = view.filter.person.clone() else {
        let open = ctx.keymap.keys_text(Action::Open);
        let filter = ctx.keymap.keys_text(Action::Filter);
        return vec![Reply::notice(
            Tone::Warn,
            format!(
                "to remove: open the group ({open}) and pick members, or search a number, BSUID or @username ({filter})"
            ),
        )];
    };
    let groups: Vec<String> = if view.picked.is_empty() {
        view.current(ctx.mirror)
            .map(|g| g.id.clone())
            .into_iter()
            .collect()
    } else {
        std::mem::take(&mut view.picked).into_iter().collect()
    };
    if groups.is_empty() {
        return vec![Reply::notice(Tone::Warn, "no group selected")];
    }
    let ops = groups
        .into_iter()
        .filter_map(|group_id| {
            let member = found.get(&group_id)?.clone();
            OpSpec::for_person(OperationKind::Remove, group_id, member).ok()
        })
        .collect();
    vec![Reply::Effect(Effect::Enqueue { ops, invalid: 0 })]
}

fn filter_key(
    view: &mut GroupsView,
    ctx: &Ctx,
    action: Option<Action>,
    key: &KeyEvent,
) -> Vec<Reply> {
    if let Some(c) = typed(key) {
        if view.filter.text.chars().count() >= MAX_FILTER {
            return Vec::new();
        }
        view.filter.text.push(c);
        return filter_changed(view, ctx);
    }
    if key.code == KeyCode::Backspace {
        view.filter.text.pop();
        return filter_changed(view, ctx);
    }
    match action {
        Some(Action::Confirm | Action::Close) => {
            view.filter.editing = false;
            Vec::new()
        }
        Some(Action::Back) => {
            view.filter.editing = false;
            view.filter.text.clear();
            view.filter.person = None;
            view.picked.clear();
            view.refilter(ctx.mirror, ctx.area);
            selected(view, ctx)
        }
        Some(Action::Clear) => {
            view.filter.text.clear();
            filter_changed(view, ctx)
        }
        Some(Action::ScrollDown) => move_by(view, ctx, 1),
        Some(Action::ScrollUp) => move_by(view, ctx, -1),
        _ => Vec::new(),
    }
}

/// Whether filter text is meant as a phone number (digits and the usual punctuation, as
/// pasted too: direction marks, other scripts' digits).
fn looks_like_number(text: &str) -> bool {
    let text = crate::domain::phone_text::normalize(text);
    let digits = text.chars().filter(char::is_ascii_digit).count();
    digits >= 5
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

/// The person filter text asks for: a phone number, a BSUID, or a username (which may also be
/// text of a subject).
fn person_query(text: &str, region: Option<Region>) -> Option<Query> {
    let trimmed = text.trim();
    if looks_like_number(trimmed) {
        return Participant::parse(trimmed, region).ok().map(Query::Phone);
    }
    if UserId::is_meant(trimmed) {
        return UserId::parse(trimmed).ok().map(Query::User);
    }
    Query::username(trimmed)
}

fn filter_changed(view: &mut GroupsView, ctx: &Ctx) -> Vec<Reply> {
    let text = view.filter.text.clone();
    view.picked.clear();
    let query = person_query(&text, ctx.region);
    let find = |person: Query| {
        Reply::Effect(Effect::FindPerson {
            query: text.clone(),
            person,
        })
    };
    match query {
        Some(person @ (Query::Phone(_) | Query::User(_))) => vec![find(person)],
        other => {
            view.filter.person = None;
            view.refilter(ctx.mirror, ctx.area);
            let mut replies = selected(view, ctx);
            replies.extend(other.map(find));
            replies
        }
    }
}

/// The mirror was read again: filter it anew, search the person again, say what is selected.
fn mirror_loaded(view: &mut GroupsView, ctx: &Ctx) -> Vec<Reply> {
    view.filter.applied = None;
    let index = &ctx.mirror.index;
    view.picked.retain(|id| index.contains_key(id));
    view.refilter(ctx.mirror, ctx.area);
    let mut replies = Vec::new();
    if let Some((person, _)) = &view.filter.person {
        replies.push(Reply::Effect(Effect::FindPerson {
            query: view.filter.text.clone(),
            person: person.clone(),
        }));
    }
    replies.extend(selected(view, ctx));
    replies
}
