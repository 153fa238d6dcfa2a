//! The intermediate representation: plain data keyed by shape id in `BTreeMap`s, with every fact
//! settled (Rust names, typed defaults and bounds, which pattern a member checks, which functions
//! a shape needs, how errors are filled in), so emission is a straight walk with no decisions of
//! its own, and output order is deterministic.

mod http;

use std::collections::BTreeMap;

pub use http::{
    Binding, BodyMedia, HttpOperation, Items, Location, MessageBindings, PayloadKind, QueryLiteral,
    TextKind, UriLabel, UriPattern, UriSegment,
};

use crate::pattern::Translated;

/// A service, ready to emit.
#[derive(Debug, Clone)]
pub struct Service {
    /// Absolute shape id.
    pub id: String,
    /// The service shape's name: the prefix of `X-Amz-Target`.
    pub name: String,
    /// The server trait's name.
    pub trait_name: String,
    /// The server type's name (`<Trait>Server`).
    pub server_name: String,
    /// The protocol that answers a request no protocol claims (see [`Service::protocols`]).
    pub protocol: Protocol,
    /// Every protocol the service is served in, [`Service::protocol`] first: those of its
    /// protocol traits the generator supports, in the order rpcv2Cbor, rpcv2Json, awsJson 1.0,
    /// awsJson 1.1, restJson1.
    pub protocols: Vec<Protocol>,
    /// How JSON bodies are written, when a protocol uses JSON.
    pub json: Option<JsonDialect>,
    /// Whether a protocol uses CBOR (rpcv2Cbor).
    pub cbor: bool,
    /// The shapes the inputs of the operations served in rpcv2Cbor reach: those the `cbor`
    /// module reads.
    pub cbor_read: std::collections::BTreeSet<String>,
    /// The shapes their outputs and errors reach: those the `cbor` module writes.
    pub cbor_written: std::collections::BTreeSet<String>,
    /// Markdown lines.
    pub docs: Vec<String>,
    /// Operations, sorted by name.
    pub operations: Vec<Operation>,
    /// Every shape the operations reach, by id.
    pub shapes: BTreeMap<String, Shape>,
    /// Every pattern, deduplicated, in a stable order.
    pub patterns: Vec<Translated>,
    /// Whether a shape the service reaches is a `bigInteger` or `bigDecimal`, whose digits the
    /// runtime keeps only with its `arbitrary-precision` feature.
    pub big_numbers: bool,
    /// Operations left out, with the reason.
    pub skipped: Vec<String>,
    /// The model's own error for a failure of the server, if it has one.
    pub internal_error: Option<InternalError>,
    /// How to build `smithy.framework#ValidationException`, when an operation lists it.
    pub validation_exception: Option<ValidationException>,
}

/// The error structure answered when a handler panics: its shape id, and the field that takes
/// the message (all its fields are optional).
#[derive(Debug, Clone)]
pub struct InternalError {
    /// The error structure.
    pub shape: String,
    /// Its optional `String` message field, if it has one.
    pub message_field: Option<String>,
}

/// The fields of `smithy.framework#ValidationException` and its field-list entries.
#[derive(Debug, Clone)]
pub struct ValidationException {
    /// The exception structure.
    pub shape: String,
    /// Its `message`.
    pub message: Field,
    /// Its `fieldList`, with the entry structure's `path` and `message`.
    pub field_list: Option<FieldList>,
}

/// `ValidationException.fieldList`.
#[derive(Debug, Clone)]
pub struct FieldList {
    /// The list field.
    pub field: Field,
    /// The entry structure.
    pub entry: String,
    /// The entry's `path`.
    pub path: Field,
    /// The entry's `message`.
    pub message: Field,
}

/// A structure field, and whether it is `Option<T>`.
#[derive(Debug, Clone)]
pub struct Field {
    /// The field's Rust name.
    pub name: String,
    /// Whether the field is an `Option`.
    pub optional: bool,
}

