//! Smithy `@http` URI patterns: parsing and checking them as Smithy does, and telling when two
//! of them conflict. Shared by the code generator, which refuses a model with a bad pattern or
//! conflicting routes, naming the operation, and the runtime's restJson1 router, which builds
//! its segment tree from the same parsed patterns.
//!
//! # Pattern rules
//!
//! [`UriPattern::parse`] refuses, with a [`PatternError`] naming the pattern: a pattern not
//! starting with `/`, containing a fragment (`#`) or ending with `?`; characters other than
//! printable ASCII; empty segments (`//`; one trailing `/` is allowed and ignored, as Smithy's
//! parser ignores it); `.` and `..` segments; braces in a literal segment (a label must be a whole
//! segment, so `{a}b` and `{a}{b}` are refused); empty labels; label names that are not Smithy
//! identifiers; two labels whose names differ only in case; more than one greedy label; more than
//! [`MAX_LABELS`] labels; malformed percent-encoding; braces in the query part; empty query keys;
//! and a query key given twice. A greedy label followed by further labels is accepted (Smithy only
//! warns about it); the router routes it.
//!
//! # Conflicts
//!
//! Two routes conflict, as Smithy's `HttpUriConflictValidator` defines, when they have the same
//! method, the same number of segments, at each position either two labels, two greedy labels or
//! two equal literals, and the same set of query literals. `/a/{b}` and `/a/c` do not conflict
//! (the literal is routed first); `/a/{b}` and `/a/{c}` do. Literals are compared after
//! percent-decoding, as they are matched, so `/%61` and `/a` conflict too. The method is the
//! caller's to compare.

use std::fmt;
use std::str::FromStr;

/// The most labels one URI pattern may have, the capacity of the router's labels.
pub const MAX_LABELS: usize = 16;

/// One `/`-delimited segment of a URI pattern's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Text the request's segment must equal, as written in the pattern (it may be
    /// percent-encoded).
    Literal(String),
    /// `{name}`: one non-empty segment of any text.
    Label(String),
    /// `{name+}`: one or more segments of any text.
    GreedyLabel(String),
}

impl Segment {
    /// The label's name, or `None` for a literal.
    pub fn label_name(&self) -> Option<&str> {
        match self {
            Segment::Literal(_) => None,
            Segment::Label(name) | Segment::GreedyLabel(name) => Some(name),
        }
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Literal(text) => f.write_str(text),
            Segment::Label(name) => write!(f, "{{{name}}}"),
            Segment::GreedyLabel(name) => write!(f, "{{{name}+}}"),
        }
    }
}

/// A query parameter a URI pattern requires, e.g. `abc=def` or `flag` in `/Foo?abc=def&flag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryLiteral {
    key: String,
    value: Option<String>,
}

impl QueryLiteral {
    /// The parameter's name, as written in the pattern.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The value the parameter must have, as written in the pattern, or `None` when only its
    /// presence is required (`flag` and `flag=` alike, as Smithy reads them).
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }
}

/// A parsed and checked `@http` URI pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriPattern {
    text: String,
    segments: Vec<Segment>,
    query: Vec<QueryLiteral>,
}

