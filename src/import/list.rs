//! Plain number lists: one or several numbers a line, all for one group and one action.

use std::io::{BufReader, Read};

use super::lines::{Lines, NumberedLine};
use super::pipeline::{self, Emit};
use super::records::content_lines;
use super::writer::{Entry, Writer};
use super::{BadLine, ImportError, ImportReport, ImportTo, fields, input};
use crate::domain::participant::split_list;
use crate::domain::{OpSpec, OperationKind, Participant, Region};

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
            Ok(OpSpec::for_participant(kind, group_id, participant))
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
            .filter_map(|o| o.participant().map(|p| p.e164().to_owned()))
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
        let report = import(&store, text.as_bytes(), OnBadLines::Skip).expect("skip");
        assert_eq!((report.read, report.stored, report.bad.len()), (3, 2, 1));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_non_text_file_gives_fifty_bad_lines_and_a_count() {
        let (_dir, store) = store_with_account().await;
        // Latin-1 junk without NUL bytes: every line is "not UTF-8 text".
        let junk: Vec<u8> = (0..5_000u32)
            .flat_map(|n| [0xE9, 0xFF, (n % 50) as u8 + b'0', b'\n'])
            .collect();
        let err = import(&store, &junk, OnBadLines::Reject).expect_err("junk");
        let ImportError::Invalid { bad, bad_more } = err else {
            panic!("wrong error");
        };
        assert_eq!((bad.len(), bad_more), (50, 4_950));
        assert_eq!(bad[2].to_string(), "line 3: not UTF-8 text");
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
