//! The restJson1 protocol: routing a request to an operation by method, path segments and query
//! literals ([`router`]); the text forms HTTP bindings use, percent-encoded labels and query
//! strings, header lists, numbers, booleans, timestamps and blobs in text, media types
//! ([`text`]); reading an operation's input from a routed request ([`request`]); building
//! responses and errors ([`response`]); what generated operations and services implement, and
//! the generic call every operation goes through ([`operation`]); and the HTTP service that
//! puts them together ([`service`]).

pub mod operation;
pub mod request;
pub mod response;
pub mod router;
pub mod service;
pub mod text;

pub use operation::{HttpOperation, RestDispatch, call, prepare};
pub use request::{InputBuilder, Payload, RestRequest, TextKind};
pub use response::{RestResponse, ToText};
pub use service::{RestJsonService, RoutesError, to_http};
