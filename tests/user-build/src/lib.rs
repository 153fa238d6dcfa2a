//! A user's crate: a generated service beside serde types of the user's own.

/// The generated weather service.
pub mod weather {
    smithy_server_runtime::include_service!("weather");
}

/// A value of the user's own configuration: a number or a name, read by serde as an untagged
/// enum (which serde_json's `arbitrary_precision` feature breaks for floats).
#[derive(Debug, PartialEq, serde::Deserialize)]
#[serde(untagged)]
pub enum Setting {
    /// A number.
    Number(f64),
    /// A name.
    Name(String),
}
