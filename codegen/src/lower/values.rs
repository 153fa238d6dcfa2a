//! Typed values from trait JSON: a member's `@default` checked against its target, its
//! constraint traits settled for the target's type (with the pattern translated and numbered),
//! and the line of rustdoc that states them.

use crate::smithy::{ShapeType, traits};
use base64::Engine as _;
use serde_json::Value;
use smithy_timestamp::Timestamp;

use super::Lowering;
use super::shapes::{Effective, legacy_enum, simple};
use crate::error::{Error, Result};
use crate::ir::{
    Constraints, DefaultValue, DocumentDefault, Length, Measure, Range, RangeCompare, Simple,
};
use crate::load::AstShape;
use crate::pattern;

/// How many enum values a member's documentation lists before it says how many more there are.
const LISTED_VALUES: usize = 12;

impl Lowering<'_> {
    /// The constraints an input checks on a member's value; a constraint trait on a type it
    /// cannot apply to is an error.
    pub(super) fn constraints(
        &self,
        member_id: &str,
        target: &AstShape,
        effective: &Effective<'_>,
    ) -> Result<Constraints> {
        let kind = target_kind(target);
        let misplaced = |trait_name: &str| Error::Unsupported {
            shape: member_id.to_owned(),
            reason: format!("@{trait_name} does not apply to {} shapes", target.kind),
        };
        let length = match effective.get(traits::LENGTH) {
            None => None,
            Some(bounds) => {
                let measure = match kind {
                    TargetKind::String | TargetKind::Enum => Measure::Chars,
                    TargetKind::Collection => Measure::Items,
                    _ => return Err(misplaced("length")),
                };
                Some(Length {
                    min: length_bound(member_id, bounds, "min")?,
                    max: length_bound(member_id, bounds, "max")?,
                    measure,
                })
            }
        };
        let range = match effective.get(traits::RANGE) {
            None => None,
            Some(bounds) => {
                let integral = match kind {
                    TargetKind::Integer | TargetKind::IntEnum => true,
                    TargetKind::Number => false,
                    _ => return Err(misplaced("range")),
                };
                Some(range(member_id, bounds, integral)?)
            }
        };
        let pattern = match effective.get(traits::PATTERN) {
            None => None,
            Some(source) => {
                if !matches!(kind, TargetKind::String | TargetKind::Enum) {
                    return Err(misplaced("pattern"));
                }
                let source = source.as_str().ok_or_else(|| Error::Unsupported {
                    shape: member_id.to_owned(),
                    reason: "@pattern must be a string".into(),
                })?;
                Some(self.pattern_index(member_id, source)?)
            }
        };
        Ok(Constraints {
            length,
            range,
            pattern,
        })
    }

    /// The index of a pattern in the service's list, translating it when first met.
    fn pattern_index(&self, member_id: &str, source: &str) -> Result<usize> {
        let mut patterns = self.patterns.borrow_mut();
        if let Some(index) = patterns.iter().position(|p| p.source == source) {
            return Ok(index);
        }
        let translated = pattern::translate(source).map_err(|reason| Error::Pattern {
            shape: member_id.to_owned(),
            pattern: source.to_owned(),
            reason,
        })?;
        patterns.push(translated);
        Ok(patterns.len() - 1)
    }

    /// One Markdown line stating what a member requires of its value, or an empty string.
    pub(super) fn constraint_docs(
        &self,
        target_id: &str,
        target: &AstShape,
        effective: &Effective<'_>,
        required: bool,
    ) -> Result<String> {
        let mut parts = Vec::new();
        if required {
            parts.push("required".to_owned());
        }
        if let Some(bounds) = effective.get(traits::LENGTH) {
            parts.push(format!("length {}", bounds_text(bounds)));
        }
        if let Some(bounds) = effective.get(traits::RANGE) {
            parts.push(format!("range {}", bounds_text(bounds)));
        }
        if let Some(source) = effective.get(traits::PATTERN).and_then(Value::as_str) {
            parts.push(format!("pattern {}", code(source)));
        }
        let values: Vec<String> = match target.kind {
            ShapeType::Enum => self
                .enum_values(target_id, target)?
                .into_iter()
                .map(|v| v.value)
                .collect(),
            ShapeType::String if target.traits.contains_key(traits::ENUM) => {
                legacy_enum(target_id, &target.traits)?
                    .into_iter()
                    .map(|v| v.value)
                    .collect()
            }
            ShapeType::IntEnum => self
                .int_enum_values(target_id, target)?
                .into_iter()
                .map(|v| v.value.to_string())
                .collect(),
            _ => Vec::new(),
        };
        if !values.is_empty() {
            let mut listed: Vec<String> =
                values.iter().take(LISTED_VALUES).map(|v| code(v)).collect();
            if values.len() > LISTED_VALUES {
                listed.push(format!("and {} more", values.len() - LISTED_VALUES));
            }
            parts.push(format!("one of {}", listed.join(", ")));
        }
        Ok(if parts.is_empty() {
            String::new()
        } else {
            format!("**Constraints:** {}.", parts.join("; "))
        })
    }

    /// A `@default` as a value of the target's type; one that does not fit is an error.
    pub(super) fn default_value(
        &self,
        member_id: &str,
        target_id: &str,
        target: &AstShape,
        value: &Value,
    ) -> Result<DefaultValue> {
        let unfit = |why: &str| Error::Unsupported {
            shape: member_id.to_owned(),
            reason: format!("@default {value}: {why}"),
        };
        let typed = match (target_kind(target), value) {
            (TargetKind::Enum, Value::String(text)) => {
                let values = if target.kind == ShapeType::Enum {
                    self.enum_values(target_id, target)?
                } else {
                    legacy_enum(target_id, &target.traits)?
                };
                let variant = values.into_iter().find(|v| &v.value == text);
                DefaultValue::Variant(
                    variant
                        .ok_or_else(|| unfit("not a value of the enum"))?
                        .variant,
                )
            }
            (TargetKind::IntEnum, Value::Number(number)) => {
                let values = self.int_enum_values(target_id, target)?;
                let variant = values
                    .into_iter()
                    .find(|v| number.as_i64() == Some(i64::from(v.value)));
                DefaultValue::Variant(
                    variant
                        .ok_or_else(|| unfit("not a value of the intEnum"))?
                        .variant,
                )
            }
            (TargetKind::Collection, Value::Array(items)) if target.kind != ShapeType::Map => {
                if !items.is_empty() {
                    return Err(unfit("a list's default must be empty"));
                }
                DefaultValue::EmptyList
            }
            (TargetKind::Collection, Value::Object(entries)) if target.kind == ShapeType::Map => {
                if !entries.is_empty() {
                    return Err(unfit("a map's default must be empty"));
                }
                DefaultValue::EmptyMap
            }
            _ => scalar_default(simple(target.kind), value).map_err(|why| unfit(&why))?,
        };
        Ok(typed)
    }
}

