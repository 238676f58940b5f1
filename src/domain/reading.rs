//! Reading one typed number: spreadsheet artefacts refused, and digits without `+` weighed
//! between their international reading (a wa_id) and a national one, never chosen silently.

use super::participant::{Participant, ParticipantError};
use super::{Region, phone_text};

/// Fewest and most digits of a phone number (E.164 allows 15; WhatsApp ids reach 17 for a few
/// forms the phone plan does not know).
pub const MIN_DIGITS: usize = 7;
pub const MAX_DIGITS: usize = 17;

/// A participant read from text, with a note when another reading could have been meant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    pub participant: Participant,
    /// Why this reading was taken over another one (`"447911123456" read as +447911123456…`).
    pub note: Option<String>,
}

/// Why text is not one participant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Refusal {
    /// Not a number, or not a valid one.
    Invalid(String),
    /// A whole number that reads as two different people.
    Ambiguous(String),
}

impl Participant {
    /// Reads a number as an operator writes it — `+1 (202) 555-0143`, `0044 20 7946 0958`,
    /// `5511987654321` (a wa_id: digits with their country code), or a national number such as
    /// `(202) 555-0143` when a default region is given — after [`phone_text::normalize`]
    /// (direction marks, no-break spaces, other scripts' digits).
    ///
    /// Digits without `+` or `00` can mean two people: a wa_id (`447911123456` is
    /// +447911123456) and a national number of the region (+49447911123456 in DE). When both
    /// readings are valid and differ, the error names both; when only the international one is
    /// valid though a region is set, it is taken with a note. Without a region, a plain
    /// 10-digit number is also weighed as a US or Canadian number. Spreadsheet artefacts
    /// (`491511234567.0`, `4.91511234567E+11`) are refused: their digits are not the number's.
    ///
    /// # Errors
    /// A [`ParticipantError`] saying why, with the readings and how to write each when the
    /// text is ambiguous.
    pub fn read(input: &str, region: Option<Region>) -> Result<Reading, ParticipantError> {
        let text = phone_text::normalize(input);
        read_plain(&text, region).map_err(|refusal| match refusal {
            Refusal::Invalid(reason) | Refusal::Ambiguous(reason) => {
                ParticipantError::new(input, reason)
            }
        })
    }
}

/// [`Participant::read`] of text already normalised, telling an ambiguous number (a whole
/// number, read two ways) from text that is no number.
pub(super) fn read_plain(text: &str, region: Option<Region>) -> Result<Reading, Refusal> {
    let invalid = |reason: &str| Refusal::Invalid(reason.to_owned());
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(invalid("empty"));
    }
    if let Some(reason) = spreadsheet_artefact(trimmed) {
        return Err(Refusal::Invalid(reason));
    }
    if let Some(bad) = trimmed
        .chars()
        .find(|c| !(c.is_ascii_digit() || " +-()./".contains(*c)))
    {
        return Err(Refusal::Invalid(if bad.is_alphabetic() {
            "letters are not allowed in a phone number".to_owned()
        } else {
            format!(
                "`{}` is not allowed in a phone number",
                bad.escape_default()
            )
        }));
    }
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < MIN_DIGITS {
        return Err(invalid("too short to be a phone number"));
    }
    if digits.len() > MAX_DIGITS {
        return Err(invalid("too long to be a phone number"));
    }
    if trimmed.matches('+').count() > 1 || (trimmed.contains('+') && !trimmed.starts_with('+')) {
        return Err(invalid("`+` may only start the number"));
    }
    if trimmed.starts_with('+') {
        return international(&digits).map(taken);
    }
    if let Some(intl) = digits.strip_prefix("00") {
        return international(intl).map(taken);
    }
    // The international reading is weighed for bare digits (a wa_id), and for a written
    // number whose first group is a country code (`44 7911 123456`).
    let plain_digits = trimmed.chars().all(|c| c.is_ascii_digit());
    let intl =
        (plain_digits || first_group_is_country_code(trimmed)).then(|| international(&digits));
    match region {
        Some(region) => with_region(trimmed, &digits, region, intl),
        None => without_region(trimmed, &digits, intl),
    }
}

