//! Booleans, numbers, timestamps, blobs and `@mediaType` strings as label, query and header text.
//!
//! The readers are strict: the official malformed-request cases (`MalformedBoolean`,
//! `MalformedByte`, `MalformedShort`, `MalformedInteger`, `MalformedLong`, `MalformedFloat`,
//! `MalformedDouble`, `MalformedTimestamp{Path,Query,Header}*`, `MalformedString`) refuse
//! coercions such as `TRUE`, `1`, `1.001` for an integer, `2ABC`, `0x42`, and any timestamp in
//! another format than the member's. Whitespace is not trimmed here; header readers trim it.
//!
//! Integers and big numbers need no writer of their own: their `to_string` is their text.

use base64::Engine as _;

use super::{Shown, TextError};
use crate::{BigNumber, Blob, Timestamp, TimestampFormat};

/// A `boolean`: exactly `true` or `false`. `True`, `TRUE`, `1`, `yes`, `on` and the like are
/// refused (`RestJson{Path,Query,Header}BooleanStringCoercion`).
pub fn parse_boolean(text: &str) -> Result<bool, TextError> {
    match text {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(TextError::expected("a boolean (true or false)", text)),
    }
}

/// A `byte`: an optional `-` and decimal digits, within `-128..=127`.
pub fn parse_byte(text: &str) -> Result<i8, TextError> {
    integer(text, "a byte", i8::MIN.into(), i8::MAX.into())
}

/// A `short`: an optional `-` and decimal digits, within 16 bits.
pub fn parse_short(text: &str) -> Result<i16, TextError> {
    integer(text, "a short", i16::MIN.into(), i16::MAX.into())
}

/// An `integer`: an optional `-` and decimal digits, within 32 bits. No `+`, fraction,
/// exponent, hexadecimal or trailing characters (`RestJson*IntegerMalformedValueRejected`),
/// and nothing out of range (`RestJson*IntegerUnderflowOverflow`).
pub fn parse_integer(text: &str) -> Result<i32, TextError> {
    integer(text, "an integer", i32::MIN.into(), i32::MAX.into())
}

/// A `long`: an optional `-` and decimal digits, within 64 bits.
pub fn parse_long(text: &str) -> Result<i64, TextError> {
    integer(text, "a long", i64::MIN, i64::MAX)
}

/// A `float`: a number in JSON syntax, or exactly `NaN`, `Infinity` or `-Infinity`
/// (`RestJsonSupportsNaNFloatLabels` and the like). `true`, `2ABC`, `0x42`
/// (`RestJson*FloatMalformedValueRejected`), `inf`, `nan`, `+1`, `.5` and numbers too large for
/// 32 bits are refused.
pub fn parse_float(text: &str) -> Result<f32, TextError> {
    float(text, "a float")
}

/// A `double`: as [`parse_float`], within 64 bits.
pub fn parse_double(text: &str) -> Result<f64, TextError> {
    float(text, "a double")
}

/// A `bigInteger`: an optional `-` and decimal digits, kept exactly.
pub fn parse_big_integer(text: &str) -> Result<BigNumber, TextError> {
    match BigNumber::parse(text) {
        Some(number) if number.is_integer() => Ok(number),
        _ => Err(TextError::expected("an integer", text)),
    }
}

/// A `bigDecimal`: a number in JSON syntax, kept exactly.
pub fn parse_big_decimal(text: &str) -> Result<BigNumber, TextError> {
    BigNumber::parse(text).ok_or_else(|| TextError::expected("a decimal number", text))
}

