//! Each oracle match is bounded: an input on which `java.util.regex` or Node's `RegExp` would
//! backtrack for hours comes back timed out after the limit, and the cases after it are still
//! answered.

use std::time::{Duration, Instant};

use smithy_pattern_oracle::{Answer, java, node};

/// Sagemaker's endpoint-name pattern: forty digits and a `!` can be split among its groups in
/// two to the forty ways, and both backtracking engines try them all.
const CATASTROPHIC: &str = "^[a-z0-9]([-a-z0-9]*[a-z0-9]){0,39}?$";

fn cases() -> Vec<(String, String)> {
    let hostile = format!("{}!", "0".repeat(40));
    vec![
        (CATASTROPHIC.to_owned(), "abc".to_owned()),
        (CATASTROPHIC.to_owned(), hostile.clone()),
        (CATASTROPHIC.to_owned(), "a-b".to_owned()),
        (CATASTROPHIC.to_owned(), hostile),
        ("[".to_owned(), "a".to_owned()),
        (r"^\d+$".to_owned(), "0".repeat(40)),
    ]
}

fn expected() -> Vec<Answer> {
    vec![
        Answer::Match(true),
        Answer::TimedOut,
        Answer::Match(true),
        Answer::TimedOut,
        Answer::Invalid,
        Answer::Match(true),
    ]
}

#[test]
fn java_gives_up_a_catastrophic_match_at_the_limit() {
    let started = Instant::now();
    let answers = java(&cases(), Duration::from_millis(200))
        .expect("java (JDK 17+) runs the oracle; cargo xtask test installs a JDK where missing");
    assert_eq!(answers, expected());
    // Starting the JVM and compiling the oracle takes a few seconds; the two timeouts 0.4 s.
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
}

#[test]
fn node_gives_up_a_catastrophic_match_at_the_limit() {
    let started = Instant::now();
    let answers = node(&cases(), Duration::from_millis(200)).expect("node runs the oracle");
    assert_eq!(answers, expected());
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
}
