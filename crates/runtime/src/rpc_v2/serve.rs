//! The generic bodies of RPC v2 operations: check the body's media type and structure, decode
//! and validate the input, call the handler, and answer its output or error in the format.

use std::future::Future;

use super::CborOperation;
use super::respond::{framework_error, ok, operation_error};
use crate::context::RequestContext;
use crate::operation::{DecodeError, OperationError, Protocol};
use crate::response::Response;
use crate::server::OperationRequest;
use crate::validation::Violations;

/// Serves one rpcv2Cbor request for operation `O`: reads the body as one CBOR item (an empty
/// body is an empty map) within the operation's depth limit, decodes and validates the input,
/// calls `handler`, and encodes its output or error. Every generated rpcv2Cbor operation is
/// this call.
pub async fn serve_cbor<O, F, Fut>(request: OperationRequest, handler: F) -> Response
where
    O: CborOperation,
    F: FnOnce(O::Input, RequestContext) -> Fut,
    Fut: Future<Output = Result<O::Output, O::Error>>,
{
    const PROTOCOL: Protocol = Protocol::RpcV2Cbor;
    let request_id = request.context.request_id.clone();
    if let Some(refused) = untyped_body(PROTOCOL, &request) {
        return refused;
    }
    let decoded = crate::cbor::parse_body(&request.body, request.max_json_depth)
        .map_err(DecodeError::Malformed)
        .and_then(O::decode_cbor);
    let input = match decoded {
        Ok(input) => input,
        Err(error) => return decode_failure(PROTOCOL, &error, O::validation_error, &request_id),
    };
    let OperationRequest { context, .. } = request;
    match handler(input, context).await {
        Ok(output) => ok(PROTOCOL, O::encode_cbor(&output)),
        Err(error) => operation_error(PROTOCOL, &error, &request_id),
    }
}

/// Serves one rpcv2Json request for operation `O`, an awsJson operation (its JSON is read and
/// written alike): checks the body's structure (depth, repeated keys), reads it (an empty body
/// is `{}`), decodes and validates the input, calls `handler`, and encodes its output or error.
/// Every generated rpcv2Json operation is this call.
pub async fn serve_json<O, F, Fut>(request: OperationRequest, handler: F) -> Response
where
    O: crate::aws_json::Operation,
    F: FnOnce(O::Input, RequestContext) -> Fut,
    Fut: Future<Output = Result<O::Output, O::Error>>,
{
    const PROTOCOL: Protocol = Protocol::RpcV2Json;
    let request_id = request.context.request_id.clone();
    if let Some(refused) = untyped_body(PROTOCOL, &request) {
        return refused;
    }
    let decoded = crate::json::check_structure(&request.body, request.max_json_depth)
        .and_then(|()| crate::json::parse_body(&request.body))
        .map_err(DecodeError::Malformed)
        .and_then(O::decode_value);
    let input = match decoded {
        Ok(input) => input,
        Err(error) => return decode_failure(PROTOCOL, &error, O::validation_error, &request_id),
    };
    let OperationRequest { context, .. } = request;
    match handler(input, context).await {
        Ok(output) => ok(PROTOCOL, O::encode_output(&output)),
        Err(error) => operation_error(PROTOCOL, &error, &request_id),
    }
}

/// The refusal of a body sent without `Content-Type`, which the protocol requires with one.
fn untyped_body(protocol: Protocol, request: &OperationRequest) -> Option<Response> {
    let typed = request
        .head
        .headers
        .contains_key(http::header::CONTENT_TYPE);
    (!typed && !request.body.is_empty()).then(|| {
        let message = format!(
            "Content-Type must be {} when there is a body",
            protocol.content_type()
        );
        framework_error(protocol, 415, "UnsupportedMediaTypeException", &message)
    })
}

/// The answer to a request that did not decode: the operation's modeled
/// `ValidationException` when it lists one and the input broke constraints, else the
/// framework's `SerializationException` or `ValidationException`.
fn decode_failure<E: OperationError>(
    protocol: Protocol,
    error: &DecodeError,
    modeled: fn(&Violations) -> Option<E>,
    request_id: &str,
) -> Response {
    let modeled = match error {
        DecodeError::Invalid(violations) => modeled(violations),
        DecodeError::Malformed(_) => None,
    };
    match modeled {
        Some(modeled) => operation_error(protocol, &modeled, request_id),
        None => {
            let (status, error_type, message) = error.framework_answer();
            framework_error(protocol, status, error_type, &message)
        }
    }
}
