//! The keymap: keys to actions, built-in defaults overridden from `keymap.toml`, checked for
//! unknown names and conflicts at start.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use toml::Spanned;

use super::action::Action;

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

/// The built-in bindings (the same as `assets/keymap.toml`).
pub fn default_bindings() -> Vec<(Action, Vec<Key>)> {
    use KeyCode as K;
    let p = Key::plain;
    let c = Key::char;
    vec![
        (Action::MoveUp, vec![c('k'), p(K::Up)]),
        (Action::MoveDown, vec![c('j'), p(K::Down)]),
        (Action::PageUp, vec![p(K::PageUp)]),
        (Action::PageDown, vec![p(K::PageDown)]),
        (Action::Top, vec![c('g'), p(K::Home)]),
        (Action::Bottom, vec![c('G'), p(K::End)]),
        (Action::NextPane, vec![p(K::Tab)]),
        (Action::PrevPane, vec![p(K::BackTab)]),
        (Action::Open, vec![p(K::Enter)]),
        (Action::Filter, vec![c('/')]),
        (Action::Select, vec![c(' ')]),
        (Action::Add, vec![c('a')]),
        (Action::Remove, vec![c('x')]),
        (Action::Undo, vec![c('u')]),
        (Action::Preview, vec![c('p')]),
        (Action::SubmitGroup, vec![c('s')]),
        (Action::SubmitAll, vec![c('S')]),
        (Action::Cancel, vec![c('c')]),
        (Action::Sync, vec![c('r')]),
        (Action::Help, vec![c('?'), p(K::F(1))]),
        (
            Action::Quit,
            vec![
                c('q'),
                Key {
                    code: K::Char('c'),
                    ctrl: true,
                    alt: false,
                },
            ],
        ),
    ]
}

/// Keys to actions, and back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keymap {
    bindings: BTreeMap<Action, Vec<Key>>,
    by_key: HashMap<Key, Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::defaults()
    }
}

/// One action's keys in the file: one key or a list (an empty list unbinds the action).
#[derive(Deserialize)]
#[serde(untagged)]
enum KeySpec {
    One(String),
    Many(Vec<String>),
}

impl Keymap {
    pub fn defaults() -> Keymap {
        let bindings: BTreeMap<Action, Vec<Key>> = default_bindings().into_iter().collect();
        let by_key = bindings
            .iter()
            .flat_map(|(a, keys)| keys.iter().map(move |k| (*k, *a)))
            .collect();
        Keymap { bindings, by_key }
    }

    /// The action a key press asks for, if any.
    pub fn action(&self, event: &KeyEvent) -> Option<Action> {
        self.by_key.get(&Key::from_event(event)).copied()
    }

