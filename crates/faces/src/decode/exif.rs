//! The Orientation tag of an EXIF block, read from its TIFF structure with every offset checked
//! against the block, so a malformed block reads as no orientation instead of an error.

use super::Orientation;

/// The Orientation tag (0x0112) of the first image directory, from an EXIF block starting at
/// its TIFF header (after JPEG's `Exif\0\0`). `None` when the block is malformed, has no such
/// tag, or the tag is not one SHORT of value 1–8.
pub(super) fn orientation(tiff: &[u8]) -> Option<Orientation> {
    let big_endian = match tiff.get(..4)? {
        b"II*\0" => false,
        b"MM\0*" => true,
        _ => return None,
    };
    let read = |at: usize, len: usize| tiff.get(at..at.checked_add(len)?);
    let u16_at = |at: usize| {
        let bytes: [u8; 2] = read(at, 2)?.try_into().ok()?;
        Some(if big_endian {
            u16::from_be_bytes(bytes)
        } else {
            u16::from_le_bytes(bytes)
        })
    };
    let u32_at = |at: usize| {
        let bytes: [u8; 4] = read(at, 4)?.try_into().ok()?;
        Some(if big_endian {
            u32::from_be_bytes(bytes)
        } else {
            u32::from_le_bytes(bytes)
        })
    };
    let directory = usize::try_from(u32_at(4)?).ok()?;
    let entries = u16_at(directory)?;
    for index in 0..usize::from(entries) {
        let entry = directory.checked_add(2 + 12 * index)?;
        if u16_at(entry)? != 0x0112 {
            continue;
        }
        const SHORT: u16 = 3;
        if u16_at(entry + 2)? != SHORT || u32_at(entry + 4)? != 1 {
            return None;
        }
        return Orientation::from_exif(u16_at(entry + 8)?);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A little- or big-endian TIFF block whose first directory holds `entries` of
    /// (tag, type, count, value), each value in the entry's first two value bytes.
    fn tiff(big_endian: bool, entries: &[(u16, u16, u32, u16)]) -> Vec<u8> {
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
        let mut out = if big_endian {
            b"MM\0*".to_vec()
        } else {
            b"II*\0".to_vec()
        };
        out.extend(u32b(8));
        out.extend(u16b(entries.len() as u16));
        for &(tag, kind, count, value) in entries {
            out.extend(u16b(tag));
            out.extend(u16b(kind));
            out.extend(u32b(count));
            out.extend(u16b(value));
            out.extend([0, 0]);
        }
        out.extend(u32b(0));
        out
    }

    #[test]
    fn the_orientation_tag_is_found_in_either_byte_order() {
        for big_endian in [false, true] {
            for value in 1..=8 {
                let block = tiff(big_endian, &[(0x010F, 2, 4, 0), (0x0112, 3, 1, value)]);
                assert_eq!(orientation(&block), Orientation::from_exif(value));
            }
        }
    }

    #[test]
    fn malformed_blocks_read_as_no_orientation() {
        let good = tiff(false, &[(0x0112, 3, 1, 6)]);
        assert_eq!(orientation(&good), Some(Orientation::Rotate90));
        // Out-of-range values, a wrong type or count, and no tag at all.
        for entry in [
            (0x0112, 3, 1, 0),
            (0x0112, 3, 1, 9),
            (0x0112, 3, 1, 65_535),
            (0x0112, 4, 1, 6),
            (0x0112, 3, 2, 6),
            (0x0110, 3, 1, 6),
        ] {
            assert_eq!(orientation(&tiff(false, &[entry])), None, "{entry:?}");
        }
        // Every cut before the value's last byte (the padding and next-directory offset after
        // it are not needed).
        for end in 0..good.len() - 6 {
            assert_eq!(orientation(&good[..end]), None, "cut at {end}");
        }
        // A directory offset, and an entry count, pointing past the block.
        let mut far = good.clone();
        far[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(orientation(&far), None);
        let mut many = good.clone();
        many[8..10].copy_from_slice(&u16::MAX.to_le_bytes());
        assert_eq!(orientation(&many), Some(Orientation::Rotate90));
        many[10..12].copy_from_slice(&0x0100u16.to_le_bytes());
        assert_eq!(orientation(&many), None);
        assert_eq!(orientation(b"II+\0\x08\0\0\0"), None);
    }
}
