//! Reading awsJson input: each helper takes one JSON value, checks its type, and on a mismatch
//! records a serialization error at its path instead of failing the whole decode at once.

use serde_json::Value;

use std::collections::HashMap;
use std::hash::Hash;

use crate::validation::{Path, ValueText, Violations};
use crate::{BigNumber, Blob, Timestamp, TimestampFormat};

/// A JSON object, from which generated code takes members one by one.
pub type Object = serde_json::Map<String, Value>;

/// Parses a request body. An empty body is an empty object, as awsJson specifies.
pub fn parse_body(body: &[u8]) -> Result<Value, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Object::new()));
    }
    serde_json::from_slice(body).map_err(|error| format!("malformed JSON: {error}"))
}

/// Checks what a JSON parser lets through but a server should not: nesting deeper than
/// `max_depth` (arrays and objects), and an object that names a key twice (which value counts is
/// parser-dependent, so it is refused rather than guessed). One pass over the bytes, before
/// parsing; text that is not JSON is left for the parser to report.
pub fn check_structure(body: &[u8], max_depth: usize) -> Result<(), String> {
    use std::collections::HashSet;
    // One entry per open container: the keys seen so far when it is an object.
    let mut open: Vec<Option<HashSet<std::borrow::Cow<'_, str>>>> = Vec::new();
    let mut expecting_key = false;
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'{' | b'[' => {
                if open.len() >= max_depth {
                    return Err(format!(
                        "malformed JSON: nesting deeper than {max_depth} levels"
                    ));
                }
                let is_object = body[i] == b'{';
                open.push(is_object.then(HashSet::new));
                expecting_key = is_object;
                i += 1;
            }
            b'}' | b']' => {
                open.pop();
                expecting_key = false;
                i += 1;
            }
            b',' => {
                expecting_key = matches!(open.last(), Some(Some(_)));
                i += 1;
            }
            b'"' => {
                let start = i + 1;
                let mut end = start;
                let mut escaped = false;
                while end < body.len() && body[end] != b'"' {
                    if body[end] == b'\\' {
                        escaped = true;
                        end += 1;
                    }
                    end += 1;
                }
                if expecting_key && let Some(Some(keys)) = open.last_mut() {
                    let raw = &body[start..end.min(body.len())];
                    let key = if escaped {
                        let quoted = &body[i..(end + 1).min(body.len())];
                        match serde_json::from_slice::<String>(quoted) {
                            Ok(key) => std::borrow::Cow::Owned(key),
                            Err(_) => return Ok(()),
                        }
                    } else {
                        match std::str::from_utf8(raw) {
                            Ok(key) => std::borrow::Cow::Borrowed(key),
                            Err(_) => return Ok(()),
                        }
                    };
                    if let Some(duplicate) = keys.replace(key) {
                        return Err(format!("malformed JSON: duplicate key \"{duplicate}\""));
                    }
                }
                expecting_key = false;
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// A structure member's JSON key, and whether its values are `@sensitive` (kept out of
/// messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    name: &'static str,
    sensitive: bool,
}

impl Field {
    /// A member whose values may appear in messages.
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            sensitive: false,
        }
    }

    /// A `@sensitive` member.
    pub const fn sensitive(name: &'static str) -> Self {
        Self {
            name,
            sensitive: true,
        }
    }

    /// The member's key.
    pub(crate) fn name(self) -> &'static str {
        self.name
    }
}

impl From<&'static str> for Field {
    fn from(name: &'static str) -> Self {
        Self::new(name)
    }
}

/// The members of a JSON object being read into a structure, taken out one by one; members the
/// structure does not have are ignored.
#[derive(Debug)]
pub struct Members(Object);

