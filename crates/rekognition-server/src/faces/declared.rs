//! The declared-results file (`--declared-faces`): for tests that must not depend on a network's
//! judgement, it names images, by the SHA-256 of their bytes or by `s3://bucket/key`, and
//! declares their faces and who each face is. A declared image skips the networks: its faces
//! are the declared ones, two faces of one person match each other at the declared similarity,
//! and a declared face matches nothing else. TOML or JSON (by the file's extension), with the
//! same keys:
//!
//! ```toml
//! similarity = 99.0              # how similar two faces of one person are (default 99)
//!
//! [[images]]
//! sha256 = "9f86d08…"            # or: s3 = "s3://bucket/photos/ann.jpg"
//!
//! [[images.faces]]
//! person = "ann"
//! box = { left = 0.30, top = 0.20, width = 0.25, height = 0.35 }   # ratios of the image
//! confidence = 99.9              # optional
//! similarity = 97.0              # optional, this face's own
//! landmarks = { eye_left = [0.37, 0.32], eye_right = [0.48, 0.32], nose = [0.42, 0.40],
//!               mouth_left = [0.38, 0.47], mouth_right = [0.47, 0.47] }   # optional
//!
//! [images.faces.attributes]      # optional, as DetectFaces answers them with ALL
//! age_range = [25, 32]
//! gender = "Female"
//! emotions = { HAPPY = 92.0, CALM = 6.0 }
//! smile = true
//! pose = { roll = 0.0, yaw = 10.0, pitch = -5.0 }
//! ```
//!
//! The other optional attributes are `eyeglasses`, `sunglasses`, `beard`, `mustache`,
//! `eyes_open`, `mouth_open`, `face_occluded` (booleans) and `quality = { brightness,
//! sharpness }`. Attributes not declared are measured (quality) or take the documented
//! defaults, as for faces the networks find.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use rekognition_faces::{Image, Landmarks, Point};
use serde::Deserialize;

use super::image::ImageSource;
use super::measure::{Pose, Quality};
use super::{FoundFace, measure};
use crate::store::{Identity, Ratios};

/// The emotion names Rekognition answers, which `emotions` may use.
pub(super) const EMOTION_NAMES: [&str; 9] = [
    "HAPPY",
    "SAD",
    "ANGRY",
    "CONFUSED",
    "DISGUSTED",
    "SURPRISED",
    "CALM",
    "UNKNOWN",
    "FEAR",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default = "default_similarity")]
    similarity: f32,
    #[serde(default)]
    images: Vec<DeclaredImage>,
}

fn default_similarity() -> f32 {
    99.0
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeclaredImage {
    sha256: Option<String>,
    s3: Option<String>,
    #[serde(default)]
    faces: Vec<DeclaredFace>,
}

/// A face the file declares.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DeclaredFace {
    person: String,
    #[serde(rename = "box")]
    bounding_box: BoxRatios,
    confidence: Option<f32>,
    similarity: Option<f32>,
    landmarks: Option<DeclaredLandmarks>,
    #[serde(default)]
    attributes: DeclaredAttributes,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct BoxRatios {
    left: f32,
    top: f32,
    width: f32,
    height: f32,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeclaredLandmarks {
    eye_left: [f32; 2],
    eye_right: [f32; 2],
    nose: [f32; 2],
    mouth_left: [f32; 2],
    mouth_right: [f32; 2],
}

/// The attributes a declared face may carry; those absent are measured or take defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredAttributes {
    /// Lowest and highest age.
    pub age_range: Option<[i32; 2]>,
    /// `Male` or `Female`.
    pub gender: Option<String>,
    /// Confidence (0–100) by emotion name.
    pub emotions: Option<BTreeMap<String, f32>>,
    /// Smiling.
    pub smile: Option<bool>,
    /// Wearing glasses.
    pub eyeglasses: Option<bool>,
    /// Wearing sunglasses.
    pub sunglasses: Option<bool>,
    /// Bearded.
    pub beard: Option<bool>,
    /// With a mustache.
    pub mustache: Option<bool>,
    /// Eyes open.
    pub eyes_open: Option<bool>,
    /// Mouth open.
    pub mouth_open: Option<bool>,
    /// Partly hidden.
    pub face_occluded: Option<bool>,
    /// Pose in degrees.
    pub pose: Option<DeclaredPose>,
    /// Brightness and sharpness (0–100).
    pub quality: Option<DeclaredQuality>,
}

/// A declared pose.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredPose {
    roll: f32,
    yaw: f32,
    pitch: f32,
}

/// A declared image quality.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredQuality {
    brightness: f32,
    sharpness: f32,
}

