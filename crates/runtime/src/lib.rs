//! Runtime for Rust servers generated from Smithy models: the awsJson wire helpers, constraint
//! validation with both error dialects, patterns, the traits that tie generated operations and
//! errors to a transport, and that transport: the awsJson protocol as a tower service served by
//! hyper.
//!
//! Generated code reaches this crate only through [`codegen`], a module of re-exports, so the
//! runtime can move things around without breaking generated crates.

pub mod blob;
pub mod codegen;
pub mod http;
pub mod json;
pub mod number;
pub mod operation;
pub mod reply;
pub mod rest;
pub mod serve;
pub mod sigv4;
pub mod timestamp;
pub mod validation;
pub mod write;

pub use blob::Blob;
pub use number::BigNumber;
pub use operation::{
    DecodeError, ErrorInfo, ErrorShape, Fault, Operation, OperationError, Protocol, RequestContext,
};
pub use reply::Reply;
pub use timestamp::{Timestamp, TimestampFormat};
pub use validation::{Dialect, Violations};

/// A JSON document, the value of Smithy's `document` shape.
pub type Document = serde_json::Value;
