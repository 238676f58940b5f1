//! Typed or pasted phone text made plain: invisible format characters dropped, digits of other
//! scripts and Unicode spaces, dashes, dots and list separators written in ASCII.
//!
//! Text copied from WhatsApp, a web page or a spreadsheet carries direction marks around a
//! number (`U+202A … U+202C`), no-break spaces between its groups, en dashes, fullwidth or
//! Arabic-Indic digits. They are read here, before a list is split and a number parsed, so
//! that every input path (arguments, lists, CSV cells, the app's add dialog) reads them alike.

use std::borrow::Cow;

/// The zero of each run of ten decimal digits (Unicode category Nd) outside ASCII, from
/// Unicode 15.1's `UnicodeData.txt`: each run holds the digits 0 to 9 in order.
const DIGIT_ZEROS: &[u32] = &[
    0x0660,  // Arabic-Indic
    0x06F0,  // Extended Arabic-Indic (Persian, Urdu)
    0x07C0,  // NKo
    0x0966,  // Devanagari
    0x09E6,  // Bengali
    0x0A66,  // Gurmukhi
    0x0AE6,  // Gujarati
    0x0B66,  // Oriya
    0x0BE6,  // Tamil
    0x0C66,  // Telugu
    0x0CE6,  // Kannada
    0x0D66,  // Malayalam
    0x0DE6,  // Sinhala Lith
    0x0E50,  // Thai
    0x0ED0,  // Lao
    0x0F20,  // Tibetan
    0x1040,  // Myanmar
    0x1090,  // Myanmar Shan
    0x17E0,  // Khmer
    0x1810,  // Mongolian
    0x1946,  // Limbu
    0x19D0,  // New Tai Lue
    0x1A80,  // Tai Tham Hora
    0x1A90,  // Tai Tham Tham
    0x1B50,  // Balinese
    0x1BB0,  // Sundanese
    0x1C40,  // Lepcha
    0x1C50,  // Ol Chiki
    0xA620,  // Vai
    0xA8D0,  // Saurashtra
    0xA900,  // Kayah Li
    0xA9D0,  // Javanese
    0xA9F0,  // Myanmar Tai Laing
    0xAA50,  // Cham
    0xABF0,  // Meetei Mayek
    0xFF10,  // Fullwidth
    0x104A0, // Osmanya
    0x10D30, // Hanifi Rohingya
    0x11066, // Brahmi
    0x110F0, // Sora Sompeng
    0x11136, // Chakma
    0x111D0, // Sharada
    0x112F0, // Khudawadi
    0x11450, // Newa
    0x114D0, // Tirhuta
    0x11650, // Modi
    0x116C0, // Takri
    0x11730, // Ahom
    0x118E0, // Warang Citi
    0x11950, // Dives Akuru
    0x11C50, // Bhaiksuki
    0x11D50, // Masaram Gondi
    0x11DA0, // Gunjala Gondi
    0x11F50, // Kawi
    0x16A60, // Mro
    0x16AC0, // Tangsa
    0x16B50, // Pahawh Hmong
    0x1D7CE, // Mathematical bold
    0x1D7D8, // Mathematical double-struck
    0x1D7E2, // Mathematical sans-serif
    0x1D7EC, // Mathematical sans-serif bold
    0x1D7F6, // Mathematical monospace
    0x1E140, // Nyiakeng Puachue Hmong
    0x1E2F0, // Wancho
    0x1E4F0, // Nag Mundari
    0x1E950, // Adlam
    0x1FBF0, // Segmented
];

/// The ASCII digit a decimal digit of any script stands for.
pub fn ascii_digit(c: char) -> Option<char> {
    if c.is_ascii_digit() {
        return Some(c);
    }
    let code = u32::from(c);
    if code < 0x0660 {
        return None;
    }
    let zero = DIGIT_ZEROS
        .iter()
        .rev()
        .find(|zero| **zero <= code)
        .copied()?;
    let value = code - zero;
    (value < 10).then(|| char::from(b'0' + value as u8))
}

/// Characters that show nothing and carry no digit: direction marks and embeddings, zero-width
/// spaces and joiners, the word joiner, the byte order mark, the soft hyphen and the like
/// (Unicode category Cf, as far as it meets phone numbers).
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
    )
}

