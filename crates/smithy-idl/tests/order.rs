//! A model's order survives loading: structure members, enum values and mixins come out in
//! the order the IDL declares them, as in the JSON AST Smithy writes (generated code follows
//! that order: field order, the values a validation message lists).

use serde_json::Value;

const MODEL: &str = r#"$version: "2"
namespace example.order

structure Zebra {
    zulu: String
    alpha: String
    mike: Integer
}

enum Shade {
    DARK
    BRIGHT = "bright"
    AMBER
}

intEnum Level {
    HIGH = 3
    LOW = 1
}
"#;

fn names(model: &Value, shape: &str) -> Vec<String> {
    model["shapes"][shape]["members"]
        .as_object()
        .unwrap_or_else(|| panic!("{shape} has members"))
        .keys()
        .cloned()
        .collect()
}

#[test]
fn members_and_values_keep_their_declared_order() {
    let model = smithy_idl::load(&[("order.smithy".to_owned(), MODEL.to_owned())])
        .unwrap_or_else(|errors| panic!("{errors:?}"));
    assert_eq!(
        names(&model, "example.order#Zebra"),
        ["zulu", "alpha", "mike"]
    );
    assert_eq!(
        names(&model, "example.order#Shade"),
        ["DARK", "BRIGHT", "AMBER"]
    );
    assert_eq!(names(&model, "example.order#Level"), ["HIGH", "LOW"]);
    // And through the JSON text the generator reads.
    let text = model.to_string();
    let zulu = text.find("\"zulu\"").unwrap_or(usize::MAX);
    let alpha = text.find("\"alpha\"").unwrap_or(0);
    assert!(zulu < alpha, "{text}");
}
