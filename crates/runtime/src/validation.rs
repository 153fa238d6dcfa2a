//! Constraint violations: collected all at once while a request is decoded, then rendered in one
//! of the two dialects servers answer with.
//!
//! - [`Dialect::Aws`]: what AWS services send as `ValidationException`, e.g.
//!   `2 validation errors detected: Value 'bad id!' at 'collectionId' failed to satisfy constraint:
//!   Member must satisfy regular expression pattern: ^[a-z]+$; ...`. Paths are lowerCamelCase
//!   member names joined by `.`, list items `list.1.member` (1-based), map entries `map.key`.
//!   Constraints on list items and on map keys and values are reported once per list or map, as
//!   `Member must satisfy constraint: [...]`, `Map keys must satisfy constraint: [...]` and
//!   `Map value must satisfy constraint: [...]`, with the whole list or map as the value.
//! - [`Dialect::Smithy`]: `smithy.framework#ValidationException`, a message plus a `fieldList` of
//!   JSON-pointer paths, worded as the Smithy protocol tests require.
//!
//! Values of `@sensitive` members are never written into a message.

use std::collections::HashMap;
use std::fmt::Write as _;

use smithy_patterns::Pattern;

/// The most violations kept for one request; the count in the message still says how many
/// there were.
pub const MAX_REPORTED: usize = 100;

/// Which shape constraint violations are reported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// AWS's own `ValidationException` with a single `message`.
    Aws,
    /// `smithy.framework#ValidationException` with `message` and `fieldList`.
    Smithy,
}

/// Where in the input a value sits: a chain of borrowed segments built on the stack, so checking
/// valid input allocates nothing.
#[derive(Debug, Clone, Copy)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: Segment<'a>,
    sensitive: bool,
}

#[derive(Debug, Clone, Copy)]
enum Segment<'a> {
    Root,
    Member(&'static str),
    Index(usize),
    /// A map value, under its key.
    Value(&'a str),
    /// A map key (reported at the map).
    Key(&'a str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum OwnedSegment {
    Member(&'static str),
    Index(usize),
    Value(String),
    Key(String),
}

impl Path<'static> {
    /// The input itself.
    pub const fn root() -> Self {
        Path {
            parent: None,
            segment: Segment::Root,
            sensitive: false,
        }
    }
}

impl<'a> Path<'a> {
    fn child(&'a self, segment: Segment<'a>) -> Path<'a> {
        Path {
            parent: Some(self),
            segment,
            sensitive: self.sensitive,
        }
    }

    /// A structure or union member, by its name in the model.
    pub fn member(&'a self, name: &'static str) -> Path<'a> {
        self.child(Segment::Member(name))
    }

    /// A list item, 0-based.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        self.child(Segment::Index(index))
    }

    /// A map value, under its key.
    pub fn value(&'a self, key: &'a str) -> Path<'a> {
        self.child(Segment::Value(key))
    }

    /// A map key.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        self.child(Segment::Key(key))
    }

    /// Marks everything at and below this path as `@sensitive`: never echoed.
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// Whether values here must not be echoed.
    pub fn is_sensitive(&self) -> bool {
        self.sensitive
    }

    fn segments(&self) -> Vec<OwnedSegment> {
        let mut out = Vec::new();
        let mut at = Some(self);
        while let Some(path) = at {
            match path.segment {
                Segment::Root => {}
                Segment::Member(name) => out.push(OwnedSegment::Member(name)),
                Segment::Index(index) => out.push(OwnedSegment::Index(index)),
                Segment::Value(key) => out.push(OwnedSegment::Value(key.to_owned())),
                Segment::Key(key) => out.push(OwnedSegment::Key(key.to_owned())),
            }
            at = path.parent;
        }
        out.reverse();
        out
    }

    /// The JSON pointer of this path (`/list/0/name`), as the Smithy dialect and
    /// serialization errors name places.
    pub fn pointer(&self) -> String {
        pointer(&self.segments())
    }
}

