//! Fuzz target: CBOR decoding of arbitrary bytes. Decoding never panics; `decode_value` and
//! `skip` accept the same inputs with the same error; a typed walk (the reads generated code
//! makes) accepts whatever decodes; and what decodes re-encodes to an equal value.
#![no_main]

use smithy_cbor::{Decoder, Error, Kind, decode_value};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let value = decode_value(data);
    let mut decoder = Decoder::new(data);
    let skipped = decoder.skip().and_then(|()| decoder.finish());
    assert_eq!(value.as_ref().err(), skipped.as_ref().err(), "decode_value and skip disagree");

    let mut decoder = Decoder::new(data);
    let walked = walk(&mut decoder, 0).and_then(|()| decoder.finish());
    if let Ok(value) = value {
        assert!(walked.is_ok(), "the typed walk refused what decodes: {walked:?}");
        let again = decode_value(&value.to_vec()).expect("a re-encoded value decodes");
        assert_eq!(again, value, "re-encoding changed the value");
    }
});

/// Reads one item with the typed methods, as a reader that knows nothing of the model would.
/// Tags add no nesting level in the decoder, so the walk bounds them itself.
fn walk(d: &mut Decoder<'_>, tags: usize) -> Result<(), Error> {
    match d.peek()? {
        Kind::Unsigned | Kind::Negative => d.integer().map(drop),
        Kind::Float16 | Kind::Float32 | Kind::Float64 => d.f64().map(drop),
        Kind::Text => d.str().map(drop),
        Kind::Bytes => d.bytes().map(drop),
        Kind::Bool => d.bool().map(drop),
        Kind::Null | Kind::Undefined => d.try_null().map(drop),
        Kind::Simple | Kind::Break => d.skip(),
        Kind::Array | Kind::Map => {
            let is_map = d.peek()? == Kind::Map;
            let mut container = if is_map { d.map()? } else { d.array()? };
            while d.has_next(&mut container)? {
                walk(d, tags)?;
                if is_map {
                    walk(d, tags)?;
                }
            }
            Ok(())
        }
        Kind::Tag if tags >= smithy_cbor::DEFAULT_MAX_DEPTH => d.skip(),
        Kind::Tag => {
            let mut probe = d.clone();
            if probe.timestamp().is_ok() {
                *d = probe;
                return Ok(());
            }
            d.tag()?;
            walk(d, tags + 1)
        }
    }
}
