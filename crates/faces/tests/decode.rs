//! `decode` against the `image` crate on PNGs of every colour type and bit depth, interlaced
//! or not, on JPEGs of every kind the encoder writes, and on EXIF orientations; and on hostile
//! input, where each kind of bad file must get its own typed error and nothing may panic.
//! With `FACE_TEST_IMAGES` set (see `images.rs`), also on face_recognition's photos.

mod support;

use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageReader, RgbImage};
use png::{BitDepth, ColorType};
use rekognition_faces::{DecodeError, DecodeLimits, Decoded, ImageFormat, Orientation, decode};
use support::JpegKind;

/// Any size goes: for tests about pixels rather than limits.
const ANY_SIZE: DecodeLimits = DecodeLimits {
    min_dimension: 1,
    ..DecodeLimits::REKOGNITION
};

fn decoded(bytes: &[u8]) -> Decoded {
    decode(bytes, &DecodeLimits::default()).unwrap_or_else(|error| panic!("{error}"))
}

/// What the `image` crate makes of the bytes, turned upright by the EXIF orientation it reads
/// (for JPEG only: Rekognition reads no orientation from PNG).
fn oracle(bytes: &[u8]) -> RgbImage {
    let reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .unwrap();
    let is_jpeg = reader.format() == Some(image::ImageFormat::Jpeg);
    let mut decoder = reader.into_decoder().unwrap();
    let orientation = decoder.orientation().unwrap();
    let mut image = DynamicImage::from_decoder(decoder).unwrap();
    if is_jpeg {
        image.apply_orientation(orientation);
    }
    image.to_rgb8()
}

/// Mean absolute difference per channel between the decoded image and the oracle's.
fn mean_difference(decoded: &Decoded, oracle: &RgbImage) -> f64 {
    let image = &decoded.image;
    assert_eq!(
        (image.width(), image.height()),
        oracle.dimensions(),
        "sizes differ"
    );
    let total: u64 = image
        .rgb()
        .iter()
        .zip(oracle.as_raw())
        .map(|(&a, &b)| u64::from(a.abs_diff(b)))
        .sum();
    total as f64 / image.rgb().len() as f64
}

/// Every legal (colour type, bit depth) pair with its samples, palette and transparency.
fn png_variants(width: u32, height: u32) -> Vec<(String, Vec<u8>)> {
    let mut variants = Vec::new();
    let pairs = [
        (ColorType::Grayscale, &[1, 2, 4, 8, 16][..]),
        (ColorType::Rgb, &[8, 16]),
        (ColorType::Indexed, &[1, 2, 4, 8]),
        (ColorType::GrayscaleAlpha, &[8, 16]),
        (ColorType::Rgba, &[8, 16]),
    ];
    for (color, depths) in pairs {
        for &bits in depths {
            let depth = BitDepth::from_u8(bits).unwrap();
            let len = support::row_bytes(width, color, depth) * height as usize;
            let samples = support::picture(len as u32, 1, 1, u64::from(bits));
            let entries = 1usize << bits.min(8);
            let palette = support::noise(3 * entries, 7);
            let name = format!("{color:?} {bits}-bit");
            let indexed = color == ColorType::Indexed;
            let palette = indexed.then_some(&palette[..]);
            variants.push((
                name.clone(),
                support::png_file(width, height, color, depth, &samples, palette, None),
            ));
            // tRNS: a grey level or an RGB colour, or alpha for the first palette entries.
            let trns = match color {
                ColorType::Grayscale => Some(vec![0, 1]),
                ColorType::Rgb => Some(vec![0, 1, 0, 2, 0, 3]),
                ColorType::Indexed => Some(vec![0, 128]),
                _ => None,
            };
            if let Some(trns) = trns {
                variants.push((
                    format!("{name} with tRNS"),
                    support::png_file(width, height, color, depth, &samples, palette, Some(&trns)),
                ));
            }
        }
    }
    variants
}

#[test]
fn every_png_colour_type_and_bit_depth_decodes_as_the_image_crate_does() {
    for (name, bytes) in png_variants(83, 81) {
        let decoded = decoded(&bytes);
        assert_eq!(decoded.format, ImageFormat::Png, "{name}");
        assert_eq!(decoded.orientation, Orientation::Upright, "{name}");
        assert_eq!(
            decoded.image.rgb(),
            oracle(&bytes).as_raw().as_slice(),
            "{name}"
        );
    }
}

