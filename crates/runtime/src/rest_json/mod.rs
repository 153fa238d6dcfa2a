//! The restJson1 protocol: routing a request to an operation by method, path segments and query
//! literals ([`router`], [`protocol`]); the text forms HTTP bindings use, percent-encoded labels
//! and query strings, header lists, numbers, booleans, timestamps and blobs in text, media types
//! ([`text`]); reading an operation's input from a routed request ([`request`]); its forms of
//! errors and of scalars in text ([`response`]); and what generated operations implement, with
//! the generic body every operation goes through ([`operation`]).

pub mod operation;
pub mod protocol;
pub mod request;
pub mod response;
pub mod router;
pub mod text;

pub use operation::{HttpOperation, prepare, serve};
pub use protocol::{RestJson, RoutesError};
pub use request::{InputBuilder, Payload, RestRequest, TextKind};
pub use response::{
    ToText, decode_failure, framework_error, modeled_error, operation_error, refused,
};
