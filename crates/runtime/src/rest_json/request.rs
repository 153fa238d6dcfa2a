//! A routed restJson1 request, and the reading of an operation's input from it: every member
//! bound to a label, a query parameter, a header or the payload is read from its text and put,
//! in the form a JSON body would carry it, into one object beside the body's own members; the
//! operation's generated reader then reads and validates that object as it reads any JSON, so
//! bound members get the same checks, paths and messages as body members.

use base64::Engine as _;
use bytes::Bytes;
use serde_json::{Map, Number, Value};

use super::text::{self, QueryString, TextError};
use crate::operation::DecodeError;
use crate::timestamp::{Timestamp, TimestampFormat};
use crate::validation::{Path, Violations};

/// A request routed to an operation: its head, its labels (in the URI pattern's order, still
/// percent-encoded) and its body.
#[derive(Debug)]
pub struct RestRequest {
    head: http::request::Parts,
    labels: Vec<String>,
    body: Bytes,
    max_json_depth: usize,
}

impl RestRequest {
    /// A request with its route's labels; a JSON body may nest 64 levels deep.
    pub fn new(head: http::request::Parts, labels: Vec<String>, body: Bytes) -> Self {
        Self {
            head,
            labels,
            body,
            max_json_depth: 64,
        }
    }

    /// The same, with another limit on how deep a JSON body may nest.
    pub fn with_max_json_depth(self, max_json_depth: usize) -> Self {
        Self {
            max_json_depth,
            ..self
        }
    }

    /// The method, URI, headers and extensions.
    pub fn head(&self) -> &http::request::Parts {
        &self.head
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The raw text of the label at `index` in the URI pattern, if the route has it.
    pub fn label(&self, index: usize) -> Option<&str> {
        self.labels.get(index).map(String::as_str)
    }
}

/// How a bound member's text is read: its target's type, and for timestamps the format of its
/// location and the format its JSON form takes for the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// A string or enum, as it is.
    String,
    /// A string with `@mediaType`, which a header carries base64-encoded.
    MediaTypeString,
    /// `true` or `false`.
    Boolean,
    /// An 8-bit integer.
    Byte,
    /// A 16-bit integer.
    Short,
    /// A 32-bit integer (or intEnum).
    Integer,
    /// A 64-bit integer.
    Long,
    /// A 32-bit float, `NaN`, `Infinity` or `-Infinity`.
    Float,
    /// A 64-bit float, `NaN`, `Infinity` or `-Infinity`.
    Double,
    /// An integer of any size.
    BigInteger,
    /// A decimal of any size.
    BigDecimal,
    /// Base64 text.
    Blob,
    /// A timestamp.
    Timestamp {
        /// Its format where it is bound.
        wire: TimestampFormat,
        /// Its format in JSON, as the member's reader expects it.
        json: TimestampFormat,
    },
}

/// What an `@httpPayload` member is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
    /// A structure or union: a JSON value.
    Json,
    /// A document: any JSON value.
    Document,
    /// A blob: the bytes.
    Blob,
    /// A string or enum: the UTF-8 text.
    Text,
}

/// Gathers an operation's input from a request, then reads it with the generated reader. Every
/// problem with the text of a bound member is kept; the request is malformed if there is one.
#[derive(Debug)]
pub struct InputBuilder<'r> {
    request: &'r RestRequest,
    object: Map<String, Value>,
    query: Option<QueryString>,
    problems: Vec<String>,
}

impl<'r> InputBuilder<'r> {
    /// Starts with no members.
    pub fn new(request: &'r RestRequest) -> Self {
        Self {
            request,
            object: Map::new(),
            query: None,
            problems: Vec::new(),
        }
    }

    /// Takes the body's members: the body must be a JSON object, or empty, within the depth
    /// limit and naming no key twice.
    pub fn json_body(&mut self) {
        if let Err(reason) = self.check_json() {
            return self.problem(reason);
        }
        match crate::json::parse_body(self.request.body()) {
            Ok(Value::Object(members)) => self.object = members,
            Ok(_) => self.problem("the body must be a JSON object".to_owned()),
            Err(reason) => self.problem(reason),
        }
    }

