//! `cargo xtask models --dir DIR [--work DIR] [--compile]`: generates a crate for every Smithy
//! JSON model in a folder (for instance every awsJson or restJson1 service of AWS's public
//! models), as members of one scratch workspace, and measures the output: shapes, lines that are
//! neither doc comments nor blank, generation time, and each operation left out with the reason;
//! with `--compile`, how many crates pass clippy with `-D warnings` and how long `cargo check` of
//! the largest one takes.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::codegen::write_standalone;
use crate::project_root;

/// What to measure.
#[derive(Debug)]
pub(crate) struct Options {
    /// The folder of models (`*.json`, one service each).
    pub(crate) dir: PathBuf,
    /// The scratch folder: the workspace, its crates and its target dir.
    pub(crate) work: PathBuf,
    /// Also run clippy over the workspace and time `cargo check` of the largest crate.
    pub(crate) compile: bool,
    /// A protocol trait to add to every service shape first (`smithy.protocols#rpcv2Cbor`).
    pub(crate) add_protocol: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The folder of models (`*.json`, one service each).
    #[arg(long, value_name = "DIR")]
    dir: PathBuf,
    /// The scratch folder: the workspace, its crates and its target dir (by default
    /// target/aws-models).
    #[arg(long, value_name = "DIR")]
    work: Option<PathBuf>,
    /// Also run clippy -D warnings over the workspace and time `cargo check` of the largest
    /// crate.
    #[arg(long)]
    compile: bool,
    /// Add this protocol trait to every service shape before generating (as AWS adds
    /// `smithy.protocols#rpcv2Cbor` to services it moves to CBOR); the edited copies are
    /// written under the scratch folder's `models/`.
    #[arg(long, value_name = "TRAIT_ID")]
    add_protocol: Option<String>,
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let work = args
        .work
        .clone()
        .unwrap_or_else(|| project_root().join("target").join("aws-models"));
    measure(&Options {
        dir: args.dir.clone(),
        work,
        compile: args.compile,
        add_protocol: args.add_protocol.clone(),
    })
}

/// A copy of `model` under `dir` with the trait `protocol` added to its service shapes.
fn with_protocol(model: &Path, protocol: &str, dir: &Path) -> Result<PathBuf> {
    let text =
        std::fs::read_to_string(model).with_context(|| format!("reading {}", model.display()))?;
    let mut ast: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", model.display()))?;
    if let Some(shapes) = ast["shapes"].as_object_mut() {
        for shape in shapes.values_mut() {
            if shape["type"] == "service" {
                shape["traits"][protocol] = serde_json::json!({});
            }
        }
    }
    std::fs::create_dir_all(dir)?;
    let copy = dir.join(model.file_name().context("a model file has a name")?);
    std::fs::write(&copy, serde_json::to_string(&ast)?)?;
    Ok(copy)
}

/// One model's crate.
#[derive(Debug)]
struct Measured {
    /// The model's file stem; also the crate's folder under `crates/`.
    name: String,
    package: String,
    shapes: usize,
    skipped: usize,
    lines: usize,
    elapsed: Duration,
}

pub(crate) fn measure(options: &Options) -> Result<()> {
    let models = list_models(&options.dir)?;
    if models.is_empty() {
        bail!("no *.json model in {}", options.dir.display());
    }
    let crates_dir = options.work.join("crates");
    std::fs::create_dir_all(&crates_dir)
        .with_context(|| format!("creating {}", crates_dir.display()))?;
    // Canonical, to match the manifest paths cargo reports.
    let work = options.work.canonicalize()?;
    let crates_dir = work.join("crates");
    let mut measured = Vec::new();
    let mut failed = Vec::new();
    for original in &models {
        let edited = match &options.add_protocol {
            Some(protocol) => Some(with_protocol(original, protocol, &work.join("models"))?),
            None => None,
        };
        let model = edited.as_ref().unwrap_or(original);
        let name = file_stem(model);
        let package = format!("{}-server-sdk", package_name(&name));
        let out = crates_dir.join(&name);
        match write_standalone(
            std::slice::from_ref(model),
            None,
            &out,
            Some(&package),
            true,
        ) {
            Ok(written) => {
                let lines = written
                    .files
                    .iter()
                    .filter(|(path, _)| path.ends_with(".rs"))
                    .map(|(_, contents)| non_doc_lines(contents))
                    .sum();
                let entry = Measured {
                    name,
                    package,
                    shapes: written.generated.shape_count,
                    skipped: written.generated.skipped.len(),
                    lines,
                    elapsed: written.elapsed,
                };
                println!(
                    "{:<40} {:>6} shapes {:>9} lines {:>4} skipped operations {:>10.1?}",
                    entry.name, entry.shapes, entry.lines, entry.skipped, entry.elapsed
                );
                for skipped in &written.generated.skipped {
                    println!("    skipped operation {skipped}");
                }
                measured.push(entry);
            }
            Err(error) => {
                println!("{name:<40} failed to generate: {error:#}");
                // A crate left from an earlier run must not pass for this one.
                if out.exists() {
                    std::fs::remove_dir_all(&out)
                        .with_context(|| format!("removing {}", out.display()))?;
                }
                failed.push(name);
            }
        }
    }
    remove_stale_crates(&crates_dir, &measured)?;
    write_workspace(&work, &measured)?;
    let total: usize = measured.iter().map(|m| m.lines).sum();
    let generation: Duration = measured.iter().map(|m| m.elapsed).sum();
    println!(
        "aws models: {} generated, {} failed to generate, {total} non-doc lines (generation {generation:.1?} in all)",
        measured.len(),
        failed.len(),
    );
    if !failed.is_empty() {
        println!("failed to generate: {}", failed.join(", "));
    }
    if options.compile && !measured.is_empty() {
        compile(&work, &measured)?;
    }
    Ok(())
}

