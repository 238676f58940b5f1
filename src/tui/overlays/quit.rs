//! The quit question while work is in flight (reworded when the work ends under it): the keymap's confirm, yes or a quit key again
//! (`q`, and Ctrl-C pressed a second time, as in a shell) leaves (the engine is told to
//! cancel); no or back stays; any other key is not an answer and the question stays up.

use ratatui::buffer::Buffer;

use crate::tui::action::{Action, Mode};
use crate::tui::shared::Work;
use crate::tui::text::{Line, Tone};
use crate::tui::views::{Ctx, ViewMsg};
use crate::tui::widgets::{frame, lines_in};

use super::{Answer, answers};

pub fn update(ctx: &Ctx, msg: &ViewMsg) -> Vec<Answer> {
    match msg {
        ViewMsg::Key {
            action: Some(Action::Confirm | Action::Yes | Action::Quit),
            ..
        } => vec![Answer::Close, Answer::Quit],
        // A key that quits in the panes (Ctrl-C) quits here too, whatever it does in dialogs.
        ViewMsg::Key { key, .. } if ctx.keymap.resolve(Mode::App, key) == Some(Action::Quit) => {
            vec![Answer::Close, Answer::Quit]
        }
        ViewMsg::Key {
            action: Some(Action::No | Action::Back | Action::Close),
            ..
        } => vec![Answer::Close],
        // Any other key is not an answer: the question stays (a key typed by mistake must not
        // close it, nor act in the panes behind it).
        _ => Vec::new(),
    }
}

/// The question follows the work: once it has ended (the dialog stays up until answered),
/// it says so, and quitting loses nothing.
pub fn draw(ctx: &Ctx, buf: &mut Buffer) {
    let (title, lines) = match ctx.work {
        Work::Idle if ctx.unsent > 0 => (
            " Quit the demo? ",
            vec![
                Line::new(
                    Tone::Warn,
                    format!("{} queued change(s) not sent yet.", ctx.unsent),
                ),
                Line::new(
                    Tone::Plain,
                    "The demo's store and sandbox end with it: they are lost.",
                ),
                Line::new(
                    Tone::Plain,
                    format!(
                        "To send them first: {} here, then {}.",
                        ctx.keymap.hint(&[Action::No], ""),
                        ctx.keymap.hint(&[Action::SubmitAll], "")
                    ),
                ),
            ],
        ),
        Work::Idle => (
            " Quit? ",
            vec![
                Line::new(Tone::Good, "The work has ended: nothing is in flight."),
                Line::new(Tone::Plain, "Quitting now loses nothing."),
            ],
        ),
        work => {
            let mut lines = match work {
                Work::Syncing { .. } | Work::SyncAsked => vec![
                    Line::new(Tone::Warn, "A sync is running."),
                    Line::new(
                        Tone::Plain,
                        "Quitting stops it; the groups read so far are kept.",
                    ),
                ],
                other => vec![
                    Line::new(
                        Tone::Warn,
                        if matches!(other, Work::Cancelling) {
                            "The work in flight is being cancelled."
                        } else {
                            "A submit is running."
                        },
                    ),
                    Line::new(
                        Tone::Plain,
                        "Quitting stops new requests; the changes in flight",
                    ),
                    Line::new(Tone::Plain, "are settled by the next submit."),
                ],
            };
            // The demo's store ends with it: what is queued is lost whatever runs.
            if ctx.unsent > 0 {
                lines.push(Line::new(
                    Tone::Warn,
                    format!(
                        "{} queued change(s) are lost with the demo's store.",
                        ctx.unsent
                    ),
                ));
            }
            (" Quit while work is in flight? ", lines)
        }
    };
    let inner = frame(buf, ctx.area, 64, 8, title);
    lines_in(buf, inner, inner.y, &lines, inner.height.saturating_sub(1));
    if inner.height > 1 {
        let keymap = ctx.keymap;
        answers(
            buf,
            inner.x + 1,
            inner.y + inner.height - 1,
            [
                (
                    format!(
                        "{}/{}",
                        keymap.hint(&[Action::Yes], ""),
                        keymap.keys_text(Action::Quit).replace(", ", "/")
                    ),
                    " quit · ",
                ),
                (keymap.hint(&[Action::No, Action::Back], "/"), " stay"),
            ],
        );
    }
}
