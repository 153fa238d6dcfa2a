//! The generated `Forecasts` service in its three protocols on one port: how a request selects
//! its protocol (and what answers one that fits none), data put in one protocol and read in
//! another, the same validation in each, and a matrix of hostile rpcv2Cbor and rpcv2Json
//! requests, each with the status and error type the server must answer.

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use integration_tests::forecasts::Store;
use integration_tests::forecasts::server::ForecastsServer;
use smithy_cbor::Value;
use tower::ServiceExt as _;

const CBOR: &str = "application/cbor";
const JSON: &str = "application/json";
const AWS_JSON: &str = "application/x-amz-json-1.0";

/// What a test reads of an answer: status, the `smithy-protocol` and `Content-Type` headers,
/// and the body.
#[derive(Debug)]
struct Answer {
    status: u16,
    protocol: Option<String>,
    content_type: Option<String>,
    body: Bytes,
}

impl Answer {
    /// The body as a CBOR value (an empty body is `Null`).
    fn cbor(&self) -> Value {
        if self.body.is_empty() {
            return Value::Null;
        }
        smithy_cbor::decode_value(&self.body)
            .unwrap_or_else(|e| panic!("the answer is not CBOR ({e}): {:?}", self.body))
    }

    /// The body as JSON (an empty body is `Null`).
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The error type the answer names, in whichever format it is.
    fn error_type(&self) -> Option<String> {
        match self.content_type.as_deref() {
            Some(CBOR) => match self.cbor().get("__type") {
                Some(Value::Text(text)) => Some(text.clone()),
                _ => None,
            },
            _ => self.json()["__type"].as_str().map(str::to_owned),
        }
    }
}

/// A request's head: method, path and headers.
struct Head<'a> {
    method: &'a str,
    path: &'a str,
    headers: Vec<(&'a str, &'a str)>,
}

fn cbor_head(operation: &str) -> Head<'static> {
    let path: &'static str =
        Box::leak(format!("/service/Forecasts/operation/{operation}").into_boxed_str());
    Head {
        method: "POST",
        path,
        headers: vec![("smithy-protocol", "rpc-v2-cbor"), ("content-type", CBOR)],
    }
}

fn json_head(operation: &str) -> Head<'static> {
    let path: &'static str =
        Box::leak(format!("/service/Forecasts/operation/{operation}").into_boxed_str());
    Head {
        method: "POST",
        path,
        headers: vec![("smithy-protocol", "rpc-v2-json"), ("content-type", JSON)],
    }
}

fn aws_json_head(operation: &str) -> Head<'static> {
    let target: &'static str = Box::leak(format!("Forecasts.{operation}").into_boxed_str());
    Head {
        method: "POST",
        path: "/",
        headers: vec![("x-amz-target", target), ("content-type", AWS_JSON)],
    }
}

async fn send(service: &ForecastsServer, head: &Head<'_>, body: Vec<u8>) -> Answer {
    let mut builder = http::Request::builder().method(head.method).uri(head.path);
    for (name, value) in &head.headers {
        builder = builder.header(*name, *value);
    }
    let request = builder.body(Full::new(Bytes::from(body))).unwrap();
    let service: ForecastsServer = service.clone();
    let response: Result<http::Response<Full<Bytes>>, Infallible> = service.oneshot(request).await;
    let Ok(response) = response;
    let (parts, body) = response.into_parts();
    let Ok(collected) = body.collect().await;
    let text = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    Answer {
        status: parts.status.as_u16(),
        protocol: text("smithy-protocol"),
        content_type: text("content-type"),
        body: collected.to_bytes(),
    }
}

