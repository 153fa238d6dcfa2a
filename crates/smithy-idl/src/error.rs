//! Load errors: where in which file, what went wrong, and a snippet with a caret under the spot.

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
        if self.line == 0 {
            return write!(f, "{}: {}", self.file, self.message);
        }
        writeln!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )?;
        if let Some(line) = &self.source_line {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            // Tabs stay tabs under the caret so it lines up whatever the tab width.
            let lead: String = line
                .chars()
                .take(self.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(f, "{pad} |")?;
            writeln!(f, "{gutter} | {line}")?;
            write!(f, "{pad} | {lead}^")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

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
