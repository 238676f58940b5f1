//! WhatsApp's forms of one number: the mobile numbers WhatsApp knows in two forms (Brazil's
//! ninth digit, Mexico's old `52 1`, Argentina's `54 9`), and the one key both forms share.
//!
//! Only forms known to be one person are joined, and only where the numbering plan gives the
//! two forms to one subscriber: a Brazilian mobile (its 8 digits start with 6 to 9, where no
//! landline starts) with and without the 9 after the area code; any Mexican number with and
//! without the `1` after +52 (Mexican area codes never start with 1, and since 2019 one number
//! is one line whatever was dialled); an Argentine number with and without the `9` after +54
//! (a subscriber number is either a landline or a mobile, never both, so the `9` form of a
//! landline is no one else). Every other number is its own key.

use std::borrow::Cow;

/// The key every WhatsApp form of one number shares, from its wa_id (the E.164 digits, with or
/// without `+`): a Brazilian mobile with its ninth digit, a Mexican number without the old
/// `1`, an Argentine number with the mobile `9`; any other number as its digits. Two wa_ids
/// are one person exactly when their keys are equal.
pub fn phone_key(wa_id: &str) -> Cow<'_, str> {
    let digits = wa_id.trim().trim_start_matches('+');
    let d = digits.as_bytes();
    let all_digits = d.iter().all(u8::is_ascii_digit);
    if !all_digits {
        return Cow::Borrowed(digits);
    }
    match d.len() {
        // Brazil: 55, a two-digit area code (no zero in it), then 8 digits of an old-form
        // mobile (6 to 9 first): the ninth digit goes back in.
        12 if digits.starts_with("55")
            && (b'1'..=b'9').contains(&d[2])
            && (b'1'..=b'9').contains(&d[3])
            && (b'6'..=b'9').contains(&d[4]) =>
        {
            Cow::Owned(format!("55{}9{}", &digits[2..4], &digits[4..]))
        }
        // Argentina: 54 and a 10-digit national number (area codes start with 1 to 3): the
        // mobile 9 goes in.
        12 if digits.starts_with("54") && (b'1'..=b'3').contains(&d[2]) => {
            Cow::Owned(format!("549{}", &digits[2..]))
        }
        // Mexico: 52 1 and a 10-digit national number (area codes start with 2 to 9): the old
        // mobile 1 comes out.
        13 if digits.starts_with("521") && (b'2'..=b'9').contains(&d[3]) => {
            Cow::Owned(format!("52{}", &digits[3..]))
        }
        _ => Cow::Borrowed(digits),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_known_forms_share_a_key() {
        let pairs = [
            // Brazil: São Paulo mobile without and with the ninth digit.
            ("551187654321", "5511987654321"),
            ("552196543210", "5521996543210"),
            // Mexico: the old mobile 1, and without it.
            ("5215512345678", "525512345678"),
            ("5213312345678", "523312345678"),
            // Argentina: without and with the mobile 9.
            ("541123456789", "5491123456789"),
            ("543514123456", "5493514123456"),
        ];
        for (a, b) in pairs {
            assert_eq!(phone_key(a), phone_key(b), "{a} and {b}");
            assert_eq!(phone_key(&format!("+{a}")), phone_key(b), "with +");
        }
    }

    #[test]
    fn other_numbers_keep_their_digits() {
        for wa_id in [
            "12025550143",
            "447911123456",
            "4915112345678",
            // Brazilian landlines (2 to 5 first) have no ninth digit to add.
            "551132654321",
            "551155554321",
            // A Brazilian mobile already written with its ninth digit.
            "5511987654321",
            // Mexico without the 1, Argentina with the 9: already the key.
            "525512345678",
            "5491123456789",
            // Too short or too long for the forms.
            "55118765432",
            "5511876543210",
        ] {
            assert_eq!(phone_key(wa_id), wa_id, "{wa_id}");
        }
    }

    /// A Brazilian area code (both digits 1 to 9) and the 8 digits of an old-form mobile.
    fn br_mobile() -> impl Strategy<Value = (String, String)> {
        ("[1-9][1-9]", "[6-9][0-9]{7}")
            .prop_map(|(area, rest)| (format!("55{area}{rest}"), format!("55{area}9{rest}")))
    }

    fn mx_number() -> impl Strategy<Value = (String, String)> {
        "[2-9][0-9]{9}".prop_map(|n| (format!("521{n}"), format!("52{n}")))
    }

    fn ar_number() -> impl Strategy<Value = (String, String)> {
        "[1-3][0-9]{9}".prop_map(|n| (format!("54{n}"), format!("549{n}")))
    }

    fn any_form() -> impl Strategy<Value = (String, String)> {
        prop_oneof![br_mobile(), mx_number(), ar_number()]
    }

    /// Whether `a` and `b` are the two written forms of one number by the rules of the module,
    /// written out independently of [`phone_key`].
    fn one_number(a: &str, b: &str) -> bool {
        let pair = |short: &str, long: &str| {
            let (s, l) = (short.as_bytes(), long.as_bytes());
            (s.len() == 12
                && l.len() == 13
                && short.starts_with("55")
                && long.starts_with("55")
                && s[4] >= b'6'
                && s[2] != b'0'
                && s[3] != b'0'
                && l[4] == b'9'
                && short[2..4] == long[2..4]
                && short[4..] == long[5..])
                || (s.len() == 12
                    && l.len() == 13
                    && short.starts_with("52")
                    && long.starts_with("521")
                    && s[2] >= b'2'
                    && short[2..] == long[3..])
                || (s.len() == 12
                    && l.len() == 13
                    && short.starts_with("54")
                    && long.starts_with("549")
                    && (b'1'..=b'3').contains(&s[2])
                    && short[2..] == long[3..])
        };
        a == b || pair(a, b) || pair(b, a)
    }

    proptest! {
        #[test]
        fn either_form_matches_the_other((old, new) in any_form()) {
            prop_assert_eq!(phone_key(&old), phone_key(&new));
        }

        #[test]
        fn two_different_numbers_never_share_a_key(
            (a_old, a_new) in any_form(),
            (b_old, b_new) in any_form(),
            pick in any::<(bool, bool)>(),
        ) {
            prop_assume!(a_new != b_new);
            let a = if pick.0 { &a_old } else { &a_new };
            let b = if pick.1 { &b_old } else { &b_new };
            prop_assert_ne!(phone_key(a), phone_key(b), "{} and {}", a, b);
        }

        #[test]
        fn a_shared_key_is_always_one_number_in_two_forms(
            a in "(55|52|54|1|44)[0-9]{8,11}",
            b in "(55|52|54|1|44)[0-9]{8,11}",
        ) {
            prop_assert_eq!(phone_key(&a) == phone_key(&b), one_number(&a, &b), "{} and {}", a, b);
        }

        #[test]
        fn numbers_of_other_countries_are_their_own_key(n in "[1-9][0-9]{6,14}") {
            prop_assume!(!n.starts_with("55") && !n.starts_with("52") && !n.starts_with("54"));
            prop_assert_eq!(phone_key(&n), n.as_str());
        }
    }
}
