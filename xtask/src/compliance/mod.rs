//! Generates Rust tests from a service's Smithy protocol test traits
//! (`smithy.test#httpRequestTests` and `smithy.test#httpResponseTests` on its operations and
//! error structures) that apply to servers: one `#[tokio::test]` per case, named after the case
//! id, calling a harness crate with the case's HTTP message and its `params` as a Rust value.
//! Cases on an exclusion list run too, and must fail: one that starts passing fails the build.

pub(crate) mod from_source;
mod literal;
mod rpc_v2;
pub(crate) mod runner;

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context as _, Result, anyhow};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;
use smithy_server_codegen::Settings;
use smithy_server_codegen::internal::ir::{Kind, Operation, Protocol, Service};
use smithy_server_codegen::internal::load::AstShape;
use smithy_server_codegen::internal::naming::{self, Namespace};
use smithy_server_codegen::internal::{load, lower, render};

use literal::Literals;

/// What to generate tests for.
#[derive(Debug, Clone)]
pub(crate) struct ComplianceSettings {
    /// The generated server crate the tests exercise, as imported (`json_protocol_server_sdk`).
    pub(crate) sdk_crate: String,
    /// The harness crate, as imported.
    pub(crate) harness_crate: String,
    /// Case id (or `request <id>` / `response <id>`, where an id names one case of each) to the
    /// reason it cannot apply.
    pub(crate) exclusions: BTreeMap<String, String>,
}

/// The generated test file, and what it holds.
#[derive(Debug, Clone)]
pub(crate) struct ComplianceTests {
    /// The Rust source.
    pub(crate) source: String,
    /// Exclusion-list entries that name no case of this service.
    pub(crate) unknown_exclusions: Vec<String>,
}

struct Case {
    id: String,
    /// `request` or `response`: an id may name one case of each.
    kind: &'static str,
    body: TokenStream,
}

/// Where test cases live: a trait on a shape, the shape their `params` are a value of, and
/// the harness call that runs one.
struct Source<'a> {
    /// The shape carrying the trait (an operation or an error structure).
    owner: &'a str,
    /// `smithy.test#httpRequestTests` or `smithy.test#httpResponseTests`.
    trait_id: &'static str,
    /// The shape `params` describes, `None` for `smithy.api#Unit`.
    params: Option<&'a String>,
}

/// Generates the compliance tests of the service `settings.service` of `model`.
pub(crate) fn generate_tests(
    model: &smithy_server_codegen::Model,
    settings: &Settings,
    compliance: &ComplianceSettings,
) -> Result<ComplianceTests> {
    let shapes = load::load(model.as_json())?;
    let raw = shapes.clone();
    let service = lower::lower(shapes, settings)?;
    let builder = CaseBuilder::new(&raw, &service, settings, compliance);
    let mut cases = Vec::new();
    for op in &service.operations {
        cases.extend(match builder.wire {
            Wire::AwsJson => builder.aws_json_operation_cases(op)?,
            Wire::RestJson1 => builder.rest_operation_cases(op)?,
            Wire::RpcV2 { cbor } => builder.rpc_v2_operation_cases(op, cbor)?,
        });
    }
    cases.extend(builder.error_cases(&service)?);

    let unknown_exclusions = unknown_exclusions(&cases, &compliance.exclusions);
    let tests = test_functions(&cases, compliance, &builder.harness);
    let about = format!(
        " The official protocol tests of `{}` that apply to servers, one per case, run on `{}`.",
        service.id, compliance.harness_crate
    );
    let preamble = match builder.wire {
        Wire::RpcV2 { .. } => Some(builder.rpc_v2_service()),
        Wire::AwsJson | Wire::RestJson1 => None,
    };
    let tokens = quote! {
        #![doc = #about]
        #![cfg_attr(rustfmt, rustfmt::skip)]
        #preamble
        #(#tests)*
    };
    let header = render::header(&settings.source, &settings.command, "//");
    let source = render::render(&service.id, tokens, &header)?;
    Ok(ComplianceTests {
        source,
        unknown_exclusions,
    })
}

/// Which part of the harness runs a service's cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wire {
    /// awsJson 1.0 and 1.1: the harness's root.
    AwsJson,
    /// restJson1: its `rest` module.
    RestJson1,
    /// rpcv2Cbor (`cbor`) or rpcv2Json: its `rpc_v2` module.
    RpcV2 { cbor: bool },
}

