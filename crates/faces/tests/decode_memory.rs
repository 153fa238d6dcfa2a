//! What `decode` allocates, counted per thread by a counting global allocator: a file whose
//! header declares a huge image is refused without a buffer of its size, and a real decode
//! allocates little more than the RGB result.

mod support;

use densa_alloc::{CountingAllocator, is_active, measure};
use rekognition_faces::{DecodeError, DecodeLimits, decode};
use support::JpegKind;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator::system();

/// Far below any of the bombs' sizes (20000 × 20000 × 3 is 1.2 GB), and above what reading a
/// header needs.
const HEADER_BUDGET: u64 = 64 * 1024;

#[test]
fn declared_bombs_are_refused_without_allocating_their_size() {
    assert!(is_active(), "the counting allocator must be installed");
    let bombs = [
        ("PNG 20000x20000", support::png_bomb(20_000, 20_000)),
        ("JPEG 65500x65500", support::jpeg_bomb(65_500, 65_500)),
    ];
    // Refused by the side limit, and with the side limit lifted, by the pixel count.
    let no_side_limit = DecodeLimits {
        max_dimension: u32::MAX,
        ..DecodeLimits::default()
    };
    for (name, bytes) in &bombs {
        for limits in [DecodeLimits::default(), no_side_limit] {
            let (result, stats) = measure(|| decode(bytes, &limits));
            println!(
                "{name} ({} bytes): {:?}, {} bytes in {} allocations",
                bytes.len(),
                result
                    .as_ref()
                    .map(|d| &d.image)
                    .map_err(ToString::to_string),
                stats.bytes_allocated,
                stats.allocs
            );
            assert!(
                matches!(result, Err(DecodeError::TooLarge { .. })),
                "{name}"
            );
            assert!(stats.bytes_allocated < HEADER_BUDGET, "{name}: {stats:?}");
        }
    }
}

#[test]
fn bombs_within_the_limits_are_refused_without_allocating_their_size() {
    assert!(is_active(), "the counting allocator must be installed");
    // 10,000 × 10,000 is allowed, but a few hundred bytes cannot hold it: refused as cut files
    // from their chunk and segment headers, before the 300 MB result exists.
    let bombs = [
        ("PNG 10000x10000", support::png_bomb(10_000, 10_000)),
        ("JPEG 10000x10000", support::jpeg_bomb(10_000, 10_000)),
    ];
    for (name, bytes) in &bombs {
        let (result, stats) = measure(|| decode(bytes, &DecodeLimits::default()));
        println!(
            "{name} ({} bytes): {:?}, {} bytes in {} allocations",
            bytes.len(),
            result
                .as_ref()
                .map(|d| &d.image)
                .map_err(ToString::to_string),
            stats.bytes_allocated,
            stats.allocs
        );
        assert!(
            matches!(result, Err(DecodeError::InvalidFormat { .. })),
            "{name}"
        );
        assert!(stats.bytes_allocated < HEADER_BUDGET, "{name}: {stats:?}");
    }
}

#[test]
fn a_decode_allocates_little_more_than_its_result() {
    assert!(is_active(), "the counting allocator must be installed");
    let (width, height) = (1_000u32, 800u32);
    let result_bytes = 3 * u64::from(width) * u64::from(height);
    let png = support::png_file(
        width,
        height,
        png::ColorType::Rgba,
        png::BitDepth::Sixteen,
        &support::picture(width, height, 8, 1),
        None,
        None,
    );
    let files = [
        ("PNG RGBA 16-bit", png),
        (
            "JPEG baseline",
            support::jpeg_file(1_000, 800, JpegKind::Baseline420, 1),
        ),
        (
            "JPEG progressive",
            support::jpeg_file(1_000, 800, JpegKind::Progressive, 1),
        ),
    ];
    for (name, bytes) in &files {
        let (result, stats) = measure(|| decode(bytes, &DecodeLimits::default()));
        assert!(result.is_ok(), "{name}");
        let ratio = stats.bytes_allocated as f64 / result_bytes as f64;
        println!(
            "{name} {width}x{height}: {} bytes allocated, {ratio:.2} times the {result_bytes}-byte result",
            stats.bytes_allocated
        );
        // The result, plus the progressive coefficients (two bytes a sample) or a few rows.
        assert!(ratio < 3.5, "{name}: {stats:?}");
    }
}
