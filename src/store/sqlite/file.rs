//! The store file on disk: parent directories and owner-only permissions, before SQLite opens it.

use std::fs::{self, DirBuilder, OpenOptions, Permissions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::store::StoreError;

/// Owner read and write only: the store holds phone numbers.
const FILE_MODE: u32 = 0o600;
/// Directories we create are the owner's alone too.
const DIR_MODE: u32 = 0o700;

/// Creates missing parent directories (mode 0700) and the file itself (mode 0600), or, when it
/// exists, narrows its mode to 0600.
pub(super) fn prepare(path: &Path) -> Result<(), StoreError> {
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
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(FILE_MODE)
        .open(path)
        .map_err(fail)?;
    fs::set_permissions(path, Permissions::from_mode(FILE_MODE)).map_err(fail)?;
    Ok(())
}

/// SQLite gives its `-wal` and `-shm` files the database file's mode; this makes sure of it
/// for files left behind by an older run.
pub(super) fn narrow_companions(path: &Path) -> Result<(), StoreError> {
    for suffix in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let companion = PathBuf::from(name);
        if companion.exists() {
            fs::set_permissions(&companion, Permissions::from_mode(FILE_MODE)).map_err(
                |source| StoreError::File {
                    path: companion.clone(),
                    source,
                },
            )?;
        }
    }
    Ok(())
}
