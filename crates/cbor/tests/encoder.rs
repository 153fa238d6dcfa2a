//! The encoder's exact bytes: shortest heads at every boundary, floats at their declared width
//! with one NaN, timestamps as tag 1 around a double, appending to what the vector held.

mod common;

use common::{hex, to_hex};
use smithy_cbor::Encoder;

/// The hex of what the calls on `e` write.
macro_rules! written {
    (|$e:ident| $($calls:tt)*) => {{
        let mut out = Vec::new();
        let $e = &mut Encoder::new(&mut out);
        $($calls)*;
        to_hex(&out)
    }};
}

#[test]
fn heads_take_the_shortest_form_at_every_boundary() {
    let cases: [(u64, &str); 9] = [
        (0, "00"),
        (23, "17"),
        (24, "1818"),
        (255, "18ff"),
        (256, "190100"),
        (65_535, "19ffff"),
        (65_536, "1a00010000"),
        (4_294_967_295, "1affffffff"),
        (4_294_967_296, "1b0000000100000000"),
    ];
    for (value, bytes) in cases {
        assert_eq!(written!(|e| e.u64(value)), bytes);
        // The same head in the other major types with an argument.
        let len = usize::try_from(value).unwrap();
        for (major, head) in [
            (0x80, written!(|e| e.array(len))),
            (0xa0, written!(|e| e.map(len))),
        ] {
            let mut expected = hex(bytes).to_vec();
            expected[0] |= major;
            assert_eq!(head, to_hex(&expected));
        }
        let mut expected = hex(bytes).to_vec();
        expected[0] |= 0xc0;
        assert_eq!(written!(|e| e.tag(value)), to_hex(&expected));
        if value <= 65_536 {
            let text = "x".repeat(len);
            expected[0] ^= 0xc0 ^ 0x60;
            assert!(written!(|e| e.str(&text)).starts_with(&to_hex(&expected)));
            expected[0] ^= 0x60 ^ 0x40;
            assert!(written!(|e| e.bytes(text.as_bytes())).starts_with(&to_hex(&expected)));
        }
    }
    assert_eq!(written!(|e| e.i64(i64::MIN)), "3b7fffffffffffffff");
    assert_eq!(written!(|e| e.i64(i64::MAX)), "1b7fffffffffffffff");
    assert_eq!(written!(|e| e.i64(-24)), "37");
    assert_eq!(written!(|e| e.i64(-25)), "3818");
    assert_eq!(written!(|e| e.negative(u64::MAX)), "3bffffffffffffffff");
    assert_eq!(written!(|e| e.bytes(&[1, 2]).str("ü")), "42010262c3bc");
}

#[test]
fn floats_keep_their_declared_width_and_one_nan() {
    assert_eq!(written!(|e| e.f32(1.0)), "fa3f800000");
    assert_eq!(written!(|e| e.f64(1.0)), "fb3ff0000000000000");
    assert_eq!(written!(|e| e.f32(-0.0)), "fa80000000");
    assert_eq!(
        written!(|e| e.f32(f32::from_bits(0xffc0_1234))),
        "fa7fc00000"
    );
    assert_eq!(
        written!(|e| e.f64(f64::from_bits(0xfff8_0000_0000_0001))),
        "fb7ff8000000000000"
    );
    assert_eq!(written!(|e| e.f64(f64::NEG_INFINITY)), "fbfff0000000000000");
}

#[test]
fn timestamps_are_tag_1_around_a_double() {
    assert_eq!(written!(|e| e.timestamp_millis(0)), "c1fb0000000000000000");
    assert_eq!(
        written!(|e| e.timestamp_millis(-1_500)),
        "c1fbbff8000000000000"
    );
    assert_eq!(
        written!(|e| e.timestamp(1_363_896_240.5)),
        "c1fb41d452d9ec200000"
    );
    // RpcV2CborDateTimeWithFractionalSeconds' 946845296.123.
    assert_eq!(
        written!(|e| e.timestamp_millis(946_845_296_123)),
        "c1fb41cc37db380fbe77"
    );
}

#[test]
fn simple_values_and_containers() {
    assert_eq!(
        written!(|e| e.bool(true).bool(false).null().undefined()),
        "f5f4f6f7"
    );
    assert_eq!(written!(|e| e.simple(16).simple(255)), "f0f8ff");
    assert_eq!(
        written!(|e| e.begin_map().str("a").begin_array().end().end()),
        "bf61619fffff"
    );
}

#[test]
fn the_encoder_appends() {
    let mut out = vec![0xaa];
    let mut e = Encoder::new(&mut out);
    e.u64(1);
    assert_eq!(e.as_bytes(), [0xaa, 0x01]);
}
