//! Translates a model's `@pattern` (written for `java.util.regex`, which AWS's models follow, and
//! mostly valid ECMA-262 too) into the syntax of the engine that will run it, and picks that
//! engine: the linear-time `regex` crate whenever it can express the pattern, `fancy-regex` only
//! for look-around, back-references and possessive quantifiers.
//!
//! What changes in translation, so that matching means what it means in Java:
//! - `\d`, `\w`, `\s` (and their negations) are ASCII, as in Java; the `regex` crate's are Unicode.
//! - `.` excludes Java's line terminators (`\n`, `\r`, U+0085, U+2028, U+2029).
//! - `$` (and `\Z`) also match before one final line terminator, as in Java.
//! - POSIX classes (`\p{Alnum}`, `\p{Punct}`, `\p{Print}`, ...) are Java's ASCII sets; `\p{LD}` is
//!   letter-or-digit; `\p{IsLatin}` is a script.
//! - `\uXXXX` escapes (a surrogate pair is one astral code point), octal `\0oo`, `\xhh`, `\e`.
//! - Identity escapes (`\_`, `\-`) become the plain character; inside classes, `[` opens a nested
//!   class and `&&` intersects, as in Java.
//! - Patterns are not anchored: matching is a search, like Java's `Matcher.find()`.

/// Which engine a translated pattern needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Engine {
    /// The `regex` crate: linear time.
    Linear,
    /// `fancy-regex`: backtracking with a step limit.
    Backtracking,
}

/// A pattern ready for its engine.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Translated {
    /// The pattern as written in the model.
    pub source: String,
    /// The same pattern in the engine's syntax.
    pub text: String,
    /// The engine that runs it.
    pub engine: Engine,
}

const LINE_TERMINATORS: &str = r"\n\r\x{85}\x{2028}\x{2029}";

/// Translates a pattern and proves the result compiles in its engine.
pub fn translate(source: &str) -> Result<Translated, String> {
    let mut translator = Translator {
        chars: source.chars().collect(),
        at: 0,
        out: String::with_capacity(source.len() * 2),
        engine: Engine::Linear,
    };
    translator.sequence(0)?;
    let Translator {
        out: text, engine, ..
    } = translator;
    match engine {
        Engine::Linear => {
            regex::Regex::new(&text)
                .map_err(|error| format!("the translated pattern does not compile: {error}"))?;
        }
        Engine::Backtracking => {
            fancy_regex::Regex::new(&text)
                .map_err(|error| format!("the translated pattern does not compile: {error}"))?;
        }
    }
    Ok(Translated {
        source: source.to_owned(),
        text,
        engine,
    })
}

struct Translator {
    chars: Vec<char>,
    at: usize,
    out: String,
    engine: Engine,
}