impl UriPattern {
    /// Parses and checks an `@http` `uri`; see the [module documentation](self) for the rules.
    pub fn parse(uri: &str) -> Result<Self, PatternError> {
        let fail = |kind| {
            Err(PatternError {
                pattern: uri.to_owned(),
                kind,
            })
        };
        if !uri.starts_with('/') {
            return fail(PatternErrorKind::MissingLeadingSlash);
        }
        if uri.contains('#') {
            return fail(PatternErrorKind::Fragment);
        }
        if uri.ends_with('?') {
            return fail(PatternErrorKind::EndsWithQuestionMark);
        }
        if let Some(c) = uri.chars().find(|c| !c.is_ascii_graphic()) {
            return fail(PatternErrorKind::InvalidCharacter(c));
        }
        let (path, query) = match uri.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (uri, None),
        };
        if path.contains("//") {
            return fail(PatternErrorKind::EmptySegment);
        }
        let body = &path[1..];
        let body = body.strip_suffix('/').unwrap_or(body);
        let mut segments = Vec::new();
        if !body.is_empty() {
            for text in body.split('/') {
                match parse_segment(text) {
                    Ok(segment) => segments.push(segment),
                    Err(kind) => return fail(kind),
                }
            }
        }
        let mut names: Vec<&str> = Vec::new();
        let mut greedy = false;
        for segment in &segments {
            if let Segment::GreedyLabel(_) = segment {
                if greedy {
                    return fail(PatternErrorKind::MultipleGreedyLabels);
                }
                greedy = true;
            }
            if let Some(name) = segment.label_name() {
                if names.iter().any(|seen| seen.eq_ignore_ascii_case(name)) {
                    return fail(PatternErrorKind::DuplicateLabel(name.to_owned()));
                }
                names.push(name);
            }
        }
        if names.len() > MAX_LABELS {
            return fail(PatternErrorKind::TooManyLabels(names.len()));
        }
        let mut literals: Vec<QueryLiteral> = Vec::new();
        if let Some(query) = query {
            if query.contains(['{', '}']) {
                return fail(PatternErrorKind::LabelInQuery);
            }
            for pair in query.split('&') {
                let (key, value) = match pair.split_once('=') {
                    Some((key, value)) => (key, Some(value)),
                    None => (pair, None),
                };
                if key.is_empty() {
                    return fail(PatternErrorKind::EmptyQueryKey);
                }
                for text in [Some(key), value].into_iter().flatten() {
                    if percent_decode(text).is_none() {
                        return fail(PatternErrorKind::InvalidPercentEncoding(text.to_owned()));
                    }
                }
                if literals
                    .iter()
                    .any(|seen| percent_decode(&seen.key) == percent_decode(key))
                {
                    return fail(PatternErrorKind::DuplicateQueryKey(key.to_owned()));
                }
                literals.push(QueryLiteral {
                    key: key.to_owned(),
                    value: value.filter(|value| !value.is_empty()).map(str::to_owned),
                });
            }
        }
        Ok(Self {
            text: uri.to_owned(),
            segments,
            query: literals,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The path's segments; `/` has none.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The query literals, in the order written.
    pub fn query_literals(&self) -> &[QueryLiteral] {
        &self.query
    }

    /// The label names, in the order of the path.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(Segment::label_name)
    }

    /// How many labels the pattern has.
    pub fn label_count(&self) -> usize {
        self.labels().count()
    }

    /// Whether the two patterns conflict under Smithy's rule: the same number of segments, at
    /// each position two labels, two greedy labels or two equal literals (compared after
    /// percent-decoding), and the same set of query literals. The method is not considered.
    pub fn conflicts_with(&self, other: &UriPattern) -> bool {
        if self.segments.len() != other.segments.len() {
            return false;
        }
        let paths_equivalent = self
            .segments
            .iter()
            .zip(&other.segments)
            .all(|pair| match pair {
                (Segment::Label(_), Segment::Label(_))
                | (Segment::GreedyLabel(_), Segment::GreedyLabel(_)) => true,
                (Segment::Literal(a), Segment::Literal(b)) => {
                    percent_decode(a) == percent_decode(b)
                }
                _ => false,
            });
        paths_equivalent
            && self.query.len() == other.query.len()
            && self.query.iter().all(|mine| {
                other.query.iter().any(|theirs| {
                    percent_decode(&mine.key) == percent_decode(&theirs.key)
                        && mine.value.as_deref().map(percent_decode)
                            == theirs.value.as_deref().map(percent_decode)
                })
            })
    }
}

impl FromStr for UriPattern {
    type Err = PatternError;

    fn from_str(uri: &str) -> Result<Self, PatternError> {
        Self::parse(uri)
    }
}

impl fmt::Display for UriPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn parse_segment(text: &str) -> Result<Segment, PatternErrorKind> {
    if text == "." || text == ".." {
        return Err(PatternErrorKind::DotSegment(text.to_owned()));
    }
    if let Some(inner) = text
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
        .filter(|inner| !inner.contains(['{', '}']))
    {
        let (name, greedy) = match inner.strip_suffix('+') {
            Some(name) => (name, true),
            None => (inner, false),
        };
        if name.is_empty() {
            return Err(PatternErrorKind::EmptyLabel);
        }
        if !is_identifier(name) {
            return Err(PatternErrorKind::InvalidLabelName(name.to_owned()));
        }
        return Ok(if greedy {
            Segment::GreedyLabel(name.to_owned())
        } else {
            Segment::Label(name.to_owned())
        });
    }
    if text.contains(['{', '}']) {
        return Err(PatternErrorKind::LabelNotWholeSegment(text.to_owned()));
    }
    if percent_decode(text).is_none() {
        return Err(PatternErrorKind::InvalidPercentEncoding(text.to_owned()));
    }
    Ok(Segment::Literal(text.to_owned()))
}

/// A Smithy identifier: `_*` then a letter (or, after underscores, a digit), then letters,
/// digits and underscores.
fn is_identifier(name: &str) -> bool {
    let bytes = name.as_bytes();
    let underscores = bytes.iter().take_while(|&&b| b == b'_').count();
    let Some(&first) = bytes.get(underscores) else {
        return false;
    };
    let first_ok = if underscores > 0 {
        first.is_ascii_alphanumeric()
    } else {
        first.is_ascii_alphabetic()
    };
    first_ok
        && bytes[underscores + 1..]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_')
}

/// An `@http` URI pattern that Smithy would refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pattern: String,
    kind: PatternErrorKind,
}

