//! Routes restJson1 requests to operations by method, path segments and query literals.
//!
//! Each operation's `@http` trait gives a method and a URI pattern such as
//! `/Foo/{bar}/Baz?abc=def&flag`. [`UriPattern::parse`] (the `smithy-uri-pattern` crate, shared
//! with the code generator) checks a pattern the way Smithy does, and its rules on patterns and
//! conflicts are documented there;
//! [`Router::new`] builds a segment tree from all of a service's routes once, refusing routes
//! that Smithy considers conflicting, and [`Router::find`] walks that tree for each request
//! without regular expressions and without allocating.
//!
//! # Matching rules
//!
//! - The path is split on raw `/` characters, before any percent-decoding, so an encoded slash
//!   (`%2F`) stays inside its segment.
//! - A literal segment matches a request segment when both are equal after percent-decoding:
//!   `/%48ello` reaches the literal `Hello`. Label values are bound after decoding too, so routing
//!   and binding see the same text. A request segment with malformed percent-encoding matches no
//!   literal (a label may still take it; decoding the label then fails).
//! - A label (`{name}`) takes exactly one non-empty segment. A greedy label (`{name+}`) takes one
//!   or more whole segments, anywhere in the pattern, leaving the pattern's remaining segments to
//!   the end of the path; its text must not be only slashes.
//! - One trailing slash is ignored, as the Smithy specification says ("trailing slashes are always
//!   optional"): `/a/b/` is routed as `/a/b`. Empty segments elsewhere are kept and match nothing
//!   but a greedy label's interior: `/a//b` does not reach `/a/{x}/b`.
//! - Query literals must all be present, in any order, among any other parameters. A bare key
//!   (`?flag`, or `?flag=`) requires the key; `key=value` requires the key, and every occurrence of
//!   the key must have that value. Keys and values are compared after percent-decoding, `+` being
//!   an ordinary character (RFC 3986, as `@httpQuery` encodes).
//! - When several routes match, the most specific wins, as Smithy's specificity routing defines:
//!   comparing the patterns segment by segment, a literal beats a label and a label beats a greedy
//!   label; then the pattern with more segments wins; then the one with more query literals; a
//!   remaining tie goes to the route given first.
//! - [`Match::MethodNotAllowed`] means a route's path and query literals match the request but its
//!   method does not; [`Match::NotFound`] that no route's do. Both are answered with the status and
//!   error type [`Match::rejection`] gives.
//!
use std::cmp::Ordering;
use std::fmt;

use http::Method;

pub use smithy_uri_pattern::{
    MAX_LABELS, PatternError, PatternErrorKind, QueryLiteral, Segment, UriPattern,
};
use smithy_uri_pattern::{hex, percent_decode};

/// Why a [`Router`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RouteError {
    /// A route's pattern is invalid.
    Pattern {
        /// The route's method.
        method: Method,
        /// What is wrong with its pattern.
        error: PatternError,
    },
    /// Two routes with the same method could match the same requests, and Smithy's specificity
    /// rules cannot tell them apart.
    Conflict {
        /// The method both routes have.
        method: Method,
        /// The pattern given first.
        first: String,
        /// The pattern given second.
        second: String,
    },
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pattern { method, error } => write!(f, "route {method} {error}"),
            Self::Conflict {
                method,
                first,
                second,
            } => write!(
                f,
                "routes `{method} {first}` and `{method} {second}` conflict: they match the same \
                 requests"
            ),
        }
    }
}

impl std::error::Error for RouteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Pattern { error, .. } => Some(error),
            Self::Conflict { .. } => None,
        }
    }
}

/// The labels of a matched route: slices of the request's raw path (still percent-encoded), in
/// the pattern's label order. A greedy label's slice spans its segments with the `/` between
/// them. Fixed capacity ([`MAX_LABELS`]), so matching allocates nothing.
#[derive(Clone, Copy)]
pub struct Labels<'a> {
    pattern: &'a UriPattern,
    values: [&'a str; MAX_LABELS],
    len: usize,
}

impl<'a> Labels<'a> {
    /// How many labels there are.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the route has no labels.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The raw values, in the pattern's label order.
    pub fn as_slice(&self) -> &[&'a str] {
        &self.values[..self.len]
    }

    /// The raw value of the label named `name` (exactly as in the pattern).
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.iter()
            .find_map(|(label, value)| (label == name).then_some(value))
    }

    /// `(name, raw value)` pairs, in the pattern's label order.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.pattern.labels().zip(self.as_slice().iter().copied())
    }

    /// The pattern of the matched route.
    pub fn pattern(&self) -> &'a UriPattern {
        self.pattern
    }
}

impl fmt::Debug for Labels<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// What [`Router::find`] found for a request.
#[derive(Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "the labels are inline so that matching allocates nothing"
)]
pub enum Match<'a, T> {
    /// The most specific route matching method, path and query literals.
    Found {
        /// The value given with the route.
        value: &'a T,
        /// The route's labels, taken from the request path.
        labels: Labels<'a>,
    },
    /// Some route's path and query literals match, but none with this method.
    MethodNotAllowed,
    /// No route's path and query literals match.
    NotFound,
}

impl<T> Match<'_, T> {
    /// For a request no route takes, the HTTP status and the error type restJson1 servers
    /// answer with (in `X-Amzn-Errortype`): 404 or 405 and `UnknownOperationException`.
    pub fn rejection(&self) -> Option<(u16, &'static str)> {
        match self {
            Match::Found { .. } => None,
            Match::MethodNotAllowed => Some((405, "UnknownOperationException")),
            Match::NotFound => Some((404, "UnknownOperationException")),
        }
    }
}

