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

#[test]
fn not_json_or_wrong_version() {
    assert!(matches!(
        generate("{", &Settings::default()),
        Err(Error::Syntax(_))
    ));
    assert_eq!(
        error_of(serde_json::json!({"smithy": "3.0", "shapes": {}})),
        "unsupported Smithy version \"3.0\" (1.0 and 2.0 are read)"
    );
}

#[test]
fn missing_target_names_the_member() {
    let model = service(
        serde_json::json!({"ex#In": {"type": "structure", "members": {"a": {"target": "ex#Nowhere"}}}}),
    );
    assert_eq!(
        error_of(model),
        "ex#In: refers to ex#Nowhere, which the model does not define"
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
    model["shapes"]["ex#S"]["traits"] = serde_json::json!({"aws.protocols#restJson1": {}});
    assert_eq!(
        error_of(model),
        "ex#S: the service speaks neither awsJson1_0 nor awsJson1_1"
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
    assert!(generated.skipped[0].starts_with("ex#Op: member events is a stream"));
    assert!(!generated.source.contains("fn op("));
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
