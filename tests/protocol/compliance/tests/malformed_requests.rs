//! The official Smithy protocol suite's malformed-request validation cases
//! (`aws.protocoltests.restjson.validation#RestJsonValidation`), read from
//! `../shared/protocol-tests/` (or the JSON AST file `PROTOCOL_TESTS_MODEL` names), sent through
//! the generated server of that service served as awsJson 1.1: every case's
//! `ValidationException` message and `fieldList` must match exactly.
//! Prints `malformed requests: N passed, M failed, K excluded` for `cargo xtask test`.

use aws_json_validation_server_sdk::error::*;
use aws_json_validation_server_sdk::model::*;
use aws_json_validation_server_sdk::server::{RestJsonValidation, RestJsonValidationServer};
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use serde_json::Value;
use smithy_server_runtime::RequestContext;
use tower::ServiceExt as _;

/// Cases that cannot apply to awsJson, each with the reason. None today: members the cases
/// send in a query string or header (restJson1 bindings) are moved into the JSON body, which
/// is where awsJson carries every member.
const EXCLUDED: &[(&str, &str)] = &[];

/// Accepts everything that passes validation: a case that should fail but reaches a handler
/// gets a 200 and fails the test.
struct AcceptAll;

macro_rules! accept {
    ($($method:ident($input:ty) -> $error:ty;)*) => {
        impl RestJsonValidation for AcceptAll {
            $(
                async fn $method(&self, _input: $input, _context: RequestContext) -> Result<(), $error> {
                    Ok(())
                }
            )*
        }
    };
}

accept! {
    malformed_enum(MalformedEnumInput) -> MalformedEnumError;
    malformed_length(MalformedLengthInput) -> MalformedLengthError;
    malformed_length_override(MalformedLengthOverrideInput) -> MalformedLengthOverrideError;
    malformed_length_query_string(MalformedLengthQueryStringInput) -> MalformedLengthQueryStringError;
    malformed_pattern(MalformedPatternInput) -> MalformedPatternError;
    malformed_pattern_override(MalformedPatternOverrideInput) -> MalformedPatternOverrideError;
    malformed_range(MalformedRangeInput) -> MalformedRangeError;
    malformed_range_override(MalformedRangeOverrideInput) -> MalformedRangeOverrideError;
    malformed_required(MalformedRequiredInput) -> MalformedRequiredError;
    malformed_unique_items(MalformedUniqueItemsInput) -> MalformedUniqueItemsError;
    recursive_structures(RecursiveStructuresInput) -> RecursiveStructuresError;
    sensitive_validation(SensitiveValidationInput) -> SensitiveValidationError;
}

struct Case {
    id: String,
    operation: String,
    body: String,
    expected: Value,
}

/// Replaces `$name:S` (a JSON string), `$name:L` (literal text) and `$$` (a dollar sign).
fn substitute(text: &str, parameters: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut rest = text;
    'outer: while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix("$$") {
            out.push('$');
            rest = after;
            continue;
        }
        for (name, value) in parameters {
            for (suffix, quoted) in [(":S", true), (":L", false)] {
                let token = format!("${name}{suffix}");
                if let Some(after) = rest.strip_prefix(&token) {
                    if quoted {
                        out.push_str(&Value::String(value.clone()).to_string());
                    } else {
                        out.push_str(value);
                    }
                    rest = after;
                    continue 'outer;
                }
            }
        }
        out.push('$');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

/// Moves members the request sends as query parameters or headers (by the input's
/// `@httpQuery` and `@httpHeader` traits) into the JSON body.
fn bound_members_into_body(body: &str, request: &Value, input: &Value) -> String {
    let mut object = if body.trim().is_empty() {
        serde_json::Map::new()
    } else {
        match serde_json::from_str::<Value>(body).unwrap() {
            Value::Object(object) => object,
            _ => return body.to_owned(),
        }
    };
    let query: Vec<(String, String)> = request["queryParams"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (name.to_owned(), value.to_owned()),
            None => (pair.to_owned(), String::new()),
        })
        .collect();
    let headers = request["headers"].as_object();
    for (member, definition) in input["members"].as_object().into_iter().flatten() {
        let traits = &definition["traits"];
        let value = if let Some(name) = traits["smithy.api#httpQuery"].as_str() {
            query
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        } else if let Some(name) = traits["smithy.api#httpHeader"].as_str() {
            headers
                .and_then(|h| h.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)))
                .and_then(|(_, v)| v.as_str().map(str::to_owned))
        } else {
            None
        };
        if let Some(value) = value {
            object.insert(member.clone(), Value::String(value));
        }
    }
    Value::Object(object).to_string()
}