/// Routes requests to values (typically operations) by method, path and query literals. Built
/// once per service; see the [module documentation](self) for the rules.
#[derive(Debug)]
pub struct Router<T> {
    routes: Vec<Route<T>>,
    root: Node,
}

#[derive(Debug)]
struct Route<T> {
    method: Method,
    pattern: UriPattern,
    labels: usize,
    value: T,
}

/// A position in the path: the routes ending here, and the edges to the next segment.
#[derive(Debug, Default)]
struct Node {
    /// Percent-decoded literal segments, in [`literal_order`].
    literals: Vec<(Box<[u8]>, Node)>,
    label: Option<Box<Node>>,
    /// Routes with a greedy label at this position, most specific first.
    greedy: Vec<Tail>,
    /// Routes whose path ends here, most query literals first.
    ends: Vec<End>,
}

/// A route's segments after its greedy label.
#[derive(Debug)]
struct Tail {
    suffix: Box<[Step]>,
    end: End,
}

#[derive(Debug)]
enum Step {
    Literal(Box<[u8]>),
    Label,
}

#[derive(Debug)]
struct End {
    method: Method,
    query: Box<[QueryNeed]>,
    route: usize,
}

/// A query literal, percent-decoded.
#[derive(Debug)]
struct QueryNeed {
    key: Box<[u8]>,
    value: Option<Box<[u8]>>,
}

impl<T> Router<T> {
    /// Builds the router from `(method, @http uri, value)` routes, checking every pattern and
    /// refusing conflicting routes.
    pub fn new<I, P>(routes: I) -> Result<Self, RouteError>
    where
        I: IntoIterator<Item = (Method, P, T)>,
        P: AsRef<str>,
    {
        let mut parsed = Vec::new();
        for (method, uri, value) in routes {
            match UriPattern::parse(uri.as_ref()) {
                Ok(pattern) => parsed.push((method, pattern, value)),
                Err(error) => return Err(RouteError::Pattern { method, error }),
            }
        }
        Self::from_patterns(parsed)
    }

    /// Builds the router from routes whose patterns are already parsed, refusing conflicting
    /// routes.
    pub fn from_patterns<I>(routes: I) -> Result<Self, RouteError>
    where
        I: IntoIterator<Item = (Method, UriPattern, T)>,
    {
        let routes: Vec<Route<T>> = routes
            .into_iter()
            .map(|(method, pattern, value)| Route {
                labels: pattern.label_count(),
                method,
                pattern,
                value,
            })
            .collect();
        for (i, first) in routes.iter().enumerate() {
            for second in &routes[i + 1..] {
                if first.method == second.method && first.pattern.conflicts_with(&second.pattern) {
                    return Err(RouteError::Conflict {
                        method: first.method.clone(),
                        first: first.pattern.as_str().to_owned(),
                        second: second.pattern.as_str().to_owned(),
                    });
                }
            }
        }
        let mut root = Node::default();
        for (index, route) in routes.iter().enumerate() {
            root.insert(index, &route.method, &route.pattern);
        }
        root.sort();
        Ok(Self { routes, root })
    }

    /// How many routes there are.
    pub fn len(&self) -> usize {
        self.routes.len()
    }

    /// Whether there are no routes.
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    /// The routes, in the order given.
    pub fn routes(&self) -> impl Iterator<Item = (&Method, &UriPattern, &T)> {
        self.routes
            .iter()
            .map(|route| (&route.method, &route.pattern, &route.value))
    }

    /// [`Router::find`] with the path and query of a request's URI.
    pub fn find_uri<'a>(&'a self, method: &Method, uri: &'a http::Uri) -> Match<'a, T> {
        self.find(method, uri.path(), uri.query())
    }

    /// Routes a request: `path` is the raw (percent-encoded) path, `query` the raw query string
    /// without `?`. Allocates nothing.
    pub fn find<'a>(
        &'a self,
        method: &Method,
        path: &'a str,
        query: Option<&'a str>,
    ) -> Match<'a, T> {
        let body = match path {
            "" | "/" => None,
            _ => match path.strip_prefix('/') {
                Some(body) => Some(body.strip_suffix('/').unwrap_or(body)),
                None => return Match::NotFound,
            },
        };
        let mut search = Search {
            method,
            query,
            captures: [""; MAX_LABELS],
            wrong_method: false,
        };
        match self.root.walk(body, 0, &mut search) {
            Some(index) => {
                let route = &self.routes[index];
                Match::Found {
                    value: &route.value,
                    labels: Labels {
                        pattern: &route.pattern,
                        values: search.captures,
                        len: route.labels,
                    },
                }
            }
            None if search.wrong_method => Match::MethodNotAllowed,
            None => Match::NotFound,
        }
    }
}

/// The state of one [`Router::find`].
struct Search<'a, 'm> {
    method: &'m Method,
    query: Option<&'a str>,
    captures: [&'a str; MAX_LABELS],
    wrong_method: bool,
}

impl Search<'_, '_> {
    /// The first of `ends` whose query literals and method match.
    fn accept<'e>(&mut self, ends: impl IntoIterator<Item = &'e End>) -> Option<usize> {
        for end in ends {
            if end.query.iter().all(|need| query_has(self.query, need)) {
                if end.method == *self.method {
                    return Some(end.route);
                }
                self.wrong_method = true;
            }
        }
        None
    }
}

