//! The intermediate representation: plain data keyed by shape id in `BTreeMap`s, with every Rust
//! name already decided, so emission is a straight walk and output order is deterministic.

use std::collections::BTreeMap;

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
    /// The awsJson variant.
    pub protocol: Protocol,
    /// Markdown lines.
    pub docs: Vec<String>,
    /// Operations, sorted by name.
    pub operations: Vec<Operation>,
    /// Every shape the operations reach, by id.
    pub shapes: BTreeMap<String, Shape>,
    /// Every pattern, deduplicated, in a stable order.
    pub patterns: Vec<Translated>,
    /// Operations left out, with the reason.
    pub skipped: Vec<String>,
    /// `aws.protocols#awsQueryCompatible`: errors also carry their query error code.
    pub query_compatible: bool,
}

/// The awsJson variant a service speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `aws.protocols#awsJson1_0`.
    AwsJson1_0,
    /// `aws.protocols#awsJson1_1`.
    AwsJson1_1,
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
    /// Input structure, or `None` for `smithy.api#Unit`.
    pub input: Option<String>,
    /// Output structure, or `None` for `smithy.api#Unit`.
    pub output: Option<String>,
    /// Error structures (the operation's and the service's), sorted by id.
    pub errors: Vec<String>,
    /// Validation dialect.
    pub dialect: Dialect,
    /// Markdown lines.
    pub docs: Vec<String>,
}

/// A shape the service reaches.
#[derive(Debug, Clone)]
pub struct Shape {
    /// Absolute shape id.
    pub id: String,
    /// Rust type name (aggregates, enums); a stem for functions otherwise.
    pub name: String,
    /// `snake_case` stem for its (de)serializer functions.
    pub function_stem: String,
    /// Markdown lines.
    pub docs: Vec<String>,
    /// What it is.
    pub kind: Kind,
    /// `@sensitive`.
    pub sensitive: bool,
    /// Reached from an operation input: needs a deserializer and validator.
    pub in_input: bool,
    /// Reached from an output or error: needs a serializer.
    pub in_output: bool,
    /// `@error`, for error structures.
    pub error: Option<ErrorInfo>,
    /// `aws.protocols#awsQueryError`'s code, for error structures that have it.
    pub query_error: QueryErrorCode,
}

/// An error structure's fault and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorInfo {
    /// Whether the server is at fault.
    pub server_fault: bool,
    /// The HTTP status.
    pub status: u16,
}

/// The code of `aws.protocols#awsQueryError`, which query-compatible services send in the
/// `x-amzn-query-error` header.
pub type QueryErrorCode = Option<String>;

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
    /// The name in the model, which is the JSON key.
    pub name: String,
    /// Field name (structures) or variant name (unions).
    pub rust_name: String,
    /// The target shape id.
    pub target: String,
    /// `@required`.
    pub required: bool,
    /// `@default`, when not null.
    pub default: Option<serde_json::Value>,
    /// `@length` bounds.
    pub length: Option<(Option<u64>, Option<u64>)>,
    /// `@range` bounds, as the model wrote them.
    pub range: Option<(Option<String>, Option<String>)>,
    /// `@pattern`, translated.
    pub pattern: Option<Translated>,
    /// `@timestampFormat`, for timestamps.
    pub timestamp_format: TimestampFormat,
    /// `@sensitive` on the member or its target.
    pub sensitive: bool,
    /// Needs a `Box` to break a cycle of structures and unions.
    pub boxed: bool,
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

impl Member {
    /// Whether the field is `Option<T>`: neither required nor defaulted.
    pub fn optional(&self) -> bool {
        !self.required && self.default.is_none()
    }
}
