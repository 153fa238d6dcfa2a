//! The official restJson1 protocol test cases (`../shared/protocol-tests/aws-protocol-tests.json`,
//! service `aws.protocoltests.restjson#RestJson`, read in place) run through the text bindings.
//!
//! A small binder here reads every member an operation binds to a path label, the query string
//! or a header, the way generated code will: from the `@http` URI pattern and the member's
//! binding trait, target type and `@timestampFormat`. Then:
//!
//! - every server request case is accepted, and each bound member reads as the case's `params`;
//! - every malformed-request case without a body that expects 400 has exactly one bound member
//!   refused, and passes the `Content-Type` check so the 400 is reachable;
//! - every malformed-request case that expects 415 is refused by the `Content-Type` check, every
//!   one that expects 406 by the `Accept` check, and every request case passes both.
//!
//! Malformed-request cases with a body are about the JSON body and are left to the body reader.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Map, Value, json};
use smithy_server_runtime::rest_json::text::{
    self, Binding, BodyMedia, QueryString, TextError, check_accept, check_content_type,
    single_header,
};
use smithy_server_runtime::{Timestamp, TimestampFormat};

const SERVICE: &str = "aws.protocoltests.restjson#RestJson";

fn shapes() -> &'static Map<String, Value> {
    static SHAPES: OnceLock<Map<String, Value>> = OnceLock::new();
    SHAPES.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/protocol-tests/aws-protocol-tests.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{} is beside the repository: {e}", path.display()));
        let model: Value = serde_json::from_str(&text).expect("the model is JSON");
        match model.get("shapes") {
            Some(Value::Object(shapes)) => shapes.clone(),
            _ => panic!("the model has shapes"),
        }
    })
}

fn shape(id: &str) -> &'static Value {
    shapes()
        .get(id)
        .unwrap_or_else(|| panic!("shape {id} is in the model"))
}

fn trait_of<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    value.get("traits")?.get(name)
}

fn operations() -> Vec<&'static str> {
    shape(SERVICE)["operations"]
        .as_array()
        .expect("the service lists operations")
        .iter()
        .map(|op| op["target"].as_str().expect("a target"))
        .collect()
}

/// The shape type of a target: prelude shapes by name, the others from the model.
fn type_of(target: &str) -> String {
    match target.strip_prefix("smithy.api#") {
        Some(prelude) => {
            let name = prelude.to_ascii_lowercase();
            name.strip_prefix("primitive").unwrap_or(&name).to_owned()
        }
        None => shape(target)["type"]
            .as_str()
            .expect("a shape type")
            .to_ascii_lowercase(),
    }
}

fn string_trait(value: &Value, name: &str) -> Option<&'static str> {
    let text = trait_of(value, name)?.as_str()?;
    // Leaked once per lookup in a test process: BodyMedia holds `&'static str`.
    Some(Box::leak(text.to_owned().into_boxed_str()))
}

fn timestamp_format(text: &str) -> TimestampFormat {
    match text {
        "epoch-seconds" => TimestampFormat::EpochSeconds,
        "date-time" => TimestampFormat::DateTime,
        "http-date" => TimestampFormat::HttpDate,
        other => panic!("unknown timestamp format {other}"),
    }
}

/// A member's `@timestampFormat`, else its target's, else the binding's default.
fn format_for(member: &Value, binding: Binding) -> TimestampFormat {
    let target = member["target"].as_str().unwrap_or_default();
    let on_target = if target.starts_with("smithy.api#") {
        None
    } else {
        trait_of(shape(target), "smithy.api#timestampFormat")
    };
    trait_of(member, "smithy.api#timestampFormat")
        .or(on_target)
        .and_then(Value::as_str)
        .map(timestamp_format)
        .unwrap_or_else(|| binding.default_timestamp_format())
}

