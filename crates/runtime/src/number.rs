//! `bigInteger` and `bigDecimal`: numbers kept as their exact decimal text.

use std::fmt;

/// An arbitrary-precision number, stored as the decimal text it arrived as.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BigNumber(String);

impl Default for BigNumber {
    fn default() -> Self {
        Self("0".to_owned())
    }
}

impl BigNumber {
    /// Accepts JSON number syntax only (optional minus, digits, fraction, exponent).
    pub fn parse(text: &str) -> Option<Self> {
        is_json_number(text).then(|| Self(text.to_owned()))
    }

    /// A number the code generator read from the model as JSON, so already in JSON number
    /// syntax: a `@default`.
    pub fn from_model(text: &'static str) -> Self {
        debug_assert!(is_json_number(text), "{text} is not a JSON number");
        Self(text.to_owned())
    }

    /// The exact decimal text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether it has no fraction or exponent, as a `bigInteger` must.
    pub fn is_integer(&self) -> bool {
        !self.0.contains(['.', 'e', 'E'])
    }

    /// The nearest `f64`, which is what `@range` compares against.
    pub fn to_f64(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }
}

impl fmt::Debug for BigNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for BigNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_json_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0;
    if bytes.first() == Some(&b'-') {
        at += 1;
    }
    let digits = |at: &mut usize| {
        let start = *at;
        while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at > start
    };
    if !digits(&mut at) {
        return false;
    }
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        if !digits(&mut at) {
            return false;
        }
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        if !digits(&mut at) {
            return false;
        }
    }
    at == bytes.len()
}

#[cfg(test)]
mod tests {
    use super::BigNumber;

    #[test]
    fn keeps_exact_text_and_rejects_non_numbers() {
        let n = BigNumber::parse("123456789012345678901234567890").unwrap();
        assert_eq!(n.as_str(), "123456789012345678901234567890");
        assert!(n.is_integer());
        assert!(!BigNumber::parse("1.5e3").unwrap().is_integer());
        for bad in ["", "-", "1.", ".5", "1e", "0x10", "NaN", "1 "] {
            assert!(BigNumber::parse(bad).is_none(), "{bad}");
        }
    }
}