fn taken(participant: Participant) -> Reading {
    Reading {
        participant,
        note: None,
    }
}

fn with_region(
    text: &str,
    digits: &str,
    region: Region,
    intl: Option<Result<Participant, Refusal>>,
) -> Result<Reading, Refusal> {
    let national = national(digits, region);
    match (national, intl) {
        (Some(n), Some(Ok(i))) if n != i => Err(Refusal::Ambiguous(two_readings(
            &i,
            &n,
            &format!("a national number in {region}"),
        ))),
        (Some(n), _) => Ok(taken(n)),
        (None, Some(Ok(i))) => Ok(Reading {
            note: Some(format!(
                "\"{}\" read as {i} (with its country code, +{}): it is not a valid number in {region}",
                super::text::sanitize(text),
                country_code(&i)
            )),
            participant: i,
        }),
        (None, Some(Err(_))) => Err(Refusal::Invalid(format!(
            "not a valid number in {region}, nor with a country code"
        ))),
        (None, None) => Err(Refusal::Invalid(format!("not a valid number in {region}"))),
    }
}

/// Without a default region, a number needs its country code; a 10-digit number is weighed
/// as a US or Canadian one too, the reading an operator most often means.
fn without_region(
    _text: &str,
    digits: &str,
    intl: Option<Result<Participant, Refusal>>,
) -> Result<Reading, Refusal> {
    const HOW: &str = "write it with + and the country code, or set a default region";
    let nanp = (digits.len() == 10)
        .then(|| "US".parse::<Region>().ok())
        .flatten()
        .and_then(|us| national(digits, us));
    match (intl, nanp) {
        (Some(Ok(i)), Some(n)) if i != n => Err(Refusal::Ambiguous(two_readings(
            &i,
            &n,
            "a US or Canadian number without its +1",
        ))),
        (Some(Ok(i)), _) => Ok(taken(i)),
        (Some(Err(Refusal::Invalid(reason) | Refusal::Ambiguous(reason))), Some(n)) => {
            Err(Refusal::Invalid(format!(
                "{reason}; if it is a US or Canadian number, write {n}"
            )))
        }
        (Some(Err(Refusal::Invalid(reason) | Refusal::Ambiguous(reason))), None) => {
            Err(Refusal::Invalid(format!("{reason}; {HOW}")))
        }
        (None, Some(n)) => Err(Refusal::Invalid(format!(
            "no country code: {HOW} (a US or Canadian number is {n})"
        ))),
        (None, None) => Err(Refusal::Invalid(format!("no country code: {HOW}"))),
    }
}

fn two_readings(intl: &Participant, national: &Participant, what: &str) -> String {
    format!(
        "reads two ways: {intl} (with its country code, +{}) or {national} ({what}); write the one meant with + and its country code",
        country_code(intl)
    )
}

/// The country calling code of an E.164 number, as the phone plan knows it.
fn country_code(p: &Participant) -> String {
    phonenumber::parse(None, p.e164())
        .map(|n| n.code().value().to_string())
        .unwrap_or_else(|_| p.wa_id().chars().take(1).collect())
}

/// `+digits`, valid, or in one of the forms WhatsApp still knows though the phone plan calls
/// them invalid (flagged by [`Participant::ambiguity`]).
fn international(digits: &str) -> Result<Participant, Refusal> {
    let parsed = phonenumber::parse(None, format!("+{digits}"))
        .map_err(|_| Refusal::Invalid("not a phone number".into()))?;
    if phonenumber::is_valid(&parsed) {
        return Ok(Participant::from_parsed(&parsed));
    }
    let as_written = Participant::from_wa_id(digits)
        .map_err(|_| Refusal::Invalid("not a phone number".into()))?;
    if as_written.ambiguity().is_some() {
        return Ok(as_written);
    }
    Err(Refusal::Invalid(format!(
        "not a valid number for country code +{}",
        parsed.code().value()
    )))
}