/// Reads one scalar's text as the member's type and writes it in the form the cases' `params`
/// take, normalised so equal values compare equal: floats and timestamps as their text.
fn scalar(member: &Value, binding: Binding, text: &str) -> Result<Value, TextError> {
    let target = member["target"].as_str().expect("a member target");
    let kind = type_of(target);
    let media_type = if target.starts_with("smithy.api#") {
        None
    } else {
        string_trait(shape(target), "smithy.api#mediaType")
    };
    Ok(match kind.as_str() {
        "string" if media_type.is_some() && binding == Binding::Header => {
            json!(text::parse_media_type_string(text)?)
        }
        "string" | "enum" => json!(text),
        "boolean" => json!(text::parse_boolean(text)?),
        "byte" => json!(text::parse_byte(text)?),
        "short" => json!(text::parse_short(text)?),
        "integer" | "intenum" => json!(text::parse_integer(text)?),
        "long" => json!(text::parse_long(text)?),
        "float" => json!(text::format_float(text::parse_float(text)?)),
        "double" => json!(text::format_double(text::parse_double(text)?)),
        "biginteger" => json!(text::parse_big_integer(text)?.as_str()),
        "bigdecimal" => json!(text::parse_big_decimal(text)?.as_str()),
        "timestamp" => {
            let at = text::parse_timestamp(text, format_for(member, binding))?;
            json!(at.format_epoch_seconds())
        }
        "blob" => {
            let blob = text::parse_blob(text)?;
            json!(String::from_utf8_lossy(blob.as_bytes()))
        }
        other => panic!("{other} is not a scalar a binding can carry"),
    })
}

/// The `params` value of a member in the same normal form as [`scalar`] gives.
fn expected_scalar(member: &Value, param: &Value) -> Value {
    let target = member["target"].as_str().expect("a member target");
    let as_text = || match param {
        Value::Number(number) => number.to_string(),
        Value::String(text) => text.clone(),
        other => panic!("unexpected param {other}"),
    };
    match type_of(target).as_str() {
        "float" => match param.as_f64() {
            Some(number) => json!(text::format_float(number as f32)),
            None => param.clone(),
        },
        "double" => match param.as_f64() {
            Some(number) => json!(text::format_double(number)),
            None => param.clone(),
        },
        "timestamp" => {
            let at = Timestamp::parse_epoch_seconds(&as_text()).expect("epoch seconds");
            json!(at.format_epoch_seconds())
        }
        "biginteger" | "bigdecimal" => json!(as_text()),
        _ => param.clone(),
    }
}

/// A request as a case gives it.
struct Request {
    uri: String,
    query: Vec<String>,
    headers: HeaderMap,
    body: String,
}

impl Request {
    fn from_case(case: &Value) -> Self {
        let mut headers = HeaderMap::new();
        if let Some(Value::Object(given)) = case.get("headers") {
            for (name, value) in given {
                headers.append(
                    HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
                    HeaderValue::from_str(value.as_str().expect("a header value"))
                        .expect("a header value"),
                );
            }
        }
        let query = case
            .get("queryParams")
            .and_then(Value::as_array)
            .map(|params| {
                params
                    .iter()
                    .map(|p| p.as_str().expect("a query param").to_owned())
                    .collect()
            })
            .unwrap_or_default();
        Self {
            uri: case["uri"].as_str().expect("a uri").to_owned(),
            query,
            headers,
            body: case
                .get("body")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        }
    }
}

/// A bound member's outcome: absent, read, or refused.
type Bound = BTreeMap<String, Option<Result<Value, TextError>>>;

/// Matches the path against the operation's URI pattern: the raw segments of each label.
fn labels(pattern: &str, path: &str) -> BTreeMap<String, Vec<String>> {
    let pattern_path = pattern.split('?').next().unwrap_or_default();
    let wanted: Vec<&str> = pattern_path.split('/').filter(|s| !s.is_empty()).collect();
    let given: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut found = BTreeMap::new();
    let mut at = 0;
    for (index, segment) in wanted.iter().enumerate() {
        if let Some(label) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            if let Some(greedy) = label.strip_suffix('+') {
                let after = wanted.len() - index - 1;
                let end = given.len() - after;
                let taken = given[at..end].iter().map(|s| (*s).to_owned()).collect();
                found.insert(greedy.to_owned(), taken);
                at = end;
            } else {
                found.insert(label.to_owned(), vec![given[at].to_owned()]);
                at += 1;
            }
        } else {
            assert_eq!(given[at], *segment, "the path {path} matches {pattern}");
            at += 1;
        }
    }
    assert_eq!(at, given.len(), "the path {path} matches {pattern}");
    found
}

