//! Media types (RFC 9110 section 8.3.1), and the `Content-Type` and `Accept` checks a restJson1
//! server makes before reading a request.

use super::{Shown, TextError};

/// A parsed media type or media range: `type/subtype` and its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaType {
    /// `type/subtype`, lowercase.
    essence: String,
    slash: usize,
    /// Parameter names lowercase, values as given (unquoted).
    parameters: Vec<(String, String)>,
}

impl MediaType {
    /// Parses `type/subtype` followed by `; name=value` parameters, a value being a token or a
    /// quoted string. Type, subtype and parameter names are compared without regard to case, so
    /// they are kept lowercase. Refuses anything else, naming the text.
    pub fn parse(text: &str) -> Result<Self, TextError> {
        let refuse = || TextError::expected("a media type such as application/json", text);
        let mut rest = trim(text);
        let type_end = token_end(rest);
        let main = &rest[..type_end];
        rest = rest[type_end..].strip_prefix('/').ok_or_else(refuse)?;
        let subtype_end = token_end(rest);
        let subtype = &rest[..subtype_end];
        if main.is_empty() || subtype.is_empty() {
            return Err(refuse());
        }
        let essence = format!("{main}/{subtype}").to_ascii_lowercase();
        rest = &rest[subtype_end..];
        let mut parameters = Vec::new();
        loop {
            rest = trim_start(rest);
            if rest.is_empty() {
                break;
            }
            rest = trim_start(rest.strip_prefix(';').ok_or_else(refuse)?);
            if rest.is_empty() || rest.starts_with(';') {
                continue;
            }
            let name_end = token_end(rest);
            let name = &rest[..name_end];
            rest = rest[name_end..].strip_prefix('=').ok_or_else(refuse)?;
            if name.is_empty() {
                return Err(refuse());
            }
            let value = if let Some(quoted) = rest.strip_prefix('"') {
                let (value, after) = quoted_string(quoted).ok_or_else(refuse)?;
                rest = after;
                value
            } else {
                let value_end = token_end(rest);
                if value_end == 0 {
                    return Err(refuse());
                }
                let value = rest[..value_end].to_owned();
                rest = &rest[value_end..];
                value
            };
            parameters.push((name.to_ascii_lowercase(), value));
        }
        Ok(Self {
            slash: main.len(),
            essence,
            parameters,
        })
    }

    /// `type/subtype`, lowercase: `application/json` for `Application/JSON; charset=utf-8`.
    pub fn essence(&self) -> &str {
        &self.essence
    }

    /// The type, lowercase: `application`.
    pub fn main_type(&self) -> &str {
        &self.essence[..self.slash]
    }

    /// The subtype, lowercase: `json`.
    pub fn subtype(&self) -> &str {
        &self.essence[self.slash + 1..]
    }

    /// A parameter's value by name, compared without regard to case.
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every parameter in order, names lowercase.
    pub fn parameters(&self) -> &[(String, String)] {
        &self.parameters
    }

    /// As a range in `Accept`, whether it covers a `type/subtype`: `*/*`, `type/*`, or the
    /// same type and subtype. Parameters do not narrow the match.
    pub fn covers(&self, essence: &str) -> bool {
        let essence = essence.to_ascii_lowercase();
        let (main, subtype) = essence.split_once('/').unwrap_or((essence.as_str(), ""));
        match (self.main_type(), self.subtype()) {
            ("*", "*") => true,
            (range_main, "*") => range_main == main,
            (range_main, range_subtype) => range_main == main && range_subtype == subtype,
        }
    }

    /// The `q` parameter in thousandths: 1000 when absent. `None` when it is not a valid
    /// weight (`0` to `1` with up to three decimals).
    fn quality(&self) -> Option<u16> {
        let Some(q) = self.parameter("q") else {
            return Some(1000);
        };
        let (whole, fraction) = q.split_once('.').unwrap_or((q, ""));
        if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let thousandths = fraction
            .bytes()
            .chain(std::iter::repeat(b'0'))
            .take(3)
            .fold(0_u16, |n, b| n * 10 + u16::from(b - b'0'));
        match whole {
            "0" => Some(thousandths),
            "1" if thousandths == 0 => Some(1000),
            _ => None,
        }
    }
}

