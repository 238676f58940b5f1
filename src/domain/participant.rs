//! Participant ids: what operators type or paste, normalised to E.164 (and its wa_id).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Region;

/// A group participant, held as an E.164 number (`+` and digits). Its WhatsApp id (`wa_id`)
/// is the same digits without the `+`; members are compared by it.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Participant {
    e164: String,
}

/// Why a piece of text is not a participant. Displays as `"<input>": <reason>`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("\"{input}\": {reason}")]
pub struct ParticipantError {
    pub input: String,
    pub reason: String,
}

impl ParticipantError {
    fn new(input: &str, reason: impl Into<String>) -> Self {
        let mut shown: String = super::text::sanitize(input.trim());
        if shown.chars().count() > 40 {
            shown = shown.chars().take(40).collect::<String>() + "…";
        }
        ParticipantError {
            input: shown,
            reason: reason.into(),
        }
    }
}

impl Participant {
    /// Reads a number as an operator writes it: `+1 (555) 123-4567`, `0044 20 7946 0958`,
    /// `5511987654321` (a wa_id: digits with their country code), or a national number such as
    /// `(202) 555-0143` when a default region is given. The result must be a valid number.
    pub fn parse(input: &str, region: Option<Region>) -> Result<Self, ParticipantError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(ParticipantError::new(input, "empty"));
        }
        if let Some(bad) = trimmed
            .chars()
            .find(|c| !(c.is_ascii_digit() || " +-().\u{a0}/".contains(*c)))
        {
            let what = if bad.is_alphabetic() {
                "letters are not allowed in a phone number".to_string()
            } else {
                format!(
                    "`{}` is not allowed in a phone number",
                    bad.escape_default()
                )
            };
            return Err(ParticipantError::new(input, what));
        }
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        if digits.len() < 7 {
            return Err(ParticipantError::new(
                input,
                "too short to be a phone number",
            ));
        }
        if digits.len() > 17 {
            return Err(ParticipantError::new(
                input,
                "too long to be a phone number",
            ));
        }
        if trimmed.matches('+').count() > 1 || (trimmed.contains('+') && !trimmed.starts_with('+'))
        {
            return Err(ParticipantError::new(
                input,
                "`+` may only start the number",
            ));
        }

        let international = if trimmed.starts_with('+') {
            Some(digits.clone())
        } else {
            digits.strip_prefix("00").map(str::to_owned)
        };
        if let Some(intl) = international {
            return Self::from_international(input, &intl);
        }

        let plain_digits = trimmed.chars().all(|c| c.is_ascii_digit());
        match region {
            Some(region) => match Self::from_national(&digits, region) {
                Some(found) => Ok(found),
                // Bare digits that are not a national number may be a wa_id.
                None if plain_digits => Self::from_international(input, &digits).map_err(|_| {
                    ParticipantError::new(
                        input,
                        format!("not a valid number in {region}, nor with a country code"),
                    )
                }),
                None => Err(ParticipantError::new(
                    input,
                    format!("not a valid number in {region}"),
                )),
            },
            None if plain_digits => Self::from_international(input, &digits).map_err(|e| {
                ParticipantError::new(
                    input,
                    format!(
                        "{}; write it with + and the country code, or set a default region",
                        e.reason
                    ),
                )
            }),
            None => Err(ParticipantError::new(
                input,
                "no country code: write it with + and the country code, or set a default region",
            )),
        }
    }

    fn from_international(input: &str, digits: &str) -> Result<Self, ParticipantError> {
        let parsed = phonenumber::parse(None, format!("+{digits}"))
            .map_err(|_| ParticipantError::new(input, "not a phone number"))?;
        if phonenumber::is_valid(&parsed) {
            return Ok(Participant {
                e164: e164_of(&parsed),
            });
        }
        // The forms WhatsApp still knows though libphonenumber calls them invalid are taken,
        // and flagged by `ambiguity`.
        let e164 = Participant {
            e164: format!("+{digits}"),
        };
        if e164.ambiguity().is_none() {
            let code = parsed.code().value();
            return Err(ParticipantError::new(
                input,
                format!("not a valid number for country code +{code}"),
            ));
        }
        Ok(e164)
    }

    fn from_national(digits: &str, region: Region) -> Option<Self> {
        let parsed = phonenumber::parse(Some(region.0), digits).ok()?;
        phonenumber::is_valid(&parsed).then(|| Participant {
            e164: e164_of(&parsed),
        })
    }

    /// Takes a wa_id or E.164 number as the server reports it (`15551234567`), without judging
    /// whether the number is valid: the server's word on who is a member is the truth.
    pub fn from_wa_id(wa_id: &str) -> Result<Self, ParticipantError> {
        let digits = wa_id.trim().trim_start_matches('+');
        if digits.len() < 5
            || digits.len() > 17
            || !digits.chars().all(|c| c.is_ascii_digit())
            || digits.starts_with('0')
        {
            return Err(ParticipantError::new(wa_id, "not a WhatsApp id"));
        }
        Ok(Participant {
            e164: format!("+{digits}"),
        })
    }

    /// The number in E.164: `+15551234567`.
    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// The WhatsApp id: the E.164 digits without `+`.
    pub fn wa_id(&self) -> &str {
        &self.e164[1..]
    }

    /// A warning when this number is written in a form that WhatsApp may know under another
    /// form (the traps reported by operators); the number is never rewritten silently.
    pub fn ambiguity(&self) -> Option<&'static str> {
        let digits = self.wa_id();
        if let Some(rest) = digits.strip_prefix("55") {
            // Brazil: mobiles carry a ninth digit (9) after the two-digit area code.
            if rest.len() == 10 && matches!(rest.as_bytes()[2], b'6'..=b'9') {
                return Some(
                    "Brazilian mobile without the ninth digit: WhatsApp may know it with a 9 after the area code",
                );
            }
        } else if digits.starts_with("549") {
            return Some(
                "Argentine mobile written with 9 after +54: check which form the person's WhatsApp uses",
            );
        } else if digits.starts_with("521") && digits.len() == 13 {
            return Some(
                "Mexican mobile written with the old 1 after +52: WhatsApp may know it without it",
            );
        }
        None
    }
}