/// Reads every member the operation binds to a label, the query string or a header.
fn bind(operation: &str, request: &Request) -> Result<Bound, TextError> {
    let op = shape(operation);
    let mut bound = Bound::new();
    let Some(input) = op["input"]["target"]
        .as_str()
        .filter(|t| *t != "smithy.api#Unit")
    else {
        return Ok(bound);
    };
    let pattern = trait_of(op, "smithy.api#http").expect("@http")["uri"]
        .as_str()
        .expect("a uri pattern");
    let (path, uri_query) = request.uri.split_once('?').unwrap_or((&request.uri, ""));
    let labels = labels(pattern, path);
    let mut raw_query: Vec<&str> = request.query.iter().map(String::as_str).collect();
    if !uri_query.is_empty() {
        raw_query.push(uri_query);
    }
    let query = QueryString::parse(&raw_query.join("&"))?;
    let Some(Value::Object(members)) = shape(input).get("members") else {
        return Ok(bound);
    };
    for (name, member) in members {
        let target = member["target"].as_str().expect("a target");
        let kind = type_of(target);
        let list_member = (kind == "list").then(|| &shape(target)["member"]);
        let outcome = if trait_of(member, "smithy.api#httpLabel").is_some() {
            let segments = &labels[name];
            let text = if segments.len() == 1 {
                text::decode_label(&segments[0])
            } else {
                text::decode_greedy_label(segments.iter().map(String::as_str))
            };
            Some(text.and_then(|text| scalar(member, Binding::Label, &text)))
        } else if let Some(key) = trait_of(member, "smithy.api#httpQuery") {
            let key = key.as_str().expect("a query key");
            match list_member {
                Some(item) => {
                    let values = query.all(key);
                    (!values.is_empty()).then(|| {
                        let item = with_member_traits(item, member);
                        values
                            .into_iter()
                            .map(|v| scalar(&item, Binding::Query, v))
                            .collect::<Result<Vec<_>, _>>()
                            .map(Value::Array)
                    })
                }
                None => query
                    .first(key)
                    .map(|text| scalar(member, Binding::Query, text)),
            }
        } else if trait_of(member, "smithy.api#httpQueryParams").is_some() {
            let value_kind = type_of(shape(target)["value"]["target"].as_str().expect("a map"));
            let map: Map<String, Value> = if value_kind == "list" {
                query
                    .grouped()
                    .into_iter()
                    .map(|(k, vs)| (k.to_owned(), json!(vs)))
                    .collect()
            } else {
                query
                    .first_per_key()
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), json!(v)))
                    .collect()
            };
            (!map.is_empty()).then_some(Ok(Value::Object(map)))
        } else if let Some(header) = trait_of(member, "smithy.api#httpHeader") {
            let header = header.as_str().expect("a header name");
            let lines = request.headers.get_all(header);
            match list_member {
                Some(item) => (lines.iter().next().is_some()).then(|| {
                    let item = with_member_traits(item, member);
                    let is_http_date = type_of(item["target"].as_str().expect("a target"))
                        == "timestamp"
                        && format_for(&item, Binding::Header) == TimestampFormat::HttpDate;
                    let items = if is_http_date {
                        text::split_http_date_list(lines.iter())
                    } else {
                        text::split_header_list(lines.iter())
                    };
                    items.and_then(|items| {
                        items
                            .iter()
                            .map(|v| scalar(&item, Binding::Header, v))
                            .collect::<Result<Vec<_>, _>>()
                            .map(Value::Array)
                    })
                }),
                None => match single_header(lines.iter()) {
                    Ok(Some(text)) => Some(scalar(member, Binding::Header, text)),
                    Ok(None) => None,
                    Err(error) => Some(Err(error)),
                },
            }
        } else if let Some(prefix) = trait_of(member, "smithy.api#httpPrefixHeaders") {
            let prefix = prefix.as_str().expect("a prefix");
            Some(text::prefix_headers(&request.headers, prefix).map(|pairs| {
                Value::Object(pairs.into_iter().map(|(k, v)| (k, json!(v))).collect())
            }))
            .filter(|read| !matches!(read, Ok(Value::Object(map)) if map.is_empty()))
        } else {
            continue;
        };
        bound.insert(name.clone(), outcome);
    }
    Ok(bound)
}

