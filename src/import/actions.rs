//! CSV action files: one change per row, with columns `group`, `participant` and `action`.

use std::io::{BufReader, Read};
use std::iter;

use super::lines::{Lines, NumberedLine};
use super::pipeline::{self, Emit};
use super::records::{Columns, content_lines};
use super::writer::{Entry, Parsed, Writer};
use super::{BadLine, ImportError, ImportReport, ImportTo, fields, input};
use crate::domain::{GroupNames, OpSpec, Region};

const COLUMNS: [&str; 3] = ["group", "participant", "action"];

/// Imports a CSV file with a header naming the columns `group`, `participant` and `action`
/// (`add` or `remove`), in any order and case; other columns are ignored. Numbers without a
/// country code are read in `default_region`. See the module for the all-or-nothing rule.
pub fn read_csv(
    reader: impl Read + Send,
    default_region: Option<Region>,
    to: ImportTo<'_>,
) -> Result<ImportReport, ImportError> {
    let mut lines = Lines::new(BufReader::new(input::open_text(reader)?));
    let columns = Columns::from_header(&mut lines, &COLUMNS, &[])?;
    let names = to.groups;
    let mut writer = Writer::new(to)?;
    pipeline::run(
        |emit: &mut Emit<'_, NumberedLine>| content_lines(&mut lines, emit),
        |line| iter::once(parse_row(line, &columns, default_region, names)),
        |entries| entries.into_iter().try_for_each(|entry| writer.take(entry)),
    )?;
    writer.finish(super::encoding_of(&lines))
}

