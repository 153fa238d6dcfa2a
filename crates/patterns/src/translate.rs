//! Translation: a model's `@pattern` (written for `java.util.regex`, which AWS's models follow, and
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
//!
//! One look-around is common enough in AWS's models to get its own linear form: a pattern that
//! begins `^(?!LITERAL)` (a tag key that must not start with `aws:`) is the rest of the pattern,
//! anchored, run by the linear engine, and a check that the text does not start with the literal.

/// A pattern ready for its engine.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Translated {
    /// The pattern as written in the model.
    pub source: String,
    /// The same pattern in the engine's syntax.
    pub text: String,
    /// The engine that runs it.
    pub engine: Engine,
    /// The pattern has Java's `$` (or `\Z`), translated as the end of text: it matches if the
    /// translation matches the text, or the text less one final line terminator.
    pub final_terminator: bool,
    /// For `^(?!LITERAL)REST`: the literal no matching text may start with (`text` is then the
    /// translation of `^REST`).
    pub forbidden_prefix: Option<String>,
}

use crate::Engine;

const LINE_TERMINATORS: &str = r"\n\r\x{85}\x{2028}\x{2029}";

/// Translates a pattern and proves the result compiles in its engine.
pub fn translate(source: &str) -> Result<Translated, String> {
    if let Some((literal, rest)) = forbidden_prefix_form(source) {
        let anchored = translate(&format!("^{rest}"))?;
        if anchored.engine == Engine::Linear && anchored.forbidden_prefix.is_none() {
            return Ok(Translated {
                source: source.to_owned(),
                forbidden_prefix: Some(literal),
                ..anchored
            });
        }
    }
    let (text, engine, final_terminator) = translate_text(source)?;
    let compiles = match engine {
        Engine::Linear => match regex::Regex::new(&text) {
            Ok(_) => Ok(()),
            Err(regex::Error::CompiledTooBig(limit)) => {
                // A long counted repetition of a large Unicode class: a search never needs the
                // leading repetition in full, so reduce it, and check the result compiles.
                let too_big = format!("the translated pattern compiles to more than {limit} bytes");
                if let Some(counted) = counted_class(source)? {
                    return Ok(counted);
                }
                let reduced = reduce_leading_repetition(source).ok_or_else(|| too_big.clone())?;
                let (text, engine, final_terminator) = translate_text(&reduced)?;
                if engine != Engine::Linear || regex::Regex::new(&text).is_err() {
                    return Err(too_big);
                }
                return Ok(Translated {
                    source: source.to_owned(),
                    text,
                    engine,
                    final_terminator,
                    forbidden_prefix: None,
                });
            }
            Err(error) => Err(error.to_string()),
        },
        Engine::Backtracking => fancy_regex::Regex::new(&text)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        // Only `counted_class` produces this engine, and returns directly.
        Engine::Counted { .. } => Ok(()),
    };
    compiles.map_err(|error| format!("the translated pattern does not compile: {error}"))?;
    Ok(Translated {
        source: source.to_owned(),
        text,
        engine,
        final_terminator,
        forbidden_prefix: None,
    })
}

/// `^(?!LITERAL)REST` with a plain literal and no top-level alternation in `REST` (which would
/// escape the look-ahead): the literal (unescaped) and `REST`.
fn forbidden_prefix_form(source: &str) -> Option<(String, &str)> {
    let inner = source.strip_prefix("^(?!")?;
    let close = inner.find(')')?;
    let (literal, rest) = (&inner[..close], &inner[close + 1..]);
    let plain = |c: char| c.is_ascii_alphanumeric() || " :/=@_-,;'\"!%&~#<>`".contains(c);
    if literal.is_empty() || !literal.chars().all(plain) {
        return None;
    }
    if has_top_level_alternation(rest) {
        return None;
    }
    Some((literal.to_owned(), rest))
}

fn translate_text(source: &str) -> Result<(String, Engine, bool), String> {
    translate_with(source, false)
}