/// A list's member carrying the list member's own `@timestampFormat`, if the bound member has
/// one (it applies to the items).
fn with_member_traits(item: &Value, member: &Value) -> Value {
    let mut item = item.clone();
    if let Some(format) = trait_of(member, "smithy.api#timestampFormat") {
        item["traits"]["smithy.api#timestampFormat"] = format.clone();
    }
    item
}

/// What a direction's body is, as the code generator will decide it from the model.
fn body_media(structure: Option<&str>) -> BodyMedia {
    let Some(id) = structure.filter(|t| *t != "smithy.api#Unit") else {
        return BodyMedia::None;
    };
    let Some(Value::Object(members)) = shape(id).get("members") else {
        return BodyMedia::Json;
    };
    if members.is_empty() {
        return BodyMedia::Json;
    }
    let binds_content_type = members.values().any(|m| {
        trait_of(m, "smithy.api#httpHeader")
            .and_then(Value::as_str)
            .is_some_and(|h| h.eq_ignore_ascii_case("content-type"))
    });
    if binds_content_type {
        return BodyMedia::Any;
    }
    if let Some(payload) = members
        .values()
        .find(|m| trait_of(m, "smithy.api#httpPayload").is_some())
    {
        let target = payload["target"].as_str().expect("a target");
        let media_type = if target.starts_with("smithy.api#") {
            None
        } else {
            string_trait(shape(target), "smithy.api#mediaType")
        };
        return match (type_of(target).as_str(), media_type) {
            ("blob", Some(media_type)) | ("string", Some(media_type)) => {
                BodyMedia::Exact(media_type)
            }
            ("blob", None) => BodyMedia::Any,
            ("string" | "enum", None) => BodyMedia::Exact("text/plain"),
            _ => BodyMedia::Json,
        };
    }
    let bindings = [
        "smithy.api#httpLabel",
        "smithy.api#httpQuery",
        "smithy.api#httpQueryParams",
        "smithy.api#httpHeader",
        "smithy.api#httpPrefixHeaders",
    ];
    let in_body = members
        .values()
        .any(|m| !bindings.iter().any(|b| trait_of(m, b).is_some()));
    if in_body {
        BodyMedia::Json
    } else {
        BodyMedia::None
    }
}

fn input_media(operation: &str) -> BodyMedia {
    body_media(shape(operation)["input"]["target"].as_str())
}

fn output_media(operation: &str) -> BodyMedia {
    body_media(shape(operation)["output"]["target"].as_str())
}

fn content_type_check(operation: &str, request: &Request) -> Result<(), TextError> {
    let content_type = single_header(request.headers.get_all("content-type").iter())?;
    check_content_type(
        content_type,
        input_media(operation),
        request.body.is_empty(),
    )
}

fn accept_check(operation: &str, request: &Request) -> Result<(), TextError> {
    check_accept(
        request.headers.get_all("accept").iter(),
        output_media(operation),
    )
}

