//! Files of groups to create: CSV `subject,description,join_approval_mode` (a header naming
//! the columns, in any order and case; `subject` required, the others may be left out or
//! blank), in any encoding the imports read. The whole file is checked first: one bad line
//! creates nothing, and every bad line is named (`FILE:LINE: reason`).

use std::io::Read;

use super::records::Columns;
use super::{BadLine, ImportError, MAX_BAD_LINES_SHOWN, input};
use crate::domain::group::{check_description, check_subject};
use crate::domain::text::sanitize;
use crate::domain::{JoinApprovalMode, MAX_GROUPS_PER_NUMBER, NewGroup};

/// The largest file read (10,000 groups with long descriptions fit).
const MAX_BYTES: u64 = 32 * 1024 * 1024;

/// The groups a file asks for, each with its line.
#[derive(Debug, Default)]
pub struct NewGroupsFile {
    pub groups: Vec<(u64, NewGroup)>,
    /// The encoding the file was read in, when it was not UTF-8.
    pub encoding: Option<&'static str>,
}

/// Reads and checks a file of groups to create.
pub fn read_new_groups(reader: impl Read) -> Result<NewGroupsFile, ImportError> {
    let mut text_reader = input::open_text(reader.take(MAX_BYTES + 1))?;
    let mut text = String::new();
    text_reader.read_to_string(&mut text)?;
    let encoding = text_reader.encoding().map(encoding_rs::Encoding::name);
    if text.len() as u64 > MAX_BYTES {
        return Err(ImportError::Internal(format!(
            "the file is larger than {} MiB",
            MAX_BYTES / 1024 / 1024
        )));
    }
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut header = csv::StringRecord::new();
    match csv.read_record(&mut header) {
        Ok(true) => {}
        Ok(false) => return Err(ImportError::NothingToImport),
        Err(e) => {
            return Err(ImportError::HeaderUnreadable {
                line: 1,
                reason: e.to_string(),
            });
        }
    }
    let columns = Columns::from_names(
        1,
        &header.iter().collect::<Vec<_>>(),
        &["subject"],
        &["description", "join_approval_mode"],
    )?;
    let subject_at = columns.position("subject");
    let (description_at, mode_at) = (
        columns.position("description"),
        columns.position("join_approval_mode"),
    );
    let mut file = NewGroupsFile {
        encoding,
        ..NewGroupsFile::default()
    };
    let mut bad: Vec<BadLine> = Vec::new();
    let mut bad_more = 0;
    let mut first_line_of: std::collections::HashMap<String, u64> = Default::default();
    // Lines counted from the byte a record starts at, past the end of the line before (the
    // reader's own count, and its start, take the `\n` of a CRLF as part of the next record).
    let bytes = text.as_bytes();
    let line_at = |byte: u64| -> u64 {
        let mut end = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
        while end < bytes.len() && matches!(bytes[end], b'\r' | b'\n') {
            end += 1;
        }
        bytes[..end].iter().filter(|b| **b == b'\n').count() as u64 + 1
    };
    let mut record = csv::StringRecord::new();
    loop {
        let before = line_at(csv.position().byte());
        let (line, checked) = match csv.read_record(&mut record) {
            Ok(false) => break,
            Err(e) => (
                e.position().map_or(before, |p| line_at(p.byte())),
                Err(format!("cannot be read as CSV: {e}")),
            ),
            Ok(true) => {
                let line = record.position().map_or(before, |p| line_at(p.byte()));
                if record.iter().all(str::is_empty) {
                    continue;
                }
                let cell = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or("");
                let checked = columns
                    .check_count(&record.iter().collect::<Vec<_>>(), false)
                    .and_then(|()| match cell(subject_at) {
                        "" => Err(format!(
                            "no `subject` value (column {})",
                            subject_at.map_or(1, |i| i + 1)
                        )),
                        subject => row(subject, cell(description_at), cell(mode_at)),
                    });
                (line, checked)
            }
        };
        let checked = checked.and_then(|new| match first_line_of.get(&new.subject) {
            Some(first) => Err(format!(
                "the subject \"{}\" is on line {first} too: a create is matched to its group by subject, so each must differ",
                sanitize(&new.subject)
            )),
            None => {
                first_line_of.insert(new.subject.clone(), line);
                Ok(new)
            }
        });
        match checked {
            Ok(new) => file.groups.push((line, new)),
            Err(reason) if bad.len() < MAX_BAD_LINES_SHOWN => bad.push(BadLine { line, reason }),
            Err(_) => bad_more += 1,
        }
    }
    if !bad.is_empty() {
        return Err(ImportError::Invalid {
            bad,
            bad_more,
            encoding,
        });
    }
    if file.groups.is_empty() {
        return Err(ImportError::NothingToImport);
    }
    if file.groups.len() > MAX_GROUPS_PER_NUMBER {
        return Err(ImportError::Internal(format!(
            "{} groups: a phone number has at most {MAX_GROUPS_PER_NUMBER}",
            file.groups.len()
        )));
    }
    Ok(file)
}

/// One row's group, or why it cannot be one.
fn row(subject: &str, description: &str, mode: &str) -> Result<NewGroup, String> {
    let subject = check_subject(subject)?;
    let description = if description.is_empty() {
        None
    } else {
        Some(check_description(description)?)
    };
    let join_approval_mode: JoinApprovalMode = mode.parse()?;
    Ok(NewGroup {
        subject,
        description,
        join_approval_mode,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_file_reads_every_group_with_its_line() {
        let text = "Subject,Description,Join_Approval_Mode\r\n\"Cohort A\",\"Weekly, on Mondays\",approval_required\r\n\r\n# a comment\r\nCohort B,,\r\n";
        let file = read_new_groups(text.as_bytes()).expect("read");
        assert_eq!(file.groups.len(), 2);
        assert_eq!(file.groups[0].0, 2);
        assert_eq!(
            file.groups[0].1.description.as_deref(),
            Some("Weekly, on Mondays")
        );
        assert_eq!(
            file.groups[0].1.join_approval_mode,
            JoinApprovalMode::ApprovalRequired
        );
        assert_eq!(
            file.groups[1].1.join_approval_mode,
            JoinApprovalMode::AutoApprove
        );
        let only_subject = read_new_groups("subject\nSolo\n".as_bytes()).expect("read");
        assert_eq!(only_subject.groups[0].1.subject, "Solo");
    }

    #[test]
    fn every_bad_line_is_named_and_nothing_is_taken() {
        let long = "x".repeat(129);
        let text = format!(
            "subject,description,join_approval_mode\nOK,,\n,Only a description,\n{long},,\nA,,maybe\nOK,,\n"
        );
        let Err(ImportError::Invalid { bad, .. }) = read_new_groups(text.as_bytes()) else {
            panic!("refused");
        };
        let lines: Vec<u64> = bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, [3, 4, 5, 6]);
        assert_eq!(bad[0].reason, "no `subject` value (column 1)");
        assert!(bad[1].reason.contains("129 characters"));
        assert!(bad[2].reason.contains("maybe"));
        assert!(bad[3].reason.contains("line 2 too"));
        assert!(matches!(
            read_new_groups("name\nX\n".as_bytes()),
            Err(ImportError::MissingColumn {
                column: "subject",
                ..
            })
        ));
        assert!(matches!(
            read_new_groups("subject\n".as_bytes()),
            Err(ImportError::NothingToImport)
        ));
    }
}
