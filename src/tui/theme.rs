//! The few semantic styles: default colours everywhere, colour only for meaning, bold and
//! reverse for focus and selection, so the screen reads on dark and light terminals alike.

use ratatui::style::{Color, Modifier, Style};

use crate::tui::text::Tone;

pub fn tone(tone: Tone) -> Style {
    match tone {
        Tone::Plain => Style::default(),
        Tone::Dim => Style::default().add_modifier(Modifier::DIM),
        Tone::Good => Style::default().fg(Color::Green),
        Tone::Bad => Style::default().fg(Color::Red),
        Tone::Warn => Style::default().fg(Color::Yellow),
        Tone::Info => Style::default().fg(Color::Cyan),
    }
}

/// The row under the cursor: reversed in the focused pane, bold elsewhere.
pub fn cursor(focused: bool) -> Style {
    if focused {
        Style::default().add_modifier(Modifier::REVERSED)
    } else {
        Style::default().add_modifier(Modifier::BOLD)
    }
}

pub fn picked() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

pub fn header() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

pub fn border(focused: bool) -> Style {
    if focused {
        Style::default().add_modifier(Modifier::BOLD)
    } else {
        Style::default().add_modifier(Modifier::DIM)
    }
}

pub fn key() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}
