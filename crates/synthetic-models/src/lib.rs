//! Synthetic awsJson models of any size, for timing and testing code generation at scale (the
//! benchmarks and the large-model test): each operation brings its own input and output, a
//! constrained string, an enum, a list, a map, a recursive structure and a union (eight shapes),
//! and all share one error.

use serde_json::{Value, json};

/// A model with `operations` operations, each with its own input, output and nested shapes.
pub fn model(operations: usize) -> Value {
    let ns = "example.large";
    let mut shapes = serde_json::Map::new();
    let mut operation_refs = Vec::new();
    for i in 0..operations {
        let id = |name: &str| format!("{ns}#{name}{i}");
        operation_refs.push(json!({"target": id("Operation")}));
        shapes.insert(
            id("Operation"),
            json!({"type": "operation", "input": {"target": id("Input")}, "output": {"target": id("Output")},
                   "errors": [{"target": format!("{ns}#Failure")}],
                   "traits": {"smithy.api#documentation": format!("<p>Operation number <code>{i}</code>.</p>")}}),
        );
        shapes.insert(
            id("Input"),
            json!({"type": "structure", "members": {
                "Name": {"target": id("Name"), "traits": {"smithy.api#required": {}}},
                "Count": {"target": "smithy.api#Integer", "traits": {"smithy.api#range": {"min": 0, "max": 100}}},
                "Kind": {"target": id("Kind")},
                "Items": {"target": id("Items")},
                "Labels": {"target": id("Labels")},
                "Detail": {"target": id("Detail")},
                "Choice": {"target": id("Choice")},
                "When": {"target": "smithy.api#Timestamp"}
            }, "traits": {"smithy.api#input": {}}}),
        );
        shapes.insert(
            id("Output"),
            json!({"type": "structure", "members": {
                "Detail": {"target": id("Detail")}, "Items": {"target": id("Items")}, "Next": {"target": "smithy.api#String"}
            }, "traits": {"smithy.api#output": {}}}),
        );
        shapes.insert(
            id("Name"),
            json!({"type": "string", "traits": {"smithy.api#length": {"min": 1, "max": 64}, "smithy.api#pattern": format!("^[a-z{}]+$", i % 10)}}),
        );
        shapes.insert(
            id("Kind"),
            json!({"type": "enum", "members": {
                "ONE": {"target": "smithy.api#Unit"}, "TWO": {"target": "smithy.api#Unit"}, "THREE": {"target": "smithy.api#Unit"}}}),
        );
        shapes.insert(id("Items"), json!({"type": "list", "member": {"target": id("Detail")}, "traits": {"smithy.api#length": {"max": 50}}}));
        shapes.insert(id("Labels"), json!({"type": "map", "key": {"target": id("Name")}, "value": {"target": "smithy.api#String"}}));
        shapes.insert(
            id("Detail"),
            json!({"type": "structure", "members": {
                "Id": {"target": id("Name")}, "Parent": {"target": id("Detail")}, "Score": {"target": "smithy.api#Double"},
                "Data": {"target": "smithy.api#Blob"}, "Tags": {"target": id("Labels")}
            }}),
        );
        shapes.insert(
            id("Choice"),
            json!({"type": "union", "members": {"Text": {"target": "smithy.api#String"}, "Detail": {"target": id("Detail")}}}),
        );
    }
    shapes.insert(
        format!("{ns}#Failure"),
        json!({"type": "structure", "members": {"Message": {"target": "smithy.api#String"}}, "traits": {"smithy.api#error": "client"}}),
    );
    shapes.insert(
        format!("{ns}#Large"),
        json!({"type": "service", "version": "1", "operations": operation_refs, "traits": {"aws.protocols#awsJson1_1": {}}}),
    );
    json!({"smithy": "2.0", "shapes": shapes})
}
