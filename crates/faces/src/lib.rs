//! Face detection and recognition for the Rekognition emulator, offline and in pure Rust: the
//! weights are embedded in the crate and run by a small ONNX interpreter on the CPU, with no C
//! library and no download.
//!
//! - [`FaceModels::detect`] finds faces (RetinaFace, MobileNet-0.25): a box, a confidence and
//!   five landmarks each.
//! - [`FaceModels::embed`] aligns one face to a 150×150 chip from its landmarks and computes
//!   dlib's 128-d face descriptor (ResNet-29, 99.38 % on LFW).
//! - [`similarity`] turns two descriptors into Rekognition's 0–100 similarity.
//! - [`FaceModels::expressions`] scores seven facial expressions (face-api's classifier).
//! - [`FaceModels::age`] and [`FaceModels::male_probability`] estimate age and gender (dlib's
//!   age predictor and gender classifier, by Cydral).
//! - [`decode`] turns JPEG or PNG bytes into an upright [`Image`] within Rekognition's limits.
//!
//! ```no_run
//! use rekognition_faces::{FaceModels, Image, similarity};
//!
//! let models = FaceModels::load()?;
//! # let (width, height, rgb_a, rgb_b) = (1, 1, vec![0; 3], vec![0; 3]);
//! let (a, b) = (Image::new(width, height, rgb_a)?, Image::new(width, height, rgb_b)?);
//! if let (Some(face_a), Some(face_b)) = (models.detect(&a).first(), models.detect(&b).first()) {
//!     let score = similarity(&models.embed(&a, face_a), &models.embed(&b, face_b));
//!     println!("similarity {score:.1}");
//! }
//! # Ok::<(), rekognition_faces::Error>(())
//! ```
//!
//! Every call runs on the calling thread; [`FaceModels`] is immutable, so one value (in an
//! `Arc`) serves any number of threads.

mod align;
mod decode;
mod detect;
mod image;
mod models;
mod onnx;

pub use crate::decode::{DecodeError, DecodeLimits, Decoded, ImageFormat, Orientation, decode};
pub use crate::image::Image;
use crate::onnx::{Model, OnnxError, Tensor};

/// Why the models could not be loaded, or an image could not be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An embedded model failed to load or to run its check at load time.
    #[error("face model {model} does not load: {reason}")]
    Model {
        /// Which model.
        model: &'static str,
        /// What went wrong, naming the node or tensor.
        reason: String,
    },
    /// The pixel buffer does not match the stated size.
    #[error("an image of {width}×{height} pixels needs {expected} RGB bytes, got {actual}")]
    ImageSize {
        /// Stated width.
        width: u32,
        /// Stated height.
        height: u32,
        /// `3 · width · height`.
        expected: usize,
        /// Bytes given.
        actual: usize,
    },
    /// The image has no pixels.
    #[error("the image has no pixels")]
    EmptyImage,
}

/// A point in image pixels; `(0, 0)` is the top-left corner of the top-left pixel's centre.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// Pixels to the right.
    pub x: f32,
    /// Pixels down.
    pub y: f32,
}

/// An axis-aligned box in image pixels. It may extend past the image's edges when the face is
/// cut by them (Rekognition reports such boxes too).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BoundingBox {
    /// Left edge; negative when the face is cut by the image's left edge.
    pub left: f32,
    /// Top edge; negative when the face is cut by the image's top edge.
    pub top: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

/// The five landmarks RetinaFace locates. Left and right are the *image's*: `eye_left` is
/// the eye nearer the image's left edge, which is the subject's right eye when the face looks
/// at the camera; `mouth_left` likewise. Rekognition's `eyeLeft` and `mouthLeft` are the same
/// side (its example responses give `eyeLeft` the smaller X).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Landmarks {
    /// Centre of the eye on the image's left.
    pub eye_left: Point,
    /// Centre of the eye on the image's right.
    pub eye_right: Point,
    /// Tip of the nose.
    pub nose: Point,
    /// Corner of the mouth on the image's left.
    pub mouth_left: Point,
    /// Corner of the mouth on the image's right.
    pub mouth_right: Point,
}

/// One face found by [`FaceModels::detect`], in the pixels of the image given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DetectedFace {
    /// Where the face is.
    pub bounding_box: BoundingBox,
    /// The detector's face probability, 0..1 (faces below 0.9 are not reported).
    pub confidence: f32,
    /// Eyes, nose and mouth corners.
    pub landmarks: Landmarks,
}

