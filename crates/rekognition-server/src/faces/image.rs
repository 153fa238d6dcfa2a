//! A request's `Image` to bytes: `Bytes` as sent (the model's length constraint has already
//! held it to 5 MB) or `S3Object` from the S3 stand-in (15 MB at most, `Version` honoured), and
//! the errors Rekognition answers for images, each of which every face operation that takes an
//! image models.

use rekognition_faces::DecodeError;
use rekognition_server_sdk::error::{
    ImageTooLargeException, InternalServerError, InvalidImageFormatException,
    InvalidParameterException, InvalidS3ObjectException,
};
use rekognition_server_sdk::model::Image as RequestImage;
use sha2::{Digest, Sha256};

use crate::manifest::{Location, ObjectError, Objects};

/// The largest S3 object a face operation reads, in bytes.
pub(super) const MAX_S3_IMAGE_BYTES: u64 = 15 * 1024 * 1024;

/// An image's bytes and the names the declared-results file may know it by.
#[derive(Debug, Clone)]
pub struct ImageSource {
    /// The encoded image.
    pub bytes: Vec<u8>,
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    /// `s3://bucket/key`, when it came from S3.
    pub s3_uri: Option<String>,
}

/// Why an image cannot be used, as Rekognition answers it.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageError {
    /// Neither or both of `Bytes` and `S3Object`, or an `S3Object` without bucket or name.
    Unnamed,
    /// No such S3 object or version.
    S3Missing,
    /// The S3 object is over 15 MB.
    S3TooLarge(u64),
    /// Not a JPEG or PNG, or corrupt.
    InvalidFormat,
    /// Wider or taller than the service accepts.
    TooLarge {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// Under 80 pixels on a side.
    TooSmall,
    /// The networks failed.
    Internal(String),
}

impl From<DecodeError> for ImageError {
    fn from(error: DecodeError) -> Self {
        match error {
            DecodeError::InvalidFormat { .. } => ImageError::InvalidFormat,
            DecodeError::TooLarge { width, height, .. } => ImageError::TooLarge { width, height },
            DecodeError::TooSmall { .. } => ImageError::TooSmall,
        }
    }
}

impl ImageError {
    /// The operation's error for this.
    pub fn into_error<E>(self) -> E
    where
        E: From<InvalidParameterException>
            + From<InvalidS3ObjectException>
            + From<InvalidImageFormatException>
            + From<ImageTooLargeException>
            + From<InternalServerError>,
    {
        match self {
            ImageError::Unnamed | ImageError::TooSmall => {
                InvalidParameterException::new("Request has invalid parameters").into()
            }
            ImageError::S3Missing => InvalidS3ObjectException::new(
                "Unable to get object metadata from S3. Check object key, region and/or access permissions.",
            )
            .into(),
            ImageError::S3TooLarge(size) => InvalidS3ObjectException::new(format!(
                "S3 object size {size} bytes exceeds the maximum of {MAX_S3_IMAGE_BYTES} bytes"
            ))
            .into(),
            ImageError::InvalidFormat => {
                InvalidImageFormatException::new("Request has invalid image format").into()
            }
            ImageError::TooLarge { width, height } => ImageTooLargeException::new(format!(
                "Input image dimensions {width} x {height} exceed maximum dimension size of 10000 pixels"
            ))
            .into(),
            ImageError::Internal(reason) => {
                tracing::error!(%reason, "face analysis failed");
                InternalServerError::new("Internal server error").into()
            }
        }
    }
}

/// The bytes of a request's image.
pub(super) async fn load(
    objects: &Objects,
    image: RequestImage,
) -> Result<ImageSource, ImageError> {
    match (image.bytes, &image.s3_object) {
        (Some(bytes), None) => Ok(source(bytes.into_inner(), None)),
        (None, Some(object)) => {
            let (Some(bucket), Some(name)) = (&object.bucket, &object.name) else {
                return Err(ImageError::Unnamed);
            };
            let location = Location {
                bucket: bucket.clone(),
                name: name.clone(),
                version: object.version.clone(),
            };
            let bytes = objects
                .read_at_most(&location, MAX_S3_IMAGE_BYTES)
                .await
                .map_err(|error| match error {
                    ObjectError::Missing => ImageError::S3Missing,
                    ObjectError::TooLarge(size) => ImageError::S3TooLarge(size),
                })?;
            Ok(source(bytes, Some(format!("s3://{bucket}/{name}"))))
        }
        _ => Err(ImageError::Unnamed),
    }
}

fn source(bytes: Vec<u8>, s3_uri: Option<String>) -> ImageSource {
    let sha256 = Sha256::digest(&bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    ImageSource {
        bytes,
        sha256,
        s3_uri,
    }
}
