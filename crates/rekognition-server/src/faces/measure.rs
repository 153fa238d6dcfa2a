//! Measures of a found face that no network gives: its pose, estimated from the geometry of
//! the five landmarks, and its brightness and sharpness, computed from the pixels in its box.

use rekognition_faces::{BoundingBox, Image, Landmarks, Point};

/// A face's pose, in degrees (-180..180).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Pose {
    /// In-plane rotation: positive when the image-right eye is lower than the image-left one.
    pub roll: f32,
    /// Turn about the vertical axis: positive when the nose points to the image's right.
    pub yaw: f32,
    /// Tilt about the horizontal axis: positive when the face looks up.
    pub pitch: f32,
}

/// A face's image quality (0–100, higher is brighter or sharper).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Quality {
    /// Mean luminance of the face box.
    pub brightness: f32,
    /// Strength of the fine detail in the face box.
    pub sharpness: f32,
}

/// Nose depth in front of the eyes, as a share of the distance between the eyes, of a mean
/// face: how far the nose moves sideways, relative to the eyes, as the head turns.
const NOSE_DEPTH: f32 = 0.55;

/// Where the nose sits between the eye line (0) and the mouth line (1) on a frontal face: from
/// the mean face the recogniser's chips are aligned to.
const FRONTAL_NOSE_HEIGHT: f32 = 0.531;

/// Eye-to-mouth distance over nose depth, of the same mean face.
const MOUTH_OVER_DEPTH: f32 = 1.94;

/// The pose the landmarks imply: roll from the eye line, yaw from the nose's offset from the
/// eyes' midpoint, pitch from the nose's height between the eye and mouth lines.
pub(super) fn pose(landmarks: &Landmarks) -> Pose {
    let (left, right) = (landmarks.eye_left, landmarks.eye_right);
    let roll = (right.y - left.y).atan2(right.x - left.x);
    let between = ((right.x - left.x).powi(2) + (right.y - left.y).powi(2)).sqrt();
    if between < f32::EPSILON {
        return Pose::default();
    }
    let centre = Point {
        x: (left.x + right.x) / 2.0,
        y: (left.y + right.y) / 2.0,
    };
    // Undo the roll, so the eye line is horizontal.
    let (sin, cos) = (-roll).sin_cos();
    let upright = |p: Point| {
        let (x, y) = (p.x - centre.x, p.y - centre.y);
        (x * cos - y * sin, x * sin + y * cos)
    };
    let (nose_x, nose_y) = upright(landmarks.nose);
    let (_, mouth_left_y) = upright(landmarks.mouth_left);
    let (_, mouth_right_y) = upright(landmarks.mouth_right);
    let mouth_y = (mouth_left_y + mouth_right_y) / 2.0;
    let yaw = (nose_x / between / NOSE_DEPTH).atan();
    let pitch = if mouth_y > f32::EPSILON {
        ((FRONTAL_NOSE_HEIGHT - nose_y / mouth_y) * MOUTH_OVER_DEPTH).atan()
    } else {
        0.0
    };
    Pose {
        roll: roll.to_degrees(),
        yaw: yaw.to_degrees(),
        pitch: pitch.to_degrees(),
    }
}

/// The side of the grid the face box is sampled on for sharpness.
const GRID: usize = 64;

/// Laplacian variance at which sharpness is 63 (1 − 1/e of the scale): the face_recognition
/// test photos, sharp studio and press shots, measure 1,600 to 3,600, so 65 to 91.
const SHARPNESS_SCALE: f32 = 1500.0;

