//! The RPC v2 cases (rpcv2Cbor and rpcv2Json): each generated test file names its service once,
//! in a `SERVICE` constant the harness's `rpc_v2` module builds the real server from, and every
//! case calls that module with it. A case's body is passed as the case writes it (base64 for
//! CBOR, which the harness decodes).

use anyhow::Result;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use smithy_server_codegen::internal::ir::Operation;

use super::{Case, CaseBuilder, Source, expected, request};

impl CaseBuilder<'_> {
    /// The `SERVICE` constant of an RPC v2 test file: the generated crate's protocol, names and
    /// operations.
    pub(super) fn rpc_v2_service(&self) -> TokenStream {
        let (sdk, harness) = (&self.sdk, &self.harness);
        quote! {
            /// The service the cases are sent to, as its generated crate names it.
            const SERVICE: #harness::rpc_v2::Service = #harness::rpc_v2::Service {
                protocol: #sdk::server::PROTOCOL,
                name: #sdk::server::SERVICE_NAME,
                id: #sdk::server::SERVICE_ID,
                operations: #sdk::server::OPERATION_NAMES,
            };
        }
    }

    /// An RPC v2 operation's request and response cases, in CBOR (`cbor`) or JSON.
    pub(super) fn rpc_v2_operation_cases(&self, op: &Operation, cbor: bool) -> Result<Vec<Case>> {
        let (sdk, harness) = (&self.sdk, &self.harness);
        let op_type = format_ident!("{}", op.type_name);
        let format = if cbor { "cbor" } else { "json" };
        let request_case = format_ident!("{format}_request_case");
        let response_case = format_ident!("{format}_response_case");
        let mut cases = Vec::new();
        let requests = Source {
            owner: &op.id,
            trait_id: "smithy.test#httpRequestTests",
            params: op.input.as_ref(),
        };
        cases.extend(self.cases_of(requests, &|input, case| {
            let request = request(harness, case);
            quote! {
                #harness::rpc_v2::#request_case::<#sdk::operation::#op_type>(SERVICE, #request, #input).await;
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
                #harness::rpc_v2::#response_case::<#sdk::operation::#op_type>(SERVICE, #output, #expected).await;
            }
        })?);
        Ok(cases)
    }
}
