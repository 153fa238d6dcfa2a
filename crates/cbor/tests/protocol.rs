//! Smithy's rpcv2Cbor protocol tests, at the codec's level: every body decodes and re-encodes to
//! an equal value; a reader written the way generated code will be reads the request bodies
//! into the parameters the tests give; and the encoder writes the server response bodies the
//! tests expect, byte for byte.

mod common;

use common::bodies::BODIES;
use common::{bodies, body, hex};
use smithy_cbor::{Decoder, Encoder, Epoch, Error, SeenMembers, Value, decode_value};

#[test]
fn every_body_decodes_skips_and_round_trips() {
    assert!(BODIES.len() >= 70, "{}", BODIES.len());
    for (file, id, _) in BODIES {
        for bytes in bodies(id) {
            let value = decode_value(bytes).unwrap_or_else(|e| panic!("{file} {id}: {e}"));
            let mut d = Decoder::new(bytes);
            d.skip().and_then(|()| d.finish()).unwrap();
            assert_eq!(
                decode_value(&value.to_vec()).as_ref(),
                Ok(&value),
                "{file} {id}"
            );
        }
    }
}

/// `SimpleScalarStructure`, as a generated input type would hold it.
#[derive(Debug, Default, Clone, PartialEq)]
struct SimpleScalars {
    true_boolean_value: Option<bool>,
    false_boolean_value: Option<bool>,
    byte_value: Option<i8>,
    double_value: Option<f64>,
    float_value: Option<f32>,
    integer_value: Option<i32>,
    long_value: Option<i64>,
    short_value: Option<i16>,
    string_value: Option<String>,
    blob_value: Option<Vec<u8>>,
}

const MEMBERS: [&str; 10] = [
    "trueBooleanValue",
    "falseBooleanValue",
    "byteValue",
    "doubleValue",
    "floatValue",
    "integerValue",
    "longValue",
    "shortValue",
    "stringValue",
    "blobValue",
];

/// A reader as the generator will write it: match the key, refuse a repeat, treat null as
/// absent, skip what the model does not know, read each member straight into its type.
fn read_simple_scalars(bytes: &[u8]) -> Result<SimpleScalars, Error> {
    let mut d = Decoder::new(bytes);
    let mut out = SimpleScalars::default();
    let mut seen = SeenMembers::<1>::new();
    let mut map = d.map()?;
    while d.has_next(&mut map)? {
        let key_at = d.position();
        let key = d.str()?;
        let Some(index) = MEMBERS.iter().position(|member| *member == key) else {
            d.skip()?;
            continue;
        };
        seen.insert(index, key_at)?;
        if d.try_null()? {
            continue;
        }
        match index {
            0 => out.true_boolean_value = Some(d.bool()?),
            1 => out.false_boolean_value = Some(d.bool()?),
            2 => out.byte_value = Some(d.i8()?),
            3 => out.double_value = Some(d.f64()?),
            4 => out.float_value = Some(d.f32()?),
            5 => out.integer_value = Some(d.i32()?),
            6 => out.long_value = Some(d.i64()?),
            7 => out.short_value = Some(d.i16()?),
            8 => out.string_value = Some(d.str()?.into_owned()),
            _ => out.blob_value = Some(d.bytes()?.into_owned()),
        }
    }
    d.finish()?;
    Ok(out)
}

fn all_scalars() -> SimpleScalars {
    SimpleScalars {
        true_boolean_value: Some(true),
        false_boolean_value: Some(false),
        byte_value: Some(5),
        double_value: Some(1.889),
        float_value: Some(7.625),
        integer_value: Some(256),
        long_value: Some(9873),
        short_value: Some(9898),
        string_value: Some("simple".into()),
        blob_value: Some(b"foo".to_vec()),
    }
}

#[test]
fn a_typed_reader_reads_the_scalar_request_bodies() {
    for id in [
        "RpcV2CborSimpleScalarProperties",
        "RpcV2CborSimpleScalarPropertiesUsingIndefiniteLength",
        "RpcV2CborExtraFieldsInTheBodyShouldBeSkippedByServers",
        "RpcV2CborServersShouldHandleNoAcceptHeader",
    ] {
        assert_eq!(read_simple_scalars(body(id)), Ok(all_scalars()), "{id}");
    }
    let upcast = read_simple_scalars(body("RpcV2CborSupportsUpcastingData")).unwrap();
    let expected = SimpleScalars {
        double_value: Some(1.5),
        float_value: Some(7.625),
        integer_value: Some(56),
        long_value: Some(256),
        short_value: Some(10),
        ..SimpleScalars::default()
    };
    assert_eq!(upcast, expected);
    let null = read_simple_scalars(body("RpcV2CborServerDoesntDeSerializeNullStructureValues"));
    assert_eq!(null, Ok(SimpleScalars::default()));
    let text = read_simple_scalars(body("RpcV2CborIndefiniteLengthStringsCanBeDeserialized"));
    let text = text.unwrap().string_value.unwrap();
    assert_eq!(text, "An example indefinite string, chunked on comma");
    let blob = read_simple_scalars(body(
        "RpcV2CborIndefiniteLengthByteStringsCanBeDeserialized",
    ));
    let blob = blob.unwrap().blob_value.unwrap();
    assert_eq!(blob, b"An example indefinite-byte string, chunked on comma");
}

