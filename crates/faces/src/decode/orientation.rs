//! The eight EXIF orientations, and turning stored pixels into the upright image each one
//! describes.

/// How the stored pixels were turned to make the upright image, one value per EXIF
/// Orientation tag value. Rotations are clockwise, as the picture is seen.
///
/// Rekognition reports none of this: its `OrientationCorrection` fields have been left out of
/// every answer since August 2021, and its boxes are in the upright frame, which is the frame
/// [`crate::decode`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Orientation {
    /// EXIF 1, or no orientation tag: the stored pixels are upright.
    #[default]
    Upright,
    /// EXIF 2: mirrored left to right.
    MirrorHorizontal,
    /// EXIF 3: rotated 180°.
    Rotate180,
    /// EXIF 4: mirrored top to bottom.
    MirrorVertical,
    /// EXIF 5: mirrored about the diagonal from the top-left corner (transposed).
    Transpose,
    /// EXIF 6: rotated 90° clockwise.
    Rotate90,
    /// EXIF 7: mirrored about the diagonal from the top-right corner (transversed).
    Transverse,
    /// EXIF 8: rotated 270° clockwise (90° counter-clockwise).
    Rotate270,
}

impl Orientation {
    /// The orientation an EXIF Orientation value stands for; `None` outside 1–8.
    pub fn from_exif(value: u16) -> Option<Orientation> {
        Some(match value {
            1 => Orientation::Upright,
            2 => Orientation::MirrorHorizontal,
            3 => Orientation::Rotate180,
            4 => Orientation::MirrorVertical,
            5 => Orientation::Transpose,
            6 => Orientation::Rotate90,
            7 => Orientation::Transverse,
            8 => Orientation::Rotate270,
            _ => return None,
        })
    }

    /// The EXIF Orientation value, 1–8.
    pub fn exif_value(self) -> u16 {
        match self {
            Orientation::Upright => 1,
            Orientation::MirrorHorizontal => 2,
            Orientation::Rotate180 => 3,
            Orientation::MirrorVertical => 4,
            Orientation::Transpose => 5,
            Orientation::Rotate90 => 6,
            Orientation::Transverse => 7,
            Orientation::Rotate270 => 8,
        }
    }

    /// Whether the upright image's width is the stored image's height.
    pub fn swaps_sides(self) -> bool {
        self.exif_value() >= 5
    }

    /// The upright image (width, height, RGB) from `width × height` stored RGB pixels. Mirrors
    /// and the half turn work in place; the other four need a second buffer.
    pub(super) fn apply(self, width: u32, height: u32, mut rgb: Vec<u8>) -> (u32, u32, Vec<u8>) {
        let row = width as usize * 3;
        match self {
            Orientation::Upright => {}
            Orientation::MirrorHorizontal => rgb.chunks_exact_mut(row).for_each(reverse_pixels),
            // Reversing every pixel of the whole image is the half turn.
            Orientation::Rotate180 => reverse_pixels(&mut rgb),
            Orientation::MirrorVertical => {
                let height = height as usize;
                for top in 0..height / 2 {
                    let (upper, lower) = rgb.split_at_mut((height - 1 - top) * row);
                    upper[top * row..(top + 1) * row].swap_with_slice(&mut lower[..row]);
                }
            }
            Orientation::Transpose
            | Orientation::Rotate90
            | Orientation::Transverse
            | Orientation::Rotate270 => {
                let turned = self.turned(width as usize, height as usize, &rgb);
                return (height, width, turned);
            }
        }
        (width, height, rgb)
    }

    /// The four orientations that swap the sides: upright pixel `(x', y')` is stored pixel
    /// `(y', x')`, with the stored column counted from the right for [`Orientation::Transverse`]
    /// and [`Orientation::Rotate270`], and the stored row from the bottom for
    /// [`Orientation::Rotate90`] and [`Orientation::Transverse`].
    fn turned(self, width: usize, height: usize, rgb: &[u8]) -> Vec<u8> {
        let column_from_right = matches!(self, Orientation::Transverse | Orientation::Rotate270);
        let row_from_bottom = matches!(self, Orientation::Rotate90 | Orientation::Transverse);
        let mut out = vec![0; rgb.len()];
        for (upright_y, out_row) in out.chunks_exact_mut(height * 3).enumerate() {
            let x = if column_from_right {
                width - 1 - upright_y
            } else {
                upright_y
            };
            for (upright_x, pixel) in out_row.chunks_exact_mut(3).enumerate() {
                let y = if row_from_bottom {
                    height - 1 - upright_x
                } else {
                    upright_x
                };
                let at = (y * width + x) * 3;
                pixel.copy_from_slice(&rgb[at..at + 3]);
            }
        }
        out
    }
}

/// Reverses the order of the RGB pixels in `pixels`, keeping each pixel's channel order.
fn reverse_pixels(pixels: &mut [u8]) {
    pixels.reverse();
    pixels.chunks_exact_mut(3).for_each(<[u8]>::reverse);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3×2 image whose pixel at (x, y) is `[x, y, 0]`, turned, drawn as `xy` pairs with rows
    /// split by `/`.
    fn turned(orientation: Orientation) -> String {
        let rgb: Vec<u8> = (0..2u8)
            .flat_map(|y| (0..3u8).flat_map(move |x| [x, y, 0]))
            .collect();
        let (width, _, out) = orientation.apply(3, 2, rgb);
        let rows: Vec<String> = out
            .chunks_exact(width as usize * 3)
            .map(|row| {
                let pixels: Vec<String> = row
                    .chunks_exact(3)
                    .map(|p| format!("{}{}", p[0], p[1]))
                    .collect();
                pixels.join(" ")
            })
            .collect();
        rows.join(" / ")
    }

    #[test]
    fn each_orientation_moves_the_pixels_as_exif_says() {
        use Orientation::*;
        let cases = [
            (Upright, "00 10 20 / 01 11 21"),
            (MirrorHorizontal, "20 10 00 / 21 11 01"),
            (Rotate180, "21 11 01 / 20 10 00"),
            (MirrorVertical, "01 11 21 / 00 10 20"),
            (Transpose, "00 01 / 10 11 / 20 21"),
            // The stored left column becomes the top row, its bottom pixel first.
            (Rotate90, "01 00 / 11 10 / 21 20"),
            (Transverse, "21 20 / 11 10 / 01 00"),
            (Rotate270, "20 21 / 10 11 / 00 01"),
        ];
        for (orientation, pixels) in cases {
            assert_eq!(turned(orientation), pixels, "{orientation:?}");
            assert_eq!(orientation.swaps_sides(), pixels.len() > 19);
        }
    }

    #[test]
    fn exif_values_round_trip_and_others_are_refused() {
        for value in 1..=8 {
            assert_eq!(Orientation::from_exif(value).unwrap().exif_value(), value);
        }
        for value in [0, 9, 255, 256, 65_535] {
            assert_eq!(Orientation::from_exif(value), None);
        }
    }
}
