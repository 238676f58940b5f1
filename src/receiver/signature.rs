//! `X-Hub-Signature-256`: `sha256=` and the hex HMAC-SHA256 of the raw body keyed with the app
//! secret (`groups-api-2026.md` §2.1), checked on the bytes as received, before any parsing,
//! in constant time (the `hmac` crate's verification).

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::secrets::Secret;

/// Why a delivery's signature is refused (said without the body or the secret).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no X-Hub-Signature-256 header")]
    Missing,
    #[error("X-Hub-Signature-256 is not `sha256=` and 64 hex digits")]
    Malformed,
    #[error(
        "X-Hub-Signature-256 does not match the body (wrong app secret, or the body was changed)"
    )]
    Mismatch,
}

/// Checks `header` against `body`.
pub fn verify(secret: &Secret, header: Option<&[u8]>, body: &[u8]) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let hex_digest = header
        .strip_prefix(b"sha256=")
        .ok_or(SignatureError::Malformed)?;
    if hex_digest.len() != 64 {
        return Err(SignatureError::Malformed);
    }
    let digest = hex::decode(hex_digest).map_err(|_| SignatureError::Malformed)?;
    let mut mac = keyed(secret).ok_or(SignatureError::Mismatch)?;
    mac.update(body);
    mac.verify_slice(&digest)
        .map_err(|_| SignatureError::Mismatch)
}

/// The header value for `body` (for those who send deliveries: the benchmark, tools).
pub fn sign(secret: &Secret, body: &[u8]) -> String {
    let Some(mut mac) = keyed(secret) else {
        return String::new();
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// HMAC-SHA256 keyed with the secret (HMAC takes keys of any length: never `None`).
fn keyed(secret: &Secret) -> Option<Hmac<Sha256>> {
    Hmac::<Sha256>::new_from_slice(secret.expose()).ok()
}

/// Whether `given` is the verify token, compared in constant time (its length aside).
pub fn is_verify_token(secret: &Secret, given: &str) -> bool {
    bool::from(secret.expose().ct_eq(given.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_4231_vector_and_every_refusal() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let secret = Secret::new("Jefe").expect("secret");
        let body = b"what do ya want for nothing?";
        let good = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert_eq!(sign(&secret, body), good);
        assert_eq!(verify(&secret, Some(good.as_bytes()), body), Ok(()));
        assert_eq!(verify(&secret, None, body), Err(SignatureError::Missing));
        assert_eq!(
            verify(&secret, Some(b"sha1=abc"), body),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(&secret, Some(&good.as_bytes()[..70]), body),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(
                &secret,
                Some(good.as_bytes()),
                b"what do ya want for nothing!"
            ),
            Err(SignatureError::Mismatch)
        );
        let upper = good.to_uppercase().replace("SHA256=", "sha256=");
        assert_eq!(verify(&secret, Some(upper.as_bytes()), body), Ok(()));
        assert!(is_verify_token(&Secret::new("tok").expect("t"), "tok"));
        assert!(!is_verify_token(&Secret::new("tok").expect("t"), "tok2"));
    }
}