/// One broken constraint.
#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    /// `@required`: the member is missing or `null`.
    Required,
    /// `@length`, with the length found.
    Length {
        /// The lower bound, if any.
        min: Option<u64>,
        /// The upper bound, if any.
        max: Option<u64>,
        /// The length the value has.
        actual: u64,
    },
    /// `@pattern`, with the pattern as written in the model.
    Pattern(String),
    /// `@range`, with the bounds as written in the model.
    Range {
        /// The lower bound, if any.
        min: Option<&'static str>,
        /// The upper bound, if any.
        max: Option<&'static str>,
        /// Whether the value is below the lower bound (else above the upper).
        below: bool,
    },
    /// An enum or intEnum value outside the set.
    Enum(&'static [&'static str]),
    /// `@uniqueItems`.
    UniqueItems,
}

/// A violation and where it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    path: Vec<OwnedSegment>,
    constraint: Constraint,
    /// The offending value as AWS services print it; `None` when it is absent or sensitive.
    value: Option<String>,
    /// The list or map around an item, key or map value, as AWS services print it.
    container: Option<String>,
    sensitive: bool,
}

/// Everything wrong with one request, gathered in a single pass.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Violations {
    kept: Vec<Violation>,
    total: usize,
    /// Messages past the cap: violations the AWS dialect would not have merged into the message
    /// before theirs (consecutive items, keys or values of the same list or map are one message
    /// there).
    overflow: usize,
    /// The merge group of the last violation past the cap, once there is one (`Some(None)` when
    /// it merges with nothing).
    overflow_group: Option<Option<OwnedGroup>>,
    malformed: Option<String>,
}

impl Violations {
    /// No violations yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the input is valid so far.
    pub fn is_empty(&self) -> bool {
        self.total == 0 && self.malformed.is_none()
    }

    /// How many violations there were (more than are kept, past [`MAX_REPORTED`]).
    pub fn count(&self) -> usize {
        self.total
    }

    /// The input is not even of the right shape (a type mismatch, bad base64, an impossible
    /// union): that is a serialization error, which wins over constraint violations.
    pub fn malformed(&mut self, path: &Path<'_>, reason: impl std::fmt::Display) {
        if self.malformed.is_none() {
            let at = path.pointer();
            let at = if at.is_empty() { "/".to_owned() } else { at };
            self.malformed = Some(format!("{reason} at '{at}'"));
        }
    }

    /// The serialization error, if the input was malformed.
    pub fn malformed_reason(&self) -> Option<&str> {
        self.malformed.as_deref()
    }

    /// A required member is missing or `null`.
    pub fn required(&mut self, path: &Path<'_>) {
        self.push(path, Constraint::Required, None);
    }

    /// Checks `@length` bounds against a length.
    #[inline]
    pub fn length(
        &mut self,
        path: &Path<'_>,
        actual: usize,
        min: Option<u64>,
        max: Option<u64>,
        value: Option<&dyn ValueText>,
    ) {
        let actual = actual as u64;
        if min.is_some_and(|min| actual < min) || max.is_some_and(|max| actual > max) {
            self.push(path, Constraint::Length { min, max, actual }, value);
        }
    }

    /// Checks a number against `@range` bounds, compared in `N` (`i128` for integers, exactly;
    /// `f64` for floats and big numbers); `text` is the bounds as the model wrote them.
    #[inline]
    pub fn range<N: PartialOrd>(
        &mut self,
        path: &Path<'_>,
        number: N,
        bounds: (Option<N>, Option<N>),
        text: (Option<&'static str>, Option<&'static str>),
        value: Option<&dyn ValueText>,
    ) {
        let below = bounds.0.is_some_and(|min| number < min);
        if below || bounds.1.is_some_and(|max| number > max) {
            let (min, max) = text;
            self.push(path, Constraint::Range { min, max, below }, value);
        }
    }

    /// Checks a string against its `@pattern`.
    #[inline]
    pub fn pattern(
        &mut self,
        path: &Path<'_>,
        pattern: &Pattern,
        text: &str,
        value: Option<&dyn ValueText>,
    ) {
        if !pattern.is_match(text) {
            self.push(
                path,
                Constraint::Pattern(pattern.source().to_owned()),
                value,
            );
        }
    }

