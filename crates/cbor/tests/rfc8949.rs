//! RFC 8949 Appendix A: every example decodes to the value the table gives, and every example
//! the encoder can write (all but half-precision floats, which rpcv2Cbor never writes, and
//! indefinite lengths, which `Value` does not keep) encodes back to the same bytes.

mod common;

use common::{hex, to_hex};
use smithy_cbor::{Encoder, Value, decode_value};

fn u(n: u64) -> Value {
    Value::Unsigned(n)
}
fn neg(n: u64) -> Value {
    Value::Negative(n)
}
fn t(text: &str) -> Value {
    Value::Text(text.to_owned())
}
fn b(bytes: &[u8]) -> Value {
    Value::Bytes(bytes.to_vec())
}
fn f(value: f64) -> Value {
    Value::Float(value)
}
fn arr(items: Vec<Value>) -> Value {
    Value::Array(items)
}
fn map(pairs: Vec<(Value, Value)>) -> Value {
    Value::Map(pairs)
}
fn tag(tag: u64, item: Value) -> Value {
    Value::Tag(tag, Box::new(item))
}
fn one_to_25() -> Value {
    arr((1..=25).map(u).collect())
}
fn nested() -> Value {
    arr(vec![u(1), arr(vec![u(2), u(3)]), arr(vec![u(4), u(5)])])
}

/// The examples with a definite-length encoding, which `Value` writes back byte for byte.
fn definite() -> Vec<(&'static str, Value)> {
    vec![
        ("00", u(0)),
        ("01", u(1)),
        ("0a", u(10)),
        ("17", u(23)),
        ("1818", u(24)),
        ("1819", u(25)),
        ("1864", u(100)),
        ("1903e8", u(1000)),
        ("1a000f4240", u(1_000_000)),
        ("1b000000e8d4a51000", u(1_000_000_000_000)),
        ("1bffffffffffffffff", u(u64::MAX)),
        (
            "c249010000000000000000",
            tag(2, b(&[1, 0, 0, 0, 0, 0, 0, 0, 0])),
        ),
        ("3bffffffffffffffff", neg(u64::MAX)),
        (
            "c349010000000000000000",
            tag(3, b(&[1, 0, 0, 0, 0, 0, 0, 0, 0])),
        ),
        ("20", neg(0)),
        ("29", neg(9)),
        ("3863", neg(99)),
        ("3903e7", neg(999)),
        ("f4", Value::Bool(false)),
        ("f5", Value::Bool(true)),
        ("f6", Value::Null),
        ("f7", Value::Undefined),
        ("f0", Value::Simple(16)),
        ("f8ff", Value::Simple(255)),
        (
            "c074323031332d30332d32315432303a30343a30305a",
            tag(0, t("2013-03-21T20:04:00Z")),
        ),
        ("c11a514b67b0", tag(1, u(1_363_896_240))),
        ("c1fb41d452d9ec200000", tag(1, f(1_363_896_240.5))),
        ("d74401020304", tag(23, b(&[1, 2, 3, 4]))),
        ("d818456449455446", tag(24, b(b"dIETF"))),
        (
            "d82076687474703a2f2f7777772e6578616d706c652e636f6d",
            tag(32, t("http://www.example.com")),
        ),
        ("40", b(&[])),
        ("4401020304", b(&[1, 2, 3, 4])),
        ("60", t("")),
        ("6161", t("a")),
        ("6449455446", t("IETF")),
        ("62225c", t("\"\\")),
        ("62c3bc", t("\u{fc}")),
        ("63e6b0b4", t("\u{6c34}")),
        ("64f0908591", t("\u{10151}")),
        ("80", arr(vec![])),
        ("83010203", arr(vec![u(1), u(2), u(3)])),
        ("8301820203820405", nested()),
        (
            "98190102030405060708090a0b0c0d0e0f101112131415161718181819",
            one_to_25(),
        ),
        ("a0", map(vec![])),
        ("a201020304", map(vec![(u(1), u(2)), (u(3), u(4))])),
        (
            "a26161016162820203",
            map(vec![(t("a"), u(1)), (t("b"), arr(vec![u(2), u(3)]))]),
        ),
        (
            "826161a161626163",
            arr(vec![t("a"), map(vec![(t("b"), t("c"))])]),
        ),
        (
            "a56161614161626142616361436164614461656145",
            map(["a", "b", "c", "d", "e"]
                .iter()
                .map(|k| (t(k), t(&k.to_uppercase())))
                .collect()),
        ),
    ]
}

