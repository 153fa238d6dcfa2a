//! The lowering of restJson1's HTTP bindings: the official `RestJson` protocol-test service
//! lowers with every operation routed and every member placed, and each thing the protocol
//! forbids is refused at generation time with an error naming the operation or member.

use serde_json::{Value, json};
use smithy_server_codegen::Settings;
use smithy_server_codegen::internal::ir::{
    BodyMedia, HttpOperation, Items, Kind, Location, MessageBindings, Operation, PayloadKind,
    QueryLiteral, Service, TextKind, TimestampFormat, UriSegment,
};
use smithy_server_codegen::internal::{load, lower};

fn lower_json(model: &str, service: &str) -> smithy_server_codegen::Result<Service> {
    let model = smithy_server_codegen::Model::from_json(model)?;
    let shapes = load::load(model.as_json())?;
    let settings = Settings {
        service: Some(service.to_owned()),
        ..Settings::default()
    };
    lower::lower(shapes, &settings)
}

fn rest_json() -> Service {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/protocol-tests/aws-protocol-tests.json"
    );
    let model = std::fs::read_to_string(path).expect("the shared protocol-test model");
    lower_json(&model, "aws.protocoltests.restjson#RestJson").expect("RestJson lowers")
}

fn operation<'a>(service: &'a Service, name: &str) -> &'a Operation {
    service
        .operations
        .iter()
        .find(|op| op.name == name)
        .unwrap_or_else(|| panic!("{name} is an operation"))
}

fn http<'a>(service: &'a Service, name: &str) -> &'a HttpOperation {
    operation(service, name)
        .http
        .as_ref()
        .unwrap_or_else(|| panic!("{name} has HTTP bindings"))
}

/// Where the member `member` of the structure `structure` travels in `bindings`, which name
/// members by their index.
fn location<'a>(
    service: &Service,
    structure: &str,
    bindings: Option<&'a MessageBindings>,
    member: &str,
) -> &'a Location {
    let Kind::Structure(members) = &service.shapes[structure].kind else {
        panic!("{structure} is a structure");
    };
    let index = members
        .iter()
        .position(|m| m.name == member)
        .unwrap_or_else(|| panic!("{structure} has the member {member}"));
    &bindings
        .and_then(|b| b.members.iter().find(|m| m.member == index))
        .unwrap_or_else(|| panic!("member {member} is bound"))
        .location
}

/// Where a member of an operation's input travels.
fn input<'a>(service: &'a Service, op: &str, member: &str) -> &'a Location {
    let input = operation(service, op).input.as_deref().expect("an input");
    location(service, input, http(service, op).input.as_ref(), member)
}

/// Where a member of an operation's output travels (its bindings are on its shape).
fn output<'a>(service: &'a Service, op: &str, member: &str) -> &'a Location {
    let output = operation(service, op).output.as_deref().expect("an output");
    location(
        service,
        output,
        service.shapes[output].http.as_ref(),
        member,
    )
}

#[test]
fn every_rest_json_operation_is_routed() {
    let service = rest_json();
    assert_eq!(service.operations.len() + service.skipped.len(), 113);
    assert!(
        service.operations.iter().all(|op| op.http.is_some()),
        "every operation has its @http"
    );
    // Event streams are the only operations left out.
    for skipped in &service.skipped {
        assert!(skipped.contains("stream"), "{skipped}");
    }
}

#[test]
fn labels_and_greedy_labels() {
    let service = rest_json();
    let op = http(&service, "HttpRequestWithGreedyLabelInPath");
    assert_eq!(op.method, http::Method::GET);
    assert_eq!(
        op.uri.segments,
        vec![
            UriSegment::Literal("HttpRequestWithGreedyLabelInPath".into()),
            UriSegment::Literal("foo".into()),
            UriSegment::Label("foo".into()),
            UriSegment::Literal("baz".into()),
            UriSegment::GreedyLabel("baz".into()),
        ]
    );
    assert_eq!(
        input(&service, "HttpRequestWithGreedyLabelInPath", "baz"),
        &Location::Label {
            index: 1,
            greedy: true,
            text: TextKind::String,
        }
    );
    // The URI is `/HttpRequestWithLabels/{string}/{short}/.../{timestamp}`: its eighth label.
    assert_eq!(
        input(&service, "HttpRequestWithLabels", "timestamp"),
        &Location::Label {
            index: 7,
            greedy: false,
            text: TextKind::Timestamp {
                wire: TimestampFormat::DateTime,
                json: TimestampFormat::EpochSeconds,
            },
        }
    );
}

