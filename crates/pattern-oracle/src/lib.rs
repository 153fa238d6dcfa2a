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
//!
//! Both oracles backtrack, exponentially on some patterns AWS's models use (sagemaker's
//! `^[a-z0-9]([-a-z0-9]*[a-z0-9]){0,39}?$` on forty digits and a `!`), so every match they run is
//! bounded by a time limit ([`MATCH_TIME_LIMIT`] in [`check`]). An input past the limit is
//! reported as timed out: it is not judged, and is not a disagreement (`smithy_patterns` answers
//! it at once, which is the point of its linear engine).

use std::collections::BTreeSet;
use std::io::{Read as _, Write as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use smithy_patterns::{Pattern, translate};

/// How long one oracle match may run in [`check`] before it is given up as timed out. Matches
/// that do not blow up take microseconds; those that do would take hours.
pub const MATCH_TIME_LIMIT: Duration = Duration::from_millis(100);

/// What an oracle answered for one `(pattern, input)` case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Whether the pattern is found in the input.
    Match(bool),
    /// The oracle cannot compile the pattern.
    Invalid,
    /// The match ran past the time limit.
    TimedOut,
}

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
    /// Inputs on which Node ran past the time limit (when Node ran).
    pub ecma_timed_out: usize,
    /// `(pattern, input, ours)` where `java.util.regex` ran past the time limit: not judged.
    pub timed_out: Vec<(String, String, bool)>,
    /// `(pattern, input, java, ours)` where `smithy_patterns` and Java disagree.
    pub disagreements: Vec<(String, String, bool, bool)>,
}

impl Report {
    /// Patterns that agree with Java on every input Java answered within the time limit.
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

/// Runs an oracle program over `(pattern, input)` cases, each match bounded by `limit` (the
/// program's one argument, in milliseconds): one answer per case. The whole run is bounded too,
/// in case an oracle ignores its limit: past that, it is killed and the run fails.
fn oracle(
    command: &mut Command,
    cases: &[(String, String)],
    limit: Duration,
) -> Result<Vec<Answer>, String> {
    let mut child = command
        .arg(limit.as_millis().max(1).to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("could not start {command:?}: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let request: String = cases
        .iter()
        .map(|(p, i)| format!("{}\t{}\n", hex(p), hex(i)))
        .collect();
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });
    // Starting a JVM and compiling the oracle takes seconds; each case may take its limit.
    let bound = Duration::from_secs(60) + limit.saturating_mul(2 * cases.len() as u32);
    let status = wait_within(&mut child, bound)
        .map_err(|e| format!("{command:?}: {e}"))?
        .ok_or_else(|| format!("{command:?} ran past {bound:?} and was killed"))?;
    let text = reader
        .join()
        .map_err(|_| "reader thread failed")?
        .map_err(|e| e.to_string())?;
    // A killed or failed oracle closes its stdin early; only a successful one must take it all.
    let written = writer.join().map_err(|_| "writer thread failed")?;
    if !status.success() {
        return Err(format!("{command:?} failed: {status}"));
    }
    written.map_err(|e| e.to_string())?;
    let answers: Vec<Answer> = text
        .lines()
        .map(|line| match line {
            "1" => Answer::Match(true),
            "0" => Answer::Match(false),
            "T" => Answer::TimedOut,
            _ => Answer::Invalid,
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

/// Waits for `child` to exit, killing it once `bound` has passed (then `None`).
fn wait_within(
    child: &mut Child,
    bound: Duration,
) -> std::io::Result<Option<std::process::ExitStatus>> {
    let deadline = Instant::now() + bound;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            child.kill()?;
            child.wait()?;
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The oracle sources, beside this crate.
pub fn oracle_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/oracle"))
}

/// `java.util.regex`'s answers on `(pattern, input)` cases, each match bounded by `limit`: the
/// input is read through a `CharSequence` whose `charAt` fails once the limit has passed.
pub fn java(cases: &[(String, String)], limit: Duration) -> Result<Vec<Answer>, String> {
    oracle(
        Command::new("java").arg(oracle_dir().join("PatternOracle.java")),
        cases,
        limit,
    )
}

/// Node's `RegExp(p, "u")` answers on `(pattern, input)` cases, each match bounded by `limit`
/// (a `vm` timeout).
pub fn node(cases: &[(String, String)], limit: Duration) -> Result<Vec<Answer>, String> {
    oracle(
        Command::new("node").arg(oracle_dir().join("pattern-oracle.mjs")),
        cases,
        limit,
    )
}

/// Checks `patterns` against Java (required) and Node (when `with_node`), each match bounded by
/// [`MATCH_TIME_LIMIT`].
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
    let mut cases = Vec::new();
    let mut matchers = Vec::new();
    for (pattern, matcher) in &compiled {
        for input in inputs(pattern) {
            cases.push(((*pattern).clone(), input));
            matchers.push(matcher);
        }
    }
    report.inputs = cases.len();
    // Java's answers decide; Node's are only information (how ECMA-262 differs from Java). The
    // two oracles run side by side.
    let (java, node) = std::thread::scope(|scope| {
        let node = with_node.then(|| scope.spawn(|| node(&cases, MATCH_TIME_LIMIT)));
        let java = java(&cases, MATCH_TIME_LIMIT);
        let node = node.map(|handle| {
            handle
                .join()
                .unwrap_or_else(|_| Err("node panicked".into()))
        });
        (java, node)
    });
    let java = java?;
    let node = node.transpose()?;
    let mut invalid_in_java = BTreeSet::new();
    let mut valid_in_ecma = BTreeSet::new();
    for (at, ((pattern, input), matcher)) in cases.iter().zip(matchers).enumerate() {
        match node.as_ref().map(|n| n[at]) {
            Some(Answer::TimedOut) => {
                valid_in_ecma.insert(pattern.clone());
                report.ecma_timed_out += 1;
            }
            Some(Answer::Match(node_answer)) => {
                valid_in_ecma.insert(pattern.clone());
                if java[at] == Answer::Match(!node_answer) {
                    report.ecma_differs += 1;
                }
            }
            Some(Answer::Invalid) | None => {}
        }
        let ours = matcher.is_match(input);
        match java[at] {
            Answer::Invalid => {
                invalid_in_java.insert(pattern.clone());
            }
            Answer::TimedOut => report
                .timed_out
                .push((pattern.clone(), input.clone(), ours)),
            Answer::Match(java_answer) if java_answer != ours => {
                report
                    .disagreements
                    .push((pattern.clone(), input.clone(), java_answer, ours));
            }
            Answer::Match(_) => {}
        }
    }
    report.invalid_in_java = invalid_in_java.into_iter().collect();
    report.valid_in_ecma = valid_in_ecma.len();
    Ok(report)
}
