//! The harness the generated compliance tests (`tests/*.rs`, from `cargo xtask codegen`) run on.
//! Every case goes through the runtime's real HTTP service: `Server` with the awsJson protocol
//! here, with restJson1 in [`rest`], with RPC v2 (rpcv2Cbor, rpcv2Json) in [`rpc_v2`]:
//!
//! - a request case sends the case's HTTP request (with the operation's `X-Amz-Target` when the
//!   case leaves it out); the service must accept it and route it to the case's operation, and
//!   the body must decode into exactly the case's `params`;
//! - a response case has the operation's output (or an error) encoded and sent back, and the HTTP
//!   response must have the case's status, headers and body (JSON compared as JSON).

use std::fmt::Debug;
use std::future::Future;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use serde_json::Value;
use smithy_server_runtime::aws_json::{self, AwsJson, Operation};
use smithy_server_runtime::{
    ErrorShape, FixedContext, OperationId, Operations, Protocol, Refusal, Response, Server,
    operation,
};
use tower::ServiceExt as _;

pub mod rest;
pub mod rpc_v2;

/// A case's HTTP request.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    method: &'static str,
    uri: &'static str,
    headers: &'static [(&'static str, &'static str)],
    body: &'static [u8],
}

impl Request {
    /// The HTTP request.
    pub(crate) fn to_http(self) -> http::Request<Full<Bytes>> {
        let mut builder = http::Request::builder().method(self.method).uri(self.uri);
        for (name, value) in self.headers {
            builder = builder.header(*name, *value);
        }
        builder
            .body(Full::new(Bytes::from_static(self.body)))
            .expect("the case's request is valid HTTP")
    }

    /// The request as the case gives it.
    pub const fn new(
        method: &'static str,
        uri: &'static str,
        headers: &'static [(&'static str, &'static str)],
        body: &'static [u8],
    ) -> Self {
        Self {
            method,
            uri,
            headers,
            body,
        }
    }
}

/// A case's expected HTTP response.
#[derive(Debug, Clone, Copy)]
pub struct Expected {
    /// The status.
    pub status: u16,
    /// Headers that must have these values.
    pub headers: &'static [(&'static str, &'static str)],
    /// Headers that must be present.
    pub require: &'static [&'static str],
    /// Headers that must be absent.
    pub forbid: &'static [&'static str],
    /// The body, if the case gives one.
    pub body: Option<&'static str>,
    /// How to compare the body.
    pub media_type: Option<&'static str>,
}

/// What the probe operation saw: the operation it was routed as, and the body.
type Captured = Arc<Mutex<Option<(&'static str, Bytes)>>>;

/// A service of one operation, named by `target`, that records what is routed to it and answers
/// with `response` (an empty 200 without one).
fn service(
    protocol: Protocol,
    target: &'static str,
    response: Option<Response>,
) -> (Server<FixedContext>, Captured) {
    let targets: &'static [&'static str] = Box::leak(Box::new([target]));
    let ids: &'static [OperationId] = Box::leak(Box::new([OperationId::new(target, target)]));
    let captured = Captured::default();
    let seen = Arc::clone(&captured);
    let probe = operation(move |request| {
        if let Ok(mut slot) = seen.lock() {
            *slot = Some((request.operation.name, request.body.clone()));
        }
        let response = response
            .clone()
            .unwrap_or_else(|| aws_json::ok(protocol, Vec::new()));
        async move { response }
    });
    let server = Server::new(
        AwsJson::new(protocol, targets),
        Operations::new(ids, vec![probe], Refusal::internal_failure),
    )
    .context(FixedContext {
        account_id: "123456789012".to_owned(),
        region: "us-east-1".to_owned(),
    });
    (server, captured)
}

async fn send<S>(service: &S, request: http::Request<Full<Bytes>>) -> (http::response::Parts, Bytes)
where
    S: tower::Service<
            http::Request<Full<Bytes>>,
            Response = http::Response<Full<Bytes>>,
            Error = std::convert::Infallible,
        > + Clone,
{
    let response = service
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|never| match never {});
    let (head, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_else(|never| match never {});
    (head, body)
}

/// Values equal, or equal but for NaN (which is never equal to itself): then their `Debug`
/// texts must be equal, with the entries of every `{...}` in a canonical order (a `HashMap`
/// prints its entries in any order).
fn assert_same<T: PartialEq + Debug>(actual: &T, expected: &T) {
    if actual != expected {
        assert_eq!(
            canonical_debug(&format!("{actual:?}")),
            canonical_debug(&format!("{expected:?}")),
            "decoded input differs from the case's params"
        );
    }
}

/// `Debug` text with the comma-separated entries of every brace group sorted.
fn canonical_debug(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    let mut out = String::new();
    while at < chars.len() {
        out.push_str(&canonical_item(&chars, &mut at, None));
    }
    out
}

