//! The text forms of restJson1 HTTP bindings: labels, query strings, headers, media types.
//!
//! A member bound to the URI, the query string or a header arrives as text. Generated code reads
//! that text with these functions, then checks the member's constraints. Every reader returns a
//! [`TextError`] that says what was wrong with which value, and none of them panics on any input.
//!
//! The rules come from the Smithy HTTP binding specification and the official restJson1
//! protocol test cases (`aws.protocoltests.restjson#RestJson`); each function names the cases
//! its rules come from.
//!
//! - [`decode_label`], [`decode_greedy_label`], [`encode_label`], [`encode_query`]:
//!   percent-encoding of path labels and query components.
//! - [`QueryString`]: the query string as ordered key/value pairs.
//! - [`single_header`], [`split_header_list`], [`split_http_date_list`], [`prefix_headers`],
//!   [`format_header_list`], [`format_timestamp_list`], [`header_value`]: header values.
//! - `parse_*` and `format_*`: booleans, numbers, timestamps, blobs and `@mediaType` strings;
//!   [`Binding`] gives a timestamp's default format.
//! - [`MediaType`], [`parse_accept`], [`BodyMedia`], [`check_content_type`], [`check_accept`]:
//!   media types.

mod header;
mod media;
mod percent;
mod query;
mod scalar;

use std::fmt;

use crate::TimestampFormat;

pub use header::{
    format_header_list, format_timestamp_list, header_value, prefix_headers, single_header,
    split_header_list, split_http_date_list,
};
pub use media::{BodyMedia, MediaType, check_accept, check_content_type, parse_accept};
pub use percent::{decode_greedy_label, decode_label, encode_label, encode_query};
pub use query::QueryString;
pub use scalar::{
    format_blob, format_boolean, format_double, format_float, format_media_type_string,
    format_timestamp, parse_big_decimal, parse_big_integer, parse_blob, parse_boolean, parse_byte,
    parse_double, parse_float, parse_integer, parse_long, parse_media_type_string, parse_short,
    parse_timestamp,
};

/// Why a bound value's text was refused: a message naming the value and what was expected.
///
/// A request carrying such text is malformed (restJson1 answers `400 SerializationException`),
/// except for the media-type checks, whose callers answer 415 or 406.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    message: String,
}

impl TextError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// `expected {what} but found "{text}"`.
    pub(crate) fn expected(what: &str, found: &str) -> Self {
        Self::new(format!("expected {what} but found {}", Shown(found)))
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TextError {}

/// Where a member is bound, which decides its default timestamp format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// `@httpLabel`: a path segment.
    Label,
    /// `@httpQuery`: a query string parameter.
    Query,
    /// `@httpHeader`: a header.
    Header,
}

impl Binding {
    /// The format a timestamp bound here uses when it has no `@timestampFormat`: `http-date` in
    /// headers, `date-time` in labels and the query string (`RestJsonTimestampFormatHeaders`,
    /// `RestJsonHttpRequestWithLabelsAndTimestampFormat`, `RestJsonAllQueryStringTypes`).
    pub fn default_timestamp_format(self) -> TimestampFormat {
        match self {
            Binding::Header => TimestampFormat::HttpDate,
            Binding::Label | Binding::Query => TimestampFormat::DateTime,
        }
    }
}