impl fmt::Display for Participant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.e164)
    }
}

impl fmt::Debug for Participant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Participant({})", self.e164)
    }
}

impl TryFrom<String> for Participant {
    type Error = ParticipantError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Participant::from_wa_id(&value)
    }
}

impl From<Participant> for String {
    fn from(value: Participant) -> Self {
        value.e164
    }
}

/// The number in E.164, written directly: the crate's formatter matches the country's
/// formatting patterns first even for E.164, which costs as much as the parse itself.
fn e164_of(parsed: &phonenumber::PhoneNumber) -> String {
    format!("+{}{}", parsed.code().value(), parsed.national())
}

/// Splits pasted text into the pieces that should each be one number. Separators are commas,
/// semicolons and line breaks; within a piece, spaces separate numbers unless the whole piece
/// reads as one number (`+1 555 123 4567`) — several `+` always start several numbers.
pub fn split_list(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    for chunk in text.split([',', ';', '\n', '\r', '\t']) {
        let chunk = chunk.trim();
        if chunk.is_empty() {
            continue;
        }
        if chunk.matches('+').count() > 1 {
            let mut start = 0;
            for (i, _) in chunk.match_indices('+').skip(1) {
                pieces.push(chunk[start..i].trim());
                start = i;
            }
            pieces.push(chunk[start..].trim());
        } else if !chunk.contains(' ') || looks_like_one_number(chunk) {
            pieces.push(chunk);
        } else {
            pieces.extend(chunk.split_whitespace());
        }
    }
    pieces
}

