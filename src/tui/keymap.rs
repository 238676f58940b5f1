//! The keymap: keys to actions, the defaults of the action table overridden from
//! `keymap.toml`, checked for unknown names and conflicts at start, and the key presses resolved
//! to actions in the context they are made in (the app's panes, or a dialog and typed text).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crossterm::event::KeyEvent;
use serde::Deserialize;
use toml::Spanned;

use super::action::{Action, Mode};
pub use super::key::Key;

/// The actions a keymap can not leave without a key: the way out, help, and a dialog's two
/// answers.
const NEEDED: [Action; 4] = [Action::Quit, Action::Help, Action::Confirm, Action::Back];

/// The built-in bindings (the same as `assets/keymap.toml`).
pub fn default_bindings() -> Vec<(Action, Vec<Key>)> {
    Action::ALL.iter().map(|a| (*a, a.default_keys())).collect()
}

/// Keys to actions, and back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keymap {
    bindings: BTreeMap<Action, Vec<Key>>,
    by_key: HashMap<(Mode, Key), Action>,
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
            .flat_map(|(a, keys)| keys.iter().map(move |k| ((a.mode(), *k), *a)))
            .collect();
        Keymap { bindings, by_key }
    }

    /// The action a key press asks for in the panes, if any.
    pub fn action(&self, event: &KeyEvent) -> Option<Action> {
        self.resolve(Mode::App, event)
    }

    /// The action a key press asks for in `mode`: in a dialog, the dialog's binding, or else
    /// the app's (so `q`, page keys and the like keep their meaning there).
    pub fn resolve(&self, mode: Mode, event: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(event);
        let found = |mode| self.by_key.get(&(mode, key)).copied();
        match mode {
            Mode::App => found(Mode::App),
            Mode::Dialog => found(Mode::Dialog).or_else(|| found(Mode::App)),
        }
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

    /// The first key of each action, joined by `sep`, as a dialog's hint names them:
    /// `enter/y`, `↑↓`; `-` stands for an unbound one.
    pub fn hint(&self, actions: &[Action], sep: &str) -> String {
        actions
            .iter()
            .map(|a| {
                self.first_key(*a)
                    .map_or_else(|| "-".to_string(), |k| k.to_string())
            })
            .collect::<Vec<_>>()
            .join(sep)
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
        let table: BTreeMap<Spanned<String>, Spanned<KeySpec>> =
            toml::from_str(text).map_err(|e| {
                let at = crate::config::toml_error_line(text, &e);
                // A value that is neither a key nor a list of keys: say how one is written
                // rather than name the parser's type.
                match at.split_once(": ") {
                    Some((line, message)) if message.contains("KeySpec") => format!(
                        "{file}:{line}: an action's keys are text (\"s\", \"ctrl-s\") or a list of them ([\"s\", \"f5\"])"
                    ),
                    _ => format!("{file}:{at}"),
                }
            })?;
        // Entries of the file in file order, each with the line it is on.
        let mut entries: Vec<(usize, Action, Vec<Key>)> = Vec::new();
        for (name, spec) in &table {
            let line = line_of(name.span().start);
            let action = Action::from_name(name.get_ref()).ok_or_else(|| {
                // The closest names when there are some; else where every name is listed.
                let near = crate::domain::similar::closest(
                    name.get_ref(),
                    Action::ALL.iter().map(|a| a.name()),
                    3,
                );
                format!(
                    "{file}:{line}: unknown action `{}` ({})",
                    crate::domain::text::sanitize(name.get_ref()),
                    if near.is_empty() {
                        "assets/keymap.toml in the source lists every action".to_owned()
                    } else {
                        format!("did you mean {}?", near.join(", "))
                    }
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
        let mut by_key: HashMap<(Mode, Key), Action> = HashMap::new();
        let mut order: Vec<Action> = entries.iter().map(|(_, a, _)| *a).collect();
        order.extend(
            Action::ALL
                .iter()
                .filter(|a| !line_of_action.contains_key(a)),
        );
        for action in order {
            for key in bindings.get(&action).map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(other) = by_key.insert((action.mode(), *key), action) {
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
        for needed in NEEDED {
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
    use crossterm::event::{KeyCode, KeyModifiers};

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
            "a key is bound twice in one mode of the defaults"
        );
        for &action in Action::ALL {
            assert!(!map.keys(action).is_empty(), "{action} has no key");
        }
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
            map.action(&press(KeyCode::Char('Z'), KeyModifiers::SHIFT)),
            None
        );
    }

    #[test]
    fn in_dialogs_the_dialog_keys_win_and_the_app_keys_fill_in() {
        let map = Keymap::defaults();
        let enter = press(KeyCode::Enter, KeyModifiers::NONE);
        let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        let big_y = press(KeyCode::Char('Y'), KeyModifiers::SHIFT);
        assert_eq!(map.resolve(Mode::App, &enter), Some(Action::Open));
        assert_eq!(map.resolve(Mode::Dialog, &enter), Some(Action::Confirm));
        assert_eq!(map.resolve(Mode::App, &ctrl_c), Some(Action::Quit));
        assert_eq!(map.resolve(Mode::Dialog, &ctrl_c), Some(Action::Close));
        assert_eq!(map.resolve(Mode::Dialog, &q), Some(Action::Quit));
        assert_eq!(map.resolve(Mode::Dialog, &big_y), Some(Action::Yes));
        assert_eq!(map.resolve(Mode::App, &big_y), None);
    }

    #[test]
    fn a_key_may_serve_the_app_and_a_dialog_but_not_two_dialog_actions() {
        let map = Keymap::from_toml("yes = \"s\"\n", "k.toml").expect("s is free in dialogs");
        let s = press(KeyCode::Char('s'), KeyModifiers::NONE);
        assert_eq!(map.resolve(Mode::App, &s), Some(Action::SubmitGroup));
        assert_eq!(map.resolve(Mode::Dialog, &s), Some(Action::Yes));
        let err = Keymap::from_toml("\nno = \"enter\"\n", "k.toml").expect_err("enter confirms");
        assert_eq!(
            err,
            "k.toml:2: key `enter` is bound to both confirm (a default binding: rebind it too) and no"
        );
        let err = Keymap::from_toml("back = []\n", "k.toml").expect_err("no way back");
        assert_eq!(err, "k.toml:1: back must keep at least one key");
    }

    #[test]
    fn the_file_overrides_defaults() {
        let map = Keymap::from_toml("sync = [\"Z\", \"f5\"]\nmove_down = \"m\"\n", "k.toml")
            .expect("valid");
        assert_eq!(
            map.keys(Action::Sync),
            &[Key::char('Z'), Key::plain(KeyCode::F(5))]
        );
        assert_eq!(map.keys(Action::MoveDown), &[Key::char('m')]);
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
                "sync = \"s\"\nsubmit_group = \"enter\"\nopen = \"O\"\n",
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
        assert_eq!(
            err,
            "k.toml:1: an action's keys are text (\"s\", \"ctrl-s\") or a list of them ([\"s\", \"f5\"])"
        );
        let err = Keymap::from_toml("snyc = \"s\"\n", "k.toml").expect_err("a typo");
        assert_eq!(err, "k.toml:1: unknown action `snyc` (did you mean sync?)");
        let err = Keymap::from_toml("quit = []\n", "k.toml").expect_err("no quit");
        assert_eq!(err, "k.toml:1: quit must keep at least one key");
    }

    #[test]
    fn the_shipped_keymap_file_is_the_defaults() {
        let text = include_str!("../../assets/keymap.toml");
        let map = Keymap::from_toml(text, "assets/keymap.toml").expect("valid");
        assert_eq!(map, Keymap::defaults());
        for action in Action::ALL {
            let line = format!("\n{} = ", action.name());
            assert!(text.contains(&line), "{action} is not written out");
        }
    }
}
