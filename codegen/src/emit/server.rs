//! The `operation` module (one marker type per operation, implementing the runtime's
//! `Operation`) and the `server` module (the service trait, and the dispatch that routes a target
//! to the runtime's generic `call` with its method).

use proc_macro2::TokenStream;
use quote::quote;

use super::{Emitter, docs_or, ident};
use crate::ir::{Dialect, Operation, Protocol, ValidationException};

impl Emitter<'_> {
    fn target(&self, op: &Operation) -> String {
        format!("{}.{}", self.service.name, op.name)
    }

    pub(super) fn io_type(&self, id: Option<&String>) -> TokenStream {
        match id {
            Some(id) => self.type_path(self.shape(id)),
            None => quote!(()),
        }
    }

    pub(super) fn operation_module(&self) -> TokenStream {
        let items: Vec<TokenStream> = self
            .service
            .operations
            .iter()
            .map(|op| self.operation(op))
            .collect();
        let runtime = (!items.is_empty()).then_some(&self.runtime_use);
        quote! {
            /// One marker type per operation: its name, wire target, input, output and errors.
            pub mod operation {
                #runtime
                #(#items)*
            }
        }
    }

    fn operation(&self, op: &Operation) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&op.type_name);
        let doc = docs_or(&op.docs, format!("The `{}` operation.", op.name));
        if let Some(http) = &op.http {
            let binding = self.http_operation(op, http);
            return quote! {
                #doc
                #[derive(Debug, Clone, Copy, Default)]
                pub struct #name;

                #binding
            };
        }
        let op_name = &op.name;
        let target = self.target(op);
        let input = self.io_type(op.input.as_ref());
        let output = self.io_type(op.output.as_ref());
        let error = ident(&op.error_name);
        let read = match &op.input {
            Some(id) => {
                let read = Self::function(self.shape(id).functions.read.as_ref());
                quote!(super::json::#read)
            }
            None => quote!(#rt::json::unit),
        };
        let encode = match &op.output {
            Some(id) => {
                let write = Self::function(self.shape(id).functions.write.as_ref());
                quote!(#rt::encode(output, super::json::#write))
            }
            None => quote! {
                let () = output;
                ::std::vec::Vec::new()
            },
        };
        let validation_error = (op.dialect == Dialect::Smithy).then(|| {
            quote! {
                fn validation_error(violations: &#rt::Violations) -> ::std::option::Option<Self::Error> {
                    ::std::option::Option::Some(super::server::validation_exception(violations).into())
                }
            }
        });
        quote! {
            #doc
            #[derive(Debug, Clone, Copy, Default)]
            pub struct #name;

            impl #rt::Operation for #name {
                const NAME: &'static str = #op_name;
                const TARGET: &'static str = #target;
                type Input = #input;
                type Output = #output;
                type Error = super::error::#error;

                fn decode_value(value: #rt::Value) -> ::std::result::Result<Self::Input, #rt::DecodeError> {
                    #rt::decode(value, #read)
                }

                fn encode_output(output: &Self::Output) -> ::std::vec::Vec<u8> {
                    #encode
                }

                #validation_error
            }
        }
    }

    pub(super) fn server_module(&self) -> TokenStream {
        let rt = &self.rt;
        let runtime_use = &self.runtime_use;
        let service = self.service;
        let trait_name = ident(&service.trait_name);
        let service_name = &service.name;
        let protocol = match service.protocol {
            Protocol::AwsJson1_0 => quote!(#rt::Protocol::AwsJson1_0),
            Protocol::AwsJson1_1 => quote!(#rt::Protocol::AwsJson1_1),
            Protocol::RestJson1 => quote!(#rt::Protocol::RestJson1),
        };
        let methods = service.operations.iter().map(|op| self.trait_method(op));
        let validation_exception = service
            .validation_exception
            .as_ref()
            .map(|exception| self.validation_exception(exception));
        let trait_doc = docs_or(
            &service.docs,
            format!("The `{service_name}` service: implement one method per operation."),
        );
        // What the protocol adds around the trait: awsJson lists its targets before it.
        let (name_doc, before_trait, after_trait) = match service.protocol {
            Protocol::RestJson1 => (
                quote!(#[doc = " The service shape's name."]),
                TokenStream::new(),
                self.rest_items(),
            ),
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => (
                quote!(#[doc = " The service shape's name, the prefix of every `X-Amz-Target`."]),
                self.aws_json_targets(),
                self.aws_json_items(),
            ),
        };
        quote! {
            /// The service trait to implement, and the dispatch that calls it.
            pub mod server {
                #runtime_use
                #name_doc
                pub const SERVICE_NAME: &str = #service_name;

                /// The protocol the service speaks.
                pub const PROTOCOL: #rt::Protocol = #protocol;

                #before_trait

                #trait_doc
                pub trait #trait_name: ::std::marker::Send + ::std::marker::Sync + 'static {
                    #(#methods)*
                }

                #after_trait

                #validation_exception
            }
        }
    }

    /// The service trait's method for one operation.
    fn trait_method(&self, op: &Operation) -> TokenStream {
        let rt = &self.rt;
        let method = ident(&op.method);
        let doc = docs_or(&op.docs, format!("Handles the `{}` operation.", op.name));
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
    }

    /// The server module's restJson1 items, with the model's internal error as the answer to
    /// a panic.
    fn rest_items(&self) -> TokenStream {
        let rt = &self.rt;
        let internal_error = match self.internal_error_value() {
            Some(value) => quote!(#rt::rest::RestResponse::error(&#value, request_id)),
            None => quote! {{
                let _ = request_id;
                #rt::rest::RestResponse::internal_failure()
            }},
        };
        self.rest_server_items(internal_error)
    }

    /// The `X-Amz-Target` of every operation, as an awsJson server module lists them.
    fn aws_json_targets(&self) -> TokenStream {
        let targets: Vec<String> = self
            .service
            .operations
            .iter()
            .map(|op| self.target(op))
            .collect();
        quote! {
            /// The `X-Amz-Target` of every operation.
            pub const TARGETS: &[&str] = &[#(#targets),*];
        }
    }

    /// The server module's awsJson items after the trait: the dispatch, and `Router`.
    fn aws_json_items(&self) -> TokenStream {
        let rt = &self.rt;
        let service = self.service;
        let trait_name = ident(&service.trait_name);
        let router = self.router();
        let arms = service.operations.iter().map(|op| {
            let target = self.target(op);
            let name = ident(&op.type_name);
            let method = ident(&op.method);
            quote! {
                #target => #rt::call::<super::operation::#name, _, _>(PROTOCOL, body, context, |input, context| service.#method(input, context)).await,
            }
        });
        quote! {
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
        }
    }

    /// The model's own internal error, built with the message `Internal server error`, if it
    /// has one.
    fn internal_error_value(&self) -> Option<TokenStream> {
        self.service.internal_error.as_ref().map(|internal| {
            let shape = self.shape(&internal.shape);
            let ty = self.type_path(shape);
            match &internal.message_field {
                Some(field) => {
                    let field = ident(field);
                    // The other fields, if any, are optional: absent.
                    let rest = (shape.kind.members().len() > 1)
                        .then(|| quote!(..::std::default::Default::default()));
                    quote! {
                        #ty {
                            #field: ::std::option::Option::Some("Internal server error".to_owned()),
                            #rest
                        }
                    }
                }
                None => quote!(#ty::default()),
            }
        })
    }

    /// `Router`: the generated glue between the service trait and the runtime's HTTP service.
    fn router(&self) -> TokenStream {
        let rt = &self.rt;
        let trait_name = ident(&self.service.trait_name);
        let internal_error = match self.internal_error_value() {
            Some(value) => quote!(#rt::Reply::error(PROTOCOL, &#value, request_id)),
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

    /// Builds `smithy.framework#ValidationException` from violations, for operations that model
    /// it.
    fn validation_exception(&self, exception: &ValidationException) -> TokenStream {
        let rt = &self.rt;
        let exception_type = self.type_path(self.shape(&exception.shape));
        let wrap = |optional: bool, value: TokenStream| {
            if optional {
                quote!(::std::option::Option::Some(#value))
            } else {
                value
            }
        };
        let message_field = ident(&exception.message.name);
        let message = wrap(exception.message.optional, quote!(report_message));
        let field_list = exception.field_list.as_ref().map(|list| {
            let entry_type = self.type_path(self.shape(&list.entry));
            let field = ident(&list.field.name);
            let path_field = ident(&list.path.name);
            let path = wrap(list.path.optional, quote!(path.clone()));
            let message_field = ident(&list.message.name);
            let entry_message = wrap(list.message.optional, quote!(message.clone()));
            let entries = wrap(
                list.field.optional,
                quote! {
                    report_fields.iter().map(|(path, message)| #entry_type {
                        #path_field: #path,
                        #message_field: #entry_message,
                    }).collect()
                },
            );
            quote!(#field: #entries,)
        });
        let fields_binding = if field_list.is_some() {
            quote!(report_fields)
        } else {
            quote!(_report_fields)
        };
        quote! {
            /// `smithy.framework#ValidationException` listing every violation.
            pub(super) fn validation_exception(violations: &#rt::Violations) -> #exception_type {
                let (report_message, #fields_binding) = violations.smithy_report();
                #exception_type { #message_field: #message, #field_list }
            }
        }
    }
}
