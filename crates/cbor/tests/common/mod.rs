//! Helpers shared by the integration tests: hex in and out, and the protocol tests' bodies.

#![allow(dead_code, unreachable_pub)]

pub mod bodies;

use base64::Engine as _;

/// The bytes a hex string spells, spaces ignored; leaked, so a decoder may borrow them freely.
pub fn hex(text: &str) -> &'static [u8] {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(digits.len().is_multiple_of(2), "odd hex: {text}");
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect::<Vec<u8>>()
        .leak()
}

/// Lower-case hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bodies of the protocol test `id`, in the order the tests give them (a request test's
/// before a response test's of the same id); leaked.
pub fn bodies(id: &str) -> Vec<&'static [u8]> {
    let found: Vec<&'static [u8]> = bodies::BODIES
        .iter()
        .filter(|(_, test, _)| *test == id)
        .map(|(_, _, body)| {
            &*base64::engine::general_purpose::STANDARD
                .decode(body)
                .unwrap()
                .leak()
        })
        .collect();
    assert!(!found.is_empty(), "no protocol test {id}");
    found
}

/// The first body of the protocol test `id`.
pub fn body(id: &str) -> &'static [u8] {
    bodies(id)[0]
}
