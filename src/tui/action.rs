//! Every bindable intent of the terminal app, declared once in one table: its name in
//! `keymap.toml`, where its keys apply, its default keys, its help text and its footer hint.

use std::fmt;

use crossterm::event::KeyCode;

use super::key::Key;

/// Where an action's keys are looked up. A key is bound to one action at most within a mode;
/// a dialog key may also be bound in the app: while a dialog is open or text is typed, the
/// dialog's binding wins and the app's applies to the keys the dialogs leave free.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// The panes: moving, picking, queueing, sending.
    App,
    /// Dialogs, popups and text being typed (the filter, the add dialog).
    Dialog,
}

/// A command a view (or the app) offers, as the help popup and the footer show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hint {
    pub action: Action,
    /// The help popup's line: what the action does there.
    pub text: &'static str,
    /// The footer's word, for the actions worth a hint there.
    pub label: Option<&'static str>,
}

const fn c(ch: char) -> Key {
    Key::char(ch)
}

const fn p(code: KeyCode) -> Key {
    Key::plain(code)
}

const fn ctrl(ch: char) -> Key {
    Key {
        code: KeyCode::Char(ch),
        ctrl: true,
        alt: false,
    }
}

/// Declares [`Action`] and its table: `Variant "name" Mode [default keys] "help text"`, and
/// for the actions the footer names, `footer RANK "word"` (lower ranks first, as the footer is
/// cut at the screen's width). The order of the lines is the help popup's order.
macro_rules! actions {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident $name:literal $mode:ident [$($key:expr),*] $text:literal
            $(footer $rank:literal $label:literal)?;
    )*) => {
        /// One thing an operator can ask for with a key. The keymap maps keys to these; the
        /// help popup, the footer and the dialogs' key hints are generated from them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Action {
            /// Every action, in the order the help popup lists them.
            pub const ALL: &'static [Action] = &[$(Action::$variant),*];

            /// The name used in `keymap.toml`.
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name,)* }
            }

            /// The mode its keys apply in.
            pub fn mode(self) -> Mode {
                match self { $(Action::$variant => Mode::$mode,)* }
            }

            /// The keys it has when `keymap.toml` does not name it.
            pub fn default_keys(self) -> Vec<Key> {
                match self { $(Action::$variant => vec![$($key),*],)* }
            }

            /// One line for the help popup.
            pub fn describe(self) -> &'static str {
                match self { $(Action::$variant => $text,)* }
            }

            /// The footer's rank and word, for the actions the footer names.
            pub fn footer(self) -> Option<(u8, &'static str)> {
                match self { $(Action::$variant => actions!(@footer $($rank $label)?),)* }
            }

            /// The variants' identifiers, to check the names against.
            #[cfg(test)]
            const IDENTS: &'static [&'static str] = &[$(stringify!($variant)),*];
        }
    };
    (@footer) => { None };
    (@footer $rank:literal $label:literal) => { Some(($rank, $label)) };
}

