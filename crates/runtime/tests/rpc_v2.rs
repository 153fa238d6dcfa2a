//! A service in rpcv2Cbor, rpcv2Json and awsJson 1.0 at once, written as generated code writes
//! one (through `smithy_server_runtime::codegen`), served by the shell end to end: each request
//! in the protocol its headers pick, answered in that protocol.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use serde_json::json;
use smithy_server_runtime::codegen as rt;
use smithy_server_runtime::{ContextRequest, RequestContext, ResolveContext};
use tower::ServiceExt as _;

/// `InvalidGreeting`, a client error of a query-compatible service.
#[derive(Debug)]
struct InvalidGreeting;

static INVALID: rt::ErrorInfo = rt::ErrorInfo::client("com.example#InvalidGreeting", 400)
    .with_query_error("InvalidGreeting;Sender");

impl std::fmt::Display for InvalidGreeting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        rt::fmt_error(f, "InvalidGreeting", Some("Hi"))
    }
}

impl std::error::Error for InvalidGreeting {}

impl rt::ErrorShape for InvalidGreeting {
    fn info(&self) -> &'static rt::ErrorInfo {
        &INVALID
    }
    fn write_members(&self, object: &mut rt::ObjectWriter<'_>, _request_id: &str) {
        object.key("Message").string("Hi");
    }
    fn write_members_cbor(&self, object: &mut rt::CborObjectWriter<'_>, _request_id: &str) {
        object.key("Message").string("Hi");
    }
}

impl rt::OperationError for InvalidGreeting {
    fn answer(&self) -> rt::ErrorAnswer<'_> {
        rt::ErrorAnswer::Modeled(self)
    }
}

/// `Greet`: `{ @required name: String }` to `{ greeting: String }`, in every protocol.
struct Greet;

fn read_greet_cbor(
    value: rt::CborValue,
    path: &rt::Path<'_>,
    v: &mut rt::Violations,
) -> Option<String> {
    let mut object = rt::cbor::Members::read(value, path, v)?;
    object.required("name", path, v, rt::cbor::string)
}

fn read_greet_json(
    value: rt::Value,
    path: &rt::Path<'_>,
    v: &mut rt::Violations,
) -> Option<String> {
    let mut object = rt::Members::read(value, path, v)?;
    object.required("name", path, v, rt::json::string)
}

impl rt::rpc_v2::CborOperation for Greet {
    const NAME: &'static str = "Greet";
    type Input = String;
    type Output = String;
    type Error = InvalidGreeting;

    fn decode_cbor(value: rt::CborValue) -> Result<String, rt::DecodeError> {
        rt::cbor::decode(value, read_greet_cbor)
    }
    fn encode_cbor(output: &String) -> Vec<u8> {
        rt::cbor::encode(output.as_str(), |greeting, writer| {
            writer.object().key("greeting").string(greeting);
        })
    }
}

impl rt::aws_json::Operation for Greet {
    const NAME: &'static str = "Greet";
    const TARGET: &'static str = "Greeter.Greet";
    type Input = String;
    type Output = String;
    type Error = InvalidGreeting;

    fn decode_value(value: rt::Value) -> Result<String, rt::DecodeError> {
        rt::decode(value, read_greet_json)
    }
    fn encode_output(output: &String) -> Vec<u8> {
        rt::encode(output.as_str(), |greeting, writer| {
            writer.object().key("greeting").string(greeting);
        })
    }
}

/// `Ping`: `Unit` to `Unit`.
struct Ping;

impl rt::rpc_v2::CborOperation for Ping {
    const NAME: &'static str = "Ping";
    type Input = ();
    type Output = ();
    type Error = InvalidGreeting;

    fn decode_cbor(value: rt::CborValue) -> Result<(), rt::DecodeError> {
        rt::cbor::decode(value, rt::cbor::unit)
    }
    fn encode_cbor(_output: &()) -> Vec<u8> {
        Vec::new()
    }
}

impl rt::aws_json::Operation for Ping {
    const NAME: &'static str = "Ping";
    const TARGET: &'static str = "Greeter.Ping";
    type Input = ();
    type Output = ();
    type Error = InvalidGreeting;

    fn decode_value(value: rt::Value) -> Result<(), rt::DecodeError> {
        rt::decode(value, rt::json::unit)
    }
    fn encode_output(_output: &()) -> Vec<u8> {
        Vec::new()
    }
}

async fn greet(name: String, _context: RequestContext) -> Result<String, InvalidGreeting> {
    match name.as_str() {
        "Bad" => Err(InvalidGreeting),
        "Boom" => panic!("boom"),
        _ => Ok(format!("Hello, {name}")),
    }
}

async fn ping((): (), _context: RequestContext) -> Result<(), InvalidGreeting> {
    Ok(())
}

