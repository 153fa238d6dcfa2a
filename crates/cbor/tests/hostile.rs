//! Hostile and malformed input: every case fails with its exact error kind at its exact offset,
//! through `decode_value` and `skip` alike (they accept the same inputs), and nothing panics or
//! trusts a declared length.

mod common;

use common::hex;
use smithy_cbor::{
    DEFAULT_MAX_DEPTH, Decoder, Error, ErrorKind, Expected, Kind, SeenMembers, decode_value,
};

/// Both whole-item readers fail on `bytes` with `kind` at `offset`.
#[track_caller]
fn fails(bytes: &[u8], kind: ErrorKind, offset: usize) {
    let expected = Error::new(kind, offset);
    assert_eq!(decode_value(bytes).err(), Some(expected), "decode_value");
    let mut d = Decoder::new(bytes);
    assert_eq!(
        d.skip().and_then(|()| d.finish()).err(),
        Some(expected),
        "skip"
    );
}

#[track_caller]
fn fails_hex(bytes: &str, kind: ErrorKind, offset: usize) {
    fails(hex(bytes), kind, offset);
}

#[test]
fn huge_text_length_with_a_tiny_body() {
    fails_hex("7bffffffffffffffff6162", ErrorKind::Truncated, 0);
    let mut d = Decoder::new(&[0x7b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x61]);
    assert_eq!(d.str().unwrap_err().kind(), ErrorKind::Truncated);
}

#[test]
fn huge_byte_string_length_with_a_tiny_body() {
    fails_hex("5affffffff00", ErrorKind::Truncated, 0);
    let mut d = Decoder::new(&[0x5a, 0xff, 0xff, 0xff, 0xff, 0x00]);
    assert_eq!(d.bytes().unwrap_err(), Error::new(ErrorKind::Truncated, 0));
}

#[test]
fn huge_array_count_is_refused_before_anything_is_reserved() {
    fails_hex("9bffffffffffffffff01", ErrorKind::Truncated, 0);
    let mut d = Decoder::new(&[0x9a, 0xff, 0xff, 0xff, 0xff, 0x01]);
    assert_eq!(d.array().unwrap_err(), Error::new(ErrorKind::Truncated, 0));
}

#[test]
fn huge_map_count_is_refused() {
    fails_hex("baffffffff0102", ErrorKind::Truncated, 0);
}

#[test]
fn map_count_needs_two_bytes_a_pair() {
    // Two pairs cannot fit in three bytes.
    fails_hex("a2010203", ErrorKind::Truncated, 0);
}

#[test]
fn huge_count_deep_inside_reports_its_own_offset() {
    fails_hex("a1616181 9bffffffffffffffff", ErrorKind::Truncated, 4);
}

#[test]
fn huge_chunk_in_an_indefinite_string() {
    fails_hex("7f7bffffffffffffffff61ff", ErrorKind::Truncated, 1);
}

#[test]
fn capacity_hints_never_exceed_the_input() {
    let mut body = vec![0x99, 0x03, 0xe8]; // an array of 1000
    body.extend(std::iter::repeat_n(0x00, 1000));
    let mut d = Decoder::new(&body);
    let list = d.array().unwrap();
    assert_eq!(list.declared_len(), Some(1000));
    assert_eq!(list.capacity_for::<u8>(), 1000);
    assert_eq!(list.capacity_for::<[u8; 64]>(), 1000 / 64);
    assert_eq!(list.capacity_for::<()>(), 1000);
    let mut d = Decoder::new(&[0x9f, 0xff]);
    assert_eq!(d.array().unwrap().capacity_for::<u8>(), 0);
}

#[test]
fn depth_bomb_of_definite_arrays() {
    let mut body = vec![0x81; 1000];
    body.push(0x00);
    fails(
        &body,
        ErrorKind::DepthLimitExceeded(DEFAULT_MAX_DEPTH),
        DEFAULT_MAX_DEPTH,
    );
}

#[test]
fn depth_bomb_of_indefinite_arrays() {
    fails(
        &[0x9f; 100_000],
        ErrorKind::DepthLimitExceeded(DEFAULT_MAX_DEPTH),
        DEFAULT_MAX_DEPTH,
    );
}

#[test]
fn depth_bomb_of_maps() {
    let body: Vec<u8> = std::iter::repeat_n([0xa1, 0x00], 500).flatten().collect();
    fails(
        &body,
        ErrorKind::DepthLimitExceeded(DEFAULT_MAX_DEPTH),
        2 * DEFAULT_MAX_DEPTH,
    );
}

#[test]
fn depth_bomb_of_tags() {
    fails(
        &[0xc1; 10_000],
        ErrorKind::DepthLimitExceeded(DEFAULT_MAX_DEPTH),
        DEFAULT_MAX_DEPTH,
    );
}

