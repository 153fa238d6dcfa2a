//! Documentation written from a model's strings stays valid doc text: AWS's App Mesh and
//! CodeCatalyst models have `@pattern`s holding a tab, a line feed and a carriage return, which a
//! doc comment cannot carry as they are.

use smithy_server_codegen::{Settings, generate};

#[test]
fn control_characters_of_a_pattern_are_escaped_in_the_docs() {
    let model = serde_json::json!({
        "smithy": "2.0",
        "shapes": {
            "ex#S": {
                "type": "service",
                "version": "1",
                "operations": [{"target": "ex#Op"}],
                "traits": {"aws.protocols#restJson1": {}}
            },
            "ex#Op": {
                "type": "operation",
                "input": {"target": "ex#In"},
                "traits": {"smithy.api#http": {"method": "POST", "uri": "/op"}}
            },
            "ex#In": {
                "type": "structure",
                "members": {"text": {"target": "ex#Text"}}
            },
            "ex#Text": {
                "type": "string",
                "traits": {"smithy.api#pattern": "^[a-z\n\t\r ]*$"}
            }
        }
    });
    let source = generate(&model.to_string(), &Settings::default())
        .expect("the model generates")
        .source;
    assert!(
        source.contains("pattern `^[a-z\\n\\t\\r ]*$`"),
        "the pattern's control characters are escaped"
    );
    assert!(
        !source.contains(['\t', '\r']),
        "no tab or carriage return anywhere in the source"
    );
    // The regex the generated validation runs is still the model's.
    assert!(source.contains(r#""^[a-z\n\t\r ]*$""#));
}