/// Length of an [`Embedding`].
pub const EMBEDDING_LEN: usize = 128;

/// dlib's 128-d face descriptor, unnormalised (its length is about 1.4). Faces of the same
/// person lie within Euclidean distance 0.6 of each other.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Embedding(pub [f32; EMBEDDING_LEN]);

impl Embedding {
    /// Euclidean distance to another descriptor.
    pub fn distance(&self, other: &Embedding) -> f32 {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f32>()
            .sqrt()
    }
}

/// An age estimate: the expected age and the standard deviation of the predicted distribution,
/// in years.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgeEstimate {
    /// Expected age.
    pub years: f32,
    /// Standard deviation.
    pub spread: f32,
}

/// The padding of the age and gender networks' chips, as they were trained.
const ATTRIBUTE_PADDING: f32 = 0.2;

/// Distance at which [`similarity`] is 50: dlib's own same-person threshold.
pub const SIMILARITY_MIDPOINT: f32 = 0.6;

/// How fast [`similarity`] falls around [`SIMILARITY_MIDPOINT`], per unit of distance.
pub const SIMILARITY_STEEPNESS: f32 = 20.0;

/// Rekognition's 0–100 face similarity: `100 / (1 + exp(20 · (d − 0.6)))` of the Euclidean
/// distance `d` between the descriptors.
///
/// dlib trained its descriptor so that one person's faces fall within 0.6 of each other. On the
/// face_recognition test photos the same person's faces lie at 0.05–0.44 (similarity ≥ 96) and
/// two different people's at ≥ 0.73 (≤ 7), and Rekognition's default threshold of 80 falls at
/// d ≈ 0.53.
pub fn similarity(a: &Embedding, b: &Embedding) -> f32 {
    let distance = a.distance(b);
    100.0 / (1.0 + (SIMILARITY_STEEPNESS * (distance - SIMILARITY_MIDPOINT)).exp())
}

/// The seven expressions the classifier knows, named as Rekognition's emotions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Emotion {
    /// face-api's "neutral".
    Calm,
    /// "happy".
    Happy,
    /// "sad".
    Sad,
    /// "angry".
    Angry,
    /// face-api's "fearful".
    Fear,
    /// "disgusted".
    Disgusted,
    /// "surprised".
    Surprised,
}

/// The classifier's outputs, in order.
const EMOTIONS: [Emotion; 7] = [
    Emotion::Calm,
    Emotion::Happy,
    Emotion::Sad,
    Emotion::Angry,
    Emotion::Fear,
    Emotion::Disgusted,
    Emotion::Surprised,
];

/// The five networks, loaded once from the bytes embedded in the crate.
#[derive(Debug)]
pub struct FaceModels {
    detector: Model,
    recogniser: Model,
    expression: Model,
    age: Model,
    gender: Model,
}

fn loaded(model: &'static str, bytes: &[u8]) -> Result<Model, Error> {
    Model::load(bytes).map_err(|e| Error::Model {
        model,
        reason: e.to_string(),
    })
}

/// Panics on an interpreter failure. Only a bug can cause one: the graphs are fixed, and
/// [`FaceModels::load`] has run each of them once.
fn ran<T>(result: Result<T, OnnxError>) -> T {
    result.unwrap_or_else(|e| panic!("face model failed after loading: {e}"))
}

