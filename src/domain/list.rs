//! Pasted text cut into participants: one rule for lists, CSV cells, arguments and the app's
//! add dialog, which keeps a number written with spaces whole and still parts two numbers, and
//! takes a BSUID (`US.13491208655302741918`) as a participant of its own.

use std::collections::HashMap;

use super::participant::ParticipantError;
use super::reading::{MAX_DIGITS, MIN_DIGITS, Reading, Refusal, read_plain};
use super::{OperationKind, Participant, Person, Region, UserId, phone_text};

/// One participant of a pasted text: the piece as read (normalised), and who it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntry {
    pub text: String,
    pub reading: Result<Named, ParticipantError>,
}

/// Who a piece of operator input names: a phone number, read by the rules of
/// [`Participant::read`], or a BSUID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Named {
    Number(Reading),
    User(UserId),
}

impl Named {
    /// The person named.
    pub fn person(&self) -> Person {
        match self {
            Named::Number(reading) => Person::by_phone(reading.participant.clone()),
            Named::User(id) => Person::by_user_id(id.clone()),
        }
    }

    /// The phone number, when a number was given.
    pub fn phone(&self) -> Option<&Participant> {
        match self {
            Named::Number(reading) => Some(&reading.participant),
            Named::User(_) => None,
        }
    }

    /// Why a number was read one way where another was possible, if it was.
    pub fn note(&self) -> Option<&str> {
        match self {
            Named::Number(reading) => reading.note.as_deref(),
            Named::User(_) => None,
        }
    }
}

/// Why a username is refused where a participant is named for a change: the Graph API's
/// participant calls take a phone number or a BSUID, never a username.
pub const USERNAME_NAMES_NO_ONE: &str = "a username cannot name a participant for a change: give their phone number or BSUID (a group's members are listed with both)";

/// Why a username is refused as someone to add: an add takes a phone number only.
pub const USERNAME_NOT_ADDABLE: &str =
    "a username cannot name someone to add: participants are added by phone number";

/// Why a BSUID is refused as someone to add.
pub const BSUID_NOT_ADDABLE: &str =
    "a BSUID cannot be added: participants are added by phone number";

impl ListEntry {
    /// Who this piece names for a change of `kind`: a removal takes a phone number or a BSUID,
    /// an add a phone number only ([`BSUID_NOT_ADDABLE`]).
    ///
    /// # Errors
    /// The piece is no participant, or a BSUID given for an add.
    pub fn for_change(self, kind: OperationKind) -> Result<Named, ParticipantError> {
        let reading = match self.reading {
            Err(e) if kind == OperationKind::Add && e.reason == USERNAME_NAMES_NO_ONE => {
                return Err(ParticipantError::new(&self.text, USERNAME_NOT_ADDABLE));
            }
            reading => reading?,
        };
        match reading {
            Named::User(_) if kind == OperationKind::Add => {
                Err(ParticipantError::new(&self.text, BSUID_NOT_ADDABLE))
            }
            named => Ok(named),
        }
    }
}

/// Cuts `text` into participants and reads each: a BSUID as one (see [`UserId`]), anything
/// else as numbers (see [`crate::domain::Participant::read`]).
///
/// The text is normalised first ([`phone_text::normalize`]): direction marks and other-script
/// digits never cut a number. Then commas, semicolons, tabs and line breaks part numbers, and
/// a `+` inside a piece starts another number. Within a piece, spaces part numbers only where
/// the piece is not one number: `11 98765-4321` (BR) and `0151 12345678` (DE) stay whole, while
/// `2025550143 2025550199` becomes two; a piece that is one number read two ways stays whole
/// (and is refused as ambiguous). A piece that cuts into no run of whole numbers stays whole
/// when it has the digits of one number, so its error speaks of it whole, and is otherwise
/// cut at its spaces.
pub fn read_numbers(text: &str, region: Option<Region>) -> Vec<ListEntry> {
    read_numbers_with(text, region, &mut ReadCache::default())
}

/// The readings of the chunks of a list read before (a chunk: the text between two
/// separators), for one region. A list read again at each key typed (the add dialog) parses
/// each chunk once: a paste of 3,000 numbers typed into key by key parsed every number again at
/// every key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadCache {
    chunks: HashMap<String, Vec<ListEntry>>,
}

