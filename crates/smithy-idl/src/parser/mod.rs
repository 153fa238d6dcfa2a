//! Reads the tokens of one IDL file into statements: control statements, metadata, the
//! namespace, `use`, shapes with their members and traits, and `apply`. Shape ids stay as
//! written; resolving them needs every file, so that is `assemble`'s job.
//!
//! Where whitespace is required, skipped or must hold a line break follows Smithy's own
//! parser, so syntax errors point at the same line and column. This module holds what the
//! parser produces and how it moves over tokens; the statements are read in its submodules.

mod control;
mod shapes;
mod values;

use std::collections::{BTreeMap, VecDeque};

use crate::lexer::{Kind, Token, tokenize_into};

/// How deeply lists and objects may nest in a node value.
const MAX_NESTING: usize = 64;

/// A place in a file, 1-based.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Location {
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// A shape id as written, not yet resolved, and where it was written.
#[derive(Debug, Clone)]
pub(crate) struct Reference {
    pub(crate) text: String,
    pub(crate) location: Location,
}

/// A node value; unquoted shape ids are kept as references to be resolved.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    String(String),
    Number(String),
    Bool(bool),
    Null,
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
    ShapeId(Reference),
}

/// One trait application: `@name`, `@name(value)` or a documentation comment.
#[derive(Debug, Clone)]
pub(crate) struct TraitApplication {
    pub(crate) name: Reference,
    pub(crate) value: Node,
    /// Where the application starts: its `@`, or for a trait the syntax implies (a
    /// documentation comment, `= value`) where that is written.
    pub(crate) location: Location,
    /// Written without a value, so the value depends on the trait's shape type.
    pub(crate) annotation: bool,
    /// Made from `///` lines rather than written as `@documentation`.
    pub(crate) doc_comment: bool,
}

/// A member as written: an elided member (`$name`) has no target.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub(crate) name: String,
    pub(crate) target: Option<Reference>,
    pub(crate) traits: Vec<TraitApplication>,
    pub(crate) location: Location,
}

/// The IDL version a file declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    V1,
    V2,
}

impl Version {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Version::V1 => "1.0",
            Version::V2 => "2.0",
        }
    }
}

/// One shape statement, or an inline input or output structure.
#[derive(Debug, Clone)]
pub(crate) struct Shape {
    /// The absolute shape id: the file's namespace and the name written.
    pub(crate) id: String,
    pub(crate) kind: String,
    pub(crate) location: Location,
    pub(crate) traits: Vec<TraitApplication>,
    pub(crate) mixins: Vec<Reference>,
    pub(crate) for_resource: Option<Reference>,
    pub(crate) members: Vec<Member>,
    /// The body of a service or resource, read as one object node.
    pub(crate) properties: Vec<(String, Node)>,
    pub(crate) input: Option<Reference>,
    pub(crate) output: Option<Reference>,
    pub(crate) errors: Option<Vec<Reference>>,
}

/// An `apply` statement.
#[derive(Debug, Clone)]
pub(crate) struct Apply {
    pub(crate) target: Reference,
    pub(crate) traits: Vec<TraitApplication>,
}

/// Everything one file says, shape ids not yet resolved.
#[derive(Debug, Clone)]
pub(crate) struct File {
    pub(crate) version: Version,
    pub(crate) namespace: Option<String>,
    pub(crate) uses: BTreeMap<String, String>,
    pub(crate) metadata: Vec<(String, Node, Location)>,
    pub(crate) shapes: Vec<Shape>,
    pub(crate) applies: Vec<Apply>,
    /// Each `use`d shape id, where it is written.
    pub(crate) use_statements: Vec<Reference>,
    /// What Smithy's parser warns about but accepts, where it is written.
    pub(crate) warnings: Vec<SyntaxError>,
}

/// A syntax error at a place in the file.
#[derive(Debug, Clone)]
pub(crate) struct SyntaxError {
    pub(crate) location: Location,
    pub(crate) message: String,
}

type Parse<T> = Result<T, SyntaxError>;