/// What a character is written as in plain text, if it changes: `None` drops it.
fn plain(c: char) -> Option<char> {
    if let Some(d) = ascii_digit(c) {
        return Some(d);
    }
    if is_invisible(c) {
        return None;
    }
    Some(match c {
        // Line and paragraph separators end a line, as a line break does.
        '\u{0085}' | '\u{2028}' | '\u{2029}' => '\n',
        '\n' | '\r' | '\t' => c,
        c if c.is_whitespace() => ' ',
        '\u{2010}'..='\u{2015}'
        | '\u{2043}'
        | '\u{2212}'
        | '\u{2E3A}'
        | '\u{2E3B}'
        | '\u{FE58}'
        | '\u{FE63}'
        | '\u{FF0D}' => '-',
        '\u{00B7}' | '\u{2024}' | '\u{2027}' | '\u{3002}' | '\u{30FB}' | '\u{FF0E}'
        | '\u{FF61}' => '.',
        '\u{FE62}' | '\u{FF0B}' => '+',
        '\u{FE59}' | '\u{FF08}' => '(',
        '\u{FE5A}' | '\u{FF09}' => ')',
        '\u{2044}' | '\u{2215}' | '\u{FF0F}' => '/',
        '\u{060C}' | '\u{3001}' | '\u{FE50}' | '\u{FF0C}' => ',',
        '\u{061B}' | '\u{FE54}' | '\u{FF1B}' => ';',
        c => c,
    })
}

/// The text with every character [`plain`] changes written plainly; borrowed when nothing
/// changes (plain ASCII, nearly every line of a file).
pub fn normalize(text: &str) -> Cow<'_, str> {
    let Some(first) = text.char_indices().find(|&(_, c)| plain(c) != Some(c)) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first.0]);
    out.extend(text[first.0..].chars().filter_map(plain));
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_digit_run_holds_ten_numeric_characters() {
        for zero in DIGIT_ZEROS {
            for value in 0..10u32 {
                let c = char::from_u32(zero + value).expect("a character");
                assert!(c.is_numeric(), "U+{:04X} is not numeric", zero + value);
                let want = char::from(b'0' + value as u8);
                assert_eq!(ascii_digit(c), Some(want), "U+{:04X}", zero + value);
            }
        }
        assert!(DIGIT_ZEROS.windows(2).all(|w| w[0] + 10 <= w[1]), "sorted");
    }

    #[test]
    fn digits_of_other_scripts_become_ascii() {
        let cases = [
            ("٠١٢٣٤٥٦٧٨٩", "0123456789"),           // Arabic-Indic
            ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),           // Persian
            ("०१२३४५६७८९", "0123456789"),           // Devanagari
            ("০১২৩৪৫৬৭৮৯", "0123456789"),           // Bengali
            ("０１２３４５６７８９", "0123456789"), // Fullwidth
            ("๐๑๒๓๔๕๖๗๘๙", "0123456789"),           // Thai
            ("၀၁၂၃၄၅၆၇၈၉", "0123456789"),           // Myanmar
            ("𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗", "0123456789"),           // Mathematical bold
        ];
        for (text, want) in cases {
            assert_eq!(normalize(text), want, "{text}");
        }
        for not_a_digit in ['a', '²', '½', 'Ⅻ', '①', '十'] {
            assert_eq!(ascii_digit(not_a_digit), None, "{not_a_digit}");
        }
    }

    #[test]
    fn invisible_characters_go_and_separators_become_ascii() {
        let cases = [
            ("\u{202A}+1 (201) 555-0171\u{202C}", "+1 (201) 555-0171"),
            (
                "\u{200E}+44\u{00A0}7911\u{202F}123456\u{200F}",
                "+44 7911 123456",
            ),
            (
                "\u{2066}+55 11 98765\u{2013}4321\u{2069}",
                "+55 11 98765-4321",
            ),
            ("\u{FEFF}0151\u{2011}123\u{00AD}45678", "0151-12345678"),
            ("＋８１ ９０－１２３４－５６７８", "+81 90-1234-5678"),
            ("\u{200B}06\u{00B7}12\u{2024}34", "06.12.34"),
            ("٠٥٠١٢٣٤٥٦٧، ٠٥٠٧٦٥٤٣٢١", "0501234567, 0507654321"),
            ("a\u{2028}b", "a\nb"),
        ];
        for (text, want) in cases {
            assert_eq!(normalize(text), want, "{text:?}");
        }
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(normalize("+1 (202) 555-0143"), Cow::Borrowed(_)));
        assert!(matches!(normalize("João, 555"), Cow::Borrowed(_)));
    }
}
