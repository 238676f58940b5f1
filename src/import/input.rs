//! The raw input made UTF-8 text: a byte order mark honoured (UTF-8, UTF-16), another encoding
//! detected where the bytes stop being ASCII, binary refused.
//!
//! A CSV saved by Excel on Windows is in the system's code page (Windows-1252 in Western
//! Europe and the Americas), Excel's "Unicode text" is UTF-16 with a byte order mark, and every
//! other tool writes UTF-8. The bytes are passed through while they are ASCII (the same in all
//! of these); at the first byte that is not, up to [`SAMPLE`] bytes from there are looked at:
//! valid UTF-8 is read as UTF-8; anything else is given to chardetng, and its guess is taken
//! only when the sample decodes in it as text a contact list holds (letters of one word, the
//! usual punctuation). Otherwise the file is refused with how to save it, rather than read
//! into other names.

use std::fmt;
use std::io::{self, Chain, Cursor, Read};

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};
use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};

use super::ImportError;

/// How much of the start of the input is looked at to tell text from binary.
const SNIFF: u64 = 8 * 1024;
/// How many bytes, from the first that is not ASCII, the encoding is told from.
pub(super) const SAMPLE: u64 = 64 * 1024;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The bytes already read, then the rest of the input.
type Replay<R> = Chain<Cursor<Vec<u8>>, R>;

/// The input as UTF-8 (see the module). Reading fails with an [`UnknownEncoding`] inside the
/// `io::Error` when the encoding cannot be told.
pub(super) struct Text<R> {
    state: State<R>,
    encoding: Option<&'static Encoding>,
    /// Line breaks handed out while the bytes were ASCII.
    line_breaks: u64,
}

enum State<R> {
    /// Only ASCII so far: `buf[pos..]` is still to be handed out, then `inner`.
    Ascii {
        buf: Vec<u8>,
        pos: usize,
        inner: R,
    },
    Utf8(Replay<R>),
    Decoded(Box<DecodeReaderBytes<Replay<R>, Vec<u8>>>),
    Refused,
}

/// The file is not UTF-8 and its encoding cannot be told for sure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEncoding {
    /// The line of the first byte that is not ASCII.
    pub line: u64,
    /// What the detector would have guessed.
    pub guess: &'static str,
}

impl fmt::Display for UnknownEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: not UTF-8 text, and the file's encoding cannot be told for sure (perhaps {}): save it as UTF-8 (in a spreadsheet: Save As, \"CSV UTF-8\")",
            self.line, self.guess
        )
    }
}

impl std::error::Error for UnknownEncoding {}

/// The input as UTF-8 text; an error when its start holds a NUL byte (binary, or UTF-16
/// without a byte order mark).
pub(super) fn open_text<R: Read>(mut reader: R) -> Result<Text<R>, ImportError> {
    let mut head = Vec::new();
    (&mut reader).take(SNIFF).read_to_end(&mut head)?;
    let utf16 = if head.starts_with(b"\xFF\xFE") {
        Some(UTF_16LE)
    } else if head.starts_with(b"\xFE\xFF") {
        Some(UTF_16BE)
    } else {
        None
    };
    if let Some(encoding) = utf16 {
        head.drain(..2);
        let decoded = DecodeReaderBytesBuilder::new()
            .encoding(Some(encoding))
            .build(Cursor::new(head).chain(reader));
        return Ok(Text {
            state: State::Decoded(Box::new(decoded)),
            encoding: Some(encoding),
            line_breaks: 0,
        });
    }
    if head.contains(&0) {
        return Err(if looks_like_utf16(&head) {
            ImportError::Utf16
        } else {
            ImportError::Binary
        });
    }
    let state = if head.starts_with(BOM) {
        head.drain(..BOM.len());
        State::Utf8(Cursor::new(head).chain(reader))
    } else {
        State::Ascii {
            buf: head,
            pos: 0,
            inner: reader,
        }
    };
    Ok(Text {
        state,
        encoding: None,
        line_breaks: 0,
    })
}