/// [`read_numbers`], taking the readings of chunks `cache` holds and leaving it holding those
/// of `text` alone (its size follows the text's). `cache` must have been filled with the same
/// `region`.
pub fn read_numbers_with(
    text: &str,
    region: Option<Region>,
    cache: &mut ReadCache,
) -> Vec<ListEntry> {
    let text = phone_text::normalize(text);
    let mut entries = Vec::new();
    let mut kept: HashMap<String, Vec<ListEntry>> = HashMap::new();
    for chunk in text.split([',', ';', '\n', '\r', '\t']) {
        let chunk = chunk.trim();
        if chunk.is_empty() {
            continue;
        }
        let read = match cache.chunks.remove(chunk) {
            Some(read) => read,
            None => match kept.get(chunk) {
                Some(read) => read.clone(),
                None => {
                    let mut read = Vec::new();
                    for part in at_each_plus(chunk) {
                        read_piece(part, region, &mut read);
                    }
                    read
                }
            },
        };
        entries.extend(read.iter().cloned());
        kept.insert(chunk.to_owned(), read);
    }
    cache.chunks = kept;
    entries
}

/// A part of a chunk: each space-separated group meant as a BSUID is one participant, and the
/// runs of groups between them are read as numbers.
fn read_piece(part: &str, region: Option<Region>, entries: &mut Vec<ListEntry>) {
    let groups = spans(part);
    let alone = |text: &str| UserId::is_meant(text) || text.starts_with('@');
    if !groups.iter().any(|&(s, e)| alone(&part[s..e])) {
        read_part(part, region, entries);
        return;
    }
    let mut run: Option<(usize, usize)> = None;
    for &(start, end) in &groups {
        let text = &part[start..end];
        if alone(text) {
            if let Some((s, e)) = run.take() {
                read_part(&part[s..e], region, entries);
            }
            let reading = if text.starts_with('@') {
                Err(ParticipantError::new(text, USERNAME_NAMES_NO_ONE))
            } else {
                UserId::parse(text)
                    .map(Named::User)
                    .map_err(|reason| ParticipantError::new(text, reason))
            };
            entries.push(ListEntry {
                text: text.to_owned(),
                reading,
            });
        } else {
            run = Some((run.map_or(start, |(s, _)| s), end));
        }
    }
    if let Some((s, e)) = run {
        read_part(&part[s..e], region, entries);
    }
}

/// The pieces of a chunk, each `+` after its start beginning a new one (but the `+` of a
/// spreadsheet's `4.91511234567E+11`, which is refused whole).
fn at_each_plus(chunk: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let starts_number = |i: usize| i > 0 && !chunk[..i].ends_with(['e', 'E']);
    for (i, _) in chunk.match_indices('+').filter(|(i, _)| starts_number(*i)) {
        parts.push(chunk[start..i].trim());
        start = i;
    }
    parts.push(chunk[start..].trim());
    parts.retain(|p| !p.is_empty());
    parts
}

fn entry(text: &str, reading: Result<Reading, Refusal>) -> ListEntry {
    ListEntry {
        text: text.to_owned(),
        reading: reading.map(Named::Number).map_err(|refusal| match refusal {
            Refusal::Invalid(reason) | Refusal::Ambiguous(reason) => {
                ParticipantError::new(text, reason)
            }
        }),
    }
}

/// A reading of a whole number: valid, or a number read two ways.
fn is_whole(reading: &Result<Reading, Refusal>) -> bool {
    matches!(reading, Ok(_) | Err(Refusal::Ambiguous(_)))
}

fn digit_count(text: &str) -> usize {
    text.bytes().filter(u8::is_ascii_digit).count()
}

fn read_part(part: &str, region: Option<Region>, entries: &mut Vec<ListEntry>) {
    let groups = spans(part);
    if groups.len() <= 1 {
        entries.push(entry(part, read_plain(part, region)));
        return;
    }
    let whole = read_plain(part, region);
    if is_whole(&whole) {
        entries.push(entry(part, whole));
        return;
    }
    if let Some(runs) = fewest_runs(part, &groups, region) {
        entries.extend(runs);
    } else if digit_count(part) <= MAX_DIGITS {
        entries.push(entry(part, whole));
    } else if let Some(runs) = partial_cover(part, &groups, region) {
        entries.extend(runs);
    } else {
        entries.extend(rest(part, &groups, region));
    }
}

