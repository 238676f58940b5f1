//! CSV rows by column name: the header found and checked, each line cut into the wanted values.
//!
//! Each line is one record (parsed with the csv crate: quotes, `""` escapes, commas inside
//! quotes): line numbers stay exact, a bad line cannot swallow the ones after it, and memory
//! stays bounded. A quoted value spanning lines is not supported.

use std::io::BufRead;

use csv::{ReaderBuilder, StringRecord, Trim};

use super::ImportError;
use super::lines::{Lines, NumberedLine};
use super::pipeline::Emit;
use crate::domain::text::sanitize;

/// Where the wanted columns are in each row, and the header they were found in. Header names
/// are matched without regard to case or surrounding spaces, in any order; other columns are
/// ignored, unless one is a known column misspelled (`particpant`): that is an error, as is a
/// known column named twice. Every row must have as many fields as the header (empty fields
/// past the header's end aside): a row with a field more or less is bad, never read in part.
pub(super) struct Columns {
    wanted: Vec<(&'static str, Option<usize>)>,
    /// The header's names as written (made safe, shortened), to say what a row should hold.
    header: Vec<String>,
    /// Required columns that may be left blank in a row (the caller says why one is).
    blank_ok: &'static [&'static str],
    required: usize,
}

impl Columns {
    /// Reads up to the header (blank and `#` comment lines before it are skipped) and finds
    /// the `required` columns in it, then the `optional` ones (which may be missing).
    pub(super) fn from_header<R: BufRead>(
        lines: &mut Lines<R>,
        required: &[&'static str],
        optional: &[&'static str],
    ) -> Result<Columns, ImportError> {
        let header = loop {
            let Some((line, text)) = lines.next_line()? else {
                return Err(ImportError::NothingToImport);
            };
            let text = text.map_err(|reason| ImportError::HeaderUnreadable { line, reason })?;
            if !is_blank_or_comment(&text) {
                break (line, text);
            }
        };
        let (line, text) = header;
        Columns::from_names(line, &split(&text), required, optional)
    }

    /// Finds the columns in a header already cut into `names` (on line `line`).
    pub(super) fn from_names(
        line: u64,
        names: &[impl AsRef<str>],
        required: &[&'static str],
        optional: &[&'static str],
    ) -> Result<Columns, ImportError> {
        let mut names: Vec<String> = names
            .iter()
            .map(|n| {
                n.as_ref()
                    .trim()
                    .trim_start_matches('\u{feff}')
                    .to_lowercase()
            })
            .collect();
        while names.len() > 1 && names.last().is_some_and(String::is_empty) {
            names.pop();
        }
        let known: Vec<&'static str> = required.iter().chain(optional).copied().collect();
        let at = |column: &str| -> Result<Option<usize>, ImportError> {
            let mut found = names.iter().enumerate().filter(|(_, n)| *n == column);
            let first = found.next().map(|(i, _)| i);
            match (first, found.next()) {
                (Some(a), Some((b, _))) => Err(ImportError::BadHeader {
                    line,
                    reason: format!(
                        "the header names `{column}` twice (columns {} and {}): which one is meant cannot be told",
                        a + 1,
                        b + 1
                    ),
                }),
                (first, _) => Ok(first),
            }
        };
        let mut wanted = Vec::with_capacity(known.len());
        for &column in &known {
            wanted.push((column, at(column)?));
        }
        let missing = |column: &str| wanted.iter().any(|(c, at)| *c == column && at.is_none());
        // A column that is none of the known ones, yet close to one not found: a misspelling.
        let misspelled = names
            .iter()
            .filter(|n| !known.contains(&n.as_str()))
            .find_map(|n| {
                let unfound = known.iter().copied().filter(|c| missing(c));
                crate::domain::similar::closest(n, unfound, 1)
                    .first()
                    .map(|meant| (n.clone(), *meant))
            });
        let header: Vec<String> = names.iter().map(|n| shorten(n)).collect();
        for &column in required {
            if missing(column) {
                let found: Vec<String> = header.iter().map(|n| format!("`{n}`")).collect();
                let hint = match &misspelled {
                    Some((written, meant)) if *meant == column => {
                        format!(": is `{}` meant to be `{column}`?", shorten(written))
                    }
                    _ if wanted.iter().all(|(_, at)| at.is_none()) => format!(
                        ": the first line names the columns ({})",
                        required.join(",")
                    ),
                    _ => String::new(),
                };
                return Err(ImportError::MissingColumn {
                    line,
                    column,
                    found: found.join(", "),
                    hint,
                });
            }
        }
        if let Some((written, meant)) = misspelled {
            return Err(ImportError::BadHeader {
                line,
                reason: format!(
                    "the header's column `{}` is not one this file takes: is it meant to be `{meant}`? (the columns are {})",
                    shorten(&written),
                    known.join(",")
                ),
            });
        }
        Ok(Columns {
            wanted,
            header,
            blank_ok: &[],
            required: required.len(),
        })
    }

    /// The same columns, with these required ones allowed to be blank in a row.
    pub(super) fn blank_ok(self, blank_ok: &'static [&'static str]) -> Columns {
        Columns { blank_ok, ..self }
    }

    /// Where an optional column is, if the header has it.
    pub(super) fn position(&self, column: &str) -> Option<usize> {
        self.wanted
            .iter()
            .find(|(c, _)| *c == column)
            .and_then(|(_, at)| *at)
    }

    /// Whether a row of `fields` has the header's number of fields (empty ones past its end
    /// aside), or why not: `4 fields, expected 3 (group,participant,action)`, with the likely
    /// cause (`unclosed`: the line holds a quote that is not closed).
    pub(super) fn check_count(
        &self,
        fields: &[impl AsRef<str>],
        unclosed: bool,
    ) -> Result<(), String> {
        let expected = self.header.len();
        let mut found = fields.len();
        while found > expected && fields[found - 1].as_ref().trim().is_empty() {
            found -= 1;
        }
        if found == expected {
            return Ok(());
        }
        let why = if unclosed {
            ": a quote is not closed (a value cannot span lines)"
        } else if found > expected {
            ": a value holding a comma must be in double quotes"
        } else {
            ""
        };
        Err(format!(
            "{found} field{}, expected {expected} ({}){why}",
            if found == 1 { "" } else { "s" },
            self.header.join(","),
        ))
    }

    /// The values of one data line for the required columns, in the order asked, then those
    /// of the optional ones (empty where the header has no such column), or why there are
    /// none: a wrong number of fields, or a blank required value.
    pub(super) fn pick(&self, text: &str) -> Result<Vec<String>, String> {
        let mut fields = split(text);
        self.check_count(&fields, text.matches('"').count() % 2 == 1)?;
        let mut values = Vec::with_capacity(self.wanted.len());
        for (n, &(name, index)) in self.wanted.iter().enumerate() {
            let value = index
                .and_then(|i| fields.get_mut(i))
                .map(std::mem::take)
                .unwrap_or_default();
            if n < self.required && value.is_empty() && !self.blank_ok.contains(&name) {
                let column = index.map_or(0, |i| i + 1);
                return Err(format!("no `{name}` value (column {column})"));
            }
            values.push(value);
        }
        Ok(values)
    }
}

/// Emits the lines that carry content (not blank, not `#` comments), numbered as in the file.
pub(super) fn content_lines<R: BufRead>(
    lines: &mut Lines<R>,
    emit: &mut Emit<'_, NumberedLine>,
) -> Result<(), ImportError> {
    while let Some((number, text)) = lines.next_line()? {
        if matches!(&text, Ok(t) if is_blank_or_comment(t)) {
            continue;
        }
        if !emit((number, text)) {
            break;
        }
    }
    Ok(())
}

/// A line that carries nothing: blank, a `#` comment, or only empty fields (`,,`, as a
/// spreadsheet writes an empty row).
pub(super) fn is_blank_or_comment(text: &str) -> bool {
    let text = text.trim();
    text.starts_with('#')
        || text
            .chars()
            .all(|c| c == ',' || c == '"' || c.is_whitespace())
}

/// One line's fields, trimmed, as the csv crate reads them. A line without quotes (nearly
/// every line of a real file) is cut at its commas directly: the same fields, without building
/// a CSV reader per line.
fn split(line: &str) -> Vec<String> {
    if !line.contains('"') {
        return line.split(',').map(|f| f.trim().to_owned()).collect();
    }
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(Trim::All)
        .buffer_capacity(line.len().clamp(64, 8 * 1024))
        .from_reader(line.as_bytes());
    let mut record = StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => record.iter().map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

/// A header name fit for an error message.
fn shorten(name: &str) -> String {
    let shown = sanitize(name);
    if shown.chars().count() > 30 {
        shown.chars().take(30).collect::<String>() + "…"
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (u64, Result<Vec<String>, String>);

    fn rows(text: &[u8], wanted: &[&'static str]) -> Result<Vec<Row>, ImportError> {
        let mut lines = Lines::new(text);
        let columns = Columns::from_header(&mut lines, wanted, &[])?;
        let mut out = Vec::new();
        content_lines(&mut lines, &mut |(line, text): NumberedLine| {
            out.push((line, text.and_then(|t| columns.pick(&t))));
            true
        })?;
        Ok(out)
    }

    fn ok(line: u64, values: &[&str]) -> Row {
        (line, Ok(values.iter().map(|v| (*v).to_owned()).collect()))
    }

    /// A line starting with `#` is a comment (a row disabled that way is not read); a first
    /// cell that starts with `#` (a group named `#1 Fans`) is written quoted, and is a row.
    #[test]
    fn a_hash_starts_a_comment_and_a_quoted_hash_is_a_value() {
        let text = "group,participant,action\n#g1,+12025550143,add\n\"#1 Fans\",+12025550199,add\n";
        let got = rows(text.as_bytes(), &["group", "participant", "action"]).expect("rows");
        assert_eq!(got, vec![ok(3, &["#1 Fans", "+12025550199", "add"])]);
    }

    #[test]
    fn columns_are_found_by_name_in_any_order_and_case() {
        let text = "# exported\n\n Action ,Note,GROUP,Participant\r\nadd,\"a, \"\"b\"\"\",g1,\"+1 202 555 0143\"\r\n\r\n# done\nremove,,g2,2025550143\n";
        let got = rows(text.as_bytes(), &["group", "participant", "action"]).expect("rows");
        assert_eq!(
            got,
            vec![
                ok(4, &["g1", "+1 202 555 0143", "add"]),
                ok(7, &["g2", "2025550143", "remove"])
            ]
        );
        let columns =
            Columns::from_names(1, &["action", "note", "group"], &["note"], &[]).expect("header");
        assert_eq!(
            columns.pick("add,\"a, \"\"b\"\"\",g1"),
            Ok(vec!["a, \"b\"".to_owned()])
        );
    }

    #[test]
    fn the_quick_split_reads_as_the_csv_crate_does() {
        for line in [
            "a,b,c",
            " a , b ,c ",
            "g1,+1 202 555 0143,add",
            ",,",
            "x",
            "a,\tb\t,\u{a0}c",
        ] {
            let mut reader = ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .trim(Trim::All)
                .from_reader(line.as_bytes());
            let mut record = StringRecord::new();
            let crate_fields: Vec<String> = match reader.read_record(&mut record) {
                Ok(true) => record.iter().map(str::to_owned).collect(),
                _ => Vec::new(),
            };
            assert_eq!(split(line), crate_fields, "{line:?}");
        }
    }

    #[test]
    fn a_missing_column_is_named() {
        let err = rows(b"group,number\ng,1\n", &["group", "participant"]).expect_err("missing");
        assert_eq!(
            err.to_string(),
            "line 1: the header has no `participant` column (it has: `group`, `number`)"
        );
    }

    #[test]
    fn short_rows_and_bad_bytes_are_bad_rows_not_errors() {
        let text = b"group,participant\ng1\ng2,\xff\xfe\n   \ng3,1\n";
        let got = rows(text, &["group", "participant"]).expect("rows");
        assert_eq!(
            got[0],
            (2, Err("1 field, expected 2 (group,participant)".into()))
        );
        assert_eq!(got[1], (3, Err("not UTF-8 text".into())));
        assert_eq!(got[2], ok(5, &["g3", "1"]));
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn a_row_must_have_the_headers_fields_and_its_required_values() {
        let text = "Group,Participant,Action\r\n\
            g1,+12025550143,add,extra\r\n\
            Book Club,+1 202 555,0143,add\r\n\
            g1,+12025550143\r\n\
            g1,\"+1 202,add\r\n\
            g1,+12025550143,add,,\r\n\
            ,,\r\n\
            g1,,add\r\n\
            ,+12025550143,add\r\n";
        let got = rows(text.as_bytes(), &["group", "participant", "action"]).expect("rows");
        let bad = |line, reason: &str| (line, Err(reason.to_owned()));
        assert_eq!(
            got,
            vec![
                bad(
                    2,
                    "4 fields, expected 3 (group,participant,action): a value holding a comma must be in double quotes"
                ),
                bad(
                    3,
                    "4 fields, expected 3 (group,participant,action): a value holding a comma must be in double quotes"
                ),
                bad(4, "2 fields, expected 3 (group,participant,action)"),
                bad(
                    5,
                    "2 fields, expected 3 (group,participant,action): a quote is not closed (a value cannot span lines)"
                ),
                ok(6, &["g1", "+12025550143", "add"]),
                bad(8, "no `participant` value (column 2)"),
                bad(9, "no `group` value (column 1)"),
            ]
        );
    }

    #[test]
    fn a_misspelled_or_doubled_header_is_refused_with_what_was_meant() {
        let wanted = &["group", "participant", "action"];
        let err = |header: &str| {
            let text = format!("{header}\ng1,+12025550143,add\n");
            rows(text.as_bytes(), wanted)
                .expect_err("header")
                .to_string()
        };
        assert_eq!(
            err("group,particpant,action"),
            "line 1: the header has no `participant` column (it has: `group`, `particpant`, `action`): is `particpant` meant to be `participant`?"
        );
        assert_eq!(
            err("g1,+12025550143,add"),
            "line 1: the header has no `group` column (it has: `g1`, `+12025550143`, `add`): the first line names the columns (group,participant,action)"
        );
        assert_eq!(
            err("group,participant,action,Group"),
            "line 1: the header names `group` twice (columns 1 and 4): which one is meant cannot be told"
        );
        let optional = Columns::from_names(
            1,
            &["subject", "descripton"],
            &["subject"],
            &["description"],
        );
        assert_eq!(
            optional.err().map(|e| e.to_string()).as_deref(),
            Some(
                "line 1: the header's column `descripton` is not one this file takes: is it meant to be `description`? (the columns are subject,description)"
            )
        );
        // Columns of the operator's own are read past; a trailing empty name is no column.
        let ok =
            Columns::from_names(1, &["group", "name", "note", ""], &["group"], &[]).expect("ok");
        assert_eq!(ok.pick("g1,Ann,,"), Ok(vec!["g1".to_owned()]));
    }

    #[test]
    fn empty_and_comment_only_files_have_nothing() {
        for text in ["", "\n\n", "# only a comment\n"] {
            assert!(matches!(
                rows(text.as_bytes(), &["group"]),
                Err(ImportError::NothingToImport)
            ));
        }
    }
}
