//! Compiled `@pattern` constraints. The code generator has already translated each pattern into
//! the syntax of the engine it chose and proved that it compiles, so at request time a pattern is
//! compiled once, on first use, and matching cannot panic.
//!
//! Two engines: the `regex` crate (finite automata, linear time in the input) for every pattern
//! it can express, and `fancy-regex` (backtracking, with a step limit) only for patterns that
//! need look-around or back-references.

use std::sync::OnceLock;

/// Which engine runs a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// The `regex` crate: linear time.
    Linear,
    /// `fancy-regex`: backtracking, bounded by its step limit.
    Backtracking,
}

/// One `@pattern`, as the model wrote it and as translated for its engine.
#[derive(Debug)]
pub struct Pattern {
    source: &'static str,
    translated: &'static str,
    engine: Engine,
    compiled: OnceLock<Compiled>,
}

#[derive(Debug)]
enum Compiled {
    Linear(regex::Regex),
    Backtracking(Box<fancy_regex::Regex>),
    /// Cannot happen for generated code (the generator compiles every pattern first); kept so
    /// that a hand-written mistake rejects input instead of panicking.
    Invalid,
}

impl Pattern {
    /// A pattern for the linear-time engine.
    pub const fn linear(source: &'static str, translated: &'static str) -> Self {
        Self::new(source, translated, Engine::Linear)
    }

    /// A pattern that needs the backtracking engine.
    pub const fn backtracking(source: &'static str, translated: &'static str) -> Self {
        Self::new(source, translated, Engine::Backtracking)
    }

    const fn new(source: &'static str, translated: &'static str, engine: Engine) -> Self {
        Self {
            source,
            translated,
            engine,
            compiled: OnceLock::new(),
        }
    }

    /// The pattern as the model wrote it (what messages quote).
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// The engine that runs it.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Whether the pattern matches anywhere in `text` (patterns are not implicitly anchored).
    /// A backtracking match that exceeds its step limit counts as no match.
    pub fn is_match(&self, text: &str) -> bool {
        match self.compiled.get_or_init(|| self.compile()) {
            Compiled::Linear(regex) => regex.is_match(text),
            Compiled::Backtracking(regex) => regex.is_match(text).unwrap_or(false),
            Compiled::Invalid => false,
        }
    }

    fn compile(&self) -> Compiled {
        match self.engine {
            Engine::Linear => {
                regex::Regex::new(self.translated).map_or(Compiled::Invalid, Compiled::Linear)
            }
            Engine::Backtracking => fancy_regex::Regex::new(self.translated)
                .map_or(Compiled::Invalid, |regex| {
                    Compiled::Backtracking(Box::new(regex))
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    static TAG_KEY: Pattern = Pattern::backtracking("^(?!aws:).*$", "^(?!aws:).*$");

    #[test]
    fn compiles_once_and_matches() {
        assert!(TAG_KEY.is_match("team"));
        assert!(!TAG_KEY.is_match("aws:x"));
    }

    #[test]
    fn invalid_translation_rejects_instead_of_panicking() {
        let broken = Pattern::linear("(", "(");
        assert!(!broken.is_match("anything"));
    }
}
