//! JPEG: the markers walked here up to the frame header, for the dimensions and the EXIF block
//! without touching the entropy-coded data, then zune-jpeg in strict mode for the pixels.

use zune_jpeg::JpegDecoder;
use zune_jpeg::zune_core::bytestream::ZCursor;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;

use super::{DecodeError, DecodeLimits, Decoded, ImageFormat, Orientation, check_dimensions, exif};

/// What the markers before the frame header say.
#[derive(Debug, PartialEq, Eq)]
struct Header<'a> {
    width: u32,
    height: u32,
    /// The first APP1 `Exif` block, from its TIFF header on.
    exif: Option<&'a [u8]>,
}

/// Decodes a JPEG (its signature already checked) into upright RGB.
pub(super) fn decode(bytes: &[u8], limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
    let header = read_header(bytes)?;
    let (width, height) = (header.width, header.height);
    check_dimensions(width, height, limits)?;
    let orientation = header
        .exif
        .and_then(exif::orientation)
        .unwrap_or(Orientation::Upright);
    let side_limit = usize::try_from(limits.max_dimension).unwrap_or(usize::MAX);
    // Strict: a truncated or corrupt scan is an error rather than grey filler.
    let options = DecoderOptions::default()
        .set_strict_mode(true)
        .set_max_width(side_limit)
        .set_max_height(side_limit)
        .jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(DecodeError::invalid)?;
    // The decoder reads the frame header again; a second frame header could disagree.
    if decoder.dimensions() != Some((width as usize, height as usize)) {
        return Err(DecodeError::invalid(
            "the decoder read other dimensions than the first frame header",
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
    super::upright(width, height, rgb, orientation, ImageFormat::Jpeg)
}

/// Walks the marker segments after SOI up to the first frame header (SOF0–SOF15), which gives
/// the dimensions, keeping the first EXIF block met on the way.
fn read_header(bytes: &[u8]) -> Result<Header<'_>, DecodeError> {
    let truncated = || DecodeError::invalid("the file ends before the frame header");
    let mut at = 2;
    let mut exif = None;
    loop {
        if bytes.get(at) != Some(&0xFF) {
            return Err(match bytes.get(at) {
                None => truncated(),
                Some(_) => DecodeError::invalid(format_args!("no marker at byte {at}")),
            });
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
            0x00 | 0xD9 | 0xDA => {
                return Err(DecodeError::invalid(format_args!(
                    "marker 0xFF{marker:02X} before the frame header"
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
        let segment = bytes.get(at + 2..at + length).ok_or_else(truncated)?;
        match marker {
            // SOFn, less DHT (C4), JPG (C8) and DAC (CC), which share the range.
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let &[_precision, h0, h1, w0, w1, ..] = segment else {
                    return Err(DecodeError::invalid("the frame header is too short"));
                };
                return Ok(Header {
                    width: u32::from(u16::from_be_bytes([w0, w1])),
                    height: u32::from(u16::from_be_bytes([h0, h1])),
                    exif,
                });
            }
            0xE1 if exif.is_none() => exif = segment.strip_prefix(b"Exif\0\0"),
            _ => {}
        }
        at += length;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SOI, the given segments (marker, payload), then SOF0 declaring `width × height`.
    fn jpeg(segments: &[(u8, &[u8])], width: u16, height: u16) -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8];
        let mut sof = vec![8];
        sof.extend(height.to_be_bytes());
        sof.extend(width.to_be_bytes());
        sof.extend([1, 1, 0x11, 0]);
        for (marker, payload) in segments.iter().chain([&(0xC0, &sof[..])]) {
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
            65_500,
        );
        assert_eq!(
            read_header(&bytes),
            Ok(Header {
                width: 65_500,
                height: 65_500,
                exif: Some(b"II*\0first"),
            })
        );
    }

    #[test]
    fn broken_headers_are_invalid_and_never_panic() {
        let bytes = jpeg(&[(0xE1, b"Exif\0\0MM\0*")], 100, 80);
        assert!(read_header(&bytes).is_ok());
        for end in 0..bytes.len() {
            assert!(
                matches!(
                    read_header(&bytes[..end]),
                    Err(DecodeError::InvalidFormat { .. })
                ),
                "cut at {end}"
            );
        }
        let mut short = bytes.clone();
        short[5] = 1;
        assert!(read_header(&short).is_err());
        let mut scan_first = bytes.clone();
        scan_first[3] = 0xDA;
        assert!(read_header(&scan_first).is_err());
        let mut garbage = bytes.clone();
        garbage[2] = 0x00;
        assert!(read_header(&garbage).is_err());
    }
}
