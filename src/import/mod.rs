//! Importing lists of changes: CSV action files, plain number lists, and target memberships.
//!
//! The whole file is checked before anything is stored: it is read once, in a stream (memory
//! stays bounded whatever its length), good rows going into one open store transaction and bad
//! lines being collected (the first 50, then a count). At the end the transaction is committed
//! only if no line was bad, or if bad lines are to be skipped; otherwise nothing is stored.
//! Numbers are parsed on their own thread(s) while the caller's thread hands chunks to the
//! store's import transaction.
//! Files in another encoding than UTF-8 are decoded where it can be told (see `input`).

mod actions;
mod error;
mod fields;
mod input;
mod lines;
mod list;
mod new_groups;
mod pipeline;
mod records;
#[cfg(test)]
mod stress_tests;
mod target;
mod writer;

use serde::{Deserialize, Serialize};

pub use actions::read_csv;
pub use error::{BadLine, ImportError, LineNote, UnknownEncoding, located};
pub use list::read_list;
pub use new_groups::{NewGroupsFile, read_new_groups};
pub use target::{EMPTY_MARKER, TargetFile, read_target};

use crate::domain::GroupNames;
use crate::store::AccountStore;

/// How many bad lines a report or error lists; the rest are counted.
pub const MAX_BAD_LINES_SHOWN: usize = 50;

/// What to do when some lines are bad.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnBadLines {
    /// Store nothing and return [`ImportError::Invalid`].
    #[default]
    Reject,
    /// Store the good lines and list the bad ones in the report.
    Skip,
}

/// Where imported changes go: an account's store. An import blocks (it reads, parses and
/// stores on threads of its own): run it from a blocking thread.
pub struct ImportTo<'s> {
    pub store: &'s AccountStore,
    pub on_bad: OnBadLines,
    /// How the mirror names its groups: a group cell may hold a subject no other group has.
    pub groups: &'s GroupNames,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Changes found in the file (one per CSV row, one per number of a list), good or bad.
    pub read: usize,
    /// New rows in the queue.
    pub stored: usize,
    /// Changes already pending (in the queue or earlier in the file).
    pub duplicates: usize,
    /// Pending changes (queued before this import) withdrawn because the file asked the
    /// opposite.
    pub replaced: usize,
    /// Changes of the file that a later line of it asked the opposite of: only the later one
    /// stays queued (not counted in `stored`).
    pub superseded: usize,
    /// Changes of the file not stored because they withdrew the opposite pending change and
    /// the mirror shows the group already as they ask (a removal of someone whose add was
    /// pending); that change counts in `replaced`, or in `superseded` when the file made it.
    #[serde(default)]
    pub cancelled: usize,
    /// Changes queued carrying a flag (full group, already a member, ambiguous number…).
    pub flagged: usize,
    /// The first flagged lines, each with its flag.
    pub flagged_lines: Vec<LineNote>,
    /// Flagged lines beyond those listed.
    pub flagged_more: usize,
    /// The first bad lines (only when bad lines were skipped).
    pub bad: Vec<BadLine>,
    /// Bad lines beyond those listed.
    pub bad_more: usize,
    /// The first notes on numbers read one way where another was possible.
    pub notes: Vec<LineNote>,
    /// Notes beyond those listed.
    pub notes_more: usize,
    /// The encoding the file was read in, when it was not UTF-8 (`windows-1252`, `UTF-16LE`).
    pub encoding: Option<String>,
}

/// The name of the encoding text was decoded from, when it was not UTF-8.
fn encoding_of<R: std::io::Read>(
    lines: &lines::Lines<std::io::BufReader<input::Text<R>>>,
) -> Option<&'static str> {
    lines
        .get_ref()
        .get_ref()
        .encoding()
        .map(encoding_rs::Encoding::name)
}