fn translate_with(source: &str, exact_dollar: bool) -> Result<(String, Engine, bool), String> {
    let mut translator = Translator {
        chars: source.chars().collect(),
        at: 0,
        out: String::with_capacity(source.len() * 2),
        engine: Engine::Linear,
        last_lookaround: None,
        final_terminator: false,
        dotall: false,
        exact_dollar,
        flags_only: false,
    };
    translator.sequence(0)?;
    if translator.engine == Engine::Backtracking && !exact_dollar && translator.final_terminator {
        // Look-around is in play anyway: give `$` its exact meaning wherever it stands.
        return translate_with(source, true);
    }
    Ok((
        translator.out,
        translator.engine,
        translator.final_terminator,
    ))
}

/// For a search (Java's `find()`), a pattern that starts with `X{n,m}` (greedy or lazy, not
/// anchored before it) matches exactly when it does with `X{n}`: the last `n` repetitions of any
/// match are themselves a match. Returns the reduced pattern, if the pattern starts so.
fn reduce_leading_repetition(source: &str) -> Option<String> {
    let chars: Vec<char> = source.chars().collect();
    let atom_end = atom_end(&chars, 0)?;
    if chars.get(atom_end) != Some(&'{') {
        return None;
    }
    let close = atom_end + chars[atom_end..].iter().position(|c| *c == '}')?;
    let bounds: String = chars[atom_end + 1..close].iter().collect();
    let (min, _max) = bounds.split_once(',')?;
    let min: usize = min.parse().ok()?;
    if chars.get(close + 1) == Some(&'+') {
        return None;
    }
    let lazy = usize::from(chars.get(close + 1) == Some(&'?'));
    let atom: String = chars[..atom_end].iter().collect();
    let rest: String = chars[close + 1 + lazy..].iter().collect();
    // Top-level alternation would make the leading repetition only one branch's start.
    if has_top_level_alternation(&rest) {
        return None;
    }
    Some(if min == 0 {
        rest
    } else {
        format!("(?:{atom}){{{min}}}{rest}")
    })
}

/// `^X{min,max}$` with `X` one character class: the [`Engine::Counted`] lowering.
fn counted_class(source: &str) -> Result<Option<Translated>, String> {
    let chars: Vec<char> = source.chars().collect();
    if chars.first() != Some(&'^') || chars.last() != Some(&'$') || chars.len() < 4 {
        return Ok(None);
    }
    let Some(atom_end) = atom_end(&chars, 1) else {
        return Ok(None);
    };
    let quantifier: String = chars[atom_end..chars.len() - 1].iter().collect();
    let Some(bounds) = quantifier
        .strip_prefix('{')
        .and_then(|q| q.strip_suffix('}'))
    else {
        return Ok(None);
    };
    let Some((min, max)) = bounds.split_once(',') else {
        return Ok(None);
    };
    let (Ok(min), Ok(max)) = (min.parse::<u32>(), max.parse::<u32>()) else {
        return Ok(None);
    };
    let atom: String = chars[1..atom_end].iter().collect();
    let (class, engine, _) = translate_text(&atom)?;
    if engine != Engine::Linear {
        return Ok(None);
    }
    let text = format!(r"^(?:{class})*\z");
    regex::Regex::new(&text)
        .map_err(|e| format!("the translated pattern does not compile: {e}"))?;
    Ok(Some(Translated {
        source: source.to_owned(),
        text,
        engine: Engine::Counted { min, max },
        // The counting matcher handles the final terminator itself.
        final_terminator: false,
        forbidden_prefix: None,
    }))
}