/// What a constraint or default sees of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TargetKind {
    String,
    Enum,
    IntEnum,
    /// Blobs, lists, sets and maps: measured in items.
    Collection,
    Integer,
    /// Floats and big numbers.
    Number,
    Other,
}

fn target_kind(target: &AstShape) -> TargetKind {
    match target.kind {
        ShapeType::String if target.traits.contains_key(traits::ENUM) => TargetKind::Enum,
        ShapeType::String => TargetKind::String,
        ShapeType::Enum => TargetKind::Enum,
        ShapeType::IntEnum => TargetKind::IntEnum,
        ShapeType::Blob | ShapeType::List | ShapeType::Set | ShapeType::Map => {
            TargetKind::Collection
        }
        ShapeType::Byte | ShapeType::Short | ShapeType::Integer | ShapeType::Long => {
            TargetKind::Integer
        }
        ShapeType::Float | ShapeType::Double | ShapeType::BigInteger | ShapeType::BigDecimal => {
            TargetKind::Number
        }
        _ => TargetKind::Other,
    }
}

fn scalar_default(simple: Option<Simple>, value: &Value) -> Result<DefaultValue, String> {
    let Some(simple) = simple else {
        return Err("this type takes no default".into());
    };
    let typed = match (simple, value) {
        (Simple::Boolean, Value::Bool(flag)) => DefaultValue::Boolean(*flag),
        (Simple::String, Value::String(text)) => DefaultValue::String(text.clone()),
        (Simple::Byte | Simple::Short | Simple::Integer | Simple::Long, Value::Number(number)) => {
            let bits = match simple {
                Simple::Byte => 8,
                Simple::Short => 16,
                Simple::Integer => 32,
                _ => 64,
            };
            let integer = number.as_i64().ok_or("not an integer")?;
            let limit = 1i128 << (bits - 1);
            if !(-limit..limit).contains(&i128::from(integer)) {
                return Err(format!("out of range for a {bits}-bit integer"));
            }
            DefaultValue::Integer(integer)
        }
        (Simple::Float | Simple::Double, Value::Number(number)) => {
            DefaultValue::Float(number.as_f64().ok_or("not a number")?)
        }
        (Simple::BigInteger | Simple::BigDecimal, Value::Number(number)) => {
            DefaultValue::BigNumber(number.to_string())
        }
        (Simple::Blob, Value::String(text)) => DefaultValue::Blob(
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|error| format!("not base64: {error}"))?,
        ),
        (Simple::Timestamp, Value::Number(number)) => timestamp_default(
            Timestamp::parse_epoch_seconds(&number.to_string()).ok_or("not epoch seconds")?,
        ),
        (Simple::Timestamp, Value::String(text)) => timestamp_default(
            Timestamp::parse_utc_date_time(text).ok_or("not an RFC 3339 date-time in UTC")?,
        ),
        (Simple::Document, value) => DefaultValue::Document(match value {
            Value::Bool(flag) => DocumentDefault::Boolean(*flag),
            Value::Number(number) => match (number.as_i64(), number.as_f64()) {
                (Some(integer), _) => DocumentDefault::Integer(integer),
                (None, Some(float)) => DocumentDefault::Float(float),
                (None, None) => return Err("a number out of range".into()),
            },
            Value::String(text) => DocumentDefault::String(text.clone()),
            Value::Array(items) if items.is_empty() => DocumentDefault::EmptyList,
            Value::Object(entries) if entries.is_empty() => DocumentDefault::EmptyMap,
            _ => return Err("a document's default must be a scalar, [] or {}".into()),
        }),
        _ => return Err("does not fit the type".into()),
    };
    Ok(typed)
}

