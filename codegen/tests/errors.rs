//! What the generator cannot support fails with an error naming the shape and the reason,
//! never a panic and never silent wrong code.

use smithy_server_codegen::{Error, Settings, generate};

fn error_of(model: serde_json::Value) -> String {
    let settings = Settings::default();
    match generate(&model.to_string(), &settings) {
        Ok(_) => panic!("expected an error for {model}"),
        Err(error) => error.to_string(),
    }
}

fn service(extra: serde_json::Value) -> serde_json::Value {
    let mut shapes = serde_json::json!({
        "ex#S": {"type": "service", "version": "1", "operations": [{"target": "ex#Op"}], "traits": {"aws.protocols#awsJson1_1": {}}},
        "ex#Op": {"type": "operation", "input": {"target": "ex#In"}},
    });
    for (id, shape) in extra.as_object().unwrap() {
        shapes[id] = shape.clone();
    }
    serde_json::json!({"smithy": "2.0", "shapes": shapes})
}

/// The model is read by the IDL loader, which refuses what is not a Smithy model.
#[test]
fn not_json_or_wrong_version() {
    assert!(matches!(
        generate("{", &Settings::default()),
        Err(Error::Load(_))
    ));
    let message = error_of(serde_json::json!({"smithy": "3.0", "shapes": {}}));
    assert!(message.contains("3.0"), "{message}");
}

#[test]
fn missing_target_names_the_member() {
    let model = service(
        serde_json::json!({"ex#In": {"type": "structure", "members": {"a": {"target": "ex#Nowhere"}}}}),
    );
    assert_eq!(
        error_of(model),
        "model.json: ex#In$a: member shape targets an unresolved shape `ex#Nowhere`"
    );
}

#[test]
fn unsupported_pattern_names_shape_and_construct() {
    let model = service(serde_json::json!({
        "ex#In": {"type": "structure", "members": {"a": {"target": "ex#Greek"}}},
        "ex#Greek": {"type": "string", "traits": {"smithy.api#pattern": "^\\p{InGreek}+$"}}
    }));
    let message = error_of(model);
    assert!(
        message.starts_with("ex#In$a: pattern \"^\\\\p{InGreek}+$\""),
        "{message}"
    );
    assert!(message.contains("block"), "{message}");
}

#[test]
fn other_protocols_are_refused() {
    let mut model = service(serde_json::json!({"ex#In": {"type": "structure", "members": {}}}));
    model["shapes"]["ex#S"]["traits"] = serde_json::json!({"aws.protocols#restXml": {}});
    assert_eq!(
        error_of(model),
        "ex#S: the service speaks none of rpcv2Cbor, rpcv2Json, awsJson1_0, awsJson1_1 and restJson1"
    );
}

#[test]
fn rest_json_is_served_alone() {
    let mut model = service(serde_json::json!({"ex#In": {"type": "structure", "members": {}}}));
    model["shapes"]["ex#S"]["traits"] =
        serde_json::json!({"aws.protocols#restJson1": {}, "smithy.protocols#rpcv2Cbor": {}});
    let message = error_of(model);
    assert!(
        message.starts_with("ex#S: it declares smithy.protocols#rpcv2Cbor, aws.protocols#restJson1: restJson1 is served only on its own"),
        "{message}"
    );
}

#[test]
fn documents_are_refused_in_cbor() {
    let mut model = service(serde_json::json!({
        "ex#In": {"type": "structure", "members": {"doc": {"target": "smithy.api#Document"}}}
    }));
    model["shapes"]["ex#S"]["traits"] = serde_json::json!({"smithy.protocols#rpcv2Cbor": {}});
    assert_eq!(
        error_of(model),
        "ex#In$doc: targets the document smithy.api#Document, which rpcv2Cbor cannot carry"
    );
}

#[test]
fn aws_json_and_rpc_v2_json_must_agree() {
    let mut model = service(serde_json::json!({
        "ex#In": {"type": "structure", "members": {"at": {"target": "smithy.api#Timestamp", "traits": {"smithy.api#timestampFormat": "date-time"}}}}
    }));
    model["shapes"]["ex#S"]["traits"] =
        serde_json::json!({"aws.protocols#awsJson1_0": {}, "smithy.protocols#rpcv2Json": {}});
    assert_eq!(
        error_of(model),
        "ex#S: it is served in awsJson and rpcv2Json, whose JSON differs here: ex#In$at has a @timestampFormat, which rpcv2Json ignores"
    );
}

