//! Splits IDL text into tokens with line and column spans, whitespace and comments included,
//! because the grammar gives meaning to line breaks and to where spaces are required.

/// The kinds of token, named as Smithy's own tokenizer names them so error messages match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Space,
    Newline,
    Comma,
    Comment,
    DocComment,
    At,
    String,
    TextBlock,
    Colon,
    Walrus,
    Identifier,
    Dot,
    Pound,
    Dollar,
    Number,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Equal,
    Eof,
    Error,
}

impl Kind {
    /// Spaces, line breaks, commas and plain comments carry no meaning between most tokens.
    pub(crate) fn is_whitespace(self) -> bool {
        matches!(
            self,
            Kind::Space | Kind::Newline | Kind::Comma | Kind::Comment
        )
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Space => "SPACE",
            Kind::Newline => "NEWLINE",
            Kind::Comma => "COMMA",
            Kind::Comment => "COMMENT",
            Kind::DocComment => "DOC_COMMENT",
            Kind::At => "AT",
            Kind::String => "STRING",
            Kind::TextBlock => "TEXT_BLOCK",
            Kind::Colon => "COLON",
            Kind::Walrus => "WALRUS",
            Kind::Identifier => "IDENTIFIER",
            Kind::Dot => "DOT",
            Kind::Pound => "POUND",
            Kind::Dollar => "DOLLAR",
            Kind::Number => "NUMBER",
            Kind::LBrace => "LBRACE",
            Kind::RBrace => "RBRACE",
            Kind::LBracket => "LBRACKET",
            Kind::RBracket => "RBRACKET",
            Kind::LParen => "LPAREN",
            Kind::RParen => "RPAREN",
            Kind::Equal => "EQUAL",
            Kind::Eof => "EOF",
            Kind::Error => "ERROR",
        }
    }

    fn example(self) -> &'static str {
        match self {
            Kind::Space => " ",
            Kind::Newline => "\\n",
            Kind::Comma => ",",
            Kind::Comment => "//",
            Kind::DocComment => "///",
            Kind::At => "@",
            Kind::String => "\"",
            Kind::TextBlock => "\"\"\"",
            Kind::Colon => ":",
            Kind::Walrus => ":=",
            Kind::Dot => ".",
            Kind::Pound => "#",
            Kind::Dollar => "$",
            Kind::LBrace => "{",
            Kind::RBrace => "}",
            Kind::LBracket => "[",
            Kind::RBracket => "]",
            Kind::LParen => "(",
            Kind::RParen => ")",
            Kind::Equal => "=",
            Kind::Identifier | Kind::Number | Kind::Eof | Kind::Error => "",
        }
    }

    /// The kind as an expectation: `LBRACE('{')`, or just `NUMBER` when it has no fixed text.
    pub(crate) fn debug(self) -> String {
        self.debug_with(self.example())
    }

    /// The kind with the text actually found: `IDENTIFIER('with')`.
    pub(crate) fn debug_with(self, lexeme: &str) -> String {
        if lexeme.is_empty() {
            self.name().to_string()
        } else {
            let lexeme = lexeme.replace('\n', "\\n").replace('\r', "\\r");
            format!("{}('{}')", self.name(), lexeme)
        }
    }
}

/// One token: its kind, where it is, and for strings, text blocks and errors, its value.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    /// Byte offsets of the token's text, always on character boundaries.
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The 1-based line and column (counted in characters) where the token starts.
    pub(crate) line: usize,
    pub(crate) column: usize,
    /// The decoded value of a string or text block, or the message of an error token.
    pub(crate) value: String,
}

/// Turns the whole text into tokens, always ending with one `Eof` token.
#[cfg(test)]
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    tokenize_into(text, &mut tokens);
    tokens
}

/// Replaces the contents of `tokens` with the tokens of the text, ending with one `Eof`.
/// The caller keeps the vector between files, so its memory is allocated once per load.
pub(crate) fn tokenize_into(text: &str, tokens: &mut Vec<Token>) {
    tokens.clear();
    let mut lexer = Lexer {
        text,
        bytes: text.as_bytes(),
        position: 0,
        line: 1,
        column: 1,
    };
    loop {
        let token = lexer.next_token();
        let done = token.kind == Kind::Eof;
        tokens.push(token);
        if done {
            return;
        }
    }
}

/// Walks the UTF-8 bytes of the text. Every token the grammar knows is ASCII, so bytes are
/// compared directly; a whole character is decoded only for error messages. `position` always
/// sits on a character boundary and `column` counts characters, not bytes.
struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    position: usize,
    line: usize,
    column: usize,
}

/// What `peek` gives past the end. No ASCII token starts with or contains a NUL, so a NUL in
/// the text and the end of the text lead to the same decisions, as `eof` tells them apart.
const EOF: u8 = 0;

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

