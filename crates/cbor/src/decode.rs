//! The pull decoder: reads one data item at a time from a byte slice, borrowing strings where it
//! can, checking every length against the input left before it trusts it, and counting nesting.

use std::borrow::Cow;

use crate::error::{Error, ErrorKind, Expected, Kind};

type Result<T> = std::result::Result<T, Error>;

/// How deep arrays, maps and tags may nest unless [`Decoder::with_max_depth`] says otherwise;
/// the same as the runtime's limit for JSON bodies.
pub const DEFAULT_MAX_DEPTH: usize = 128;

/// A data item's head: its major type, additional information and argument.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Head {
    pub(crate) major: u8,
    pub(crate) info: u8,
    /// `None` for additional information 31: indefinite length, or the break code.
    pub(crate) arg: Option<u64>,
    /// The offset of the item's initial byte.
    pub(crate) start: usize,
}

/// A pull decoder over a complete CBOR body.
///
/// Each read method consumes one data item (or, for [`array`](Self::array), [`map`](Self::map)
/// and [`tag`](Self::tag), one head) and fails with a typed [`Error`]. A typed read (any method
/// but [`skip`](Self::skip) and [`value`](Self::value)) that fails with
/// [`ErrorKind::UnexpectedType`], [`ErrorKind::UnexpectedBreak`] or
/// [`ErrorKind::UnexpectedTag`] leaves the decoder where it was; after any other error the body
/// is malformed and the decoder should be dropped.
///
/// Nothing here panics or allocates more than the input could justify: a declared length is
/// checked against the bytes left before any slice is taken or anything is reserved, and arrays,
/// maps and tags may nest at most [`DEFAULT_MAX_DEPTH`] deep (see [`Self::with_max_depth`]),
/// for the decoder's own [`skip`](Self::skip) and [`value`](Self::value) and for readers that
/// recurse through [`array`](Self::array) and [`map`](Self::map) alike.
#[derive(Debug, Clone)]
pub struct Decoder<'a> {
    input: &'a [u8],
    pos: usize,
    depth: usize,
    max_depth: usize,
}

/// An open array or map, from [`Decoder::array`] or [`Decoder::map`]; step through it with
/// [`Decoder::has_next`].
#[derive(Debug, Clone)]
#[must_use = "an open array or map must be read to its end with `Decoder::has_next`"]
pub struct Container {
    declared: Option<u64>,
    remaining: Option<u64>,
    start: usize,
    /// Input bytes left after the head.
    available: usize,
    done: bool,
}

impl Container {
    /// The declared number of elements (of key-value pairs, for a map), or `None` for an
    /// indefinite-length one. The decoder has checked that the input left could hold them.
    pub fn declared_len(&self) -> Option<u64> {
        self.declared
    }

    /// How many `T`s a reader may reserve room for: the declared count, but never more than
    /// the input left could pay for byte for byte (so a hostile count cannot make a reader
    /// reserve more memory than the body's size), and 0 for an indefinite-length container.
    pub fn capacity_for<T>(&self) -> usize {
        let Some(declared) = self.declared else {
            return 0;
        };
        let by_input = self.available / std::mem::size_of::<T>().max(1);
        usize::try_from(declared).map_or(by_input, |declared| declared.min(by_input))
    }
}

/// A `timestamp` as rpcv2Cbor sends it: the number inside tag 1, seconds since 1970.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Epoch {
    /// Whole seconds, from an integer.
    Integer(i64),
    /// Seconds with a fraction, from a float of any width.
    Float(f64),
}

impl Epoch {
    /// Milliseconds since 1970, the protocol's resolution, a fraction rounded to the nearest
    /// millisecond; `None` for NaN, the infinities, and instants beyond `i64` milliseconds.
    pub fn to_millis(self) -> Option<i64> {
        match self {
            Self::Integer(seconds) => seconds.checked_mul(1000),
            Self::Float(seconds) => {
                let millis = (seconds * 1000.0).round();
                // From -2^63, exact as an f64, to 2^63, the first f64 above i64::MAX.
                let range = -9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0;
                range.contains(&millis).then_some(millis as i64)
            }
        }
    }
}

/// Which members of a structure a reader has seen, to refuse a key named twice: RFC 8949 leaves
/// a map with duplicate keys invalid, and which value would count is decoder-dependent, so a
/// server refuses it as it does in JSON. One bit per member index; `WORDS` of 64 bits, so a
/// generated reader sizes it `SeenMembers<{ (MEMBERS + 63) / 64 }>`.
#[derive(Debug, Clone)]
pub struct SeenMembers<const WORDS: usize = 1> {
    bits: [u64; WORDS],
}