/// A `timestamp` in one format; the caller passes the member's `@timestampFormat` or its
/// binding's default ([`super::Binding::default_timestamp_format`]).
///
/// - `epoch-seconds`: a number in JSON syntax (`1576540098`, `1515531081.1234`); `true`,
///   `1515531081ABC`, `0x42`, `1515531081.123.456`, `NaN` and the infinities are refused
///   (`RestJson*TimestampEpochRejectsMalformedValues`).
/// - `date-time`: RFC 3339 in UTC, ending in `Z`. Numeric offsets are refused
///   (`RestJsonPathTimestampDefaultRejectsUTCOffsets`), as are ISO 8601 forms that are not
///   RFC 3339 (`RestJson*TimestampDefaultRejectsDifferent8601Formats`).
/// - `http-date`: IMF-fixdate, `Mon, 16 Dec 2019 23:48:18 GMT`.
pub fn parse_timestamp(text: &str, format: TimestampFormat) -> Result<Timestamp, TextError> {
    let parsed = match format {
        TimestampFormat::EpochSeconds if is_json_number(text) => {
            Timestamp::parse_epoch_seconds(text)
        }
        TimestampFormat::EpochSeconds => None,
        TimestampFormat::DateTime => Timestamp::parse_utc_date_time(text),
        TimestampFormat::HttpDate => Timestamp::parse_http_date(text),
    };
    parsed.ok_or_else(|| {
        let expected = match format {
            TimestampFormat::EpochSeconds => "a timestamp in epoch seconds (e.g. 1576540098)",
            TimestampFormat::DateTime => "an RFC 3339 date-time in UTC (e.g. 2019-12-16T23:48:18Z)",
            TimestampFormat::HttpDate => "an HTTP date (e.g. Mon, 16 Dec 2019 23:48:18 GMT)",
        };
        TextError::expected(expected, text)
    })
}

/// A `blob` in a header or the query string: standard base64 with its padding. Missing or
/// short padding (`xyz`, `YmxvYg=`), characters outside the alphabet (`[][]`) and the URL-safe
/// alphabet (`-_==`) are refused, after `RestJsonHeaderMalformedStringInvalidBase64MediaType`.
pub fn parse_blob(text: &str) -> Result<Blob, TextError> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map(Blob::new)
        .map_err(|_| TextError::expected("base64 text", text))
}

/// A `string` with `@mediaType` bound to a header: base64 of UTF-8 text (`dHJ1ZQ==` is `true`,
/// `MediaTypeHeaderInputBase64`), read as strictly as [`parse_blob`]
/// (`RestJsonHeaderMalformedStringInvalidBase64MediaType`).
pub fn parse_media_type_string(text: &str) -> Result<String, TextError> {
    let bytes = parse_blob(text)?.into_inner();
    String::from_utf8(bytes).map_err(|_| {
        TextError::new(format!(
            "the base64 text {} does not encode UTF-8 text",
            Shown(text)
        ))
    })
}

/// `true` or `false`.
pub fn format_boolean(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

/// A `float` as text: `NaN`, `Infinity`, `-Infinity`, or the shortest decimal that reads back
/// as the same value (`1.1`; `RestJsonSupportsNaNFloatHeaderOutputs` and the like).
pub fn format_float(value: f32) -> String {
    match special_float(f64::from(value)) {
        Some(text) => text.to_owned(),
        None => format!("{value:?}"),
    }
}

/// A `double` as text, as [`format_float`].
pub fn format_double(value: f64) -> String {
    match special_float(value) {
        Some(text) => text.to_owned(),
        None => format!("{value:?}"),
    }
}

/// A `timestamp` as text in a format: `1576540098`, `2019-12-16T23:48:18Z` or
/// `Mon, 16 Dec 2019 23:48:18 GMT` (`RestJsonTimestampFormatHeaders`).
pub fn format_timestamp(value: &Timestamp, format: TimestampFormat) -> String {
    match format {
        TimestampFormat::EpochSeconds => value.format_epoch_seconds(),
        TimestampFormat::DateTime => value.format_date_time(),
        TimestampFormat::HttpDate => value.format_http_date(),
    }
}

/// A `blob` as padded standard base64.
pub fn format_blob(value: &Blob) -> String {
    value.to_base64()
}

/// A `string` with `@mediaType` for a header: base64 of its UTF-8 (`MediaTypeHeaderOutputBase64`).
pub fn format_media_type_string(value: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(value)
}

fn integer<T: TryFrom<i64>>(text: &str, name: &str, min: i64, max: i64) -> Result<T, TextError> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TextError::expected(name, text));
    }
    let out_of_range = || {
        TextError::new(format!(
            "{} is out of range for {name} ({min} to {max})",
            Shown(text)
        ))
    };
    let wide: i64 = text.parse().map_err(|_| out_of_range())?;
    T::try_from(wide).map_err(|_| out_of_range())
}

trait Float: std::str::FromStr {
    const NAN: Self;
    const INFINITY: Self;
    const NEG_INFINITY: Self;
    fn is_infinite(&self) -> bool;
}

