//! A group photo, checked before it is sent (R, E: JPEG only, at most 5 MB, square, at least
//! 192×192). The header is read with `imagesize` (small, already used by the sandbox), so
//! nothing that Meta would refuse with 131209 or 131210 is ever sent.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Largest photo, in bytes (5 MB).
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// Smallest side, in pixels.
pub const MIN_PHOTO_SIDE: usize = 192;

/// Why bytes cannot be a group photo.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("the photo has {0} bytes; at most {MAX_PHOTO_BYTES} (5 MB) are allowed")]
    TooLarge(usize),
    #[error("the photo is not a JPEG (only image/jpeg is accepted)")]
    NotJpeg,
    #[error("the photo's JPEG header cannot be read: {0}")]
    Unreadable(String),
    #[error("the photo is {0}x{1} pixels; it must be square")]
    NotSquare(usize, usize),
    #[error("the photo is {0}x{0} pixels; at least {MIN_PHOTO_SIDE}x{MIN_PHOTO_SIDE} is needed")]
    TooSmall(usize),
}

/// A JPEG that may be a group photo, with its side and SHA-256.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Photo {
    pub jpeg: Vec<u8>,
    /// Width and height, in pixels.
    pub side: usize,
    /// Lowercase hex.
    pub sha256: String,
}

impl fmt::Debug for Photo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Photo({}x{}, {} bytes, sha256 {})",
            self.side,
            self.side,
            self.jpeg.len(),
            self.sha256
        )
    }
}

impl Photo {
    /// Checks `bytes`: at most 5 MB, a JPEG, square, at least 192 px.
    pub fn check(bytes: Vec<u8>) -> Result<Photo, PhotoError> {
        if bytes.len() > MAX_PHOTO_BYTES {
            return Err(PhotoError::TooLarge(bytes.len()));
        }
        if !matches!(
            imagesize::image_type(&bytes),
            Ok(imagesize::ImageType::Jpeg)
        ) {
            return Err(PhotoError::NotJpeg);
        }
        let size =
            imagesize::blob_size(&bytes).map_err(|e| PhotoError::Unreadable(e.to_string()))?;
        if size.width != size.height {
            return Err(PhotoError::NotSquare(size.width, size.height));
        }
        if size.width < MIN_PHOTO_SIDE {
            return Err(PhotoError::TooSmall(size.width));
        }
        let sha256 = hex::encode(Sha256::digest(&bytes));
        Ok(Photo {
            jpeg: bytes,
            side: size.width,
            sha256,
        })
    }

    /// `640x640 JPEG, 48213 bytes`.
    pub fn describe(&self) -> String {
        format!(
            "{}x{} JPEG, {} bytes",
            self.side,
            self.side,
            self.jpeg.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::jpeg;

    #[test]
    fn photos_are_checked_before_sending() {
        let ok = Photo::check(jpeg(640, 640)).expect("a square JPEG");
        assert_eq!((ok.side, ok.sha256.len()), (640, 64));
        assert!(Photo::check(jpeg(192, 192)).is_ok());
        assert_eq!(
            Photo::check(jpeg(640, 480)),
            Err(PhotoError::NotSquare(640, 480))
        );
        assert_eq!(Photo::check(jpeg(191, 191)), Err(PhotoError::TooSmall(191)));
        assert_eq!(
            Photo::check(b"\x89PNG\r\n\x1a\n0000".to_vec()),
            Err(PhotoError::NotJpeg)
        );
        let mut big = jpeg(640, 640);
        big.resize(MAX_PHOTO_BYTES + 1, 0);
        assert_eq!(
            Photo::check(big),
            Err(PhotoError::TooLarge(MAX_PHOTO_BYTES + 1))
        );
        assert!(matches!(
            Photo::check(vec![0xFF, 0xD8, 0xFF]),
            Err(PhotoError::Unreadable(_) | PhotoError::NotJpeg)
        ));
    }
}