impl Lexer<'_> {
    fn peek(&self) -> u8 {
        self.peek_at(0)
    }

    /// The byte `offset` bytes ahead; only used where the bytes before it are ASCII.
    fn peek_at(&self, offset: usize) -> u8 {
        self.bytes
            .get(self.position + offset)
            .copied()
            .unwrap_or(EOF)
    }

    /// The whole character at the current position, for messages.
    fn peek_char(&self) -> char {
        self.text
            .get(self.position..)
            .and_then(|rest| rest.chars().next())
            .unwrap_or('\u{ffff}')
    }

    fn eof(&self) -> bool {
        self.position >= self.bytes.len()
    }

    /// Steps over one character, counting `\n`, `\r\n` and `\r` each as one line break.
    fn skip(&mut self) {
        match self.bytes.get(self.position) {
            None => return,
            Some(b'\r') => {
                if self.peek_at(1) == b'\n' {
                    self.position += 1;
                }
                self.line += 1;
                self.column = 1;
            }
            Some(b'\n') => {
                self.line += 1;
                self.column = 1;
            }
            Some(&b) => {
                self.column += 1;
                if b >= 0x80 {
                    // The rest of a multi-byte character.
                    self.position += 1;
                    while self
                        .bytes
                        .get(self.position)
                        .is_some_and(|&b| is_continuation(b))
                    {
                        self.position += 1;
                    }
                    return;
                }
            }
        }
        self.position += 1;
    }

    /// Steps over one byte known to be ASCII and not a line break.
    fn skip_ascii(&mut self) {
        self.position += 1;
        self.column += 1;
    }

    fn slice(&self, start: usize) -> String {
        self.text
            .get(start..self.position)
            .map(str::to_owned)
            .unwrap_or_default()
    }

    fn next_token(&mut self) -> Token {
        let mut token = Token {
            kind: Kind::Eof,
            start: self.position,
            end: self.position,
            line: self.line,
            column: self.column,
            value: String::new(),
        };
        let c = self.peek();
        let kind = if self.eof() {
            Kind::Eof
        } else {
            match c {
                b' ' | b'\t' => {
                    while matches!(self.peek(), b' ' | b'\t') {
                        self.skip_ascii();
                    }
                    Kind::Space
                }
                b'\r' | b'\n' => {
                    self.skip();
                    Kind::Newline
                }
                b',' => self.single(Kind::Comma),
                b'@' => self.single(Kind::At),
                b'$' => self.single(Kind::Dollar),
                b'.' => self.single(Kind::Dot),
                b'{' => self.single(Kind::LBrace),
                b'}' => self.single(Kind::RBrace),
                b'[' => self.single(Kind::LBracket),
                b']' => self.single(Kind::RBracket),
                b'(' => self.single(Kind::LParen),
                b')' => self.single(Kind::RParen),
                b'#' => self.single(Kind::Pound),
                b'=' => self.single(Kind::Equal),
                b':' => {
                    self.skip_ascii();
                    if self.peek() == b'=' {
                        self.skip_ascii();
                        Kind::Walrus
                    } else {
                        Kind::Colon
                    }
                }
                b'"' => self.string(&mut token.value),
                b'/' => self.comment(&mut token.value),
                b'-' | b'0'..=b'9' => self.number(&mut token.value),
                b'A'..=b'Z' | b'a'..=b'z' | b'_' => self.identifier(&mut token.value),
                _ => {
                    token.value = format!("Unexpected character: '{}'", self.peek_char());
                    self.skip();
                    Kind::Error
                }
            }
        };
        token.kind = kind;
        token.end = self.position;
        token
    }

    /// Steps over a one-character ASCII token.
    fn single(&mut self, kind: Kind) -> Kind {
        self.skip_ascii();
        kind
    }

    fn syntax(&self, message: &str) -> String {
        format!(
            "Syntax error at line {}, column {}: {}",
            self.line, self.column, message
        )
    }

    fn comment(&mut self, error: &mut String) -> Kind {
        self.skip_ascii();
        if self.peek() != b'/' {
            *error = "Expected a '/' to follow '/' to form a comment.".into();
            return Kind::Error;
        }
        self.skip_ascii();
        let mut kind = Kind::Comment;
        if self.peek() == b'/' {
            self.skip_ascii();
            kind = Kind::DocComment;
        }
        // Up to the line break: every byte but `\n` and `\r` is one more byte of the line, and
        // each character's first byte is one more column.
        let rest = self.bytes.get(self.position..).unwrap_or_default();
        let length = rest
            .iter()
            .position(|&b| matches!(b, b'\n' | b'\r'))
            .unwrap_or(rest.len());
        let line = rest.get(..length).unwrap_or_default();
        self.column += line.iter().filter(|&&b| !is_continuation(b)).count();
        self.position += length;
        // The line break belongs to the comment.
        if !self.eof() {
            self.skip();
        }
        kind
    }

    fn number(&mut self, error: &mut String) -> Kind {
        let start = self.position;
        let invalid =
            |lexer: &Self, why: &str| format!("Invalid number '{}': {}", lexer.slice(start), why);
        if self.peek() == b'-' {
            self.skip_ascii();
            if !self.peek().is_ascii_digit() {
                *error = invalid(self, "'-' must be followed by a digit");
                return Kind::Error;
            }
        }
        while self.peek().is_ascii_digit() {
            self.skip_ascii();
        }
        if self.peek() == b'.' {
            self.skip_ascii();
            if !self.peek().is_ascii_digit() {
                *error = invalid(self, "'.' must be followed by a digit");
                return Kind::Error;
            }
            while self.peek().is_ascii_digit() {
                self.skip_ascii();
            }
        }
        if matches!(self.peek(), b'e' | b'E') {
            self.skip_ascii();
            if matches!(self.peek(), b'+' | b'-') {
                self.skip_ascii();
            }
            if !self.peek().is_ascii_digit() {
                *error = invalid(self, "'e', '+', and '-' must be followed by a digit");
                return Kind::Error;
            }
            while self.peek().is_ascii_digit() {
                self.skip_ascii();
            }
        }
        Kind::Number
    }

    fn identifier(&mut self, error: &mut String) -> Kind {
        if self.peek() == b'_' {
            while self.peek() == b'_' {
                self.skip_ascii();
            }
            if !is_identifier_byte(self.peek()) {
                *error = self.invalid_identifier();
                return Kind::Error;
            }
        }
        self.skip_ascii();
        while is_identifier_byte(self.peek()) {
            self.skip_ascii();
        }
        Kind::Identifier
    }

    fn invalid_identifier(&self) -> String {
        let found = if self.eof() {
            "[EOF]".to_string()
        } else {
            self.peek_char().to_string()
        };
        self.syntax(&format!(
            "Expected a valid identifier character, but found '{found}'"
        ))
    }

    fn string(&mut self, value: &mut String) -> Kind {
        self.skip_ascii();
        if self.peek() == b'"' {
            self.skip_ascii();
            if self.peek() == b'"' {
                self.skip_ascii();
                return match self.quoted(true) {
                    Ok(text) => {
                        *value = text;
                        Kind::TextBlock
                    }
                    Err(message) => {
                        *value = format!("Error parsing text block: {message}");
                        Kind::Error
                    }
                };
            }
            return Kind::String;
        }
        match self.quoted(false) {
            Ok(text) => {
                *value = text;
                Kind::String
            }
            Err(message) => {
                *value = format!("Error parsing quoted string: {message}");
                Kind::Error
            }
        }
    }

    /// Reads up to the closing quote (or three quotes) and decodes escapes.
    fn quoted(&mut self, triple: bool) -> Result<String, String> {
        let start = self.position;
        loop {
            // Plain ASCII is one column a byte and needs no decision.
            let rest = self.bytes.get(self.position..).unwrap_or_default();
            let run = rest
                .iter()
                .position(|&b| matches!(b, b'"' | b'\\' | b'\r' | b'\n') || b >= 0x80)
                .unwrap_or(rest.len());
            self.position += run;
            self.column += run;
            let next = self.peek();
            if self.eof()
                || (next == b'"'
                    && (!triple || (self.peek_at(1) == b'"' && self.peek_at(2) == b'"')))
            {
                break;
            }
            self.skip();
            if next == b'\\' {
                self.skip();
            }
        }
        let raw = self.slice(start);
        let closing = if triple { 3 } else { 1 };
        for _ in 0..closing {
            if self.peek() != b'"' {
                let found = if self.eof() {
                    "[EOF]".to_string()
                } else {
                    self.peek_char().to_string()
                };
                return Err(self.syntax(&format!("Expected: '\"', but found '{found}'")));
            }
            self.skip_ascii();
        }
        decode_string(raw, triple)
    }
}