#[test]
fn nesting_up_to_the_limit_is_fine_and_the_limit_is_configurable() {
    let mut body = vec![0x81; DEFAULT_MAX_DEPTH];
    body.push(0x00);
    assert!(decode_value(&body).is_ok());
    let mut d = Decoder::new(&[0x81, 0x81, 0x81, 0x00]).with_max_depth(2);
    assert_eq!(
        d.skip().unwrap_err(),
        Error::new(ErrorKind::DepthLimitExceeded(2), 2)
    );
    let mut d = Decoder::new(&[0x81, 0x81, 0x00]).with_max_depth(2);
    assert!(d.skip().is_ok());
}

/// A reader for `structure Node { next: Node }`, recursing as generated code for a recursive
/// shape would.
fn read_node(d: &mut Decoder<'_>) -> Result<usize, Error> {
    let mut map = d.map()?;
    let mut depth = 1;
    while d.has_next(&mut map)? {
        d.str()?;
        depth += read_node(d)?;
    }
    Ok(depth)
}

#[test]
fn depth_bomb_through_a_recursive_typed_reader() {
    let body: Vec<u8> = std::iter::repeat_n([0xbf, 0x61, 0x6e], 100_000)
        .flatten()
        .collect();
    let error = read_node(&mut Decoder::new(&body)).unwrap_err();
    assert_eq!(
        error.kind(),
        ErrorKind::DepthLimitExceeded(DEFAULT_MAX_DEPTH)
    );
    assert_eq!(error.offset(), 3 * DEFAULT_MAX_DEPTH);
    // The limit is left as it was found after each container, so siblings do not add up.
    let mut body = vec![0xa2];
    body.extend(hex("616e a0 616e a0"));
    assert_eq!(read_node(&mut Decoder::new(&body).with_max_depth(2)), Ok(3));
}

#[test]
fn invalid_utf8_in_a_definite_string() {
    fails_hex("62c328", ErrorKind::InvalidUtf8, 0);
    let mut d = Decoder::new(&[0x62, 0xc3, 0x28]);
    assert_eq!(d.str().unwrap_err(), Error::new(ErrorKind::InvalidUtf8, 0));
}

#[test]
fn invalid_utf8_in_a_chunk() {
    fails_hex("7f616162c328ff", ErrorKind::InvalidUtf8, 3);
    let mut d = Decoder::new(hex("7f616162c328ff"));
    assert_eq!(d.str().unwrap_err(), Error::new(ErrorKind::InvalidUtf8, 3));
}

#[test]
fn a_character_split_across_chunks_is_invalid() {
    // "ü" is c3 bc; each chunk must be UTF-8 by itself.
    fails_hex("7f61c361bcff", ErrorKind::InvalidUtf8, 1);
}

#[test]
fn surrogates_and_overlong_forms_are_invalid_utf8() {
    fails_hex("63eda080", ErrorKind::InvalidUtf8, 0);
    fails_hex("62c0af", ErrorKind::InvalidUtf8, 0);
}

#[test]
fn byte_chunk_in_a_text_string() {
    fails_hex("7f4161ff", ErrorKind::InvalidChunk, 1);
    let mut d = Decoder::new(hex("7f4161ff"));
    assert_eq!(d.str().unwrap_err(), Error::new(ErrorKind::InvalidChunk, 1));
}

#[test]
fn text_chunk_in_a_byte_string() {
    fails_hex("5f6161ff", ErrorKind::InvalidChunk, 1);
}

#[test]
fn nested_indefinite_chunk() {
    fails_hex("5f5fffff", ErrorKind::InvalidChunk, 1);
    fails_hex("7f7f6161ffff", ErrorKind::InvalidChunk, 1);
}

#[test]
fn integer_chunk() {
    fails_hex("5f01ff", ErrorKind::InvalidChunk, 1);
}

#[test]
fn unterminated_indefinite_items() {
    fails_hex("7f6161", ErrorKind::Truncated, 0);
    fails_hex("9f01", ErrorKind::Truncated, 0);
    fails_hex("bf616101", ErrorKind::Truncated, 0);
}

#[test]
fn reserved_additional_information() {
    for major in 0..8u8 {
        for info in 28..=30u8 {
            let initial = major << 5 | info;
            fails(
                &[initial, 0, 0, 0, 0],
                ErrorKind::ReservedAdditionalInfo(info),
                0,
            );
            fails(&[0x81, initial], ErrorKind::ReservedAdditionalInfo(info), 1);
            let error = Decoder::new(&[initial]).peek().unwrap_err();
            assert_eq!(error.kind(), ErrorKind::ReservedAdditionalInfo(info));
        }
    }
}