/// The cases a server must pass: not `appliesTo: client`, and not on an operation tagged
/// `client-only` (such as `OmitsSerializingEmptyLists`, whose empty lists leave no trace a
/// server could read).
fn server_cases(operation: &str, test_trait: &str) -> Vec<Value> {
    let client_only = trait_of(shape(operation), "smithy.api#tags")
        .and_then(Value::as_array)
        .is_some_and(|tags| tags.iter().any(|t| t == "client-only"));
    if client_only {
        return Vec::new();
    }
    trait_of(shape(operation), test_trait)
        .and_then(Value::as_array)
        .map(|cases| {
            cases
                .iter()
                .filter(|c| c.get("appliesTo").and_then(Value::as_str) != Some("client"))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// A malformed-request case once per set of `testParameters`, with `$name:L` (and `$name:S`)
/// replaced by the values and `$$` by `$`.
fn expand(case: &Value) -> Vec<(String, Value)> {
    let id = case["id"].as_str().expect("an id").to_owned();
    let Some(Value::Object(parameters)) = case.get("testParameters") else {
        return vec![(id, case["request"].clone())];
    };
    let count = parameters
        .values()
        .map(|v| v.as_array().map_or(0, Vec::len))
        .max()
        .unwrap_or(0);
    (0..count)
        .map(|index| {
            let substitute = |text: &str| {
                let mut text = text.to_owned();
                for (name, values) in parameters {
                    let value = values[index].as_str().expect("a parameter value");
                    text = text
                        .replace(&format!("${name}:L"), value)
                        .replace(&format!("${name}:S"), value);
                }
                text.replace("$$", "$")
            };
            (
                format!("{id}[{index}]"),
                map_strings(&case["request"], &substitute),
            )
        })
        .collect()
}

fn map_strings(value: &Value, f: &dyn Fn(&str) -> String) -> Value {
    match value {
        Value::String(text) => Value::String(f(text)),
        Value::Array(items) => Value::Array(items.iter().map(|v| map_strings(v, f)).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (f(k), map_strings(v, f))).collect())
        }
        other => other.clone(),
    }
}

/// Request cases about what a client's request compression adds to `Content-Encoding`: the
/// header holds the client's `gzip` beyond the member's value, which a server's decompression
/// handles before any binding.
const COMPRESSION_CASES: [&str; 2] = [
    "SDKAppliedContentEncoding_restJson1",
    "SDKAppendedGzipAfterProvidedEncoding_restJson1",
];

#[test]
fn request_cases_read_as_their_params() {
    let mut checked_members = 0;
    let mut cases = 0;
    for operation in operations() {
        for case in server_cases(operation, "smithy.test#httpRequestTests") {
            let id = case["id"].as_str().expect("an id");
            if COMPRESSION_CASES.contains(&id) {
                continue;
            }
            let request = Request::from_case(&case);
            let bound = bind(operation, &request)
                .unwrap_or_else(|e| panic!("{id}: the request is refused: {e}"));
            let params = case.get("params").cloned().unwrap_or(json!({}));
            let input = shape(operation)["input"]["target"]
                .as_str()
                .unwrap_or_default();
            for (name, outcome) in &bound {
                let member = &shape(input)["members"][name];
                let param = params.get(name);
                match (outcome, param) {
                    (None, None) => {}
                    (Some(Err(error)), _) => panic!("{id}: member {name} is refused: {error}"),
                    (Some(Ok(found)), Some(param)) => {
                        let expected = match (param, found) {
                            (Value::Array(items), Value::Array(_)) => {
                                let item = with_member_traits(
                                    &shape(member["target"].as_str().unwrap())["member"],
                                    member,
                                );
                                Value::Array(
                                    items.iter().map(|p| expected_scalar(&item, p)).collect(),
                                )
                            }
                            (Value::Object(_), _) => param.clone(),
                            _ => expected_scalar(member, param),
                        };
                        assert_eq!(found, &expected, "{id}: member {name}");
                        checked_members += 1;
                    }
                    (Some(Ok(found)), None) => {
                        panic!("{id}: member {name} read {found} but params have none")
                    }
                    (None, Some(param)) => {
                        panic!("{id}: member {name} expected {param} but the request has none")
                    }
                }
            }
            cases += 1;
        }
    }
    // 131 server cases, less one on a client-only operation and the two compression cases.
    assert_eq!(cases, 128, "server request cases of {SERVICE}");

    assert_eq!(checked_members, 131, "bound members compared with params");
}

#[test]
fn malformed_text_cases_refuse_exactly_the_bad_member() {
    let mut refused = 0;
    let mut with_body = 0;
    for operation in operations() {
        for case in server_cases(operation, "smithy.test#httpMalformedRequestTests") {
            if case["response"]["code"].as_u64() != Some(400) {
                continue;
            }
            for (id, request) in expand(&case) {
                let request = Request::from_case(&request);
                if !request.body.is_empty() {
                    with_body += 1;
                    continue;
                }
                assert!(
                    content_type_check(operation, &request).is_ok(),
                    "{id}: the Content-Type check must let the request reach its 400"
                );
                let bound = match bind(operation, &request) {
                    Ok(bound) => bound,
                    Err(_) => {
                        refused += 1;
                        continue;
                    }
                };
                let errors: Vec<_> = bound
                    .iter()
                    .filter_map(|(name, outcome)| match outcome {
                        Some(Err(error)) => Some((name, error)),
                        _ => None,
                    })
                    .collect();
                assert_eq!(
                    errors.len(),
                    1,
                    "{id}: expected one refused member, got {errors:?} from {bound:?}"
                );
                let message = errors[0].1.message();
                assert!(!message.is_empty(), "{id}");
                refused += 1;
            }
        }
    }
    assert_eq!(refused, 328, "malformed 400 cases without a body");
    assert_eq!(
        with_body, 190,
        "malformed 400 cases with a body, left to the body reader"
    );
}

#[test]
fn media_type_cases() {
    let mut refused_content_types = 0;
    let mut refused_accepts = 0;
    for operation in operations() {
        for case in server_cases(operation, "smithy.test#httpMalformedRequestTests") {
            let code = case["response"]["code"].as_u64();
            if code != Some(415) && code != Some(406) {
                continue;
            }
            for (id, request) in expand(&case) {
                let request = Request::from_case(&request);
                if code == Some(415) {
                    let error = content_type_check(operation, &request)
                        .expect_err(&format!("{id}: the Content-Type is refused"));
                    assert!(!error.message().is_empty());
                    refused_content_types += 1;
                } else {
                    assert!(
                        content_type_check(operation, &request).is_ok(),
                        "{id}: only the Accept is wrong"
                    );
                    accept_check(operation, &request)
                        .expect_err(&format!("{id}: the Accept is refused"));
                    refused_accepts += 1;
                }
            }
        }
        for case in server_cases(operation, "smithy.test#httpRequestTests") {
            let id = case["id"].as_str().expect("an id");
            let request = Request::from_case(&case);
            let content_type = content_type_check(operation, &request);
            if id == "RestJsonEndpointTraitWithHostLabel" {
                // A client case (it checks the host prefix) that sends a JSON body without a
                // Content-Type, which RestJsonWithBodyExpectsApplicationJsonContentTypeNoHeaders
                // tells servers to refuse; see `check_content_type`.
                assert!(content_type.is_err(), "{id}");
            } else {
                assert!(content_type.is_ok(), "{id}: {content_type:?}");
            }
            let accept = accept_check(operation, &request);
            assert!(accept.is_ok(), "{id}: {accept:?}");
        }
    }
    assert_eq!(refused_content_types, 8, "415 cases");
    assert_eq!(refused_accepts, 4, "406 cases");
}

#[test]
fn star_accept_cases_outside_the_service() {
    // `aws.protocoltests.misc#AcceptHeaderStarService` is not bound to the RestJson service,
    // but its cases say what a restJson1 server must accept.
    let operation = "aws.protocoltests.misc#AcceptHeaderStarService";
    let cases = server_cases(operation, "smithy.test#httpRequestTests");
    assert_eq!(cases.len(), 2);
    for case in cases {
        let request = Request::from_case(&case);
        assert!(check_accept(request.headers.get_all("accept").iter(), BodyMedia::Json).is_ok());
        assert!(
            check_accept(
                request.headers.get_all("accept").iter(),
                BodyMedia::Exact("image/png")
            )
            .is_err()
                == request.headers["accept"]
                    .to_str()
                    .unwrap()
                    .starts_with("application/"),
            "{}",
            case["id"]
        );
    }
}

#[test]
fn response_header_cases_write_the_expected_text() {
    // The server response cases of InputAndOutputWithHeaders and TimestampFormatHeaders: the
    // header text written from `params` must be exactly the case's.
    let mut compared = 0;
    for operation in [
        "aws.protocoltests.restjson#InputAndOutputWithHeaders",
        "aws.protocoltests.restjson#TimestampFormatHeaders",
        "aws.protocoltests.restjson#MediaTypeHeader",
        "aws.protocoltests.restjson#NullAndEmptyHeadersServer",
    ] {
        let output = shape(operation)["output"]["target"]
            .as_str()
            .expect("output");
        for case in server_cases(operation, "smithy.test#httpResponseTests") {
            let id = case["id"].as_str().expect("an id");
            let expected: BTreeMap<String, String> = case["headers"]
                .as_object()
                .map(|h| {
                    h.iter()
                        .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str().unwrap().to_owned()))
                        .collect()
                })
                .unwrap_or_default();
            let Some(Value::Object(params)) = case.get("params") else {
                continue;
            };
            for (name, param) in params {
                let member = &shape(output)["members"][name];
                let Some(header) = trait_of(member, "smithy.api#httpHeader") else {
                    continue;
                };
                if param.is_null() {
                    continue;
                }
                let header = header.as_str().unwrap().to_ascii_lowercase();
                let written = write_header(member, param);
                assert_eq!(Some(&written), expected.get(&header), "{id}: {header}");
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 35, "response headers compared");
}

/// Writes a member's `params` value as header text, as generated code will.
fn write_header(member: &Value, param: &Value) -> String {
    let target = member["target"].as_str().unwrap();
    let kind = type_of(target);
    if kind == "list" {
        let item = with_member_traits(&shape(target)["member"], member);
        let items = param.as_array().unwrap();
        let item_kind = type_of(item["target"].as_str().unwrap());
        if item_kind == "timestamp" {
            let format = format_for(&item, Binding::Header);
            let stamps: Vec<Timestamp> = items.iter().map(param_timestamp).collect();
            return text::format_timestamp_list(&stamps, format);
        }
        let texts: Vec<String> = items.iter().map(|p| write_scalar(&item, p)).collect();
        return text::format_header_list(&texts);
    }
    write_scalar(member, param)
}

fn param_timestamp(param: &Value) -> Timestamp {
    Timestamp::parse_epoch_seconds(&param.to_string()).expect("epoch seconds")
}

fn write_scalar(member: &Value, param: &Value) -> String {
    let target = member["target"].as_str().unwrap();
    let media_type = !target.starts_with("smithy.api#")
        && trait_of(shape(target), "smithy.api#mediaType").is_some();
    let special = |p: &Value| p.as_str().map(str::to_owned);
    match type_of(target).as_str() {
        "string" if media_type => text::format_media_type_string(param.as_str().unwrap()),
        "string" | "enum" => param.as_str().unwrap().to_owned(),
        "boolean" => text::format_boolean(param.as_bool().unwrap()).to_owned(),
        "float" => {
            special(param).unwrap_or_else(|| text::format_float(param.as_f64().unwrap() as f32))
        }
        "double" => special(param).unwrap_or_else(|| text::format_double(param.as_f64().unwrap())),
        "timestamp" => {
            text::format_timestamp(&param_timestamp(param), format_for(member, Binding::Header))
        }
        _ => param.to_string(),
    }
}