/// Groups past which [`partial_cover`] is not tried (its cost grows with their square).
const PARTIAL_COVER_MAX_GROUPS: usize = 24;

/// A part no run of whole numbers covers: its longest first groups that are whole numbers
/// (else its longest last ones), each read, and the rest as one piece ([`rest`]), so that one
/// number without a country code does not make the good numbers beside it bad:
/// `+44 7911 123470 07911 123471` is `+447911123470` and `"07911 123471"`, refused whole.
fn partial_cover(
    part: &str,
    groups: &[(usize, usize)],
    region: Option<Region>,
) -> Option<Vec<ListEntry>> {
    let n = groups.len();
    if n > PARTIAL_COVER_MAX_GROUPS {
        return None;
    }
    for k in (1..n).rev() {
        if let Some(mut runs) = cover(part, &groups[..k], region) {
            runs.extend(rest(part, &groups[k..], region));
            return Some(runs);
        }
    }
    for k in 1..n {
        if let Some(runs) = cover(part, &groups[k..], region) {
            let mut out = rest(part, &groups[..k], region);
            out.extend(runs);
            return Some(out);
        }
    }
    None
}

/// `groups` of `part` read as whole numbers: one number, or the fewest runs of them.
fn cover(part: &str, groups: &[(usize, usize)], region: Option<Region>) -> Option<Vec<ListEntry>> {
    let text = &part[groups.first()?.0..groups.last()?.1];
    let whole = read_plain(text, region);
    if is_whole(&whole) {
        return Some(vec![entry(text, whole)]);
    }
    fewest_runs(part, groups, region)
}

/// Groups no number covers: one piece when they have the digits of one number (its error then
/// speaks of it whole), else each group alone.
fn rest(part: &str, groups: &[(usize, usize)], region: Option<Region>) -> Vec<ListEntry> {
    let (Some(first), Some(last)) = (groups.first(), groups.last()) else {
        return Vec::new();
    };
    let text = &part[first.0..last.1];
    if digit_count(text) <= MAX_DIGITS {
        return vec![entry(text, read_plain(text, region))];
    }
    groups
        .iter()
        .map(|&(start, end)| entry(&part[start..end], read_plain(&part[start..end], region)))
        .collect()
}

/// The byte spans of the space-separated groups of `part`.
fn spans(part: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in part.char_indices() {
        match (c == ' ', start) {
            (true, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, part.len()));
    }
    spans
}

/// The fewest runs covering the first groups up to one: how many, where the last starts, and
/// its reading.
type Run = (usize, usize, Result<Reading, Refusal>);