#[test]
fn query_literals_and_parameters() {
    let service = rest_json();
    let op = http(&service, "ConstantQueryString");
    assert_eq!(
        op.uri.query,
        vec![
            QueryLiteral {
                key: "foo".into(),
                value: Some("bar".into())
            },
            QueryLiteral {
                key: "hello".into(),
                value: None
            },
        ]
    );
    assert_eq!(
        input(
            &service,
            "AllQueryStringTypes",
            "queryParamsMapOfStringList"
        ),
        &Location::QueryParams { lists: true }
    );
    assert!(matches!(
        input(&service, "AllQueryStringTypes", "queryTimestamp"),
        Location::Query {
            key,
            text: TextKind::Timestamp { wire: TimestampFormat::DateTime, .. },
            items: Items::One,
        } if key == "Timestamp"
    ));
    assert!(matches!(
        input(&service, "AllQueryStringTypes", "queryIntegerList"),
        Location::Query {
            text: TextKind::Integer,
            items: Items::List { sparse: false },
            ..
        }
    ));
}

#[test]
fn headers_take_their_location_s_timestamp_format() {
    let service = rest_json();
    for (member, format) in [
        ("defaultFormat", TimestampFormat::HttpDate),
        ("memberEpochSeconds", TimestampFormat::EpochSeconds),
        ("memberDateTime", TimestampFormat::DateTime),
        ("targetEpochSeconds", TimestampFormat::EpochSeconds),
    ] {
        for location in [
            input(&service, "TimestampFormatHeaders", member),
            output(&service, "TimestampFormatHeaders", member),
        ] {
            match location {
                Location::Header {
                    text: TextKind::Timestamp { wire, .. },
                    ..
                } => assert_eq!(*wire, format, "{member}"),
                other => panic!("{member} is in {other:?}"),
            }
        }
    }
    assert_eq!(
        input(&service, "HttpPrefixHeaders", "fooMap"),
        &Location::PrefixHeaders {
            prefix: "x-foo-".into(),
            sparse: false,
        }
    );
}

#[test]
fn payloads_and_media_types() {
    let service = rest_json();
    assert_eq!(
        input(&service, "HttpPayloadTraits", "blob"),
        &Location::Payload {
            kind: PayloadKind::Blob { streaming: false },
            media_type: "application/octet-stream".into()
        }
    );
    assert!(matches!(
        input(&service, "StreamingTraits", "blob"),
        Location::Payload {
            kind: PayloadKind::Blob { streaming: true },
            ..
        }
    ));
    assert_eq!(
        input(&service, "HttpPayloadTraitsWithMediaType", "blob"),
        &Location::Payload {
            kind: PayloadKind::Blob { streaming: false },
            media_type: "text/plain".into()
        }
    );
    let media = http(&service, "HttpPayloadTraitsWithMediaType");
    assert_eq!(media.request_body, BodyMedia::Exact("text/plain".into()));
    assert_eq!(
        http(&service, "HttpPayloadTraits").request_body,
        BodyMedia::Any
    );
    assert_eq!(
        http(&service, "SimpleScalarProperties").request_body,
        BodyMedia::Json
    );
}

#[test]
fn json_names_and_response_codes() {
    let service = rest_json();
    assert!(matches!(
        output(&service, "SimpleScalarProperties", "foo"),
        Location::Header { name, .. } if name == "X-Foo"
    ));
    assert!(matches!(
        input(&service, "JsonUnions", "contents"),
        Location::Body { key } if key == "contents"
    ));
    assert_eq!(
        output(&service, "HttpResponseCode", "Status"),
        &Location::ResponseCode
    );
    let complex = "aws.protocoltests.restjson#ComplexError";
    let error = service.shapes[complex].http.as_ref();
    assert!(matches!(
        location(&service, complex, error, "Header"),
        Location::Header { name, .. } if name == "X-Header"
    ));
    assert_eq!(
        location(&service, complex, error, "TopLevel"),
        &Location::Body {
            key: "TopLevel".into()
        }
    );
}

