//! References to shapes defined nowhere are refused, each naming the referring shape (and
//! member) and the missing id, at the place the reference is written.

/// Loads one IDL file in namespace `a` and returns its errors' headlines with their places.
fn errors_of(body: &str) -> Vec<(usize, usize, String)> {
    let text = format!("$version: \"2\"\nnamespace a\n{body}");
    match smithy_idl::load(&[("a.smithy".into(), text)]) {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .into_iter()
            .map(|e| (e.line, e.column, e.message))
            .collect(),
    }
}

/// Each case: the shapes (from line 3 on), then the line, column and message of the error.
const CASES: &[(&str, usize, usize, &str)] = &[
    (
        "structure S {\n    a: Missing\n}\n",
        4,
        8,
        "a#S$a: member shape targets an unresolved shape `a#Missing`",
    ),
    (
        "list L {\n    member: other#Missing\n}\n",
        4,
        13,
        "a#L$member: member shape targets an unresolved shape `other#Missing`",
    ),
    (
        "map M {\n    key: String\n    value: Missing\n}\n",
        5,
        12,
        "a#M$value: member shape targets an unresolved shape `a#Missing`",
    ),
    (
        "operation O {\n    input: Missing\n}\n",
        4,
        12,
        "a#O: operation shape has an `input` relationship to an unresolved shape `a#Missing`",
    ),
    (
        "operation O {\n    output: Missing\n}\n",
        4,
        13,
        "a#O: operation shape has an `output` relationship to an unresolved shape `a#Missing`",
    ),
    (
        "operation O {\n    errors: [Missing]\n}\n",
        4,
        14,
        "a#O: operation shape has an `error` relationship to an unresolved shape `a#Missing`",
    ),
    (
        "service S {\n    operations: [Missing]\n}\n",
        4,
        18,
        "a#S: service shape has an `operation` relationship to an unresolved shape `a#Missing`",
    ),
    (
        "service S {\n    resources: [\"Missing\"]\n}\n",
        3,
        1,
        "a#S: service shape has a `resource` relationship to an unresolved shape `a#Missing`",
    ),
    (
        "service S {\n    errors: [Missing]\n}\n",
        4,
        14,
        "a#S: service shape has an `error` relationship to an unresolved shape `a#Missing`",
    ),
    (
        "resource R {\n    identifiers: { id: Missing }\n}\n",
        4,
        24,
        "a#R: resource shape has an `identifier` relationship to an unresolved shape `a#Missing`",
    ),
    (
        "resource R {\n    properties: { p: Missing }\n}\n",
        4,
        22,
        "a#R: resource shape has a `property` relationship to an unresolved shape `a#Missing`",
    ),
    (
        "resource R {\n    read: Missing\n}\n",
        4,
        11,
        "a#R: resource shape has a `read` relationship to an unresolved shape `a#Missing`",
    ),
    (
        "resource R {\n    collectionOperations: [Missing]\n}\n",
        4,
        28,
        "a#R: resource shape has a `collection_operation` relationship to an unresolved shape \
         `a#Missing`",
    ),
    (
        "resource R {\n    resources: [Missing]\n}\n",
        4,
        17,
        "a#R: resource shape has a `resource` relationship to an unresolved shape `a#Missing`",
    ),
    (
        "structure S with [Missing] {}\n",
        3,
        19,
        "a#S: structure shape has a `mixin` relationship to an unresolved shape `a#Missing`",
    ),
    (
        "structure S for Missing {}\n",
        3,
        17,
        "a#S: the target of the `for` production is an unresolved shape `a#Missing`",
    ),
    (
        "apply Missing @documentation(\"d\")\n",
        3,
        16,
        "Trait `smithy.api#documentation` applied to unknown shape `a#Missing`",
    ),
    (
        "structure S {}\napply S$missing @documentation(\"d\")\n",
        4,
        18,
        "Trait `smithy.api#documentation` applied to unknown shape `a#S$missing`",
    ),
];

#[test]
fn each_kind_of_reference_to_a_missing_shape_is_refused_where_it_is_written() {
    for (body, line, column, message) in CASES {
        let errors = errors_of(body);
        assert!(
            errors
                .iter()
                .any(|(l, c, m)| (l, c, m.as_str()) == (line, column, *message)),
            "{body}: want {line}:{column} `{message}`, got {errors:?}"
        );
    }
}

#[test]
fn references_to_the_prelude_other_files_and_inherited_members_resolve() {
    let first = "$version: \"2\"\nnamespace a\nuse b#Shared\n\
                 structure S with [b#Mixin] { a: Shared, b: String, c: Later }\n\
                 apply S$fromMixin @documentation(\"d\")\n\
                 operation O { input: S, output: Unit, errors: [E] }\n\
                 @error(\"client\") structure E {}\n";
    let second = "$version: \"2\"\nnamespace a\nstring Later\n";
    let third = "$version: \"2\"\nnamespace b\nstring Shared\n\
                 @mixin structure Mixin { fromMixin: String }\n";
    let loaded = smithy_idl::load(&[
        ("a.smithy".into(), first.into()),
        ("b.smithy".into(), second.into()),
        ("c.smithy".into(), third.into()),
    ]);
    if let Err(errors) = loaded {
        panic!("refused: {}", errors[0]);
    }
}

#[test]
fn json_ast_references_to_missing_shapes_are_refused() {
    let json = r#"{"smithy": "2.0", "shapes": {
        "a#S": {"type": "structure", "members": {"m": {"target": "a#Missing"}}},
        "a#O": {"type": "operation", "input": {"target": "a#Gone"}}
    }}"#;
    let errors = smithy_idl::load(&[("a.json".into(), json.into())]).unwrap_err();
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert!(
        messages.contains(&"a#S$m: member shape targets an unresolved shape `a#Missing`"),
        "{messages:?}"
    );
    assert!(
        messages.contains(
            &"a#O: operation shape has an `input` relationship to an unresolved shape `a#Gone`"
        ),
        "{messages:?}"
    );
}
