//! An owned CBOR tree, for tests, debugging and comparing bodies: Smithy's protocol tests
//! compare CBOR bodies by meaning, not byte for byte, which is what [`Value`]'s equality does.
//! Servers read bodies with [`Decoder`]'s typed methods, never through a `Value`.

use std::fmt;

use crate::decode::{Decoder, Head, float_of};
use crate::encode::Encoder;
use crate::error::{Error, ErrorKind};

/// One CBOR data item.
///
/// Equality is by meaning: a float equals a float of the same value whatever the widths it was
/// read from (NaN equals NaN; `0.0` and `-0.0` differ), definite and indefinite lengths are not
/// told apart, and maps are equal when they hold the same pairs in any order (a quadratic
/// comparison, meant for test-sized maps). An integer never equals a float.
#[derive(Debug, Clone)]
pub enum Value {
    /// A non-negative integer.
    Unsigned(u64),
    /// The negative integer `-1 - n`.
    Negative(u64),
    /// A byte string.
    Bytes(Vec<u8>),
    /// A text string.
    Text(String),
    /// An array.
    Array(Vec<Value>),
    /// A map, its pairs in the order read.
    Map(Vec<(Value, Value)>),
    /// A tagged item.
    Tag(u64, Box<Value>),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// `undefined`.
    Undefined,
    /// A float of any width, widened.
    Float(f64),
    /// Another simple value (0 to 19, or 32 to 255).
    Simple(u8),
}

impl Value {
    /// The integer this holds, if it is one.
    pub fn as_integer(&self) -> Option<i128> {
        match self {
            Self::Unsigned(n) => Some(i128::from(*n)),
            Self::Negative(n) => Some(-1 - i128::from(*n)),
            _ => None,
        }
    }

    /// Whether this is `null` or `undefined`: what a reader takes as an absent value (the
    /// protocol never sends `undefined`, and a reader that meets it treats it as `null`).
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null | Self::Undefined)
    }

    /// The value of the map entry whose key is the text `key`, if this is a map that has one.
    pub fn get(&self, key: &str) -> Option<&Value> {
        let Self::Map(pairs) = self else {
            return None;
        };
        pairs
            .iter()
            .find(|(k, _)| matches!(k, Self::Text(text) if text == key))
            .map(|(_, value)| value)
    }

    /// Writes this item; floats as doubles, lengths definite.
    pub fn encode(&self, encoder: &mut Encoder<'_>) {
        match self {
            Self::Unsigned(n) => {
                encoder.u64(*n);
            }
            Self::Negative(n) => {
                encoder.negative(*n);
            }
            Self::Bytes(bytes) => {
                encoder.bytes(bytes);
            }
            Self::Text(text) => {
                encoder.str(text);
            }
            Self::Array(items) => {
                encoder.array(items.len());
                items.iter().for_each(|item| item.encode(encoder));
            }
            Self::Map(pairs) => {
                encoder.map(pairs.len());
                for (key, value) in pairs {
                    key.encode(encoder);
                    value.encode(encoder);
                }
            }
            Self::Tag(tag, item) => {
                encoder.tag(*tag);
                item.encode(encoder);
            }
            Self::Bool(value) => {
                encoder.bool(*value);
            }
            Self::Null => {
                encoder.null();
            }
            Self::Undefined => {
                encoder.undefined();
            }
            Self::Float(value) => {
                encoder.f64(*value);
            }
            Self::Simple(value) => {
                encoder.simple(*value);
            }
        }
    }

    /// This item's encoding.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut Encoder::new(&mut out));
        out
    }
}

/// Decodes `input`, which must hold exactly one item, into a [`Value`].
pub fn decode_value(input: &[u8]) -> Result<Value, Error> {
    let mut decoder = Decoder::new(input);
    let value = decoder.value()?;
    decoder.finish()?;
    Ok(value)
}

