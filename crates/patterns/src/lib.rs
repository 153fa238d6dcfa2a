//! `@pattern` constraints as AWS's models mean them. The Smithy specification says ECMA-262, but
//! AWS's models are written for `java.util.regex`; this crate reads the union of the two
//! syntaxes with Java's meaning.
//!
//! - [`translate`] (at generation time) turns a pattern into the syntax of the cheapest engine
//!   that matches it exactly, and proves the result compiles: the linear-time `regex` crate
//!   whenever the pattern has no look-around or back-reference, `fancy-regex` only when it does,
//!   and a counting matcher for `^X{n,m}$` repetitions too large for an automaton.
//! - [`Pattern`] (at request time) compiles a translation once, on first use, and matches
//!   without ever panicking.

pub mod differential;
mod matcher;
mod translate;

pub use matcher::Pattern;
pub use translate::{Translated, translate};

/// Which engine runs a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Engine {
    /// The `regex` crate: linear time.
    Linear,
    /// `fancy-regex`: backtracking, bounded by its step limit, for look-around and
    /// back-references.
    Backtracking,
    /// `^X{min,max}$` for a single-character class `X` too large to repeat in an automaton: the
    /// text, less one final line terminator (Java's `$`), must have `min..=max` characters, each
    /// matching the translation (which is `^X*\z`). Linear time.
    Counted {
        /// The fewest characters.
        min: u32,
        /// The most characters.
        max: u32,
    },
}
