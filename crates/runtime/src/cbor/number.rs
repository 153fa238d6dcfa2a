//! `bigInteger` and `bigDecimal` in CBOR: integers, bignums (tags 2 and 3) and decimal
//! fractions (tag 4) to and from the exact decimal text a [`BigNumber`] keeps.
//!
//! A bignum is read only up to [`MAX_BIGNUM_BYTES`]: turning bytes into decimal digits costs
//! the square of their length, and a hostile body could otherwise hold megabytes of them.

use smithy_cbor::Encoder;

use super::CborValue as Value;
use crate::BigNumber;

/// The longest bignum read, leading zero bytes aside: 128 bytes, 2^1024, the range of a double.
pub(crate) const MAX_BIGNUM_BYTES: usize = 128;

/// The most a decimal fraction's exponent places zeros: past it, the text keeps the exponent.
const MAX_SPELLED_EXPONENT: u128 = 1000;

/// A finite float as a JSON number's text (`1.5`, `1e300`, `-0.0`), or `NaN`, `Infinity`,
/// `-Infinity`.
pub(crate) fn float_text(number: f64) -> String {
    if number.is_nan() {
        "NaN".to_owned()
    } else if number.is_infinite() {
        if number > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }
        .to_owned()
    } else {
        format!("{number:?}")
    }
}

/// The number a value holds, exactly: `Err(None)` when it is no kind of number (a type
/// mismatch), `Err(Some(reason))` when it is one that cannot be read.
pub(crate) fn big_number(value: &Value) -> Result<BigNumber, Option<String>> {
    let text = match value {
        Value::Unsigned(_) | Value::Negative(_) => integer_text(value).unwrap_or_default(),
        Value::Float(number) if number.is_finite() => format!("{number:?}"),
        Value::Float(number) => {
            let found = float_text(*number);
            return Err(Some(format!("expected a number but found {found}")));
        }
        Value::Tag(2 | 3, _) => integer_text(value).ok_or_else(too_long)?,
        Value::Tag(4, fraction) => decimal_fraction(fraction)?,
        _ => return Err(None),
    };
    BigNumber::parse(&text).ok_or(None)
}

fn too_long() -> Option<String> {
    Some(format!(
        "expected a number but found a bignum longer than {MAX_BIGNUM_BYTES} bytes"
    ))
}

/// The decimal text of an integer or a bignum (tag 2 or 3 around a byte string); `None` for
/// anything else, or a bignum over [`MAX_BIGNUM_BYTES`].
fn integer_text(value: &Value) -> Option<String> {
    match value {
        Value::Unsigned(_) | Value::Negative(_) => value.as_integer().map(|n| n.to_string()),
        Value::Tag(tag @ (2 | 3), bytes) => match bytes.as_ref() {
            Value::Bytes(bytes) => bignum_text(bytes, *tag == 3),
            _ => None,
        },
        _ => None,
    }
}

/// Tag 4's `[exponent, mantissa]`: `mantissa × 10^exponent`, as decimal text.
fn decimal_fraction(fraction: &Value) -> Result<String, Option<String>> {
    let malformed =
        || Some("expected a decimal fraction as [exponent, mantissa] of integers".to_owned());
    let Value::Array(parts) = fraction else {
        return Err(malformed());
    };
    let [exponent, mantissa] = parts.as_slice() else {
        return Err(malformed());
    };
    let exponent = exponent.as_integer().ok_or_else(malformed)?;
    let mantissa = match mantissa {
        Value::Tag(2 | 3, _) => integer_text(mantissa).ok_or_else(too_long)?,
        _ => integer_text(mantissa).ok_or_else(malformed)?,
    };
    Ok(spell_decimal(&mantissa, exponent))
}