/// What an operation's request or response body is, for its media-type checks. The code
/// generator picks one per operation direction from the model, after the restJson1
/// specification's Content-Type table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyMedia {
    /// No body is modelled: no input or output at all (`smithy.api#Unit`), or a structure with
    /// members that are all bound to the path, query string or headers.
    None,
    /// A JSON body: the structure has members left for the body, or has no members at all
    /// (`RestJsonEmptyInputAndEmptyOutputWithJson` accepts `{}` sent as `application/json`), or
    /// its `@httpPayload` targets a structure, union or document.
    Json,
    /// A payload of one media type: a blob or string payload's `@mediaType`, or `text/plain`
    /// for a string (or enum) payload without one.
    Exact(&'static str),
    /// Any media type: a blob payload without `@mediaType`
    /// (`RestJsonHttpPayloadTraitsWithBlobAcceptsAllContentTypes`, `…AcceptsAllAccepts`), or an
    /// input with a member bound to the `Content-Type` header (`RestJsonTestPayloadBlob`).
    Any,
}

impl BodyMedia {
    /// The `Content-Type` a response with this body carries: `application/json`, the exact
    /// type, `application/octet-stream` for a blob without `@mediaType`, or none without a body.
    pub fn default_content_type(self) -> Option<&'static str> {
        match self {
            BodyMedia::None => None,
            BodyMedia::Json => Some("application/json"),
            BodyMedia::Exact(media_type) => Some(media_type),
            BodyMedia::Any => Some("application/octet-stream"),
        }
    }

    /// The `type/subtype` the body must have, or `None` when any will do.
    fn expected_essence(self) -> Option<String> {
        let media_type = match self {
            BodyMedia::Any => return None,
            BodyMedia::None | BodyMedia::Json => "application/json",
            BodyMedia::Exact(media_type) => media_type,
        };
        Some(match MediaType::parse(media_type) {
            Ok(parsed) => parsed.essence().to_owned(),
            Err(_) => trim(media_type).to_ascii_lowercase(),
        })
    }
}

/// Checks a request's `Content-Type` (its one value, see [`super::single_header`]) against what
/// the operation's input expects; an error means `415 UnsupportedMediaTypeException`.
///
/// - A request without a body passes whatever its `Content-Type`: the header then describes
///   nothing, and `RestJsonHeaderMalformedStringInvalidBase64MediaType` must reach its 400 for
///   a bad header although it sends `application/json` to an operation without a body.
/// - [`BodyMedia::None`]: a body sent with any `Content-Type` is refused
///   (`RestJsonWithoutBodyExpectsEmptyContentType`,
///   `RestJsonWithoutBodyEmptyInputExpectsEmptyContentType`).
/// - [`BodyMedia::Json`] and [`BodyMedia::Exact`]: a body needs a `Content-Type` of that type
///   and subtype; parameters are ignored (`RestJsonMustSupportParametersInContentType`). A
///   missing header (`RestJsonWithBodyExpectsApplicationJsonContentTypeNoHeaders`) or another
///   type (`RestJsonWithBodyExpectsApplicationJsonContentType` refuses
///   `application/hal+json`, `RestJsonWithPayloadExpectsModeledContentType` refuses
///   `application/json` for `image/jpeg`) is refused.
/// - [`BodyMedia::Any`]: everything passes.
///
/// One request case disagrees with these rules: `RestJsonEndpointTraitWithHostLabel` sends a
/// JSON body without a `Content-Type`. It is written for clients (it checks the host prefix),
/// and the malformed-request case above is explicit for servers, so the server refuses it.
pub fn check_content_type(
    content_type: Option<&str>,
    expected: BodyMedia,
    body_is_empty: bool,
) -> Result<(), TextError> {
    if body_is_empty {
        return Ok(());
    }
    let Some(essence) = expected.expected_essence() else {
        return Ok(());
    };
    match (expected, content_type) {
        (BodyMedia::None, None) => Ok(()),
        (BodyMedia::None, Some(found)) => Err(TextError::new(format!(
            "this operation takes no request body, but one came with the Content-Type {}",
            Shown(found)
        ))),
        (_, None) => Err(TextError::new(format!(
            "a request body needs the Content-Type {essence}"
        ))),
        (_, Some(found)) => {
            let parsed = MediaType::parse(found)?;
            if parsed.essence() == essence {
                Ok(())
            } else {
                Err(TextError::new(format!(
                    "expected the Content-Type {essence} but found {}",
                    Shown(found)
                )))
            }
        }
    }
}

