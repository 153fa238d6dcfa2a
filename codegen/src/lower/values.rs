//! Typed values from trait JSON: a member's `@default` checked against its target, its
//! constraint traits settled for the target's type (with the pattern translated and numbered),
//! and the line of rustdoc that states them.

use crate::smithy::{ShapeType, traits};
use base64::Engine as _;
use serde_json::Value;

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
        (Simple::Timestamp, Value::Number(number)) => {
            let (seconds, nanos) = epoch_seconds(&number.to_string()).ok_or("not epoch seconds")?;
            DefaultValue::Timestamp { seconds, nanos }
        }
        (Simple::Timestamp, Value::String(text)) => {
            let (seconds, nanos) = date_time(text).ok_or("not an RFC 3339 date-time")?;
            DefaultValue::Timestamp { seconds, nanos }
        }
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

/// Epoch seconds written as a decimal number: seconds and nanoseconds.
fn epoch_seconds(text: &str) -> Option<(i64, u32)> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if text.contains(['e', 'E'])
        || fraction.len() > 9
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let seconds: i64 = whole.parse().ok()?;
    let mut nanos: u32 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<9}").parse().ok()?
    };
    if whole.starts_with('-') && nanos > 0 {
        // -1.5 is 1.5 seconds before the epoch: two seconds back, then half a second on.
        nanos = 1_000_000_000 - nanos;
        return Some((seconds - 1, nanos));
    }
    Some((seconds, nanos))
}

/// An RFC 3339 date-time (`2024-01-31T12:30:00.5Z`, `...+01:00`): seconds and nanoseconds since
/// the epoch.
fn date_time(text: &str) -> Option<(i64, u32)> {
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let bytes = text.as_bytes();
    if bytes.len() < 20
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || !matches!(bytes[10], b'T' | b't')
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &text[19..];
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        nanos = format!("{:0<9}", &fraction[..digits]).parse().ok()?;
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (hours, minutes) = rest[1..].split_once(':')?;
            if hours.len() != 2 || minutes.len() != 2 {
                return None;
            }
            sign * (hours.parse::<i64>().ok()? * 3600 + minutes.parse::<i64>().ok()? * 60)
        }
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some((seconds, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_and_epoch_seconds() {
        assert_eq!(date_time("1970-01-01T00:00:00Z"), Some((0, 0)));
        assert_eq!(
            date_time("2000-02-29T12:00:00.25Z"),
            Some((951_825_600, 250_000_000))
        );
        assert_eq!(date_time("1970-01-01T01:00:00+01:00"), Some((0, 0)));
        assert_eq!(date_time("1969-12-31T23:59:59Z"), Some((-1, 0)));
        assert_eq!(date_time("2000-13-01T00:00:00Z"), None);
        assert_eq!(date_time("yesterday"), None);
        assert_eq!(
            epoch_seconds("1515531081.1234"),
            Some((1_515_531_081, 123_400_000))
        );
        assert_eq!(epoch_seconds("-1.5"), Some((-2, 500_000_000)));
        assert_eq!(epoch_seconds("1e3"), None);
    }

    #[test]
    fn inline_code_escapes_control_characters() {
        assert_eq!(code("^[ \t]+$"), "`^[ \\t]+$`");
        assert_eq!(code("[\n\t\r\u{1}]"), "`[\\n\\t\\r\\u{1}]`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("\\d é"), "`\\d é`");
    }
}