/// `mantissa × 10^exponent` as JSON number text: with a decimal point (`1.5`, `0.015`) or
/// trailing zeros (`1500`), or, for an exponent past [`MAX_SPELLED_EXPONENT`], with the
/// exponent (`15e-2000`).
fn spell_decimal(mantissa: &str, exponent: i128) -> String {
    let (sign, digits) = match mantissa.strip_prefix('-') {
        Some(digits) => ("-", digits),
        None => ("", mantissa),
    };
    if exponent == 0 || digits == "0" {
        return mantissa.to_owned();
    }
    if exponent.unsigned_abs() > MAX_SPELLED_EXPONENT {
        return format!("{mantissa}e{exponent}");
    }
    let places = exponent.unsigned_abs() as usize;
    if exponent > 0 {
        return format!("{sign}{digits}{}", "0".repeat(places));
    }
    match digits.len().checked_sub(places) {
        Some(whole) if whole > 0 => format!("{sign}{}.{}", &digits[..whole], &digits[whole..]),
        _ => format!("{sign}0.{}{digits}", "0".repeat(places - digits.len())),
    }
}

/// A bignum's decimal text: the big-endian unsigned `bytes`, or for tag 3 `-1 - bytes`; `None`
/// past [`MAX_BIGNUM_BYTES`].
fn bignum_text(bytes: &[u8], negative: bool) -> Option<String> {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let bytes = &bytes[start..];
    if bytes.len() > MAX_BIGNUM_BYTES {
        return None;
    }
    // Little-endian limbs of nine decimal digits each.
    let mut limbs: Vec<u64> = Vec::with_capacity(bytes.len() * 27 / 100 + 1);
    for &byte in bytes {
        multiply_add(&mut limbs, 256, u64::from(byte));
    }
    if negative {
        multiply_add(&mut limbs, 1, 1);
    }
    let mut text = String::from(if negative { "-" } else { "" });
    match limbs.split_last() {
        None => text.push('0'),
        Some((top, rest)) => {
            text.push_str(&top.to_string());
            for limb in rest.iter().rev() {
                text.push_str(&format!("{limb:09}"));
            }
        }
    }
    Some(text)
}

/// `limbs × multiplier + carry`, in limbs of nine decimal digits, least significant first.
fn multiply_add(limbs: &mut Vec<u64>, multiplier: u64, mut carry: u64) {
    const BASE: u64 = 1_000_000_000;
    for limb in limbs.iter_mut() {
        let value = *limb * multiplier + carry;
        *limb = value % BASE;
        carry = value / BASE;
    }
    while carry > 0 {
        limbs.push(carry % BASE);
        carry /= BASE;
    }
}

/// Writes a `bigInteger` or `bigDecimal`: an integer as a CBOR integer where one fits, else a
/// bignum (tag 2 or 3); a number with a fraction or exponent as a decimal fraction (tag 4), its
/// mantissa an integer or a bignum. A number whose exponent does not fit 64 bits (which no
/// reader produces) is written as the nearest double.
pub(crate) fn write_big_number(encoder: &mut Encoder<'_>, number: &BigNumber) {
    let text = number.as_str();
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i64>().ok()),
        None => (unsigned, Some(0)),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let exponent = exponent.and_then(|e| e.checked_sub(i64::try_from(fraction.len()).ok()?));
    match exponent {
        Some(0) if fraction.is_empty() => write_integer(encoder, negative, whole),
        Some(exponent) => {
            encoder.tag(4).array(2).i64(exponent);
            write_integer(encoder, negative, &format!("{whole}{fraction}"));
        }
        None => {
            encoder.f64(number.to_f64());
        }
    }
}

/// Writes the integer `±digits`: a CBOR integer where it fits, else a bignum.
fn write_integer(encoder: &mut Encoder<'_>, negative: bool, digits: &str) {
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        encoder.u64(0);
        return;
    }
    if let Ok(magnitude) = digits.parse::<u64>() {
        if negative {
            encoder.negative(magnitude - 1);
        } else {
            encoder.u64(magnitude);
        }
        return;
    }
    let mut bytes = decimal_bytes(digits);
    if negative {
        // Tag 3 holds -1 - n: the magnitude less one (never zero here, the magnitude being
        // past u64).
        for byte in bytes.iter_mut().rev() {
            let (less, borrow) = byte.overflowing_sub(1);
            *byte = less;
            if !borrow {
                break;
            }
        }
        let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
        bytes.drain(..start);
        // -2^64 is still a CBOR integer: -1 - (2^64 - 1).
        if bytes.len() <= 8 {
            let mut word = [0; 8];
            word[8 - bytes.len()..].copy_from_slice(&bytes);
            encoder.negative(u64::from_be_bytes(word));
            return;
        }
    }
    encoder.tag(if negative { 3 } else { 2 }).bytes(&bytes);
}

