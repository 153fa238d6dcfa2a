//! RPC v2 routing by every rule of the module's table, refusals and errors in both formats, and
//! the generic operation bodies on a small hand-written operation.

use std::sync::Arc;

use super::*;
use crate::cbor::{self, CborObjectWriter, CborValue, CborWriter};
use crate::context::{OperationId, RequestContext};
use crate::operation::{ErrorAnswer, ErrorInfo, ErrorShape, Protocol};
use crate::protocol::{Route, ServiceProtocol};
use crate::refusal::Refusal;
use crate::response::Response;
use crate::server::OperationRequest;
use crate::validation::{Path, Violations};
use crate::write::ObjectWriter;

static OPERATIONS: &[&str] = &["Greet", "Ping"];

fn cbor_protocol() -> RpcV2 {
    RpcV2::new(
        Protocol::RpcV2Cbor,
        "Greeter",
        "com.example#Greeter",
        OPERATIONS,
    )
}

fn json_protocol() -> RpcV2 {
    RpcV2::new(
        Protocol::RpcV2Json,
        "Greeter",
        "com.example#Greeter",
        OPERATIONS,
    )
}

fn head(method: &str, uri: &str, headers: &[(&str, &str)]) -> http::request::Parts {
    let mut request = http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(()).unwrap().into_parts().0
}

const CBOR: (&str, &str) = ("smithy-protocol", "rpc-v2-cbor");

/// The route of a CBOR request, as `op <index>` or `<kind> <status> <type>`.
fn route(protocol: &RpcV2, method: &str, uri: &str, headers: &[(&str, &str)]) -> String {
    let described = |kind: &str, refusal: Refusal| {
        let crate::refusal::RefusalForm::Framework { error_type, .. } = refusal.form() else {
            panic!("a framework refusal");
        };
        format!("{kind} {} {error_type}", refusal.status())
    };
    match protocol.route(&head(method, uri, headers)) {
        Route::Operation { index, labels } => {
            assert!(labels.is_empty());
            format!("op {index}")
        }
        Route::NoRoute(refusal) => described("no route", refusal),
        Route::Refused(refusal) => described("refused", refusal),
        Route::Unknown(refusal) => described("unknown", refusal),
    }
}

#[test]
fn routes_the_last_four_segments_of_the_path() {
    let p = cbor_protocol();
    let cbor = |uri| route(&p, "POST", uri, &[CBOR]);
    assert_eq!(cbor("/service/Greeter/operation/Greet"), "op 0");
    assert_eq!(cbor("/service/Greeter/operation/Ping"), "op 1");
    assert_eq!(cbor("/v1/api/service/Greeter/operation/Ping"), "op 1");
    assert_eq!(
        cbor("/x/service/Other/operation/service/Greeter/operation/Greet"),
        "op 0"
    );
    assert_eq!(cbor("/service/com.example.Greeter/operation/Greet"), "op 0");
    let not_found = "no route 404 UnknownOperationException";
    for uri in [
        "/",
        "/health",
        "/service/Greeter",
        "/service/Greeter/operation/",
        "/service/Greeter/operation/Greet/",
        "/service/Greeter/operation/Greet/more",
        "/services/Greeter/operation/Greet",
        "/service/Greeter/operations/Greet",
        "/service//operation/Greet",
        "/service/Other/operation/Greet",
        "/service/com.other.Greeter/operation/Greet",
        "/service/com.example%23Greeter/operation/Greet",
    ] {
        assert_eq!(cbor(uri), not_found, "{uri}");
    }
    let unknown = "unknown 400 UnknownOperationException";
    assert_eq!(cbor("/service/Greeter/operation/Wave"), unknown);
    assert_eq!(
        cbor("/service/Greeter/operation/com.example.Greet"),
        unknown
    );
    assert_eq!(
        cbor("/service/Greeter/operation/com.example#Greet"),
        unknown
    );
}

