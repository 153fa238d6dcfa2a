//! Fuzz target: a restJson1 service end to end, from arbitrary requests to its answers.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::rest_request(data));
