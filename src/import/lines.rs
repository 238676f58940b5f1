//! Lines of a plain text list: numbered, CR/LF trimmed, checked for UTF-8, with a length cap.

use std::io::{self, BufRead};

/// A line longer than this is refused (and skipped), so a file without line breaks cannot
/// fill the memory.
pub(super) const MAX_LINE: usize = 64 * 1024;

/// One line: its number and its text, or why it is not text.
pub(super) type NumberedLine = (u64, Result<String, String>);

/// Reads `reader` line by line.
pub(super) struct Lines<R> {
    reader: R,
    number: u64,
    buf: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    pub(super) fn new(reader: R) -> Self {
        Lines {
            reader,
            number: 0,
            buf: Vec::new(),
        }
    }

    /// The reader the lines come from.
    pub(super) fn get_ref(&self) -> &R {
        &self.reader
    }

    /// The next line, `None` at the end.
    pub(super) fn next_line(&mut self) -> io::Result<Option<NumberedLine>> {
        self.buf.clear();
        let limit = (MAX_LINE + 1) as u64;
        let n = io::Read::take(&mut self.reader, limit).read_until(b'\n', &mut self.buf)?;
        if n == 0 {
            return Ok(None);
        }
        self.number += 1;
        if self.buf.last() != Some(&b'\n') && self.buf.len() > MAX_LINE {
            self.skip_rest_of_line()?;
            let reason = format!("longer than {} KiB: is this a text file?", MAX_LINE / 1024);
            return Ok(Some((self.number, Err(reason))));
        }
        while matches!(self.buf.last(), Some(b'\n' | b'\r')) {
            self.buf.pop();
        }
        let text = std::str::from_utf8(&self.buf)
            .map(str::to_owned)
            .map_err(|_| "not UTF-8 text".to_owned());
        Ok(Some((self.number, text)))
    }

    fn skip_rest_of_line(&mut self) -> io::Result<()> {
        loop {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                return Ok(());
            }
            match available.iter().position(|b| *b == b'\n') {
                Some(end) => {
                    self.reader.consume(end + 1);
                    return Ok(());
                }
                None => {
                    let all = available.len();
                    self.reader.consume(all);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(bytes: &[u8]) -> Vec<NumberedLine> {
        let mut lines = Lines::new(bytes);
        let mut out = Vec::new();
        while let Some(line) = lines.next_line().expect("read") {
            out.push(line);
        }
        out
    }

    #[test]
    fn lines_are_numbered_and_trimmed_of_line_ends() {
        assert_eq!(
            all(b"a\r\nb\n\nc"),
            vec![
                (1, Ok("a".into())),
                (2, Ok("b".into())),
                (3, Ok(String::new())),
                (4, Ok("c".into()))
            ]
        );
    }

    #[test]
    fn bad_lines_are_reported_and_reading_goes_on() {
        let mut input = b"ok\n\xff\xfe\n".to_vec();
        input.extend(std::iter::repeat_n(b'9', MAX_LINE + 10));
        input.extend(b"\nlast\n");
        let lines = all(&input);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[1], (2, Err("not UTF-8 text".into())));
        assert!(
            lines[2]
                .1
                .as_ref()
                .is_err_and(|e| e.contains("longer than"))
        );
        assert_eq!(lines[3], (4, Ok("last".into())));
    }
}
