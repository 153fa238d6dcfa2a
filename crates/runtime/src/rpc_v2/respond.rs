//! RPC v2 answers in either format: an output, a modeled error (`__type` and its members), an
//! error of the framework (`__type` and `message`), each with its `Content-Type` (when it has a
//! body) and the `smithy-protocol` header.

use http::HeaderValue;

use super::SMITHY_PROTOCOL;
use crate::aws_json;
use crate::cbor::CborWriter;
use crate::operation::{ErrorAnswer, ErrorShape, OperationError, Protocol};
use crate::refusal::{Refusal, RefusalForm};
use crate::response::Response;

/// Adds the `smithy-protocol` header naming the format (`rpc-v2-cbor` for
/// [`Protocol::RpcV2Cbor`], `rpc-v2-json` otherwise).
fn stamp(protocol: Protocol, mut response: Response) -> Response {
    let format = if protocol == Protocol::RpcV2Cbor {
        "rpc-v2-cbor"
    } else {
        "rpc-v2-json"
    };
    response
        .headers
        .insert(SMITHY_PROTOCOL, HeaderValue::from_static(format));
    response
}

/// A successful output's response: a 200 with the body, and its `Content-Type` unless the body
/// is empty (a `Unit` output).
pub fn ok(protocol: Protocol, body: Vec<u8>) -> Response {
    let mut response = Response::new(200);
    if !body.is_empty() {
        response.payload(body, protocol.content_type());
    }
    stamp(protocol, response)
}

/// An error of the framework itself (not in the model): `__type` and `message`.
pub fn framework_error(
    protocol: Protocol,
    status: u16,
    error_type: &str,
    message: &str,
) -> Response {
    if protocol != Protocol::RpcV2Cbor {
        let response = aws_json::framework_error(protocol, status, error_type, message);
        return stamp(protocol, response);
    }
    let mut writer = CborWriter::new();
    {
        let mut object = writer.object();
        object.key("__type").string(error_type);
        object.key("message").string(message);
    }
    let mut response = Response::new(status);
    response.payload(writer.finish(), protocol.content_type());
    response.error_type = Some(error_type.to_owned());
    stamp(protocol, response)
}

/// A modeled error's response: `__type` (its absolute shape id) and its members, its status,
/// and for query-compatible services `x-amzn-query-error`.
pub fn modeled_error(protocol: Protocol, error: &dyn ErrorShape, request_id: &str) -> Response {
    if protocol != Protocol::RpcV2Cbor {
        return stamp(
            protocol,
            aws_json::modeled_error(protocol, error, request_id),
        );
    }
    let error_type = protocol.error_type(error.shape_id());
    let mut writer = CborWriter::new();
    {
        let mut object = writer.object();
        object.key("__type").string(error_type);
        error.write_members_cbor(&mut object, request_id);
    }
    let mut response = Response::new(error.http_status());
    response.payload(writer.finish(), protocol.content_type());
    response.error_type = Some(error_type.to_owned());
    if let Some(query_error) = error.query_error() {
        response
            .headers
            .insert("x-amzn-query-error", HeaderValue::from_static(query_error));
    }
    stamp(protocol, response)
}

/// A refusal's response.
pub fn refused(protocol: Protocol, refusal: &Refusal, request_id: &str) -> Response {
    match refusal.form() {
        RefusalForm::Framework {
            status,
            error_type,
            message,
        } => framework_error(protocol, status, error_type, message),
        RefusalForm::Modeled(error) => modeled_error(protocol, error, request_id),
    }
}

/// An operation error's response: its error structure's, or its refusal's.
pub fn operation_error(
    protocol: Protocol,
    error: &dyn OperationError,
    request_id: &str,
) -> Response {
    match error.answer() {
        ErrorAnswer::Modeled(error) => modeled_error(protocol, error, request_id),
        ErrorAnswer::Refused(refusal) => refused(protocol, refusal, request_id),
    }
}