actions! {
    MoveUp "move_up" App [c('k'), p(KeyCode::Up)] "move up";
    MoveDown "move_down" App [c('j'), p(KeyCode::Down)] "move down";
    PageUp "page_up" App [p(KeyCode::PageUp)] "page up";
    PageDown "page_down" App [p(KeyCode::PageDown)] "page down";
    Top "top" App [c('g'), p(KeyCode::Home)] "go to the first row";
    Bottom "bottom" App [c('G'), p(KeyCode::End)] "go to the last row";
    NextPane "next_pane" App [p(KeyCode::Tab)] "next pane (groups, group, log)";
    PrevPane "prev_pane" App [p(KeyCode::BackTab)] "previous pane";
    Open "open" App [p(KeyCode::Enter)]
        "open: the group under the cursor; the whole of a change, member or log line";
    Filter "filter" App [c('/')]
        "filter by subject or id; a phone number, BSUID or @username finds that person's groups"
        footer 8 "filter";
    Select "select" App [c(' ')]
        "pick or unpick the row (groups or members), then move down"
        footer 9 "select";
    PickAll "pick_all" App [c('*')]
        "pick every row shown (in a group: its members, or its changes, where the cursor is; again: pick none)";
    Reset "reset" App [p(KeyCode::Esc)] "clear the picks, then the filter";
    Add "add" App [c('a')]
        "queue participants to add to the group (type or paste numbers)"
        footer 3 "add";
    Remove "remove" App [c('x')]
        "queue removal of the selected members (or of the searched person)"
        footer 4 "remove";
    Undo "undo" App [c('u')]
        "undo the selected change: withdraw it if not sent; once sent, queue its reversal (adds and removals)"
        footer 10 "undo";
    Preview "preview" App [c('p')]
        "preview the exact requests of everything pending (sends nothing)"
        footer 7 "preview";
    SubmitGroup "submit_group" App [c('s')]
        "send the changes of the picked groups (or those a person search found, or this group), after a confirm"
        footer 5 "submit";
    SubmitAll "submit_all" App [c('S')]
        "send every pending change, after a confirm"
        footer 6 "all";
    Retry "retry" App [c('R')]
        "queue failed changes again: the one under the cursor, or the picked groups' (or this group's)";
    Sort "sort" App [c('o')] "sort the groups: subject, members, pending, failures, last change";
    Zoom "zoom" App [c('z')] "enlarge the log (again: back)";
    Cancel "cancel" App [c('c')] "cancel: no new requests; those in flight are answered, the next send confirms them";
    Sync "sync" App [c('r')] "read every group and its members from the server" footer 11 "sync";
    NewGroup "new_group" App [c('n')] "create a group: subject, description, approval (a dialog)";
    EditGroup "edit_group" App [c('e')] "change the group's subject and description (a dialog)";
    DeleteGroup "delete_group" App [c('D')]
        "delete the group, after a confirm naming it and its members";
    JoinRequests "join_requests" App [c('J')]
        "the group's invite link and pending join requests (again, or esc, closes them)";
    GroupInfo "group_info" App [c('i')]
        "the group whole: its subject and id uncut, member count, changes, link";
    CopyLink "copy_link" App [c('y')] "copy the group's invite link to the clipboard (OSC 52)";
    ResetLink "reset_link" App [c('L')]
        "reset the group's invite link (the old one stops working), after a confirm";
    Approve "approve" App [c('A')]
        "approve the picked join requests (or all shown), after a confirm"
        footer 1 "approve";
    Reject "reject" App [c('X')]
        "reject the picked join requests (or all shown), after a confirm"
        footer 2 "reject";
    Help "help" App [c('?'), p(KeyCode::F(1))] "this help" footer 0 "help";
    Quit "quit" App [c('q'), ctrl('c')] "quit (asks first if work is in flight)" footer 12 "quit";
    Confirm "confirm" Dialog [p(KeyCode::Enter)]
        "in a dialog: do what it offers (send, queue, quit); in the filter: keep it";
    Yes "yes" Dialog [c('y'), c('Y')] "answer yes to a question (send, quit)";
    No "no" Dialog [c('n'), c('N')] "answer no to a question";
    Back "back" Dialog [p(KeyCode::Esc)]
        "leave a dialog without acting; in the filter: clear it";
    Close "close" Dialog [ctrl('c')] "leave a dialog without acting; in the filter: keep it";
    Clear "clear" Dialog [ctrl('u')] "clear the text typed";
    ScrollUp "scroll_up" Dialog [p(KeyCode::Up), c('k')] "scroll a popup or a list being typed up";
    ScrollDown "scroll_down" Dialog [p(KeyCode::Down), c('j')]
        "scroll a popup or a list being typed down";
}

impl Action {
    /// The action found by its name in `keymap.toml`.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }

    /// The action as a command with its own help text and footer word.
    pub fn hint(self) -> Hint {
        Hint {
            action: self,
            text: self.describe(),
            label: self.footer().map(|(_, label)| label),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `MoveUp` → `move_up`.
    fn snake(ident: &str) -> String {
        let mut out = String::new();
        for (i, ch) in ident.chars().enumerate() {
            if ch.is_ascii_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        }
        out
    }

    #[test]
    fn each_name_is_its_variant_in_snake_case_and_found_again() {
        for (action, ident) in Action::ALL.iter().zip(Action::IDENTS) {
            assert_eq!(action.name(), snake(ident));
            assert_eq!(Action::from_name(action.name()), Some(*action));
        }
        assert_eq!(Action::from_name("fly"), None);
    }

    #[test]
    fn footer_ranks_are_distinct() {
        let mut ranks: Vec<u8> = Action::ALL
            .iter()
            .filter_map(|a| a.footer().map(|(rank, _)| rank))
            .collect();
        let all = ranks.len();
        ranks.sort_unstable();
        ranks.dedup();
        assert_eq!(ranks.len(), all);
    }
}
