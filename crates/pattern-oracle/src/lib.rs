//! Proof of `smithy-patterns` against the oracles: runs patterns on generated inputs through
//! `smithy_patterns` (as generated code would), through `java.util.regex`
//! (`java oracle/PatternOracle.java`), and, for patterns valid in ECMA-262 Unicode mode, through
//! Node's `RegExp(p, "u")`, and reports every disagreement with Java. It runs `java` and `node`,
//! so it is a crate of its own, for tests and tooling: generated servers never depend on it.
//!
//! Inputs are fixed probes (non-ASCII digits and letters, every line terminator, a trailing
//! newline, astral characters, byte-order marks, case-folding traps), strings built from the
//! pattern's own literal characters and their near misses, and runs of one character at the
//! lengths where `{n,m}` bounds usually fall.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use smithy_patterns::{Pattern, translate};

/// What a pattern check found.
#[derive(Debug, Default)]
pub struct Report {
    /// Patterns checked.
    pub patterns: usize,
    /// Inputs run, over all patterns.
    pub inputs: usize,
    /// Patterns `smithy_patterns` cannot translate, with the reason.
    pub rejected: Vec<(String, String)>,
    /// Patterns that do not compile in Java (they cannot be judged).
    pub invalid_in_java: Vec<String>,
    /// Patterns valid in ECMA-262 Unicode mode (when Node ran).
    pub valid_in_ecma: usize,
    /// Inputs on which ECMA-262 answers differently from Java, for patterns valid in both.
    pub ecma_differs: usize,
    /// `(pattern, input, java, ours)` where `smithy_patterns` and Java disagree.
    pub disagreements: Vec<(String, String, bool, bool)>,
}

impl Report {
    /// Patterns that agree with Java on every input.
    pub fn agreeing(&self) -> usize {
        let mut bad: Vec<&String> = self.disagreements.iter().map(|d| &d.0).collect();
        bad.extend(self.rejected.iter().map(|r| &r.0));
        bad.extend(&self.invalid_in_java);
        bad.sort();
        bad.dedup();
        self.patterns - bad.len()
    }
}

const PROBES: &[&str] = &[
    "",
    " ",
    "a",
    "z",
    "A",
    "Z",
    "abc",
    "ABC",
    "AbC",
    "xyz",
    "0",
    "9",
    "123",
    "a1",
    "_",
    "-",
    ".",
    "_-.",
    "a b",
    "a\tb",
    "aws:",
    "aws:x",
    "AWS:x",
    "team",
    "é",
    "É",
    "Ω",
    "ß",
    "ſ",
    "\u{212A}",
    "\u{130}",
    "\u{661}\u{662}\u{663}",
    "\u{ff11}",
    "\u{a0}",
    "\u{2007}",
    "\u{3000}",
    "\u{feff}",
    "\u{200b}",
    "abc\n",
    "abc\r\n",
    "abc\r",
    "\n",
    "\r\n",
    "abc\n\n",
    "a\nb",
    "\u{85}",
    "abc\u{85}",
    "\u{2028}",
    "a\u{2029}",
    "\u{0}",
    "\u{1}",
    "\u{1f}",
    "\u{7f}",
    "😀",
    "a😀b",
    "\u{10400}",
    "\\",
    "/",
    "//",
    "a/b",
    "*",
    "?",
    "$",
    "^",
    "[]",
    "{}",
    "()",
    "|",
    "+",
    "=",
    "@",
    "#",
    "%",
    "arn:aws:rekognition:us-east-1:123456789012:project/p/1",
    "arn:aws:iam::123456789012:role/service-role/MyRole",
    "arn:aws:s3:::bucket/key",
    "s3://bucket/key",
    "https://example.com/a?b=c",
    "1985-04-12T23:20:50.52Z",
    "2020-01-01",
    "12:30:00",
    "user@example.com",
    "10.0.0.1",
    "0000000000000000000000000000000000000000!",
];

const LENGTHS: &[usize] = &[
    1, 2, 3, 4, 5, 8, 12, 16, 20, 32, 63, 64, 65, 100, 128, 129, 255, 256, 257, 1024, 1025,
];

