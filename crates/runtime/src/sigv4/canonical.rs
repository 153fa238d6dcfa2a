//! The SigV4 canonical request, string to sign, signing key and signature, computed from a
//! request as it arrived. Rules: the path is normalized (dot segments removed, empty segments
//! dropped) unless told otherwise, then each segment is percent-encoded once more, as every
//! service but S3 expects; query parameters are decoded, re-encoded and sorted; signed header
//! values are trimmed, inner runs of spaces collapsed, repeated headers joined with commas; the
//! payload hash is always that of the bytes received.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// What a signature covers, taken from a request.
#[derive(Debug, Clone)]
pub struct SigningInput<'a> {
    /// The method, e.g. `POST`.
    pub method: &'a str,
    /// The path as sent (percent-encoded or not).
    pub path: &'a str,
    /// The query string as sent, without `?`.
    pub query: &'a str,
    /// Every header, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub payload: &'a [u8],
}

impl<'a> SigningInput<'a> {
    /// Takes method, path, query and headers from an HTTP request head. HTTP/2 requests carry
    /// no `Host` header; their `:authority` stands in for it.
    pub fn from_parts(head: &'a http::request::Parts, payload: &'a [u8]) -> Self {
        let mut headers: Vec<(String, String)> = head
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        if !head.headers.contains_key(http::header::HOST)
            && let Some(authority) = head.uri.authority()
        {
            headers.push(("host".to_owned(), authority.as_str().to_owned()));
        }
        Self {
            method: head.method.as_str(),
            path: head.uri.path(),
            query: head.uri.query().unwrap_or(""),
            headers,
            payload,
        }
    }

    /// The values of a header (name in lower case), in order.
    pub fn header_values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The canonical request over `signed_headers` (lower case, in the order the client gave).
pub fn canonical_request(
    input: &SigningInput<'_>,
    signed_headers: &[String],
    normalize_path: bool,
) -> String {
    let mut out = String::with_capacity(256);
    out.push_str(input.method);
    out.push('\n');
    out.push_str(&canonical_path(input.path, normalize_path));
    out.push('\n');
    out.push_str(&canonical_query(input.query));
    out.push('\n');
    for name in signed_headers {
        out.push_str(name);
        out.push(':');
        let mut first = true;
        for value in input.header_values(name) {
            if !first {
                out.push(',');
            }
            first = false;
            push_collapsed(&mut out, value);
        }
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed_headers.join(";"));
    out.push('\n');
    out.push_str(&hex(&Sha256::digest(input.payload)));
    out
}

/// The string to sign: algorithm, request time (`YYYYMMDD'T'HHMMSS'Z'`), credential scope and the
/// hash of the canonical request.
pub fn string_to_sign(timestamp: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256\n{timestamp}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    )
}

/// The key derived from a secret for one day, region and service.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let key = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let key = hmac(&key, region.as_bytes());
    let key = hmac(&key, service.as_bytes());
    hmac(&key, b"aws4_request")
}

/// The hex signature of a string to sign.
pub fn sign(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex(&hmac(signing_key, string_to_sign.as_bytes()))
}

/// Whether `signature` (hex) is the signature of `string_to_sign`, compared in constant time.
pub fn signature_matches(signing_key: &[u8; 32], string_to_sign: &str, signature: &str) -> bool {
    let Some(given) = unhex(signature) else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(signing_key).expect("any key length");
    mac.update(string_to_sign.as_bytes());
    mac.verify_slice(&given).is_ok()
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0xf)] as char);
    }
    out
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let nibble = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    text.as_bytes()
        .chunks(2)
        .map(|pair| Some(nibble(pair[0])? << 4 | nibble(pair[1])?))
        .collect()
}

/// Appends a header value trimmed, with each inner run of spaces and tabs as one space.
fn push_collapsed(out: &mut String, value: &str) {
    let mut pending_space = false;
    for c in value.trim_matches([' ', '\t']).chars() {
        if c == ' ' || c == '\t' {
            pending_space = true;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
}

fn canonical_path(path: &str, normalize: bool) -> String {
    let path = if path.is_empty() { "/" } else { path };
    let path = if normalize {
        normalize_path(path)
    } else {
        path.to_owned()
    };
    let mut out = String::with_capacity(path.len() + 8);
    for byte in path.bytes() {
        if byte == b'/' {
            out.push('/');
        } else {
            push_encoded(&mut out, byte);
        }
    }
    out
}

/// RFC 3986 dot-segment removal, with empty segments dropped; a trailing slash is kept.
fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    let mut out = String::with_capacity(path.len());
    out.push('/');
    out.push_str(&segments.join("/"));
    if trailing && !segments.is_empty() {
        out.push('/');
    }
    out
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (encode(&decode(key)), encode(&decode(value)))
        })
        .collect();
    pairs.sort();
    let mut out = String::with_capacity(query.len() + 8);
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(key);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// Percent-decodes; a `%` not followed by two hex digits stands for itself.
fn decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(high), Some(low)) = (
                bytes.get(i + 1).and_then(|c| (*c as char).to_digit(16)),
                bytes.get(i + 2).and_then(|c| (*c as char).to_digit(16)),
            )
        {
            out.push((high * 16 + low) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for byte in bytes {
        push_encoded(&mut out, *byte);
    }
    out
}

fn push_encoded(out: &mut String, byte: u8) {
    if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
        out.push(byte as char);
    } else {
        const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
        out.push('%');
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0xf)] as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_paths_as_the_suite_does() {
        for (given, expected) in [
            ("/", "/"),
            ("//example//", "/example/"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("/./example", "/example"),
            ("/example/.", "/example/"),
            ("/a/./b/../c", "/a/c"),
        ] {
            assert_eq!(normalize_path(given), expected, "{given}");
        }
    }

    #[test]
    fn encodes_paths_once_more_and_queries_once() {
        assert_eq!(canonical_path("/a%3Db c", true), "/a%253Db%20c");
        assert_eq!(
            canonical_query("b=2&a=%E1%88%B4&a=1&c"),
            "a=%E1%88%B4&a=1&b=2&c="
        );
    }

    #[test]
    fn collapses_header_whitespace() {
        let mut out = String::new();
        push_collapsed(&mut out, "  a   b \t c  ");
        assert_eq!(out, "a b c");
    }
}
