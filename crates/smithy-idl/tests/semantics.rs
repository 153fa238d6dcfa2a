//! What the loader checks and changes beyond the grammar: IDL 1.0 files upgraded to 2.0
//! nullability, trait applications checked against trait definitions, errors about a member
//! placed at that member, and the warnings Smithy gives for what it accepts.

use serde_json::{Value, json};
use smithy_idl::Error;

fn file(name: &str, text: &str) -> (String, String) {
    (name.to_string(), text.to_string())
}

fn load(files: &[(&str, &str)]) -> Result<Value, Vec<Error>> {
    let files: Vec<(String, String)> = files.iter().map(|(n, t)| file(n, t)).collect();
    smithy_idl::load(&files)
}

fn refused(files: &[(&str, &str)]) -> Vec<Error> {
    match load(files) {
        Ok(model) => panic!("loaded, but should be refused: {model}"),
        Err(errors) => errors,
    }
}

/// The first error whose message contains the text.
fn error_with<'a>(errors: &'a [Error], text: &str) -> &'a Error {
    errors
        .iter()
        .find(|e| e.message.contains(text))
        .unwrap_or_else(|| panic!("no error containing `{text}` in {errors:#?}"))
}

const V1_FILE: &str = r#"$version: "1.0"
namespace example.v1

integer Count

@box
integer MaybeCount

boolean Flag

string Name

@streaming
blob Stream

list Counts {
    member: Count
}

structure Thing {
    count: Count,
    maybeCount: MaybeCount,
    primitive: PrimitiveInteger,
    boxedPrelude: Integer,
    @box
    boxedMember: Count,
    flag: Flag,
    primitiveFlag: PrimitiveBoolean,
    name: Name,
    stream: Stream,
    @required
    requiredStream: Stream,
    nullableV2: example.v2#Number,
    zeroV2: example.v2#Zero,
    oneV2: example.v2#One,
}
"#;

const V2_FILE: &str = r#"$version: "2"
namespace example.v2

integer Number

@default(0)
integer Zero

@default(1)
integer One

structure UsesV1 {
    count: example.v1#Count
}
"#;

#[test]
fn a_1_0_file_loads_with_2_0_nullability() {
    let model = load(&[("v1.smithy", V1_FILE), ("v2.smithy", V2_FILE)]).unwrap();
    assert_eq!(model["smithy"], "2.0");
    let shapes = &model["shapes"];
    // Unboxed boolean and number shapes had a zero value; boxed ones did not, and `@box`
    // itself is not part of a 2.0 model.
    assert_eq!(
        shapes["example.v1#Count"],
        json!({"type": "integer", "traits": {"smithy.api#default": 0}})
    );
    assert_eq!(shapes["example.v1#MaybeCount"], json!({"type": "integer"}));
    assert_eq!(
        shapes["example.v1#Flag"],
        json!({"type": "boolean", "traits": {"smithy.api#default": false}})
    );
    assert_eq!(shapes["example.v1#Name"], json!({"type": "string"}));
    // Only structure members take a default.
    assert_eq!(
        shapes["example.v1#Counts"],
        json!({"type": "list", "member": {"target": "example.v1#Count"}})
    );
    let zero = |target: &str, value: Value| json!({"target": target, "traits": {"smithy.api#default": value}});
    assert_eq!(
        shapes["example.v1#Thing"]["members"],
        json!({
            "count": zero("example.v1#Count", json!(0)),
            "maybeCount": {"target": "example.v1#MaybeCount"},
            "primitive": zero("smithy.api#PrimitiveInteger", json!(0)),
            "boxedPrelude": {"target": "smithy.api#Integer"},
            "boxedMember": zero("example.v1#Count", Value::Null),
            "flag": zero("example.v1#Flag", json!(false)),
            "primitiveFlag": zero("smithy.api#PrimitiveBoolean", json!(false)),
            "name": {"target": "example.v1#Name"},
            "stream": zero("example.v1#Stream", json!("")),
            "requiredStream": {
                "target": "example.v1#Stream",
                "traits": {"smithy.api#required": {}}
            },
            "nullableV2": {"target": "example.v2#Number"},
            "zeroV2": zero("example.v2#Zero", json!(0)),
            "oneV2": {"target": "example.v2#One"},
        })
    );
    // 2.0 shapes are left as written.
    assert_eq!(shapes["example.v2#Number"], json!({"type": "integer"}));
    assert_eq!(
        shapes["example.v2#UsesV1"]["members"]["count"],
        json!({"target": "example.v1#Count"})
    );
}