fn is_identifier_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Normalizes line breaks, removes a text block's incidental indentation, and decodes escapes.
fn decode_string(raw: String, text_block: bool) -> Result<String, String> {
    // Most strings have no escapes, line breaks or control characters: they are their own value.
    let plain = |b: &u8| matches!(*b, b'\t' | b'\n') || (*b >= 0x20 && *b != b'\\');
    if !text_block && raw.as_bytes().iter().all(plain) {
        return Ok(raw);
    }
    let normalized = if raw.contains('\r') {
        raw.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        raw
    };
    let text = if text_block {
        format_text_block(&normalized)?
    } else {
        normalized
    };
    let mut out = String::with_capacity(text.len());
    // Runs of characters that stand for themselves are copied whole; a run stops only at an
    // ASCII byte, so always on a character boundary.
    let plain =
        |b: u8| b >= 0x80 || (b != b'\\' && is_valid_normal_char(char::from(b), text_block));
    let mut rest = text.as_str();
    loop {
        let run = rest.bytes().position(|b| !plain(b)).unwrap_or(rest.len());
        out.push_str(rest.get(..run).unwrap_or_default());
        let mut chars = rest.get(run..).unwrap_or_default().chars();
        let Some(c) = chars.next() else {
            break;
        };
        if c != '\\' {
            return Err(format!("Invalid string character: `{c}`"));
        }
        let Some(escaped) = chars.next() else {
            return Err("Invalid escape found in string: `\\`".into());
        };
        match escaped {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '/' => out.push('/'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '\n' => {}
            'u' => {
                let mut code: u32 = 0;
                for _ in 0..4 {
                    let Some(h) = chars.next() else {
                        return Err("Invalid unclosed unicode escape found in string".into());
                    };
                    let Some(digit) = h.to_digit(16) else {
                        return Err(format!("Invalid unicode escape character: `{h}`"));
                    };
                    code = (code << 4) | digit;
                }
                push_utf16_unit(&mut out, code, &mut chars)?;
            }
            other => return Err(format!("Invalid escape found in string: `\\{other}`")),
        }
        rest = chars.as_str();
    }
    Ok(out)
}

/// A `\uXXXX` escape names one UTF-16 unit; a high surrogate pairs with a following
/// `\uXXXX` low surrogate. A lone surrogate cannot be held in a Rust string, so it becomes U+FFFD.
fn push_utf16_unit(
    out: &mut String,
    code: u32,
    rest: &mut std::str::Chars<'_>,
) -> Result<(), String> {
    if (0xD800..0xDC00).contains(&code) {
        let lookahead = rest.as_str();
        if let Some(tail) = lookahead.strip_prefix("\\u") {
            let hex: String = tail.chars().take(4).collect();
            if let Ok(low) = u32::from_str_radix(&hex, 16)
                && hex.len() == 4
                && (0xDC00..0xE000).contains(&low)
            {
                for _ in 0..6 {
                    rest.next();
                }
                let combined = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                out.push(char::from_u32(combined).unwrap_or('\u{fffd}'));
                return Ok(());
            }
        }
    }
    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
    Ok(())
}

fn is_valid_normal_char(c: char, text_block: bool) -> bool {
    let c = c as u32;
    c == 0x09
        || c == 0x0a
        || c == 0x0d
        || (0x20..=0x21).contains(&c)
        || (text_block && c == 0x22)
        || (0x23..=0x5b).contains(&c)
        || c >= 0x5d
}

/// Removes the indentation every line of a text block shares and trailing spaces, as the
/// specification's text block rules say.
fn format_text_block(text: &str) -> Result<String, String> {
    if text.is_empty() {
        return Err("Text block is empty".into());
    }
    if !text.starts_with('\n') {
        return Err("Text block must start with a new line".into());
    }
    let lines: Vec<&str> = text.split('\n').collect();
    let last = lines.len().saturating_sub(1);
    let leading_spaces = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let mut padding = usize::MAX;
    for (i, line) in lines.iter().enumerate().skip(1) {
        let leading = leading_spaces(line);
        let counts = leading < line.len() || i == last;
        if counts && leading < padding {
            padding = leading;
        }
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in lines.iter().enumerate().skip(1) {
        // Spaces are one byte, and every line keeps at least `padding` of them unless it is
        // all spaces, so byte offsets here are character offsets.
        let start = padding.min(line.len());
        let trimmed = line.trim_end_matches(' ');
        // A line of spaces keeps its first one when there is no padding to remove.
        let end = if trimmed.is_empty() {
            line.len().min(1)
        } else {
            trimmed.len()
        };
        if start < end {
            out.push_str(line.get(start..end).unwrap_or_default());
        }
        if i < last {
            out.push('\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Kind> {
        tokenize(text).into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn walrus_and_colon_are_told_apart() {
        assert_eq!(
            kinds("a := b: c"),
            vec![
                Kind::Identifier,
                Kind::Space,
                Kind::Walrus,
                Kind::Space,
                Kind::Identifier,
                Kind::Colon,
                Kind::Space,
                Kind::Identifier,
                Kind::Eof
            ]
        );
    }

    #[test]
    fn text_blocks_lose_their_shared_indentation() {
        let tokens = tokenize("\"\"\"\n    a\n      b\n    \"\"\"");
        assert_eq!(tokens[0].kind, Kind::TextBlock);
        assert_eq!(tokens[0].value, "a\n  b\n");
    }
}