/// Builds the cases of one service: finds its protocol tests in the model as loaded, writes
/// their `params` as Rust values of the generated crate's types, and calls the harness.
struct CaseBuilder<'a> {
    /// The model as loaded, whose traits hold the protocol tests.
    raw: &'a BTreeMap<String, AstShape>,
    /// The protocol trait's id: cases written for another protocol are left out.
    protocol: &'static str,
    /// The protocol's part of the harness.
    wire: Wire,
    literals: Literals<'a>,
    sdk: Ident,
    harness: Ident,
}

impl<'a> CaseBuilder<'a> {
    fn new(
        raw: &'a BTreeMap<String, AstShape>,
        service: &'a Service,
        settings: &'a Settings,
        compliance: &ComplianceSettings,
    ) -> Self {
        let protocol = service.protocol.trait_id();
        let literals = Literals::new(
            service,
            &compliance.sdk_crate,
            &settings.runtime_crate,
            &compliance.harness_crate,
        );
        Self {
            raw,
            protocol,
            wire: match service.protocol {
                Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => Wire::AwsJson,
                Protocol::RestJson1 => Wire::RestJson1,
                Protocol::RpcV2Cbor => Wire::RpcV2 { cbor: true },
                Protocol::RpcV2Json => Wire::RpcV2 { cbor: false },
            },
            literals,
            sdk: format_ident!("{}", compliance.sdk_crate),
            harness: format_ident!("{}", compliance.harness_crate),
        }
    }

    /// The server cases of one trait on one shape, each run by the harness call `run` makes of
    /// the case's `params` value and the case itself.
    fn cases_of(
        &self,
        source: Source<'_>,
        run: &dyn Fn(TokenStream, &Value) -> TokenStream,
    ) -> Result<Vec<Case>> {
        let traits = &self.raw[source.owner].traits;
        server_cases(traits.get(source.trait_id), self.protocol)
            .into_iter()
            .map(|case| {
                let id = case_id(&case)?;
                let params = case
                    .get("params")
                    .cloned()
                    .unwrap_or_else(|| Value::Object(Default::default()));
                let value = match source.params {
                    Some(shape) => self
                        .literals
                        .structure(shape, &params)
                        .map_err(|reason| anyhow!("{} test {id}: {reason}", source.owner))?,
                    None => quote!(()),
                };
                let kind = if source.trait_id.ends_with("RequestTests") {
                    "request"
                } else {
                    "response"
                };
                Ok(Case {
                    body: run(value, &case),
                    id,
                    kind,
                })
            })
            .collect::<Result<Vec<Case>>>()
    }

    /// An awsJson operation's request and response cases.
    fn aws_json_operation_cases(&self, op: &Operation) -> Result<Vec<Case>> {
        let (sdk, harness) = (&self.sdk, &self.harness);
        let op_type = format_ident!("{}", op.type_name);
        let mut cases = Vec::new();
        let requests = Source {
            owner: &op.id,
            trait_id: "smithy.test#httpRequestTests",
            params: op.input.as_ref(),
        };
        cases.extend(self.cases_of(requests, &|input, case| {
            let request = request(harness, case);
            quote! {
                #harness::request_case::<#sdk::operation::#op_type>(#sdk::server::PROTOCOL, #request, #input).await;
            }
        })?);
        let responses = Source {
            owner: &op.id,
            trait_id: "smithy.test#httpResponseTests",
            params: op.output.as_ref(),
        };
        cases.extend(self.cases_of(responses, &|output, case| {
            let expected = expected(harness, case);
            quote! {
                #harness::response_case::<#sdk::operation::#op_type>(#sdk::server::PROTOCOL, #output, #expected).await;
            }
        })?);
        Ok(cases)
    }

    /// A restJson1 operation's request, response and malformed-request cases.
    fn rest_operation_cases(&self, op: &Operation) -> Result<Vec<Case>> {
        let (sdk, harness) = (&self.sdk, &self.harness);
        let op_type = format_ident!("{}", op.type_name);
        let mut cases = Vec::new();
        let requests = Source {
            owner: &op.id,
            trait_id: "smithy.test#httpRequestTests",
            params: op.input.as_ref(),
        };
        cases.extend(self.cases_of(requests, &|input, case| {
            let request = request(harness, case);
            quote! {
                #harness::rest::request_case::<#sdk::operation::#op_type>(#sdk::server::ROUTES, #request, #input).await;
            }
        })?);
        let responses = Source {
            owner: &op.id,
            trait_id: "smithy.test#httpResponseTests",
            params: op.output.as_ref(),
        };
        cases.extend(self.cases_of(responses, &|output, case| {
            let expected = expected(harness, case);
            quote! {
                #harness::rest::response_case::<#sdk::operation::#op_type>(#output, #expected).await;
            }
        })?);
        cases.extend(self.malformed_request_cases(op, &op_type));
        Ok(cases)
    }

