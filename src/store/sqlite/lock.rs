//! One sender per account: an advisory lock on a file beside the store, held while sending
//! and released by the system when the process ends, however it ends.

use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::store::AccountId;

/// Held while this process may send for an account.
#[derive(Debug)]
pub struct SendLock {
    _file: File,
    path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another wa-groups process is sending for this account (lock {}); wait for it to finish, or stop it",
        .0.display()
    )]
    Busy(PathBuf),
    #[error("cannot open the lock file {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl SendLock {
    /// Takes the account's send lock, or says who has it. Never waits.
    pub fn try_acquire(store_path: &Path, acct: AccountId) -> Result<SendLock, LockError> {
        let mut name = store_path.as_os_str().to_owned();
        name.push(format!(".send-{}.lock", acct.0));
        let path = PathBuf::from(name);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            // Never through a symbolic link, never waiting on a FIFO.
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&path)
            .map_err(|source| LockError::Io {
                path: path.clone(),
                source,
            })?;
        match file.try_lock() {
            Ok(()) => Ok(SendLock { _file: file, path }),
            Err(TryLockError::WouldBlock) => Err(LockError::Busy(path)),
            Err(TryLockError::Error(source)) => Err(LockError::Io { path, source }),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("store.db");
        let first = SendLock::try_acquire(&db, AccountId(1)).expect("free");
        let err = SendLock::try_acquire(&db, AccountId(1)).expect_err("held");
        assert!(
            err.to_string().contains("another wa-groups process"),
            "{err}"
        );
        assert!(
            SendLock::try_acquire(&db, AccountId(2)).is_ok(),
            "other accounts are free"
        );
        drop(first);
        assert!(SendLock::try_acquire(&db, AccountId(1)).is_ok());
    }
}
