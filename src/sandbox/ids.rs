//! Opaque identifiers: base64-like group and join request ids, invite links, paging cursors,
//! trace and request ids.

use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

/// The sandbox's seeded generator: a fixed algorithm, so a seed means the same data on every
/// platform and rand version (`StdRng` promises neither), and quick even in debug builds.
pub type SandboxRng = Xoshiro256PlusPlus;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const ALNUM: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const CURSOR_PREFIX: &str = "sandbox_cursor:";

/// URL-safe base64 without padding (safe in a path segment and in a query string).
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sextets = [(n >> 18) & 63, (n >> 12) & 63, (n >> 6) & 63, n & 63];
        for &s in sextets.iter().take(chunk.len() + 1) {
            out.push(char::from(ALPHABET[s as usize]));
        }
    }
    out
}

/// Inverse of [`base64_encode`]; `None` for anything that is not such a string.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for c in text.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = ((acc << 6) | v) & 0xfff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    // Leftover bits must be padding zeros, and a lone sextet cannot encode a byte.
    if bits >= 6 || acc & ((1 << bits) - 1) != 0 {
        return None;
    }
    Some(out)
}

/// A group id shaped like Meta's: base64 of `capi_group:<phone_number_id>:<18 digits>`.
pub fn group_id(phone_number_id: &str, rng: &mut SandboxRng) -> String {
    let mut digits = String::with_capacity(18);
    digits.push(char::from(b'1' + rng.random_range(0..9u8)));
    for _ in 1..18 {
        digits.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    base64_encode(format!("capi_group:{phone_number_id}:{digits}").as_bytes())
}

/// A join request id shaped like Meta's: base64 of `<phone_number_id>:<18 digits>`.
pub fn join_request_id(phone_number_id: &str, rng: &mut SandboxRng) -> String {
    let digits: String = (0..18)
        .map(|i| char::from(b'0' + rng.random_range(u8::from(i == 0)..10u8)))
        .collect();
    base64_encode(format!("{phone_number_id}:{digits}").as_bytes())
}

/// An invite link: `https://chat.whatsapp.com/` and 22 letters and digits (R, §1.6).
pub fn invite_link(rng: &mut SandboxRng) -> String {
    format!("{INVITE_PREFIX}{}", alnum(rng, 22))
}

/// What every invite link starts with (R).
pub const INVITE_PREFIX: &str = "https://chat.whatsapp.com/";

/// An opaque paging cursor for a position in the group list.
pub fn cursor(position: u64) -> String {
    base64_encode(format!("{CURSOR_PREFIX}{position}").as_bytes())
}

/// The position a cursor made by [`cursor`] stands for.
pub fn parse_cursor(text: &str) -> Option<u64> {
    let bytes = base64_decode(text)?;
    let text = std::str::from_utf8(&bytes).ok()?;
    text.strip_prefix(CURSOR_PREFIX)?.parse().ok()
}

/// Random letters and digits, e.g. for `fbtrace_id` and `request_id`.
pub fn alnum(rng: &mut SandboxRng, len: usize) -> String {
    (0..len)
        .map(|_| char::from(ALNUM[rng.random_range(0..ALNUM.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn base64_round_trips_and_matches_the_standard_for_group_ids() {
        for text in ["", "f", "fo", "foo", "foob", "fooba", "foobar"] {
            let encoded = base64_encode(text.as_bytes());
            assert_eq!(base64_decode(&encoded).as_deref(), Some(text.as_bytes()));
        }
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(b"capi_group:"), "Y2FwaV9ncm91cDo");
        assert_eq!(base64_decode("A"), None);
        assert_eq!(base64_decode("Zm9v!"), None);
    }

    #[test]
    fn group_ids_look_like_meta_ones() {
        let mut rng = SandboxRng::seed_from_u64(7);
        let id = group_id("19505550079", &mut rng);
        assert!(id.starts_with("Y2FwaV9ncm91cDoxOTUwNTU1MDA3OTo"), "{id}");
        let decoded = String::from_utf8(base64_decode(&id).unwrap_or_default()).unwrap_or_default();
        let digits = decoded.rsplit(':').next().unwrap_or_default();
        assert_eq!(digits.len(), 18);
        assert!(digits.bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        assert_eq!(parse_cursor(&cursor(0)), Some(0));
        assert_eq!(parse_cursor(&cursor(123_456)), Some(123_456));
        assert_eq!(parse_cursor("nonsense"), None);
        assert_eq!(parse_cursor(""), None);
        assert_eq!(parse_cursor(&base64_encode(b"other:5")), None);
    }
}
