//! `update(&mut State, Msg) -> Vec<Effect>`: the app's only logic that changes state. Pure: no
//! I/O, no clock, no engine; what must be done outside comes back as effects.

use std::collections::BTreeSet;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};

use crate::domain::OperationKind;
use crate::domain::OperationState;
use crate::domain::Participant;
use crate::domain::text::sanitize;
use crate::engine::{Command, Scope};
use crate::store::{NewOperation, Undone};

use super::action::Action;
use super::dialog::{AddInput, Confirm, Dialog, plan_counts, plan_lines};
use super::engine_log::engine_event;
use super::key::typed;
use super::layout;
use super::msg::{Effect, Loaded, Msg, PlanFor};
use super::state::{GroupRow, Pane, RowKey, State, Work};
use super::text::{Line, Tone};

/// Takes one message; returns what the loop must do.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key { key, .. } if key.kind == KeyEventKind::Release => Vec::new(),
        Msg::Key { action, key } => {
            state.notice = None;
            key_press(state, action, &key)
        }
        Msg::Paste(text) => paste(state, &text),
        Msg::Resize { width, height } => {
            state.width = width;
            state.height = height;
            let rows = layout::groups_rows(width, height);
            state.groups_cursor.fit(state.visible.len(), rows);
            fit_group_cursor(state);
            Vec::new()
        }
        Msg::Tick { at } => {
            state.status.now = state.status.now.max(at);
            state.status.spinner = state.status.spinner.wrapping_add(1);
            Vec::new()
        }
        Msg::Engine { at, event } => engine_event(state, at, event),
        Msg::EngineGone => {
            state.work = Work::Idle;
            state
                .log
                .push(state.status.now, Tone::Bad, "the engine stopped".into());
            Vec::new()
        }
        Msg::Loaded(loaded) => on_loaded(state, loaded),
    }
}

fn notice(state: &mut State, tone: Tone, text: impl Into<String>) -> Vec<Effect> {
    state.notice = Some(Line::new(tone, text));
    Vec::new()
}

fn key_press(state: &mut State, action: Option<Action>, key: &KeyEvent) -> Vec<Effect> {
    if state.dialog.is_some() {
        return dialog_key(state, action, key);
    }
    if state.filter.editing {
        return filter_key(state, action, key);
    }
    match action {
        Some(action) => act(state, action),
        None => Vec::new(),
    }
}

fn paste(state: &mut State, text: &str) -> Vec<Effect> {
    let region = state.region;
    match &mut state.dialog {
        Some(Dialog::Add(input)) => {
            input.insert(text, region);
            Vec::new()
        }
        Some(_) => Vec::new(),
        None if state.filter.editing => {
            let line = text.lines().next().unwrap_or_default().to_owned();
            state
                .filter
                .text
                .extend(line.chars().filter(|c| !c.is_control()));
            filter_changed(state)
        }
        None => Vec::new(),
    }
}