#[test]
fn a_file_without_a_version_is_a_1_0_file() {
    let model = load(&[(
        "a.smithy",
        "namespace a\n\nstructure S {\n    n: PrimitiveLong\n    b: Boolean\n}\n",
    )])
    .unwrap();
    assert_eq!(model["smithy"], "2.0");
    assert_eq!(
        model["shapes"]["a#S"]["members"],
        json!({
            "n": {"target": "smithy.api#PrimitiveLong", "traits": {"smithy.api#default": 0}},
            "b": {"target": "smithy.api#Boolean"},
        })
    );
}

#[test]
fn a_1_0_json_ast_file_is_upgraded_like_a_1_0_idl_file() {
    let json = r#"{"smithy": "1.0", "shapes": {
        "j#Count": {"type": "long"},
        "j#S": {"type": "structure", "members": {
            "a": {"target": "j#Count"},
            "b": {"target": "j#Count", "traits": {"smithy.api#box": {}}},
            "c": {"target": "u#Number"}
        }}
    }}"#;
    // A JSON AST file without a version is neither upgraded nor taken for a 2.0 file.
    let unversioned = r#"{"shapes": {"u#Number": {"type": "integer"}}}"#;
    let model = load(&[("j.json", json), ("u.json", unversioned)]).unwrap();
    assert_eq!(model["shapes"]["u#Number"], json!({"type": "integer"}));
    assert_eq!(
        model["shapes"]["j#Count"],
        json!({"type": "long", "traits": {"smithy.api#default": 0}})
    );
    assert_eq!(
        model["shapes"]["j#S"]["members"],
        json!({
            "a": {"target": "j#Count", "traits": {"smithy.api#default": 0}},
            "b": {"target": "j#Count", "traits": {"smithy.api#default": null}},
            "c": {"target": "u#Number", "traits": {"smithy.api#default": 0}},
        })
    );
}

#[test]
fn box_and_default_are_refused_in_the_idl_version_without_them() {
    let errors = refused(&[(
        "a.smithy",
        "$version: \"2\"\nnamespace a\n\n@box\ninteger I\n",
    )]);
    let error = error_with(&errors, "@box is not supported in Smithy IDL 2.0");
    assert_eq!((error.line, error.column), (4, 1));
    assert!(error.message.starts_with("a#I: "), "{}", error.message);

    let errors = refused(&[(
        "a.smithy",
        "$version: \"1\"\nnamespace a\n\nstructure S {\n    @default(1)\n    i: Integer\n}\n",
    )]);
    let error = error_with(&errors, "The @default trait can only be used in Smithy 2.0");
    assert_eq!((error.line, error.column), (5, 5));
    assert!(error.message.starts_with("a#S$i: "), "{}", error.message);
}

#[test]
fn an_unknown_trait_is_refused_at_its_application() {
    let errors = refused(&[(
        "a.smithy",
        "$version: \"2\"\nnamespace a\n\nstructure S {\n    @documentation(\"d\") @notATrait\n    m: String\n}\n",
    )]);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let error = error_with(&errors, "Unable to resolve trait `a#notATrait`");
    assert_eq!(
        error.message,
        "a#S$m: Unable to resolve trait `a#notATrait`. If this is a custom trait, then it must \
         be defined before it can be used in a model."
    );
    assert_eq!(
        (error.file.as_str(), error.line, error.column),
        ("a.smithy", 5, 25)
    );

    // On a shape, with a value, through `use`, and in an `apply` statement.
    let errors = refused(&[(
        "b.smithy",
        "$version: \"2\"\nnamespace b\n\nuse other#thing\n\n@thing(1)\nstring S\n\napply S @b.c#other\n",
    )]);
    let error = error_with(&errors, "Unable to resolve trait `other#thing`");
    assert!(error.message.starts_with("b#S: "), "{}", error.message);
    assert_eq!((error.line, error.column), (6, 1));
    let error = error_with(&errors, "Unable to resolve trait `b.c#other`");
    assert_eq!((error.line, error.column), (9, 9));
}