/// The float examples: bytes, value, and whether the encoder writes this width (32 or 64).
fn floats() -> Vec<(&'static str, f64, Option<u8>)> {
    vec![
        ("f90000", 0.0, None),
        ("f98000", -0.0, None),
        ("f93c00", 1.0, None),
        ("fb3ff199999999999a", 1.1, Some(64)),
        ("f93e00", 1.5, None),
        ("f97bff", 65504.0, None),
        ("fa47c35000", 100_000.0, Some(32)),
        ("fa7f7fffff", 3.402_823_466_385_288_6e38, Some(32)),
        ("fb7e37e43c8800759c", 1.0e300, Some(64)),
        ("f90001", 5.960_464_477_539_063e-8, None),
        ("f90400", 6.103_515_625e-5, None),
        ("f9c400", -4.0, None),
        ("fbc010666666666666", -4.1, Some(64)),
        ("f97c00", f64::INFINITY, None),
        ("f97e00", f64::NAN, None),
        ("f9fc00", f64::NEG_INFINITY, None),
        ("fa7f800000", f64::INFINITY, Some(32)),
        ("fa7fc00000", f64::NAN, Some(32)),
        ("faff800000", f64::NEG_INFINITY, Some(32)),
        ("fb7ff0000000000000", f64::INFINITY, Some(64)),
        ("fb7ff8000000000000", f64::NAN, Some(64)),
        ("fbfff0000000000000", f64::NEG_INFINITY, Some(64)),
    ]
}

/// The indefinite-length examples, which decode like their definite twins.
fn indefinite() -> Vec<(&'static str, Value)> {
    let a1b23 = map(vec![(t("a"), u(1)), (t("b"), arr(vec![u(2), u(3)]))]);
    vec![
        ("5f42010243030405ff", b(&[1, 2, 3, 4, 5])),
        ("7f657374726561646d696e67ff", t("streaming")),
        ("9fff", arr(vec![])),
        ("9f018202039f0405ffff", nested()),
        ("9f01820203820405ff", nested()),
        ("83018202039f0405ff", nested()),
        ("83019f0203ff820405", nested()),
        (
            "9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff",
            one_to_25(),
        ),
        ("bf61610161629f0203ffff", a1b23),
        (
            "826161bf61626163ff",
            arr(vec![t("a"), map(vec![(t("b"), t("c"))])]),
        ),
        (
            "bf6346756ef563416d7421ff",
            map(vec![(t("Fun"), Value::Bool(true)), (t("Amt"), neg(1))]),
        ),
    ]
}

#[test]
fn definite_examples_decode_and_encode_back() {
    for (bytes, expected) in definite() {
        let value = decode_value(hex(bytes)).unwrap_or_else(|e| panic!("{bytes}: {e}"));
        assert_eq!(value, expected, "{bytes}");
        assert_eq!(to_hex(&value.to_vec()), bytes, "re-encoding {bytes}");
    }
}

#[test]
fn float_examples_decode_to_their_values_and_encode_at_their_width() {
    for (bytes, expected, width) in floats() {
        let value = decode_value(hex(bytes)).unwrap_or_else(|e| panic!("{bytes}: {e}"));
        let Value::Float(got) = value else {
            panic!("{bytes} decoded to {value:?}")
        };
        if expected.is_nan() {
            assert!(got.is_nan(), "{bytes}");
        } else {
            assert_eq!(got.to_bits(), expected.to_bits(), "{bytes}: {got}");
        }
        let mut out = Vec::new();
        match width {
            Some(32) => {
                Encoder::new(&mut out).f32(expected as f32);
            }
            Some(_) => {
                Encoder::new(&mut out).f64(expected);
            }
            None => continue,
        }
        assert_eq!(to_hex(&out), bytes);
    }
}

#[test]
fn indefinite_examples_decode_like_their_definite_twins() {
    for (bytes, expected) in indefinite() {
        let value = decode_value(hex(bytes)).unwrap_or_else(|e| panic!("{bytes}: {e}"));
        assert_eq!(value, expected, "{bytes}");
    }
}

#[test]
fn the_encoder_writes_the_indefinite_examples() {
    let mut out = Vec::new();
    let mut e = Encoder::new(&mut out);
    e.begin_map().str("Fun").bool(true).str("Amt").i64(-2).end();
    assert_eq!(to_hex(&out), "bf6346756ef563416d7421ff");
    out.clear();
    let mut e = Encoder::new(&mut out);
    e.begin_array()
        .u64(1)
        .array(2)
        .u64(2)
        .u64(3)
        .begin_array()
        .u64(4)
        .u64(5)
        .end()
        .end();
    assert_eq!(to_hex(&out), "9f018202039f0405ffff");
}

#[test]
fn examples_display_in_diagnostic_notation() {
    let shown = |bytes: &str| decode_value(hex(bytes)).unwrap().to_string();
    assert_eq!(shown("a26161016162820203"), r#"{"a": 1, "b": [2, 3]}"#);
    assert_eq!(shown("3bffffffffffffffff"), "-18446744073709551616");
    assert_eq!(shown("c1fb41d452d9ec200000"), "1(1363896240.5)");
    assert_eq!(shown("d74401020304"), "23(h'01020304')");
    assert_eq!(shown("f97e00"), "NaN");
    assert_eq!(shown("f9fc00"), "-Infinity");
    assert_eq!(shown("f8ff"), "simple(255)");
    assert_eq!(shown("826161a161626163"), r#"["a", {"b": "c"}]"#);
}