/// Does what an action asks, in the pane that has the keys.
pub fn act(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::MoveUp => move_by(state, -1),
        Action::MoveDown => move_by(state, 1),
        Action::PageUp => {
            let page = page_rows(state);
            move_by(state, -(page as isize))
        }
        Action::PageDown => {
            let page = page_rows(state);
            move_by(state, page as isize)
        }
        Action::Top => move_by(state, isize::MIN / 2),
        Action::Bottom => move_by(state, isize::MAX / 2),
        Action::NextPane | Action::PrevPane => {
            let order = [Pane::Groups, Pane::Group, Pane::Log];
            let at = order.iter().position(|p| *p == state.focus).unwrap_or(0);
            let step = if action == Action::NextPane { 1 } else { 2 };
            state.focus = order[(at + step) % 3];
            Vec::new()
        }
        Action::Open => {
            if state.focus == Pane::Groups && state.current_group().is_some() {
                state.focus = Pane::Group;
            }
            Vec::new()
        }
        Action::Filter => {
            state.focus = Pane::Groups;
            state.filter.editing = true;
            Vec::new()
        }
        Action::Select => select(state),
        Action::Add => open_add(state),
        Action::Remove => remove(state),
        Action::Undo => undo(state),
        Action::Preview => vec![Effect::Plan {
            purpose: PlanFor::Preview,
            scope: Scope::All,
        }],
        Action::SubmitGroup | Action::SubmitAll => {
            if let Some(why) = busy(state) {
                return notice(state, Tone::Warn, why);
            }
            let scope = if action == Action::SubmitAll {
                Some(Scope::All)
            } else {
                state.submit_scope()
            };
            match scope {
                Some(scope) => vec![Effect::Plan {
                    purpose: PlanFor::Submit,
                    scope,
                }],
                None => notice(state, Tone::Warn, "no group selected"),
            }
        }
        Action::Cancel => match state.work {
            Work::Submitting { .. } | Work::Syncing { .. } | Work::SyncAsked => {
                state.log.push(
                    state.status.now,
                    Tone::Warn,
                    "cancel asked: no new requests; those in flight are settled".into(),
                );
                vec![Effect::Engine(Command::Cancel)]
            }
            _ => notice(state, Tone::Plain, "nothing to cancel"),
        },
        Action::Sync => {
            if let Some(why) = busy(state) {
                return notice(state, Tone::Warn, why);
            }
            state.work = Work::SyncAsked;
            vec![Effect::Engine(Command::Sync)]
        }
        Action::Help => {
            state.dialog = Some(Dialog::Help { scroll: 0 });
            Vec::new()
        }
        Action::Quit => {
            if state.work.is_busy() {
                state.dialog = Some(Dialog::Quit);
                Vec::new()
            } else {
                state.quit = true;
                vec![Effect::Quit]
            }
        }
        // Dialog keys with no dialog open.
        Action::Confirm
        | Action::Yes
        | Action::No
        | Action::Back
        | Action::Close
        | Action::Clear
        | Action::ScrollUp
        | Action::ScrollDown => Vec::new(),
    }
}

/// Why a submit or sync can not start now, if it can not.
fn busy(state: &State) -> Option<String> {
    let cancel = state.keymap.keys_text(Action::Cancel);
    match state.work {
        Work::Idle => None,
        Work::Submitting { .. } => Some(format!(
            "a submit is running: wait for it to end ({cancel} cancels it)"
        )),
        Work::SyncAsked | Work::Syncing { .. } => Some(format!(
            "a sync is running: wait for it to end ({cancel} cancels it)"
        )),
        Work::Cancelling => Some("cancelling: wait".into()),
    }
}

fn page_rows(state: &State) -> usize {
    let rows = match state.focus {
        Pane::Groups => layout::groups_rows(state.width, state.height),
        Pane::Group => layout::group_rows(state.width, state.height),
        Pane::Log => layout::log_rows(state.width, state.height),
    };
    rows.saturating_sub(1).max(1)
}

fn move_by(state: &mut State, delta: isize) -> Vec<Effect> {
    match state.focus {
        Pane::Groups => {
            let len = state.visible.len();
            if len == 0 {
                return Vec::new();
            }
            let to = state.groups_cursor.index.saturating_add_signed(delta);
            let rows = layout::groups_rows(state.width, state.height);
            state.groups_cursor.go(to, len, rows);
            show_current_group(state)
        }
        Pane::Group => {
            let len = state.group.as_ref().map_or(0, |g| g.row_count());
            let to = state.group_cursor.index.saturating_add_signed(delta);
            let rows = layout::group_rows(state.width, state.height);
            state.group_cursor.go(to, len, rows);
            Vec::new()
        }
        Pane::Log => {
            let rows = layout::log_rows(state.width, state.height);
            let max = state.log.lines.len().saturating_sub(rows);
            state.log.scroll = state.log.scroll.saturating_add_signed(-delta).min(max);
            Vec::new()
        }
    }
}

/// Loads the group under the cursor into the group pane, if it is not there already.
fn show_current_group(state: &mut State) -> Vec<Effect> {
    let id = state.current_group().map(|g| g.id.clone());
    match id {
        Some(id) if state.group.as_ref().is_none_or(|g| g.id != id) => {
            vec![Effect::LoadGroup(id)]
        }
        Some(_) => Vec::new(),
        None => {
            state.group = None;
            Vec::new()
        }
    }
}

fn fit_group_cursor(state: &mut State) {
    let len = state.group.as_ref().map_or(0, |g| g.row_count());
    let rows = layout::group_rows(state.width, state.height);
    state.group_cursor.fit(len, rows);
}

