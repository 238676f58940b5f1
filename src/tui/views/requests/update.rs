//! The join requests view's update: moving and picking, approve and reject (through the one
//! confirm), closing, and following the selected group and the store.

use crate::domain::JoinRequestRef;
use crate::domain::text::sanitize;
use crate::engine::Event;
use crate::tui::action::Action;
use crate::tui::intent::Intent;
use crate::tui::msg::{Effect, Loaded};
use crate::tui::overlays::TextPopup;
use crate::tui::text::{Line, Tone};
use crate::tui::views::cursor::delta;
use crate::tui::views::{Broadcast, Ctx, Reply, ViewMsg};

use super::{RequestsView, list_rows};

pub fn update(view: &mut RequestsView, ctx: &Ctx, msg: &ViewMsg) -> Vec<Reply> {
    match msg {
        ViewMsg::Key {
            action: Some(action),
            ..
        } => act(view, ctx, *action),
        ViewMsg::Resize => {
            let len = view.detail.as_ref().map_or(0, |d| d.requests.len());
            view.cursor.fit(len, list_rows(ctx.area));
            Vec::new()
        }
        ViewMsg::Loaded(Loaded::JoinRequests(id, detail)) => {
            if view.detail.as_ref().is_some_and(|d| d.id != *id) {
                view.cursor = Default::default();
                view.picked.clear();
            }
            view.detail = detail.clone();
            if let Some(d) = &view.detail {
                view.picked
                    .retain(|p| d.requests.iter().any(|r| r.join_request_id == *p));
                view.cursor.fit(d.requests.len(), list_rows(ctx.area));
            }
            Vec::new()
        }
        ViewMsg::Engine {
            event: Event::Fetched { .. },
            ..
        }
        | ViewMsg::Broadcast(Broadcast::StoreChanged | Broadcast::SyncDone) => reload(view),
        ViewMsg::Broadcast(Broadcast::GroupSelected(Some(id)))
            if ctx.focused && view.detail.as_ref().is_none_or(|d| d.id != *id) =>
        {
            vec![Reply::Effect(Effect::LoadJoinRequests(id.clone()))]
        }
        _ => Vec::new(),
    }
}

fn reload(view: &RequestsView) -> Vec<Reply> {
    view.detail
        .as_ref()
        .map(|d| Reply::Effect(Effect::LoadJoinRequests(d.id.clone())))
        .into_iter()
        .collect()
}

fn act(view: &mut RequestsView, ctx: &Ctx, action: Action) -> Vec<Reply> {
    let len = view.detail.as_ref().map_or(0, |d| d.requests.len());
    if let Some(delta) = delta(action, list_rows(ctx.area)) {
        view.cursor.step(delta, len, list_rows(ctx.area));
        return Vec::new();
    }
    match action {
        Action::Select => {
            let Some(id) = view
                .detail
                .as_ref()
                .and_then(|d| d.requests.get(view.cursor.index))
                .map(|r| r.join_request_id.clone())
            else {
                return Vec::new();
            };
            if !view.picked.remove(&id) {
                view.picked.insert(id);
            }
            view.cursor.step(1, len, list_rows(ctx.area));
            Vec::new()
        }
        Action::Approve | Action::Reject => decide(view, ctx, action == Action::Approve),
        Action::Open => open(view, ctx),
        Action::JoinRequests | Action::Reset => vec![Reply::Focus(view.opened_from)],
        _ => Vec::new(),
    }
}

/// The whole of the group's link and settings, and the request under the cursor, in a popup.
fn open(view: &RequestsView, ctx: &Ctx) -> Vec<Reply> {
    let Some(d) = &view.detail else {
        return vec![Reply::notice(Tone::Warn, "no group selected")];
    };
    let mut lines = vec![Line::new(
        Tone::Plain,
        format!(
            "{:<8}{} ({})",
            "Group",
            ctx.mirror.label(&d.id),
            sanitize(&d.id)
        ),
    )];
    lines.extend(
        super::draw::settings(d)
            .into_iter()
            .map(|(label, value, tone)| Line::new(tone, format!("{label:<8}{value}"))),
    );
    if let Some(r) = d.requests.get(view.cursor.index) {
        lines.push(Line::new(Tone::Plain, String::new()));
        lines.push(Line::new(
            Tone::Info,
            format!("{:<8}{}", "Asker", sanitize(&r.label())),
        ));
        lines.push(Line::new(
            Tone::Dim,
            format!("{:<8}{}", "Request", sanitize(&r.join_request_id)),
        ));
        if let Some(t) = r.created_at {
            lines.push(Line::new(
                Tone::Dim,
                format!("{:<8}{}", "Asked", crate::domain::when::rfc3339(t)),
            ));
        }
        if let Some(q) = d.queued.get(&r.join_request_id) {
            let verb = if q.approve { "approve" } else { "reject" };
            let flag = q
                .flag
                .as_deref()
                .map(|f| format!(": {f}"))
                .unwrap_or_default();
            lines.push(Line::new(
                Tone::Warn,
                format!("{:<8}{verb} ({}){flag}", "Queued", q.id),
            ));
        }
    }
    if !d.gone {
        let copy = ctx.keymap.keys_text(Action::CopyLink);
        lines.push(Line::new(
            Tone::Dim,
            format!("{copy} copies the link once this is closed"),
        ));
    }
    vec![Reply::Popup(TextPopup::new(
        "Invite link and settings",
        lines,
    ))]
}

/// Asks to approve or reject the picked requests, or every one shown when none is picked.
fn decide(view: &RequestsView, ctx: &Ctx, approve: bool) -> Vec<Reply> {
    let Some(detail) = &view.detail else {
        return vec![Reply::notice(Tone::Warn, "no group selected")];
    };
    let chosen: Vec<&crate::store::StoredJoinRequest> = detail
        .requests
        .iter()
        .filter(|r| view.picked.is_empty() || view.picked.contains(&r.join_request_id))
        .collect();
    if chosen.is_empty() {
        return vec![Reply::notice(Tone::Plain, "no pending join request here")];
    }
    // The same decision already queued is not asked again: it would queue nothing new. The
    // opposite one is: it takes the queued one's place (a reject of a held approval).
    let (queued, requests): (Vec<_>, Vec<_>) = chosen.into_iter().partition(|r| {
        detail
            .queued
            .get(&r.join_request_id)
            .is_some_and(|q| q.approve == approve)
    });
    let requests: Vec<JoinRequestRef> = requests.into_iter().map(|r| r.reference()).collect();
    if requests.is_empty() {
        // Its flag said what held when it was queued, which may be so no more: Enter on the
        // request shows it.
        let send = ctx.keymap.keys_text(Action::SubmitGroup);
        let (verb, other) = if approve {
            ("approve", Action::Reject)
        } else {
            ("reject", Action::Approve)
        };
        let other = ctx.keymap.keys_text(other);
        return vec![Reply::notice(
            Tone::Warn,
            format!(
                "already queued to {verb}: {send} sends it; {other} decides the other way instead"
            ),
        )];
    }
    let mut replies = Vec::new();
    if !queued.is_empty() {
        replies.push(Reply::notice(
            Tone::Plain,
            format!(
                "{} request(s) with a decision already queued left out",
                queued.len()
            ),
        ));
    }
    replies.push(Reply::Ask(Intent::Decide {
        group: detail.id.clone(),
        label: ctx.mirror.label(&detail.id),
        approve,
        requests,
        members: detail.members.clone(),
    }));
    replies
}