// ---- what is refused -------------------------------------------------------------------

/// A one-service restJson1 model: `operations` maps operation names to `(http, input
/// members)`; extra shapes are merged in.
fn model(operations: &[(&str, Value, Value)], extra: Value) -> String {
    let mut shapes = serde_json::Map::new();
    let mut list = Vec::new();
    for (name, http, members) in operations {
        let op_id = format!("test#{name}");
        list.push(json!({ "target": op_id }));
        shapes.insert(
            op_id,
            json!({
                "type": "operation",
                "input": { "target": format!("test#{name}Input") },
                "traits": { "smithy.api#http": http }
            }),
        );
        shapes.insert(
            format!("test#{name}Input"),
            json!({ "type": "structure", "members": members, "traits": { "smithy.api#input": {} } }),
        );
    }
    shapes.insert(
        "test#Service".into(),
        json!({
            "type": "service",
            "version": "1",
            "operations": list,
            "traits": { "aws.protocols#restJson1": {} }
        }),
    );
    if let Value::Object(extra) = extra {
        shapes.extend(extra);
    }
    json!({ "smithy": "2.0", "shapes": shapes }).to_string()
}

fn refused(operations: &[(&str, Value, Value)], extra: Value) -> String {
    match lower_json(&model(operations, extra), "test#Service") {
        Ok(_) => panic!("the model was accepted"),
        Err(error) => error.to_string(),
    }
}

fn label(required: bool) -> Value {
    if required {
        json!({ "target": "smithy.api#String", "traits": { "smithy.api#httpLabel": {}, "smithy.api#required": {} } })
    } else {
        json!({ "target": "smithy.api#String", "traits": { "smithy.api#httpLabel": {} } })
    }
}

#[test]
fn well_formed_model_lowers() {
    let ok = model(
        &[(
            "Get",
            json!({ "method": "GET", "uri": "/things/{id}?kind=a" }),
            json!({ "id": label(true) }),
        )],
        json!({}),
    );
    lower_json(&ok, "test#Service").expect("a well-formed model lowers");
}

#[test]
fn ill_formed_uri_patterns_are_refused() {
    for (uri, expected) in [
        ("things", "must start with `/`"),
        ("/a//b", "empty path segments"),
        ("/a/x{id}", "a label must be a whole segment"),
        ("/a/{id}/{id}", "is defined more than once"),
        ("/a/{id+}/{rest+}", "more than one greedy label"),
        ("/a/{}", "a label with no name"),
        ("/a?=b", "an empty key"),
        ("/a?x=1&x=2", "is given more than once"),
        ("/a/./b", "dot-segment"),
        ("/a/%zz", "hexadecimal digits"),
        ("/a#frag", "fragment"),
    ] {
        let message = refused(
            &[(
                "Op",
                json!({ "method": "GET", "uri": uri }),
                json!({ "id": label(true), "rest": label(true) }),
            )],
            json!({}),
        );
        assert!(
            message.starts_with("test#Op: @http uri") && message.contains(expected),
            "{uri}: {message}"
        );
    }
}

#[test]
fn labels_and_members_must_match() {
    let message = refused(
        &[(
            "Op",
            json!({ "method": "GET", "uri": "/a/{id}" }),
            json!({}),
        )],
        json!({}),
    );
    assert!(
        message.starts_with("test#Op:") && message.contains("{id}"),
        "{message}"
    );
    let message = refused(
        &[(
            "Op",
            json!({ "method": "GET", "uri": "/a" }),
            json!({ "id": label(true) }),
        )],
        json!({}),
    );
    assert!(
        message.starts_with("test#OpInput$id:") && message.contains("(in operation test#Op)"),
        "{message}"
    );
    let message = refused(
        &[(
            "Op",
            json!({ "method": "GET", "uri": "/a/{id}" }),
            json!({ "id": label(false) }),
        )],
        json!({}),
    );
    assert!(message.contains("must be @required"), "{message}");
    let message = refused(
        &[(
            "Op",
            json!({ "method": "GET", "uri": "/a/{n+}" }),
            json!({ "n": { "target": "smithy.api#Integer", "traits": { "smithy.api#httpLabel": {}, "smithy.api#required": {} } } }),
        )],
        json!({}),
    );
    assert!(
        message.contains("greedy label, which must target a string"),
        "{message}"
    );
}

