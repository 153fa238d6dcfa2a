//! Differential test of pattern semantics against `java.util.regex`: every `@pattern` in
//! `model/` and in the official protocol suite, on generated inputs (matching and near-miss
//! strings, non-ASCII digits and letters, line terminators including a trailing newline,
//! astral characters), and probes of the Java constructs AWS's models use, must match exactly
//! when Java matches.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::process::{Command, Stdio};

use serde_json::Value;
use smithy_server_codegen::pattern::{Engine, translate};

fn collect_patterns(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                if key == "smithy.api#pattern" {
                    if let Some(pattern) = item.as_str() {
                        out.insert(pattern.to_owned());
                    }
                } else {
                    collect_patterns(item, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_patterns(item, out)),
        _ => {}
    }
}

/// Constructs AWS's models use that the repository's own models do not (REFERENCE section 4).
const DIALECT_PROBES: &[&str] = &[
    r"^[\p{Print}&&[^|:/]]+$",
    r"^[^\000-\037]+$",
    r"^[\uD800\uDC00-\uDBFF\uDFFF]+$",
    r"^[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*$",
    r"(?i)^abc$",
    r"^\d{2}+$",
    r"^[\w-_]+$",
    r"^\_\-[a-z]*$",
    r"^\p{Alnum}+$",
    r"^\p{Punct}+$",
    r"^\p{LD}+$",
    r"^\p{L}+$",
    r"^\s+$",
    r"^\S+$",
    r"^.+$",
    r"^\w+$",
    r"[a-z]$",
    r"^(?=.*[a-z])(?=.*\d).+$",
    r"(?<!aws)x",
    r"^(\d)\1$",
    r"^\p{IsLatin}+$",
    r"^[^\s]+$",
    r"^arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$",
];

fn patterns() -> BTreeSet<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut out: BTreeSet<String> = DIALECT_PROBES.iter().map(|p| (*p).to_owned()).collect();
    for path in [
        "model/rekognition.json",
        "../shared/protocol-tests/aws-protocol-tests.json",
    ] {
        let text = std::fs::read_to_string(format!("{root}/{path}"))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        collect_patterns(&serde_json::from_str(&text).unwrap(), &mut out);
    }
    out
}

/// Inputs for one pattern: fixed probes plus strings built from the pattern's own characters.
fn inputs(pattern: &str) -> Vec<String> {
    let mut out: Vec<String> = [
        "",
        "a",
        "abc",
        "ABC",
        "xyz",
        "123",
        "0",
        "\u{661}\u{662}\u{663}",
        "é",
        "Ω",
        "aws:",
        "aws:x",
        "team",
        "abc\n",
        "abc\r\n",
        "\n",
        "abc\n\n",
        "\u{85}",
        "\u{2028}",
        "a\u{2029}",
        "😀",
        "a😀b",
        " ",
        "a b",
        "_-.",
        "a\tb",
        "\u{feff}",
        "abcdefghij",
        "AbC",
        "arn:aws:rekognition:us-east-1:123456789012:project/p/1",
        "arn:aws:rekognition:us-east-1:123456789012:project/p/dataset/train/1",
        "1985-04-12T23:20:50.52Z",
        "0000000000000000000000000000000000000000000000000000000000000000000000000000000000!",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let literal: String = pattern
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ':' | '/' | '-' | '_' | '.' | '@'))
        .collect();
    for candidate in [
        literal.clone(),
        format!("{literal}\n"),
        literal.chars().rev().collect(),
        literal.to_uppercase(),
    ] {
        out.push(candidate);
    }
    for (i, c) in literal.char_indices().take(6) {
        let mut near = literal.clone();
        near.replace_range(i..i + c.len_utf8(), "#");
        out.push(near);
    }
    out
}

fn ours(pattern: &str, input: &str) -> Option<bool> {
    let translated = translate(pattern).ok()?;
    Some(match translated.engine {
        Engine::Linear => regex::Regex::new(&translated.text).ok()?.is_match(input),
        Engine::Backtracking => fancy_regex::Regex::new(&translated.text)
            .ok()?
            .is_match(input)
            .unwrap_or(false),
    })
}

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn every_pattern_agrees_with_java() {
    let patterns = patterns();
    assert!(
        patterns.len() >= 35,
        "found only {} patterns",
        patterns.len()
    );
    let cases: Vec<(String, String)> = patterns
        .iter()
        .flat_map(|p| inputs(p).into_iter().map(move |input| (p.clone(), input)))
        .collect();
    let oracle = concat!(env!("CARGO_MANIFEST_DIR"), "/oracle/PatternOracle.java");
    let mut child = Command::new("java")
        .arg(oracle)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("java (JDK 17+) runs the oracle; cargo xtask test installs it where missing");
    let mut stdin = child.stdin.take().unwrap();
    let request: String = cases
        .iter()
        .map(|(p, i)| format!("{}\t{}\n", hex(p), hex(i)))
        .collect();
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "the Java oracle failed");
    let answers: Vec<&str> = std::str::from_utf8(&output.stdout)
        .unwrap()
        .lines()
        .collect();
    assert_eq!(answers.len(), cases.len());
    let mut disagreements = Vec::new();
    for ((pattern, input), java) in cases.iter().zip(answers) {
        let java = match java {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        };
        let rust = ours(pattern, input);
        if java != rust {
            disagreements.push(format!(
                "pattern {pattern:?} input {input:?}: java {java:?}, ours {rust:?}"
            ));
        }
    }
    println!(
        "{} patterns, {} inputs: {} disagreements with java.util.regex",
        patterns.len(),
        cases.len(),
        disagreements.len()
    );
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
