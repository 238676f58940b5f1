//! The raw input: a UTF-8 BOM dropped, binary and UTF-16 files refused.

use std::io::{Cursor, Read};

use super::ImportError;

/// How much of the start of the input is looked at to tell text from binary.
const SNIFF: u64 = 8 * 1024;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The input without its BOM; an error when its start holds a NUL byte (binary, or UTF-16).
pub(super) fn open_text<R: Read>(mut reader: R) -> Result<impl Read, ImportError> {
    let mut head = Vec::new();
    (&mut reader).take(SNIFF).read_to_end(&mut head)?;
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Err(ImportError::Utf16);
    }
    if head.contains(&0) {
        return Err(ImportError::Binary);
    }
    if head.starts_with(BOM) {
        head.drain(..BOM.len());
    }
    Ok(Cursor::new(head).chain(reader))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> Result<String, ImportError> {
        let mut out = String::new();
        open_text(bytes)?.read_to_string(&mut out)?;
        Ok(out)
    }

    #[test]
    fn a_bom_is_dropped_and_text_passes() {
        assert_eq!(
            text(b"\xEF\xBB\xBFgroup\r\n").ok().as_deref(),
            Some("group\r\n")
        );
        assert_eq!(text(b"plain").ok().as_deref(), Some("plain"));
        assert_eq!(text(b"").ok().as_deref(), Some(""));
    }

    #[test]
    fn binary_and_utf16_are_refused() {
        assert!(matches!(
            text(b"\x7fELF\x02\x01\x01\x00\x00"),
            Err(ImportError::Binary)
        ));
        assert!(matches!(
            text(b"\xFF\xFEg\x00r\x00"),
            Err(ImportError::Utf16)
        ));
    }
}