#[test]
fn indefinite_integers_and_tags() {
    fails_hex("1f", ErrorKind::InvalidIndefinite, 0);
    fails_hex("3f", ErrorKind::InvalidIndefinite, 0);
    fails_hex("df01", ErrorKind::InvalidIndefinite, 0);
    assert_eq!(
        Decoder::new(&[0x1f]).i64().unwrap_err().kind(),
        ErrorKind::InvalidIndefinite
    );
    assert_eq!(
        Decoder::new(&[0xdf]).tag().unwrap_err().kind(),
        ErrorKind::InvalidIndefinite
    );
}

#[test]
fn lone_break() {
    fails_hex("ff", ErrorKind::UnexpectedBreak, 0);
    assert_eq!(
        Decoder::new(&[0xff]).str().unwrap_err(),
        Error::new(ErrorKind::UnexpectedBreak, 0)
    );
    assert_eq!(Decoder::new(&[0xff]).peek(), Ok(Kind::Break));
}

#[test]
fn break_in_the_wrong_place() {
    fails_hex("bf6161ff", ErrorKind::UnexpectedBreak, 3); // where a value must be
    fails_hex("bf01ff", ErrorKind::UnexpectedBreak, 2);
    fails_hex("8201ff", ErrorKind::UnexpectedBreak, 2); // inside a definite array
    fails_hex("a1ff00", ErrorKind::UnexpectedBreak, 1); // a definite map's key
    fails_hex("c1ff", ErrorKind::UnexpectedBreak, 1); // a tag's item
}

#[test]
fn truncation_at_every_byte_of_a_valid_message() {
    // Nested indefinite and definite maps, arrays and strings, floats, a blob.
    let body = common::body("RpcV2CborExtraFieldsInTheBodyShouldBeSkippedByServers");
    assert!(decode_value(body).is_ok());
    for len in 0..body.len() {
        let prefix = &body[..len];
        assert_eq!(
            decode_value(prefix).unwrap_err().kind(),
            ErrorKind::Truncated,
            "{len}"
        );
        assert_eq!(
            Decoder::new(prefix).skip().unwrap_err().kind(),
            ErrorKind::Truncated
        );
    }
}

#[test]
fn truncated_heads() {
    fails_hex("", ErrorKind::Truncated, 0);
    fails_hex("1901", ErrorKind::Truncated, 0);
    fails_hex("fb0000", ErrorKind::Truncated, 0);
    fails_hex("8119", ErrorKind::Truncated, 1);
    assert_eq!(
        Decoder::new(&[0xfa, 0]).f64().unwrap_err(),
        Error::new(ErrorKind::Truncated, 0)
    );
}

#[test]
fn trailing_bytes() {
    fails_hex("0102", ErrorKind::TrailingBytes, 1);
    fails_hex("a000", ErrorKind::TrailingBytes, 1);
    fails_hex("80ff", ErrorKind::TrailingBytes, 1);
}

#[test]
fn integers_out_of_range() {
    let mut d = Decoder::new(hex("1b8000000000000000"));
    assert_eq!(
        d.i64().unwrap_err(),
        Error::new(ErrorKind::IntegerOutOfRange, 0)
    );
    let mut d = Decoder::new(hex("3b8000000000000000"));
    assert_eq!(d.i64().unwrap_err().kind(), ErrorKind::IntegerOutOfRange);
    assert_eq!(Decoder::new(hex("3b7fffffffffffffff")).i64(), Ok(i64::MIN));
    assert_eq!(Decoder::new(hex("1b7fffffffffffffff")).i64(), Ok(i64::MAX));
    let out_of_range = |bytes: &str, read: fn(&mut Decoder<'_>) -> Result<(), Error>| {
        let error = read(&mut Decoder::new(hex(bytes))).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::IntegerOutOfRange, "{bytes}");
    };
    out_of_range("1a80000000", |d| d.i32().map(drop));
    out_of_range("3a80000000", |d| d.i32().map(drop));
    out_of_range("198000", |d| d.i16().map(drop));
    out_of_range("1880", |d| d.i8().map(drop));
    out_of_range("3880", |d| d.i8().map(drop));
    out_of_range("20", |d| d.u64().map(drop));
}

#[test]
fn two_byte_simple_values_below_32() {
    // RFC 7049 listed f818 as simple(24); RFC 8949 makes it not well-formed.
    fails_hex("f818", ErrorKind::InvalidSimpleValue(24), 0);
    fails_hex("f800", ErrorKind::InvalidSimpleValue(0), 0);
    fails_hex("f814", ErrorKind::InvalidSimpleValue(20), 0);
    assert!(decode_value(&[0xf8, 0x20]).is_ok());
}

