//! The one door generated code uses into the runtime: re-exports only, nothing defined here.

pub use crate::Document;
pub use crate::blob::Blob;
pub use crate::http::Dispatch;
pub use crate::json::{self, Field, IntEnum, Items, Members, Object, StringEnum};
pub use crate::number::BigNumber;
pub use crate::operation::{
    DecodeError, ErrorInfo, ErrorShape, Fault, Operation, OperationError, Protocol, RequestContext,
    UnknownEnumValue, call, decode, encode, fmt_error,
};
pub use crate::reply::Reply;
pub use crate::rest;
pub use crate::timestamp::{Timestamp, TimestampFormat};
pub use crate::validation::{Path, ValueText, Violations, has_duplicates};
pub use crate::write::{ArrayWriter, JsonWriter, ObjectWriter};
pub use bytes::Bytes;
pub use serde_json::Value;
pub use smithy_patterns::Pattern;
