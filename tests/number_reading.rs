//! Property tests of how numbers are read, over countries, scripts, pastes and encodings: the
//! same number however it is dressed, never one person for another.

use proptest::prelude::*;
use wa_groups::domain::{Participant, Region, read_numbers};
use wa_groups::import;

/// Valid numbers of several countries: E.164, the region, and the number written nationally
/// the way people there write it.
const NUMBERS: &[(&str, &str, &str)] = &[
    ("+12025550143", "US", "(202) 555-0143"),
    ("+14165550123", "CA", "416-555-0123"),
    ("+447400123456", "GB", "07400 123456"),
    ("+4915112345678", "DE", "0151 12345678"),
    ("+49301234567", "DE", "030 1234567"),
    ("+33612345678", "FR", "06 12 34 56 78"),
    ("+34612345678", "ES", "612 34 56 78"),
    ("+390612345678", "IT", "06 1234 5678"),
    ("+5511987654321", "BR", "(11) 98765-4321"),
    ("+525512345678", "MX", "55 1234 5678"),
    ("+919876543210", "IN", "098765 43210"),
    ("+971501234567", "AE", "050 123 4567"),
    ("+989123456789", "IR", "0912 345 6789"),
    ("+8801711123456", "BD", "01711-123456"),
    ("+819012345678", "JP", "090-1234-5678"),
    ("+61412345678", "AU", "0412 345 678"),
    ("+2348031234567", "NG", "0803 123 4567"),
    ("+27821234567", "ZA", "082 123 4567"),
];

/// Zeros of decimal digit runs of other scripts: Arabic-Indic, Persian, Devanagari, Bengali,
/// Thai, Myanmar, Khmer, Fullwidth, Mathematical bold.
const SCRIPTS: &[u32] = &[
    0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x1040, 0x17E0, 0xFF10, 0x1D7CE,
];

/// What copying from WhatsApp, web pages and word processors puts between characters.
const INVISIBLE: &[char] = &[
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{2060}', '\u{FEFF}', '\u{00AD}',
];

/// The text with its digits in `script` and `marks` inserted at the given positions, wrapped in
/// direction embeddings.
fn dress(text: &str, script: u32, marks: &[(usize, char)]) -> String {
    let mut out = String::from('\u{202A}');
    for (i, c) in text.chars().enumerate() {
        for (_, mark) in marks.iter().filter(|(at, _)| *at == i) {
            out.push(*mark);
        }
        out.push(match c.to_digit(10) {
            Some(d) => char::from_u32(script + d).unwrap_or(c),
            None if c == ' ' => '\u{00A0}',
            None if c == '-' => '\u{2013}',
            None => c,
        });
    }
    out.push('\u{202C}');
    out
}

fn region(code: &str) -> Option<Region> {
    code.parse().ok()
}

