//! Plain number lists: one or several numbers a line, all for one group and one action.

use std::io::{BufReader, Read};

use super::lines::{Lines, NumberedLine};
use super::pipeline::{self, Emit};
use super::records::content_lines;
use super::writer::{Entry, Parsed, Writer};
use super::{BadLine, ImportError, ImportReport, ImportTo, fields, input};
use crate::domain::{OpSpec, OperationKind, Region, read_numbers};

/// Imports a plain list of numbers (as pasted: separated by line breaks, commas, semicolons
/// or spaces; `#` starts a comment line; for removals BSUIDs too) as `kind` changes of
/// `group_id`. Numbers without a country code are read in `region`. See the module for the
/// all-or-nothing rule.
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
    writer.finish(super::encoding_of(&lines))
}

/// The changes of one line, or the line as one bad line naming each bad number on it: a line
/// is imported whole or not at all, and counted once.
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
    let entries: Vec<_> = read_numbers(&text, region)
        .into_iter()
        .map(|e| e.for_change(kind))
        .collect();
    let bad: Vec<String> = entries
        .iter()
        .filter_map(|e| e.as_ref().err().map(ToString::to_string))
        .collect();
    if !bad.is_empty() {
        return vec![Err(BadLine {
            line,
            reason: bad.join("; "),
        })];
    }
    entries
        .into_iter()
        .filter_map(Result::ok)
        .map(|named| {
            Ok(Parsed {
                line,
                op: OpSpec::for_person(kind, group_id, named.person()).map_err(|e| BadLine {
                    line,
                    reason: e.to_string(),
                })?,
                note: named.note().map(str::to_owned),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::OnBadLines;
    use crate::store::testing::store_with_account;
    use crate::store::{AccountStore, OperationFilter};

    fn import(
        store: &AccountStore,
        text: &[u8],
        on_bad: OnBadLines,
    ) -> Result<ImportReport, ImportError> {
        let to = ImportTo { store, on_bad };
        read_list(text, "g1", OperationKind::Remove, "GB".parse().ok(), to)
    }

    async fn numbers(store: &AccountStore) -> Vec<String> {
        let ops = store
            .operations(OperationFilter::default())
            .await
            .expect("list");
        assert!(
            ops.iter()
                .all(|o| o.kind() == OperationKind::Remove && o.group() == Some("g1"))
        );
        ops.into_iter()
            .map(|o| o.spec.person_ref().to_owned())
            .collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pasted_lists_are_imported_one_number_each() {
        let (_dir, store) = store_with_account().await;
        let text = "\u{feff}# removals for March\r\n\
            +44 20 7946 0958\r\n\
            \r\n\
            07911 123456, +1 (202) 555-0143; 0044 20 7946 0959\r\n\
            +12025550100 +12025550101\r\n\
               \r\n";
        let report = import(&store, text.as_bytes(), OnBadLines::Reject).expect("import");
        assert_eq!((report.read, report.stored), (6, 6));
        assert_eq!(
            numbers(&store).await,
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_bad_number_names_its_line_and_stores_nothing() {
        let (_dir, store) = store_with_account().await;
        let text = "+44 20 7946 0958\nabc, +44 20 7946 0959\n";
        let err = import(&store, text.as_bytes(), OnBadLines::Reject).expect_err("bad");
        let ImportError::Invalid { bad, .. } = err else {
            panic!("wrong error");
        };
        assert_eq!(
            bad[0].to_string(),
            "line 2: \"abc\": letters are not allowed in a phone number"
        );
        assert!(numbers(&store).await.is_empty());
        // A line is imported whole or not at all: its good number stays out with it.
        let report = import(&store, text.as_bytes(), OnBadLines::Skip).expect("skip");
        assert_eq!((report.read, report.stored, report.bad.len()), (2, 1, 1));
        assert_eq!(numbers(&store).await, ["+442079460958"]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_line_of_several_bad_pieces_is_one_bad_line() {
        let (_dir, store) = store_with_account().await;
        let text = "+44 20 7946 0958\n12, 34 x, +44 20 7946 0959\n";
        let err = import(&store, text.as_bytes(), OnBadLines::Reject).expect_err("bad");
        let ImportError::Invalid { bad, bad_more, .. } = err else {
            panic!("wrong error");
        };
        assert_eq!(bad_more, 0);
        assert_eq!(
            bad,
            [BadLine {
                line: 2,
                reason: "\"12\": too short to be a phone number; \"34 x\": letters are not allowed in a phone number".into()
            }]
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn bytes_past_the_sample_that_are_not_utf8_give_fifty_bad_lines_and_a_count() {
        let (_dir, store) = store_with_account().await;
        // UTF-8 as far as the encoding is told from, then Latin-1 junk: each line is bad.
        let mut text = "# numéros de mars\n".as_bytes().to_vec();
        while text.len() < crate::import::input::SAMPLE as usize + 10 {
            text.extend(b"# ...........................................................\n");
        }
        text.extend((0..5_000u32).flat_map(|n| [0xE9, 0xFF, (n % 50) as u8 + b'0', b'\n']));
        let err = import(&store, &text, OnBadLines::Reject).expect_err("junk");
        let ImportError::Invalid { bad, bad_more, .. } = err else {
            panic!("wrong error");
        };
        assert_eq!((bad.len(), bad_more), (50, 4_950));
        assert!(
            bad[2].to_string().ends_with(": not UTF-8 text"),
            "{}",
            bad[2]
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn empty_lists_and_bad_groups_are_errors() {
        let (_dir, store) = store_with_account().await;
        let err = import(&store, b"\n# nothing\n\n", OnBadLines::Skip).expect_err("empty");
        assert!(matches!(err, ImportError::NothingToImport));
        let to = ImportTo {
            store: &store,
            on_bad: OnBadLines::Reject,
        };
        let err = read_list(&b"+442079460958"[..], " ", OperationKind::Add, None, to)
            .expect_err("no group");
        assert!(matches!(err, ImportError::BadGroup(_)));
    }
}