/// Shows a value in a message: quoted and escaped, and cut short past 64 characters.
struct Shown<'a>(&'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const LIMIT: usize = 64;
        match self.0.char_indices().nth(LIMIT) {
            Some((cut, _)) => write!(f, "{:?}...", &self.0[..cut]),
            None => write!(f, "{:?}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Blob, Timestamp};

    /// Deterministic pseudo-random texts over characters the readers treat specially.
    struct Texts(u64);

    impl Texts {
        fn next_number(&mut self) -> u64 {
            // xorshift64
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn next_text(&mut self) -> String {
            const PIECES: [&str; 32] = [
                "%", "2", "F", "f", "0", "9", ",", "\"", "\\", " ", "\t", ";", "=", "/", "*", "é",
                "😹", "+", "-", ".", "e", "E", "Z", "T", ":", "NaN", "Mon", "q", "&", "a", "%C3",
                "\u{1}",
            ];
            let length = self.next_number() % 12;
            (0..length)
                .map(|_| PIECES[(self.next_number() % PIECES.len() as u64) as usize])
                .collect()
        }
    }

    #[test]
    fn readers_never_panic_and_writers_round_trip() {
        let mut texts = Texts(0x9e37_79b9_7f4a_7c15);
        let mut headers = http::HeaderMap::new();
        headers.append("x-p-a", http::HeaderValue::from_static("1"));
        for _ in 0..20_000 {
            let text = texts.next_text();
            let t = text.as_str();
            let _ = decode_label(t);
            let _ = decode_greedy_label(t.split('/'));
            let _ = QueryString::parse(t).map(|q| (q.grouped().len(), q.first_per_key().len()));
            let _ = single_header([t]);
            let _ = split_header_list([t]);
            let _ = split_http_date_list([t]);
            let _ = prefix_headers(&headers, t);
            let _ = header_value(t);
            let _ = parse_boolean(t);
            let _ = (
                parse_byte(t),
                parse_short(t),
                parse_integer(t),
                parse_long(t),
            );
            let _ = (parse_float(t), parse_double(t));
            let _ = (parse_big_integer(t), parse_big_decimal(t));
            for format in [
                TimestampFormat::EpochSeconds,
                TimestampFormat::DateTime,
                TimestampFormat::HttpDate,
            ] {
                let _ = parse_timestamp(t, format);
            }
            let _ = (parse_blob(t), parse_media_type_string(t));
            let _ = MediaType::parse(t).map(|m| m.covers(t));
            let _ = parse_accept([t]);
            for media in [
                BodyMedia::None,
                BodyMedia::Json,
                BodyMedia::Exact("text/plain"),
                BodyMedia::Any,
            ] {
                let _ = check_content_type(Some(t), media, false);
                let _ = check_accept([t], media);
            }

            assert_eq!(decode_label(&encode_label(t, false)).unwrap(), t);
            let key = texts.next_text();
            let query = format!("{}={}", encode_query(&key), encode_query(t));
            let parsed = QueryString::parse(&query).unwrap();
            assert_eq!(parsed.pairs().collect::<Vec<_>>(), [(key.as_str(), t)]);
            assert_eq!(
                parse_media_type_string(&format_media_type_string(t)).unwrap(),
                t
            );
            let blob = Blob::new(t.as_bytes().to_vec());
            assert_eq!(parse_blob(&format_blob(&blob)).unwrap(), blob);
            let items = [t.to_owned(), texts.next_text()];
            if items.iter().all(|item| header_value(item).is_ok()) {
                let line = format_header_list(&items);
                assert_eq!(split_header_list([line.as_str()]).unwrap(), items, "{line}");
            }
        }
    }

    #[test]
    fn numbers_and_timestamps_round_trip_through_text() {
        let mut numbers = Texts(7);
        for _ in 0..10_000 {
            let bits = numbers.next_number();
            let value = f64::from_bits(bits);
            let read = parse_double(&format_double(value)).unwrap();
            assert!(read.to_bits() == value.to_bits() || (read.is_nan() && value.is_nan()));
            let single = f32::from_bits(bits as u32);
            let read = parse_float(&format_float(single)).unwrap();
            assert!(read.to_bits() == single.to_bits() || (read.is_nan() && single.is_nan()));
            let long = bits as i64;
            assert_eq!(parse_long(&long.to_string()).unwrap(), long);
            let at = Timestamp::new(
                (bits % 10_000_000_000) as i64 - 5_000_000_000,
                (bits % 1_000_000_000) as u32,
            );
            for format in [TimestampFormat::EpochSeconds, TimestampFormat::DateTime] {
                assert_eq!(
                    parse_timestamp(&format_timestamp(&at, format), format).unwrap(),
                    at
                );
            }
            // IMF-fixdate has whole seconds.
            let http_date = TimestampFormat::HttpDate;
            let read = parse_timestamp(&format_timestamp(&at, http_date), http_date).unwrap();
            assert_eq!((read.secs(), read.subsec_nanos()), (at.secs(), 0));
        }
    }

    #[test]
    fn messages_quote_and_shorten_the_value() {
        assert_eq!(
            TextError::expected("a boolean", "TRUE").to_string(),
            "expected a boolean but found \"TRUE\""
        );
        let long = "x".repeat(100);
        let shown = Shown(&long).to_string();
        assert!(shown.ends_with("\"..."), "{shown}");
        assert_eq!(shown.len(), 64 + 2 + 3);
        assert_eq!(Shown("a\nb").to_string(), "\"a\\nb\"");
    }

    #[test]
    fn default_timestamp_formats_follow_the_binding() {
        assert_eq!(
            Binding::Header.default_timestamp_format(),
            TimestampFormat::HttpDate
        );
        assert_eq!(
            Binding::Label.default_timestamp_format(),
            TimestampFormat::DateTime
        );
        assert_eq!(
            Binding::Query.default_timestamp_format(),
            TimestampFormat::DateTime
        );
    }
}
