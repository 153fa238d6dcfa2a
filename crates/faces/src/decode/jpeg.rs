//! JPEG: the markers walked here up to the frame header, for the dimensions and the EXIF block
//! without touching the entropy-coded data, then zune-jpeg in strict mode for the pixels.

use zune_jpeg::JpegDecoder;
use zune_jpeg::zune_core::bytestream::ZCursor;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;

use super::{DecodeError, DecodeLimits, Decoded, ImageFormat, Orientation, check_dimensions, exif};

/// What the markers before the first scan say.
#[derive(Debug, PartialEq, Eq)]
struct Header<'a> {
    width: u32,
    height: u32,
    /// The first APP1 `Exif` block before the frame header, from its TIFF header on.
    exif: Option<&'a [u8]>,
    /// Blocks (8×8 data units) of all components together: every complete JPEG codes each
    /// one's DC coefficient with a Huffman code of at least one bit.
    blocks: u64,
    /// Where the first scan's entropy-coded data starts.
    scan_start: usize,
}

/// Decodes a JPEG (its signature already checked) into upright RGB.
pub(super) fn decode(bytes: &[u8], limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
    let header = read_header(bytes, limits)?;
    check_scan_data(bytes, header.scan_start, header.blocks)?;
    let (width, height) = (header.width, header.height);
    let orientation = header
        .exif
        .and_then(exif::orientation)
        .unwrap_or(Orientation::Upright);
    let rgb = super::without_panics("JPEG", || decode_pixels(bytes, width, height, limits))?;
    super::upright(width, height, rgb, orientation, ImageFormat::Jpeg)
}

/// The stored pixels as RGB, by zune-jpeg in strict mode with its own size limits set.
fn decode_pixels(
    bytes: &[u8],
    width: u32,
    height: u32,
    limits: &DecodeLimits,
) -> Result<Vec<u8>, DecodeError> {
    let side_limit = usize::try_from(limits.max_dimension).unwrap_or(usize::MAX);
    let options = DecoderOptions::default()
        .set_strict_mode(true)
        .set_max_width(side_limit)
        .set_max_height(side_limit)
        .jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(DecodeError::invalid)?;
    // The decoder reads the frame header again; it must agree with the one checked.
    if decoder.dimensions() != Some((width as usize, height as usize)) {
        return Err(DecodeError::invalid(
            "the decoder read other dimensions than the frame header",
        ));
    }
    let expected = 3 * width as usize * height as usize;
    if decoder.output_colorspace() != Some(ColorSpace::RGB)
        || decoder.output_buffer_size() != Some(expected)
    {
        return Err(DecodeError::invalid("the decoder cannot give RGB for it"));
    }
    let mut rgb = vec![0; expected];
    decoder
        .decode_into(&mut rgb)
        .map_err(DecodeError::invalid)?;
    Ok(rgb)
}

/// Walks the marker segments after SOI to the first scan: the frame header (SOF0–SOF15) gives
/// the dimensions, held to `limits` as soon as they are read, and the first EXIF block before
/// it is kept.
fn read_header<'a>(bytes: &'a [u8], limits: &DecodeLimits) -> Result<Header<'a>, DecodeError> {
    let mut at = 2;
    let mut exif = None;
    let mut frame = None;
    loop {
        let segment = next_segment(bytes, at)?;
        match segment.marker {
            // SOFn, less DHT (C4), JPG (C8) and DAC (CC), which share the range.
            0xC0..=0xCF if !matches!(segment.marker, 0xC4 | 0xC8 | 0xCC) => {
                if frame.is_some() {
                    return Err(DecodeError::invalid("a second frame header"));
                }
                let read = read_frame(segment.payload)?;
                check_dimensions(read.width, read.height, limits)?;
                frame = Some(read);
            }
            0xE1 if exif.is_none() && frame.is_none() => {
                exif = segment.payload.strip_prefix(b"Exif\0\0");
            }
            0xDA => {
                let frame =
                    frame.ok_or_else(|| DecodeError::invalid("a scan before the frame header"))?;
                // Legal, but zune-jpeg 0.5 indexes past its buffers (found by fuzzing) when a
                // first scan that leaves components out meets a component sampled more finely
                // than the first, which common encoders, sampling luma most finely, never write.
                let scanned = usize::from(segment.payload.first().copied().unwrap_or(0));
                if scanned < frame.components && !frame.first_is_finest {
                    return Err(DecodeError::invalid(
                        "a partial first scan with a component sampled more finely than the first",
                    ));
                }
                return Ok(Header {
                    width: frame.width,
                    height: frame.height,
                    exif,
                    blocks: frame.blocks,
                    scan_start: segment.end,
                });
            }
            _ => {}
        }
        at = segment.end;
    }
}