/// The `*.json` files of `dir`, sorted.
fn list_models(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut models = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "json") {
            models.push(path.canonicalize()?);
        }
    }
    models.sort();
    Ok(models)
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A package name from a file name: lower-case ASCII letters, digits and dashes.
fn package_name(stem: &str) -> String {
    let name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    name.trim_matches('-').to_owned()
}

/// Lines that are neither blank nor doc comments (`///`, `//!`).
fn non_doc_lines(source: &str) -> usize {
    source
        .lines()
        .map(str::trim_start)
        .filter(|line| !line.trim_end().is_empty())
        .filter(|line| !line.starts_with("///") && !line.starts_with("//!"))
        .count()
}

/// Removes the crate folders of models no longer in the folder.
fn remove_stale_crates(crates_dir: &Path, measured: &[Measured]) -> Result<()> {
    for entry in std::fs::read_dir(crates_dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && !measured.iter().any(|m| m.name == name) {
            std::fs::remove_dir_all(entry.path())
                .with_context(|| format!("removing {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// The scratch workspace: every generated crate a member, with this repository's lints (the
/// crates say `[lints] workspace = true`) and its lock file as the starting point, so they are
/// built with the dependency versions the repository uses.
fn write_workspace(work: &Path, measured: &[Measured]) -> Result<()> {
    let root_manifest = project_root().join("Cargo.toml");
    let root = std::fs::read_to_string(&root_manifest)
        .with_context(|| format!("reading {}", root_manifest.display()))?;
    let lints = workspace_lints(&root);
    if lints.is_empty() {
        bail!("{} has no [workspace.lints]", root_manifest.display());
    }
    let members: String = measured
        .iter()
        .map(|m| format!("    \"crates/{}\",\n", m.name))
        .collect();
    let manifest = format!(
        "# The scratch workspace of `cargo xtask models`: one generated crate per model.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\n{members}]\n\n{lints}"
    );
    let path = work.join("Cargo.toml");
    if std::fs::read_to_string(&path).ok().as_deref() != Some(manifest.as_str()) {
        std::fs::write(&path, manifest).with_context(|| format!("writing {}", path.display()))?;
    }
    let lock = work.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(project_root().join("Cargo.lock"), &lock)
            .with_context(|| format!("writing {}", lock.display()))?;
    }
    Ok(())
}

/// The `[workspace.lints...]` tables of a manifest, as written there.
fn workspace_lints(manifest: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in manifest.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            inside = trimmed.starts_with("[workspace.lints");
            if inside && !out.is_empty() {
                out.push('\n');
            }
        }
        if inside && !line.trim().is_empty() {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Clippy with `-D warnings` over the whole scratch workspace, then `cargo check` of the largest
/// crate alone (its dependencies already built).
fn compile(work: &Path, measured: &[Measured]) -> Result<()> {
    let target = work.join("target");
    let started = Instant::now();
    let mut clippy = Command::new("cargo");
    clippy
        .args(["clippy", "--workspace", "--all-targets", "--keep-going"])
        .args(["--message-format=json", "--", "-D", "warnings"])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(work)
        .stdout(Stdio::piped());
    eprintln!("$ {clippy:?} (in {})", work.display());
    let mut child = clippy.spawn().context("could not start cargo clippy")?;
    let stdout = child.stdout.take().context("cargo clippy has no stdout")?;
    let failing = failing_crates(BufReader::new(stdout))?;
    let status = child.wait()?;
    let elapsed = started.elapsed();
    if !status.success() && failing.is_empty() {
        bail!("cargo clippy failed ({status}) without naming a crate");
    }
    let mut failed: Vec<&str> = Vec::new();
    for (manifest, first_error) in &failing {
        let name = measured
            .iter()
            .find(|m| manifest.parent() == Some(&work.join("crates").join(&m.name)))
            .map_or("(not a generated crate)", |m| m.name.as_str());
        eprintln!("{name}: {first_error}");
        failed.push(name);
    }
    println!(
        "aws models: {} of {} compile warning-free (cargo clippy --workspace --all-targets -- -D warnings: {elapsed:.0?})",
        measured.len() - failed.len(),
        measured.len(),
    );
    if !failed.is_empty() {
        println!("not warning-free: {}", failed.join(", "));
    }

    let Some(largest) = measured.iter().max_by_key(|m| m.lines) else {
        return Ok(());
    };
    let cargo = |args: &[&str]| -> Result<Duration> {
        let mut command = Command::new("cargo");
        command
            .args(args)
            .env("CARGO_TARGET_DIR", &target)
            .current_dir(work);
        eprintln!("$ {command:?}");
        let started = Instant::now();
        let status = command.status().context("could not start cargo")?;
        if !status.success() {
            bail!("{command:?} failed ({status})");
        }
        Ok(started.elapsed())
    };
    cargo(&["clean", "-p", &largest.package])?;
    let check = cargo(&["check", "-p", &largest.package])?;
    println!(
        "largest crate: {} ({} non-doc lines): cargo check {check:.1?} (dependencies already built)",
        largest.name, largest.lines,
    );
    Ok(())
}

/// Reads cargo's JSON messages; returns each crate with an error (warnings are errors here) and
/// its first rendered error, by manifest path.
fn failing_crates(messages: impl BufRead) -> Result<BTreeMap<PathBuf, String>> {
    let mut failing = BTreeMap::new();
    for line in messages.lines() {
        let line = line?;
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
            continue;
        }
        let Some(manifest) = message["manifest_path"].as_str() else {
            continue;
        };
        let rendered = message["message"]["rendered"]
            .as_str()
            .unwrap_or_default()
            .lines()
            .take(12)
            .collect::<Vec<_>>()
            .join("\n");
        failing.entry(PathBuf::from(manifest)).or_insert(rendered);
    }
    Ok(failing)
}

#[cfg(test)]
mod tests {
    use super::{non_doc_lines, package_name, workspace_lints};

    #[test]
    fn doc_comments_and_blank_lines_are_not_counted() {
        let source = "//! Crate docs.\n\n/// A struct.\n    /// Indented doc.\npub struct A;\n   \n\t\n// A plain comment.\nfn f() {}\n    //! inner doc\n";
        assert_eq!(non_doc_lines(source), 3);
    }

    #[test]
    fn code_and_strings_that_mention_doc_markers_are_counted() {
        let source = "let a = \"/// not a doc\"; /// trailing\nlet b = 1; //! trailing\n//// four slashes\n/ // one\n";
        // `////` starts with `///`, so it is excluded like the pattern `^\s*(///|//!)`.
        assert_eq!(non_doc_lines(source), 3);
    }

    #[test]
    fn empty_source_has_no_lines() {
        assert_eq!(non_doc_lines(""), 0);
        assert_eq!(non_doc_lines("\n\n   \n"), 0);
    }

    #[test]
    fn package_names_are_lower_case_with_dashes() {
        assert_eq!(package_name("DynamoDB_Streams.v2"), "dynamodb-streams-v2");
        assert_eq!(package_name("kinesis"), "kinesis");
    }

    #[test]
    fn only_the_workspace_lint_tables_are_copied() {
        let manifest = "[workspace]\nmembers = [\n    \"a\",\n]\n\n[workspace.lints.rust]\nunsafe_code = \"forbid\"\n\n[workspace.lints.clippy]\nall = { level = \"warn\", priority = -1 }\n\n[profile.release]\nlto = true\n";
        assert_eq!(
            workspace_lints(manifest),
            "[workspace.lints.rust]\nunsafe_code = \"forbid\"\n\n[workspace.lints.clippy]\nall = { level = \"warn\", priority = -1 }\n"
        );
    }
}
