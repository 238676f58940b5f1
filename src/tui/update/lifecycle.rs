//! The group lifecycle's global actions, on the selected group: a new group and a change of
//! one (the group dialog), its deletion and a new invite link (the one confirm), its link
//! copied (OSC 52), and its join requests view opened or closed.

use crate::engine::{Command, Fetch};
use crate::tui::action::Action;
use crate::tui::intent::Intent;
use crate::tui::msg::Effect;
use crate::tui::overlays::{Confirm, GroupForm, Overlay};
use crate::tui::state::State;
use crate::tui::text::Tone;
use crate::tui::views::Pane;

use super::notice;

/// Does what a lifecycle action asks.
pub fn act(state: &mut State, action: Action) -> Vec<Effect> {
    if action == Action::NewGroup {
        state.overlays.push(Overlay::GroupForm(GroupForm::create()));
        return Vec::new();
    }
    let Some(row) = state
        .selected_group()
        .and_then(|id| state.shared.mirror.get(&id))
        .cloned()
    else {
        let why = super::no_group(state);
        return notice(state, Tone::Warn, why);
    };
    if action == Action::GroupInfo {
        let lines = group_info(&row, &state.shared.mirror.label(&row.id));
        // From the log, the group is not the line's: say whose it is.
        let title = if state.focus == crate::tui::views::Pane::Log {
            "Group under the groups pane's cursor"
        } else {
            "Group"
        };
        let popup = crate::tui::overlays::TextPopup::new(title, lines);
        state.overlays.push(Overlay::Text(popup));
        return Vec::new();
    }
    if row.gone && action != Action::JoinRequests {
        return notice(state, Tone::Warn, "this group is gone from the server");
    }
    match action {
        Action::EditGroup => {
            // The description as last read: the join requests view's, else the group pane's
            // (both read it from the mirror).
            let description = state
                .views
                .requests
                .detail
                .as_ref()
                .filter(|d| *d.id == *row.id)
                .and_then(|d| d.description.clone())
                .or_else(|| {
                    state
                        .views
                        .group
                        .showing(&row.id)
                        .and_then(|g| g.description.clone())
                });
            let form = GroupForm::edit(row.id.to_string(), row.subject.to_string(), description);
            state.overlays.push(Overlay::GroupForm(form));
            Vec::new()
        }
        Action::DeleteGroup => {
            // Who leaves with it, as the group pane read them (when it shows this group).
            let people = state
                .views
                .group
                .showing(&row.id)
                .map(|g| g.members.iter().map(|p| p.label()).collect())
                .unwrap_or_default();
            ask(
                state,
                Intent::DeleteGroup {
                    group: row.id.to_string(),
                    label: state.shared.mirror.label(&row.id),
                    members: row.members,
                    people,
                    pending: row.pending as usize,
                },
            )
        }
        Action::ResetLink => ask(
            state,
            Intent::ResetLink {
                group: row.id.to_string(),
                label: state.shared.mirror.label(&row.id),
            },
        ),
        Action::CopyLink => match &row.invite_link {
            Some(link) => {
                let shown = format!("copied {link} (OSC 52)");
                state.notice = Some(crate::tui::text::Line::new(Tone::Good, shown));
                vec![Effect::Copy(link.to_string())]
            }
            None => {
                let open = state.shared.keymap.keys_text(Action::JoinRequests);
                notice(
                    state,
                    Tone::Warn,
                    format!("no link read yet for this group: {open} reads it"),
                )
            }
        },
        Action::JoinRequests if state.focus == Pane::Requests => {
            state.focus = state.views.requests.opened_from;
            Vec::new()
        }
        Action::JoinRequests => {
            // Closing the view goes back where it was opened from (the log is no place to
            // come back to: it has no group of its own).
            state.views.requests.opened_from = match state.focus {
                Pane::Groups => Pane::Groups,
                _ => Pane::Group,
            };
            state.focus = Pane::Requests;
            let mut effects = vec![Effect::LoadJoinRequests(row.id.to_string())];
            if !row.suspended && !row.gone {
                effects.push(Effect::Engine(Command::Fetch(Fetch::InviteLink(
                    row.id.to_string(),
                ))));
                effects.push(Effect::Engine(Command::Fetch(Fetch::JoinRequests(Some(
                    row.id.to_string(),
                )))));
            }
            effects
        }
        _ => Vec::new(),
    }
}

fn ask(state: &mut State, intent: Intent) -> Vec<Effect> {
    let confirm = Confirm::new(intent, &state.shared);
    state.overlays.push(Overlay::Confirm(confirm));
    Vec::new()
}

/// A group whole, where the list and the pane titles cut it: its subject and id uncut, its
/// label (as every line names it), its counts, its link.
fn group_info(row: &crate::tui::model::GroupRow, label: &str) -> Vec<crate::tui::text::Line> {
    use crate::tui::text::Line;
    let field = |tone, name: &str, value: String| Line::new(tone, format!("{name:<9}{value}"));
    let mut lines = vec![
        field(Tone::Plain, "subject", row.subject.to_string()),
        field(Tone::Plain, "id", crate::domain::text::sanitize(&row.id)),
        field(Tone::Dim, "named", label.to_owned()),
        field(
            Tone::Plain,
            "members",
            format!("{}/{}", row.members, crate::domain::MAX_GROUP_MEMBERS),
        ),
        field(
            Tone::Plain,
            "changes",
            format!("{} pending, {} failed", row.pending, row.failed),
        ),
    ];
    if row.join_requests > 0 {
        lines.push(field(Tone::Warn, "asking", row.join_requests.to_string()));
    }
    if let Some(link) = &row.invite_link {
        lines.push(field(Tone::Plain, "link", link.to_string()));
    }
    let state = match (row.gone, row.suspended, &row.unread) {
        (true, _, _) => Some((Tone::Dim, "gone from the server".to_owned())),
        (_, true, _) => Some((Tone::Bad, "suspended by WhatsApp".to_owned())),
        (_, _, Some(why)) => Some((Tone::Bad, format!("not read: {why}"))),
        _ => None,
    };
    if let Some((tone, text)) = state {
        lines.push(field(tone, "state", text));
    }
    lines
}
