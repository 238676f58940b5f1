//! What can go wrong in the store, as typed errors.

use std::path::PathBuf;

use crate::domain::OpId;
use crate::domain::OperationState;

/// An error from the local store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot prepare the store file {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },

    /// The store path names a symbolic link, a device, a FIFO, a directory...
    #[error("not a regular file ({0}); the store must be one (give the path of the file itself)")]
    NotAFile(&'static str),

    #[error("its {path} is not a regular file ({what})")]
    CompanionNotAFile { path: PathBuf, what: &'static str },

    /// The path is one SQLite reads as something else than a file.
    #[error("{0}, not a file path; the store must be a file (put ./ before a file of that name)")]
    NotAPath(&'static str),

    #[error("an SQLite database of another application; give wa-groups a file of its own")]
    Foreign,

    #[error("not an SQLite database; give wa-groups a file of its own")]
    NotADatabase,

    #[error("no data directory is known for this user (is HOME set?)")]
    NoDataDir,

    #[error(
        "the store was written by a newer wa-groups (schema version {found}; this build knows up to {known}): upgrade wa-groups, or use another store file"
    )]
    TooNew { found: i64, known: i64 },

    #[error("operation {0} does not exist in this account")]
    NotFound(OpId),

    #[error("operation {id} is {state}; {wanted}")]
    WrongState {
        id: OpId,
        state: OperationState,
        wanted: &'static str,
    },

    #[error("an operation cannot be moved to {0} this way")]
    BadTarget(OperationState),

    #[error("the store holds a value this build cannot read: {0}")]
    Corrupt(String),

    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error("the store could not commit: {0}")]
    Commit(String),

    #[error("the store is closed")]
    Closed,
}
