//! The CBOR readers of structures and scalars: each takes one value, checks its type, and on a
//! mismatch records a serialization error at its path, worded as [`crate::json`]'s reader of the
//! same Smithy type words it.

use super::number::{big_number, float_text};
use super::{CborValue as Value, Object, mismatch};
use crate::json::{Field, IntEnum, StringEnum, member_path, parse_enum, parse_int_enum};
use crate::validation::{Path, Violations};
use crate::{BigNumber, Blob, Timestamp, TimestampFormat};

/// The members of a CBOR map being read into a structure, taken out one by one; members the
/// structure does not have are ignored.
#[derive(Debug)]
pub struct Members(Object);

impl Members {
    /// Reads a map with text keys, or records that the value is not one.
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
        let value = take(&mut self.0, field.name())?;
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
        match take(&mut self.0, field.name()) {
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
        match take(&mut self.0, field.name()) {
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

/// The input of an operation whose input is `smithy.api#Unit`: any map.
pub fn unit(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<()> {
    object(value, path, v).map(|_| ())
}

/// Takes a member out of a map; `null` (and `undefined`) count as absent.
pub fn take(object: &mut Object, name: &str) -> Option<Value> {
    object.remove(name).filter(|value| !value.is_null())
}

/// A map with text keys (structures, unions, maps). A key that is not text, or a text key named
/// twice, is malformed.
pub fn object(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<Object> {
    let pairs = match value {
        Value::Map(pairs) => pairs,
        other => return mismatch(&other, "an object", path, v),
    };
    let mut object = Object::new();
    for (key, value) in pairs {
        let key = match key {
            Value::Text(key) => key,
            other => return mismatch(&other, "a string as a map key", path, v),
        };
        if object.contains_key(&key) {
            v.malformed(path, format_args!("duplicate key \"{key}\""));
            return None;
        }
        object.insert(key, value);
    }
    Some(object)
}

/// An array (lists).
pub fn array(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<Vec<Value>> {
    match value {
        Value::Array(items) => Some(items),
        other => mismatch(&other, "an array", path, v),
    }
}

/// A text string.
pub fn string(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<String> {
    match value {
        Value::Text(text) => Some(text),
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
        Value::Unsigned(_) | Value::Negative(_) => value.as_integer().unwrap_or_default(),
        Value::Float(float) => {
            let found = float_text(*float);
            v.malformed(path, format_args!("expected {name} but found {found}"));
            return None;
        }
        other => return mismatch(other, name, path, v),
    };
    match i64::try_from(number).ok().and_then(|n| T::try_from(n).ok()) {
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

/// A `double`: a float of any width (NaN and the infinities included), or an integer.
pub fn double(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<f64> {
    match value {
        Value::Float(number) => Some(number),
        Value::Unsigned(_) | Value::Negative(_) => value.as_integer().map(|number| number as f64),
        other => mismatch(&other, "a number", path, v),
    }
}

/// A `float`: as [`double`], narrowed.
pub fn float(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<f32> {
    double(value, path, v).map(|n| n as f32)
}

/// A `bigInteger`: an integer, a bignum (tag 2 or 3), or any number [`big_decimal`] takes that
/// has no fraction, kept exactly.
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

/// A `bigDecimal`: an integer, a finite float, a bignum (tag 2 or 3) or a decimal fraction
/// (tag 4), kept exactly.
pub fn big_decimal(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<BigNumber> {
    match big_number(&value) {
        Ok(number) => Some(number),
        Err(Some(reason)) => {
            v.malformed(path, reason);
            None
        }
        Err(None) => mismatch(&value, "a number", path, v),
    }
}

/// A `blob`: a byte string.
pub fn blob(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<Blob> {
    match value {
        Value::Bytes(bytes) => Some(Blob::new(bytes)),
        other => mismatch(&other, "a byte string", path, v),
    }
}

/// A `timestamp`: tag 1 around an integer or float of seconds since 1970, or the bare number.
/// The member's format is for the JSON protocols: the signature matches theirs so that
/// generated code calls every protocol's reader alike.
pub fn timestamp(
    value: Value,
    _format: TimestampFormat,
    path: &Path<'_>,
    v: &mut Violations,
) -> Option<Timestamp> {
    let seconds = match value {
        Value::Tag(1, seconds) => *seconds,
        other => other,
    };
    let parsed = match seconds {
        Value::Unsigned(_) | Value::Negative(_) => seconds
            .as_integer()
            .and_then(|n| Timestamp::parse_epoch_seconds(&n.to_string())),
        Value::Float(number) if number.is_finite() => {
            Timestamp::parse_epoch_seconds(&format!("{number:?}"))
        }
        _ => None,
    };
    if parsed.is_none() {
        v.malformed(path, "expected a timestamp as epoch seconds");
    }
    parsed
}

/// A `document`, which rpcv2Cbor does not carry (the generator refuses models that would need
/// it): any value is malformed.
pub fn document(_value: Value, path: &Path<'_>, v: &mut Violations) -> Option<serde_json::Value> {
    v.malformed(path, "documents are not supported in CBOR");
    None
}

/// Rejects `null` (and `undefined`) in a dense list or map.
pub fn not_null(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<Value> {
    if value.is_null() {
        return mismatch(&value, "a value (the collection is not sparse)", path, v);
    }
    Some(value)
}

/// A string enum's value: the variant, or a violation listing the advertised values.
pub fn string_enum<T: StringEnum>(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<T> {
    let text = string(value, path, v)?;
    parse_enum(text, path, v)
}

/// An intEnum's value: the variant, or a violation listing the values.
pub fn int_enum<T: IntEnum>(value: Value, path: &Path<'_>, v: &mut Violations) -> Option<T> {
    let number = int(value, path, v)?;
    parse_int_enum(number, path, v)
}
