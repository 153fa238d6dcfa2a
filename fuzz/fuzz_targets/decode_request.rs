//! Fuzz target: request decoding plus validation of every Rekognition operation.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::decode_request(data));
