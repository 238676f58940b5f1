//! Group ids: the opaque, base64-like names the Graph API gives groups, checked wherever one
//! is accepted, so that no id can turn into another path than its own group's.

use std::fmt;
use std::str::FromStr;

use super::text::sanitize;

/// The longest group id taken. Meta's ids are base64 of `capi_group:<phone number id>:<digits>`
/// (about 60 characters, `api-facts.md`); anything far longer is not one.
pub const MAX_GROUP_ID_LEN: usize = 256;

/// A group id that can be one: 1 to [`MAX_GROUP_ID_LEN`] characters, each an ASCII letter or
/// digit, `-`, `_`, `+` or `=` (the base64 and base64url alphabets, without `/`). So it is a
/// single path segment that needs no escaping and is never `.` or `..`: the path a request
/// shows is the path it is sent to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupId(String);

/// Why a text is not a group id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GroupIdError {
    #[error("no group id")]
    Empty,
    #[error("group id of {0} characters; a group id has at most {MAX_GROUP_ID_LEN}")]
    TooLong(usize),
    #[error(
        "`{shown}` is not a group id: it has {bad}; a group id has only letters, digits, `-`, `_`, `+` and `=`"
    )]
    BadCharacter { shown: String, bad: String },
}

impl GroupId {
    /// Takes a group id as typed or read (surrounding white space dropped).
    pub fn parse(text: &str) -> Result<GroupId, GroupIdError> {
        check(text).map(|id| GroupId(id.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Checks a group id without copying it: the trimmed text, or why it is not one.
pub fn check(text: &str) -> Result<&str, GroupIdError> {
    let id = text.trim();
    if id.is_empty() {
        return Err(GroupIdError::Empty);
    }
    let chars = id.chars().count();
    if chars > MAX_GROUP_ID_LEN {
        return Err(GroupIdError::TooLong(chars));
    }
    if let Some(bad) = id.chars().find(|c| !is_id_char(*c)) {
        let shown: String = id.chars().take(40).collect();
        let more = if chars > 40 { "…" } else { "" };
        let bad = if bad.is_whitespace() {
            "white space".to_owned()
        } else if bad.is_control() {
            "a control character".to_owned()
        } else {
            format!("`{}`", sanitize(&bad.to_string()))
        };
        return Err(GroupIdError::BadCharacter {
            shown: format!("{}{more}", sanitize(&shown)),
            bad,
        });
    }
    Ok(id)
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '=')
}

impl FromStr for GroupId {
    type Err = GroupIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        GroupId::parse(s)
    }
}

impl fmt::Display for GroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for GroupId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_of_every_known_shape_are_taken() {
        for id in [
            "Y2FwaV9ncm91cDoxOTUwNTU1MDA3OToxMjAzNjMzOTQzMjAdOTY0MTUZD",
            "Z3JwX2V4YW1wbGVfMDAx",
            "Y2FwaV9ncm91cDox-_",
            "QUJD+Rw==",
            "120363294000000000",
            "G1",
        ] {
            assert_eq!(GroupId::parse(id).map(|g| g.into_string()), Ok(id.into()));
        }
        assert_eq!(check("  G1\t"), Ok("G1"));
        assert!(check(&"A".repeat(MAX_GROUP_ID_LEN)).is_ok());
    }

    #[test]
    fn path_segments_and_odd_text_are_refused() {
        for bad in [
            ".",
            "..",
            "../x",
            "a/b",
            "/",
            "a?b",
            "a#b",
            "a%2e",
            "%2e%2e",
            "two words",
            "a\tb",
            "a\u{1b}[2J",
            "a\u{0}b",
            "a.b",
            "a;b",
            "a\\b",
            "ＧＩ",
            "g\u{202e}1",
            "@",
            "=cmd|x",
        ] {
            let err = GroupId::parse(bad).expect_err(bad);
            let text = err.to_string();
            assert!(!text.chars().any(char::is_control), "{text:?}");
            assert!(!text.contains('\n'));
        }
        assert_eq!(GroupId::parse("   "), Err(GroupIdError::Empty));
        assert_eq!(
            GroupId::parse(&"A".repeat(MAX_GROUP_ID_LEN + 1)),
            Err(GroupIdError::TooLong(MAX_GROUP_ID_LEN + 1))
        );
        let err = GroupId::parse("..").expect_err("dot segment");
        assert_eq!(
            err.to_string(),
            "`..` is not a group id: it has `.`; a group id has only letters, digits, `-`, `_`, `+` and `=`"
        );
        let long = format!("{}?", "A".repeat(100));
        assert!(GroupId::parse(&long).expect_err("long").to_string().len() < 200);
    }
}