static IDS: &[rt::OperationId] = &[
    rt::OperationId::new("com.example#Greet", "Greet"),
    rt::OperationId::new("com.example#Ping", "Ping"),
];
static NAMES: &[&str] = &["Greet", "Ping"];
static TARGETS: &[&str] = &["Greeter.Greet", "Greeter.Ping"];

/// The service, as a generated `<Service>Server` builds it: rpcv2Cbor first, as the model lists.
fn server() -> rt::Server {
    let greet = rt::operation(|request: rt::OperationRequest| async move {
        match request.wire() {
            rt::Protocol::RpcV2Cbor => rt::rpc_v2::serve_cbor::<Greet, _, _>(request, greet).await,
            rt::Protocol::RpcV2Json => rt::rpc_v2::serve_json::<Greet, _, _>(request, greet).await,
            wire => rt::aws_json::serve::<Greet, _, _>(wire, request, greet).await,
        }
    });
    let ping = rt::operation(|request: rt::OperationRequest| async move {
        match request.wire() {
            rt::Protocol::RpcV2Cbor => rt::rpc_v2::serve_cbor::<Ping, _, _>(request, ping).await,
            rt::Protocol::RpcV2Json => rt::rpc_v2::serve_json::<Ping, _, _>(request, ping).await,
            wire => rt::aws_json::serve::<Ping, _, _>(wire, request, ping).await,
        }
    });
    let protocols = rt::Protocols::new(vec![
        Arc::new(rt::rpc_v2::RpcV2::new(
            rt::Protocol::RpcV2Cbor,
            "Greeter",
            "com.example#Greeter",
            NAMES,
        )),
        Arc::new(rt::rpc_v2::RpcV2::new(
            rt::Protocol::RpcV2Json,
            "Greeter",
            "com.example#Greeter",
            NAMES,
        )),
        Arc::new(rt::aws_json::AwsJson::new(
            rt::Protocol::AwsJson1_0,
            TARGETS,
        )),
    ]);
    let operations = rt::Operations::new(IDS, vec![greet, ping], rt::Refusal::internal_failure);
    rt::Server::with_protocols(protocols, operations)
}

/// A response's status, headers and body.
struct Answer {
    status: u16,
    headers: http::HeaderMap,
    body: Bytes,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    fn cbor(&self) -> rt::CborValue {
        rt::cbor::parse_body(&self.body, 128).unwrap()
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

async fn send<S>(
    service: S,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Answer
where
    S: tower::Service<
            http::Request<Full<Bytes>>,
            Response = http::Response<rt::ResponseBody>,
            Error = std::convert::Infallible,
        >,
{
    let mut request = http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Full::new(Bytes::from(body))).unwrap();
    let Ok(response) = service.oneshot(request).await;
    let (head, body) = response.into_parts();
    Answer {
        status: head.status.as_u16(),
        headers: head.headers,
        body: body.collect().await.unwrap().to_bytes(),
    }
}

const GREET: &str = "/service/Greeter/operation/Greet";
const CBOR: [(&str, &str); 2] = [
    ("smithy-protocol", "rpc-v2-cbor"),
    ("content-type", "application/cbor"),
];
const JSON: [(&str, &str); 2] = [
    ("smithy-protocol", "rpc-v2-json"),
    ("content-type", "application/json"),
];

fn text(value: &str) -> rt::CborValue {
    rt::CborValue::Text(value.to_owned())
}

fn cbor_name(name: &str) -> Vec<u8> {
    rt::CborValue::Map(vec![(text("name"), text(name))]).to_vec()
}

#[tokio::test]
async fn each_protocol_is_answered_in_its_own_form() {
    let answer = send(server(), "POST", GREET, &CBOR, cbor_name("Ann")).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/cbor"));
    assert_eq!(answer.header("smithy-protocol"), Some("rpc-v2-cbor"));
    assert!(answer.header("x-amzn-requestid").is_some());
    assert_eq!(
        answer.cbor(),
        rt::CborValue::Map(vec![(text("greeting"), text("Hello, Ann"))])
    );

    let body = br#"{"name": "Bo"}"#.to_vec();
    let answer = send(
        server(),
        "POST",
        "/v1/service/com.example.Greeter/operation/Greet",
        &JSON,
        body,
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.header("smithy-protocol"), Some("rpc-v2-json"));
    assert_eq!(answer.json(), json!({"greeting": "Hello, Bo"}));

    let aws = [
        ("x-amz-target", "Greeter.Greet"),
        ("content-type", "application/x-amz-json-1.0"),
    ];
    let answer = send(server(), "POST", "/", &aws, br#"{"name": "Cy"}"#.to_vec()).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header("content-type"),
        Some("application/x-amz-json-1.0")
    );
    assert_eq!(answer.header("smithy-protocol"), None);
    assert_eq!(answer.json(), json!({"greeting": "Hello, Cy"}));
}

#[tokio::test]
async fn unit_operations_take_and_give_no_body() {
    let ping = "/service/Greeter/operation/Ping";
    for (headers, body) in [
        (&CBOR[..1], Vec::new()),
        (&CBOR[..], Vec::new()),
        (&CBOR[..], b"\xbf\xff".to_vec()),
    ] {
        let answer = send(server(), "POST", ping, headers, body).await;
        assert_eq!(answer.status, 200);
        assert!(answer.body.is_empty());
        assert_eq!(answer.header("content-type"), None);
        assert_eq!(answer.header("smithy-protocol"), Some("rpc-v2-cbor"));
    }
    let answer = send(server(), "POST", ping, &JSON[..1], Vec::new()).await;
    assert_eq!((answer.status, answer.header("content-type")), (200, None));
    assert_eq!(answer.header("smithy-protocol"), Some("rpc-v2-json"));
}

#[tokio::test]
async fn errors_carry_their_type_members_and_headers() {
    let answer = send(server(), "POST", GREET, &CBOR, cbor_name("Bad")).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.header("smithy-protocol"), Some("rpc-v2-cbor"));
    assert_eq!(
        answer.header("x-amzn-query-error"),
        Some("InvalidGreeting;Sender")
    );
    let expected = rt::CborValue::Map(vec![
        (text("__type"), text("com.example#InvalidGreeting")),
        (text("Message"), text("Hi")),
    ]);
    assert_eq!(answer.cbor(), expected);

    let answer = send(
        server(),
        "POST",
        GREET,
        &JSON,
        br#"{"name": "Bad"}"#.to_vec(),
    )
    .await;
    assert_eq!(
        answer.json(),
        json!({"__type": "com.example#InvalidGreeting", "Message": "Hi"})
    );
    assert_eq!(
        answer.header("x-amzn-query-error"),
        Some("InvalidGreeting;Sender")
    );

    let answer = send(server(), "POST", GREET, &CBOR, cbor_name("Boom")).await;
    assert_eq!(answer.status, 500);
    assert_eq!(answer.cbor().get("__type"), Some(&text("InternalFailure")));
    assert_eq!(answer.header("smithy-protocol"), Some("rpc-v2-cbor"));

    let answer = send(server(), "POST", GREET, &CBOR, Vec::new()).await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.cbor().get("__type"),
        Some(&text("ValidationException"))
    );
}