impl Translator {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.at + offset).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.at += 1;
        c
    }

    fn backtracking(&mut self) {
        self.engine = Engine::Backtracking;
    }

    /// Everything up to the end, or to the `)` closing a group at `depth`.
    fn sequence(&mut self, depth: usize) -> Result<(), String> {
        while let Some(c) = self.peek() {
            match c {
                ')' if depth > 0 => return Ok(()),
                ')' => return Err("unbalanced `)`".into()),
                '(' => self.group(depth)?,
                '[' => {
                    self.next();
                    let class = self.class()?;
                    self.out.push_str(&class);
                }
                '\\' => self.escape()?,
                '.' => {
                    self.next();
                    self.out.push_str(&format!("[^{LINE_TERMINATORS}]"));
                }
                '$' => {
                    self.next();
                    self.out.push_str(&java_end());
                }
                '*' | '+' | '?' | '{' => self.quantifier()?,
                _ => {
                    self.next();
                    self.out.push(c);
                }
            }
        }
        if depth > 0 {
            return Err("unclosed group".into());
        }
        Ok(())
    }

    fn group(&mut self, depth: usize) -> Result<(), String> {
        self.next();
        if self.peek() == Some('?') {
            let rest: String = self.chars[self.at..].iter().take(4).collect();
            let (prefix, skip): (&str, usize) = if rest.starts_with("?:") {
                ("(?:", 2)
            } else if rest.starts_with("?=") || rest.starts_with("?!") {
                self.backtracking();
                (if rest.starts_with("?=") { "(?=" } else { "(?!" }, 2)
            } else if rest.starts_with("?<=") || rest.starts_with("?<!") {
                self.backtracking();
                (
                    if rest.starts_with("?<=") {
                        "(?<="
                    } else {
                        "(?<!"
                    },
                    3,
                )
            } else if rest.starts_with("?>") {
                self.backtracking();
                ("(?>", 2)
            } else if rest.starts_with("?<") {
                // A named group: `(?<name>`.
                self.at += 2;
                let mut name = String::new();
                while let Some(c) = self.next() {
                    if c == '>' {
                        break;
                    }
                    name.push(c);
                }
                self.out.push_str(&format!("(?<{name}>"));
                self.sequence(depth + 1)?;
                return self.close_group();
            } else {
                // Inline flags: `(?i)`, `(?i:...)`, `(?-i)`.
                self.at += 1;
                let mut flags = String::new();
                while let Some(c) = self.peek() {
                    if c.is_ascii_alphabetic() || c == '-' {
                        flags.push(c);
                        self.next();
                    } else {
                        break;
                    }
                }
                if flags
                    .chars()
                    .any(|f| !matches!(f, 'i' | 's' | 'm' | 'x' | 'u' | 'U' | 'd' | '-'))
                {
                    return Err(format!("unsupported inline flags `(?{flags}`"));
                }
                let kept: String = flags
                    .chars()
                    .filter(|f| matches!(f, 'i' | 's' | 'm' | 'x' | '-'))
                    .collect();
                match self.next() {
                    Some(')') => {
                        if !kept.trim_matches('-').is_empty() {
                            self.out.push_str(&format!("(?{kept})"));
                        }
                        return Ok(());
                    }
                    Some(':') => {
                        self.out.push_str(&format!("(?{kept}:"));
                        self.sequence(depth + 1)?;
                        return self.close_group();
                    }
                    _ => return Err("malformed inline flag group".into()),
                }
            };
            self.at += skip;
            self.out.push_str(prefix);
        } else {
            self.out.push('(');
        }
        self.sequence(depth + 1)?;
        self.close_group()
    }

    fn close_group(&mut self) -> Result<(), String> {
        match self.next() {
            Some(')') => {
                self.out.push(')');
                Ok(())
            }
            _ => Err("unclosed group".into()),
        }
    }

    fn quantifier(&mut self) -> Result<(), String> {
        let start = self.at;
        let mut fixed = false;
        match self.next() {
            Some('{') => {
                let mut body = String::new();
                loop {
                    match self.next() {
                        Some('}') => break,
                        Some(c) if c.is_ascii_digit() || c == ',' => body.push(c),
                        _ => {
                            // Not a bound: Java rejects it; ECMA reads a literal `{`.
                            return Err(format!("malformed repetition at offset {start}"));
                        }
                    }
                }
                if body.is_empty() || body.starts_with(',') {
                    return Err(format!("malformed repetition `{{{body}}}`"));
                }
                fixed = !body.contains(',');
                self.out.push('{');
                self.out.push_str(&body);
                self.out.push('}');
            }
            Some(c) => self.out.push(c),
            None => {}
        }
        match self.peek() {
            Some('?') => {
                self.next();
                self.out.push('?');
            }
            Some('+') => {
                self.next();
                // A possessive fixed count is the same as a plain one; other possessive
                // quantifiers need the backtracking engine.
                if !fixed {
                    self.backtracking();
                    self.out.push('+');
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// An escape outside a class.
    fn escape(&mut self) -> Result<(), String> {
        self.next();
        let Some(c) = self.next() else {
            return Err("trailing backslash".into());
        };
        let text = match c {
            'd' => "[0-9]".to_owned(),
            'D' => "[^0-9]".to_owned(),
            'w' => "[0-9A-Za-z_]".to_owned(),
            'W' => "[^0-9A-Za-z_]".to_owned(),
            's' => r"[\t\n\x0B\f\r ]".to_owned(),
            'S' => r"[^\t\n\x0B\f\r ]".to_owned(),
            'b' => r"\b".to_owned(),
            'B' => r"\B".to_owned(),
            'A' => r"\A".to_owned(),
            'z' => r"\z".to_owned(),
            'Z' => java_end(),
            'p' | 'P' => self.property(c == 'P')?,
            '1'..='9' => {
                self.backtracking();
                let mut digits = c.to_string();
                while let Some(d) = self.peek().filter(char::is_ascii_digit) {
                    digits.push(d);
                    self.next();
                }
                format!("\\{digits}")
            }
            'k' => return Err("named back-references are not supported".into()),
            'Q' => {
                let mut literal = String::new();
                while let Some(c) = self.next() {
                    if c == '\\' && self.peek() == Some('E') {
                        self.next();
                        break;
                    }
                    literal.push(c);
                }
                regex::escape(&literal)
            }
            other => literal(self.escaped_char(other)?),
        };
        self.out.push_str(&text);
        Ok(())
    }

    /// The character an escape stands for (`\t`, `\u0041`, `\_`, ...).
    fn escaped_char(&mut self, c: char) -> Result<char, String> {
        Ok(match c {
            't' => '\t',
            'n' => '\n',
            'r' => '\r',
            'f' => '\x0C',
            'a' => '\x07',
            'e' => '\x1B',
            'v' => '\x0B',
            '0' => {
                let mut value = 0u32;
                let mut count = 0;
                while let Some(d) = self.peek().filter(|d| ('0'..='7').contains(d)) {
                    if count == 3 || value * 8 + d.to_digit(8).unwrap_or(0) > 0o377 {
                        break;
                    }
                    value = value * 8 + d.to_digit(8).unwrap_or(0);
                    count += 1;
                    self.next();
                }
                if count == 0 {
                    return Err("`\\0` needs octal digits".into());
                }
                char::from_u32(value).ok_or("bad octal escape")?
            }
            'x' => {
                let digits = if self.peek() == Some('{') {
                    self.next();
                    let mut digits = String::new();
                    while let Some(d) = self.next() {
                        if d == '}' {
                            break;
                        }
                        digits.push(d);
                    }
                    digits
                } else {
                    self.take_hex(2)?
                };
                let value = u32::from_str_radix(&digits, 16).map_err(|_| "bad `\\x` escape")?;
                char::from_u32(value).ok_or("`\\x` escape is not a character")?
            }
            'u' => {
                let high =
                    u32::from_str_radix(&self.take_hex(4)?, 16).map_err(|_| "bad `\\u` escape")?;
                if (0xD800..0xDC00).contains(&high)
                    && self.peek() == Some('\\')
                    && self.peek_at(1) == Some('u')
                {
                    let save = self.at;
                    self.at += 2;
                    let low = u32::from_str_radix(&self.take_hex(4)?, 16)
                        .map_err(|_| "bad `\\u` escape")?;
                    if (0xDC00..0xE000).contains(&low) {
                        let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                        return char::from_u32(combined).ok_or_else(|| "bad surrogate pair".into());
                    }
                    self.at = save;
                }
                char::from_u32(high).ok_or("a lone UTF-16 surrogate cannot occur in a string")?
            }
            'c' => {
                let letter = self.next().ok_or("`\\c` needs a letter")?;
                char::from_u32(u32::from(letter) ^ 0x40).ok_or("bad control escape")?
            }
            c if c.is_ascii_alphanumeric() => return Err(format!("unknown escape `\\{c}`")),
            c => c,
        })
    }

    fn take_hex(&mut self, count: usize) -> Result<String, String> {
        let mut digits = String::new();
        for _ in 0..count {
            match self.next() {
                Some(d) if d.is_ascii_hexdigit() => digits.push(d),
                _ => return Err(format!("expected {count} hex digits")),
            }
        }
        Ok(digits)
    }

    /// `\p{...}` / `\P{...}`, as a class.
    fn property(&mut self, negated: bool) -> Result<String, String> {
        let name = if self.peek() == Some('{') {
            self.next();
            let mut name = String::new();
            loop {
                match self.next() {
                    Some('}') => break,
                    Some(c) => name.push(c),
                    None => return Err("unclosed `\\p{`".into()),
                }
            }
            name
        } else {
            self.next().ok_or("`\\p` needs a name")?.to_string()
        };
        let set = property_set(&name)?;
        Ok(if negated {
            format!("[^{set}]")
        } else {
            format!("[{set}]")
        })
    }

    /// A class after its `[`, returned as a `regex` class (nested classes and `&&` kept).
    fn class(&mut self) -> Result<String, String> {
        let mut out = String::from("[");
        if self.peek() == Some('^') {
            self.next();
            out.push('^');
        }
        let mut first = true;
        // The last single character added, for ranges.
        let mut previous: Option<char> = None;
        loop {
            let Some(c) = self.next() else {
                return Err("unclosed character class".into());
            };
            match c {
                ']' if !first => break,
                '[' => {
                    let nested = self.class()?;
                    out.push_str(&nested);
                    previous = None;
                }
                '&' if self.peek() == Some('&') => {
                    self.next();
                    out.push_str("&&");
                    previous = None;
                }
                '-' if previous.is_some() && self.peek().is_some_and(|n| n != ']') => {
                    let start = previous.take().unwrap_or('-');
                    let end = match self.next() {
                        Some('\\') => {
                            let e = self.next().ok_or("trailing backslash")?;
                            if matches!(e, 'd' | 'D' | 'w' | 'W' | 's' | 'S' | 'p' | 'P') {
                                // `[a-\d]`: Java reads a literal `-`.
                                out.push_str(r"\-");
                                self.at -= 2;
                                continue;
                            }
                            self.escaped_char(e)?
                        }
                        Some('[') => {
                            out.push_str(r"\-");
                            self.at -= 1;
                            continue;
                        }
                        Some(e) => e,
                        None => return Err("unclosed character class".into()),
                    };
                    if end < start {
                        return Err(format!("reversed range `{start}-{end}`"));
                    }
                    out.push('-');
                    push_class_char(&mut out, end);
                }
                '\\' => {
                    let e = self.next().ok_or("trailing backslash")?;
                    match e {
                        'd' => out.push_str("0-9"),
                        'D' => out.push_str("[^0-9]"),
                        'w' => out.push_str("0-9A-Za-z_"),
                        'W' => out.push_str("[^0-9A-Za-z_]"),
                        's' => out.push_str(r"\t\n\x0B\f\r "),
                        'S' => out.push_str(r"[^\t\n\x0B\f\r ]"),
                        'p' | 'P' => {
                            let set = self.property(e == 'P')?;
                            out.push_str(&set);
                        }
                        'b' => return Err("`\\b` inside a class".into()),
                        'Q' => {
                            while let Some(q) = self.next() {
                                if q == '\\' && self.peek() == Some('E') {
                                    self.next();
                                    break;
                                }
                                push_class_char(&mut out, q);
                            }
                        }
                        e => {
                            let ch = self.escaped_char(e)?;
                            push_class_char(&mut out, ch);
                            previous = Some(ch);
                            first = false;
                            continue;
                        }
                    }
                    previous = None;
                }
                c => {
                    push_class_char(&mut out, c);
                    previous = Some(c);
                    first = false;
                    continue;
                }
            }
            first = false;
        }
        out.push(']');
        Ok(out)
    }
}

/// Java's `$` without MULTILINE: the end, or just before one final line terminator. Consuming
/// that terminator is harmless because only the end of input can follow.
fn java_end() -> String {
    format!(r"(?:\r\n|[{LINE_TERMINATORS}])?\z")
}

fn literal(c: char) -> String {
    regex::escape(c.encode_utf8(&mut [0; 4]))
}

fn push_class_char(out: &mut String, c: char) {
    if matches!(c, '\\' | '[' | ']' | '^' | '-' | '&' | '~') {
        out.push('\\');
        out.push(c);
    } else if c.is_control() || c.is_whitespace() {
        out.push_str(&format!(r"\x{{{:X}}}", u32::from(c)));
    } else {
        out.push(c);
    }
}

/// The members of a `\p{...}` set, ready to go inside `[...]`.
fn property_set(name: &str) -> Result<String, String> {
    let posix = match name {
        "Lower" => Some("a-z"),
        "Upper" => Some("A-Z"),
        "ASCII" => Some(r"\x00-\x7F"),
        "Alpha" => Some("a-zA-Z"),
        "Digit" => Some("0-9"),
        "Alnum" => Some("a-zA-Z0-9"),
        "Punct" => Some(r"!-/:-@\[-`{-\~"),
        "Graph" => Some(r"!-\~"),
        "Print" => Some(r" -\~"),
        "Blank" => Some(r" \t"),
        "Cntrl" => Some(r"\x00-\x1F\x7F"),
        "XDigit" => Some("0-9a-fA-F"),
        "Space" => Some(r" \t\n\x0B\f\r"),
        "LD" => Some(r"\p{L}\p{Nd}"),
        "L1" => Some(r"\x00-\xFF"),
        "all" => Some(r"\x{0}-\x{10FFFF}"),
        "javaLowerCase" => Some(r"\p{Lowercase}"),
        "javaUpperCase" => Some(r"\p{Uppercase}"),
        "javaWhitespace" => Some(r"\t\n\x0B\f\r\x1C-\x1F\p{Zs}&&[^\xA0\x{2007}\x{202F}]"),
        _ => None,
    };
    if let Some(set) = posix {
        return Ok(set.to_owned());
    }
    let stripped = name
        .strip_prefix("Is")
        .or_else(|| name.strip_prefix("general_category="))
        .or_else(|| name.strip_prefix("gc="))
        .or_else(|| name.strip_prefix("script="))
        .or_else(|| name.strip_prefix("sc="))
        .unwrap_or(name);
    if name.starts_with("In") || name.starts_with("block=") || name.starts_with("blk=") {
        return Err(format!("Unicode block `\\p{{{name}}}` is not supported"));
    }
    let candidate = format!(r"\p{{{stripped}}}");
    regex::Regex::new(&candidate).map_err(|_| format!("unknown property `\\p{{{name}}}`"))?;
    Ok(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        let translated = translate(pattern).unwrap();
        match translated.engine {
            Engine::Linear => regex::Regex::new(&translated.text).unwrap().is_match(text),
            Engine::Backtracking => fancy_regex::Regex::new(&translated.text)
                .unwrap()
                .is_match(text)
                .unwrap(),
        }
    }

    #[test]
    fn rekognition_patterns() {
        let collection = r"^[a-zA-Z0-9_.\-]+$";
        assert_eq!(translate(collection).unwrap().engine, Engine::Linear);
        assert!(matches(collection, "my.collection-1_x"));
        assert!(!matches(collection, "bad id!"));
        let tag_key = r"^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$";
        assert_eq!(translate(tag_key).unwrap().engine, Engine::Backtracking);
        assert!(matches(tag_key, "team"));
        assert!(!matches(tag_key, "aws:reserved"));
        let project = r"^(^arn:[a-z\d-]+:rekognition:[a-z\d-]+:\d{12}:project\/[a-zA-Z0-9_.\-]{1,255}\/[0-9]+$)$";
        assert!(matches(
            project,
            "arn:aws:rekognition:us-east-1:123456789012:project/p/1"
        ));
        assert!(!matches(
            project,
            "arn:aws:rekognition:us-east-1:12345678901٢:project/p/1"
        ));
    }

    #[test]
    fn java_semantics() {
        // ASCII shorthands.
        assert!(!matches(r"^\d+$", "١٢٣"));
        assert!(!matches(r"^\w+$", "é"));
        // `$` before a final line terminator.
        assert!(matches(r"^abc$", "abc\n"));
        assert!(!matches(r"^abc$", "abc\n\n"));
        // `.` excludes Java's line terminators.
        assert!(!matches(r"^.$", "\u{85}"));
        // Not anchored.
        assert!(matches("b", "abc"));
        // Identity escapes and `[\w-_]`.
        assert!(matches(r"^\_\-$", "_-"));
        assert!(matches(r"^[\w-_]+$", "a-b_c"));
        // Surrogate pairs mean one astral code point.
        assert!(matches(r"^[\uD800\uDC00-\uDBFF\uDFFF]$", "😀"));
        // POSIX classes and intersection.
        assert!(matches(r"^[\p{Print}&&[^|:/]]+$", "abc def"));
        assert!(!matches(r"^[\p{Print}&&[^|:/]]+$", "a:b"));
        // Octal escapes.
        assert!(matches(r"^[^\000-\037]+$", "abc"));
        assert!(!matches(r"^[^\000-\037]+$", "a\u{1}"));
        // Possessive fixed counts stay linear.
        assert_eq!(translate(r"^\d{2}+$").unwrap().engine, Engine::Linear);
        // Back-references.
        assert!(matches(r"^(a)\1$", "aa"));
    }

    #[test]
    fn errors_name_the_construct() {
        assert!(translate("(").unwrap_err().contains("unclosed group"));
        assert!(translate(r"\p{InGreek}").unwrap_err().contains("block"));
        assert!(translate("[a").unwrap_err().contains("unclosed"));
    }
}
