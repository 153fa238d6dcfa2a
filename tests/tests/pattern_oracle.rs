//! Differential test of pattern semantics against `java.util.regex` (and Node's ECMA-262, for
//! information): every `@pattern` in `model/` and in the official protocol suite, and probes of
//! the Java constructs AWS's models use, on the generated inputs of
//! `smithy_pattern_oracle`, must match exactly when Java matches. `cargo xtask patterns` runs the
//! same check on any model, and on botocore's.

use std::collections::BTreeSet;

use serde_json::Value;
use smithy_pattern_oracle as differential;

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

/// Probes of the Java constructs AWS's service models use, so each is checked whether or not
/// `model/` and the protocol suite have it: class intersections, octal and surrogate-pair escapes,
/// `(?i)`, possessive quantifiers, identity escapes, POSIX, category and script classes,
/// look-around, back-references, and the classes and anchors whose meaning differs from ECMA-262.
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

#[test]
fn every_pattern_agrees_with_java() {
    let patterns: Vec<String> = patterns().into_iter().collect();
    assert!(
        patterns.len() >= 35,
        "found only {} patterns",
        patterns.len()
    );
    let report = differential::check(&patterns, true).expect(
        "java (JDK 17+) and node run the oracles; cargo xtask test installs a JDK where missing",
    );
    println!(
        "{} patterns, {} inputs: {} agree with java.util.regex, {} inputs not judged (oracle timed out) ({} valid ECMA-262; ECMA differs on {} inputs)",
        report.patterns,
        report.inputs,
        report.agreeing(),
        report.timed_out.len(),
        report.valid_in_ecma,
        report.ecma_differs
    );
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert!(
        report.invalid_in_java.is_empty(),
        "{:?}",
        report.invalid_in_java
    );
    assert!(
        report.disagreements.is_empty(),
        "{:#?}",
        report.disagreements
    );
    assert_eq!(report.agreeing(), report.patterns);
}

#[test]
fn a_match_java_cannot_finish_is_reported_timed_out_not_waited_on() {
    // From sagemaker's model: java.util.regex backtracks exponentially on forty digits and a `!`
    // (two to the forty ways to split them), which the probes include.
    let pattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9]){0,39}?$".to_owned();
    let hostile = format!("{}!", "0".repeat(40));
    assert!(differential::inputs(&pattern).contains(&hostile));
    let started = std::time::Instant::now();
    let report = differential::check(std::slice::from_ref(&pattern), true).expect(
        "java (JDK 17+) and node run the oracles; cargo xtask test installs a JDK where missing",
    );
    let elapsed = started.elapsed();
    assert!(
        report
            .timed_out
            .contains(&(pattern.clone(), hostile, false)),
        "{:#?}",
        report.timed_out
    );
    assert!(
        report.disagreements.is_empty(),
        "{:#?}",
        report.disagreements
    );
    assert_eq!(report.agreeing(), 1);
    // Starting the JVM and compiling the oracle is most of it; each timeout adds its limit.
    let bound = std::time::Duration::from_secs(30)
        + differential::MATCH_TIME_LIMIT * report.timed_out.len() as u32;
    assert!(elapsed < bound, "took {elapsed:?}");
}
