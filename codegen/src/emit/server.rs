//! The `operation` module (one marker type per operation, implementing its protocol's operation
//! trait) and the `server` module (the service trait, and `<Service>Server`, which serves an
//! implementation of it with the runtime's server: one operation service per operation, each
//! its protocol's generic `serve` around the trait's method).

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
        let json = self
            .service
            .json
            .is_some()
            .then(|| self.rpc_operation(op, super::Format::Json));
        let cbor = op.cbor.then(|| self.rpc_operation(op, super::Format::Cbor));
        quote! {
            #doc
            #[derive(Debug, Clone, Copy, Default)]
            pub struct #name;

            #json
            #cbor
        }
    }

    /// An RPC operation's trait implementation in one format: awsJson's `Operation` (which
    /// rpcv2Json shares) for JSON, rpcv2's `CborOperation` for CBOR.
    fn rpc_operation(&self, op: &Operation, format: super::Format) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&op.type_name);
        let op_name = &op.name;
        let input = self.io_type(op.input.as_ref());
        let output = self.io_type(op.output.as_ref());
        let error = ident(&op.error_name);
        let (module, readers) = match format {
            super::Format::Json => (quote!(json), quote!(#rt::json)),
            super::Format::Cbor => (quote!(cbor), quote!(#rt::cbor)),
        };
        let read = match &op.input {
            Some(id) => {
                let read = Self::function(self.shape(id).functions.read.as_ref());
                quote!(super::#module::#read)
            }
            None => quote!(#readers::unit),
        };
        let encoder = match format {
            super::Format::Json => quote!(#rt::encode),
            super::Format::Cbor => quote!(#rt::cbor::encode),
        };
        let encode = match &op.output {
            Some(id) => {
                let write = Self::function(self.shape(id).functions.write.as_ref());
                quote!(#encoder(output, super::#module::#write))
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
        match format {
            super::Format::Json => {
                let target = self.target(op);
                quote! {
                    impl #rt::aws_json::Operation for #name {
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
            super::Format::Cbor => quote! {
                impl #rt::rpc_v2::CborOperation for #name {
                    const NAME: &'static str = #op_name;
                    type Input = #input;
                    type Output = #output;
                    type Error = super::error::#error;

                    fn decode_cbor(value: #rt::CborValue) -> ::std::result::Result<Self::Input, #rt::DecodeError> {
                        #rt::cbor::decode(value, #read)
                    }

                    fn encode_cbor(output: &Self::Output) -> ::std::vec::Vec<u8> {
                        #encode
                    }

                    #validation_error
                }
            },
        }
    }

    pub(super) fn server_module(&self) -> TokenStream {
        let rt = &self.rt;
        let runtime_use = &self.runtime_use;
        let service = self.service;
        let trait_name = ident(&service.trait_name);
        let service_name = &service.name;
        let protocol = self.protocol_value(service.protocol);
        let methods = service.operations.iter().map(|op| self.trait_method(op));
        let validation_exception = service
            .validation_exception
            .as_ref()
            .map(|exception| self.validation_exception(exception));
        let trait_doc = docs_or(
            &service.docs,
            format!("The `{service_name}` service: implement one method per operation."),
        );
        let (name_doc, routes) = self.routes();
        let ids = service.operations.iter().map(|op| {
            let (id, name) = (&op.id, &op.name);
            quote!(#rt::OperationId::new(#id, #name))
        });
        let server = self.server_type();
        let internal_error = match self.internal_error_value() {
            Some(value) => quote!(#rt::Refusal::modeled(#value)),
            None => quote!(#rt::Refusal::internal_failure()),
        };
        let precision = service.big_numbers.then(|| {
            quote! {
                const _: () = ::std::assert!(
                    #rt::ARBITRARY_PRECISION,
                    "this service has bigInteger or bigDecimal values: turn on smithy-server-runtime's `arbitrary-precision` feature to keep their digits",
                );
            }
        });
        quote! {
            /// The service trait to implement, and the server that calls it.
            pub mod server {
                #runtime_use
                #precision
                #name_doc
                pub const SERVICE_NAME: &str = #service_name;

                /// The protocol the service speaks.
                pub const PROTOCOL: #rt::Protocol = #protocol;

                #routes

                /// Every operation: its shape id and its name.
                pub const OPERATIONS: &[#rt::OperationId] = &[#(#ids),*];

                #trait_doc
                pub trait #trait_name: ::std::marker::Send + ::std::marker::Sync + 'static {
                    #(#methods)*
                }

                #server

                /// The answer to a failure of the service's own (a panicking handler).
                fn internal_error() -> #rt::Refusal {
                    #internal_error
                }

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

    /// The runtime's name of a protocol.
    fn protocol_value(&self, protocol: Protocol) -> TokenStream {
        let rt = &self.rt;
        match protocol {
            Protocol::AwsJson1_0 => quote!(#rt::Protocol::AwsJson1_0),
            Protocol::AwsJson1_1 => quote!(#rt::Protocol::AwsJson1_1),
            Protocol::RestJson1 => quote!(#rt::Protocol::RestJson1),
            Protocol::RpcV2Cbor => quote!(#rt::Protocol::RpcV2Cbor),
            Protocol::RpcV2Json => quote!(#rt::Protocol::RpcV2Json),
        }
    }

    /// The service name's documentation, and what each protocol routes on: the `X-Amz-Target`
    /// of every operation (awsJson), the routes (restJson1), the service's id and every
    /// operation's name (rpcv2).
    fn routes(&self) -> (TokenStream, TokenStream) {
        let protocols = &self.service.protocols;
        let aws_json = protocols
            .iter()
            .any(|p| matches!(p, Protocol::AwsJson1_0 | Protocol::AwsJson1_1));
        let rpc_v2 = protocols
            .iter()
            .any(|p| matches!(p, Protocol::RpcV2Cbor | Protocol::RpcV2Json));
        let name_doc = if aws_json {
            quote!(#[doc = " The service shape's name, the prefix of every `X-Amz-Target`."])
        } else {
            quote!(#[doc = " The service shape's name."])
        };
        let mut routes = TokenStream::new();
        if protocols.contains(&Protocol::RestJson1) {
            routes.extend(self.rest_routes());
        }
        if aws_json {
            routes.extend(self.aws_json_targets());
        }
        if rpc_v2 {
            let id = &self.service.id;
            let names = self.service.operations.iter().map(|op| &op.name);
            routes.extend(quote! {
                /// The service shape's absolute id, which rpcv2 requests may name instead of its
                /// name (with `#` written `.`).
                pub const SERVICE_ID: &str = #id;

                /// The name of every operation, as rpcv2 paths give it, in the order of
                /// `OPERATIONS`.
                pub const OPERATION_NAMES: &[&str] = &[#(#names),*];
            });
        }
        (name_doc, routes)
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
            /// The `X-Amz-Target` of every operation, in the order of `OPERATIONS`.
            pub const TARGETS: &[&str] = &[#(#targets),*];
        }
    }

    /// The service of one operation: its protocol's generic body around the trait's method; in
    /// a service of several protocols, the body of the protocol the request arrived in.
    fn operation_service(&self, op: &Operation) -> TokenStream {
        let rt = &self.rt;
        let protocols = &self.service.protocols;
        let serve = match protocols.as_slice() {
            [only] => self.serve(op, *only, true),
            _ => {
                let arms = protocols.iter().map(|protocol| {
                    let value = self.protocol_value(*protocol);
                    let serve = self.serve(op, *protocol, false);
                    quote!(#value => #serve.await,)
                });
                // The first protocol that serves the operation (rpcv2Cbor does not serve one
                // that carries a document).
                let first = protocols
                    .iter()
                    .copied()
                    .find(|p| *p != Protocol::RpcV2Cbor || op.cbor)
                    .unwrap_or(self.service.protocol);
                let first = self.serve(op, first, false);
                quote! {
                    match request.wire() {
                        #(#arms)*
                        _ => #first.await,
                    }
                }
            }
        };
        let serve = match protocols.as_slice() {
            [_] => quote!(#serve.await),
            _ => serve,
        };
        quote! {{
            let service = ::std::sync::Arc::clone(&service);
            #rt::operation(move |request| {
                let service = ::std::sync::Arc::clone(&service);
                async move { #serve }
            })
        }}
    }

    /// One protocol's generic body for an operation (`PROTOCOL` names the protocol of a
    /// single-protocol awsJson service).
    fn serve(&self, op: &Operation, protocol: Protocol, only: bool) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&op.type_name);
        let method = ident(&op.method);
        let handler = quote!(|input, context| service.#method(input, context));
        match protocol {
            Protocol::RestJson1 => quote! {
                #rt::rest_json::serve::<super::operation::#name, _, _>(request, #handler)
            },
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => {
                let value = if only {
                    quote!(PROTOCOL)
                } else {
                    self.protocol_value(protocol)
                };
                quote! {
                    #rt::aws_json::serve::<super::operation::#name, _, _>(#value, request, #handler)
                }
            }
            Protocol::RpcV2Cbor if !op.cbor => {
                let message = format!(
                    "{} is not served in rpcv2Cbor: it carries a document, which CBOR cannot; use another of the service's protocols",
                    op.name
                );
                quote! {
                    ::std::future::ready(request.refuse(&#rt::Refusal::new(400, "UnknownOperationException", #message)))
                }
            }
            Protocol::RpcV2Cbor => quote! {
                #rt::rpc_v2::serve_cbor::<super::operation::#name, _, _>(request, #handler)
            },
            Protocol::RpcV2Json => quote! {
                #rt::rpc_v2::serve_json::<super::operation::#name, _, _>(request, #handler)
            },
        }
    }

    /// The runtime's value of one protocol of the service.
    fn protocol_constructor(&self, protocol: Protocol, only: bool) -> TokenStream {
        let rt = &self.rt;
        match protocol {
            Protocol::RestJson1 => quote!(#rt::rest_json::RestJson::new(ROUTES)),
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => {
                let value = if only {
                    quote!(PROTOCOL)
                } else {
                    self.protocol_value(protocol)
                };
                quote!(#rt::aws_json::AwsJson::new(#value, TARGETS))
            }
            Protocol::RpcV2Cbor | Protocol::RpcV2Json => {
                let value = self.protocol_value(protocol);
                quote!(#rt::rpc_v2::RpcV2::new(#value, SERVICE_NAME, SERVICE_ID, OPERATION_NAMES))
            }
        }
    }

    /// `<Service>Server`: the service as a tower `Service`, built from an implementation of the
    /// trait, with the runtime server's builder methods.
    fn server_type(&self) -> TokenStream {
        let rt = &self.rt;
        let service = self.service;
        let trait_name = ident(&service.trait_name);
        let server = ident(&service.server_name);
        let constructor = match service.protocols.as_slice() {
            [only] => {
                let protocol = self.protocol_constructor(*only, true);
                quote!(#rt::Server::new(#protocol, #rt::Operations::new(OPERATIONS, operations, internal_error)))
            }
            several => {
                let protocols = several.iter().map(|p| {
                    let protocol = self.protocol_constructor(*p, false);
                    quote!(::std::sync::Arc::new(#protocol))
                });
                quote! {
                    #rt::Server::with_protocols(
                        #rt::Protocols::new(::std::vec![#(#protocols),*]),
                        #rt::Operations::new(OPERATIONS, operations, internal_error),
                    )
                }
            }
        };
        let operations = service
            .operations
            .iter()
            .map(|op| self.operation_service(op));
        let service_impls = self.server_service_impls(&server);
        let doc = [
            format!(
                " The `{}` service as a tower `Service`, built from an implementation of",
                service.name
            ),
            format!(
                " [`{}`]: it routes each request to its operation, reads and validates its",
                service.trait_name
            ),
            " input, calls the method, and answers in the service's protocol. Mount it in hyper"
                .to_owned(),
            " (`smithy_server_runtime::serve`), axum, or behind any tower layer.".to_owned(),
        ];
        quote! {
            #(#[doc = #doc])*
            pub struct #server<C = #rt::DefaultContext>(#rt::Server<C>);

            impl #server {
                /// Serves `service`, with the request id alone as each request's context and the
                /// default settings.
                pub fn new<S: #trait_name>(service: S) -> Self {
                    let service = ::std::sync::Arc::new(service);
                    let operations = ::std::vec::Vec::from([#(#operations),*]);
                    Self(#constructor)
                }
            }

            impl<C> #server<C> {
                /// The same server with another context resolver (authentication,
                /// authorization, rate limits, a principal for the handlers).
                pub fn context<D: #rt::ResolveContext>(self, resolver: D) -> #server<D> {
                    #server(self.0.context(resolver))
                }

                /// The same server with other settings (limits, per operation too; the built-in
                /// layers).
                pub fn settings(self, settings: #rt::Settings) -> Self {
                    Self(self.0.settings(settings))
                }

                /// The same server with a plugin around every operation, told which operation
                /// it wraps.
                pub fn plugin(self, plugin: impl #rt::Plugin) -> Self {
                    Self(self.0.plugin(plugin))
                }

                /// The server inside a tower layer around the whole service.
                pub fn layer<L: #rt::tower::Layer<Self>>(self, layer: L) -> L::Service {
                    layer.layer(self)
                }

                /// The runtime's server inside.
                pub fn into_inner(self) -> #rt::Server<C> {
                    self.0
                }
            }

            #service_impls
        }
    }

    /// `<Service>Server`'s `Clone`, `Debug`, and tower `Service` (the runtime server's).
    fn server_service_impls(&self, server: &proc_macro2::Ident) -> TokenStream {
        let rt = &self.rt;
        quote! {
            impl<C> ::std::clone::Clone for #server<C> {
                fn clone(&self) -> Self {
                    Self(self.0.clone())
                }
            }

            impl<C> ::std::fmt::Debug for #server<C> {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_tuple(::std::stringify!(#server)).field(&self.0).finish()
                }
            }

            impl<C, B> #rt::tower::Service<#rt::http::Request<B>> for #server<C>
            where
                C: #rt::ResolveContext,
                B: #rt::http_body::Body<Data = #rt::Bytes> + ::std::marker::Send + 'static,
                B::Error: ::std::convert::Into<#rt::BoxError>,
            {
                type Response = #rt::http::Response<#rt::ResponseBody>;
                type Error = ::std::convert::Infallible;
                type Future = <#rt::Server<C> as #rt::tower::Service<#rt::http::Request<B>>>::Future;

                fn poll_ready(&mut self, cx: &mut ::std::task::Context<'_>) -> ::std::task::Poll<::std::result::Result<(), Self::Error>> {
                    #rt::tower::Service::<#rt::http::Request<B>>::poll_ready(&mut self.0, cx)
                }

                fn call(&mut self, request: #rt::http::Request<B>) -> Self::Future {
                    self.0.call(request)
                }
            }
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
