//! The loader answers every input with a model or errors, never a panic or a hang: corpus
//! files cut short and with characters replaced, deep nesting, and mixin cycles and diamonds.

mod common;

use common::{corpus, files_under, read};

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

const REPLACEMENTS: &[&str] = &[
    "", "{", "}", "[", "]", "(", ")", "\"", "\"\"\"", "$", "#", "@", ":", ":=", "=", "\n", "//",
    "///", "\\", "\\u", "-", "1e", ".", "with", "for", "apply", "é", "\r",
];

#[test]
fn mutated_corpus_files_never_panic() {
    let mut paths = Vec::new();
    files_under(&corpus().join("loader"), "smithy", &mut paths);
    let mut rng = Lcg(14);
    let mut loads = 0;
    for path in &paths {
        let (name, text) = read(path);
        let chars: Vec<char> = text.chars().collect();
        for _ in 0..12 {
            let at = (rng.next() as usize) % (chars.len() + 1);
            let cut: String = chars.iter().take(at).collect();
            let _ = smithy_idl::load(&[(name.clone(), cut)]);
            let replacement = REPLACEMENTS[(rng.next() as usize) % REPLACEMENTS.len()];
            let mut mutated: String = chars.iter().take(at).collect();
            mutated.push_str(replacement);
            mutated.extend(chars.iter().skip(at + 1));
            let _ = smithy_idl::load(&[(name.clone(), mutated)]);
            loads += 2;
        }
    }
    assert!(loads > 0);
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let depth = 100_000;
    let text = format!(
        "$version: \"2\"\nnamespace a\n@tags({}{})\nstring A\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let errors = smithy_idl::load(&[("deep.smithy".into(), text)]).unwrap_err();
    assert!(
        errors[0].message.contains("maximum allowed depth"),
        "{}",
        errors[0]
    );
}

#[test]
fn mixin_cycles_and_diamonds_terminate() {
    let mut text =
        String::from("$version: \"2\"\nnamespace a\n@mixin\nstructure M0 { x: String }\n");
    for i in 1..80 {
        text.push_str(&format!(
            "@mixin\nstructure M{i} with [M{} M{}] {{}}\n",
            i - 1,
            (i.max(2)) - 2
        ));
    }
    text.push_str("@mixin\nstructure C1 with [C2] {}\n@mixin\nstructure C2 with [C1] {}\n");
    let errors = smithy_idl::load(&[("mixins.smithy".into(), text)]).unwrap_err();
    assert!(errors.iter().any(|e| e.message.contains("cycle")));
}