/// Parses one file. Like Smithy's parser it goes on after an error at the next line that looks
/// like the start of a statement, so one run reports every broken statement.
pub(crate) fn parse(text: &str, buffers: &mut Buffers) -> (File, Vec<SyntaxError>) {
    tokenize_into(text, &mut buffers.tokens);
    let mut parser = Parser {
        text,
        tokens: &mut buffers.tokens,
        index: 0,
        docs: VecDeque::new(),
        nesting: 0,
        errors: Vec::new(),
        input_suffix: "Input".into(),
        output_suffix: "Output".into(),
        file: File {
            version: Version::V1,
            namespace: None,
            uses: BTreeMap::new(),
            metadata: Vec::new(),
            shapes: Vec::new(),
            applies: Vec::new(),
            use_statements: Vec::new(),
            warnings: Vec::new(),
        },
    };
    parser.buffer_doc();
    if let Err(error) = parser.parse_file() {
        parser.errors.push(error);
    }
    (parser.file, parser.errors)
}

/// The tokens of the file being parsed, kept from file to file so a load of many files
/// allocates them once rather than once per file.
#[derive(Default)]
pub(crate) struct Buffers {
    tokens: Vec<Token>,
}

struct Parser<'a> {
    /// The file's text; token offsets are byte offsets into it.
    text: &'a str,
    tokens: &'a mut [Token],
    index: usize,
    /// Documentation comment lines read and not yet claimed by a shape or member.
    docs: VecDeque<String>,
    nesting: usize,
    errors: Vec<SyntaxError>,
    input_suffix: String,
    output_suffix: String,
    file: File,
}