/// Decimal digits as a big-endian unsigned integer's bytes, without leading zeros.
fn decimal_bytes(digits: &str) -> Vec<u8> {
    // Little-endian bytes, multiplied by ten and added to digit by digit.
    let mut bytes: Vec<u8> = Vec::with_capacity(digits.len() / 2 + 1);
    for digit in digits.bytes() {
        let mut carry = u32::from(digit - b'0');
        for byte in bytes.iter_mut() {
            let value = u32::from(*byte) * 10 + carry;
            *byte = value as u8;
            carry = value >> 8;
        }
        if carry > 0 {
            bytes.push(carry as u8);
        }
    }
    bytes.reverse();
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(text: &str) -> Value {
        let mut out = Vec::new();
        write_big_number(
            &mut Encoder::new(&mut out),
            &BigNumber::parse(text).unwrap(),
        );
        smithy_cbor::decode_value(&out).unwrap()
    }

    fn read(value: &Value) -> String {
        big_number(value).unwrap().as_str().to_owned()
    }

    #[test]
    fn integers_round_trip_as_integers_or_bignums() {
        assert_eq!(written("42"), Value::Unsigned(42));
        assert_eq!(written("-1"), Value::Negative(0));
        assert_eq!(written("18446744073709551615"), Value::Unsigned(u64::MAX));
        assert_eq!(written("-18446744073709551616"), Value::Negative(u64::MAX));
        assert_eq!(
            written("18446744073709551616"),
            Value::Tag(2, Box::new(Value::Bytes(vec![1, 0, 0, 0, 0, 0, 0, 0, 0])))
        );
        assert_eq!(
            written("-18446744073709551617"),
            Value::Tag(3, Box::new(Value::Bytes(vec![1, 0, 0, 0, 0, 0, 0, 0, 0])))
        );
        for text in [
            "0",
            "9223372036854775808",
            "-9223372036854775809",
            "123456789012345678901234567890123456789",
            "-123456789012345678901234567890123456789",
        ] {
            assert_eq!(read(&written(text)), text);
        }
    }

    #[test]
    fn decimals_round_trip_as_decimal_fractions() {
        let fraction = |exponent: i64, mantissa: Value| {
            Value::Tag(
                4,
                Box::new(Value::Array(vec![
                    if exponent < 0 {
                        Value::Negative((-1 - exponent) as u64)
                    } else {
                        Value::Unsigned(exponent as u64)
                    },
                    mantissa,
                ])),
            )
        };
        assert_eq!(written("1.5"), fraction(-1, Value::Unsigned(15)));
        assert_eq!(written("-1.5e3"), fraction(2, Value::Negative(14)));
        for (text, back) in [
            ("1.5", "1.5"),
            ("-0.100000000000000000000001", "-0.100000000000000000000001"),
            ("100000000000000000000001.0", "100000000000000000000001.0"),
            ("0.015", "0.015"),
            ("2E3", "2000"),
            ("1e-2000", "1e-2000"),
        ] {
            assert_eq!(read(&written(text)), back, "{text}");
        }
    }

    #[test]
    fn bignums_past_the_limit_are_refused() {
        let long = Value::Tag(2, Box::new(Value::Bytes(vec![1; MAX_BIGNUM_BYTES + 1])));
        assert!(matches!(big_number(&long), Err(Some(_))));
        let padded = Value::Tag(3, Box::new(Value::Bytes([vec![0; 500], vec![1]].concat())));
        assert_eq!(read(&padded), "-2");
        let empty = Value::Tag(2, Box::new(Value::Bytes(Vec::new())));
        assert_eq!(read(&empty), "0");
    }
}
