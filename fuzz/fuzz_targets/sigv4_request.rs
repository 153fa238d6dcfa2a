//! Fuzz target: the SigV4 `Authorization` parser and verifier.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::sigv4_request(data));
