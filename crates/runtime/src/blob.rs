//! The `blob` shape: raw bytes, carried as base64 text on the awsJson wire.

use std::fmt;

/// Raw bytes of a `blob` member.
#[derive(Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Blob(Vec<u8>);

impl Blob {
    /// Wraps bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self(bytes.into())
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The number of bytes, which is what `@length` constrains.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Gives the bytes back.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }

    /// Decodes standard, padded base64, as the wire carries it; anything else (missing or
    /// extra padding, another alphabet) is refused (`RestJsonBodyMalformedBlobInvalidBase64`).
    pub fn from_base64(text: &str) -> Option<Self> {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .ok()
            .map(Self)
    }

    /// Encodes as standard, padded base64.
    pub fn to_base64(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(&self.0)
    }
}

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Blob({} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for Blob {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for Blob {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::Blob;

    #[test]
    fn base64_round_trips_and_rejects_garbage() {
        let blob = Blob::from_base64("YWJj").unwrap();
        assert_eq!(blob.as_bytes(), b"abc");
        assert_eq!(blob.to_base64(), "YWJj");
        assert_eq!(Blob::from_base64("YQ==").unwrap().as_bytes(), b"a");
        // Padding is required, as restJson1's malformed-request cases require.
        assert!(Blob::from_base64("YQ").is_none());
        assert!(Blob::from_base64("YmxvYg=").is_none());
        assert!(Blob::from_base64("not base64!").is_none());
    }
}
