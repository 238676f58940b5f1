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

/// The store file, open and checked; held (with every other descriptor this process opened on
/// it or its companions) for as long as a store on it is open in this process.
///
/// Closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's
/// included (sqlite.org, "How To Corrupt An SQLite Database File", §2.2). Without its locks a
/// long-lived process (the app, the webhook receiver) looks gone to the others: the last short
/// command to close would checkpoint and delete the write-ahead log under it, and what it
/// wrote afterwards would be seen by no other process. So no descriptor of ours on the store's
/// files is closed while a store on them is open here.
pub(super) struct StoreFile {
    key: (u64, u64),
}

/// Descriptors held open, by the store file's device and inode, with how many stores use them.
struct Held {
    key: (u64, u64),
    files: Vec<File>,
    users: usize,
}

static HELD: std::sync::Mutex<Vec<Held>> = std::sync::Mutex::new(Vec::new());

fn held() -> std::sync::MutexGuard<'static, Vec<Held>> {
    HELD.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl StoreFile {
    /// Registers `file` (one more user of its entry), keeping the descriptor open.
    fn hold(file: File, key: (u64, u64)) -> StoreFile {
        let mut all = held();
        match all.iter_mut().find(|h| h.key == key) {
            Some(entry) => {
                entry.users += 1;
                entry.files.push(file);
            }
            None => all.push(Held {
                key,
                files: vec![file],
                users: 1,
            }),
        }
        StoreFile { key }
    }

    /// Keeps one more descriptor (a companion's) until the last user is gone.
    fn keep(&self, file: File) {
        if let Some(entry) = held().iter_mut().find(|h| h.key == self.key) {
            entry.files.push(file);
        }
    }

    /// The file's metadata, through a descriptor this entry holds.
    fn metadata(&self) -> std::io::Result<std::fs::Metadata> {
        let all = held();
        let entry = all.iter().find(|h| h.key == self.key);
        match entry.and_then(|h| h.files.first()) {
            Some(file) => file.metadata(),
            None => Err(std::io::Error::other("the store file is not held")),
        }
    }

    fn set_mode(&self, mode: u32) -> std::io::Result<()> {
        let all = held();
        let entry = all.iter().find(|h| h.key == self.key);
        match entry.and_then(|h| h.files.first()) {
            Some(file) => file.set_permissions(Permissions::from_mode(mode)),
            None => Err(std::io::Error::other("the store file is not held")),
        }
    }
}

impl Drop for StoreFile {
    fn drop(&mut self) {
        let mut all = held();
        if let Some(i) = all.iter().position(|h| h.key == self.key) {
            all[i].users -= 1;
            if all[i].users == 0 {
                // No store of this process is on the file any more: closing drops no lock
                // anyone here relies on.
                all.swap_remove(i);
            }
        }
    }
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
    let meta = file.metadata().map_err(fail)?;
    let kind = meta.file_type();
    if !kind.is_file() {
        return Err(StoreError::NotAFile(kind_name(&kind)));
    }
    if created {
        file.set_permissions(Permissions::from_mode(FILE_MODE))
            .map_err(fail)?;
    }
    Ok(StoreFile::hold(file, (meta.dev(), meta.ino())))
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
        let held = self.metadata().map_err(fail)?;
        let now = std::fs::symlink_metadata(path).map_err(fail)?;
        if (held.dev(), held.ino()) != (now.dev(), now.ino()) {
            return Err(fail(std::io::Error::other(
                "the file was replaced while it was being opened",
            )));
        }
        self.set_mode(FILE_MODE).map_err(fail)?;
        // SQLite gives its companions the file's mode; this makes sure of it for files left
        // behind by an older run, never through a link.
        for companion in companions(path) {
            let opened = OpenOptions::new()
                .read(true)
                .custom_flags(OPEN_FLAGS)
                .open(&companion);
            if let Ok(file) = opened {
                let narrowed = if file.metadata().is_ok_and(|m| m.file_type().is_file()) {
                    file.set_permissions(Permissions::from_mode(FILE_MODE))
                } else {
                    Ok(())
                };
                // Held, not closed: SQLite has the companions open and locked.
                self.keep(file);
                narrowed.map_err(|source| StoreError::File {
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
