//! Writes the seed inputs of the `image_decode` fuzz target to `fuzz/seeds/image_decode/`:
//! small valid JPEGs and PNGs of each kind (under Rekognition's 80-pixel minimum, so the
//! fuzzer's small limits decode their pixels), EXIF-rotated JPEGs, and hostile files.
//! Run `cargo run -p rekognition-faces --example image_decode_seeds` and commit the result.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;

use png::{BitDepth, ColorType};
use support::JpegKind;

fn main() -> std::io::Result<()> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/image_decode");
    std::fs::create_dir_all(&folder)?;
    let mut seeds: Vec<(String, Vec<u8>)> = Vec::new();
    for kind in JpegKind::ALL {
        seeds.push((
            format!("jpeg-{kind:?}"),
            support::jpeg_file(17, 13, kind, 1),
        ));
    }
    let plain = support::jpeg_file(16, 12, JpegKind::Baseline420, 2);
    for (value, big_endian) in [(6, false), (8, true), (3, false), (5, true), (9, false)] {
        let exif = support::exif_orientation(value, big_endian);
        seeds.push((
            format!("jpeg-exif-{value}"),
            support::with_app1(&plain, &exif),
        ));
    }
    let png_kinds = [
        (ColorType::Grayscale, BitDepth::One),
        (ColorType::Grayscale, BitDepth::Sixteen),
        (ColorType::Rgb, BitDepth::Eight),
        (ColorType::Indexed, BitDepth::Four),
        (ColorType::GrayscaleAlpha, BitDepth::Eight),
        (ColorType::Rgba, BitDepth::Sixteen),
    ];
    for (color, depth) in png_kinds {
        let (width, height) = (11, 9);
        let len = support::row_bytes(width, color, depth) * height as usize;
        let samples = support::picture(len as u32, 1, 1, 3);
        let palette = support::noise(48, 4);
        let palette = (color == ColorType::Indexed).then_some(&palette[..]);
        let trns = (color == ColorType::Indexed).then_some(&[0u8, 99][..]);
        seeds.push((
            format!("png-{color:?}-{}", depth as u8),
            support::png_file(width, height, color, depth, &samples, palette, trns),
        ));
    }
    let pixels = support::picture(10, 7, 3, 5);
    seeds.push((
        "png-adam7-rgb".into(),
        support::png_by_hand(10, 7, 8, 2, true, &support::adam7(10, 7, 3, &pixels)),
    ));
    seeds.push(("png-bomb-20000".into(), support::png_bomb(20_000, 20_000)));
    seeds.push(("jpeg-bomb-65500".into(), support::jpeg_bomb(65_500, 65_500)));
    let cut = support::jpeg_file(16, 16, JpegKind::Progressive, 6);
    seeds.push(("jpeg-cut".into(), cut[..cut.len() * 2 / 3].to_vec()));
    for (name, bytes) in support::other_formats() {
        seeds.push((format!("other-{name}"), bytes));
    }
    for (name, bytes) in &seeds {
        std::fs::write(folder.join(name), bytes)?;
    }
    println!("{} seeds in {}", seeds.len(), folder.display());
    Ok(())
}