/// Reads `Accept` header lines into media ranges, in order. Commas inside quoted parameter
/// values do not separate ranges; empty elements are skipped.
pub fn parse_accept<'a, V>(
    values: impl IntoIterator<Item = &'a V>,
) -> Result<Vec<MediaType>, TextError>
where
    V: AsRef<[u8]> + ?Sized + 'a,
{
    let mut ranges = Vec::new();
    for value in values {
        let line = std::str::from_utf8(value.as_ref())
            .map_err(|_| TextError::new("the Accept header is not UTF-8"))?;
        for element in split_outside_quotes(line) {
            if !trim(element).is_empty() {
                let range = MediaType::parse(element)?;
                if range.quality().is_none() {
                    return Err(TextError::new(format!(
                        "the media range {} has a q weight that is not 0 to 1 with up to \
                         three decimals",
                        Shown(trim(element))
                    )));
                }
                ranges.push(range);
            }
        }
    }
    Ok(ranges)
}

/// Checks a request's `Accept` header lines against the response body the operation produces;
/// an error means `406 NotAcceptableException`.
///
/// No `Accept` header, or an empty one, accepts anything. Otherwise some range with a weight
/// above zero must cover the response's type and subtype: `*/*`
/// (`AcceptHeaderStarStarRequestTest`), `application/*` (`AcceptHeaderStarRequestTest`) or the
/// type itself. An output without a body expects `application/json`, the protocol's type, which
/// its errors use too (`RestJsonNoInputAllowsAccept`). `application/hal+json` does not cover
/// `application/json` (`RestJsonWithBodyExpectsApplicationJsonAccept`); `application/json`
/// covers neither `image/jpeg` (`RestJsonWithPayloadExpectsModeledAccept`) nor the
/// `text/plain` of a string payload (`RestJsonWithPayloadExpectsImpliedAccept`).
/// [`BodyMedia::Any`] accepts anything (`RestJsonHttpPayloadTraitsWithBlobAcceptsAllAccepts`).
/// An `Accept` header that does not parse is refused.
pub fn check_accept<'a, V>(
    values: impl IntoIterator<Item = &'a V>,
    expected: BodyMedia,
) -> Result<(), TextError>
where
    V: AsRef<[u8]> + ?Sized + 'a,
{
    let ranges = parse_accept(values)?;
    let Some(essence) = expected.expected_essence() else {
        return Ok(());
    };
    if ranges.is_empty()
        || ranges
            .iter()
            .any(|range| range.covers(&essence) && range.quality().is_some_and(|q| q > 0))
    {
        return Ok(());
    }
    let listed: Vec<&str> = ranges.iter().map(MediaType::essence).collect();
    Err(TextError::new(format!(
        "the response is {essence}, which the Accept header ({}) does not allow",
        listed.join(", ")
    )))
}

fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

fn token_end(text: &str) -> usize {
    text.bytes()
        .position(|b| !is_tchar(b))
        .unwrap_or(text.len())
}

fn trim(text: &str) -> &str {
    text.trim_matches([' ', '\t'])
}

fn trim_start(text: &str) -> &str {
    text.trim_start_matches([' ', '\t'])
}

/// Reads a quoted string after its opening quote: the unescaped value and the text after the
/// closing quote, or `None` when it does not close.
fn quoted_string(text: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((value, &text[at + 1..])),
            '\\' => value.push(chars.next()?.1),
            c => value.push(c),
        }
    }
    None
}