#[test]
fn interlaced_pngs_decode_as_the_image_crate_does() {
    // (colour type code, bytes a pixel, bit depth), byte-aligned pixels only: Adam7 with
    // smaller pixels is the same code path once the png crate has unpacked them.
    let kinds = [
        (0, 1, 8),
        (2, 3, 8),
        (3, 1, 8),
        (4, 4, 16),
        (6, 8, 16),
        (2, 6, 16),
    ];
    for (width, height) in [(83, 81), (80, 97), (1, 1), (9, 2)] {
        for (color, pixel_bytes, depth) in kinds {
            let pixels = support::picture(width, height, pixel_bytes, 3);
            let filtered = support::adam7(width, height, pixel_bytes, &pixels);
            let mut bytes = support::png_by_hand(width, height, depth, color, true, &filtered);
            if color == 3 {
                // A palette of all 256 entries, put before IDAT.
                let plte = support::png_chunk(b"PLTE", &support::noise(768, 5));
                let at = 8 + 25;
                bytes.splice(at..at, plte);
            }
            let decoded = decode(&bytes, &ANY_SIZE).unwrap();
            let name = format!("{width}x{height} colour type {color} {depth}-bit");
            assert_eq!(
                decoded.image.rgb(),
                oracle(&bytes).as_raw().as_slice(),
                "{name}"
            );
            // Read as a non-interlaced image, the same bytes are another picture (once the
            // image is larger than Adam7's first pass, which is all a 1×1 image has).
            let flat = support::png_by_hand(width, height, depth, color, false, &filtered);
            if width > 8 {
                assert_ne!(decode(&flat, &ANY_SIZE).ok(), Some(decoded), "{name}");
            }
        }
    }
}

#[test]
fn jpegs_of_every_kind_decode_as_the_image_crate_does() {
    for kind in JpegKind::ALL {
        for (width, height) in [(97, 83), (80, 80), (129, 250)] {
            let bytes = support::jpeg_file(width, height, kind, 11);
            let decoded = decoded(&bytes);
            assert_eq!(decoded.format, ImageFormat::Jpeg);
            let difference = mean_difference(&decoded, &oracle(&bytes));
            assert!(difference < 2.0, "{kind:?} {width}x{height}: {difference}");
        }
    }
    // And one from the image crate's own encoder.
    let picture = support::picture(100, 90, 3, 2);
    let rgb = RgbImage::from_raw(100, 90, picture).unwrap();
    let mut bytes = Vec::new();
    rgb.write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    assert!(mean_difference(&decoded(&bytes), &oracle(&bytes)) < 2.0);
}

#[test]
fn exif_orientations_turn_the_image_upright() {
    let plain = support::jpeg_file(96, 84, JpegKind::Baseline420, 4);
    let stored = decoded(&plain).image;
    for big_endian in [false, true] {
        for value in 1..=8 {
            let bytes = support::with_app1(&plain, &support::exif_orientation(value, big_endian));
            let decoded = decoded(&bytes);
            let orientation = Orientation::from_exif(value).unwrap();
            assert_eq!(decoded.orientation, orientation);
            let (width, height) = if orientation.swaps_sides() {
                (84, 96)
            } else {
                (96, 84)
            };
            assert_eq!(
                (decoded.image.width(), decoded.image.height()),
                (width, height)
            );
            assert_eq!(mean_difference(&decoded, &oracle(&bytes)), 0.0, "{value}");
            if value == 1 {
                assert_eq!(decoded.image, stored);
            }
        }
    }
}