#[test]
fn a_typed_reader_reads_nan_and_infinities() {
    let read = |id| read_simple_scalars(body(id)).unwrap();
    let nan = read("RpcV2CborSupportsNaNFloatInputs");
    assert!(nan.double_value.unwrap().is_nan() && nan.float_value.unwrap().is_nan());
    let inf = read("RpcV2CborSupportsInfinityFloatInputs");
    assert_eq!(
        (inf.double_value, inf.float_value),
        (Some(f64::INFINITY), Some(f32::INFINITY))
    );
    let neg = read("RpcV2CborSupportsNegativeInfinityFloatInputs");
    let expected = (Some(f64::NEG_INFINITY), Some(f32::NEG_INFINITY));
    assert_eq!((neg.double_value, neg.float_value), expected);
}

#[test]
fn a_repeated_member_is_refused() {
    // {"byteValue": 5, "byteValue": 6}
    let body = hex("a2696279746556616c756505696279746556616c756506");
    let error = read_simple_scalars(body).unwrap_err();
    assert_eq!(
        (error.kind(), error.offset()),
        (smithy_cbor::ErrorKind::DuplicateKey, 12)
    );
}

/// Reads `{"value": <double>}`, the output of the float16 tests.
fn read_value_member(bytes: &[u8]) -> f64 {
    let mut d = Decoder::new(bytes);
    let mut map = d.map().unwrap();
    assert!(d.has_next(&mut map).unwrap());
    assert_eq!(d.str().as_deref(), Ok("value"));
    let value = d.f64().unwrap();
    assert!(!d.has_next(&mut map).unwrap());
    d.finish().unwrap();
    value
}

#[test]
fn half_floats_upcast() {
    assert_eq!(
        read_value_member(body("RpcV2CborFloat16Inf")),
        f64::INFINITY
    );
    assert_eq!(
        read_value_member(body("RpcV2CborFloat16NegInf")),
        f64::NEG_INFINITY
    );
    assert!(read_value_member(body("RpcV2CborFloat16LSBNaN")).is_nan());
    assert!(read_value_member(body("RpcV2CborFloat16MSBNaN")).is_nan());
    let subnormal = read_value_member(body("RpcV2CborFloat16Subnormal"));
    assert_eq!(subnormal, 0.000_004_768_371_582_031_25);
}

#[test]
fn timestamps_with_fractional_seconds() {
    let mut d = Decoder::new(body("RpcV2CborDateTimeWithFractionalSeconds"));
    let mut map = d.map().unwrap();
    assert!(d.has_next(&mut map).unwrap());
    assert_eq!(d.str().as_deref(), Ok("datetime"));
    let epoch = d.timestamp().unwrap();
    assert_eq!(epoch.to_millis(), Some(946_845_296_123));
    // The encoder writes that instant back as the same double.
    let mut out = Vec::new();
    Encoder::new(&mut out).timestamp_millis(946_845_296_123);
    assert_eq!(Decoder::new(&out).timestamp(), Ok(epoch));
}

fn read_list<T>(d: &mut Decoder<'_>, mut read: impl FnMut(&mut Decoder<'_>) -> T) -> Vec<T> {
    let mut list = d.array().unwrap();
    let mut items = Vec::with_capacity(list.capacity_for::<T>());
    while d.has_next(&mut list).unwrap() {
        items.push(read(d));
    }
    items
}

#[test]
fn lists_of_timestamps_and_of_chunked_strings() {
    let mut d = Decoder::new(body("RpcV2CborLists"));
    let mut map = d.map().unwrap();
    let mut timestamps = None;
    while d.has_next(&mut map).unwrap() {
        match d.str().unwrap().as_ref() {
            "timestampList" => timestamps = Some(read_list(&mut d, |d| d.timestamp().unwrap())),
            _ => d.skip().unwrap(),
        }
    }
    assert_eq!(timestamps, Some(vec![Epoch::Float(1_398_796_238.0); 2]));
    let expected = [
        "An example indefinite string, which will be chunked, on each comma",
        "Another example indefinite string with only one chunk",
        "This is a plain string",
    ];
    for id in [
        "RpcV2CborIndefiniteStringInsideIndefiniteList",
        "RpcV2CborIndefiniteStringInsideDefiniteList",
    ] {
        let mut d = Decoder::new(body(id));
        let mut map = d.map().unwrap();
        assert!(d.has_next(&mut map).unwrap());
        assert_eq!(d.str().as_deref(), Ok("stringList"));
        let list = read_list(&mut d, |d| d.str().unwrap().into_owned());
        assert_eq!(list, expected, "{id}");
    }
}

