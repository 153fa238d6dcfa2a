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
    check_image_data(bytes, width, height)?;
    let rgb = super::without_panics("PNG", || decode_pixels(bytes, width, height))?;
    super::upright(width, height, rgb, Orientation::Upright, ImageFormat::Png)
}

/// The pixels as RGB, row by row from the `png` crate.
fn decode_pixels(bytes: &[u8], width: u32, height: u32) -> Result<Vec<u8>, DecodeError> {
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
    Ok(rgb)
}

/// Width and height from the IHDR chunk, which must come first and match its checksum (so a
/// corrupt header is an invalid file, not a wrong size).
fn read_ihdr(bytes: &[u8]) -> Result<(u32, u32), DecodeError> {
    let Some(chunk) = bytes.get(8..33) else {
        return Err(DecodeError::invalid("the file ends inside the IHDR chunk"));
    };
    let (checked, crc) = chunk[4..].split_at(17);
    if chunk[..4] != [0, 0, 0, 13] || &checked[..4] != b"IHDR" {
        return Err(DecodeError::invalid(
            "the file does not start with an IHDR chunk",
        ));
    }
    if crc32fast::hash(checked).to_be_bytes() != crc {
        return Err(DecodeError::invalid(
            "the IHDR chunk's checksum does not match",
        ));
    }
    let number = |at: usize| {
        u32::from_be_bytes([
            checked[at],
            checked[at + 1],
            checked[at + 2],
            checked[at + 3],
        ])
    };
    Ok((number(4), number(8)))
}

/// Deflate turns at most 2 bits into 258 bytes, so compressed data is at least this fraction
/// of what it holds.
const MAX_DEFLATE_RATIO: u64 = 258 * 8 / 2;

/// Refuses a file whose IDAT chunks are too short to hold the pixels IHDR declares, before
/// the result is allocated: a few hundred bytes may declare a 10,000 × 10,000 image, but not
/// hold one. Walks the chunk headers only; a chunk running past the end is a cut file.
fn check_image_data(bytes: &[u8], width: u32, height: u32) -> Result<(), DecodeError> {
    // IHDR's colour type and bit depth give the bits a pixel; a bad pair is the decoder's to
    // report, and counts as one bit here.
    let bits_per_pixel = match bytes.get(24..26) {
        Some(&[depth, color]) => {
            let samples = match color {
                2 => 3,
                4 => 2,
                6 => 4,
                _ => 1,
            };
            u64::from(depth.max(1)) * samples
        }
        _ => 1,
    };
    let pixel_bytes = (u64::from(width) * bits_per_pixel).div_ceil(8) * u64::from(height);
    let mut image_data = 0u64;
    let mut at = 33;
    while let Some(&[l0, l1, l2, l3, t0, t1, t2, t3]) = bytes.get(at..at + 8) {
        let length = u32::from_be_bytes([l0, l1, l2, l3]) as usize;
        match &[t0, t1, t2, t3] {
            b"IDAT" => image_data += length as u64,
            b"IEND" => break,
            _ => {}
        }
        at = at.saturating_add(12).saturating_add(length);
        if at > bytes.len() {
            return Err(DecodeError::invalid(
                "a chunk runs past the end of the file",
            ));
        }
    }
    if (image_data + 1) * MAX_DEFLATE_RATIO < pixel_bytes {
        return Err(DecodeError::invalid(format_args!(
            "{image_data} bytes of image data cannot hold {pixel_bytes} bytes of pixels"
        )));
    }
    Ok(())
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
    fn image_data_must_be_able_to_hold_the_pixels() {
        let chunk = |kind: &[u8; 4], len: usize| {
            let mut out = (len as u32).to_be_bytes().to_vec();
            out.extend(kind);
            out.extend(vec![0; len + 4]);
            out
        };
        let mut bytes = vec![0; 24];
        bytes.extend([8, 2]);
        bytes.resize(33, 0);
        bytes.extend(chunk(b"IDAT", 100));
        bytes.extend(chunk(b"tEXt", 5000));
        bytes.extend(chunk(b"IDAT", 116));
        let end = bytes.len();
        bytes.extend(chunk(b"IEND", 0));
        // 217 × 1032 bytes hold 74,648 RGB pixels at most.
        assert!(check_image_data(&bytes, 74_648, 1).is_ok());
        assert!(check_image_data(&bytes, 1, 74_649).is_err());
        assert!(check_image_data(&bytes[..end], 100, 100).is_ok());
        assert!(check_image_data(&bytes[..end - 1], 100, 100).is_err());
    }

    #[test]
    fn ihdr_must_come_first_and_match_its_checksum() {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x4e\x20\0\0\x4e\x20".to_vec();
        bytes.extend([8, 2, 0, 0, 0]);
        bytes.extend(crc32fast::hash(&bytes[12..]).to_be_bytes());
        assert_eq!(read_ihdr(&bytes), Ok((20_000, 20_000)));
        for at in 8..bytes.len() {
            let mut corrupt = bytes.clone();
            corrupt[at] ^= 0x40;
            assert!(read_ihdr(&corrupt).is_err(), "byte {at}");
        }
        for end in 0..bytes.len() {
            assert!(read_ihdr(&bytes[..end]).is_err());
        }
    }
}
