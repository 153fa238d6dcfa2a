//! Percent-encoding (RFC 3986 section 2.1) of path labels and query string components.
//!
//! Decoding is strict: a `%` must start a two-hex-digit escape, and the decoded bytes must be
//! UTF-8. A `+` is a literal plus sign, in the path and in the query string alike: Smithy
//! requires clients to percent-encode every character outside the RFC 3986 unreserved set, so a
//! space arrives as `%20` and a plus sign as `%2B` (`RestJsonQueryStringEscaping`,
//! `RestJsonHttpRequestLabelEscaping`); the HTML-form convention of `+` for a space is not part
//! of the protocol.

use super::{Shown, TextError};

/// Decodes one path segment bound to a label: `hello%2Fescape` is `hello/escape`
/// (`RestJsonHttpRequestWithGreedyLabelInPath`, `RestJsonHttpRequestLabelEscaping`).
pub fn decode_label(segment: &str) -> Result<String, TextError> {
    percent_decode(segment, "path segment")
}

/// Decodes the path segments a greedy label (`{key+}`) spans and joins them with `/`:
/// `["there", "guy"]` is `there/guy` (`RestJsonHttpRequestWithGreedyLabelInPath`).
pub fn decode_greedy_label<'a>(
    segments: impl IntoIterator<Item = &'a str>,
) -> Result<String, TextError> {
    let mut joined = String::new();
    for (index, segment) in segments.into_iter().enumerate() {
        if index > 0 {
            joined.push('/');
        }
        joined.push_str(&decode_label(segment)?);
    }
    Ok(joined)
}

/// Decodes a query string key or value.
pub(super) fn decode_query_component(text: &str) -> Result<String, TextError> {
    percent_decode(text, "query string parameter")
}

/// Percent-encodes text for a path label: everything but the unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`), and `/` too unless the label is greedy.
pub fn encode_label(text: &str, greedy: bool) -> String {
    encode(text, greedy)
}

/// Percent-encodes a query string key or value: everything but the unreserved characters.
pub fn encode_query(text: &str) -> String {
    encode(text, false)
}

fn percent_decode(text: &str, what: &str) -> Result<String, TextError> {
    if !text.contains('%') {
        return Ok(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte != b'%' {
            decoded.push(byte);
            at += 1;
            continue;
        }
        let high = bytes.get(at + 1).and_then(|b| hex_value(*b));
        let low = bytes.get(at + 2).and_then(|b| hex_value(*b));
        match (high, low) {
            (Some(high), Some(low)) => {
                decoded.push(high << 4 | low);
                at += 3;
            }
            _ => {
                return Err(TextError::new(format!(
                    "the {what} {} has a '%' that is not followed by two hexadecimal digits",
                    Shown(text)
                )));
            }
        }
    }
    String::from_utf8(decoded).map_err(|_| {
        TextError::new(format!(
            "the {what} {} is not UTF-8 once percent-decoded",
            Shown(text)
        ))
    })
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

fn encode(text: &str, keep_slash: bool) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut encoded = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        if byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~')
            || (keep_slash && byte == b'/')
        {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(char::from(HEX[usize::from(byte >> 4)]));
            encoded.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::{decode_greedy_label, decode_label, decode_query_component, encode_label};

    const ESCAPED: &str =
        "%20%25%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%F0%9F%98%B9";
    const PLAIN: &str = " %:/?#[]@!$&'()*+,;=😹";

    #[test]
    fn labels_decode_every_escape() {
        assert_eq!(decode_label(ESCAPED).unwrap(), PLAIN);
        assert_eq!(decode_label("hello%2Fescape").unwrap(), "hello/escape");
        assert_eq!(decode_label("plain").unwrap(), "plain");
        assert_eq!(decode_label("").unwrap(), "");
    }

    #[test]
    fn plus_is_a_literal_plus() {
        assert_eq!(decode_label("a+b").unwrap(), "a+b");
        assert_eq!(decode_query_component("a+b%20c").unwrap(), "a+b c");
    }

    #[test]
    fn greedy_labels_join_segments() {
        assert_eq!(decode_greedy_label(["there", "guy"]).unwrap(), "there/guy");
        assert_eq!(decode_greedy_label(["a%2Fb", "c"]).unwrap(), "a/b/c");
        assert_eq!(decode_greedy_label(["one"]).unwrap(), "one");
    }

    #[test]
    fn refuses_broken_escapes_and_invalid_utf8() {
        for bad in ["%", "%2", "%zz", "a%G1", "%%41"] {
            let error = decode_label(bad).unwrap_err();
            assert!(error.message().contains("two hexadecimal digits"), "{bad}");
        }
        for bad in ["%FF", "%C3", "%C3%28", "%ED%A0%80"] {
            let error = decode_label(bad).unwrap_err();
            assert!(error.message().contains("not UTF-8"), "{bad}");
        }
        assert!(decode_greedy_label(["fine", "%FF"]).is_err());
    }

    #[test]
    fn encoding_keeps_unreserved_and_round_trips() {
        assert_eq!(encode_label(PLAIN, false), ESCAPED);
        assert_eq!(encode_label("a/b c", true), "a/b%20c");
        assert_eq!(encode_label("a/b", false), "a%2Fb");
        assert_eq!(encode_label("AZaz09-._~", false), "AZaz09-._~");
        for text in [PLAIN, "2019-12-16T23:48:18Z", "", "a/b"] {
            assert_eq!(decode_label(&encode_label(text, false)).unwrap(), text);
        }
    }
}