impl Parser<'_> {
    fn token(&self) -> &Token {
        // The token list always ends with Eof and `next` never moves past it.
        self.tokens
            .get(self.index)
            .or_else(|| self.tokens.last())
            .unwrap_or(&EOF_TOKEN)
    }

    fn kind(&self) -> Kind {
        self.token().kind
    }

    fn location(&self) -> Location {
        let token = self.token();
        Location {
            line: token.line,
            column: token.column,
        }
    }

    fn lexeme(&self) -> String {
        let token = self.token();
        self.text(token.start, token.end)
    }

    fn text(&self, start: usize, end: usize) -> String {
        self.text
            .get(start..end)
            .map(str::to_owned)
            .unwrap_or_default()
    }

    fn is_lexeme(&self, word: &str) -> bool {
        let token = self.token();
        token.kind == Kind::Identifier
            && self
                .text
                .get(token.start..token.end)
                .is_some_and(|text| text == word)
    }

    fn has_next(&self) -> bool {
        self.kind() != Kind::Eof
    }

    fn next(&mut self) {
        if self.index + 1 < self.tokens.len() {
            self.index += 1;
            self.buffer_doc();
        }
    }

    /// Documentation comment lines are buffered as the tokenizer passes them, as Smithy does.
    fn buffer_doc(&mut self) {
        let token = self.token();
        if token.kind != Kind::DocComment {
            return;
        }
        let (start, end) = (token.start, token.end);
        let span = end - start;
        let doc_start = if span <= 3 {
            start
        } else if self.text.as_bytes().get(start + 3) == Some(&b' ') {
            start + 4
        } else {
            start + 3
        };
        let mut doc_end = end;
        let bytes = self.text.as_bytes();
        if bytes.get(doc_end.wrapping_sub(1)) == Some(&b'\n') {
            doc_end -= 1;
            if doc_end > 0 && bytes.get(doc_end - 1) == Some(&b'\r') {
                doc_end -= 1;
            }
        } else if bytes.get(doc_end.wrapping_sub(1)) == Some(&b'\r') {
            doc_end -= 1;
        }
        let line = self.text(doc_start, doc_end.max(doc_start));
        self.docs.push_back(line);
    }

    fn take_docs(&mut self) -> Option<String> {
        if self.docs.is_empty() {
            return None;
        }
        let lines: Vec<String> = self.docs.drain(..).collect();
        Some(lines.join("\n"))
    }

    fn error<T>(&self, message: String) -> Parse<T> {
        Err(SyntaxError {
            location: self.location(),
            message,
        })
    }

    fn expect(&self, kind: Kind) -> Parse<()> {
        if self.kind() == kind {
            return Ok(());
        }
        self.error(self.expect_message(&[kind]))
    }

    fn expect_one(&self, kinds: &[Kind]) -> Parse<Kind> {
        let current = self.kind();
        if kinds.contains(&current) {
            return Ok(current);
        }
        self.error(self.expect_message(kinds))
    }

    fn expect_message(&self, kinds: &[Kind]) -> String {
        let current = self.kind();
        if current == Kind::Error {
            return self.token().value.clone();
        }
        let found = current.debug_with(&self.lexeme());
        match kinds {
            [one] => format!("Expected {} but found {found}", one.debug()),
            _ => {
                let names: Vec<String> = kinds.iter().map(|k| k.debug()).collect();
                format!("Expected one of {}; but found {found}", names.join(", "))
            }
        }
    }

    fn skip_spaces(&mut self) {
        while self.kind() == Kind::Space {
            self.next();
        }
    }

    fn skip_ws(&mut self) {
        while self.kind().is_whitespace() {
            self.next();
        }
    }

    fn skip_ws_and_docs(&mut self) {
        while self.kind().is_whitespace() || self.kind() == Kind::DocComment {
            self.next();
        }
    }

    fn expect_and_skip_spaces(&mut self) -> Parse<()> {
        self.expect(Kind::Space)?;
        self.skip_spaces();
        Ok(())
    }

    fn expect_and_skip_whitespace(&mut self) -> Parse<()> {
        if !self.kind().is_whitespace() {
            return self.error(format!(
                "Expected one or more whitespace characters, but found {}",
                self.kind().debug_with(&self.lexeme())
            ));
        }
        self.skip_ws_and_docs();
        Ok(())
    }

    /// The grammar's `br`: optional spaces, then a line break, a comment or the end of the file.
    fn expect_and_skip_br(&mut self) -> Parse<()> {
        self.skip_spaces();
        self.docs.clear();
        match self.kind() {
            Kind::Newline | Kind::Comment | Kind::DocComment => {
                self.next();
                self.skip_ws();
                Ok(())
            }
            Kind::Eof => Ok(()),
            other => self.error(format!(
                "Expected a line break, but found {}",
                other.debug_with(&self.lexeme())
            )),
        }
    }

    fn deeper(&mut self) -> Parse<()> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return self.error(format!(
                "Parser exceeded maximum allowed depth of {MAX_NESTING}"
            ));
        }
        Ok(())
    }

    fn parse_file(&mut self) -> Parse<()> {
        self.skip_ws_and_docs();
        self.parse_control_section();
        self.skip_ws_and_docs();
        self.parse_metadata_section();
        self.parse_shape_section()
    }

    /// Records an error and skips to the next line that starts like a statement.
    fn recover(&mut self, error: SyntaxError) -> Parse<()> {
        if !self.has_next() {
            return Err(error);
        }
        self.errors.push(error);
        loop {
            self.next();
            let token = self.token();
            if token.column == 1
                && matches!(
                    token.kind,
                    Kind::Identifier | Kind::DocComment | Kind::At | Kind::Dollar
                )
            {
                return Ok(());
            }
            if !self.has_next() {
                return Ok(());
            }
        }
    }

    /// The decoded value of the current string or text block token, taken out of it: the
    /// parser reads each token's value once and then moves past it.
    fn take_value(&mut self) -> String {
        self.tokens
            .get_mut(self.index)
            .map(|token| std::mem::take(&mut token.value))
            .unwrap_or_default()
    }

    fn string_or_identifier(&self) -> String {
        match self.kind() {
            Kind::String => self.token().value.clone(),
            _ => self.lexeme(),
        }
    }

    fn namespace(&self) -> String {
        self.file.namespace.clone().unwrap_or_default()
    }
}

static EOF_TOKEN: Token = Token {
    kind: Kind::Eof,
    start: 0,
    end: 0,
    line: 1,
    column: 1,
    value: String::new(),
};
