//! Target membership files: CSV `group,participant`, the full wanted member list of each group.

use std::collections::BTreeMap;
use std::io::{BufReader, Read};

use super::lines::{Lines, NumberedLine};
use super::pipeline::{self, Emit};
use super::records::{Columns, content_lines};
use super::{BadLine, ImportError, LineNote, MAX_BAD_LINES_SHOWN, fields, input};
use crate::domain::text::sanitize;
use crate::domain::{GroupNames, Named, Region};
use crate::store::TargetMembership;

const COLUMNS: [&str; 2] = ["group", "participant"];

/// What a participant cell holds to want its group empty: a blank cell is a mistake (a
/// column left out), never a wish to remove everyone.
pub const EMPTY_MARKER: &str = "(empty)";

/// A target file, read whole.
#[derive(Debug, Default)]
pub struct TargetFile {
    /// The wanted members of each listed group.
    pub membership: TargetMembership,
    /// The groups wanted empty, each with the line of its [`EMPTY_MARKER`] row.
    pub emptied: BTreeMap<String, u64>,
    /// The first notes on numbers read one way where another was possible, and how many more.
    pub notes: Vec<LineNote>,
    pub notes_more: usize,
    /// The encoding the file was read in, when it was not UTF-8.
    pub encoding: Option<&'static str>,
}

/// One row: a member of a group (a phone number or a BSUID), or the group wanted empty.
enum Row {
    Member(Named),
    Empty,
}

/// Reads the wanted membership of the groups a CSV file lists (header `group,participant`, in
/// any order and case). A row whose participant is [`EMPTY_MARKER`] wants its group empty; a
/// blank participant is a bad line, and so is a group both marked empty and given members.
/// Any bad line makes the whole file an error: a partial target would remove the wrong people.
pub fn read_target(
    reader: impl Read + Send,
    region: Option<Region>,
    names: &GroupNames,
) -> Result<TargetFile, ImportError> {
    let mut lines = Lines::new(BufReader::new(input::open_text(reader)?));
    let columns = Columns::from_header(&mut lines, &COLUMNS, &[])?.blank_ok(&["participant"]);
    let mut file = TargetFile::default();
    let mut first_member: BTreeMap<String, u64> = BTreeMap::new();
    let mut bad: Vec<BadLine> = Vec::new();
    let mut bad_more = 0;
    let mut read = 0usize;
    pipeline::run(
        |emit: &mut Emit<'_, NumberedLine>| content_lines(&mut lines, emit),
        |line| parse_row(line, &columns, region, names),
        |entry| {
            read += 1;
            let checked = entry.and_then(|(line, group, row)| {
                let clash = |other: u64| BadLine {
                    line,
                    reason: format!(
                        "group {} is marked {EMPTY_MARKER} and given members (lines {} and {line}): a group wanted empty lists no one",
                        sanitize(&group),
                        other
                    ),
                };
                match row {
                    Row::Empty => {
                        if let Some(&other) = first_member.get(&group) {
                            return Err(clash(other));
                        }
                        file.emptied.entry(group.clone()).or_insert(line);
                        file.membership.add_group(&group);
                    }
                    Row::Member(named) => {
                        if let Some(&other) = file.emptied.get(&group) {
                            return Err(clash(other));
                        }
                        first_member.entry(group.clone()).or_insert(line);
                        if let Some(note) = named.note() {
                            if file.notes.len() < MAX_BAD_LINES_SHOWN {
                                file.notes.push(LineNote {
                                    line,
                                    note: note.to_owned(),
                                });
                            } else {
                                file.notes_more += 1;
                            }
                        }
                        file.membership.add_member(&group, named.person());
                    }
                }
                Ok(())
            });
            match checked {
                Ok(()) => {}
                Err(line) if bad.len() < MAX_BAD_LINES_SHOWN => bad.push(line),
                Err(_) => bad_more += 1,
            }
            Ok(())
        },
    )?;
    let encoding = super::encoding_of(&lines);
    if !bad.is_empty() {
        return Err(ImportError::Invalid {
            bad,
            bad_more,
            encoding,
        });
    }
    if read == 0 {
        return Err(ImportError::NothingToImport);
    }
    file.encoding = encoding;
    Ok(file)
}