fn select(state: &mut State) -> Vec<Effect> {
    match state.focus {
        Pane::Groups => {
            let Some(id) = state.current_group().map(|g| g.id.clone()) else {
                return Vec::new();
            };
            if !state.picked_groups.remove(&id) {
                state.picked_groups.insert(id);
            }
            move_by(state, 1)
        }
        Pane::Group => {
            let Some(row) = state
                .group
                .as_ref()
                .and_then(|g| g.row(state.group_cursor.index))
            else {
                return Vec::new();
            };
            if !state.picked_rows.remove(&row) {
                state.picked_rows.insert(row);
            }
            move_by(state, 1)
        }
        Pane::Log => Vec::new(),
    }
}

/// The group the add and remove actions work on: the one in the group pane.
fn target_group(state: &State) -> Option<&GroupRow> {
    match state.focus {
        Pane::Group => state
            .group
            .as_ref()
            .and_then(|g| state.index.get(&g.id))
            .and_then(|i| state.groups.get(*i)),
        _ => state.current_group(),
    }
}

fn open_add(state: &mut State) -> Vec<Effect> {
    let Some(group) = target_group(state) else {
        return notice(state, Tone::Warn, "no group selected");
    };
    if group.gone {
        return notice(
            state,
            Tone::Warn,
            "this group is gone from the server: nothing can be added",
        );
    }
    let members = state
        .group
        .as_ref()
        .filter(|g| g.id == group.id)
        .map(|g| g.members.iter().map(|m| m.wa_id().to_owned()).collect())
        .unwrap_or_default();
    let input = AddInput::new(group.id.clone(), group.subject.clone(), members);
    state.dialog = Some(Dialog::Add(input));
    Vec::new()
}

fn remove(state: &mut State) -> Vec<Effect> {
    match state.focus {
        Pane::Groups => {
            let Some((person, _)) = state.filter.person.clone() else {
                let open = state.keymap.keys_text(Action::Open);
                let filter = state.keymap.keys_text(Action::Filter);
                return notice(
                    state,
                    Tone::Warn,
                    format!(
                        "to remove: open the group ({open}) and pick members, or search a number ({filter})"
                    ),
                );
            };
            let groups: Vec<String> = if state.picked_groups.is_empty() {
                state
                    .current_group()
                    .map(|g| g.id.clone())
                    .into_iter()
                    .collect()
            } else {
                std::mem::take(&mut state.picked_groups)
                    .into_iter()
                    .collect()
            };
            if groups.is_empty() {
                return notice(state, Tone::Warn, "no group selected");
            }
            let ops = groups
                .into_iter()
                .map(|group_id| NewOperation {
                    group_id,
                    participant: person.clone(),
                    kind: OperationKind::Remove,
                })
                .collect();
            vec![Effect::Enqueue { ops, invalid: 0 }]
        }
        Pane::Group => {
            let Some(group) = state.group.as_ref() else {
                return notice(state, Tone::Warn, "no group selected");
            };
            let mut people: Vec<Participant> = state
                .picked_rows
                .iter()
                .filter_map(|r| match r {
                    RowKey::Member(p) => Some(p.clone()),
                    RowKey::Op(_) => None,
                })
                .collect();
            if state.picked_rows.is_empty()
                && let Some(RowKey::Member(p)) = group.row(state.group_cursor.index)
            {
                people.push(p);
            }
            if people.is_empty() {
                return notice(
                    state,
                    Tone::Warn,
                    "pick members to remove (move to a member, or select with space)",
                );
            }
            let group_id = group.id.clone();
            state.picked_rows.retain(|r| matches!(r, RowKey::Op(_)));
            let ops = people
                .into_iter()
                .map(|participant| NewOperation {
                    group_id: group_id.clone(),
                    participant,
                    kind: OperationKind::Remove,
                })
                .collect();
            vec![Effect::Enqueue { ops, invalid: 0 }]
        }
        Pane::Log => Vec::new(),
    }
}

fn undo(state: &mut State) -> Vec<Effect> {
    let Some(group) = state.group.as_ref().filter(|_| state.focus == Pane::Group) else {
        let open = state.keymap.keys_text(Action::Open);
        return notice(
            state,
            Tone::Warn,
            format!("to undo: open the group ({open}) and move to the change"),
        );
    };
    let rows: Vec<RowKey> = if state.picked_rows.is_empty() {
        group.row(state.group_cursor.index).into_iter().collect()
    } else {
        state.picked_rows.iter().cloned().collect()
    };
    let ids: Vec<_> = rows
        .iter()
        .filter_map(|r| match r {
            RowKey::Op(id) => Some(*id),
            RowKey::Member(p) => group.pending_for(p).map(|o| o.id),
        })
        .collect();
    if ids.is_empty() {
        return notice(state, Tone::Warn, "no change here to undo");
    }
    state.picked_rows.clear();
    vec![Effect::Undo(ids)]
}