/// The protocol a service speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `aws.protocols#awsJson1_0`.
    AwsJson1_0,
    /// `aws.protocols#awsJson1_1`.
    AwsJson1_1,
    /// `aws.protocols#restJson1`: operations bound to HTTP methods and URIs, members to labels,
    /// query parameters, headers and the body ([`Operation::http`]).
    RestJson1,
    /// `smithy.protocols#rpcv2Cbor`: `POST /service/{Service}/operation/{Operation}`, CBOR
    /// bodies.
    RpcV2Cbor,
    /// `smithy.protocols#rpcv2Json`: the same routes, JSON bodies.
    RpcV2Json,
}

impl Protocol {
    /// The protocol's trait.
    pub fn trait_id(self) -> &'static str {
        use crate::smithy::traits;
        match self {
            Protocol::AwsJson1_0 => traits::AWS_JSON_1_0,
            Protocol::AwsJson1_1 => traits::AWS_JSON_1_1,
            Protocol::RestJson1 => traits::REST_JSON_1,
            Protocol::RpcV2Cbor => traits::RPC_V2_CBOR,
            Protocol::RpcV2Json => traits::RPC_V2_JSON,
        }
    }
}

/// How a service's JSON bodies are read and written: as awsJson and restJson1 do (timestamps in
/// their `@timestampFormat`, big numbers as JSON numbers), or as rpcv2Json does (timestamps
/// always epoch seconds, big numbers as strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonDialect {
    /// awsJson 1.0 and 1.1, restJson1.
    Aws,
    /// rpcv2Json.
    RpcV2,
}

/// How an operation reports constraint violations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// AWS's `ValidationException` message.
    Aws,
    /// `smithy.framework#ValidationException`, which the operation lists among its errors.
    Smithy,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Absolute shape id.
    pub id: String,
    /// The name on the wire (after the service's renames).
    pub name: String,
    /// The operation marker type's name.
    pub type_name: String,
    /// The server trait method's name.
    pub method: String,
    /// The operation error enum's name.
    pub error_name: String,
    /// The name of that enum's variant for an error the model does not list (a refusal).
    pub unmodeled_variant: String,
    /// Input structure, or `None` for `smithy.api#Unit`.
    pub input: Option<String>,
    /// Output structure, or `None` for `smithy.api#Unit`.
    pub output: Option<String>,
    /// Error structures (the operation's and the service's), sorted by id.
    pub errors: Vec<String>,
    /// Validation dialect.
    pub dialect: Dialect,
    /// How the operation is bound to HTTP, for restJson1 services.
    pub http: Option<HttpOperation>,
    /// Whether it is served in rpcv2Cbor: the service speaks it, and nothing the operation
    /// reaches is a document, which CBOR cannot carry (the service's other protocols still serve
    /// such an operation).
    pub cbor: bool,
    /// Markdown lines.
    pub docs: Vec<String>,
}

/// A shape the service reaches.
#[derive(Debug, Clone)]
pub struct Shape {
    /// Absolute shape id.
    pub id: String,
    /// Rust type name (aggregates, enums); the shape's name otherwise.
    pub name: String,
    /// The functions of the `json` module this shape needs.
    pub functions: Functions,
    /// Markdown lines.
    pub docs: Vec<String>,
    /// What it is.
    pub kind: Kind,
    /// `@sensitive`.
    pub sensitive: bool,
    /// `@error`, for error structures.
    pub error: Option<ErrorInfo>,
    /// Where its members travel when a restJson1 service writes it as an operation's output or
    /// as an error (headers, the status, the payload, the body).
    pub http: Option<MessageBindings>,
}

/// The `json` module functions of a shape, each named uniquely in that module. Structures,
/// unions, lists and maps have them; scalars and enums are read and written inline.
#[derive(Debug, Clone, Default)]
pub struct Functions {
    /// Reads and validates a value (the shape is reached from an input).
    pub read: Option<String>,
    /// Writes a value (the shape is written as a value: an output, or inside one).
    pub write: Option<String>,
    /// Writes a structure's members into an open object (structures reached from an output or
    /// an error).
    pub write_members: Option<String>,
    /// Writes only the members a restJson1 body carries, for outputs and errors with members
    /// bound elsewhere (headers, the status, the payload).
    pub write_body: Option<String>,
}

