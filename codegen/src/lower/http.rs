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
use http::{Method, StatusCode};

use super::shapes::timestamp_format;
use crate::ir::{
    Binding, BodyMedia, HttpOperation, Items, Location, MessageBindings, Operation, PayloadKind,
    QueryLiteral, TextKind, TimestampFormat, UriPattern, UriSegment,
};
use crate::load::{AstMember, AstShape};
use smithy_uri_pattern::Segment;

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
pub(super) fn split_bodies(shapes: &BTreeMap<String, crate::ir::Shape>) -> BTreeSet<String> {
    shapes
        .iter()
        .filter(|(_, shape)| {
            shape.http.as_ref().is_some_and(|bindings| {
                bindings.payload().is_none()
                    && bindings
                        .members
                        .iter()
                        .any(|b| !matches!(b.location, Location::Body { .. }))
            })
        })
        .map(|(id, _)| id.clone())
        .collect()
}

/// Refuses two operations whose routes conflict.
pub(super) fn check_routes(operations: &[Operation]) -> Result<()> {
    for (index, first) in operations.iter().enumerate() {
        let Some(a) = &first.http else { continue };
        for second in &operations[index + 1..] {
            let Some(b) = &second.http else { continue };
            let same_method = a.method.as_str().eq_ignore_ascii_case(b.method.as_str());
            if same_method && conflict(&a.uri, &b.uri) {
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
    /// The `@http` trait of an operation, the bindings of its input, and what its bodies are;
    /// with the bindings of its output, which go on the output's shape.
    pub(super) fn http_operation(
        &self,
        op_id: &str,
        op: &AstShape,
        input: Option<&str>,
        output: Option<&str>,
    ) -> Result<(HttpOperation, Option<MessageBindings>)> {
        let Some(http) = op.traits.get(traits::HTTP) else {
            return Err(unsupported(
                op_id,
                "restJson1 operations need an @http trait (method and URI)",
            ));
        };
        let (method, uri, code) = http_trait(op_id, http)?;
        let input_bindings = input
            .map(|id| self.bindings(op_id, id, Message::Input(&uri)))
            .transpose()?;
        check_labels_bound(op_id, &uri, input_bindings.as_ref())?;
        let output_bindings = output
            .map(|id| self.bindings(op_id, id, Message::Output))
            .transpose()?;
        let operation = HttpOperation {
            method,
            uri,
            code,
            request_body: body_media(input_bindings.as_ref()),
            response_body: body_media(output_bindings.as_ref()),
            input: input_bindings,
        };
        Ok((operation, output_bindings))
    }

    /// Where an error structure's members travel.
    pub(super) fn error_bindings(&self, error_id: &str) -> Result<MessageBindings> {
        self.bindings(error_id, error_id, Message::Error)
    }

    /// Where each member of the structure `structure_id` travels as the message `message` of
    /// `owner` (an operation, or the error itself).
    fn bindings(
        &self,
        owner: &str,
        structure_id: &str,
        message: Message<'_>,
    ) -> Result<MessageBindings> {
        let structure = self.get(owner, structure_id)?;
        let mut taken = Taken::default();
        let mut members = Vec::new();
        for (index, (name, member)) in structure.members.iter().enumerate() {
            let member_id = format!("{structure_id}${name}");
            let site = Site {
                owner,
                structure_id,
                name,
                target: self.get(&member_id, &member.target)?,
                member,
                member_id,
            };
            let location = self.location(&site, message, &mut taken)?;
            members.push(Binding {
                member: index,
                location,
            });
        }
        let bindings = MessageBindings { members };
        check_payload_alone(owner, structure_id, structure, &bindings)?;
        check_prefix_overlap(structure_id, &taken)?;
        Ok(bindings)
    }

    /// Where one member travels: the first binding trait of its message that it carries, else
    /// the JSON body.
    fn location(
        &self,
        site: &Site<'_>,
        message: Message<'_>,
        taken: &mut Taken,
    ) -> Result<Location> {
        let traits = &site.member.traits;
        if let (Message::Input(uri), true) = (message, traits.contains_key(traits::HTTP_LABEL)) {
            return self.label(site, uri);
        }
        if let (Message::Input(uri), Some(key)) = (message, traits.get(traits::HTTP_QUERY)) {
            return self.query(site, key, uri, taken);
        }
        if let (Message::Input(_), true) = (message, traits.contains_key(traits::HTTP_QUERY_PARAMS))
        {
            return self.query_params(site, taken);
        }
        if let Some(header) = traits.get(traits::HTTP_HEADER) {
            return self.header(site, header, taken);
        }
        if let Some(prefix) = traits.get(traits::HTTP_PREFIX_HEADERS) {
            return self.prefix_headers(site, prefix, taken);
        }
        if traits.contains_key(traits::HTTP_PAYLOAD) {
            return self.payload(site, message, taken);
        }
        if message == Message::Output && traits.contains_key(traits::HTTP_RESPONSE_CODE) {
            if site.target.kind != ShapeType::Integer {
                return Err(site.fail(format!(
                    "is the @httpResponseCode, which must target an integer, not a {}",
                    site.target.kind
                )));
            }
            return Ok(Location::ResponseCode);
        }
        if site.target.traits.contains_key(traits::STREAMING) {
            return Err(site.fail("is a stream, which must be the @httpPayload"));
        }
        let key = traits
            .get(traits::JSON_NAME)
            .and_then(Value::as_str)
            .unwrap_or(site.name)
            .to_owned();
        Ok(Location::Body { key })
    }

    fn label(&self, site: &Site<'_>, uri: &UriPattern) -> Result<Location> {
        let name = site.name;
        let Some((index, greedy)) = uri
            .labels()
            .enumerate()
            .find_map(|(index, label)| (label.name == name).then_some((index, label.greedy)))
        else {
            return Err(site.fail(format!(
                "is marked @httpLabel, but the @http uri `{}` has no {{{name}}} label",
                uri.text
            )));
        };
        if !site.member.traits.contains_key(traits::REQUIRED) {
            return Err(site.fail("is an @httpLabel, so it must be @required"));
        }
        let kind = self.binding_kind(&site.member.target);
        if !matches!(
            kind,
            BindingKind::Scalar | BindingKind::String | BindingKind::Timestamp
        ) {
            return Err(site.fail(format!(
                "is an @httpLabel, which carries booleans, numbers, strings, enums and timestamps, not a {}",
                site.target.kind
            )));
        }
        if greedy && kind != BindingKind::String {
            return Err(site.fail(format!(
                "is a greedy label, which must target a string, not a {}",
                site.target.kind
            )));
        }
        let (text, _) = self.text(site, TimestampFormat::DateTime, false)?;
        Ok(Location::Label {
            index,
            greedy,
            text,
        })
    }

    fn query(
        &self,
        site: &Site<'_>,
        key: &Value,
        uri: &UriPattern,
        taken: &mut Taken,
    ) -> Result<Location> {
        let Some(key) = key.as_str().filter(|k| !k.is_empty()) else {
            return Err(site.fail("@httpQuery needs a non-empty parameter name"));
        };
        if !self.binding_kind(&site.member.target).is_text() {
            return Err(site.fail(format!(
                "is an @httpQuery, which carries scalars and lists of them, not a {}",
                site.target.kind
            )));
        }
        if let Some(other) = taken
            .query_keys
            .insert(key.to_owned(), site.name.to_owned())
        {
            return Err(site.fail(format!(
                "binds the query parameter `{key}`, as `{other}` does"
            )));
        }
        if uri.query.iter().any(|l| l.key == key) {
            return Err(site.fail(format!(
                "binds the query parameter `{key}`, which the @http uri fixes as a literal"
            )));
        }
        let (text, items) = self.text(site, TimestampFormat::DateTime, false)?;
        Ok(Location::Query {
            key: key.to_owned(),
            text,
            items,
        })
    }

    fn query_params(&self, site: &Site<'_>, taken: &mut Taken) -> Result<Location> {
        let values = self.map_value_kind(site.target);
        if self.binding_kind(&site.member.target) != BindingKind::Map
            || !matches!(values, Some(BindingKind::String | BindingKind::List))
        {
            return Err(site.fail(format!(
                "is @httpQueryParams, which must target a map of strings or of lists of strings, not {}",
                site.member.target
            )));
        }
        if let Some(other) = taken.query_params.replace(site.name.to_owned()) {
            return Err(site.fail(format!(
                "is @httpQueryParams, as `{other}` is: only one member may be"
            )));
        }
        Ok(Location::QueryParams {
            lists: values == Some(BindingKind::List),
        })
    }

    fn header(&self, site: &Site<'_>, header: &Value, taken: &mut Taken) -> Result<Location> {
        let Some(name) = header.as_str().filter(|h| is_token(h)) else {
            return Err(site.fail(format!("@httpHeader {header} is not a header name")));
        };
        let kind = self.binding_kind(&site.member.target);
        if !kind.is_text() {
            return Err(site.fail(format!(
                "is an @httpHeader, which carries scalars and lists of them, not a {}",
                site.target.kind
            )));
        }
        if let Some(other) = taken
            .headers
            .insert(name.to_ascii_lowercase(), site.name.to_owned())
        {
            return Err(site.fail(format!("binds the header `{name}`, as `{other}` does")));
        }
        let base64 =
            kind == BindingKind::String && site.target.traits.contains_key(traits::MEDIA_TYPE);
        let (text, items) = self.text(site, TimestampFormat::HttpDate, base64)?;
        Ok(Location::Header {
            name: name.to_owned(),
            text,
            items,
        })
    }

    fn prefix_headers(
        &self,
        site: &Site<'_>,
        prefix: &Value,
        taken: &mut Taken,
    ) -> Result<Location> {
        let Some(text) = prefix.as_str() else {
            return Err(site.fail(format!("@httpPrefixHeaders {prefix} is not a string")));
        };
        if self.binding_kind(&site.member.target) != BindingKind::Map
            || self.map_value_kind(site.target) != Some(BindingKind::String)
        {
            return Err(site.fail(format!(
                "is @httpPrefixHeaders, which must target a map of strings, not {}",
                site.member.target
            )));
        }
        if let Some((_, other)) = &taken.prefix {
            return Err(site.fail(format!(
                "is @httpPrefixHeaders, as `{other}` is: only one member may be"
            )));
        }
        taken.prefix = Some((text.to_ascii_lowercase(), site.name.to_owned()));
        Ok(Location::PrefixHeaders {
            prefix: text.to_owned(),
            sparse: site.target.traits.contains_key(traits::SPARSE),
        })
    }

    fn payload(
        &self,
        site: &Site<'_>,
        message: Message<'_>,
        taken: &mut Taken,
    ) -> Result<Location> {
        let kind = match self.binding_kind(&site.member.target) {
            BindingKind::Structure => PayloadKind::Json,
            BindingKind::Document => PayloadKind::Document,
            BindingKind::Blob => PayloadKind::Blob {
                streaming: site.target.traits.contains_key(traits::STREAMING),
            },
            BindingKind::String => PayloadKind::Text,
            _ => {
                return Err(site.fail(format!(
                    "is an @httpPayload, which must target a structure, union, document, blob, string or enum, not a {}",
                    site.target.kind
                )));
            }
        };
        if message == Message::Error {
            return Err(site.fail(
                "is an @httpPayload of an error, which servers generated here do not support",
            ));
        }
        if let Some(other) = taken.payload.replace(site.name.to_owned()) {
            return Err(site.fail(format!(
                "is an @httpPayload, as `{other}` is: only one member may be"
            )));
        }
        let media_type = site
            .target
            .traits
            .get(traits::MEDIA_TYPE)
            .and_then(Value::as_str)
            .unwrap_or(match kind {
                PayloadKind::Json | PayloadKind::Document => "application/json",
                PayloadKind::Blob { .. } => "application/octet-stream",
                PayloadKind::Text => "text/plain",
            })
            .to_owned();
        Ok(Location::Payload { kind, media_type })
    }

    /// What a member bound to text is, and whether it is a list: the kind of its value (of each
    /// item, for a list), with the wire format of a timestamp (`wire` unless
    /// `@timestampFormat` says) and its JSON format (the member's, or the item's).
    fn text(
        &self,
        site: &Site<'_>,
        wire: TimestampFormat,
        base64: bool,
    ) -> Result<(TextKind, Items)> {
        let member_format = effective_format(&site.member_id, site.member, site.target)?;
        let wire = member_format.unwrap_or(wire);
        if let (ShapeType::List | ShapeType::Set, Some(item)) =
            (site.target.kind, &site.target.member)
        {
            let item_target = self.get(&site.member_id, &item.target)?;
            let json = effective_format(&site.member_id, item, item_target)?
                .unwrap_or(TimestampFormat::EpochSeconds);
            let sparse = site.target.traits.contains_key(traits::SPARSE);
            let text = text_kind(item_target, wire, json, false)
                .ok_or_else(|| site.fail("is a list whose items cannot be carried as text"))?;
            return Ok((text, Items::List { sparse }));
        }
        let json = member_format.unwrap_or(TimestampFormat::EpochSeconds);
        let text = text_kind(site.target, wire, json, base64)
            .ok_or_else(|| site.fail("cannot be carried as text"))?;
        Ok((text, Items::One))
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

/// Which message a structure is: the traits that bind members differ, and an input's labels
/// are those of its operation's URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Message<'a> {
    Input(&'a UriPattern),
    Output,
    Error,
}

/// A member being bound, and how refusals name it.
struct Site<'a> {
    /// The operation (or the error) the structure is a message of.
    owner: &'a str,
    structure_id: &'a str,
    name: &'a str,
    member: &'a AstMember,
    target: &'a AstShape,
    member_id: String,
}

impl Site<'_> {
    fn fail(&self, reason: impl Into<String>) -> Error {
        unsupported(
            &self.member_id,
            in_operation(reason.into(), self.owner, self.structure_id),
        )
    }
}

/// A refusal's reason, naming the operation when the structure is an operation's message.
fn in_operation(reason: String, owner: &str, structure_id: &str) -> String {
    if owner == structure_id {
        reason
    } else {
        format!("{reason} (in operation {owner})")
    }
}

/// What a structure's members have bound so far: each header and query parameter by its
/// member, and the members that may be bound only once.
#[derive(Default)]
struct Taken {
    /// Lower-cased header name to member.
    headers: BTreeMap<String, String>,
    query_keys: BTreeMap<String, String>,
    /// The lower-cased prefix, and its member.
    prefix: Option<(String, String)>,
    query_params: Option<String>,
    payload: Option<String>,
}

/// The method, URI pattern and status of an `@http` trait's value.
fn http_trait(op_id: &str, http: &Value) -> Result<(Method, UriPattern, StatusCode)> {
    let method = http
        .get("method")
        .and_then(Value::as_str)
        .filter(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .and_then(|m| Method::from_bytes(m.as_bytes()).ok())
        .ok_or_else(|| {
            unsupported(
                op_id,
                format!("@http method in {http} is not an HTTP method"),
            )
        })?;
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
        None => StatusCode::OK,
        Some(code) => code
            .as_u64()
            .and_then(|c| u16::try_from(c).ok())
            .filter(|c| (100..600).contains(c))
            .and_then(|c| StatusCode::from_u16(c).ok())
            .ok_or_else(|| {
                unsupported(op_id, format!("@http code {code} is not an HTTP status"))
            })?,
    };
    Ok((method, uri, code))
}

/// Refuses a label of the URI that no input member is bound to.
fn check_labels_bound(
    op_id: &str,
    uri: &UriPattern,
    input: Option<&MessageBindings>,
) -> Result<()> {
    for (index, label) in uri.labels().enumerate() {
        let bound = input.is_some_and(|bindings| {
            bindings
                .members
                .iter()
                .any(|b| matches!(b.location, Location::Label { index: i, .. } if i == index))
        });
        if !bound {
            return Err(unsupported(
                op_id,
                format!(
                    "@http uri `{}` has the label {{{}}}, but no input member named `{}` is marked @httpLabel",
                    uri.text, label.name, label.name
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses a payload beside members that the body would carry.
fn check_payload_alone(
    owner: &str,
    structure_id: &str,
    structure: &AstShape,
    bindings: &MessageBindings,
) -> Result<()> {
    let Some((payload, _)) = bindings.payload() else {
        return Ok(());
    };
    if !bindings.has_body_members() {
        return Ok(());
    }
    let names: Vec<&String> = structure.members.keys().collect();
    let body: Vec<&str> = bindings
        .members
        .iter()
        .filter(|b| matches!(b.location, Location::Body { .. }))
        .map(|b| names[b.member].as_str())
        .collect();
    Err(unsupported(
        &format!("{structure_id}${}", names[payload.member]),
        in_operation(
            format!(
                "is the @httpPayload, so every other member must be bound elsewhere; {} would be in the body",
                body.join(", "),
            ),
            owner,
            structure_id,
        ),
    ))
}

/// Refuses a header that the prefix of `@httpPrefixHeaders` also covers.
fn check_prefix_overlap(structure_id: &str, taken: &Taken) -> Result<()> {
    let Some((prefix, member)) = &taken.prefix else {
        return Ok(());
    };
    match taken
        .headers
        .iter()
        .find(|(h, _)| !prefix.is_empty() && h.starts_with(prefix.as_str()))
    {
        Some((header, other)) => Err(unsupported(
            &format!("{structure_id}${other}"),
            format!(
                "binds the header `{header}`, which the @httpPrefixHeaders `{prefix}` of `{member}` also covers"
            ),
        )),
        None => Ok(()),
    }
}

/// What a message's body is, for its media-type checks: a JSON or document payload is JSON; a
/// blob or text payload is its media type, any media type when a member sets `Content-Type` or
/// the type is `application/octet-stream`; without a payload, JSON when a member is in the body
/// (or the structure has none), else no body.
fn body_media(bindings: Option<&MessageBindings>) -> BodyMedia {
    let Some(bindings) = bindings else {
        return BodyMedia::None;
    };
    let content_type_header = bindings.members.iter().any(|b| {
        matches!(&b.location, Location::Header { name, .. } if name.eq_ignore_ascii_case("content-type"))
    });
    let payload = bindings.members.iter().find_map(|b| match &b.location {
        Location::Payload { kind, media_type } => Some((*kind, media_type)),
        _ => None,
    });
    match payload {
        Some((PayloadKind::Json | PayloadKind::Document, _)) => BodyMedia::Json,
        Some(_) if content_type_header => BodyMedia::Any,
        Some((PayloadKind::Blob { .. }, media_type))
            if media_type == "application/octet-stream" =>
        {
            BodyMedia::Any
        }
        Some((PayloadKind::Blob { .. } | PayloadKind::Text, media_type)) => {
            BodyMedia::Exact(media_type.clone())
        }
        None if bindings.members.is_empty() || bindings.has_body_members() => BodyMedia::Json,
        None => BodyMedia::None,
    }
}

/// The effective `@timestampFormat` of a member (its own, else its target's), if any.
fn effective_format(
    member_id: &str,
    member: &AstMember,
    target: &AstShape,
) -> Result<Option<TimestampFormat>> {
    member
        .traits
        .get(traits::TIMESTAMP_FORMAT)
        .or_else(|| target.traits.get(traits::TIMESTAMP_FORMAT))
        .map(|value| timestamp_format(member_id, value))
        .transpose()
}

/// The kind of a scalar bound to text (`None` for what text cannot carry, which the binding's
/// checks have already refused).
fn text_kind(
    target: &AstShape,
    wire: TimestampFormat,
    json: TimestampFormat,
    base64: bool,
) -> Option<TextKind> {
    Some(match target.kind {
        ShapeType::String if target.traits.contains_key(traits::ENUM) => TextKind::Enum,
        ShapeType::String if base64 => TextKind::MediaTypeString,
        ShapeType::Enum => TextKind::Enum,
        ShapeType::IntEnum => TextKind::IntEnum,
        ShapeType::Boolean => TextKind::Boolean,
        ShapeType::Byte => TextKind::Byte,
        ShapeType::Short => TextKind::Short,
        ShapeType::Integer => TextKind::Integer,
        ShapeType::Long => TextKind::Long,
        ShapeType::Float => TextKind::Float,
        ShapeType::Double => TextKind::Double,
        ShapeType::BigInteger => TextKind::BigInteger,
        ShapeType::BigDecimal => TextKind::BigDecimal,
        ShapeType::Blob => TextKind::Blob,
        ShapeType::Timestamp => TextKind::Timestamp { wire, json },
        ShapeType::String => TextKind::String,
        _ => return None,
    })
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
