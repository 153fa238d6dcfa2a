//! Faces found in a request's image, as the face operations need them: the image fetched from
//! the request or the S3 stand-in and decoded within Rekognition's limits, then either the
//! faces the declared-results file gives for it or those the networks find, measured (pose,
//! quality) and, when asked, identified (descriptor) and read (expressions, age and gender).
//!
//! - `image`: `Image.Bytes` and `Image.S3Object` to bytes, and their errors;
//! - `declared`: the declared-results file;
//! - `measure`: pose from the landmarks, brightness and sharpness from the pixels;
//! - `detail`: what the operations answer (`FaceDetail`, `ComparedFace`, landmarks, attributes)
//!   and the quality filter.
//!
//! Inference is CPU work of a few hundred milliseconds: it runs on blocking threads, at most one
//! image per core at a time, and the networks are loaded at the first face request, so the
//! server starts without them.

mod declared;
mod detail;
mod image;
mod measure;

use std::sync::{Arc, OnceLock};

use rekognition_faces::{AgeEstimate, DecodeLimits, Emotion, FaceModels, Image};
use rekognition_server_sdk::model::Image as RequestImage;
use tokio::sync::Semaphore;

pub use self::declared::{DeclaredAttributes, DeclaredFaces};
pub use self::detail::{
    Attributes, Filter, bounding_box, compared_face, face_detail, filter_reasons,
};
pub use self::image::{ImageError, ImageSource};
pub use self::measure::{Pose, Quality};
use crate::manifest::Objects;
use crate::store::{Identity, Ratios};

/// The most faces an operation handles in one image: the largest ones.
pub const MAX_FACES_PER_IMAGE: usize = 100;

/// A face found in an image, with positions as ratios of the image's width and height.
#[derive(Debug, Clone)]
pub struct FoundFace {
    /// Its box.
    pub bounding_box: Ratios,
    /// How sure the detector is (0–100).
    pub confidence: f32,
    /// Eyes (image-left, image-right), nose, mouth corners (left, right), as (x, y) ratios.
    pub landmarks: [(f32, f32); 5],
    /// Its pose, in degrees.
    pub pose: Pose,
    /// Brightness and sharpness of the face (0–100).
    pub quality: Quality,
    /// The smaller side of its box, in pixels.
    pub side_pixels: f32,
    /// What identifies it, when asked for.
    pub identity: Option<Identity>,
    /// Expression probabilities (0–1), when asked for.
    pub emotions: Option<[(Emotion, f32); 7]>,
    /// Age (expected years and spread) and the probability of a man's face, when asked for.
    pub age_gender: Option<(AgeEstimate, f32)>,
    /// Attributes the declared-results file gives.
    pub declared: Option<DeclaredAttributes>,
}

/// The faces of one image, largest first, at most [`MAX_FACES_PER_IMAGE`].
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Width of the upright image, in pixels.
    pub width: u32,
    /// Height of the upright image, in pixels.
    pub height: u32,
    /// The faces.
    pub faces: Vec<FoundFace>,
}

/// What an operation needs of each face beyond its box, landmarks, pose and quality.
#[derive(Debug, Clone, Copy, Default)]
pub struct Needs {
    /// The descriptor, to store or match.
    pub identity: bool,
    /// Expression probabilities.
    pub emotions: bool,
    /// Age and gender.
    pub age_gender: bool,
}

/// Finds faces in request images: the networks (loaded on first use), the declared results,
/// the S3 stand-in and the limits.
#[derive(Clone)]
pub struct FaceEngine {
    models: Arc<OnceLock<Result<Arc<FaceModels>, String>>>,
    declared: Arc<DeclaredFaces>,
    objects: Objects,
    permits: Arc<Semaphore>,
    limits: DecodeLimits,
}

impl std::fmt::Debug for FaceEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceEngine").finish_non_exhaustive()
    }
}

impl FaceEngine {
    /// Reads images from `objects`, answering those `declared` names as declared.
    pub fn new(objects: Objects, declared: DeclaredFaces) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            models: Arc::new(OnceLock::new()),
            declared: Arc::new(declared),
            objects,
            permits: Arc::new(Semaphore::new(cores)),
            limits: DecodeLimits::REKOGNITION,
        }
    }

    /// The faces of a request's image, largest first.
    pub async fn analyze(&self, image: RequestImage, needs: Needs) -> Result<Analysis, ImageError> {
        let source = image::load(&self.objects, image).await?;
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ImageError::Internal("the inference pool is closed".into()))?;
        let engine = self.clone();
        tokio::task::spawn_blocking(move || engine.analyze_now(&source, needs))
            .await
            .unwrap_or_else(|error| {
                Err(ImageError::Internal(format!(
                    "face analysis failed: {error}"
                )))
            })
    }

    fn models(&self) -> Result<&FaceModels, ImageError> {
        self.models
            .get_or_init(|| FaceModels::load().map(Arc::new).map_err(|e| e.to_string()))
            .as_deref()
            .map_err(|e| ImageError::Internal(e.clone()))
    }

    /// The analysis, on the calling thread.
    fn analyze_now(&self, source: &ImageSource, needs: Needs) -> Result<Analysis, ImageError> {
        let decoded =
            rekognition_faces::decode(&source.bytes, &self.limits).map_err(ImageError::from)?;
        let picture = decoded.image;
        let (width, height) = (picture.width(), picture.height());
        let mut faces = match self.declared.lookup(source) {
            Some(declared) => declared.iter().map(|face| face.found(&picture)).collect(),
            None => self.detect(&picture, needs)?,
        };
        faces.sort_by(|a, b| b.bounding_box.area().total_cmp(&a.bounding_box.area()));
        faces.truncate(MAX_FACES_PER_IMAGE);
        Ok(Analysis {
            width,
            height,
            faces,
        })
    }

    fn detect(&self, picture: &Image, needs: Needs) -> Result<Vec<FoundFace>, ImageError> {
        let models = self.models()?;
        let (width, height) = (picture.width() as f32, picture.height() as f32);
        let mut detected = models.detect(picture);
        detected.sort_by(|a, b| {
            let area =
                |f: &rekognition_faces::DetectedFace| f.bounding_box.width * f.bounding_box.height;
            area(b).total_cmp(&area(a))
        });
        detected.truncate(MAX_FACES_PER_IMAGE);
        Ok(detected
            .iter()
            .map(|face| {
                let b = face.bounding_box;
                let l = face.landmarks;
                let ratio = |p: rekognition_faces::Point| (p.x / width, p.y / height);
                FoundFace {
                    bounding_box: Ratios {
                        left: b.left / width,
                        top: b.top / height,
                        width: b.width / width,
                        height: b.height / height,
                    },
                    confidence: (face.confidence * 100.0).min(100.0),
                    landmarks: [l.eye_left, l.eye_right, l.nose, l.mouth_left, l.mouth_right]
                        .map(ratio),
                    pose: measure::pose(&l),
                    quality: measure::quality(picture, &b),
                    side_pixels: b.width.min(b.height),
                    identity: needs
                        .identity
                        .then(|| Identity::Embedding(Box::new(models.embed(picture, face)))),
                    emotions: needs.emotions.then(|| models.expressions(picture, face)),
                    age_gender: needs.age_gender.then(|| {
                        (
                            models.age(picture, face),
                            models.male_probability(picture, face),
                        )
                    }),
                    declared: None,
                }
            })
            .collect())
    }
}
