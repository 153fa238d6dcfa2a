//! `cargo xtask patterns`: checks every `@pattern` of a model against `java.util.regex` (and
//! reports where ECMA-262 answers differently), so users can check their own models too.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};
use clap::ArgGroup;
use serde_json::Value;
use smithy_pattern_oracle as differential;

use crate::project_root;

/// Prints the patterns of every service model botocore ships (botocore keeps the same
/// constraints as the Smithy models), as a JSON list.
const BOTOCORE_PATTERNS: &str = r#"
import json, botocore.loaders
loader = botocore.loaders.Loader()
patterns = set()
for service in loader.list_available_services("service-2"):
    model = loader.load_service_model(service, "service-2")
    patterns.update(s["pattern"] for s in model.get("shapes", {}).values() if "pattern" in s)
print(json.dumps(sorted(patterns)))
"#;

#[derive(Debug, clap::Args)]
#[command(group(ArgGroup::new("source").required(true).args(["model", "botocore"])))]
pub(crate) struct Args {
    /// Check the patterns of this Smithy JSON AST model.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// Check the patterns of every service model botocore ships (botocore in .venv, which
    /// `cargo xtask test` creates).
    #[arg(long)]
    botocore: bool,
    /// Leave Node's ECMA-262 answers out (only java.util.regex decides).
    #[arg(long)]
    no_node: bool,
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let (label, patterns) = if let Some(model) = &args.model {
        (model.display().to_string(), model_patterns(model)?)
    } else {
        ("botocore's service models".to_owned(), botocore_patterns()?)
    };
    let report = differential::check(&patterns, !args.no_node).map_err(anyhow::Error::msg)?;
    for (pattern, reason) in &report.rejected {
        println!("rejected {pattern:?}: {reason}");
    }
    for pattern in &report.invalid_in_java {
        println!("not valid in java.util.regex (not judged): {pattern:?}");
    }
    for (pattern, input, java, ours) in &report.disagreements {
        println!(
            "disagreement: pattern {pattern:?} input {input:?}: java.util.regex {java}, ours {ours}"
        );
    }
    for (pattern, input, ours) in &report.timed_out {
        println!(
            "oracle timed out: pattern {pattern:?} input {input:?}: java.util.regex ran past {:?} (not judged), ours {ours}",
            differential::MATCH_TIME_LIMIT
        );
    }
    println!(
        "{label}: {} patterns, {} inputs: {} agree with java.util.regex; {} inputs not judged (oracle timed out)",
        report.patterns,
        report.inputs,
        report.agreeing(),
        report.timed_out.len()
    );
    if !args.no_node {
        println!(
            "{} of them valid ECMA-262 (Unicode mode); ECMA-262 answers differently from Java on {} inputs (and timed out on {})",
            report.valid_in_ecma, report.ecma_differs, report.ecma_timed_out
        );
    }
    if report.agreeing() != report.patterns {
        bail!(
            "{} patterns disagree with java.util.regex or cannot be used",
            report.patterns - report.agreeing()
        );
    }
    Ok(())
}

fn collect(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                match (key.as_str(), item) {
                    ("smithy.api#pattern", Value::String(pattern)) => {
                        out.insert(pattern.clone());
                    }
                    _ => collect(item, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect(item, out)),
        _ => {}
    }
}

fn model_patterns(path: &Path) -> Result<Vec<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let json: Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let mut out = BTreeSet::new();
    collect(&json, &mut out);
    Ok(out.into_iter().collect())
}

fn botocore_patterns() -> Result<Vec<String>> {
    let python = project_root().join(".venv/bin/python");
    let output = Command::new(&python)
        .args(["-c", BOTOCORE_PATTERNS])
        .output()
        .with_context(|| {
            format!(
                "running {} (cargo xtask test creates the venv)",
                python.display()
            )
        })?;
    if !output.status.success() {
        bail!(
            "reading botocore's models failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(serde_json::from_slice(&output.stdout)?)
}
