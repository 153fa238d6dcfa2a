//! Project automation, run as `cargo xtask <command>`: code generation and its freshness check,
//! the pattern and fuzz campaigns, the benchmarks, and the one command that runs every test and
//! check.

mod ast;
mod bench;
mod codegen;
mod compliance;
mod files;
mod fuzz;
mod idl_corpus;
mod model;
mod models;
mod patterns;
mod protocol_tests;
mod test;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use clap::{CommandFactory as _, Parser, Subcommand};

/// Project automation: code generation, pattern and fuzz campaigns, benchmarks, every test.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Option<Task>,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Regenerate every generated crate in this repository, check that none is stale, or
    /// generate a standalone crate for any model.
    Codegen(codegen::Args),
    /// Print the JSON AST of a model given as Smithy IDL and JSON AST files and folders.
    Ast(ast::Args),
    /// Check every @pattern of a Smithy JSON AST model (or of botocore's models) against
    /// java.util.regex, and say where ECMA-262 differs.
    Patterns(patterns::Args),
    /// Run the cargo-fuzz targets; crashes become regression tests in fuzz/regressions.
    Fuzz(fuzz::Args),
    /// Load, latency and memory of the reference server against this machine's ceiling,
    /// criterion micro benches, codegen timing, targets, chart.
    Bench(bench::Args),
    /// Generate a crate for every model in a folder into one scratch workspace and count its
    /// lines; optionally run clippy over it and time the largest crate's check.
    Models(models::Args),
    /// Import operations, with every shape they reach, from a Smithy JSON AST model into ours,
    /// or show how two models differ.
    Model(model::Args),
    /// Generate the protocol compliance suite from the protocol-test model's JSON AST or its
    /// Smithy IDL into a scratch workspace under target/, and run it.
    Compliance(compliance::from_source::Args),
    /// Run every test and check (what CI runs).
    Test,
}

fn main() -> Result<()> {
    match Cli::parse().command {
        None => {
            Cli::command().print_help()?;
            Ok(())
        }
        Some(Task::Codegen(args)) => codegen::run(&args),
        Some(Task::Ast(args)) => ast::run(&args),
        Some(Task::Patterns(args)) => patterns::run(&args),
        Some(Task::Fuzz(args)) => fuzz::run(&args),
        Some(Task::Bench(args)) => bench::run(&args),
        Some(Task::Models(args)) => models::run(&args),
        Some(Task::Model(args)) => model::run(&args),
        Some(Task::Compliance(args)) => compliance::from_source::run(&args),
        Some(Task::Test) => test::run(),
    }
}

/// The workspace root.
pub(crate) fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The repository's target folder: the one `CARGO_TARGET_DIR` names where it is set.
pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => std::path::absolute(&dir).unwrap_or_else(|_| PathBuf::from(dir)),
        None => project_root().join("target"),
    }
}

/// The shared folder beside the repository (protocol tests, SigV4 vectors).
pub(crate) fn shared_dir() -> PathBuf {
    project_root().join("..").join("shared")
}

/// Runs a command in the project root, failing with its name if it fails.
pub(crate) fn run_command(command: &mut Command) -> Result<()> {
    let shown = format!("{command:?}");
    eprintln!("$ {shown}");
    let status = command
        .current_dir(project_root())
        .status()
        .with_context(|| format!("could not start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

/// Runs a command (in the project root unless it names a folder), echoing and returning its
/// output (stdout and stderr).
pub(crate) fn captured(command: &mut Command) -> Result<String> {
    eprintln!("$ {command:?}");
    if command.get_current_dir().is_none() {
        command.current_dir(project_root());
    }
    let output = command.output().context("running cargo")?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(text)
}