#[test]
fn refuses_by_method_and_headers() {
    let p = cbor_protocol();
    let uri = "/service/Greeter/operation/Greet";
    let with = |headers: &[(&str, &str)]| route(&p, "POST", uri, headers);
    assert_eq!(
        route(&p, "GET", uri, &[CBOR]),
        "refused 405 UnknownOperationException"
    );
    assert_eq!(
        route(&p, "PUT", uri, &[CBOR]),
        "refused 405 UnknownOperationException"
    );
    let media = "refused 415 UnsupportedMediaTypeException";
    assert_eq!(with(&[]), media);
    assert_eq!(with(&[("smithy-protocol", "rpc-v2-json")]), media);
    assert_eq!(with(&[("smithy-protocol", "rpc-v2-cbor-x")]), media);
    assert_eq!(with(&[CBOR, ("content-type", "application/json")]), media);
    assert_eq!(with(&[CBOR, ("content-type", "")]), media);
    assert_eq!(with(&[CBOR, ("content-type", "application/cbor")]), "op 0");
    assert_eq!(
        with(&[CBOR, ("content-type", "Application/CBOR; x=y")]),
        "op 0"
    );
    for target in ["x-amz-target", "X-Amzn-Target"] {
        assert_eq!(
            with(&[CBOR, (target, "Greeter.Greet")]),
            "refused 400 UnknownOperationException",
            "{target}"
        );
    }
    let not_acceptable = "refused 406 NotAcceptableException";
    assert_eq!(
        with(&[CBOR, ("accept", "application/json")]),
        not_acceptable
    );
    assert_eq!(
        with(&[CBOR, ("accept", "text/html, application/xml")]),
        not_acceptable
    );
    for accept in [
        "application/cbor",
        "*/*",
        "application/*",
        "text/html, application/cbor;q=0.9",
    ] {
        assert_eq!(with(&[CBOR, ("accept", accept)]), "op 0", "{accept}");
    }
}

#[test]
fn rpc_v2_json_routes_on_its_own_header_and_media_type() {
    let p = json_protocol();
    let uri = "/service/Greeter/operation/Greet";
    let json = ("smithy-protocol", "rpc-v2-json");
    let with = |headers: &[(&str, &str)]| route(&p, "POST", uri, headers);
    assert_eq!(with(&[json, ("content-type", "application/json")]), "op 0");
    assert_eq!(with(&[json, ("accept", "application/json")]), "op 0");
    let media = "refused 415 UnsupportedMediaTypeException";
    assert_eq!(with(&[CBOR]), media);
    assert_eq!(with(&[json, ("content-type", "application/cbor")]), media);
    assert_eq!(p.name(), "rpcv2Json");
    assert_eq!(p.wire(), Protocol::RpcV2Json);
    assert_eq!(cbor_protocol().name(), "rpcv2Cbor");
}

#[test]
#[should_panic(expected = "RpcV2 serves rpcv2Cbor or rpcv2Json")]
fn only_rpc_v2_protocols_are_rpc_v2() {
    let _ = RpcV2::new(
        Protocol::AwsJson1_0,
        "Greeter",
        "com.example#Greeter",
        OPERATIONS,
    );
}

fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response.headers.get(name).map(|v| v.to_str().unwrap())
}

fn cbor_body(response: &Response) -> CborValue {
    cbor::parse_body(&response.body, 128).unwrap()
}

fn text(value: &str) -> CborValue {
    CborValue::Text(value.to_owned())
}

#[test]
fn refusals_are_cbor_maps_with_type_and_message() {
    let refusal = Refusal::new(404, "UnknownOperationException", "No operation at /x");
    let response = cbor_protocol().refuse(&refusal, "req-1");
    assert_eq!(response.status, 404);
    assert_eq!(header(&response, "content-type"), Some("application/cbor"));
    assert_eq!(header(&response, "smithy-protocol"), Some("rpc-v2-cbor"));
    let body = cbor_body(&response);
    assert_eq!(body.get("__type"), Some(&text("UnknownOperationException")));
    assert_eq!(body.get("message"), Some(&text("No operation at /x")));

    let response = json_protocol().refuse(&refusal, "req-1");
    assert_eq!(header(&response, "content-type"), Some("application/json"));
    assert_eq!(header(&response, "smithy-protocol"), Some("rpc-v2-json"));
    let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"__type": "UnknownOperationException", "message": "No operation at /x"})
    );
}

/// `InvalidGreeting`, with `Message` and the request id it is told.
#[derive(Debug)]
struct InvalidGreeting {
    info: &'static ErrorInfo,
}