#[test]
fn several_services_need_a_choice() {
    let mut model = service(serde_json::json!({"ex#In": {"type": "structure", "members": {}}}));
    model["shapes"]["ex#T"] = model["shapes"]["ex#S"].clone();
    assert_eq!(
        error_of(model),
        "the model has 2 services; name one of: ex#S, ex#T"
    );
}

#[test]
fn name_collisions_are_reported() {
    let model = service(serde_json::json!({
        "ex#In": {"type": "structure", "members": {"a": {"target": "ex#Thing"}, "b": {"target": "other#Thing"}}},
        "ex#Thing": {"type": "structure", "members": {}},
        "other#Thing": {"type": "structure", "members": {}}
    }));
    assert_eq!(
        error_of(model),
        "ex#Thing and other#Thing both become the Rust name `Thing`; add a `rename` to the service"
    );
}

#[test]
fn maps_with_non_string_keys_are_refused() {
    let model = service(serde_json::json!({
        "ex#In": {"type": "structure", "members": {"a": {"target": "ex#M"}}},
        "ex#M": {"type": "map", "key": {"target": "smithy.api#Integer"}, "value": {"target": "smithy.api#String"}}
    }));
    assert_eq!(
        error_of(model),
        "ex#M: map keys must be strings, not integer"
    );
}

#[test]
fn renames_resolve_collisions() {
    let mut model = service(serde_json::json!({
        "ex#In": {"type": "structure", "members": {"a": {"target": "ex#Thing"}, "b": {"target": "other#Thing"}}},
        "ex#Thing": {"type": "structure", "members": {}},
        "other#Thing": {"type": "structure", "members": {}}
    }));
    model["shapes"]["ex#S"]["rename"] = serde_json::json!({"other#Thing": "OtherThing"});
    let generated = generate(&model.to_string(), &Settings::default()).unwrap();
    assert!(generated.source.contains("pub struct OtherThing"));
}

#[test]
fn event_stream_operations_are_left_out_and_said_so() {
    let model = service(serde_json::json!({
        "ex#In": {"type": "structure", "members": {"events": {"target": "ex#Events"}}},
        "ex#Events": {"type": "union", "members": {"a": {"target": "ex#E"}}, "traits": {"smithy.api#streaming": {}}},
        "ex#E": {"type": "structure", "members": {}}
    }));
    let generated = generate(&model.to_string(), &Settings::default()).unwrap();
    assert_eq!(generated.skipped.len(), 1);
    assert_eq!(
        generated.skipped[0],
        "ex#Op: member events is an event stream (ex#Events), which servers generated here do not support"
    );
    assert!(!generated.source.contains("fn op("));
}

#[test]
fn blob_streams_over_aws_json_are_left_out_and_said_so() {
    let model = service(serde_json::json!({
        "ex#In": {"type": "structure", "members": {"data": {"target": "ex#Data"}}},
        "ex#Data": {"type": "blob", "traits": {"smithy.api#streaming": {}}}
    }));
    let generated = generate(&model.to_string(), &Settings::default()).unwrap();
    assert_eq!(
        generated.skipped,
        [
            "ex#Op: member data is a data stream (ex#Data), which servers generated here do not support"
        ]
    );
}

#[test]
fn unit_outside_unions_is_refused() {
    let model = service(
        serde_json::json!({"ex#In": {"type": "structure", "members": {"a": {"target": "smithy.api#Unit"}}}}),
    );
    assert_eq!(
        error_of(model),
        "ex#In: member a targets smithy.api#Unit, which only unions allow"
    );
    let model = service(serde_json::json!({
        "ex#In": {"type": "structure", "members": {"a": {"target": "ex#L"}}},
        "ex#L": {"type": "list", "member": {"target": "smithy.api#Unit"}}
    }));
    assert_eq!(
        error_of(model),
        "ex#L: member member targets smithy.api#Unit, which only unions allow"
    );
}

