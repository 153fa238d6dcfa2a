//! Smithy's validation package resolves without its file: a model listing
//! `smithy.framework#ValidationException` among an operation's errors loads with the package's
//! shapes, and a model that defines them itself keeps its own.

use serde_json::Value;

const SERVICE: &str = r#"$version: "2"
namespace example.notes

use smithy.framework#ValidationException

operation PutNote {
    input := {
        @required
        @length(min: 1)
        text: String
    }
    errors: [ValidationException]
}
"#;

fn load(files: &[(&str, &str)]) -> Value {
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect();
    smithy_idl::load(&files).unwrap_or_else(|errors| panic!("{errors:#?}"))
}

#[test]
fn the_validation_package_resolves_without_its_file() {
    let model = load(&[("notes.smithy", SERVICE)]);
    let shapes = &model["shapes"];
    assert_eq!(
        shapes["smithy.framework#ValidationException"]["type"],
        "structure"
    );
    assert_eq!(
        shapes["smithy.framework#ValidationException"]["traits"]["smithy.api#error"],
        "client"
    );
    assert_eq!(
        shapes["smithy.framework#ValidationExceptionFieldList"]["member"]["target"],
        "smithy.framework#ValidationExceptionField"
    );
    assert_eq!(
        shapes["example.notes#PutNote"]["errors"][0]["target"],
        "smithy.framework#ValidationException"
    );
}

#[test]
fn a_model_defining_the_package_keeps_its_own() {
    let own = r#"$version: "2"
namespace smithy.framework

@error("client")
structure ValidationException {
    @required
    message: String
}
"#;
    let model = load(&[("notes.smithy", SERVICE), ("framework.smithy", own)]);
    let members = model["shapes"]["smithy.framework#ValidationException"]["members"]
        .as_object()
        .map(|m| m.keys().cloned().collect::<Vec<_>>());
    assert_eq!(members, Some(vec!["message".to_owned()]));
    assert!(
        model["shapes"]
            .get("smithy.framework#ValidationExceptionFieldList")
            .is_none()
    );
}

#[test]
fn other_unresolved_shapes_are_still_refused() {
    let text = SERVICE.replace("errors: [ValidationException]", "errors: [NoSuchError]");
    let files = [("notes.smithy".to_owned(), text)];
    let errors = smithy_idl::load(&files).expect_err("an undefined error is refused");
    assert!(
        errors.iter().any(|e| e
            .message
            .contains("unresolved shape `example.notes#NoSuchError`")),
        "{errors:#?}"
    );
}

#[test]
fn any_reference_to_the_package_loads_it() {
    // An unquoted shape id in a trait value and the target of `apply` are references too.
    let text = r#"$version: "2"
namespace example.notes

@documentation(smithy.framework#ValidationExceptionField)
string Note

apply smithy.framework#ValidationException @tags(["validation"])
"#;
    let model = load(&[("notes.smithy", text)]);
    let shapes = &model["shapes"];
    assert_eq!(
        shapes["example.notes#Note"]["traits"]["smithy.api#documentation"],
        "smithy.framework#ValidationExceptionField"
    );
    assert_eq!(
        shapes["smithy.framework#ValidationException"]["traits"]["smithy.api#tags"][0],
        "validation"
    );
}
