//! The receiving end of an import: good changes into one open import transaction (in chunks),
//! bad lines tallied, and at the end a commit or nothing at all.

use super::{
    BadLine, ImportError, ImportReport, ImportTo, LineNote, MAX_BAD_LINES_SHOWN, OnBadLines,
};
use crate::domain::OpSpec;
use crate::store::{ImportTx, Pushed};

/// One change read from a line, with the note of its number's reading, if any.
pub(super) struct Parsed {
    pub line: u64,
    pub op: OpSpec,
    pub note: Option<String>,
}

/// One parsed change, or the line that could not be one.
pub(super) type Entry = Result<Parsed, BadLine>;

/// Changes handed to the store at a time.
const CHUNK: usize = 1024;

/// Collects an import's outcome.
pub(super) struct Writer {
    /// `None` once a bad line made a rejecting import pointless to write.
    tx: Option<ImportTx>,
    chunk: Vec<OpSpec>,
    on_bad: OnBadLines,
    report: ImportReport,
}

impl Writer {
    pub(super) fn new(to: ImportTo<'_>) -> Result<Self, ImportError> {
        Ok(Writer {
            tx: Some(to.store.begin_import()?),
            chunk: Vec::with_capacity(CHUNK),
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
                if self.tx.is_some() {
                    self.chunk.push(op);
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
        for pushed in tx.push(chunk)? {
            match pushed {
                Pushed::Duplicate { .. } => self.report.duplicates += 1,
                Pushed::Stored { replaced, flag, .. } => {
                    self.report.stored += 1;
                    self.report.replaced += usize::from(replaced.is_some());
                    self.report.flagged += usize::from(flag.is_some());
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