    /// A member bound to the label at `index`.
    pub fn label(&mut self, key: &str, index: usize, kind: TextKind) {
        let Some(raw) = self.request.label(index) else {
            return self.problem(format!("the path has no label for {key}"));
        };
        match text::decode_label(raw).and_then(|decoded| json_value(&decoded, kind)) {
            Ok(value) => self.set(key, value),
            Err(error) => self.problem(format!("path label {key}: {error}")),
        }
    }

    /// A string member bound to the greedy label at `index`.
    pub fn greedy_label(&mut self, key: &str, index: usize) {
        let Some(raw) = self.request.label(index) else {
            return self.problem(format!("the path has no label for {key}"));
        };
        match text::decode_greedy_label(raw.split('/')) {
            Ok(decoded) => self.set(key, Value::String(decoded)),
            Err(error) => self.problem(format!("path label {key}: {error}")),
        }
    }

    /// A member bound to the query parameter `name`; of repeated values the first counts.
    pub fn query(&mut self, key: &str, name: &str, kind: TextKind) {
        let Some(query) = self.parsed_query() else {
            return;
        };
        let Some(text) = query.first(name) else {
            return self.remove(key);
        };
        match json_value(text, kind) {
            Ok(value) => self.set(key, value),
            Err(error) => self.problem(format!("query parameter {name}: {error}")),
        }
    }

    /// A list member bound to the query parameter `name`: every value, in order.
    pub fn query_list(&mut self, key: &str, name: &str, kind: TextKind) {
        let Some(query) = self.parsed_query() else {
            return;
        };
        let texts = query.all(name);
        if texts.is_empty() {
            return self.remove(key);
        }
        let items: Result<Vec<Value>, TextError> =
            texts.iter().map(|text| json_value(text, kind)).collect();
        match items {
            Ok(items) => self.set(key, Value::Array(items)),
            Err(error) => self.problem(format!("query parameter {name}: {error}")),
        }
    }

    /// A map member bound to every query parameter (`@httpQueryParams`): of strings (each key's
    /// first value) or of lists of strings (every value).
    pub fn query_params(&mut self, key: &str, lists: bool) {
        let Some(query) = self.parsed_query() else {
            return;
        };
        if query.is_empty() {
            return self.remove(key);
        }
        let map: Map<String, Value> = if lists {
            query
                .grouped()
                .into_iter()
                .map(|(name, values)| {
                    let values = values
                        .into_iter()
                        .map(|v| Value::String(v.to_owned()))
                        .collect();
                    (name.to_owned(), Value::Array(values))
                })
                .collect()
        } else {
            query
                .first_per_key()
                .into_iter()
                .map(|(name, value)| (name.to_owned(), Value::String(value.to_owned())))
                .collect()
        };
        self.set(key, Value::Object(map));
    }

    /// A member bound to the header `name` (lowercase).
    pub fn header(&mut self, key: &str, name: &str, kind: TextKind) {
        let values = self.request.head.headers.get_all(name);
        match text::single_header(values.iter()) {
            Ok(None) => self.remove(key),
            Ok(Some(text)) => match json_value(text, kind) {
                Ok(value) => self.set(key, value),
                Err(error) => self.problem(format!("header {name}: {error}")),
            },
            Err(error) => self.problem(format!("header {name}: {error}")),
        }
    }

    /// A list member bound to the header `name` (lowercase): its comma-separated items over
    /// every line.
    pub fn header_list(&mut self, key: &str, name: &str, kind: TextKind) {
        let values = self.request.head.headers.get_all(name);
        if values.iter().next().is_none() {
            return self.remove(key);
        }
        let http_dates = matches!(
            kind,
            TextKind::Timestamp {
                wire: TimestampFormat::HttpDate,
                ..
            }
        );
        let items = if http_dates {
            text::split_http_date_list(values.iter())
        } else {
            text::split_header_list(values.iter())
        };
        let items = items.and_then(|items| {
            items
                .iter()
                .map(|item| json_value(item, kind))
                .collect::<Result<Vec<Value>, TextError>>()
        });
        match items {
            Ok(items) => self.set(key, Value::Array(items)),
            Err(error) => self.problem(format!("header {name}: {error}")),
        }
    }