/// Reads up to (not including) `close` or, inside a group, a top-level `,`; groups inside are
/// made canonical.
fn canonical_item(chars: &[char], at: &mut usize, close: Option<char>) -> String {
    let mut out = String::new();
    while let Some(&c) = chars.get(*at) {
        if Some(c) == close || (close.is_some() && c == ',') {
            break;
        }
        *at += 1;
        match c {
            '"' => {
                out.push(c);
                while let Some(&d) = chars.get(*at) {
                    *at += 1;
                    out.push(d);
                    if d == '\\' {
                        if let Some(&e) = chars.get(*at) {
                            *at += 1;
                            out.push(e);
                        }
                    } else if d == '"' {
                        break;
                    }
                }
            }
            '{' | '[' | '(' => {
                let end = match c {
                    '{' => '}',
                    '[' => ']',
                    _ => ')',
                };
                let mut entries = Vec::new();
                loop {
                    let entry = canonical_item(chars, at, Some(end));
                    entries.push(entry.trim().to_owned());
                    match chars.get(*at) {
                        Some(',') => *at += 1,
                        Some(_) => {
                            *at += 1;
                            break;
                        }
                        None => break,
                    }
                }
                if c == '{' {
                    entries.sort();
                }
                out.push(c);
                out.push_str(&entries.join(", "));
                out.push(end);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Runs a request case for operation `O`.
pub async fn request_case<O: Operation>(protocol: Protocol, request: Request, expected: O::Input)
where
    O::Input: PartialEq + Debug,
{
    let (service, captured) = service(protocol, O::TARGET, None);
    let mut builder = http::Request::builder()
        .method(request.method)
        .uri(request.uri);
    for (name, value) in request.headers {
        builder = builder.header(*name, *value);
    }
    // awsJson routes on X-Amz-Target, which every client sends; cases written for client-side
    // concerns (endpoint hosts, defaults) leave it out, so it is added for them.
    if !request
        .headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("x-amz-target"))
    {
        builder = builder.header("x-amz-target", O::TARGET);
    }
    let http_request = builder
        .body(Full::new(Bytes::from_static(request.body)))
        .expect("the case's request is valid HTTP");
    let (head, body) = send(&service, http_request).await;
    assert_eq!(
        head.status,
        200,
        "the service refused the request: {}",
        String::from_utf8_lossy(&body)
    );
    let captured = captured.lock().map(|c| c.clone()).unwrap_or(None);
    let (target, body) = captured.expect("the request reached the operation");
    assert_eq!(target, O::TARGET, "routed to the wrong operation");
    match O::decode_input(&body) {
        Ok(input) => assert_same(&input, &expected),
        Err(error) => panic!("the body did not decode: {error:?}"),
    }
}

async fn check_reply(
    protocol: Protocol,
    target: &'static str,
    reply: Response,
    expected: Expected,
) {
    let (service, _) = service(protocol, target, Some(reply));
    let request = http::Request::builder()
        .method("POST")
        .uri("/")
        .header("x-amz-target", target)
        .header("content-type", protocol.content_type())
        .body(Full::new(Bytes::from_static(b"{}")))
        .expect("a valid request");
    let (head, body) = send(&service, request).await;
    check_response(&head, &body, expected);
}

/// Checks a response against a case's expectations: status, headers, and the body (JSON
/// compared as JSON).
pub(crate) fn check_response(head: &http::response::Parts, body: &Bytes, expected: Expected) {
    assert_eq!(head.status.as_u16(), expected.status, "status");
    for (name, value) in expected.headers {
        let actual = head.headers.get(*name).and_then(|v| v.to_str().ok());
        assert_eq!(actual, Some(*value), "header {name}");
    }
    for name in expected.require {
        assert!(
            head.headers.contains_key(*name),
            "header {name} is required"
        );
    }
    for name in expected.forbid {
        assert!(
            !head.headers.contains_key(*name),
            "header {name} is forbidden"
        );
    }
    let actual = String::from_utf8_lossy(body);
    match (expected.body, expected.media_type) {
        (Some(""), _) => assert!(
            actual.is_empty() || actual == "{}",
            "expected an empty body, got {actual}"
        ),
        (Some(body), Some(media_type)) if media_type.contains("json") => {
            let expected_json: Value = serde_json::from_str(body).expect("the case's body is JSON");
            let actual_json: Value = serde_json::from_str(&actual)
                .unwrap_or_else(|e| panic!("the body is not JSON ({e}): {actual}"));
            assert!(
                json_equal(&actual_json, &expected_json),
                "body\n  actual:   {actual_json}\n  expected: {expected_json}"
            );
        }
        (Some(body), _) => assert_eq!(actual, body, "body"),
        (None, _) => {}
    }
}

/// Runs a response case for operation `O`.
pub async fn response_case<O: Operation>(
    protocol: Protocol,
    output: O::Output,
    expected: Expected,
) {
    check_reply(
        protocol,
        O::TARGET,
        aws_json::ok(protocol, O::encode_output(&output)),
        expected,
    )
    .await;
}

/// Runs an error response case.
pub async fn error_case(protocol: Protocol, error: &dyn ErrorShape, expected: Expected) {
    check_reply(
        protocol,
        "any",
        aws_json::modeled_error(protocol, error, "request-id"),
        expected,
    )
    .await;
}

/// Runs an excluded case, which must fail: when it passes, it no longer belongs on the list.
pub async fn expect_failure(reason: &str, case: impl Future<Output = ()> + Send + 'static) {
    let outcome = tokio::spawn(case).await;
    assert!(
        outcome.is_err_and(|error| error.is_panic()),
        "this excluded case passes now; remove it from tests/protocol/compliance/exclusions.txt (it was excluded because: {reason})"
    );
}

/// JSON equality with numbers compared by value (`1` equals `1.0`).
pub fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// A document value written in a test case.
pub fn document(json: &str) -> serde_json::Value {
    serde_json::from_str(json).expect("protocol test documents are JSON")
}