    /// A restJson1 operation's malformed-request cases, their parameters expanded.
    fn malformed_request_cases(&self, op: &Operation, op_type: &Ident) -> Vec<Case> {
        let (sdk, harness) = (&self.sdk, &self.harness);
        let tests = self.raw[&op.id]
            .traits
            .get("smithy.test#httpMalformedRequestTests");
        malformed_cases(tests, self.protocol)
            .into_iter()
            .map(|(id, case)| {
                let request = request(harness, case.get("request").unwrap_or(&Value::Null));
                let expected =
                    malformed_response(harness, case.get("response").unwrap_or(&Value::Null));
                Case {
                    id,
                    kind: "malformed",
                    body: quote! {
                        #harness::rest::malformed_case::<#sdk::operation::#op_type>(#sdk::server::ROUTES, #request, #expected).await;
                    },
                }
            })
            .collect()
    }

    /// The response cases of the error structures the service's operations name.
    fn error_cases(&self, service: &Service) -> Result<Vec<Case>> {
        let (sdk, harness) = (&self.sdk, &self.harness);
        let errors: BTreeSet<&String> = service
            .operations
            .iter()
            .flat_map(|op| &op.errors)
            .filter(|error| matches!(service.shapes[*error].kind, Kind::Structure(_)))
            .collect();
        let mut cases = Vec::new();
        for error in errors {
            let source = Source {
                owner: error,
                trait_id: "smithy.test#httpResponseTests",
                params: Some(error),
            };
            cases.extend(self.cases_of(source, &|value, case| {
                let expected = expected(harness, case);
                match self.wire {
                    Wire::RestJson1 => quote! {
                        #harness::rest::error_case(&#value, #expected).await;
                    },
                    Wire::AwsJson => quote! {
                        #harness::error_case(#sdk::server::PROTOCOL, &#value, #expected).await;
                    },
                    Wire::RpcV2 { .. } => quote! {
                        #harness::rpc_v2::error_case(SERVICE, &#value, #expected).await;
                    },
                }
            })?);
        }
        Ok(cases)
    }
}

/// The exclusion-list entries that name no case, by its id or by `<kind> <id>`.
fn unknown_exclusions(cases: &[Case], exclusions: &BTreeMap<String, String>) -> Vec<String> {
    let known: BTreeSet<String> = cases
        .iter()
        .flat_map(|c| [c.id.clone(), format!("{} {}", c.kind, c.id)])
        .collect();
    exclusions
        .keys()
        .filter(|id| !known.contains(id.as_str()))
        .cloned()
        .collect()
}

/// One `#[tokio::test]` per case, named after its id; an excluded case's test requires it to
/// fail, for the reason the exclusion list gives.
fn test_functions(
    cases: &[Case],
    compliance: &ComplianceSettings,
    harness: &Ident,
) -> Vec<TokenStream> {
    let mut names = Namespace::default();
    cases
        .iter()
        .map(|case| {
            let name = format_ident!(
                "{}",
                names.allocate(&[naming::function_stem(&case.id)], &case.id)
            );
            let body = &case.body;
            let doc = format!(" `{}`", case.id);
            let exclusion = compliance.exclusions.get(&case.id).or_else(|| {
                compliance
                    .exclusions
                    .get(&format!("{} {}", case.kind, case.id))
            });
            match exclusion {
                Some(reason) => {
                    quote! {
                        #[doc = #doc]
                        #[tokio::test]
                        async fn #name() {
                            #harness::expect_failure(#reason, async { #body }).await;
                        }
                    }
                }
                None => quote! {
                    #[doc = #doc]
                    #[tokio::test]
                    async fn #name() {
                        #body
                    }
                },
            }
        })
        .collect()
}