    /// Records a value outside its enum's set.
    pub fn enumeration(
        &mut self,
        path: &Path<'_>,
        allowed: &'static [&'static str],
        value: Option<&dyn ValueText>,
    ) {
        self.push(path, Constraint::Enum(allowed), value);
    }

    /// Records a list with repeated items.
    pub fn unique_items(&mut self, path: &Path<'_>, value: Option<&dyn ValueText>) {
        self.push(path, Constraint::UniqueItems, value);
    }

    fn push(&mut self, path: &Path<'_>, constraint: Constraint, value: Option<&dyn ValueText>) {
        self.total += 1;
        if self.kept.len() >= MAX_REPORTED {
            let segments = path.segments();
            let group = owned_group(&segments, &constraint);
            let previous = match &self.overflow_group {
                Some(previous) => previous.clone(),
                None => self
                    .kept
                    .last()
                    .and_then(|last| owned_group(&last.path, &last.constraint)),
            };
            if group.is_none() || group != previous {
                self.overflow += 1;
            }
            self.overflow_group = Some(group);
            return;
        }
        let value = match value {
            Some(value) if !path.sensitive => {
                let mut text = String::new();
                value.write_text(&mut text);
                Some(text)
            }
            _ => None,
        };
        self.kept.push(Violation {
            path: path.segments(),
            constraint,
            value,
            container: None,
            sensitive: path.sensitive,
        });
    }

    /// A position to come back to with [`Self::describe_container`].
    pub fn mark(&self) -> usize {
        self.kept.len()
    }

    /// Gives the violations recorded since `mark` (items, keys or values of one list or map) the
    /// text of that list or map, which the AWS dialect prints as the value.
    /// Gives the violations recorded since `mark`, for the items of a list, the list as it was
    /// sent as the value their message quotes: the items read (`list`), with the items that
    /// could not be read (at the indices `dropped`) back in their places, as their violations
    /// quote them.
    pub fn describe_list<T: ValueText>(&mut self, mark: usize, list: &[T], dropped: &[usize]) {
        if self.kept.len() == mark {
            return;
        }
        let sent = |index: usize| {
            self.kept[mark..]
                .iter()
                .filter(|violation| violation.path.last() == Some(&OwnedSegment::Index(index)))
                .find_map(|violation| violation.value.clone())
                .unwrap_or_else(|| "null".to_owned())
        };
        let mut text = String::from("[");
        let mut read = list.iter();
        for index in 0..list.len() + dropped.len() {
            if index > 0 {
                text.push_str(", ");
            }
            if dropped.contains(&index) {
                text.push_str(&sent(index));
            } else if let Some(item) = read.next() {
                item.write_text(&mut text);
            }
        }
        text.push(']');
        self.describe_container(mark, &text);
    }

    /// Gives the violations recorded since `mark` (of the items, keys or values of a list or
    /// map) the container's text as the value their message quotes.
    pub fn describe_container(&mut self, mark: usize, container: &dyn ValueText) {
        if self.kept.len() == mark {
            return;
        }
        let mut text = String::new();
        container.write_text(&mut text);
        for violation in &mut self.kept[mark..] {
            if !violation.sensitive {
                violation.container = Some(text.clone());
            }
        }
    }

    /// The message of an AWS-dialect `ValidationException`.
    pub fn aws_message(&self) -> String {
        let mut parts: Vec<(String, Vec<String>, Option<&Violation>)> = Vec::new();
        for violation in &self.kept {
            let grouped = group_of(&violation.path, &violation.constraint).map(|(_, kind)| kind);
            let rule = aws_rule(&violation.constraint);
            match grouped {
                Some(kind) => {
                    let at = aws_path(&violation.path[..violation.path.len() - 1]);
                    let head = format!(
                        "{} at '{at}' failed to satisfy constraint: {kind}",
                        aws_value(violation.container.as_deref(), violation.sensitive)
                    );
                    match parts.last_mut() {
                        Some((last, rules, _)) if *last == head => {
                            if !rules.contains(&rule) {
                                rules.push(rule);
                            }
                        }
                        _ => parts.push((head, vec![rule], None)),
                    }
                }
                None => {
                    let at = aws_path(&violation.path);
                    let value = match violation.constraint {
                        Constraint::Required => "Value null".to_owned(),
                        _ => aws_value(violation.value.as_deref(), violation.sensitive),
                    };
                    parts.push((
                        format!("{value} at '{at}' failed to satisfy constraint: {rule}"),
                        Vec::new(),
                        Some(violation),
                    ));
                }
            }
        }
        let texts: Vec<String> = parts
            .into_iter()
            .map(|(head, rules, single)| match single {
                Some(_) => head,
                None => format!("{head}: [{}]", rules.join(", ")),
            })
            .collect();
        let total = texts.len() + self.overflow;
        format!("{} detected: {}", count_text(total), texts.join("; "))
    }

    /// The `message` and `fieldList` (path, message) of a Smithy-dialect `ValidationException`.
    pub fn smithy_report(&self) -> (String, Vec<(String, String)>) {
        let fields: Vec<(String, String)> = self
            .kept
            .iter()
            .map(|violation| {
                let path = match violation.path.last() {
                    Some(OwnedSegment::Key(_)) => {
                        pointer(&violation.path[..violation.path.len() - 1])
                    }
                    _ => pointer(&violation.path),
                };
                let value = match violation.constraint {
                    Constraint::Length { actual, .. } => format!("Value with length {actual}"),
                    _ => "Value".to_owned(),
                };
                let message = format!(
                    "{value} at '{path}' failed to satisfy constraint: {}",
                    smithy_rule(&violation.constraint)
                );
                (path, message)
            })
            .collect();
        let messages: Vec<&str> = fields.iter().map(|(_, message)| message.as_str()).collect();
        let message = format!(
            "{} detected. {}",
            count_text(self.total),
            messages.join("; ")
        );
        (message, fields)
    }
}

