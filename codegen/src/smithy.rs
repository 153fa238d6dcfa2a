//! The Smithy vocabulary the generator reads: shape types, and the ids of the traits and shapes
//! it acts on, each named once here so no other module spells an id.

use std::fmt;

use serde::Deserialize;

/// A shape's type, as the JSON AST's `type` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ShapeType {
    /// `blob`
    Blob,
    /// `boolean`
    Boolean,
    /// `string`
    String,
    /// `timestamp`
    Timestamp,
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
    /// `document`
    Document,
    /// `enum`
    Enum,
    /// `intEnum`
    IntEnum,
    /// `list`
    List,
    /// `set` (Smithy 1.0: a list of unique items)
    Set,
    /// `map`
    Map,
    /// `structure`
    Structure,
    /// `union`
    Union,
    /// `service`
    Service,
    /// `operation`
    Operation,
    /// `resource`
    Resource,
    /// `member`
    Member,
    /// `apply`: traits applied to a shape defined elsewhere.
    Apply,
}

impl ShapeType {
    /// The name the model writes.
    pub fn as_str(self) -> &'static str {
        match self {
            ShapeType::Blob => "blob",
            ShapeType::Boolean => "boolean",
            ShapeType::String => "string",
            ShapeType::Timestamp => "timestamp",
            ShapeType::Byte => "byte",
            ShapeType::Short => "short",
            ShapeType::Integer => "integer",
            ShapeType::Long => "long",
            ShapeType::Float => "float",
            ShapeType::Double => "double",
            ShapeType::BigInteger => "bigInteger",
            ShapeType::BigDecimal => "bigDecimal",
            ShapeType::Document => "document",
            ShapeType::Enum => "enum",
            ShapeType::IntEnum => "intEnum",
            ShapeType::List => "list",
            ShapeType::Set => "set",
            ShapeType::Map => "map",
            ShapeType::Structure => "structure",
            ShapeType::Union => "union",
            ShapeType::Service => "service",
            ShapeType::Operation => "operation",
            ShapeType::Resource => "resource",
            ShapeType::Member => "member",
            ShapeType::Apply => "apply",
        }
    }

    /// Whether its members are values (`enum`, `intEnum`), not shapes it reaches.
    pub fn is_enum(self) -> bool {
        matches!(self, ShapeType::Enum | ShapeType::IntEnum)
    }
}

impl fmt::Display for ShapeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The ids of the traits the generator reads.
pub mod traits {
    /// `@default`.
    pub const DEFAULT: &str = "smithy.api#default";
    /// `@documentation`.
    pub const DOCUMENTATION: &str = "smithy.api#documentation";
    /// `@enum` (Smithy 1.0 string enums).
    pub const ENUM: &str = "smithy.api#enum";
    /// `@enumValue`.
    pub const ENUM_VALUE: &str = "smithy.api#enumValue";
    /// `@error`.
    pub const ERROR: &str = "smithy.api#error";
    /// `@http`.
    pub const HTTP: &str = "smithy.api#http";
    /// `@httpError`.
    pub const HTTP_ERROR: &str = "smithy.api#httpError";
    /// `@httpHeader`.
    pub const HTTP_HEADER: &str = "smithy.api#httpHeader";
    /// `@httpLabel`.
    pub const HTTP_LABEL: &str = "smithy.api#httpLabel";
    /// `@httpPayload`.
    pub const HTTP_PAYLOAD: &str = "smithy.api#httpPayload";
    /// `@httpPrefixHeaders`.
    pub const HTTP_PREFIX_HEADERS: &str = "smithy.api#httpPrefixHeaders";
    /// `@httpQuery`.
    pub const HTTP_QUERY: &str = "smithy.api#httpQuery";
    /// `@httpQueryParams`.
    pub const HTTP_QUERY_PARAMS: &str = "smithy.api#httpQueryParams";
    /// `@httpResponseCode`.
    pub const HTTP_RESPONSE_CODE: &str = "smithy.api#httpResponseCode";
    /// `@internal`.
    pub const INTERNAL: &str = "smithy.api#internal";
    /// `@jsonName`.
    pub const JSON_NAME: &str = "smithy.api#jsonName";
    /// `@length`.
    pub const LENGTH: &str = "smithy.api#length";
    /// `@mediaType`.
    pub const MEDIA_TYPE: &str = "smithy.api#mediaType";
    /// `@mixin`.
    pub const MIXIN: &str = "smithy.api#mixin";
    /// `@pattern`.
    pub const PATTERN: &str = "smithy.api#pattern";
    /// `@range`.
    pub const RANGE: &str = "smithy.api#range";
    /// `@required`.
    pub const REQUIRED: &str = "smithy.api#required";
    /// `@sensitive`.
    pub const SENSITIVE: &str = "smithy.api#sensitive";
    /// `@sparse`.
    pub const SPARSE: &str = "smithy.api#sparse";
    /// `@streaming`.
    pub const STREAMING: &str = "smithy.api#streaming";
    /// `@timestampFormat`.
    pub const TIMESTAMP_FORMAT: &str = "smithy.api#timestampFormat";
    /// `@uniqueItems`.
    pub const UNIQUE_ITEMS: &str = "smithy.api#uniqueItems";
    /// `@unitType`.
    pub const UNIT_TYPE: &str = "smithy.api#unitType";

    /// `@aws.protocols#awsJson1_0`.
    pub const AWS_JSON_1_0: &str = "aws.protocols#awsJson1_0";
    /// `@aws.protocols#awsJson1_1`.
    pub const AWS_JSON_1_1: &str = "aws.protocols#awsJson1_1";
    /// `@aws.protocols#restJson1`.
    pub const REST_JSON_1: &str = "aws.protocols#restJson1";
    /// `@smithy.protocols#rpcv2Cbor`.
    pub const RPC_V2_CBOR: &str = "smithy.protocols#rpcv2Cbor";
    /// `@smithy.protocols#rpcv2Json`.
    pub const RPC_V2_JSON: &str = "smithy.protocols#rpcv2Json";
    /// `@aws.protocols#awsQueryCompatible`.
    pub const AWS_QUERY_COMPATIBLE: &str = "aws.protocols#awsQueryCompatible";
    /// `@aws.protocols#awsQueryError`.
    pub const AWS_QUERY_ERROR: &str = "aws.protocols#awsQueryError";
}

/// The ids of the shapes the generator treats specially.
pub mod shapes {
    /// `smithy.api#Unit`: no input, no output, a union member without a value.
    pub const UNIT: &str = "smithy.api#Unit";
    /// Smithy's validation exception, which an operation lists to report constraint violations.
    pub const VALIDATION_EXCEPTION: &str = "smithy.framework#ValidationException";
    /// An entry of [`VALIDATION_EXCEPTION`]'s field list.
    pub const VALIDATION_EXCEPTION_FIELD: &str = "smithy.framework#ValidationExceptionField";
}