fn national(digits: &str, region: Region) -> Option<Participant> {
    let parsed = phonenumber::parse(Some(region.0), digits).ok()?;
    phonenumber::is_valid(&parsed).then(|| Participant::from_parsed(&parsed))
}

/// Whether the first group of digits of a written number (`44` of `44 7911 123456`) is a
/// country calling code.
fn first_group_is_country_code(text: &str) -> bool {
    let first = text
        .split(|c: char| !c.is_ascii_digit())
        .find(|g| !g.is_empty())
        .unwrap_or("");
    first.len() <= 3
        && !first.starts_with('0')
        && first
            .parse::<u16>()
            .is_ok_and(|code| phonenumber::metadata::DATABASE.by_code(&code).is_some())
}

/// Why text is a spreadsheet's rendering of a number rather than the number: a float's
/// decimals (`491511234567.0`) or scientific notation (`4.91511234567E+11`).
fn spreadsheet_artefact(text: &str) -> Option<String> {
    let body = text.strip_prefix('+').unwrap_or(text);
    if let Some((whole, decimals)) = body.split_once('.')
        && whole.len() >= 6
        && (1..=2).contains(&decimals.len())
        && whole.bytes().all(|b| b.is_ascii_digit())
        && decimals.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(format!(
            "a spreadsheet's decimal number (`.{decimals}` is not part of a phone number): format the column as text, or write the number without it"
        ));
    }
    let (mantissa, exponent) = body.split_once(['e', 'E'])?;
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let is_number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once(['.', ',']) {
        Some((a, b)) => is_number(a) && is_number(b),
        None => is_number(mantissa),
    };
    (mantissa_ok && is_number(exponent)).then(|| {
        "a number in scientific notation, as a spreadsheet shows a long number: its last digits may be lost; format the column as text and export it again".to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str) -> Option<Region> {
        code.parse().ok()
    }

    fn read(text: &str, r: Option<Region>) -> Result<(String, Option<String>), String> {
        Participant::read(text, r)
            .map(|got| (got.participant.e164().to_owned(), got.note))
            .map_err(|e| e.reason)
    }

    #[test]
    fn spreadsheet_artefacts_are_refused_with_the_reason() {
        for (text, r) in [
            ("491511234567.0", region("DE")),
            ("491511234567.0", None),
            ("+4915112345678.00", None),
            ("5511987654321.0", region("BR")),
            ("12025550143.0", region("US")),
        ] {
            let err = read(text, r).expect_err(text);
            assert!(err.contains("spreadsheet's decimal"), "{text}: {err}");
        }
        for text in [
            "4.91511234567E+11",
            "4.91511234567e+11",
            "4,91511234567E+11",
            "5.5119876543E+12",
            "1.2025550143E10",
            "4E+11",
        ] {
            let err = read(text, region("DE")).expect_err(text);
            assert!(err.contains("scientific notation"), "{text}: {err}");
        }
        // Dots as separators are a written number, not a decimal.
        assert_eq!(
            read("202.555.0143", region("US")),
            Ok(("+12025550143".into(), None))
        );
        assert_eq!(
            read("+49 151.12345678", None),
            Ok(("+4915112345678".into(), None))
        );
    }

    #[test]
    fn digits_that_read_two_ways_are_refused_with_both() {
        let cases = [
            ("447911123456", "DE", "+447911123456", "+49447911123456"),
            ("44 7911 123456", "DE", "+447911123456", "+49447911123456"),
            ("6465550143", "US", "+6465550143", "+16465550143"),
        ];
        for (text, r, intl, national) in cases {
            let err = read(text, region(r)).expect_err(text);
            assert!(err.starts_with("reads two ways"), "{text}: {err}");
            assert!(
                err.contains(intl) && err.contains(national),
                "{text}: {err}"
            );
            assert!(err.contains(&format!("a national number in {r}")), "{err}");
        }
        let err = read("6465550143", None).expect_err("two ways");
        assert_eq!(
            err,
            "reads two ways: +6465550143 (with its country code, +64) or +16465550143 (a US or Canadian number without its +1); write the one meant with + and its country code"
        );
    }

    #[test]
    fn one_valid_reading_is_taken_with_a_note_when_the_other_was_expected() {
        // A region is set, the national reading is not valid: the wa_id, with a note.
        let cases = [
            ("447911123456", "US", "+447911123456", "+44"),
            ("5511987654321", "US", "+5511987654321", "+55"),
            ("4915112345678", "GB", "+4915112345678", "+49"),
            ("919876543210", "BR", "+919876543210", "+91"),
            ("44 7911 123456", "US", "+447911123456", "+44"),
        ];
        for (text, r, want, code) in cases {
            let (got, note) = read(text, region(r)).expect(text);
            assert_eq!(got, want, "{text} in {r}");
            let note = note.expect("a note");
            assert!(note.contains(code), "{note}");
            assert!(
                note.contains(&format!("not a valid number in {r}")),
                "{note}"
            );
        }
        // The national reading as expected, the international one not valid: no note.
        let cases = [
            ("2025550143", "US", "+12025550143"),
            ("07911 123456", "GB", "+447911123456"),
            ("0151 12345678", "DE", "+4915112345678"),
            ("11 98765-4321", "BR", "+5511987654321"),
            ("(11) 98765-4321", "BR", "+5511987654321"),
            ("06 12 34 56 78", "FR", "+33612345678"),
            ("98765 43210", "IN", "+919876543210"),
            ("090-1234-5678", "JP", "+819012345678"),
            // The same person either way: the wa_id of a number of the region.
            ("4915112345678", "DE", "+4915112345678"),
            ("12025550143", "US", "+12025550143"),
            ("5511987654321", "BR", "+5511987654321"),
        ];
        for (text, r, want) in cases {
            assert_eq!(
                read(text, region(r)),
                Ok((want.into(), None)),
                "{text} in {r}"
            );
        }
    }

    #[test]
    fn without_a_region_a_number_needs_its_country_code() {
        assert_eq!(
            read("5511987654321", None),
            Ok(("+5511987654321".into(), None))
        );
        assert_eq!(
            read("447911123456", None),
            Ok(("+447911123456".into(), None))
        );
        let err = read("2025550143", None).expect_err("not a wa_id");
        assert!(
            err.contains("not a valid number for country code +20"),
            "{err}"
        );
        assert!(err.contains("write +12025550143"), "{err}");
        let err = read("(646) 555-0143", None).expect_err("no code");
        assert!(err.starts_with("no country code"), "{err}");
        assert!(err.contains("+16465550143"), "{err}");
        let err = read("07911 123456", None).expect_err("no code");
        assert!(err.starts_with("no country code"), "{err}");
    }

    #[test]
    fn pasted_text_reads_as_the_number_it_shows() {
        let cases = [
            ("\u{202A}+1 (201) 555-0171\u{202C}", None, "+12015550171"),
            ("\u{200F}+971 50 123 4567\u{200F}", None, "+971501234567"),
            ("+٩٧١ ٥٠ ١٢٣ ٤٥٦٧", None, "+971501234567"),
            ("۰۹۱۲ ۳۴۵ ۶۷۸۹", region("IR"), "+989123456789"),
            ("०९८७६५ ४३२१०", region("IN"), "+919876543210"),
            ("+৮৮০ ১৭১১-১২৩৪৫৬", None, "+8801711123456"),
            ("＋８１ ９０－１２３４－５６７８", None, "+819012345678"),
            ("+44\u{00A0}7911\u{202F}123456", None, "+447911123456"),
            ("0151\u{2013}12345678", region("DE"), "+4915112345678"),
            ("\u{FEFF}+55 11 98765\u{2011}4321", None, "+5511987654321"),
        ];
        for (text, r, want) in cases {
            assert_eq!(read(text, r), Ok((want.into(), None)), "{text:?}");
        }
    }
}
