//! Checks beside Smithy's loader corpus, whose cases are the generated `loader_corpus` tests:
//! the prelude table against the prelude file, and how an invalid case's first-line comment is
//! read.

mod common;

use common::loader::ExpectedError;
use common::{corpus, read};

#[test]
fn first_line_comments_name_the_shape_the_message_and_the_place() {
    let syntax = ExpectedError::from_first_line(
        "// Syntax error at line 5, column 10: Expected one or more whitespace characters, but \
         found LBRACE('{')",
    );
    assert_eq!(syntax.shape, None);
    assert_eq!(
        syntax.position.as_deref(),
        Some("Syntax error at line 5, column 10")
    );
    assert_eq!(syntax.text, syntax.message);

    let member = ExpectedError::from_first_line(
        "// smithy.example#Foo$BAR: enum members can only be assigned string values, but found: \
         10 | EnumShape",
    );
    assert_eq!(member.shape.as_deref(), Some("smithy.example#Foo$BAR"));
    assert_eq!(
        member.message,
        "enum members can only be assigned string values, but found: 10"
    );
    assert_eq!(
        member.text,
        "smithy.example#Foo$BAR: enum members can only be assigned string values, but found: 10"
    );
    assert_eq!(member.position, None);

    let placed = ExpectedError::from_first_line(
        "// smithy.example#Foo: Syntax error at line 8, column 5: Found conflicting member name",
    );
    assert_eq!(placed.shape.as_deref(), Some("smithy.example#Foo"));
    assert_eq!(
        placed.position.as_deref(),
        Some("Syntax error at line 8, column 5")
    );

    let unnamed = ExpectedError::from_first_line("//Resource properties can only be used here.");
    assert_eq!(unnamed.shape, None);
    assert_eq!(unnamed.text, "Resource properties can only be used here.");
}

#[test]
fn prelude_table_matches_the_prelude_file() {
    let path = corpus().join("prelude/prelude.smithy");
    let (name, text) = read(&path);
    let model = smithy_idl::load(&[(name, text)]).unwrap_or_else(|errors| {
        panic!("the prelude does not load: {}", errors[0]);
    });
    let names: Vec<String> = model["shapes"]
        .as_object()
        .map(|s| {
            s.iter()
                .filter(|(id, v)| !id.contains('$') && v["type"] != "apply")
                .map(|(id, v)| {
                    format!(
                        "{} {}",
                        id.trim_start_matches("smithy.api#"),
                        v["type"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let table = smithy_idl::prelude_shape_names();
    let mut table: Vec<String> = table.iter().map(|(n, k)| format!("{n} {k}")).collect();
    table.sort();
    let mut names = names;
    names.sort();
    assert_eq!(names, table);
}