impl<R: Read> Text<R> {
    /// The encoding the text was decoded from; `None` for UTF-8 (and ASCII).
    pub(super) fn encoding(&self) -> Option<&'static Encoding> {
        self.encoding
    }

    /// Tells the encoding from the bytes at `buf[pos..]` (the first not ASCII) and what follows.
    fn decide(&mut self) -> io::Result<()> {
        let State::Ascii {
            mut buf,
            pos,
            mut inner,
        } = std::mem::replace(&mut self.state, State::Refused)
        else {
            return Ok(());
        };
        let before = buf[pos.saturating_sub(64)..pos].to_vec();
        let mut sample = buf.split_off(pos);
        let wanted = SAMPLE.saturating_sub(sample.len() as u64);
        let got = (&mut inner).take(wanted).read_to_end(&mut sample)?;
        let at_end = (got as u64) < wanted;
        let replay = Cursor::new(sample);
        if is_utf8(replay.get_ref(), at_end) {
            self.state = State::Utf8(replay.chain(inner));
            return Ok(());
        }
        let guess = guess(&before, replay.get_ref());
        if !reads_as_text(guess, replay.get_ref(), at_end) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                UnknownEncoding {
                    line: self.line_breaks + 1,
                    guess: guess.name(),
                },
            ));
        }
        self.encoding = Some(guess);
        let decoded = DecodeReaderBytesBuilder::new()
            .encoding(Some(guess))
            .build(replay.chain(inner));
        self.state = State::Decoded(Box::new(decoded));
        Ok(())
    }
}

impl<R: Read> Read for Text<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            match &mut self.state {
                State::Utf8(r) => return r.read(out),
                State::Decoded(r) => return r.read(out),
                State::Refused => return Ok(0),
                State::Ascii { buf, pos, inner } => {
                    if *pos == buf.len() {
                        buf.clear();
                        *pos = 0;
                        if inner.take(SNIFF).read_to_end(buf)? == 0 {
                            return Ok(0);
                        }
                    }
                    let rest = &buf[*pos..];
                    let ascii = rest
                        .iter()
                        .position(|b| !b.is_ascii())
                        .unwrap_or(rest.len());
                    if ascii > 0 {
                        let n = ascii.min(out.len());
                        out[..n].copy_from_slice(&rest[..n]);
                        self.line_breaks +=
                            rest[..n].iter().filter(|b| **b == b'\n').count() as u64;
                        *pos += n;
                        return Ok(n);
                    }
                    self.decide()?;
                }
            }
        }
    }
}

/// Whether the sample is UTF-8 (a character cut at its end, where the input goes on, allowed).
fn is_utf8(sample: &[u8], at_end: bool) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && !at_end,
    }
}

fn guess(before: &[u8], sample: &[u8]) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(before, false);
    detector.feed(sample, true);
    detector.guess(None, Utf8Detection::Deny)
}

/// Whether the sample, decoded in `encoding`, is text a contact list holds: no byte that is
/// not a character of it, and beyond ASCII only letters, marks, digits and the usual
/// punctuation, never a symbol inside a word (`Jo‹o` is Mac Roman read as something else).
fn reads_as_text(encoding: &'static Encoding, sample: &[u8], at_end: bool) -> bool {
    // Where the input goes on, the sample may end inside a character: judge whole lines.
    let whole = if at_end {
        sample
    } else {
        match sample.iter().rposition(|b| *b == b'\n') {
            Some(end) => &sample[..=end],
            None => sample,
        }
    };
    let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(whole) else {
        return false;
    };
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().all(|(i, &c)| {
        if c.is_ascii() || is_letter(c) {
            return true;
        }
        if !is_punctuation(c) {
            return false;
        }
        // Scripts written with spaces between words (Latin, Greek, Cyrillic, Armenian).
        let spaced = |c: char| is_letter(c) && c < '\u{0530}';
        let inside_word =
            i > 0 && spaced(chars[i - 1]) && chars.get(i + 1).is_some_and(|n| spaced(*n));
        !inside_word || matches!(c, '\u{2019}' | '\u{00B7}' | '\u{2010}' | '\u{2011}')
    })
}

