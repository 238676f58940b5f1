//! Target membership files: CSV `group,participant`, the full wanted member list of each group.

use std::io::{BufReader, Read};

use super::lines::{Lines, NumberedLine};
use super::pipeline::{self, Emit};
use super::records::{Columns, content_lines};
use super::{BadLine, ImportError, MAX_BAD_LINES_SHOWN, fields, input};
use crate::domain::{Participant, Region};
use crate::store::TargetMembership;

const COLUMNS: [&str; 2] = ["group", "participant"];

/// Reads the wanted membership of the groups a CSV file lists (header `group,participant`, in
/// any order and case). A row with an empty participant lists its group as wanted empty. Any
/// bad line makes the whole file an error: a partial target would remove the wrong people.
pub fn read_target(
    reader: impl Read + Send,
    region: Option<Region>,
) -> Result<TargetMembership, ImportError> {
    let mut lines = Lines::new(BufReader::new(input::open_text(reader)?));
    let columns = Columns::from_header(&mut lines, &COLUMNS)?;
    let mut target = TargetMembership::default();
    let mut bad: Vec<BadLine> = Vec::new();
    let mut bad_more = 0;
    let mut read = 0usize;
    pipeline::run(
        |emit: &mut Emit<'_, NumberedLine>| content_lines(&mut lines, emit),
        |line| parse_row(line, &columns, region),
        |entry| {
            read += 1;
            match entry {
                Ok((group, Some(person))) => target.add_member(&group, person),
                Ok((group, None)) => target.add_group(&group),
                Err(line) if bad.len() < MAX_BAD_LINES_SHOWN => bad.push(line),
                Err(_) => bad_more += 1,
            }
            Ok(())
        },
    )?;
    if !bad.is_empty() {
        return Err(ImportError::Invalid { bad, bad_more });
    }
    if read == 0 {
        return Err(ImportError::NothingToImport);
    }
    Ok(target)
}

fn parse_row(
    (line, text): NumberedLine,
    columns: &Columns,
    region: Option<Region>,
) -> Result<(String, Option<Participant>), BadLine> {
    let bad = |reason: String| BadLine { line, reason };
    let values = text.and_then(|text| columns.pick(&text)).map_err(bad)?;
    let [group, participant] = values.as_slice() else {
        return Err(bad("unexpected number of columns".into()));
    };
    let group = fields::group_id(group).map_err(bad)?.to_owned();
    if participant.trim().is_empty() {
        return Ok((group, None));
    }
    let person = Participant::parse(participant, region).map_err(|e| bad(e.to_string()))?;
    Ok((group, Some(person)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MirrorGroup;
    use crate::store::testing::store_with_account;

    #[tokio::test]
    async fn a_target_file_becomes_a_diff_against_the_mirror() {
        let (_dir, store) = store_with_account().await;
        let member = |text: &str| Participant::parse(text, None).expect("valid");
        let group = MirrorGroup {
            id: "g1".into(),
            subject: "g1".into(),
            members: vec![member("+12025550100"), member("+12025550101")],
            member_count: 2,
            read_at: 1,
            gone_at: None,
        };
        store.upsert_groups(vec![group]).await.expect("mirror");
        let text = "\u{feff}Participant,Group\r\n\
            (202) 555-0101,g1\r\n\
            +1 202 555 0102,g1\r\n\
            ,g2\r\n\
            +12025550103,nowhere\r\n";
        let target = read_target(text.as_bytes(), "US".parse().ok()).expect("target");
        let diff = store.diff_target(&target).await.expect("diff");
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
        let err = read_target(text.as_bytes(), None).expect_err("bad");
        let ImportError::Invalid { bad, .. } = err else {
            panic!("wrong error");
        };
        assert_eq!(bad[0].line, 3);
        assert!(matches!(
            read_target(&b"group,participant\n"[..], None),
            Err(ImportError::NothingToImport)
        ));
    }
}
