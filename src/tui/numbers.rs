//! A list of numbers as an operator types or pastes it: each piece parsed, and repeats, current
//! members and ambiguous forms told apart (the add dialog shows the result as it is typed).

use crate::domain::text::sanitize;
use std::collections::HashSet;

use crate::domain::list::{ReadCache, read_numbers_with};
use crate::domain::number_forms::phone_key;
use crate::domain::{Members, OperationKind, Participant, Region};

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
/// checks each one as someone to add: read with `region` for national numbers, refused for a
/// BSUID (an add needs a phone number), marked when repeated (in another of WhatsApp's forms
/// too), when one of `leaving` (the group's members with a removal pending) is them (the add
/// withdraws that removal), or when one of `members` (the group's) already is them, warned
/// with the reading's note.
///
/// `cache` keeps the readings of the text's chunks between calls (the dialog checks the whole
/// text at each key): each chunk is parsed once, and repeats are found by the phone's key in a
/// set, so a key typed into a list of thousands costs one pass over it.
pub fn check(
    text: &str,
    region: Option<Region>,
    (members, leaving): (&Members, &Members),
    cache: &mut ReadCache,
) -> Vec<Piece> {
    let mut seen = HashSet::new();
    read_numbers_with(text, region, cache)
        .into_iter()
        .map(|entry| {
            let input = sanitize(&entry.text);
            let named = entry.for_change(OperationKind::Add);
            let outcome = match named.as_ref().map(|n| (n.phone(), n.person())) {
                Err(e) => PieceOutcome::Invalid(sanitize(&e.reason)),
                Ok((None, _)) => PieceOutcome::Invalid("no phone number".into()),
                Ok((Some(p), _)) if !seen.insert(phone_key(p.wa_id()).into_owned()) => {
                    PieceOutcome::Repeated(p.clone())
                }
                Ok((Some(p), person)) if leaving.contains(&person) => PieceOutcome::Warned(
                    p.clone(),
                    "a member with a removal pending: the removal is withdrawn instead".into(),
                ),
                Ok((Some(p), person)) if members.contains(&person) => {
                    PieceOutcome::Warned(p.clone(), "already a member: it will be skipped".into())
                }
                Ok((Some(p), _)) => {
                    let warnings: Vec<String> = named
                        .as_ref()
                        .ok()
                        .and_then(|n| n.note())
                        .map(str::to_owned)
                        .into_iter()
                        .chain(p.ambiguity().map(str::to_owned))
                        .collect();
                    if warnings.is_empty() {
                        PieceOutcome::Valid(p.clone())
                    } else {
                        PieceOutcome::Warned(p.clone(), sanitize(&warnings.join("; ")))
                    }
                }
            };
            Piece { input, outcome }
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

/// The pieces that are not numbers, each as `"<input>": <reason>`.
pub fn invalid(pieces: &[Piece]) -> Vec<String> {
    pieces
        .iter()
        .filter_map(|p| match &p.outcome {
            PieceOutcome::Invalid(why) => Some(format!("\"{}\": {why}", p.input)),
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

    /// [`check`] with nothing read before.
    fn fresh(
        text: &str,
        region: Option<Region>,
        members: &Members,
        leaving: &Members,
    ) -> Vec<Piece> {
        check(text, region, (members, leaving), &mut ReadCache::default())
    }

    /// A list typed key by key, its readings kept between keys, is checked as the same list
    /// pasted whole; and the readings kept are only those of the text.
    #[test]
    fn a_list_typed_key_by_key_is_checked_as_pasted() {
        let text = "+12122000001, 07400 123456\n+12122000001 +1 212 200 0002;12x";
        let region = "GB".parse::<Region>().ok();
        let none = Members::default();
        let mut cache = ReadCache::default();
        let mut typed = String::new();
        let mut pieces = Vec::new();
        for c in text.chars() {
            typed.push(c);
            pieces = check(&typed, region, (&none, &none), &mut cache);
        }
        assert_eq!(pieces, fresh(text, region, &none, &none));
        typed.truncate(12);
        let pieces = check(&typed, region, (&none, &none), &mut cache);
        assert_eq!(pieces, fresh("+12122000001", region, &none, &none));
        assert_eq!(cache, {
            let mut only = ReadCache::default();
            check(&typed, region, (&none, &none), &mut only);
            only
        });
    }

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

    fn members(wa_ids: &[&str]) -> Members {
        let people: Vec<crate::domain::Person> = wa_ids
            .iter()
            .map(|w| Participant::from_wa_id(w).expect("wa_id").into())
            .collect();
        Members::of(&people)
    }

    #[test]
    fn repeats_members_and_traps_are_told_apart() {
        let members = members(&["12122000009"]);
        let pieces = fresh(
            "+12122000001 +1 212 200 0001 +12122000009 +5491123456789",
            None,
            &members,
            &Members::default(),
        );
        assert_eq!(kinds(&pieces), ["valid", "repeated", "member", "warned"]);
        assert_eq!(valid(&pieces).len(), 3);
        // A member whose removal is pending: the add withdraws it (and is queued).
        let pieces = fresh("+12122000009", None, &members, &members);
        assert!(
            matches!(&pieces[0].outcome, PieceOutcome::Warned(_, w) if w.contains("removal is withdrawn")),
            "{pieces:?}"
        );
        assert_eq!(valid(&pieces).len(), 1);
    }

    #[test]
    fn one_person_written_several_ways_is_one_number() {
        // The same person in E.164, national with a region, international with 00, a wa_id.
        let pieces = fresh(
            "+44 7400 123456, 07400 123456, 0044 7400 123456, 447400123456",
            "GB".parse::<Region>().ok(),
            &Members::default(),
            &Members::default(),
        );
        assert_eq!(
            kinds(&pieces),
            ["valid", "repeated", "repeated", "repeated"]
        );
        assert_eq!(valid(&pieces).len(), 1);
    }

    #[test]
    fn pieces_that_are_not_numbers_say_why_and_are_made_safe() {
        let pieces = fresh(
            "12x, \u{1b}[2J",
            None,
            &Members::default(),
            &Members::default(),
        );
        assert_eq!(invalid_count(&pieces), 2);
        assert!(pieces.iter().all(|p| !p.input.contains('\u{1b}')));
        assert!(
            matches!(&pieces[0].outcome, PieceOutcome::Invalid(r) if r.contains("letters")),
            "{pieces:?}"
        );
    }

    #[test]
    fn a_member_in_another_form_is_a_member_and_a_bsuid_is_no_one_to_add() {
        // The group holds a Brazilian mobile without its ninth digit.
        let pieces = fresh(
            "+55 11 98765-4321, +55 11 8765-4321, US.1349",
            None,
            &members(&["551187654321"]),
            &Members::default(),
        );
        assert_eq!(kinds(&pieces), ["member", "repeated", "invalid"]);
        assert!(
            matches!(&pieces[2].outcome, PieceOutcome::Invalid(r) if r.contains("participants are added by phone number")),
            "{pieces:?}"
        );
    }
}