#[test]
fn an_unknown_trait_in_a_json_ast_file_is_refused() {
    let json = r#"{"smithy": "2.0", "shapes": {
        "j#S": {"type": "structure", "members": {
            "m": {"target": "smithy.api#String", "traits": {"j#missing": {}}}
        }}
    }}"#;
    let errors = refused(&[("j.json", json)]);
    let error = error_with(&errors, "Unable to resolve trait `j#missing`");
    assert!(error.message.starts_with("j#S$m: "), "{}", error.message);
    assert_eq!((error.file.as_str(), error.line), ("j.json", 0));
}

#[test]
fn traits_defined_in_other_files_and_the_prelude_resolve() {
    let traits = "$version: \"2\"\nnamespace t\n\n@trait\nstructure marker {}\n";
    let json = r#"{"smithy": "2.0", "shapes": {
        "j#tag": {"type": "string", "traits": {"smithy.api#trait": {}}}
    }}"#;
    let model = load(&[
        (
            "a.smithy",
            "$version: \"2\"\nnamespace a\n\nuse t#marker\n\n@marker @j#tag(\"x\") @sensitive\nstring S\n",
        ),
        ("t.smithy", traits),
        ("j.json", json),
    ])
    .unwrap();
    assert_eq!(
        model["shapes"]["a#S"]["traits"],
        json!({"t#marker": {}, "j#tag": "x", "smithy.api#sensitive": {}})
    );
}

#[test]
fn a_shape_that_is_not_a_trait_cannot_be_applied_as_one() {
    let errors = refused(&[(
        "a.smithy",
        "$version: \"2\"\nnamespace a\n\nstructure plain {}\n\n@plain\nstring S\n\n@String\nstring T\n",
    )]);
    let error = error_with(&errors, "Shape `a#plain` cannot be applied as a trait");
    assert_eq!(
        error.message,
        "Shape `a#plain` cannot be applied as a trait. If this is a custom trait, please add \
         `@trait` to this shape."
    );
    assert_eq!((error.line, error.column), (4, 1));
    error_with(
        &errors,
        "Shape `smithy.api#String` cannot be applied as a trait",
    );
}

#[test]
fn errors_about_an_enum_member_value_point_at_the_value() {
    let errors = refused(&[(
        "a.smithy",
        "$version: \"2\"\nnamespace a\n\nintEnum E {\n    A = 1\n    B = \"b\"\n    C = 1.5\n}\n",
    )]);
    let error = error_with(&errors, "a#E$B: intEnum members require integer values");
    assert_eq!((error.line, error.column), (6, 9));
    let error = error_with(
        &errors,
        "a#E$C: intEnum members do not support floating point",
    );
    assert_eq!((error.line, error.column), (7, 9));

    let errors = refused(&[(
        "a.smithy",
        "$version: \"2\"\nnamespace a\n\nenum E {\n    A\n    @enumValue(10)\n    B\n}\n",
    )]);
    let error = error_with(
        &errors,
        "a#E$B: enum members can only be assigned string values",
    );
    assert_eq!((error.line, error.column), (6, 5));
}

#[test]
fn a_member_a_list_cannot_have_is_refused_at_the_member() {
    let errors = refused(&[(
        "a.smithy",
        "$version: \"2\"\nnamespace a\n\nlist L {\n    member: String\n    other: String\n}\n",
    )]);
    let error = error_with(&errors, "list shapes cannot have a member named `other`");
    assert_eq!((error.line, error.column), (6, 5));
}

