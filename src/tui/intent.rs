//! What a destructive action will do, held while the operator is asked: each kind with the
//! question the one confirm dialog asks about it, which shows exactly the requests it sends.
//!
//! **Adding a destructive kind** (delete a group, reset an invite link, reject a join request):
//! add a variant here with what it acts on and its arm in [`Intent::question`] (the title, the
//! count, the request lines, the verb of the yes key); then say what confirming it does in
//! `update/confirmed.rs` (the compiler points there). Whatever asks for it (a view's key, a
//! plan read from the store) opens `overlays::Confirm::new(intent, ..)`.

use crate::domain::Participant;
use crate::domain::plan::Plan;
use crate::engine::Scope;

use super::action::Action;
use super::shared::Shared;
use super::text::{Line, Tone};
use crate::present::{plan_counts, plan_lines};

/// A destructive action waiting for a yes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Intent {
    /// Send the pending changes in `scope` (additions and removals), as `plan` reads them.
    Submit { scope: Scope, plan: Plan },
    /// Queue the removal of `person` from `groups` (nothing is sent yet).
    QueueRemoval {
        person: Participant,
        groups: Vec<String>,
    },
}

/// What the confirm dialog shows of an intent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub title: String,
    /// One line that counts what will be sent.
    pub summary: String,
    /// Exactly the requests, line by line, and what is left alone.
    pub lines: Vec<Line>,
    /// The word after the yes keys (`enter/y send`).
    pub verb: &'static str,
    /// Where to read the lines the dialog has no room for.
    pub more: String,
}

impl Intent {
    /// The question about it, groups named from the mirror, paths in the API version, keys
    /// from the keymap.
    pub fn question(&self, shared: &Shared) -> Question {
        let mirror = &shared.mirror;
        match self {
            Intent::Submit { scope, plan } => {
                // A plan holds group calls only: no path needs the phone number id.
                let counts = plan_counts(plan, &shared.api_version, "");
                let (requests, participants, groups) =
                    (counts.requests, counts.participants, counts.groups);
                Question {
                    title: match scope {
                        Scope::All => "Send every pending change?".to_string(),
                        Scope::Groups(ids) if ids.len() == 1 => {
                            format!("Send the changes of {}?", mirror.label(&ids[0]))
                        }
                        Scope::Groups(ids) => {
                            format!("Send the changes of {} groups?", ids.len())
                        }
                        Scope::Operations(ids) => format!("Send {} changes?", ids.len()),
                    },
                    summary: format!(
                        "{requests} request(s) · {participants} participant(s) · {groups} group(s){}",
                        match plan.held.len() {
                            0 => String::new(),
                            held => format!(" · {held} held back (stay pending)"),
                        }
                    ),
                    lines: plan_lines(plan, &shared.api_version, "", |g| mirror.label(g)),
                    verb: "send",
                    more: format!(
                        "… more: {}, then {}, previews them all",
                        shared.keymap.hint(&[Action::Back], ""),
                        shared.keymap.hint(&[Action::Preview], "")
                    ),
                }
            }
            Intent::QueueRemoval { person, groups } => Question {
                title: format!("Remove {person} from {} groups?", groups.len()),
                summary: format!(
                    "{} removal(s) queued; nothing is sent until you submit",
                    groups.len()
                ),
                lines: groups
                    .iter()
                    .map(|g| Line::new(Tone::Plain, format!("− {person} from {}", mirror.label(g))))
                    .collect(),
                verb: "queue",
                more: format!(
                    "… and more: {} leaves, and picking fewer groups shows them all",
                    shared.keymap.hint(&[Action::Back], "")
                ),
            },
        }
    }
}