fn split_outside_quotes(line: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        if escaped {
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == ',' && !quoted {
            parts.push(&line[start..at]);
            start = at + 1;
        }
    }
    parts.push(&line[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_parse_with_parameters() {
        let parsed = MediaType::parse("Application/JSON; Charset=\"utf-8\" ;q=0.5").unwrap();
        assert_eq!(parsed.essence(), "application/json");
        assert_eq!(parsed.main_type(), "application");
        assert_eq!(parsed.subtype(), "json");
        assert_eq!(parsed.parameter("charset"), Some("utf-8"));
        assert_eq!(parsed.parameters().len(), 2);
        assert_eq!(parsed.quality(), Some(500));
        let quoted = MediaType::parse("text/plain; x=\"a;b\\\"c\"").unwrap();
        assert_eq!(quoted.parameter("X"), Some("a;b\"c"));
        assert_eq!(MediaType::parse("a/b;").unwrap().parameters().len(), 0);
        for bad in [
            "",
            "json",
            "/json",
            "application/",
            "application/json x",
            "a/b; c",
            "a/b; =d",
            "a/b; c=",
            "a/b; c=\"open",
            "a b/c",
            "a/b/c",
        ] {
            assert!(MediaType::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn quality_weights() {
        let q = |text: &str| MediaType::parse(text).unwrap().quality();
        assert_eq!(q("a/b"), Some(1000));
        assert_eq!(q("a/b;q=1"), Some(1000));
        assert_eq!(q("a/b;q=1.000"), Some(1000));
        assert_eq!(q("a/b;q=0"), Some(0));
        assert_eq!(q("a/b;q=0.25"), Some(250));
        for bad in [
            "a/b;q=1.5",
            "a/b;q=2",
            "a/b;q=0.1234",
            "a/b;q=x",
            "a/b;q=-0",
        ] {
            assert_eq!(q(bad), None, "{bad}");
        }
    }

    #[test]
    fn content_type_rules() {
        use BodyMedia::{Any, Exact, Json};
        let check = |ct: Option<&str>, expected, empty| check_content_type(ct, expected, empty);
        assert!(check(Some("application/json; charset=utf-8"), Json, false).is_ok());
        assert!(check(Some("APPLICATION/JSON"), Json, false).is_ok());
        assert!(check(Some("application/hal+json"), Json, false).is_err());
        assert!(check(None, Json, false).is_err());
        assert!(check(None, Json, true).is_ok());
        assert!(check(Some("application/json"), BodyMedia::None, false).is_err());
        assert!(check(Some("application/json"), BodyMedia::None, true).is_ok());
        assert!(check(None, BodyMedia::None, false).is_ok());
        assert!(check(Some("application/json"), Exact("image/jpeg"), false).is_err());
        assert!(check(Some("image/jpeg"), Exact("image/jpeg"), false).is_ok());
        assert!(
            check(
                Some("text/plain"),
                Exact("text/plain; charset=utf-8"),
                false
            )
            .is_ok()
        );
        assert!(check(Some("image/jpg"), Any, false).is_ok());
        assert!(check(Some("not a media type"), Any, false).is_ok());
        assert!(check(Some("not a media type"), Json, false).is_err());
    }

    #[test]
    fn accept_rules() {
        use BodyMedia::{Any, Exact, Json};
        let accept = |value: &str, expected| check_accept([value], expected);
        assert!(check_accept::<str>([], Json).is_ok());
        assert!(accept("", Json).is_ok());
        assert!(accept("application/json", Json).is_ok());
        assert!(accept("*/*", Json).is_ok());
        assert!(accept("application/*", Json).is_ok());
        assert!(accept("text/*", Json).is_err());
        assert!(accept("application/hal+json", Json).is_err());
        assert!(accept("application/json", BodyMedia::None).is_ok());
        assert!(accept("application/json", Exact("image/jpeg")).is_err());
        assert!(accept("application/json", Exact("text/plain")).is_err());
        assert!(accept("text/html, image/*;q=0.2", Exact("image/jpeg")).is_ok());
        assert!(accept("image/jpeg;q=0, */*;q=0", Exact("image/jpeg")).is_err());
        assert!(accept("text/html;x=\"a,b\", application/json", Json).is_ok());
        assert!(accept("image/jpeg", Any).is_ok());
        assert!(accept("garbage", Json).is_err());
        assert!(accept("*/*;q=7", Json).is_err());
        let mut headers = http::HeaderMap::new();
        headers.append("accept", http::HeaderValue::from_static("text/html"));
        headers.append("accept", http::HeaderValue::from_static("application/json"));
        assert!(check_accept(headers.get_all("accept"), Json).is_ok());
    }

    #[test]
    fn default_content_types() {
        assert_eq!(BodyMedia::None.default_content_type(), None);
        assert_eq!(
            BodyMedia::Json.default_content_type(),
            Some("application/json")
        );
        assert_eq!(
            BodyMedia::Exact("image/jpeg").default_content_type(),
            Some("image/jpeg")
        );
        assert_eq!(
            BodyMedia::Any.default_content_type(),
            Some("application/octet-stream")
        );
    }
}
