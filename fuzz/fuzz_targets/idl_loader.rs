//! Fuzz target: the Smithy IDL loader on arbitrary text, as one file, two files and JSON.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::idl_loader(data));
