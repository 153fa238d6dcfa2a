//! Project automation, run as `cargo xtask <command>`: code generation and its freshness check,
//! the pattern and fuzz campaigns, the benchmarks, and the one command that runs every test and
//! check.

mod bench;
mod codegen;
mod fuzz;
mod models;
mod patterns;
mod test;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen                 regenerate every generated crate in this repository
  codegen --check         fail if a generated crate is stale
  codegen --model FILE --out DIR [--service SHAPE_ID] [--package NAME]
                          generate a standalone crate for any model
  patterns --model FILE   check every @pattern of a Smithy JSON AST model against java.util.regex
                          (and say where ECMA-262 differs); --botocore checks botocore's models
  fuzz [--time SECONDS] [--target NAME]
                          run the cargo-fuzz targets (60 s each by default); crashes become
                          regression tests in fuzz/regressions
  bench [--quick]         load, latency and memory of the reference server against this machine's
                          ceiling, criterion micro benches, codegen timing, targets, chart
  models --dir DIR [--work DIR] [--compile]
                          generate a crate for every model in DIR into one scratch workspace
                          (target/aws-models by default) and count its lines; --compile also
                          runs clippy -D warnings over it and times the largest crate's check
  test                    run every test and check (what CI runs)
";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        print!("{USAGE}");
        return Ok(());
    };
    match command.as_str() {
        "codegen" => codegen::run(&Flags::parse(rest)?),
        "patterns" => patterns::run(&Flags::parse(rest)?),
        "fuzz" => fuzz::run(&Flags::parse(rest)?),
        "bench" => bench::run(&Flags::parse(rest)?),
        "models" => models::run(&Flags::parse(rest)?),
        "test" => test::run(&Flags::parse(rest)?),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command {other:?}\n\n{USAGE}"),
    }
}

/// `--name value` and `--flag` arguments.
#[derive(Debug, Default)]
pub(crate) struct Flags {
    values: Vec<(String, Option<String>)>,
}

impl Flags {
    fn parse(args: &[String]) -> Result<Self> {
        let mut values = Vec::new();
        let mut iter = args.iter().peekable();
        while let Some(arg) = iter.next() {
            let Some(name) = arg.strip_prefix("--") else {
                bail!("unexpected argument {arg:?}\n\n{USAGE}");
            };
            let value = match iter.peek() {
                Some(next) if !next.starts_with("--") => iter.next().cloned(),
                _ => None,
            };
            values.push((name.to_owned(), value));
        }
        Ok(Self { values })
    }

    pub(crate) fn with_check(mut self) -> Self {
        self.values.push(("check".to_owned(), None));
        self
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.values.iter().any(|(n, _)| n == name)
    }

    pub(crate) fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    pub(crate) fn expect_only(&self, allowed: &[&str]) -> Result<()> {
        for (name, _) in &self.values {
            if !allowed.contains(&name.as_str()) {
                bail!("unknown flag --{name}\n\n{USAGE}");
            }
        }
        Ok(())
    }
}

/// The workspace root.
pub(crate) fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
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
