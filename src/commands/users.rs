//! Reading the participants given on a command line: every one checked, duplicates refused.

use std::collections::HashMap;

use crate::domain::text::sanitize;
use crate::domain::{Participant, Region, read_numbers};
use crate::exit::Failure;

/// Parses every argument (each may hold several numbers, cut as a pasted list is); any bad
/// one, or the same person twice, is an input error naming them all, and nothing is sent. A
/// number read one way where another could have been meant is taken, and its note printed.
pub fn parse_users(args: &[String], region: Option<Region>) -> Result<Vec<Participant>, Failure> {
    let mut people = Vec::new();
    let mut notes = Vec::new();
    let mut bad = Vec::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    for arg in args {
        for entry in read_numbers(arg, region) {
            let piece = sanitize(&entry.text);
            match entry.reading {
                Ok(reading) => {
                    let p = reading.participant;
                    if let Some(first) = seen.insert(p.wa_id().to_owned(), piece.clone()) {
                        bad.push(format!(
                            "\"{piece}\": the same person as \"{first}\" ({p}), given twice"
                        ));
                    } else {
                        notes.extend(reading.note);
                        people.push(p);
                    }
                }
                Err(e) => bad.push(e.to_string()),
            }
        }
    }
    match bad.len() {
        0 if people.is_empty() => Err(Failure::input("no participants given")),
        0 => {
            for note in notes {
                eprintln!("note: {note}");
            }
            Ok(people)
        }
        1 => Err(Failure::input(format!("bad participant {}", bad[0]))),
        n => Err(Failure::input(format!(
            "{n} bad participants: {}",
            bad.join("; ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_one_is_named_on_one_line() {
        let args = vec!["abc".to_string(), "+12025550143, 12".to_string()];
        let err = parse_users(&args, None).expect_err("bad");
        assert!(
            err.message.starts_with("2 bad participants"),
            "{}",
            err.message
        );
        assert!(!err.message.contains('\n'));
        assert_eq!(err.code, 2);
    }

    #[test]
    fn the_same_person_twice_is_refused() {
        let args = vec!["+12025550143".to_string(), "+1 (202) 555-0143".to_string()];
        let err = parse_users(&args, None).expect_err("dup");
        assert!(err.message.contains("given twice"), "{}", err.message);
    }
}