impl Node {
    fn insert(&mut self, route: usize, method: &Method, pattern: &UriPattern) {
        let end = End {
            method: method.clone(),
            query: pattern
                .query_literals()
                .iter()
                .map(|literal| QueryNeed {
                    key: decoded(literal.key()),
                    value: literal.value().map(decoded),
                })
                .collect(),
            route,
        };
        let mut node = self;
        for (position, segment) in pattern.segments().iter().enumerate() {
            node = match segment {
                Segment::Literal(text) => {
                    let text = decoded(text);
                    let at = match node
                        .literals
                        .binary_search_by(|(literal, _)| literal_order(literal, &text))
                    {
                        Ok(at) => at,
                        Err(at) => {
                            node.literals.insert(at, (text, Node::default()));
                            at
                        }
                    };
                    &mut node.literals[at].1
                }
                Segment::Label(_) => node.label.get_or_insert_with(Box::default),
                Segment::GreedyLabel(_) => {
                    let suffix = pattern.segments()[position + 1..]
                        .iter()
                        .map(|segment| match segment {
                            Segment::Literal(text) => Step::Literal(decoded(text)),
                            // Parsing admits one greedy label only.
                            Segment::Label(_) | Segment::GreedyLabel(_) => Step::Label,
                        })
                        .collect();
                    node.greedy.push(Tail { suffix, end });
                    return;
                }
            };
        }
        node.ends.push(end);
    }

    fn sort(&mut self) {
        self.ends.sort_by(by_query_then_order);
        self.greedy.sort_by(|a, b| {
            suffix_specificity(&a.suffix, &b.suffix)
                .then_with(|| by_query_then_order(&a.end, &b.end))
        });
        for (_, child) in &mut self.literals {
            child.sort();
        }
        if let Some(child) = &mut self.label {
            child.sort();
        }
    }

    /// Depth-first, literal before label before greedy label, so the first route found is the
    /// most specific.
    fn walk<'a>(
        &self,
        rest: Option<&'a str>,
        labels: usize,
        search: &mut Search<'a, '_>,
    ) -> Option<usize> {
        let Some(rest) = rest else {
            return search.accept(&self.ends);
        };
        let (segment, next, encoded) = next_segment(rest);
        if let Some(child) = self.literal(segment, encoded)
            && let Some(found) = child.walk(next, labels, search)
        {
            return Some(found);
        }
        if let Some(child) = &self.label
            && !segment.is_empty()
        {
            search.captures[labels] = segment;
            if let Some(found) = child.walk(next, labels + 1, search) {
                return Some(found);
            }
        }
        self.greedy
            .iter()
            .find_map(|tail| tail.walk(rest, labels, search))
    }

    /// The child for the literal `segment`; `encoded` if it has a `%`.
    fn literal(&self, segment: &str, encoded: bool) -> Option<&Node> {
        if self.literals.is_empty() {
            None
        } else if encoded {
            self.encoded_literal(segment)
        } else {
            self.decoded_literal(segment.as_bytes())
        }
    }

    fn encoded_literal(&self, segment: &str) -> Option<&Node> {
        let mut buffer = [0; DECODE_BUFFER];
        match decode_into(segment, &mut buffer) {
            Some(decoded) => self.decoded_literal(decoded),
            // Malformed, or too long to decode on the stack: compare one by one.
            None => self
                .literals
                .iter()
                .find(|(literal, _)| decodes_to(segment, literal))
                .map(|(_, child)| child),
        }
    }

    fn decoded_literal(&self, key: &[u8]) -> Option<&Node> {
        self.literals
            .binary_search_by(|(literal, _)| literal_order(literal, key))
            .ok()
            .map(|at| &self.literals[at].1)
    }
}

impl Tail {
    /// The greedy label takes all of `rest` but the last `suffix.len()` segments.
    fn walk<'a>(&self, rest: &'a str, labels: usize, search: &mut Search<'a, '_>) -> Option<usize> {
        let (greedy, mut suffix) = if self.suffix.is_empty() {
            (rest, "")
        } else {
            let cut = nth_slash_from_end(rest, self.suffix.len())?;
            (&rest[..cut], &rest[cut + 1..])
        };
        if !greedy.bytes().any(|b| b != b'/') {
            return None;
        }
        search.captures[labels] = greedy;
        let mut labels = labels + 1;
        for step in &self.suffix {
            let (segment, next) = suffix.split_once('/').unwrap_or((suffix, ""));
            suffix = next;
            match step {
                Step::Literal(literal) => {
                    if !decodes_to(segment, literal) {
                        return None;
                    }
                }
                Step::Label => {
                    if segment.is_empty() {
                        return None;
                    }
                    search.captures[labels] = segment;
                    labels += 1;
                }
            }
        }
        search.accept(std::iter::once(&self.end))
    }
}

/// The order of a node's literals: by length, then bytes (most comparisons end at the length).
fn literal_order(literal: &[u8], key: &[u8]) -> Ordering {
    literal.len().cmp(&key.len()).then_with(|| literal.cmp(key))
}

/// The first segment of `rest`, what follows its `/` if there is one, and whether the segment
/// has a `%`: one pass over its bytes.
fn next_segment(rest: &str) -> (&str, Option<&str>, bool) {
    let mut encoded = false;
    for (at, byte) in rest.bytes().enumerate() {
        match byte {
            b'/' => return (&rest[..at], Some(&rest[at + 1..]), encoded),
            b'%' => encoded = true,
            _ => {}
        }
    }
    (rest, None, encoded)
}

/// The byte offset of the `n`th `/` counted from the end.
fn nth_slash_from_end(text: &str, n: usize) -> Option<usize> {
    text.bytes()
        .enumerate()
        .rev()
        .filter(|&(_, b)| b == b'/')
        .nth(n - 1)
        .map(|(at, _)| at)
}

