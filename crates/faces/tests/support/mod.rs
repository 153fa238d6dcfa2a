//! Image files made in code for the decoding tests (and the fuzz seeds): PNGs of every kind,
//! written with the `png` crate or chunk by chunk, JPEGs from `jpeg-encoder`, EXIF blocks, and
//! the hostile files (bombs, cut and corrupt copies, other formats' headers).

#![allow(dead_code, unreachable_pub)]

use jpeg_encoder::{ColorType as JpegColor, Encoder, SamplingFactor};
use png::{BitDepth, ColorType};

/// `len` pseudo-random bytes from `seed` (xorshift), the same on every run.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// A smooth picture with some noise, `channels` bytes a pixel: JPEG's worst case is pure
/// noise, and a face photo is mostly smooth.
pub fn picture(width: u32, height: u32, channels: usize, seed: u64) -> Vec<u8> {
    let grain = noise(width as usize * height as usize * channels, seed);
    let mut out = Vec::with_capacity(grain.len());
    for y in 0..height as usize {
        for x in 0..width as usize {
            for c in 0..channels {
                let wave = (x * (3 + c) + y * (5 + 2 * c)) % 256;
                let g = grain[(y * width as usize + x) * channels + c] / 8;
                out.push((wave as u8).wrapping_add(g));
            }
        }
    }
    out
}

/// A PNG written by the `png` crate. `samples` holds the packed scanlines (no filter bytes);
/// `palette` and `trns` are written when given.
pub fn png_file(
    width: u32,
    height: u32,
    color: ColorType,
    depth: BitDepth,
    samples: &[u8],
    palette: Option<&[u8]>,
    trns: Option<&[u8]>,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(color);
    encoder.set_depth(depth);
    if let Some(palette) = palette {
        encoder.set_palette(palette.to_vec());
    }
    if let Some(trns) = trns {
        encoder.set_trns(trns.to_vec());
    }
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(samples).unwrap();
    writer.finish().unwrap();
    out
}

/// Bytes of one packed scanline of `width` pixels.
pub fn row_bytes(width: u32, color: ColorType, depth: BitDepth) -> usize {
    (width as usize * color.samples() * depth as usize).div_ceil(8)
}

/// CRC-32 (IEEE), as PNG chunks carry it.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A zlib stream holding `data` in stored (uncompressed) deflate blocks.
pub fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = if data.is_empty() {
        vec![&[]]
    } else {
        data.chunks(65_535).collect()
    };
    for (index, block) in blocks.iter().enumerate() {
        out.push(u8::from(index + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend(len.to_le_bytes());
        out.extend((!len).to_le_bytes());
        out.extend(*block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend(((b << 16) | a).to_be_bytes());
    out
}

/// One PNG chunk: length, type, data, CRC.
pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend(kind);
    out.extend(data);
    let mut checked = kind.to_vec();
    checked.extend(data);
    out.extend(crc32(&checked).to_be_bytes());
    out
}

/// A PNG put together chunk by chunk: IHDR with the given fields, one IDAT holding `filtered`
/// (scanlines with their filter bytes) in stored deflate blocks, IEND.
pub fn png_by_hand(
    width: u32,
    height: u32,
    depth: u8,
    color: u8,
    interlaced: bool,
    filtered: &[u8],
) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([depth, color, 0, 0, u8::from(interlaced)]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    out.extend(png_chunk(b"IDAT", &zlib_stored(filtered)));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// The Adam7 passes of `width × height` pixels of `pixel_bytes` bytes each, as filtered
/// scanlines (filter 0) ready for [`png_by_hand`].
pub fn adam7(width: u32, height: u32, pixel_bytes: usize, pixels: &[u8]) -> Vec<u8> {
    const PASSES: [(usize, usize, usize, usize); 7] = [
        (0, 0, 8, 8),
        (4, 0, 8, 8),
        (0, 4, 4, 8),
        (2, 0, 4, 4),
        (0, 2, 2, 4),
        (1, 0, 2, 2),
        (0, 1, 1, 2),
    ];
    let (width, height) = (width as usize, height as usize);
    let mut out = Vec::new();
    for (x0, y0, dx, dy) in PASSES {
        if x0 >= width {
            continue;
        }
        for y in (y0..height).step_by(dy) {
            out.push(0);
            for x in (x0..width).step_by(dx) {
                let at = (y * width + x) * pixel_bytes;
                out.extend(&pixels[at..at + pixel_bytes]);
            }
        }
    }
    out
}

/// A PNG whose IHDR declares `width × height` RGB pixels and whose one IDAT holds a single
/// scanline: a decompression bomb as far as the header goes, a few hundred bytes on disk.
pub fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    png_by_hand(width, height, 8, 2, false, &[0; 64])
}

/// The kinds of JPEG the decoder is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JpegKind {
    /// Baseline, YCbCr 4:2:0.
    Baseline420,
    /// Baseline, YCbCr 4:4:4.
    Baseline444,
    /// Baseline with restart markers every MCU row or so.
    Restarts,
    /// Progressive, YCbCr 4:2:0.
    Progressive,
    /// One component.
    Greyscale,
    /// Progressive, one component.
    GreyscaleProgressive,
    /// Four components, Adobe CMYK.
    Cmyk,
    /// Four components, YCCK.
    Ycck,
}

impl JpegKind {
    /// Every kind.
    pub const ALL: [JpegKind; 8] = [
        JpegKind::Baseline420,
        JpegKind::Baseline444,
        JpegKind::Restarts,
        JpegKind::Progressive,
        JpegKind::Greyscale,
        JpegKind::GreyscaleProgressive,
        JpegKind::Cmyk,
        JpegKind::Ycck,
    ];
}

/// A JPEG of `kind` showing [`picture`] (quality 90).
pub fn jpeg_file(width: u16, height: u16, kind: JpegKind, seed: u64) -> Vec<u8> {
    let (color, channels) = match kind {
        JpegKind::Greyscale | JpegKind::GreyscaleProgressive => (JpegColor::Luma, 1),
        JpegKind::Cmyk => (JpegColor::Cmyk, 4),
        JpegKind::Ycck => (JpegColor::CmykAsYcck, 4),
        _ => (JpegColor::Rgb, 3),
    };
    let pixels = picture(u32::from(width), u32::from(height), channels, seed);
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, 90);
    match kind {
        JpegKind::Baseline444 => encoder.set_sampling_factor(SamplingFactor::R_4_4_4),
        JpegKind::Restarts => encoder.set_restart_interval(5),
        JpegKind::Progressive | JpegKind::GreyscaleProgressive => encoder.set_progressive(true),
        _ => encoder.set_sampling_factor(SamplingFactor::R_4_2_0),
    }
    encoder.encode(&pixels, width, height, color).unwrap();
    out
}