/// One marker segment.
struct Segment<'a> {
    marker: u8,
    payload: &'a [u8],
    /// Where the segment ends (for SOS, where its entropy-coded data starts).
    end: usize,
}

/// The marker segment at `at`, past any fill bytes and standalone markers.
fn next_segment(bytes: &[u8], mut at: usize) -> Result<Segment<'_>, DecodeError> {
    let truncated = || DecodeError::invalid("the file ends before the first scan");
    loop {
        match bytes.get(at) {
            Some(0xFF) => {}
            Some(_) => return Err(DecodeError::invalid(format_args!("no marker at byte {at}"))),
            None => return Err(truncated()),
        }
        // Any number of 0xFF fill bytes may come before a marker's code.
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let marker = *bytes.get(at).ok_or_else(truncated)?;
        at += 1;
        match marker {
            // TEM and RSTn stand alone; a second SOI is tolerated as libjpeg does.
            0x01 | 0xD0..=0xD8 => continue,
            0x00 | 0xD9 => {
                return Err(DecodeError::invalid(format_args!(
                    "marker 0xFF{marker:02X} before the first scan"
                )));
            }
            _ => {}
        }
        let length = match bytes.get(at..at + 2) {
            Some(&[high, low]) => usize::from(u16::from_be_bytes([high, low])),
            _ => return Err(truncated()),
        };
        if length < 2 {
            return Err(DecodeError::invalid(format_args!(
                "segment 0xFF{marker:02X} has length {length}"
            )));
        }
        let payload = bytes.get(at + 2..at + length).ok_or_else(truncated)?;
        return Ok(Segment {
            marker,
            payload,
            end: at + length,
        });
    }
}

/// What a frame header says.
#[derive(Debug, Clone, Copy)]
struct Frame {
    width: u32,
    height: u32,
    /// Blocks of all components together.
    blocks: u64,
    components: usize,
    /// Whether no other component is sampled more finely than the first.
    first_is_finest: bool,
}

/// The frame, from a frame header's payload.
fn read_frame(payload: &[u8]) -> Result<Frame, DecodeError> {
    let broken = || DecodeError::invalid("the frame header is broken");
    let &[_precision, h0, h1, w0, w1, count, ref components @ ..] = payload else {
        return Err(broken());
    };
    let width = u32::from(u16::from_be_bytes([w0, w1]));
    let height = u32::from(u16::from_be_bytes([h0, h1]));
    let components = components
        .get(..3 * usize::from(count))
        .filter(|c| !c.is_empty())
        .ok_or_else(broken)?;
    let sampling: Vec<(u64, u64)> = components
        .chunks_exact(3)
        .map(|c| (u64::from(c[1] >> 4), u64::from(c[1] & 15)))
        .collect();
    if sampling
        .iter()
        .any(|&(h, v)| !(1..=4).contains(&h) || !(1..=4).contains(&v))
    {
        return Err(broken());
    }
    let h_max = sampling.iter().map(|s| s.0).max().unwrap_or(1);
    let v_max = sampling.iter().map(|s| s.1).max().unwrap_or(1);
    let blocks = sampling
        .iter()
        .map(|&(h, v)| {
            let columns = (u64::from(width) * h).div_ceil(h_max).div_ceil(8);
            let rows = (u64::from(height) * v).div_ceil(v_max).div_ceil(8);
            columns * rows
        })
        .sum();
    Ok(Frame {
        width,
        height,
        blocks,
        components: sampling.len(),
        first_is_finest: sampling[0] == (h_max, v_max),
    })
}

