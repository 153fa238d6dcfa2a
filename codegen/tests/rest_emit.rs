//! The restJson1 code emitted for constructs that AWS's service models use and the official
//! protocol-test service does not: each test generates a small model and checks the emitted
//! source.

use serde_json::{Value, json};
use smithy_server_codegen::{Settings, generate};

/// A restJson1 service with one operation, `Op`, of the given `@http` trait and input and
/// output members; extra shapes are merged in.
fn model(http: Value, input: Value, output: Value, extra: Value) -> String {
    let mut shapes = json!({
        "test#Service": {
            "type": "service",
            "version": "1",
            "operations": [{ "target": "test#Op" }],
            "traits": { "aws.protocols#restJson1": {} }
        },
        "test#Op": {
            "type": "operation",
            "input": { "target": "test#OpInput" },
            "output": { "target": "test#OpOutput" },
            "traits": { "smithy.api#http": http }
        },
        "test#OpInput": {
            "type": "structure",
            "members": input,
            "traits": { "smithy.api#input": {} }
        },
        "test#OpOutput": {
            "type": "structure",
            "members": output,
            "traits": { "smithy.api#output": {} }
        }
    });
    if let (Value::Object(shapes), Value::Object(extra)) = (&mut shapes, extra) {
        shapes.extend(extra);
    }
    json!({ "smithy": "2.0", "shapes": shapes }).to_string()
}

fn source(model: &str) -> String {
    generate(model, &Settings::default())
        .unwrap_or_else(|error| panic!("the model generates: {error}"))
        .source
}

/// The text of the generated `encode_response`.
fn encode_response(source: &str) -> &str {
    let start = source
        .find("fn encode_response")
        .expect("an encode_response");
    let end = source[start..]
        .find("\n    }\n")
        .map_or(source.len(), |end| start + end);
    &source[start..end]
}

/// Polly's `SynthesizeSpeech` and AppConfig's `GetConfiguration` put the payload before the
/// `Content-Type` header member: the header must still be set before the payload, which only
/// sets the payload's default media type when no `Content-Type` is there yet (otherwise the
/// response carries two `Content-Type` headers).
#[test]
fn a_content_type_member_is_written_before_the_payload_whatever_the_member_order() {
    let model = model(
        json!({ "method": "POST", "uri": "/speech" }),
        json!({}),
        json!({
            "Audio": { "target": "test#Audio", "traits": { "smithy.api#httpPayload": {} } },
            "ContentType": {
                "target": "smithy.api#String",
                "traits": { "smithy.api#httpHeader": "Content-Type" }
            },
            "Count": {
                "target": "smithy.api#Integer",
                "traits": { "smithy.api#httpHeader": "x-count" }
            }
        }),
        json!({ "test#Audio": { "type": "blob", "traits": { "smithy.api#streaming": {} } } }),
    );
    let source = source(&model);
    let encode = encode_response(&source);
    let position = |needle: &str| {
        encode
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` in {encode}"))
    };
    let payload = position("response.payload(");
    assert!(position("\"Content-Type\"") < payload, "{encode}");
    assert!(position("\"x-count\"") < payload, "{encode}");
}