/// The declared images, by SHA-256 and by S3 URI, each with its faces (similarities resolved).
#[derive(Debug, Default)]
pub struct DeclaredFaces {
    by_sha256: HashMap<String, Vec<DeclaredFace>>,
    by_s3: HashMap<String, Vec<DeclaredFace>>,
}

impl DeclaredFaces {
    /// Reads and checks a declared-results file (`.json`, else TOML).
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading declared faces {}", path.display()))?;
        let file: File = if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            serde_json::from_str(&text).with_context(|| format!("in {}", path.display()))?
        } else {
            toml::from_str(&text).with_context(|| format!("in {}", path.display()))?
        };
        Self::from_file(file).with_context(|| format!("in {}", path.display()))
    }

    fn from_file(file: File) -> Result<Self> {
        check_similarity(file.similarity, "similarity")?;
        let mut declared = Self::default();
        for (index, image) in file.images.into_iter().enumerate() {
            let at = format!("images[{index}]");
            let mut faces = image.faces;
            for (n, face) in faces.iter_mut().enumerate() {
                check_face(face).with_context(|| format!("{at}.faces[{n}]"))?;
                face.similarity.get_or_insert(file.similarity);
            }
            let replaced = match (image.sha256, image.s3) {
                (Some(sha256), None) => {
                    let key = sha256.to_ascii_lowercase();
                    if key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
                        bail!("{at}: sha256 must be 64 hexadecimal digits, not {sha256:?}");
                    }
                    declared.by_sha256.insert(key, faces)
                }
                (None, Some(uri)) => {
                    if !uri
                        .strip_prefix("s3://")
                        .is_some_and(|rest| rest.contains('/'))
                    {
                        bail!("{at}: s3 must be s3://bucket/key, not {uri:?}");
                    }
                    declared.by_s3.insert(uri, faces)
                }
                _ => bail!("{at}: give exactly one of sha256 and s3"),
            };
            if replaced.is_some() {
                bail!("{at}: the image is declared twice");
            }
        }
        Ok(declared)
    }

    /// How many images are declared.
    pub fn len(&self) -> usize {
        self.by_sha256.len() + self.by_s3.len()
    }

    /// Whether no image is declared.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The declared faces of an image: by its S3 URI, else by its bytes.
    pub(super) fn lookup(&self, source: &ImageSource) -> Option<&[DeclaredFace]> {
        source
            .s3_uri
            .as_ref()
            .and_then(|uri| self.by_s3.get(uri))
            .or_else(|| self.by_sha256.get(&source.sha256))
            .map(Vec::as_slice)
    }
}

fn check_similarity(value: f32, what: &str) -> Result<()> {
    if !(0.0..=100.0).contains(&value) {
        bail!("{what} must be between 0 and 100, not {value}");
    }
    Ok(())
}

fn check_face(face: &DeclaredFace) -> Result<()> {
    let b = face.bounding_box;
    if !(b.width > 0.0 && b.height > 0.0 && b.left.is_finite() && b.top.is_finite()) {
        bail!("box needs a positive width and height");
    }
    if face.person.is_empty() {
        bail!("person must not be empty");
    }
    if let Some(similarity) = face.similarity {
        check_similarity(similarity, "similarity")?;
    }
    if let Some(confidence) = face.confidence {
        check_similarity(confidence, "confidence")?;
    }
    let attributes = &face.attributes;
    if let Some(gender) = &attributes.gender
        && gender != "Male"
        && gender != "Female"
    {
        bail!("gender must be Male or Female, not {gender:?}");
    }
    for name in attributes.emotions.iter().flat_map(BTreeMap::keys) {
        if !EMOTION_NAMES.contains(&name.as_str()) {
            bail!(
                "unknown emotion {name:?} (one of {})",
                EMOTION_NAMES.join(", ")
            );
        }
    }
    Ok(())
}