#[test]
fn sparse_maps_keep_their_nulls() {
    let value = decode_value(body("RpcV2CborDeserializesSparseSetMapAndRetainsNull")).unwrap();
    let map = value.get("sparseSetMap").unwrap();
    assert_eq!(map.get("z"), Some(&Value::Null));
    assert_eq!(map.get("x"), Some(&Value::Array(vec![])));
}

/// Writes the body of `RpcV2CborServerPopulatesDefaultsInResponseWhenMissingInParams` as a
/// generated serializer would: members in model order, each at its Smithy type's width.
fn write_defaults(e: &mut Encoder<'_>) {
    e.begin_map();
    e.str("defaultString").str("hi");
    e.str("defaultBoolean").bool(true);
    e.str("defaultList").array(0);
    e.str("defaultTimestamp").timestamp_millis(0);
    e.str("defaultBlob").bytes(b"abc");
    e.str("defaultByte").i64(1);
    e.str("defaultShort").i64(1);
    e.str("defaultInteger").i64(10);
    e.str("defaultLong").i64(100);
    e.str("defaultFloat").f32(1.0);
    e.str("defaultDouble").f64(1.0);
    e.str("defaultMap").map(0);
    e.str("defaultEnum").str("FOO");
    e.str("defaultIntEnum").i64(1);
    e.str("emptyString").str("");
    e.str("falseBoolean").bool(false);
    e.str("emptyBlob").bytes(b"");
    for member in ["zeroByte", "zeroShort", "zeroInteger", "zeroLong"] {
        e.str(member).i64(0);
    }
    e.str("zeroFloat").f32(0.0);
    e.str("zeroDouble").f64(0.0);
    e.end();
}

#[test]
fn the_encoder_writes_the_expected_response_bodies_byte_for_byte() {
    let mut out = Vec::new();
    write_defaults(&mut Encoder::new(&mut out));
    let id = "RpcV2CborServerPopulatesDefaultsInResponseWhenMissingInParams";
    assert_eq!(out, body(id));

    let s = all_scalars();
    let mut out = Vec::new();
    let mut e = Encoder::new(&mut out);
    e.begin_map();
    e.str("trueBooleanValue")
        .bool(true)
        .str("falseBooleanValue")
        .bool(false);
    e.str("byteValue").i64(5).str("doubleValue").f64(1.889);
    e.str("floatValue").f32(7.625).str("integerValue").i64(256);
    e.str("shortValue")
        .i64(9898)
        .str("stringValue")
        .str("simple");
    e.str("blobValue")
        .bytes(s.blob_value.as_deref().unwrap())
        .end();
    assert_eq!(out, bodies("RpcV2CborSimpleScalarProperties")[1]);

    let mut out = Vec::new();
    let mut e = Encoder::new(&mut out);
    e.begin_map()
        .str("doubleValue")
        .f64(f64::NAN)
        .str("floatValue")
        .f32(-f32::NAN)
        .end();
    assert_eq!(out, body("RpcV2CborSupportsNaNFloatOutputs"));

    let mut out = Vec::new();
    let mut e = Encoder::new(&mut out);
    e.begin_map()
        .str("__type")
        .str("smithy.protocoltests.rpcv2Cbor#InvalidGreeting");
    e.str("Message").str("Hi").end();
    assert_eq!(out, body("RpcV2CborInvalidGreetingError"));
}

#[test]
fn values_compare_bodies_by_meaning() {
    // The same members in a definite-length map and an indefinite-length one.
    let definite = decode_value(body("RpcV2CborSimpleScalarPropertiesUsingDefiniteLength"));
    let indefinite = decode_value(bodies("RpcV2CborSimpleScalarProperties")[1]);
    assert_eq!(definite.as_ref().unwrap(), indefinite.as_ref().unwrap());
    // In another order.
    let Ok(Value::Map(mut pairs)) = definite else {
        panic!("not a map")
    };
    pairs.reverse();
    assert_eq!(Value::Map(pairs.clone()), indefinite.clone().unwrap());
    pairs.pop();
    assert_ne!(Value::Map(pairs), indefinite.unwrap());
    // Floats of every width, not integers.
    let one_and_a_half =
        ["f93e00", "fa3fc00000", "fb3ff8000000000000"].map(|b| decode_value(hex(b)));
    assert!(one_and_a_half.iter().all(|v| v == &one_and_a_half[0]));
    assert_ne!(decode_value(hex("01")), decode_value(hex("f93c00")));
    assert_eq!(
        decode_value(hex("f97e00")),
        decode_value(hex("fb7ff8000000000001"))
    );
    assert_ne!(decode_value(hex("f90000")), decode_value(hex("f98000")));
    // Maps as multisets of pairs.
    let twice = decode_value(hex("a3616101616101616202")).unwrap();
    assert_ne!(twice, decode_value(hex("a3616101616202616202")).unwrap());
    assert_eq!(twice, decode_value(hex("bf616202616101616101ff")).unwrap());
}