impl Float for f32 {
    const NAN: Self = f32::NAN;
    const INFINITY: Self = f32::INFINITY;
    const NEG_INFINITY: Self = f32::NEG_INFINITY;
    fn is_infinite(&self) -> bool {
        f32::is_infinite(*self)
    }
}

impl Float for f64 {
    const NAN: Self = f64::NAN;
    const INFINITY: Self = f64::INFINITY;
    const NEG_INFINITY: Self = f64::NEG_INFINITY;
    fn is_infinite(&self) -> bool {
        f64::is_infinite(*self)
    }
}

fn float<T: Float>(text: &str, name: &str) -> Result<T, TextError> {
    match text {
        "NaN" => return Ok(T::NAN),
        "Infinity" => return Ok(T::INFINITY),
        "-Infinity" => return Ok(T::NEG_INFINITY),
        _ => {}
    }
    if !is_json_number(text) {
        return Err(TextError::expected(name, text));
    }
    match text.parse::<T>() {
        Ok(value) if !value.is_infinite() => Ok(value),
        _ => Err(TextError::new(format!(
            "{} is out of range for {name}",
            Shown(text)
        ))),
    }
}

fn special_float(value: f64) -> Option<&'static str> {
    if value.is_nan() {
        Some("NaN")
    } else if value == f64::INFINITY {
        Some("Infinity")
    } else if value == f64::NEG_INFINITY {
        Some("-Infinity")
    } else {
        None
    }
}

