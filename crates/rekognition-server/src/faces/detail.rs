//! What the face operations answer about a found face: `FaceDetail` with the attributes asked
//! for, `ComparedFace`, the landmarks (the five the detector gives, or all thirty with `ALL`),
//! and the quality filter's reasons.
//!
//! Computed by a network: box, confidence and five landmarks (RetinaFace), emotions (face-api's
//! expression classifier), and from them smile (the happy score) and mouth open (the surprised
//! score), age range and gender (dlib's age predictor and gender classifier). Measured: pose
//! (landmark geometry), brightness and sharpness (pixels). Derived: the other 25 landmarks,
//! placed from the five by the proportions of a mean face. Declared or documented defaults (no
//! network for them ships): glasses, sunglasses, beard, mustache, eyes open, occlusion and eye
//! direction (the head's direction), each at confidence 50 unless declared.

use rekognition_faces::Emotion as Expression;
use rekognition_server_sdk::model::{
    AgeRange, Attribute, Beard, BoundingBox, ComparedFace, Emotion, EmotionName, EyeDirection,
    EyeOpen, Eyeglasses, FaceDetail, FaceOccluded, Gender, GenderType, ImageQuality, Landmark,
    LandmarkType, MouthOpen, Mustache, Pose, QualityFilter, Reason, Smile, Sunglasses,
};

use super::{Analysis, FoundFace};
use crate::store::Ratios;

/// Which attributes a request asks for (`DEFAULT` always).
#[derive(Debug, Clone, Default)]
pub struct Attributes {
    all: bool,
    wanted: Vec<Attribute>,
}

impl Attributes {
    /// `DetectionAttributes` or `Attributes` of a request; absent or empty is `DEFAULT`.
    pub fn new(requested: Option<&[Attribute]>) -> Self {
        let wanted = requested.unwrap_or_default().to_vec();
        Self {
            all: wanted.contains(&Attribute::All),
            wanted,
        }
    }

    fn wants(&self, attribute: Attribute) -> bool {
        self.all || self.wanted.contains(&attribute)
    }

    /// Whether the age and gender networks must run.
    pub fn needs_age_gender(&self) -> bool {
        self.wants(Attribute::AgeRange) || self.wants(Attribute::Gender)
    }

    /// Whether the expression network must run.
    pub fn needs_emotions(&self) -> bool {
        [Attribute::Emotions, Attribute::Smile, Attribute::MouthOpen]
            .into_iter()
            .any(|a| self.wants(a))
    }
}

/// A box as the model answers it.
pub fn bounding_box(ratios: Ratios) -> BoundingBox {
    BoundingBox {
        width: Some(ratios.width),
        height: Some(ratios.height),
        left: Some(ratios.left),
        top: Some(ratios.top),
    }
}

fn pose(face: &FoundFace) -> Pose {
    Pose {
        roll: Some(face.pose.roll),
        yaw: Some(face.pose.yaw),
        pitch: Some(face.pose.pitch),
    }
}

fn quality(face: &FoundFace) -> ImageQuality {
    ImageQuality {
        brightness: Some(face.quality.brightness),
        sharpness: Some(face.quality.sharpness),
    }
}

/// `CompareFaces`' view of a face: box, confidence, pose, quality and the five landmarks.
pub fn compared_face(face: &FoundFace, analysis: &Analysis) -> ComparedFace {
    ComparedFace {
        bounding_box: Some(bounding_box(face.bounding_box)),
        confidence: Some(face.confidence),
        landmarks: Some(landmarks(face, analysis, false)),
        pose: Some(pose(face)),
        quality: Some(quality(face)),
        emotions: None,
        smile: None,
    }
}