fn by_query_then_order(a: &End, b: &End) -> Ordering {
    b.query
        .len()
        .cmp(&a.query.len())
        .then(a.route.cmp(&b.route))
}

/// Smithy's specificity over the segments after a greedy label: position by position a literal
/// before a label (two literals are taken as equal), then the longer suffix first.
fn suffix_specificity(a: &[Step], b: &[Step]) -> Ordering {
    for pair in a.iter().zip(b) {
        match pair {
            (Step::Literal(_), Step::Label) => return Ordering::Less,
            (Step::Label, Step::Literal(_)) => return Ordering::Greater,
            _ => {}
        }
    }
    b.len().cmp(&a.len())
}

/// Whether the query string has the literal: the key present, and when a value is required,
/// every occurrence of the key with that value.
fn query_has(query: Option<&str>, need: &QueryNeed) -> bool {
    let Some(query) = query else {
        return false;
    };
    let mut found = false;
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if !decodes_to(key, &need.key) {
            continue;
        }
        match &need.value {
            None => return true,
            Some(want) if decodes_to(value, want) => found = true,
            Some(_) => return false,
        }
    }
    found
}

/// The longest percent-decoded segment [`Node::literal`] looks up by binary search.
const DECODE_BUFFER: usize = 256;

/// `raw` percent-decoded into `buffer`, or `None` if it is malformed or does not fit.
fn decode_into<'b>(raw: &str, buffer: &'b mut [u8; DECODE_BUFFER]) -> Option<&'b [u8]> {
    let raw = raw.as_bytes();
    let (mut i, mut len) = (0, 0);
    while i < raw.len() {
        let byte = if raw[i] == b'%' {
            let byte = hex(raw.get(i + 1))? << 4 | hex(raw.get(i + 2))?;
            i += 3;
            byte
        } else {
            i += 1;
            raw[i - 1]
        };
        *buffer.get_mut(len)? = byte;
        len += 1;
    }
    Some(&buffer[..len])
}

/// Whether `raw`, percent-decoded, is `want`; false for malformed percent-encoding.
fn decodes_to(raw: &str, want: &[u8]) -> bool {
    let raw = raw.as_bytes();
    let (mut i, mut j) = (0, 0);
    while i < raw.len() {
        let byte = if raw[i] == b'%' {
            match (hex(raw.get(i + 1)), hex(raw.get(i + 2))) {
                (Some(high), Some(low)) => {
                    i += 3;
                    high << 4 | low
                }
                _ => return false,
            }
        } else {
            i += 1;
            raw[i - 1]
        };
        if want.get(j) != Some(&byte) {
            return false;
        }
        j += 1;
    }
    j == want.len()
}