#[test]
fn wrong_types_name_what_was_asked_and_found_and_consume_nothing() {
    let unexpected = |expected, found| ErrorKind::UnexpectedType { expected, found };
    let mut d = Decoder::new(&[0x01]);
    assert_eq!(
        d.str().unwrap_err(),
        Error::new(unexpected(Expected::Text, Kind::Unsigned), 0)
    );
    assert_eq!(d.position(), 0);
    assert_eq!(
        d.bool().unwrap_err().kind(),
        unexpected(Expected::Bool, Kind::Unsigned)
    );
    assert_eq!(
        d.map().unwrap_err().kind(),
        unexpected(Expected::Map, Kind::Unsigned)
    );
    assert_eq!(d.u64(), Ok(1));
    let mut d = Decoder::new(hex("fb3ff8000000000000"));
    assert_eq!(
        d.i64().unwrap_err().kind(),
        unexpected(Expected::Integer, Kind::Float64)
    );
    assert_eq!(
        d.bytes().unwrap_err().kind(),
        unexpected(Expected::Bytes, Kind::Float64)
    );
    assert_eq!(d.f64(), Ok(1.5));
    let mut d = Decoder::new(hex("6161"));
    assert_eq!(
        d.f64().unwrap_err().kind(),
        unexpected(Expected::Number, Kind::Text)
    );
    assert_eq!(
        d.array().unwrap_err().kind(),
        unexpected(Expected::Array, Kind::Text)
    );
    assert_eq!(
        d.tag().unwrap_err().kind(),
        unexpected(Expected::Tag, Kind::Text)
    );
    assert_eq!(d.try_null(), Ok(false));
    assert_eq!(d.position(), 0);
}

#[test]
fn timestamps_must_be_tag_1_around_a_number() {
    let mut d = Decoder::new(hex("c074323031332d30332d32315432303a30343a30305a"));
    assert_eq!(
        d.timestamp().unwrap_err(),
        Error::new(ErrorKind::UnexpectedTag(0), 0)
    );
    assert_eq!(
        d.position(),
        0,
        "a refused timestamp leaves the decoder at its tag"
    );
    assert_eq!(d.tag(), Ok(0));
    let mut d = Decoder::new(hex("c16161"));
    let found = ErrorKind::UnexpectedType {
        expected: Expected::Number,
        found: Kind::Text,
    };
    assert_eq!(d.timestamp().unwrap_err(), Error::new(found, 1));
    assert_eq!(d.position(), 0);
    let mut d = Decoder::new(hex("1a514b67b0"));
    let found = ErrorKind::UnexpectedType {
        expected: Expected::Tag,
        found: Kind::Unsigned,
    };
    assert_eq!(d.timestamp().unwrap_err().kind(), found);
}

#[test]
fn duplicate_members() {
    // {"a": 1, "b": 2, "a": 3}
    let body = hex("a3616101616202616103");
    let mut d = Decoder::new(body);
    let mut seen = SeenMembers::<1>::new();
    let mut map = d.map().unwrap();
    let mut error = None;
    while d.has_next(&mut map).unwrap() {
        let at = d.position();
        let index = if d.str().unwrap() == "a" { 0 } else { 1 };
        d.skip().unwrap();
        if let Err(e) = seen.insert(index, at) {
            error = Some(e);
            break;
        }
    }
    assert_eq!(error, Some(Error::new(ErrorKind::DuplicateKey, 7)));
    assert!(seen.contains(0) && seen.contains(1) && !seen.contains(2));
    let mut wide = SeenMembers::<3>::new();
    assert!(wide.insert(130, 0).is_ok() && wide.contains(130));
    assert_eq!(
        wide.insert(130, 9),
        Err(Error::new(ErrorKind::DuplicateKey, 9))
    );
    assert!(
        wide.insert(192, 0).is_err(),
        "an index past the set is a reader's bug"
    );
}

#[test]
fn every_input_of_up_to_two_bytes_is_handled_and_both_readers_agree() {
    for first in 0..=255u8 {
        check_agreement(&[first]);
        for second in 0..=255u8 {
            check_agreement(&[first, second]);
        }
    }
}

fn check_agreement(bytes: &[u8]) {
    let value = decode_value(bytes);
    let mut d = Decoder::new(bytes);
    let skipped = d.skip().and_then(|()| d.finish());
    assert_eq!(value.err(), skipped.err(), "{bytes:02x?}");
    let mut d = Decoder::new(bytes);
    let _ = (
        d.peek(),
        d.i64(),
        d.f64(),
        d.str(),
        d.bytes(),
        d.timestamp(),
        d.try_null(),
    );
}

#[test]
fn error_messages_are_clear() {
    let error = Decoder::new(&[0x01]).str().unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid CBOR at byte 0: expected a text string, found unsigned integer"
    );
    let error = decode_value(&[0x81; 200]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid CBOR at byte 128: items nested deeper than 128 levels"
    );
    assert_eq!(
        decode_value(&[0x1c]).unwrap_err().to_string(),
        "invalid CBOR at byte 0: reserved additional information value 28"
    );
}
