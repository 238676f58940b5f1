//! Reading an answer's body with a size cap, and showing a short, safe excerpt of it.

use crate::domain::text::sanitize;

use super::ApiError;

/// Reads the whole body, refusing to hold more than `limit` bytes. A body cut short by the
/// connection is reported as "no answer", since the server's word never fully arrived.
pub async fn read_capped(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, ApiError> {
    let status = response.status().as_u16();
    if let Some(len) = response.content_length()
        && len > limit as u64
    {
        return Err(ApiError::TooLarge { status, limit });
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > limit {
                    return Err(ApiError::TooLarge { status, limit });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) if e.is_timeout() => {
                return Err(ApiError::NoAnswer {
                    reason: format!("HTTP {status} answer stalled before its end"),
                });
            }
            Err(_) => {
                return Err(ApiError::NoAnswer {
                    reason: format!("HTTP {status} answer cut off before its end"),
                });
            }
        }
    }
}

/// At most 120 characters of a body, on one line, with markup tags and control characters
/// taken out, so an HTML error page reads as its text: `502 Bad Gateway`.
pub fn excerpt(body: &[u8]) -> String {
    if body.is_empty() {
        return "(empty body)".into();
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]);
    let mut plain = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            _ if in_tag => {}
            _ => plain.push(c),
        }
    }
    let words: Vec<&str> = plain.split_whitespace().collect();
    let mut one_line = sanitize(&words.join(" "));
    if one_line.is_empty() {
        one_line = "(markup only)".into();
    }
    if one_line.chars().count() > 120 {
        one_line = one_line.chars().take(120).collect::<String>() + "…";
    }
    one_line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_pages_read_as_their_text() {
        let page =
            b"<html><head><title>502</title></head><body><h1>502 Bad Gateway</h1></body></html>";
        assert_eq!(excerpt(page), "502 502 Bad Gateway");
        assert_eq!(excerpt(b""), "(empty body)");
        assert_eq!(excerpt(b"oops\x1b[2J"), "oops^[[2J");
        assert!(excerpt(&[b'a'; 1000]).chars().count() <= 121);
    }
}