impl<const WORDS: usize> Default for SeenMembers<WORDS> {
    fn default() -> Self {
        Self { bits: [0; WORDS] }
    }
}

impl<const WORDS: usize> SeenMembers<WORDS> {
    /// None seen yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks member `index` as seen, or fails with [`ErrorKind::DuplicateKey`] at `key_offset`
    /// (the [`Decoder::position`] before the key) when it already was. An index past
    /// `64 * WORDS` is a reader's bug: it fails the same way, so it shows in the reader's tests.
    pub fn insert(&mut self, index: usize, key_offset: usize) -> Result<()> {
        let bit = 1u64 << (index % 64);
        match self.bits.get_mut(index / 64) {
            Some(word) if *word & bit == 0 => {
                *word |= bit;
                Ok(())
            }
            _ => Err(Error::new(ErrorKind::DuplicateKey, key_offset)),
        }
    }

    /// Whether member `index` has been seen.
    pub fn contains(&self, index: usize) -> bool {
        self.bits
            .get(index / 64)
            .is_some_and(|word| word & (1u64 << (index % 64)) != 0)
    }
}

/// The kind an initial byte announces, or the reserved additional information it carries.
pub(crate) fn kind_of(initial: u8) -> std::result::Result<Kind, u8> {
    let info = initial & 0x1f;
    if (28..=30).contains(&info) {
        return Err(info);
    }
    Ok(match initial >> 5 {
        0 => Kind::Unsigned,
        1 => Kind::Negative,
        2 => Kind::Bytes,
        3 => Kind::Text,
        4 => Kind::Array,
        5 => Kind::Map,
        6 => Kind::Tag,
        _ => match info {
            20 | 21 => Kind::Bool,
            22 => Kind::Null,
            23 => Kind::Undefined,
            25 => Kind::Float16,
            26 => Kind::Float32,
            27 => Kind::Float64,
            31 => Kind::Break,
            _ => Kind::Simple,
        },
    })
}

/// A half-precision float's value, as RFC 8949 Appendix D computes it.
pub(crate) fn f16_to_f64(bits: u16) -> f64 {
    let exponent = i32::from((bits >> 10) & 0x1f);
    let mantissa = f64::from(bits & 0x3ff);
    let magnitude = match exponent {
        0 => mantissa * 2f64.powi(-24),
        31 if mantissa == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (mantissa + 1024.0) * 2f64.powi(exponent - 25),
    };
    if bits & 0x8000 == 0 {
        magnitude
    } else {
        -magnitude
    }
}

/// The value of a float head (additional information 25, 26 or 27), widened to `f64`.
pub(crate) fn float_of(head: Head) -> Option<f64> {
    let bits = head.arg?;
    match head.info {
        25 => u16::try_from(bits).ok().map(f16_to_f64),
        26 => u32::try_from(bits)
            .ok()
            .map(|bits| f64::from(f32::from_bits(bits))),
        27 => Some(f64::from_bits(bits)),
        _ => None,
    }
}

fn utf8(bytes: &[u8], at: usize) -> Result<&str> {
    std::str::from_utf8(bytes).map_err(|_| Error::new(ErrorKind::InvalidUtf8, at))
}