fn cases() -> Vec<Case> {
    // `PROTOCOL_TESTS_MODEL` names another JSON AST of the suite (`cargo xtask compliance`
    // gives the one loaded from its IDL).
    let path = std::env::var_os("PROTOCOL_TESTS_MODEL").unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../../shared/protocol-tests/aws-protocol-tests.json"
        )
        .into()
    });
    let model: Value = serde_json::from_str(
        &std::fs::read_to_string(path).expect("../shared/protocol-tests is beside the repository"),
    )
    .unwrap();
    let mut out = Vec::new();
    for (id, shape) in model["shapes"].as_object().unwrap() {
        let Some(operation) = id.strip_prefix("aws.protocoltests.restjson.validation#") else {
            continue;
        };
        let Some(tests) = shape["traits"]["smithy.test#httpMalformedRequestTests"].as_array()
        else {
            continue;
        };
        for test in tests {
            let parameter_sets: Vec<Vec<(String, String)>> =
                match test["testParameters"].as_object() {
                    None => vec![Vec::new()],
                    Some(parameters) => {
                        let count = parameters
                            .values()
                            .map(|v| v.as_array().unwrap().len())
                            .max()
                            .unwrap_or(0);
                        (0..count)
                            .map(|i| {
                                parameters
                                    .iter()
                                    .map(|(name, values)| {
                                        (name.clone(), values[i].as_str().unwrap().to_owned())
                                    })
                                    .collect()
                            })
                            .collect()
                    }
                };
            let input = &model["shapes"][shape["input"]["target"].as_str().unwrap()];
            for (index, parameters) in parameter_sets.iter().enumerate() {
                let body = bound_members_into_body(
                    &substitute(test["request"]["body"].as_str().unwrap_or(""), parameters),
                    &test["request"],
                    input,
                );
                let assertion = test["response"]["body"]["assertion"]["contents"]
                    .as_str()
                    .unwrap();
                let expected: Value =
                    serde_json::from_str(&substitute(assertion, parameters)).unwrap();
                let suffix = if parameter_sets.len() > 1 {
                    format!("_case{index}")
                } else {
                    String::new()
                };
                out.push(Case {
                    id: format!("{}{suffix}", test["id"].as_str().unwrap()),
                    operation: operation.to_owned(),
                    body,
                    expected,
                });
            }
        }
    }
    out
}

#[tokio::test]
async fn malformed_request_cases_match_the_suite() {
    let cases = cases();
    let (mut passed, mut failed, mut excluded) = (0, Vec::new(), 0);
    let server = RestJsonValidationServer::new(AcceptAll);
    for case in &cases {
        let target = format!("RestJsonValidation.{}", case.operation);
        let request = http::Request::post("/")
            .header("x-amz-target", target)
            .header("content-type", "application/x-amz-json-1.1")
            .body(Full::new(Bytes::from(case.body.clone())))
            .expect("a valid request");
        let Ok(response) = server.clone().oneshot(request).await;
        let status = response.status().as_u16();
        let Ok(collected) = response.into_body().collect().await;
        let reply = collected.to_bytes();
        let body: Value = serde_json::from_slice(&reply).unwrap_or(Value::Null);
        let actual =
            serde_json::json!({"message": body["message"], "fieldList": body["fieldList"]});
        let ok =
            status == 400 && body["__type"] == "ValidationException" && actual == case.expected;
        let base_id = case.id.split("_case").next().unwrap_or(&case.id);
        match (ok, EXCLUDED.iter().any(|(id, _)| *id == base_id)) {
            (true, false) => passed += 1,
            (false, true) => excluded += 1,
            (true, true) => failed.push(format!(
                "{}: excluded but passes; remove it from EXCLUDED",
                case.id
            )),
            (false, false) => failed.push(format!(
                "{}: status {} body {}\n    expected {}",
                case.id,
                status,
                String::from_utf8_lossy(&reply),
                case.expected
            )),
        }
    }
    println!(
        "malformed requests: {passed} passed, {} failed, {excluded} excluded",
        failed.len()
    );
    assert!(
        cases.len() >= 84,
        "the suite has 84 malformed-request cases, found {}",
        cases.len()
    );
    assert!(
        failed.is_empty(),
        "{} cases failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
