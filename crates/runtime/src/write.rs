//! Writing awsJson output straight into bytes: generated serializers drive a [`JsonWriter`], so
//! no intermediate JSON tree is built.

use std::fmt::Write as _;

use crate::{BigNumber, Blob, Timestamp, TimestampFormat};

/// How each byte is written in a JSON string: 0 as itself, `u` as `\u00XX`, any other byte `c`
/// as `\c`.
static ESCAPES: [u8; 256] = {
    let mut table = [0; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = b'u';
        byte += 1;
    }
    table[0x08] = b'b';
    table[0x0c] = b'f';
    table[b'\n' as usize] = b'n';
    table[b'\r' as usize] = b'r';
    table[b'\t' as usize] = b't';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// A growing JSON text.
#[derive(Debug, Default)]
pub struct JsonWriter {
    out: String,
}

impl JsonWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// The JSON text written.
    pub fn finish(self) -> Vec<u8> {
        self.out.into_bytes()
    }

    /// Starts an object; it is closed when the returned writer is dropped.
    pub fn object(&mut self) -> ObjectWriter<'_> {
        self.out.push('{');
        ObjectWriter {
            writer: self,
            first: true,
        }
    }

    /// Starts an array; it is closed when the returned writer is dropped.
    pub fn array(&mut self) -> ArrayWriter<'_> {
        self.out.push('[');
        ArrayWriter {
            writer: self,
            first: true,
        }
    }

    /// A string, escaped.
    pub fn string(&mut self, text: &str) {
        self.out.reserve(text.len() + 2);
        self.out.push('"');
        let bytes = text.as_bytes();
        let mut start = 0;
        for (at, &byte) in bytes.iter().enumerate() {
            // One table lookup per byte: most bytes need no escape.
            let escape = ESCAPES[usize::from(byte)];
            if escape == 0 {
                continue;
            }
            self.out.push_str(&text[start..at]);
            match escape {
                b'u' => {
                    let _ = write!(self.out, "\\u{byte:04x}");
                }
                short => {
                    self.out.push('\\');
                    self.out.push(char::from(short));
                }
            }
            start = at + 1;
        }
        self.out.push_str(&text[start..]);
        self.out.push('"');
    }

    /// `true` or `false`.
    pub fn boolean(&mut self, value: bool) {
        self.out.push_str(if value { "true" } else { "false" });
    }

    /// Any integer type.
    pub fn integer(&mut self, value: impl Into<i64>) {
        let _ = write!(self.out, "{}", value.into());
    }

    /// A `double`, as the shortest text that reads back as the same `f64`, always a JSON
    /// number with a fraction or an exponent (`1.0`, `-0.0`, `1e308`) so that clients read a
    /// floating-point number; `NaN` and the infinities become strings, as awsJson requires.
    pub fn double(&mut self, value: f64) {
        if value.is_nan() {
            self.string("NaN");
        } else if value.is_infinite() {
            self.string(if value > 0.0 { "Infinity" } else { "-Infinity" });
        } else {
            let _ = write!(self.out, "{value:?}");
        }
    }

    /// A `float`, as [`double`](Self::double) writes one, with the shortest text that reads
    /// back as the same `f32`.
    pub fn float(&mut self, value: f32) {
        if value.is_finite() {
            let _ = write!(self.out, "{value:?}");
        } else {
            self.double(f64::from(value));
        }
    }

    /// A `bigInteger` or `bigDecimal`, digit for digit.
    pub fn big_number(&mut self, value: &BigNumber) {
        self.out.push_str(value.as_str());
    }

    /// A `bigInteger` or `bigDecimal` as rpcv2Json sends it: its digits in a JSON string, so
    /// that no client reads it through a double.
    pub fn big_number_text(&mut self, value: &BigNumber) {
        self.string(value.as_str());
    }

    /// A `blob`, as base64.
    pub fn blob(&mut self, value: &Blob) {
        self.string(&value.to_base64());
    }

    /// A `timestamp`, in the member's format.
    pub fn timestamp(&mut self, value: &Timestamp, format: TimestampFormat) {
        match format {
            TimestampFormat::EpochSeconds => self.out.push_str(&value.format_epoch_seconds()),
            TimestampFormat::DateTime => self.string(&value.format_date_time()),
            TimestampFormat::HttpDate => self.string(&value.format_http_date()),
        }
    }

    /// A `document`, as it is.
    pub fn document(&mut self, value: &serde_json::Value) {
        let _ = write!(self.out, "{value}");
    }

    /// `null` (items of sparse lists and maps).
    pub fn null(&mut self) {
        self.out.push_str("null");
    }
}

