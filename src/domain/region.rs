//! The default region used to read numbers typed without a country code.

use std::fmt;
use std::str::FromStr;

/// A two-letter region code (ISO 3166-1, as libphonenumber knows them), such as `US` or `GB`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region(pub(crate) phonenumber::country::Id);

impl FromStr for Region {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        if upper.len() != 2 {
            return Err(format!(
                "`{s}` is not a region: use a two-letter code such as US, GB, BR"
            ));
        }
        phonenumber::country::Id::from_str(&upper)
            .map(Region)
            .map_err(|_| format!("`{s}` is not a region libphonenumber knows"))
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_two_letter_codes_in_any_case() {
        assert_eq!(
            "gb".parse::<Region>().map(|r| r.to_string()),
            Ok("GB".into())
        );
        assert!("XX".parse::<Region>().is_err());
        assert!("USA".parse::<Region>().is_err());
        assert!("".parse::<Region>().is_err());
    }
}
