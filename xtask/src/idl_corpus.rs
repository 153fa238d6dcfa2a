//! Generates Smithy's IDL loader tests (`../shared/smithy-idl/loader/`) as one `#[test]` per
//! case in `crates/smithy-idl/tests/loader_corpus.rs`: every `valid` IDL file with a `.json`
//! twin, named `valid_<path>`, and every `invalid` file, named `invalid_<path>`, each calling the
//! harness in `crates/smithy-idl/tests/common/loader.rs`. Cases on the exclusion list
//! (`crates/smithy-idl/tests/loader_exclusions.txt`, at most five, each with its reason) run
//! too, and must fail: one that starts passing fails its test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use quote::{format_ident, quote};
use smithy_server_codegen::internal::naming::{self, Namespace};
use smithy_server_codegen::internal::render;

use crate::files::{Mode, Outcome, ensure_file_contents};
use crate::{project_root, shared_dir};

const COMMAND: &str = "cargo xtask codegen";
/// How the header names the corpus.
const SOURCE: &str = "../shared/smithy-idl/loader";
/// The generated test file, relative to the project root.
const OUTPUT: &str = "crates/smithy-idl/tests/loader_corpus.rs";
/// The exclusion list, relative to the project root.
const EXCLUSIONS: &str = "crates/smithy-idl/tests/loader_exclusions.txt";
/// The most cases the exclusion list may hold.
const MAX_EXCLUSIONS: usize = 5;

/// Which half of the corpus a case is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Must load to its JSON AST twin.
    Valid,
    /// Must be refused.
    Invalid,
}

/// One case, as the generated file holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Case {
    /// The case file relative to the loader folder, `/`-separated (`valid/maps.smithy`).
    pub(crate) path: String,
    pub(crate) kind: Kind,
    /// The test function's name.
    pub(crate) test: String,
    /// Why the case is excluded, if it is: its test then requires it to fail.
    pub(crate) exclusion: Option<String>,
}

/// Writes the generated test file, or in check mode says whether it is stale. Returns the stale
/// files.
pub(crate) fn generate(mode: Mode) -> Result<Vec<PathBuf>> {
    let source = render_tests(&cases()?)?;
    let path = project_root().join(OUTPUT);
    Ok(match ensure_file_contents(&path, &source, mode)? {
        Outcome::Stale => vec![path],
        Outcome::Unchanged | Outcome::Written => Vec::new(),
    })
}

/// Every case of the shared corpus, with the exclusion list applied.
pub(crate) fn cases() -> Result<Vec<Case>> {
    let loader = shared_dir().join("smithy-idl").join("loader");
    if !loader.is_dir() {
        bail!(
            "the shared IDL loader corpus is missing at {}",
            loader.display()
        );
    }
    let path = project_root().join(EXCLUSIONS);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    plan(case_files(&loader)?, &parse_exclusions(&text)?)
        .with_context(|| format!("applying {EXCLUSIONS}"))
}

/// The case files under the loader folder: each `valid/**/*.smithy` with a `.json` twin and
/// each `invalid/**/*.smithy`, sorted by path.
fn case_files(loader: &Path) -> Result<Vec<(Kind, String)>> {
    let mut out = Vec::new();
    for (kind, folder) in [(Kind::Valid, "valid"), (Kind::Invalid, "invalid")] {
        let mut files = Vec::new();
        smithy_files(&loader.join(folder), &mut files)?;
        for file in files {
            if kind == Kind::Valid && !file.with_extension("json").is_file() {
                continue;
            }
            let relative = file.strip_prefix(loader).unwrap_or(&file);
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push((kind, parts.join("/")));
        }
    }
    out.sort_by(|a, b| (a.0 == Kind::Invalid, &a.1).cmp(&(b.0 == Kind::Invalid, &b.1)));
    Ok(out)
}

fn smithy_files(folder: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries =
        std::fs::read_dir(folder).with_context(|| format!("reading {}", folder.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            smithy_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "smithy") {
            out.push(path);
        }
    }
    Ok(())
}

/// `case: reason` lines; blank lines and `#` comments are skipped.
fn parse_exclusions(text: &str) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let Some((case, reason)) = line.split_once(':') else {
            bail!("`{line}` is not `case: reason`");
        };
        let (case, reason) = (case.trim(), reason.trim());
        if reason.is_empty() {
            bail!("the exclusion of {case} gives no reason");
        }
        if out.insert(case.to_owned(), reason.to_owned()).is_some() {
            bail!("{case} is excluded twice");
        }
    }
    Ok(out)
}

