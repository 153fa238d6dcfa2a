//! The one door generated code uses into the runtime: re-exports only, nothing defined here.

pub use crate::BoxError;
pub use crate::Document;
pub use crate::aws_json;
pub use crate::blob::Blob;
pub use crate::cbor::{self, CborArrayWriter, CborObjectWriter, CborValue, CborWriter};
pub use crate::context::{DefaultContext, OperationId, RequestContext, ResolveContext};
pub use crate::json::{self, Field, IntEnum, Items, Members, Object, StringEnum};
pub use crate::number::BigNumber;
pub use crate::operation::{
    DecodeError, ErrorAnswer, ErrorInfo, ErrorShape, Fault, OperationError, Protocol,
    UnknownEnumValue, decode, encode, fmt_error,
};
pub use crate::protocol::{Protocols, ServiceProtocol};
pub use crate::refusal::Refusal;
pub use crate::response::{Response, ResponseBody};
pub use crate::rest_json;
pub use crate::rpc_v2;
pub use crate::server::{OperationRequest, Operations, Plugin, Server, Settings, operation};
pub use crate::timestamp::{Timestamp, TimestampFormat};
pub use crate::validation::{Path, ValueText, Violations, has_duplicates};
pub use crate::write::{ArrayWriter, JsonWriter, ObjectWriter};
pub use bytes::Bytes;
pub use http;
pub use http_body;
pub use serde_json::Value;
pub use smithy_patterns::Pattern;
pub use tower;

/// Whether `bigInteger` and `bigDecimal` values keep every digit: the `arbitrary-precision`
/// feature, which a generated service with such values requires.
pub const ARBITRARY_PRECISION: bool = cfg!(feature = "arbitrary-precision");