    /// A map member bound to every header starting with `prefix` (lowercase).
    pub fn prefix_headers(&mut self, key: &str, prefix: &str) {
        match text::prefix_headers(&self.request.head.headers, prefix) {
            Ok(found) if found.is_empty() => self.remove(key),
            Ok(found) => {
                let map = found
                    .into_iter()
                    .map(|(name, value)| (name, Value::String(value)))
                    .collect();
                self.set(key, Value::Object(map));
            }
            Err(error) => self.problem(format!("headers {prefix}*: {error}")),
        }
    }

    /// The member bound to the whole body (`@httpPayload`). An empty body leaves it unset.
    pub fn payload(&mut self, key: &str, payload: Payload) {
        let body = self.request.body();
        if body.is_empty() {
            return self.remove(key);
        }
        if matches!(payload, Payload::Json | Payload::Document)
            && let Err(reason) = self.check_json()
        {
            return self.problem(reason);
        }
        let value = match payload {
            // A structure payload of `{}` is what a client sends for an unset payload
            // (`RestJsonHttpWithEmptyStructurePayload`, `RestJsonHttpWithHeadersButNoPayload`).
            Payload::Json => match serde_json::from_slice(body) {
                Ok(Value::Object(members)) if members.is_empty() => return self.remove(key),
                Ok(value) => value,
                Err(error) => return self.problem(format!("malformed JSON: {error}")),
            },
            Payload::Document => match serde_json::from_slice(body) {
                Ok(value) => value,
                Err(error) => return self.problem(format!("malformed JSON: {error}")),
            },
            Payload::Blob => Value::String(base64::engine::general_purpose::STANDARD.encode(body)),
            Payload::Text => match std::str::from_utf8(body) {
                Ok(text) => Value::String(text.to_owned()),
                Err(_) => return self.problem("the body is not UTF-8 text".to_owned()),
            },
        };
        self.set(key, value);
    }