/// Brightness and sharpness of the face box (clipped to the image): mean luminance, and the
/// variance of the Laplacian of the luminance sampled on a 64 × 64 grid.
pub(super) fn quality(image: &Image, face: &BoundingBox) -> Quality {
    let (width, height) = (image.width() as usize, image.height() as usize);
    let left = face.left.max(0.0) as usize;
    let top = face.top.max(0.0) as usize;
    let right = ((face.left + face.width).max(0.0) as usize).min(width);
    let bottom = ((face.top + face.height).max(0.0) as usize).min(height);
    if right <= left || bottom <= top {
        return Quality::default();
    }
    let rgb = image.rgb();
    let luma = |x: usize, y: usize| {
        let i = (y * width + x) * 3;
        0.299 * f32::from(rgb[i]) + 0.587 * f32::from(rgb[i + 1]) + 0.114 * f32::from(rgb[i + 2])
    };
    let grid: Vec<f32> = (0..GRID * GRID)
        .map(|cell| {
            let x = left + (cell % GRID) * (right - left) / GRID;
            let y = top + (cell / GRID) * (bottom - top) / GRID;
            luma(x, y)
        })
        .collect();
    let brightness = grid.iter().sum::<f32>() / grid.len() as f32 / 255.0 * 100.0;
    let mut laplacians = Vec::with_capacity((GRID - 2) * (GRID - 2));
    for y in 1..GRID - 1 {
        for x in 1..GRID - 1 {
            let at = |dx: usize, dy: usize| grid[(y + dy - 1) * GRID + (x + dx - 1)];
            laplacians.push(at(0, 1) + at(2, 1) + at(1, 0) + at(1, 2) - 4.0 * at(1, 1));
        }
    }
    let mean = laplacians.iter().sum::<f32>() / laplacians.len() as f32;
    let variance =
        laplacians.iter().map(|l| (l - mean).powi(2)).sum::<f32>() / laplacians.len() as f32;
    Quality {
        brightness,
        sharpness: 100.0 * (1.0 - (-variance / SHARPNESS_SCALE).exp()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn landmarks(eyes: [(f32, f32); 2], nose: (f32, f32), mouth: [(f32, f32); 2]) -> Landmarks {
        let p = |(x, y): (f32, f32)| Point { x, y };
        Landmarks {
            eye_left: p(eyes[0]),
            eye_right: p(eyes[1]),
            nose: p(nose),
            mouth_left: p(mouth[0]),
            mouth_right: p(mouth[1]),
        }
    }

    #[test]
    fn the_mean_face_is_frontal_and_turns_show() {
        // The template the recogniser's chips are aligned to.
        let frontal = landmarks(
            [(47.55, 46.60), (100.48, 46.60)],
            (74.01, 76.56),
            [(50.41, 103.02), (97.61, 103.02)],
        );
        let pose = pose(&frontal);
        assert!(
            pose.roll.abs() < 0.5 && pose.yaw.abs() < 1.0 && pose.pitch.abs() < 1.0,
            "{pose:?}"
        );
        let turned = landmarks(
            [(47.55, 46.60), (100.48, 46.60)],
            (95.0, 76.56),
            [(50.41, 103.02), (97.61, 103.02)],
        );
        assert!(super::pose(&turned).yaw > 25.0);
        let tilted = landmarks(
            [(47.55, 46.60), (100.48, 66.60)],
            (84.0, 86.56),
            [(50.41, 113.02), (97.61, 123.02)],
        );
        assert!((super::pose(&tilted).roll - 20.7).abs() < 0.5);
    }

    #[test]
    fn flat_boxes_are_soft_and_stripes_are_sharp() {
        let flat = Image::new(100, 100, vec![200; 100 * 100 * 3]).unwrap();
        let face = BoundingBox {
            left: 10.0,
            top: 10.0,
            width: 80.0,
            height: 80.0,
        };
        let soft = quality(&flat, &face);
        assert!(
            (soft.brightness - 78.4).abs() < 0.1 && soft.sharpness < 0.01,
            "{soft:?}"
        );
        let stripes: Vec<u8> = (0..100 * 100)
            .flat_map(|i| if (i % 100) % 2 == 0 { [0; 3] } else { [255; 3] })
            .collect();
        let sharp = quality(&Image::new(100, 100, stripes).unwrap(), &face);
        assert!(sharp.sharpness > 99.0, "{sharp:?}");
    }
}
