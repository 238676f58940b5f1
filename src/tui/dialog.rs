//! The dialogs and popups over the panes: help, add (with numbers checked as typed), confirm,
//! preview and messages.

use std::collections::HashSet;

use crate::api::Route;
use crate::domain::plan::Plan;
use crate::domain::text::sanitize;
use crate::domain::{Participant, Region, read_numbers};
use crate::engine::Scope;

use super::state::Tone;

/// The add dialog's text can not grow past this (a paste of a few thousand numbers).
pub const MAX_INPUT: usize = 100_000;

/// An open dialog or popup; it takes every key until closed.
#[derive(Clone, Debug, PartialEq)]
pub enum Dialog {
    Help {
        scroll: usize,
    },
    Add(AddInput),
    /// Send these requests? Enter or `y` sends.
    Confirm(Confirm),
    /// Lines to read, scrollable; any of Esc, q, Enter closes.
    Text {
        title: String,
        lines: Vec<(Tone, String)>,
        scroll: usize,
    },
    /// Work is in flight: quit anyway?
    Quit,
}

/// The confirm dialog of a submit: what will be sent, counted and listed.
#[derive(Clone, Debug, PartialEq)]
pub struct Confirm {
    pub scope: Scope,
    pub title: String,
    pub requests: usize,
    pub participants: usize,
    pub groups: usize,
    pub lines: Vec<(Tone, String)>,
}

/// One piece of the add dialog's text, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub input: String,
    pub outcome: PieceOutcome,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PieceOutcome {
    Valid(Participant),
    /// Valid, with a warning (ambiguous number, already a member).
    Warned(Participant, String),
    /// The same person earlier in the list.
    Repeated(Participant),
    Invalid(String),
}

/// The add dialog: the group, the text typed or pasted, and each number checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddInput {
    pub group_id: String,
    pub subject: String,
    /// Members of the group (wa_ids) as the mirror knows them.
    pub members: HashSet<String>,
    pub text: String,
    pub pieces: Vec<Piece>,
    pub scroll: usize,
}

impl AddInput {
    pub fn new(group_id: String, subject: String, members: HashSet<String>) -> AddInput {
        AddInput {
            group_id,
            subject,
            members,
            text: String::new(),
            pieces: Vec::new(),
            scroll: 0,
        }
    }

    /// Appends typed or pasted text and checks it again.
    pub fn insert(&mut self, text: &str, region: Option<Region>) {
        let room = MAX_INPUT.saturating_sub(self.text.len());
        let mut end = text.len().min(room);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        // Line breaks of a paste become list separators; other control characters go.
        for c in text[..end].chars() {
            match c {
                '\r' | '\n' => {
                    if !self.text.ends_with('\n') {
                        self.text.push('\n');
                    }
                }
                '\t' => self.text.push(' '),
                c if c.is_control() => {}
                c => self.text.push(c),
            }
        }
        self.check(region);
    }

    pub fn backspace(&mut self, region: Option<Region>) {
        self.text.pop();
        self.check(region);
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.pieces.clear();
        self.scroll = 0;
    }

    /// Splits the text into numbers and checks each one (the rule of every pasted list).
    pub fn check(&mut self, region: Option<Region>) {
        let mut seen = HashSet::new();
        self.pieces = read_numbers(&self.text, region)
            .into_iter()
            .map(|entry| {
                let outcome = match entry.reading {
                    Err(e) => PieceOutcome::Invalid(sanitize(&e.reason)),
                    Ok(r) if !seen.insert(r.participant.wa_id().to_owned()) => {
                        PieceOutcome::Repeated(r.participant)
                    }
                    Ok(r) if self.members.contains(r.participant.wa_id()) => PieceOutcome::Warned(
                        r.participant,
                        "already a member: it will be skipped".into(),
                    ),
                    Ok(r) => {
                        let warnings: Vec<String> = r
                            .note
                            .into_iter()
                            .chain(r.participant.ambiguity().map(str::to_owned))
                            .collect();
                        if warnings.is_empty() {
                            PieceOutcome::Valid(r.participant)
                        } else {
                            PieceOutcome::Warned(r.participant, sanitize(&warnings.join("; ")))
                        }
                    }
                };
                Piece {
                    input: sanitize(&entry.text),
                    outcome,
                }
            })
            .collect();
    }

