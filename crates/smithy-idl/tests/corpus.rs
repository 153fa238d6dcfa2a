//! Smithy's own loader tests, read from the shared corpus: every `valid` IDL file must load to
//! the model its `.json` twin describes, and every `invalid` file must be refused, syntax
//! errors at the line and column the file's first-line comment names.

mod common;

use std::path::Path;

use common::{canonical, corpus, files_under, first_difference, read};

/// Valid cases known not to load equal yet, each with the reason. Each must still differ.
const VALID_EXPECTED_TO_DIFFER: &[(&str, &str)] = &[];

/// Invalid cases known not to be refused yet, each with the reason. Each must still load.
const INVALID_EXPECTED_TO_LOAD: &[(&str, &str)] = &[];

/// Syntax-error cases whose error is at another place than Smithy's, each with the reason.
const POSITION_EXPECTED_TO_DIFFER: &[(&str, &str)] = &[];

fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn smithy_loader_corpus() {
    let base = corpus().join("loader");
    if !base.is_dir() {
        panic!("the shared IDL corpus is missing at {}", base.display());
    }
    let valid = base.join("valid");
    let shared = read(&valid.join("__shared.json"));
    let mut idl_files = Vec::new();
    files_under(&valid, "smithy", &mut idl_files);

    let mut equal = Vec::new();
    let mut differ: Vec<(String, String)> = Vec::new();
    for idl in &idl_files {
        let json = idl.with_extension("json");
        if !json.exists() {
            continue;
        }
        let name = relative(idl, &base);
        let actual = smithy_idl::load(&[read(idl), shared.clone()]);
        let expected = smithy_idl::load(&[read(&json), shared.clone()]);
        match (actual, expected) {
            (Ok(actual), Ok(expected)) => {
                let (actual, expected) = (canonical(&actual), canonical(&expected));
                if actual == expected {
                    equal.push(name);
                } else {
                    differ.push((name, first_difference(&actual, &expected)));
                }
            }
            (Err(errors), _) => differ.push((
                name,
                format!(
                    "refused: {}",
                    errors.first().map(|e| e.to_string()).unwrap_or_default()
                ),
            )),
            (_, Err(errors)) => differ.push((name, format!("expected JSON refused: {errors:?}"))),
        }
    }

    let invalid = base.join("invalid");
    let mut invalid_files = Vec::new();
    files_under(&invalid, "smithy", &mut invalid_files);
    let mut refused = 0;
    let mut loaded = Vec::new();
    let mut syntax_cases = 0;
    let mut position_equal = 0;
    let mut message_equal = 0;
    let mut other_message_equal = 0;
    let mut position_differ: Vec<(String, String)> = Vec::new();
    for file in &invalid_files {
        let name = relative(file, &base);
        let (file_name, text) = read(file);
        let expected = text
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches('/')
            .trim()
            .to_string();
        let expected = expected.split(" | ").next().unwrap_or("").to_string();
        match smithy_idl::load(&[(file_name, text)]) {
            Ok(_) => loaded.push(name),
            Err(errors) => {
                refused += 1;
                let Some(position) = syntax_position(&expected) else {
                    if errors.iter().any(|e| e.headline().contains(&expected)) {
                        other_message_equal += 1;
                    } else {
                        let got = errors.first().map(|e| e.headline()).unwrap_or_default();
                        println!("message differs: {name}: want `{expected}`, got `{got}`");
                    }
                    continue;
                };
                syntax_cases += 1;
                if errors.iter().any(|e| e.headline().contains(&position)) {
                    position_equal += 1;
                } else {
                    let got = errors.first().map(|e| e.headline()).unwrap_or_default();
                    position_differ.push((name.clone(), format!("want `{expected}`, got `{got}`")));
                }
                if errors.iter().any(|e| e.headline().contains(&expected)) {
                    message_equal += 1;
                } else {
                    let got = errors.first().map(|e| e.headline()).unwrap_or_default();
                    println!("message differs: {name}: want `{expected}`, got `{got}`");
                }
            }
        }
    }

    for (name, why) in &differ {
        println!("valid differs: {name}: {why}");
    }
    for name in &loaded {
        println!("invalid loaded: {name}");
    }
    for (name, why) in &position_differ {
        println!("syntax position differs: {name}: {why}");
    }
    let valid_total = equal.len() + differ.len();
    println!(
        "idl loader details: {} valid equal of {valid_total}, {refused} invalid refused of {}, \
         {position_equal} of {syntax_cases} syntax errors at Smithy's line and column \
         ({message_equal} with Smithy's exact message), {other_message_equal} of {} other \
         refusals with Smithy's message",
        equal.len(),
        invalid_files.len(),
        refused - syntax_cases
    );
    // The summary `cargo xtask test` prints; excluded cases are the known failures below.
    let excluded = VALID_EXPECTED_TO_DIFFER.len()
        + INVALID_EXPECTED_TO_LOAD.len()
        + POSITION_EXPECTED_TO_DIFFER.len();
    println!(
        "idl loader: {} valid equal, {refused} invalid refused, {excluded} excluded",
        equal.len()
    );

    let known = |list: &[(&str, &str)], name: &str| list.iter().any(|(n, _)| *n == name);
    for (name, _) in &differ {
        assert!(
            known(VALID_EXPECTED_TO_DIFFER, name),
            "{name} does not load to its JSON AST"
        );
    }
    for (name, _) in VALID_EXPECTED_TO_DIFFER {
        assert!(
            differ.iter().any(|(n, _)| n == name),
            "{name} now loads equal: take it off the list"
        );
    }
    for name in &loaded {
        assert!(
            known(INVALID_EXPECTED_TO_LOAD, name),
            "{name} was not refused"
        );
    }
    for (name, _) in INVALID_EXPECTED_TO_LOAD {
        assert!(
            loaded.contains(&name.to_string()),
            "{name} is now refused: take it off the list"
        );
    }
    for (name, _) in &position_differ {
        assert!(
            known(POSITION_EXPECTED_TO_DIFFER, name),
            "{name}: syntax error at another place than Smithy's"
        );
    }
    for (name, _) in POSITION_EXPECTED_TO_DIFFER {
        assert!(
            position_differ.iter().any(|(n, _)| n == name),
            "{name} now points where Smithy does: take it off the list"
        );
    }
    assert_eq!(
        valid_total, 62,
        "the corpus has 62 valid pairs (63 JSON files, one of them `__shared.json`)"
    );
}

/// `Syntax error at line L, column C` from an expected message, if it names a place.
fn syntax_position(expected: &str) -> Option<String> {
    let start = expected.find("Syntax error at line ")?;
    let rest = &expected[start..];
    let end = rest.find(':').unwrap_or(rest.len());
    Some(rest[..end].to_string())
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
