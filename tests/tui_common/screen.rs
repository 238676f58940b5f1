//! The screen tests' common ground: a fixed clock, a state sized to a terminal, the text the
//! app draws there, and snapshots of it at the two sizes every screen is checked at.

#![allow(dead_code, unused_imports, unused_macros)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wa_groups::tui::{Keymap, Msg, State, draw, update};

/// 2025-11-25T03:10:34Z, for every time shown.
pub const T0: i64 = 1_764_040_234_000;

/// The terminal sizes every screen is snapshotted at: the smallest supported and a roomy one.
pub const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// A state sized `w` x `h` at [`T0`], with its effects dropped (the tests feed what effects
/// would load).
pub fn fresh(w: u16, h: u16) -> State {
    fresh_with(w, h, Keymap::defaults())
}

/// [`fresh`] with the keys of `keymap`.
pub fn fresh_with(w: u16, h: u16, keymap: Keymap) -> State {
    let mut s = State::new("100000000000001", "v23.0", None, keymap);
    s.shared.now = T0;
    update(
        &mut s,
        Msg::Resize {
            width: w,
            height: h,
        },
    );
    s
}

/// The text `state` draws on a `w` x `h` terminal; no escape character ever reaches it.
pub fn render(state: &State, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| draw(f, state)).expect("draw");
    let text = terminal.backend().to_string();
    assert!(!text.contains('\u{1b}'), "no escape character on screen");
    text
}

/// Snapshots the state `$build(w, h)` makes at each of [`SIZES`] as `<name>_<w>x<h>`, in the
/// calling test file's snapshots (a macro, so that insta names them after the caller).
macro_rules! snap {
    ($name:expr, $build:expr) => {
        for (w, h) in $crate::tui_common::screen::SIZES {
            let state = ($build)(w, h);
            insta::assert_snapshot!(
                format!("{}_{w}x{h}", $name),
                $crate::tui_common::screen::render(&state, w, h)
            );
        }
    };
}
pub(crate) use snap;
