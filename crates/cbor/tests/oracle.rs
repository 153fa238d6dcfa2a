//! ciborium as an oracle, on seeded random values: what ciborium writes (floats at their
//! narrowest lossless width, halves included) decodes here to the same value, and what this
//! encoder writes ciborium reads back as the value it came from. Then the same bytes, mutated:
//! nothing panics, `decode_value` and `skip` agree, and whatever decodes re-encodes to an equal
//! value (the fuzz target's property, run here on every test).

use ciborium::Value as Theirs;
use smithy_cbor::{Decoder, Value, decode_value};

/// xorshift64*: small, seeded, good enough to pick shapes and bits.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn integer(rng: &mut Rng) -> i128 {
    let edges = [
        0,
        23,
        24,
        255,
        256,
        65_535,
        65_536,
        1 << 32,
        i128::from(u64::MAX),
    ];
    let magnitude = match rng.below(3) {
        0 => edges[rng.below(edges.len() as u64) as usize],
        1 => i128::from(rng.below(1000)),
        _ => i128::from(rng.next()),
    };
    if rng.below(2) == 0 {
        magnitude
    } else {
        -1 - magnitude
    }
}

fn float(rng: &mut Rng) -> f64 {
    match rng.below(5) {
        0 => f64::from_bits(rng.next()),
        1 => f64::from(f32::from_bits(rng.next() as u32)),
        2 => half::f16::from_bits(rng.next() as u16).to_f64(),
        3 => [0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 1.5][rng.below(6) as usize],
        _ => rng.below(1 << 20) as f64 / 64.0,
    }
}

fn text(rng: &mut Rng) -> String {
    let ranges = [
        (0x20, 0x7e),
        (0xa0, 0x2ff),
        (0x4e00, 0x4fff),
        (0x1f600, 0x1f64f),
    ];
    (0..rng.below(12))
        .map(|_| {
            let (low, high) = ranges[rng.below(4) as usize];
            char::from_u32(low + rng.below(u64::from(high - low)) as u32).unwrap()
        })
        .collect()
}

fn value(rng: &mut Rng, depth: u32) -> Theirs {
    let container = depth > 0 && rng.below(3) != 0;
    match if container {
        6 + rng.below(3)
    } else {
        rng.below(6)
    } {
        0 => Theirs::Integer(integer(rng).try_into().unwrap()),
        1 => Theirs::Float(float(rng)),
        2 => Theirs::Text(text(rng)),
        3 => Theirs::Bytes((0..rng.below(10)).map(|_| rng.next() as u8).collect()),
        4 => Theirs::Bool(rng.below(2) == 0),
        5 => Theirs::Null,
        6 => Theirs::Array((0..rng.below(6)).map(|_| value(rng, depth - 1)).collect()),
        7 => Theirs::Map(
            (0..rng.below(6))
                .map(|_| {
                    let key = if rng.below(4) == 0 {
                        value(rng, 0)
                    } else {
                        Theirs::Text(text(rng))
                    };
                    (key, value(rng, depth - 1))
                })
                .collect(),
        ),
        _ => Theirs::Tag(rng.below(1 << 40), Box::new(value(rng, depth - 1))),
    }
}

fn floats_equal(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// Whether our value is theirs, item for item, in the same order.
fn same(ours: &Value, theirs: &Theirs) -> bool {
    match (ours, theirs) {
        (Value::Unsigned(_) | Value::Negative(_), Theirs::Integer(n)) => {
            ours.as_integer() == Some(i128::from(*n))
        }
        (Value::Float(a), Theirs::Float(b)) => floats_equal(*a, *b),
        (Value::Text(a), Theirs::Text(b)) => a == b,
        (Value::Bytes(a), Theirs::Bytes(b)) => a == b,
        (Value::Bool(a), Theirs::Bool(b)) => a == b,
        (Value::Null, Theirs::Null) => true,
        (Value::Tag(a, x), Theirs::Tag(b, y)) => a == b && same(x, y),
        (Value::Array(a), Theirs::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Map(a), Theirs::Map(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((k, v), (l, w))| same(k, l) && same(v, w))
        }
        _ => false,
    }
}

fn to_ours(theirs: &Theirs) -> Value {
    match theirs {
        Theirs::Integer(n) => {
            let n = i128::from(*n);
            match u64::try_from(n) {
                Ok(n) => Value::Unsigned(n),
                Err(_) => Value::Negative(u64::try_from(-1 - n).unwrap()),
            }
        }
        Theirs::Float(x) => Value::Float(*x),
        Theirs::Text(text) => Value::Text(text.clone()),
        Theirs::Bytes(bytes) => Value::Bytes(bytes.clone()),
        Theirs::Bool(b) => Value::Bool(*b),
        Theirs::Null => Value::Null,
        Theirs::Tag(tag, item) => Value::Tag(*tag, Box::new(to_ours(item))),
        Theirs::Array(items) => Value::Array(items.iter().map(to_ours).collect()),
        Theirs::Map(pairs) => Value::Map(
            pairs
                .iter()
                .map(|(k, v)| (to_ours(k), to_ours(v)))
                .collect(),
        ),
        other => panic!("not generated: {other:?}"),
    }
}

#[test]
fn we_read_what_ciborium_writes_and_it_reads_what_we_write() {
    let mut rng = Rng(0x5eed_cb0e_0000_0001);
    for case in 0..3000 {
        let theirs = value(&mut rng, 4);
        let mut bytes = Vec::new();
        ciborium::into_writer(&theirs, &mut bytes).unwrap();
        let ours = decode_value(&bytes).unwrap_or_else(|e| panic!("case {case}: {e}"));
        assert!(same(&ours, &theirs), "case {case}: {ours} vs {theirs:?}");

        let written = to_ours(&theirs).to_vec();
        let back: Theirs = ciborium::from_reader(written.as_slice()).unwrap();
        assert!(same(&to_ours(&theirs), &back), "case {case}: {back:?}");
    }
}

/// The fuzz target's property, on one input.
fn holds(bytes: &[u8]) {
    let value = decode_value(bytes);
    let mut d = Decoder::new(bytes);
    let skipped = d.skip().and_then(|()| d.finish());
    assert_eq!(value.as_ref().err(), skipped.err().as_ref(), "{bytes:02x?}");
    if let Ok(value) = value {
        assert_eq!(decode_value(&value.to_vec()), Ok(value), "{bytes:02x?}");
    }
}

#[test]
fn mutated_encodings_never_panic_and_round_trip_when_they_decode() {
    let mut rng = Rng(0x5eed_cb0e_0000_0002);
    let mut decoded = 0;
    for _ in 0..3000 {
        let mut bytes = Vec::new();
        ciborium::into_writer(&value(&mut rng, 4), &mut bytes).unwrap();
        for _ in 0..1 + rng.below(3) {
            if bytes.is_empty() {
                break;
            }
            let at = rng.below(bytes.len() as u64) as usize;
            match rng.below(3) {
                0 => bytes[at] = rng.next() as u8,
                1 => bytes.truncate(at),
                _ => bytes.insert(at, rng.next() as u8),
            }
        }
        holds(&bytes);
        decoded += usize::from(decode_value(&bytes).is_ok());
    }
    assert!(
        decoded > 100,
        "too few mutants decode to test the round trip: {decoded}"
    );
}
