//! Image bytes to RGB pixels the way Rekognition takes them: JPEG or PNG told apart by their
//! signatures, the declared size held to [`DecodeLimits`] before a pixel is decoded, and a
//! JPEG's EXIF orientation applied so faces are found in the upright picture.
//!
//! The server maps the errors to Rekognition's: [`DecodeError::InvalidFormat`] is
//! `InvalidImageFormatException` ("Request has invalid image format"),
//! [`DecodeError::TooLarge`] is `ImageTooLargeException`, and [`DecodeError::TooSmall`] is
//! `InvalidParameterException` ("Request has invalid parameters"), which the service answered
//! for an image under its 80-pixel minimum. The encoded size (5 MB of `Image.Bytes`, 15 MB for
//! an S3 object) is the caller's to check before decoding: an oversized `Bytes` is a
//! `ValidationException` of the request, not an image error.

mod exif;
mod jpeg;
mod orientation;
mod png;

pub use self::orientation::Orientation;
use crate::Image;

/// How large and how small an image [`decode`] accepts, checked against the dimensions the
/// file's header declares, before any pixel buffer is allocated.
///
/// The default is [`DecodeLimits::REKOGNITION`]. Decoding needs three bytes a pixel for the
/// result and little else for a PNG or a baseline JPEG; a progressive JPEG holds its
/// coefficients too (about twice the result again, in 4:2:0), and a JPEG turned a quarter turn
/// needs a second result-sized buffer. So `max_pixels` is also what bounds a request's memory:
/// at the default, up to about 300 MB for the result and 900 MB at the peak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Widest and tallest image accepted, in pixels; either side over it is
    /// [`DecodeError::TooLarge`].
    pub max_dimension: u32,
    /// Most pixels (width × height) accepted; more is [`DecodeError::TooLarge`].
    pub max_pixels: u64,
    /// Narrowest and shortest image accepted, in pixels; either side under it is
    /// [`DecodeError::TooSmall`]. Zero or one accepts every image.
    pub min_dimension: u32,
}

impl DecodeLimits {
    /// Rekognition's limits. Sides of 80 to 10,000 pixels: AWS's quotas page gives 80 pixels as
    /// the minimum height and width of every image, and 10,000 pixels as the maximum for
    /// DetectLabels and DetectModerationLabels; the face operations document no maximum, but the
    /// service was seen refusing larger images with "Input image dimensions W x H exceed maximum
    /// dimension size of 10000 pixels". No pixel count is documented: 10,000 × 10,000 is the
    /// most those sides allow, so the count adds no limit of its own here and only a caller that
    /// wants less memory per request lowers it.
    pub const REKOGNITION: DecodeLimits = DecodeLimits {
        max_dimension: 10_000,
        max_pixels: 10_000 * 10_000,
        min_dimension: 80,
    };
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits::REKOGNITION
    }
}

/// The two formats Rekognition reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    /// JPEG, starting `FF D8 FF`.
    Jpeg,
    /// PNG, starting `89 50 4E 47 0D 0A 1A 0A`.
    Png,
}

impl ImageFormat {
    /// The format whose signature `bytes` starts with, if any.
    pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageFormat::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageFormat::Png)
        } else {
            None
        }
    }
}

/// A decoded image, upright.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The pixels, turned upright when the file said how.
    pub image: Image,
    /// The EXIF orientation that was applied to the stored pixels to make `image`;
    /// [`Orientation::Upright`] when there was none (always, for a PNG).
    pub orientation: Orientation,
    /// The format the bytes were in.
    pub format: ImageFormat,
}

/// Why bytes could not become an image.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Neither JPEG nor PNG, or a JPEG or PNG that is corrupt, truncated or of a kind the
    /// decoders do not read (arithmetic-coded or 12-bit JPEG, say).
    #[error("the image is not a valid JPEG or PNG: {reason}")]
    InvalidFormat {
        /// What was wrong, for logs; the service's own message does not vary.
        reason: String,
    },
    /// The declared dimensions exceed [`DecodeLimits::max_dimension`] or
    /// [`DecodeLimits::max_pixels`].
    #[error(
        "image dimensions {width} x {height} exceed the limits of {max_dimension} pixels a side \
         and {max_pixels} pixels in all"
    )]
    TooLarge {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The limit on either side.
        max_dimension: u32,
        /// The limit on width × height.
        max_pixels: u64,
    },
    /// A declared side is under [`DecodeLimits::min_dimension`].
    #[error(
        "image dimensions {width} x {height} are under the minimum of {min_dimension} pixels a side"
    )]
    TooSmall {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The limit on either side.
        min_dimension: u32,
    },
}

impl DecodeError {
    /// An invalid file, for `reason`; the decoders' own messages may end in a period, which
    /// is dropped so every message here ends the same way.
    fn invalid(reason: impl std::fmt::Display) -> DecodeError {
        let reason = reason.to_string();
        DecodeError::InvalidFormat {
            reason: reason.trim_end_matches(['.', ' ']).to_owned(),
        }
    }
}

