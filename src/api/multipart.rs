//! A `multipart/form-data` body for the group photo (§1.4: `messaging_product=whatsapp` and
//! the JPEG as the part `file`), written here: two parts do not justify reqwest's multipart
//! feature and its MIME-guessing dependency.

use rand::RngExt;

/// The body and its `Content-Type` (with the boundary).
pub fn photo_form(jpeg: &[u8]) -> (Vec<u8>, String) {
    let boundary = boundary(jpeg);
    let mut body = Vec::with_capacity(jpeg.len() + 512);
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(jpeg);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

/// A random boundary that does not occur in the photo.
fn boundary(jpeg: &[u8]) -> String {
    let mut rng = rand::rng();
    loop {
        let tail: String = (0..24)
            .map(|_| char::from(b"0123456789abcdefghijklmnopqrstuvwxyz"[rng.random_range(0..36)]))
            .collect();
        let candidate = format!("wa-groups-{tail}");
        if !jpeg
            .windows(candidate.len())
            .any(|w| w == candidate.as_bytes())
        {
            return candidate;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_has_both_parts_and_a_boundary_the_photo_lacks() {
        let jpeg = b"\xFF\xD8jpeg bytes\xFF\xD9";
        let (body, content_type) = photo_form(jpeg);
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .expect("boundary");
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.contains("name=\"messaging_product\"\r\n\r\nwhatsapp\r\n"));
        assert!(text.contains("name=\"file\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg"));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
        assert!(body.windows(jpeg.len()).any(|w| w == jpeg));
    }
}
