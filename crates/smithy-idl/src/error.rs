//! Load errors and warnings: where in which file, what went wrong (or is doubtful), and a
//! snippet with a caret under the spot.

use std::fmt;

/// One reason a model could not be loaded, with the place in the source it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
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

impl Error {
    /// Builds an error at a line and column of a file, keeping the offending line for the snippet.
    pub(crate) fn at(file: &str, text: &str, line: usize, column: usize, message: String) -> Self {
        let source_line = text
            .split('\n')
            .nth(line.saturating_sub(1))
            .map(|l| l.trim_end_matches('\r').to_string());
        Error {
            file: file.to_string(),
            line,
            column,
            message,
            source_line,
        }
    }

    /// Builds an error about the model as a whole, with no one place in a file.
    pub(crate) fn model(file: &str, message: String) -> Self {
        Error {
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