#[tokio::test]
async fn requests_in_no_protocol_of_the_service_are_refused_by_the_first() {
    // No smithy-protocol and no X-Amz-Target: rpcv2Cbor, listed first, refuses in CBOR.
    let answer = send(
        server(),
        "POST",
        GREET,
        &[("content-type", "application/cbor")],
        cbor_name("Ann"),
    )
    .await;
    assert_eq!(answer.status, 415);
    assert_eq!(
        answer.cbor().get("__type"),
        Some(&text("UnsupportedMediaTypeException"))
    );
    assert_eq!(answer.header("smithy-protocol"), Some("rpc-v2-cbor"));
    // rpcv2 named, with X-Amz-Target: refused as the protocol requires.
    let headers = [CBOR[0], CBOR[1], ("x-amz-target", "Greeter.Greet")];
    let answer = send(server(), "POST", GREET, &headers, cbor_name("Ann")).await;
    assert_eq!(answer.status, 400);
    // The health route answers where no route matches.
    let answer = send(server(), "GET", "/health", &[], Vec::new()).await;
    assert_eq!(answer.status, 200);
    let answer = send(server(), "GET", GREET, &CBOR[..1], Vec::new()).await;
    assert_eq!(answer.status, 405);
}

/// Lets no request through.
struct Deny;

impl ResolveContext for Deny {
    async fn resolve(&self, _request: ContextRequest<'_>) -> Result<RequestContext, rt::Refusal> {
        Err(rt::Refusal::new(403, "AccessDeniedException", "no"))
    }
}

#[tokio::test]
async fn an_unknown_operation_is_answered_after_the_context_resolver() {
    let wave = "/service/Greeter/operation/Wave";
    let answer = send(server(), "POST", wave, &CBOR, Vec::new()).await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.cbor().get("__type"),
        Some(&text("UnknownOperationException"))
    );
    assert_eq!(
        answer.cbor().get("message"),
        Some(&text("Unknown operation Wave"))
    );
    let answer = send(server().context(Deny), "POST", wave, &CBOR, Vec::new()).await;
    assert_eq!(answer.status, 403);
    assert_eq!(
        answer.cbor().get("__type"),
        Some(&text("AccessDeniedException"))
    );
    let answer = send(server().context(Deny), "POST", wave, &JSON, Vec::new()).await;
    assert_eq!(
        answer.json(),
        json!({"__type": "AccessDeniedException", "message": "no"})
    );
}
