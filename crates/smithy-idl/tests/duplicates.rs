//! Shapes defined more than once, as Smithy's loader takes them: a file shared by two models
//! and loaded with both loads once; definitions that build the same shape merge their traits;
//! definitions that build different shapes are refused with an error naming both.

use serde_json::Value;
use smithy_idl::{Error, ErrorKind};

/// The file both models carry: shapes with traits (a list-valued one among them), members
/// with traits, an enum, an error structure and an operation with an inline input.
const COMMON: &str = r#"$version: "2"
namespace example.common

/// A name people can read.
@length(min: 1, max: 64)
@pattern("^[a-z]+$")
@tags(["shared"])
string Name

structure Owner {
    @required
    name: Name

    /// When the owner joined.
    joined: Timestamp
}

enum Colour {
    RED
    GREEN = "green"
}

@error("client")
structure NotFound {
    @required
    message: String
}

@readonly
operation Ping {
    input := {
        @required
        owner: Owner
    }
}
"#;

const MODEL_A: &str = r#"$version: "2"
namespace example.a

use example.common#NotFound
use example.common#Owner

operation GetOwner {
    output := {
        owner: Owner
    }
    errors: [NotFound]
}
"#;

const MODEL_B: &str = r#"$version: "2"
namespace example.b

use example.common#Colour
use example.common#Name

structure Pen {
    name: Name
    colour: Colour
}
"#;

fn file(name: &str, text: &str) -> (String, String) {
    (name.to_owned(), text.to_owned())
}

fn load(files: &[(String, String)]) -> Value {
    smithy_idl::load(files).unwrap_or_else(|errors| panic!("{errors:#?}"))
}

fn refused(files: &[(String, String)]) -> Vec<Error> {
    match smithy_idl::load(files) {
        Ok(model) => panic!("loaded, but should be refused: {model}"),
        Err(errors) => errors,
    }
}

/// The one error about a conflicting definition of the shape.
fn conflict<'a>(errors: &'a [Error], id: &str) -> &'a Error {
    let kind = ErrorKind::ShapeConflict { id: id.to_owned() };
    let found: Vec<&Error> = errors.iter().filter(|e| e.kind == kind).collect();
    assert_eq!(found.len(), 1, "{errors:#?}");
    found[0]
}

#[test]
fn a_file_shared_by_two_models_loads_once() {
    let once = load(&[
        file("a/model.smithy", MODEL_A),
        file("a/common.smithy", COMMON),
        file("b/model.smithy", MODEL_B),
    ]);
    let twice = load(&[
        file("a/model.smithy", MODEL_A),
        file("a/common.smithy", COMMON),
        file("b/model.smithy", MODEL_B),
        file("b/common.smithy", COMMON),
    ]);
    assert_eq!(twice, once);
    assert_eq!(
        twice["shapes"]["example.common#Name"]["traits"]["smithy.api#tags"],
        serde_json::json!(["shared"]),
        "a list-valued trait of an identical definition is not repeated"
    );
}

#[test]
fn a_shape_defined_twice_in_one_file_alike_loads_once() {
    let text =
        "$version: \"2\"\nnamespace a\n\n@length(max: 3)\nstring S\n\n@length(max: 3)\nstring S\n";
    let once = "$version: \"2\"\nnamespace a\n\n@length(max: 3)\nstring S\n";
    assert_eq!(
        load(&[file("a.smithy", text)]),
        load(&[file("a.smithy", once)])
    );
}

#[test]
fn a_differing_definition_is_refused_naming_both_places() {
    let changed = COMMON.replace(
        "    joined: Timestamp\n",
        "    joined: Timestamp\n\n    left: Timestamp\n",
    );
    let errors = refused(&[
        file("a/model.smithy", MODEL_A),
        file("a/common.smithy", COMMON),
        file("b/model.smithy", MODEL_B),
        file("b/common.smithy", &changed),
    ]);
    let error = conflict(&errors, "example.common#Owner");
    assert_eq!(
        (error.file.as_str(), error.line, error.column),
        ("b/common.smithy", 10, 1)
    );
    assert_eq!(
        error.message,
        "Conflicting shape definition for `example.common#Owner` found at \
         `b/common.smithy:10:1` and `a/common.smithy:10:1`. Members differ: \
         [name, joined, left] vs [name, joined]"
    );
    assert_eq!(errors.len(), 1, "{errors:#?}");
}

