//! People as a business sees them since 2026: a phone number (`wa_id`), a business-scoped user
//! id (BSUID, `user_id`), maybe a parent BSUID and a `username`, and whether the phone may be
//! shown (`groups-api-2026.md` §1.10, from Meta's "Business-scoped user IDs" page).

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// One WhatsApp user as the sandbox's business sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    /// The phone number as digits (what Meta calls `wa_id`); the sandbox always knows it,
    /// even when it is not shown.
    pub wa_id: String,
    /// The BSUID: an ISO 3166 country code, a dot and 20 digits, e.g. `US.13491208655302741918`;
    /// stable for one phone number and one business.
    pub user_id: String,
    /// The parent BSUID (same form), only when parent BSUIDs are enabled
    /// (`SandboxConfig::parent_user_ids`).
    pub parent_user_id: Option<String>,
    /// The WhatsApp username, when the user has one (e.g. `ana.k42`).
    pub username: Option<String>,
    /// True when `wa_id` is left out of group info, join requests and webhooks: a user with a
    /// username who has had no contact with the business (§1.10).
    pub phone_hidden: bool,
}

impl Person {
    /// The identity fields as Meta writes them in participants, join requests and webhooks:
    /// `wa_id` (left out when hidden), `user_id`, `parent_user_id` and `username` (when any).
    pub fn identity_json(&self) -> Map<String, Value> {
        let mut fields = Map::new();
        if !self.phone_hidden {
            fields.insert("wa_id".into(), json!(self.wa_id));
        }
        fields.insert("user_id".into(), json!(self.user_id));
        if let Some(parent) = &self.parent_user_id {
            fields.insert("parent_user_id".into(), json!(parent));
        }
        if let Some(username) = &self.username {
            fields.insert("username".into(), json!(username));
        }
        fields
    }
}

/// Who a `user` of a request names: a phone number (as a wa_id) or a BSUID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserRef {
    Phone(String),
    Bsuid(String),
}

impl UserRef {
    /// `+digits` or digits (7 to 15, not starting with 0), or a BSUID; `None` for anything else.
    pub fn parse(text: &str) -> Option<UserRef> {
        if is_bsuid(text) {
            return Some(UserRef::Bsuid(text.to_owned()));
        }
        normalise_phone(text).map(UserRef::Phone)
    }
}

