//! The one error type of decoding: what went wrong ([`ErrorKind`]) and the byte offset where.

use std::fmt;

/// The kind of a data item, as [`Decoder::peek`](crate::Decoder::peek) sees it from its initial
/// byte: the major type, with major type 7 told apart into its simple values and float widths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Major type 0.
    Unsigned,
    /// Major type 1.
    Negative,
    /// Major type 2.
    Bytes,
    /// Major type 3.
    Text,
    /// Major type 4.
    Array,
    /// Major type 5.
    Map,
    /// Major type 6.
    Tag,
    /// Simple values 20 (`false`) and 21 (`true`).
    Bool,
    /// Simple value 22.
    Null,
    /// Simple value 23.
    Undefined,
    /// A half-precision (16-bit) float.
    Float16,
    /// A single-precision (32-bit) float.
    Float32,
    /// A double-precision (64-bit) float.
    Float64,
    /// Any other simple value: 0 to 19, or 32 to 255 in the two-byte form.
    Simple,
    /// The break stop code (`0xff`) that ends an indefinite-length item.
    Break,
}

impl Kind {
    /// Whether this is a float of any width.
    pub fn is_float(self) -> bool {
        matches!(self, Self::Float16 | Self::Float32 | Self::Float64)
    }

    /// Whether this is an integer, unsigned or negative.
    pub fn is_integer(self) -> bool {
        matches!(self, Self::Unsigned | Self::Negative)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Unsigned => "unsigned integer",
            Self::Negative => "negative integer",
            Self::Bytes => "byte string",
            Self::Text => "text string",
            Self::Array => "array",
            Self::Map => "map",
            Self::Tag => "tag",
            Self::Bool => "boolean",
            Self::Null => "null",
            Self::Undefined => "undefined",
            Self::Float16 => "half-precision float",
            Self::Float32 => "single-precision float",
            Self::Float64 => "double-precision float",
            Self::Simple => "simple value",
            Self::Break => "break",
        })
    }
}

/// What a read method asked for, named in [`ErrorKind::UnexpectedType`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expected {
    /// An integer (major type 0 or 1).
    Integer,
    /// A number: a float of any width, or an integer.
    Number,
    /// `true` or `false`.
    Bool,
    /// A byte string.
    Bytes,
    /// A text string.
    Text,
    /// An array.
    Array,
    /// A map.
    Map,
    /// A tag.
    Tag,
    /// A simple value or float (major type 7).
    Simple,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Integer => "an integer",
            Self::Number => "a number",
            Self::Bool => "a boolean",
            Self::Bytes => "a byte string",
            Self::Text => "a text string",
            Self::Array => "an array",
            Self::Map => "a map",
            Self::Tag => "a tag",
            Self::Simple => "a simple value",
        })
    }
}

/// What made the input unreadable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ends before the item is complete: inside a head, before a string's declared
    /// length, before an array's or map's declared count could fit, or before the break of an
    /// indefinite-length item.
    Truncated,
    /// Bytes follow the top-level item ([`Decoder::finish`](crate::Decoder::finish)).
    TrailingBytes,
    /// Additional information 28, 29 or 30, which RFC 8949 reserves.
    ReservedAdditionalInfo(u8),
    /// Additional information 31 (indefinite length) on an integer or a tag.
    InvalidIndefinite,
    /// A two-byte simple value below 32, which RFC 8949 says is not well-formed.
    InvalidSimpleValue(u8),
    /// A break stop code where a data item must be.
    UnexpectedBreak,
    /// A chunk of an indefinite-length string that is not a definite-length string of the same
    /// major type.
    InvalidChunk,
    /// An item of another kind than the one asked for.
    UnexpectedType {
        /// What was asked for.
        expected: Expected,
        /// What the input holds.
        found: Kind,
    },
    /// An integer that does not fit the type asked for.
    IntegerOutOfRange,
    /// A text string, or a chunk of one, that is not UTF-8.
    InvalidUtf8,
    /// A tag other than the one asked for (e.g. not 1 where a timestamp is read).
    UnexpectedTag(u64),
    /// Arrays, maps and tags nested deeper than the decoder's limit (the limit is given).
    DepthLimitExceeded(usize),
    /// A map names the same key twice. The decoder does not look at keys: readers report it,
    /// a structure's with [`crate::SeenMembers`], a Smithy map's when inserting a key its own
    /// map already holds, at the key's offset ([`Error::new`]).
    DuplicateKey,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated => f.write_str("input ends before the item is complete"),
            Self::TrailingBytes => f.write_str("bytes follow the end of the item"),
            Self::ReservedAdditionalInfo(info) => {
                write!(f, "reserved additional information value {info}")
            }
            Self::InvalidIndefinite => {
                f.write_str("indefinite length on an item that cannot have one")
            }
            Self::InvalidSimpleValue(value) => {
                write!(f, "simple value {value} in the two-byte form")
            }
            Self::UnexpectedBreak => f.write_str("break stop code where an item must be"),
            Self::InvalidChunk => f.write_str(
                "indefinite-length string chunk is not a definite-length string of its type",
            ),
            Self::UnexpectedType { expected, found } => {
                write!(f, "expected {expected}, found {found}")
            }
            Self::IntegerOutOfRange => f.write_str("integer out of range for its type"),
            Self::InvalidUtf8 => f.write_str("text string is not valid UTF-8"),
            Self::UnexpectedTag(tag) => write!(f, "unexpected tag {tag}"),
            Self::DepthLimitExceeded(limit) => {
                write!(f, "items nested deeper than {limit} levels")
            }
            Self::DuplicateKey => f.write_str("map key appears twice"),
        }
    }
}

/// A decoding error: its kind and the byte offset of the item at fault (for
/// [`ErrorKind::TrailingBytes`], of the first trailing byte; for a bad chunk, of the chunk).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Error {
    kind: ErrorKind,
    offset: usize,
}

impl Error {
    /// An error of `kind` at byte `offset`; readers use it for what they check themselves, such
    /// as [`ErrorKind::DuplicateKey`] in a Smithy map.
    pub fn new(kind: ErrorKind, offset: usize) -> Self {
        Self { kind, offset }
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The byte offset, from the start of the input, of the item at fault.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid CBOR at byte {}: {}", self.offset, self.kind)
    }
}

impl std::error::Error for Error {}