/// Names the tests and applies the exclusions, refusing an exclusion that names no case and
/// more than [`MAX_EXCLUSIONS`] of them.
fn plan(files: Vec<(Kind, String)>, exclusions: &BTreeMap<String, String>) -> Result<Vec<Case>> {
    let known: BTreeSet<&str> = files.iter().map(|(_, path)| path.as_str()).collect();
    let unknown: Vec<&str> = exclusions
        .keys()
        .map(String::as_str)
        .filter(|case| !known.contains(case))
        .collect();
    if !unknown.is_empty() {
        bail!(
            "exclusions name no case of the corpus (write `valid/…/X.smithy` or \
             `invalid/…/X.smithy`): {}",
            unknown.join(", ")
        );
    }
    if exclusions.len() > MAX_EXCLUSIONS {
        bail!(
            "{} cases are excluded; at most {MAX_EXCLUSIONS} may be",
            exclusions.len()
        );
    }
    let mut names = Namespace::default();
    Ok(files
        .into_iter()
        .map(|(kind, path)| {
            let stem = path.strip_suffix(".smithy").unwrap_or(&path);
            let test = names.allocate(&[naming::function_stem(stem)], &path);
            Case {
                exclusion: exclusions.get(&path).cloned(),
                path,
                kind,
                test,
            }
        })
        .collect())
}

/// The generated test file.
fn render_tests(cases: &[Case]) -> Result<String> {
    let tests = cases.iter().map(|case| {
        let name = format_ident!("{}", case.test);
        let path = &case.path;
        let doc = format!(" `{path}`");
        let run = match case.kind {
            Kind::Valid => quote!(common::loader::valid),
            Kind::Invalid => quote!(common::loader::invalid),
        };
        let body = match &case.exclusion {
            Some(reason) => quote! {
                common::loader::expect_failure(#reason, || #run(#path));
            },
            None => quote! {
                #run(#path);
            },
        };
        quote! {
            #[doc = #doc]
            #[test]
            fn #name() {
                #body
            }
        }
    });
    let about = format!(
        " Smithy's IDL loader tests, one per case of `{SOURCE}`: each `valid` file must load to \
         its JSON AST twin, each `invalid` file must be refused with the error its first-line \
         comment names. Cases listed in `{EXCLUSIONS}` must fail."
    );
    let tokens = quote! {
        #![doc = #about]
        #![cfg_attr(rustfmt, rustfmt::skip)]
        mod common;
        #(#tests)*
    };
    let header = render::header(SOURCE, COMMAND, "//");
    Ok(render::render(OUTPUT, tokens, &header)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<(Kind, String)> {
        vec![
            (Kind::Valid, "valid/maps.smithy".to_owned()),
            (Kind::Valid, "valid/mixins/maps.smithy".to_owned()),
            (Kind::Invalid, "invalid/maps/bad-key.smithy".to_owned()),
            (Kind::Invalid, "invalid/maps/bad_key.smithy".to_owned()),
        ]
    }

    #[test]
    fn tests_are_named_after_their_case_files() {
        let cases = plan(files(), &BTreeMap::new()).unwrap();
        let names: Vec<&str> = cases.iter().map(|c| c.test.as_str()).collect();
        assert_eq!(
            names,
            [
                "valid_maps",
                "valid_mixins_maps",
                "invalid_maps_bad_key",
                "invalid_maps_bad_key_2"
            ]
        );
        assert!(cases.iter().all(|c| c.exclusion.is_none()));
    }

    #[test]
    fn an_excluded_case_must_fail() {
        let exclusions = parse_exclusions(
            "# comment\n\ninvalid/maps/bad-key.smithy: not refused yet: the key is checked later\n",
        )
        .unwrap();
        let cases = plan(files(), &exclusions).unwrap();
        assert_eq!(
            cases[2].exclusion.as_deref(),
            Some("not refused yet: the key is checked later")
        );
        let source = render_tests(&cases).unwrap();
        assert!(source.starts_with("// @generated by `cargo xtask codegen`"));
        assert!(source.contains(
            "common::loader::expect_failure(\n        \"not refused yet: the key is checked later\""
        ));
        assert_eq!(source.matches("#[test]").count(), 4);
    }

    #[test]
    fn exclusions_must_name_a_case() {
        let exclusions = parse_exclusions("invalid/maps/missing.smithy: gone\n").unwrap();
        let error = plan(files(), &exclusions).unwrap_err().to_string();
        assert!(error.contains("invalid/maps/missing.smithy"), "{error}");
    }

    #[test]
    fn at_most_five_cases_are_excluded() {
        let files: Vec<(Kind, String)> = (0..6)
            .map(|i| (Kind::Invalid, format!("invalid/case-{i}.smithy")))
            .collect();
        let list: String = (0..6)
            .map(|i| format!("invalid/case-{i}.smithy: reason {i}\n"))
            .collect();
        let error = plan(files.clone(), &parse_exclusions(&list).unwrap())
            .unwrap_err()
            .to_string();
        assert!(error.contains("at most 5"), "{error}");
        let five: String = list.lines().take(5).map(|l| format!("{l}\n")).collect();
        assert!(plan(files, &parse_exclusions(&five).unwrap()).is_ok());
    }

    #[test]
    fn exclusions_need_a_reason_each_once() {
        assert!(parse_exclusions("invalid/a.smithy\n").is_err());
        assert!(parse_exclusions("invalid/a.smithy:\n").is_err());
        assert!(parse_exclusions("invalid/a.smithy: one\ninvalid/a.smithy: two\n").is_err());
    }
}