    /// Reads the gathered input with the operation's generated reader: the input, or every
    /// problem (a malformed request) or every constraint violation.
    pub fn finish<T>(
        self,
        read: fn(Value, &Path<'_>, &mut Violations) -> Option<T>,
    ) -> Result<T, DecodeError> {
        if !self.problems.is_empty() {
            return Err(DecodeError::Malformed(self.problems.join("; ")));
        }
        crate::operation::decode(Value::Object(self.object), read)
    }

    /// What a JSON parser lets through but a server should not (see
    /// [`crate::json::check_structure`]).
    fn check_json(&self) -> Result<(), String> {
        crate::json::check_structure(self.request.body(), self.request.max_json_depth)
    }

    fn parsed_query(&mut self) -> Option<&QueryString> {
        if self.query.is_none() {
            let raw = self.request.head.uri.query().unwrap_or("");
            match QueryString::parse(raw) {
                Ok(query) => self.query = Some(query),
                Err(error) => {
                    self.problem(format!("query string: {error}"));
                    // Parsed once: later members see an empty query, the request is refused.
                    self.query = Some(QueryString::default());
                    return None;
                }
            }
        }
        self.query.as_ref()
    }

    fn set(&mut self, key: &str, value: Value) {
        self.object.insert(key.to_owned(), value);
    }

    /// A bound member whose location is empty: whatever the body said of it does not count.
    fn remove(&mut self, key: &str) {
        self.object.remove(key);
    }

    fn problem(&mut self, problem: String) {
        if !self.problems.contains(&problem) {
            self.problems.push(problem);
        }
    }
}

/// A bound member's text as the JSON value its reader expects.
fn json_value(text: &str, kind: TextKind) -> Result<Value, TextError> {
    Ok(match kind {
        TextKind::String => Value::String(text.to_owned()),
        TextKind::MediaTypeString => Value::String(text::parse_media_type_string(text)?),
        TextKind::Boolean => Value::Bool(text::parse_boolean(text)?),
        TextKind::Byte => Value::from(text::parse_byte(text)?),
        TextKind::Short => Value::from(text::parse_short(text)?),
        TextKind::Integer => Value::from(text::parse_integer(text)?),
        TextKind::Long => Value::from(text::parse_long(text)?),
        TextKind::Float => float_value(text, f64::from(text::parse_float(text)?)),
        TextKind::Double => float_value(text, text::parse_double(text)?),
        TextKind::BigInteger => number_text(text::parse_big_integer(text)?.as_str())?,
        TextKind::BigDecimal => number_text(text::parse_big_decimal(text)?.as_str())?,
        TextKind::Blob => {
            text::parse_blob(text)?;
            Value::String(text.to_owned())
        }
        TextKind::Timestamp { wire, json } => {
            timestamp_value(&text::parse_timestamp(text, wire)?, json)?
        }
    })
}

/// A float as JSON: its text when it is a number, `"NaN"`, `"Infinity"` or `"-Infinity"`
/// otherwise (as a JSON body writes them).
fn float_value(text: &str, value: f64) -> Value {
    if value.is_nan() {
        Value::String("NaN".to_owned())
    } else if value.is_infinite() {
        let text = if value > 0.0 { "Infinity" } else { "-Infinity" };
        Value::String(text.to_owned())
    } else {
        number_text(text).unwrap_or_else(|_| Value::from(value))
    }
}

fn number_text(text: &str) -> Result<Value, TextError> {
    text.parse::<Number>()
        .map(Value::Number)
        .map_err(|_| TextError::expected("a number", text))
}

/// A timestamp in the JSON form of `format`.
fn timestamp_value(timestamp: &Timestamp, format: TimestampFormat) -> Result<Value, TextError> {
    let text = text::format_timestamp(timestamp, format);
    match format {
        TimestampFormat::EpochSeconds => number_text(&text),
        TimestampFormat::DateTime | TimestampFormat::HttpDate => Ok(Value::String(text)),
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use serde_json::Value;

    use super::{InputBuilder, Payload, RestRequest};
    use crate::operation::DecodeError;
    use crate::validation::{Path, Violations};

    fn request(body: &'static [u8]) -> RestRequest {
        let (head, ()) = http::Request::builder()
            .method("POST")
            .uri("/upload")
            .body(())
            .expect("a valid request")
            .into_parts();
        RestRequest::new(head, Vec::new(), Bytes::from_static(body)).with_max_json_depth(4)
    }

    fn whole(value: Value, _path: &Path<'_>, _v: &mut Violations) -> Option<Value> {
        Some(value)
    }

    #[test]
    fn a_blob_or_text_payload_is_not_held_to_json_rules() {
        // Deeper than the JSON limit, and a key twice: bytes, not JSON.
        for body in [&b"[[[[[[[[[["[..], &br#"{"a":1,"a":2}"#[..]] {
            let request = request(body);
            for payload in [Payload::Blob, Payload::Text] {
                let mut input = InputBuilder::new(&request);
                input.payload("data", payload);
                assert!(input.finish(whole).is_ok(), "{payload:?} refused");
            }
        }
    }

    #[test]
    fn json_bodies_and_payloads_are() {
        for body in [&b"[[[[[[[[[[]]]]]]]]]]"[..], &br#"{"a":1,"a":2}"#[..]] {
            let request = request(body);
            let mut input = InputBuilder::new(&request);
            input.payload("data", Payload::Document);
            assert!(matches!(
                input.finish(whole),
                Err(DecodeError::Malformed(_))
            ));
            let mut input = InputBuilder::new(&request);
            input.json_body();
            assert!(matches!(
                input.finish(whole),
                Err(DecodeError::Malformed(_))
            ));
        }
    }
}
