//! Reading awsJson input: each helper takes one JSON value, checks its type, and on a mismatch
//! records a serialization error at its path instead of failing the whole decode at once.

use serde_json::Value;

use crate::validation::{Path, Violations};
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
        (Value::String(text), TimestampFormat::DateTime) => Timestamp::parse_date_time(text),
        (Value::String(text), TimestampFormat::HttpDate) => Timestamp::parse_http_date(text),
        _ => None,
    };
    if parsed.is_none() {
        let expected = match format {
            TimestampFormat::EpochSeconds => "epoch seconds",
            TimestampFormat::DateTime => "an RFC 3339 date-time",
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

/// A JSON value written in the model (a `@default` document); the generator has checked it.
pub fn literal(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
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
    fn empty_body_is_an_empty_object() {
        assert_eq!(parse_body(b"").unwrap(), serde_json::json!({}));
        assert!(parse_body(b"{").is_err());
    }
}
