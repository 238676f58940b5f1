//! Every bindable intent of the terminal app, with its name in `keymap.toml` and its help text.

use std::fmt;

/// One thing an operator can ask for with a key. The keymap maps keys to these; the help popup
/// and the footer are generated from them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextPane,
    PrevPane,
    Open,
    Filter,
    Select,
    Add,
    Remove,
    Undo,
    Preview,
    SubmitGroup,
    SubmitAll,
    Cancel,
    Sync,
    Help,
    Quit,
}

impl Action {
    /// Every action, in the order the help popup lists them.
    pub const ALL: [Action; 21] = [
        Action::MoveUp,
        Action::MoveDown,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::NextPane,
        Action::PrevPane,
        Action::Open,
        Action::Filter,
        Action::Select,
        Action::Add,
        Action::Remove,
        Action::Undo,
        Action::Preview,
        Action::SubmitGroup,
        Action::SubmitAll,
        Action::Cancel,
        Action::Sync,
        Action::Help,
        Action::Quit,
    ];

    /// The actions the footer hints at, most useful first (it is cut at the screen's width).
    pub const FOOTER: [Action; 11] = [
        Action::Help,
        Action::Add,
        Action::Remove,
        Action::SubmitGroup,
        Action::SubmitAll,
        Action::Preview,
        Action::Filter,
        Action::Select,
        Action::Undo,
        Action::Sync,
        Action::Quit,
    ];

    /// The name used in `keymap.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Action::MoveUp => "move_up",
            Action::MoveDown => "move_down",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::NextPane => "next_pane",
            Action::PrevPane => "prev_pane",
            Action::Open => "open",
            Action::Filter => "filter",
            Action::Select => "select",
            Action::Add => "add",
            Action::Remove => "remove",
            Action::Undo => "undo",
            Action::Preview => "preview",
            Action::SubmitGroup => "submit_group",
            Action::SubmitAll => "submit_all",
            Action::Cancel => "cancel",
            Action::Sync => "sync",
            Action::Help => "help",
            Action::Quit => "quit",
        }
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }

    /// One line for the help popup.
    pub fn describe(self) -> &'static str {
        match self {
            Action::MoveUp => "move up",
            Action::MoveDown => "move down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "go to the first row",
            Action::Bottom => "go to the last row",
            Action::NextPane => "next pane (groups, group, log)",
            Action::PrevPane => "previous pane",
            Action::Open => "open the group under the cursor",
            Action::Filter => "filter by subject or id; a phone number finds that person's groups",
            Action::Select => "pick or unpick the row (groups or members), then move down",
            Action::Add => "queue participants to add to the group (type or paste numbers)",
            Action::Remove => "queue removal of the selected members (or of the searched person)",
            Action::Undo => "undo the selected change (withdraw it, or queue its reversal)",
            Action::Preview => "preview the exact requests of everything pending (sends nothing)",
            Action::SubmitGroup => {
                "send the picked groups' (or this group's) changes, after a confirm"
            }
            Action::SubmitAll => "send every pending change, after a confirm",
            Action::Cancel => "cancel: no new requests; those in flight are settled",
            Action::Sync => "read every group and its members from the server",
            Action::Help => "this help",
            Action::Quit => "quit (asks first if work is in flight)",
        }
    }

    /// A short label for the footer, for the actions worth a hint there.
    pub fn hint(self) -> Option<&'static str> {
        Some(match self {
            Action::Filter => "filter",
            Action::Add => "add",
            Action::Remove => "remove",
            Action::Select => "select",
            Action::Undo => "undo",
            Action::Preview => "preview",
            Action::SubmitGroup => "submit",
            Action::SubmitAll => "all",
            Action::Sync => "sync",
            Action::Help => "help",
            Action::Quit => "quit",
            _ => return None,
        })
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
