//! Header values: one value, lists of values, prefixed headers, and writing them back.
//!
//! A header may arrive on several lines; a list reads them in order as if joined by commas, as
//! HTTP allows (RFC 9110 section 5.3). Each line must be UTF-8. Leading and trailing spaces and
//! tabs around a value or list item are not part of it.

use http::{HeaderMap, HeaderValue};

use super::{Shown, TextError};
use crate::{Timestamp, TimestampFormat};

/// The one value of a header bound to a scalar member, trimmed; `None` when the header is
/// absent. A header given on more than one line is refused, since a scalar has one value.
/// The value is not split at commas: `X-String: a, b` is the string `a, b`, and an http-date
/// keeps its comma.
///
/// `values` is what [`HeaderMap::get_all`] gives, or any texts.
pub fn single_header<'a, V>(
    values: impl IntoIterator<Item = &'a V>,
) -> Result<Option<&'a str>, TextError>
where
    V: AsRef<[u8]> + ?Sized + 'a,
{
    let mut values = values.into_iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    let extra = values.count();
    if extra > 0 {
        return Err(TextError::new(format!(
            "the header appears on {} lines, but it holds a single value",
            extra + 1
        )));
    }
    line_text(first.as_ref()).map(|text| Some(trim(text)))
}

/// The items of a header bound to a list, over all its lines in order.
///
/// Items are separated by commas and trimmed (`X-StringList: a, b, c`). An item that starts
/// with a double quote runs to the closing quote, may hold commas, and takes `\` as an escape
/// for the next character: `"b,c", "\"def\"", a` is `b,c`, `"def"` and `a`
/// (`RestJsonInputAndOutputWithQuotedStringHeaders`). An unterminated quoted item, or text
/// between a closing quote and the next comma, is refused. Empty unquoted items are skipped, as
/// RFC 9110 asks of list recipients, so an empty header is the empty list
/// (`RestJsonNullAndEmptyHeaders`); `""` is one empty string.
///
/// A list of http-date timestamps needs [`split_http_date_list`] instead.
pub fn split_header_list<'a, V>(
    values: impl IntoIterator<Item = &'a V>,
) -> Result<Vec<String>, TextError>
where
    V: AsRef<[u8]> + ?Sized + 'a,
{
    let mut list = Vec::new();
    for value in values {
        let line = line_text(value.as_ref())?;
        list.extend(split_line(line)?.into_iter().map(|item| item.text));
    }
    Ok(list)
}

/// The items of a header bound to a list of timestamps in the `http-date` format. Each date
/// holds a comma after its weekday, so an unquoted item that is only a weekday name is joined
/// with the item after it: `Mon, 16 Dec 2019 23:48:18 GMT, Mon, 16 Dec 2019 23:48:18 GMT` is
/// two dates (`RestJsonInputAndOutputWithTimestampHeaders`). Quoted dates are read too.
pub fn split_http_date_list<'a, V>(
    values: impl IntoIterator<Item = &'a V>,
) -> Result<Vec<String>, TextError>
where
    V: AsRef<[u8]> + ?Sized + 'a,
{
    const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let mut list = Vec::new();
    for value in values {
        let line = line_text(value.as_ref())?;
        let mut items = split_line(line)?.into_iter();
        while let Some(item) = items.next() {
            if !item.quoted && WEEKDAYS.contains(&item.text.as_str()) {
                match items.next() {
                    Some(rest) if !rest.quoted => {
                        list.push(format!("{}, {}", item.text, rest.text));
                    }
                    _ => {
                        return Err(TextError::new(format!(
                            "the date list {} has a weekday without a date after it",
                            Shown(line)
                        )));
                    }
                }
            } else {
                list.push(item.text);
            }
        }
    }
    Ok(list)
}

/// The headers a `@httpPrefixHeaders` member binds: every header whose name starts with the
/// prefix (compared without regard to case), as (name without the prefix, value) pairs in
/// header order. Names are lowercase, as [`HeaderMap`] keeps them (`x-foo-abc` with prefix
/// `x-foo-` is `abc`, `RestJsonHttpPrefixHeadersArePresent`). The empty prefix takes every
/// header, those bound by `@httpHeader` too (`RestJsonHttpEmptyPrefixHeadersRequestServer`).
/// A header on several lines gives its lines joined with `, `.
pub fn prefix_headers(
    headers: &HeaderMap,
    prefix: &str,
) -> Result<Vec<(String, String)>, TextError> {
    let mut found = Vec::new();
    for name in headers.keys() {
        let name_text = name.as_str();
        let matches = name_text
            .as_bytes()
            .get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix.as_bytes()));
        if !matches {
            continue;
        }
        let mut joined = String::new();
        for (index, value) in headers.get_all(name).iter().enumerate() {
            let text = line_text(value.as_bytes()).map_err(|error| {
                TextError::new(format!("header {name_text}: {}", error.message()))
            })?;
            if index > 0 {
                joined.push_str(", ");
            }
            joined.push_str(trim(text));
        }
        // Header names are ASCII, so the prefix length is a character boundary.
        found.push((name_text[prefix.len()..].to_owned(), joined));
    }
    Ok(found)
}

