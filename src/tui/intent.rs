//! What a destructive action will do, held while the operator is asked: each kind with the
//! question the one confirm dialog asks about it, which shows exactly the requests it sends.
//!
//! **Adding a destructive kind** (delete a group, reset an invite link, reject a join request):
//! add a variant here with what it acts on and its arm in [`Intent::question`] (the title, the
//! count, the request lines, the verb of the yes key); then say what confirming it does in
//! `update/confirmed.rs` (the compiler points there). Whatever asks for it (a view's key, a
//! plan read from the store) opens `overlays::Confirm::new(intent, ..)`.

use crate::domain::plan::{PendingOp, Plan};
use crate::domain::{
    JoinRequestRef, MAX_GROUP_MEMBERS, OpId, OpSpec, OperationKind, Person, Query,
};
use crate::engine::Scope;

use super::action::Action;
use super::shared::Shared;
use super::text::{Line, Tone};
use crate::present::{plan_counts, plan_lines, request_line};

/// A destructive action waiting for a yes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Intent {
    /// Send the pending changes in `scope` (additions and removals), as `plan` reads them.
    Submit { scope: Scope, plan: Plan },
    /// Queue the removal of the searched `person` from groups, each as that group lists them
    /// (`removals`: group and member), and withdraw their pending adds to others
    /// (`withdrawals`: group and operation); nothing is sent yet. `notes`: what the picks
    /// left out, said above the list.
    QueueRemoval {
        person: Query,
        removals: Vec<(String, Person)>,
        withdrawals: Vec<(String, OpId)>,
        notes: Vec<String>,
    },
    /// Delete a group (its `members` leave with it); sent at once. `label`: the group as the
    /// operator reads it ([`crate::domain::GroupNames::label`]); `people`: its members as
    /// shown, when the app has read them (else empty); `pending`: its queued changes, which
    /// fail once it is gone.
    DeleteGroup {
        group: String,
        label: String,
        members: u32,
        people: Vec<String>,
        pending: usize,
    },
    /// Undo several changes at once, some of which the server made (each such is reversed:
    /// a change queued that undoes it; the pending ones are withdrawn). `reversals` and
    /// `withdrawals`: each change as the operator reads it; nothing is sent yet.
    Undo {
        ids: Vec<OpId>,
        reversals: Vec<String>,
        withdrawals: Vec<String>,
    },
    /// Reset a group's invite link (the old one stops working); sent at once.
    ResetLink { group: String, label: String },
    /// Approve (or reject) join requests of a group; sent at once.
    Decide {
        group: String,
        label: String,
        approve: bool,
        requests: Vec<JoinRequestRef>,
        /// The group's members as the mirror has them: approvals past its room are held
        /// back, and the question says so before yes.
        members: Vec<Person>,
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
    /// The changes an intent makes: what a lifecycle intent sends, the removals a
    /// [`Intent::QueueRemoval`] queues (none for a submit, which sends the queue's).
    pub fn specs(&self) -> Vec<OpSpec> {
        match self {
            Intent::Submit { .. } | Intent::Undo { .. } => Vec::new(),
            Intent::QueueRemoval { removals, .. } => removals
                .iter()
                .filter_map(|(group, member)| {
                    OpSpec::for_person(OperationKind::Remove, group.clone(), member.clone()).ok()
                })
                .collect(),
            Intent::DeleteGroup { group, .. } => vec![OpSpec::Delete {
                group: group.clone(),
            }],
            Intent::ResetLink { group, .. } => vec![OpSpec::ResetLink {
                group: group.clone(),
            }],
            Intent::Decide {
                group,
                approve,
                requests,
                ..
            } => requests
                .iter()
                .map(|r| {
                    let (group, request) = (group.clone(), r.clone());
                    if *approve {
                        OpSpec::Approve { group, request }
                    } else {
                        OpSpec::Reject { group, request }
                    }
                })
                .collect(),
        }
    }

    /// The requests a lifecycle intent sends, planned as a submit would.
    fn planned(&self) -> Plan {
        let ops: Vec<PendingOp> = self
            .specs()
            .into_iter()
            .enumerate()
            .map(|(i, spec)| PendingOp {
                id: OpId(i as i64 + 1),
                spec,
            })
            .collect();
        let mut mirror = crate::engine::kinds::Mirror::default();
        if let Intent::Decide { group, members, .. } = self {
            mirror
                .members
                .insert(group.clone(), crate::domain::Members::of(members));
        }
        crate::engine::kinds::plan(ops, &mut mirror)
    }

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
                        "{requests} request(s) · {participants} participant(s) · {groups} group(s){}{}{}{}",
                        match plan.unsettled.len() {
                            0 => String::new(),
                            open => format!(" · {open} left in flight by an earlier run (read first)"),
                        },
                        match plan.held.len() {
                            0 => String::new(),
                            held => format!(" · {held} held back (stay pending)"),
                        },
                        match plan.failing.len() {
                            0 => String::new(),
                            failing => format!(" · {failing} will fail: group gone"),
                        },
                        match plan.skipped.len() {
                            0 => String::new(),
                            skipped => format!(" · {skipped} with nothing to do"),
                        }
                    ),
                    lines: plan_lines(plan, &shared.api_version, "", |g| mirror.label(g)),
                    verb: "send",
                    // The dialog scrolls to every line: how to go faster than a row.
                    more: format!(
                        "{} page, {} the end",
                        shared.keymap.hint(&[Action::PageUp, Action::PageDown], "/"),
                        shared.keymap.hint(&[Action::Bottom], "")
                    ),
                }
            }
            Intent::QueueRemoval {
                person,
                removals,
                withdrawals,
                notes,
            } => {
                let groups = removals.len() + withdrawals.len();
                let mut lines: Vec<Line> =
                    notes.iter().map(|n| Line::new(Tone::Warn, n.clone())).collect();
                // Known without a phone: an add takes a phone number, so no undo brings them
                // back once removed.
                if removals.iter().any(|(_, m)| m.phone().is_none()) {
                    lines.push(Line::new(
                        Tone::Warn,
                        "Known only by BSUID: once removed, they can be added back only by phone number.",
                    ));
                }
                lines.extend(removals.iter().map(|(g, member)| {
                    Line::new(
                        Tone::Plain,
                        format!("− {} from {}", member.label(), mirror.label(g)),
                    )
                }));
                lines.extend(withdrawals.iter().map(|(g, id)| {
                    Line::new(
                        Tone::Plain,
                        format!("↶ withdraw {id}, the pending add to {}", mirror.label(g)),
                    )
                }));
                let mut does = Vec::new();
                if !removals.is_empty() {
                    does.push(format!("queues {} removal(s)", removals.len()));
                }
                if !withdrawals.is_empty() {
                    does.push(format!("withdraws {} pending add(s)", withdrawals.len()));
                }
                Question {
                    title: if groups == 1 {
                        format!("Remove {person} from 1 group?")
                    } else {
                        format!("Remove {person} from {groups} groups?")
                    },
                    summary: format!(
                        "y {}; nothing is sent until you submit",
                        does.join(" and ")
                    ),
                    lines,
                    verb: "queue",
                    more: format!(
                        "… and more: {} leaves, and picking fewer groups shows them all",
                        shared.keymap.hint(&[Action::Back], "")
                    ),
                }
            }
            Intent::Undo {
                reversals,
                withdrawals,
                ..
            } => {
                let mut lines: Vec<Line> = reversals
                    .iter()
                    .map(|r| Line::new(Tone::Plain, format!("↶ reverse {r}")))
                    .collect();
                lines.extend(
                    withdrawals
                        .iter()
                        .map(|w| Line::new(Tone::Plain, format!("− withdraw {w}"))),
                );
                Question {
                    title: format!("Undo {} changes?", reversals.len() + withdrawals.len()),
                    summary: format!(
                        "y queues {} reversal(s) of changes made{}; nothing is sent until you submit",
                        reversals.len(),
                        match withdrawals.len() {
                            0 => String::new(),
                            n => format!(" and withdraws {n} pending"),
                        }
                    ),
                    lines,
                    verb: "undo",
                    more: format!(
                        "… and more: {} leaves, and picking fewer rows shows them all",
                        shared.keymap.hint(&[Action::Back], "")
                    ),
                }
            }
            Intent::DeleteGroup {
                group: _,
                label,
                members,
                people,
                pending,
            } => {
                let mut question = self.lifecycle(
                    shared,
                    format!("Delete the group {label}?"),
                    format!(
                        "its {members} member(s) leave it, it cannot be brought back, and its invite link stops working"
                    ),
                    "delete",
                );
                if !people.is_empty() {
                    let mut who = vec![Line::new(Tone::Warn, "members who leave:")];
                    who.extend(people.iter().map(|p| Line::new(Tone::Plain, format!("  − {p}"))));
                    question.lines.splice(0..0, who);
                }
                if *pending > 0 {
                    question.lines.insert(
                        0,
                        Line::new(
                            Tone::Warn,
                            format!(
                                "its {pending} queued change(s) fail once it is gone (131041)"
                            ),
                        ),
                    );
                }
                question
            }
            Intent::ResetLink { label, .. } => self.lifecycle(
                shared,
                format!("Reset the invite link of {label}?"),
                format!(
                    "reset the invite link of {label}; the old link stops working and a new one is made"
                ),
                "reset",
            ),
            Intent::Decide {
                label,
                approve,
                requests,
                members,
                ..
            } => {
                let held = self.planned().held.len();
                let room = format!(
                    "the group has {} of {MAX_GROUP_MEMBERS} members",
                    members.len()
                );
                let full = if held >= requests.len() {
                    format!("none can join now: they are held back (stay pending): {room}")
                } else {
                    format!(
                        "{} join; {held} are held back (stay pending): {room}",
                        requests.len() - held
                    )
                };
                let (verb, what) = match (*approve, held) {
                    (true, 0) => ("approve", "they join the group"),
                    (true, _) => ("approve", full.as_str()),
                    (false, _) => ("reject", "they may ask again"),
                };
                self.lifecycle(
                    shared,
                    format!(
                        "{} {} join request(s) of {label}?",
                        capital(verb),
                        requests.len()
                    ),
                    format!(
                        "{}; {what}",
                        requests
                            .iter()
                            .map(JoinRequestRef::label)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    verb,
                )
            }
        }
    }

    /// The question of a lifecycle intent: what it does in words, then the requests it sends
    /// at once on yes (method, path and what each changes: no kind's inner name).
    fn lifecycle(
        &self,
        shared: &Shared,
        title: String,
        summary: String,
        verb: &'static str,
    ) -> Question {
        let plan = self.planned();
        let head = if plan.requests.is_empty() {
            "sends nothing now"
        } else {
            "sends at once:"
        };
        let mut lines = vec![Line::new(Tone::Dim, head)];
        lines.extend(plan.requests.iter().map(|r| {
            let mut line = request_line(r, &shared.api_version, "");
            line.text.insert_str(0, "  ");
            line
        }));
        // What is held back (a full group's approvals), each with why.
        lines.extend(crate::present::unqueued_leftover_lines(&plan, |g| {
            shared.mirror.label(g)
        }));
        Question {
            title,
            summary: crate::domain::text::sanitize(&summary),
            lines,
            verb,
            more: String::new(),
        }
    }
}

fn capital(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
