//! The `operation` module (one marker type per operation, implementing the runtime's
//! `Operation`) and the `server` module (the service trait and the dispatch that routes a target
//! to its method).

use proc_macro2::TokenStream;
use quote::quote;

use super::{Emitter, docs, ident};
use crate::ir::{Dialect, Kind, Operation, Protocol};

impl Emitter<'_> {
    fn target(&self, op: &Operation) -> String {
        format!("{}.{}", self.service.name, op.name)
    }

    fn io_type(&self, id: Option<&String>) -> TokenStream {
        match id {
            Some(id) => self.type_path(self.shape(id)),
            None => quote!(()),
        }
    }

    pub(super) fn operation_module(&self) -> TokenStream {
        let rt = &self.rt;
        let items: TokenStream = self.service.operations.iter().map(|op| {
            let name = ident(&op.type_name);
            let doc = docs(&op.docs);
            let op_name = &op.name;
            let target = self.target(op);
            let dialect = match op.dialect {
                Dialect::Aws => quote!(#rt::Dialect::Aws),
                Dialect::Smithy => quote!(#rt::Dialect::Smithy),
            };
            let input = self.io_type(op.input.as_ref());
            let output = self.io_type(op.output.as_ref());
            let error = ident(&op.error_name);
            let decode = match &op.input {
                Some(id) => {
                    let de = self.function("de", id);
                    quote!(super::json::#de(value, &#rt::Path::root(), &mut violations))
                }
                None => quote!(#rt::json::object(value, &#rt::Path::root(), &mut violations).map(|_| ())),
            };
            let encode = match &op.output {
                Some(id) => {
                    let ser = self.function("ser", id);
                    quote! {
                        let mut writer = #rt::JsonWriter::new();
                        super::json::#ser(output, &mut writer);
                        writer.finish()
                    }
                }
                None => quote! {
                    let () = output;
                    ::std::vec::Vec::new()
                },
            };
            let doc_fallback = format!(" The `{op_name}` operation.");
            let doc = if op.docs.is_empty() { quote!(#[doc = #doc_fallback]) } else { doc };
            quote! {
                #doc
                #[derive(Debug, Clone, Copy, Default)]
                pub struct #name;

                impl #rt::Operation for #name {
                    const NAME: &'static str = #op_name;
                    const TARGET: &'static str = #target;
                    const DIALECT: #rt::Dialect = #dialect;
                    type Input = #input;
                    type Output = #output;
                    type Error = super::error::#error;

                    fn decode_value(value: #rt::Value) -> ::std::result::Result<Self::Input, #rt::DecodeError> {
                        let mut violations = #rt::Violations::new();
                        match #decode {
                            ::std::option::Option::Some(input) if violations.is_empty() => ::std::result::Result::Ok(input),
                            _ => ::std::result::Result::Err(#rt::DecodeError::from_violations(violations)),
                        }
                    }

                    fn encode_output(output: &Self::Output) -> ::std::vec::Vec<u8> {
                        #encode
                    }
                }
            }
        }).collect();
        let runtime = self.runtime_use_for(&items);
        quote! {
            /// One marker type per operation: its name, wire target, input, output and errors.
            pub mod operation {
                #runtime
                #items
            }
        }
    }

    pub(super) fn server_module(&self) -> TokenStream {
        let rt = &self.rt;
        let runtime_use = &self.runtime_use;
        let router = self.router();
        let service = self.service;
        let trait_name = ident(&service.trait_name);
        let doc = docs(&service.docs);
        let service_name = &service.name;
        let protocol = match service.protocol {
            Protocol::AwsJson1_0 => quote!(#rt::Protocol::AwsJson1_0),
            Protocol::AwsJson1_1 => quote!(#rt::Protocol::AwsJson1_1),
        };
        let methods = service.operations.iter().map(|op| {
            let method = ident(&op.method);
            let doc = docs(&op.docs);
            let input = self.io_type(op.input.as_ref());
            let output = self.io_type(op.output.as_ref());
            let error = ident(&op.error_name);
            quote! {
                #doc
                fn #method(
                    &self,
                    input: #input,
                    context: #rt::RequestContext,
                ) -> impl ::std::future::Future<
                    Output = ::std::result::Result<#output, super::error::#error>,
                > + ::std::marker::Send;
            }
        });
        let targets: Vec<String> = service
            .operations
            .iter()
            .map(|op| self.target(op))
            .collect();
        let arms = service.operations.iter().map(|op| self.dispatch_arm(op));
        let needs_validation_exception = service
            .operations
            .iter()
            .any(|op| op.dialect == Dialect::Smithy);
        let validation_exception = needs_validation_exception.then(|| self.validation_exception());
        let trait_doc =
            format!(" The `{service_name}` service: implement one method per operation.");
        let trait_doc = if service.docs.is_empty() {
            quote!(#[doc = #trait_doc])
        } else {
            doc
        };
        quote! {
            /// The service trait to implement, and the dispatch that calls it.
            pub mod server {
                #runtime_use
                /// The service shape's name, the prefix of every `X-Amz-Target`.
                pub const SERVICE_NAME: &str = #service_name;

                /// The protocol the service speaks.
                pub const PROTOCOL: #rt::Protocol = #protocol;

                /// The `X-Amz-Target` of every operation.
                pub const TARGETS: &[&str] = &[#(#targets),*];

                #trait_doc
                pub trait #trait_name: ::std::marker::Send + ::std::marker::Sync + 'static {
                    #(#methods)*
                }

                /// Decodes and validates a request body for the operation `target` names, calls the
                /// service, and encodes its answer.
                pub async fn dispatch<S: #trait_name + ?::std::marker::Sized>(
                    service: &S,
                    target: &str,
                    body: &[u8],
                    context: #rt::RequestContext,
                ) -> #rt::Reply {
                    match target {
                        #(#arms)*
                        _ => #rt::Reply::unknown_operation(target),
                    }
                }

                #router

                #validation_exception
            }
        }
    }

    /// `Router`: the generated glue between the service trait and the runtime's HTTP service.
    fn router(&self) -> TokenStream {
        let rt = &self.rt;
        let trait_name = ident(&self.service.trait_name);
        let internal_error = match self.internal_error_shape() {
            Some((shape, message_field)) => {
                let ty = self.type_path(shape);
                let members = match &shape.kind {
                    Kind::Structure(members) => members.as_slice(),
                    _ => &[],
                };
                let fields = members.iter().map(|member| {
                    let field = ident(&member.rust_name);
                    if Some(&member.rust_name) == message_field.as_ref() {
                        quote!(#field: ::std::option::Option::Some("Internal server error".to_owned()),)
                    } else {
                        quote!(#field: ::std::option::Option::None,)
                    }
                });
                quote!(#rt::Reply::error(PROTOCOL, &#ty { #(#fields)* }, request_id))
            }
            None => quote! {{
                let _ = request_id;
                #rt::Reply::internal_failure()
            }},
        };
        quote! {
            /// Routes awsJson requests to an implementation of the service trait: give it to the
            /// runtime's `http::AwsJsonService`.
            #[derive(Debug, Clone)]
            pub struct Router<S>(pub S);

            impl<S: #trait_name> #rt::Dispatch for Router<S> {
                fn protocol(&self) -> #rt::Protocol {
                    PROTOCOL
                }

                async fn dispatch(&self, target: &str, body: #rt::Bytes, context: #rt::RequestContext) -> #rt::Reply {
                    dispatch(&self.0, target, &body, context).await
                }

                fn internal_error(&self, request_id: &str) -> #rt::Reply {
                    #internal_error
                }
            }
        }
    }

    /// The model's own error for a failure of the server (an `@error("server")` structure named
    /// like one, whose members are all optional), with its message field, if it has one.
    fn internal_error_shape(&self) -> Option<(&crate::ir::Shape, Option<String>)> {
        const NAMES: &[&str] = &[
            "InternalServerError",
            "InternalServerException",
            "InternalFailure",
            "InternalError",
        ];
        self.service.shapes.values().find_map(|shape| {
            let Kind::Structure(members) = &shape.kind else {
                return None;
            };
            let server = shape.error.is_some_and(|e| e.server_fault);
            if !server
                || !NAMES.contains(&shape.name.as_str())
                || !members.iter().all(|m| m.optional())
            {
                return None;
            }
            let message = members
                .iter()
                .find(|m| {
                    m.name.eq_ignore_ascii_case("message")
                        && matches!(
                            self.shape(&m.target).kind,
                            Kind::Simple(crate::ir::Simple::String)
                        )
                })
                .map(|m| m.rust_name.clone());
            Some((shape, message))
        })
    }

    fn dispatch_arm(&self, op: &Operation) -> TokenStream {
        let rt = &self.rt;
        let target = self.target(op);
        let name = ident(&op.type_name);
        let method = ident(&op.method);
        let decode_failure = match op.dialect {
            Dialect::Aws => quote!(return #rt::Reply::decode_failure(&error)),
            Dialect::Smithy => {
                let error_enum = ident(&op.error_name);
                quote! {
                    return match error {
                        #rt::DecodeError::Invalid(violations) => #rt::Reply::error(
                            PROTOCOL,
                            &super::error::#error_enum::from(validation_exception(&violations)),
                            &context.request_id,
                        ),
                        error => #rt::Reply::decode_failure(&error),
                    }
                }
            }
        };
        let decode = if op.input.is_some() {
            quote! {
                let input = match <super::operation::#name as #rt::Operation>::decode_input(body) {
                    ::std::result::Result::Ok(input) => input,
                    ::std::result::Result::Err(error) => #decode_failure,
                };
            }
        } else {
            quote! {
                if let ::std::result::Result::Err(error) = <super::operation::#name as #rt::Operation>::decode_input(body) {
                    #decode_failure;
                }
                let input = ();
            }
        };
        quote! {
            #target => {
                #decode
                let request_id = context.request_id.clone();
                match service.#method(input, context).await {
                    ::std::result::Result::Ok(output) => #rt::Reply::ok(
                        <super::operation::#name as #rt::Operation>::encode_output(&output),
                    ),
                    ::std::result::Result::Err(error) => #rt::Reply::error(PROTOCOL, &error, &request_id),
                }
            }
        }
    }

    /// Builds `smithy.framework#ValidationException` from violations, for operations that model it.
    fn validation_exception(&self) -> TokenStream {
        let rt = &self.rt;
        let exception = self.shape("smithy.framework#ValidationException");
        let exception_type = self.type_path(exception);
        let Kind::Structure(members) = &exception.kind else {
            return TokenStream::new();
        };
        let wrap = |optional: bool, value: TokenStream| {
            if optional {
                quote!(::std::option::Option::Some(#value))
            } else {
                value
            }
        };
        let field_struct = self
            .service
            .shapes
            .get("smithy.framework#ValidationExceptionField");
        let fields = members.iter().map(|member| {
            let field = ident(&member.rust_name);
            match member.name.as_str() {
                "message" => {
                    let value = wrap(member.optional(), quote!(message.clone()));
                    quote!(#field: #value,)
                }
                "fieldList" => match field_struct {
                    Some(field_shape) => {
                        let field_type = self.type_path(field_shape);
                        let inner = match &field_shape.kind {
                            Kind::Structure(inner) => inner.as_slice(),
                            _ => &[],
                        };
                        let assigns = inner.iter().map(|m| {
                            let f = ident(&m.rust_name);
                            let source = if m.name == "path" { quote!(path.clone()) } else { quote!(message.clone()) };
                            let value = wrap(m.optional(), source);
                            quote!(#f: #value,)
                        });
                        let list = quote! {
                            fields.iter().map(|(path, message)| #field_type { #(#assigns)* }).collect()
                        };
                        let value = wrap(member.optional(), list);
                        quote!(#field: #value,)
                    }
                    None => quote!(#field: ::std::default::Default::default(),),
                },
                _ => quote!(#field: ::std::default::Default::default(),),
            }
        });
        quote! {
            fn validation_exception(violations: &#rt::Violations) -> #exception_type {
                let (message, fields) = violations.smithy_report();
                #exception_type { #(#fields)* }
            }
        }
    }
}
