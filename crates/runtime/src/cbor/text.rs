//! CBOR values as violation messages quote them and as `@uniqueItems` compares them: through
//! the JSON value the same input would have been in a JSON protocol (a byte string as base64,
//! a timestamp as its seconds, NaN as `"NaN"`), so that the messages of both protocols match.

use base64::Engine as _;

use super::CborValue as Value;
use super::number::big_number;
use crate::validation::ValueText;

/// The JSON value a CBOR value stands for: what the same input would be in awsJson.
pub(crate) fn to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as Json;
    match value {
        Value::Unsigned(n) => Json::from(*n),
        Value::Negative(_) => match value.as_integer().and_then(|n| i64::try_from(n).ok()) {
            Some(n) => Json::from(n),
            None => number_json(value),
        },
        Value::Float(number) if number.is_finite() => Json::from(*number),
        Value::Float(number) => Json::String(super::number::float_text(*number)),
        Value::Bytes(bytes) => {
            Json::String(base64::engine::general_purpose::STANDARD.encode(bytes))
        }
        Value::Text(text) => Json::String(text.clone()),
        Value::Array(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(pairs) => Json::Object(
            pairs
                .iter()
                .map(|(key, value)| (key_text(key), to_json(value)))
                .collect(),
        ),
        Value::Tag(2..=4, _) => number_json(value),
        Value::Tag(_, item) => to_json(item),
        Value::Bool(flag) => Json::Bool(*flag),
        Value::Null | Value::Undefined | Value::Simple(_) => Json::Null,
    }
}

/// A big number as a JSON number (exact with `arbitrary_precision`, else the nearest double),
/// or its text where it is none.
fn number_json(value: &Value) -> serde_json::Value {
    match big_number(value) {
        Ok(number) => serde_json::from_str(number.as_str())
            .unwrap_or_else(|_| serde_json::Value::String(number.as_str().to_owned())),
        Err(_) => serde_json::Value::String(value.to_string()),
    }
}

/// A map key's text: a text key as it is, another in CBOR's diagnostic notation.
pub(crate) fn key_text(key: &Value) -> String {
    match key {
        Value::Text(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Quoted as the JSON value it stands for would be.
impl ValueText for Value {
    fn write_text(&self, out: &mut String) {
        to_json(self).write_text(out);
    }
}

/// Whether an array repeats an item, compared as `@uniqueItems` compares JSON items (maps whose
/// entries differ only in order are equal, floats by value).
pub fn has_duplicates(items: &[Value]) -> bool {
    if items.len() < 2 {
        return false;
    }
    let items: Vec<serde_json::Value> = items.iter().map(to_json).collect();
    crate::validation::has_duplicates(&items)
}

/// A map as AWS quotes it in a message, in the order it was sent: `{key=value, ...}`.
pub(crate) fn map_text(value: &Value) -> String {
    let mut text = String::from("{");
    if let Value::Map(pairs) = value {
        for (index, (key, value)) in pairs.iter().enumerate() {
            if index > 0 {
                text.push_str(", ");
            }
            text.push_str(&key_text(key));
            text.push('=');
            crate::validation::sent_text(&to_json(value), &mut text);
        }
    }
    text.push('}');
    text
}
