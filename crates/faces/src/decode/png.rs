//! PNG: the dimensions read from IHDR at its fixed place, then the `png` crate's rows, each
//! turned into RGB as it arrives, so the only image-sized buffer is the result.

use std::io::Cursor;

use ::png::{BitDepth, ColorType, InterlaceInfo, Transformations};

use super::{DecodeError, DecodeLimits, Decoded, ImageFormat, Orientation, check_dimensions};

/// What the `png` crate may allocate besides the result: a few rows and the ancillary chunks
/// it keeps (palette, transparency). Text and ICC profiles are skipped unread.
const PNG_DECODER_BYTES: usize = 16 << 20;

/// Decodes a PNG (its signature already checked) into RGB.
pub(super) fn decode(bytes: &[u8], limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
    let (width, height) = read_ihdr(bytes)?;
    check_dimensions(width, height, limits)?;
    let mut decoder = ::png::Decoder::new_with_limits(
        Cursor::new(bytes),
        ::png::Limits {
            bytes: PNG_DECODER_BYTES,
        },
    );
    // Palettes to RGB, bit depths under 8 to 8, tRNS to alpha; 16-bit stays for rounding here.
    decoder.set_transformations(Transformations::EXPAND);
    decoder.set_ignore_text_chunk(true);
    decoder.set_ignore_iccp_chunk(true);
    let mut reader = decoder.read_info().map_err(DecodeError::invalid)?;
    if reader.info().size() != (width, height) {
        return Err(DecodeError::invalid("the decoder read other dimensions"));
    }
    let layout = Layout::of(reader.output_color_type())?;
    let stride = width as usize * 3;
    let mut rgb = vec![0; stride * height as usize];
    let mut pass_row = Vec::new();
    let mut next_line = 0;
    while let Some(row) = reader.next_interlaced_row().map_err(DecodeError::invalid)? {
        match row.interlace() {
            InterlaceInfo::Null(_) => {
                let line = rgb
                    .get_mut(next_line * stride..(next_line + 1) * stride)
                    .ok_or_else(|| DecodeError::invalid("more rows than the header declares"))?;
                layout.to_rgb(row.data(), line);
                next_line += 1;
            }
            InterlaceInfo::Adam7(pass) => {
                pass_row.resize(row.data().len() / layout.bytes_per_pixel * 3, 0);
                layout.to_rgb(row.data(), &mut pass_row);
                ::png::expand_interlaced_row(&mut rgb, stride, &pass_row, pass, 24);
            }
        }
    }
    // The rest of the file, to IEND, with its checksums: a cut file is refused.
    reader.finish().map_err(DecodeError::invalid)?;
    super::upright(width, height, rgb, Orientation::Upright, ImageFormat::Png)
}

/// Width and height from the IHDR chunk, which must come first.
fn read_ihdr(bytes: &[u8]) -> Result<(u32, u32), DecodeError> {
    match bytes.get(8..24) {
        Some(
            &[
                0,
                0,
                0,
                13,
                b'I',
                b'H',
                b'D',
                b'R',
                w0,
                w1,
                w2,
                w3,
                h0,
                h1,
                h2,
                h3,
            ],
        ) => Ok((
            u32::from_be_bytes([w0, w1, w2, w3]),
            u32::from_be_bytes([h0, h1, h2, h3]),
        )),
        _ => Err(DecodeError::invalid(
            "the file does not start with an IHDR chunk",
        )),
    }
}

/// The shape of a decoded row's pixels.
#[derive(Debug, Clone, Copy)]
struct Layout {
    /// 1 (grey), 2 (grey, alpha), 3 (RGB) or 4 (RGBA).
    channels: usize,
    sixteen_bit: bool,
    bytes_per_pixel: usize,
}

impl Layout {
    fn of((color, depth): (ColorType, BitDepth)) -> Result<Layout, DecodeError> {
        let channels = match color {
            ColorType::Grayscale => 1,
            ColorType::GrayscaleAlpha => 2,
            ColorType::Rgb => 3,
            ColorType::Rgba => 4,
            ColorType::Indexed => return Err(DecodeError::invalid("the palette was not expanded")),
        };
        let sixteen_bit = match depth {
            BitDepth::Eight => false,
            BitDepth::Sixteen => true,
            _ => return Err(DecodeError::invalid("the bit depth was not expanded")),
        };
        Ok(Layout {
            channels,
            sixteen_bit,
            bytes_per_pixel: channels * if sixteen_bit { 2 } else { 1 },
        })
    }

    /// Writes `row`'s pixels to `out` as RGB: grey to all three channels, alpha dropped, 16-bit
    /// samples rounded to the nearest 8-bit value (as the `image` crate does).
    fn to_rgb(self, row: &[u8], out: &mut [u8]) {
        let sample = |pixel: &[u8], channel: usize| {
            if self.sixteen_bit {
                let value = u16::from_be_bytes([pixel[2 * channel], pixel[2 * channel + 1]]);
                ((u32::from(value) + 128) / 257) as u8
            } else {
                pixel[channel]
            }
        };
        let pixels = row.chunks_exact(self.bytes_per_pixel);
        for (pixel, rgb) in pixels.zip(out.chunks_exact_mut(3)) {
            if self.channels < 3 {
                rgb.fill(sample(pixel, 0));
            } else {
                rgb.iter_mut()
                    .enumerate()
                    .for_each(|(channel, value)| *value = sample(pixel, channel));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_bit_samples_round_to_the_nearest_byte() {
        let layout = Layout::of((ColorType::Rgb, BitDepth::Sixteen)).unwrap();
        let row = [0x00, 0x00, 0x00, 0x80, 0xFF, 0xFF];
        let mut out = [0; 3];
        layout.to_rgb(&row, &mut out);
        assert_eq!(out, [0, 0, 255]);
        let grey_alpha = Layout::of((ColorType::GrayscaleAlpha, BitDepth::Eight)).unwrap();
        let mut out = [0; 6];
        grey_alpha.to_rgb(&[7, 255, 9, 0], &mut out);
        assert_eq!(out, [7, 7, 7, 9, 9, 9]);
    }

    #[test]
    fn ihdr_must_come_first() {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x4e\x20\0\0\x4e\x20".to_vec();
        assert_eq!(read_ihdr(&bytes), Ok((20_000, 20_000)));
        bytes[15] = b'X';
        assert!(read_ihdr(&bytes).is_err());
        assert!(read_ihdr(&bytes[..20]).is_err());
    }
}