#[test]
fn conflicting_bindings_are_refused() {
    let header = |name: &str| json!({ "target": "smithy.api#String", "traits": { "smithy.api#httpHeader": name } });
    let message = refused(
        &[(
            "Op",
            json!({ "method": "POST", "uri": "/a" }),
            json!({ "a": header("X-Thing"), "b": header("x-thing") }),
        )],
        json!({}),
    );
    assert!(message.contains("as `a` does"), "{message}");

    let message = refused(
        &[(
            "Op",
            json!({ "method": "POST", "uri": "/a" }),
            json!({
                "blob": { "target": "smithy.api#Blob", "traits": { "smithy.api#httpPayload": {} } },
                "extra": { "target": "smithy.api#String" }
            }),
        )],
        json!({}),
    );
    assert!(
        message.starts_with("test#OpInput$blob:") && message.contains("extra would be in the body"),
        "{message}"
    );

    let message = refused(
        &[(
            "Op",
            json!({ "method": "GET", "uri": "/a?kind=x" }),
            json!({ "kind": { "target": "smithy.api#String", "traits": { "smithy.api#httpQuery": "kind" } } }),
        )],
        json!({}),
    );
    assert!(message.contains("fixes as a literal"), "{message}");

    let message = refused(
        &[(
            "Op",
            json!({ "method": "GET", "uri": "/a" }),
            json!({
                "all": { "target": "test#Strings", "traits": { "smithy.api#httpPrefixHeaders": "X-Meta-" } },
                "one": header("X-Meta-One")
            }),
        )],
        json!({ "test#Strings": { "type": "map", "key": { "target": "smithy.api#String" }, "value": { "target": "smithy.api#String" } } }),
    );
    assert!(message.contains("also covers"), "{message}");

    let message = refused(
        &[(
            "Op",
            json!({ "method": "GET", "uri": "/a" }),
            json!({ "doc": { "target": "smithy.api#Document", "traits": { "smithy.api#httpHeader": "X-Doc" } } }),
        )],
        json!({}),
    );
    assert!(
        message.contains("carries scalars and lists of them, not a document"),
        "{message}"
    );
}

#[test]
fn conflicting_routes_are_refused_naming_both() {
    let message = refused(
        &[
            (
                "First",
                json!({ "method": "GET", "uri": "/things/{id}" }),
                json!({ "id": label(true) }),
            ),
            (
                "Second",
                json!({ "method": "GET", "uri": "/things/{name}" }),
                json!({ "name": label(true) }),
            ),
        ],
        json!({}),
    );
    assert!(
        message.starts_with("test#First:") && message.contains("test#Second"),
        "{message}"
    );
    // Literals compare after percent-decoding, as the router matches them.
    let message = refused(
        &[
            (
                "First",
                json!({ "method": "GET", "uri": "/things/%61ll" }),
                json!({}),
            ),
            (
                "Second",
                json!({ "method": "GET", "uri": "/things/all" }),
                json!({}),
            ),
        ],
        json!({}),
    );
    assert!(message.contains("conflicts with"), "{message}");
    // A literal beside a label, another method, or another query literal is not a conflict.
    let ok = model(
        &[
            (
                "First",
                json!({ "method": "GET", "uri": "/things/{id}" }),
                json!({ "id": label(true) }),
            ),
            (
                "Second",
                json!({ "method": "GET", "uri": "/things/all" }),
                json!({}),
            ),
            (
                "Third",
                json!({ "method": "PUT", "uri": "/things/{id}" }),
                json!({ "id": label(true) }),
            ),
            (
                "Fourth",
                json!({ "method": "GET", "uri": "/things/{id}?v=2" }),
                json!({ "id": label(true) }),
            ),
        ],
        json!({}),
    );
    lower_json(&ok, "test#Service").expect("no conflict");
}

#[test]
fn operations_need_an_http_trait() {
    let model = json!({
        "smithy": "2.0",
        "shapes": {
            "test#Service": { "type": "service", "version": "1", "operations": [{ "target": "test#Op" }], "traits": { "aws.protocols#restJson1": {} } },
            "test#Op": { "type": "operation" }
        }
    });
    let message = lower_json(&model.to_string(), "test#Service")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.starts_with("test#Op: restJson1 operations need an @http"),
        "{message}"
    );
}
