//! Matching: a translated pattern, compiled once on first use. The generator has proved every
//! translation compiles, so matching cannot panic.

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::{Engine, Translated};

/// One `@pattern`, as the model wrote it and as translated for its engine.
#[derive(Debug)]
pub struct Pattern {
    source: Cow<'static, str>,
    translated: Cow<'static, str>,
    engine: Engine,
    final_terminator: bool,
    forbidden_prefix: Option<Cow<'static, str>>,
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
    pub const fn linear(
        source: &'static str,
        translated: &'static str,
        final_terminator: bool,
    ) -> Self {
        Self::new(source, translated, Engine::Linear, final_terminator)
    }

    /// A pattern that needs the backtracking engine.
    pub const fn backtracking(
        source: &'static str,
        translated: &'static str,
        final_terminator: bool,
    ) -> Self {
        Self::new(source, translated, Engine::Backtracking, final_terminator)
    }

    /// `^(?!PREFIX)REST` for the linear engine: `translated` is `^REST`, and no text starting
    /// with `forbidden_prefix` matches.
    pub const fn linear_unless_prefix(
        source: &'static str,
        translated: &'static str,
        final_terminator: bool,
        forbidden_prefix: &'static str,
    ) -> Self {
        Self {
            source: Cow::Borrowed(source),
            translated: Cow::Borrowed(translated),
            engine: Engine::Linear,
            final_terminator,
            forbidden_prefix: Some(Cow::Borrowed(forbidden_prefix)),
            compiled: OnceLock::new(),
        }
    }

    /// A counted repetition of one class, anchored at both ends (see [`Engine::Counted`]).
    pub const fn counted(
        source: &'static str,
        translated: &'static str,
        min: u32,
        max: u32,
    ) -> Self {
        Self::new(source, translated, Engine::Counted { min, max }, false)
    }

    const fn new(
        source: &'static str,
        translated: &'static str,
        engine: Engine,
        final_terminator: bool,
    ) -> Self {
        Self {
            source: Cow::Borrowed(source),
            translated: Cow::Borrowed(translated),
            engine,
            final_terminator,
            forbidden_prefix: None,
            compiled: OnceLock::new(),
        }
    }

    /// A pattern from a translation made at run time (tools and tests).
    pub fn from_translation(translated: &Translated) -> Self {
        Self {
            source: Cow::Owned(translated.source.clone()),
            translated: Cow::Owned(translated.text.clone()),
            engine: translated.engine,
            final_terminator: translated.final_terminator,
            forbidden_prefix: translated.forbidden_prefix.clone().map(Cow::Owned),
            compiled: OnceLock::new(),
        }
    }

    /// The pattern as the model wrote it (what messages quote).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The engine that runs it.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Whether the pattern matches anywhere in `text` (patterns are not implicitly anchored).
    /// A backtracking match that exceeds its step limit counts as no match.
    pub fn is_match(&self, text: &str) -> bool {
        if let Some(prefix) = &self.forbidden_prefix
            && text.starts_with(&**prefix)
        {
            return false;
        }
        match (self.compiled.get_or_init(|| self.compile()), self.engine) {
            (Compiled::Linear(regex), Engine::Counted { min, max }) => {
                let whole = |t: &str| {
                    (min as usize..=max as usize).contains(&t.chars().count()) && regex.is_match(t)
                };
                whole(text) || without_final_terminator(text).is_some_and(whole)
            }
            (Compiled::Linear(regex), _) => {
                regex.is_match(text)
                    || (self.final_terminator
                        && without_final_terminator(text).is_some_and(|t| regex.is_match(t)))
            }
            (Compiled::Backtracking(regex), _) => {
                regex.is_match(text).unwrap_or(false)
                    || (self.final_terminator
                        && without_final_terminator(text)
                            .is_some_and(|t| regex.is_match(t).unwrap_or(false)))
            }
            (Compiled::Invalid, _) => false,
        }
    }

    fn compile(&self) -> Compiled {
        match self.engine {
            Engine::Linear | Engine::Counted { .. } => {
                regex::Regex::new(&self.translated).map_or(Compiled::Invalid, Compiled::Linear)
            }
            Engine::Backtracking => fancy_regex::Regex::new(&self.translated)
                .map_or(Compiled::Invalid, |regex| {
                    Compiled::Backtracking(Box::new(regex))
                }),
        }
    }
}

/// The text before one final Java line terminator (`\r\n`, `\n`, `\r`, U+0085, U+2028,
/// U+2029), if it ends with one.
fn without_final_terminator(text: &str) -> Option<&str> {
    if let Some(rest) = text.strip_suffix("\r\n") {
        return Some(rest);
    }
    text.strip_suffix(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    static TAG_KEY: Pattern = Pattern::backtracking("^(?!aws:).*$", "^(?!aws:).*\\z", true);

    #[test]
    fn compiles_once_and_matches() {
        assert!(TAG_KEY.is_match("team"));
        assert!(!TAG_KEY.is_match("aws:x"));
    }

    #[test]
    fn invalid_translation_rejects_instead_of_panicking() {
        let broken = Pattern::linear("(", "(", false);
        assert!(!broken.is_match("anything"));
    }
}
