//! The receiving end of an import: good changes into one open batch, bad lines tallied, and
//! at the end a commit or nothing at all.

use super::{
    BadLine, ImportError, ImportReport, ImportTo, LineNote, MAX_BAD_LINES_SHOWN, OnBadLines,
};
use crate::store::{EnqueueBatch, NewOperation, Pushed};

/// One change read from a line, with the note of its number's reading, if any.
pub(super) struct Parsed {
    pub line: u64,
    pub op: NewOperation,
    pub note: Option<String>,
}

/// One parsed change, or the line that could not be one.
pub(super) type Entry = Result<Parsed, BadLine>;

/// Collects an import's outcome.
pub(super) struct Writer<'s> {
    /// `None` once a bad line made a rejecting import pointless to write.
    batch: Option<EnqueueBatch<'s>>,
    on_bad: OnBadLines,
    report: ImportReport,
}

impl<'s> Writer<'s> {
    pub(super) fn new(to: ImportTo<'s>) -> Result<Self, ImportError> {
        Ok(Writer {
            batch: Some(to.store.begin_enqueue(to.account)?),
            on_bad: to.on_bad,
            report: ImportReport::default(),
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
                if let Some(batch) = &mut self.batch {
                    match batch.push(&op)? {
                        Pushed::Duplicate { .. } => self.report.duplicates += 1,
                        Pushed::Stored { replaced, flag, .. } => {
                            self.report.stored += 1;
                            self.report.replaced += usize::from(replaced.is_some());
                            self.report.flagged += usize::from(flag.is_some());
                        }
                    }
                }
            }
            Err(bad) => {
                if self.on_bad == OnBadLines::Reject {
                    // Nothing will be stored: release the write lock now, keep checking.
                    self.batch = None;
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

    /// Commits, or stores nothing when the file was empty or had bad lines to reject.
    /// `encoding` is the one the file was read in, when it was not UTF-8.
    pub(super) fn finish(
        self,
        encoding: Option<&'static str>,
    ) -> Result<ImportReport, ImportError> {
        let mut report = self.report;
        report.encoding = encoding.map(str::to_owned);
        if report.read == 0 {
            return Err(ImportError::NothingToImport);
        }
        match self.batch {
            Some(batch) if report.bad.is_empty() || self.on_bad == OnBadLines::Skip => {
                batch.commit()?;
                Ok(report)
            }
            _ => Err(ImportError::Invalid {
                bad: report.bad,
                bad_more: report.bad_more,
                encoding,
            }),
        }
    }
}
