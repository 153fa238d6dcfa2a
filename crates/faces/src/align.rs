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
