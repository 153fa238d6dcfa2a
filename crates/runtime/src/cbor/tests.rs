//! The CBOR readers on good and wrong-typed values, their messages against the JSON readers'
//! for the same mistake, bodies as parsed, and the writer read back.

use base64::Engine as _;
use serde_json::json;

use super::*;
use crate::validation::{Path, Violations};
use crate::{BigNumber, Blob, Timestamp, TimestampFormat};

type Reader<T> = fn(CborValue, &Path<'_>, &mut Violations) -> Option<T>;
type JsonReader<T> = fn(serde_json::Value, &Path<'_>, &mut Violations) -> Option<T>;

fn text(value: &str) -> CborValue {
    CborValue::Text(value.to_owned())
}

fn map(pairs: Vec<(&str, CborValue)>) -> CborValue {
    CborValue::Map(pairs.into_iter().map(|(k, v)| (text(k), v)).collect())
}

/// Reads `value` at `/n`: what was read, and the serialization error if any.
fn read_at<T>(read: Reader<T>, value: CborValue) -> (Option<T>, Option<String>) {
    let mut v = Violations::new();
    let root = Path::root();
    let read = read(value, &root.member("n"), &mut v);
    (read, v.malformed_reason().map(str::to_owned))
}

fn good<T>(read: Reader<T>, value: CborValue) -> T {
    match read_at(read, value) {
        (Some(read), None) => read,
        (_, reason) => panic!("refused: {reason:?}"),
    }
}

fn refused<T>(read: Reader<T>, value: CborValue) -> String {
    let (_, reason) = read_at(read, value);
    reason.expect("a serialization error")
}

fn json_refused<T>(read: JsonReader<T>, value: serde_json::Value) -> String {
    let mut v = Violations::new();
    let root = Path::root();
    let _ = read(value, &root.member("n"), &mut v);
    v.malformed_reason()
        .expect("a serialization error")
        .to_owned()
}

#[test]
fn scalars_of_the_right_type_are_read() {
    assert_eq!(good(string, text("hi")), "hi");
    assert!(good(boolean, CborValue::Bool(true)));
    assert_eq!(good(byte, CborValue::Negative(127)), -128);
    assert_eq!(good(short, CborValue::Unsigned(32_767)), 32_767);
    assert_eq!(good(int, CborValue::Negative(0)), -1);
    assert_eq!(good(long, CborValue::Negative(i64::MAX as u64)), i64::MIN);
    assert_eq!(good(double, CborValue::Float(1.5)), 1.5);
    assert_eq!(good(double, CborValue::Unsigned(3)), 3.0);
    assert_eq!(good(float, CborValue::Float(7.625)), 7.625);
    assert_eq!(good(float, CborValue::Negative(1)), -2.0);
    assert!(good(double, CborValue::Float(f64::NAN)).is_nan());
    assert_eq!(
        good(float, CborValue::Float(f64::NEG_INFINITY)),
        f32::NEG_INFINITY
    );
    assert_eq!(
        good(blob, CborValue::Bytes(b"foo".to_vec())),
        Blob::new(b"foo".to_vec())
    );
}

#[test]
fn floats_of_any_width_are_read_from_the_wire() {
    // {"d": 1.5 as a half, "f": 7.625 as a half, "i": 56 in one byte}, as in
    // RpcV2CborSupportsUpcastingData.
    let body = b"\xa3\x61d\xf9\x3e\x00\x61f\xf9\x47\xa0\x61i\x18\x38";
    let mut object = object(
        parse_body(body, 8).unwrap(),
        &Path::root(),
        &mut Violations::new(),
    )
    .unwrap();
    assert_eq!(good(double, take(&mut object, "d").unwrap()), 1.5);
    assert_eq!(good(float, take(&mut object, "f").unwrap()), 7.625);
    assert_eq!(good(int, take(&mut object, "i").unwrap()), 56);
}

#[test]
fn timestamps_are_tag_one_or_a_bare_number_of_seconds() {
    let tagged = |seconds: CborValue| CborValue::Tag(1, Box::new(seconds));
    let read = |value| {
        good(
            |v, p, vs| timestamp(v, TimestampFormat::DateTime, p, vs),
            value,
        )
    };
    assert_eq!(read(tagged(CborValue::Unsigned(5))), Timestamp::new(5, 0));
    assert_eq!(
        read(tagged(CborValue::Float(946_845_296.123))),
        Timestamp::new(946_845_296, 123_000_000)
    );
    assert_eq!(read(CborValue::Negative(0)), Timestamp::new(-1, 0));
    assert_eq!(
        read(CborValue::Float(-1.5)),
        Timestamp::new(-2, 500_000_000)
    );
    let refused_as = |value| {
        refused(
            |v, p, vs| timestamp(v, TimestampFormat::EpochSeconds, p, vs),
            value,
        )
    };
    let expected = "expected a timestamp as epoch seconds at '/n'";
    assert_eq!(refused_as(text("2000-01-01T00:00:00Z")), expected);
    assert_eq!(refused_as(CborValue::Tag(0, Box::new(text("x")))), expected);
    assert_eq!(refused_as(tagged(CborValue::Float(f64::NAN))), expected);
    assert_eq!(refused_as(CborValue::Float(1e300)), expected);
}

#[test]
fn big_numbers_take_integers_floats_bignums_and_decimal_fractions() {
    let number = |value| good(big_decimal, value).as_str().to_owned();
    assert_eq!(number(CborValue::Negative(41)), "-42");
    assert_eq!(number(CborValue::Float(1.5)), "1.5");
    assert_eq!(
        number(CborValue::Tag(
            2,
            Box::new(CborValue::Bytes(vec![1, 0, 0, 0, 0, 0, 0, 0, 0]))
        )),
        "18446744073709551616"
    );
    let fraction = CborValue::Tag(
        4,
        Box::new(CborValue::Array(vec![
            CborValue::Negative(1),
            CborValue::Unsigned(27315),
        ])),
    );
    assert_eq!(number(fraction.clone()), "273.15");
    assert_eq!(
        good(big_integer, CborValue::Unsigned(42)),
        BigNumber::parse("42").unwrap()
    );
    assert_eq!(
        refused(big_integer, fraction),
        "expected an integer but found 273.15 at '/n'"
    );
    assert_eq!(
        refused(big_decimal, CborValue::Float(f64::NAN)),
        "expected a number but found NaN at '/n'"
    );
    assert_eq!(
        refused(
            big_decimal,
            CborValue::Tag(4, Box::new(CborValue::Unsigned(1)))
        ),
        "expected a decimal fraction as [exponent, mantissa] of integers at '/n'"
    );
    assert_eq!(
        refused(
            big_decimal,
            CborValue::Tag(5, Box::new(CborValue::Array(Vec::new())))
        ),
        "expected a number but found a tagged item at '/n'"
    );
}

#[test]
fn type_mismatches_name_what_was_found() {
    let bytes = CborValue::Bytes(vec![1]);
    assert_eq!(
        refused(string, bytes.clone()),
        "expected a string but found a byte string at '/n'"
    );
    assert_eq!(
        refused(blob, text("Zm9v")),
        "expected a byte string but found a string at '/n'"
    );
    assert_eq!(
        refused(int, bytes),
        "expected an integer but found a byte string at '/n'"
    );
    assert_eq!(
        refused(int, CborValue::Float(1.0)),
        "expected an integer but found 1.0 at '/n'"
    );
    assert_eq!(
        refused(byte, CborValue::Unsigned(128)),
        "expected a byte but found 128 at '/n'"
    );
    assert_eq!(
        refused(long, CborValue::Unsigned(u64::MAX)),
        "expected a long but found 18446744073709551615 at '/n'"
    );
    assert_eq!(
        refused(double, text("NaN")),
        "expected a number but found a string at '/n'"
    );
    assert_eq!(
        refused(boolean, CborValue::Undefined),
        "expected a boolean but found undefined at '/n'"
    );
    assert_eq!(
        refused(array, map(vec![])),
        "expected an array but found an object at '/n'"
    );
    assert_eq!(
        refused(document, CborValue::Null),
        "documents are not supported in CBOR at '/n'"
    );
    assert_eq!(
        refused(
            unit,
            CborValue::Map(vec![(CborValue::Unsigned(1), CborValue::Null)])
        ),
        "expected a string as a map key but found a number at '/n'"
    );
    assert_eq!(
        refused(not_null, CborValue::Null),
        "expected a value (the collection is not sparse) but found null at '/n'"
    );
}

/// The same mistake, made in JSON and in CBOR, is reported with the same words at the same path.
#[test]
fn messages_match_the_json_readers() {
    fn same<T, U>(cbor: Reader<T>, value: CborValue, json: JsonReader<U>, sent: serde_json::Value) {
        assert_eq!(refused(cbor, value), json_refused(json, sent));
    }
    same(int, text("1"), crate::json::int, json!("1"));
    same(
        byte,
        CborValue::Unsigned(128),
        crate::json::byte,
        json!(128),
    );
    same(short, CborValue::Float(1.5), crate::json::short, json!(1.5));
    same(
        string,
        CborValue::Unsigned(5),
        crate::json::string,
        json!(5),
    );
    same(
        string,
        CborValue::Array(vec![]),
        crate::json::string,
        json!([]),
    );
    same(boolean, map(vec![]), crate::json::boolean, json!({}));
    same(
        double,
        CborValue::Bool(true),
        crate::json::double,
        json!(true),
    );
    same(
        object,
        CborValue::Array(vec![]),
        crate::json::object,
        json!([]),
    );
    same(array, text("x"), crate::json::array, json!("x"));
    same(
        big_integer,
        CborValue::Float(2.5),
        crate::json::big_integer,
        json!(2.5),
    );
    same(big_decimal, text("1"), crate::json::big_decimal, json!("1"));
    same(
        |v, p, vs| timestamp(v, TimestampFormat::EpochSeconds, p, vs),
        text("x"),
        |v, p, vs| crate::json::timestamp(v, TimestampFormat::EpochSeconds, p, vs),
        json!("x"),
    );
    same(
        not_null,
        CborValue::Null,
        crate::json::not_null,
        json!(null),
    );
}

#[derive(Debug)]
struct Input {
    name: Option<String>,
    count: i32,
    tags: Option<Vec<String>>,
}

fn read_input(value: CborValue, path: &Path<'_>, v: &mut Violations) -> Option<Input> {
    let mut object = Members::read(value, path, v)?;
    let name = object.required(Field::sensitive("name"), path, v, |value, path, v| {
        let name = string(value, path, v)?;
        v.length(path, name.chars().count(), Some(2), None, Some(&name));
        Some(name)
    });
    let count = object.with_default("count", path, v, int, 7);
    let tags = object.optional("tags", path, v, |value, path, v| {
        described_list(value, path, v, Items::new().unique(), |value, path, v| {
            let tag = string(value, path, v)?;
            v.length(path, tag.len(), None, Some(3), Some(&tag));
            Some(tag)
        })
    });
    Some(Input {
        name,
        count: count?,
        tags,
    })
}

#[test]
fn members_are_taken_as_json_members_are() {
    let input = decode(
        map(vec![
            ("name", text("Ann")),
            ("count", CborValue::Null),
            ("extra", CborValue::Undefined),
            ("tags", CborValue::Array(vec![text("a")])),
        ]),
        read_input,
    )
    .map_err(|_| ())
    .unwrap();
    assert_eq!(input.name.as_deref(), Some("Ann"));
    assert_eq!(input.count, 7);
    assert_eq!(input.tags, Some(vec!["a".to_owned()]));
    let missing = decode(map(vec![("name", CborValue::Null)]), read_input).unwrap_err();
    let crate::operation::DecodeError::Invalid(violations) = missing else {
        panic!("{missing:?}");
    };
    assert_eq!(violations.count(), 1);
}

/// Constraint violations read from CBOR are the ones read from the same JSON, message for
/// message, in both dialects.
#[test]
fn violations_match_the_json_readers() {
    fn read_json(value: serde_json::Value, path: &Path<'_>, v: &mut Violations) -> Option<()> {
        let mut object = crate::json::Members::read(value, path, v)?;
        let _ = object.required(
            crate::json::Field::sensitive("name"),
            path,
            v,
            |value, path, v| {
                let name = crate::json::string(value, path, v)?;
                v.length(path, name.chars().count(), Some(2), None, Some(&name));
                Some(name)
            },
        );
        let _ = object.optional("tags", path, v, |value, path, v| {
            crate::json::described_list(value, path, v, Items::new().unique(), |value, path, v| {
                let tag = crate::json::string(value, path, v)?;
                v.length(path, tag.len(), None, Some(3), Some(&tag));
                Some(tag)
            })
        });
        Some(())
    }
    let cbor_body = map(vec![
        ("name", text("A")),
        (
            "tags",
            CborValue::Array(vec![text("long"), text("ok"), text("ok")]),
        ),
    ]);
    let json_body = json!({"name": "A", "tags": ["long", "ok", "ok"]});
    let mut from_cbor = Violations::new();
    let _ = read_input(cbor_body, &Path::root(), &mut from_cbor);
    let mut from_json = Violations::new();
    let _ = read_json(json_body, &Path::root(), &mut from_json);
    assert_eq!(from_cbor.count(), 3);
    assert_eq!(from_cbor.aws_message(), from_json.aws_message());
    assert_eq!(from_cbor.smithy_report(), from_json.smithy_report());
    assert!(
        from_cbor.aws_message().contains("[long, ok, ok]"),
        "{}",
        from_cbor.aws_message()
    );
}

#[test]
fn lists_and_maps_read_as_json_ones_do() {
    let root = Path::root();
    let mut v = Violations::new();
    let items = CborValue::Array(vec![CborValue::Unsigned(1), CborValue::Null]);
    let sparse = sparse_list(items.clone(), &root, &mut v, Items::new(), int);
    assert_eq!(sparse, Some(vec![Some(1), None]));
    assert!(v.is_empty());
    assert_eq!(list(items, &root, &mut v, Items::new(), int), Some(vec![1]));
    assert_eq!(
        v.malformed_reason(),
        Some("expected a value (the collection is not sparse) but found null at '/1'")
    );

    let entries = map(vec![("b", CborValue::Null), ("a", CborValue::Unsigned(2))]);
    let mut v = Violations::new();
    let read = sparse_map(entries.clone(), &root, &mut v, Items::new(), key, int).unwrap();
    assert_eq!(read.get("a"), Some(&Some(2)));
    assert_eq!(read.get("b"), Some(&None));
    let read = super::map(entries, &root, &mut v, Items::new(), key, int).unwrap();
    assert_eq!(read.len(), 1);
    assert_eq!(
        v.malformed_reason(),
        Some("expected a value (the collection is not sparse) but found null at '/b'")
    );
}

#[test]
fn described_maps_quote_the_map_as_json_does() {
    let read_key = |key: String, path: &Path<'_>, v: &mut Violations| {
        v.length(path, key.len(), None, Some(1), Some(&key));
        Some(key)
    };
    let mut from_cbor = Violations::new();
    let sent = map(vec![
        ("a", CborValue::Unsigned(1)),
        ("bb", CborValue::Float(2.5)),
    ]);
    let _ = described_map(
        sent,
        &Path::root(),
        &mut from_cbor,
        Items::new(),
        read_key,
        double,
    );
    let mut from_json = Violations::new();
    let sent = json!({"a": 1, "bb": 2.5});
    let _ = crate::json::described_map(
        sent,
        &Path::root(),
        &mut from_json,
        Items::new(),
        read_key,
        crate::json::double,
    );
    assert_eq!(from_cbor.aws_message(), from_json.aws_message());
    assert!(
        from_cbor.aws_message().contains("{a=1, bb=2.5}"),
        "{}",
        from_cbor.aws_message()
    );
}

#[test]
fn unique_items_compare_by_meaning() {
    let pair = |a, b| map(vec![("a", a), ("b", b)]);
    let one = pair(CborValue::Unsigned(1), text("x"));
    let reordered = CborValue::Map(vec![
        (text("b"), text("x")),
        (text("a"), CborValue::Unsigned(1)),
    ]);
    assert!(has_duplicates(&[one.clone(), reordered]));
    assert!(!has_duplicates(&[
        one,
        pair(CborValue::Unsigned(2), text("x"))
    ]));
    assert!(has_duplicates(&[
        CborValue::Bytes(vec![1]),
        CborValue::Bytes(vec![1])
    ]));
    assert!(!has_duplicates(&[
        CborValue::Float(1.5),
        CborValue::Float(2.5)
    ]));
}

#[test]
fn bodies_are_one_item_without_repeated_keys() {
    assert_eq!(parse_body(b"", 8).unwrap(), CborValue::Map(Vec::new()));
    assert_eq!(
        parse_body(b"\xbf\xff", 8).unwrap(),
        CborValue::Map(Vec::new())
    );
    assert_eq!(
        parse_body(b"\xa0\x00", 8).unwrap_err(),
        "malformed CBOR: bytes follow the end of the item at byte 1"
    );
    assert_eq!(
        parse_body(b"\xa1\x61a", 8).unwrap_err(),
        "malformed CBOR: input ends before the item is complete at byte 3"
    );
    // {"x": [{"a": 1, "a": 2}]}
    assert_eq!(
        parse_body(b"\xa1\x61x\x81\xa2\x61a\x01\x61a\x02", 8).unwrap_err(),
        "malformed CBOR: duplicate key \"a\""
    );
    assert!(parse_body(b"\x81\x81\x81\x00", 3).is_ok());
    assert!(
        parse_body(b"\x81\x81\x81\x81\x00", 3)
            .unwrap_err()
            .contains("nested deeper than 3")
    );
}

fn written(write: impl FnOnce(&mut CborWriter)) -> CborValue {
    let mut writer = CborWriter::new();
    write(&mut writer);
    smithy_cbor::decode_value(&writer.finish()).unwrap()
}

#[test]
fn the_writer_reads_back() {
    let value = written(|w| {
        let mut o = w.object();
        o.key("s").string("é\"");
        o.key("b").boolean(false);
        o.key("i").integer(-5_i32);
        o.key("l").integer(i64::MAX);
        o.key("d").double(f64::NAN);
        o.key("f").float(f32::INFINITY);
        o.key("n").big_number(&BigNumber::parse("-1.5").unwrap());
        o.key("blob").blob(&Blob::new(vec![0, 255]));
        o.key("t")
            .timestamp(&Timestamp::new(1, 500_000_000), TimestampFormat::DateTime);
        o.key("doc").document(&json!({"a": 1}));
        let mut items = o.key("list").array();
        items.item().null();
        items.item().object();
    });
    let fraction = CborValue::Array(vec![CborValue::Negative(0), CborValue::Negative(14)]);
    let expected = map(vec![
        ("s", text("é\"")),
        ("b", CborValue::Bool(false)),
        ("i", CborValue::Negative(4)),
        ("l", CborValue::Unsigned(i64::MAX as u64)),
        ("d", CborValue::Float(f64::NAN)),
        ("f", CborValue::Float(f64::INFINITY)),
        ("n", CborValue::Tag(4, Box::new(fraction))),
        ("blob", CborValue::Bytes(vec![0, 255])),
        ("t", CborValue::Tag(1, Box::new(CborValue::Float(1.5)))),
        ("doc", CborValue::Null),
        ("list", CborValue::Array(vec![CborValue::Null, map(vec![])])),
    ]);
    assert_eq!(value, expected);
}

#[test]
fn floats_keep_their_width_and_containers_stream() {
    let mut writer = CborWriter::new();
    {
        let mut o = writer.object();
        o.key("f").float(7.625);
        o.key("d").double(1.889);
    }
    let bytes = writer.finish();
    let expected = b"\xbf\x61f\xfa\x40\xf4\x00\x00\x61d\xfb\x3f\xfe\x39\x58\x10\x62\x4d\xd3\xff";
    assert_eq!(bytes, expected);
    assert_eq!(encode(&(), |(), w| w.null()), vec![0xf6]);
}

/// What the writer writes for the protocol tests' outputs equals their expected bodies.
#[test]
fn the_protocol_tests_expected_bodies_are_written() {
    let expected = |base64: &str| {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(base64)
            .unwrap();
        smithy_cbor::decode_value(&bytes).unwrap()
    };
    // RpcV2CborSimpleScalarProperties.
    let scalars = written(|w| {
        let mut o = w.object();
        o.key("trueBooleanValue").boolean(true);
        o.key("falseBooleanValue").boolean(false);
        o.key("byteValue").integer(5_i8);
        o.key("doubleValue").double(1.889);
        o.key("floatValue").float(7.625);
        o.key("integerValue").integer(256);
        o.key("shortValue").integer(9898_i16);
        o.key("stringValue").string("simple");
        o.key("blobValue").blob(&Blob::new(b"foo".to_vec()));
    });
    assert_eq!(
        scalars,
        expected(
            "v3B0cnVlQm9vbGVhblZhbHVl9XFmYWxzZUJvb2xlYW5WYWx1ZfRpYnl0ZVZhbHVlBWtkb3VibGVWYWx1Zfs//jlYEGJN02pmbG9hdFZhbHVl+kD0AABsaW50ZWdlclZhbHVlGQEAanNob3J0VmFsdWUZJqprc3RyaW5nVmFsdWVmc2ltcGxlaWJsb2JWYWx1ZUNmb2//"
        )
    );
    // RpcV2CborDateTimeWithFractionalSeconds.
    let datetime = Timestamp::parse_utc_date_time("2000-01-02T20:34:56.123Z").unwrap();
    let seconds = written(|w| {
        w.object()
            .key("datetime")
            .timestamp(&datetime, TimestampFormat::DateTime);
    });
    assert_eq!(seconds, expected("v2hkYXRldGltZcH7Qcw32zgPvnf/"));
    // RpcV2CborEmptyComplexError's body, as an error's `__type` alone.
    let error = written(|w| {
        w.object()
            .key("__type")
            .string("smithy.protocoltests.rpcv2Cbor#ComplexError");
    });
    assert_eq!(
        error,
        expected("v2ZfX3R5cGV4K3NtaXRoeS5wcm90b2NvbHRlc3RzLnJwY3YyQ2JvciNDb21wbGV4RXJyb3L/")
    );
}

/// A union read as the generator reads one in JSON, over a CBOR object: the one member set is
/// found among the members that are not null.
#[test]
fn unions_are_read_as_generated_code_reads_them() {
    fn read_union(value: CborValue, path: &Path<'_>, v: &mut Violations) -> Option<String> {
        let mut object = object(value, path, v)?;
        object.remove("__type");
        let set: Vec<&str> = object
            .iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(name, _)| name.as_str())
            .collect();
        let [name] = set.as_slice() else {
            v.malformed(path, "a union must have exactly one member set");
            return None;
        };
        let name = (*name).to_owned();
        let mut object = Members::from(object);
        match name.as_str() {
            "text" => object.optional("text", path, v, string),
            _ => None,
        }
    }
    let union = map(vec![
        ("__type", text("ignored")),
        ("blob", CborValue::Null),
        ("text", text("hi")),
    ]);
    assert_eq!(good(read_union, union), "hi");
    let two = map(vec![
        ("blob", CborValue::Bytes(vec![])),
        ("text", text("hi")),
    ]);
    assert_eq!(
        refused(read_union, two),
        "a union must have exactly one member set at '/n'"
    );
}