impl PatternError {
    /// The pattern as given.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// What is wrong with it.
    pub fn kind(&self) -> &PatternErrorKind {
        &self.kind
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid URI pattern `{}`: {}", self.pattern, self.kind)
    }
}

impl std::error::Error for PatternError {}

/// What is wrong with a URI pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PatternErrorKind {
    /// The pattern does not start with `/`.
    MissingLeadingSlash,
    /// The pattern has a fragment (`#`).
    Fragment,
    /// The pattern ends with `?`.
    EndsWithQuestionMark,
    /// A character other than printable ASCII.
    InvalidCharacter(char),
    /// An empty path segment (`//`).
    EmptySegment,
    /// A `.` or `..` segment.
    DotSegment(String),
    /// A segment mixing a label with other text, or with a stray brace.
    LabelNotWholeSegment(String),
    /// `{}` or `{+}`.
    EmptyLabel,
    /// A label name that is not a Smithy identifier.
    InvalidLabelName(String),
    /// A label name used twice (compared without regard to case).
    DuplicateLabel(String),
    /// More than one greedy label.
    MultipleGreedyLabels,
    /// More labels than [`MAX_LABELS`].
    TooManyLabels(usize),
    /// A `%` not followed by two hex digits.
    InvalidPercentEncoding(String),
    /// A brace in the query part: labels may only capture path segments.
    LabelInQuery,
    /// A query literal with no key (`?&a`, `?=a`).
    EmptyQueryKey,
    /// A query key given twice.
    DuplicateQueryKey(String),
}

impl fmt::Display for PatternErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingLeadingSlash => f.write_str("it must start with `/`"),
            Self::Fragment => f.write_str("it must not contain a fragment (`#`)"),
            Self::EndsWithQuestionMark => f.write_str("it must not end with `?`"),
            Self::InvalidCharacter(c) => {
                write!(f, "{c:?} is not allowed: only printable ASCII is")
            }
            Self::EmptySegment => f.write_str("it must not contain empty path segments (`//`)"),
            Self::DotSegment(segment) => {
                write!(f, "it must not contain the dot-segment `{segment}`")
            }
            Self::LabelNotWholeSegment(segment) => write!(
                f,
                "segment `{segment}` mixes a label with other text; a label must be a whole \
                 segment, `{{name}}` or `{{name+}}`"
            ),
            Self::EmptyLabel => f.write_str("it has a label with no name"),
            Self::InvalidLabelName(name) => write!(
                f,
                "label name `{name}` is not a Smithy identifier (letters, digits and `_`, \
                 starting with a letter or with `_`s then a letter or digit)"
            ),
            Self::DuplicateLabel(name) => write!(f, "label `{name}` is defined more than once"),
            Self::MultipleGreedyLabels => f.write_str("it has more than one greedy label"),
            Self::TooManyLabels(count) => write!(
                f,
                "it has {count} labels, more than the {MAX_LABELS} the router supports"
            ),
            Self::InvalidPercentEncoding(text) => write!(
                f,
                "`{text}` has a `%` not followed by two hexadecimal digits"
            ),
            Self::LabelInQuery => f.write_str("labels must not appear in the query string"),
            Self::EmptyQueryKey => f.write_str("it has a query literal with an empty key"),
            Self::DuplicateQueryKey(key) => {
                write!(f, "query literal `{key}` is given more than once")
            }
        }
    }
}

/// `text` percent-decoded, or `None` for malformed percent-encoding.
pub fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let raw = text.as_bytes();
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' {
            out.push(hex(raw.get(i + 1))? << 4 | hex(raw.get(i + 2))?);
            i += 3;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The value of a hexadecimal digit, or `None` for anything else (or nothing).
pub fn hex(byte: Option<&u8>) -> Option<u8> {
    let byte = *byte?;
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}