/// A face's `FaceDetail` with the attributes asked for.
pub fn face_detail(face: &FoundFace, analysis: &Analysis, attributes: &Attributes) -> FaceDetail {
    let declared = face.declared.clone().unwrap_or_default();
    let flag = |attribute: Attribute, declared: Option<bool>, fallback: bool| {
        attributes.wants(attribute).then_some(match declared {
            Some(value) => (value, 99.0),
            None => (fallback, 50.0),
        })
    };
    let score = |expression: Expression| {
        face.emotions.and_then(|scores| {
            scores
                .iter()
                .find(|(e, _)| *e == expression)
                .map(|(_, p)| *p)
        })
    };
    let from_score = |attribute: Attribute, declared: Option<bool>, p: Option<f32>| {
        attributes.wants(attribute).then(|| match (declared, p) {
            (Some(value), _) => (value, 99.0),
            (None, Some(p)) => (p >= 0.5, 100.0 * p.max(1.0 - p)),
            (None, None) => (false, 50.0),
        })
    };
    FaceDetail {
        bounding_box: Some(bounding_box(face.bounding_box)),
        age_range: attributes
            .wants(Attribute::AgeRange)
            .then(|| age_range(declared.age_range, face.age_gender.map(|(age, _)| age))),
        smile: from_score(Attribute::Smile, declared.smile, score(Expression::Happy)).map(
            |(value, confidence)| Smile {
                value,
                confidence: Some(confidence),
            },
        ),
        eyeglasses: flag(Attribute::Eyeglasses, declared.eyeglasses, false).map(
            |(value, confidence)| Eyeglasses {
                value,
                confidence: Some(confidence),
            },
        ),
        sunglasses: flag(Attribute::Sunglasses, declared.sunglasses, false).map(
            |(value, confidence)| Sunglasses {
                value,
                confidence: Some(confidence),
            },
        ),
        gender: attributes.wants(Attribute::Gender).then(|| {
            gender(
                declared.gender.as_deref(),
                face.age_gender.map(|(_, male)| male),
            )
        }),
        beard: flag(Attribute::Beard, declared.beard, false).map(|(value, confidence)| Beard {
            value,
            confidence: Some(confidence),
        }),
        mustache: flag(Attribute::Mustache, declared.mustache, false).map(|(value, confidence)| {
            Mustache {
                value,
                confidence: Some(confidence),
            }
        }),
        eyes_open: flag(Attribute::EyesOpen, declared.eyes_open, true).map(
            |(value, confidence)| EyeOpen {
                value,
                confidence: Some(confidence),
            },
        ),
        mouth_open: from_score(
            Attribute::MouthOpen,
            declared.mouth_open,
            score(Expression::Surprised),
        )
        .map(|(value, confidence)| MouthOpen {
            value,
            confidence: Some(confidence),
        }),
        emotions: attributes
            .wants(Attribute::Emotions)
            .then(|| emotions(face, declared.emotions.as_ref())),
        landmarks: Some(landmarks(face, analysis, attributes.all)),
        pose: Some(pose(face)),
        quality: Some(quality(face)),
        confidence: Some(face.confidence),
        face_occluded: flag(Attribute::FaceOccluded, declared.face_occluded, false).map(
            |(value, confidence)| FaceOccluded {
                value,
                confidence: Some(confidence),
            },
        ),
        eye_direction: attributes
            .wants(Attribute::EyeDirection)
            .then_some(EyeDirection {
                yaw: Some(face.pose.yaw),
                pitch: Some(face.pose.pitch),
                confidence: Some(50.0),
            }),
    }
}

/// The age range: declared, else the age network's expected age give or take its spread (at
/// least three years each way), else (no estimate) 25 to 35.
fn age_range(
    declared: Option<[i32; 2]>,
    estimate: Option<rekognition_faces::AgeEstimate>,
) -> AgeRange {
    let [low, high] = match (declared, estimate) {
        (Some(range), _) => range,
        (None, Some(age)) => {
            let margin = age.spread.max(3.0);
            [
                (age.years - margin).floor().max(0.0) as i32,
                (age.years + margin).ceil() as i32,
            ]
        }
        (None, None) => [25, 35],
    };
    AgeRange {
        low: Some(low),
        high: Some(high),
    }
}

/// The gender: declared, else the gender network's call with its probability, else `Male` at
/// confidence 50.
fn gender(declared: Option<&str>, male: Option<f32>) -> Gender {
    let (value, confidence) = match (declared, male) {
        (Some("Female"), _) => (GenderType::Female, 99.0),
        (Some(_), _) => (GenderType::Male, 99.0),
        (None, Some(p)) if p >= 0.5 => (GenderType::Male, 100.0 * p),
        (None, Some(p)) => (GenderType::Female, 100.0 * (1.0 - p)),
        (None, None) => (GenderType::Male, 50.0),
    };
    Gender {
        value: Some(value),
        confidence: Some(confidence),
    }
}

