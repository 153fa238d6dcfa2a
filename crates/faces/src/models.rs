//! The network weights, embedded in the binary so that nothing is read or fetched at run time
//! (see `models/README.md` for where each file comes from).

/// RetinaFace with a MobileNet-0.25 backbone: N×3×H×W BGR minus (104, 117, 123) → loc, conf,
/// landmarks.
pub(crate) const RETINAFACE: &[u8] = include_bytes!("../models/retinaface_mnet025.onnx");

/// dlib's ResNet-29 face recogniser: N×3×150×150 RGB 0..255 aligned chip → N×128 descriptor.
pub(crate) const RESNET: &[u8] = include_bytes!("../models/dlib_resnet29.onnx");

/// face-api's expression classifier: N×3×112×112 RGB 0..255 face crop → N×7 probabilities.
pub(crate) const EXPRESSION: &[u8] = include_bytes!("../models/expression.onnx");

/// dlib's age predictor (Cydral): N×3×64×64 RGB chip (padding 0.2) minus the channel means, over
/// 256 → N×81 probabilities of the ages 0.25, 1, 2, …, 80.
pub(crate) const AGE: &[u8] = include_bytes!("../models/age-v1.onnx");

/// dlib's gender classifier (Cydral): N×3×32×32 RGB chip (padding 0.2), normalised as [`AGE`]'s
/// → N×2 probabilities of female and male.
pub(crate) const GENDER: &[u8] = include_bytes!("../models/gender-v1.onnx");