/// A phone number as sent (`+digits` or digits, 7..=15 digits, first digit not 0) as a wa_id.
pub fn normalise_phone(user: &str) -> Option<String> {
    let digits = user.strip_prefix('+').unwrap_or(user);
    let valid = (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    valid.then(|| digits.to_owned())
}

/// `CC.` then 1 to 128 letters or digits, CC two capital letters (§1.10).
pub fn is_bsuid(text: &str) -> bool {
    let Some((country, rest)) = text.split_once('.') else {
        return false;
    };
    country.len() == 2
        && country.bytes().all(|b| b.is_ascii_uppercase())
        && (1..=128).contains(&rest.len())
        && rest.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A WhatsApp username as the hooks accept it: 3 to 30 of `a-z 0-9 . _`, starting with a letter.
pub fn is_username(text: &str) -> bool {
    (3..=30).contains(&text.len())
        && text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_')
}

/// What the sandbox knows about one user beyond the derived defaults.
#[derive(Clone, Debug, Default)]
struct Profile {
    username: Option<String>,
    phone_hidden: Option<bool>,
}

/// Share of users who have a username when nothing else says.
const USERNAME_SHARE: f64 = 0.3;

const NAMES: &[&str] = &[
    "ana", "ben", "chloe", "dev", "emma", "farid", "grace", "hugo", "ines", "jon", "kai", "lena",
    "mateo", "nora", "omar", "priya", "quinn", "rosa", "sam", "tariq", "uma", "vic", "wen", "yara",
];

/// Every user's identity, derived from their phone number, the business and the seed, unless a
/// hook or a call said otherwise.
#[derive(Debug)]
pub struct People {
    business: String,
    seed: u64,
    hidden_rate: f64,
    parent_ids: bool,
    profiles: HashMap<String, Profile>,
    /// Phone numbers the business itself sent (adds): shown from then on.
    known_phones: HashSet<String>,
    user_ids: HashMap<String, String>,
}

impl People {
    /// `hidden_rate`: share of users (those not otherwise known) whose phone is hidden.
    pub fn new(business: &str, seed: u64, hidden_rate: f64, parent_ids: bool) -> Self {
        Self {
            business: business.to_owned(),
            seed,
            hidden_rate: if hidden_rate.is_nan() {
                0.0
            } else {
                hidden_rate.clamp(0.0, 1.0)
            },
            parent_ids,
            profiles: HashMap::new(),
            known_phones: HashSet::new(),
            user_ids: HashMap::new(),
        }
    }

    /// The whole identity of the user with this wa_id.
    pub fn person(&mut self, wa_id: &str) -> Person {
        let user_id = self.user_id(wa_id);
        let derived_hidden = unit(mix(self.seed, wa_id, 1)) < self.hidden_rate;
        let profile = self.profiles.get(wa_id).cloned().unwrap_or_default();
        let hidden = profile.phone_hidden.unwrap_or(derived_hidden);
        let username = profile.username.or_else(|| {
            let has = hidden || unit(mix(self.seed, wa_id, 2)) < USERNAME_SHARE;
            has.then(|| derived_username(mix(self.seed, wa_id, 3)))
        });
        let phone_hidden = hidden && username.is_some() && !self.known_phones.contains(wa_id);
        Person {
            wa_id: wa_id.to_owned(),
            parent_user_id: self
                .parent_ids
                .then(|| bsuid(wa_id, "parent-portfolio", country_of(wa_id))),
            user_id,
            username,
            phone_hidden,
        }
    }

    /// The BSUID of a wa_id (computed once, then remembered).
    pub fn user_id(&mut self, wa_id: &str) -> String {
        if let Some(id) = self.user_ids.get(wa_id) {
            return id.clone();
        }
        let id = bsuid(wa_id, &self.business, country_of(wa_id));
        self.user_ids.insert(wa_id.to_owned(), id.clone());
        id
    }

    /// Sets what a hook or test says of a user: their username and whether the phone is hidden
    /// (`None` keeps what was known or derived).
    pub fn set_profile(&mut self, wa_id: &str, username: Option<&str>, phone_hidden: Option<bool>) {
        let profile = self.profiles.entry(wa_id.to_owned()).or_default();
        if let Some(name) = username {
            profile.username = Some(name.to_owned());
        }
        if phone_hidden.is_some() {
            profile.phone_hidden = phone_hidden;
        }
    }

    /// The business sent this phone number itself (an add): it is shown from now on.
    pub fn mark_phone_known(&mut self, wa_id: &str) {
        self.known_phones.insert(wa_id.to_owned());
    }

    /// The member of `members` this reference names, if any (a BSUID is matched against each).
    pub fn find_member<'a>(
        &mut self,
        user: &UserRef,
        members: impl IntoIterator<Item = &'a String>,
    ) -> Option<String> {
        let mut members = members.into_iter();
        match user {
            UserRef::Phone(wa_id) => members.find(|m| *m == wa_id).cloned(),
            UserRef::Bsuid(id) => members.find(|m| self.user_id(m) == *id).cloned(),
        }
    }
}

/// The ISO country of a wa_id (`US`, `GB`, `BR`…), `ZZ` when the number has none.
fn country_of(wa_id: &str) -> String {
    let parsed = phonenumber::parse(None, format!("+{wa_id}"));
    let Ok(number) = parsed else {
        return "ZZ".to_owned();
    };
    if let Some(id) = number.country().id() {
        let code: &str = id.as_ref();
        return code.to_owned();
    }
    let code = number.country().code();
    phonenumber::metadata::DATABASE
        .region(&code)
        .and_then(|regions| regions.first().map(|r| (*r).to_owned()))
        .unwrap_or_else(|| "ZZ".to_owned())
}

/// `CC.` and 20 digits from SHA-256 of the scope and the wa_id.
fn bsuid(wa_id: &str, scope: &str, country: String) -> String {
    let digest = Sha256::digest(format!("bsuid:{scope}:{wa_id}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    let n = u128::from_be_bytes(bytes);
    let lowest = 10u128.pow(19);
    format!("{country}.{}", lowest + n % (9 * lowest))
}

/// A username such as `nora.k42` from a hash.
fn derived_username(h: u64) -> String {
    let name = NAMES[(h % NAMES.len() as u64) as usize];
    let initial = char::from(b'a' + ((h >> 16) % 26) as u8);
    let sep = if (h >> 24) & 1 == 0 { '.' } else { '_' };
    format!("{name}{sep}{initial}{}", (h >> 32) % 100)
}

/// A stable 64-bit mix of the seed, a wa_id and a purpose (FNV-1a, then splitmix64's finaliser).
fn mix(seed: u64, wa_id: &str, purpose: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed.rotate_left(7) ^ purpose;
    for b in wa_id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// A hash as a number in 0..1.
fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bsuids_have_meta_form_and_are_stable_per_phone_and_business() {
        let mut a = People::new("100000000000001", 1, 0.0, false);
        let mut b = People::new("100000000000001", 9, 0.5, true);
        let mut other = People::new("100000000000002", 1, 0.0, false);
        for (wa_id, country) in [
            ("12125550143", "US"),
            ("447400123456", "GB"),
            ("5511987654321", "BR"),
            ("4915112345678", "DE"),
            ("919876543210", "IN"),
            ("14165550143", "CA"),
        ] {
            let id = a.user_id(wa_id);
            assert!(is_bsuid(&id), "{id}");
            assert!(id.starts_with(&format!("{country}.")), "{wa_id}: {id}");
            assert_eq!(id.len(), 23);
            assert_eq!(b.user_id(wa_id), id, "the seed does not change a BSUID");
            assert_ne!(other.user_id(wa_id), id, "another business, another BSUID");
        }
        assert_ne!(a.user_id("12125550143"), a.user_id("12125550144"));
        assert!(a.user_id("1234567").starts_with("ZZ.") || is_bsuid(&a.user_id("1234567")));
    }

    #[test]
    fn bsuid_syntax() {
        for good in ["US.13491208655302741918", "BR.1", "GB.abcDEF123"] {
            assert!(is_bsuid(good), "{good}");
        }
        let long = format!("US.{}", "1".repeat(129));
        for bad in [
            "us.123",
            "USA.1",
            "US.",
            "US",
            "+15551234567",
            "US.12-3",
            &long,
        ] {
            assert!(!is_bsuid(bad), "{bad}");
        }
        assert_eq!(
            UserRef::parse("US.42"),
            Some(UserRef::Bsuid("US.42".into()))
        );
        assert_eq!(
            UserRef::parse("+15551234567"),
            Some(UserRef::Phone("15551234567".into()))
        );
        assert_eq!(UserRef::parse("ana.k"), None);
    }

    #[test]
    fn hidden_phones_follow_the_rate_and_always_have_a_username() {
        let mut people = People::new("1", 3, 0.25, false);
        let numbers: Vec<String> = (0..2000).map(|i| format!("1212555{i:04}")).collect();
        let persons: Vec<Person> = numbers.iter().map(|n| people.person(n)).collect();
        let hidden = persons.iter().filter(|p| p.phone_hidden).count();
        assert!((400..=600).contains(&hidden), "{hidden}");
        assert!(
            persons
                .iter()
                .all(|p| !p.phone_hidden || p.username.is_some())
        );
        let named = persons.iter().filter(|p| p.username.is_some()).count();
        assert!(
            named > hidden,
            "some users with a username show their phone"
        );
        assert!(
            persons
                .iter()
                .filter_map(|p| p.username.as_deref())
                .all(is_username)
        );
        let json = persons
            .iter()
            .find(|p| p.phone_hidden)
            .map(Person::identity_json);
        let json = json.unwrap_or_default();
        assert!(json.get("wa_id").is_none() && json.contains_key("user_id"));
        assert!(json.contains_key("username") && !json.contains_key("parent_user_id"));
    }

    #[test]
    fn known_phones_and_profiles_override_what_is_derived() {
        let mut people = People::new("1", 3, 1.0, true);
        let p = people.person("12125550143");
        assert!(p.phone_hidden && p.parent_user_id.as_deref().is_some_and(is_bsuid));
        people.mark_phone_known("12125550143");
        assert!(!people.person("12125550143").phone_hidden);
        people.set_profile("12125550199", Some("zed.q"), Some(false));
        let q = people.person("12125550199");
        assert_eq!(q.username.as_deref(), Some("zed.q"));
        assert!(!q.phone_hidden);
        let members = ["12125550143".to_owned(), "12125550199".to_owned()];
        let by_bsuid = UserRef::Bsuid(q.user_id.clone());
        assert_eq!(
            people.find_member(&by_bsuid, &members).as_deref(),
            Some("12125550199")
        );
        let stranger = UserRef::Bsuid("US.1".into());
        assert_eq!(people.find_member(&stranger, &members), None);
    }
}
