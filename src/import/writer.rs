//! The receiving end of an import: good changes into one open import transaction (in chunks),
//! bad lines tallied, and at the end a commit or nothing at all.

use super::{
    BadLine, ImportError, ImportReport, ImportTo, LineNote, MAX_BAD_LINES_SHOWN, OnBadLines,
};
use std::collections::HashMap;

use crate::domain::OpSpec;
use crate::store::{ImportTx, OpId, Pushed};

/// One change read from a line, with the note of its number's reading, if any.
pub(super) struct Parsed {
    pub line: u64,
    pub op: OpSpec,
    pub note: Option<String>,
}

/// One parsed change, or the line that could not be one.
pub(super) type Entry = Result<Parsed, BadLine>;

/// Flags whose text an import keeps to list (a file of many flagged lines keeps only their
/// lines beyond these).
const FLAGS_KEPT: usize = 4 * MAX_BAD_LINES_SHOWN;

/// Changes handed to the store at a time.
const CHUNK: usize = 1024;

/// Collects an import's outcome.
pub(super) struct Writer {
    /// `None` once a bad line made a rejecting import pointless to write.
    tx: Option<ImportTx>,
    chunk: Vec<OpSpec>,
    /// The line of each change in `chunk`.
    lines: Vec<u64>,
    on_bad: OnBadLines,
    report: ImportReport,
    /// The first row this import stored: a replaced row from it on is the file's own.
    first: Option<OpId>,
    /// The flagged rows this import stored, with their lines (and the flag's text for the
    /// first [`FLAGS_KEPT`]), until a later line replaces them.
    flagged: HashMap<OpId, (u64, Option<String>)>,
}

impl Writer {
    pub(super) fn new(to: ImportTo<'_>) -> Result<Self, ImportError> {
        Ok(Writer {
            tx: Some(to.store.begin_import()?),
            chunk: Vec::with_capacity(CHUNK),
            lines: Vec::with_capacity(CHUNK),
            on_bad: to.on_bad,
            report: ImportReport::default(),
            first: None,
            flagged: HashMap::new(),
        })
    }

    pub(super) fn take(&mut self, entry: Entry) -> Result<(), ImportError> {
        self.report.read += 1;
        match entry {
            Ok(Parsed { line, op, note }) => {
                if let Some(note) = note {
                    if self.report.notes.len() < MAX_BAD_LINES_SHOWN {
                        self.report.notes.push(LineNote { line, note });
                    } else {
                        self.report.notes_more += 1;
                    }
                }
                if self.tx.is_some() {
                    self.chunk.push(op);
                    self.lines.push(line);
                    if self.chunk.len() >= CHUNK {
                        self.flush()?;
                    }
                }
            }
            Err(bad) => {
                if self.on_bad == OnBadLines::Reject {
                    // Nothing will be stored: release the store now, keep checking.
                    self.tx = None;
                    self.chunk.clear();
                    self.lines.clear();
                }
                if self.report.bad.len() < MAX_BAD_LINES_SHOWN {
                    self.report.bad.push(bad);
                } else {
                    self.report.bad_more += 1;
                }
            }
        }
        Ok(())
    }

    /// Hands the waiting changes to the store and counts what the queue rules did.
    fn flush(&mut self) -> Result<(), ImportError> {
        let Some(tx) = &self.tx else {
            return Ok(());
        };
        if self.chunk.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK));
        let lines = std::mem::replace(&mut self.lines, Vec::with_capacity(CHUNK));
        for (pushed, line) in tx.push(chunk)?.into_iter().zip(lines) {
            match pushed {
                Pushed::Duplicate { .. } => self.report.duplicates += 1,
                Pushed::Cancelled { withdrawn, .. } => {
                    self.report.cancelled += 1;
                    if self.first.is_some_and(|first| withdrawn >= first) {
                        self.report.stored -= 1;
                        self.report.superseded += 1;
                        self.flagged.remove(&withdrawn);
                    } else {
                        self.report.replaced += 1;
                    }
                }
                Pushed::Stored { id, replaced, flag } => {
                    let first = *self.first.get_or_insert(id);
                    self.report.stored += 1;
                    match replaced {
                        // An earlier line of this file: only the later change stays.
                        Some((old, _)) if old >= first => {
                            self.report.stored -= 1;
                            self.report.superseded += 1;
                            self.flagged.remove(&old);
                        }
                        Some(_) => self.report.replaced += 1,
                        None => {}
                    }
                    if let Some(flag) = flag {
                        let text = (self.flagged.len() < FLAGS_KEPT).then_some(flag);
                        self.flagged.insert(id, (line, text));
                    }
                }
            }
        }
        Ok(())
    }

    /// Commits, or stores nothing when the file was empty or had bad lines to reject.
    /// `encoding` is the one the file was read in, when it was not UTF-8.
    pub(super) fn finish(
        mut self,
        encoding: Option<&'static str>,
    ) -> Result<ImportReport, ImportError> {
        self.report.encoding = encoding.map(str::to_owned);
        if self.report.read == 0 {
            return Err(ImportError::NothingToImport);
        }
        let keep = self.report.bad.is_empty() || self.on_bad == OnBadLines::Skip;
        if keep {
            self.flush()?;
        }
        match self.tx.take() {
            Some(tx) if keep => {
                tx.commit()?;
                // The flags of what stays queued, in the file's order.
                let mut flagged: Vec<(u64, Option<String>)> =
                    std::mem::take(&mut self.flagged).into_values().collect();
                flagged.sort_unstable_by_key(|(line, _)| *line);
                self.report.flagged = flagged.len();
                self.report.flagged_lines = flagged
                    .into_iter()
                    .filter_map(|(line, note)| Some(LineNote { line, note: note? }))
                    .take(MAX_BAD_LINES_SHOWN)
                    .collect();
                self.report.flagged_more = self.report.flagged - self.report.flagged_lines.len();
                Ok(self.report)
            }
            _ => Err(ImportError::Invalid {
                bad: self.report.bad,
                bad_more: self.report.bad_more,
                encoding,
            }),
        }
    }
}