fn parse_row(
    (line, text): NumberedLine,
    columns: &Columns,
    region: Option<Region>,
    names: &GroupNames,
) -> Result<(u64, String, Row), BadLine> {
    let bad = |reason: String| BadLine { line, reason };
    let values = text.and_then(|text| columns.pick(&text)).map_err(bad)?;
    let [group, participant] = values.as_slice() else {
        return Err(bad("unexpected number of columns".into()));
    };
    let group = fields::group(group, names).map_err(bad)?;
    if participant.trim().eq_ignore_ascii_case(EMPTY_MARKER) {
        return Ok((line, group, Row::Empty));
    }
    let named = fields::participant(participant, region, None).map_err(|reason| {
        if participant.trim().is_empty() {
            bad(format!(
                "no participant for group {}: to want the group empty, write {EMPTY_MARKER} as its participant",
                names.label(&group)
            ))
        } else {
            bad(reason)
        }
    })?;
    Ok((line, group, Row::Member(named)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Participant;
    use crate::store::MirrorGroup;
    use crate::store::testing::store_with_account;

    #[tokio::test]
    async fn a_target_file_becomes_a_diff_against_the_mirror() {
        let (_dir, store) = store_with_account().await;
        let member = |text: &str| -> crate::domain::Person {
            Participant::parse(text, None).expect("valid").into()
        };
        let group = MirrorGroup {
            id: "g1".into(),
            subject: "g1".into(),
            members: vec![member("+12025550100"), member("+12025550101")],
            member_count: 2,
            read_at: 1,
            gone_at: None,
            about: Default::default(),
        };
        store.upsert_groups(vec![group]).await.expect("mirror");
        let text = "\u{feff}Participant,Group\r\n\
            (202) 555-0101,g1\r\n\
            +1 202 555 0102,g1\r\n\
            (Empty),g2\r\n\
            +12025550103,nowhere\r\n";
        let target = read_target(text.as_bytes(), "US".parse().ok(), &GroupNames::default())
            .expect("target");
        assert_eq!(target.emptied, BTreeMap::from([("g2".to_owned(), 4)]));
        let diff = store.diff_target(&target.membership).await.expect("diff");
        assert_eq!(diff.adds, vec![("g1".to_owned(), member("+12025550102"))]);
        assert_eq!(
            diff.removes,
            vec![("g1".to_owned(), member("+12025550100"))]
        );
        assert_eq!(
            diff.unknown_groups,
            vec!["g2".to_owned(), "nowhere".to_owned()]
        );
    }

    #[test]
    fn a_bad_target_line_rejects_the_whole_file() {
        let text = "group,participant\ng1,+12025550100\ng1,call me\n";
        let err = read_target(text.as_bytes(), None, &GroupNames::default()).expect_err("bad");
        let ImportError::Invalid { bad, .. } = err else {
            panic!("wrong error");
        };
        assert_eq!(bad[0].line, 3);
        assert!(matches!(
            read_target(&b"group,participant\n"[..], None, &GroupNames::default()),
            Err(ImportError::NothingToImport)
        ));
    }

    #[test]
    fn a_blank_participant_is_a_bad_line_and_empty_is_said_once() {
        let text = "group,participant,name\ng1,,Ann\ng1,,Bob\ng2,+12025550100,Cy\n";
        let err =
            read_target(text.as_bytes(), None, &GroupNames::default()).expect_err("blank cells");
        let ImportError::Invalid { bad, .. } = err else {
            panic!("wrong error");
        };
        let lines: Vec<u64> = bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, [2, 3]);
        assert_eq!(
            bad[0].reason,
            "no participant for group g1: to want the group empty, write (empty) as its participant"
        );
        for text in [
            "group,participant\ng1,(empty)\ng1,+12025550100\n",
            "group,participant\ng1,+12025550100\ng1,(empty)\n",
        ] {
            let err = read_target(text.as_bytes(), None, &GroupNames::default()).expect_err("both");
            let ImportError::Invalid { bad, .. } = err else {
                panic!("wrong error");
            };
            assert_eq!(bad[0].line, 3, "{text}");
            assert!(
                bad[0]
                    .reason
                    .contains("marked (empty) and given members (lines 2 and 3)"),
                "{}",
                bad[0].reason
            );
        }
    }
}