fn e164(text: &str, r: Option<Region>) -> Result<String, String> {
    Participant::read(text, r)
        .map(|got| got.participant.e164().to_owned())
        .map_err(|e| e.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Any script, any invisible marks, no-break spaces and en dashes: the number read is the
    /// one shown, written internationally or nationally, alone or in a list.
    #[test]
    fn a_dressed_number_reads_as_the_plain_one(
        which in 0..NUMBERS.len(),
        script in proptest::sample::select(SCRIPTS),
        marks in proptest::collection::vec((0usize..20, proptest::sample::select(INVISIBLE)), 0..4),
    ) {
        let (want, r, national) = NUMBERS[which];
        let dressed_intl = dress(want, script, &marks);
        prop_assert_eq!(e164(&dressed_intl, None), Ok(want.to_owned()), "{:?}", dressed_intl);
        let dressed_national = dress(national, script, &marks);
        prop_assert_eq!(
            e164(&dressed_national, region(r)),
            Ok(want.to_owned()),
            "{:?}",
            dressed_national
        );
        let listed: Vec<String> = read_numbers(&dressed_national, region(r))
            .into_iter()
            .map(|e| e.reading.map(|g| g.person().user_ref().to_owned()).unwrap_or_default())
            .collect();
        prop_assert_eq!(listed, vec![want.to_owned()]);
    }

    /// Numbers of one region side by side, separated by commas, line breaks or spaces alone:
    /// each read whole, none cut or joined.
    #[test]
    fn numbers_side_by_side_are_each_read_whole(
        picks in proptest::collection::vec(0..NUMBERS.len(), 1..5),
        separator in proptest::sample::select(&[", ", "\n", "; ", " ", "\t", "\u{060C} ", "\u{FF0C}"][..]),
    ) {
        let r = NUMBERS[picks[0]].1;
        let same: Vec<&(&str, &str, &str)> = picks
            .iter()
            .map(|&i| &NUMBERS[i])
            .filter(|n| n.1 == r)
            .collect();
        let text = same.iter().map(|n| n.2).collect::<Vec<_>>().join(separator);
        let got: Vec<String> = read_numbers(&text, region(r))
            .into_iter()
            .map(|e| match e.reading {
                Ok(g) => g.person().user_ref().to_owned(),
                Err(err) => err.to_string(),
            })
            .collect();
        let want: Vec<String> = same.iter().map(|n| n.0.to_owned()).collect();
        prop_assert_eq!(got, want, "{:?}", text);
    }

    /// Bare digits are taken only when they cannot mean two people: whatever is read, the
    /// other reading was either not valid or the same person.
    #[test]
    fn bare_digits_never_silently_become_one_of_two_people(
        code in proptest::sample::select(&["1", "7", "20", "27", "30", "33", "34", "39", "41", "44", "49", "52", "55", "61", "64", "81", "86", "91", "234", "351", "880", "971"][..]),
        rest in "[0-9]{6,11}",
        r in proptest::sample::select(&["US", "GB", "DE", "BR", "IN", "FR", "NZ"][..]),
    ) {
        let digits = format!("{code}{rest}");
        let Ok(got) = Participant::read(&digits, region(r)) else {
            return Ok(());
        };
        let got = got.participant.e164().to_owned();
        let valid = |parsed: Result<phonenumber::PhoneNumber, _>| {
            parsed.ok().filter(phonenumber::is_valid).map(|p| format!("+{}{}", p.code().value(), p.national()))
        };
        let international = valid(phonenumber::parse(None, format!("+{digits}")));
        let id: phonenumber::country::Id = r.parse().map_err(|_| TestCaseError::fail("region"))?;
        let national = valid(phonenumber::parse(Some(id), &digits));
        for other in [international, national].into_iter().flatten() {
            prop_assert_eq!(&other, &got, "{} in {} was read as {} though it is also {}", digits, r, got, other);
        }
    }

    /// What a spreadsheet does to a long number is refused, never read as other digits.
    #[test]
    fn spreadsheet_renderings_are_refused(which in 0..NUMBERS.len(), decimals in 1usize..3, r in proptest::sample::select(&["US", "DE", "BR"][..])) {
        let digits = NUMBERS[which].0.trim_start_matches('+');
        let float = format!("{digits}.{}", "0".repeat(decimals));
        let scientific = format!("{}.{}E+{}", &digits[..1], &digits[1..], digits.len() - 1);
        for text in [float, scientific] {
            for region in [None, region(r)] {
                let got = e164(&text, region);
                prop_assert!(got.as_ref().is_err_and(|e| e.contains("spreadsheet") || e.contains("scientific")), "{} read as {:?}", text, got);
            }
        }
    }

    /// A target file saved in a legacy encoding or UTF-16 is read as the same members.
    #[test]
    fn target_files_in_other_encodings_read_the_same_members(
        picks in proptest::collection::vec((0..NUMBERS.len(), 0usize..6), 1..8),
        encoding in proptest::sample::select(&["windows-1252", "windows-1250", "windows-1251", "windows-1253", "UTF-16LE", "UTF-16BE", "UTF-8"][..]),
    ) {
        const NAMES: &[(&str, &[&str])] = &[
            ("windows-1252", &["João Conceição", "François Müller", "Ñandú Peña", "Åsa Ørsted", "Zoë Brontë", "José Martínez"]),
            ("windows-1250", &["Łukasz Wróbel", "Žaneta Dvořáková", "Zoltán Kovács", "Ştefan Popescu", "Małgorzata Śliwa", "Tomáš Černý"]),
            ("windows-1251", &["Иван Петров", "Ольга Смирнова", "Дмитрий Козлов", "Анна Иванова", "Сергей Попов", "Мария Соколова"]),
            ("windows-1253", &["Γιώργος Παπαδόπουλος", "Μαρία Νικολάου", "Νίκος Γεωργίου", "Ελένη Δημητρίου", "Κώστας Ιωάννου", "Σοφία Αλεξίου"]),
        ];
        let names = NAMES.iter().find(|(e, _)| *e == encoding).map_or(NAMES[0].1, |(_, n)| n);
        let mut csv = String::from("group,participant,name\r\n");
        let mut want: Vec<String> = Vec::new();
        for (i, name) in &picks {
            let (e164, _, _) = NUMBERS[*i];
            csv.push_str(&format!("g1,{e164},{}\r\n", names[*name]));
            want.push(e164.to_owned());
        }
        want.sort();
        want.dedup();
        let bytes: Vec<u8> = match encoding {
            "UTF-16LE" => [vec![0xFF, 0xFE], csv.encode_utf16().flat_map(u16::to_le_bytes).collect()].concat(),
            "UTF-16BE" => [vec![0xFE, 0xFF], csv.encode_utf16().flat_map(u16::to_be_bytes).collect()].concat(),
            name => {
                let enc = encoding_rs::Encoding::for_label(name.as_bytes()).expect("label");
                enc.encode(&csv).0.into_owned()
            }
        };
        let target = import::read_target(bytes.as_slice(), None).map_err(|e| TestCaseError::fail(e.to_string()))?;
        // Read in that encoding, or one that decodes these bytes to the same text.
        let read_as = target.encoding.unwrap_or("UTF-8");
        let decoder = encoding_rs::Encoding::for_label(read_as.as_bytes()).expect("label");
        let body = match encoding {
            "UTF-16LE" | "UTF-16BE" => &bytes[2..],
            _ => &bytes[..],
        };
        prop_assert_eq!(decoder.decode_without_bom_handling(body).0, csv.as_str(), "read as {}", read_as);
        let mut members: Vec<String> = target
            .membership
            .groups()
            .flat_map(|(_, members)| members.iter().map(|p| p.user_ref().to_owned()))
            .collect();
        members.sort();
        prop_assert_eq!(members, want);
    }
}
