//! The HTTP bindings of restJson1 operations: each operation's method, URI pattern and status,
//! what its bodies are, and where every member of its input, output and errors travels (a path
//! label, a query parameter, a header, the payload, or a key of the JSON body), each member named
//! by its index and every fact of its location settled (label index, text kind, timestamp
//! formats, list or not).

use super::TimestampFormat;

/// An operation's `@http` trait, the bindings of its input, and what its bodies are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOperation {
    /// The method.
    pub method: http::Method,
    /// The URI pattern.
    pub uri: UriPattern,
    /// The status of a successful response.
    pub code: http::StatusCode,
    /// Where the input's members travel (`None` for `smithy.api#Unit`). The output's and the
    /// errors' bindings are on their shapes ([`super::Shape::http`]).
    pub input: Option<MessageBindings>,
    /// What a request's body is.
    pub request_body: BodyMedia,
    /// What a successful response's body is.
    pub response_body: BodyMedia,
}

/// What a message's body is, which decides the media-type checks of requests and responses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyMedia {
    /// No body (no members in it).
    None,
    /// A JSON document.
    Json,
    /// Bytes of any media type (a blob payload of `application/octet-stream`, or a payload
    /// whose `Content-Type` a member carries).
    Any,
    /// Bytes of exactly this media type (a text or blob payload's `@mediaType`).
    Exact(String),
}

/// A parsed `@http` URI: path segments, then required query literals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriPattern {
    /// The pattern as the model writes it.
    pub text: String,
    /// The path's segments, in order (none for `/`).
    pub segments: Vec<UriSegment>,
    /// Whether the path ends with `/` after its last segment.
    pub trailing_slash: bool,
    /// Query parameters a request must carry to match.
    pub query: Vec<QueryLiteral>,
}

impl UriPattern {
    /// The pattern's labels, in order (a label's index is its place here).
    pub fn labels(&self) -> impl Iterator<Item = UriLabel<'_>> {
        self.segments.iter().filter_map(|segment| match segment {
            UriSegment::Label(name) => Some(UriLabel {
                name,
                greedy: false,
            }),
            UriSegment::GreedyLabel(name) => Some(UriLabel { name, greedy: true }),
            UriSegment::Literal(_) => None,
        })
    }
}

/// A label of a URI pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UriLabel<'a> {
    /// The input member it binds.
    pub name: &'a str,
    /// `{name+}`: one or more segments.
    pub greedy: bool,
}

/// One segment of a URI pattern's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UriSegment {
    /// Text the segment must equal.
    Literal(String),
    /// `{name}`: one whole segment bound to an input member.
    Label(String),
    /// `{name+}`: one or more segments bound to an input member.
    GreedyLabel(String),
}

/// A query parameter in a URI pattern: a key that must be present, with this value if given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryLiteral {
    /// The key.
    pub key: String,
    /// The value it must have; `None` when the pattern gives only the key.
    pub value: Option<String>,
}

/// Where each member of a message structure (an input, an output or an error) travels.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MessageBindings {
    /// One binding per member, in the structure's member order.
    pub members: Vec<Binding>,
}

impl MessageBindings {
    /// The member bound to the whole payload, if any.
    pub fn payload(&self) -> Option<(&Binding, PayloadKind)> {
        self.members
            .iter()
            .find_map(|binding| match &binding.location {
                Location::Payload { kind, .. } => Some((binding, *kind)),
                _ => None,
            })
    }

    /// Whether any member travels as a key of a JSON body.
    pub fn has_body_members(&self) -> bool {
        self.members
            .iter()
            .any(|binding| matches!(binding.location, Location::Body { .. }))
    }
}

/// One member and its location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The member: its index among the structure's members.
    pub member: usize,
    /// Where it travels.
    pub location: Location,
}

/// Where a member travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// `@httpLabel`: a path label of the URI pattern (input only).
    Label {
        /// Which label of the pattern: its index among the pattern's labels.
        index: usize,
        /// Whether the label is greedy (`{name+}`: a string of one or more segments).
        greedy: bool,
        /// What the label's text is.
        text: TextKind,
    },
    /// `@httpQuery`: a query parameter (input only); a list repeats it.
    Query {
        /// The parameter's name.
        key: String,
        /// What the parameter's text is (each item's, for a list).
        text: TextKind,
        /// One value, or a list.
        items: Items,
    },
    /// `@httpQueryParams`: a map of every query parameter not bound otherwise (input only).
    QueryParams {
        /// Whether the map's values are lists (every value of a repeated key), or strings.
        lists: bool,
    },
    /// `@httpHeader`: a header; a list is its comma-separated items.
    Header {
        /// The header's name, as the model writes it.
        name: String,
        /// What the header's text is (each item's, for a list).
        text: TextKind,
        /// One value, or a list.
        items: Items,
    },
    /// `@httpPrefixHeaders`: a map of every header starting with the prefix.
    PrefixHeaders {
        /// The prefix, as the model writes it (may be empty: every header).
        prefix: String,
        /// Whether the map is `@sparse` (a value may be null, and is then not written).
        sparse: bool,
    },
    /// `@httpResponseCode`: the response's status (output only).
    ResponseCode,
    /// `@httpPayload`: the whole body.
    Payload {
        /// What the member is.
        kind: PayloadKind,
        /// The body's media type: `@mediaType` on the target, else the kind's default.
        media_type: String,
    },
    /// A key of the JSON body.
    Body {
        /// The key: `@jsonName`, else the member's name.
        key: String,
    },
}

/// Whether a query parameter or header carries one value or a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Items {
    /// One value.
    One,
    /// A list of values.
    List {
        /// Whether the list is `@sparse` (null items are not written).
        sparse: bool,
    },
}

/// What a value bound to text (a label, a query parameter, a header) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// A string.
    String,
    /// A string with `@mediaType` in a header, which carries it base64-encoded.
    MediaTypeString,
    /// A string enum.
    Enum,
    /// An intEnum.
    IntEnum,
    /// A boolean.
    Boolean,
    /// A byte.
    Byte,
    /// A short.
    Short,
    /// An integer.
    Integer,
    /// A long.
    Long,
    /// A float.
    Float,
    /// A double.
    Double,
    /// A bigInteger.
    BigInteger,
    /// A bigDecimal.
    BigDecimal,
    /// A blob, base64-encoded.
    Blob,
    /// A timestamp.
    Timestamp {
        /// Its format in the text (the location's default unless `@timestampFormat` says).
        wire: TimestampFormat,
        /// Its format where the input is validated as JSON (as the member's JSON value).
        json: TimestampFormat,
    },
}

/// What an `@httpPayload` member is, which decides how the body is read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadKind {
    /// A structure or union, as a JSON object.
    Json,
    /// A document, as any JSON value.
    Document,
    /// A blob: the raw bytes (`@mediaType` or `application/octet-stream`).
    Blob {
        /// `@streaming`.
        streaming: bool,
    },
    /// A string or enum: the text (`@mediaType` or `text/plain`).
    Text,
}
