//! The store file on disk: a regular file (no symbolic link, device, FIFO or SQLite URI),
//! created owner-only; a file that was already there has its mode narrowed only once it has
//! opened as a wa-groups store.

use std::fs::{DirBuilder, File, OpenOptions, Permissions};
use std::io::ErrorKind;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::bounded::kind_name;
use crate::store::StoreError;

/// Owner read and write only: the store holds phone numbers.
const FILE_MODE: u32 = 0o600;
/// Directories we create are the owner's alone too.
const DIR_MODE: u32 = 0o700;
/// Never through a symbolic link; never waiting on a FIFO; never taking a terminal.
const OPEN_FLAGS: i32 = libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY;

/// The store file, open and checked, until SQLite has it open too.
pub(super) struct StoreFile {
    file: File,
}

/// Creates missing parent directories (mode 0700) and the file itself (mode 0600), or opens
/// the one there. Either way it must be a regular file reached without a symbolic link at its
/// end, and the path must not be one SQLite reads as something else (`:memory:`, a `file:`
/// URI, empty). Nothing's mode is changed here but a file this call created.
pub(super) fn prepare(path: &Path) -> Result<StoreFile, StoreError> {
    check_name(path)?;
    let fail = |source| StoreError::File {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(parent)
            .map_err(fail)?;
    }
    let open = |create: bool| {
        let mut options = OpenOptions::new();
        options.read(true).write(true).custom_flags(OPEN_FLAGS);
        if create {
            options.create_new(true).mode(FILE_MODE);
        }
        options.open(path)
    };
    let (file, created) = match open(true) {
        Ok(file) => (file, true),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => match open(false) {
            Ok(file) => (file, false),
            Err(e) => return Err(not_a_file(path).unwrap_or_else(|| fail(e))),
        },
        Err(e) => return Err(not_a_file(path).unwrap_or_else(|| fail(e))),
    };
    let kind = file.metadata().map_err(fail)?.file_type();
    if !kind.is_file() {
        return Err(StoreError::NotAFile(kind_name(&kind)));
    }
    if created {
        file.set_permissions(Permissions::from_mode(FILE_MODE))
            .map_err(fail)?;
    }
    Ok(StoreFile { file })
}

/// The store's `-wal` and `-shm` files, where SQLite keeps what is not yet in the file: each,
/// when there, must be a regular file too (SQLite would write through a link).
pub(super) fn check_companions(path: &Path) -> Result<(), StoreError> {
    for companion in companions(path) {
        if let Ok(meta) = std::fs::symlink_metadata(&companion)
            && !meta.file_type().is_file()
        {
            return Err(StoreError::CompanionNotAFile {
                path: companion,
                what: kind_name(&meta.file_type()),
            });
        }
    }
    Ok(())
}

impl StoreFile {
    /// Once the file has opened as a wa-groups store: narrows it (the very file that was
    /// checked, by its open handle) and its companions to owner-only.
    pub(super) fn narrow(&self, path: &Path) -> Result<(), StoreError> {
        let fail = |source| StoreError::File {
            path: path.to_path_buf(),
            source,
        };
        let held = self.file.metadata().map_err(fail)?;
        let now = std::fs::symlink_metadata(path).map_err(fail)?;
        if (held.dev(), held.ino()) != (now.dev(), now.ino()) {
            return Err(fail(std::io::Error::other(
                "the file was replaced while it was being opened",
            )));
        }
        self.file
            .set_permissions(Permissions::from_mode(FILE_MODE))
            .map_err(fail)?;
        // SQLite gives its companions the file's mode; this makes sure of it for files left
        // behind by an older run, never through a link.
        for companion in companions(path) {
            let opened = OpenOptions::new()
                .read(true)
                .custom_flags(OPEN_FLAGS)
                .open(&companion);
            if let Ok(file) = opened
                && file.metadata().is_ok_and(|m| m.file_type().is_file())
            {
                file.set_permissions(Permissions::from_mode(FILE_MODE))
                    .map_err(|source| StoreError::File {
                        path: companion.clone(),
                        source,
                    })?;
            }
        }
        Ok(())
    }
}

/// Paths SQLite would not take as a plain file name.
fn check_name(path: &Path) -> Result<(), StoreError> {
    let text = path.to_string_lossy();
    let uri = text.starts_with("file:");
    if text.is_empty() || text == ":memory:" || uri {
        return Err(StoreError::NotAPath(if uri {
            "an SQLite URI"
        } else {
            "an in-memory database"
        }));
    }
    Ok(())
}

/// What the path is, when an open failed because it is not a regular file.
fn not_a_file(path: &Path) -> Option<StoreError> {
    let kind = std::fs::symlink_metadata(path).ok()?.file_type();
    (!kind.is_file()).then(|| StoreError::NotAFile(kind_name(&kind)))
}

fn companions(path: &Path) -> [PathBuf; 2] {
    ["-wal", "-shm"].map(|suffix| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    })
}