impl Decoder<'_> {
    /// Reads one whole item into a [`Value`], with the same checks as [`Decoder::skip`].
    pub fn value(&mut self) -> Result<Value, Error> {
        let head = self.head()?;
        Ok(match (head.major, head.arg) {
            (0, Some(n)) => Value::Unsigned(n),
            (1, Some(n)) => Value::Negative(n),
            (2, _) => Value::Bytes(self.bytes_after(head)?.into_owned()),
            (3, _) => Value::Text(self.text_after(head)?.into_owned()),
            (4 | 5, _) => return self.container_value(head),
            (6, Some(tag)) => {
                self.enter(head.start)?;
                let item = self.value()?;
                self.leave();
                Value::Tag(tag, Box::new(item))
            }
            (7, _) => simple_value(head)?,
            _ => return Err(Error::new(ErrorKind::InvalidIndefinite, head.start)),
        })
    }

    fn container_value(&mut self, head: Head) -> Result<Value, Error> {
        let mut container = self.open(head)?;
        if head.major == 4 {
            let mut items = Vec::with_capacity(container.capacity_for::<Value>());
            while self.has_next(&mut container)? {
                items.push(self.value()?);
            }
            return Ok(Value::Array(items));
        }
        let mut pairs = Vec::with_capacity(container.capacity_for::<(Value, Value)>());
        while self.has_next(&mut container)? {
            let key = self.value()?;
            pairs.push((key, self.value()?));
        }
        Ok(Value::Map(pairs))
    }
}

fn simple_value(head: Head) -> Result<Value, Error> {
    Decoder::check_simple(head)?;
    Ok(match (head.info, head.arg) {
        (20, _) => Value::Bool(false),
        (21, _) => Value::Bool(true),
        (22, _) => Value::Null,
        (23, _) => Value::Undefined,
        (25..=27, _) => Value::Float(float_of(head).unwrap_or(f64::NAN)),
        (_, Some(value)) => Value::Simple(u8::try_from(value).unwrap_or(u8::MAX)),
        (_, None) => return Err(Error::new(ErrorKind::UnexpectedBreak, head.start)),
    })
}

fn floats_equal(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn maps_equal(a: &[(Value, Value)], b: &[(Value, Value)]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut used = vec![false; b.len()];
    for (key, value) in a {
        let unused = b
            .iter()
            .zip(used.iter_mut())
            .find(|((other_key, other_value), used)| {
                !**used && key == other_key && value == other_value
            });
        match unused {
            Some((_, used)) => *used = true,
            None => return false,
        }
    }
    true
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Unsigned(a), Self::Unsigned(b)) | (Self::Negative(a), Self::Negative(b)) => {
                a == b
            }
            (Self::Bytes(a), Self::Bytes(b)) => a == b,
            (Self::Text(a), Self::Text(b)) => a == b,
            (Self::Array(a), Self::Array(b)) => a == b,
            (Self::Map(a), Self::Map(b)) => maps_equal(a, b),
            (Self::Tag(a, x), Self::Tag(b, y)) => a == b && x == y,
            (Self::Bool(a), Self::Bool(b)) => a == b,
            (Self::Null, Self::Null) | (Self::Undefined, Self::Undefined) => true,
            (Self::Float(a), Self::Float(b)) => floats_equal(*a, *b),
            (Self::Simple(a), Self::Simple(b)) => a == b,
            _ => false,
        }
    }
}

/// RFC 8949's diagnostic notation (section 8), e.g. `{"a": [1, -2.5, h'01ff'], "t": 1(0.0)}`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unsigned(n) => write!(f, "{n}"),
            Self::Negative(n) => write!(f, "{}", -1 - i128::from(*n)),
            Self::Bytes(bytes) => {
                f.write_str("h'")?;
                bytes.iter().try_for_each(|byte| write!(f, "{byte:02x}"))?;
                f.write_str("'")
            }
            Self::Text(text) => write!(f, "{text:?}"),
            Self::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    write!(f, "{}{item}", if i == 0 { "" } else { ", " })?;
                }
                f.write_str("]")
            }
            Self::Map(pairs) => {
                f.write_str("{")?;
                for (i, (key, value)) in pairs.iter().enumerate() {
                    write!(f, "{}{key}: {value}", if i == 0 { "" } else { ", " })?;
                }
                f.write_str("}")
            }
            Self::Tag(tag, item) => write!(f, "{tag}({item})"),
            Self::Bool(value) => write!(f, "{value}"),
            Self::Null => f.write_str("null"),
            Self::Undefined => f.write_str("undefined"),
            Self::Float(value) if value.is_nan() => f.write_str("NaN"),
            Self::Float(value) if value.is_infinite() => f.write_str(if *value > 0.0 {
                "Infinity"
            } else {
                "-Infinity"
            }),
            Self::Float(value) => write!(f, "{value:?}"),
            Self::Simple(value) => write!(f, "simple({value})"),
        }
    }
}