fn looks_like_one_number(chunk: &str) -> bool {
    let groups: Vec<&str> = chunk.split_whitespace().collect();
    let digits: usize = chunk.chars().filter(char::is_ascii_digit).count();
    let full_length = groups
        .iter()
        .filter(|g| g.chars().filter(char::is_ascii_digit).count() >= 7)
        .count();
    if full_length >= 2 {
        // "+12122000003 12122000004": two whole numbers side by side.
        return false;
    }
    // "+1 555 123 4567", "(202) 555-0143", "0044 20 7946 0958": short groups adding up to
    // one number's length. Several full-length numbers separated by spaces are several.
    chunk.starts_with('+')
        || chunk.starts_with('(')
        || (digits <= 15
            && groups
                .iter()
                .all(|g| g.chars().filter(char::is_ascii_digit).count() < 7))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us() -> Option<Region> {
        "US".parse().ok()
    }

    #[test]
    fn human_formats_become_e164() {
        let cases = [
            ("+1 (202) 555-0143", None, "+12025550143"),
            ("+44 20 7946 0958", None, "+442079460958"),
            ("0044 20 7946 0958", None, "+442079460958"),
            ("5511987654321", None, "+5511987654321"),
            ("(202) 555-0143", us(), "+12025550143"),
            ("2025550143", us(), "+12025550143"),
            ("447911123456", us(), "+447911123456"),
            // Italy keeps the leading zero of the national number in E.164.
            ("+39 06 6982 1234", None, "+390669821234"),
        ];
        for (input, region, want) in cases {
            let got = Participant::parse(input, region);
            assert_eq!(got.as_ref().map(Participant::e164), Ok(want), "{input}");
        }
    }

    #[test]
    fn wa_id_is_digits_without_plus() {
        let p = Participant::parse("+5511987654321", None).expect("valid");
        assert_eq!(p.wa_id(), "5511987654321");
        assert_eq!(Participant::from_wa_id("5511987654321"), Ok(p));
    }

    #[test]
    fn bad_input_says_why() {
        let err = Participant::parse("abc", None).expect_err("letters");
        assert_eq!(
            err.to_string(),
            "\"abc\": letters are not allowed in a phone number"
        );
        let err = Participant::parse("12345", None).expect_err("short");
        assert!(err.reason.contains("too short"), "{err}");
        let err = Participant::parse("(202) 555-0143", None).expect_err("no region");
        assert!(err.reason.contains("country code"), "{err}");
        let err = Participant::parse("+1 555 123 4567", None).expect_err("invalid");
        assert!(err.reason.contains("not a valid number"), "{err}");
        let err = Participant::parse("+1+2025550143", None).expect_err("two plus");
        assert!(err.reason.contains('+'), "{err}");
    }

    #[test]
    fn ambiguous_forms_are_flagged_not_rewritten() {
        let br = Participant::parse("+55 11 8765-4321", None).expect("valid old-form");
        assert_eq!(br.e164(), "+551187654321");
        assert!(br.ambiguity().is_some());
        let br9 = Participant::parse("+55 11 98765-4321", None).expect("valid");
        assert!(br9.ambiguity().is_none());
        let mx = Participant::parse("+52 1 55 1234 5678", None).expect("old Mexican form");
        assert!(mx.ambiguity().is_some());
        let us = Participant::parse("+1 202 555 0143", None).expect("valid");
        assert!(us.ambiguity().is_none());
    }

    #[test]
    fn pasted_lists_split_sensibly() {
        assert_eq!(
            split_list("+1 202 555 0143, +44 20 7946 0958\n2025550199"),
            vec!["+1 202 555 0143", "+44 20 7946 0958", "2025550199"]
        );
        assert_eq!(
            split_list("+12025550143 +442079460958"),
            vec!["+12025550143", "+442079460958"]
        );
        assert_eq!(
            split_list("2025550143 2025550199"),
            vec!["2025550143", "2025550199"]
        );
        assert_eq!(split_list("(202) 555-0143"), vec!["(202) 555-0143"]);
        assert_eq!(
            split_list("+12122000003 12122000004"),
            vec!["+12122000003", "12122000004"]
        );
        assert_eq!(split_list("+55 11 98765-4321"), vec!["+55 11 98765-4321"]);
        assert!(split_list(" ,\n ").is_empty());
    }
}
