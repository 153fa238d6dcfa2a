//! The RPC v2 side of the harness (rpcv2Cbor and rpcv2Json). Every case goes through the
//! runtime's real `Server` with the `RpcV2` protocol of the case's service (routing on the path,
//! the `smithy-protocol`, `Content-Type` and `Accept` checks, body limits, context), to probes
//! standing for each of its operations:
//!
//! - a request case sends the case's HTTP request; it must be answered 200 by the probe of the
//!   case's operation, and the body it captured must decode, as the generated operation decodes
//!   it (`rt::cbor::parse_body` and `CborOperation::decode_cbor` in CBOR; the JSON structure
//!   checks, `rt::json::parse_body` and the awsJson `Operation::decode_value` in JSON), into
//!   exactly the case's `params`;
//! - a response or error case has the output or error encoded as the generated operation does
//!   and answered through the real protocol functions (`rpc_v2::ok`, `rpc_v2::modeled_error`)
//!   by the server, and the response must have the case's status, headers and body: CBOR
//!   compared by meaning (both decoded to `smithy_cbor::Value`s, which hold floats of any
//!   width equal and maps in any order), JSON as JSON.
//!
//! Smithy's test cases write binary bodies in base64, so a CBOR case's `body` (request or
//! response) is base64-decoded before it is sent or compared; a JSON case's is used as it is.

use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::Full;
use smithy_server_runtime::rpc_v2::{self, CborOperation, RpcV2};
use smithy_server_runtime::{
    ErrorShape, FixedContext, OperationId, Operations, Protocol, Refusal, Response, Server,
    aws_json, operation,
};

use crate::{Expected, Request, assert_same, check_response, send};

/// An RPC v2 service as its generated crate names it (`server::PROTOCOL`, `SERVICE_NAME`,
/// `SERVICE_ID` and `OPERATION_NAMES`).
#[derive(Debug, Clone, Copy)]
pub struct Service {
    /// rpcv2Cbor or rpcv2Json.
    pub protocol: Protocol,
    /// The service shape's name, which paths name.
    pub name: &'static str,
    /// Its absolute shape id, which paths may name instead.
    pub id: &'static str,
    /// Every operation's name.
    pub operations: &'static [&'static str],
}

impl Service {
    /// Whether bodies are CBOR (else JSON).
    fn cbor(self) -> bool {
        self.protocol == Protocol::RpcV2Cbor
    }

    /// A case's body text as the bytes it stands for: base64-decoded in CBOR.
    fn body(self, text: &[u8]) -> Vec<u8> {
        if self.cbor() {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .unwrap_or_else(|e| panic!("a CBOR case's body is base64 ({e})"))
        } else {
            text.to_vec()
        }
    }

    /// A body as a failure message shows it: CBOR decoded, JSON as text.
    fn show(self, body: &[u8]) -> String {
        if self.cbor() {
            match smithy_cbor::decode_value(body) {
                Ok(value) => format!("{value:?}"),
                Err(error) => format!("{body:?} (not CBOR: {error})"),
            }
        } else {
            String::from_utf8_lossy(body).into_owned()
        }
    }
}

/// What the probe of an operation saw: the operation's name, the body, and the depth limit the
/// server gave it.
type Captured = Arc<Mutex<Option<(&'static str, Bytes, usize)>>>;

/// `service` served with one probe per operation, each recording what is routed to it and
/// answering with `reply` (an empty 200 without one).
fn server(service: Service, reply: Option<Response>) -> (Server<FixedContext>, Captured) {
    let captured = Captured::default();
    let probes = service
        .operations
        .iter()
        .map(|_| {
            let seen = Arc::clone(&captured);
            let reply = reply.clone();
            operation(move |request| {
                if let Ok(mut slot) = seen.lock() {
                    *slot = Some((
                        request.operation.name,
                        request.body.clone(),
                        request.max_json_depth,
                    ));
                }
                let response = reply
                    .clone()
                    .unwrap_or_else(|| rpc_v2::ok(service.protocol, Vec::new()));
                async move { response }
            })
        })
        .collect();
    let ids: &'static [OperationId] = Box::leak(
        service
            .operations
            .iter()
            .map(|name| OperationId::new(name, name))
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    );
    let protocol = RpcV2::new(
        service.protocol,
        service.name,
        service.id,
        service.operations,
    );
    let server = Server::new(
        protocol,
        Operations::new(ids, probes, Refusal::internal_failure),
    )
    .context(FixedContext {
        account_id: "123456789012".to_owned(),
        region: "us-east-1".to_owned(),
    });
    (server, captured)
}

