//! One key as the keymap names it: read from `keymap.toml` (`j`, `S`, `ctrl-c`, `pagedown`),
//! shown in help and hints (`j`, `↓`, `ctrl-c`), and taken from a terminal event.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key as the keymap names it: a code and the modifiers that matter (Ctrl, Alt). Shift is
/// folded into the character (`S`), so `shift-s` and `S` are the same key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }

    pub const fn char(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    /// The key a terminal event stands for.
    pub fn from_event(event: &KeyEvent) -> Key {
        let code = match event.code {
            KeyCode::Char(c) if event.modifiers.contains(KeyModifiers::SHIFT) => {
                KeyCode::Char(c.to_ascii_uppercase())
            }
            other => other,
        };
        Key {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// Reads `j`, `S`, `?`, `space`, `down`, `pagedown`, `ctrl-c`, `alt-x`, `f1`, `shift-tab`...
    pub fn parse(text: &str) -> Result<Key, String> {
        let mut rest = text.trim();
        let (mut ctrl, mut alt, mut shift) = (false, false, false);
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 1
                && (lower.starts_with("ctrl-") || lower.starts_with("ctrl+"))
            {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.chars().count() > 1
                && (lower.starts_with("alt-") || lower.starts_with("alt+"))
            {
                alt = true;
                rest = &rest[4..];
            } else if rest.chars().count() > 1
                && (lower.starts_with("shift-") || lower.starts_with("shift+"))
            {
                shift = true;
                rest = &rest[6..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() && c != ' ' => {
                KeyCode::Char(if shift { c.to_ascii_uppercase() } else { c })
            }
            _ => match rest.to_ascii_lowercase().as_str() {
                "space" => KeyCode::Char(' '),
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" => KeyCode::PageDown,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "tab" if shift => KeyCode::BackTab,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" | "ins" => KeyCode::Insert,
                f if f.len() >= 2 && f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => KeyCode::F(n),
                    _ => return Err(format!("unknown key `{text}`")),
                },
                _ => return Err(format!("unknown key `{text}`")),
            },
        };
        Ok(Key { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::Insert => f.write_str("insert"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// The character a key press types, if it types one (no Ctrl; Alt is ignored as terminals
/// differ): text inputs take it as text before any action.
pub fn typed(event: &KeyEvent) -> Option<char> {
    match event.code {
        KeyCode::Char(c) if !event.modifiers.contains(KeyModifiers::CONTROL) => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_and_display() {
        assert_eq!(Key::parse("j"), Ok(Key::char('j')));
        assert_eq!(Key::parse("S"), Ok(Key::char('S')));
        assert_eq!(Key::parse("shift-s"), Ok(Key::char('S')));
        assert_eq!(Key::parse("space"), Ok(Key::char(' ')));
        assert_eq!(Key::parse("PageDown"), Ok(Key::plain(KeyCode::PageDown)));
        assert_eq!(Key::parse("shift-tab"), Ok(Key::plain(KeyCode::BackTab)));
        assert_eq!(Key::parse("f5"), Ok(Key::plain(KeyCode::F(5))));
        let ctrl_c = Key::parse("ctrl-c").expect("ctrl-c");
        assert!(ctrl_c.ctrl);
        assert_eq!(ctrl_c.to_string(), "ctrl-c");
        assert!(Key::parse("ctrl-").is_err() || Key::parse("ctrl-").is_ok_and(|k| !k.ctrl));
        assert!(Key::parse("hyper-x").is_err());
        assert!(Key::parse("f13").is_err());
        assert!(Key::parse("").is_err());
    }

    #[test]
    fn printable_keys_type_and_control_keys_do_not() {
        let press = |code, modifiers| KeyEvent::new(code, modifiers);
        assert_eq!(
            typed(&press(KeyCode::Char('y'), KeyModifiers::NONE)),
            Some('y')
        );
        assert_eq!(
            typed(&press(KeyCode::Char('Y'), KeyModifiers::SHIFT)),
            Some('Y')
        );
        assert_eq!(
            typed(&press(KeyCode::Char(' '), KeyModifiers::NONE)),
            Some(' ')
        );
        assert_eq!(
            typed(&press(KeyCode::Char('u'), KeyModifiers::CONTROL)),
            None
        );
        assert_eq!(typed(&press(KeyCode::Enter, KeyModifiers::NONE)), None);
        assert_eq!(typed(&press(KeyCode::Backspace, KeyModifiers::NONE)), None);
    }
}
