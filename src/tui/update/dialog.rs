//! The dialog on top takes every key: help and text popups scroll or close, the quit question
//! and the submit confirm take their answers, the add dialog takes the numbers typed.

use std::collections::BTreeSet;

use crossterm::event::{KeyCode, KeyEvent};

use crate::domain::OperationKind;
use crate::engine::{Command, Scope};
use crate::store::NewOperation;
use crate::tui::action::Action;
use crate::tui::dialog::Dialog;
use crate::tui::key::typed;
use crate::tui::msg::Effect;
use crate::tui::shared::Work;
use crate::tui::state::State;
use crate::tui::text::Tone;

use super::global::busy;
use super::{log, notice};

/// Pasted text goes to the add dialog; other dialogs ignore it.
pub fn paste(state: &mut State, text: &str) -> Vec<Effect> {
    let region = state.shared.region;
    if let Some(Dialog::Add(input)) = &mut state.dialog {
        input.insert(text, region);
    }
    Vec::new()
}

pub fn key(state: &mut State, action: Option<Action>, key: &KeyEvent) -> Vec<Effect> {
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
                    scroll: scroll.min(state.commands().len()),
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
                state.shared.work = Work::Cancelling;
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
                state.shared.work = Work::Submitting { groups };
                state.views.groups.picked.clear();
                log(
                    state,
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
            let region = state.shared.region;
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