#[test]
fn defaults_that_do_not_fit_their_target_are_refused() {
    let with_default = |target: serde_json::Value, default: serde_json::Value| {
        let mut extra = serde_json::json!({
            "ex#In": {"type": "structure", "members": {"a": {"target": "ex#T", "traits": {"smithy.api#default": default}}}},
        });
        extra["ex#T"] = target;
        error_of(service(extra))
    };
    let color = serde_json::json!({"type": "enum", "members": {
        "RED": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "red"}}
    }});
    assert_eq!(
        with_default(color, serde_json::json!("blue")),
        "ex#In$a: @default \"blue\": not a value of the enum"
    );
    assert_eq!(
        with_default(serde_json::json!({"type": "byte"}), serde_json::json!(300)),
        "ex#In$a: @default 300: out of range for a 8-bit integer"
    );
    assert_eq!(
        with_default(
            serde_json::json!({"type": "document"}),
            serde_json::json!({"a": [1]})
        ),
        "ex#In$a: @default {\"a\":[1]}: a document's default must be a scalar, [] or {}"
    );
    assert_eq!(
        with_default(
            serde_json::json!({"type": "list", "member": {"target": "smithy.api#String"}}),
            serde_json::json!(["x"])
        ),
        "ex#In$a: @default [\"x\"]: a list's default must be empty"
    );
    assert_eq!(
        with_default(
            serde_json::json!({"type": "timestamp"}),
            serde_json::json!("yesterday")
        ),
        "ex#In$a: @default \"yesterday\": not an RFC 3339 date-time in UTC"
    );
    assert_eq!(
        with_default(
            serde_json::json!({"type": "timestamp"}),
            serde_json::json!("2019-12-16T22:48:18-01:00")
        ),
        "ex#In$a: @default \"2019-12-16T22:48:18-01:00\": not an RFC 3339 date-time in UTC"
    );
    assert_eq!(
        with_default(
            serde_json::json!({"type": "blob"}),
            serde_json::json!("not base64!")
        ),
        "ex#In$a: @default \"not base64!\": not base64: Invalid symbol 32, offset 3."
    );
}

#[test]
fn constraints_on_types_they_cannot_apply_to_are_refused() {
    let member = |target: &str, constraint: serde_json::Value| {
        error_of(service(serde_json::json!({
            "ex#In": {"type": "structure", "members": {"a": {"target": target, "traits": constraint}}},
        })))
    };
    assert_eq!(
        member(
            "smithy.api#Boolean",
            serde_json::json!({"smithy.api#length": {"min": 1}})
        ),
        "ex#In$a: @length does not apply to boolean shapes"
    );
    assert_eq!(
        member(
            "smithy.api#String",
            serde_json::json!({"smithy.api#range": {"min": 1}})
        ),
        "ex#In$a: @range does not apply to string shapes"
    );
    assert_eq!(
        member(
            "smithy.api#Integer",
            serde_json::json!({"smithy.api#pattern": "^a$"})
        ),
        "ex#In$a: @pattern does not apply to integer shapes"
    );
}

#[test]
fn http_bindings_are_refused_in_rpc_v2() {
    let mut model = service(serde_json::json!({
        "ex#In": {"type": "structure", "members": {"id": {"target": "smithy.api#String", "traits": {"smithy.api#httpHeader": "X-Id"}}}}
    }));
    model["shapes"]["ex#S"]["traits"] = serde_json::json!({"smithy.protocols#rpcv2Cbor": {}});
    assert_eq!(
        error_of(model),
        "ex#In$id: carries smithy.api#httpHeader, an HTTP binding, which RPC v2 protocols do not have"
    );
}

/// Beside another protocol, an operation that carries a document is served in that protocol
/// and left out of rpcv2Cbor, which the generation reports.
#[test]
fn documents_leave_an_operation_out_of_cbor_only() {
    let mut model = service(serde_json::json!({
        "ex#In": {"type": "structure", "members": {"doc": {"target": "smithy.api#Document"}}}
    }));
    model["shapes"]["ex#S"]["traits"] =
        serde_json::json!({"smithy.protocols#rpcv2Cbor": {}, "aws.protocols#awsJson1_1": {}});
    let generated = generate(&model.to_string(), &Settings::default()).unwrap();
    assert_eq!(
        generated.skipped,
        [
            "ex#Op: served in its other protocols but not in rpcv2Cbor: ex#In$doc: targets the document smithy.api#Document, which rpcv2Cbor cannot carry"
        ]
    );
    assert!(!generated.source.contains("CborOperation for Op"));
    assert!(generated.source.contains("aws_json::Operation for Op"));
    assert!(generated.source.contains("Op is not served in rpcv2Cbor"));
}
