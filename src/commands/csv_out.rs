//! Writing CSV that is opened in spreadsheets: every cell quoted and neutralised so that none
//! starts a formula (OWASP, "CSV Injection"). Every CSV the tool writes goes through here.

use std::borrow::Cow;
use std::io::Write;

use crate::domain::text::sanitize;
use crate::exit::Failure;

/// A CSV writer whose rows are made safe to open in a spreadsheet.
pub struct CsvOut<W: Write> {
    out: csv::Writer<W>,
}

impl<W: Write> CsvOut<W> {
    /// Every cell is quoted (so a `;` or `,` never starts a new cell, whatever separator the
    /// spreadsheet assumes).
    pub fn new(out: W) -> Self {
        CsvOut {
            out: csv::WriterBuilder::new()
                .quote_style(csv::QuoteStyle::Always)
                .from_writer(out),
        }
    }

    /// Writes one row, each cell through [`cell`].
    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) -> Result<(), Failure> {
        self.out
            .write_record(cells.into_iter().map(|c| cell(c).into_owned()))
            .map_err(|e| Failure::request(format!("cannot write the CSV: {e}")))
    }

    pub fn flush(&mut self) -> Result<(), Failure> {
        self.out
            .flush()
            .map_err(|e| Failure::request(format!("cannot write the CSV: {e}")))
    }
}

/// A cell a spreadsheet shows as the text it is. Control characters become visible text; a
/// cell whose first character, after any spaces and double quotes, is `=`, `+`, `-`, `@`
/// (or their full-width forms), a tab, a carriage return or a NUL gets a leading `'`, which
/// spreadsheets read as "this is text". A whole number (`-1`, or an E.164 `+12025550143`) is
/// not a formula and is kept as it is, so a spreadsheet still sees a number.
pub fn cell(text: &str) -> Cow<'_, str> {
    let starts_formula = |t: &str| {
        matches!(t.chars().next(), Some('\t' | '\r' | '\0'))
            || matches!(
                t.trim_start_matches(|c: char| c.is_whitespace() || c == '"')
                    .chars()
                    .next(),
                Some('=' | '+' | '-' | '@' | '＝' | '＋' | '－' | '＠')
            )
    };
    if is_whole_number(text) || !starts_formula(text) {
        // Control characters anywhere still become visible text.
        return match text.chars().any(char::is_control) {
            true => Cow::Owned(sanitize(text)),
            false => Cow::Borrowed(text),
        };
    }
    Cow::Owned(format!("'{}", sanitize(text)))
}

/// `+` or `-` (or nothing), then one or more ASCII digits, and nothing else.
fn is_whole_number(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised() {
        for (raw, safe) in [
            (
                r#"=HYPERLINK("http://evil.example","x")"#,
                r#"'=HYPERLINK("http://evil.example","x")"#,
            ),
            ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("\t=1", "' =1"),
            ("\r=1", "' =1"),
            ("\0x", "'\\u{0}x"),
            ("   =1+2", "'   =1+2"),
            ("\"=1+2", "'\"=1+2"),
            (" \" @x", "' \" @x"),
            ("＝1+2", "'＝1+2"),
            ("-2+3\u{1b}]52;c;ZXZpbA==\u{7}", "'-2+3^[]52;c;ZXZpbA==^G"),
            ("=1+2\";=1+2", "'=1+2\";=1+2"),
        ] {
            assert_eq!(cell(raw), safe, "{raw:?}");
        }
    }

    #[test]
    fn numbers_and_plain_text_are_kept() {
        for kept in [
            "+12025550143",
            "+447400123456",
            "-1",
            "131203",
            "",
            "confirmed",
            "2026-01-01T00:00:00Z",
            "a=b",
            "x-y",
            "'=already text",
            "Ação 🏃",
        ] {
            assert_eq!(cell(kept), kept, "{kept:?}");
        }
        assert_eq!(cell("line\nbreak"), "line break");
        assert_eq!(cell("+"), "'+");
        assert_eq!(cell("-"), "'-");
        assert_eq!(cell("+1 202 555 0143"), "'+1 202 555 0143");
    }

    #[test]
    fn every_cell_is_quoted() {
        let mut out = CsvOut::new(Vec::new());
        out.row(["a;=1+2", "+12025550143", "=x"]).expect("row");
        out.flush().expect("flush");
        let text = String::from_utf8(out.out.into_inner().expect("inner")).expect("utf8");
        assert_eq!(text, "\"a;=1+2\",\"+12025550143\",\"'=x\"\n");
    }
}
