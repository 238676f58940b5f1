//! The group photo's rules (R, E): JPEG only, at most 5 MB, square, at least 192×192.

use axum::http::StatusCode;
use sha2::{Digest, Sha256};

use crate::sandbox::errors::GraphError;

/// Largest photo accepted, in bytes (5 MB).
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// Smallest side accepted, in pixels.
pub const MIN_SIDE: usize = 192;

/// The photo's SHA-256 (lowercase hex) when it may be the group photo; else 400 with code 100
/// (not a JPEG, too large), 131209 (not square) or 131210 (under 192 px).
pub fn check_photo(bytes: &[u8], content_type: Option<&str>) -> Result<String, GraphError> {
    let declared = content_type
        .map(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|t| !t.is_empty() && t != "application/octet-stream");
    if let Some(declared) = declared
        && declared != "image/jpeg"
    {
        return Err(GraphError::invalid("The group photo must be image/jpeg")
            .details(format!("the file was sent as {declared}")));
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(
            GraphError::invalid("The group photo must be at most 5 MB").details(format!(
                "the file has {} bytes; at most {MAX_PHOTO_BYTES} are allowed",
                bytes.len()
            )),
        );
    }
    if !matches!(imagesize::image_type(bytes), Ok(imagesize::ImageType::Jpeg)) {
        return Err(GraphError::invalid("The group photo must be a JPEG image")
            .details("the file is not a JPEG (it does not start with a JPEG header)"));
    }
    let size = imagesize::blob_size(bytes).map_err(|e| {
        GraphError::invalid("The group photo cannot be read").details(format!("JPEG: {e}"))
    })?;
    let (width, height) = (size.width, size.height);
    if width != height {
        return Err(GraphError::new(
            StatusCode::BAD_REQUEST,
            131209,
            "Group picture must be square",
        )
        .details(format!("the image is {width}x{height} pixels")));
    }
    if width < MIN_SIDE {
        return Err(GraphError::new(
            StatusCode::BAD_REQUEST,
            131210,
            "Group picture is too small",
        )
        .details(format!(
            "the image is {width}x{height} pixels; at least {MIN_SIDE}x{MIN_SIDE} is needed"
        )));
    }
    Ok(hex::encode(Sha256::digest(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::jpeg;

    #[test]
    fn photos_are_checked_as_r_and_e_say() {
        let ok = check_photo(&jpeg(640, 640), Some("image/jpeg"));
        assert_eq!(ok.as_ref().ok().map(String::len), Some(64));
        assert!(check_photo(&jpeg(192, 192), None).is_ok());
        let code = |r: Result<String, GraphError>| r.err().map(|e| e.code);
        assert_eq!(code(check_photo(&jpeg(640, 480), None)), Some(131209));
        assert_eq!(code(check_photo(&jpeg(191, 191), None)), Some(131210));
        assert_eq!(code(check_photo(&jpeg(100, 50), None)), Some(131209));
        assert_eq!(
            code(check_photo(&jpeg(640, 640), Some("image/png"))),
            Some(100)
        );
        assert_eq!(code(check_photo(b"\x89PNG\r\n\x1a\n", None)), Some(100));
        let mut big = jpeg(640, 640);
        big.resize(MAX_PHOTO_BYTES + 1, 0);
        assert_eq!(code(check_photo(&big, None)), Some(100));
    }
}