/// Writes list items as one header value, joined with `, `. An item is quoted, with `"` and `\`
/// escaped by `\`, when it is empty, holds a comma or a double quote, or starts or ends with
/// whitespace: `["b,c", "\"def\"", "a"]` is `"b,c", "\"def\"", a`
/// (`RestJsonInputAndOutputWithQuotedStringHeaders`). The empty list is the empty value
/// (`RestJsonNullAndEmptyHeaders`). [`split_header_list`] reads it back item for item.
pub fn format_header_list<I, S>(items: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for (index, item) in items.into_iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        let item = item.as_ref();
        let needs_quotes = item.is_empty()
            || item.contains([',', '"'])
            || item.starts_with([' ', '\t'])
            || item.ends_with([' ', '\t']);
        if needs_quotes {
            out.push('"');
            for c in item.chars() {
                if matches!(c, '"' | '\\') {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
        } else {
            out.push_str(item);
        }
    }
    out
}

/// Writes timestamps as one header value, joined with `, ` and never quoted, also in the
/// `http-date` format whose dates hold commas: the expected response text is
/// `Mon, 16 Dec 2019 23:48:18 GMT, Mon, 16 Dec 2019 23:48:18 GMT`
/// (`RestJsonInputAndOutputWithTimestampHeaders`), which [`split_http_date_list`] reads back.
pub fn format_timestamp_list<'a>(
    items: impl IntoIterator<Item = &'a Timestamp>,
    format: TimestampFormat,
) -> String {
    let texts: Vec<String> = items
        .into_iter()
        .map(|at| super::format_timestamp(at, format))
        .collect();
    texts.join(", ")
}

/// Makes a header value of text, refusing what no header may hold: control characters such as
/// line breaks (anything below a space but tab, and DEL).
pub fn header_value(text: &str) -> Result<HeaderValue, TextError> {
    HeaderValue::from_str(text).map_err(|_| {
        TextError::new(format!(
            "{} holds characters a header value cannot carry",
            Shown(text)
        ))
    })
}

/// One item of a header line, and whether it was quoted.
struct Item {
    text: String,
    quoted: bool,
}

fn line_text(bytes: &[u8]) -> Result<&str, TextError> {
    std::str::from_utf8(bytes).map_err(|_| TextError::new("the header value is not UTF-8"))
}

fn trim(text: &str) -> &str {
    text.trim_matches([' ', '\t'])
}