fn parse_row(
    (line, text): NumberedLine,
    columns: &Columns,
    region: Option<Region>,
    names: &GroupNames,
) -> Entry {
    let bad = |reason: String| BadLine { line, reason };
    let values = text.and_then(|text| columns.pick(&text)).map_err(bad)?;
    let [group, participant, action] = values.as_slice() else {
        return Err(bad("unexpected number of columns".into()));
    };
    let group_id = fields::group(group, names).map_err(bad)?;
    let kind = fields::action(action).map_err(bad)?;
    let named = fields::participant(participant, region, Some(kind)).map_err(bad)?;
    Ok(Parsed {
        line,
        op: OpSpec::for_person(kind, group_id, named.person()).map_err(|e| bad(e.to_string()))?,
        note: named.note().map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OperationKind, OperationState, Participant};
    use crate::import::OnBadLines;
    use crate::store::testing::store_with_account;
    use crate::store::{AccountStore, MirrorGroup, OperationFilter};

    fn us() -> Option<Region> {
        "US".parse().ok()
    }

    fn import(
        store: &AccountStore,
        text: &[u8],
        on_bad: OnBadLines,
    ) -> Result<ImportReport, ImportError> {
        let to = ImportTo {
            store,
            on_bad,
            groups: &GroupNames::default(),
        };
        read_csv(text, us(), to)
    }

    async fn stored(store: &AccountStore) -> Vec<(String, String, OperationKind)> {
        let ops = store
            .operations(OperationFilter::default())
            .await
            .expect("list");
        ops.into_iter()
            .map(|o| {
                (
                    o.spec.group_text().to_owned(),
                    o.spec.person_ref().to_owned(),
                    o.kind(),
                )
            })
            .collect()
    }

    fn row(group: &str, e164: &str, kind: OperationKind) -> (String, String, OperationKind) {
        (group.into(), e164.into(), kind)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_good_file_in_any_dress_is_imported() {
        let (_dir, store) = store_with_account().await;
        let text = "\u{feff}# exported from the sheet\r\n\
            Participant,Note,GROUP,Action\r\n\
            \r\n\
            \"+1 (202) 555-0143\",\"Smith, J.\",g1,add\r\n\
            (202) 555-0199,,g1,ADD\r\n\
            # a comment between rows\r\n\
            0044 20 7946 0958,,g2,remove\r\n\
            \"5511987654321\",,\" g2 \",add\r\n\
            202.555.0100,,g3, Remove \r\n";
        let report = import(&store, text.as_bytes(), OnBadLines::Reject).expect("import");
        assert_eq!((report.read, report.stored, report.bad.len()), (5, 5, 0));
        assert_eq!(
            stored(&store).await,
            vec![
                row("g1", "+12025550143", OperationKind::Add),
                row("g1", "+12025550199", OperationKind::Add),
                row("g2", "+442079460958", OperationKind::Remove),
                row("g2", "+5511987654321", OperationKind::Add),
                row("g3", "+12025550100", OperationKind::Remove),
            ]
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_queue_rules_apply_to_imported_rows() {
        let (_dir, store) = store_with_account().await;
        let group = MirrorGroup {
            id: "g1".into(),
            subject: "g1".into(),
            members: vec![
                Participant::parse("+12025550143", None)
                    .expect("valid")
                    .into(),
            ],
            member_count: 1,
            read_at: 1,
            gone_at: None,
            about: Default::default(),
        };
        store.upsert_groups(vec![group]).await.expect("mirror");
        let text = "group,participant,action\n\
            g1,+12025550143,add\n\
            g1,+12025550199,add\n\
            g1,+12025550199,add\n\
            g2,+12025550100,add\n\
            g2,+12025550100,remove\n\
            g1,+12025550177,add\n\
            g1,+12025550177,remove\n";
        let report = import(&store, text.as_bytes(), OnBadLines::Reject).expect("import");
        assert_eq!(
            (
                report.read,
                report.stored,
                report.duplicates,
                report.replaced,
                report.superseded,
                report.cancelled,
                report.flagged
            ),
            (7, 3, 1, 0, 2, 1, 1),
            "the file's own add gave way to its later removal (g2, not in the mirror: the \
             removal stays); in g1, where the mirror shows the person is not a member, the two \
             cancel out: 3 stay queued"
        );
        assert_eq!(stored(&store).await.len(), 3);
        assert_eq!(report.flagged_lines.len(), 1, "{:?}", report.flagged_lines);
        assert_eq!(
            report.flagged_lines[0].line, 2,
            "{:?}",
            report.flagged_lines
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn bad_lines_are_listed_and_nothing_is_stored() {
        let (_dir, store) = store_with_account().await;
        let earlier = "group,participant,action\ng0,+12025550100,add\n";
        import(&store, earlier.as_bytes(), OnBadLines::Reject).expect("earlier");
        let before = stored(&store).await;

        let mut text = b"group,participant,action\n\
            g1,+12025550143,add\n\
            g1,abc,add\n\
            g1,+12025550144,delete\n\
            two words,+12025550145,add\n\
            g1,\"+1 202 555 0146\"\n"
            .to_vec();
        text.extend(b"g1,+1202555\xff\xfe0147,add\ng1,+12025550148,remove\n");
        let err = import(&store, &text, OnBadLines::Reject).expect_err("bad lines");
        let ImportError::Invalid { bad, bad_more, .. } = &err else {
            panic!("wrong error: {err}");
        };
        let shown: Vec<String> = bad.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            vec![
                "line 3: \"abc\": letters are not allowed in a phone number",
                "line 4: action `delete` is neither `add` nor `remove`",
                "line 5: no group of the mirror has the subject \"two words\", nor is it a group id (`groups export` lists the groups; `groups sync` reads new ones)",
                "line 6: 2 fields, expected 3 (group,participant,action)",
                // Not UTF-8: read as Windows-1252, where those bytes are letters.
                "line 7: \"+1202555ÿþ0147\": letters are not allowed in a phone number",
            ]
        );
        assert_eq!(*bad_more, 0);
        assert!(
            err.to_string().starts_with("5 bad lines, nothing stored"),
            "{err}"
        );
        assert_eq!(stored(&store).await, before, "the store is as it was");

        let report = import(&store, &text, OnBadLines::Skip).expect("skip");
        assert_eq!((report.read, report.stored, report.bad.len()), (7, 2, 5));
        assert_eq!(stored(&store).await.len(), before.len() + 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn more_than_fifty_bad_lines_are_counted_not_listed() {
        let (_dir, store) = store_with_account().await;
        let mut text = String::from("group,participant,action\n");
        for n in 0..200 {
            text.push_str(&format!("g,not a number {n},add\n"));
        }
        text.push_str("g,+12025550143,add\n");
        let err = import(&store, text.as_bytes(), OnBadLines::Reject).expect_err("bad");
        let ImportError::Invalid { bad, bad_more, .. } = err else {
            panic!("wrong error");
        };
        assert_eq!((bad.len(), bad_more), (50, 150));
        assert_eq!(bad[49].line, 51);
        assert!(stored(&store).await.is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn unusable_files_are_clear_errors() {
        let (_dir, store) = store_with_account().await;
        let try_file = |text: &[u8]| import(&store, text, OnBadLines::Skip).expect_err("unusable");
        assert!(matches!(try_file(b""), ImportError::NothingToImport));
        assert!(matches!(
            try_file(b"\xEF\xBB\xBFgroup,participant,action\r\n\r\n# none\r\n"),
            ImportError::NothingToImport
        ));
        let err = try_file(b"group,phone,action\ng,+12025550143,add\n");
        assert_eq!(
            err.to_string(),
            "line 1: the header has no `participant` column (it has: `group`, `phone`, `action`)"
        );
        let err = try_file(b"g1,+12025550143,add\n");
        assert!(
            matches!(
                err,
                ImportError::MissingColumn {
                    column: "group",
                    ..
                }
            ),
            "{err}"
        );
        let mut binary = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
        binary.extend((0..100_000u32).map(|n| (n % 251) as u8));
        assert!(matches!(try_file(&binary), ImportError::Binary));
        let long_header = [vec![b'g'; 70_000], b",participant,action\n".to_vec()].concat();
        let err = try_file(&long_header);
        assert_eq!(
            err.to_string(),
            "line 1: the header is longer than 64 KiB: is this a text file?"
        );
        let err = try_file(b"# Jo\x8bo Concei\x8d\x8bo (Mac Roman)\ngroup,participant,action\n");
        assert!(matches!(err, ImportError::Encoding(_)), "{err}");
        let no_line_breaks = [
            b"group,participant,action\ng,\"".to_vec(),
            vec![b'1'; 2 << 20],
        ]
        .concat();
        let err = import(&store, &no_line_breaks, OnBadLines::Reject).expect_err("a line too long");
        let ImportError::Invalid { bad, .. } = &err else {
            panic!("wrong error: {err}");
        };
        assert!(bad[0].reason.contains("longer than 64 KiB"), "{err}");
        assert!(stored(&store).await.is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn imported_operations_start_pending() {
        let (_dir, store) = store_with_account().await;
        let text = "group,participant,action\ng,+12025550143,add\n";
        import(&store, text.as_bytes(), OnBadLines::Reject).expect("import");
        let ops = store
            .operations(OperationFilter::default())
            .await
            .expect("list");
        assert_eq!(
            (ops[0].state, ops[0].attempts),
            (OperationState::Pending, 0)
        );
    }
}