/// Decodes a JPEG or PNG (told apart by their signatures, never by a name) into upright 8-bit
/// RGB. Any other bytes, and a corrupt or truncated file, are [`DecodeError::InvalidFormat`];
/// dimensions outside `limits` are refused from the header, before the pixels are decoded.
///
/// PNG of every colour type and bit depth becomes RGB: grey is copied to the three channels,
/// alpha is dropped (not composited), palettes are looked up, and 16-bit samples round to the
/// nearest 8-bit value. JPEG may be baseline or progressive, greyscale, YCbCr, CMYK or YCCK;
/// its first EXIF block's Orientation tag (1–8) is applied and reported in
/// [`Decoded::orientation`], and a malformed EXIF block is ignored. PNG's own `eXIf` chunk is
/// not read: Rekognition documents orientation from EXIF for JPEG only.
///
/// A cut file is invalid: a PNG must reach IEND with every checksum right, and a JPEG's scans
/// must end in an EOI marker and hold at least a bit for each 8×8 block, checked before its
/// pixels are allocated (as is, for a PNG, that the image data can hold the declared pixels).
pub fn decode(bytes: &[u8], limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
    match ImageFormat::sniff(bytes) {
        Some(ImageFormat::Jpeg) => jpeg::decode(bytes, limits),
        Some(ImageFormat::Png) => png::decode(bytes, limits),
        None => Err(DecodeError::invalid(
            "the bytes start with neither the JPEG nor the PNG signature",
        )),
    }
}

/// Holds declared dimensions to the limits: a zero side is a broken header, then too large
/// comes before too small.
fn check_dimensions(width: u32, height: u32, limits: &DecodeLimits) -> Result<(), DecodeError> {
    if width == 0 || height == 0 {
        return Err(DecodeError::invalid(format_args!(
            "the header declares {width} x {height} pixels"
        )));
    }
    if width > limits.max_dimension
        || height > limits.max_dimension
        || u64::from(width) * u64::from(height) > limits.max_pixels
    {
        return Err(DecodeError::TooLarge {
            width,
            height,
            max_dimension: limits.max_dimension,
            max_pixels: limits.max_pixels,
        });
    }
    if width < limits.min_dimension || height < limits.min_dimension {
        return Err(DecodeError::TooSmall {
            width,
            height,
            min_dimension: limits.min_dimension,
        });
    }
    Ok(())
}

/// Runs a third-party decoder's part: the checks before it keep the decoders off the inputs
/// they were seen to panic on, and should another one reach them, its panic becomes an invalid
/// file instead of a failed request. (The panic hook still reports it.)
fn without_panics<T>(
    format: &str,
    decoder: impl FnOnce() -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(decoder)).unwrap_or_else(|_| {
        Err(DecodeError::invalid(format_args!(
            "the {format} decoder panicked on it"
        )))
    })
}

/// Wraps decoded stored pixels as the upright image.
fn upright(
    width: u32,
    height: u32,
    rgb: Vec<u8>,
    orientation: Orientation,
    format: ImageFormat,
) -> Result<Decoded, DecodeError> {
    let (width, height, rgb) = orientation.apply(width, height, rgb);
    let image = Image::new(width, height, rgb).map_err(DecodeError::invalid)?;
    Ok(Decoded {
        image,
        orientation,
        format,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_signatures() {
        assert_eq!(
            ImageFormat::sniff(b"\xFF\xD8\xFF\xE0"),
            Some(ImageFormat::Jpeg)
        );
        assert_eq!(
            ImageFormat::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(ImageFormat::Png)
        );
        for other in [
            &b""[..],
            b"\xFF",
            b"\xFF\xD8",
            b"\x89PNG\r\n\x1a",
            b"GIF89a",
            b"BM6\0\0\0",
            b"RIFF\0\0\0\0WEBPVP8 ",
        ] {
            assert_eq!(ImageFormat::sniff(other), None, "{other:?}");
        }
    }

    #[test]
    fn dimensions_are_held_to_the_limits() {
        let limits = DecodeLimits::REKOGNITION;
        assert_eq!(check_dimensions(80, 80, &limits), Ok(()));
        assert_eq!(check_dimensions(10_000, 10_000, &limits), Ok(()));
        assert!(matches!(
            check_dimensions(10_001, 80, &limits),
            Err(DecodeError::TooLarge { width: 10_001, .. })
        ));
        assert!(matches!(
            check_dimensions(20_000, 20_000, &limits),
            Err(DecodeError::TooLarge { .. })
        ));
        assert!(matches!(
            check_dimensions(79, 10_000, &limits),
            Err(DecodeError::TooSmall { width: 79, .. })
        ));
        assert!(matches!(
            check_dimensions(0, 100, &limits),
            Err(DecodeError::InvalidFormat { .. })
        ));
        let few_pixels = DecodeLimits {
            max_pixels: 99,
            min_dimension: 0,
            ..limits
        };
        assert!(matches!(
            check_dimensions(10, 10, &few_pixels),
            Err(DecodeError::TooLarge { .. })
        ));
        assert_eq!(check_dimensions(1, 1, &few_pixels), Ok(()));
    }

    #[test]
    fn messages_have_no_trailing_period() {
        let errors = [
            DecodeError::invalid("CRC error while decoding the IDAT chunk."),
            DecodeError::TooLarge {
                width: 1,
                height: 2,
                max_dimension: 3,
                max_pixels: 4,
            },
            DecodeError::TooSmall {
                width: 1,
                height: 2,
                min_dimension: 3,
            },
        ];
        for error in errors {
            assert!(!error.to_string().ends_with('.'), "{error}");
        }
    }
}
