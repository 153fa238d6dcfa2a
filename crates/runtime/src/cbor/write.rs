//! Writing rpcv2Cbor output straight into bytes: generated serializers drive a [`CborWriter`]
//! as they drive a [`crate::write::JsonWriter`], method for method, so no tree is built.
//!
//! Structures, maps and lists are written with indefinite lengths (the writer streams, as the
//! JSON one does, and does not know a count up front); the protocol tests compare bodies by
//! meaning, where definite and indefinite lengths are alike. A `float` is written as a
//! single-precision float and a `double` as a double, NaN and the infinities as they are; a
//! timestamp as tag 1 around the seconds as a double.

use smithy_cbor::Encoder;

use super::number::write_big_number;
use crate::{BigNumber, Blob, Timestamp, TimestampFormat};

/// A growing CBOR body.
#[derive(Debug, Default)]
pub struct CborWriter {
    out: Vec<u8>,
}

impl CborWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// The bytes written.
    pub fn finish(self) -> Vec<u8> {
        self.out
    }

    fn encoder(&mut self) -> Encoder<'_> {
        Encoder::new(&mut self.out)
    }

    /// Starts a map (a structure's or a map's); it is closed when the returned writer is
    /// dropped.
    pub fn object(&mut self) -> CborObjectWriter<'_> {
        self.encoder().begin_map();
        CborObjectWriter { writer: self }
    }

    /// Starts an array; it is closed when the returned writer is dropped.
    pub fn array(&mut self) -> CborArrayWriter<'_> {
        self.encoder().begin_array();
        CborArrayWriter { writer: self }
    }

    /// A text string.
    pub fn string(&mut self, text: &str) {
        self.encoder().str(text);
    }

    /// `true` or `false`.
    pub fn boolean(&mut self, value: bool) {
        self.encoder().bool(value);
    }

    /// Any integer type.
    pub fn integer(&mut self, value: impl Into<i64>) {
        self.encoder().i64(value.into());
    }

    /// A `double`, as a double-precision float (NaN and the infinities included).
    pub fn double(&mut self, value: f64) {
        self.encoder().f64(value);
    }

    /// A `float`, as a single-precision float.
    pub fn float(&mut self, value: f32) {
        self.encoder().f32(value);
    }

    /// A `bigInteger` or `bigDecimal`, exactly: an integer (a bignum, tag 2 or 3, past 64
    /// bits), or a decimal fraction (tag 4) when it has a fraction or an exponent.
    pub fn big_number(&mut self, value: &BigNumber) {
        write_big_number(&mut self.encoder(), value);
    }

    /// A `blob`, as a byte string.
    pub fn blob(&mut self, value: &Blob) {
        self.encoder().bytes(value.as_bytes());
    }

    /// A `timestamp`: tag 1 around its seconds since 1970 as the double nearest them. The
    /// member's format is for the JSON protocols, and ignored.
    pub fn timestamp(&mut self, value: &Timestamp, _format: TimestampFormat) {
        let seconds: f64 = value.format_epoch_seconds().parse().unwrap_or(f64::NAN);
        self.encoder().timestamp(seconds);
    }

    /// A `document`, which rpcv2Cbor does not carry (the generator refuses models that would
    /// need it): written as `null`, so that a body stays well-formed whatever calls this.
    pub fn document(&mut self, _value: &serde_json::Value) {
        self.null();
    }

    /// `null` (items of sparse lists and maps).
    pub fn null(&mut self) {
        self.encoder().null();
    }
}

/// An open CBOR map.
#[derive(Debug)]
pub struct CborObjectWriter<'a> {
    writer: &'a mut CborWriter,
}

impl CborObjectWriter<'_> {
    /// Writes a key; the value goes into the returned writer.
    pub fn key(&mut self, name: &str) -> &mut CborWriter {
        self.writer.string(name);
        self.writer
    }
}

impl Drop for CborObjectWriter<'_> {
    fn drop(&mut self) {
        self.writer.encoder().end();
    }
}

/// An open CBOR array.
#[derive(Debug)]
pub struct CborArrayWriter<'a> {
    writer: &'a mut CborWriter,
}

impl CborArrayWriter<'_> {
    /// Starts the next item; it goes into the returned writer.
    pub fn item(&mut self) -> &mut CborWriter {
        self.writer
    }
}

impl Drop for CborArrayWriter<'_> {
    fn drop(&mut self) {
        self.writer.encoder().end();
    }
}
