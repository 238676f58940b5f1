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

/// Where the wanted columns are in each row. Header names are matched without regard to case
/// or surrounding spaces, in any order; other columns are ignored.
pub(super) struct Columns {
    wanted: Vec<(&'static str, usize)>,
}

impl Columns {
    /// Reads up to the header (blank and `#` comment lines before it are skipped) and finds
    /// the `wanted` columns in it.
    pub(super) fn from_header<R: BufRead>(
        lines: &mut Lines<R>,
        wanted: &[&'static str],
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
        let names: Vec<String> = split(&text).iter().map(|n| n.to_lowercase()).collect();
        let mut columns = Columns { wanted: Vec::new() };
        for &column in wanted {
            let Some(index) = names.iter().position(|name| name == column) else {
                let found: Vec<String> =
                    names.iter().map(|n| format!("`{}`", shorten(n))).collect();
                return Err(ImportError::MissingColumn {
                    line,
                    column,
                    found: found.join(", "),
                });
            };
            columns.wanted.push((column, index));
        }
        Ok(columns)
    }

    /// The wanted values of one data line, in the order asked, or why there are none.
    pub(super) fn pick(&self, text: &str) -> Result<Vec<String>, String> {
        let mut fields = split(text);
        let mut values = Vec::with_capacity(self.wanted.len());
        for &(name, index) in &self.wanted {
            match fields.get_mut(index) {
                Some(value) => values.push(std::mem::take(value)),
                None => return Err(format!("no `{name}` value (column {})", index + 1)),
            }
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

fn is_blank_or_comment(text: &str) -> bool {
    let text = text.trim();
    text.is_empty() || text.starts_with('#')
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
        let columns = Columns::from_header(&mut lines, wanted)?;
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
        let columns = Columns {
            wanted: vec![("note", 1)],
        };
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
        assert_eq!(got[0], (2, Err("no `participant` value (column 2)".into())));
        assert_eq!(got[1], (3, Err("not UTF-8 text".into())));
        assert_eq!(got[2], ok(5, &["g3", "1"]));
        assert_eq!(got.len(), 3);
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