impl Members {
    /// Reads an object, or records that the value is not one.
    pub fn read(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<Self> {
        object(value, path, v).map(Self)
    }

    /// Reads an optional member with `read` at its path; absent and `null` are `None`.
    pub fn optional<T>(
        &mut self,
        field: impl Into<Field>,
        path: &Path<'_>,
        v: &mut Violations,
        read: impl FnOnce(Value, &Path<'_>, &mut Violations) -> Option<T>,
    ) -> Option<T> {
        let field = field.into();
        let value = take(&mut self.0, field.name)?;
        read(value, &member_path(path, field), v)
    }

    /// Reads a member with a `@default`, which stands in when it is absent or `null`.
    pub fn with_default<T>(
        &mut self,
        field: impl Into<Field>,
        path: &Path<'_>,
        v: &mut Violations,
        read: impl FnOnce(Value, &Path<'_>, &mut Violations) -> Option<T>,
        default: T,
    ) -> Option<T> {
        let field = field.into();
        match take(&mut self.0, field.name) {
            Some(value) => read(value, &member_path(path, field), v),
            None => Some(default),
        }
    }

    /// Reads a `@required` member; absent or `null` is a violation.
    pub fn required<T>(
        &mut self,
        field: impl Into<Field>,
        path: &Path<'_>,
        v: &mut Violations,
        read: impl FnOnce(Value, &Path<'_>, &mut Violations) -> Option<T>,
    ) -> Option<T> {
        let field = field.into();
        let path = member_path(path, field);
        match take(&mut self.0, field.name) {
            Some(value) => read(value, &path, v),
            None => {
                v.required(&path);
                None
            }
        }
    }
}

impl From<Object> for Members {
    fn from(object: Object) -> Self {
        Self(object)
    }
}

/// A member's path under its structure's, marked when the member is `@sensitive`.
pub(crate) fn member_path<'a>(path: &'a Path<'_>, field: Field) -> Path<'a> {
    let path = path.member(field.name);
    if field.sensitive {
        path.sensitive()
    } else {
        path
    }
}

/// The input of an operation whose input is `smithy.api#Unit`: any object.
pub fn unit(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<()> {
    object(value, path, v).map(|_| ())
}

/// Takes a member out of an object; `null` counts as absent.
pub fn take(object: &mut Object, name: &str) -> Option<Value> {
    match object.remove(name) {
        None | Some(Value::Null) => None,
        Some(value) => Some(value),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn mismatch<T>(value: &Value, expected: &str, path: &Path<'_>, v: &mut Violations) -> Option<T> {
    v.malformed(
        path,
        format_args!("expected {expected} but found {}", kind(value)),
    );
    None
}

/// A JSON object (structures, unions, maps).
pub fn object(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<Object> {
    match value {
        Value::Object(object) => Some(object),
        other => mismatch(&other, "an object", path, v),
    }
}

/// A JSON array (lists).
pub fn array(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<Vec<Value>> {
    match value {
        Value::Array(items) => Some(items),
        other => mismatch(&other, "an array", path, v),
    }
}

/// A string.
pub fn string(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<String> {
    match value {
        Value::String(text) => Some(text),
        other => mismatch(&other, "a string", path, v),
    }
}

/// A boolean.
pub fn boolean(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(flag),
        other => mismatch(&other, "a boolean", path, v),
    }
}

fn integer<T: TryFrom<i64>>(
    value: Value,
    name: &str,
    path: &Path<'_>,
    v: &mut Violations,
) -> Option<T> {
    let number = match &value {
        Value::Number(number) => number,
        other => return mismatch(other, name, path, v),
    };
    match number.as_i64().and_then(|n| T::try_from(n).ok()) {
        Some(n) => Some(n),
        None => {
            v.malformed(path, format_args!("expected {name} but found {number}"));
            None
        }
    }
}

/// A `byte`: an integer in `-128..=127`.
pub fn byte(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<i8> {
    integer(value, "a byte", path, v)
}

/// A `short`: a 16-bit integer.
pub fn short(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<i16> {
    integer(value, "a short", path, v)
}

/// An `integer`: a 32-bit integer.
pub fn int(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<i32> {
    integer(value, "an integer", path, v)
}

/// A `long`: a 64-bit integer.
pub fn long(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<i64> {
    integer(value, "a long", path, v)
}

/// A `double`: a number, or `"NaN"`, `"Infinity"`, `"-Infinity"`.
pub fn double(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<f64> {
    match &value {
        Value::Number(number) => number
            .as_f64()
            .or_else(|| mismatch(&value, "a double", path, v)),
        Value::String(text) => match text.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            _ => mismatch(&value, "a number", path, v),
        },
        other => mismatch(other, "a number", path, v),
    }
}

/// A `float`: as [`double`], narrowed.
pub fn float(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<f32> {
    double(value, path, v).map(|n| n as f32)
}

/// A `bigInteger`: a JSON number without fraction or exponent, kept exactly.
pub fn big_integer(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<BigNumber> {
    match big_decimal(value, path, v) {
        Some(number) if number.is_integer() => Some(number),
        Some(number) => {
            v.malformed(path, format_args!("expected an integer but found {number}"));
            None
        }
        None => None,
    }
}

/// A `bigDecimal`: any JSON number, kept exactly.
pub fn big_decimal(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<BigNumber> {
    match &value {
        Value::Number(number) => BigNumber::parse(&number.to_string()),
        other => mismatch(other, "a number", path, v),
    }
}

/// A `bigInteger` as rpcv2Json sends it: the number's text in a JSON string (`"42"`), kept
/// exactly whether or not the `arbitrary-precision` feature is on. A plain JSON number is taken
/// too, as [`big_integer`] takes it: it is unambiguous, and what a client of the other JSON
/// protocols sends.
pub fn big_integer_text(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<BigNumber> {
    match big_decimal_text(value, path, v) {
        Some(number) if number.is_integer() => Some(number),
        Some(number) => {
            v.malformed(path, format_args!("expected an integer but found {number}"));
            None
        }
        None => None,
    }
}

/// A `bigDecimal` as rpcv2Json sends it: the number's text in a JSON string
/// (`"0.100000000000000000000001"`), kept exactly; a plain JSON number is taken too, as
/// [`big_integer_text`] says.
pub fn big_decimal_text(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<BigNumber> {
    match value {
        Value::String(text) => match BigNumber::parse(&text) {
            Some(number) => Some(number),
            None => {
                v.malformed(path, "expected a number but found text that is not one");
                None
            }
        },
        other => big_decimal(other, path, v),
    }
}

/// A `blob`: base64 text.
pub fn blob(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<Blob> {
    let text = string(value, path, v)?;
    match Blob::from_base64(&text) {
        Some(blob) => Some(blob),
        None => {
            v.malformed(path, "expected base64 text");
            None
        }
    }
}

/// A `timestamp` in the member's format.
pub fn timestamp(
    value: Value,
    format: TimestampFormat,
    path: &Path<'_>,
    v: &mut Violations,
) -> Option<Timestamp> {
    let parsed = match (&value, format) {
        (Value::Number(number), TimestampFormat::EpochSeconds) => {
            Timestamp::parse_epoch_seconds(&number.to_string())
        }
        // UTC only: an offset is refused, as restJson1 servers must
        // (`RestJsonBodyTimestampDateTimeRejectsUTCOffsets`).
        (Value::String(text), TimestampFormat::DateTime) => Timestamp::parse_utc_date_time(text),
        (Value::String(text), TimestampFormat::HttpDate) => Timestamp::parse_http_date(text),
        _ => None,
    };
    if parsed.is_none() {
        let expected = match format {
            TimestampFormat::EpochSeconds => "epoch seconds",
            TimestampFormat::DateTime => "an RFC 3339 date-time in UTC",
            TimestampFormat::HttpDate => "an HTTP date",
        };
        v.malformed(path, format_args!("expected a timestamp as {expected}"));
    }
    parsed
}

/// A `document`: any JSON value (the path and violations are unused; the signature matches
/// the other readers so generated code treats every type alike).
pub fn document(value: Value, _path: &Path<'_>, _v: &mut Violations) -> Option<Value> {
    Some(value)
}

/// Rejects `null` in a dense list or map.
pub fn not_null(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<Value> {
    match value {
        Value::Null => mismatch(
            &Value::Null,
            "a value (the collection is not sparse)",
            path,
            v,
        ),
        value => Some(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_deep_nesting_and_duplicate_keys() {
        assert!(check_structure(br#"{"a":[{"b":1}],"c":"{[\"x"}"#, 3).is_ok());
        assert!(check_structure(b"[[[[1]]]]", 3).is_err());
        assert!(check_structure(br#"{"a":1,"b":{"a":2}}"#, 8).is_ok());
        assert!(check_structure(br#"{"a":1,"b":2,"a":3}"#, 8).is_err());
        assert!(check_structure(br#"{"a":1,"\u0061":3}"#, 8).is_err());
        assert!(check_structure(br#"[{"a":1},{"a":1}]"#, 8).is_ok());
        assert!(check_structure(br#"{"a":"a","b":"a"}"#, 8).is_ok());
        assert!(check_structure(b"{\"a", 8).is_ok());
    }

    #[test]
    fn type_mismatches_are_malformed_not_violations() {
        let mut v = Violations::new();
        let root = Path::root();
        assert_eq!(int(serde_json::json!("1"), &root.member("n"), &mut v), None);
        assert_eq!(v.count(), 0);
        assert_eq!(
            v.malformed_reason(),
            Some("expected an integer but found a string at '/n'")
        );
    }

    #[test]
    fn integers_must_fit() {
        let mut v = Violations::new();
        let root = Path::root();
        assert_eq!(byte(serde_json::json!(127), &root, &mut v), Some(127));
        assert_eq!(byte(serde_json::json!(128), &root, &mut v), None);
        let mut v = Violations::new();
        assert_eq!(int(serde_json::json!(1.5), &root, &mut v), None);
        assert!(v.malformed_reason().is_some());
    }

    #[test]
    fn special_floats_travel_as_strings() {
        let mut v = Violations::new();
        let root = Path::root();
        assert!(
            double(serde_json::json!("NaN"), &root, &mut v)
                .unwrap()
                .is_nan()
        );
        assert_eq!(
            float(serde_json::json!("-Infinity"), &root, &mut v),
            Some(f32::NEG_INFINITY)
        );
        assert!(v.is_empty());
    }

    #[test]
    fn rpc_v2_json_big_numbers_are_text() {
        let root = Path::root();
        let mut v = Violations::new();
        let read = |value, v: &mut Violations| big_integer_text(value, &root, v);
        let exact = read(serde_json::json!("-9223372036854775809"), &mut v).unwrap();
        assert_eq!(exact.as_str(), "-9223372036854775809");
        assert_eq!(read(serde_json::json!(42), &mut v).unwrap().as_str(), "42");
        let decimal = big_decimal_text(
            serde_json::json!("0.100000000000000000000001"),
            &root,
            &mut v,
        );
        assert_eq!(decimal.unwrap().as_str(), "0.100000000000000000000001");
        assert!(v.is_empty());
        assert_eq!(read(serde_json::json!("1.5"), &mut v), None);
        assert_eq!(
            v.malformed_reason(),
            Some("expected an integer but found 1.5 at '/'")
        );
        let mut v = Violations::new();
        assert_eq!(
            big_decimal_text(serde_json::json!("1,5"), &root, &mut v),
            None
        );
        assert_eq!(
            v.malformed_reason(),
            Some("expected a number but found text that is not one at '/'")
        );
        let mut v = Violations::new();
        assert_eq!(
            big_decimal_text(serde_json::json!(true), &root, &mut v),
            None
        );
        assert_eq!(
            v.malformed_reason(),
            Some("expected a number but found a boolean at '/'")
        );
    }

    #[test]
    fn empty_body_is_an_empty_object() {
        assert_eq!(parse_body(b"").unwrap(), serde_json::json!({}));
        assert!(parse_body(b"{").is_err());
    }
}

/// How a list's items or a map's entries are read: whether a list must hold distinct items
/// (`@uniqueItems`), and whether its items, keys or values are `@sensitive`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Items {
    unique: bool,
    sensitive_keys: bool,
    sensitive: bool,
}

impl Items {
    /// Nothing special.
    pub const fn new() -> Self {
        Self {
            unique: false,
            sensitive_keys: false,
            sensitive: false,
        }
    }

    /// A list whose items must be distinct.
    pub const fn unique(self) -> Self {
        Self {
            unique: true,
            ..self
        }
    }

    /// `@sensitive` items (lists) or values (maps).
    pub const fn sensitive(self) -> Self {
        Self {
            sensitive: true,
            ..self
        }
    }

    /// `@sensitive` map keys.
    pub const fn sensitive_keys(self) -> Self {
        Self {
            sensitive_keys: true,
            ..self
        }
    }

    /// Whether the list's items must be distinct.
    pub(crate) fn is_unique(self) -> bool {
        self.unique
    }

    /// An item's path, marked when items are `@sensitive`.
    pub(crate) fn item_path<'a>(self, path: &'a Path<'_>, index: usize) -> Path<'a> {
        let path = path.index(index);
        if self.sensitive {
            path.sensitive()
        } else {
            path
        }
    }

    /// A map key's path, marked when keys are `@sensitive`.
    pub(crate) fn key_path<'a>(self, path: &'a Path<'_>, key: &'a str) -> Path<'a> {
        let path = path.key(key);
        if self.sensitive_keys {
            path.sensitive()
        } else {
            path
        }
    }

    /// A map value's path, marked when values are `@sensitive`.
    pub(crate) fn value_path<'a>(self, path: &'a Path<'_>, key: &'a str) -> Path<'a> {
        let path = path.value(key);
        if self.sensitive {
            path.sensitive()
        } else {
            path
        }
    }
}

fn read_items<T>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    mut read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<Option<T>>,
) -> Option<ReadItems<T>> {
    let values = array(value, path, v)?;
    if items.unique && crate::validation::has_duplicates(&values) {
        v.unique_items(path, Some(&values));
    }
    let mark = v.mark();
    let mut list = Vec::with_capacity(values.len());
    let mut dropped = Vec::new();
    for (index, value) in values.into_iter().enumerate() {
        match read(value, &items.item_path(path, index), v) {
            Some(Some(item)) => list.push(item),
            _ => dropped.push(index),
        }
    }
    Some(ReadItems {
        mark,
        list,
        dropped,
    })
}

/// A list as read: the items that could be read, the indices of those that could not, and
/// where the list's violations begin.
struct ReadItems<T> {
    mark: usize,
    list: Vec<T>,
    dropped: Vec<usize>,
}

fn dense<T>(
    mut read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<Option<T>> {
    move |value, path, v| {
        let value = not_null(value, path, v)?;
        Some(read(value, path, v))
    }
}

fn sparse<T>(
    mut read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<Option<Option<T>>> {
    move |value, path, v| {
        if value.is_null() {
            return Some(Some(None));
        }
        Some(read(value, path, v).map(Some))
    }
}

/// A list (`null` items are violations).
pub fn list<T>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> Option<Vec<T>> {
    read_items(value, path, v, items, dense(read)).map(|read| read.list)
}

/// A `@sparse` list (`null` items are `None`).
pub fn sparse_list<T>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> Option<Vec<Option<T>>> {
    read_items(value, path, v, items, sparse(read)).map(|read| read.list)
}

/// A list whose items' violations show the whole list as their value (AWS's dialect does,
/// for lists of scalars).
pub fn described_list<T: ValueText>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> Option<Vec<T>> {
    let read = read_items(value, path, v, items, dense(read))?;
    v.describe_list(read.mark, &read.list, &read.dropped);
    Some(read.list)
}

/// A `@sparse` list whose items' violations show the whole list.
pub fn described_sparse_list<T: ValueText>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> Option<Vec<Option<T>>> {
    let read = read_items(value, path, v, items, sparse(read))?;
    v.describe_list(read.mark, &read.list, &read.dropped);
    Some(read.list)
}

/// A string key, unchecked.
pub fn key(key: String, _path: &Path<'_>, _v: &mut Violations) -> Option<String> {
    Some(key)
}

fn read_entries<K: Eq + Hash, T>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    mut read_key: impl FnMut(String, &Path<'_>, &mut Violations) -> Option<K>,
    mut read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<Option<T>>,
) -> Option<(usize, HashMap<K, T>)> {
    let entries = object(value, path, v)?;
    let mut map = HashMap::with_capacity(entries.len());
    let mark = v.mark();
    for (key, value) in entries {
        let parsed_key = read_key(key.clone(), &items.key_path(path, &key), v);
        let parsed_value = read(value, &items.value_path(path, &key), v).flatten();
        if let (Some(key), Some(value)) = (parsed_key, parsed_value) {
            map.insert(key, value);
        }
    }
    Some((mark, map))
}

/// A map (`null` values are violations).
pub fn map<K: Eq + Hash, T>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    read_key: impl FnMut(String, &Path<'_>, &mut Violations) -> Option<K>,
    read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> Option<HashMap<K, T>> {
    read_entries(value, path, v, items, read_key, dense(read)).map(|(_, map)| map)
}

/// A `@sparse` map (`null` values are `None`).
pub fn sparse_map<K: Eq + Hash, T>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    read_key: impl FnMut(String, &Path<'_>, &mut Violations) -> Option<K>,
    read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> Option<HashMap<K, Option<T>>> {
    read_entries(value, path, v, items, read_key, sparse(read)).map(|(_, map)| map)
}

/// A map whose keys' and values' violations show the whole map as their value.
pub fn described_map<K: Eq + Hash + ValueText, T: ValueText>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    read_key: impl FnMut(String, &Path<'_>, &mut Violations) -> Option<K>,
    read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> Option<HashMap<K, T>> {
    let sent = map_text(&value);
    let (mark, map) = read_entries(value, path, v, items, read_key, dense(read))?;
    v.describe_container(mark, &sent);
    Some(map)
}

/// A `@sparse` map whose keys' and values' violations show the whole map.
pub fn described_sparse_map<K: Eq + Hash + ValueText, T: ValueText>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    read_key: impl FnMut(String, &Path<'_>, &mut Violations) -> Option<K>,
    read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> Option<HashMap<K, Option<T>>> {
    let sent = map_text(&value);
    let (mark, map) = read_entries(value, path, v, items, read_key, sparse(read))?;
    v.describe_container(mark, &sent);
    Some(map)
}

/// A map as AWS quotes it in a message, as it was sent: `{key=value, ...}` (entries whose key
/// or value breaks a constraint included).
fn map_text(value: &Value) -> String {
    let mut text = String::from("{");
    if let Value::Object(entries) = value {
        for (index, (key, value)) in entries.iter().enumerate() {
            if index > 0 {
                text.push_str(", ");
            }
            text.push_str(key);
            text.push('=');
            crate::validation::sent_text(value, &mut text);
        }
    }
    text.push('}');
    text
}

/// A string enum's value (`@enum` strings and `enum` shapes): the variant, or a violation
/// listing the advertised values.
pub fn string_enum<T: StringEnum>(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<T> {
    let text = string(value, path, v)?;
    parse_enum(text, path, v)
}

/// The variant a string names, or a violation listing the advertised values.
pub fn parse_enum<T: StringEnum>(text: String, path: &Path<'_>, v: &mut Violations) -> Option<T> {
    match text.parse::<T>() {
        Ok(parsed) => Some(parsed),
        Err(_) => {
            v.enumeration(path, T::ADVERTISED_VALUES, Some(&text));
            None
        }
    }
}

/// An intEnum's value: the variant, or a violation listing the values.
pub fn int_enum<T: IntEnum>(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<T> {
    let number = int(value, path, v)?;
    parse_int_enum(number, path, v)
}

/// The variant a number names, or a violation listing the values.
pub fn parse_int_enum<T: IntEnum>(number: i32, path: &Path<'_>, v: &mut Violations) -> Option<T> {
    match T::from_value(number) {
        Some(parsed) => Some(parsed),
        None => {
            v.enumeration(path, T::ADVERTISED_VALUES, Some(&number));
            None
        }
    }
}

/// A generated string enum.
pub trait StringEnum: std::str::FromStr {
    /// The values validation messages list (`@internal` ones are accepted but not advertised).
    const ADVERTISED_VALUES: &'static [&'static str];
}

/// A generated intEnum.
pub trait IntEnum: Sized {
    /// The values validation messages list.
    const ADVERTISED_VALUES: &'static [&'static str];
    /// The variant for a wire value.
    fn from_value(value: i32) -> Option<Self>;
}