fn server() -> ForecastsServer {
    ForecastsServer::new(Store::default())
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn map(pairs: Vec<(&str, Value)>) -> Value {
    Value::Map(pairs.into_iter().map(|(k, v)| (text(k), v)).collect())
}

/// A forecast for Paris with one day, in CBOR.
fn paris() -> Value {
    map(vec![
        ("city", text("Paris")),
        (
            "days",
            Value::Array(vec![map(vec![
                (
                    "date",
                    Value::Tag(1, Box::new(Value::Unsigned(1_765_152_000))),
                ),
                ("high", Value::Float(12.5)),
                ("low", Value::Float(3.25)),
                ("sky", text("RAIN")),
                ("rainChance", Value::Unsigned(80)),
            ])]),
        ),
        ("tags", map(vec![("source", text("station"))])),
        ("radar", Value::Bytes(vec![1, 2, 3, 255])),
        ("source", map(vec![("station", text("LFPG"))])),
        (
            "issued",
            Value::Tag(1, Box::new(Value::Float(1_765_150_000.5))),
        ),
    ])
}

/// The same forecast in JSON (rpcv2Json and awsJson write it alike).
fn paris_json() -> serde_json::Value {
    serde_json::json!({
        "city": "Paris",
        "days": [{"date": 1_765_152_000, "high": 12.5, "low": 3.25, "sky": "RAIN", "rainChance": 80}],
        "tags": {"source": "station"},
        "radar": "AQID/w==",
        "source": {"station": "LFPG"},
        "issued": 1_765_150_000.5
    })
}

#[tokio::test]
async fn one_service_answers_each_protocol_and_reads_back_what_another_stored() {
    let service = server();
    let put = send(&service, &cbor_head("PutForecast"), paris().to_vec()).await;
    assert_eq!(put.status, 200, "{:?}", put.body);
    assert_eq!(put.protocol.as_deref(), Some("rpc-v2-cbor"));
    assert_eq!(put.content_type.as_deref(), Some(CBOR));
    assert_eq!(put.cbor(), map(vec![("id", text("f-1"))]));

    let id = serde_json::json!({"id": "f-1"}).to_string().into_bytes();
    let by_json = send(&service, &json_head("GetForecast"), id.clone()).await;
    assert_eq!(by_json.status, 200);
    assert_eq!(by_json.protocol.as_deref(), Some("rpc-v2-json"));
    assert_eq!(by_json.json(), paris_json());

    let by_aws = send(&service, &aws_json_head("GetForecast"), id).await;
    assert_eq!(by_aws.status, 200);
    assert_eq!(
        by_aws.protocol, None,
        "awsJson answers carry no smithy-protocol header"
    );
    assert_eq!(by_aws.json(), paris_json());

    let by_cbor = send(
        &service,
        &cbor_head("GetForecast"),
        map(vec![("id", text("f-1"))]).to_vec(),
    )
    .await;
    let mut expected = paris();
    // Timestamps come back as tag 1 around a double.
    if let Value::Map(pairs) = &mut expected {
        for (key, value) in pairs.iter_mut() {
            if *key == text("days") {
                *value = Value::Array(vec![map(vec![
                    (
                        "date",
                        Value::Tag(1, Box::new(Value::Float(1_765_152_000.0))),
                    ),
                    ("high", Value::Float(12.5)),
                    ("low", Value::Float(3.25)),
                    ("sky", text("RAIN")),
                    ("rainChance", Value::Unsigned(80)),
                ])]);
            }
        }
    }
    assert_eq!(by_cbor.cbor(), expected);

    // A JSON put is read back in CBOR too.
    let put = send(
        &service,
        &json_head("PutForecast"),
        paris_json().to_string().into_bytes(),
    )
    .await;
    assert_eq!(put.status, 200);
    assert_eq!(put.json(), serde_json::json!({"id": "f-2"}));
    let again = send(
        &service,
        &cbor_head("GetForecast"),
        map(vec![("id", text("f-2"))]).to_vec(),
    )
    .await;
    assert_eq!(again.cbor(), expected);
}

#[tokio::test]
async fn a_modeled_error_is_answered_in_the_request_protocol() {
    let service = server();
    let missing = map(vec![("id", text("f-9"))]).to_vec();
    let cbor = send(&service, &cbor_head("GetForecast"), missing).await;
    assert_eq!(cbor.status, 404);
    assert_eq!(
        cbor.cbor(),
        map(vec![
            ("__type", text("example.forecasts#ForecastNotFound")),
            ("message", text("no forecast f-9")),
        ])
    );
    let json = send(
        &service,
        &json_head("GetForecast"),
        br#"{"id":"f-9"}"#.to_vec(),
    )
    .await;
    assert_eq!(json.status, 404);
    assert_eq!(json.json()["__type"], "example.forecasts#ForecastNotFound");
    let aws = send(
        &service,
        &aws_json_head("GetForecast"),
        br#"{"id":"f-9"}"#.to_vec(),
    )
    .await;
    assert_eq!(aws.status, 404);
    assert_eq!(aws.json()["__type"], "example.forecasts#ForecastNotFound");
}

#[tokio::test]
async fn unit_operations_take_and_give_no_body() {
    let service = server();
    let mut head = cbor_head("Ping");
    head.headers.retain(|(name, _)| *name != "content-type");
    let answer = send(&service, &head, Vec::new()).await;
    assert_eq!(answer.status, 200);
    assert!(answer.body.is_empty());
    assert_eq!(answer.content_type, None);
    assert_eq!(answer.protocol.as_deref(), Some("rpc-v2-cbor"));
}

/// An input with several violations, and what each protocol answers for it.
#[tokio::test]
async fn every_protocol_reports_the_same_violations() {
    let service = server();
    let bad_cbor = map(vec![
        ("city", text("")),
        (
            "days",
            Value::Array(vec![map(vec![
                ("date", Value::Tag(1, Box::new(Value::Unsigned(0)))),
                ("high", Value::Float(99.0)),
                ("sky", text("HAIL")),
            ])]),
        ),
        ("tags", map(vec![("", text("x"))])),
    ]);
    let bad_json = serde_json::json!({
        "city": "",
        "days": [{"date": 0, "high": 99.0, "sky": "HAIL"}],
        "tags": {"": "x"}
    })
    .to_string()
    .into_bytes();
    let cbor = send(&service, &cbor_head("PutForecast"), bad_cbor.to_vec()).await;
    let json = send(&service, &json_head("PutForecast"), bad_json.clone()).await;
    let aws = send(&service, &aws_json_head("PutForecast"), bad_json).await;
    for answer in [&cbor, &json, &aws] {
        assert_eq!(answer.status, 400);
        assert_eq!(
            answer.error_type().as_deref(),
            Some("smithy.framework#ValidationException")
        );
    }
    let Some(Value::Text(cbor_message)) = cbor.cbor().get("message").cloned() else {
        panic!("no message: {:?}", cbor.cbor())
    };
    assert_eq!(cbor_message, json.json()["message"].as_str().unwrap());
    assert_eq!(cbor_message, aws.json()["message"].as_str().unwrap());
    for fragment in ["/city", "/days/0/high", "/days/0/sky", "/tags"] {
        assert!(
            cbor_message.contains(fragment),
            "{fragment} in {cbor_message}"
        );
    }
}

/// How a request is refused: its status and error type.
struct Refused {
    status: u16,
    error_type: &'static str,
}

fn refused(status: u16, error_type: &'static str) -> Refused {
    Refused { status, error_type }
}

const SERIALIZATION: &str = "SerializationException";
const VALIDATION: &str = "smithy.framework#ValidationException";
const UNKNOWN: &str = "UnknownOperationException";
const MEDIA: &str = "UnsupportedMediaTypeException";

/// A CBOR head whose header `name` is `value` (or removed, with `None`).
fn cbor_with(operation: &str, name: &'static str, value: Option<&'static str>) -> Head<'static> {
    let mut head = cbor_head(operation);
    head.headers.retain(|(n, _)| *n != name);
    if let Some(value) = value {
        head.headers.push((name, value));
    }
    head
}

