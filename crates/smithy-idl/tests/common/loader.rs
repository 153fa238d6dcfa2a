//! One case of Smithy's loader corpus (`../shared/smithy-idl/loader/`), as the generated
//! `loader_corpus` tests run it: a `valid` IDL file must load to the model its `.json` twin
//! describes, an `invalid` one must be refused with the error its first-line comment names.

use std::path::{Path, PathBuf};

use super::{canonical, corpus, first_difference};

/// The exclusion list the generated tests were made with.
const EXCLUSIONS: &str = "crates/smithy-idl/tests/loader_exclusions.txt";

/// The loader corpus folder.
fn loader() -> PathBuf {
    corpus().join("loader")
}

/// A corpus file as the (name, text) pair the loader takes; a missing file fails the case.
fn read_case(path: &Path) -> (String, String) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| {
        panic!(
            "cannot read {} ({error}); the shared corpus belongs at ../shared/smithy-idl",
            path.display()
        )
    });
    (path.display().to_string(), text)
}

/// `case` (`valid/…/X.smithy`), loaded with `valid/__shared.json`, must give the model that
/// `X.json`, loaded with it too, gives, as Smithy compares models.
pub(crate) fn valid(case: &str) {
    let base = loader();
    let idl = base.join(case);
    let shared = read_case(&base.join("valid").join("__shared.json"));
    let actual = smithy_idl::load(&[read_case(&idl), shared.clone()]).unwrap_or_else(|errors| {
        let first = errors.first().map(ToString::to_string).unwrap_or_default();
        panic!("{case} is refused: {first}")
    });
    let expected = smithy_idl::load(&[read_case(&idl.with_extension("json")), shared])
        .unwrap_or_else(|errors| {
            let first = errors.first().map(ToString::to_string).unwrap_or_default();
            panic!("the JSON AST of {case} is refused: {first}")
        });
    let (actual, expected) = (canonical(&actual), canonical(&expected));
    assert!(
        actual == expected,
        "{case} does not load to its JSON AST: {}",
        first_difference(&actual, &expected)
    );
}

/// `case` (`invalid/…/X.smithy`) must be refused. A syntax error must be at the line and
/// column the file's first-line comment names, with Smithy's message; any other error must
/// contain the comment's text, so it names the shape or member the comment names.
pub(crate) fn invalid(case: &str) {
    let (name, text) = read_case(&loader().join(case));
    let expected = ExpectedError::from_first_line(text.lines().next().unwrap_or(""));
    let errors = match smithy_idl::load(&[(name, text)]) {
        Ok(_) => panic!(
            "{case} was not refused; Smithy refuses it: `{}`",
            expected.text
        ),
        Err(errors) => errors,
    };
    let headlines: Vec<String> = errors.iter().map(|e| e.headline()).collect();
    let first = headlines.first().cloned().unwrap_or_default();
    let any = |wanted: &str| headlines.iter().any(|h| h.contains(wanted));
    match &expected.position {
        Some(position) => {
            assert!(
                any(position),
                "{case}: syntax error at another place than Smithy's: want `{}`, got `{first}`",
                expected.text
            );
            assert!(
                any(&expected.message),
                "{case}: syntax error with another message than Smithy's: want `{}`, got `{first}`",
                expected.message
            );
        }
        None => {
            if let Some(shape) = &expected.shape {
                assert!(
                    any(shape),
                    "{case}: no error names `{shape}`: want `{}`, got `{first}`",
                    expected.text
                );
            }
            assert!(
                any(&expected.text),
                "{case}: refused with another error than Smithy's: want `{}`, got `{first}`",
                expected.text
            );
        }
    }
}

/// Runs an excluded case, which must fail; one that passes fails, asking to be taken off the
/// exclusion list.
pub(crate) fn expect_failure(reason: &str, case: impl FnOnce() + std::panic::UnwindSafe) {
    let outcome = std::panic::catch_unwind(case);
    assert!(
        outcome.is_err(),
        "this excluded case passes now; remove it from {EXCLUSIONS} and run `cargo xtask \
         codegen` (it was excluded because: {reason})"
    );
}

/// The error an invalid case's first-line comment names, as Smithy prints a validation event:
/// `[SHAPE_ID: ]MESSAGE[ | EVENT_ID]`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ExpectedError {
    /// The comment's text without the event id: what Smithy requires its error to contain.
    pub(crate) text: String,
    /// The shape or member the error is about, when the comment names one.
    pub(crate) shape: Option<String>,
    /// The text after the shape or member.
    pub(crate) message: String,
    /// `Syntax error at line L, column C`, when the error is a syntax error.
    pub(crate) position: Option<String>,
}

impl ExpectedError {
    /// Reads the first line of an invalid case.
    pub(crate) fn from_first_line(line: &str) -> Self {
        let comment = line.trim_start_matches('/').trim();
        let text = comment.split(" | ").next().unwrap_or("").trim().to_string();
        let shape = text
            .split_once(": ")
            .map(|(head, _)| head)
            .filter(|head| head.contains('#') && !head.contains(char::is_whitespace));
        let message = match shape {
            Some(shape) => text[shape.len() + 2..].to_string(),
            None => text.clone(),
        };
        let position = syntax_position(&message);
        Self {
            shape: shape.map(str::to_string),
            message,
            position,
            text,
        }
    }
}

/// `Syntax error at line L, column C` from an expected message, if it names a place.
fn syntax_position(expected: &str) -> Option<String> {
    let start = expected.find("Syntax error at line ")?;
    let rest = &expected[start..];
    let end = rest.find(':').unwrap_or(rest.len());
    Some(rest[..end].to_string())
}
