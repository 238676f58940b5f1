//! Reading what comes from outside with a bound in size and time: files only when they are
//! regular files (opened without blocking, so a FIFO or a device is refused, never waited
//! on), at most so many bytes; a command's output within a deadline, the command killed past it.

use std::fmt;
use std::fs::{File, Metadata, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Why a file could not be read.
#[derive(Debug)]
pub enum FileError {
    NotFound,
    Directory,
    /// Not a regular file: what it is instead ("a FIFO", "a character device", ...).
    NotRegular(&'static str),
    /// Longer than the limit (in bytes).
    TooLarge(usize),
    Io(std::io::Error),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::NotFound => f.write_str("does not exist"),
            FileError::Directory => f.write_str("is a directory"),
            FileError::NotRegular(what) => write!(f, "is not a regular file ({what})"),
            FileError::TooLarge(limit) => write!(f, "is longer than {}", size(*limit)),
            FileError::Io(e) => write!(f, "cannot be read: {e}"),
        }
    }
}

/// `64 KiB`, `1 MiB`, or bytes.
pub fn size(bytes: usize) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Opens `path` for reading if it is a regular file (symbolic links followed). The open does
/// not block (a FIFO nobody writes is refused at once) and the type is checked on the opened
/// file, so what is checked is what is read.
pub fn open_regular(path: &Path) -> Result<(File, Metadata), FileError> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => FileError::NotFound,
            _ => FileError::Io(e),
        })?;
    let meta = file.metadata().map_err(FileError::Io)?;
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(FileError::Directory);
    }
    if !kind.is_file() {
        return Err(FileError::NotRegular(kind_name(&kind)));
    }
    Ok((file, meta))
}

/// What a file that is not a regular file is.
pub fn kind_name(kind: &std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else {
        "not a file"
    }
}

/// Reads at most `limit` bytes of an opened file; a longer one is [`FileError::TooLarge`].
pub fn read_to_limit(file: File, limit: usize) -> Result<Vec<u8>, FileError> {
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(FileError::Io)?;
    if bytes.len() > limit {
        return Err(FileError::TooLarge(limit));
    }
    Ok(bytes)
}

/// A regular file's text, at most `limit` bytes.
pub fn read_text(path: &Path, limit: usize) -> Result<String, FileError> {
    let (file, _) = open_regular(path)?;
    String::from_utf8(read_to_limit(file, limit)?).map_err(|_| {
        FileError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "not UTF-8 text",
        ))
    })
}

/// Why a command gave no output.
#[derive(Debug)]
pub enum CommandError {
    Io(std::io::Error),
    /// It did not end within the deadline; it was killed.
    Timeout(Duration),
    /// It printed more than the limit (in bytes); it was killed.
    TooLarge(usize),
    /// It ended with a failure status.
    Failed(std::process::ExitStatus),
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::Io(e) => write!(f, "cannot be run: {e}"),
            CommandError::Timeout(d) => {
                write!(f, "did not finish within {} s and was stopped", d.as_secs())
            }
            CommandError::TooLarge(limit) => {
                write!(f, "printed more than {} and was stopped", size(*limit))
            }
            CommandError::Failed(status) => write!(f, "failed ({status})"),
        }
    }
}

enum Report {
    Output(std::io::Result<Vec<u8>>),
    Exit(std::io::Result<std::process::ExitStatus>),
}

/// Runs `sh -c script` with no input and its error output discarded (it may hold a secret),
/// and returns what it printed: at most `limit` bytes, within `timeout`. The command runs in
/// a process group of its own, so past either bound the whole of it (the shell and what it
/// started) is killed.
pub fn command_output(
    script: &str,
    timeout: Duration,
    limit: usize,
) -> Result<Vec<u8>, CommandError> {
    let deadline = Instant::now() + timeout;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(CommandError::Io)?;
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    if let Some(stdout) = child.stdout.take() {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let read = stdout
                .take(limit as u64 + 1)
                .read_to_end(&mut bytes)
                .map(|_| bytes);
            let _ = tx.send(Report::Output(read));
        });
    }
    std::thread::spawn(move || {
        let _ = tx.send(Report::Exit(child.wait()));
    });
    let kill = || {
        if let Ok(pid) = libc::pid_t::try_from(pid) {
            // SAFETY: kill(2) of the process group our child leads (its id is the child's pid).
            unsafe { libc::kill(-pid, libc::SIGKILL) };
        }
    };
    let mut output = None;
    let mut status = None;
    while output.is_none() || status.is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(Report::Output(Ok(bytes))) if bytes.len() > limit => {
                kill();
                return Err(CommandError::TooLarge(limit));
            }
            Ok(Report::Output(read)) => output = Some(read.map_err(CommandError::Io)?),
            Ok(Report::Exit(exit)) => status = Some(exit.map_err(CommandError::Io)?),
            Err(_) => {
                kill();
                return Err(CommandError::Timeout(timeout));
            }
        }
    }
    match (output, status) {
        (Some(out), Some(status)) if status.success() => Ok(out),
        (_, Some(status)) => Err(CommandError::Failed(status)),
        _ => Err(CommandError::Timeout(timeout)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_are_read_and_only_so_far() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("f");
        std::fs::write(&file, "hello").expect("write");
        assert_eq!(read_text(&file, 5).expect("read"), "hello");
        assert!(matches!(read_text(&file, 4), Err(FileError::TooLarge(4))));
        assert!(matches!(
            read_text(dir.path(), 9),
            Err(FileError::Directory)
        ));
        assert!(matches!(
            read_text(&dir.path().join("none"), 9),
            Err(FileError::NotFound)
        ));
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().expect("path")).expect("c path");
        // SAFETY: mkfifo(3) on a NUL-terminated path in our own temporary directory.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let started = Instant::now();
        let err = read_text(&fifo, 9).expect_err("fifo");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "it did not block"
        );
        assert_eq!(err.to_string(), "is not a regular file (a FIFO)");
        assert_eq!(
            read_text(Path::new("/dev/zero"), 9)
                .expect_err("device")
                .to_string(),
            "is not a regular file (a character device)"
        );
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&file, &link).expect("symlink");
        assert_eq!(read_text(&link, 9).expect("followed"), "hello");
    }

    #[test]
    fn a_command_is_bounded_in_time_and_size() {
        let out = command_output("printf token", Duration::from_secs(20), 16).expect("runs");
        assert_eq!(out, b"token");
        let started = Instant::now();
        let err =
            command_output("exec sleep 100", Duration::from_millis(300), 16).expect_err("too slow");
        assert!(matches!(err, CommandError::Timeout(_)), "{err}");
        assert!(started.elapsed() < Duration::from_secs(20));
        let err = command_output("yes", Duration::from_secs(20), 1024).expect_err("endless");
        assert_eq!(err.to_string(), "printed more than 1 KiB and was stopped");
        let err = command_output("echo x; exit 3", Duration::from_secs(20), 16).expect_err("3");
        assert!(err.to_string().starts_with("failed"), "{err}");
        // Its error output is never passed on (it may hold the secret).
        let out = command_output("echo secret >&2; printf ok", Duration::from_secs(20), 16);
        assert_eq!(out.expect("runs"), b"ok");
        assert_eq!(size(64 * 1024), "64 KiB");
        assert_eq!(size(1 << 20), "1 MiB");
        assert_eq!(size(1000), "1000 bytes");
    }
}
