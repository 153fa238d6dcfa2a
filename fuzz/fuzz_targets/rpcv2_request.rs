//! Fuzz target: requests to a generated service in rpcv2Cbor, rpcv2Json and awsJson 1.0.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::rpcv2_request(data));