fn split_line(line: &str) -> Result<Vec<Item>, TextError> {
    let mut items = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut text = String::new();
            let mut chars = quoted.char_indices();
            let mut end = None;
            while let Some((at, c)) = chars.next() {
                match c {
                    '"' => {
                        end = Some(at + 1);
                        break;
                    }
                    '\\' => match chars.next() {
                        Some((_, escaped)) => text.push(escaped),
                        None => break,
                    },
                    c => text.push(c),
                }
            }
            let Some(end) = end else {
                return Err(TextError::new(format!(
                    "the header list {} has a quoted item without its closing quote",
                    Shown(line)
                )));
            };
            items.push(Item { text, quoted: true });
            rest = quoted[end..].trim_start_matches([' ', '\t']);
            match rest.strip_prefix(',') {
                Some(after) => rest = after,
                None if rest.is_empty() => return Ok(items),
                None => {
                    return Err(TextError::new(format!(
                        "the header list {} has text after a quoted item before the next comma",
                        Shown(line)
                    )));
                }
            }
        } else {
            let (item, after) = match rest.split_once(',') {
                Some((item, after)) => (item, Some(after)),
                None => (rest, None),
            };
            let item = trim(item);
            if !item.is_empty() {
                items.push(Item {
                    text: item.to_owned(),
                    quoted: false,
                });
            }
            match after {
                Some(after) => rest = after,
                None => return Ok(items),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(value: &str) -> Vec<String> {
        split_header_list([value]).unwrap()
    }

    #[test]
    fn single_values_are_trimmed_and_unsplit() {
        let none: [&str; 0] = [];
        assert_eq!(single_header(none).unwrap(), None);
        assert_eq!(
            single_header([" Hello, world\t"]).unwrap(),
            Some("Hello, world")
        );
        let error = single_header(["a", "b"]).unwrap_err();
        assert!(error.message().contains("2 lines"), "{error}");
        let bytes: [&[u8]; 1] = [b"\xff"];
        assert!(single_header(bytes).is_err());
        let mut headers = HeaderMap::new();
        headers.append("x-a", HeaderValue::from_static("one"));
        assert_eq!(single_header(headers.get_all("x-a")).unwrap(), Some("one"));
    }

    #[test]
    fn lists_split_at_commas_outside_quotes() {
        assert_eq!(split("a, b, c"), ["a", "b", "c"]);
        assert_eq!(split("a,b,c"), ["a", "b", "c"]);
        assert_eq!(
            split("\"b,c\", \"\\\"def\\\"\", a"),
            ["b,c", "\"def\"", "a"]
        );
        assert_eq!(split("  \" padded \" ,x"), [" padded ", "x"]);
        assert_eq!(split("\"a\\\\b\""), ["a\\b"]);
        assert_eq!(split("a\"b, c"), ["a\"b", "c"]);
        assert!(split("").is_empty());
        assert_eq!(split("\"\""), [""]);
        assert_eq!(split("a, , b,"), ["a", "b"]);
    }

    #[test]
    fn lists_refuse_broken_quotes() {
        for bad in ["\"open", "\"a\" b, c", "\"a\\", "x, \"y"] {
            assert!(split_header_list([bad]).is_err(), "{bad}");
        }
    }

    #[test]
    fn lists_span_lines_in_order() {
        let mut headers = HeaderMap::new();
        headers.append("x-list", HeaderValue::from_static("a, b"));
        headers.append("x-list", HeaderValue::from_static("\"c,d\""));
        assert_eq!(
            split_header_list(headers.get_all("x-list")).unwrap(),
            ["a", "b", "c,d"]
        );
    }

    #[test]
    fn http_dates_keep_their_weekday_comma() {
        let dates = "Mon, 16 Dec 2019 23:48:18 GMT, Mon, 16 Dec 2019 23:48:18 GMT";
        let items = split_http_date_list([dates]).unwrap();
        assert_eq!(
            items,
            [
                "Mon, 16 Dec 2019 23:48:18 GMT",
                "Mon, 16 Dec 2019 23:48:18 GMT"
            ]
        );
        let quoted = "\"Tue, 29 Apr 2014 18:30:38 GMT\", Sun, 02 Jan 2000 20:34:56 GMT";
        assert_eq!(
            split_http_date_list([quoted]).unwrap(),
            [
                "Tue, 29 Apr 2014 18:30:38 GMT",
                "Sun, 02 Jan 2000 20:34:56 GMT"
            ]
        );
        assert!(split_http_date_list(["Mon"]).is_err());
        assert!(split_http_date_list(["Mon, \"x\""]).is_err());
        assert_eq!(
            split_http_date_list([
                "Mon, 16 Dec 2019 23:48:18 GMT",
                "Tue, 17 Dec 2019 00:00:00 GMT"
            ])
            .unwrap()
            .len(),
            2
        );
    }

    #[test]
    fn writing_lists_round_trips() {
        let items = ["b,c", "\"def\"", "a"];
        let text = format_header_list(items);
        assert_eq!(text, "\"b,c\", \"\\\"def\\\"\", a");
        assert_eq!(split(&text), items);
        assert_eq!(format_header_list(["a", "b", "c"]), "a, b, c");
        assert_eq!(format_header_list(Vec::<String>::new()), "");
        for items in [vec![""], vec![" x", "y\t", "a\\b"], vec!["\"", ","]] {
            assert_eq!(split(&format_header_list(&items)), items);
        }
    }

    #[test]
    fn writing_timestamp_lists_never_quotes() {
        let at = Timestamp::from_secs(1_576_540_098);
        let text = format_timestamp_list([&at, &at], TimestampFormat::HttpDate);
        assert_eq!(
            text,
            "Mon, 16 Dec 2019 23:48:18 GMT, Mon, 16 Dec 2019 23:48:18 GMT"
        );
        assert_eq!(split_http_date_list([text.as_str()]).unwrap().len(), 2);
        assert_eq!(
            format_timestamp_list([&at], TimestampFormat::EpochSeconds),
            "1576540098"
        );
    }

    #[test]
    fn prefix_headers_strip_the_prefix() {
        let mut headers = HeaderMap::new();
        headers.append("x-foo", HeaderValue::from_static("Foo"));
        headers.append("x-foo-abc", HeaderValue::from_static("Abc value"));
        headers.append("x-foo-def", HeaderValue::from_static("Def value"));
        headers.append("x-foo-def", HeaderValue::from_static("more"));
        assert_eq!(
            prefix_headers(&headers, "X-Foo-").unwrap(),
            [
                ("abc".to_owned(), "Abc value".to_owned()),
                ("def".to_owned(), "Def value, more".to_owned())
            ]
        );
        assert_eq!(prefix_headers(&headers, "").unwrap().len(), 3);
        assert!(prefix_headers(&headers, "x-bar-").unwrap().is_empty());
        assert!(
            prefix_headers(&headers, "x-foo-abcdefghijkl")
                .unwrap()
                .is_empty()
        );
        assert!(prefix_headers(&headers, "é").unwrap().is_empty());
    }

    #[test]
    fn header_values_refuse_line_breaks() {
        assert_eq!(header_value("a b").unwrap(), "a b");
        assert!(header_value("a\r\nb").is_err());
        assert!(header_value("a\u{0}").is_err());
    }
}