impl<'a> Decoder<'a> {
    /// A decoder at the start of `input`, with the default depth limit.
    pub fn new(input: &'a [u8]) -> Self {
        Self {
            input,
            pos: 0,
            depth: 0,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }

    /// The same decoder with another nesting limit for arrays, maps and tags.
    pub fn with_max_depth(mut self, max_depth: usize) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// The offset of the next byte to read.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// How many bytes are left.
    pub fn remaining(&self) -> usize {
        self.input.len().saturating_sub(self.pos)
    }

    /// Checks that the whole input has been read: [`ErrorKind::TrailingBytes`] otherwise.
    pub fn finish(&self) -> Result<()> {
        if self.remaining() == 0 {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::TrailingBytes, self.pos))
        }
    }

    /// The kind of the next item, without consuming it.
    pub fn peek(&self) -> Result<Kind> {
        let initial = self.initial()?;
        kind_of(initial)
            .map_err(|info| Error::new(ErrorKind::ReservedAdditionalInfo(info), self.pos))
    }

    fn initial(&self) -> Result<u8> {
        self.input
            .get(self.pos)
            .copied()
            .ok_or(Error::new(ErrorKind::Truncated, self.pos))
    }

    fn take_array<const N: usize>(&mut self, start: usize) -> Result<[u8; N]> {
        let bytes = self.input.get(self.pos..).and_then(|rest| rest.get(..N));
        let array = bytes.and_then(|bytes| <[u8; N]>::try_from(bytes).ok());
        let array = array.ok_or(Error::new(ErrorKind::Truncated, start))?;
        self.pos += N;
        Ok(array)
    }

    /// Reads the next head, whatever it is.
    pub(crate) fn head(&mut self) -> Result<Head> {
        let start = self.pos;
        let [initial] = self.take_array::<1>(start)?;
        let info = initial & 0x1f;
        let arg = match info {
            0..=23 => Some(u64::from(info)),
            24 => Some(u64::from(u8::from_be_bytes(self.take_array(start)?))),
            25 => Some(u64::from(u16::from_be_bytes(self.take_array(start)?))),
            26 => Some(u64::from(u32::from_be_bytes(self.take_array(start)?))),
            27 => Some(u64::from_be_bytes(self.take_array(start)?)),
            31 => None,
            _ => {
                self.pos = start;
                return Err(Error::new(ErrorKind::ReservedAdditionalInfo(info), start));
            }
        };
        Ok(Head {
            major: initial >> 5,
            info,
            arg,
            start,
        })
    }

    /// The error for finding `found` where `expected` was asked for.
    fn unexpected(&self, expected: Expected) -> Error {
        match self.peek() {
            Err(error) => error,
            Ok(Kind::Break) => Error::new(ErrorKind::UnexpectedBreak, self.pos),
            Ok(found) => Error::new(ErrorKind::UnexpectedType { expected, found }, self.pos),
        }
    }

    /// Reads the next head, which must be of major type `major`.
    fn head_of(&mut self, major: u8, expected: Expected) -> Result<Head> {
        if self.initial()? >> 5 != major {
            return Err(self.unexpected(expected));
        }
        self.head()
    }

    /// Takes `len` bytes, failing with [`ErrorKind::Truncated`] at `start` when fewer are left.
    pub(crate) fn take(&mut self, len: u64, start: usize) -> Result<&'a [u8]> {
        let input: &'a [u8] = self.input;
        let rest = input.get(self.pos..).unwrap_or_default();
        let bytes = usize::try_from(len).ok().and_then(|len| rest.get(..len));
        let bytes = bytes.ok_or(Error::new(ErrorKind::Truncated, start))?;
        self.pos += bytes.len();
        Ok(bytes)
    }

    /// Reads the chunks of the indefinite-length string whose head is `head`, through its
    /// break, handing each to `each` with its offset.
    pub(crate) fn chunks(
        &mut self,
        head: Head,
        mut each: impl FnMut(usize, &'a [u8]) -> Result<()>,
    ) -> Result<()> {
        loop {
            let at = self.pos;
            match self.input.get(at) {
                None => return Err(Error::new(ErrorKind::Truncated, head.start)),
                Some(0xff) => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(_) => {}
            }
            let chunk = self.head()?;
            let len = match chunk.arg {
                Some(len) if chunk.major == head.major => len,
                _ => return Err(Error::new(ErrorKind::InvalidChunk, at)),
            };
            let bytes = self.take(len, at)?;
            each(at, bytes)?;
        }
    }

    /// Reads an integer head: whether it is negative, and its argument `n` (the value is `n`,
    /// or `-1 - n` when negative).
    fn integer_head(&mut self) -> Result<(bool, u64, usize)> {
        let negative = match self.initial()? >> 5 {
            0 => false,
            1 => true,
            _ => return Err(self.unexpected(Expected::Integer)),
        };
        let head = self.head()?;
        let n = head
            .arg
            .ok_or(Error::new(ErrorKind::InvalidIndefinite, head.start))?;
        Ok((negative, n, head.start))
    }

    /// Reads a non-negative integer.
    pub fn u64(&mut self) -> Result<u64> {
        match self.integer_head()? {
            (false, n, _) => Ok(n),
            (true, _, start) => Err(Error::new(ErrorKind::IntegerOutOfRange, start)),
        }
    }

    /// Reads an integer that fits an `i64` (a Smithy `long`).
    pub fn i64(&mut self) -> Result<i64> {
        let (negative, n, start) = self.integer_head()?;
        let n = i64::try_from(n).map_err(|_| Error::new(ErrorKind::IntegerOutOfRange, start))?;
        Ok(if negative { -1 - n } else { n })
    }

    fn narrow<T: TryFrom<i64>>(&mut self) -> Result<T> {
        let start = self.pos;
        T::try_from(self.i64()?).map_err(|_| Error::new(ErrorKind::IntegerOutOfRange, start))
    }

    /// Reads an integer that fits an `i32` (a Smithy `integer`).
    pub fn i32(&mut self) -> Result<i32> {
        self.narrow()
    }

    /// Reads an integer that fits an `i16` (a Smithy `short`).
    pub fn i16(&mut self) -> Result<i16> {
        self.narrow()
    }

    /// Reads an integer that fits an `i8` (a Smithy `byte`).
    pub fn i8(&mut self) -> Result<i8> {
        self.narrow()
    }

    /// Reads any integer, from -2^64 to 2^64 - 1.
    pub fn integer(&mut self) -> Result<i128> {
        let (negative, n, _) = self.integer_head()?;
        let n = i128::from(n);
        Ok(if negative { -1 - n } else { n })
    }

    /// Reads a number as an `f64`: a float of any width, widened, or an integer, which the
    /// protocol lets a sender use for a float that it holds exactly. An integer never takes a
    /// float, though: the protocol has no such conversion, so the integer methods refuse them.
    pub fn f64(&mut self) -> Result<f64> {
        let initial = self.initial()?;
        if initial >> 5 <= 1 {
            let (negative, n, _) = self.integer_head()?;
            return Ok(if negative { -1.0 - n as f64 } else { n as f64 });
        }
        if !matches!(initial, 0xf9..=0xfb) {
            return Err(self.unexpected(Expected::Number));
        }
        let head = self.head()?;
        float_of(head).ok_or(Error::new(ErrorKind::Truncated, head.start))
    }

    /// Reads a number as an `f32` (a Smithy `float`): [`Self::f64`], rounded to the nearest.
    pub fn f32(&mut self) -> Result<f32> {
        self.f64().map(|value| value as f32)
    }

    /// Reads `true` or `false`.
    pub fn bool(&mut self) -> Result<bool> {
        let value = match self.initial()? {
            0xf4 => false,
            0xf5 => true,
            _ => return Err(self.unexpected(Expected::Bool)),
        };
        self.pos += 1;
        Ok(value)
    }

    /// Consumes a `null` or `undefined` and returns `true`, or returns `false` and consumes
    /// nothing (at the end of the input, fails with [`ErrorKind::Truncated`]: a value must be
    /// there). The protocol reads both as an absent value: a reader skips the member.
    pub fn try_null(&mut self) -> Result<bool> {
        let null = matches!(self.initial()?, 0xf6 | 0xf7);
        if null {
            self.pos += 1;
        }
        Ok(null)
    }

    /// Reads a text string: borrowed from the input when it has a definite length or a single
    /// chunk, joined into an owned string otherwise. Every chunk must be valid UTF-8 by itself.
    pub fn str(&mut self) -> Result<Cow<'a, str>> {
        let head = self.head_of(3, Expected::Text)?;
        self.text_after(head)
    }

    pub(crate) fn text_after(&mut self, head: Head) -> Result<Cow<'a, str>> {
        if let Some(len) = head.arg {
            return utf8(self.take(len, head.start)?, head.start).map(Cow::Borrowed);
        }
        let mut text = Cow::Borrowed("");
        self.chunks(head, |at, chunk| {
            let chunk = utf8(chunk, at)?;
            if text.is_empty() {
                text = Cow::Borrowed(chunk);
            } else if !chunk.is_empty() {
                text.to_mut().push_str(chunk);
            }
            Ok(())
        })?;
        Ok(text)
    }

    /// Reads a byte string (a Smithy `blob`), borrowed when it has a definite length or a
    /// single chunk.
    pub fn bytes(&mut self) -> Result<Cow<'a, [u8]>> {
        let head = self.head_of(2, Expected::Bytes)?;
        self.bytes_after(head)
    }

    pub(crate) fn bytes_after(&mut self, head: Head) -> Result<Cow<'a, [u8]>> {
        if let Some(len) = head.arg {
            return self.take(len, head.start).map(Cow::Borrowed);
        }
        let mut bytes = Cow::Borrowed(&[][..]);
        self.chunks(head, |_, chunk| {
            if bytes.is_empty() {
                bytes = Cow::Borrowed(chunk);
            } else if !chunk.is_empty() {
                bytes.to_mut().extend_from_slice(chunk);
            }
            Ok(())
        })?;
        Ok(bytes)
    }

    /// Opens an array; read its elements while [`Self::has_next`] says so.
    pub fn array(&mut self) -> Result<Container> {
        let head = self.head_of(4, Expected::Array)?;
        self.open(head)
    }

    /// Opens a map; read a key and a value while [`Self::has_next`] says so.
    pub fn map(&mut self) -> Result<Container> {
        let head = self.head_of(5, Expected::Map)?;
        self.open(head)
    }

    /// Enters the array or map whose head is `head`, after checking that the input left could
    /// hold its declared elements (one byte at least each, two for a key-value pair).
    pub(crate) fn open(&mut self, head: Head) -> Result<Container> {
        let available = self.remaining();
        if let Some(declared) = head.arg {
            let least = if head.major == 5 { 2 } else { 1 };
            if declared > (available / least) as u64 {
                return Err(Error::new(ErrorKind::Truncated, head.start));
            }
        }
        self.enter(head.start)?;
        Ok(Container {
            declared: head.arg,
            remaining: head.arg,
            start: head.start,
            available,
            done: false,
        })
    }

    pub(crate) fn enter(&mut self, at: usize) -> Result<()> {
        if self.depth >= self.max_depth {
            return Err(Error::new(
                ErrorKind::DepthLimitExceeded(self.max_depth),
                at,
            ));
        }
        self.depth += 1;
        Ok(())
    }

    pub(crate) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Whether `container` has another element (another key-value pair, for a map). At its end
    /// this consumes the break of an indefinite-length one and leaves the nesting level; after
    /// that it keeps returning `false`.
    pub fn has_next(&mut self, container: &mut Container) -> Result<bool> {
        if container.done {
            return Ok(false);
        }
        let more = match container.remaining {
            Some(0) => false,
            Some(n) => {
                container.remaining = Some(n - 1);
                true
            }
            None => match self.input.get(self.pos) {
                None => return Err(Error::new(ErrorKind::Truncated, container.start)),
                Some(0xff) => {
                    self.pos += 1;
                    false
                }
                Some(_) => true,
            },
        };
        if !more {
            container.done = true;
            self.leave();
        }
        Ok(more)
    }

    /// Reads a tag's number; the tagged item follows. A tag adds no nesting level here, as
    /// there is no end of its item to leave it at: [`Self::skip`] and [`Self::value`] count
    /// tags, and a reader that recurses through tags itself must bound that recursion.
    pub fn tag(&mut self) -> Result<u64> {
        let head = self.head_of(6, Expected::Tag)?;
        head.arg
            .ok_or(Error::new(ErrorKind::InvalidIndefinite, head.start))
    }

    /// Reads a Smithy `timestamp`: tag 1 around an integer or a float of any width.
    pub fn timestamp(&mut self) -> Result<Epoch> {
        let start = self.pos;
        let tag = self.tag()?;
        let error = match self.peek()? {
            _ if tag != 1 => Error::new(ErrorKind::UnexpectedTag(tag), start),
            kind if kind.is_integer() => return self.i64().map(Epoch::Integer),
            kind if kind.is_float() => return self.f64().map(Epoch::Float),
            _ => self.unexpected(Expected::Number),
        };
        self.pos = start;
        Err(error)
    }

    /// Checks a simple value or float head; the float's bytes are already read.
    pub(crate) fn check_simple(head: Head) -> Result<()> {
        match (head.info, head.arg) {
            (31, _) => Err(Error::new(ErrorKind::UnexpectedBreak, head.start)),
            (24, Some(value)) if value < 32 => Err(Error::new(
                ErrorKind::InvalidSimpleValue(value as u8),
                head.start,
            )),
            _ => Ok(()),
        }
    }

    /// Skips one whole item, checking it as thoroughly as [`Self::value`] would (UTF-8
    /// included) without building anything: what a reader does with an unknown member.
    pub fn skip(&mut self) -> Result<()> {
        let head = self.head()?;
        match (head.major, head.arg) {
            (0 | 1, Some(_)) => Ok(()),
            (2, Some(len)) => self.take(len, head.start).map(drop),
            (3, Some(len)) => utf8(self.take(len, head.start)?, head.start).map(drop),
            (2, None) => self.chunks(head, |_, _| Ok(())),
            (3, None) => self.chunks(head, |at, chunk| utf8(chunk, at).map(drop)),
            (4 | 5, _) => {
                let mut container = self.open(head)?;
                while self.has_next(&mut container)? {
                    self.skip()?;
                    if head.major == 5 {
                        self.skip()?;
                    }
                }
                Ok(())
            }
            (6, Some(_)) => {
                self.enter(head.start)?;
                self.skip()?;
                self.leave();
                Ok(())
            }
            (7, _) => Self::check_simple(head),
            _ => Err(Error::new(ErrorKind::InvalidIndefinite, head.start)),
        }
    }
}
