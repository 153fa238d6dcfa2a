//! Smithy RPC v2, in CBOR (`smithy.protocols#rpcv2Cbor`) and in JSON
//! (`smithy.protocols#rpcv2Json`): `POST {prefix?}/service/{service}/operation/{operation}` with
//! a `smithy-protocol` header naming the format, bodies in that format, errors with `__type`
//! (the error's absolute shape id). [`RpcV2`] is the [`crate::ServiceProtocol`] of either;
//! [`serve_cbor`] and [`serve_json`] the generic bodies every generated operation calls.
//!
//! A request is routed on its head alone, and refused (in the protocol's form, with
//! `Content-Type` and the `smithy-protocol` header, as every answer carries) with:
//!
//! - 404 `UnknownOperationException` when its path is not
//!   `…/service/{service}/operation/{operation}` for this service (only the last four segments
//!   count; `{service}` is the shape name, or the absolute id with `#` written `.`): checked
//!   first, so that the health route answers such requests;
//! - 405 `UnknownOperationException` when the method is not `POST`;
//! - 400 `UnknownOperationException` when `X-Amz-Target` or `X-Amzn-Target` is present, which
//!   the protocol forbids (awsJson answers a request it cannot route by its headers so);
//! - 415 `UnsupportedMediaTypeException` when `smithy-protocol` is missing or names another
//!   format (the header names the wire format, as `Content-Type` does), or `Content-Type` is
//!   present and not the format's (`application/cbor`, `application/json`), as in awsJson;
//! - 406 `NotAcceptableException` when `Accept` is present and takes neither the format's type,
//!   `application/*` nor `*/*`;
//! - 400 `UnknownOperationException` when `{operation}` is no operation's shape name (an
//!   absolute id is not taken), once the body has arrived and the context resolver has let the
//!   request through, as awsJson answers an unknown target.
//!
//! Then [`serve_cbor`] and [`serve_json`] refuse a body sent without `Content-Type` (415), read
//! an empty body as an empty map or object (an input without members, or `Unit`, may come with
//! no body), and answer a body that is not one well-formed item, nests too deep or names a key
//! twice with a `SerializationException`. Success is a 200 whose body is the output; an output
//! that encodes to nothing (`Unit`) is sent with no body and no `Content-Type`.

mod respond;
mod route;
mod serve;

#[cfg(test)]
mod tests;

pub use respond::{framework_error, modeled_error, ok, operation_error, refused};
pub use route::RpcV2;
pub use serve::{serve_cbor, serve_json};

use crate::cbor::CborValue;
use crate::operation::{DecodeError, OperationError};
use crate::validation::Violations;

/// The header that names an RPC v2 request's and response's format.
pub const SMITHY_PROTOCOL: &str = "smithy-protocol";

/// One rpcv2Cbor operation, as generated from the model. (An rpcv2Json operation is an
/// [`crate::aws_json::Operation`]: its JSON is read and written alike.)
pub trait CborOperation {
    /// The operation's shape name.
    const NAME: &'static str;
    /// The validated input.
    type Input;
    /// The output.
    type Output;
    /// Its modeled errors.
    type Error: OperationError;

    /// Validates a parsed request body into the input: types, then every constraint, all
    /// violations at once.
    fn decode_cbor(value: CborValue) -> Result<Self::Input, DecodeError>;
    /// Writes an output as the response body (nothing for `Unit`).
    fn encode_cbor(output: &Self::Output) -> Vec<u8>;
    /// For operations that list `smithy.framework#ValidationException`: that error, built from
    /// the violations. `None` (the default) answers them in AWS's `ValidationException` dialect.
    fn validation_error(_violations: &Violations) -> Option<Self::Error> {
        None
    }
}