fn length_bound(member_id: &str, bounds: &Value, key: &str) -> Result<Option<u64>> {
    match bounds.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value
            .as_u64()
            .or_else(|| value.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
            .map(Some)
            .ok_or_else(|| Error::Unsupported {
                shape: member_id.to_owned(),
                reason: format!("@length {key} {value} is not a length"),
            }),
    }
}

fn range(member_id: &str, bounds: &Value, integral: bool) -> Result<Range> {
    let text = |key: &str| -> Result<Option<String>> {
        match bounds.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(number)) => Ok(Some(number.to_string())),
            Some(other) => Err(Error::Unsupported {
                shape: member_id.to_owned(),
                reason: format!("@range {key} {other} is not a number"),
            }),
        }
    };
    let (min_text, max_text) = (text("min")?, text("max")?);
    let as_integer = |text: &Option<String>| text.as_deref().map(str::parse::<i128>);
    let compare = match (as_integer(&min_text), as_integer(&max_text)) {
        (None | Some(Ok(_)), None | Some(Ok(_))) if integral => RangeCompare::Integer {
            min: as_integer(&min_text).and_then(Result::ok),
            max: as_integer(&max_text).and_then(Result::ok),
        },
        _ => {
            let as_float = |text: &Option<String>| -> Result<Option<f64>> {
                text.as_deref()
                    .map(|t| {
                        t.parse::<f64>().map_err(|_| Error::Unsupported {
                            shape: member_id.to_owned(),
                            reason: format!("@range bound {t} is not a number"),
                        })
                    })
                    .transpose()
            };
            RangeCompare::Float {
                min: as_float(&min_text)?,
                max: as_float(&max_text)?,
            }
        }
    };
    Ok(Range {
        compare,
        min_text,
        max_text,
    })
}

/// `min..=max`, `at least min`, `at most max`, as the model wrote them.
fn bounds_text(bounds: &Value) -> String {
    let bound = |key: &str| {
        bounds
            .get(key)
            .filter(|v| v.is_number())
            .map(Value::to_string)
    };
    match (bound("min"), bound("max")) {
        (Some(min), Some(max)) => format!("{min}..={max}"),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => "unbounded".to_owned(),
    }
}

/// Text as Markdown inline code, fenced so backticks inside it survive.
fn code(text: &str) -> String {
    // A doc comment cannot hold a bare carriage return, clippy refuses tabs in one, and a line
    // break would end the span: control characters are written as their escapes (`\t`), which
    // in a pattern mean the same.
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            escaped.extend(c.escape_debug());
        } else {
            escaped.push(c);
        }
    }
    let text = escaped;
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// A `@default` timestamp, read by the runtime's parser so a default and a request agree.
fn timestamp_default(at: Timestamp) -> DefaultValue {
    DefaultValue::Timestamp {
        seconds: at.secs(),
        nanos: at.subsec_nanos(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_defaults_are_read_as_a_request_is() {
        let read = |json: &str| {
            let value: Value = serde_json::from_str(json).unwrap();
            match scalar_default(Some(Simple::Timestamp), &value) {
                Ok(DefaultValue::Timestamp { seconds, nanos }) => Ok((seconds, nanos)),
                Ok(_) => panic!("{json} read as another type"),
                Err(reason) => Err(reason),
            }
        };
        assert_eq!(read("-1.5"), Ok((-2, 500_000_000)));
        assert_eq!(read("1e3"), Ok((1000, 0)));
        assert_eq!(
            read(r#""2000-02-29T12:00:00.25Z""#),
            Ok((951_825_600, 250_000_000))
        );
        assert_eq!(
            read(r#""1970-01-01T00:00:00.1234567891Z""#),
            Ok((0, 123_456_789))
        );
        let refused = Err("not an RFC 3339 date-time in UTC".to_owned());
        assert_eq!(read(r#""1970-01-01T01:00:00+01:00""#), refused);
        assert_eq!(read(r#""2019-02-30T00:00:00Z""#), refused);
    }

    #[test]
    fn inline_code_escapes_control_characters() {
        assert_eq!(code("^[ \t]+$"), "`^[ \\t]+$`");
        assert_eq!(code("[\n\t\r\u{1}]"), "`[\\n\\t\\r\\u{1}]`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("\\d é"), "`\\d é`");
    }
}
