//! Lowers restJson1's HTTP bindings: each operation's `@http` trait (method, URI pattern,
//! status) and where every member of its input, output and errors travels. Everything the
//! protocol forbids is refused here, at generation time, naming the operation and the member:
//! ill-formed URI patterns, labels without members and members without labels, bindings to
//! targets a location cannot carry, two members in one place, a payload beside body members,
//! and routes two operations would both match.

use crate::smithy::{ShapeType, traits};
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Lowering;
use crate::error::{Error, Result};
use crate::ir::{
    Binding, HttpOperation, Location, MessageBindings, Operation, PayloadKind, QueryLiteral,
    TimestampFormat, UriPattern, UriSegment,
};
use crate::load::AstShape;
use smithy_uri_pattern::Segment;

/// Which message a structure is: the traits that bind members differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Message {
    Input,
    Output,
    Error,
}

fn unsupported(shape: &str, reason: impl Into<String>) -> Error {
    Error::Unsupported {
        shape: shape.to_owned(),
        reason: reason.into(),
    }
}

/// Parses an `@http` URI pattern with Smithy's rules (the `smithy-uri-pattern` crate, which the
/// runtime's router builds on too, so a pattern generated is a pattern served): `/` then
/// segments, each literal text or a whole-segment label (`{name}`, or greedy `{name+}`), then
/// optionally `?` and query literals (`key=value` or `key`, joined by `&`).
pub(crate) fn parse_uri(text: &str) -> std::result::Result<UriPattern, String> {
    let parsed = smithy_uri_pattern::UriPattern::parse(text).map_err(|e| e.kind().to_string())?;
    let path = text.split_once('?').map_or(text, |(path, _)| path);
    let segments = parsed
        .segments()
        .iter()
        .map(|segment| match segment {
            Segment::Literal(text) => UriSegment::Literal(text.clone()),
            Segment::Label(name) => UriSegment::Label(name.clone()),
            Segment::GreedyLabel(name) => UriSegment::GreedyLabel(name.clone()),
        })
        .collect();
    let query = parsed
        .query_literals()
        .iter()
        .map(|literal| QueryLiteral {
            key: literal.key().to_owned(),
            value: literal.value().map(str::to_owned),
        })
        .collect();
    Ok(UriPattern {
        text: text.to_owned(),
        segments,
        trailing_slash: path.len() > 1 && path.ends_with('/'),
        query,
    })
}

/// Whether two patterns of one method conflict, as Smithy defines it: a request could match
/// both and neither is more specific.
fn conflict(a: &UriPattern, b: &UriPattern) -> bool {
    match (
        smithy_uri_pattern::UriPattern::parse(&a.text),
        smithy_uri_pattern::UriPattern::parse(&b.text),
    ) {
        (Ok(a), Ok(b)) => a.conflicts_with(&b),
        _ => false,
    }
}

/// The outputs and errors that have members outside their JSON body (and no payload, which
/// replaces the body), whose body is written by a function of its own.
pub(super) fn split_bodies(
    operations: &[Operation],
    shapes: &BTreeMap<String, crate::ir::Shape>,
) -> BTreeSet<String> {
    let split = |bindings: &MessageBindings| {
        bindings.payload().is_none()
            && bindings
                .members
                .iter()
                .any(|b| !matches!(b.location, Location::Body { .. }))
    };
    let outputs = operations.iter().filter_map(|op| {
        let bindings = op.http.as_ref()?.output.as_ref()?;
        split(bindings).then(|| op.output.clone()).flatten()
    });
    let errors = shapes.iter().filter_map(|(id, shape)| {
        let bindings = shape.error.as_ref()?.http.as_ref()?;
        split(bindings).then(|| id.clone())
    });
    outputs.chain(errors).collect()
}

/// Refuses two operations whose routes conflict.
pub(super) fn check_routes(operations: &[Operation]) -> Result<()> {
    for (index, first) in operations.iter().enumerate() {
        let Some(a) = &first.http else { continue };
        for second in &operations[index + 1..] {
            let Some(b) = &second.http else { continue };
            if a.method.eq_ignore_ascii_case(&b.method) && conflict(&a.uri, &b.uri) {
                return Err(unsupported(
                    &first.id,
                    format!(
                        "its route {} {} conflicts with {} {} of {}: a request could match both",
                        a.method, a.uri.text, b.method, b.uri.text, second.id
                    ),
                ));
            }
        }
    }
    Ok(())
}