/// The fewest runs of consecutive groups that are each a whole number, covering every group;
/// `None` when there are none. Only runs with the digits of one number are read, so the cost
/// stays a few readings a group.
fn fewest_runs(
    part: &str,
    groups: &[(usize, usize)],
    region: Option<Region>,
) -> Option<Vec<ListEntry>> {
    let n = groups.len();
    let mut best: Vec<Option<Run>> = vec![None; n + 1];
    let mut reached = vec![false; n + 1];
    reached[0] = true;
    for end in 1..=n {
        let mut digits = 0;
        for start in (0..end).rev() {
            digits += digit_count(&part[groups[start].0..groups[start].1]);
            if digits > MAX_DIGITS {
                break;
            }
            if digits < MIN_DIGITS || !reached[start] || (start == 0 && end == n) {
                continue;
            }
            let count = if start == 0 {
                0
            } else {
                best[start].as_ref().map_or(usize::MAX, |b| b.0)
            };
            if best[end].as_ref().is_some_and(|b| b.0 <= count + 1) {
                continue;
            }
            let text = &part[groups[start].0..groups[end - 1].1];
            let reading = read_plain(text, region);
            if is_whole(&reading) {
                best[end] = Some((count + 1, start, reading));
                reached[end] = true;
            }
        }
    }
    let mut runs = Vec::new();
    let mut end = n;
    while end > 0 {
        let (_, start, reading) = best[end].take()?;
        runs.push(entry(&part[groups[start].0..groups[end - 1].1], reading));
        end = start;
    }
    runs.reverse();
    Some(runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str) -> Option<Region> {
        code.parse().ok()
    }

    /// A username beside a number is its own piece, refused with what to give instead; the
    /// number is read.
    #[test]
    fn a_username_is_its_own_piece_and_says_what_to_give() {
        let entries = read_numbers("+44 7911 123456 @wen.v29", None);
        assert_eq!(entries.len(), 2, "{entries:?}");
        assert!(entries[0].reading.is_ok(), "{entries:?}");
        let Err(e) = entries[1].clone().for_change(OperationKind::Remove) else {
            panic!("{entries:?}");
        };
        assert!(
            e.to_string().contains("give their phone number or BSUID"),
            "{e}"
        );
        assert!(e.to_string().contains("@wen.v29"), "{e}");
        // For an add, only a phone number will do.
        let Err(e) = entries[1].clone().for_change(OperationKind::Add) else {
            panic!("{entries:?}");
        };
        assert!(e.to_string().contains("added by phone number"), "{e}");
        assert!(!e.to_string().contains("BSUID"), "{e}");
    }

    /// One number without a country code beside good ones: the good ones stand, the bad one
    /// is refused whole.
    #[test]
    fn a_bad_number_does_not_spoil_the_good_ones_beside_it() {
        let read = numbers("+1 202 555 0170 +44 7911 123470 07911 123471", None);
        assert_eq!(read[0], "+12025550170");
        assert_eq!(read[1], "+447911123470");
        assert_eq!(read.len(), 3, "{read:?}");
        assert!(read[2].starts_with("error:"), "{read:?}");
        assert_eq!(
            texts("+1 202 555 0170 +44 7911 123470 07911 123471", None)[2],
            "07911 123471"
        );
        // The bad one first: the good one after it stands.
        let read = numbers("07911 123471 2025550143 +44 7911 123470", None);
        assert!(read.contains(&"+447911123470".to_string()), "{read:?}");
    }

    fn texts(text: &str, r: Option<Region>) -> Vec<String> {
        read_numbers(text, r).into_iter().map(|e| e.text).collect()
    }

    fn numbers(text: &str, r: Option<Region>) -> Vec<String> {
        read_numbers(text, r)
            .into_iter()
            .map(|e| match e.reading {
                Ok(named) => named.person().user_ref().to_owned(),
                Err(err) => format!("error: {err}"),
            })
            .collect()
    }

    #[test]
    fn pasted_lists_split_sensibly() {
        assert_eq!(
            texts(
                "+1 202 555 0143, +44 20 7946 0958\n2025550199",
                region("US")
            ),
            vec!["+1 202 555 0143", "+44 20 7946 0958", "2025550199"]
        );
        assert_eq!(
            texts("+12025550143 +442079460958", None),
            vec!["+12025550143", "+442079460958"]
        );
        assert_eq!(
            texts("2025550143 2025550199", region("US")),
            vec!["2025550143", "2025550199"]
        );
        assert_eq!(texts("(202) 555-0143", None), vec!["(202) 555-0143"]);
        assert_eq!(
            texts("+12122000003 12122000004", None),
            vec!["+12122000003", "12122000004"]
        );
        assert_eq!(texts("+55 11 98765-4321", None), vec!["+55 11 98765-4321"]);
        assert!(read_numbers(" ,\n ", None).is_empty());
        assert_eq!(
            texts("4.91511234567E+11 +4915112345678", None),
            vec!["4.91511234567E+11", "+4915112345678"]
        );
    }

    /// National numbers written with spaces stay whole in every region; two whole numbers side
    /// by side are two, whether they are written with spaces or not.
    #[test]
    fn one_rule_keeps_numbers_whole_and_parts_two() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("BR", "11 98765-4321", &["+5511987654321"]),
            ("BR", "(11) 98765 4321", &["+5511987654321"]),
            ("DE", "0151 12345678", &["+4915112345678"]),
            ("DE", "030 1234567", &["+49301234567"]),
            ("GB", "07911 123456", &["+447911123456"]),
            ("FR", "06 12 34 56 78", &["+33612345678"]),
            ("IN", "98765 43210", &["+919876543210"]),
            ("MX", "55 1234 5678", &["+525512345678"]),
            ("US", "202 555 0143", &["+12025550143"]),
            (
                "DE",
                "0151 12345678 0151 87654321",
                &["+4915112345678", "+4915187654321"],
            ),
            (
                "GB",
                "07400 123456 07400 654321",
                &["+447400123456", "+447400654321"],
            ),
            (
                "BR",
                "11 98765-4321 21 98765-4321",
                &["+5511987654321", "+5521987654321"],
            ),
            (
                "US",
                "2025550143 2025550199",
                &["+12025550143", "+12025550199"],
            ),
            (
                "FR",
                "06 12 34 56 78 06 87 65 43 21",
                &["+33612345678", "+33687654321"],
            ),
            (
                "DE",
                "+49 151 12345678 +44 7911 123456",
                &["+4915112345678", "+447911123456"],
            ),
        ];
        for (r, text, want) in cases {
            assert_eq!(numbers(text, region(r)), *want, "{text} in {r}");
        }
    }

    #[test]
    fn invisible_marks_and_other_digits_never_cut_a_number() {
        let cases: &[(&str, Option<&str>, &[&str])] = &[
            ("\u{202A}+1 (201) 555-0171\u{202C}", None, &["+12015550171"]),
            (
                "\u{202A}+1 (201) 555-0171\u{202C}\n\u{2066}+44 7911 123456\u{2069}",
                None,
                &["+12015550171", "+447911123456"],
            ),
            (
                "+٩٧١ ٥٠ ١٢٣ ٤٥٦٧، +٩٧١ ٥٠ ٧٦٥ ٤٣٢١",
                None,
                &["+971501234567", "+971507654321"],
            ),
            ("۰۹۱۲ ۳۴۵ ۶۷۸۹", Some("IR"), &["+989123456789"]),
            ("११ ९८७६५-४३२१", Some("BR"), &["+5511987654321"]),
            ("0151\u{00A0}12345678", Some("DE"), &["+4915112345678"]),
        ];
        for (text, r, want) in cases {
            assert_eq!(numbers(text, r.and_then(region)), *want, "{text:?}");
        }
    }

    #[test]
    fn a_bad_number_is_named_whole() {
        let got = read_numbers("0151 1234", region("DE"));
        assert_eq!(got.len(), 1);
        assert!(got[0].reading.is_err());
        let got = read_numbers("+1 202 555 014", None);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].text, "+1 202 555 014");
        // An ambiguous number is one number, refused as such.
        let got = read_numbers("44 7911 123456", region("DE"));
        assert_eq!(got.len(), 1);
        let err = got[0].reading.as_ref().expect_err("ambiguous");
        assert!(err.reason.starts_with("reads two ways"), "{err}");
    }

    #[test]
    fn a_bsuid_is_a_participant_of_its_own_wherever_it_stands() {
        let cases: &[(&str, &[&str])] = &[
            ("US.13491208655302741918", &["US.13491208655302741918"]),
            (
                "+1 202 555 0143, US.1 BR.22\n+44 7911 123456",
                &["+12025550143", "US.1", "BR.22", "+447911123456"],
            ),
            (
                "+1 202 555 0143 US.1 +44 7911 123456",
                &["+12025550143", "US.1", "+447911123456"],
            ),
            ("\u{202A}US.77\u{202C}", &["US.77"]),
        ];
        for (text, want) in cases {
            assert_eq!(numbers(text, None), *want, "{text:?}");
        }
        let got = read_numbers("us.123, US.12-3", None);
        let reasons: Vec<String> = got
            .iter()
            .map(|e| e.reading.as_ref().expect_err("refused").to_string())
            .collect();
        assert!(
            reasons[0].starts_with("\"us.123\": `us` is no country code"),
            "{reasons:?}"
        );
        assert!(reasons[1].contains("`-` in its id"), "{reasons:?}");
    }

    #[test]
    fn an_add_takes_a_number_and_a_removal_a_bsuid_too() {
        let entry = read_numbers("US.42", None).remove(0);
        let removal = entry
            .clone()
            .for_change(OperationKind::Remove)
            .expect("removal");
        assert_eq!(removal.person().user_ref(), "US.42");
        let err = entry.for_change(OperationKind::Add).expect_err("add");
        assert_eq!(
            err.to_string(),
            "\"US.42\": a BSUID cannot be added: participants are added by phone number"
        );
        let number = read_numbers("+12025550143", None).remove(0);
        assert!(number.for_change(OperationKind::Add).is_ok());
    }
}
