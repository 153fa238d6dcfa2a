//! The restJson1 side of the harness. Every request goes through the runtime's real `Server`
//! with the restJson1 protocol (routing, body limits, context) to a probe that stands for the
//! operation the case names:
//!
//! - a request case must be routed to that operation, pass its media-type checks, and decode
//!   into exactly the case's `params`;
//! - a malformed-request case must be answered with the case's status, headers and body, by the
//!   same checks and decoding (a request that decodes is answered 200, which no malformed case
//!   expects);
//! - a response or error case has the output or error encoded as the operation would, then
//!   turned into HTTP as the service does, and compared with the case's response.

use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use serde_json::Value;
use smithy_server_runtime::rest_json::{self, HttpOperation, RestJson, RestRequest, prepare};
use smithy_server_runtime::{
    ErrorShape, FixedContext, OperationId, OperationService, Operations, Refusal, Response, Server,
    operation, to_http,
};

use crate::{Expected, Request, assert_same, check_response, json_equal, send};

/// A malformed-request case's expected response.
#[derive(Debug, Clone, Copy)]
pub struct Malformed {
    /// The status.
    pub status: u16,
    /// Headers that must have these values.
    pub headers: &'static [(&'static str, &'static str)],
    /// The exact body, if the case gives one.
    pub body: Option<&'static str>,
    /// A regular expression the body's `message` must match, if the case gives one.
    pub message_regex: Option<&'static str>,
    /// The body's media type.
    pub media_type: Option<&'static str>,
}

/// The probe of route `route`: for `O`'s route, reads the input of what is routed to it (into
/// `input`) or refuses it as `O` would; for any other, answers that the request went elsewhere.
fn probe<O>(
    route: (&'static str, &'static str),
    input: Arc<Mutex<Option<O::Input>>>,
) -> OperationService
where
    O: HttpOperation + 'static,
    O::Input: Send + 'static,
{
    operation(move |request| {
        let response = if route != (O::METHOD, O::URI) {
            rest_json::framework_error(
                500,
                "RoutedElsewhere",
                &format!("routed to {route:?}, not {} {}", O::METHOD, O::URI),
            )
        } else {
            let routed = RestRequest::new(request.head, request.labels, request.body)
                .with_max_json_depth(request.max_json_depth);
            match prepare::<O>(&routed, &request.context.request_id) {
                Ok(decoded) => {
                    if let Ok(mut slot) = input.lock() {
                        *slot = Some(decoded);
                    }
                    Response::new(200)
                }
                Err(response) => *response,
            }
        };
        async move { response }
    })
}

async fn exchange<O>(
    routes: &'static [(&'static str, &'static str)],
    request: Request,
) -> (http::response::Parts, Bytes, Option<O::Input>)
where
    O: HttpOperation + 'static,
    O::Input: Send + 'static,
{
    let input = Arc::new(Mutex::new(None));
    let probes = routes
        .iter()
        .map(|route| probe::<O>(*route, Arc::clone(&input)))
        .collect();
    let ids: &'static [OperationId] = Box::leak(
        routes
            .iter()
            .map(|(_, uri)| OperationId::new(uri, uri))
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    );
    let service = Server::new(
        RestJson::new(routes),
        Operations::new(ids, probes, Refusal::internal_failure),
    )
    .context(FixedContext {
        account_id: "123456789012".to_owned(),
        region: "us-east-1".to_owned(),
    });
    let (head, body) = send(&service, request.to_http()).await;
    let input = input.lock().ok().and_then(|mut slot| slot.take());
    (head, body, input)
}

/// Runs a request case for operation `O` of a service with these routes.
pub async fn request_case<O>(
    routes: &'static [(&'static str, &'static str)],
    request: Request,
    expected: O::Input,
) where
    O: HttpOperation + 'static,
    O::Input: Send + PartialEq + Debug + 'static,
{
    let (head, body, input) = exchange::<O>(routes, request).await;
    assert_eq!(
        head.status,
        200,
        "the service refused the request: {}",
        String::from_utf8_lossy(&body)
    );
    let input = input.expect("the request reached the operation");
    assert_same(&input, &expected);
}

/// Runs a malformed-request case for operation `O` of a service with these routes.
pub async fn malformed_case<O>(
    routes: &'static [(&'static str, &'static str)],
    request: Request,
    expected: Malformed,
) where
    O: HttpOperation + 'static,
    O::Input: Send + 'static,
{
    let (head, body, _) = exchange::<O>(routes, request).await;
    let text = String::from_utf8_lossy(&body);
    assert_eq!(
        head.status.as_u16(),
        expected.status,
        "status; body: {text}"
    );
    for (name, value) in expected.headers {
        let actual = head.headers.get(*name).and_then(|v| v.to_str().ok());
        assert_eq!(actual, Some(*value), "header {name}; body: {text}");
    }
    if let Some(expected_body) = expected.body {
        if expected.media_type.is_some_and(|m| m.contains("json")) {
            let expected_json: Value =
                serde_json::from_str(expected_body).expect("the case's body is JSON");
            let actual_json: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("the body is not JSON ({e}): {text}"));
            assert!(
                json_equal(&actual_json, &expected_json),
                "body\n  actual:   {actual_json}\n  expected: {expected_json}"
            );
        } else {
            assert_eq!(text, expected_body, "body");
        }
    }
    if let Some(pattern) = expected.message_regex {
        let actual_json: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("the body is not JSON ({e}): {text}"));
        let message = actual_json
            .get("message")
            .or_else(|| actual_json.get("Message"))
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("the body has no message: {text}"));
        let regex = regex::Regex::new(pattern).expect("the case's regex compiles");
        assert!(
            regex.is_match(message),
            "message {message:?} does not match {pattern:?}"
        );
    }
}

/// Runs a response case for operation `O`.
pub async fn response_case<O: HttpOperation>(output: O::Output, expected: Expected) {
    let response = to_http(O::encode_response(&output), "request-id");
    let (head, body) = response.into_parts();
    let body = http_body_util::BodyExt::collect(body)
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_else(|never| match never {});
    check_response(&head, &body, expected);
}

/// Runs an error response case.
pub async fn error_case(error: &dyn ErrorShape, expected: Expected) {
    let response = to_http(rest_json::modeled_error(error, "request-id"), "request-id");
    let (head, body) = response.into_parts();
    let body = http_body_util::BodyExt::collect(body)
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_else(|never| match never {});
    check_response(&head, &body, expected);
}
