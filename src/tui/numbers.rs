//! A list of numbers as an operator types or pastes it: each piece parsed, and repeats, current
//! members and ambiguous forms told apart (the add dialog shows the result as it is typed).

use std::collections::HashSet;

use crate::domain::text::sanitize;
use crate::domain::{Participant, Region, read_numbers};

/// One piece of the list, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// The piece as typed, made safe for the screen.
    pub input: String,
    pub outcome: PieceOutcome,
}

/// What a piece turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PieceOutcome {
    Valid(Participant),
    /// Valid, with a warning (ambiguous number, already a member).
    Warned(Participant, String),
    /// The same person earlier in the list.
    Repeated(Participant),
    /// Not a number; the reason, made safe.
    Invalid(String),
}

/// Splits `text` into numbers by the rule of every pasted list (`domain::read_numbers`) and
/// checks each one: read with `region` for national numbers, marked when repeated or when a
/// wa_id in `members` (the group's members) already has it, warned with the reading's note.
pub fn check(text: &str, region: Option<Region>, members: &HashSet<String>) -> Vec<Piece> {
    let mut seen = HashSet::new();
    read_numbers(text, region)
        .into_iter()
        .map(|entry| {
            let outcome = match entry.reading {
                Err(e) => PieceOutcome::Invalid(sanitize(&e.reason)),
                Ok(r) if !seen.insert(r.participant.wa_id().to_owned()) => {
                    PieceOutcome::Repeated(r.participant)
                }
                Ok(r) if members.contains(r.participant.wa_id()) => PieceOutcome::Warned(
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
        .collect()
}

/// The numbers worth queueing: valid ones (warned included), each once, in list order.
pub fn valid(pieces: &[Piece]) -> Vec<Participant> {
    pieces
        .iter()
        .filter_map(|p| match &p.outcome {
            PieceOutcome::Valid(p) | PieceOutcome::Warned(p, _) => Some(p.clone()),
            _ => None,
        })
        .collect()
}

/// How many pieces are not numbers.
pub fn invalid_count(pieces: &[Piece]) -> usize {
    pieces
        .iter()
        .filter(|p| matches!(p.outcome, PieceOutcome::Invalid(_)))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(pieces: &[Piece]) -> Vec<&'static str> {
        pieces
            .iter()
            .map(|p| match &p.outcome {
                PieceOutcome::Valid(_) => "valid",
                PieceOutcome::Warned(_, w) if w.contains("member") => "member",
                PieceOutcome::Warned(_, _) => "warned",
                PieceOutcome::Repeated(_) => "repeated",
                PieceOutcome::Invalid(_) => "invalid",
            })
            .collect()
    }

    #[test]
    fn repeats_members_and_traps_are_told_apart() {
        let members = HashSet::from(["12122000009".to_string()]);
        let pieces = check(
            "+12122000001 +1 212 200 0001 +12122000009 +5491123456789",
            None,
            &members,
        );
        assert_eq!(kinds(&pieces), ["valid", "repeated", "member", "warned"]);
        assert_eq!(valid(&pieces).len(), 3);
    }

    #[test]
    fn one_person_written_several_ways_is_one_number() {
        // The same person in E.164, national with a region, international with 00, a wa_id.
        let pieces = check(
            "+44 7400 123456, 07400 123456, 0044 7400 123456, 447400123456",
            "GB".parse::<Region>().ok(),
            &HashSet::new(),
        );
        assert_eq!(
            kinds(&pieces),
            ["valid", "repeated", "repeated", "repeated"]
        );
        assert_eq!(valid(&pieces).len(), 1);
    }

    #[test]
    fn pieces_that_are_not_numbers_say_why_and_are_made_safe() {
        let pieces = check("12x, \u{1b}[2J", None, &HashSet::new());
        assert_eq!(invalid_count(&pieces), 2);
        assert!(pieces.iter().all(|p| !p.input.contains('\u{1b}')));
        assert!(
            matches!(&pieces[0].outcome, PieceOutcome::Invalid(r) if r.contains("letters")),
            "{pieces:?}"
        );
    }
}
