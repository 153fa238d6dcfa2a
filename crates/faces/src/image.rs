//! The RGB image the API takes, and the two ways the networks read it: an area-averaging
//! downscale into the detector's planar input, and an affine warp with supersampled bilinear
//! reads for the aligned face chips.

use crate::Error;

/// An 8-bit RGB image, row-major, three bytes a pixel, no padding between rows.
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Image({}×{})", self.width, self.height)
    }
}

impl Image {
    /// Wraps `width × height` RGB pixels; `rgb` must hold exactly `3 · width · height` bytes.
    pub fn new(width: u32, height: u32, rgb: Vec<u8>) -> Result<Image, Error> {
        let expected = 3 * width as usize * height as usize;
        if width == 0 || height == 0 {
            return Err(Error::EmptyImage);
        }
        if rgb.len() != expected {
            return Err(Error::ImageSize {
                width,
                height,
                expected,
                actual: rgb.len(),
            });
        }
        Ok(Image { width, height, rgb })
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The pixels, `[r, g, b]` per pixel, row by row.
    pub fn rgb(&self) -> &[u8] {
        &self.rgb
    }

    /// The image shrunk by area averaging to `out_w × out_h` (no larger than the image), as
    /// planar channels in the order `order` (indices into RGB), each minus `mean`.
    pub(crate) fn planar_resized(
        &self,
        out_w: usize,
        out_h: usize,
        order: [usize; 3],
        mean: [f32; 3],
    ) -> Vec<f32> {
        let (width, height) = (self.width as usize, self.height as usize);
        let columns = area_weights(width, out_w);
        let rows = area_weights(height, out_h);
        let plane = out_w * out_h;
        let mut out = vec![0.0; 3 * plane];
        let mut resampled = vec![0.0f32; 3 * out_w];
        let mut accumulated = vec![0.0f32; 3 * out_w];
        for (oy, row_weights) in rows.iter().enumerate() {
            accumulated.fill(0.0);
            for &(iy, wy) in row_weights {
                let source = &self.rgb[iy * width * 3..(iy + 1) * width * 3];
                resampled.fill(0.0);
                for (ox, column_weights) in columns.iter().enumerate() {
                    for &(ix, wx) in column_weights {
                        for c in 0..3 {
                            resampled[ox * 3 + c] += wx * f32::from(source[ix * 3 + c]);
                        }
                    }
                }
                accumulated
                    .iter_mut()
                    .zip(&resampled)
                    .for_each(|(a, &r)| *a += wy * r);
            }
            for (ox, pixel) in accumulated.chunks_exact(3).enumerate() {
                for (plane_index, &channel) in order.iter().enumerate() {
                    out[plane_index * plane + oy * out_w + ox] = pixel[channel] - mean[plane_index];
                }
            }
        }
        out
    }

    /// RGB at a real-valued position (pixel centres at integers), bilinear, black outside.
    fn bilinear(&self, x: f32, y: f32) -> [f32; 3] {
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let mut sum = [0.0; 3];
        for (dy, wy) in [(0, 1.0 - fy), (1, fy)] {
            for (dx, wx) in [(0, 1.0 - fx), (1, fx)] {
                let (px, py) = (x0 as i64 + dx, y0 as i64 + dy);
                if px < 0 || py < 0 || px >= i64::from(self.width) || py >= i64::from(self.height) {
                    continue;
                }
                let at = (py as usize * self.width as usize + px as usize) * 3;
                for (total, &value) in sum.iter_mut().zip(&self.rgb[at..at + 3]) {
                    *total += wx * wy * f32::from(value);
                }
            }
        }
        sum
    }

    /// A `size × size` RGB chip, planar, 0..255: chip pixel `(u, v)` shows image point
    /// `warp.apply(u, v)`. Where one chip pixel covers several image pixels it averages an
    /// `n × n` grid of bilinear reads, so a large face is not aliased on the way down.
    pub(crate) fn warped_chip(&self, warp: &Affine, size: usize) -> Vec<f32> {
        let footprint = warp.scale().max(1.0);
        let grid = (footprint.ceil() as usize).min(8);
        let offsets: Vec<f32> = (0..grid)
            .map(|i| (i as f32 + 0.5) / grid as f32 - 0.5)
            .collect();
        let weight = 1.0 / (grid * grid) as f32;
        let plane = size * size;
        let mut out = vec![0.0; 3 * plane];
        for v in 0..size {
            for u in 0..size {
                let mut sum = [0.0; 3];
                for &dv in &offsets {
                    for &du in &offsets {
                        let (x, y) = warp.apply(u as f32 + du, v as f32 + dv);
                        let rgb = self.bilinear(x, y);
                        (0..3).for_each(|c| sum[c] += rgb[c]);
                    }
                }
                for c in 0..3 {
                    out[c * plane + v * size + u] = sum[c] * weight;
                }
            }
        }
        out
    }
}

/// For each output index, the input indices it covers and their weights (summing to one),
/// when `input` pixels shrink to `output` pixels of equal total length.
fn area_weights(input: usize, output: usize) -> Vec<Vec<(usize, f32)>> {
    let ratio = input as f64 / output as f64;
    (0..output)
        .map(|o| {
            let (start, end) = (o as f64 * ratio, ((o + 1) as f64 * ratio).min(input as f64));
            let mut weights = Vec::new();
            let mut i = start.floor() as usize;
            while (i as f64) < end && i < input {
                let overlap = (end.min(i as f64 + 1.0) - start.max(i as f64)) / (end - start);
                if overlap > 0.0 {
                    weights.push((i, overlap as f32));
                }
                i += 1;
            }
            weights
        })
        .collect()
}

/// `(x, y) ↦ (a·x − b·y + tx, b·x + a·y + ty)`: a rotation, a uniform scale and a shift.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Affine {
    pub(crate) a: f32,
    pub(crate) b: f32,
    pub(crate) tx: f32,
    pub(crate) ty: f32,
}

