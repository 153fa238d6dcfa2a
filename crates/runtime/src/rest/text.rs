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
//! - `parse_*` and `format_*`: booleans, numbers, timestamps, blobs and `@mediaType` strings.
//! - [`MediaType`], [`BodyMedia`], [`check_content_type`], [`check_accept`]: media types.

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
    use super::{Binding, Shown, TextError};
    use crate::TimestampFormat;

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
