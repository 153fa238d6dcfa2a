//! Reading and writing rpcv2Cbor bodies: the readers mirror [`crate::json`]'s one for one (same
//! names, same signatures, over a [`CborValue`] instead of a JSON value), and report the same
//! violations at the same paths with the same messages for the same mistake, so that a request
//! is validated alike whichever protocol it came in; [`CborWriter`] mirrors
//! [`crate::write::JsonWriter`].
//!
//! What differs is only what the wire format itself says:
//!
//! - a structure or map is a CBOR map whose keys are text strings (another key is malformed),
//!   and a key named twice anywhere in a body is refused as malformed ([`parse_body`]), as JSON's
//!   is; `undefined` is read as `null`;
//! - integers are CBOR integers, range-checked; `float` and `double` take floats of any width
//!   and integers, and NaN and the infinities are native floats, not strings;
//! - `bigInteger` and `bigDecimal` take integers, floats, bignums (tags 2 and 3, up to 128
//!   bytes) and decimal fractions (tag 4), kept as exact decimal text;
//! - a `blob` is a byte string (text is a type mismatch), a `timestamp` is tag 1 around an
//!   integer or float of epoch seconds, or the bare number (the member's format is ignored);
//! - `document` is not part of the protocol (the generator refuses it), so its reader refuses
//!   any value and its writer writes `null`.
//!
//! A map's entries are taken out in key order (a `BTreeMap`), as `serde_json`'s map does without
//! its `preserve_order` feature; a map quoted in a message is quoted in the order it was sent.

mod collections;
mod number;
mod read;
mod text;
mod write;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashSet};

pub use smithy_cbor::Value as CborValue;

pub use crate::json::{Field, IntEnum, Items, StringEnum, key, parse_enum, parse_int_enum};
pub use collections::{
    described_list, described_map, described_sparse_list, described_sparse_map, list, map,
    sparse_list, sparse_map,
};
pub use read::{
    Members, array, big_decimal, big_integer, blob, boolean, byte, document, double, float, int,
    int_enum, long, not_null, object, short, string, string_enum, take, timestamp, unit,
};
pub use text::has_duplicates;
pub use write::{CborArrayWriter, CborObjectWriter, CborWriter};

use crate::operation::DecodeError;
use crate::validation::{Path, Violations};

/// A CBOR map with text keys, from which generated code takes members one by one.
pub type Object = BTreeMap<String, CborValue>;

/// Parses a request body: exactly one CBOR item, nested at most `max_depth` deep (arrays, maps
/// and tags), with no map naming a key twice. An empty body is an empty map, as the protocol
/// lets a client send no body for an input without members.
pub fn parse_body(body: &[u8], max_depth: usize) -> Result<CborValue, String> {
    if body.is_empty() {
        return Ok(CborValue::Map(Vec::new()));
    }
    let malformed = |error: smithy_cbor::Error| {
        format!(
            "malformed CBOR: {} at byte {}",
            error.kind(),
            error.offset()
        )
    };
    let mut decoder = smithy_cbor::Decoder::new(body).with_max_depth(max_depth);
    let value = decoder.value().map_err(malformed)?;
    decoder.finish().map_err(malformed)?;
    check_keys(&value)?;
    Ok(value)
}

/// Refuses a map that names a text key twice, anywhere in a value (which one would count is
/// decoder-dependent, so it is refused rather than guessed, as in JSON).
fn check_keys(value: &CborValue) -> Result<(), String> {
    match value {
        CborValue::Array(items) => items.iter().try_for_each(check_keys),
        CborValue::Tag(_, item) => check_keys(item),
        CborValue::Map(pairs) => {
            let mut seen = HashSet::with_capacity(pairs.len());
            for (key, value) in pairs {
                if let CborValue::Text(key) = key
                    && !seen.insert(key.as_str())
                {
                    return Err(format!("malformed CBOR: duplicate key \"{key}\""));
                }
                check_keys(key)?;
                check_keys(value)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Reads and validates a parsed body with a generated reader: the input, or every violation
/// (as [`crate::operation::decode`] does for JSON).
pub fn decode<T>(
    value: CborValue,
    read: fn(CborValue, &Path<'_>, &mut Violations) -> Option<T>,
) -> Result<T, DecodeError> {
    let mut violations = Violations::new();
    match read(value, &Path::root(), &mut violations) {
        Some(input) if violations.is_empty() => Ok(input),
        _ => Err(DecodeError::from_violations(violations)),
    }
}

/// Writes an output with a generated writer (as [`crate::operation::encode`] does for JSON).
pub fn encode<T: ?Sized>(output: &T, write: fn(&T, &mut CborWriter)) -> Vec<u8> {
    let mut writer = CborWriter::new();
    write(output, &mut writer);
    writer.finish()
}

/// What a CBOR value is, as a type mismatch names it: the words JSON's readers use for the same
/// Smithy type (`a string`, `an object`, `a number`), and the CBOR's own where JSON has none
/// (`a byte string`, `a tagged item`).
pub(crate) fn kind(value: &CborValue) -> &'static str {
    match value {
        CborValue::Unsigned(_) | CborValue::Negative(_) | CborValue::Float(_) => "a number",
        CborValue::Bytes(_) => "a byte string",
        CborValue::Text(_) => "a string",
        CborValue::Array(_) => "an array",
        CborValue::Map(_) => "an object",
        CborValue::Tag(..) => "a tagged item",
        CborValue::Bool(_) => "a boolean",
        CborValue::Null => "null",
        CborValue::Undefined => "undefined",
        CborValue::Simple(_) => "a simple value",
    }
}

/// Records a type mismatch at `path`.
pub(crate) fn mismatch<T>(
    value: &CborValue,
    expected: &str,
    path: &Path<'_>,
    v: &mut Violations,
) -> Option<T> {
    v.malformed(
        path,
        format_args!("expected {expected} but found {}", kind(value)),
    );
    None
}
