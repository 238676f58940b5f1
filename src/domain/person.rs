//! Who a person is to the business: what is known of one WhatsApp user (phone, BSUID, parent
//! BSUID, username), the one key they are matched by, and how they are shown.
//!
//! Since 2026 Meta names a user to a business by a business-scoped user id (BSUID, `user_id`)
//! and, when they have one, a `username`; a user with a username may come without a phone
//! number (`groups-api-2026.md` §1.3, §1.10). Two records are one person when a strong key
//! matches: the phone (in any of WhatsApp's forms of it, [`phone_key`]) or the BSUID.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::Participant;
use super::number_forms::phone_key;

/// A business-scoped user id (BSUID, the Graph API's `user_id`): a country code of two capital
/// letters (ISO 3166 alpha-2, not checked against the list: Meta publishes none), a dot, then
/// 1 to 128 ASCII letters or digits, e.g. `US.13491208655302741918` (`groups-api-2026.md`
/// §1.10). Unique per user and business portfolio; it changes when the user changes number.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserId(String);

/// The most characters after the dot of a BSUID.
pub const MAX_BSUID_ID: usize = 128;

impl UserId {
    /// The BSUID `text` is, exactly (no trimming, no case changed), or why it is none.
    ///
    /// # Errors
    /// A one-line reason: the country code, the dot or the id part is not as Meta writes it.
    pub fn parse(text: &str) -> Result<UserId, String> {
        const FORM: &str = "a BSUID is a two-letter country code in capitals, a dot, then 1 to 128 letters or digits (US.13491208655302741918)";
        let Some((country, id)) = text.split_once('.') else {
            return Err(format!("no dot: {FORM}"));
        };
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!("`{}` is no country code: {FORM}", shown(country)));
        }
        if id.is_empty() || id.len() > MAX_BSUID_ID {
            return Err(format!(
                "its id has {} characters: {FORM}",
                id.chars().count()
            ));
        }
        if let Some(bad) = id.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(format!("`{}` in its id: {FORM}", bad.escape_default()));
        }
        Ok(UserId(text.to_owned()))
    }

    /// Whether operator text is meant as a BSUID rather than a phone number: two letters and
    /// a dot first (`US.…`, `us.…`), so that a mistyped one is refused as a BSUID, with the
    /// reason, and never read as a number.
    pub fn is_meant(text: &str) -> bool {
        let b = text.trim().as_bytes();
        b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1].is_ascii_alphabetic() && b[2] == b'.'
    }

    /// The BSUID as Meta writes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Text of an input, made safe and short for a message.
fn shown(text: &str) -> String {
    let safe = super::text::sanitize(text);
    if safe.chars().count() > 20 {
        safe.chars().take(20).collect::<String>() + "…"
    } else {
        safe
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UserId({})", self.0)
    }
}

impl FromStr for UserId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UserId::parse(s)
    }
}

impl TryFrom<String> for UserId {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        UserId::parse(&value)
    }
}

impl From<UserId> for String {
    fn from(value: UserId) -> Self {
        value.0
    }
}

/// The one key a person is matched and queued by: the phone's [`phone_key`] when the phone is
/// known, else the BSUID. Shown as its digits or the BSUID (digits never hold a dot, so the
/// two never meet).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Phone(String),
    User(UserId),
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Phone(digits) => f.write_str(digits),
            Key::User(id) => f.write_str(id.as_str()),
        }
    }
}

/// Whether two records are one person, as far as what they hold tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sameness {
    /// A strong key matches: the phone (in any of its forms) or the BSUID.
    Same,
    /// A strong key both records hold differs, and none matches.
    Different,
    /// They hold no strong key in common (a phone against a BSUID): no telling.
    Unknown,
}

/// What is known of one WhatsApp user: always a phone number or a BSUID (or both), maybe a
/// parent BSUID and a username. Built from what the server or the operator gave, never
/// guessed.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "PersonFields", into = "PersonFields")]
pub struct Person {
    phone: Option<Participant>,
    user_id: Option<UserId>,
    parent_user_id: Option<UserId>,
    username: Option<String>,
}

/// A person's fields as JSON carries them: `phone` (E.164), `user_id`, `parent_user_id`,
/// `username`, each left out when unknown.
#[derive(Serialize, Deserialize)]
struct PersonFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    phone: Option<Participant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user_id: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent_user_id: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    username: Option<String>,
}

impl TryFrom<PersonFields> for Person {
    type Error = String;

    fn try_from(f: PersonFields) -> Result<Self, Self::Error> {
        Person::known(f.phone, f.user_id)
            .map(|p| {
                p.with_parent_user_id(f.parent_user_id)
                    .with_username(f.username)
            })
            .ok_or_else(|| "a person needs a wa_id or a user_id".to_owned())
    }
}

