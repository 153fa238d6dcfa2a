//! The query string as ordered, percent-decoded key/value pairs, repeats and all.

use std::collections::HashMap;

use super::TextError;
use super::percent::decode_query_component;

/// A request's query string: every `key=value` pair in order, percent-decoded.
///
/// `&` separates pairs and the first `=` separates a key from its value. A key without `=` has
/// the empty value, as `Empty=` does (`RestJsonServersAcceptStaticQueryParamAsEmptyString`,
/// `RestJsonSerializesEmptyQueryValue`). Repeated keys keep every value in order
/// (`RestJsonAllQueryStringTypes`). Empty pieces (`a=1&&b=2`, a trailing `&`) hold nothing and
/// are skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryString {
    pairs: Vec<(String, String)>,
}

impl QueryString {
    /// Parses the text after `?` (without any `#` fragment). Refuses a broken percent escape or
    /// a key or value that is not UTF-8 once decoded; the error names the piece.
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        let mut pairs = Vec::new();
        for piece in raw.split('&').filter(|piece| !piece.is_empty()) {
            let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
            pairs.push((decode_query_component(key)?, decode_query_component(value)?));
        }
        Ok(Self { pairs })
    }

    /// Every pair, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The number of pairs.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Whether the key appears at all.
    pub fn contains(&self, key: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == key)
    }

    /// The first value of a key, for a member bound with `@httpQuery` to a scalar: the Smithy
    /// specification tells servers to take the first of repeated values.
    pub fn first(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a key in order, for a member bound with `@httpQuery` to a list
    /// (`StringList=a&StringList=b&StringList=c`); empty when the key is absent.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Each key once, in order of first appearance, with its first value: `@httpQueryParams`
    /// on a map of strings. Keys also bound with `@httpQuery` stay in
    /// (`RestJsonServersPutAllQueryParamsInMap`).
    pub fn first_per_key(&self) -> Vec<(&str, &str)> {
        self.grouped()
            .into_iter()
            .map(|(key, values)| (key, values[0]))
            .collect()
    }

    /// Each key once, in order of first appearance, with all its values in order:
    /// `@httpQueryParams` on a map of string lists (`RestJsonServersQueryParamsStringListMap`).
    /// Every value list has at least one value.
    pub fn grouped(&self) -> Vec<(&str, Vec<&str>)> {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
        for (key, value) in self.pairs() {
            match index.get(key) {
                Some(&at) => groups[at].1.push(value),
                None => {
                    index.insert(key, groups.len());
                    groups.push((key, vec![value]));
                }
            }
        }
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::QueryString;

    #[test]
    fn keeps_order_repeats_and_bare_keys() {
        let query = QueryString::parse("a=1&b&a=2&c=&a=3=x").unwrap();
        let pairs: Vec<_> = query.pairs().collect();
        assert_eq!(
            pairs,
            [("a", "1"), ("b", ""), ("a", "2"), ("c", ""), ("a", "3=x")]
        );
        assert_eq!(query.first("a"), Some("1"));
        assert_eq!(query.all("a"), ["1", "2", "3=x"]);
        assert_eq!(query.first("b"), Some(""));
        assert!(query.contains("c"));
        assert_eq!(query.first("missing"), None);
        assert!(query.all("missing").is_empty());
        assert_eq!(query.len(), 5);
    }

    #[test]
    fn maps_take_first_values_or_all_values() {
        let query = QueryString::parse("corge=named&baz=bar&baz=qux").unwrap();
        assert_eq!(query.first_per_key(), [("corge", "named"), ("baz", "bar")]);
        assert_eq!(
            query.grouped(),
            [("corge", vec!["named"]), ("baz", vec!["bar", "qux"])]
        );
    }

    #[test]
    fn decodes_keys_and_values_and_skips_empty_pieces() {
        let query = QueryString::parse("&String=Hello%20there&&k%26=v%3D1&").unwrap();
        assert_eq!(
            query.pairs().collect::<Vec<_>>(),
            [("String", "Hello there"), ("k&", "v=1")]
        );
        assert!(QueryString::parse("").unwrap().is_empty());
    }

    #[test]
    fn refuses_broken_escapes() {
        let error = QueryString::parse("ok=1&bad=%F0%9F").unwrap_err();
        assert!(error.message().contains("\"%F0%9F\""), "{error}");
        assert!(QueryString::parse("a%zz=1").is_err());
    }
}