impl FaceModels {
    /// Parses the embedded models and runs each once on a small input, so a failure shows
    /// here and not on a request. Takes about a tenth of a second.
    pub fn load() -> Result<FaceModels, Error> {
        let models = FaceModels {
            detector: loaded("retinaface_mnet025", models::RETINAFACE)?,
            recogniser: loaded("dlib_resnet29", models::RESNET)?,
            expression: loaded("expression", models::EXPRESSION)?,
            age: loaded("age", models::AGE)?,
            gender: loaded("gender", models::GENDER)?,
        };
        let check = |model: &'static str, result: Result<(), OnnxError>| {
            result.map_err(|e| Error::Model {
                model,
                reason: e.to_string(),
            })
        };
        let blank = Image::new(40, 30, vec![128; 40 * 30 * 3])?;
        check(
            "retinaface_mnet025",
            detect::detect(&models.detector, &blank).map(drop),
        )?;
        let chip = Tensor::f32(
            vec![1, 3, align::CHIP, align::CHIP],
            vec![0.0; 3 * align::CHIP * align::CHIP],
        );
        check(
            "dlib_resnet29",
            chip.and_then(|c| models.recogniser.run(vec![c])).map(drop),
        )?;
        let crop = Tensor::f32(
            vec![1, 3, align::CROP, align::CROP],
            vec![0.0; 3 * align::CROP * align::CROP],
        );
        check(
            "expression",
            crop.and_then(|c| models.expression.run(vec![c])).map(drop),
        )?;
        for (name, model, size) in [
            ("age", &models.age, align::AGE_CHIP),
            ("gender", &models.gender, align::GENDER_CHIP),
        ] {
            let chip = Tensor::f32(vec![1, 3, size, size], vec![0.0; 3 * size * size]);
            check(name, chip.and_then(|c| model.run(vec![c])).map(drop))?;
        }
        Ok(models)
    }

    /// Finds the faces in `image`, best first, after non-maximum suppression. Images whose
    /// longer side exceeds 1024 pixels are shrunk to 1024 first (coordinates are still in the
    /// given image's pixels).
    pub fn detect(&self, image: &Image) -> Vec<DetectedFace> {
        ran(detect::detect(&self.detector, image))
    }

    /// The descriptor of `face` in `image`: the face warped onto dlib's 150×150 chip by the
    /// similarity transform that best maps its five landmarks to dlib's template.
    pub fn embed(&self, image: &Image, face: &DetectedFace) -> Embedding {
        let chip = align::face_chip(image, &face.landmarks);
        let output = ran(self.recogniser.run(vec![chip]));
        let mut values = [0.0; EMBEDDING_LEN];
        values.copy_from_slice(ran(output[0].as_f32()));
        Embedding(values)
    }

    /// The face's age as dlib's age predictor sees it: the expected age over its 81 classes
    /// (0.25, 1, 2, …, 80 years) and the spread of that distribution.
    pub fn age(&self, image: &Image, face: &DetectedFace) -> AgeEstimate {
        let chip =
            align::attribute_chip(image, &face.landmarks, align::AGE_CHIP, ATTRIBUTE_PADDING);
        let output = ran(self.age.run(vec![chip]));
        let probabilities = ran(output[0].as_f32());
        let age_of = |class: usize| if class == 0 { 0.25 } else { class as f32 };
        let mean: f32 = probabilities
            .iter()
            .enumerate()
            .map(|(c, p)| p * age_of(c))
            .sum();
        let variance: f32 = probabilities
            .iter()
            .enumerate()
            .map(|(c, p)| p * (age_of(c) - mean).powi(2))
            .sum();
        AgeEstimate {
            years: mean,
            spread: variance.sqrt(),
        }
    }

    /// The probability that the face is a man's, by dlib's gender classifier (the other class
    /// is a woman's).
    pub fn male_probability(&self, image: &Image, face: &DetectedFace) -> f32 {
        let chip = align::attribute_chip(
            image,
            &face.landmarks,
            align::GENDER_CHIP,
            ATTRIBUTE_PADDING,
        );
        let output = ran(self.gender.run(vec![chip]));
        ran(output[0].as_f32())[1]
    }

    /// Probabilities (summing to 1) of seven expressions on `face`, in [`Emotion`] order.
    pub fn expressions(&self, image: &Image, face: &DetectedFace) -> [(Emotion, f32); 7] {
        let crop = align::expression_crop(image, &face.bounding_box);
        let output = ran(self.expression.run(vec![crop]));
        let probabilities = ran(output[0].as_f32());
        std::array::from_fn(|i| (EMOTIONS[i], probabilities[i]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_are_shareable_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<FaceModels>();
    }

    #[test]
    fn similarity_is_50_at_the_midpoint_and_falls_with_distance() {
        let zero = Embedding([0.0; EMBEDDING_LEN]);
        let at = |d: f32| {
            let mut other = [0.0; EMBEDDING_LEN];
            other[0] = d;
            similarity(&zero, &Embedding(other))
        };
        assert!((at(0.6) - 50.0).abs() < 1e-4);
        assert!(at(0.0) > 99.99);
        assert!(at(0.53) > 79.0 && at(0.53) < 81.0);
        assert!(at(1.0) < 0.1);
    }
}