/// Refuses a file cut short, which zune-jpeg would pad with zeros when the cut lands on a
/// marker: the entropy-coded data must end with an EOI marker and hold at least a bit a block.
/// Bytes after the last EOI (phones append video there) are not read.
fn check_scan_data(bytes: &[u8], scan_start: usize, blocks: u64) -> Result<(), DecodeError> {
    let after_scan_header = bytes.get(scan_start..).unwrap_or_default();
    let scan_bytes = after_scan_header
        .windows(2)
        .rposition(|pair| pair == [0xFF, 0xD9])
        .ok_or_else(|| DecodeError::invalid("no end-of-image marker: the file is cut short"))?;
    if (scan_bytes as u64) * 8 < blocks {
        return Err(DecodeError::invalid(format_args!(
            "{scan_bytes} bytes of scan data cannot code {blocks} blocks"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANY_SIZE: DecodeLimits = DecodeLimits {
        max_dimension: u32::MAX,
        max_pixels: u64::MAX,
        min_dimension: 0,
    };

    /// SOI, the given segments (marker, payload), SOF0 declaring `width × height` in three
    /// components (4:2:0), then an SOS header scanning all three.
    fn jpeg(segments: &[(u8, &[u8])], width: u16, height: u16) -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8];
        let mut sof = vec![8];
        sof.extend(height.to_be_bytes());
        sof.extend(width.to_be_bytes());
        sof.extend([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        let sos = [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0];
        for (marker, payload) in segments
            .iter()
            .chain([&(0xC0, &sof[..]), &(0xDA, &sos[..])])
        {
            out.extend([0xFF, *marker]);
            out.extend(((payload.len() + 2) as u16).to_be_bytes());
            out.extend(*payload);
        }
        out
    }

    #[test]
    fn the_frame_header_and_the_first_exif_block_are_found() {
        let bytes = jpeg(
            &[
                (0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"),
                (0xE1, b"http://ns.adobe.com/xap/1.0/\0<x/>"),
                (0xE1, b"Exif\0\0II*\0first"),
                (0xE1, b"Exif\0\0II*\0second"),
                (0xFE, b"a comment"),
            ],
            65_500,
            17,
        );
        let header = read_header(&bytes, &ANY_SIZE).unwrap();
        assert_eq!((header.width, header.height), (65_500, 17));
        assert_eq!(header.exif, Some(&b"II*\0first"[..]));
        assert_eq!(header.scan_start, bytes.len());
        // Luma: 8188 × 3 blocks; each chroma plane: 4094 × 2.
        assert_eq!(header.blocks, 8188 * 3 + 2 * 4094 * 2);
    }

    #[test]
    fn the_size_is_checked_at_the_frame_header() {
        let mut bytes = jpeg(&[], 65_500, 65_500);
        bytes.truncate(bytes.len() - 10);
        assert!(matches!(
            read_header(&bytes, &DecodeLimits::default()),
            Err(DecodeError::TooLarge { .. })
        ));
    }

    #[test]
    fn broken_headers_are_invalid_and_never_panic() {
        let bytes = jpeg(&[(0xE1, b"Exif\0\0MM\0*")], 100, 80);
        assert!(read_header(&bytes, &ANY_SIZE).is_ok());
        for end in 0..bytes.len() {
            assert!(
                matches!(
                    read_header(&bytes[..end], &ANY_SIZE),
                    Err(DecodeError::InvalidFormat { .. })
                ),
                "cut at {end}"
            );
        }
        let mut short = bytes.clone();
        short[5] = 1;
        let mut scan_first = bytes.clone();
        scan_first[3] = 0xDA;
        let mut garbage = bytes.clone();
        garbage[2] = 0x00;
        let mut no_sampling = bytes.clone();
        no_sampling[27] = 0x50;
        let mut finer_chroma = bytes.clone();
        finer_chroma[27] = 0x11;
        finer_chroma[30] = 0x21;
        // Scanned all at once, that is decoded; a first scan of one component is not.
        assert!(read_header(&finer_chroma, &ANY_SIZE).is_ok());
        let partial = finer_chroma.len() - 10;
        finer_chroma[partial] = 1;
        for broken in [short, scan_first, garbage, no_sampling, finer_chroma] {
            assert!(read_header(&broken, &ANY_SIZE).is_err());
        }
    }

    #[test]
    fn scan_data_must_end_in_eoi_and_cover_every_block() {
        let mut bytes = jpeg(&[], 64, 64);
        let header = read_header(&bytes, &ANY_SIZE).unwrap();
        let (start, blocks) = (header.scan_start, header.blocks);
        // 64 luma and 2 × 16 chroma blocks: 12 bytes are needed.
        assert_eq!(blocks, 96);
        bytes.extend([0; 11]);
        assert!(check_scan_data(&bytes, start, blocks).is_err());
        bytes.extend([0xFF, 0xD9]);
        assert!(check_scan_data(&bytes, start, blocks).is_err());
        bytes.splice(bytes.len() - 2..bytes.len() - 2, [0]);
        assert!(check_scan_data(&bytes, start, blocks).is_ok());
        bytes.extend(b"trailing video");
        assert!(check_scan_data(&bytes, start, blocks).is_ok());
    }
}