impl From<Person> for PersonFields {
    fn from(p: Person) -> Self {
        PersonFields {
            phone: p.phone,
            user_id: p.user_id,
            parent_user_id: p.parent_user_id,
            username: p.username,
        }
    }
}

impl From<Participant> for Person {
    fn from(phone: Participant) -> Self {
        Person::by_phone(phone)
    }
}

impl From<UserId> for Person {
    fn from(id: UserId) -> Self {
        Person::by_user_id(id)
    }
}

impl Person {
    /// Someone known by their phone number only.
    pub fn by_phone(phone: Participant) -> Person {
        Person {
            phone: Some(phone),
            user_id: None,
            parent_user_id: None,
            username: None,
        }
    }

    /// Someone known by their BSUID only.
    pub fn by_user_id(id: UserId) -> Person {
        Person {
            phone: None,
            user_id: Some(id),
            parent_user_id: None,
            username: None,
        }
    }

    /// Someone known by a phone, a BSUID or both; `None` with neither (nothing to match on).
    pub fn known(phone: Option<Participant>, user_id: Option<UserId>) -> Option<Person> {
        (phone.is_some() || user_id.is_some()).then_some(Person {
            phone,
            user_id,
            parent_user_id: None,
            username: None,
        })
    }

    /// The same person with this username (server text, already made safe); an empty one is
    /// none.
    pub fn with_username(mut self, username: Option<String>) -> Person {
        self.username = username.filter(|u| !u.trim().is_empty());
        self
    }

    /// The same person with this parent BSUID (linked portfolios).
    pub fn with_parent_user_id(mut self, parent: Option<UserId>) -> Person {
        self.parent_user_id = parent;
        self
    }

    /// The phone number, when known.
    pub fn phone(&self) -> Option<&Participant> {
        self.phone.as_ref()
    }

    /// The BSUID, when known.
    pub fn user_id(&self) -> Option<&UserId> {
        self.user_id.as_ref()
    }

    pub fn parent_user_id(&self) -> Option<&UserId> {
        self.parent_user_id.as_ref()
    }

    /// The WhatsApp username, when known.
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }

    /// The one key this person is matched and queued by (see [`Key`]): two records with the
    /// same key are one person; a phone written in two of WhatsApp's forms has one key.
    pub fn key(&self) -> Key {
        match (&self.phone, &self.user_id) {
            (Some(phone), _) => Key::Phone(phone_key(phone.wa_id()).into_owned()),
            (None, Some(id)) => Key::User(id.clone()),
            // Unreachable by construction (every constructor needs one of the two); an empty
            // phone key matches no one.
            (None, None) => Key::Phone(String::new()),
        }
    }

    /// The phone's key ([`phone_key`]), when the phone is known.
    pub fn phone_key(&self) -> Option<String> {
        self.phone
            .as_ref()
            .map(|p| phone_key(p.wa_id()).into_owned())
    }

    /// Whether `other` is the same person: a strong key both hold matches (the same person,
    /// whatever else differs), or differs (someone else), or they hold none in common.
    pub fn sameness(&self, other: &Person) -> Sameness {
        let phones = match (&self.phone, &other.phone) {
            (Some(a), Some(b)) => Some(phone_key(a.wa_id()) == phone_key(b.wa_id())),
            _ => None,
        };
        let users = match (&self.user_id, &other.user_id) {
            (Some(a), Some(b)) => Some(a == b),
            _ => None,
        };
        match (phones, users) {
            (Some(true), _) | (_, Some(true)) => Sameness::Same,
            (None, None) => Sameness::Unknown,
            _ => Sameness::Different,
        }
    }

    /// Whether `other` is surely this person.
    pub fn is(&self, other: &Person) -> bool {
        self.sameness(other) == Sameness::Same
    }

    /// This record with what `other` (the same person) knows besides: a phone, BSUID, parent
    /// BSUID or username this one lacks. What this one holds is kept.
    pub fn completed_by(mut self, other: &Person) -> Person {
        self.phone = self.phone.or_else(|| other.phone.clone());
        self.user_id = self.user_id.or_else(|| other.user_id.clone());
        self.parent_user_id = self.parent_user_id.or_else(|| other.parent_user_id.clone());
        self.username = self.username.or_else(|| other.username.clone());
        self
    }

    /// The person in one token: the phone in E.164 when known, else the BSUID. What the Graph
    /// API's `user` field carries for them, and what one-column outputs (CSV, JSON, the audit
    /// trail) show.
    pub fn user_ref(&self) -> &str {
        match (&self.phone, &self.user_id) {
            (Some(phone), _) => phone.e164(),
            (None, Some(id)) => id.as_str(),
            (None, None) => "",
        }
    }

    /// How a person is shown everywhere: the phone when known, else the BSUID, then
    /// `@username` when known: `+5511987654321 @ana.k42`, `US.13491208655302741918 @nora_b7`,
    /// `+12025550143`.
    pub fn label(&self) -> String {
        match &self.username {
            Some(name) => format!("{} @{name}", self.user_ref()),
            None => self.user_ref().to_owned(),
        }
    }

    /// How a person is shown in a narrow row of the app: as [`Person::label`], but one known
    /// without a phone with the username first (`@nora_b7 US.13491208655302741918`), so that a
    /// row cut at its end still shows the one readable name.
    pub fn row_label(&self) -> String {
        match (&self.phone, &self.username) {
            (None, Some(name)) => format!("@{name} {}", self.user_ref()),
            _ => self.label(),
        }
    }

    /// Whether this person is the one a search asks for: the same phone (in any of its
    /// forms), the same BSUID, or the username (`@` optional, any case).
    pub fn answers(&self, query: &Query) -> bool {
        match query {
            Query::Phone(phone) => self
                .phone
                .as_ref()
                .is_some_and(|p| phone_key(p.wa_id()) == phone_key(phone.wa_id())),
            Query::User(id) => self.user_id.as_ref() == Some(id),
            Query::Username(name) => self
                .username
                .as_deref()
                .is_some_and(|u| u.eq_ignore_ascii_case(name)),
        }
    }
}