    /// The keys bound to an action (empty when unbound).
    pub fn keys(&self, action: Action) -> &[Key] {
        self.bindings.get(&action).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The keys of an action as the help shows them: `j, ↓`.
    pub fn keys_text(&self, action: Action) -> String {
        let keys = self.keys(action);
        if keys.is_empty() {
            return "(unbound)".into();
        }
        keys.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The first key of an action, for hints.
    pub fn first_key(&self, action: Action) -> Option<Key> {
        self.keys(action).first().copied()
    }

    /// Reads `keymap.toml` in `dir`; no file means the defaults.
    pub fn load(dir: &Path) -> Result<Keymap, String> {
        let path = dir.join("keymap.toml");
        match crate::bounded::read_text(&path, crate::config::MAX_CONFIG_BYTES) {
            Ok(text) => Keymap::from_toml(&text, &path.display().to_string()),
            Err(crate::bounded::FileError::NotFound) => Ok(Keymap::defaults()),
            Err(e) => Err(format!("{} {e}", path.display())),
        }
    }

    /// The defaults with the file's bindings over them. An action named in the file loses its
    /// default keys. Errors read `FILE:LINE: problem`.
    pub fn from_toml(text: &str, file: &str) -> Result<Keymap, String> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let table: BTreeMap<Spanned<String>, Spanned<KeySpec>> = toml::from_str(text)
            .map_err(|e| format!("{file}:{}", crate::config::toml_error_line(text, &e)))?;
        // Entries of the file in file order, each with the line it is on.
        let mut entries: Vec<(usize, Action, Vec<Key>)> = Vec::new();
        for (name, spec) in &table {
            let line = line_of(name.span().start);
            let action = Action::from_name(name.get_ref()).ok_or_else(|| {
                format!(
                    "{file}:{line}: unknown action `{}` (known: {})",
                    crate::domain::text::sanitize(name.get_ref()),
                    Action::ALL.map(Action::name).join(", ")
                )
            })?;
            let names = match spec.get_ref() {
                KeySpec::One(k) => vec![k.clone()],
                KeySpec::Many(ks) => ks.clone(),
            };
            let mut keys = Vec::new();
            for name in names {
                let key = Key::parse(&name).map_err(|e| {
                    format!(
                        "{file}:{line}: {} for {action}",
                        crate::domain::text::sanitize(&e)
                    )
                })?;
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
            entries.push((line, action, keys));
        }
        entries.sort_by_key(|(line, _, _)| *line);
        let mut bindings: BTreeMap<Action, Vec<Key>> = default_bindings().into_iter().collect();
        for (_, action, keys) in &entries {
            bindings.insert(*action, keys.clone());
        }
        let line_of_action: HashMap<Action, usize> =
            entries.iter().map(|(line, a, _)| (*a, *line)).collect();
        // Conflicts: walk the file's entries first (so the error names a line of the file),
        // then the defaults left in place.
        let mut by_key: HashMap<Key, Action> = HashMap::new();
        let mut order: Vec<Action> = entries.iter().map(|(_, a, _)| *a).collect();
        order.extend(
            Action::ALL
                .iter()
                .filter(|a| !line_of_action.contains_key(a)),
        );
        for action in order {
            for key in bindings.get(&action).map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(other) = by_key.insert(*key, action) {
                    let line = line_of_action
                        .get(&action)
                        .or_else(|| line_of_action.get(&other))
                        .copied()
                        .unwrap_or(1);
                    let (first, second) = if line_of_action.contains_key(&other)
                        && !line_of_action.contains_key(&action)
                    {
                        (action, other)
                    } else {
                        (other, action)
                    };
                    let default_note = if line_of_action.contains_key(&first) {
                        ""
                    } else {
                        " (a default binding: rebind it too)"
                    };
                    return Err(format!(
                        "{file}:{line}: key `{key}` is bound to both {first}{default_note} and {second}"
                    ));
                }
            }
        }
        for needed in [Action::Quit, Action::Help] {
            if bindings.get(&needed).is_none_or(Vec::is_empty) {
                let line = line_of_action.get(&needed).copied().unwrap_or(1);
                return Err(format!(
                    "{file}:{line}: {needed} must keep at least one key"
                ));
            }
        }
        Ok(Keymap { bindings, by_key })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn defaults_have_no_conflicts_and_cover_every_action() {
        let map = Keymap::defaults();
        let total: usize = default_bindings().iter().map(|(_, k)| k.len()).sum();
        assert_eq!(
            map.by_key.len(),
            total,
            "a key is bound twice in the defaults"
        );
        for action in Action::ALL {
            assert!(!map.keys(action).is_empty(), "{action} has no key");
        }
    }

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
    fn events_map_to_actions() {
        let map = Keymap::defaults();
        assert_eq!(
            map.action(&press(KeyCode::Char('S'), KeyModifiers::SHIFT)),
            Some(Action::SubmitAll)
        );
        assert_eq!(
            map.action(&press(KeyCode::Char('s'), KeyModifiers::NONE)),
            Some(Action::SubmitGroup)
        );
        assert_eq!(
            map.action(&press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            map.action(&press(KeyCode::Char('c'), KeyModifiers::NONE)),
            Some(Action::Cancel)
        );
        assert_eq!(
            map.action(&press(KeyCode::Char('z'), KeyModifiers::NONE)),
            None
        );
    }

    #[test]
    fn the_file_overrides_defaults() {
        let map = Keymap::from_toml("sync = [\"R\", \"f5\"]\nmove_down = \"n\"\n", "k.toml")
            .expect("valid");
        assert_eq!(
            map.keys(Action::Sync),
            &[Key::char('R'), Key::plain(KeyCode::F(5))]
        );
        assert_eq!(map.keys(Action::MoveDown), &[Key::char('n')]);
        assert_eq!(
            map.action(&press(KeyCode::Char('j'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            map.keys(Action::Quit),
            Keymap::defaults().keys(Action::Quit)
        );
    }

    #[test]
    fn a_conflict_with_a_default_names_the_line() {
        let err = Keymap::from_toml("# mine\n\nsync = \"s\"\n", "/c/keymap.toml")
            .expect_err("s is submit_group");
        assert_eq!(
            err,
            "/c/keymap.toml:3: key `s` is bound to both submit_group (a default binding: rebind it too) and sync"
        );
        // Rebinding the default too resolves it.
        assert!(
            Keymap::from_toml(
                "sync = \"s\"\nsubmit_group = \"enter\"\nopen = \"o\"\n",
                "k"
            )
            .is_ok()
        );
    }

    #[test]
    fn a_conflict_inside_the_file_names_the_second_line() {
        let err =
            Keymap::from_toml("add = \"n\"\nremove = \"n\"\n", "k.toml").expect_err("n twice");
        assert_eq!(err, "k.toml:2: key `n` is bound to both add and remove");
    }

    #[test]
    fn unknown_actions_and_keys_are_errors_with_lines() {
        let err = Keymap::from_toml("help = \"h\"\nfly = \"f\"\n", "k.toml").expect_err("fly");
        assert!(err.starts_with("k.toml:2: unknown action `fly`"), "{err}");
        let err = Keymap::from_toml("\nadd = \"hyper-a\"\n", "k.toml").expect_err("hyper");
        assert_eq!(err, "k.toml:2: unknown key `hyper-a` for add");
        let err = Keymap::from_toml("add = 3\n", "k.toml").expect_err("a number");
        assert!(err.starts_with("k.toml:1: "), "{err}");
        let err = Keymap::from_toml("quit = []\n", "k.toml").expect_err("no quit");
        assert_eq!(err, "k.toml:1: quit must keep at least one key");
    }

    #[test]
    fn the_shipped_keymap_file_is_the_defaults() {
        let text = include_str!("../../assets/keymap.toml");
        let map = Keymap::from_toml(text, "assets/keymap.toml").expect("valid");
        assert_eq!(map, Keymap::defaults());
    }
}
