//! What can go wrong in an import: a line that cannot be read, or a file that cannot be used.

use std::fmt;

pub use super::input::UnknownEncoding;
use crate::store::StoreError;

/// A line that was not imported, and why. Displays as `line 7: "abc": letters are not allowed…`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BadLine {
    pub line: u64,
    pub reason: String,
}

impl fmt::Display for BadLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// A note on a line that was imported: a number read one way where another was possible.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LineNote {
    pub line: u64,
    pub note: String,
}

/// Why an import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read the input: {0}")]
    Read(std::io::Error),

    #[error("{0}")]
    Encoding(UnknownEncoding),

    #[error("this is a binary file, not text")]
    Binary,

    #[error(
        "this file is UTF-16 text without a byte order mark: save it as UTF-8 (in a spreadsheet: Save As, \"CSV UTF-8\")"
    )]
    Utf16,

    #[error("nothing to import: no data lines were found")]
    NothingToImport,

    /// `hint`: what was likely meant (`: is \`particpant\` meant to be \`participant\`?`),
    /// or empty.
    #[error("line {line}: the header has no `{column}` column (it has: {found}){hint}")]
    MissingColumn {
        line: u64,
        column: &'static str,
        found: String,
        hint: String,
    },

    /// A header that cannot be read as meant: a known column named twice, or misspelled.
    #[error("line {line}: {reason}")]
    BadHeader { line: u64, reason: String },

    /// The header line cannot be read: `reason` is that of [`super::lines`] ("longer than
    /// 64 KiB…", "not UTF-8 text").
    #[error("line {line}: the header is {reason}")]
    HeaderUnreadable { line: u64, reason: String },

    #[error("the group id {0}")]
    BadGroup(String),

    /// Bad lines, and nothing stored; `encoding` names the one the file was read in when it
    /// was not UTF-8.
    #[error("{}", summary(bad, *bad_more))]
    Invalid {
        bad: Vec<BadLine>,
        bad_more: usize,
        encoding: Option<&'static str>,
    },

    #[error(transparent)]
    Store(#[from] StoreError),

    #[error("the import stopped unexpectedly: {0}")]
    Internal(String),
}

impl From<std::io::Error> for ImportError {
    /// A read error, or the encoding the text reader could not tell.
    fn from(e: std::io::Error) -> Self {
        match e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<UnknownEncoding>())
        {
            Some(unknown) => ImportError::Encoding(unknown.clone()),
            None => ImportError::Read(e),
        }
    }
}

impl ImportError {
    /// What is wrong, each with the line to blame (`None`: the file as a whole), and how many
    /// more bad lines there are beyond those listed.
    pub fn problems(&self) -> (Vec<(Option<u64>, String)>, usize) {
        let at = |line: u64| {
            let text = self.to_string();
            let reason = text
                .strip_prefix(&format!("line {line}: "))
                .map_or_else(|| text.clone(), str::to_owned);
            (vec![(Some(line), reason)], 0)
        };
        match self {
            ImportError::Invalid { bad, bad_more, .. } => (
                bad.iter()
                    .map(|b| (Some(b.line), b.reason.clone()))
                    .collect(),
                *bad_more,
            ),
            ImportError::MissingColumn { line, .. }
            | ImportError::HeaderUnreadable { line, .. }
            | ImportError::BadHeader { line, .. } => at(*line),
            ImportError::Encoding(unknown) => at(unknown.line),
            other => (vec![(None, other.to_string())], 0),
        }
    }
}

/// Each problem of a file as the operator reads it, the one format of every file the tool
/// reads: `FILE:LINE: reason`, or `FILE: reason` where no line is to blame, then
/// `FILE: … and N more bad lines` when there are more than those listed.
pub fn located(file: &str, e: &ImportError) -> Vec<String> {
    let (problems, more) = e.problems();
    let mut lines: Vec<String> = problems
        .into_iter()
        .map(|(line, reason)| match line {
            Some(line) => format!("{file}:{line}: {reason}"),
            None => format!("{file}: {reason}"),
        })
        .collect();
    if more > 0 {
        lines.push(format!("{file}: … and {more} more bad lines"));
    }
    lines
}

/// How many bad lines the error message itself shows (the error holds up to 50).
const SHOWN_IN_MESSAGE: usize = 10;

fn summary(bad: &[BadLine], more: usize) -> String {
    let total = bad.len() + more;
    let mut text = format!(
        "{total} bad line{}, nothing stored:",
        if total == 1 { "" } else { "s" }
    );
    for line in bad.iter().take(SHOWN_IN_MESSAGE) {
        text.push_str(&format!("\n  {line}"));
    }
    if total > SHOWN_IN_MESSAGE {
        text.push_str(&format!("\n  … and {} more", total - SHOWN_IN_MESSAGE));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_files_say_which_lines_and_how_many_more() {
        let bad: Vec<BadLine> = (1..=12)
            .map(|line| BadLine {
                line,
                reason: "not UTF-8 text".into(),
            })
            .collect();
        let text = ImportError::Invalid {
            bad,
            bad_more: 3,
            encoding: None,
        }
        .to_string();
        assert!(text.starts_with("15 bad lines, nothing stored"), "{text}");
        assert!(text.contains("\n  line 10: not UTF-8 text"), "{text}");
        assert!(!text.contains("line 11:"), "{text}");
        assert!(text.ends_with("… and 5 more"), "{text}");
    }
}