impl Affine {
    pub(crate) fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        (
            self.a * x - self.b * y + self.tx,
            self.b * x + self.a * y + self.ty,
        )
    }

    /// How much the map stretches lengths.
    pub(crate) fn scale(&self) -> f32 {
        self.a.hypot(self.b)
    }

    /// The least-squares similarity taking each `from` point to its `to` point (Umeyama's
    /// closed form without reflection).
    pub(crate) fn fit(from: &[(f32, f32)], to: &[(f32, f32)]) -> Affine {
        let n = from.len() as f32;
        let mean = |points: &[(f32, f32)]| {
            let (sx, sy) = points
                .iter()
                .fold((0.0, 0.0), |(sx, sy), &(x, y)| (sx + x, sy + y));
            (sx / n, sy / n)
        };
        let ((fx, fy), (tx, ty)) = (mean(from), mean(to));
        let (mut dot, mut cross, mut norm) = (0.0, 0.0, 0.0);
        for (&(x, y), &(u, v)) in from.iter().zip(to) {
            let (x, y, u, v) = (x - fx, y - fy, u - tx, v - ty);
            dot += x * u + y * v;
            cross += x * v - y * u;
            norm += x * x + y * y;
        }
        let (a, b) = if norm > 0.0 {
            (dot / norm, cross / norm)
        } else {
            (1.0, 0.0)
        };
        Affine {
            a,
            b,
            tx: tx - (a * fx - b * fy),
            ty: ty - (b * fx + a * fy),
        }
    }

    /// The inverse map.
    pub(crate) fn inverse(&self) -> Affine {
        let d = self.a * self.a + self.b * self.b;
        let (a, b) = (self.a / d, -self.b / d);
        Affine {
            a,
            b,
            tx: -(a * self.tx - b * self.ty),
            ty: -(b * self.tx + a * self.ty),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fitted_similarity_recovers_a_known_one() {
        let truth = Affine {
            a: 0.8,
            b: -0.3,
            tx: 12.0,
            ty: -4.0,
        };
        let from = [
            (10.0, 20.0),
            (50.0, 22.0),
            (30.0, 40.0),
            (15.0, 60.0),
            (45.0, 61.0),
        ];
        let to: Vec<_> = from.iter().map(|&(x, y)| truth.apply(x, y)).collect();
        let fitted = Affine::fit(&from, &to);
        for (got, want) in [
            (fitted.a, 0.8),
            (fitted.b, -0.3),
            (fitted.tx, 12.0),
            (fitted.ty, -4.0),
        ] {
            assert!((got - want).abs() < 1e-4, "{fitted:?}");
        }
        let round_trip = fitted.inverse();
        let (x, y) = round_trip.apply(to[2].0, to[2].1);
        assert!((x - 30.0).abs() < 1e-3 && (y - 40.0).abs() < 1e-3);
    }

    #[test]
    fn area_weights_cover_each_output_once() {
        for (input, output) in [(10, 3), (1137, 1024), (5, 5), (7, 1)] {
            let weights = area_weights(input, output);
            let mut per_input = vec![0.0f32; input];
            for column in &weights {
                let total: f32 = column.iter().map(|&(_, w)| w).sum();
                assert!((total - 1.0).abs() < 1e-5);
                column.iter().for_each(|&(i, w)| per_input[i] += w);
            }
            let expected = output as f32 / input as f32;
            assert!(
                per_input.iter().all(|&w| (w - expected).abs() < 1e-4),
                "{input}->{output}"
            );
        }
    }

    #[test]
    fn images_of_the_wrong_size_are_refused() {
        assert!(matches!(
            Image::new(2, 2, vec![0; 11]),
            Err(Error::ImageSize { expected: 12, .. })
        ));
        assert!(matches!(Image::new(0, 2, vec![]), Err(Error::EmptyImage)));
    }
}
