//! RetinaFace around the network: the image shrunk to at most [`MAX_SIDE`] pixels and turned
//! into BGR minus the training means, then every anchor's box and landmark deltas decoded,
//! thresholded, and cut down by non-maximum suppression.

use crate::image::Image;
use crate::onnx::{Model, OnnxError, Tensor, bail};
use crate::{BoundingBox, DetectedFace, Landmarks, Point};

/// Longest side the detector sees; larger images are shrunk first (a 3.3 MP photo otherwise
/// costs seconds, and faces small enough to vanish at this size are rarely wanted).
pub(crate) const MAX_SIDE: usize = 1024;

/// Lowest face score kept. RetinaFace's own demo uses 0.9; the faces in the test photos score
/// ≥ 0.998, while the best non-face candidate there, and on gradient, flat and noise images,
/// stays below 0.1.
pub(crate) const MIN_SCORE: f32 = 0.9;

/// Overlap (intersection over union) above which the lower-scored of two boxes is dropped.
const NMS_IOU: f32 = 0.4;

/// Per pyramid level: the feature stride and the side of its two square anchors, in pixels.
const LEVELS: [(usize, [f32; 2]); 3] =
    [(8, [16.0, 32.0]), (16, [64.0, 128.0]), (32, [256.0, 512.0])];

/// The biubug6 RetinaFace training means, in BGR order.
const MEAN_BGR: [f32; 3] = [104.0, 117.0, 123.0];

/// Box and landmark deltas are scaled by these variances at training time.
const CENTRE_VARIANCE: f32 = 0.1;
const SIZE_VARIANCE: f32 = 0.2;

/// Detects faces: boxes and landmarks in `image`'s pixels, best first.
pub(crate) fn detect(model: &Model, image: &Image) -> Result<Vec<DetectedFace>, OnnxError> {
    let (width, height) = (image.width() as usize, image.height() as usize);
    let shrink = (MAX_SIDE as f64 / width.max(height) as f64).min(1.0);
    let in_w = ((width as f64 * shrink).round() as usize).max(1);
    let in_h = ((height as f64 * shrink).round() as usize).max(1);
    let planes = image.planar_resized(in_w, in_h, [2, 1, 0], MEAN_BGR);
    let outputs = model.run(vec![Tensor::f32(vec![1, 3, in_h, in_w], planes)?])?;
    let [loc, conf, landmarks] = &outputs[..] else {
        bail!("RetinaFace gave {} outputs, not 3", outputs.len());
    };
    let (loc, conf, landmarks) = (loc.as_f32()?, conf.as_f32()?, landmarks.as_f32()?);
    let anchors = anchors(in_w, in_h);
    if loc.len() != anchors.len() * 4
        || conf.len() != anchors.len() * 2
        || landmarks.len() != anchors.len() * 10
    {
        bail!(
            "RetinaFace outputs do not match {} anchors for {in_w}×{in_h}",
            anchors.len()
        );
    }
    let (scale_x, scale_y) = (width as f32 / in_w as f32, height as f32 / in_h as f32);
    let mut candidates: Vec<DetectedFace> = anchors
        .iter()
        .enumerate()
        .filter(|&(i, _)| conf[i * 2 + 1] >= MIN_SCORE)
        .map(|(i, anchor)| {
            let decoded = anchor.decode(&loc[i * 4..i * 4 + 4], &landmarks[i * 10..i * 10 + 10]);
            decoded.scaled(conf[i * 2 + 1], scale_x, scale_y)
        })
        .collect();
    candidates.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    Ok(non_maximum_suppression(candidates))
}

/// One anchor box: centre and side, in network-input pixels.
struct Anchor {
    cx: f32,
    cy: f32,
    side: f32,
}

/// A face decoded from one anchor, in network-input pixels.
struct Decoded {
    left: f32,
    top: f32,
    width: f32,
    height: f32,
    points: [(f32, f32); 5],
}

