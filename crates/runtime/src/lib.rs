//! Runtime for Rust servers generated from Smithy models.
//!
//! What a service's author names lives here at the root: the generated `<Service>Server` is a
//! [`Server`], configured with [`Settings`] (limits, per operation too), a [`ResolveContext`]
//! that builds each request's [`RequestContext`] or [`Refusal`] (authentication, authorization,
//! rate limits; told the routed [`OperationId`]), and [`Plugin`]s around each operation. It is
//! a tower `Service`: serve it with [`serve`], mount it in axum, wrap it in any tower layer.
//! [`sigv4`] verifies AWS signatures; [`layers`] holds the built-in layers.
//!
//! Generated code reaches the rest of the crate only through a hidden module of re-exports,
//! so the runtime can move things around without breaking generated crates.

#[doc(hidden)]
pub mod aws_json;
#[doc(hidden)]
pub mod blob;
#[doc(hidden)]
pub mod cbor;
#[doc(hidden)]
pub mod codegen;
mod context;
#[doc(hidden)]
pub mod json;
pub mod layers;
#[doc(hidden)]
pub mod number;
#[doc(hidden)]
pub mod operation;
mod protocol;
mod refusal;
mod response;
#[doc(hidden)]
pub mod rest_json;
#[doc(hidden)]
pub mod rpc_v2;
pub mod serve;
mod server;
pub mod sigv4;
#[doc(hidden)]
pub mod timestamp;
#[doc(hidden)]
pub mod validation;
#[doc(hidden)]
pub mod write;

pub use blob::Blob;
pub use context::{
    ContextRequest, DefaultContext, FixedContext, OperationId, RequestContext, ResolveContext,
};
pub use number::BigNumber;
pub use operation::{ErrorAnswer, ErrorShape, OperationError, Protocol};
pub use protocol::{Protocols, Route, ServiceProtocol};
pub use refusal::{Refusal, RefusalForm};
pub use response::{Response, ResponseBody, to_http, to_http_for};
pub use server::{
    LayerPlugin, Limits, OperationLimits, OperationRequest, OperationService, Operations, Plugin,
    Server, Settings, operation, read_body,
};
pub use timestamp::{Timestamp, TimestampFormat};

/// Includes the code a `build.rs` generated with `smithy_server_codegen::build` for a service,
/// by the file's name without `.rs` (the service's name in snake case: `weather` for `Weather`).
///
/// ```ignore
/// mod weather {
///     smithy_server_runtime::include_service!("weather");
/// }
/// ```
#[macro_export]
macro_rules! include_service {
    ($name:literal) => {
        include!(concat!(env!("OUT_DIR"), "/", $name, ".rs"));
    };
}

/// An error of any type, as bodies and services box them.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A JSON document, the value of Smithy's `document` shape.
pub type Document = serde_json::Value;