#[test]
fn odd_exif_blocks_are_ignored() {
    let plain = support::jpeg_file(96, 84, JpegKind::Baseline420, 4);
    let stored = decoded(&plain).image;
    let good = support::exif_orientation(6, false);
    let mut outside = good.clone();
    // The directory offset points far past the segment.
    outside[10..14].copy_from_slice(&0x00FF_0000u32.to_le_bytes());
    let mut many_entries = good.clone();
    many_entries[14..16].copy_from_slice(&u16::MAX.to_le_bytes());
    many_entries[16..18].copy_from_slice(&0x9999u16.to_le_bytes());
    many_entries[28..30].copy_from_slice(&0x9999u16.to_le_bytes());
    let odd: Vec<(&str, Vec<u8>)> = vec![
        ("orientation 0", support::exif_orientation(0, false)),
        ("orientation 9", support::exif_orientation(9, true)),
        (
            "orientation 65535",
            support::exif_orientation(65_535, false),
        ),
        ("cut inside the directory", good[..20].to_vec()),
        ("cut inside the value", good[..36].to_vec()),
        ("only the Exif header", b"Exif\0\0".to_vec()),
        ("a directory outside the segment", outside),
        ("65535 entries running off the end", many_entries),
        ("not TIFF", b"Exif\0\0XX*\0\x08\0\0\0".to_vec()),
    ];
    for (name, payload) in odd {
        let decoded = decoded(&support::with_app1(&plain, &payload));
        assert_eq!(decoded.orientation, Orientation::Upright, "{name}");
        assert_eq!(decoded.image, stored, "{name}");
    }
    // The first EXIF block counts; a later one is not read.
    let mut two = support::with_app1(&plain, &support::exif_orientation(3, false));
    two = support::with_app1(&two, &support::exif_orientation(8, false));
    assert_eq!(decoded(&two).orientation, Orientation::Rotate270);
    // An APP1 segment whose declared length runs past the end is a cut file.
    let mut cut = support::with_app1(&plain, &good);
    cut.truncate(30);
    assert!(matches!(
        decode(&cut, &ANY_SIZE),
        Err(DecodeError::InvalidFormat { .. })
    ));
}

fn is_invalid(result: &Result<Decoded, DecodeError>) -> bool {
    matches!(result, Err(DecodeError::InvalidFormat { .. }))
}

#[test]
fn other_formats_and_scraps_are_invalid() {
    let mut scraps: Vec<(String, Vec<u8>)> = vec![
        ("empty".into(), vec![]),
        ("one byte".into(), vec![0xFF]),
        ("JPEG signature only".into(), vec![0xFF, 0xD8, 0xFF]),
        ("PNG signature only".into(), b"\x89PNG\r\n\x1a\n".to_vec()),
        (
            "wrong magic".into(),
            b"\xFF\xD9\xFF\xE0\0\x10JFIF\0".to_vec(),
        ),
        (
            "PNG signature, lower case".into(),
            b"\x89png\r\n\x1a\n".to_vec(),
        ),
    ];
    for (name, bytes) in support::other_formats() {
        scraps.push((name.into(), bytes));
    }
    for (name, bytes) in scraps {
        assert!(is_invalid(&decode(&bytes, &ANY_SIZE)), "{name}");
    }
}

#[test]
fn cut_files_are_invalid_at_every_offset() {
    let png = support::png_file(
        90,
        90,
        ColorType::Rgb,
        BitDepth::Eight,
        &support::picture(90, 90, 3, 1),
        None,
        None,
    );
    let jpegs = [
        support::jpeg_file(90, 90, JpegKind::Baseline420, 1),
        support::jpeg_file(90, 90, JpegKind::Progressive, 1),
        support::jpeg_file(90, 90, JpegKind::Restarts, 1),
    ];
    for bytes in jpegs.iter().chain([&png]) {
        assert!(decode(bytes, &ANY_SIZE).is_ok());
        for end in 0..bytes.len() {
            let result = decode(&bytes[..end], &ANY_SIZE);
            assert!(
                is_invalid(&result),
                "cut at {end} of {} ({:?}): {:?}",
                bytes.len(),
                ImageFormat::sniff(bytes),
                result.map(|d| d.image)
            );
        }
    }
}

#[test]
fn corrupt_bytes_in_the_middle_never_panic() {
    // PNG carries checksums: every flipped byte after the signature is caught.
    let png = support::png_file(
        81,
        81,
        ColorType::Rgba,
        BitDepth::Eight,
        &support::picture(81, 81, 4, 9),
        None,
        None,
    );
    for at in (8..png.len()).step_by(7) {
        let mut bytes = png.clone();
        bytes[at] ^= 0x5A;
        assert!(is_invalid(&decode(&bytes, &ANY_SIZE)), "byte {at}");
    }
    // JPEG does not: a flipped byte in the scan may still decode, to other pixels. Count both.
    let jpeg = support::jpeg_file(81, 81, JpegKind::Progressive, 9);
    let (mut refused, mut decoded) = (0, 0);
    for at in (3..jpeg.len()).step_by(3) {
        let mut bytes = jpeg.clone();
        bytes[at] ^= 0x5A;
        match decode(&bytes, &ANY_SIZE) {
            Ok(image) => {
                assert_eq!(image.image.rgb().len(), 3 * 81 * 81);
                decoded += 1;
            }
            Err(DecodeError::InvalidFormat { .. }) => refused += 1,
            Err(other) => assert!(
                matches!(
                    other,
                    DecodeError::TooLarge { .. } | DecodeError::TooSmall { .. }
                ),
                "{other}"
            ),
        }
    }
    println!("corrupt JPEG: {refused} refused, {decoded} decoded to other pixels");
    assert!(refused > 0);
}

