//! Each error carries a kind to match on instead of its message: one case per kind the loader
//! reports, with the shape id for the kinds that name one.

use smithy_idl::ErrorKind;

/// The kinds of the errors of a model made of IDL files in namespace `a` (each text gets the
/// version and namespace lines) and JSON AST files (names ending in `.json`, taken as they are).
fn kinds(files: &[(&str, &str)]) -> Vec<ErrorKind> {
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(name, text)| {
            let text = if name.ends_with(".json") {
                (*text).to_owned()
            } else {
                format!("$version: \"2\"\nnamespace a\n\n{text}")
            };
            ((*name).to_owned(), text)
        })
        .collect();
    match smithy_idl::load(&files) {
        Ok(model) => panic!("loaded, but should be refused: {model}"),
        Err(errors) => errors.into_iter().map(|e| e.kind).collect(),
    }
}

fn kind(text: &str) -> ErrorKind {
    let found = kinds(&[("a.smithy", text)]);
    assert_eq!(found.len(), 1, "one error expected: {found:?}");
    found.into_iter().next().unwrap_or(ErrorKind::Syntax)
}

fn unresolved(id: &str) -> ErrorKind {
    ErrorKind::UnresolvedShape { id: id.to_owned() }
}

#[test]
fn syntax_errors_in_idl_and_json_ast_files() {
    assert_eq!(kind("structure S {\n"), ErrorKind::Syntax);
    assert_eq!(kinds(&[("a.json", "[1]")]), [ErrorKind::Syntax]);
    assert_eq!(kinds(&[("a.json", "{\"shapes\": ")]), [ErrorKind::Syntax]);
}

#[test]
fn unresolved_shapes_carry_the_id_they_name() {
    assert_eq!(
        kind("structure S {\n    a: Missing\n}\n"),
        unresolved("a#Missing")
    );
    assert_eq!(
        kind("operation O {\n    errors: [other#Missing]\n}\n"),
        unresolved("other#Missing")
    );
    assert_eq!(
        kind("@deprecated(message: Missing)\nstring S\n"),
        unresolved("a#Missing"),
        "an unquoted shape id in a trait value"
    );
    assert_eq!(
        kind("apply Missing @documentation(\"x\")\n"),
        unresolved("a#Missing"),
        "the target of `apply`"
    );
    let json = r#"{"smithy": "2.0", "shapes": {"a#L": {"type": "list", "member": {"target": "a#Missing"}}}}"#;
    assert_eq!(kinds(&[("a.json", json)]), [unresolved("a#Missing")]);
}

#[test]
fn traits_that_name_no_trait() {
    assert_eq!(
        kind("@nope\nstring S\n"),
        ErrorKind::UnknownTrait {
            id: "a#nope".to_owned()
        }
    );
    assert_eq!(
        kind("structure T {}\n\n@T\nstring S\n"),
        ErrorKind::NotATrait {
            id: "a#T".to_owned()
        }
    );
}

#[test]
fn trait_values_and_targets() {
    assert_eq!(
        kind("@length(\"x\")\nstring S\n"),
        ErrorKind::InvalidTraitValue
    );
    assert_eq!(
        kind("enum E {\n    A = 1\n}\n"),
        ErrorKind::InvalidTraitValue
    );
    assert_eq!(
        kind("@length(min: 1)\nstring S\n\napply S @length(min: 2)\n"),
        ErrorKind::TraitConflict
    );
    assert_eq!(
        kind("apply String @documentation(\"x\")\n"),
        ErrorKind::ImmutablePrelude
    );
}

#[test]
fn definitions_that_differ() {
    assert_eq!(
        kinds(&[("a.smithy", "string S\n"), ("b.smithy", "integer S\n")]),
        [ErrorKind::ShapeConflict {
            id: "a#S".to_owned()
        }]
    );
}

#[test]
fn metadata_conflicts() {
    let files = [
        ("a.smithy".to_owned(), "metadata k = 1\n".to_owned()),
        ("b.smithy".to_owned(), "metadata k = 2\n".to_owned()),
    ];
    let errors = smithy_idl::load(&files).expect_err("a metadata conflict is refused");
    let kinds: Vec<&ErrorKind> = errors.iter().map(|e| &e.kind).collect();
    assert_eq!(kinds, [&ErrorKind::MetadataConflict]);
}

#[test]
fn version_mixin_and_shape_rules() {
    assert_eq!(kind("set S {\n    member: String\n}\n"), ErrorKind::Version);
    assert_eq!(
        kind("structure A with [B] {}\n\nstructure B {}\n"),
        ErrorKind::Mixin
    );
    assert_eq!(kind("list L {}\n"), ErrorKind::InvalidShape);
}

#[test]
fn unreadable_files() {
    let missing =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/no-such-file.smithy");
    let errors = smithy_idl::load_paths(&[missing]).expect_err("a missing file is refused");
    let kinds: Vec<&ErrorKind> = errors.iter().map(|e| &e.kind).collect();
    assert_eq!(kinds, [&ErrorKind::Io]);
}
