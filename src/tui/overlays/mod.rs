//! The overlays drawn over the views, on a stack: the top one takes every key until it
//! closes. Help, the add dialog (numbers checked as typed), the one confirm dialog for every
//! destructive intent, text popups (the preview, reports) and the quit question.
//!
//! An overlay reads the shared facts through the views' [`Ctx`] and answers with
//! [`Answer`]s: close, an effect, a notice, an intent confirmed, or quit. Its keys are the
//! keymap's dialog actions (`confirm`, `yes`, `no`, `back`, `close`, `clear`, `scroll_up`,
//! `scroll_down`; `quit` and the page keys fall through from the app's), never fixed keys; the
//! raw key is read only for typing. A new overlay is a module here and a variant of
//! [`Overlay`] with its arms in the three methods below.

pub mod add;
pub mod confirm;
pub mod group_form;
pub mod help;
pub mod preview;
pub mod quit;
pub mod text;

use std::cell::Cell;

use ratatui::buffer::Buffer;
use ratatui::style::Style;

use super::action::{Action, Mode};
use super::intent::Intent;
use super::keymap::Keymap;
use super::msg::Effect;
use super::text::Line;
use super::theme;
use super::views::{Ctx, ViewMsg};
use super::widgets::put;

pub use add::AddInput;
pub use confirm::Confirm;
pub use group_form::GroupForm;
pub use help::Help;
pub use text::TextPopup;

/// An overlay and its state.
#[derive(Clone, Debug, PartialEq)]
pub enum Overlay {
    /// The commands in force and their keys.
    Help(Help),
    /// Numbers to add to a group, checked as typed.
    Add(AddInput),
    /// A new group, or a group's subject and description.
    GroupForm(GroupForm),
    /// A destructive intent and exactly what it sends: yes or no?
    Confirm(Confirm),
    /// Lines to read, scrollable (the preview, the report of a queue write).
    Text(TextPopup),
    /// Work is in flight: quit anyway?
    Quit,
}

/// What an overlay answers to a key or a paste.
#[derive(Clone, Debug)]
pub enum Answer {
    /// Take the overlay off the stack.
    Close,
    /// Something for the app loop (a queue write).
    Effect(Effect),
    /// A one-line message in the footer.
    Notice(Line),
    /// The operator said yes to this intent.
    Confirmed(Intent),
    /// The operator confirmed quitting while work is in flight.
    Quit,
    /// Take the overlay off the stack and hand the key to what is under it: a command key
    /// pressed on a popup that only reports (`s` on "Nothing is sent yet: s sends …").
    Pass,
}

impl Answer {
    pub fn notice(tone: super::text::Tone, text: impl Into<String>) -> Answer {
        Answer::Notice(Line::new(tone, text))
    }
}

impl Overlay {
    /// Takes a key or a paste (other messages are not for overlays).
    pub fn update(&mut self, ctx: &Ctx, msg: &ViewMsg) -> Vec<Answer> {
        match self {
            Overlay::Help(help) => help.update(msg),
            Overlay::Add(input) => input.update(ctx, msg),
            Overlay::GroupForm(form) => form.update(msg),
            Overlay::Confirm(confirm) => confirm.update(msg),
            Overlay::Text(text) => text.update(msg),
            Overlay::Quit => quit::update(ctx, msg),
        }
    }

    /// Draws the overlay over `ctx.area` (the whole screen).
    pub fn draw(&self, ctx: &Ctx, buf: &mut Buffer) {
        match self {
            Overlay::Help(help) => help.draw(ctx, buf),
            Overlay::Add(input) => input.draw(ctx, buf),
            Overlay::GroupForm(form) => form.draw(ctx, buf),
            Overlay::Confirm(confirm) => confirm.draw(ctx, buf),
            Overlay::Text(text) => text.draw(ctx, buf),
            Overlay::Quit => quit::draw(ctx, buf),
        }
    }

