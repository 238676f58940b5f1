//! The log: tracing to a file (owner-only) in the data directory, never to the screen the app owns.

use std::fs::OpenOptions;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Starts logging to `dir/wa-groups.log` (mode 0600; the level from `WA_GROUPS_LOG`, `info` by
/// default). Returns the file's path. A second call in one process keeps the first.
pub fn init(dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join("wa-groups.log");
    // Never through a symbolic link, and only a regular file has its mode narrowed.
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&path)?;
    if !file.metadata()?.file_type().is_file() {
        return Err(std::io::Error::other("the log is not a regular file"));
    }
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    let filter =
        EnvFilter::try_from_env("WA_GROUPS_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
    Ok(path)
}

pub use crate::paths::{config_dir, data_dir};
