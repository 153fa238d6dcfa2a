//! Generates Rust tests from a service's Smithy protocol test traits
//! (`smithy.test#httpRequestTests` and `smithy.test#httpResponseTests` on its operations and
//! error structures) that apply to servers: one `#[tokio::test]` per case, named after the case
//! id, calling a harness crate with the case's HTTP message and its `params` as a Rust value.
//! Cases on an exclusion list run too, and must fail: one that starts passing fails the build.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::ir::{Kind, Protocol};
use crate::literal::Literals;
use crate::{Settings, load, lower, naming, render};

/// What to generate tests for.
#[derive(Debug, Clone)]
pub struct ComplianceSettings {
    /// The generated server crate the tests exercise, as imported (`json_protocol_server_sdk`).
    pub sdk_crate: String,
    /// The harness crate, as imported.
    pub harness_crate: String,
    /// Case id (or `request <id>` / `response <id>`, where an id names one case of each) to the
    /// reason it cannot apply.
    pub exclusions: BTreeMap<String, String>,
}

/// The generated test file, and what it holds.
#[derive(Debug, Clone)]
pub struct ComplianceTests {
    /// The Rust source.
    pub source: String,
    /// How many cases apply to servers.
    pub cases: usize,
    /// Of those, how many are excluded.
    pub excluded: usize,
    /// Exclusion-list entries that name no case of this service.
    pub unknown_exclusions: Vec<String>,
}

struct Case {
    id: String,
    /// `request` or `response`: an id may name one case of each.
    kind: &'static str,
    body: TokenStream,
}

/// Generates the compliance tests of the service `settings.service` of `model_json`.
pub fn generate_tests(
    model_json: &str,
    settings: &Settings,
    compliance: &ComplianceSettings,
) -> Result<ComplianceTests> {
    let (version, shapes) = load::load(model_json)?;
    let raw = shapes.clone();
    let options = lower::LowerOptions {
        service: settings.service.clone(),
        protocol_override: settings.protocol_override,
    };
    let service = lower::lower(version, shapes, &options)?;
    let protocol = match service.protocol {
        Protocol::AwsJson1_0 => "aws.protocols#awsJson1_0",
        Protocol::AwsJson1_1 => "aws.protocols#awsJson1_1",
    };
    let rt = {
        let krate = format_ident!("{}", settings.runtime_crate);
        quote!(::#krate::codegen)
    };
    let literals = Literals::new(&service, &compliance.sdk_crate, rt);
    let sdk = format_ident!("{}", compliance.sdk_crate);
    let harness = format_ident!("{}", compliance.harness_crate);
    let mut cases = Vec::new();

    for op in &service.operations {
        let traits = &raw[&op.id].traits;
        let op_type = format_ident!("{}", op.type_name);
        for case in server_cases(traits.get("smithy.test#httpRequestTests"), protocol) {
            let id = case_id(&case)?;
            let input = match &op.input {
                Some(input) => literals.structure(
                    input,
                    case.get("params")
                        .unwrap_or(&Value::Object(Default::default())),
                ),
                None => Ok(quote!(())),
            };
            let input = input.map_err(|reason| Error::Unsupported {
                shape: format!("{} test {id}", op.id),
                reason,
            })?;
            let request = request(&harness, &case);
            cases.push(Case {
                id,
                kind: "request",
                body: quote! {
                    #harness::request_case::<#sdk::operation::#op_type>(#sdk::server::PROTOCOL, #request, #input).await;
                },
            });
        }
        for case in server_cases(traits.get("smithy.test#httpResponseTests"), protocol) {
            let id = case_id(&case)?;
            let output = match &op.output {
                Some(output) => literals.structure(
                    output,
                    case.get("params")
                        .unwrap_or(&Value::Object(Default::default())),
                ),
                None => Ok(quote!(())),
            };
            let output = output.map_err(|reason| Error::Unsupported {
                shape: format!("{} test {id}", op.id),
                reason,
            })?;
            let expected = expected(&harness, &case);
            cases.push(Case {
                id,
                kind: "response",
                body: quote! {
                    #harness::response_case::<#sdk::operation::#op_type>(#sdk::server::PROTOCOL, #output, #expected).await;
                },
            });
        }
    }
    let errors: BTreeSet<&String> = service
        .operations
        .iter()
        .flat_map(|op| &op.errors)
        .collect();
    for error in errors {
        if !matches!(service.shapes[error].kind, Kind::Structure(_)) {
            continue;
        }
        for case in server_cases(
            raw[error].traits.get("smithy.test#httpResponseTests"),
            protocol,
        ) {
            let id = case_id(&case)?;
            let value = literals
                .structure(
                    error,
                    case.get("params")
                        .unwrap_or(&Value::Object(Default::default())),
                )
                .map_err(|reason| Error::Unsupported {
                    shape: format!("{error} test {id}"),
                    reason,
                })?;
            let expected = expected(&harness, &case);
            cases.push(Case {
                id,
                kind: "response",
                body: quote! {
                    #harness::error_case(#sdk::server::PROTOCOL, &#value, #expected).await;
                },
            });
        }
    }

    let known: BTreeSet<String> = cases
        .iter()
        .flat_map(|c| [c.id.clone(), format!("{} {}", c.kind, c.id)])
        .collect();
    let unknown_exclusions = compliance
        .exclusions
        .keys()
        .filter(|id| !known.contains(id.as_str()))
        .cloned()
        .collect();
    let mut names = BTreeSet::new();
    let mut excluded = 0;
    let tests = cases.iter().map(|case| {
        let mut name = naming::function_stem(&case.id);
        let mut n = 2;
        while !names.insert(name.clone()) {
            name = format!("{}_{n}", naming::function_stem(&case.id));
            n += 1;
        }
        let name = format_ident!("{name}");
        let body = &case.body;
        let doc = format!(" `{}`", case.id);
        let exclusion = compliance.exclusions.get(&case.id).or_else(|| {
            compliance
                .exclusions
                .get(&format!("{} {}", case.kind, case.id))
        });
        match exclusion {
            Some(reason) => {
                excluded += 1;
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
    });
    let about = format!(
        " The official protocol tests of `{}` that apply to servers, one per case, run on `{}`.",
        service.id, compliance.harness_crate
    );
    let tokens = quote! {
        #![doc = #about]
        #![cfg_attr(rustfmt, rustfmt::skip)]
        #(#tests)*
    };
    let header = render::header(&settings.source, &settings.command, "//");
    let source = render::render(&service.id, tokens, &header)?;
    Ok(ComplianceTests {
        source,
        cases: cases.len(),
        excluded,
        unknown_exclusions,
    })
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
        .ok_or_else(|| Error::Unsupported {
            shape: "smithy.test".to_owned(),
            reason: "a protocol test case has no id".to_owned(),
        })
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

fn request(harness: &proc_macro2::Ident, case: &Value) -> TokenStream {
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

fn expected(harness: &proc_macro2::Ident, case: &Value) -> TokenStream {
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
