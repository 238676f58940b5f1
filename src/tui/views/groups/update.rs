//! The groups view's update: moving and picking (one, all shown, none), the filter as it is
//! typed, the person search, removing the searched person from their groups, the order, and
//! following the mirror.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent};

use crate::domain::OpSpec;
use crate::domain::{OperationKind, Participant, Person, Query, Region, UserId};
use crate::tui::action::Action;
use crate::tui::intent::Intent;
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
            adding,
        }) if *query == view.filter.text => {
            // A username no member has is text like any other: the subject filter stands
            // (unless it found someone before: then they are in no group any more).
            let searching = view.filter.person.is_some();
            if groups.is_empty()
                && adding.is_empty()
                && matches!(person, Query::Username(_))
                && !searching
            {
                Vec::new()
            } else {
                let found: BTreeMap<String, Person> = groups.iter().cloned().collect();
                view.filter.person = Some((person.clone(), found));
                view.filter.adding = adding.iter().cloned().collect();
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
    let now_searched = view.filter.person.as_ref().map(|(p, _)| p);
    if now_searched != searched.as_ref() {
        replies.push(Reply::Broadcast(Broadcast::PersonSearched(
            now_searched.cloned(),
        )));
    }
    replies
}

/// Tells the others which group is under the cursor.
fn selected(view: &mut GroupsView, ctx: &Ctx) -> Vec<Reply> {
    let id = view.current(ctx.mirror).map(|g| g.id.to_string());
    view.at.clone_from(&id);
    vec![Reply::Broadcast(Broadcast::GroupSelected(id))]
}

fn act(view: &mut GroupsView, ctx: &Ctx, action: Action) -> Vec<Reply> {
    if let Some(delta) = delta(action, list_rows(ctx.area)) {
        return move_by(view, ctx, delta);
    }
    match action {
        Action::Open if view.current(ctx.mirror).is_some() => vec![Reply::Focus(Pane::Group)],
        Action::Open => vec![Reply::notice(Tone::Warn, empty_list(view, ctx))],
        Action::Select => {
            let Some(id) = view.current(ctx.mirror).map(|g| g.id.to_string()) else {
                return vec![Reply::notice(Tone::Warn, empty_list(view, ctx))];
            };
            if !view.picked.remove(&id) {
                view.picked.insert(id);
            }
            move_by(view, ctx, 1)
        }
        Action::PickAll => pick_all(view, ctx),
        Action::Remove => remove(view, ctx),
        Action::Sort => sort_next(view, ctx),
        _ => Vec::new(),
    }
}

/// Lists the groups in the next order.
pub fn sort_next(view: &mut GroupsView, ctx: &Ctx) -> Vec<Reply> {
    view.sort = view.sort.next();
    view.refilter(ctx.mirror, ctx.area);
    let mut replies = vec![Reply::notice(
        Tone::Plain,
        format!("groups sorted by {}", view.sort.name()),
    )];
    replies.extend(selected(view, ctx));
    replies
}

/// Starts a new filter: `/` again starts from nothing, as a search does (picks stay).
pub fn start_filter(view: &mut GroupsView, ctx: &Ctx) -> Vec<Reply> {
    view.filter.editing = true;
    clear_filter(view, ctx)
}

/// What an empty list says when a key needs a group.
fn empty_list(view: &GroupsView, ctx: &Ctx) -> String {
    if ctx.mirror.rows.is_empty() {
        let sync = ctx.keymap.keys_text(Action::Sync);
        return format!("no group in the mirror yet: {sync} reads them from the server");
    }
    let reset = ctx.keymap.keys_text(Action::Reset);
    match &view.filter.person {
        Some((p, _)) => super::in_no_group(p, &format!("{reset} clears the search")),
        None => format!("no group matches the filter ({reset} clears it)"),
    }
}

/// Picks every live group shown (a gone group takes no change), or, when they are all picked
/// already, unpicks them.
fn pick_all(view: &mut GroupsView, ctx: &Ctx) -> Vec<Reply> {
    let shown: Vec<String> = view
        .shown(ctx.mirror)
        .filter(|id| ctx.mirror.get(id).is_none_or(|g| !g.gone))
        .map(str::to_owned)
        .collect();
    if shown.is_empty() {
        return vec![Reply::notice(Tone::Warn, empty_list(view, ctx))];
    }
    if shown.iter().all(|id| view.picked.contains(id)) {
        for id in &shown {
            view.picked.remove(id);
        }
        return vec![Reply::notice(
            Tone::Plain,
            format!("{} group(s) unpicked", shown.len()),
        )];
    }
    let count = shown.len();
    view.picked.extend(shown);
    vec![Reply::notice(
        Tone::Plain,
        format!("{count} group(s) picked ({} in all)", view.picked.len()),
    )]
}

fn move_by(view: &mut GroupsView, ctx: &Ctx, delta: isize) -> Vec<Reply> {
    let len = view.visible.len();
    if len == 0 {
        return Vec::new();
    }
    view.cursor.step(delta, len, list_rows(ctx.area));
    selected(view, ctx)
}

/// Takes the searched person out of the picked groups they are in or are being added to, or,
/// with none picked or none of the picked having them (picks kept from an earlier filter),
/// out of every such group shown: a removal queued where they are a member (as that group
/// lists them), the pending add withdrawn where one is queued. Asks first unless it is one
/// change with no picks involved; what the picks left out is said in the question.
fn remove(view: &mut GroupsView, ctx: &Ctx) -> Vec<Reply> {
    let Some((person, theirs)) = view.filter.person.clone() else {
        let open = ctx.keymap.keys_text(Action::Open);
        let filter = ctx.keymap.keys_text(Action::Filter);
        return vec![Reply::notice(
            Tone::Warn,
            format!(
                "to remove: open the group ({open}) and pick members, or search a number, BSUID or @username ({filter})"
            ),
        )];
    };
    let adding = &view.filter.adding;
    let involved = |g: &str| theirs.contains_key(g) || adding.contains_key(g);
    let shown: Vec<String> = view
        .shown(ctx.mirror)
        .filter(|g| involved(g))
        .map(str::to_owned)
        .collect();
    let picked_theirs: Vec<String> = shown
        .iter()
        .filter(|g| view.picked.contains(*g))
        .cloned()
        .collect();
    let left_out = view.picked.len() - picked_theirs.len();
    let mut notes = Vec::new();
    let groups = if picked_theirs.is_empty() {
        if left_out > 0 {
            notes.push(format!(
                "none of the {left_out} picked group(s) has {person}: all their groups"
            ));
        }
        shown
    } else {
        if picked_theirs.len() < shown.len() {
            let reset = ctx.keymap.keys_text(Action::Reset);
            notes.push(format!(
                "only the {} picked of their {} groups ({reset} clears picks)",
                picked_theirs.len(),
                shown.len()
            ));
        }
        if left_out > 0 {
            notes.push(format!(
                "{left_out} picked group(s) without {person} left out"
            ));
        }
        picked_theirs
    };
    if groups.is_empty() {
        return vec![Reply::notice(
            Tone::Warn,
            format!("{person} is in no group shown: nothing to remove"),
        )];
    }
    let mut removals = Vec::new();
    let mut withdrawals = Vec::new();
    for g in groups {
        if let Some(member) = theirs.get(&g) {
            removals.push((g, member.clone()));
        } else if let Some(id) = adding.get(&g) {
            withdrawals.push((g, *id));
        }
    }
    match (removals.len(), withdrawals.len(), notes.is_empty()) {
        (1, 0, true) => {
            let ops = removals
                .into_iter()
                .filter_map(|(g, member)| OpSpec::for_person(OperationKind::Remove, g, member).ok())
                .collect();
            vec![Reply::Effect(Effect::Enqueue {
                ops,
                invalid: Vec::new(),
            })]
        }
        (0, 1, true) => vec![Reply::Effect(Effect::Undo(
            withdrawals.into_iter().map(|(_, id)| id).collect(),
        ))],
        _ => vec![Reply::Ask(Intent::QueueRemoval {
            person,
            removals,
            withdrawals,
            notes,
        })],
    }
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
            clear_filter(view, ctx)
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

/// Drops the filter (text and person): every group is shown again.
fn clear_filter(view: &mut GroupsView, ctx: &Ctx) -> Vec<Reply> {
    view.filter.text.clear();
    view.filter.person = None;
    view.filter.adding.clear();
    view.filter.unreadable = None;
    view.refilter(ctx.mirror, ctx.area);
    selected(view, ctx)
}

/// What Esc does in the panes: the picks go first, then the filter; it says what it cleared.
pub fn reset(view: &mut GroupsView, ctx: &Ctx) -> Vec<Reply> {
    if !view.picked.is_empty() {
        let n = std::mem::take(&mut view.picked).len();
        return vec![Reply::notice(Tone::Plain, format!("{n} pick(s) cleared"))];
    }
    if view.filter.text.is_empty() && view.filter.person.is_none() {
        return vec![Reply::notice(Tone::Plain, "nothing picked, no filter")];
    }
    let mut replies = clear_filter(view, ctx);
    replies.push(Reply::notice(Tone::Plain, "filter cleared"));
    replies
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

/// The filter's text changed: search the person it names (a username is searched while its
/// text filters subjects), or filter by it. Picks stay.
fn filter_changed(view: &mut GroupsView, ctx: &Ctx) -> Vec<Reply> {
    let text = view.filter.text.clone();
    view.filter.unreadable = looks_like_number(text.trim())
        .then(|| Participant::parse(text.trim(), ctx.region).err())
        .flatten()
        .map(|e| e.to_string());
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
            view.filter.adding.clear();
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
    let names = &ctx.mirror.names;
    view.picked.retain(|id| names.knows(id));
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
