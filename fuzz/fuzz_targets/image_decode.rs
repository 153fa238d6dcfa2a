//! Fuzz target: JPEG and PNG decoding for the face operations.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::image_decode(data));
