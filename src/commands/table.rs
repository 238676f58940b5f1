//! Where the commands' tables are printed: on a terminal, fitted to its width
//! ([`crate::present::columns::table`]); into a pipe or a file, every cell whole and a row on
//! one line ([`crate::present::columns::whole_table`]), so that `grep` finds what it looks for.

use std::io::IsTerminal;

use crate::present::columns::{Column, table, whole_table};

/// The room of a line when standard output is not a terminal (a file, a pipe).
pub const NOT_A_TERMINAL: usize = 80;

/// The characters a line of a table has: the terminal's width, or [`NOT_A_TERMINAL`].
pub fn room() -> usize {
    if std::io::stdout().is_terminal() {
        terminal_width()
    } else {
        NOT_A_TERMINAL
    }
}

/// The terminal's width in characters, or [`NOT_A_TERMINAL`] when it cannot be read.
///
/// Asked of the terminal itself (one `ioctl`), never by running `tput`, as
/// `crossterm::terminal::size` does where there is no terminal: a submit whose output is
/// piped asked at every answer, and spent five times its CPU starting `tput`.
pub(super) fn terminal_width() -> usize {
    match crossterm::terminal::window_size() {
        Ok(size) if size.columns > 0 => usize::from(size.columns),
        _ => NOT_A_TERMINAL,
    }
}

/// Prints lines of text on standard output: on a terminal, each wrapped between words to its
/// width, the lines it continues on indented 4 more than it; into a pipe or a file, each whole
/// on one line.
pub fn print_lines(lines: impl IntoIterator<Item = String>) {
    let width = std::io::stdout().is_terminal().then(room);
    for line in lines {
        match width {
            Some(width) => {
                for part in wrapped(&line, width) {
                    println!("{part}");
                }
            }
            None => println!("{line}"),
        }
    }
}

/// A line for standard error: on a terminal, wrapped to its width as [`print_lines`] does;
/// else whole.
pub fn fit_stderr(line: &str) -> Vec<String> {
    if std::io::stderr().is_terminal() {
        wrapped(line, terminal_width())
    } else {
        vec![line.to_owned()]
    }
}

/// `line` in lines of at most `width` characters: its indent kept, the lines after the first
/// indented 4 more.
fn wrapped(line: &str, width: usize) -> Vec<String> {
    if line.chars().count() <= width {
        return vec![line.to_owned()];
    }
    let text = line.trim_start();
    let indent = line.len() - text.len();
    let room = width.saturating_sub(indent + 4).max(20);
    let mut out = Vec::new();
    for (n, part) in crate::present::columns::wrap_words(text, room)
        .into_iter()
        .enumerate()
    {
        let pad = if n == 0 { indent } else { indent + 4 };
        out.push(format!("{:pad$}{part}", ""));
    }
    out
}

/// Prints `rows` under `columns` on standard output: fitted to the terminal's width, or whole
/// when standard output is not a terminal.
pub fn print(columns: &[Column], rows: &[Vec<String>]) {
    let lines = if std::io::stdout().is_terminal() {
        table(columns, rows, room())
    } else {
        whole_table(columns, rows)
    };
    for line in lines {
        println!("{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::wrapped;

    #[test]
    fn a_long_line_wraps_under_itself_and_a_short_one_stays() {
        let line = "  POST   /v23.0/Y2FwaV9ncm91cDoxMDAwMDAwMDAwMDAwMDE6NDIy/participants  +12125550100, +447400123456";
        let parts = wrapped(line, 72);
        assert!(parts.iter().all(|p| p.chars().count() <= 72), "{parts:#?}");
        assert!(parts[0].starts_with("  POST"), "{parts:#?}");
        assert!(
            parts[1..].iter().all(|p| p.starts_with("      ")),
            "{parts:#?}"
        );
        assert_eq!(
            parts.iter().map(|p| p.trim()).collect::<Vec<_>>().join(" "),
            line.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        assert_eq!(wrapped("short", 60), ["short"]);
    }
}
