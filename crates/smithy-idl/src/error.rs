//! Load errors and warnings: where in which file, what went wrong (or is doubtful), and a
//! snippet with a caret under the spot.

use std::fmt;

/// One reason a model could not be loaded, with the place in the source it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What kind of problem this is, to match on rather than the message.
    pub kind: ErrorKind,
    /// The name of the file the error is in, as it was given to the loader.
    pub file: String,
    /// The 1-based line of the offending text (0 when the error has no place in a file).
    pub line: usize,
    /// The 1-based column, counted in characters, of the offending text.
    pub column: usize,
    /// What went wrong and, for syntax errors, what was expected instead.
    pub message: String,
    /// The text of the offending line, kept so the error can be shown without the file.
    pub source_line: Option<String>,
}

/// What kind of problem an [`Error`] reports. The message says the same in words; the kind is
/// what code should match on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A file or folder could not be read.
    Io,
    /// The text is not valid IDL, or a JSON AST file is not valid JSON or not an object.
    Syntax,
    /// A reference names a shape defined nowhere: not in the inputs, the prelude, or a
    /// package that resolves without its files. This covers member targets, operation,
    /// service and resource properties, mixins, `for`, unquoted shape ids in node values, and
    /// the targets of `apply` and of traits.
    UnresolvedShape {
        /// The absolute shape id the reference resolves to, member included if it names one.
        id: String,
    },
    /// A shape is defined twice, and the two definitions differ.
    ShapeConflict {
        /// The shape defined twice.
        id: String,
    },
    /// A trait is applied twice to the same shape or member with different values.
    TraitConflict,
    /// A metadata key is given two different values.
    MetadataConflict,
    /// A trait application names no shape.
    UnknownTrait {
        /// The absolute id of the trait.
        id: String,
    },
    /// A trait application names a shape that is not marked `@trait`.
    NotATrait {
        /// The absolute id of the shape applied as a trait.
        id: String,
    },
    /// A trait value is not of the kind its definition takes, or an enum or intEnum member
    /// has a value its shape does not allow.
    InvalidTraitValue,
    /// A trait is applied to a shape of the prelude, which other files cannot change.
    ImmutablePrelude,
    /// A shape, trait or syntax is used that the file's IDL version does not have.
    Version,
    /// A mixin problem: a cycle, a mixin of another shape type or not marked `@mixin`, a
    /// member that conflicts with an inherited one, an operation or resource mixin with
    /// properties.
    Mixin,
    /// A shape breaks a rule of its type: a missing required member, a member a list, set or
    /// map cannot have, an enum without members, a service or resource property of the wrong
    /// form, an elided member nothing gives a target, a `for` target that is not a resource.
    InvalidShape,
}

impl Error {
    /// Builds an error at a line and column of a file, keeping the offending line for the snippet.
    pub(crate) fn at(
        kind: ErrorKind,
        file: &str,
        text: &str,
        line: usize,
        column: usize,
        message: String,
    ) -> Self {
        Error {
            kind,
            file: file.to_string(),
            line,
            column,
            message,
            source_line: source_line(text, line),
        }
    }

    /// Builds an error about a file as a whole, with no one place in it.
    pub(crate) fn model(kind: ErrorKind, file: &str, message: String) -> Self {
        Error {
            kind,
            file: file.to_string(),
            line: 0,
            column: 0,
            message,
            source_line: None,
        }
    }

    /// The one-line form Smithy's own loader uses: `Syntax error at line L, column C: message`.
    pub fn headline(&self) -> String {
        if self.line == 0 {
            self.message.clone()
        } else {
            format!(
                "Syntax error at line {}, column {}: {}",
                self.line, self.column, self.message
            )
        }
    }
}

impl fmt::Display for Error {
    /// Renders the error as `file:line:column: message`, then the line with a caret under the
    /// column, the way compilers show it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        render(
            f,
            &self.file,
            self.line,
            self.column,
            &self.message,
            self.source_line.as_deref(),
        )
    }
}

impl std::error::Error for Error {}

/// Something Smithy's loader accepts but warns about (an unknown control statement or shape
/// property, a `use` of a shape defined nowhere, a deprecated trait), with the place it points
/// at. It has the fields of an [`Error`] and renders the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The name of the file the warning is about, as it was given to the loader.
    pub file: String,
    /// The 1-based line of the text in question (0 when the warning has no place in a file).
    pub line: usize,
    /// The 1-based column, counted in characters, of the text in question.
    pub column: usize,
    /// What is doubtful.
    pub message: String,
    /// The text of the line, kept so the warning can be shown without the file.
    pub source_line: Option<String>,
}

impl Warning {
    /// Builds a warning at a line and column of a file, keeping the line for the snippet.
    pub(crate) fn at(file: &str, text: &str, line: usize, column: usize, message: String) -> Self {
        Warning {
            file: file.to_string(),
            line,
            column,
            message,
            source_line: source_line(text, line),
        }
    }
}

impl From<Error> for Warning {
    fn from(error: Error) -> Self {
        Warning {
            file: error.file,
            line: error.line,
            column: error.column,
            message: error.message,
            source_line: error.source_line,
        }
    }
}

/// The text of a 1-based line of a file, without its line break.
fn source_line(text: &str, line: usize) -> Option<String> {
    text.split('\n')
        .nth(line.saturating_sub(1))
        .map(|l| l.trim_end_matches('\r').to_string())
}

impl fmt::Display for Warning {
    /// Renders the warning as `file:line:column: message` with the line and a caret under the
    /// column, as an [`Error`] renders.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        render(
            f,
            &self.file,
            self.line,
            self.column,
            &self.message,
            self.source_line.as_deref(),
        )
    }
}

/// `file:line:column: message`, then the line with a caret under the column.
fn render(
    f: &mut fmt::Formatter<'_>,
    file: &str,
    line_number: usize,
    column: usize,
    message: &str,
    source_line: Option<&str>,
) -> fmt::Result {
    if line_number == 0 {
        return write!(f, "{file}: {message}");
    }
    writeln!(f, "{file}:{line_number}:{column}: {message}")?;
    if let Some(line) = source_line {
        let gutter = line_number.to_string();
        let pad = " ".repeat(gutter.len());
        // Tabs stay tabs under the caret so it lines up whatever the tab width.
        let lead: String = line
            .chars()
            .take(column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        writeln!(f, "{pad} |")?;
        writeln!(f, "{gutter} | {line}")?;
        write!(f, "{pad} | {lead}^")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_caret_under_the_column() {
        let error = Error::at(
            ErrorKind::Syntax,
            "a.smithy",
            "namespace a\nstring %x\n",
            2,
            8,
            "Unexpected character: '%'".into(),
        );
        assert_eq!(
            error.to_string(),
            "a.smithy:2:8: Unexpected character: '%'\n  |\n2 | string %x\n  |        ^"
        );
    }
}