/// The list or map a violation is reported at in the AWS dialect, with the wording of that
/// message, when it concerns an item, key or value rather than a member of its own.
fn group_of<'a>(
    path: &'a [OwnedSegment],
    constraint: &Constraint,
) -> Option<(&'a [OwnedSegment], &'static str)> {
    let scalar = !matches!(constraint, Constraint::Required);
    let (last, container) = path.split_last()?;
    let kind = match last {
        OwnedSegment::Index(_) if scalar => "Member must satisfy constraint",
        OwnedSegment::Key(_) => "Map keys must satisfy constraint",
        OwnedSegment::Value(_) if scalar => "Map value must satisfy constraint",
        _ => return None,
    };
    Some((container, kind))
}

/// A merge group that outlives the path it was read from.
type OwnedGroup = (Vec<OwnedSegment>, &'static str);

fn owned_group(path: &[OwnedSegment], constraint: &Constraint) -> Option<OwnedGroup> {
    group_of(path, constraint).map(|(container, kind)| (container.to_vec(), kind))
}

fn count_text(total: usize) -> String {
    if total == 1 {
        "1 validation error".to_owned()
    } else {
        format!("{total} validation errors")
    }
}

fn aws_value(value: Option<&str>, sensitive: bool) -> String {
    match value {
        Some(value) if !sensitive => format!("Value '{value}'"),
        _ => "Value".to_owned(),
    }
}

fn aws_path(segments: &[OwnedSegment]) -> String {
    let mut out = String::new();
    for segment in segments {
        if !out.is_empty() {
            out.push('.');
        }
        match segment {
            OwnedSegment::Member(name) => {
                let mut chars = name.chars();
                if let Some(first) = chars.next() {
                    out.extend(first.to_lowercase());
                    out.push_str(chars.as_str());
                }
            }
            OwnedSegment::Index(index) => {
                let _ = write!(out, "{}.member", index + 1);
            }
            OwnedSegment::Value(key) | OwnedSegment::Key(key) => out.push_str(key),
        }
    }
    out
}

fn pointer(segments: &[OwnedSegment]) -> String {
    let mut out = String::new();
    for segment in segments {
        out.push('/');
        match segment {
            OwnedSegment::Member(name) => escape_pointer(&mut out, name),
            OwnedSegment::Index(index) => {
                let _ = write!(out, "{index}");
            }
            OwnedSegment::Value(key) | OwnedSegment::Key(key) => escape_pointer(&mut out, key),
        }
    }
    out
}

fn escape_pointer(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

fn aws_rule(constraint: &Constraint) -> String {
    match constraint {
        Constraint::Required => "Member must not be null".to_owned(),
        Constraint::Length { min, max, actual } => match (min, max) {
            (Some(min), _) if actual < min => {
                format!("Member must have length greater than or equal to {min}")
            }
            (_, Some(max)) => format!("Member must have length less than or equal to {max}"),
            _ => "Member must have a valid length".to_owned(),
        },
        Constraint::Pattern(pattern) => {
            format!("Member must satisfy regular expression pattern: {pattern}")
        }
        Constraint::Range { min, max, below } => match (min, max, below) {
            (Some(min), _, true) => {
                format!("Member must have value greater than or equal to {min}")
            }
            (_, Some(max), _) => format!("Member must have value less than or equal to {max}"),
            _ => "Member must have a value in range".to_owned(),
        },
        Constraint::Enum(values) => {
            format!(
                "Member must satisfy enum value set: [{}]",
                values.join(", ")
            )
        }
        Constraint::UniqueItems => "Member must have unique values".to_owned(),
    }
}

fn smithy_rule(constraint: &Constraint) -> String {
    match constraint {
        Constraint::Length { min, max, .. } => match (min, max) {
            (Some(min), Some(max)) => {
                format!("Member must have length between {min} and {max}, inclusive")
            }
            (Some(min), None) => format!("Member must have length greater than or equal to {min}"),
            (None, Some(max)) => format!("Member must have length less than or equal to {max}"),
            (None, None) => "Member must have a valid length".to_owned(),
        },
        Constraint::Range { min, max, .. } => match (min, max) {
            (Some(min), Some(max)) => format!("Member must be between {min} and {max}, inclusive"),
            (Some(min), None) => format!("Member must be greater than or equal to {min}"),
            (None, Some(max)) => format!("Member must be less than or equal to {max}"),
            (None, None) => "Member must be in range".to_owned(),
        },
        other => aws_rule(other),
    }
}

/// How a value is printed in an AWS-dialect message: as Java's `toString` would, since that is
/// what AWS services print (`[a, b]` for lists, `{k=v}` for maps).
pub trait ValueText {
    /// Appends the text.
    fn write_text(&self, out: &mut String);
}

impl ValueText for str {
    fn write_text(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl ValueText for String {
    fn write_text(&self, out: &mut String) {
        out.push_str(self);
    }
}

macro_rules! display_text {
    ($($t:ty),*) => {$(
        impl ValueText for $t {
            fn write_text(&self, out: &mut String) {
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
display_text!(
    bool,
    i8,
    i16,
    i32,
    i64,
    f32,
    f64,
    crate::Timestamp,
    crate::BigNumber
);

/// A blob prints as the `java.nio.ByteBuffer` AWS services hold it in, not its bytes: AWS
/// answers an empty `Image.Bytes` with "Value 'java.nio.HeapByteBuffer[pos=0 lim=0 cap=0]' at
/// 'image.bytes' ...", and a 5 MB image is not echoed back.
impl ValueText for crate::Blob {
    fn write_text(&self, out: &mut String) {
        let length = self.len();
        let _ = write!(
            out,
            "java.nio.HeapByteBuffer[pos=0 lim={length} cap={length}]"
        );
    }
}

impl ValueText for serde_json::Value {
    fn write_text(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

impl<T: ValueText> ValueText for Option<T> {
    fn write_text(&self, out: &mut String) {
        match self {
            Some(value) => value.write_text(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: ValueText> ValueText for Vec<T> {
    fn write_text(&self, out: &mut String) {
        out.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            item.write_text(out);
        }
        out.push(']');
    }
}

impl<K: ValueText, V: ValueText> ValueText for HashMap<K, V> {
    fn write_text(&self, out: &mut String) {
        out.push('{');
        for (i, (key, value)) in self.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            key.write_text(out);
            out.push('=');
            value.write_text(out);
        }
        out.push('}');
    }
}

impl<T: ValueText + ?Sized> ValueText for &T {
    fn write_text(&self, out: &mut String) {
        (**self).write_text(out);
    }
}

/// A JSON value's text as AWS quotes it in a message: a string as it is, anything else as JSON.
pub fn sent_text(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::String(text) => out.push_str(text),
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

/// Whether a JSON array repeats an item, compared as canonical JSON (object keys sorted), so
/// that any item type works, structures and floats included, in linear time.
pub fn has_duplicates(items: &[serde_json::Value]) -> bool {
    if items.len() < 2 {
        return false;
    }
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    items.iter().any(|item| {
        let mut text = String::new();
        canonical_json(item, &mut text);
        !seen.insert(text)
    })
}

/// A value's JSON text with every object's keys sorted, so two objects that differ only in the
/// order of their members write the same text.
fn canonical_json(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::Object(members) => {
            let mut keys: Vec<&String> = members.keys().collect();
            keys.sort();
            out.push('{');
            for (index, key) in keys.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(key.clone()).to_string());
                out.push(':');
                canonical_json(&members[key], out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                canonical_json(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static LOWER: Pattern = Pattern::linear("^[a-z]+$", r"^[a-z]+\z", true);
    static NOT_AWS: Pattern = Pattern::backtracking("^(?!aws:).*$", r"^(?!aws:).*\z", true);
    static A_TO_M: Pattern = Pattern::linear("^[a-m]+$", r"^[a-m]+\z", true);

    #[test]
    fn aws_message_lists_every_violation_with_camel_case_paths() {
        let mut v = Violations::new();
        let root = Path::root();
        let id = root.member("CollectionId");
        v.pattern(&id, &LOWER, "bad id!", Some(&"bad id!"));
        v.length(&id, 300, Some(1), Some(255), Some(&"x"));
        let source = root.member("DatasetSource");
        let object = source.member("S3Object");
        v.required(&object.member("Bucket"));
        assert_eq!(v.count(), 3);
        assert_eq!(
            v.aws_message(),
            "3 validation errors detected: \
             Value 'bad id!' at 'collectionId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z]+$; \
             Value 'x' at 'collectionId' failed to satisfy constraint: Member must have length less than or equal to 255; \
             Value null at 'datasetSource.s3Object.bucket' failed to satisfy constraint: Member must not be null"
        );
    }

    #[test]
    fn aws_message_groups_map_keys() {
        let mut v = Violations::new();
        let root = Path::root();
        let tags = root.member("Tags");
        let mark = v.mark();
        let key = tags.key("aws:x");
        v.pattern(&key, &NOT_AWS, "aws:x", Some(&"aws:x"));
        v.length(&key, 200, Some(1), Some(128), Some(&"aws:x"));
        let mut map = HashMap::new();
        map.insert("aws:x".to_owned(), "v".to_owned());
        v.describe_container(mark, &map);
        assert_eq!(
            v.aws_message(),
            "1 validation error detected: Value '{aws:x=v}' at 'tags' failed to satisfy constraint: \
             Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ^(?!aws:).*$, \
             Member must have length less than or equal to 128]"
        );
    }

    #[test]
    fn smithy_report_uses_pointers_and_hides_sensitive_values() {
        let mut v = Violations::new();
        let root = Path::root();
        let list = root.member("list");
        v.length(&list.index(0), 1, Some(2), Some(8), Some(&"a"));
        let secret = root.member("secret").sensitive();
        v.pattern(&secret, &A_TO_M, "hunter2", Some(&"hunter2"));
        let (message, fields) = v.smithy_report();
        assert_eq!(
            fields[0],
            (
                "/list/0".to_owned(),
                "Value with length 1 at '/list/0' failed to satisfy constraint: Member must have length between 2 and 8, inclusive".to_owned()
            )
        );
        assert!(message.starts_with("2 validation errors detected. Value with length 1"));
        assert!(!message.contains("hunter2"));
        assert!(!v.aws_message().contains("hunter2"));
    }

    #[test]
    fn a_huge_map_past_the_cap_is_still_one_aws_message() {
        let mut v = Violations::new();
        let root = Path::root();
        let tags = root.member("Tags");
        let keys: Vec<String> = (0..150).map(|i| format!("aws:{i}")).collect();
        for key in &keys {
            v.pattern(&tags.key(key), &NOT_AWS, key, Some(key));
        }
        assert_eq!(v.count(), 150);
        assert!(v.aws_message().starts_with("1 validation error detected"));
        assert!(
            v.smithy_report()
                .0
                .starts_with("150 validation errors detected")
        );
    }

    #[test]
    fn keeps_a_bounded_number_but_counts_all() {
        let mut v = Violations::new();
        let root = Path::root();
        for _ in 0..(MAX_REPORTED + 20) {
            v.required(&root.member("x"));
        }
        assert_eq!(v.count(), MAX_REPORTED + 20);
        assert!(
            v.aws_message()
                .starts_with(&format!("{} validation errors", MAX_REPORTED + 20))
        );
    }

    #[test]
    fn duplicates_by_canonical_json() {
        let items: Vec<serde_json::Value> =
            serde_json::from_str(r#"[{"a": 1, "b": 2}, {"b": 2, "a": 1}]"#).unwrap();
        assert!(has_duplicates(&items));
        assert!(!has_duplicates(&[
            serde_json::json!(1),
            serde_json::json!(2)
        ]));
    }
}