/// Rekognition's eight named emotions (not `UNKNOWN`), most confident first: declared, else the
/// expression network's seven (`CONFUSED` has no class of its own and scores 0).
fn emotions(
    face: &FoundFace,
    declared: Option<&std::collections::BTreeMap<String, f32>>,
) -> Vec<Emotion> {
    let named = [
        (EmotionName::Happy, "HAPPY", Some(Expression::Happy)),
        (EmotionName::Sad, "SAD", Some(Expression::Sad)),
        (EmotionName::Angry, "ANGRY", Some(Expression::Angry)),
        (EmotionName::Confused, "CONFUSED", None),
        (
            EmotionName::Disgusted,
            "DISGUSTED",
            Some(Expression::Disgusted),
        ),
        (
            EmotionName::Surprised,
            "SURPRISED",
            Some(Expression::Surprised),
        ),
        (EmotionName::Calm, "CALM", Some(Expression::Calm)),
        (EmotionName::Fear, "FEAR", Some(Expression::Fear)),
    ];
    let mut emotions: Vec<(EmotionName, f32)> = named
        .into_iter()
        .map(|(name, key, expression)| {
            let confidence = match declared {
                Some(declared) => declared.get(key).copied().unwrap_or(0.0),
                None => expression
                    .and_then(|e| {
                        face.emotions?
                            .iter()
                            .find(|(x, _)| *x == e)
                            .map(|(_, p)| p * 100.0)
                    })
                    .unwrap_or(0.0),
            };
            (name, confidence)
        })
        .collect();
    emotions.sort_by(|a, b| b.1.total_cmp(&a.1));
    emotions
        .into_iter()
        .map(|(name, confidence)| Emotion {
            r#type: Some(name),
            confidence: Some(confidence),
        })
        .collect()
}

/// Offsets of the derived landmarks from an anchor, in eye distances along the eye line (`u`)
/// and across it, downwards (`v`).
const DERIVED: [(LandmarkType, Anchor, f32, f32); 25] = [
    (LandmarkType::LeftEyeBrowLeft, Anchor::EyeLeft, -0.30, -0.28),
    (LandmarkType::LeftEyeBrowRight, Anchor::EyeLeft, 0.22, -0.30),
    (LandmarkType::LeftEyeBrowUp, Anchor::EyeLeft, -0.04, -0.38),
    (
        LandmarkType::RightEyeBrowLeft,
        Anchor::EyeRight,
        -0.22,
        -0.30,
    ),
    (
        LandmarkType::RightEyeBrowRight,
        Anchor::EyeRight,
        0.30,
        -0.28,
    ),
    (LandmarkType::RightEyeBrowUp, Anchor::EyeRight, 0.04, -0.38),
    (LandmarkType::LeftEyeLeft, Anchor::EyeLeft, -0.18, 0.0),
    (LandmarkType::LeftEyeRight, Anchor::EyeLeft, 0.18, 0.0),
    (LandmarkType::LeftEyeUp, Anchor::EyeLeft, 0.0, -0.07),
    (LandmarkType::LeftEyeDown, Anchor::EyeLeft, 0.0, 0.07),
    (LandmarkType::RightEyeLeft, Anchor::EyeRight, -0.18, 0.0),
    (LandmarkType::RightEyeRight, Anchor::EyeRight, 0.18, 0.0),
    (LandmarkType::RightEyeUp, Anchor::EyeRight, 0.0, -0.07),
    (LandmarkType::RightEyeDown, Anchor::EyeRight, 0.0, 0.07),
    (LandmarkType::NoseLeft, Anchor::Nose, -0.18, -0.04),
    (LandmarkType::NoseRight, Anchor::Nose, 0.18, -0.04),
    (LandmarkType::MouthUp, Anchor::Mouth, 0.0, -0.10),
    (LandmarkType::MouthDown, Anchor::Mouth, 0.0, 0.12),
    (LandmarkType::LeftPupil, Anchor::EyeLeft, 0.0, 0.0),
    (LandmarkType::RightPupil, Anchor::EyeRight, 0.0, 0.0),
    (LandmarkType::UpperJawlineLeft, Anchor::Eyes, -0.95, 0.10),
    (LandmarkType::MidJawlineLeft, Anchor::Eyes, -0.80, 0.75),
    (LandmarkType::ChinBottom, Anchor::Mouth, 0.0, 0.55),
    (LandmarkType::MidJawlineRight, Anchor::Eyes, 0.80, 0.75),
    (LandmarkType::UpperJawlineRight, Anchor::Eyes, 0.95, 0.10),
];

#[derive(Debug, Clone, Copy)]
enum Anchor {
    EyeLeft,
    EyeRight,
    Nose,
    Mouth,
    Eyes,
}