/// JSON number syntax: `-`? digits (`.` digits)? ([eE] [+-]? digits)?. Leading zeros are let
/// through, as [`BigNumber::parse`] lets them through.
fn is_json_number(text: &str) -> bool {
    BigNumber::parse(text).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_are_exact() {
        assert!(parse_boolean("true").unwrap());
        assert!(!parse_boolean("false").unwrap());
        for bad in ["True", "TRUE", "1", "0", "yes", "on", "", " true", "false "] {
            assert!(parse_boolean(bad).is_err(), "{bad}");
        }
        assert_eq!(format_boolean(true), "true");
        assert_eq!(format_boolean(false), "false");
    }

    #[test]
    fn integers_check_syntax_and_range() {
        assert_eq!(parse_byte("-128").unwrap(), -128);
        assert_eq!(parse_byte("127").unwrap(), 127);
        assert!(parse_byte("128").is_err());
        assert_eq!(parse_short("123").unwrap(), 123);
        assert!(parse_short("40000").is_err());
        assert!(parse_short("-40000").is_err());
        assert_eq!(parse_integer("0").unwrap(), 0);
        assert_eq!(parse_integer("-2147483648").unwrap(), i32::MIN);
        assert!(parse_integer("2147483648").is_err());
        assert_eq!(parse_long("9223372036854775807").unwrap(), i64::MAX);
        for bad in [
            "true",
            "1.001",
            "1.0",
            "2ABC",
            "0x42",
            "Infinity",
            "-Infinity",
            "NaN",
            "+1",
            "",
            "-",
            " 1",
            "1e3",
            "١",
        ] {
            let error = parse_integer(bad).unwrap_err();
            assert!(error.message().starts_with("expected an integer"), "{bad}");
        }
        let error = parse_long("123000000000000000000000").unwrap_err();
        assert_eq!(
            error.message(),
            "\"123000000000000000000000\" is out of range for a long \
             (-9223372036854775808 to 9223372036854775807)"
        );
        assert!(parse_integer("-9223372000000000000").is_err());
    }

    #[test]
    fn floats_take_numbers_and_the_three_literals() {
        assert_eq!(parse_float("1.1").unwrap(), 1.1_f32);
        assert_eq!(parse_double("5.1").unwrap(), 5.1);
        assert_eq!(parse_double("-1e3").unwrap(), -1000.0);
        assert!(parse_double("NaN").unwrap().is_nan());
        assert_eq!(parse_float("Infinity").unwrap(), f32::INFINITY);
        assert_eq!(parse_double("-Infinity").unwrap(), f64::NEG_INFINITY);
        for bad in [
            "true", "2ABC", "0x42", "inf", "nan", "infinity", "+1", ".5", "1.", "", "1,5",
        ] {
            assert!(parse_double(bad).is_err(), "{bad}");
            assert!(parse_float(bad).is_err(), "{bad}");
        }
        assert!(parse_float("1e39").is_err());
        assert!(parse_double("1e309").is_err());
        assert_eq!(parse_double("1e308").unwrap(), 1e308);
    }

    #[test]
    fn floats_write_back_as_they_read() {
        assert_eq!(format_float(1.1), "1.1");
        assert_eq!(format_double(1.1), "1.1");
        assert_eq!(format_double(f64::NAN), "NaN");
        assert_eq!(format_float(f32::INFINITY), "Infinity");
        assert_eq!(format_double(f64::NEG_INFINITY), "-Infinity");
        for value in [0.1, 1e21, 1e-7, -0.0, 123.456, f64::MAX, f64::MIN_POSITIVE] {
            let text = format_double(value);
            assert_eq!(
                parse_double(&text).unwrap().to_bits(),
                value.to_bits(),
                "{text}"
            );
        }
        for value in [0.1_f32, 3.4e38, 1e-45] {
            assert_eq!(parse_float(&format_float(value)).unwrap(), value);
        }
    }

    #[test]
    fn big_numbers_keep_their_text() {
        let n = parse_big_integer("-123456789012345678901234567890").unwrap();
        assert_eq!(n.as_str(), "-123456789012345678901234567890");
        assert!(parse_big_integer("1.5").is_err());
        assert!(parse_big_integer("1e3").is_err());
        assert_eq!(parse_big_decimal("1.5e-3").unwrap().as_str(), "1.5e-3");
        assert!(parse_big_decimal("0x10").is_err());
        assert!(parse_big_decimal("NaN").is_err());
    }

    #[test]
    fn timestamps_follow_their_format() {
        let at = Timestamp::from_secs(1_576_540_098);
        let texts = [
            (TimestampFormat::EpochSeconds, "1576540098"),
            (TimestampFormat::DateTime, "2019-12-16T23:48:18Z"),
            (TimestampFormat::HttpDate, "Mon, 16 Dec 2019 23:48:18 GMT"),
        ];
        for (format, text) in texts {
            assert_eq!(parse_timestamp(text, format).unwrap(), at);
            assert_eq!(format_timestamp(&at, format), text);
            for (other, other_text) in texts {
                if other != format {
                    assert!(parse_timestamp(other_text, format).is_err(), "{other_text}");
                }
            }
        }
        let fraction = parse_timestamp("1515531081.1234", TimestampFormat::EpochSeconds).unwrap();
        assert_eq!(fraction.subsec_nanos(), 123_400_000);
        for bad in [
            "1515531081ABC",
            "0x42",
            "1515531081.123.456",
            "NaN",
            "Infinity",
            "true",
        ] {
            assert!(
                parse_timestamp(bad, TimestampFormat::EpochSeconds).is_err(),
                "{bad}"
            );
        }
        for bad in [
            "1996-12-19T16:39:57-08:00",
            "1996-12-19T16:39:57+00:00",
            "1996-12-19T16:39:57+00Z",
            "1996-12-19T16:39Z",
            "19961219T163957Z",
            "1996-12-19 16:39:57Z",
        ] {
            assert!(
                parse_timestamp(bad, TimestampFormat::DateTime).is_err(),
                "{bad}"
            );
        }
        assert!(parse_timestamp("1985-04-12T23:20:50.52Z", TimestampFormat::DateTime).is_ok());
    }

    #[test]
    fn blobs_and_media_type_strings_are_strict_base64() {
        assert_eq!(parse_blob("YmxvYg==").unwrap().as_bytes(), b"blob");
        assert!(parse_blob("").unwrap().is_empty());
        for bad in ["xyz", "YmxvYg=", "YmxvYg", "[][]", "-_==", "YR==", "YQ== "] {
            assert!(parse_blob(bad).is_err(), "{bad}");
            assert!(parse_media_type_string(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_media_type_string("dHJ1ZQ==").unwrap(), "true");
        assert!(parse_media_type_string("/w==").is_err());
        assert_eq!(format_media_type_string("true"), "dHJ1ZQ==");
        assert_eq!(format_blob(&Blob::new(b"blob".to_vec())), "YmxvYg==");
    }
}