fn is_letter(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric() || ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Punctuation and signs of names, addresses and notes in the legacy encodings.
fn is_punctuation(c: char) -> bool {
    matches!(c,
        '\u{00A0}'..='\u{00A9}' | '\u{00AB}' | '\u{00AD}'..='\u{00B0}' | '\u{00B4}'
        | '\u{00B7}' | '\u{00BB}' | '\u{00BF}' | '\u{00D7}' | '\u{037E}' | '\u{0387}'
        | '\u{05BE}' | '\u{05C0}' | '\u{05C3}' | '\u{05F3}' | '\u{05F4}' | '\u{060C}'
        | '\u{061B}' | '\u{061F}' | '\u{066A}'..='\u{066D}' | '\u{0E3F}'
        | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '\u{20AB}' | '\u{20AC}'
        | '\u{2116}' | '\u{2122}' | '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF60}')
}

/// NUL bytes at every other position: UTF-16 text (the other byte holding ASCII).
fn looks_like_utf16(head: &[u8]) -> bool {
    let pairs: Vec<&[u8]> = head.chunks_exact(2).take(256).collect();
    if pairs.len() < 2 {
        return false;
    }
    let zeros_at = |i: usize| pairs.iter().filter(|p| p[i] == 0).count();
    let most = pairs.len() * 3 / 4;
    zeros_at(0).max(zeros_at(1)) >= most && zeros_at(0).min(zeros_at(1)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> Result<(String, Option<&'static str>), ImportError> {
        let mut out = String::new();
        let mut reader = open_text(bytes)?;
        reader.read_to_string(&mut out)?;
        Ok((out, reader.encoding().map(Encoding::name)))
    }

    fn utf16(text: &str, le: bool) -> Vec<u8> {
        let mut out = if le {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for unit in text.encode_utf16() {
            let bytes = if le {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            };
            out.extend(bytes);
        }
        out
    }

    #[test]
    fn a_bom_is_dropped_and_text_passes() {
        assert_eq!(
            text(b"\xEF\xBB\xBFgroup\r\n").ok(),
            Some(("group\r\n".into(), None))
        );
        assert_eq!(text(b"plain").ok(), Some(("plain".into(), None)));
        assert_eq!(text(b"").ok(), Some((String::new(), None)));
        let utf8 = "group,participant,name\ng,+351912345678,João Conceição\n";
        assert_eq!(text(utf8.as_bytes()).ok(), Some((utf8.into(), None)));
    }

    #[test]
    fn utf16_with_a_bom_is_decoded() {
        let csv = "group,participant,name\r\ng,+351912345678,João Conceição\r\n";
        for (le, name) in [(true, "UTF-16LE"), (false, "UTF-16BE")] {
            assert_eq!(
                text(&utf16(csv, le)).ok(),
                Some((csv.into(), Some(name))),
                "{name}"
            );
        }
    }

    /// Names as spreadsheets on Windows save them, in their system's code page.
    #[test]
    fn legacy_encodings_are_detected_and_decoded() {
        let cases = [
            (encoding_rs::WINDOWS_1252, "João Conceição, São Paulo"),
            (encoding_rs::WINDOWS_1252, "François Müller, Zürich, Ñandú"),
            (
                encoding_rs::WINDOWS_1250,
                "Łukasz Wróbel, Kraków, Žaneta Dvořáková",
            ),
            (
                encoding_rs::WINDOWS_1251,
                "Иван Петров, Москва, Ольга Смирнова",
            ),
            (encoding_rs::WINDOWS_1253, "Γιώργος Παπαδόπουλος, Αθήνα"),
            (encoding_rs::SHIFT_JIS, "山田太郎、東京都新宿区"),
        ];
        for (encoding, names) in cases {
            let csv = format!("group,participant,name\ng1,+12025550143,\"{names}\"\n");
            let (bytes, _, unmappable) = encoding.encode(&csv);
            assert!(!unmappable, "{names}");
            let got = text(&bytes).unwrap_or_else(|e| panic!("{names}: {e}"));
            assert_eq!(got, (csv.clone(), Some(encoding.name())), "{names}");
        }
    }

    #[test]
    fn text_far_into_the_file_is_detected_where_it_starts() {
        let mut csv = String::from("group,participant,name\n");
        for n in 0..20_000 {
            csv.push_str(&format!("g1,+1202555{:04},Ann\n", n % 10_000));
        }
        csv.push_str("g2,+351912345678,João Conceição\n");
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&csv);
        assert_eq!(text(&bytes).ok(), Some((csv.clone(), Some("windows-1252"))));
    }

    #[test]
    fn an_encoding_that_cannot_be_told_is_refused_with_its_line() {
        // Mac Roman: chardetng does not know it; read as anything else it is no text.
        let mac_roman = b"group,participant,name\ng1,+351912345678,Jo\x8bo Concei\x8d\x8bo\n";
        let err = text(mac_roman).expect_err("refused");
        let ImportError::Encoding(unknown) = &err else {
            panic!("wrong error: {err}");
        };
        assert_eq!(unknown.line, 2);
        assert!(err.to_string().contains("CSV UTF-8"), "{err}");
        // Bytes that are no text in any encoding.
        let noise: Vec<u8> = (0..4_000u32).map(|n| (n * 37 % 128 + 128) as u8).collect();
        assert!(matches!(text(&noise), Err(ImportError::Encoding(_))));
    }

    #[test]
    fn binary_and_utf16_without_a_bom_are_refused() {
        assert!(matches!(
            text(b"\x7fELF\x02\x01\x01\x00\x00"),
            Err(ImportError::Binary)
        ));
        let no_bom = utf16("group,participant\n", true).split_off(2);
        assert!(matches!(text(&no_bom), Err(ImportError::Utf16)));
    }
}