/// The five landmarks (`eyeLeft`, `eyeRight`, `nose`, `mouthLeft`, `mouthRight`), or with
/// `all` the thirty in the order Rekognition lists them.
fn landmarks(face: &FoundFace, analysis: &Analysis, all: bool) -> Vec<Landmark> {
    let mark = |kind: LandmarkType, (x, y): (f32, f32)| Landmark {
        r#type: Some(kind),
        x: Some(x),
        y: Some(y),
    };
    let [eye_left, eye_right, nose, mouth_left, mouth_right] = face.landmarks;
    if !all {
        return vec![
            mark(LandmarkType::EyeLeft, eye_left),
            mark(LandmarkType::EyeRight, eye_right),
            mark(LandmarkType::Nose, nose),
            mark(LandmarkType::MouthLeft, mouth_left),
            mark(LandmarkType::MouthRight, mouth_right),
        ];
    }
    // Geometry in pixels, so that the offsets keep a face's proportions in any image shape.
    let (w, h) = (analysis.width as f32, analysis.height as f32);
    let px = |(x, y): (f32, f32)| (x * w, y * h);
    let (left, right) = (px(eye_left), px(eye_right));
    let between = ((right.0 - left.0).powi(2) + (right.1 - left.1).powi(2))
        .sqrt()
        .max(1.0);
    let u = ((right.0 - left.0) / between, (right.1 - left.1) / between);
    let v = (-u.1, u.0);
    let mid = |a: (f32, f32), b: (f32, f32)| ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
    let anchor = |anchor: Anchor| match anchor {
        Anchor::EyeLeft => left,
        Anchor::EyeRight => right,
        Anchor::Nose => px(nose),
        Anchor::Mouth => mid(px(mouth_left), px(mouth_right)),
        Anchor::Eyes => mid(left, right),
    };
    let mut marks = vec![
        mark(LandmarkType::EyeLeft, eye_left),
        mark(LandmarkType::EyeRight, eye_right),
        mark(LandmarkType::MouthLeft, mouth_left),
        mark(LandmarkType::MouthRight, mouth_right),
        mark(LandmarkType::Nose, nose),
    ];
    marks.extend(DERIVED.iter().map(|&(kind, from, du, dv)| {
        let (x, y) = anchor(from);
        let x = x + between * (du * u.0 + dv * v.0);
        let y = y + between * (du * u.1 + dv * v.1);
        mark(kind, (x / w, y / h))
    }));
    marks
}

/// How strict the quality filter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// No filtering.
    None,
    /// Only the worst faces go.
    Low,
    /// `AUTO` and `MEDIUM`.
    Medium,
    /// Only good faces stay.
    High,
}

impl Filter {
    /// The request's `QualityFilter`, or `default` without one.
    pub fn new(requested: Option<QualityFilter>, default: Filter) -> Self {
        match requested {
            None => default,
            Some(QualityFilter::None) => Filter::None,
            Some(QualityFilter::Low) => Filter::Low,
            Some(QualityFilter::Auto | QualityFilter::Medium) => Filter::Medium,
            Some(QualityFilter::High) => Filter::High,
        }
    }
}

/// Why the quality filter removes a face (empty: it stays). Thresholds per level: detector
/// confidence under 50, 80, 95; a yaw or pitch beyond 75, 60, 45 degrees; brightness under 5,
/// 15, 25; sharpness under 3, 8, 15; and at every level a box whose smaller side is under 40
/// pixels in a 1920 × 1080 image, growing in proportion for larger images.
pub fn filter_reasons(face: &FoundFace, filter: Filter, analysis: &Analysis) -> Vec<Reason> {
    let (confidence, angle, brightness, sharpness) = match filter {
        Filter::None => return Vec::new(),
        Filter::Low => (50.0, 75.0, 5.0, 3.0),
        Filter::Medium => (80.0, 60.0, 15.0, 8.0),
        Filter::High => (95.0, 45.0, 25.0, 15.0),
    };
    let scale = (analysis.width as f32 / 1920.0)
        .max(analysis.height as f32 / 1080.0)
        .max(1.0);
    let mut reasons = Vec::new();
    if face.side_pixels < 40.0 * scale {
        reasons.push(Reason::SmallBoundingBox);
    }
    if face.confidence < confidence {
        reasons.push(Reason::LowConfidence);
    }
    if face.pose.yaw.abs() > angle || face.pose.pitch.abs() > angle {
        reasons.push(Reason::ExtremePose);
    }
    if face.quality.brightness < brightness {
        reasons.push(Reason::LowBrightness);
    }
    if face.quality.sharpness < sharpness {
        reasons.push(Reason::LowSharpness);
    }
    reasons
}
