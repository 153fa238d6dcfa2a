//! Reads the tokens of one IDL file into statements: control statements, metadata, the
//! namespace, `use`, shapes with their members and traits, and `apply`. Shape ids stay as
//! written; resolving them needs every file, so that is `assemble`'s job.
//!
//! Where whitespace is required, skipped or must hold a line break follows Smithy's own
//! parser, so syntax errors point at the same line and column.

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

    fn parse_control_section(&mut self) {
        let mut defined: Vec<String> = Vec::new();
        while self.kind() == Kind::Dollar {
            let result = self.parse_control_statement(&mut defined);
            if let Err(error) = result
                && let Err(error) = self.recover(error)
            {
                self.errors.push(error);
                return;
            }
        }
    }

    fn parse_control_statement(&mut self, defined: &mut Vec<String>) -> Parse<()> {
        self.next();
        self.expect_one(&[Kind::Identifier, Kind::String])?;
        let key = self.string_or_identifier();
        self.next();
        self.skip_spaces();
        self.expect(Kind::Colon)?;
        self.next();
        self.skip_spaces();
        if defined.contains(&key) {
            return self.error(format!("Duplicate control statement `{key}`"));
        }
        defined.push(key.clone());
        let location = self.location();
        let value = self.parse_node()?;
        match key.as_str() {
            "version" => {
                let Node::String(version) = &value else {
                    return Err(SyntaxError {
                        location,
                        message: format!(
                            "The $version control statement must have a string value, but found {}",
                            node_debug(&value)
                        ),
                    });
                };
                self.file.version = match version.as_str() {
                    "1" | "1.0" => Version::V1,
                    "2" | "2.0" => Version::V2,
                    other => {
                        return self.error(format!("Unsupported Smithy version number: {other}"));
                    }
                };
            }
            "operationInputSuffix" | "operationOutputSuffix" => {
                let Node::String(suffix) = value else {
                    return Err(SyntaxError {
                        location,
                        message: format!("Expected a string value for `{key}`"),
                    });
                };
                if key == "operationInputSuffix" {
                    self.input_suffix = suffix;
                } else {
                    self.output_suffix = suffix;
                }
            }
            // Smithy only warns about unknown control statements.
            _ => self.file.warnings.push(SyntaxError {
                location,
                message: format!(
                    "Unknown control statement `{key}` with value `{}`",
                    node_json(&value)
                ),
            }),
        }
        self.expect_and_skip_br()
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

    fn parse_metadata_section(&mut self) {
        while self.is_lexeme("metadata") {
            if let Err(error) = self.parse_metadata_statement()
                && let Err(error) = self.recover(error)
            {
                self.errors.push(error);
                return;
            }
        }
    }

    fn parse_metadata_statement(&mut self) -> Parse<()> {
        self.next();
        self.expect_and_skip_spaces()?;
        self.expect_one(&[Kind::Identifier, Kind::String])?;
        let key = self.string_or_identifier();
        self.next();
        self.skip_spaces();
        self.expect(Kind::Equal)?;
        self.next();
        self.skip_spaces();
        let location = self.location();
        let value = self.parse_node()?;
        self.file.metadata.push((key, value, location));
        self.expect_and_skip_br()?;
        self.skip_ws_and_docs();
        Ok(())
    }

    fn parse_shape_section(&mut self) -> Parse<()> {
        if self.is_lexeme("namespace") {
            self.next();
            self.expect_and_skip_spaces()?;
            let namespace = self.parse_namespace()?;
            self.file.namespace = Some(namespace);
            self.expect_and_skip_br()?;
            let doc_location = self.location();
            self.skip_ws_and_docs();
            if let Err(error) = self.parse_use_section() {
                self.recover(error)?;
            }
            self.parse_first_shape_statement(doc_location)?;
            while self.has_next() {
                let has_doc = self.kind() == Kind::DocComment;
                let result = self.parse_docs_and_traits(false).and_then(|traits| {
                    if self.should_parse_shape(&traits, has_doc) {
                        self.parse_shape_or_apply(traits)
                    } else {
                        Ok(())
                    }
                });
                if let Err(error) = result {
                    self.recover(error)?;
                }
            }
            Ok(())
        } else if self.has_next() {
            self.error(format!(
                "Expected a namespace definition but found {}",
                self.kind().debug_with(&self.lexeme())
            ))
        } else {
            Ok(())
        }
    }

    fn parse_use_section(&mut self) -> Parse<()> {
        while self.is_lexeme("use") {
            self.next();
            self.expect_and_skip_spaces()?;
            let location = self.location();
            let id = self.parse_absolute_shape_id()?;
            if id.contains('$') {
                return Err(SyntaxError {
                    location,
                    message: "Use statements cannot use members".into(),
                });
            }
            let name = id.rsplit('#').next().unwrap_or_default().to_string();
            if let Some(previous) = self.file.uses.get(&name) {
                return Err(SyntaxError {
                    location,
                    message: format!(
                        "Cannot use name `{id}` because it conflicts with `{previous}`"
                    ),
                });
            }
            self.file.use_statements.push(Reference {
                text: id.clone(),
                location,
            });
            self.file.uses.insert(name, id);
            self.expect_and_skip_br()?;
            self.skip_ws_and_docs();
        }
        Ok(())
    }

    fn parse_first_shape_statement(&mut self, doc_location: Location) -> Parse<()> {
        if self.kind() == Kind::Eof {
            return Ok(());
        }
        let result = (|| {
            self.skip_ws_and_docs();
            let docs = self.take_docs();
            let mut traits = self.parse_docs_and_traits(false)?;
            let has_doc = docs.is_some();
            if let Some(docs) = docs {
                traits.push(documentation(docs, doc_location));
            }
            if self.should_parse_shape(&traits, has_doc) {
                self.parse_shape_or_apply(traits)?;
            }
            Ok(())
        })();
        match result {
            Ok(()) => Ok(()),
            Err(error) => self.recover(error),
        }
    }

    fn should_parse_shape(&self, traits: &[TraitApplication], has_doc: bool) -> bool {
        if self.kind() != Kind::Eof {
            true
        } else if has_doc {
            traits.len() != 1
        } else {
            !traits.is_empty()
        }
    }

    /// Documentation comments and traits before a shape or member.
    fn parse_docs_and_traits(&mut self, member: bool) -> Parse<Vec<TraitApplication>> {
        self.skip_ws();
        let mut doc = None;
        if self.kind() == Kind::DocComment {
            let location = self.location();
            self.skip_ws_and_docs();
            doc = self.take_docs().map(|text| documentation(text, location));
        } else {
            self.skip_ws_and_docs();
        }
        self.skip_ws_and_docs();
        let mut traits = self.parse_traits()?;
        if let Some(doc) = doc {
            traits.push(doc);
        }
        self.skip_ws_and_docs();
        if member {
            self.docs.clear();
        }
        Ok(traits)
    }

    fn parse_traits(&mut self) -> Parse<Vec<TraitApplication>> {
        let mut traits = Vec::new();
        while self.kind() == Kind::At {
            traits.push(self.parse_trait()?);
            self.skip_ws_and_docs();
        }
        Ok(traits)
    }

    fn parse_trait(&mut self) -> Parse<TraitApplication> {
        let location = self.location();
        self.expect(Kind::At)?;
        self.next();
        let name_location = self.location();
        let name = Reference {
            text: self.parse_shape_id()?,
            location: name_location,
        };
        if self.kind() != Kind::LParen {
            return Ok(TraitApplication {
                name,
                location,
                value: Node::Null,
                annotation: true,
                doc_comment: false,
            });
        }
        self.next();
        self.skip_ws_and_docs();
        if self.kind() == Kind::RParen {
            self.next();
            return Ok(TraitApplication {
                name,
                location,
                value: Node::Null,
                annotation: true,
                doc_comment: false,
            });
        }
        let value = self.parse_trait_body()?;
        self.skip_ws_and_docs();
        self.expect(Kind::RParen)?;
        self.next();
        Ok(TraitApplication {
            name,
            location,
            value,
            annotation: false,
            doc_comment: false,
        })
    }

    fn parse_trait_body(&mut self) -> Parse<Node> {
        let kind = self.expect_one(&[
            Kind::LBrace,
            Kind::LBracket,
            Kind::TextBlock,
            Kind::String,
            Kind::Number,
            Kind::Identifier,
        ])?;
        match kind {
            Kind::LBrace | Kind::LBracket => {
                let node = self.parse_node()?;
                self.skip_ws_and_docs();
                Ok(node)
            }
            Kind::TextBlock => {
                let node = Node::String(self.take_value());
                self.next();
                self.skip_ws_and_docs();
                Ok(node)
            }
            Kind::Number => {
                let node = Node::Number(self.lexeme());
                self.next();
                self.skip_ws_and_docs();
                Ok(node)
            }
            Kind::String => {
                let key = self.take_value();
                self.next();
                self.skip_ws_and_docs();
                if self.kind() == Kind::Colon {
                    self.next();
                    self.skip_ws_and_docs();
                    self.parse_structured_trait(key)
                } else {
                    Ok(Node::String(key))
                }
            }
            _ => {
                let location = self.location();
                let identifier = self.parse_shape_id()?;
                self.skip_ws_and_docs();
                if self.kind() == Kind::RParen || identifier.contains(['.', '$', '#']) {
                    Ok(identifier_node(identifier, location))
                } else {
                    self.expect(Kind::Colon)?;
                    self.next();
                    self.skip_ws_and_docs();
                    self.parse_structured_trait(identifier)
                }
            }
        }
    }

    fn parse_structured_trait(&mut self, first_key: String) -> Parse<Node> {
        self.deeper()?;
        let first = self.parse_node()?;
        let mut entries = vec![(first_key, first)];
        self.skip_ws_and_docs();
        while self.kind() != Kind::RParen {
            self.expect_one(&[Kind::Identifier, Kind::String])?;
            let key = self.string_or_identifier();
            let key_location = self.location();
            self.next();
            self.skip_ws_and_docs();
            self.expect(Kind::Colon)?;
            self.next();
            self.skip_ws_and_docs();
            let value = self.parse_node()?;
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(SyntaxError {
                    location: key_location,
                    message: format!("Duplicate member of trait: '{key}'"),
                });
            }
            entries.push((key, value));
            self.skip_ws_and_docs();
        }
        self.nesting = self.nesting.saturating_sub(1);
        Ok(Node::Object(entries))
    }

    fn parse_node(&mut self) -> Parse<Node> {
        let kind = self.expect_one(&[
            Kind::String,
            Kind::TextBlock,
            Kind::Number,
            Kind::Identifier,
            Kind::LBrace,
            Kind::LBracket,
        ])?;
        match kind {
            Kind::String | Kind::TextBlock => {
                let node = Node::String(self.take_value());
                self.next();
                Ok(node)
            }
            Kind::Identifier => {
                let location = self.location();
                let id = self.parse_shape_id()?;
                Ok(identifier_node(id, location))
            }
            Kind::Number => {
                let node = Node::Number(self.lexeme());
                self.next();
                Ok(node)
            }
            Kind::LBrace => self.parse_object(),
            _ => self.parse_array(),
        }
    }

    fn parse_array(&mut self) -> Parse<Node> {
        self.deeper()?;
        self.expect(Kind::LBracket)?;
        self.next();
        self.skip_ws_and_docs();
        let mut values = Vec::new();
        while self.kind() != Kind::RBracket {
            values.push(self.parse_node()?);
            self.skip_ws_and_docs();
        }
        self.next();
        self.nesting = self.nesting.saturating_sub(1);
        Ok(Node::Array(values))
    }

    fn parse_object(&mut self) -> Parse<Node> {
        self.expect(Kind::LBrace)?;
        self.next();
        self.skip_ws_and_docs();
        self.deeper()?;
        let mut entries: Vec<(String, Node)> = Vec::new();
        while self.has_next() {
            if self.expect_one(&[Kind::RBrace, Kind::String, Kind::Identifier])? == Kind::RBrace {
                break;
            }
            let key = self.string_or_identifier();
            let key_location = self.location();
            self.next();
            self.skip_ws_and_docs();
            self.expect(Kind::Colon)?;
            self.next();
            self.skip_ws_and_docs();
            let value = self.parse_node()?;
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(SyntaxError {
                    location: key_location,
                    message: format!("Duplicate member: '{key}'"),
                });
            }
            entries.push((key, value));
            self.skip_ws_and_docs();
        }
        self.expect(Kind::RBrace)?;
        self.next();
        self.nesting = self.nesting.saturating_sub(1);
        Ok(Node::Object(entries))
    }

    /// `a.b.c`: identifiers joined by dots, returned as written.
    fn parse_namespace(&mut self) -> Parse<String> {
        let start = self.token().start;
        let end = self.skip_namespace()?;
        Ok(self.text(start, end))
    }

    /// Skips a namespace and returns where it ends.
    fn skip_namespace(&mut self) -> Parse<usize> {
        self.expect(Kind::Identifier)?;
        let mut end = self.token().end;
        self.next();
        while self.kind() == Kind::Dot {
            self.next();
            self.expect(Kind::Identifier)?;
            end = self.token().end;
            self.next();
        }
        Ok(end)
    }

    fn skip_relative_root_id(&mut self) -> Parse<usize> {
        self.expect(Kind::Identifier)?;
        let mut end = self.token().end;
        self.next();
        if self.kind() == Kind::Dollar {
            self.next();
            self.expect(Kind::Identifier)?;
            end = self.token().end;
            self.next();
        }
        Ok(end)
    }

    fn parse_absolute_shape_id(&mut self) -> Parse<String> {
        let start = self.token().start;
        self.skip_namespace()?;
        self.expect(Kind::Pound)?;
        self.next();
        let end = self.skip_relative_root_id()?;
        Ok(self.text(start, end))
    }

    /// A relative or absolute shape id, member included, as written.
    fn parse_shape_id(&mut self) -> Parse<String> {
        let start = self.token().start;
        let end = self.skip_namespace()?;
        if !matches!(self.kind(), Kind::Dollar | Kind::Pound) {
            return Ok(self.text(start, end));
        }
        self.next();
        let end = self.skip_relative_root_id()?;
        Ok(self.text(start, end))
    }

    fn namespace(&self) -> String {
        self.file.namespace.clone().unwrap_or_default()
    }

    fn parse_shape_or_apply(&mut self, traits: Vec<TraitApplication>) -> Parse<()> {
        let location = self.location();
        self.expect(Kind::Identifier)?;
        let kind = self.lexeme();
        if kind == "apply" {
            return self.parse_apply(traits);
        }
        if !SHAPE_TYPES.contains(&kind.as_str()) {
            return self.error(format!("Unknown shape type: {kind}"));
        }
        self.next();
        self.expect_and_skip_spaces()?;
        let id = self.parse_shape_name()?;
        let mut shape = Shape {
            id,
            kind: kind.clone(),
            location,
            traits,
            mixins: Vec::new(),
            for_resource: None,
            members: Vec::new(),
            properties: Vec::new(),
            input: None,
            output: None,
            errors: None,
        };
        match kind.as_str() {
            "list" | "set" | "map" | "union" | "structure" => {
                self.parse_aggregate(&mut shape)?;
            }
            "enum" | "intEnum" => self.parse_enum(&mut shape)?,
            "service" | "resource" => {
                self.parse_mixins().map(|mixins| shape.mixins = mixins)?;
                self.skip_ws_and_docs();
                self.expect(Kind::LBrace)?;
                let body_location = self.location();
                if let Node::Object(entries) = self.parse_node()? {
                    shape.properties = entries;
                }
                if kind == "resource"
                    && self.file.version == Version::V1
                    && shape.properties.iter().any(|(k, _)| k == "properties")
                {
                    return Err(SyntaxError {
                        location: body_location,
                        message: format!(
                            "Resource properties can only be used with Smithy version 2 or later. \
                             Attempted to use resource properties with version `{}`.",
                            self.file.version.label()
                        ),
                    });
                }
            }
            "operation" => self.parse_operation(&mut shape)?,
            _ => {
                shape.mixins = self.parse_mixins()?;
            }
        }
        self.file.shapes.push(shape);
        self.expect_and_skip_br()
    }

    fn parse_shape_name(&mut self) -> Parse<String> {
        let location = self.location();
        self.expect(Kind::Identifier)?;
        let name = self.lexeme();
        if let Some(previous) = self.file.uses.get(&name) {
            return Err(SyntaxError {
                location,
                message: format!("Shape name `{name}` conflicts with imported shape `{previous}`"),
            });
        }
        self.next();
        Ok(format!("{}#{}", self.namespace(), name))
    }

    fn parse_apply(&mut self, traits: Vec<TraitApplication>) -> Parse<()> {
        if traits.iter().any(|t| !is_doc(t)) {
            return self.error("Traits applied to apply statement".into());
        }
        self.next();
        self.expect_and_skip_whitespace()?;
        let location = self.location();
        let target = Reference {
            text: self.parse_shape_id()?,
            location,
        };
        self.expect_and_skip_whitespace()?;
        let traits = if self.expect_one(&[Kind::At, Kind::LBrace])? == Kind::At {
            vec![self.parse_trait()?]
        } else {
            self.next();
            self.skip_ws_and_docs();
            let traits = self.parse_traits()?;
            self.skip_ws_and_docs();
            self.expect(Kind::RBrace)?;
            self.next();
            traits
        };
        self.file.applies.push(Apply { target, traits });
        self.expect_and_skip_br()
    }

    fn parse_mixins(&mut self) -> Parse<Vec<Reference>> {
        self.skip_spaces();
        if !self.is_lexeme("with") {
            return Ok(Vec::new());
        }
        if self.file.version == Version::V1 {
            return self.error(format!(
                "Mixins can only be used with Smithy version 2 or later. Attempted to use mixins \
                 with version `{}`.",
                self.file.version.label()
            ));
        }
        self.next();
        self.skip_ws_and_docs();
        self.expect(Kind::LBracket)?;
        self.next();
        self.skip_ws_and_docs();
        let mut mixins = Vec::new();
        loop {
            let location = self.location();
            mixins.push(Reference {
                text: self.parse_shape_id()?,
                location,
            });
            self.skip_ws_and_docs();
            if self.kind() == Kind::RBracket {
                break;
            }
        }
        self.next();
        Ok(mixins)
    }

    fn parse_for_resource(&mut self, shape: &mut Shape) -> Parse<()> {
        self.skip_spaces();
        if !self.is_lexeme("for") {
            return Ok(());
        }
        if self.file.version == Version::V1 {
            return self.error(format!(
                "Structures can only be bound to resources with Smithy version 2 or later. \
                 Attempted to bind a structure to a resource with version `{}`.",
                self.file.version.label()
            ));
        }
        self.next();
        self.expect_and_skip_spaces()?;
        let location = self.location();
        shape.for_resource = Some(Reference {
            text: self.parse_shape_id()?,
            location,
        });
        Ok(())
    }

    fn parse_aggregate(&mut self, shape: &mut Shape) -> Parse<()> {
        self.parse_for_resource(shape)?;
        shape.mixins = self.parse_mixins()?;
        self.parse_members(shape)
    }

    fn parse_members(&mut self, shape: &mut Shape) -> Parse<()> {
        self.skip_ws_and_docs();
        self.docs.clear();
        self.expect(Kind::LBrace)?;
        self.next();
        self.skip_ws();
        while self.has_next() && self.kind() != Kind::RBrace {
            self.parse_member(shape)?;
            self.skip_ws();
        }
        self.expect(Kind::RBrace)?;
        self.next();
        Ok(())
    }

    fn parse_member(&mut self, shape: &mut Shape) -> Parse<()> {
        let mut traits = self.parse_docs_and_traits(true)?;
        let location = self.location();
        if self.kind() == Kind::RBrace && traits.len() == 1 && traits.iter().all(is_doc) {
            return Ok(());
        }
        let elided = self.kind() == Kind::Dollar;
        if elided {
            self.next();
        }
        self.expect(Kind::Identifier)?;
        let name = self.lexeme();
        if shape.members.iter().any(|m| m.name == name) {
            return self.error(format!("Duplicate member of `{}`: '{name}'", shape.id));
        }
        if elided && self.file.version == Version::V1 {
            return self.error("Members can only elide targets in IDL version 2 or later".into());
        }
        self.next();
        let mut target = None;
        if !elided {
            self.skip_spaces();
            self.expect(Kind::Colon)?;
            self.next();
            self.skip_spaces();
            let target_location = self.location();
            target = Some(Reference {
                text: self.parse_shape_id()?,
                location: target_location,
            });
        }
        self.skip_spaces();
        if self.kind() == Kind::Equal {
            if self.file.version == Version::V1 {
                return self.error(
                    "@default assignment is only supported in IDL version 2 or later".into(),
                );
            }
            self.next();
            self.skip_spaces();
            let default_location = self.location();
            let value = self.parse_node()?;
            traits.push(TraitApplication {
                name: Reference {
                    text: "smithy.api#default".into(),
                    location: default_location,
                },
                location: default_location,
                value,
                annotation: false,
                doc_comment: false,
            });
            self.skip_spaces();
            if self.kind() == Kind::Comma {
                self.next();
            }
            self.expect_and_skip_br()?;
        }
        shape.members.push(Member {
            name,
            target,
            traits,
            location,
        });
        Ok(())
    }

    fn parse_enum(&mut self, shape: &mut Shape) -> Parse<()> {
        shape.mixins = self.parse_mixins()?;
        self.skip_ws_and_docs();
        self.expect(Kind::LBrace)?;
        self.next();
        self.skip_ws();
        while !matches!(self.kind(), Kind::Eof | Kind::RBrace) {
            let mut traits = self.parse_docs_and_traits(true)?;
            let location = self.location();
            self.expect(Kind::Identifier)?;
            let name = self.lexeme();
            if shape.members.iter().any(|m| m.name == name) {
                return self.error(format!("Found conflicting member name, `{name}`"));
            }
            self.next();
            self.skip_spaces();
            if self.kind() == Kind::Equal {
                self.next();
                self.skip_spaces();
                let value_location = self.location();
                let value = self.parse_node()?;
                traits.push(TraitApplication {
                    name: Reference {
                        text: "smithy.api#enumValue".into(),
                        location: value_location,
                    },
                    location: value_location,
                    value,
                    annotation: false,
                    doc_comment: false,
                });
                self.skip_spaces();
                if self.kind() == Kind::Comma {
                    self.next();
                }
                self.expect_and_skip_br()?;
            } else {
                self.skip_ws();
            }
            shape.members.push(Member {
                name,
                target: Some(Reference {
                    text: "smithy.api#Unit".into(),
                    location,
                }),
                traits,
                location,
            });
        }
        self.expect(Kind::RBrace)?;
        self.next();
        Ok(())
    }

    fn parse_operation(&mut self, shape: &mut Shape) -> Parse<()> {
        shape.mixins = self.parse_mixins()?;
        self.skip_ws_and_docs();
        self.expect(Kind::LBrace)?;
        self.next();
        self.skip_ws_and_docs();
        let mut defined: Vec<String> = Vec::new();
        while self.has_next() && self.kind() != Kind::RBrace {
            self.expect(Kind::Identifier)?;
            let key = self.lexeme();
            if defined.contains(&key) {
                return self.error(format!(
                    "Duplicate operation {key} property for `{}`",
                    shape.id
                ));
            }
            defined.push(key.clone());
            self.next();
            self.skip_ws_and_docs();
            match key.as_str() {
                "input" | "output" => {
                    let how = self.expect_one(&[Kind::Colon, Kind::Walrus])?;
                    self.next();
                    let target = self.parse_operation_io(shape, &key, how)?;
                    if key == "input" {
                        shape.input = Some(target);
                    } else {
                        shape.output = Some(target);
                    }
                }
                "errors" => {
                    self.expect(Kind::Colon)?;
                    self.next();
                    shape.errors = Some(self.parse_id_list()?);
                }
                _ => {
                    return self.error(format!("Unknown property {key} for {}", shape.id));
                }
            }
            self.expect_and_skip_whitespace()?;
            self.skip_ws_and_docs();
        }
        self.expect(Kind::RBrace)?;
        self.next();
        Ok(())
    }

    fn parse_operation_io(&mut self, operation: &Shape, key: &str, how: Kind) -> Parse<Reference> {
        if how != Kind::Walrus {
            self.skip_ws_and_docs();
            let location = self.location();
            return Ok(Reference {
                text: self.parse_shape_id()?,
                location,
            });
        }
        if self.file.version == Version::V1 {
            return self.error(format!(
                "Inlined operation inputs and outputs can only be used with Smithy version 2 or \
                 later. Attempted to use inlined IO with version `{}`.",
                self.file.version.label()
            ));
        }
        self.docs.clear();
        self.skip_ws();
        let (suffix, marker) = if key == "input" {
            (self.input_suffix.clone(), "smithy.api#input")
        } else {
            (self.output_suffix.clone(), "smithy.api#output")
        };
        let mut traits = self.parse_docs_and_traits(true)?;
        let location = self.location();
        traits.push(TraitApplication {
            name: Reference {
                text: marker.into(),
                location,
            },
            location,
            value: Node::Null,
            annotation: true,
            doc_comment: false,
        });
        let name = operation.id.rsplit('#').next().unwrap_or_default();
        let id = format!("{}#{}{}", self.namespace(), name, suffix);
        let mut shape = Shape {
            id: id.clone(),
            kind: "structure".into(),
            location,
            traits,
            mixins: Vec::new(),
            for_resource: None,
            members: Vec::new(),
            properties: Vec::new(),
            input: None,
            output: None,
            errors: None,
        };
        self.parse_aggregate(&mut shape)?;
        self.file.shapes.push(shape);
        Ok(Reference { text: id, location })
    }

    fn parse_id_list(&mut self) -> Parse<Vec<Reference>> {
        self.deeper()?;
        self.skip_ws_and_docs();
        self.expect(Kind::LBracket)?;
        self.next();
        self.skip_ws_and_docs();
        let mut ids = Vec::new();
        while self.has_next() && self.kind() != Kind::RBracket {
            self.expect(Kind::Identifier)?;
            let location = self.location();
            ids.push(Reference {
                text: self.parse_shape_id()?,
                location,
            });
            self.skip_ws_and_docs();
        }
        self.expect(Kind::RBracket)?;
        self.next();
        self.nesting = self.nesting.saturating_sub(1);
        Ok(ids)
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

/// The shape types a shape statement may name.
const SHAPE_TYPES: &[&str] = &[
    "blob",
    "boolean",
    "string",
    "byte",
    "short",
    "integer",
    "long",
    "float",
    "double",
    "bigInteger",
    "bigDecimal",
    "timestamp",
    "document",
    "list",
    "set",
    "map",
    "structure",
    "union",
    "enum",
    "intEnum",
    "service",
    "resource",
    "operation",
];

fn documentation(text: String, location: Location) -> TraitApplication {
    TraitApplication {
        name: Reference {
            text: "smithy.api#documentation".into(),
            location,
        },
        location,
        value: Node::String(text),
        annotation: false,
        doc_comment: true,
    }
}

pub(crate) fn is_doc(application: &TraitApplication) -> bool {
    application.doc_comment
}

fn identifier_node(identifier: String, location: Location) -> Node {
    match identifier.as_str() {
        "true" => Node::Bool(true),
        "false" => Node::Bool(false),
        "null" => Node::Null,
        _ => Node::ShapeId(Reference {
            text: identifier,
            location,
        }),
    }
}

/// A node printed as JSON, for messages.
/// A node value written as compact JSON, shape ids as strings.
fn node_json(node: &Node) -> String {
    fn quoted(text: &str) -> String {
        serde_json::Value::String(text.to_string()).to_string()
    }
    match node {
        Node::String(s) => quoted(s),
        Node::Number(n) => n.clone(),
        Node::Bool(b) => b.to_string(),
        Node::Null => "null".into(),
        Node::Array(items) => {
            let items: Vec<String> = items.iter().map(node_json).collect();
            format!("[{}]", items.join(","))
        }
        Node::Object(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(key, value)| format!("{}:{}", quoted(key), node_json(value)))
                .collect();
            format!("{{{}}}", entries.join(","))
        }
        Node::ShapeId(reference) => quoted(&reference.text),
    }
}

fn node_debug(node: &Node) -> String {
    match node {
        Node::String(s) => format!("{s:?}"),
        Node::Number(n) => n.clone(),
        Node::Bool(b) => b.to_string(),
        Node::Null => "null".into(),
        Node::Array(_) => "[...]".into(),
        Node::Object(_) => "{...}".into(),
        Node::ShapeId(r) => format!("{:?}", r.text),
    }
}