/// Sends a request case's request to `service`: it must reach `operation`'s probe and be
/// answered 200. Returns the body the probe captured and the depth limit it was given.
async fn routed(service: Service, request: Request, operation: &'static str) -> (Bytes, usize) {
    let (server, captured) = server(service, None);
    let mut builder = http::Request::builder()
        .method(request.method)
        .uri(request.uri);
    for (name, value) in request.headers {
        builder = builder.header(*name, *value);
    }
    let http_request = builder
        .body(Full::new(Bytes::from(service.body(request.body))))
        .expect("the case's request is valid HTTP");
    let (head, body) = send(&server, http_request).await;
    assert_eq!(
        head.status,
        200,
        "the service refused the request: {}",
        service.show(&body)
    );
    let captured = captured.lock().map(|c| c.clone()).unwrap_or(None);
    let (name, body, depth) = captured.expect("the request reached an operation");
    assert_eq!(name, operation, "routed to the wrong operation");
    (body, depth)
}

/// Runs an rpcv2Cbor request case for operation `O`.
pub async fn cbor_request_case<O: CborOperation>(
    service: Service,
    request: Request,
    expected: O::Input,
) where
    O::Input: PartialEq + Debug,
{
    assert!(service.cbor(), "an rpcv2Cbor case of a {service:?}");
    let (body, depth) = routed(service, request, O::NAME).await;
    let value = smithy_server_runtime::cbor::parse_body(&body, depth)
        .unwrap_or_else(|error| panic!("the body did not parse: {error}"));
    match O::decode_cbor(value) {
        Ok(input) => assert_same(&input, &expected),
        Err(error) => panic!("the body did not decode: {error:?}"),
    }
}

/// Runs an rpcv2Json request case for operation `O` (an awsJson operation: rpcv2Json reads its
/// JSON alike).
pub async fn json_request_case<O: aws_json::Operation>(
    service: Service,
    request: Request,
    expected: O::Input,
) where
    O::Input: PartialEq + Debug,
{
    assert!(!service.cbor(), "an rpcv2Json case of a {service:?}");
    let (body, depth) = routed(service, request, O::NAME).await;
    let value = smithy_server_runtime::json::check_structure(&body, depth)
        .and_then(|()| smithy_server_runtime::json::parse_body(&body))
        .unwrap_or_else(|error| panic!("the body did not parse: {error}"));
    match O::decode_value(value) {
        Ok(input) => assert_same(&input, &expected),
        Err(error) => panic!("the body did not decode: {error:?}"),
    }
}

/// Serves `reply` as the answer to a well-formed request for the service's first operation,
/// and checks the response against the case's.
async fn check_reply(service: Service, reply: Response, expected: Expected) {
    let (server, _) = server(service, Some(reply));
    let operation = service
        .operations
        .first()
        .expect("a service has operations");
    let format = if service.cbor() {
        "rpc-v2-cbor"
    } else {
        "rpc-v2-json"
    };
    let request = http::Request::builder()
        .method("POST")
        .uri(format!("/service/{}/operation/{operation}", service.name))
        .header(rpc_v2::SMITHY_PROTOCOL, format)
        .body(Full::new(Bytes::new()))
        .expect("a valid request");
    let (head, body) = send(&server, request).await;
    check_response(
        &head,
        &body,
        Expected {
            body: None,
            ..expected
        },
    );
    let Some(text) = expected.body else {
        return;
    };
    let wanted = service.body(text.as_bytes());
    if wanted.is_empty() {
        assert!(
            body.is_empty(),
            "expected no body, got {}",
            service.show(&body)
        );
    } else if service.cbor() {
        let wanted = smithy_cbor::decode_value(&wanted).expect("the case's body is CBOR");
        let actual = smithy_cbor::decode_value(&body)
            .unwrap_or_else(|e| panic!("the body is not CBOR ({e}): {body:?}"));
        assert_eq!(actual, wanted, "body");
    } else {
        // JSON, compared as JSON.
        check_response(&head, &body, expected);
    }
}

/// Runs an rpcv2Cbor response case for operation `O`.
pub async fn cbor_response_case<O: CborOperation>(
    service: Service,
    output: O::Output,
    expected: Expected,
) {
    let reply = rpc_v2::ok(service.protocol, O::encode_cbor(&output));
    check_reply(service, reply, expected).await;
}

/// Runs an rpcv2Json response case for operation `O`.
pub async fn json_response_case<O: aws_json::Operation>(
    service: Service,
    output: O::Output,
    expected: Expected,
) {
    let reply = rpc_v2::ok(service.protocol, O::encode_output(&output));
    check_reply(service, reply, expected).await;
}

/// Runs an error response case.
pub async fn error_case(service: Service, error: &dyn ErrorShape, expected: Expected) {
    let reply = rpc_v2::modeled_error(service.protocol, error, "request-id");
    check_reply(service, reply, expected).await;
}