/// The malformed-request cases of an operation for a protocol, with their `testParameters`
/// expanded: one case per position in the parameter lists (all lists have the same length),
/// each `$name:L` replaced by the value and each `$name:S` by the value as a JSON string, and
/// `$$` by a dollar sign. An expanded case's id is the definition's with `_` and the position.
fn malformed_cases(tests: Option<&Value>, protocol: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for case in server_cases(tests, protocol) {
        let Some(id) = case.get("id").and_then(Value::as_str) else {
            continue;
        };
        let parameters: Vec<(String, Vec<String>)> = case
            .get("testParameters")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(name, values)| {
                (
                    name.clone(),
                    strings(Some(values))
                        .into_iter()
                        .map(str::to_owned)
                        .collect(),
                )
            })
            .collect();
        let count = parameters.iter().map(|(_, values)| values.len()).max();
        match count {
            None => out.push((id.to_owned(), substitute_all(&case, &[]))),
            Some(count) => {
                for index in 0..count {
                    let values: Vec<(String, String)> = parameters
                        .iter()
                        .filter_map(|(name, values)| {
                            Some((name.clone(), values.get(index)?.clone()))
                        })
                        .collect();
                    out.push((format!("{id}_{index}"), substitute_all(&case, &values)));
                }
            }
        }
    }
    out
}

/// Replaces the parameters in every string of a value.
fn substitute_all(value: &Value, parameters: &[(String, String)]) -> Value {
    match value {
        Value::String(text) => Value::String(substitute(text, parameters)),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| substitute_all(v, parameters))
                .collect(),
        ),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (substitute(k, parameters), substitute_all(v, parameters)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Replaces `$name:L` (the value), `$name:S` (the value as a JSON string) and `$$` (a dollar).
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

fn malformed_response(harness: &Ident, response: &Value) -> TokenStream {
    let status = response.get("code").and_then(Value::as_u64).unwrap_or(400) as u16;
    let headers = pairs(response.get("headers"));
    let body = response.get("body");
    let assertion = body.and_then(|b| b.get("assertion"));
    let contents = optional_str(assertion.and_then(|a| a.get("contents")));
    let regex = optional_str(assertion.and_then(|a| a.get("messageRegex")));
    let media_type = optional_str(body.and_then(|b| b.get("mediaType")));
    quote! {
        #harness::rest::Malformed { status: #status, headers: #headers, body: #contents, message_regex: #regex, media_type: #media_type }
    }
}

fn server_cases(tests: Option<&Value>, protocol: &str) -> Vec<Value> {
    tests
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|case| {
            matches!(
                case.get("appliesTo").and_then(Value::as_str),
                None | Some("server")
            )
        })
        .filter(|case| {
            case.get("protocol")
                .and_then(Value::as_str)
                .is_none_or(|p| p == protocol)
        })
        .cloned()
        .collect()
}

fn case_id(case: &Value) -> Result<String> {
    case.get("id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .context("a protocol test case has no id")
}

fn strings(value: Option<&Value>) -> Vec<&str> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

fn pairs(value: Option<&Value>) -> TokenStream {
    let entries = value
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, value)| {
            let value = value.as_str()?;
            Some(quote!((#name, #value)))
        });
    quote!(&[#(#entries),*])
}

fn optional_str(value: Option<&Value>) -> TokenStream {
    match value.and_then(Value::as_str) {
        Some(text) => quote!(::std::option::Option::Some(#text)),
        None => quote!(::std::option::Option::None),
    }
}

fn request(harness: &Ident, case: &Value) -> TokenStream {
    let method = case.get("method").and_then(Value::as_str).unwrap_or("POST");
    let mut uri = case
        .get("uri")
        .and_then(Value::as_str)
        .unwrap_or("/")
        .to_owned();
    let query = strings(case.get("queryParams"));
    if !query.is_empty() {
        uri = format!("{uri}?{}", query.join("&"));
    }
    let headers = pairs(case.get("headers"));
    let body = Literal::byte_string(
        case.get("body")
            .and_then(Value::as_str)
            .unwrap_or("")
            .as_bytes(),
    );
    quote! {
        #harness::Request::new(#method, #uri, #headers, #body)
    }
}

fn expected(harness: &Ident, case: &Value) -> TokenStream {
    let status = case.get("code").and_then(Value::as_u64).unwrap_or(200) as u16;
    let headers = pairs(case.get("headers"));
    let require = strings(case.get("requireHeaders"));
    let forbid = strings(case.get("forbidHeaders"));
    let body = optional_str(case.get("body"));
    let media_type = optional_str(case.get("bodyMediaType"));
    quote! {
        #harness::Expected { status: #status, headers: #headers, require: &[#(#require),*], forbid: &[#(#forbid),*], body: #body, media_type: #media_type }
    }
}