/// The end of the atom starting at `start`: a class, an escape or a single character (groups
/// are not reduced).
fn atom_end(chars: &[char], start: usize) -> Option<usize> {
    match chars.get(start)? {
        '[' => {
            // In Java a `]` first in a class (after `[` or `[^`) is a literal.
            let mut depth = 0;
            let mut at = start;
            let mut class_start = start;
            while at < chars.len() {
                match chars[at] {
                    '\\' => at += 1,
                    '[' => {
                        depth += 1;
                        class_start = at;
                    }
                    ']' if at == class_start + 1
                        || (at == class_start + 2 && chars[class_start + 1] == '^') => {}
                    ']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(at + 1);
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
            None
        }
        '\\' => match chars.get(start + 1)? {
            'p' | 'P' if chars.get(start + 2) == Some(&'{') => {
                Some(start + 2 + chars[start + 2..].iter().position(|c| *c == '}')? + 1)
            }
            _ => Some(start + 2),
        },
        '(' | ')' | '^' | '$' | '|' | '*' | '+' | '?' | '{' => None,
        _ => Some(start + 1),
    }
}

fn has_top_level_alternation(text: &str) -> bool {
    let mut depth = 0i32;
    let mut in_class = false;
    let mut escaped = false;
    for c in text.chars() {
        match (escaped, in_class, c) {
            (true, _, _) => escaped = false,
            (false, _, '\\') => escaped = true,
            (false, false, '[') => in_class = true,
            (false, true, ']') => in_class = false,
            (false, false, '(') => depth += 1,
            (false, false, ')') => depth -= 1,
            (false, false, '|') if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

struct Translator {
    chars: Vec<char>,
    at: usize,
    out: String,
    engine: Engine,
    /// Where the last look-around group starts in `out`, while it is the last thing written.
    last_lookaround: Option<usize>,
    /// Whether the pattern has Java's `$` or `\Z`.
    final_terminator: bool,
    /// `(?s)` is in force: `.` matches line terminators too.
    dotall: bool,
    /// The group just read was a bare `(?flags)`, whose flags outlive it.
    flags_only: bool,
    /// Write `$` with look-around (exact anywhere, even inside look-arounds) rather than as the
    /// end with the matcher's final-terminator retry (exact when no look-around sees the `$`).
    exact_dollar: bool,
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

    fn dollar(&mut self) {
        if self.exact_dollar {
            self.out.push_str(EXACT_JAVA_END);
        } else {
            self.out.push_str(r"\z");
            self.final_terminator = true;
        }
    }

    fn backtracking(&mut self) {
        self.engine = Engine::Backtracking;
    }

    /// Everything up to the end, or to the `)` closing a group at `depth`.
    fn sequence(&mut self, depth: usize) -> Result<(), String> {
        while let Some(c) = self.peek() {
            if !matches!(c, '*' | '+' | '?' | '{') {
                self.last_lookaround = None;
            }
            match c {
                ')' if depth > 0 => return Ok(()),
                ')' => return Err("unbalanced `)`".into()),
                '(' => {
                    let start = self.out.len();
                    let lookaround = self.chars[self.at..].iter().take(4).collect::<String>();
                    let is_lookaround = ["(?=", "(?!", "(?<=", "(?<!"]
                        .iter()
                        .any(|p| lookaround.starts_with(p));
                    self.group(depth)?;
                    if is_lookaround {
                        self.last_lookaround = Some(start);
                    }
                }
                '[' => {
                    self.next();
                    let class = self.class()?;
                    self.out.push_str(&class);
                }
                '\\' => self.escape()?,
                '.' => {
                    self.next();
                    if self.dotall {
                        self.out.push_str(ANY);
                    } else {
                        self.out.push_str(&format!("[^{LINE_TERMINATORS}]"));
                    }
                }
                '$' => {
                    self.next();
                    self.dollar();
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

    /// A group; inline flags set inside it end with it.
    fn group(&mut self, depth: usize) -> Result<(), String> {
        let dotall = self.dotall;
        let result = self.group_inner(depth);
        // `(?s)` alone changes the flags of the enclosing group, so it is not restored here.
        if !self.flags_only {
            self.dotall = dotall;
        }
        self.flags_only = false;
        result
    }

    fn group_inner(&mut self, depth: usize) -> Result<(), String> {
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
                let (on, off) = flags.split_once('-').unwrap_or((&flags, ""));
                let dotall = if off.contains('s') {
                    false
                } else {
                    on.contains('s') || self.dotall
                };
                match self.next() {
                    Some(')') => {
                        self.dotall = dotall;
                        self.flags_only = true;
                        if !kept.trim_matches('-').is_empty() {
                            self.out.push_str(&format!("(?{kept})"));
                        }
                        return Ok(());
                    }
                    Some(':') => {
                        self.dotall = dotall;
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
        if let Some(lookaround_start) = self.last_lookaround.take() {
            // A look-around matches no characters, so repeating it changes nothing, and making
            // it optional removes it (Java accepts both; the engines do not).
            let written = self.out.len();
            let min_zero = matches!(self.peek(), Some('*' | '?'))
                || self.chars[self.at..].starts_with(&['{', '0']);
            self.quantifier()?;
            self.out
                .truncate(if min_zero { lookaround_start } else { written });
            return Ok(());
        }
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
            'Z' => {
                self.dollar();
                return Ok(());
            }
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
            other => match char::from_u32(self.escaped_char(other)?) {
                Some(c) => literal(c),
                // A lone UTF-16 surrogate can never occur in a valid string.
                None => NEVER.to_owned(),
            },
        };
        self.out.push_str(&text);
        Ok(())
    }

    /// The code point an escape stands for (`\t`, `\u0041`, `\_`, ...): a lone UTF-16
    /// surrogate is returned as is, for the caller to drop.
    fn escaped_char(&mut self, c: char) -> Result<u32, String> {
        Ok(u32::from(match c {
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
                return Ok(value);
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
                if value > 0x10FFFF {
                    return Err("`\\x` escape is beyond Unicode".into());
                }
                return Ok(value);
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
                        return Ok(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00));
                    }
                    self.at = save;
                }
                return Ok(high);
            }
            'c' => {
                let letter = self.next().ok_or("`\\c` needs a letter")?;
                return Ok(u32::from(letter) ^ 0x40);
            }
            c if c.is_ascii_alphanumeric() => return Err(format!("unknown escape `\\{c}`")),
            c => c,
        }))
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
        let body_start = out.len();
        let mut first = true;
        // The last single code point added (and where it was written), for ranges.
        let mut previous: Option<(u32, usize)> = None;
        loop {
            let Some(c) = self.next() else {
                return Err("unclosed character class".into());
            };
            previous = match c {
                ']' if !first => break,
                '[' => {
                    let nested = self.class()?;
                    out.push_str(&nested);
                    None
                }
                '&' if self.peek() == Some('&') => {
                    self.next();
                    out.push_str("&&");
                    None
                }
                '-' if previous.is_some() && self.peek().is_some_and(|n| n != ']') => {
                    let (start, written_at) = previous.unwrap_or((u32::from('-'), out.len()));
                    self.class_range(&mut out, start, written_at)?;
                    None
                }
                '\\' => self.class_escape(&mut out)?,
                c => Some(push_class_code_point(&mut out, u32::from(c))),
            };
            first = false;
        }
        if out.len() == body_start {
            // Every member was a lone surrogate: the class matches no valid character.
            return Ok(if out.ends_with('^') {
                ANY.to_owned()
            } else {
                NEVER.to_owned()
            });
        }
        out.push(']');
        Ok(out)
    }

    /// A range's end, after its `-`, the start being the code point written at `written_at` in
    /// `out`: replaces that code point by the range. Before a shorthand (`[a-\d]`) or a nested
    /// class, Java reads the `-` as a literal, and so does the translation.
    fn class_range(
        &mut self,
        out: &mut String,
        start: u32,
        written_at: usize,
    ) -> Result<(), String> {
        let end = match self.next() {
            Some('\\') => {
                let e = self.next().ok_or("trailing backslash")?;
                if matches!(e, 'd' | 'D' | 'w' | 'W' | 's' | 'S' | 'p' | 'P') {
                    // `[a-\d]`: Java reads a literal `-`.
                    out.push_str(r"\-");
                    self.at -= 2;
                    return Ok(());
                }
                self.escaped_char(e)?
            }
            Some('[') => {
                out.push_str(r"\-");
                self.at -= 1;
                return Ok(());
            }
            Some(e) => u32::from(e),
            None => return Err("unclosed character class".into()),
        };
        if end < start {
            return Err(format!("reversed range `{start:#x}-{end:#x}`"));
        }
        // Replace the start, already written as a single code point, by the range.
        out.truncate(written_at);
        push_class_range(out, start, end);
        Ok(())
    }

    /// An escape inside a class, after its `\`: a shorthand or property set, a quoted
    /// `\Q...\E` run, or one code point, which is returned with where it was written in `out`
    /// (it may start a range).
    fn class_escape(&mut self, out: &mut String) -> Result<Option<(u32, usize)>, String> {
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
                    push_class_range(out, u32::from(q), u32::from(q));
                }
            }
            e => {
                let code = self.escaped_char(e)?;
                return Ok(Some(push_class_code_point(out, code)));
            }
        }
        Ok(None)
    }
}

/// Java's `$` without MULTILINE: the end, or just before one final line terminator. Consuming
/// that terminator is harmless because only the end of input can follow.
/// Java's `$` (without MULTILINE) with look-around, for patterns on the backtracking engine:
/// the end, or just before one final line terminator, but never between `\r` and `\n`.
const EXACT_JAVA_END: &str = r"(?:\z|(?=\r\n\z)|(?=[\r\x{85}\x{2028}\x{2029}]\z)|(?<!\r)(?=\n\z))";

fn literal(c: char) -> String {
    regex::escape(c.encode_utf8(&mut [0; 4]))
}

/// A class matching no character, and one matching any.
const NEVER: &str = r"[^\x{0}-\x{10FFFF}]";
const ANY: &str = r"[\x{0}-\x{10FFFF}]";

/// Writes a class range, leaving out UTF-16 surrogates (`U+D800..=U+DFFF`), which never occur
/// in a valid string: Java patterns name them to describe astral characters, which are
/// matched as the code points they pair into.
fn push_class_range(out: &mut String, start: u32, end: u32) {
    let pieces = [(start, end.min(0xD7FF)), (start.max(0xE000), end)];
    for (low, high) in pieces {
        if low > high {
            continue;
        }
        let (Some(low), Some(high)) = (char::from_u32(low), char::from_u32(high)) else {
            continue;
        };
        push_class_char(out, low);
        if high != low {
            out.push('-');
            push_class_char(out, high);
        }
    }
}

/// Writes one code point of a class; returns it, and where it was written (a range may replace
/// it).
fn push_class_code_point(out: &mut String, code: u32) -> (u32, usize) {
    let written_at = out.len();
    push_class_range(out, code, code);
    (code, written_at)
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

    /// Matches as generated code does: the translation, compiled by the runtime's matcher.
    fn matches(pattern: &str, text: &str) -> bool {
        crate::Pattern::from_translation(&translate(pattern).unwrap()).is_match(text)
    }

    #[test]
    fn rekognition_patterns() {
        let collection = r"^[a-zA-Z0-9_.\-]+$";
        assert_eq!(translate(collection).unwrap().engine, Engine::Linear);
        assert!(matches(collection, "my.collection-1_x"));
        assert!(!matches(collection, "bad id!"));
        let tag_key = r"^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$";
        let translated = translate(tag_key).unwrap();
        assert_eq!(translated.engine, Engine::Linear);
        assert_eq!(translated.forbidden_prefix.as_deref(), Some("aws:"));
        assert!(matches(tag_key, "team"));
        assert!(matches(tag_key, "aws"));
        assert!(
            matches(tag_key, "team\n"),
            "Java's $ before a final line terminator"
        );
        assert!(!matches(tag_key, "aws:reserved"));
        assert!(!matches(tag_key, "team!"));
        // Alternation at the top level would escape the look-ahead: left to the backtracker.
        let alternation = r"^(?!aws:)a|aws:b";
        assert_eq!(translate(alternation).unwrap().engine, Engine::Backtracking);
        assert!(matches(alternation, "aws:b"));
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
    fn lone_surrogates_never_match_and_are_dropped_from_classes() {
        assert!(matches(r"^[a\uD800]$", "a"));
        assert!(!matches(r"^[\uD800]$", "a"));
        assert!(matches(r"^[^\uD800]$", "a"));
        assert!(matches(
            r"^[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF]+$",
            "abc\u{E000}"
        ));
        assert!(!matches(r"^x\uDC00$", "x"));
    }

    #[test]
    fn quantified_lookarounds_are_zero_width() {
        assert!(matches(r"^(\/(?!\.)+[a-z]+)$", "/abc"));
        assert!(!matches(r"^(\/(?!\.)+[a-z.]+)$", "/.abc"));
        assert!(matches(r"^a(?!b)*b$", "ab"));
    }

    #[test]
    fn huge_repetitions_of_unicode_classes() {
        let any = translate(r"[^\p{C}]{1,2048}").unwrap();
        assert_eq!(any.engine, Engine::Linear);
        assert!(matches(r"[^\p{C}]{1,2048}", "é"));
        assert!(!matches(r"[^\p{C}]{1,2048}", "\u{0}"));
        assert!(matches(r"[\P{M}\p{M}]{1,1024}[^/]$", "ab"));
        assert!(!matches(r"[\P{M}\p{M}]{1,1024}[^/]$", "a/"));
        let counted = translate(r"^[\P{C}\r\n\t]{1,250}$").unwrap();
        assert_eq!(counted.engine, Engine::Counted { min: 1, max: 250 });
        assert!(matches(r"^[\P{C}\r\n\t]{1,250}$", &"é".repeat(250)));
        assert!(!matches(r"^[\P{C}\r\n\t]{1,250}$", &"é".repeat(251)));
        assert!(matches(
            r"^[\P{C}\r\n\t]{1,250}$",
            &format!("{}\u{2028}", "é".repeat(250))
        ));
        assert!(!matches(r"^[\P{C}\r\n\t]{1,250}$", ""));
        assert!(!matches(r"^[\P{C}\r\n\t]{1,250}$", "a\u{0}"));
        assert!(matches(r"^.{1,100000}$", "abc\n"));
        assert!(!matches(r"^.{1,100000}$", "a\nb"));
    }

    #[test]
    fn dotall_and_dollar_inside_lookaround() {
        assert!(matches(r"(?s).+", "\n"));
        assert!(!matches(r".+", "\n"));
        assert!(matches(r"(?s:.)x", "\nx"));
        assert!(!matches(r"(?s:a).x", "a\nx"));
        assert!(!matches(r"(?!\s*$)[\s\S]+", "\u{85}"));
        assert!(matches(r"(?!\s*$)[\s\S]+", "a"));
        assert!(!matches(r"(?=^.{2,256}$)(?!.*\s)[0-9a-z]*$", "abc\n"));
        assert!(matches(r"(?=^.{2,256}$)(?!.*\s)[0-9a-z]*$", "abc"));
        assert!(!matches(r"^[^:].*$", "\r\n"));
        assert!(matches(r"^a$", "a\r\n"));
    }

    #[test]
    fn errors_name_the_construct() {
        assert!(translate("(").unwrap_err().contains("unclosed group"));
        assert!(translate(r"\p{InGreek}").unwrap_err().contains("block"));
        assert!(translate("[a").unwrap_err().contains("unclosed"));
    }
}