#[test]
fn sizes_outside_the_limits_are_refused_from_the_header() {
    let limits = DecodeLimits::default();
    let too_large = [
        ("PNG 20000x20000", support::png_bomb(20_000, 20_000)),
        ("PNG 10001x80", support::png_bomb(10_001, 80)),
        ("PNG 4294967295 wide", support::png_bomb(u32::MAX, 1)),
        ("JPEG 65500x65500", support::jpeg_bomb(65_500, 65_500)),
        ("JPEG 80x10001", support::jpeg_bomb(80, 10_001)),
    ];
    for (name, bytes) in too_large {
        assert!(
            matches!(decode(&bytes, &limits), Err(DecodeError::TooLarge { .. })),
            "{name}"
        );
    }
    let fewer_pixels = DecodeLimits {
        max_pixels: 100 * 100 - 1,
        ..limits
    };
    assert!(matches!(
        decode(
            &support::jpeg_file(100, 100, JpegKind::Baseline420, 0),
            &fewer_pixels
        ),
        Err(DecodeError::TooLarge {
            width: 100,
            height: 100,
            ..
        })
    ));
    let one_pixel_png = support::png_file(
        1,
        1,
        ColorType::Rgb,
        BitDepth::Eight,
        &[1, 2, 3],
        None,
        None,
    );
    let small = [
        ("1x1 PNG", one_pixel_png.clone()),
        (
            "1x1 JPEG",
            support::jpeg_file(1, 1, JpegKind::Baseline420, 0),
        ),
        (
            "79x200 JPEG",
            support::jpeg_file(79, 200, JpegKind::Greyscale, 0),
        ),
        ("200x79 PNG", support::png_bomb(200, 79)),
    ];
    for (name, bytes) in small {
        assert!(
            matches!(
                decode(&bytes, &limits),
                Err(DecodeError::TooSmall {
                    min_dimension: 80,
                    ..
                })
            ),
            "{name}"
        );
    }
    // Allowed any size, the 1x1 images decode.
    assert_eq!(
        decode(&one_pixel_png, &ANY_SIZE).unwrap().image.rgb(),
        [1, 2, 3]
    );
    let one_pixel_jpeg = support::jpeg_file(1, 1, JpegKind::Greyscale, 0);
    assert_eq!(decode(&one_pixel_jpeg, &ANY_SIZE).unwrap().image.width(), 1);
}

#[test]
fn bombs_within_the_limits_are_cut_files() {
    // The bombs declare more data than they hold: allowed their size, they are still invalid.
    let roomy = DecodeLimits {
        max_dimension: u32::MAX,
        max_pixels: 4_000 * 4_000,
        min_dimension: 1,
    };
    assert!(is_invalid(&decode(
        &support::png_bomb(4_000, 4_000),
        &roomy
    )));
    assert!(is_invalid(&decode(
        &support::jpeg_bomb(4_000, 4_000),
        &roomy
    )));
}

/// face_recognition's photos, as `images.rs` finds them.
#[test]
fn photos_decode_as_the_image_crate_does() {
    let Some(folder) = std::env::var_os("FACE_TEST_IMAGES") else {
        println!("note: FACE_TEST_IMAGES is not set, so the photos are not decoded");
        return;
    };
    let mut names: Vec<_> = std::fs::read_dir(Path::new(&folder))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    names.sort();
    let mut checked = 0;
    for path in names {
        let bytes = std::fs::read(&path).unwrap();
        if ImageFormat::sniff(&bytes).is_none() {
            continue;
        }
        let decoded = decoded(&bytes);
        let difference = mean_difference(&decoded, &oracle(&bytes));
        println!(
            "{}: {}x{} {:?} {:?}, mean difference {difference:.3}",
            path.display(),
            decoded.image.width(),
            decoded.image.height(),
            decoded.format,
            decoded.orientation
        );
        assert!(difference < 2.0, "{}", path.display());
        checked += 1;
    }
    assert!(
        checked >= 7,
        "only {checked} photos in {}",
        Path::new(&folder).display()
    );
}
