//! What a command says about a file it read: the encoding it was read in, and, when it stored
//! nothing, every problem as `FILE:LINE: reason` (the one format of every file read).

use crate::exit::Failure;
use crate::import::{self, ImportError};

/// Says which encoding a file was read in, when it was not UTF-8: on stdout with the result,
/// on stderr with the bad lines.
pub(super) fn print_encoding(name: &str, encoding: Option<&str>, to_stderr: bool) {
    if let Some(encoding) = encoding {
        let line = format!("{name}: read as {encoding} (the file is not UTF-8)");
        if to_stderr {
            say_err!("{line}");
        } else {
            say!("{line}");
        }
    }
}

/// A file that stored nothing: every problem as `FILE:LINE: reason` (the one format of every
/// file read, `import::located`); several bad lines are listed on stderr and counted in the
/// last line, with `then` (what to do about them).
pub(super) fn import_failure(name: &str, e: ImportError, then: &str) -> Failure {
    let mut lines = import::located(name, &e);
    match e {
        ImportError::Invalid {
            bad,
            bad_more,
            encoding,
        } => {
            print_encoding(name, encoding, true);
            for line in &lines {
                say_err!("{line}");
            }
            Failure::input(format!(
                "{name}: {} bad line(s): {then}",
                bad.len() + bad_more,
            ))
        }
        _ if lines.len() == 1 => Failure::input(lines.remove(0)),
        _ => {
            let last = lines.pop().unwrap_or_default();
            for line in &lines {
                say_err!("{line}");
            }
            Failure::input(last)
        }
    }
}