#[test]
fn traits_of_smithy_trait_packages_resolve_without_their_files() {
    let model = load(&[(
        "a.smithy",
        "$version: \"2\"\nnamespace a\n\nuse aws.protocols#awsJson1_1\n\n@awsJson1_1\n\
         @aws.auth#sigv4(name: \"a\")\nservice S {}\n",
    )])
    .unwrap();
    assert_eq!(
        model["shapes"]["a#S"]["traits"],
        json!({"aws.protocols#awsJson1_1": {}, "aws.auth#sigv4": {"name": "a"}})
    );
    // Another trait of a package's namespace is unknown all the same.
    let errors = refused(&[(
        "a.smithy",
        "$version: \"2\"\nnamespace a\n\n@aws.protocols#notAProtocol\nservice S {}\n",
    )]);
    error_with(
        &errors,
        "Unable to resolve trait `aws.protocols#notAProtocol`",
    );
}

#[test]
fn what_smithy_warns_about_is_returned_as_warnings() {
    let text = "$version: \"2\"\n$colour: [\"red\", 1]\nnamespace a\n\nuse b#Missing\n\n\
                @enum([{value: \"x\"}])\nstring E\n\nservice S {\n    version: \"1\"\n    \
                owner: \"me\"\n}\n";
    let files = vec![file("a.smithy", text)];
    let (model, warnings) = smithy_idl::load_with_warnings(&files).unwrap();
    assert_eq!(model, smithy_idl::load(&files).unwrap());
    let found: Vec<(usize, usize, &str)> = warnings
        .iter()
        .map(|w| (w.line, w.column, w.message.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                2,
                10,
                "Unknown control statement `colour` with value `[\"red\",1]`"
            ),
            (5, 5, "Use statement refers to undefined shape: b#Missing"),
            (
                10,
                1,
                "a#S: Expected an object with possible properties of `errors`, `operations`, \
                 `rename`, `resources`, `type`, `version`, but found additional properties: \
                 `owner`"
            ),
            (
                7,
                1,
                "a#E: The enum trait is deprecated. Smithy 2.0 models should use the enum shape."
            ),
        ]
    );
    assert_eq!(
        warnings[1].to_string(),
        "a.smithy:5:5: Use statement refers to undefined shape: b#Missing\n  |\n5 | use \
         b#Missing\n  |     ^"
    );

    // The enum trait is how 1.0 files write enums: no warning there.
    let files = vec![file(
        "a.smithy",
        "$version: \"1\"\nnamespace a\n\n@enum([{value: \"x\"}])\nstring E\n",
    )];
    let (_, warnings) = smithy_idl::load_with_warnings(&files).unwrap();
    assert!(warnings.is_empty(), "{warnings:#?}");
}

#[test]
fn a_trait_value_of_another_kind_than_its_definition_takes_is_refused() {
    let errors = refused(&[(
        "a.smithy",
        "$version: \"2\"\nnamespace a\n\n@trait\nlist tags2 { member: String }\n\n\
         @documentation(1)\n@length(\"x\")\n@tags2(\"y\")\nstring S\n\n@documentation\nstring T\n",
    )]);
    let error = error_with(
        &errors,
        "Error validating trait `documentation`: Expected string",
    );
    assert_eq!(
        error.message,
        "a#S: Error validating trait `documentation`: Expected string value for string shape, \
         `smithy.api#documentation`; found number value, `1`"
    );
    assert_eq!((error.line, error.column), (7, 1));
    let error = error_with(&errors, "Error validating trait `length`");
    assert!(
        error
            .message
            .ends_with("Expected object value for structure shape, `smithy.api#length`; found string value, `x`"),
        "{}",
        error.message
    );
    error_with(
        &errors,
        "a#S: Error validating trait `a#tags2`: Expected array value for list shape",
    );
    error_with(
        &errors,
        "a#T: Error validating trait `documentation`: Expected string value for string shape, \
         `smithy.api#documentation`; found object value",
    );
    assert_eq!(errors.len(), 4, "{errors:#?}");

    // Numbers for floats may be written as strings; documents take anything.
    load(&[(
        "b.smithy",
        "$version: \"2\"\nnamespace b\n\n@trait\ndouble ratio\n\n@ratio(\"NaN\")\n\
         structure S {\n    @default([1])\n    d: Document\n}\n",
    )])
    .unwrap();
}