static INVALID: ErrorInfo = ErrorInfo::client("com.example#InvalidGreeting", 400);
static CUSTOM: ErrorInfo =
    ErrorInfo::client("com.example#CustomCodeError", 402).with_query_error("Customized;Sender");

impl std::fmt::Display for InvalidGreeting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InvalidGreeting")
    }
}

impl std::error::Error for InvalidGreeting {}

impl ErrorShape for InvalidGreeting {
    fn info(&self) -> &'static ErrorInfo {
        self.info
    }
    fn write_members(&self, object: &mut ObjectWriter<'_>, request_id: &str) {
        object.key("Message").string("Hi");
        object.key("Logref").string(request_id);
    }
    fn write_members_cbor(&self, object: &mut CborObjectWriter<'_>, request_id: &str) {
        object.key("Message").string("Hi");
        object.key("Logref").string(request_id);
    }
}

impl crate::operation::OperationError for InvalidGreeting {
    fn answer(&self) -> ErrorAnswer<'_> {
        ErrorAnswer::Modeled(self)
    }
}

#[test]
fn modeled_errors_carry_their_shape_id_members_and_query_error() {
    let error = InvalidGreeting { info: &INVALID };
    let response = modeled_error(Protocol::RpcV2Cbor, &error, "req-1");
    assert_eq!(response.status, 400);
    assert_eq!(header(&response, "smithy-protocol"), Some("rpc-v2-cbor"));
    assert_eq!(header(&response, "x-amzn-query-error"), None);
    let expected = CborValue::Map(vec![
        (text("__type"), text("com.example#InvalidGreeting")),
        (text("Message"), text("Hi")),
        (text("Logref"), text("req-1")),
    ]);
    assert_eq!(cbor_body(&response), expected);

    let custom = Refusal::modeled(InvalidGreeting { info: &CUSTOM });
    let response = cbor_protocol().refuse(&custom, "req-2");
    assert_eq!(response.status, 402);
    assert_eq!(
        header(&response, "x-amzn-query-error"),
        Some("Customized;Sender")
    );
    let body = cbor_body(&response);
    assert_eq!(
        body.get("__type"),
        Some(&text("com.example#CustomCodeError"))
    );

    let response = json_protocol().refuse(&custom, "req-3");
    assert_eq!(
        header(&response, "x-amzn-query-error"),
        Some("Customized;Sender")
    );
    assert_eq!(header(&response, "smithy-protocol"), Some("rpc-v2-json"));
    let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "__type": "com.example#CustomCodeError",
            "Message": "Hi",
            "Logref": "req-3",
        })
    );
}

/// `Greet`: `{ @required @length(min: 2) name: String }` to `{ greeting: String }`.
struct Greet;

#[derive(Debug)]
struct GreetInput {
    name: String,
}

fn read_greet(value: CborValue, path: &Path<'_>, v: &mut Violations) -> Option<GreetInput> {
    let mut object = cbor::Members::read(value, path, v)?;
    let name = object.required("name", path, v, |value, path, v| {
        let name = cbor::string(value, path, v)?;
        v.length(path, name.chars().count(), Some(2), None, Some(&name));
        Some(name)
    });
    Some(GreetInput { name: name? })
}

/// `Greet`'s output: no greeting is the empty output, written as no body.
#[derive(Debug)]
struct GreetOutput {
    greeting: Option<String>,
}

fn write_greeting(output: &GreetOutput, writer: &mut CborWriter) {
    let mut object = writer.object();
    if let Some(greeting) = &output.greeting {
        object.key("greeting").string(greeting);
    }
}

impl CborOperation for Greet {
    const NAME: &'static str = "Greet";
    type Input = GreetInput;
    type Output = GreetOutput;
    type Error = InvalidGreeting;

    fn decode_cbor(value: CborValue) -> Result<GreetInput, crate::operation::DecodeError> {
        cbor::decode(value, read_greet)
    }
    fn encode_cbor(output: &GreetOutput) -> Vec<u8> {
        if output.greeting.is_none() {
            return Vec::new();
        }
        cbor::encode(output, write_greeting)
    }
}

