//! Reading the participants given on a command line: every one checked, duplicates refused,
//! a @username for a removal found among the group's members.

use crate::domain::text::sanitize;
use crate::domain::{Members, OperationKind, Person, Region, read_numbers};
use crate::exit::Failure;

/// Parses every argument (each may hold several participants, cut as a pasted list is) for a
/// change of `kind`: phone numbers, and for a removal BSUIDs too (an add needs a phone
/// number). Any bad one, or the same person twice (in two of WhatsApp's forms of a number
/// too), is an input error naming them all, and nothing is sent. A number read one way where
/// another could have been meant is taken, and its note printed.
pub fn parse_users(
    args: &[String],
    region: Option<Region>,
    kind: OperationKind,
) -> Result<Vec<Person>, Failure> {
    let mut people: Vec<(Person, String)> = Vec::new();
    let mut seen = Members::default();
    let mut notes = Vec::new();
    let mut bad = Vec::new();
    for arg in args {
        for entry in read_numbers(arg, region) {
            let piece = sanitize(&entry.text);
            match entry.for_change(kind) {
                Ok(named) => {
                    let person = named.person();
                    if !seen.insert(person.clone()) {
                        let first = people
                            .iter()
                            .find(|(p, _)| p.is(&person))
                            .map(|(_, text)| text.as_str())
                            .unwrap_or_default();
                        bad.push(format!(
                            "\"{piece}\": the same person as \"{first}\" ({person}), given twice"
                        ));
                    } else {
                        notes.extend(named.note().map(str::to_owned));
                        people.push((person, piece));
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
                say_err!("note: {note}");
            }
            Ok(people.into_iter().map(|(p, _)| p).collect())
        }
        1 => Err(Failure::input(format!("bad participant {}", bad[0]))),
        n => Err(Failure::input(format!(
            "{n} bad participants: {}",
            bad.join("; ")
        ))),
    }
}

/// The people given for a removal, each `@username` replaced by the phone number or BSUID of
/// the one member of the group (as the mirror last read it) known by that username. A
/// username no member has, or more than one has, is refused by name.
pub fn by_username(
    users: &[String],
    members: &[Person],
    group: &str,
    region: Option<crate::domain::Region>,
) -> Result<Vec<String>, Failure> {
    let mut out = Vec::new();
    for arg in users {
        let mut pieces = Vec::new();
        for entry in crate::domain::read_numbers(arg, region) {
            let Some(query) = entry
                .text
                .starts_with('@')
                .then(|| crate::domain::Query::username(&entry.text))
                .flatten()
            else {
                pieces.push(entry.text);
                continue;
            };
            let found: Vec<&Person> = members.iter().filter(|m| m.answers(&query)).collect();
            match found.as_slice() {
                [member] => pieces.push(member.user_ref().to_owned()),
                [] => {
                    return Err(Failure::input(format!(
                        "{}: no member of {group} has this username (as last synced; `groups sync` reads the members again)",
                        sanitize(&entry.text)
                    )));
                }
                _ => {
                    return Err(Failure::input(format!(
                        "{}: {} members of {group} have this username: give their phone number or BSUID",
                        sanitize(&entry.text),
                        found.len()
                    )));
                }
            }
        }
        out.push(pieces.join(", "));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|a| (*a).to_owned()).collect()
    }

    #[test]
    fn every_bad_one_is_named_on_one_line() {
        let err = parse_users(
            &args(&["abc", "+12025550143, 12"]),
            None,
            OperationKind::Add,
        )
        .expect_err("bad");
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
        let cases = [
            ["+12025550143", "+1 (202) 555-0143"],
            // One Brazilian mobile, without and with its ninth digit.
            ["+55 11 8765-4321", "+55 11 98765-4321"],
            ["US.42", "US.42"],
        ];
        for pair in cases {
            let err = parse_users(&args(&pair), None, OperationKind::Remove).expect_err("dup");
            assert!(err.message.contains("given twice"), "{}", err.message);
            assert!(
                err.message.contains(&format!("\"{}\"", pair[0])),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn a_removal_takes_a_bsuid_and_an_add_refuses_it() {
        let people = parse_users(
            &args(&["US.13491208655302741918, +12025550143"]),
            None,
            OperationKind::Remove,
        )
        .expect("removal");
        let refs: Vec<&str> = people.iter().map(Person::user_ref).collect();
        assert_eq!(refs, ["US.13491208655302741918", "+12025550143"]);
        let err = parse_users(&args(&["US.1349"]), None, OperationKind::Add).expect_err("add");
        assert_eq!(
            err.message,
            "bad participant \"US.1349\": a BSUID cannot be added: participants are added by phone number"
        );
        assert_eq!(err.code, 2);
    }
}
