//! The encoder: appends CBOR items to a `Vec<u8>`, every head in its shortest form.
//!
//! Floats are written at the width of their Smithy type (a `float` as single precision, a
//! `double` as double precision) and timestamps as tag 1 around a double, which is what the
//! rpcv2Cbor protocol tests' expected bodies hold; half precision is never written, as the
//! protocol asks.

/// Appends CBOR items to a byte vector. Each method writes one item (or, for the container and
/// tag methods, one head) and returns the encoder, so calls chain. Writing cannot fail.
#[derive(Debug)]
pub struct Encoder<'b> {
    out: &'b mut Vec<u8>,
}

/// The bits of the NaN written for every NaN: the quiet NaN with no payload, positive.
const NAN_32: u32 = 0x7fc0_0000;
const NAN_64: u64 = 0x7ff8_0000_0000_0000;

impl<'b> Encoder<'b> {
    /// An encoder appending to `out`.
    pub fn new(out: &'b mut Vec<u8>) -> Self {
        Self { out }
    }

    /// What has been written so far, with whatever `out` held before.
    pub fn as_bytes(&self) -> &[u8] {
        self.out
    }

    /// A head of major type `major` with argument `arg`, in the shortest form.
    fn head(&mut self, major: u8, arg: u64) -> &mut Self {
        let major = major << 5;
        if arg < 24 {
            self.out.push(major | arg as u8);
        } else if let Ok(arg) = u8::try_from(arg) {
            self.out.extend_from_slice(&[major | 24, arg]);
        } else if let Ok(arg) = u16::try_from(arg) {
            self.out.push(major | 25);
            self.out.extend_from_slice(&arg.to_be_bytes());
        } else if let Ok(arg) = u32::try_from(arg) {
            self.out.push(major | 26);
            self.out.extend_from_slice(&arg.to_be_bytes());
        } else {
            self.out.push(major | 27);
            self.out.extend_from_slice(&arg.to_be_bytes());
        }
        self
    }

    /// A non-negative integer.
    pub fn u64(&mut self, value: u64) -> &mut Self {
        self.head(0, value)
    }

    /// An integer (any Smithy integer type, widened).
    pub fn i64(&mut self, value: i64) -> &mut Self {
        match u64::try_from(value) {
            Ok(value) => self.head(0, value),
            // -1 - value, which is !value in two's complement, is at most i64::MAX.
            Err(_) => self.head(1, !value as u64),
        }
    }

    /// The negative integer `-1 - n` (major type 1 with argument `n`), for values below
    /// `i64::MIN`.
    pub fn negative(&mut self, n: u64) -> &mut Self {
        self.head(1, n)
    }

    /// A single-precision float (a Smithy `float`). Every NaN is written as the same quiet NaN.
    pub fn f32(&mut self, value: f32) -> &mut Self {
        let bits = if value.is_nan() {
            NAN_32
        } else {
            value.to_bits()
        };
        self.out.push(0xfa);
        self.out.extend_from_slice(&bits.to_be_bytes());
        self
    }

    /// A double-precision float (a Smithy `double`). Every NaN is written as the same quiet NaN.
    pub fn f64(&mut self, value: f64) -> &mut Self {
        let bits = if value.is_nan() {
            NAN_64
        } else {
            value.to_bits()
        };
        self.out.push(0xfb);
        self.out.extend_from_slice(&bits.to_be_bytes());
        self
    }

    /// `true` or `false`.
    pub fn bool(&mut self, value: bool) -> &mut Self {
        self.out.push(if value { 0xf5 } else { 0xf4 });
        self
    }

    /// `null`. The protocol omits null members rather than writing them; sparse lists and maps
    /// hold them.
    pub fn null(&mut self) -> &mut Self {
        self.out.push(0xf6);
        self
    }

    /// `undefined`, which the protocol forbids a server to write: here for [`crate::Value`].
    pub fn undefined(&mut self) -> &mut Self {
        self.out.push(0xf7);
        self
    }

    /// Simple value `value`: one byte below 24, two bytes from 32. Values 24 to 31 have no
    /// well-formed encoding: they are written in the two-byte form, which decoders refuse.
    pub fn simple(&mut self, value: u8) -> &mut Self {
        if value < 24 {
            self.out.push(0xe0 | value);
        } else {
            self.out.extend_from_slice(&[0xf8, value]);
        }
        self
    }

    /// A text string of definite length.
    pub fn str(&mut self, value: &str) -> &mut Self {
        self.head(3, value.len() as u64);
        self.out.extend_from_slice(value.as_bytes());
        self
    }

    /// A byte string of definite length (a Smithy `blob`).
    pub fn bytes(&mut self, value: &[u8]) -> &mut Self {
        self.head(2, value.len() as u64);
        self.out.extend_from_slice(value);
        self
    }

    /// The head of an array of `len` elements; write them next.
    pub fn array(&mut self, len: usize) -> &mut Self {
        self.head(4, len as u64)
    }

    /// The head of a map of `len` key-value pairs; write each key, then its value.
    pub fn map(&mut self, len: usize) -> &mut Self {
        self.head(5, len as u64)
    }

    /// The head of an indefinite-length array, for when the count is not known up front;
    /// close it with [`Self::end`].
    pub fn begin_array(&mut self) -> &mut Self {
        self.out.push(0x9f);
        self
    }

    /// The head of an indefinite-length map; close it with [`Self::end`].
    pub fn begin_map(&mut self) -> &mut Self {
        self.out.push(0xbf);
        self
    }

    /// The break that closes an indefinite-length array or map.
    pub fn end(&mut self) -> &mut Self {
        self.out.push(0xff);
        self
    }

    /// A tag's head; write the tagged item next.
    pub fn tag(&mut self, tag: u64) -> &mut Self {
        self.head(6, tag)
    }

    /// A Smithy `timestamp`: tag 1 around the seconds since 1970 as a double.
    pub fn timestamp(&mut self, seconds: f64) -> &mut Self {
        self.tag(1).f64(seconds)
    }

    /// A Smithy `timestamp` from milliseconds since 1970, the protocol's resolution: tag 1
    /// around the seconds as the double nearest `millis / 1000`.
    pub fn timestamp_millis(&mut self, millis: i64) -> &mut Self {
        self.timestamp(millis as f64 / 1000.0)
    }
}
