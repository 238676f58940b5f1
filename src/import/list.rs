//! Plain number lists: one or several numbers a line, all for one group and one action.

use std::io::{BufReader, Read};

use super::lines::{Lines, NumberedLine};
use super::pipeline::{self, Emit};
use super::records::content_lines;
use super::writer::{Entry, Writer};
use super::{BadLine, ImportError, ImportReport, ImportTo, fields, input};
use crate::domain::participant::split_list;
use crate::domain::{OperationKind, Participant, Region};
use crate::store::NewOperation;

/// Imports a plain list of numbers (as pasted: separated by line breaks, commas, semicolons
/// or spaces; `#` starts a comment line) as `kind` changes of `group_id`. Numbers without a
/// country code are read in `region`. See the module for the all-or-nothing rule.
pub fn read_list(
    reader: impl Read + Send,
    group_id: &str,
    kind: OperationKind,
    region: Option<Region>,
    to: ImportTo<'_>,
) -> Result<ImportReport, ImportError> {
    let group_id = fields::group_id(group_id).map_err(ImportError::BadGroup)?;
    let mut lines = Lines::new(BufReader::new(input::open_text(reader)?));
    let mut writer = Writer::new(to)?;
    pipeline::run(
        |emit: &mut Emit<'_, NumberedLine>| content_lines(&mut lines, emit),
        |line| parse_line(line, group_id, kind, region),
        |entries| entries.into_iter().try_for_each(|entry| writer.take(entry)),
    )?;
    writer.finish()
}

fn parse_line(
    (line, text): NumberedLine,
    group_id: &str,
    kind: OperationKind,
    region: Option<Region>,
) -> Vec<Entry> {
    let text = match text {
        Ok(text) => text,
        Err(reason) => return vec![Err(BadLine { line, reason })],
    };
    split_list(&text)
        .into_iter()
        .map(|piece| {
            let participant = Participant::parse(piece, region).map_err(|e| BadLine {
                line,
                reason: e.to_string(),
            })?;
            Ok(NewOperation {
                group_id: group_id.to_owned(),
                participant,
                kind,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::OnBadLines;
    use crate::store::testing::store_with_account;
    use crate::store::{AccountId, OperationFilter, Store};

    fn import(
        store: &mut Store,
        acct: AccountId,
        text: &[u8],
        on_bad: OnBadLines,
    ) -> Result<ImportReport, ImportError> {
        let to = ImportTo {
            store,
            account: acct,
            on_bad,
        };
        read_list(text, "g1", OperationKind::Remove, "GB".parse().ok(), to)
    }

    fn numbers(store: &Store, acct: AccountId) -> Vec<String> {
        let ops = store
            .operations(acct, &OperationFilter::default())
            .expect("list");
        assert!(
            ops.iter()
                .all(|o| o.kind == OperationKind::Remove && o.group_id == "g1")
        );
        ops.into_iter()
            .map(|o| o.participant.e164().to_owned())
            .collect()
    }

    #[test]
    fn pasted_lists_are_imported_one_number_each() {
        let (_dir, mut store, acct) = store_with_account();
        let text = "\u{feff}# removals for March\r\n\
            +44 20 7946 0958\r\n\
            \r\n\
            07911 123456, +1 (202) 555-0143; 0044 20 7946 0959\r\n\
            +12025550100 +12025550101\r\n\
               \r\n";
        let report = import(&mut store, acct, text.as_bytes(), OnBadLines::Reject).expect("import");
        assert_eq!((report.read, report.stored), (6, 6));
        assert_eq!(
            numbers(&store, acct),
            vec![
                "+442079460958",
                "+447911123456",
                "+12025550143",
                "+442079460959",
                "+12025550100",
                "+12025550101"
            ]
        );
    }

    #[test]
    fn a_bad_number_names_its_line_and_stores_nothing() {
        let (_dir, mut store, acct) = store_with_account();
        let text = "+44 20 7946 0958\nabc, +44 20 7946 0959\n";
        let err = import(&mut store, acct, text.as_bytes(), OnBadLines::Reject).expect_err("bad");
        let ImportError::Invalid { bad, .. } = err else {
            panic!("wrong error");
        };
        assert_eq!(
            bad[0].to_string(),
            "line 2: \"abc\": letters are not allowed in a phone number"
        );
        assert!(numbers(&store, acct).is_empty());
        let report = import(&mut store, acct, text.as_bytes(), OnBadLines::Skip).expect("skip");
        assert_eq!((report.read, report.stored, report.bad.len()), (3, 2, 1));
    }

    #[test]
    fn a_non_text_file_gives_fifty_bad_lines_and_a_count() {
        let (_dir, mut store, acct) = store_with_account();
        // Latin-1 junk without NUL bytes: every line is "not UTF-8 text".
        let junk: Vec<u8> = (0..5_000u32)
            .flat_map(|n| [0xE9, 0xFF, (n % 50) as u8 + b'0', b'\n'])
            .collect();
        let err = import(&mut store, acct, &junk, OnBadLines::Reject).expect_err("junk");
        let ImportError::Invalid { bad, bad_more } = err else {
            panic!("wrong error");
        };
        assert_eq!((bad.len(), bad_more), (50, 4_950));
        assert_eq!(bad[2].to_string(), "line 3: not UTF-8 text");
    }

    #[test]
    fn empty_lists_and_bad_groups_are_errors() {
        let (_dir, mut store, acct) = store_with_account();
        let err =
            import(&mut store, acct, b"\n# nothing\n\n", OnBadLines::Skip).expect_err("empty");
        assert!(matches!(err, ImportError::NothingToImport));
        let to = ImportTo {
            store: &mut store,
            account: acct,
            on_bad: OnBadLines::Reject,
        };
        let err = read_list(&b"+442079460958"[..], " ", OperationKind::Add, None, to)
            .expect_err("no group");
        assert!(matches!(err, ImportError::BadGroup(_)));
    }
}
