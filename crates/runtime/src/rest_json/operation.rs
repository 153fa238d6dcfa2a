//! What a generated restJson1 operation implements, and [`serve`], the one generic body every
//! generated operation calls: check the media types, decode and validate the input from the
//! request's bindings, call the handler, and encode its output or error.

use std::future::Future;

use super::request::RestRequest;
use super::response::{decode_failure, framework_error, operation_error};
use super::text::{self, BodyMedia};
use crate::context::RequestContext;
use crate::operation::{DecodeError, OperationError};
use crate::response::Response;
use crate::server::OperationRequest;
use crate::validation::Violations;

/// One restJson1 operation, as generated from the model.
pub trait HttpOperation {
    /// The operation's shape name.
    const NAME: &'static str;
    /// The `@http` method.
    const METHOD: &'static str;
    /// The `@http` URI pattern.
    const URI: &'static str;
    /// What a request's body holds, which decides the `Content-Type` it may have.
    const REQUEST_BODY: BodyMedia;
    /// What a response's body holds, which decides the `Accept` a request may have.
    const RESPONSE_BODY: BodyMedia;
    /// The validated input.
    type Input;
    /// The output.
    type Output;
    /// Its modeled errors.
    type Error: OperationError;

    /// Reads and validates the input from the request's labels, query, headers and body,
    /// reporting every problem at once.
    fn decode_request(request: &RestRequest) -> Result<Self::Input, DecodeError>;
    /// Writes an output as a response: status, headers and body.
    fn encode_response(output: &Self::Output) -> Response;
    /// For operations that list `smithy.framework#ValidationException`: that error, built from
    /// the violations. `None` (the default) answers them in AWS's `ValidationException` dialect.
    fn validation_error(_violations: &Violations) -> Option<Self::Error> {
        None
    }
}

/// Checks a request's media types and reads its validated input for operation `O`, or the
/// response refusing it: 415 or 406 for media types, `SerializationException` for malformed
/// text or JSON, and for constraint violations the operation's modeled
/// `smithy.framework#ValidationException` or AWS's `ValidationException`.
pub fn prepare<O: HttpOperation>(
    request: &RestRequest,
    request_id: &str,
) -> Result<O::Input, Box<Response>> {
    let headers = &request.head().headers;
    let content_type = text::single_header(headers.get_all(http::header::CONTENT_TYPE).iter())
        .and_then(|content_type| {
            text::check_content_type(content_type, O::REQUEST_BODY, request.body().is_empty())
        });
    if let Err(error) = content_type {
        return Err(Box::new(framework_error(
            415,
            "UnsupportedMediaTypeException",
            error.message(),
        )));
    }
    if let Err(error) = text::check_accept(
        headers.get_all(http::header::ACCEPT).iter(),
        O::RESPONSE_BODY,
    ) {
        return Err(Box::new(framework_error(
            406,
            "NotAcceptableException",
            error.message(),
        )));
    }
    O::decode_request(request).map_err(|error| {
        let modeled = match &error {
            DecodeError::Invalid(violations) => O::validation_error(violations),
            DecodeError::Malformed(_) => None,
        };
        Box::new(match modeled {
            Some(modeled) => operation_error(&modeled, request_id),
            None => decode_failure(&error),
        })
    })
}

/// Serves one request for operation `O`: [`prepare`]s its input from the routed request,
/// calls `handler`, and encodes the output or error. Every generated restJson1 operation is
/// this call.
pub async fn serve<O, F, Fut>(request: OperationRequest, handler: F) -> Response
where
    O: HttpOperation,
    F: FnOnce(O::Input, RequestContext) -> Fut,
    Fut: Future<Output = Result<O::Output, O::Error>>,
{
    let OperationRequest {
        head,
        labels,
        body,
        context,
        max_json_depth,
        ..
    } = request;
    let routed = RestRequest::new(head, labels, body).with_max_json_depth(max_json_depth);
    let input = match prepare::<O>(&routed, &context.request_id) {
        Ok(input) => input,
        Err(response) => return *response,
    };
    drop(routed);
    let request_id = context.request_id.clone();
    match handler(input, context).await {
        Ok(output) => O::encode_response(&output),
        Err(error) => operation_error(&error, &request_id),
    }
}