    /// The numbers Enter queues: valid ones (warned included), each once.
    pub fn valid(&self) -> Vec<Participant> {
        self.pieces
            .iter()
            .filter_map(|p| match &p.outcome {
                PieceOutcome::Valid(p) | PieceOutcome::Warned(p, _) => Some(p.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn invalid_count(&self) -> usize {
        self.pieces
            .iter()
            .filter(|p| matches!(p.outcome, PieceOutcome::Invalid(_)))
            .count()
    }
}

/// The lines of a plan, request by request, as preview and confirm show them.
pub fn plan_lines(
    plan: &Plan,
    api_version: &str,
    label: impl Fn(&str) -> String,
) -> Vec<(Tone, String)> {
    let mut lines = Vec::new();
    for r in &plan.requests {
        lines.push((
            Tone::Info,
            format!("{}: {} {}", label(&r.group_id), r.kind, r.ops.len()),
        ));
        // The client's own route: what is shown is what would be sent.
        lines.push(match Route::participants(r.kind, &r.group_id) {
            Ok(route) => (
                Tone::Plain,
                format!("  {} {}", route.method.as_str(), route.path(api_version)),
            ),
            Err(e) => (Tone::Warn, format!("  refused: {e}")),
        });
        let people: Vec<&str> = r.ops.iter().map(|(_, p)| p.e164()).collect();
        lines.push((Tone::Plain, format!("  {}", people.join(" "))));
    }
    if !plan.held.is_empty() {
        lines.push((
            Tone::Warn,
            format!("held back (stay pending): {}", plan.held.len()),
        ));
        for (op, reason) in &plan.held {
            lines.push((Tone::Warn, format!("    #{op}: {}", sanitize(reason))));
        }
    }
    if !plan.skipped.is_empty() {
        lines.push((
            Tone::Dim,
            format!("nothing to do (marked skipped): {}", plan.skipped.len()),
        ));
        for (op, reason) in &plan.skipped {
            lines.push((Tone::Dim, format!("    #{op}: {}", sanitize(reason))));
        }
    }
    lines
}

/// Requests, participants and groups of a plan.
pub fn plan_counts(plan: &Plan) -> (usize, usize, usize) {
    let participants = plan.requests.iter().map(|r| r.ops.len()).sum();
    let groups: HashSet<&str> = plan.requests.iter().map(|r| r.group_id.as_str()).collect();
    (plan.requests.len(), participants, groups.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dialog() -> AddInput {
        AddInput::new(
            "G1".into(),
            "Group".into(),
            HashSet::from(["12122000009".to_string()]),
        )
    }

    #[test]
    fn numbers_are_checked_as_typed() {
        let mut d = dialog();
        d.insert("+1 212 200 0001", None);
        assert_eq!(d.valid().len(), 1);
        d.insert(", 12x", None);
        assert_eq!(d.valid().len(), 1);
        assert_eq!(d.invalid_count(), 1);
        assert!(matches!(&d.pieces[1].outcome, PieceOutcome::Invalid(r) if r.contains("letters")));
        d.backspace(None);
        d.backspace(None);
        assert_eq!(d.invalid_count(), 1, "`1` alone is still not a number");
    }

    #[test]
    fn a_paste_with_new_lines_commas_and_spaces_gives_each_number() {
        let mut d = dialog();
        d.insert(
            "+12122000001\r\n+12122000002, +12122000003 +12122000004\n\n",
            None,
        );
        let got: Vec<String> = d.valid().iter().map(|p| p.e164().to_owned()).collect();
        assert_eq!(
            got,
            [
                "+12122000001",
                "+12122000002",
                "+12122000003",
                "+12122000004"
            ]
        );
    }

    #[test]
    fn repeats_members_and_traps_are_told_apart() {
        let mut d = dialog();
        d.insert(
            "+12122000001 +1 212 200 0001 +12122000009 +5491123456789",
            None,
        );
        let kinds: Vec<&str> = d
            .pieces
            .iter()
            .map(|p| match &p.outcome {
                PieceOutcome::Valid(_) => "valid",
                PieceOutcome::Warned(_, w) if w.contains("member") => "member",
                PieceOutcome::Warned(_, _) => "warned",
                PieceOutcome::Repeated(_) => "repeated",
                PieceOutcome::Invalid(_) => "invalid",
            })
            .collect();
        assert_eq!(kinds, ["valid", "repeated", "member", "warned"]);
        assert_eq!(d.valid().len(), 3);
    }

    #[test]
    fn control_characters_are_dropped_and_input_is_bounded() {
        let mut d = dialog();
        d.insert("\u{1b}+12122000001\u{7}", None);
        assert!(!d.text.contains('\u{1b}'));
        assert_eq!(d.valid().len(), 1);
        d.insert(&"9".repeat(MAX_INPUT * 2), None);
        assert!(d.text.len() <= MAX_INPUT);
    }
}