/// An open JSON object.
#[derive(Debug)]
pub struct ObjectWriter<'a> {
    writer: &'a mut JsonWriter,
    first: bool,
}

impl ObjectWriter<'_> {
    /// Writes a key; the value goes into the returned writer.
    pub fn key(&mut self, name: &str) -> &mut JsonWriter {
        if !self.first {
            self.writer.out.push(',');
        }
        self.first = false;
        self.writer.string(name);
        self.writer.out.push(':');
        self.writer
    }
}

impl Drop for ObjectWriter<'_> {
    fn drop(&mut self) {
        self.writer.out.push('}');
    }
}

/// An open JSON array.
#[derive(Debug)]
pub struct ArrayWriter<'a> {
    writer: &'a mut JsonWriter,
    first: bool,
}

impl ArrayWriter<'_> {
    /// Starts the next item; it goes into the returned writer.
    pub fn item(&mut self) -> &mut JsonWriter {
        if !self.first {
            self.writer.out.push(',');
        }
        self.first = false;
        self.writer
    }
}

impl Drop for ArrayWriter<'_> {
    fn drop(&mut self) {
        self.writer.out.push(']');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_nested_json_that_serde_reads_back() {
        let mut w = JsonWriter::new();
        {
            let mut o = w.object();
            o.key("s").string("a\"b\\c\n\u{1}é");
            o.key("n").integer(-5_i32);
            o.key("f").double(f64::NAN);
            o.key("x").float(1.1);
            let mut items = o.key("l").array();
            items.item().boolean(true);
            items.item().null();
        }
        let text = String::from_utf8(w.finish()).unwrap();
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            parsed,
            serde_json::json!({"s": "a\"b\\c\n\u{1}é", "n": -5, "f": "NaN", "x": 1.1, "l": [true, null]})
        );
    }

    /// Every finite double is written as a floating-point number that reads back exactly: an
    /// integral value keeps its `.0` (clients would read `1` as an integer), a negative zero its
    /// sign, a huge value its exponent.
    #[test]
    fn doubles_stay_floating_point_numbers() {
        let written = |value: f64| {
            let mut w = JsonWriter::new();
            w.double(value);
            String::from_utf8(w.finish()).unwrap()
        };
        assert_eq!(written(1.0), "1.0");
        assert_eq!(written(-0.0), "-0.0");
        assert_eq!(written(1e308), "1e308");
        assert_eq!(written(0.1), "0.1");
        assert_eq!(written(2.5e-8), "2.5e-8");
        for value in [
            1.0,
            -0.0,
            1e308,
            0.1,
            123_456_789.0,
            f64::MIN_POSITIVE,
            f64::MAX,
        ] {
            let text = written(value);
            let read: f64 = text.parse().unwrap();
            assert_eq!(read.to_bits(), value.to_bits(), "{text}");
        }
        let mut w = JsonWriter::new();
        w.float(0.1);
        assert_eq!(String::from_utf8(w.finish()).unwrap(), "0.1");
    }

    #[test]
    fn big_numbers_are_written_as_text_for_rpc_v2_json() {
        let mut w = JsonWriter::new();
        w.big_number_text(&BigNumber::parse("100000000000000000000001.0").unwrap());
        assert_eq!(w.finish(), br#""100000000000000000000001.0""#);
    }

    #[test]
    fn escapes_every_byte_as_serde_json_does() {
        let text: String = (0u32..0x80)
            .filter_map(char::from_u32)
            .chain(['é', '\u{2028}', '😀'])
            .collect();
        let mut w = JsonWriter::new();
        w.string(&text);
        let written = String::from_utf8(w.finish()).unwrap();
        assert_eq!(written, serde_json::to_string(&text).unwrap());
    }
}