#[test]
fn a_definition_of_another_type_is_refused() {
    let changed = COMMON.replace("string Name", "integer Name");
    let errors = refused(&[
        file("a/common.smithy", COMMON),
        file("b/common.smithy", &changed),
    ]);
    let error = conflict(&errors, "example.common#Name");
    assert!(
        error.message.starts_with(
            "Conflicting shape definition for `example.common#Name` found at \
             `b/common.smithy:8:1` and `a/common.smithy:8:1`. Left is integer, right is string"
        ),
        "{}",
        error.message
    );
    // The rendered error points at the second definition and names the first.
    let shown = error.to_string();
    assert!(
        shown.starts_with("b/common.smithy:8:1: Conflicting"),
        "{shown}"
    );
    assert!(shown.contains("8 | integer Name"), "{shown}");
}

#[test]
fn other_member_targets_and_mixins_are_conflicts() {
    let base = "$version: \"2\"\nnamespace a\n\n@mixin\nstructure M {}\n\n";
    let first = format!("{base}structure S {{\n    a: String\n}}\n");
    let other_target = format!("{base}structure S {{\n    a: Integer\n}}\n");
    let with_mixin = format!("{base}structure S with [M] {{\n    a: String\n}}\n");
    let errors = refused(&[file("1.smithy", &first), file("2.smithy", &other_target)]);
    assert!(
        conflict(&errors, "a#S")
            .message
            .ends_with("Members differ: [a] vs [a]")
    );
    let errors = refused(&[file("1.smithy", &first), file("2.smithy", &with_mixin)]);
    assert!(
        conflict(&errors, "a#S")
            .message
            .ends_with("Left mixins: [a#M], right mixins: []")
    );
}

#[test]
fn definitions_of_the_same_shape_merge_their_traits() {
    // Smithy keeps traits by shape, not by definition: a trait one definition adds is
    // applied as an `apply` statement would apply it.
    let documented = COMMON.replace(
        "structure Owner {",
        "/// Who owns a thing.\nstructure Owner {",
    );
    let model = load(&[
        file("a/common.smithy", COMMON),
        file("b/common.smithy", &documented),
    ]);
    assert_eq!(
        model["shapes"]["example.common#Owner"]["traits"]["smithy.api#documentation"],
        "Who owns a thing."
    );
}

#[test]
fn conflicting_trait_values_are_refused_naming_both_places() {
    let changed = COMMON.replace("@length(min: 1, max: 64)", "@length(min: 1, max: 32)");
    let errors = refused(&[
        file("a/common.smithy", COMMON),
        file("b/common.smithy", &changed),
    ]);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let error = &errors[0];
    assert_eq!(error.kind, ErrorKind::TraitConflict);
    assert_eq!(
        (error.file.as_str(), error.line, error.column),
        ("b/common.smithy", 5, 2)
    );
    assert_eq!(
        error.message,
        "Conflicting `smithy.api#length` trait found on shape `example.common#Name`. The \
         previous trait was defined at `a/common.smithy:5:2`, and a conflicting trait was \
         defined at `b/common.smithy:5:2`."
    );
}

#[test]
fn json_ast_and_idl_definitions_are_compared_alike() {
    let idl = "$version: \"2\"\nnamespace a\n\n@length(max: 3)\nstring S\n";
    let same = r#"{"smithy": "2.0", "shapes": {"a#S": {"type": "string", "traits": {"smithy.api#length": {"max": 3}}}}}"#;
    let other = r#"{"smithy": "2.0", "shapes": {"a#S": {"type": "integer"}}}"#;
    let once = load(&[file("a.smithy", idl)]);
    assert_eq!(load(&[file("a.smithy", idl), file("a.json", same)]), once);
    assert_eq!(load(&[file("a.json", same), file("a.smithy", idl)]), once);
    let errors = refused(&[file("a.smithy", idl), file("b.json", other)]);
    let error = conflict(&errors, "a#S");
    assert_eq!((error.file.as_str(), error.line), ("b.json", 0));
    assert!(
        error.message.starts_with(
            "Conflicting shape definition for `a#S` found at `b.json` and `a.smithy:5:1`"
        ),
        "{}",
        error.message
    );
    let errors = refused(&[file("b.json", other), file("a.smithy", idl)]);
    let error = conflict(&errors, "a#S");
    assert_eq!(
        (error.file.as_str(), error.line, error.column),
        ("a.smithy", 5, 1)
    );
}