/// An error structure's fault, status, and how its answer is filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorInfo {
    /// Whether the server is at fault.
    pub server_fault: bool,
    /// The HTTP status.
    pub status: u16,
    /// For query-compatible services, the `x-amzn-query-error` header value
    /// (`<code>;<Sender|Receiver>`) from `aws.protocols#awsQueryError`.
    pub query_error: Option<String>,
    /// The `String` member its `Display` and constructor use (`message` or `Message`).
    pub message: Option<MessageField>,
    /// Optional members filled when unset (see [`crate::Settings::error_fills`]).
    pub fills: Vec<ErrorFill>,
}

/// An error structure's message member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageField {
    /// The field's Rust name.
    pub field: String,
    /// Whether the field is an `Option`.
    pub optional: bool,
    /// Whether every other field is optional, so a message alone builds the error.
    pub constructible: bool,
}

/// An optional member of an error structure that the answer fills when it is unset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorFill {
    /// The field's Rust name.
    pub field: String,
    /// The JSON key.
    pub key: String,
    /// What it is filled with.
    pub value: FillValue,
}

/// What fills an unset error member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FillValue {
    /// The request's id.
    RequestId,
    /// The error structure's name.
    ErrorName,
}

/// The kinds of shape, with what emission needs of each.
#[derive(Debug, Clone)]
pub enum Kind {
    /// A shape without a type of its own.
    Simple(Simple),
    /// A string enum (2.0 `enum`, or a string with the 1.0 `@enum` trait).
    Enum(Vec<EnumValue>),
    /// An `intEnum`.
    IntEnum(Vec<IntEnumValue>),
    /// A list (or 1.0 set).
    List {
        /// The item.
        member: Box<Member>,
        /// `@sparse`.
        sparse: bool,
        /// `@uniqueItems` (always for a 1.0 `set`).
        unique: bool,
    },
    /// A map.
    Map {
        /// The key.
        key: Box<Member>,
        /// The value.
        value: Box<Member>,
        /// `@sparse`.
        sparse: bool,
    },
    /// A structure.
    Structure(Vec<Member>),
    /// A union.
    Union(Vec<Member>),
    /// `smithy.api#Unit`, the target of union members that carry no value.
    Unit,
}

impl Kind {
    /// The members a shape kind holds.
    pub fn members(&self) -> Vec<&Member> {
        match self {
            Kind::Structure(members) | Kind::Union(members) => members.iter().collect(),
            Kind::List { member, .. } => vec![member],
            Kind::Map { key, value, .. } => vec![key, value],
            Kind::Simple(_) | Kind::Enum(_) | Kind::IntEnum(_) | Kind::Unit => Vec::new(),
        }
    }
}

/// Scalar shape types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Simple {
    /// `blob`
    Blob,
    /// `boolean`
    Boolean,
    /// `string`
    String,
    /// `byte`
    Byte,
    /// `short`
    Short,
    /// `integer`
    Integer,
    /// `long`
    Long,
    /// `float`
    Float,
    /// `double`
    Double,
    /// `bigInteger`
    BigInteger,
    /// `bigDecimal`
    BigDecimal,
    /// `timestamp`
    Timestamp,
    /// `document`
    Document,
}

/// One value of a string enum.
#[derive(Debug, Clone)]
pub struct EnumValue {
    /// Variant name.
    pub variant: String,
    /// Wire value.
    pub value: String,
    /// `@internal` (or the 1.0 `internal` tag): accepted, but not listed in messages.
    pub internal: bool,
    /// Markdown lines.
    pub docs: Vec<String>,
}

/// One value of an intEnum.
#[derive(Debug, Clone)]
pub struct IntEnumValue {
    /// Variant name.
    pub variant: String,
    /// Wire value.
    pub value: i32,
    /// Markdown lines.
    pub docs: Vec<String>,
}

