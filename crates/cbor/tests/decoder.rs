//! The typed reads, one major type at a time: what each accepts, what it returns, where it
//! leaves the decoder.

mod common;

use std::borrow::Cow;

use common::hex;
use smithy_cbor::{Decoder, Encoder, Epoch, ErrorKind, Kind, decode_value};

fn encoded(write: impl FnOnce(&mut Encoder<'_>)) -> Vec<u8> {
    let mut out = Vec::new();
    write(&mut Encoder::new(&mut out));
    out
}

#[test]
fn integers_at_every_head_width() {
    let boundaries = [
        0,
        23,
        24,
        255,
        256,
        65_535,
        65_536,
        4_294_967_295,
        4_294_967_296,
        i64::MAX,
    ];
    for value in boundaries.into_iter().flat_map(|v| [v, -v, -1 - v]) {
        let bytes = encoded(|e| {
            e.i64(value);
        });
        let mut d = Decoder::new(&bytes);
        assert_eq!(d.i64(), Ok(value));
        assert!(d.finish().is_ok());
        assert_eq!(Decoder::new(&bytes).integer(), Ok(i128::from(value)));
    }
    assert_eq!(Decoder::new(hex("1bffffffffffffffff")).u64(), Ok(u64::MAX));
    assert_eq!(
        Decoder::new(hex("3bffffffffffffffff")).integer(),
        Ok(-(1i128 << 64))
    );
}

#[test]
fn smithy_integer_types_at_their_bounds() {
    let read = |value: i64| {
        encoded(|e| {
            e.i64(value);
        })
    };
    assert_eq!(Decoder::new(&read(i64::from(i32::MIN))).i32(), Ok(i32::MIN));
    assert_eq!(Decoder::new(&read(i64::from(i32::MAX))).i32(), Ok(i32::MAX));
    assert_eq!(Decoder::new(&read(i64::from(i16::MIN))).i16(), Ok(i16::MIN));
    assert_eq!(Decoder::new(&read(i64::from(i16::MAX))).i16(), Ok(i16::MAX));
    assert_eq!(Decoder::new(&read(-128)).i8(), Ok(-128));
    assert_eq!(Decoder::new(&read(127)).i8(), Ok(127));
}

#[test]
fn integers_in_longer_heads_than_needed_are_accepted() {
    assert_eq!(Decoder::new(hex("1805")).i64(), Ok(5));
    assert_eq!(Decoder::new(hex("1b0000000000000005")).i64(), Ok(5));
    assert_eq!(Decoder::new(hex("3a00000000")).i64(), Ok(-1));
}

#[test]
fn every_half_float_matches_the_half_crate() {
    for bits in 0..=u16::MAX {
        let [high, low] = bits.to_be_bytes();
        let got = Decoder::new(&[0xf9, high, low]).f64().unwrap();
        let want = half::f16::from_bits(bits).to_f64();
        assert!(
            got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
            "{bits:04x}"
        );
    }
}

#[test]
fn half_floats_from_the_protocol_tests() {
    let read = |bytes: &str| Decoder::new(hex(bytes)).f64().unwrap();
    assert_eq!(read("f90050"), 0.000_004_768_371_582_031_25); // 1.25 * 2^-18, subnormal
    assert_eq!(read("f90001"), 2f64.powi(-24)); // the smallest subnormal
    assert_eq!(read("f97c00"), f64::INFINITY);
    assert_eq!(read("f9fc00"), f64::NEG_INFINITY);
    assert!(read("f97c01").is_nan()); // NaN with the low bit set
    assert!(read("f97e00").is_nan()); // NaN with the high bit set
    assert_eq!(read("f98000").to_bits(), (-0.0f64).to_bits());
    assert_eq!(read("f93e00"), 1.5);
    assert_eq!(read("f947a0"), 7.625);
}

#[test]
fn floats_of_every_width_and_integers_read_as_numbers() {
    let read = |bytes: &str| Decoder::new(hex(bytes)).f64().unwrap();
    assert_eq!(read("fa40f40000"), 7.625);
    assert_eq!(read("fb3ffe395810624dd3"), 1.889);
    assert!(read("fa7fc00000").is_nan());
    assert_eq!(read("faff800000"), f64::NEG_INFINITY);
    assert_eq!(read("1901 00"), 256.0); // a float the sender held exactly, sent as an integer
    assert_eq!(read("3903e7"), -1000.0);
    assert_eq!(read("3bffffffffffffffff"), -18_446_744_073_709_551_616.0);
    assert_eq!(Decoder::new(hex("fb3ff199999999999a")).f32(), Ok(1.1f32));
    assert_eq!(Decoder::new(hex("fa3f8ccccd")).f32(), Ok(1.1f32));
}

#[test]
fn booleans_null_and_undefined() {
    let mut d = Decoder::new(hex("f5f4f6f701"));
    assert_eq!(d.bool(), Ok(true));
    assert_eq!(d.bool(), Ok(false));
    assert_eq!(d.try_null(), Ok(true));
    assert_eq!(d.try_null(), Ok(true)); // undefined reads as null, as the protocol says
    assert_eq!(d.try_null(), Ok(false));
    assert_eq!(d.position(), 4);
    assert_eq!(d.u64(), Ok(1));
    assert_eq!(d.try_null().unwrap_err().kind(), ErrorKind::Truncated);
}

#[test]
fn definite_and_single_chunk_strings_are_borrowed() {
    let mut d = Decoder::new(hex("6449455446 7f6449455446ff 7f40ff"));
    assert!(matches!(d.str(), Ok(Cow::Borrowed("IETF"))));
    assert!(matches!(d.str(), Ok(Cow::Borrowed("IETF"))));
    assert_eq!(d.str().unwrap_err().kind(), ErrorKind::InvalidChunk);
    let mut d = Decoder::new(hex("4401020304 5f4401020304ff"));
    assert!(matches!(d.bytes(), Ok(Cow::Borrowed([1, 2, 3, 4]))));
    assert!(matches!(d.bytes(), Ok(Cow::Borrowed([1, 2, 3, 4]))));
}

#[test]
fn chunked_strings_are_joined() {
    let mut d = Decoder::new(hex("7f657374726561646d696e67ff 7fff 7f60616160ff"));
    assert!(matches!(d.str(), Ok(Cow::Owned(text)) if text == "streaming"));
    assert_eq!(d.str().as_deref(), Ok(""));
    assert_eq!(d.str().as_deref(), Ok("a"));
    assert!(d.finish().is_ok());
    let mut d = Decoder::new(hex("5f42010243030405ff 5fff"));
    assert_eq!(d.bytes().as_deref(), Ok(&[1, 2, 3, 4, 5][..]));
    assert_eq!(d.bytes().as_deref(), Ok(&[][..]));
}

fn read_ints(d: &mut Decoder<'_>) -> Vec<i64> {
    let mut list = d.array().unwrap();
    let mut items = Vec::new();
    while d.has_next(&mut list).unwrap() {
        items.push(d.i64().unwrap());
    }
    assert!(!d.has_next(&mut list).unwrap(), "stays at its end");
    items
}

#[test]
fn arrays_of_both_lengths() {
    let mut d = Decoder::new(hex("83010203 9f010203ff 80 9fff"));
    assert_eq!(read_ints(&mut d), [1, 2, 3]);
    assert_eq!(read_ints(&mut d), [1, 2, 3]);
    assert_eq!(read_ints(&mut d), [0; 0]);
    assert_eq!(read_ints(&mut d), [0; 0]);
    assert!(d.finish().is_ok());
    assert_eq!(
        Decoder::new(hex("83010203"))
            .array()
            .unwrap()
            .declared_len(),
        Some(3)
    );
    assert_eq!(
        Decoder::new(hex("9fff")).array().unwrap().declared_len(),
        None
    );
}

#[test]
fn maps_of_both_lengths() {
    for body in ["a26161016162820203", "bf61610161629f0203ffff"] {
        let mut d = Decoder::new(hex(body));
        let mut map = d.map().unwrap();
        let mut pairs = Vec::new();
        while d.has_next(&mut map).unwrap() {
            let key = d.str().unwrap();
            let value = if key == "b" {
                read_ints(&mut d)
            } else {
                vec![d.i64().unwrap()]
            };
            pairs.push((key, value));
        }
        assert_eq!(pairs, [("a".into(), vec![1]), ("b".into(), vec![2, 3])]);
        assert!(d.finish().is_ok());
    }
}

#[test]
fn tags_and_timestamps() {
    let mut d = Decoder::new(hex(
        "c11a514b67b0 c1fb41d452d9ec200000 c1fa4f0e0000 c1f93c00 c120",
    ));
    assert_eq!(d.timestamp(), Ok(Epoch::Integer(1_363_896_240)));
    assert_eq!(d.timestamp(), Ok(Epoch::Float(1_363_896_240.5)));
    assert_eq!(d.timestamp(), Ok(Epoch::Float(2_382_364_672.0)));
    assert_eq!(d.timestamp(), Ok(Epoch::Float(1.0)));
    assert_eq!(d.timestamp(), Ok(Epoch::Integer(-1)));
    let mut d = Decoder::new(hex("d82076687474703a2f2f7777772e6578616d706c652e636f6d"));
    assert_eq!(d.tag(), Ok(32));
    assert_eq!(d.str().as_deref(), Ok("http://www.example.com"));
}

#[test]
fn epoch_to_millis() {
    assert_eq!(
        Epoch::Integer(1_363_896_240).to_millis(),
        Some(1_363_896_240_000)
    );
    assert_eq!(
        Epoch::Float(946_845_296.123).to_millis(),
        Some(946_845_296_123)
    );
    assert_eq!(Epoch::Float(-0.0015).to_millis(), Some(-2));
    assert_eq!(Epoch::Float(f64::NAN).to_millis(), None);
    assert_eq!(Epoch::Float(f64::INFINITY).to_millis(), None);
    assert_eq!(Epoch::Float(1e17).to_millis(), None);
    assert_eq!(Epoch::Integer(i64::MAX).to_millis(), None);
}

#[test]
fn peek_tells_every_kind() {
    let cases = [
        ("00", Kind::Unsigned),
        ("20", Kind::Negative),
        ("40", Kind::Bytes),
        ("60", Kind::Text),
        ("80", Kind::Array),
        ("a0", Kind::Map),
        ("c1", Kind::Tag),
        ("f4", Kind::Bool),
        ("f5", Kind::Bool),
        ("f6", Kind::Null),
        ("f7", Kind::Undefined),
        ("f90000", Kind::Float16),
        ("fa00000000", Kind::Float32),
        ("fb0000000000000000", Kind::Float64),
        ("f0", Kind::Simple),
        ("f820", Kind::Simple),
        ("ff", Kind::Break),
    ];
    for (bytes, kind) in cases {
        let d = Decoder::new(hex(bytes));
        assert_eq!(d.peek(), Ok(kind), "{bytes}");
        assert_eq!(d.position(), 0);
    }
    assert!(Kind::Float16.is_float() && !Kind::Unsigned.is_float());
    assert!(Kind::Negative.is_integer() && !Kind::Float64.is_integer());
}

#[test]
fn skip_steps_over_one_whole_item() {
    let body = hex("a26161016162820203 7f657374726561646d696e67ff c1fb41d452d9ec200000 f8ff 07");
    let mut d = Decoder::new(body);
    for _ in 0..4 {
        d.skip().unwrap();
    }
    assert_eq!(d.remaining(), 1);
    assert_eq!(d.u64(), Ok(7));
    assert!(d.finish().is_ok());
}

#[test]
fn values_read_what_skip_steps_over() {
    let body = hex("bf6346756ef563416d7421ff 01");
    let mut d = Decoder::new(body);
    let value = d.value().unwrap();
    assert_eq!(value.get("Amt").and_then(|v| v.as_integer()), Some(-2));
    assert_eq!(value.get("Fun"), Some(&smithy_cbor::Value::Bool(true)));
    assert_eq!(value.get("nope"), None);
    assert_eq!(d.position(), body.len() - 1);
    assert_eq!(
        decode_value(body).unwrap_err().kind(),
        ErrorKind::TrailingBytes
    );
}
