//! `cargo xtask compliance --from idl|json`: the protocol compliance suite generated from either
//! source of the protocol-test model (the published JSON AST, or its Smithy IDL files with the
//! trait definitions they use) into a scratch workspace under `target/`, compiled and run.
//!
//! Smithy's own RPC v2 suites exist only as IDL, so both sources generate them from it.
//!
//! The scratch workspace (`target/compliance/`) holds the suites' server crates, a copy of the
//! compliance harness crate with its generated per-case tests, and the repository's
//! `Cargo.lock`; it depends on this repository's runtime by path and builds into the
//! repository's target folder, so it shares every dependency already built there (a target
//! folder of its own would rebuild them all: over two minutes on two cores). Files are only
//! rewritten when they change, so a second run compiles nothing.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::codegen;
use crate::files::{Destination, Mode, ensure_file_contents};
use crate::project_root;
use crate::protocol_tests::{ProtocolTests, Source};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The source of the protocol-test model to generate the suite from.
    #[arg(long, value_enum, default_value = "idl")]
    pub(crate) from: Source,
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let source = args.from;
    let workspace = write_workspace(source)?;
    let target_dir = crate::target_dir();
    crate::compliance::runner::protocol_compliance(
        &format!("compliance (from {})", source.name()),
        &workspace.crates,
        &[
            ("PROTOCOL_TESTS_MODEL", workspace.model.as_os_str()),
            ("CARGO_TARGET_DIR", target_dir.as_os_str()),
        ],
    )
}

/// The scratch workspace written by [`write_workspace`].
struct Workspace {
    /// The folder of the source's crates (`target/compliance/<source>/`), laid out as in the
    /// repository: cargo finds the workspace manifest in the folder above.
    crates: PathBuf,
    /// The model file the malformed-request cases read when they run.
    model: PathBuf,
}

/// Writes the scratch workspace `target/compliance/` for `source`: the suite's server crates
/// and compliance tests generated from it, the harness crate copied, under `<source>/`, and a
/// workspace manifest naming them with the repository's lock file.
///
/// Cargo tells path packages apart by their path relative to their workspace's root, so each
/// source's crates live in a folder of their own: neither shares build artifacts with the
/// other source's nor with the repository's crates of the same names, and none is rebuilt
/// when the other runs.
fn write_workspace(source: Source) -> Result<Workspace> {
    let root = project_root();
    let dir = root.join("target").join("compliance");
    let crates = dir.join(source.flag());
    let loaded = source.model()?;
    // The malformed-request cases read the model when they run: the IDL's is written out.
    let model = match source {
        Source::Json => source.files().remove(0),
        Source::Idl => {
            let path = crates.join("aws-protocol-tests.json");
            ensure_file_contents(&path, &loaded.as_json().to_string(), Mode::Write)?;
            path
        }
    };
    let harness = Path::new("tests/protocol/compliance");
    copy_harness(&root.join(harness), &crates.join(harness))?;
    let suite = ProtocolTests {
        source,
        model: loaded,
    };
    let command = format!("cargo xtask compliance --from {}", source.flag());
    let destination = Destination {
        root: crates.clone(),
        command: &command,
        mode: Mode::Write,
    };
    codegen::write_protocol_suite(&suite, &destination)?;

    let members: Vec<String> = codegen::protocol_crates()
        .into_iter()
        .chain([harness.to_str().unwrap_or_default()])
        .map(|member| format!("    \"{}/{member}\",\n", source.flag()))
        .collect();
    let manifest =
        std::fs::read_to_string(root.join("Cargo.toml")).context("reading Cargo.toml")?;
    // The repository's package fields, dependency versions and lints, its paths made absolute.
    let shared = manifest
        .find("[workspace.package]")
        .map_or("", |at| &manifest[at..])
        .replace("path = \"", &format!("path = \"{}/", root.display()));
    let workspace_toml = format!(
        "# Written by `{command}`: the protocol compliance suite generated from\n# {}.\n[workspace]\nresolver = \"2\"\nmembers = [\n{}]\n\n{shared}",
        source.label(),
        members.concat()
    );
    ensure_file_contents(&dir.join("Cargo.toml"), &workspace_toml, Mode::Write)?;
    // The same dependency versions as the repository, copied when the repository's change
    // (cargo then prunes what this workspace does not use).
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let copied = dir.join("Cargo.lock.copied");
    if std::fs::read_to_string(&copied).ok().as_deref() != Some(lock.as_str()) {
        std::fs::write(dir.join("Cargo.lock"), &lock)?;
        std::fs::write(&copied, &lock)?;
    }
    Ok(Workspace { crates, model })
}

/// Copies the harness crate, leaving out the generated test files (written from the source).
fn copy_harness(from: &Path, to: &Path) -> Result<()> {
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let path = entry?.path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_harness(&path, &target)?;
            continue;
        }
        let contents = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        if contents
            .lines()
            .next()
            .is_some_and(|l| l.contains("@generated"))
        {
            continue;
        }
        ensure_file_contents(&target, &contents, Mode::Write)?;
    }
    Ok(())
}
