//! Drawing the whole screen from the state: every view in its area, the footer (a notice, the
//! focused view's prompt, or the commands in force with their keys), then the overlays.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::action::Action;
use super::keymap::Key;
use super::layout;
use super::state::State;
use super::theme;
use super::views::Ctx;
use super::widgets::{put, put_line};

/// Draws the whole screen from the state.
pub fn draw(frame: &mut Frame, state: &State) {
    let area = frame.area();
    let areas = layout::areas(area, state.shared.zoom);
    let buf = frame.buffer_mut();
    let covered = !state.overlays.is_empty();
    state.views.each(&areas, |pane, rect, view| {
        let has_keys = pane == Some(state.focus);
        if view.drawn(has_keys) {
            view.draw(&Ctx::new(&state.shared, rect, has_keys && !covered), buf);
        }
    });
    footer(buf, areas.footer, state);
    let ctx = Ctx::new(&state.shared, area, true);
    for overlay in &state.overlays {
        overlay.draw(&ctx, buf);
    }
}

/// The footer: the notice (one wider than the screen cut in its middle: the log has it whole),
/// else the focused view's prompt, else the commands in force, most useful first, as many as
/// fit, and always how to get help and how to quit; blank under an overlay that shows its own
/// keys.
fn footer(buf: &mut Buffer, area: Rect, state: &State) {
    if area.height == 0 {
        return;
    }
    if let Some(notice) = &state.notice {
        // Cut in its middle: its start says what, its end why.
        let text =
            crate::tui::widgets::fit_middle(&format!(" {}", notice.text), usize::from(area.width));
        put(
            buf,
            area.x,
            area.y,
            &text,
            area.width,
            theme::tone(notice.tone),
        );
        return;
    }
    if let Some(prompt) = state.focused().prompt(&state.focused_ctx(), area.width) {
        put_line(buf, area.x, area.y, &prompt, area.width);
        return;
    }
    if state.overlay().is_some_and(|o| !o.keeps_footer()) {
        return;
    }
    let mut hints: Vec<(u8, &str, Key)> = state
        .commands()
        .into_iter()
        .filter_map(|h| {
            // A view may name an action the footer does not rank (a view's way out): it
            // comes right after the view's own.
            let rank = h.action.footer().map_or(3, |(rank, _)| rank);
            Some((rank, h.label?, state.keymap().first_key(h.action)?))
        })
        .collect();
    hints.sort_by_key(|(rank, _, _)| *rank);
    let shown = |key: Key| {
        if key == Key::char(' ') {
            "␣".to_string()
        } else {
            key.to_string()
        }
    };
    let width = |key: Key, label: &str| shown(key).chars().count() + label.chars().count() + 3;
    // Help and quit always; the others by rank while they fit.
    let pinned = |label: &str| {
        [Action::Help, Action::Quit]
            .iter()
            .any(|a| a.footer().is_some_and(|(_, l)| l == label))
    };
    let mut room = usize::from(area.width).saturating_sub(
        hints
            .iter()
            .filter(|h| pinned(h.1))
            .map(|h| width(h.2, h.1))
            .sum(),
    );
    let kept: Vec<&(u8, &str, Key)> = hints
        .iter()
        .filter(|h| {
            if pinned(h.1) {
                return true;
            }
            let w = width(h.2, h.1);
            if w <= room {
                room -= w;
                true
            } else {
                room = 0;
                false
            }
        })
        .collect();
    let mut spans = Vec::new();
    for (_, label, key) in kept {
        spans.push(Span::styled(format!(" {}", shown(*key)), theme::key()));
        spans.push(Span::styled(format!(" {label} "), Style::default()));
    }
    put_line(buf, area.x, area.y, &Line::from(spans), area.width);
}
