//! Cutting faces out for the recogniser and the expression classifier: a 5-point similarity
//! alignment onto dlib's 150×150 chip, and a square crop of the box.

use crate::image::{Affine, Image};
use crate::onnx::Tensor;
use crate::{BoundingBox, Landmarks};

/// Side of dlib's face chip.
pub(crate) const CHIP: usize = 150;

/// Side of the expression classifier's input.
pub(crate) const CROP: usize = 112;

/// Where dlib's chip (size 150, padding 0.25) puts the eye centres, the nose tip and the mouth
/// corners, in the order of [`Landmarks`]. Derived from the mean face of dlib's 68-point shape
/// model: eye centres are the means of points 36–41 and 42–47, the nose point 30, the mouth
/// corners points 48 and 54, each mapped by `(p + 0.25) / 1.5 · 150`.
const TEMPLATE: [(f32, f32); 5] = [
    (47.55, 46.60),
    (100.48, 46.60),
    (74.01, 76.56),
    (50.41, 103.02),
    (97.61, 103.02),
];

/// Side of the age predictor's chip.
pub(crate) const AGE_CHIP: usize = 64;

/// Side of the gender classifier's chip.
pub(crate) const GENDER_CHIP: usize = 32;

/// The channel means the age and gender networks were trained with, subtracted before the
/// values are divided by 256.
const ATTRIBUTE_MEANS: [f32; 3] = [122.782, 117.001, 104.298];

fn tensor(planes: Vec<f32>, size: usize) -> Tensor {
    Tensor::f32(vec![1, 3, size, size], planes)
        .unwrap_or_else(|e| panic!("chip of the wrong size: {e}"))
}

/// The face aligned onto dlib's chip, as the recogniser's 1×3×150×150 RGB 0..255 input.
pub(crate) fn face_chip(image: &Image, landmarks: &Landmarks) -> Tensor {
    let points = [
        landmarks.eye_left,
        landmarks.eye_right,
        landmarks.nose,
        landmarks.mouth_left,
        landmarks.mouth_right,
    ];
    let from: Vec<(f32, f32)> = points.iter().map(|p| (p.x, p.y)).collect();
    let to_image = Affine::fit(&from, &TEMPLATE).inverse();
    tensor(image.warped_chip(&to_image, CHIP), CHIP)
}

/// The face aligned onto a dlib chip of side `size` with `padding` (a share of the face's width
/// on each side), as the age and gender networks take it: RGB minus their channel means, over
/// 256. dlib's mean face, placed in `TEMPLATE` for padding 0.25 at 150 pixels, is moved to the
/// requested padding and size.
pub(crate) fn attribute_chip(
    image: &Image,
    landmarks: &Landmarks,
    size: usize,
    padding: f32,
) -> Tensor {
    let template: Vec<(f32, f32)> = TEMPLATE
        .iter()
        .map(|&(x, y)| {
            let unpadded = |v: f32| v / CHIP as f32 * 1.5 - 0.25;
            let placed = |v: f32| (unpadded(v) + padding) / (1.0 + 2.0 * padding) * size as f32;
            (placed(x), placed(y))
        })
        .collect();
    let points = [
        landmarks.eye_left,
        landmarks.eye_right,
        landmarks.nose,
        landmarks.mouth_left,
        landmarks.mouth_right,
    ];
    let from: Vec<(f32, f32)> = points.iter().map(|p| (p.x, p.y)).collect();
    let to_image = Affine::fit(&from, &template).inverse();
    let mut planes = image.warped_chip(&to_image, size);
    let plane = size * size;
    for (channel, mean) in ATTRIBUTE_MEANS.iter().enumerate() {
        for value in &mut planes[channel * plane..(channel + 1) * plane] {
            *value = (*value - mean) / 256.0;
        }
    }
    tensor(planes, size)
}

/// The square around the box's centre whose side is the box's longer side, shrunk to 112×112.
pub(crate) fn expression_crop(image: &Image, face: &BoundingBox) -> Tensor {
    let side = face.width.max(face.height);
    let scale = side / CROP as f32;
    let (cx, cy) = (face.left + face.width / 2.0, face.top + face.height / 2.0);
    // Chip pixel u covers image x in [left + u·scale, left + (u+1)·scale); its centre is read.
    let to_image = Affine {
        a: scale,
        b: 0.0,
        tx: cx - side / 2.0 + scale / 2.0 - 0.5,
        ty: cy - side / 2.0 + scale / 2.0 - 0.5,
    };
    tensor(image.warped_chip(&to_image, CROP), CROP)
}