impl Anchor {
    fn decode(&self, loc: &[f32], landmarks: &[f32]) -> Decoded {
        let cx = self.cx + loc[0] * CENTRE_VARIANCE * self.side;
        let cy = self.cy + loc[1] * CENTRE_VARIANCE * self.side;
        let width = self.side * (loc[2] * SIZE_VARIANCE).exp();
        let height = self.side * (loc[3] * SIZE_VARIANCE).exp();
        let point = |k: usize| {
            (
                self.cx + landmarks[2 * k] * CENTRE_VARIANCE * self.side,
                self.cy + landmarks[2 * k + 1] * CENTRE_VARIANCE * self.side,
            )
        };
        Decoded {
            left: cx - width / 2.0,
            top: cy - height / 2.0,
            width,
            height,
            points: [point(0), point(1), point(2), point(3), point(4)],
        }
    }
}

impl Decoded {
    /// The face in the original image's pixels.
    fn scaled(&self, confidence: f32, sx: f32, sy: f32) -> DetectedFace {
        let point = |k: usize| Point {
            x: self.points[k].0 * sx,
            y: self.points[k].1 * sy,
        };
        DetectedFace {
            bounding_box: BoundingBox {
                left: self.left * sx,
                top: self.top * sy,
                width: self.width * sx,
                height: self.height * sy,
            },
            confidence,
            landmarks: Landmarks {
                eye_left: point(0),
                eye_right: point(1),
                nose: point(2),
                mouth_left: point(3),
                mouth_right: point(4),
            },
        }
    }
}

/// Every anchor in the network's output order: level by level, row by row, two sizes a cell.
fn anchors(width: usize, height: usize) -> Vec<Anchor> {
    let mut anchors = Vec::new();
    for (stride, sides) in LEVELS {
        for y in 0..height.div_ceil(stride) {
            for x in 0..width.div_ceil(stride) {
                for side in sides {
                    let (cx, cy) = (
                        (x as f32 + 0.5) * stride as f32,
                        (y as f32 + 0.5) * stride as f32,
                    );
                    anchors.push(Anchor { cx, cy, side });
                }
            }
        }
    }
    anchors
}

fn intersection_over_union(a: &BoundingBox, b: &BoundingBox) -> f32 {
    let w = (a.left + a.width).min(b.left + b.width) - a.left.max(b.left);
    let h = (a.top + a.height).min(b.top + b.height) - a.top.max(b.top);
    if w <= 0.0 || h <= 0.0 {
        return 0.0;
    }
    let intersection = w * h;
    intersection / (a.width * a.height + b.width * b.height - intersection)
}

/// Greedy NMS over faces sorted best first.
fn non_maximum_suppression(sorted: Vec<DetectedFace>) -> Vec<DetectedFace> {
    let mut kept: Vec<DetectedFace> = Vec::new();
    for face in sorted {
        if kept
            .iter()
            .all(|k| intersection_over_union(&k.bounding_box, &face.bounding_box) <= NMS_IOU)
        {
            kept.push(face);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_follow_the_feature_map_sizes() {
        // 72×40: levels of 9×5, 5×3 and 3×2 cells, two anchors each.
        assert_eq!(anchors(40, 72).len(), 2 * (45 + 15 + 6));
        let first = &anchors(40, 72)[0];
        assert_eq!((first.cx, first.cy, first.side), (4.0, 4.0, 16.0));
    }

    #[test]
    fn overlapping_boxes_keep_the_best() {
        let face = |left: f32, confidence: f32| DetectedFace {
            bounding_box: BoundingBox {
                left,
                top: 0.0,
                width: 10.0,
                height: 10.0,
            },
            confidence,
            landmarks: Landmarks::default(),
        };
        let kept =
            non_maximum_suppression(vec![face(0.0, 0.99), face(1.0, 0.98), face(20.0, 0.95)]);
        let lefts: Vec<f32> = kept.iter().map(|f| f.bounding_box.left).collect();
        assert_eq!(lefts, [0.0, 20.0]);
    }
}
