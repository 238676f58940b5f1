//! What a destructive action will do, held while the operator is asked: each kind with the
//! words and the exact requests the one confirm dialog shows for it.
//!
//! **Adding a destructive kind** (delete a group, reset an invite link, reject a join request):
//! add a variant here with what it acts on, and its arms in the methods below (the title, the
//! summary, the request lines and the verb of the yes key); then say what confirming it does in
//! `update/confirmed.rs` (the compiler points there). Whatever asks for it (a view's key, a
//! plan read from the store) opens `overlays::Confirm::new(intent, ..)`.

use crate::domain::plan::Plan;
use crate::engine::Scope;

use super::action::Action;
use super::keymap::Keymap;
use super::model::Mirror;
use super::plan_text::{plan_counts, plan_lines};
use super::text::Line;

/// A destructive action waiting for a yes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Intent {
    /// Send the pending changes in `scope` (additions and removals), as `plan` reads them.
    Submit { scope: Scope, plan: Plan },
}

impl Intent {
    /// The question, as the dialog's title.
    pub fn title(&self, mirror: &Mirror) -> String {
        match self {
            Intent::Submit { scope, .. } => match scope {
                Scope::All => "Send every pending change?".to_string(),
                Scope::Groups(ids) if ids.len() == 1 => {
                    format!("Send the changes of {}?", mirror.label(&ids[0]))
                }
                Scope::Groups(ids) => format!("Send the changes of {} groups?", ids.len()),
                Scope::Operations(ids) => format!("Send {} changes?", ids.len()),
            },
        }
    }

    /// One line that counts what will be sent.
    pub fn summary(&self) -> String {
        match self {
            Intent::Submit { plan, .. } => {
                let (requests, participants, groups) = plan_counts(plan);
                format!("{requests} request(s) · {participants} participant(s) · {groups} group(s)")
            }
        }
    }

    /// Exactly the requests it sends, and what it leaves alone.
    pub fn lines(&self, mirror: &Mirror, api_version: &str) -> Vec<Line> {
        match self {
            Intent::Submit { plan, .. } => plan_lines(plan, api_version, |g| mirror.label(g)),
        }
    }

    /// The word after the yes keys (`enter/y send`).
    pub fn verb(&self) -> &'static str {
        match self {
            Intent::Submit { .. } => "send",
        }
    }

    /// Where to read the lines the dialog has no room for.
    pub fn more(&self, keymap: &Keymap) -> String {
        match self {
            Intent::Submit { .. } => format!(
                "… more: {}, then {}, previews them all",
                keymap.hint(&[Action::Back], ""),
                keymap.hint(&[Action::Preview], "")
            ),
        }
    }
}
