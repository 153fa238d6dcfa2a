//! Fuzz target: CBOR decoding of arbitrary bytes (the property is `fuzz_checks::cbor_decode`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::cbor_decode(data));