/// `jpeg` with an APP1 segment holding `payload` put right after SOI. The declared length is
/// the payload's, so a payload cut short is still a well-formed segment.
pub fn with_app1(jpeg: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((payload.len() + 2) as u16).to_be_bytes());
    out.extend(payload);
    out.extend(&jpeg[2..]);
    out
}

/// An APP1 EXIF payload (`Exif\0\0` then TIFF) whose first directory holds a Make tag and an
/// Orientation SHORT of `value`.
pub fn exif_orientation(value: u16, big_endian: bool) -> Vec<u8> {
    let u16b = |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let u32b = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut out = b"Exif\0\0".to_vec();
    out.extend(if big_endian { b"MM\0*" } else { b"II*\0" });
    out.extend(u32b(8));
    out.extend(u16b(2));
    // Make, ASCII, 4 bytes inline: "Cam\0".
    out.extend(u16b(0x010F));
    out.extend(u16b(2));
    out.extend(u32b(4));
    out.extend(b"Cam\0");
    out.extend(u16b(0x0112));
    out.extend(u16b(3));
    out.extend(u32b(1));
    out.extend(u16b(value));
    out.extend([0, 0]);
    out.extend(u32b(0));
    out
}

/// A JPEG header declaring `width × height` (SOI, DQT, SOF0, DHT, SOS) followed by a few bytes
/// of scan data and EOI: a bomb by its frame header, tiny on disk.
pub fn jpeg_bomb(width: u16, height: u16) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    let mut segment = |marker: u8, payload: &[u8]| {
        out.extend([0xFF, marker]);
        out.extend(((payload.len() + 2) as u16).to_be_bytes());
        out.extend(payload);
    };
    let mut dqt = vec![0];
    dqt.extend([1; 64]);
    segment(0xDB, &dqt);
    let mut sof = vec![8];
    sof.extend(height.to_be_bytes());
    sof.extend(width.to_be_bytes());
    sof.extend([1, 1, 0x11, 0]);
    segment(0xC0, &sof);
    // One DC and one AC table, each with a single one-bit code for symbol 0.
    let mut dht = vec![0x00, 1];
    dht.extend([0; 15]);
    dht.push(0);
    dht.extend([0x10, 1]);
    dht.extend([0; 15]);
    dht.push(0);
    segment(0xC4, &dht);
    segment(0xDA, &[1, 1, 0x00, 0, 63, 0]);
    out.extend([0; 16]);
    out.extend([0xFF, 0xD9]);
    out
}

/// Headers of formats Rekognition does not read, each a complete enough start of a file.
pub fn other_formats() -> Vec<(&'static str, Vec<u8>)> {
    let mut gif = b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff".to_vec();
    gif.extend(b",\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;");
    let mut bmp = b"BM".to_vec();
    bmp.extend(58u32.to_le_bytes());
    bmp.extend([
        0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0,
    ]);
    bmp.extend([0; 24]);
    bmp.extend([0, 0, 255, 0]);
    let mut webp = b"RIFF".to_vec();
    webp.extend(26u32.to_le_bytes());
    webp.extend(b"WEBPVP8L");
    webp.extend(14u32.to_le_bytes());
    webp.extend([
        0x2F, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xFE, 0x07, 0,
    ]);
    vec![
        ("GIF", gif),
        ("BMP", bmp),
        ("WebP", webp),
        ("TIFF", b"II*\0\x08\0\0\0\0\0".to_vec()),
        (
            "text",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(),
        ),
    ]
}
