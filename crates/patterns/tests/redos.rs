//! Patterns that make backtracking engines take exponential time finish in bounded time here:
//! every pattern without look-around runs on finite automata, and those with look-around have a
//! step limit (past it, the input is rejected, not waited on).

use std::sync::mpsc;
use std::time::Duration;

use smithy_patterns::{Engine, Pattern, translate};

/// Matches on another thread and fails the test if no answer comes within `limit`.
fn answer_within(pattern: &str, input: String, limit: Duration) -> bool {
    let translated = translate(pattern).unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let matcher = Pattern::from_translation(&translated);
        let _ = sender.send(matcher.is_match(&input));
    });
    receiver
        .recv_timeout(limit)
        .unwrap_or_else(|_| panic!("{pattern} did not finish within {limit:?}"))
}

#[test]
fn the_official_suites_redos_case_is_linear() {
    // The protocol suite's RestJsonMalformedPatternReDOSString.
    let pattern = "^([0-9]+)+$";
    assert_eq!(translate(pattern).unwrap().engine, Engine::Linear);
    let hostile = format!("{}!", "0".repeat(50_000));
    assert!(!answer_within(pattern, hostile, Duration::from_secs(10)));
    assert!(answer_within(
        pattern,
        "0".repeat(50_000),
        Duration::from_secs(10)
    ));
}

#[test]
fn classic_catastrophic_patterns_are_linear() {
    for pattern in [
        "^(a+)+$",
        "^(a|a)*b$",
        "^(a|aa)+$",
        "^(.*a){12}$",
        r"^(\w+\s?)*$",
    ] {
        assert_eq!(
            translate(pattern).unwrap().engine,
            Engine::Linear,
            "{pattern}"
        );
        let hostile = format!("{}!", "a".repeat(30_000));
        assert!(
            !answer_within(pattern, hostile, Duration::from_secs(10)),
            "{pattern}"
        );
    }
}

#[test]
fn a_leading_negative_literal_look_ahead_runs_in_linear_time() {
    for pattern in ["^(?!x)(a+)+$", r"^(?!aws:)(\w+\s?)*$"] {
        let translated = translate(pattern).unwrap();
        assert_eq!(translated.engine, Engine::Linear, "{pattern}");
        assert!(translated.forbidden_prefix.is_some(), "{pattern}");
        let hostile = format!("{}!", "a".repeat(30_000));
        assert!(
            !answer_within(pattern, hostile, Duration::from_secs(10)),
            "{pattern}"
        );
    }
}

#[test]
fn backtracking_patterns_are_bounded_too() {
    // Look-around forces the backtracking engine; its step limit bounds the work.
    for pattern in ["^a(?!x)(a+)+$", "^(?=a)(a|a)*b$", r"^(\w+\s?)*(?<!x)$"] {
        assert_eq!(
            translate(pattern).unwrap().engine,
            Engine::Backtracking,
            "{pattern}"
        );
        let hostile = format!("{}!", "a".repeat(30_000));
        assert!(
            !answer_within(pattern, hostile, Duration::from_secs(20)),
            "{pattern}"
        );
    }
}
