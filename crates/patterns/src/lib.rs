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
//!
//! The proof against `java.util.regex` (and Node's ECMA-262 `RegExp(p, "u")`) is the
//! `smithy-pattern-oracle` crate: it runs `java` and `node`, so generated servers, which depend on
//! this crate through the runtime, do not build it.
//!
//! Matching is Java's `Pattern.compile(p).matcher(s).find()`: a search, not anchored.
//!
//! # Where ECMA-262 answers differently, for patterns valid in both
//!
//! Java's meaning is kept; ECMA-262 (the Smithy specification's dialect) differs here:
//!
//! - `$` also matches before one final line terminator in Java (`^abc$` matches `"abc\n"`);
//!   in ECMA-262 only at the end.
//! - `.` excludes U+0085 (NEXT LINE) in Java as well as `\n`, `\r`, U+2028 and U+2029; ECMA-262
//!   lets it match U+0085.
//! - `\s` is ASCII whitespace (space, `\t`, `\n`, U+000B, `\f`, `\r`) in Java; ECMA-262 adds
//!   U+00A0, U+FEFF, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F and U+3000 (and `\S`
//!   is the complement in each).
//! - `(?i)` folds ASCII letters only in Java (without `UNICODE_CASE`); ECMA-262 with `u` folds
//!   all of Unicode. (The `regex` crate folds Unicode too; AWS's models use `(?i)` only with
//!   ASCII letters, which every dialect folds alike.)
//! - In a character class, `[` opens a nested class and `&&` intersects in Java; in ECMA-262
//!   without the `v` flag, `[` inside a class is a literal and `&&` two ampersands.
//! - Java accepts identity escapes (`\_`, `\-` outside classes), POSIX classes (`\p{Alnum}`,
//!   `\p{Punct}`, `\p{Print}`, ...), `\p{LD}`, possessive quantifiers and octal escapes; in
//!   ECMA-262 Unicode mode these are syntax errors, so those patterns are not valid in both.

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