fn request(body: &[u8], headers: &[(&str, &str)]) -> OperationRequest {
    OperationRequest {
        head: head("POST", "/service/Greeter/operation/Greet", headers),
        labels: Vec::new(),
        body: bytes::Bytes::copy_from_slice(body),
        context: RequestContext::new("req-9"),
        operation: OperationId::new("com.example#Greet", "Greet"),
        max_json_depth: 4,
        protocol: Arc::new(cbor_protocol()),
        internal_error: Refusal::internal_failure,
    }
}

async fn greet(
    input: GreetInput,
    _context: RequestContext,
) -> Result<GreetOutput, InvalidGreeting> {
    let greeting = match input.name.as_str() {
        "Bad" => return Err(InvalidGreeting { info: &INVALID }),
        "Quiet" => None,
        name => Some(format!("Hello, {name}")),
    };
    Ok(GreetOutput { greeting })
}

fn served(body: &[u8], headers: &[(&str, &str)]) -> Response {
    let served = serve_cbor::<Greet, _, _>(request(body, headers), greet);
    futures_util::FutureExt::now_or_never(served).expect("the handler does not wait")
}

fn name_body(name: &str) -> Vec<u8> {
    CborValue::Map(vec![(text("name"), text(name))]).to_vec()
}

#[test]
fn serve_cbor_answers_outputs_and_errors() {
    let typed = [CBOR, ("content-type", "application/cbor")];
    let response = served(&name_body("Ann"), &typed);
    assert_eq!(response.status, 200);
    assert_eq!(header(&response, "content-type"), Some("application/cbor"));
    assert_eq!(header(&response, "smithy-protocol"), Some("rpc-v2-cbor"));
    let greeting = CborValue::Map(vec![(text("greeting"), text("Hello, Ann"))]);
    assert_eq!(cbor_body(&response), greeting);

    let response = served(&name_body("Quiet"), &typed);
    assert_eq!((response.status, response.body.len()), (200, 0));
    assert_eq!(header(&response, "content-type"), None);
    assert_eq!(header(&response, "smithy-protocol"), Some("rpc-v2-cbor"));

    let response = served(&name_body("Bad"), &typed);
    assert_eq!(response.status, 400);
    assert_eq!(
        response.error_type.as_deref(),
        Some("com.example#InvalidGreeting")
    );
    assert_eq!(cbor_body(&response).get("Logref"), Some(&text("req-9")));
}

#[test]
fn serve_cbor_refuses_what_does_not_decode() {
    let typed = [CBOR, ("content-type", "application/cbor")];
    let answer = |body: &[u8], headers: &[(&str, &str)]| {
        let response = served(body, headers);
        assert_eq!(header(&response, "smithy-protocol"), Some("rpc-v2-cbor"));
        let body = cbor_body(&response);
        let field = |name| match body.get(name) {
            Some(CborValue::Text(text)) => text.clone(),
            other => panic!("{name}: {other:?}"),
        };
        (response.status, field("__type"), field("message"))
    };
    let (status, error_type, message) = answer(b"", &[CBOR]);
    assert_eq!((status, error_type.as_str()), (400, "ValidationException"));
    assert!(message.contains("'name'"), "{message}");
    let (status, error_type, _) = answer(&name_body("A"), &typed);
    assert_eq!((status, error_type.as_str()), (400, "ValidationException"));
    assert_eq!(
        answer(b"\xa1\x64name", &typed),
        (
            400,
            "SerializationException".to_owned(),
            "malformed CBOR: input ends before the item is complete at byte 6".to_owned()
        )
    );
    let deep = b"\xa1\x61x\x81\x81\x81\x81\x00";
    let (status, error_type, message) = answer(deep, &typed);
    assert_eq!(
        (status, error_type.as_str()),
        (400, "SerializationException")
    );
    assert!(message.contains("nested deeper than 4"), "{message}");
    let (_, error_type, message) = answer(&CborValue::Array(Vec::new()).to_vec(), &typed);
    assert_eq!(error_type, "SerializationException");
    assert_eq!(message, "expected an object but found an array at '/'");
    let (status, error_type, _) = answer(&name_body("Ann"), &[CBOR]);
    assert_eq!(
        (status, error_type.as_str()),
        (415, "UnsupportedMediaTypeException")
    );
}