fn at(
    method: &'static str,
    path: &'static str,
    headers: Vec<(&'static str, &'static str)>,
) -> Head<'static> {
    Head {
        method,
        path,
        headers,
    }
}

/// Nested arrays `depth` deep around an integer, as the value of `city`.
fn nested(depth: usize) -> Vec<u8> {
    let mut body = vec![0xa1, 0x64];
    body.extend_from_slice(b"city");
    body.extend(std::iter::repeat_n(0x81, depth));
    body.push(0x01);
    body
}

/// `{"city": <head bytes>}`: a member whose value starts with `head` and ends there.
fn city_is(head: &[u8]) -> Vec<u8> {
    let mut body = vec![0xa1, 0x64];
    body.extend_from_slice(b"city");
    body.extend_from_slice(head);
    body
}

fn cbor_cases() -> Vec<(&'static str, Head<'static>, Vec<u8>, Refused)> {
    let put = || cbor_head("PutForecast");
    let paris = paris().to_vec();
    vec![
        (
            "truncated body",
            put(),
            paris[..paris.len() - 3].to_vec(),
            refused(400, SERIALIZATION),
        ),
        (
            "map announcing 2^63 pairs",
            put(),
            vec![0xbb, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            refused(400, SERIALIZATION),
        ),
        (
            "text announcing 2^64-1 bytes",
            put(),
            city_is(&[0x7b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            refused(400, SERIALIZATION),
        ),
        (
            "byte string announcing 4 GiB",
            put(),
            city_is(&[0x5a, 0xff, 0xff, 0xff, 0xff]),
            refused(400, SERIALIZATION),
        ),
        (
            "array announcing 2^32 items",
            put(),
            city_is(&[0x9a, 0xff, 0xff, 0xff, 0xff]),
            refused(400, SERIALIZATION),
        ),
        (
            "nesting 200 deep",
            put(),
            nested(200),
            refused(400, SERIALIZATION),
        ),
        (
            "a key twice",
            put(),
            {
                let mut body = vec![0xa2];
                for city in ["Paris", "Lyon"] {
                    body.push(0x64);
                    body.extend_from_slice(b"city");
                    body.push(0x60 + city.len() as u8);
                    body.extend_from_slice(city.as_bytes());
                }
                body
            },
            refused(400, SERIALIZATION),
        ),
        (
            "a nested key twice",
            put(),
            map(vec![
                ("city", text("Paris")),
                (
                    "source",
                    Value::Map(vec![
                        (text("station"), text("A")),
                        (text("station"), text("B")),
                    ]),
                ),
            ])
            .to_vec(),
            refused(400, SERIALIZATION),
        ),
        (
            "invalid UTF-8 in a value",
            put(),
            city_is(&[0x62, 0xc3, 0x28]),
            refused(400, SERIALIZATION),
        ),
        (
            "invalid UTF-8 in a key",
            put(),
            vec![0xa1, 0x62, 0xff, 0xfe, 0x01],
            refused(400, SERIALIZATION),
        ),
        (
            "invalid UTF-8 across chunks",
            put(),
            city_is(&[0x7f, 0x61, 0xc3, 0x61, 0x28, 0xff]),
            refused(400, SERIALIZATION),
        ),
        (
            "a byte-string chunk in a text string",
            put(),
            city_is(&[0x7f, 0x41, 0x41, 0xff]),
            refused(400, SERIALIZATION),
        ),
        (
            "trailing bytes",
            put(),
            [paris.clone(), vec![0x00]].concat(),
            refused(400, SERIALIZATION),
        ),
        (
            "a lone break",
            put(),
            vec![0xff],
            refused(400, SERIALIZATION),
        ),
        (
            "reserved additional information",
            put(),
            vec![0xbc],
            refused(400, SERIALIZATION),
        ),
        (
            "an array at the top",
            put(),
            vec![0x80],
            refused(400, SERIALIZATION),
        ),
        (
            "a text at the top",
            put(),
            vec![0x61, 0x61],
            refused(400, SERIALIZATION),
        ),
        (
            "an integer where a string goes",
            put(),
            city_is(&[0x18, 0x2a]),
            refused(400, SERIALIZATION),
        ),
        (
            "a byte string where a string goes",
            put(),
            city_is(&[0x43, 0x61, 0x62, 0x63]),
            refused(400, SERIALIZATION),
        ),
        (
            "a text where a blob goes",
            put(),
            map(vec![("city", text("Paris")), ("radar", text("AQID"))]).to_vec(),
            refused(400, SERIALIZATION),
        ),
        (
            "a float where an integer goes",
            put(),
            map(vec![
                ("city", text("Paris")),
                (
                    "days",
                    Value::Array(vec![map(vec![
                        ("date", Value::Unsigned(0)),
                        ("rainChance", Value::Float(1.5)),
                    ])]),
                ),
            ])
            .to_vec(),
            refused(400, SERIALIZATION),
        ),
        (
            "an integer past i32 where an integer goes",
            put(),
            map(vec![
                ("city", text("Paris")),
                (
                    "days",
                    Value::Array(vec![map(vec![
                        ("date", Value::Unsigned(0)),
                        ("rainChance", Value::Unsigned(1 << 40)),
                    ])]),
                ),
            ])
            .to_vec(),
            refused(400, SERIALIZATION),
        ),
        (
            "a text in a timestamp's tag",
            put(),
            map(vec![
                ("city", text("Paris")),
                ("issued", Value::Tag(1, Box::new(text("2026-12-08")))),
            ])
            .to_vec(),
            refused(400, SERIALIZATION),
        ),
        (
            "a union with two members",
            put(),
            map(vec![
                ("city", text("Paris")),
                (
                    "source",
                    map(vec![
                        ("station", text("A")),
                        (
                            "model",
                            map(vec![("name", text("m")), ("run", Value::Unsigned(1))]),
                        ),
                    ]),
                ),
            ])
            .to_vec(),
            refused(400, SERIALIZATION),
        ),
        (
            "an unknown enum value",
            put(),
            map(vec![
                ("city", text("Paris")),
                (
                    "days",
                    Value::Array(vec![map(vec![
                        ("date", Value::Unsigned(0)),
                        ("sky", text("HAIL")),
                    ])]),
                ),
            ])
            .to_vec(),
            refused(400, VALIDATION),
        ),
        (
            "a missing required member",
            put(),
            map(vec![("days", Value::Array(Vec::new()))]).to_vec(),
            refused(400, VALIDATION),
        ),
        (
            "an empty body where a member is required",
            put(),
            Vec::new(),
            refused(400, VALIDATION),
        ),
        (
            "a pattern broken",
            put(),
            map(vec![("city", text("9 Paris"))]).to_vec(),
            refused(400, VALIDATION),
        ),
        (
            "a body without Content-Type",
            cbor_with("PutForecast", "content-type", None),
            paris.clone(),
            refused(415, MEDIA),
        ),
        (
            "a JSON Content-Type",
            cbor_with("PutForecast", "content-type", Some(JSON)),
            paris.clone(),
            refused(415, MEDIA),
        ),
        (
            "no smithy-protocol header",
            cbor_with("PutForecast", "smithy-protocol", None),
            paris.clone(),
            refused(415, MEDIA),
        ),
        (
            "another smithy-protocol",
            cbor_with("PutForecast", "smithy-protocol", Some("rpc-v2-xml")),
            paris.clone(),
            refused(415, MEDIA),
        ),
        (
            "X-Amz-Target beside smithy-protocol",
            cbor_with("PutForecast", "x-amz-target", Some("Forecasts.PutForecast")),
            paris.clone(),
            refused(400, UNKNOWN),
        ),
        (
            "GET",
            at(
                "GET",
                "/service/Forecasts/operation/Ping",
                vec![("smithy-protocol", "rpc-v2-cbor")],
            ),
            Vec::new(),
            refused(405, UNKNOWN),
        ),
        (
            "another service",
            at(
                "POST",
                "/service/Weather/operation/Ping",
                vec![("smithy-protocol", "rpc-v2-cbor")],
            ),
            Vec::new(),
            refused(404, UNKNOWN),
        ),
        (
            "an unknown operation",
            cbor_head("DeleteForecast"),
            paris.clone(),
            refused(400, UNKNOWN),
        ),
        (
            "an absolute operation id",
            at(
                "POST",
                "/service/Forecasts/operation/example.forecasts.Ping",
                vec![("smithy-protocol", "rpc-v2-cbor")],
            ),
            Vec::new(),
            refused(400, UNKNOWN),
        ),
        (
            "a path that is no operation's",
            at(
                "POST",
                "/service/Forecasts",
                vec![("smithy-protocol", "rpc-v2-cbor")],
            ),
            Vec::new(),
            refused(404, UNKNOWN),
        ),
        (
            "an Accept the format does not meet",
            cbor_with("PutForecast", "accept", Some("application/xml")),
            paris.clone(),
            refused(406, "NotAcceptableException"),
        ),
    ]
}

fn json_cases() -> Vec<(&'static str, Head<'static>, Vec<u8>, Refused)> {
    let put = || json_head("PutForecast");
    vec![
        (
            "malformed JSON",
            put(),
            b"{\"city\":".to_vec(),
            refused(400, SERIALIZATION),
        ),
        (
            "a JSON key twice",
            put(),
            br#"{"city":"Paris","city":"Lyon"}"#.to_vec(),
            refused(400, SERIALIZATION),
        ),
        (
            "JSON nesting 200 deep",
            put(),
            format!("{{\"city\":{}1{}}}", "[".repeat(200), "]".repeat(200)).into_bytes(),
            refused(400, SERIALIZATION),
        ),
        (
            "a blob that is not base64",
            put(),
            br#"{"city":"Paris","radar":"!!"}"#.to_vec(),
            refused(400, SERIALIZATION),
        ),
        (
            "a CBOR Content-Type",
            {
                let mut head = put();
                head.headers.retain(|(n, _)| *n != "content-type");
                head.headers.push(("content-type", CBOR));
                head
            },
            br#"{"city":"Paris"}"#.to_vec(),
            refused(415, MEDIA),
        ),
        (
            "a big number in JSON where a string goes",
            put(),
            br#"{"city":1e400}"#.to_vec(),
            refused(400, SERIALIZATION),
        ),
    ]
}

#[tokio::test]
async fn hostile_requests_are_refused_each_with_its_status_and_type() {
    let service = server();
    let cases: Vec<_> = cbor_cases().into_iter().chain(json_cases()).collect();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let mut failures = Vec::new();
    for (name, head, body, expected) in cases {
        let answer = send(&service, &head, body).await;
        let error_type = answer.error_type();
        if answer.status != expected.status || error_type.as_deref() != Some(expected.error_type) {
            failures.push(format!(
                "{name}: expected {} {}, got {} {:?} ({})",
                expected.status,
                expected.error_type,
                answer.status,
                error_type,
                String::from_utf8_lossy(&answer.body)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The service is still well after all of them.
    let ok = send(&service, &cbor_head("PutForecast"), paris().to_vec()).await;
    assert_eq!(ok.status, 200);
}

#[tokio::test]
async fn a_request_selects_its_protocol_and_one_that_fits_none_gets_the_first() {
    let service = server();
    // Prefixes before /service/... are allowed, and the service may be named by its absolute id.
    for path in [
        "/prefix/service/Forecasts/operation/Ping",
        "/service/example.forecasts.Forecasts/operation/Ping",
    ] {
        let answer = send(
            &service,
            &at("POST", path, vec![("smithy-protocol", "rpc-v2-cbor")]),
            Vec::new(),
        )
        .await;
        assert_eq!(answer.status, 200, "{path}");
    }
    // rpcv2Json by its header; awsJson by X-Amz-Target.
    let json = send(
        &service,
        &at(
            "POST",
            "/service/Forecasts/operation/Ping",
            vec![("smithy-protocol", "rpc-v2-json")],
        ),
        Vec::new(),
    )
    .await;
    assert_eq!(
        (json.status, json.protocol.as_deref()),
        (200, Some("rpc-v2-json"))
    );
    let aws = send(&service, &aws_json_head("Ping"), b"{}".to_vec()).await;
    assert_eq!(aws.status, 200);
    // A request that names no protocol goes to the first one, rpcv2Cbor, which refuses it in
    // CBOR.
    let none = send(
        &service,
        &at("POST", "/", vec![("content-type", "text/plain")]),
        b"hello".to_vec(),
    )
    .await;
    assert_eq!(none.status, 404);
    assert_eq!(none.protocol.as_deref(), Some("rpc-v2-cbor"));
    assert_eq!(none.content_type.as_deref(), Some(CBOR));
    assert_eq!(none.error_type().as_deref(), Some(UNKNOWN));
}