impl DeclaredFace {
    /// The face as found in `image`: declared box, landmarks (or the mean face's, placed in the
    /// box), pose and quality (or measured), and the declared person.
    pub(super) fn found(&self, image: &Image) -> FoundFace {
        let b = self.bounding_box;
        let landmarks = self.landmarks.unwrap_or_else(|| {
            // The mean face's landmarks, as shares of a face box.
            let at = |x: f32, y: f32| [b.left + x * b.width, b.top + y * b.height];
            DeclaredLandmarks {
                eye_left: at(0.32, 0.38),
                eye_right: at(0.68, 0.38),
                nose: at(0.50, 0.58),
                mouth_left: at(0.35, 0.76),
                mouth_right: at(0.65, 0.76),
            }
        });
        let (width, height) = (image.width() as f32, image.height() as f32);
        let pixels = |[x, y]: [f32; 2]| Point {
            x: x * width,
            y: y * height,
        };
        let in_pixels = Landmarks {
            eye_left: pixels(landmarks.eye_left),
            eye_right: pixels(landmarks.eye_right),
            nose: pixels(landmarks.nose),
            mouth_left: pixels(landmarks.mouth_left),
            mouth_right: pixels(landmarks.mouth_right),
        };
        let box_pixels = rekognition_faces::BoundingBox {
            left: b.left * width,
            top: b.top * height,
            width: b.width * width,
            height: b.height * height,
        };
        let attributes = &self.attributes;
        FoundFace {
            bounding_box: Ratios {
                left: b.left,
                top: b.top,
                width: b.width,
                height: b.height,
            },
            confidence: self.confidence.unwrap_or(99.99),
            landmarks: [
                landmarks.eye_left,
                landmarks.eye_right,
                landmarks.nose,
                landmarks.mouth_left,
                landmarks.mouth_right,
            ]
            .map(|[x, y]| (x, y)),
            pose: attributes.pose.map_or_else(
                || measure::pose(&in_pixels),
                |p| Pose {
                    roll: p.roll,
                    yaw: p.yaw,
                    pitch: p.pitch,
                },
            ),
            quality: attributes.quality.map_or_else(
                || measure::quality(image, &box_pixels),
                |q| Quality {
                    brightness: q.brightness,
                    sharpness: q.sharpness,
                },
            ),
            side_pixels: box_pixels.width.min(box_pixels.height),
            identity: Some(Identity::Declared {
                person: self.person.as_str().into(),
                similarity: self.similarity.unwrap_or(99.0),
            }),
            emotions: None,
            age_gender: None,
            declared: Some(self.attributes.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(toml: &str) -> Result<DeclaredFaces> {
        DeclaredFaces::from_file(toml::from_str(toml)?)
    }

    const ANN: &str = r#"
        similarity = 98.5
        [[images]]
        sha256 = "AB00000000000000000000000000000000000000000000000000000000000000"
        [[images.faces]]
        person = "ann"
        box = { left = 0.1, top = 0.2, width = 0.3, height = 0.4 }
        attributes = { gender = "Female", emotions = { HAPPY = 90.0 } }
        [[images]]
        s3 = "s3://photos/ann.jpg"
        [[images.faces]]
        person = "ann"
        similarity = 91.0
        box = { left = 0.5, top = 0.5, width = 0.2, height = 0.2 }
    "#;

    #[test]
    fn images_are_found_by_digest_or_by_s3_uri() {
        let declared = parse(ANN).unwrap();
        assert_eq!(declared.len(), 2);
        let by_digest = ImageSource {
            bytes: Vec::new(),
            sha256: format!("ab{}", "0".repeat(62)),
            s3_uri: None,
        };
        let faces = declared.lookup(&by_digest).unwrap();
        assert_eq!(faces[0].similarity, Some(98.5));
        let by_uri = ImageSource {
            s3_uri: Some("s3://photos/ann.jpg".into()),
            sha256: "other".into(),
            ..by_digest
        };
        assert_eq!(declared.lookup(&by_uri).unwrap()[0].similarity, Some(91.0));
    }

    #[test]
    fn mistakes_are_named() {
        let refused = |text: &str| format!("{:#}", parse(text).unwrap_err());
        assert!(refused("[[images]]\nsha256 = \"12\"").contains("64 hexadecimal"));
        assert!(refused("[[images]]").contains("exactly one of sha256 and s3"));
        let bad_emotion = ANN.replace("HAPPY", "GLEEFUL");
        assert!(
            refused(&bad_emotion).contains("unknown emotion"),
            "{}",
            refused(&bad_emotion)
        );
        assert!(refused(&ANN.replace("Female", "f")).contains("gender"));
        assert!(refused("similarity = 120.0").contains("between 0 and 100"));
        assert!(refused("colour = 1").contains("unknown field"));
    }

    #[test]
    fn a_declared_face_is_placed_and_identified() {
        let declared = parse(ANN).unwrap();
        let image = Image::new(200, 100, vec![90; 200 * 100 * 3]).unwrap();
        let source = ImageSource {
            bytes: Vec::new(),
            sha256: format!("ab{}", "0".repeat(62)),
            s3_uri: None,
        };
        let found = declared.lookup(&source).unwrap()[0].found(&image);
        assert_eq!(found.bounding_box.width, 0.3);
        assert!(found.pose.roll.abs() < 0.01);
        assert!((found.quality.brightness - 35.3).abs() < 0.1);
        assert_eq!(
            found.identity,
            Some(Identity::Declared {
                person: "ann".into(),
                similarity: 98.5
            })
        );
    }
}
