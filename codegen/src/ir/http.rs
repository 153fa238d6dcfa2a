//! The HTTP bindings of restJson1 operations: each operation's method, URI pattern and status,
//! and where every member of its input, output and errors travels (a path label, a query
//! parameter, a header, the payload, or a key of the JSON body), with the timestamp format of
//! its location settled.

use super::TimestampFormat;

/// An operation's `@http` trait and its messages' member bindings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOperation {
    /// The method, as the model writes it (`GET`, `PUT`, ...).
    pub method: String,
    /// The URI pattern.
    pub uri: UriPattern,
    /// The status of a successful response.
    pub code: u16,
    /// Where the input's members travel (`None` for `smithy.api#Unit`).
    pub input: Option<MessageBindings>,
    /// Where the output's members travel (`None` for `smithy.api#Unit`).
    pub output: Option<MessageBindings>,
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
    /// The member's name in the model.
    pub member: String,
    /// Where it travels.
    pub location: Location,
}

/// Where a member travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// `@httpLabel`: a path label of the URI pattern (input only).
    Label {
        /// Whether the label is greedy (`{name+}`).
        greedy: bool,
        /// The format of a timestamp (date-time unless `@timestampFormat` says otherwise).
        format: TimestampFormat,
    },
    /// `@httpQuery`: a query parameter (input only); a list repeats it.
    Query {
        /// The parameter's name.
        key: String,
        /// The format of a timestamp (date-time unless `@timestampFormat` says otherwise).
        format: TimestampFormat,
    },
    /// `@httpQueryParams`: a map of every query parameter not bound otherwise (input only).
    QueryParams,
    /// `@httpHeader`: a header; a list is its comma-separated items.
    Header {
        /// The header's name, as the model writes it.
        name: String,
        /// The format of a timestamp (http-date unless `@timestampFormat` says otherwise).
        format: TimestampFormat,
        /// A string with `@mediaType`, which a header carries base64-encoded.
        base64: bool,
    },
    /// `@httpPrefixHeaders`: a map of every header starting with the prefix.
    PrefixHeaders {
        /// The prefix, as the model writes it (may be empty: every header).
        prefix: String,
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