/// For text [`UriPattern::parse`] has checked.
fn decoded(text: &str) -> Box<[u8]> {
    percent_decode(text)
        .unwrap_or_else(|| text.as_bytes().to_vec())
        .into_boxed_slice()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(uri: &str) -> PatternErrorKind {
        UriPattern::parse(uri).expect_err(uri).kind().clone()
    }

    fn router(routes: &[(Method, &'static str)]) -> Router<&'static str> {
        Router::new(
            routes
                .iter()
                .map(|(method, uri)| (method.clone(), *uri, *uri)),
        )
        .expect("routes build")
    }

    /// The pattern found, with its labels, or "405" / "404".
    fn route(router: &Router<&'static str>, method: Method, target: &str) -> String {
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (target, None),
        };
        match router.find(&method, path, query) {
            Match::Found { value, labels } => {
                let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
                if labels.is_empty() {
                    (*value).to_owned()
                } else {
                    format!("{value} {}", labels.join(" "))
                }
            }
            Match::MethodNotAllowed => "405".to_owned(),
            Match::NotFound => "404".to_owned(),
        }
    }

    #[test]
    fn parses_segments_and_query_literals() {
        let pattern = UriPattern::parse("/Foo/{bar}/Baz/{rest+}?abc=def&flag&empty=").unwrap();
        assert_eq!(
            pattern.segments(),
            [
                Segment::Literal("Foo".into()),
                Segment::Label("bar".into()),
                Segment::Literal("Baz".into()),
                Segment::GreedyLabel("rest".into()),
            ]
        );
        let query: Vec<_> = pattern
            .query_literals()
            .iter()
            .map(|literal| (literal.key(), literal.value()))
            .collect();
        assert_eq!(
            query,
            [("abc", Some("def")), ("flag", None), ("empty", None)]
        );
        assert_eq!(pattern.labels().collect::<Vec<_>>(), ["bar", "rest"]);
        assert_eq!(pattern.label_count(), 2);
        assert_eq!(
            pattern.to_string(),
            "/Foo/{bar}/Baz/{rest+}?abc=def&flag&empty="
        );
        assert!(UriPattern::parse("/").unwrap().segments().is_empty());
        assert_eq!(UriPattern::parse("/a/").unwrap().segments().len(), 1);
        assert!("/{_1}/{a_b9}/%20x/(a+)+".parse::<UriPattern>().is_ok());
        assert!(UriPattern::parse("/?a=b").unwrap().segments().is_empty());
        assert!(UriPattern::parse("/{a+}/{b}").is_ok(), "Smithy only warns");
    }

    #[test]
    fn refuses_every_invalid_pattern() {
        use PatternErrorKind::*;
        assert_eq!(kind("foo"), MissingLeadingSlash);
        assert_eq!(kind(""), MissingLeadingSlash);
        assert_eq!(kind("/foo#bar"), Fragment);
        assert_eq!(kind("/foo?"), EndsWithQuestionMark);
        assert_eq!(kind("/fo o"), InvalidCharacter(' '));
        assert_eq!(kind("/café"), InvalidCharacter('é'));
        assert_eq!(kind("/a//b"), EmptySegment);
        assert_eq!(kind("//"), EmptySegment);
        assert_eq!(kind("/a//"), EmptySegment);
        assert_eq!(kind("/a/../b"), DotSegment("..".into()));
        assert_eq!(kind("/./b"), DotSegment(".".into()));
        assert_eq!(kind("/{foo}bar"), LabelNotWholeSegment("{foo}bar".into()));
        assert_eq!(
            kind("/{foo}{bar}"),
            LabelNotWholeSegment("{foo}{bar}".into())
        );
        assert_eq!(kind("/a{foo}"), LabelNotWholeSegment("a{foo}".into()));
        assert_eq!(kind("/foo}"), LabelNotWholeSegment("foo}".into()));
        assert_eq!(kind("/{foo"), LabelNotWholeSegment("{foo".into()));
        assert_eq!(kind("/{}"), EmptyLabel);
        assert_eq!(kind("/{+}"), EmptyLabel);
        assert_eq!(kind("/{1a}"), InvalidLabelName("1a".into()));
        assert_eq!(kind("/{_}"), InvalidLabelName("_".into()));
        assert_eq!(kind("/{a-b}"), InvalidLabelName("a-b".into()));
        assert_eq!(kind("/{a+b}"), InvalidLabelName("a+b".into()));
        assert_eq!(kind("/{a++}"), InvalidLabelName("a+".into()));
        assert_eq!(kind("/{a}/{A}"), DuplicateLabel("A".into()));
        assert_eq!(kind("/{a}/{a+}"), DuplicateLabel("a".into()));
        assert_eq!(kind("/{a+}/b/{c+}"), MultipleGreedyLabels);
        let many: String = (0..=MAX_LABELS).map(|i| format!("/{{l{i}}}")).collect();
        assert_eq!(kind(&many), TooManyLabels(MAX_LABELS + 1));
        assert_eq!(kind("/a%2"), InvalidPercentEncoding("a%2".into()));
        assert_eq!(kind("/a%zz"), InvalidPercentEncoding("a%zz".into()));
        assert_eq!(kind("/a?k=%G0"), InvalidPercentEncoding("%G0".into()));
        assert_eq!(kind("/a?{k}"), LabelInQuery);
        assert_eq!(kind("/a?k={v}"), LabelInQuery);
        assert_eq!(kind("/a?&k"), EmptyQueryKey);
        assert_eq!(kind("/a?k&&j"), EmptyQueryKey);
        assert_eq!(kind("/a?=v"), EmptyQueryKey);
        assert_eq!(kind("/a?k=1&k=2"), DuplicateQueryKey("k".into()));
        assert_eq!(kind("/a?k&%6B"), DuplicateQueryKey("%6B".into()));
    }

    #[test]
    fn errors_say_what_is_wrong_with_which_pattern() {
        let error = UriPattern::parse("/{foo}bar").unwrap_err();
        assert_eq!(error.pattern(), "/{foo}bar");
        let message = error.to_string();
        assert!(message.contains("`/{foo}bar`"), "{message}");
        assert!(
            message.contains("label must be a whole segment"),
            "{message}"
        );
        let error = Router::new([(Method::GET, "/a/{b}/{b}", ())]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "route GET invalid URI pattern `/a/{b}/{b}`: label `b` is defined more than once"
        );
    }

    #[test]
    fn refuses_conflicting_routes_as_smithy_does() {
        let conflicts = [
            ("/foo/bar", "/foo/bar"),
            ("/foo/{bar}", "/foo/{baz}"),
            ("/foo/{bar+}", "/foo/{baz+}"),
            ("/foo", "/foo/"),
            ("/a?x=1&y", "/a?y&x=1"),
            ("/a?y", "/a?y="),
            ("/%61/{b}", "/a/{c}"),
        ];
        for (first, second) in conflicts {
            let error =
                Router::new([(Method::GET, first, 1), (Method::GET, second, 2)]).unwrap_err();
            assert_eq!(
                error,
                RouteError::Conflict {
                    method: Method::GET,
                    first: first.into(),
                    second: second.into()
                }
            );
            assert!(error.to_string().contains(first) && error.to_string().contains(second));
            Router::new([(Method::GET, first, 1), (Method::PUT, second, 2)])
                .expect("other methods never conflict");
        }
        let allowed = [
            ("/a/{b}", "/a/c"),
            ("/a/{b}", "/a/{b+}"),
            ("/a/{b}", "/a/{b}/c"),
            ("/{a}/b", "/a/{b}"),
            ("/a", "/a?x"),
            ("/a?x=1", "/a?x=2"),
            ("/a?x", "/a?x=1"),
            ("/a/{b+}", "/a/{b+}/c"),
            ("/A", "/a"),
        ];
        for (first, second) in allowed {
            Router::new([(Method::GET, first, 1), (Method::GET, second, 2)])
                .unwrap_or_else(|error| panic!("{error}"));
        }
    }

    #[test]
    fn matches_literals_and_labels() {
        let r = router(&[
            (Method::GET, "/"),
            (Method::GET, "/HttpPrefixHeaders"),
            (
                Method::GET,
                "/HttpRequestWithLabels/{string}/{short}/{integer}",
            ),
        ]);
        assert_eq!(route(&r, Method::GET, "/"), "/");
        assert_eq!(route(&r, Method::GET, ""), "/");
        assert_eq!(
            route(&r, Method::GET, "/HttpPrefixHeaders"),
            "/HttpPrefixHeaders"
        );
        assert_eq!(
            route(&r, Method::GET, "/HttpRequestWithLabels/s/1/2"),
            "/HttpRequestWithLabels/{string}/{short}/{integer} string=s short=1 integer=2"
        );
        assert_eq!(route(&r, Method::GET, "/HttpRequestWithLabels/s/1"), "404");
        assert_eq!(
            route(&r, Method::GET, "/HttpRequestWithLabels/s/1/2/3"),
            "404"
        );
        assert_eq!(
            route(&r, Method::GET, "/httpprefixheaders"),
            "404",
            "case matters"
        );
        assert_eq!(route(&r, Method::GET, "HttpPrefixHeaders"), "404");
        assert_eq!(route(&r, Method::GET, "*"), "404");
    }

    #[test]
    fn labels_are_raw_slices_of_the_path() {
        let r = router(&[(Method::GET, "/l/{a}/{b}")]);
        let Match::Found { labels, .. } = r.find(&Method::GET, "/l/hello%2Fescape/%20x", None)
        else {
            panic!("no match");
        };
        assert_eq!(labels.as_slice(), ["hello%2Fescape", "%20x"]);
        assert_eq!(labels.get("b"), Some("%20x"));
        assert_eq!(labels.get("c"), None);
        assert_eq!(labels.len(), 2);
        assert_eq!(labels.pattern().as_str(), "/l/{a}/{b}");
        assert_eq!(
            format!("{labels:?}"),
            r#"{"a": "hello%2Fescape", "b": "%20x"}"#
        );
    }

    #[test]
    fn greedy_labels_at_the_end_and_in_the_middle() {
        let r = router(&[
            (
                Method::GET,
                "/HttpRequestWithGreedyLabelInPath/foo/{foo}/baz/{baz+}",
            ),
            (Method::GET, "/prefix/{label+}/suffix"),
            (Method::GET, "/two/{g+}/{last}"),
        ]);
        assert_eq!(
            route(
                &r,
                Method::GET,
                "/HttpRequestWithGreedyLabelInPath/foo/hello%2Fescape/baz/there/guy"
            ),
            "/HttpRequestWithGreedyLabelInPath/foo/{foo}/baz/{baz+} foo=hello%2Fescape baz=there/guy"
        );
        assert_eq!(
            route(
                &r,
                Method::GET,
                "/HttpRequestWithGreedyLabelInPath/foo/f/baz/b/"
            ),
            "/HttpRequestWithGreedyLabelInPath/foo/{foo}/baz/{baz+} foo=f baz=b"
        );
        assert_eq!(
            route(
                &r,
                Method::GET,
                "/HttpRequestWithGreedyLabelInPath/foo/f/baz"
            ),
            "404"
        );
        assert_eq!(
            route(
                &r,
                Method::GET,
                "/HttpRequestWithGreedyLabelInPath/foo/f/baz/"
            ),
            "404"
        );
        // The specification's table for `/prefix/{label+}/suffix`.
        let p = "/prefix/{label+}/suffix";
        assert_eq!(
            route(&r, Method::GET, "/prefix/foo/suffix"),
            format!("{p} label=foo")
        );
        assert_eq!(
            route(&r, Method::GET, "/prefix/foo/bar/suffix"),
            format!("{p} label=foo/bar")
        );
        assert_eq!(route(&r, Method::GET, "/prefix/foo/bar"), "404");
        assert_eq!(route(&r, Method::GET, "/foo/bar/suffix"), "404");
        assert_eq!(
            route(&r, Method::GET, "/prefix/foo/suffix/bar/suffix"),
            format!("{p} label=foo/suffix/bar")
        );
        assert_eq!(route(&r, Method::GET, "/prefix/suffix"), "404");
        assert_eq!(
            route(&r, Method::GET, "/prefix/a//b/suffix"),
            format!("{p} label=a//b")
        );
        assert_eq!(route(&r, Method::GET, "/prefix//suffix"), "404");
        assert_eq!(route(&r, Method::GET, "/prefix///suffix"), "404");
        assert_eq!(
            route(&r, Method::GET, "/two/a/b/c"),
            "/two/{g+}/{last} g=a/b last=c"
        );
        assert_eq!(route(&r, Method::GET, "/two/a"), "404");
    }

    #[test]
    fn query_literals_must_be_present_in_any_order() {
        let r = router(&[
            (Method::GET, "/Foo/{bar}/Baz?abc=def&flag"),
            (Method::GET, "/path?requiredKey"),
            (Method::GET, "/kv?requiredKey=requiredValue"),
        ]);
        let foo = "/Foo/{bar}/Baz?abc=def&flag bar=1";
        assert_eq!(route(&r, Method::GET, "/Foo/1/Baz?abc=def&flag"), foo);
        assert_eq!(route(&r, Method::GET, "/Foo/1/Baz?flag&x=y&abc=def"), foo);
        assert_eq!(
            route(&r, Method::GET, "/Foo/1/Baz?flag=anything&abc=d%65f"),
            foo
        );
        assert_eq!(route(&r, Method::GET, "/Foo/1/Baz?abc=def"), "404");
        assert_eq!(route(&r, Method::GET, "/Foo/1/Baz?flag&abc=xyz"), "404");
        assert_eq!(route(&r, Method::GET, "/Foo/1/Baz"), "404");
        // The specification's tables.
        for (target, expected) in [
            ("/path?requiredKey", "/path?requiredKey"),
            ("/path?other&requiredKey", "/path?requiredKey"),
            ("/path", "404"),
            ("/path?", "404"),
            ("/path?otherKey", "404"),
            (
                "/kv?requiredKey=requiredValue",
                "/kv?requiredKey=requiredValue",
            ),
            (
                "/kv?other&requiredKey=requiredValue",
                "/kv?requiredKey=requiredValue",
            ),
            (
                "/kv?requiredKey=requiredValue&requiredKey=requiredValue",
                "/kv?requiredKey=requiredValue",
            ),
            ("/kv", "404"),
            ("/kv?", "404"),
            ("/kv?requiredKey=otherValue", "404"),
            ("/kv?requiredKey=requiredValue&requiredKey=other", "404"),
            ("/kv?requiredKey", "404"),
        ] {
            assert_eq!(route(&r, Method::GET, target), expected, "{target}");
        }
    }

    #[test]
    fn query_literals_pick_among_the_same_path() {
        let r = router(&[
            (Method::GET, "/q"),
            (Method::GET, "/q?a=1"),
            (Method::GET, "/q?a=2"),
            (Method::GET, "/q?a=1&b"),
        ]);
        assert_eq!(route(&r, Method::GET, "/q"), "/q");
        assert_eq!(route(&r, Method::GET, "/q?a=3"), "/q");
        assert_eq!(route(&r, Method::GET, "/q?a=1"), "/q?a=1");
        assert_eq!(route(&r, Method::GET, "/q?a=2&b"), "/q?a=2");
        assert_eq!(
            route(&r, Method::GET, "/q?b&a=1"),
            "/q?a=1&b",
            "more literals win"
        );
    }

    #[test]
    fn method_not_allowed_versus_not_found() {
        let r = router(&[
            (Method::GET, "/a/{b}"),
            (Method::PUT, "/a/{b}"),
            (Method::POST, "/only?x"),
        ]);
        assert_eq!(route(&r, Method::PUT, "/a/1"), "/a/{b} b=1");
        assert_eq!(route(&r, Method::DELETE, "/a/1"), "405");
        assert_eq!(route(&r, Method::DELETE, "/a/1/2"), "404");
        assert_eq!(route(&r, Method::GET, "/only?x"), "405");
        assert_eq!(
            route(&r, Method::GET, "/only"),
            "404",
            "the query literal is part of the route"
        );
        let missing = r.find(&Method::GET, "/nowhere", None);
        assert_eq!(
            missing.rejection(),
            Some((404, "UnknownOperationException"))
        );
        let wrong = r.find(&Method::DELETE, "/a/1", None);
        assert_eq!(wrong.rejection(), Some((405, "UnknownOperationException")));
        assert_eq!(r.find(&Method::GET, "/a/1", None).rejection(), None);
    }

    #[test]
    fn the_most_specific_route_wins() {
        // The specification's routing examples 1 and 3.
        let r = router(&[
            (Method::GET, "/abc/bcd/{xyz}"),
            (Method::GET, "/abc/{xyz}/cde"),
            (Method::GET, "/{xyz}/bcd/cde"),
            (Method::GET, "/g/{xyz+}/bcd"),
            (Method::GET, "/g/{xyz+}"),
        ]);
        assert_eq!(
            route(&r, Method::GET, "/abc/bcd/cde"),
            "/abc/bcd/{xyz} xyz=cde"
        );
        assert_eq!(
            route(&r, Method::GET, "/abc/foo/cde"),
            "/abc/{xyz}/cde xyz=foo"
        );
        assert_eq!(
            route(&r, Method::GET, "/foo/bcd/cde"),
            "/{xyz}/bcd/cde xyz=foo"
        );
        assert_eq!(
            route(&r, Method::GET, "/g/foo/bar/bcd"),
            "/g/{xyz+}/bcd xyz=foo/bar"
        );
        assert_eq!(
            route(&r, Method::GET, "/g/foo/bar/baz"),
            "/g/{xyz+} xyz=foo/bar/baz"
        );
        // Example 2: path specificity beats query literals.
        let r = router(&[
            (Method::GET, "/abc/bcd/{xyz}"),
            (Method::GET, "/abc/{xyz}/cde"),
            (Method::GET, "/{xyz}/bcd/cde?def=efg"),
        ]);
        assert_eq!(
            route(&r, Method::GET, "/abc/bcd/cde?def=efg"),
            "/abc/bcd/{xyz} xyz=cde"
        );
        assert_eq!(
            route(&r, Method::GET, "/abc/foo/cde?def=efg"),
            "/abc/{xyz}/cde xyz=foo"
        );
        assert_eq!(
            route(&r, Method::GET, "/foo/bcd/cde?def=efg"),
            "/{xyz}/bcd/cde?def=efg xyz=foo"
        );
        // Literal over label over greedy label, backtracking when the literal branch fails.
        let r = router(&[
            (Method::GET, "/a/b/c"),
            (Method::GET, "/a/{x}/d"),
            (Method::GET, "/a/{g+}"),
            (Method::GET, "/{any+}"),
            (Method::POST, "/a/b/{y}"),
        ]);
        assert_eq!(route(&r, Method::GET, "/a/b/c"), "/a/b/c");
        assert_eq!(route(&r, Method::GET, "/a/b/d"), "/a/{x}/d x=b");
        assert_eq!(route(&r, Method::GET, "/a/b/e"), "/a/{g+} g=b/e");
        assert_eq!(route(&r, Method::GET, "/z/b/e"), "/{any+} any=z/b/e");
        assert_eq!(route(&r, Method::POST, "/a/b/c"), "/a/b/{y} y=c");
        assert_eq!(route(&r, Method::POST, "/a/c/c"), "405");
        // After a greedy label: a literal beats a label, then the longer pattern wins.
        let r = router(&[
            (Method::GET, "/m/{g+}/{x}"),
            (Method::GET, "/m/{g+}/z"),
            (Method::GET, "/m/{g+}/{x}/{y}"),
        ]);
        assert_eq!(route(&r, Method::GET, "/m/a/b/z"), "/m/{g+}/z g=a/b");
        assert_eq!(
            route(&r, Method::GET, "/m/a/b/c"),
            "/m/{g+}/{x}/{y} g=a x=b y=c"
        );
        assert_eq!(route(&r, Method::GET, "/m/a/b"), "/m/{g+}/{x} g=a x=b");
    }

    #[test]
    fn one_trailing_slash_is_ignored_and_empty_segments_match_nothing() {
        let r = router(&[
            (Method::GET, "/my/uri/path"),
            (Method::GET, "/my/uri/{label}"),
            (Method::GET, "/two/{label1}/{label2}"),
            (Method::GET, "/trailing/"),
        ]);
        assert_eq!(route(&r, Method::GET, "/my/uri/path/"), "/my/uri/path");
        assert_eq!(route(&r, Method::GET, "/my/uri/path//"), "404");
        assert_eq!(
            route(&r, Method::GET, "/my/uri/foo/"),
            "/my/uri/{label} label=foo"
        );
        assert_eq!(
            route(&r, Method::GET, "/my/uri/foo?query=bar"),
            "/my/uri/{label} label=foo"
        );
        assert_eq!(route(&r, Method::GET, "/my/uri"), "404");
        assert_eq!(route(&r, Method::GET, "/my/uri/"), "404");
        assert_eq!(route(&r, Method::GET, "/my/uri/foo/bar"), "404");
        assert_eq!(
            route(&r, Method::GET, "/two/bar/baz/"),
            "/two/{label1}/{label2} label1=bar label2=baz"
        );
        assert_eq!(route(&r, Method::GET, "/two//baz"), "404");
        assert_eq!(route(&r, Method::GET, "//my/uri/path"), "404");
        assert_eq!(route(&r, Method::GET, "/my//uri/path"), "404");
        assert_eq!(route(&r, Method::GET, "/trailing"), "/trailing/");
        assert_eq!(route(&r, Method::GET, "/trailing/"), "/trailing/");
        assert_eq!(route(&r, Method::GET, "//"), "404");
    }

    #[test]
    fn literals_compare_after_percent_decoding() {
        let r = router(&[
            (Method::GET, "/Hello/{x}"),
            (Method::GET, "/a%2Fb"),
            (Method::GET, "/sp%20ace"),
        ]);
        assert_eq!(route(&r, Method::GET, "/%48ello/1"), "/Hello/{x} x=1");
        assert_eq!(route(&r, Method::GET, "/%48ello/%31"), "/Hello/{x} x=%31");
        assert_eq!(route(&r, Method::GET, "/a%2fb"), "/a%2Fb");
        assert_eq!(
            route(&r, Method::GET, "/a/b"),
            "404",
            "an encoded slash is not a separator"
        );
        assert_eq!(route(&r, Method::GET, "/sp%20ace"), "/sp%20ace");
        assert_eq!(route(&r, Method::GET, "/sp ace"), "/sp%20ace");
        assert_eq!(route(&r, Method::GET, "/Hello%zz/1"), "404");
        // Too long to decode on the stack: still compared, one literal at a time.
        let encoded = format!("/{}", "%41".repeat(DECODE_BUFFER + 1));
        assert_eq!(route(&r, Method::GET, &encoded), "404");
        let literal = format!("/{}", "A".repeat(DECODE_BUFFER + 1));
        let long = Router::new([(Method::GET, literal.as_str(), "long")]).unwrap();
        assert!(matches!(
            long.find(&Method::GET, &encoded, None),
            Match::Found { value: &"long", .. }
        ));
        assert_eq!(route(&r, Method::GET, "/Hell%6/1"), "404");
    }

    #[test]
    fn regex_characters_are_plain_literals() {
        let r = router(&[(Method::GET, "/ReDosLiteral/{str}/(a+)+")]);
        assert_eq!(
            route(&r, Method::GET, "/ReDosLiteral/abc/(a+)+"),
            "/ReDosLiteral/{str}/(a+)+ str=abc"
        );
        assert_eq!(route(&r, Method::GET, "/ReDosLiteral/abc/aaaa"), "404");
    }

    #[test]
    fn routes_keep_their_order_and_values() {
        let r = Router::new([(Method::GET, "/b", 'b'), (Method::PUT, "/a", 'a')]).unwrap();
        assert_eq!(r.len(), 2);
        assert!(!r.is_empty());
        let listed: Vec<_> = r
            .routes()
            .map(|(m, p, v)| (m.as_str(), p.as_str(), *v))
            .collect();
        assert_eq!(listed, [("GET", "/b", 'b'), ("PUT", "/a", 'a')]);
        let uri: http::Uri = "/b?x=1".parse().unwrap();
        assert!(matches!(
            r.find_uri(&Method::GET, &uri),
            Match::Found { value: 'b', .. }
        ));
        let empty: Router<()> = Router::new(Vec::<(Method, &str, ())>::new()).unwrap();
        assert!(matches!(
            empty.find(&Method::GET, "/", None),
            Match::NotFound
        ));
    }
}