/// A member of a structure, union, list or map, with its effective traits (the member's own
/// overriding its target's).
#[derive(Debug, Clone)]
pub struct Member {
    /// The name in the model.
    pub name: String,
    /// The key in a JSON body: the name, or in restJson1 its `@jsonName`.
    pub key: String,
    /// Field name (structures) or variant name (unions).
    pub rust_name: String,
    /// The target shape id.
    pub target: String,
    /// `@required`.
    pub required: bool,
    /// `@default`, when not null, as a value of the target's type.
    pub default: Option<DefaultValue>,
    /// The constraints checked on input (empty outside inputs).
    pub constraints: Constraints,
    /// `@timestampFormat`, for timestamps.
    pub timestamp_format: TimestampFormat,
    /// `@sensitive` on the member or its target.
    pub sensitive: bool,
    /// Needs a `Box` to break a cycle of structures and unions.
    pub boxed: bool,
    /// Whether AWS-dialect messages print its value (scalars, enums, lists and maps of them).
    pub shown_in_messages: bool,
    /// Markdown lines.
    pub docs: Vec<String>,
}

/// Timestamp wire formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    /// Epoch seconds (awsJson's default).
    EpochSeconds,
    /// RFC 3339.
    DateTime,
    /// IMF-fixdate.
    HttpDate,
}

/// A `@default` value, checked against its target and typed.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    /// A boolean.
    Boolean(bool),
    /// A byte, short, integer or long that fits its type.
    Integer(i64),
    /// A float or double.
    Float(f64),
    /// A bigInteger or bigDecimal, as the model wrote it.
    BigNumber(String),
    /// A string.
    String(String),
    /// A blob, decoded from the model's base64.
    Blob(Vec<u8>),
    /// A timestamp.
    Timestamp {
        /// Seconds since the epoch.
        seconds: i64,
        /// Nanoseconds past the second.
        nanos: u32,
    },
    /// A document.
    Document(DocumentDefault),
    /// A value of a string enum or intEnum: its variant's name.
    Variant(String),
    /// An empty list.
    EmptyList,
    /// An empty map.
    EmptyMap,
}

/// The defaults Smithy allows a document.
#[derive(Debug, Clone, PartialEq)]
pub enum DocumentDefault {
    /// `true` or `false`.
    Boolean(bool),
    /// An integral number.
    Integer(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    String(String),
    /// `[]`.
    EmptyList,
    /// `{}`.
    EmptyMap,
}

/// The constraint traits checked on a member's value, each settled for its target's type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// `@length`.
    pub length: Option<Length>,
    /// `@range`.
    pub range: Option<Range>,
    /// `@pattern`: an index into [`Service::patterns`].
    pub pattern: Option<usize>,
}

impl Constraints {
    /// Whether there is nothing to check.
    pub fn is_empty(&self) -> bool {
        self.length.is_none() && self.range.is_none() && self.pattern.is_none()
    }
}

/// `@length` bounds, and what is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Length {
    /// The least length.
    pub min: Option<u64>,
    /// The greatest length.
    pub max: Option<u64>,
    /// What counts.
    pub measure: Measure,
}

/// What `@length` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Characters of a string (or enum value).
    Chars,
    /// Bytes of a blob, items of a list, entries of a map.
    Items,
}

/// `@range` bounds: typed for the comparison, and as the model wrote them for messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    /// How values are compared.
    pub compare: RangeCompare,
    /// The lower bound as written.
    pub min_text: Option<String>,
    /// The upper bound as written.
    pub max_text: Option<String>,
}

/// How a `@range` compares: exactly in integers when the target and both bounds are integral,
/// else in `f64`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RangeCompare {
    /// Integer targets with integral bounds.
    Integer {
        /// Lower bound.
        min: Option<i128>,
        /// Upper bound.
        max: Option<i128>,
    },
    /// Everything else (floats, big numbers, fractional bounds).
    Float {
        /// Lower bound.
        min: Option<f64>,
        /// Upper bound.
        max: Option<f64>,
    },
}

impl Member {
    /// Whether the field is `Option<T>`: neither required nor defaulted.
    pub fn optional(&self) -> bool {
        !self.required && self.default.is_none()
    }
}