fn filter_key(state: &mut State, action: Option<Action>, key: &KeyEvent) -> Vec<Effect> {
    if let Some(c) = typed(key) {
        if state.filter.text.chars().count() >= 200 {
            return Vec::new();
        }
        state.filter.text.push(c);
        return filter_changed(state);
    }
    if key.code == KeyCode::Backspace {
        state.filter.text.pop();
        return filter_changed(state);
    }
    match action {
        Some(Action::Confirm | Action::Close) => {
            state.filter.editing = false;
            Vec::new()
        }
        Some(Action::Back) => {
            state.filter.editing = false;
            state.filter.text.clear();
            state.filter.person = None;
            state.picked_groups.clear();
            state.refilter();
            show_current_group(state)
        }
        Some(Action::Clear) => {
            state.filter.text.clear();
            filter_changed(state)
        }
        Some(Action::ScrollDown) => move_by(state, 1),
        Some(Action::ScrollUp) => move_by(state, -1),
        _ => Vec::new(),
    }
}

/// Whether filter text is meant as a phone number (digits and the usual punctuation).
fn looks_like_number(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    digits >= 5
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

fn filter_changed(state: &mut State) -> Vec<Effect> {
    let text = state.filter.text.clone();
    state.picked_groups.clear();
    if looks_like_number(&text)
        && let Ok(person) = Participant::parse(&text, state.region)
    {
        return vec![Effect::FindPerson {
            query: text,
            person,
        }];
    }
    state.filter.person = None;
    state.refilter();
    show_current_group(state)
}

fn dialog_key(state: &mut State, action: Option<Action>, key: &KeyEvent) -> Vec<Effect> {
    let Some(dialog) = state.dialog.take() else {
        return Vec::new();
    };
    let scroll_by: Option<isize> = match action {
        Some(Action::ScrollDown) => Some(1),
        Some(Action::ScrollUp) => Some(-1),
        Some(Action::PageDown) => Some(10),
        Some(Action::PageUp) => Some(-10),
        _ => None,
    };
    match dialog {
        Dialog::Help { scroll } | Dialog::Text { scroll, .. } if scroll_by.is_some() => {
            let scroll = scroll.saturating_add_signed(scroll_by.unwrap_or(0));
            state.dialog = Some(match dialog {
                Dialog::Help { .. } => Dialog::Help {
                    scroll: scroll.min(super::view::help::lines(&state.keymap).len()),
                },
                Dialog::Text { title, lines, .. } => Dialog::Text {
                    scroll: scroll.min(lines.len().saturating_sub(1)),
                    title,
                    lines,
                },
                other => other,
            });
            Vec::new()
        }
        Dialog::Help { .. } | Dialog::Text { .. } => Vec::new(),
        Dialog::Quit => match action {
            Some(Action::Confirm | Action::Yes | Action::Quit) => {
                state.quit = true;
                state.work = Work::Cancelling;
                vec![Effect::Engine(Command::Cancel), Effect::Quit]
            }
            _ => Vec::new(),
        },
        Dialog::Confirm(confirm) => match action {
            Some(Action::Confirm | Action::Yes) => {
                if let Some(why) = busy(state) {
                    return notice(state, Tone::Warn, why);
                }
                let groups = match &confirm.scope {
                    Scope::Groups(ids) => Some(ids.iter().cloned().collect::<BTreeSet<_>>()),
                    _ => None,
                };
                state.work = Work::Submitting { groups };
                state.picked_groups.clear();
                state.log.push(
                    state.status.now,
                    Tone::Info,
                    format!(
                        "submit: {} request(s), {} participant(s), {} group(s)",
                        confirm.requests, confirm.participants, confirm.groups
                    ),
                );
                vec![Effect::Engine(Command::Submit(confirm.scope))]
            }
            Some(Action::No | Action::Back | Action::Close | Action::Quit) => {
                notice(state, Tone::Plain, "nothing sent")
            }
            _ => {
                state.dialog = Some(Dialog::Confirm(confirm));
                Vec::new()
            }
        },
        Dialog::Add(mut input) => {
            let region = state.region;
            if let Some(c) = typed(key) {
                input.insert(c.encode_utf8(&mut [0; 4]), region);
            } else if key.code == KeyCode::Backspace {
                input.backspace(region);
            } else {
                match action {
                    Some(Action::Back | Action::Close) => {
                        return notice(state, Tone::Plain, "nothing queued");
                    }
                    Some(Action::Confirm) => {
                        let valid = input.valid();
                        if valid.is_empty() {
                            state.dialog = Some(Dialog::Add(input));
                            return notice(state, Tone::Warn, "no valid number to queue");
                        }
                        let ops = valid
                            .into_iter()
                            .map(|participant| NewOperation {
                                group_id: input.group_id.clone(),
                                participant,
                                kind: OperationKind::Add,
                            })
                            .collect();
                        return vec![Effect::Enqueue {
                            ops,
                            invalid: input.invalid_count(),
                        }];
                    }
                    Some(Action::Clear) => input.clear(),
                    Some(Action::ScrollDown) => {
                        input.scroll = input.scroll.saturating_add(1).min(input.pieces.len())
                    }
                    Some(Action::ScrollUp) => input.scroll = input.scroll.saturating_sub(1),
                    _ => {}
                }
            }
            state.dialog = Some(Dialog::Add(input));
            Vec::new()
        }
    }
}

fn on_loaded(state: &mut State, loaded: Loaded) -> Vec<Effect> {
    match loaded {
        Loaded::Groups(list) => {
            state.groups = list.into_iter().map(GroupRow::from_summary).collect();
            state.index = state
                .groups
                .iter()
                .enumerate()
                .map(|(i, g)| (g.id.clone(), i))
                .collect();
            state.loaded = true;
            state.filter.applied = None;
            let index = &state.index;
            state.picked_groups.retain(|id| index.contains_key(id));
            state.refilter();
            let mut effects = Vec::new();
            if let Some((person, _)) = &state.filter.person {
                effects.push(Effect::FindPerson {
                    query: state.filter.text.clone(),
                    person: person.clone(),
                });
            }
            let target = match state.focus {
                Pane::Group | Pane::Log => state.group.as_ref().map(|g| g.id.clone()),
                Pane::Groups => None,
            }
            .or_else(|| state.current_group().map(|g| g.id.clone()));
            if let Some(id) = target {
                effects.push(Effect::LoadGroup(id));
            } else {
                state.group = None;
            }
            effects
        }
        Loaded::Group(id, detail) => {
            let same = state.group.as_ref().is_some_and(|g| g.id == id);
            if !same {
                state.group_cursor = Default::default();
                state.picked_rows.clear();
            }
            state.group = detail;
            if let Some(g) = &state.group {
                state.picked_rows.retain(|r| match r {
                    RowKey::Member(p) => g.members.contains(p),
                    RowKey::Op(id) => g
                        .ops
                        .iter()
                        .any(|o| o.id == *id && o.state == OperationState::Pending),
                });
            }
            fit_group_cursor(state);
            Vec::new()
        }
        Loaded::Counts(counts) => {
            state.status.counts = counts;
            Vec::new()
        }
        Loaded::PersonGroups {
            query,
            person,
            groups,
        } => {
            if query != state.filter.text {
                return Vec::new();
            }
            let set: BTreeSet<String> = groups.into_iter().collect();
            state.picked_groups.retain(|g| set.contains(g));
            state.filter.person = Some((person, set));
            state.refilter();
            show_current_group(state)
        }
        Loaded::Plan {
            purpose,
            scope,
            plan,
        } => {
            let api = state.api_version.clone();
            let lines = plan_lines(&plan, &api, |g| state.group_label(g));
            let (requests, participants, groups) = plan_counts(&plan);
            let counts = format!(
                "{requests} request(s), {participants} participant(s), {groups} group(s); {} held, {} skipped",
                plan.held.len(),
                plan.skipped.len()
            );
            match purpose {
                PlanFor::Preview => {
                    let mut all = vec![Line::new(Tone::Plain, counts)];
                    if plan.operation_count() == 0 {
                        all.push(Line::new(Tone::Dim, "nothing pending"));
                    }
                    all.extend(lines);
                    state.dialog = Some(Dialog::Text {
                        title: "Preview: every pending change (nothing is sent)".into(),
                        lines: all,
                        scroll: 0,
                    });
                    Vec::new()
                }
                PlanFor::Submit => {
                    if let Some(why) = busy(state) {
                        return notice(state, Tone::Warn, why);
                    }
                    if plan.operation_count() == 0 {
                        return notice(state, Tone::Plain, "nothing pending to send here");
                    }
                    let title = match &scope {
                        Scope::All => "Send every pending change?".to_string(),
                        Scope::Groups(ids) if ids.len() == 1 => {
                            format!("Send the changes of {}?", state.group_label(&ids[0]))
                        }
                        Scope::Groups(ids) => format!("Send the changes of {} groups?", ids.len()),
                        Scope::Operations(ids) => format!("Send {} changes?", ids.len()),
                    };
                    state.dialog = Some(Dialog::Confirm(Confirm {
                        scope,
                        title,
                        requests,
                        participants,
                        groups,
                        lines,
                    }));
                    Vec::new()
                }
            }
        }
        Loaded::Enqueued { report, invalid } => {
            let mut lines = vec![Line::new(
                Tone::Good,
                format!("{} change(s) queued", report.stored),
            )];
            if report.duplicates > 0 {
                lines.push(Line::new(
                    Tone::Dim,
                    format!(
                        "{} already queued (duplicates, unchanged)",
                        report.duplicates
                    ),
                ));
            }
            for r in &report.replaced {
                lines.push(Line::new(
                    Tone::Warn,
                    format!(
                        "replaced: the pending {} of {} in {} (#{}) is withdrawn",
                        r.replaced_kind,
                        r.participant,
                        state.group_label(&r.group_id),
                        r.replaced.0
                    ),
                ));
            }
            for f in &report.flagged {
                lines.push(Line::new(
                    Tone::Warn,
                    format!(
                        "flagged #{} {} {}: {}",
                        f.id.0,
                        f.kind,
                        f.participant,
                        sanitize(&f.flag)
                    ),
                ));
            }
            if invalid > 0 {
                lines.push(Line::new(
                    Tone::Bad,
                    format!("{invalid} invalid number(s) not queued"),
                ));
            }
            let submit = state.keymap.keys_text(Action::SubmitGroup);
            let all = state.keymap.keys_text(Action::SubmitAll);
            lines.push(Line::new(
                Tone::Plain,
                format!("Nothing is sent yet: {submit} sends this group, {all} everything."),
            ));
            state.log.push(
                state.status.now,
                Tone::Info,
                format!(
                    "queued {} change(s), {} duplicate(s), {} replaced, {} flagged",
                    report.stored,
                    report.duplicates,
                    report.replaced.len(),
                    report.flagged.len()
                ),
            );
            let plain = report.duplicates == 0
                && report.replaced.is_empty()
                && report.flagged.is_empty()
                && invalid == 0;
            if plain {
                // Nothing to read twice: a line in the footer, no dialog to close.
                state.notice = Some(Line::new(
                    Tone::Good,
                    format!(
                        "{} change(s) queued; nothing is sent yet: {submit} sends this group, {all} everything",
                        report.stored
                    ),
                ));
            } else {
                state.dialog = Some(Dialog::Text {
                    title: "Queued".into(),
                    lines,
                    scroll: 0,
                });
            }
            vec![Effect::LoadGroups, Effect::LoadCounts]
        }
        Loaded::Undone(results) => {
            let mut parts = Vec::new();
            let mut tone = Tone::Good;
            for (id, r) in results {
                parts.push(match r {
                    Ok(Undone::Withdrawn) => format!("#{} withdrawn", id.0),
                    Ok(Undone::Reversed(by)) => format!("#{} reversed: #{} queued", id.0, by.0),
                    Ok(Undone::NothingToUndo(s)) => {
                        tone = Tone::Warn;
                        format!("#{}: nothing to undo ({s})", id.0)
                    }
                    Err(e) => {
                        tone = Tone::Bad;
                        format!("#{}: {}", id.0, sanitize(&e))
                    }
                });
            }
            let text = format!("undo: {}", parts.join(", "));
            state.log.push(state.status.now, tone, text.clone());
            state.notice = Some(Line::new(tone, text));
            vec![Effect::LoadGroups, Effect::LoadCounts]
        }
        Loaded::StoreError(e) => {
            let text = format!("store: {}", sanitize(&e));
            state.log.push(state.status.now, Tone::Bad, text.clone());
            notice(state, Tone::Bad, text)
        }
    }
}
