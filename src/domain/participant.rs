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
    pub(super) fn new(input: &str, reason: impl Into<String>) -> Self {
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
    /// [`Participant::read`] without its note: for numbers whose reading cannot be in doubt
    /// (`+` and the country code), and for searching.
    ///
    /// # Errors
    /// As [`Participant::read`].
    pub fn parse(input: &str, region: Option<Region>) -> Result<Self, ParticipantError> {
        Self::read(input, region).map(|reading| reading.participant)
    }

    /// The number libphonenumber parsed, in E.164.
    pub(super) fn from_parsed(parsed: &phonenumber::PhoneNumber) -> Self {
        Participant {
            e164: e164_of(parsed),
        }
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
}
