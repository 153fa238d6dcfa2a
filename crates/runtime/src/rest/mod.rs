//! The restJson1 protocol's building blocks: routing a request to an operation by method, path
//! segments and query literals ([`router`]), and reading and writing the text forms HTTP
//! bindings use: percent-encoded labels and query strings, header lists, numbers, booleans,
//! timestamps and blobs in text, media types ([`text`]).

pub mod router;
pub mod text;