/// The inputs a pattern is tried on.
pub fn inputs(pattern: &str) -> Vec<String> {
    let mut out: Vec<String> = PROBES.iter().map(|s| (*s).to_owned()).collect();
    let literal: String = pattern
        .chars()
        .filter(|c| {
            c.is_alphanumeric() || matches!(c, ':' | '/' | '-' | '_' | '.' | '@' | '=' | '+' | ',')
        })
        .collect();
    for candidate in [
        literal.clone(),
        format!("{literal}\n"),
        literal.chars().rev().collect(),
        literal.to_uppercase(),
        literal.to_lowercase(),
    ] {
        out.push(candidate);
    }
    for (i, c) in literal.char_indices().take(6) {
        let mut near = literal.clone();
        near.replace_range(i..i + c.len_utf8(), "#");
        out.push(near);
    }
    for unit in ["a", "A", "0", "-"] {
        for length in LENGTHS {
            out.push(unit.repeat(*length));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// Runs an oracle program over `(pattern, input)` cases: one answer per case, `None` where the
/// oracle cannot compile the pattern.
fn oracle(command: &mut Command, cases: &[(String, String)]) -> Result<Vec<Option<bool>>, String> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("could not start {command:?}: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let request: String = cases
        .iter()
        .map(|(p, i)| format!("{}\t{}\n", hex(p), hex(i)))
        .collect();
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    writer
        .join()
        .map_err(|_| "writer thread failed")?
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!("{command:?} failed: {}", output.status));
    }
    let answers: Vec<Option<bool>> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| match line {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        })
        .collect();
    if answers.len() != cases.len() {
        return Err(format!(
            "{command:?} answered {} of {} cases",
            answers.len(),
            cases.len()
        ));
    }
    Ok(answers)
}

/// The oracle sources, beside this crate.
pub fn oracle_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/oracle"))
}

/// Checks `patterns` against Java (required) and Node (when `with_node`).
pub fn check(patterns: &[String], with_node: bool) -> Result<Report, String> {
    let mut report = Report {
        patterns: patterns.len(),
        ..Report::default()
    };
    let mut compiled = Vec::new();
    for pattern in patterns {
        match translate(pattern) {
            Ok(translated) => compiled.push((pattern, Pattern::from_translation(&translated))),
            Err(reason) => report.rejected.push((pattern.clone(), reason)),
        }
    }
    let cases: Vec<(String, String)> = compiled
        .iter()
        .flat_map(|(p, _)| {
            inputs(p)
                .into_iter()
                .map(move |input| ((*p).clone(), input))
        })
        .collect();
    report.inputs = cases.len();
    let java = oracle(
        Command::new("java").arg(oracle_dir().join("PatternOracle.java")),
        &cases,
    )?;
    // Node's answers are only information (how ECMA-262 differs from Java); Java's decide. V8's
    // RegExp backtracks, exponentially on the ReDoS probes, so the oracle times each match out.
    let node = if with_node {
        Some(oracle(
            Command::new("node").arg(oracle_dir().join("pattern-oracle.mjs")),
            &cases,
        )?)
    } else {
        None
    };
    let mut at = 0;
    let mut invalid_in_java = std::collections::BTreeSet::new();
    let mut valid_in_ecma = std::collections::BTreeSet::new();
    for (pattern, matcher) in &compiled {
        for input in inputs(pattern) {
            let (java_answer, node_answer) = (java[at], node.as_ref().and_then(|n| n[at]));
            at += 1;
            let Some(java_answer) = java_answer else {
                invalid_in_java.insert((*pattern).clone());
                continue;
            };
            if let Some(node_answer) = node_answer {
                valid_in_ecma.insert((*pattern).clone());
                if node_answer != java_answer {
                    report.ecma_differs += 1;
                }
            }
            let ours = matcher.is_match(&input);
            if ours != java_answer {
                report
                    .disagreements
                    .push(((*pattern).clone(), input, java_answer, ours));
            }
        }
    }
    report.invalid_in_java = invalid_in_java.into_iter().collect();
    report.valid_in_ecma = valid_in_ecma.len();
    Ok(report)
}