impl Lowering<'_> {
    /// The `@http` trait of an operation and the bindings of its input and output.
    pub(super) fn http_operation(
        &self,
        op_id: &str,
        op: &AstShape,
        input: Option<&str>,
        output: Option<&str>,
    ) -> Result<HttpOperation> {
        let Some(http) = op.traits.get(traits::HTTP) else {
            return Err(unsupported(
                op_id,
                "restJson1 operations need an @http trait (method and URI)",
            ));
        };
        let method = http
            .get("method")
            .and_then(Value::as_str)
            .filter(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
            .ok_or_else(|| {
                unsupported(
                    op_id,
                    format!("@http method in {http} is not an HTTP method"),
                )
            })?
            .to_owned();
        let uri_text = http
            .get("uri")
            .and_then(Value::as_str)
            .ok_or_else(|| unsupported(op_id, "@http needs a uri"))?;
        let uri = parse_uri(uri_text).map_err(|reason| {
            unsupported(
                op_id,
                format!("@http uri `{uri_text}` is invalid: {reason}"),
            )
        })?;
        let code = match http.get("code") {
            None => 200,
            Some(code) => code
                .as_u64()
                .and_then(|c| u16::try_from(c).ok())
                .filter(|c| (100..600).contains(c))
                .ok_or_else(|| {
                    unsupported(op_id, format!("@http code {code} is not an HTTP status"))
                })?,
        };
        let input_bindings = input
            .map(|id| self.bindings(op_id, id, Message::Input, Some(&uri)))
            .transpose()?;
        let labels: Vec<&str> = uri
            .segments
            .iter()
            .filter_map(|s| match s {
                UriSegment::Label(name) | UriSegment::GreedyLabel(name) => Some(name.as_str()),
                UriSegment::Literal(_) => None,
            })
            .collect();
        for label in labels {
            let bound = input_bindings.as_ref().is_some_and(|b| {
                b.members
                    .iter()
                    .any(|m| m.member == label && matches!(m.location, Location::Label { .. }))
            });
            if !bound {
                return Err(unsupported(
                    op_id,
                    format!(
                        "@http uri `{uri_text}` has the label {{{label}}}, but no input member named `{label}` is marked @httpLabel"
                    ),
                ));
            }
        }
        let output_bindings = output
            .map(|id| self.bindings(op_id, id, Message::Output, None))
            .transpose()?;
        Ok(HttpOperation {
            method,
            uri,
            code,
            input: input_bindings,
            output: output_bindings,
        })
    }

    /// Where an error structure's members travel.
    pub(super) fn error_bindings(&self, error_id: &str) -> Result<MessageBindings> {
        self.bindings(error_id, error_id, Message::Error, None)
    }

    fn bindings(
        &self,
        owner: &str,
        structure_id: &str,
        message: Message,
        uri: Option<&UriPattern>,
    ) -> Result<MessageBindings> {
        let structure = self.get(owner, structure_id)?;
        let mut members = Vec::new();
        let mut headers: BTreeMap<String, String> = BTreeMap::new();
        let mut query_keys: BTreeMap<String, String> = BTreeMap::new();
        let mut prefix: Option<(String, String)> = None;
        let mut once: BTreeMap<&str, String> = BTreeMap::new();
        for (name, member) in &structure.members {
            let member_id = format!("{structure_id}${name}");
            let target = self.get(&member_id, &member.target)?;
            let traits = &member.traits;
            let fail = |reason: String| {
                Err(unsupported(
                    &member_id,
                    if owner == structure_id {
                        reason
                    } else {
                        format!("{reason} (in operation {owner})")
                    },
                ))
            };
            let format = |default| -> Result<TimestampFormat> {
                match traits
                    .get(traits::TIMESTAMP_FORMAT)
                    .or_else(|| target.traits.get(traits::TIMESTAMP_FORMAT))
                {
                    None => Ok(default),
                    Some(value) => match value.as_str() {
                        Some("epoch-seconds") => Ok(TimestampFormat::EpochSeconds),
                        Some("date-time") => Ok(TimestampFormat::DateTime),
                        Some("http-date") => Ok(TimestampFormat::HttpDate),
                        _ => Err(unsupported(
                            &member_id,
                            format!("unknown @timestampFormat {value}"),
                        )),
                    },
                }
            };
            let kind = self.binding_kind(&member.target);
            let input = message == Message::Input;
            let location = if let (Some(uri), true, Some(_)) =
                (uri, input, traits.get(traits::HTTP_LABEL))
            {
                let greedy = match uri.segments.iter().find_map(|s| match s {
                    UriSegment::Label(label) if label == name => Some(false),
                    UriSegment::GreedyLabel(label) if label == name => Some(true),
                    _ => None,
                }) {
                    Some(greedy) => greedy,
                    None => {
                        return fail(format!(
                            "is marked @httpLabel, but the @http uri `{}` has no {{{name}}} label",
                            uri.text
                        ));
                    }
                };
                if !traits.contains_key(traits::REQUIRED) {
                    return fail("is an @httpLabel, so it must be @required".into());
                }
                match kind {
                    BindingKind::Scalar | BindingKind::String | BindingKind::Timestamp => {}
                    _ => {
                        return fail(format!(
                            "is an @httpLabel, which carries booleans, numbers, strings, enums and timestamps, not a {}",
                            target.kind
                        ));
                    }
                }
                if greedy && kind != BindingKind::String {
                    return fail(format!(
                        "is a greedy label, which must target a string, not a {}",
                        target.kind
                    ));
                }
                Location::Label {
                    greedy,
                    format: format(TimestampFormat::DateTime)?,
                }
            } else if let (true, Some(key)) = (input, traits.get(traits::HTTP_QUERY)) {
                let Some(key) = key.as_str().filter(|k| !k.is_empty()) else {
                    return fail("@httpQuery needs a non-empty parameter name".into());
                };
                if !kind.is_text() {
                    return fail(format!(
                        "is an @httpQuery, which carries scalars and lists of them, not a {}",
                        target.kind
                    ));
                }
                if let Some(other) = query_keys.insert(key.to_owned(), name.clone()) {
                    return fail(format!(
                        "binds the query parameter `{key}`, as `{other}` does"
                    ));
                }
                if uri.is_some_and(|u| u.query.iter().any(|l| l.key == key)) {
                    return fail(format!(
                        "binds the query parameter `{key}`, which the @http uri fixes as a literal"
                    ));
                }
                Location::Query {
                    key: key.to_owned(),
                    format: format(TimestampFormat::DateTime)?,
                }
            } else if input && traits.contains_key(traits::HTTP_QUERY_PARAMS) {
                if kind != BindingKind::Map
                    || !matches!(
                        self.map_value_kind(target),
                        Some(BindingKind::String | BindingKind::List)
                    )
                {
                    return fail(format!(
                        "is @httpQueryParams, which must target a map of strings or of lists of strings, not {}",
                        member.target
                    ));
                }
                if let Some(other) = once.insert("httpQueryParams", name.clone()) {
                    return fail(format!(
                        "is @httpQueryParams, as `{other}` is: only one member may be"
                    ));
                }
                Location::QueryParams
            } else if let Some(header) = traits.get(traits::HTTP_HEADER) {
                let Some(header) = header.as_str().filter(|h| is_token(h)) else {
                    return fail(format!("@httpHeader {header} is not a header name"));
                };
                if !kind.is_text() {
                    return fail(format!(
                        "is an @httpHeader, which carries scalars and lists of them, not a {}",
                        target.kind
                    ));
                }
                if let Some(other) = headers.insert(header.to_ascii_lowercase(), name.clone()) {
                    return fail(format!("binds the header `{header}`, as `{other}` does"));
                }
                Location::Header {
                    name: header.to_owned(),
                    format: format(TimestampFormat::HttpDate)?,
                    base64: kind == BindingKind::String
                        && target.traits.contains_key(traits::MEDIA_TYPE),
                }
            } else if let Some(prefix_value) = traits.get(traits::HTTP_PREFIX_HEADERS) {
                let Some(text) = prefix_value.as_str() else {
                    return fail(format!("@httpPrefixHeaders {prefix_value} is not a string"));
                };
                if kind != BindingKind::Map
                    || self.map_value_kind(target) != Some(BindingKind::String)
                {
                    return fail(format!(
                        "is @httpPrefixHeaders, which must target a map of strings, not {}",
                        member.target
                    ));
                }
                if let Some((_, other)) = &prefix {
                    return fail(format!(
                        "is @httpPrefixHeaders, as `{other}` is: only one member may be"
                    ));
                }
                prefix = Some((text.to_ascii_lowercase(), name.clone()));
                Location::PrefixHeaders {
                    prefix: text.to_owned(),
                }
            } else if traits.contains_key(traits::HTTP_PAYLOAD) {
                let payload = match kind {
                    BindingKind::Structure => PayloadKind::Json,
                    BindingKind::Document => PayloadKind::Document,
                    BindingKind::Blob => PayloadKind::Blob {
                        streaming: target.traits.contains_key(traits::STREAMING),
                    },
                    BindingKind::String => PayloadKind::Text,
                    _ => {
                        return fail(format!(
                            "is an @httpPayload, which must target a structure, union, document, blob, string or enum, not a {}",
                            target.kind
                        ));
                    }
                };
                if message == Message::Error {
                    return fail(
                        "is an @httpPayload of an error, which servers generated here do not support"
                            .into(),
                    );
                }
                if let Some(other) = once.insert("httpPayload", name.clone()) {
                    return fail(format!(
                        "is an @httpPayload, as `{other}` is: only one member may be"
                    ));
                }
                let media_type = target
                    .traits
                    .get(traits::MEDIA_TYPE)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .unwrap_or_else(|| {
                        match payload {
                            PayloadKind::Json | PayloadKind::Document => "application/json",
                            PayloadKind::Blob { .. } => "application/octet-stream",
                            PayloadKind::Text => "text/plain",
                        }
                        .to_owned()
                    });
                Location::Payload {
                    kind: payload,
                    media_type,
                }
            } else if message == Message::Output && traits.contains_key(traits::HTTP_RESPONSE_CODE)
            {
                if self.shapes[&member.target].kind != ShapeType::Integer {
                    return fail(format!(
                        "is the @httpResponseCode, which must target an integer, not a {}",
                        target.kind
                    ));
                }
                Location::ResponseCode
            } else {
                if target.traits.contains_key(traits::STREAMING) {
                    return fail("is a stream, which must be the @httpPayload".into());
                }
                let key = traits
                    .get(traits::JSON_NAME)
                    .and_then(Value::as_str)
                    .unwrap_or(name)
                    .to_owned();
                Location::Body { key }
            };
            members.push(Binding {
                member: name.clone(),
                location,
            });
        }
        let bindings = MessageBindings { members };
        if let Some((payload, _)) = bindings.payload()
            && bindings.has_body_members()
        {
            let body: Vec<&str> = bindings
                .members
                .iter()
                .filter(|b| matches!(b.location, Location::Body { .. }))
                .map(|b| b.member.as_str())
                .collect();
            let context = if owner == structure_id {
                String::new()
            } else {
                format!(" (in operation {owner})")
            };
            return Err(unsupported(
                &format!("{structure_id}${}", payload.member),
                format!(
                    "is the @httpPayload, so every other member must be bound elsewhere; {} would be in the body{context}",
                    body.join(", "),
                ),
            ));
        }
        if let Some((prefix, member)) = &prefix
            && let Some((header, other)) = headers
                .iter()
                .find(|(h, _)| !prefix.is_empty() && h.starts_with(prefix.as_str()))
        {
            return Err(unsupported(
                &format!("{structure_id}${other}"),
                format!(
                    "binds the header `{header}`, which the @httpPrefixHeaders `{prefix}` of `{member}` also covers"
                ),
            ));
        }
        Ok(bindings)
    }

    /// What a map's values are.
    fn map_value_kind(&self, map: &AstShape) -> Option<BindingKind> {
        map.value
            .as_ref()
            .map(|value| self.binding_kind(&value.target))
    }

    /// What a member's target is, as far as a binding cares.
    fn binding_kind(&self, target: &str) -> BindingKind {
        let Some(shape) = self.shapes.get(target) else {
            return BindingKind::Other;
        };
        match shape.kind {
            ShapeType::String | ShapeType::Enum => BindingKind::String,
            ShapeType::Boolean
            | ShapeType::Byte
            | ShapeType::Short
            | ShapeType::Integer
            | ShapeType::Long
            | ShapeType::Float
            | ShapeType::Double
            | ShapeType::BigInteger
            | ShapeType::BigDecimal
            | ShapeType::IntEnum => BindingKind::Scalar,
            ShapeType::Timestamp => BindingKind::Timestamp,
            ShapeType::Blob => BindingKind::Blob,
            ShapeType::Document => BindingKind::Document,
            ShapeType::Structure | ShapeType::Union => BindingKind::Structure,
            ShapeType::Map => BindingKind::Map,
            ShapeType::List | ShapeType::Set => {
                let item = shape.member.as_ref().map(|m| self.binding_kind(&m.target));
                match item {
                    Some(
                        BindingKind::Scalar
                        | BindingKind::String
                        | BindingKind::Timestamp
                        | BindingKind::Blob,
                    ) => BindingKind::List,
                    _ => BindingKind::Other,
                }
            }
            _ => BindingKind::Other,
        }
    }
}

/// What a member's target is, for deciding where it may travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BindingKind {
    /// Booleans, numbers, intEnums.
    Scalar,
    /// Strings and enums.
    String,
    Timestamp,
    Blob,
    Document,
    /// Structures and unions.
    Structure,
    Map,
    /// A list of scalars, strings, timestamps or blobs.
    List,
    /// Anything else (a list of aggregates, ...).
    Other,
}

impl BindingKind {
    /// Whether a query parameter or header can carry it: a scalar, or a list of scalars.
    fn is_text(self) -> bool {
        matches!(
            self,
            BindingKind::Scalar
                | BindingKind::String
                | BindingKind::Timestamp
                | BindingKind::Blob
                | BindingKind::List
        )
    }
}

/// An HTTP header name (an RFC 9110 token).
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
