//! Where the commands' tables are printed: the room a line has (the terminal's width when
//! standard output is one, else 80 columns, what a pager or a mail shows without wrapping),
//! and the lines of [`crate::present::columns::table`] printed in it.

use std::io::IsTerminal;

use crate::present::columns::{Column, table};

/// The room of a line when standard output is not a terminal (a file, a pipe).
pub const NOT_A_TERMINAL: usize = 80;

/// The characters a line of a table has: the terminal's width, or [`NOT_A_TERMINAL`].
pub fn room() -> usize {
    if std::io::stdout().is_terminal() {
        match crossterm::terminal::size() {
            Ok((width, _)) if width > 0 => usize::from(width),
            _ => NOT_A_TERMINAL,
        }
    } else {
        NOT_A_TERMINAL
    }
}

/// Prints `rows` under `columns` on standard output, fitted to [`room`].
pub fn print(columns: &[Column], rows: &[Vec<String>]) {
    for line in table(columns, rows, room()) {
        println!("{line}");
    }
}