impl fmt::Display for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

impl fmt::Debug for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Person({}", self.user_ref())?;
        if let (Some(_), Some(id)) = (&self.phone, &self.user_id) {
            write!(f, " {id}")?;
        }
        if let Some(name) = &self.username {
            write!(f, " @{name}")?;
        }
        f.write_str(")")
    }
}

/// What a person search asks for: a phone number, a BSUID or a username.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Query {
    Phone(Participant),
    User(UserId),
    /// Without its `@`.
    Username(String),
}

impl Query {
    /// A search for `username` (an `@` before it is dropped); `None` for text that cannot be
    /// a WhatsApp username (3 to 35 letters, digits, `.` and `_`, with a letter).
    pub fn username(text: &str) -> Option<Query> {
        let name = text.trim().trim_start_matches('@');
        let ok = (3..=35).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
            && name.bytes().any(|b| b.is_ascii_alphabetic());
        ok.then(|| Query::Username(name.to_owned()))
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Query::Phone(p) => write!(f, "{p}"),
            Query::User(id) => write!(f, "{id}"),
            Query::Username(name) => write!(f, "@{name}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn phone(wa_id: &str) -> Person {
        Person::by_phone(Participant::from_wa_id(wa_id).expect("wa_id"))
    }

    fn user(id: &str) -> Person {
        Person::by_user_id(UserId::parse(id).expect("bsuid"))
    }

    #[test]
    fn bsuids_are_read_exactly_as_meta_writes_them() {
        for good in [
            "US.13491208655302741918",
            "BR.1",
            "GB.abcDEF123",
            &format!("IN.{}", "9".repeat(128)),
        ] {
            assert_eq!(
                UserId::parse(good).map(|u| u.as_str().to_owned()),
                Ok(good.to_owned())
            );
        }
        for (bad, why) in [
            ("us.123", "no country code"),
            ("USA.1", "no country code"),
            ("U1.1", "no country code"),
            ("US.", "0 characters"),
            ("US", "no dot"),
            ("US.12-3", "`-` in its id"),
            ("US.12 3", "` ` in its id"),
            ("US.1.2", "`.` in its id"),
            (&format!("US.{}", "1".repeat(129)), "129 characters"),
        ] {
            let err = UserId::parse(bad).expect_err(bad);
            assert!(err.contains(why), "{bad}: {err}");
            assert!(!err.contains('\n'));
        }
        assert!(UserId::is_meant("us.123") && UserId::is_meant(" US.1"));
        assert!(
            !UserId::is_meant("+1 202")
                && !UserId::is_meant("06.12.34")
                && !UserId::is_meant("ana.k")
        );
    }

    #[test]
    fn a_phone_in_either_of_its_forms_is_one_person() {
        assert!(phone("551187654321").is(&phone("5511987654321")));
        assert!(phone("5215512345678").is(&phone("525512345678")));
        assert!(phone("541123456789").is(&phone("5491123456789")));
        assert_eq!(
            phone("12025550143").sameness(&phone("12025550144")),
            Sameness::Different
        );
        assert_eq!(phone("551187654321").key(), phone("5511987654321").key());
    }

    #[test]
    fn any_strong_key_decides_and_none_in_common_tells_nothing() {
        let both = Person::known(
            Participant::from_wa_id("12025550143").ok(),
            UserId::parse("US.1").ok(),
        )
        .expect("known");
        assert!(both.is(&phone("12025550143")));
        assert!(both.is(&user("US.1")));
        assert_eq!(both.sameness(&user("US.2")), Sameness::Different);
        assert_eq!(
            phone("12025550143").sameness(&user("US.1")),
            Sameness::Unknown
        );
        // A matching BSUID makes one person even when the phones differ.
        let moved = Person::known(
            Participant::from_wa_id("12025550199").ok(),
            UserId::parse("US.1").ok(),
        );
        assert!(moved.is_some_and(|m| m.is(&both)));
        assert!(Person::known(None, None).is_none());
    }

    #[test]
    fn a_person_is_shown_by_phone_or_bsuid_and_username() {
        assert_eq!(phone("12025550143").label(), "+12025550143");
        let named = phone("5511987654321").with_username(Some("ana.k42".into()));
        assert_eq!(named.label(), "+5511987654321 @ana.k42");
        let hidden = user("US.13491208655302741918").with_username(Some("nora_b7".into()));
        assert_eq!(hidden.label(), "US.13491208655302741918 @nora_b7");
        assert_eq!(hidden.user_ref(), "US.13491208655302741918");
        let both = Person::known(
            Participant::from_wa_id("12025550143").ok(),
            UserId::parse("US.9").ok(),
        )
        .expect("known");
        assert_eq!(
            both.label(),
            "+12025550143",
            "the phone when known, not the BSUID"
        );
        assert_eq!(
            user("US.1").with_username(Some("  ".into())).username(),
            None
        );
    }

    #[test]
    fn searches_find_by_phone_form_bsuid_or_username() {
        let p = Person::known(
            Participant::from_wa_id("5511987654321").ok(),
            UserId::parse("BR.77").ok(),
        )
        .expect("known")
        .with_username(Some("Ana.K42".into()));
        let old_form = Participant::from_wa_id("551187654321").expect("wa_id");
        assert!(p.answers(&Query::Phone(old_form)));
        assert!(p.answers(&Query::User(UserId::parse("BR.77").expect("bsuid"))));
        assert!(p.answers(&Query::username("@ana.k42").expect("username")));
        assert!(!p.answers(&Query::username("ana.k4").expect("username")));
        assert_eq!(Query::username("12345"), None);
        assert_eq!(Query::username("a b"), None);
    }

    #[test]
    fn json_carries_every_field_and_needs_a_phone_or_a_bsuid() {
        let p = Person::known(
            Participant::from_wa_id("12025550143").ok(),
            UserId::parse("US.1").ok(),
        )
        .expect("known")
        .with_username(Some("ana".into()));
        let json = serde_json::to_value(&p).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"phone": "+12025550143", "user_id": "US.1", "username": "ana"})
        );
        assert_eq!(serde_json::from_value::<Person>(json).ok(), Some(p));
        assert!(serde_json::from_value::<Person>(serde_json::json!({"username": "ana"})).is_err());
        assert!(serde_json::from_value::<Person>(serde_json::json!({"user_id": "nope"})).is_err());
    }

    fn bsuid() -> impl Strategy<Value = UserId> {
        "[A-Z]{2}\\.[A-Za-z0-9]{1,30}".prop_map(|s| UserId::parse(&s).expect("generated bsuid"))
    }

    proptest! {
        #[test]
        fn a_bsuid_matches_only_itself(a in bsuid(), b in bsuid(), n in 0u32..10_000) {
            let pa = Person::by_user_id(a.clone());
            prop_assert!(pa.is(&Person::by_user_id(a.clone())));
            prop_assert_eq!(pa.is(&Person::by_user_id(b.clone())), a == b);
            let by_phone = phone(&format!("1202555{n:04}"));
            prop_assert_eq!(pa.sameness(&by_phone), Sameness::Unknown, "a phone is never a BSUID");
            prop_assert_ne!(pa.key(), by_phone.key());
        }

        #[test]
        fn bsuid_text_round_trips(id in bsuid()) {
            prop_assert_eq!(UserId::parse(id.as_str()), Ok(id.clone()));
            prop_assert!(UserId::is_meant(id.as_str()));
        }

        #[test]
        fn parsing_any_text_never_panics(text in "\\PC{0,200}") {
            let _ = UserId::parse(&text);
            let _ = UserId::is_meant(&text);
            let _ = Query::username(&text);
        }
    }
}