    /// Whether the footer keeps the commands' hints under it (help does: it lists them).
    pub fn keeps_footer(&self) -> bool {
        match self {
            Overlay::Help(_) => true,
            Overlay::Add(_)
            | Overlay::GroupForm(_)
            | Overlay::Confirm(_)
            | Overlay::Text(_)
            | Overlay::Quit => false,
        }
    }
}

/// The rows a scroll key moves a popup by, if the key is one.
fn scrolled(msg: &ViewMsg) -> Option<isize> {
    match msg {
        ViewMsg::Key {
            action: Some(action),
            ..
        } => match action {
            Action::ScrollDown => Some(1),
            Action::ScrollUp => Some(-1),
            Action::PageDown => Some(10),
            Action::PageUp => Some(-10),
            Action::Top => Some(isize::MIN),
            Action::Bottom => Some(isize::MAX),
            _ => None,
        },
        _ => None,
    }
}

/// How far a popup's text is scrolled, in rows of the text as wrapped at the popup's width
/// (a long line is several rows), and the furthest it may go: where its last row shows, as
/// measured when it was last drawn (the width is known only then).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scroll {
    /// Rows scrolled past.
    pub offset: usize,
    furthest: Cell<usize>,
}

impl Default for Scroll {
    fn default() -> Scroll {
        Scroll {
            offset: 0,
            furthest: Cell::new(usize::MAX),
        }
    }
}

impl Scroll {
    /// Moves by a scroll key, within the furthest; whether `msg` was one.
    pub fn key(&mut self, msg: &ViewMsg) -> bool {
        let Some(by) = scrolled(msg) else {
            return false;
        };
        let from = self.offset.min(self.furthest.get());
        self.offset = from.saturating_add_signed(by).min(self.furthest.get());
        true
    }

    /// The first of `rows` rows to show in `room` rows, so that the last row can always be
    /// reached; remembers how far scrolling may go.
    pub fn start(&self, rows: usize, room: usize) -> usize {
        self.at_most(rows.saturating_sub(room))
    }

    /// The offset shown when it may go no further than `furthest`, remembered for the keys.
    pub fn at_most(&self, furthest: usize) -> usize {
        self.furthest.set(furthest);
        self.offset.min(furthest)
    }
}

/// A scrollable popup's answer to a message: scroll by a scroll key; close on any other key;
/// ignore a paste.
fn scroll_or_close(scroll: &mut Scroll, msg: &ViewMsg) -> Vec<Answer> {
    match msg {
        _ if scroll.key(msg) => Vec::new(),
        ViewMsg::Key { .. } => vec![Answer::Close],
        _ => Vec::new(),
    }
}

/// A popup that only reports: scrolled by a scroll key; closed by any other key, and a
/// command key of the panes (`s`, `S`, `u`, Tab…, not quit) then does its command, as typed
/// ahead (`S` then `y` sends); a paste is ignored.
fn scroll_close_or_pass(scroll: &mut Scroll, msg: &ViewMsg) -> Vec<Answer> {
    match msg {
        ViewMsg::Key {
            action: Some(action),
            ..
        } if action.mode() == Mode::App
            && !matches!(action, Action::Quit | Action::Help)
            && scrolled(msg).is_none() =>
        {
            vec![Answer::Pass]
        }
        _ => scroll_or_close(scroll, msg),
    }
}

/// A dialog's two answers, each its keys then its word: `enter/y send · esc/n cancel`.
fn answers(buf: &mut Buffer, x: u16, y: u16, parts: [(String, &str); 2]) {
    let mut x = x;
    for (keys, word) in parts {
        let width = |s: &str| u16::try_from(s.chars().count()).unwrap_or(u16::MAX);
        x = put(buf, x, y, &keys, width(&keys), theme::key());
        x = put(buf, x, y, word, width(word), Style::default());
    }
}

/// The close and scroll hint of a popup: `esc close · ↑↓ scroll`.
fn close_hint(keymap: &Keymap, scrolls: bool) -> String {
    let close = format!("{} close", keymap.hint(&[Action::Back], ""));
    if scrolls {
        let scroll = keymap.hint(&[Action::ScrollUp, Action::ScrollDown], "");
        format!("{close} · {scroll} scroll")
    } else {
        close
    }
}
