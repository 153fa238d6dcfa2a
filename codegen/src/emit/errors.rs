//! The `error` module: error structures with their `Display`, `Error` and `ErrorShape` impls and
//! a constructor from a message, and one error enum per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Emitter, ident};
use crate::ir::{ErrorInfo, FillValue, Kind, Operation, Shape};

impl Emitter<'_> {
    pub(super) fn error_module(&self) -> TokenStream {
        let items: Vec<TokenStream> = self
            .service
            .shapes
            .values()
            .filter_map(|shape| match (&shape.kind, &shape.error) {
                (Kind::Structure(members), Some(info)) => {
                    let definition = self.structure(shape, members);
                    let impls = self.error_impls(shape, info);
                    Some(quote!(#definition #impls))
                }
                _ => None,
            })
            .chain(
                self.service
                    .operations
                    .iter()
                    .map(|op| self.operation_error(op)),
            )
            .collect();
        let runtime = (!items.is_empty()).then_some(&self.runtime_use);
        quote! {
            /// Modeled errors, and one enum per operation of the errors it can return.
            #[allow(clippy::large_enum_variant)]
            pub mod error {
                #runtime
                #(#items)*
            }
        }
    }

    fn error_impls(&self, shape: &Shape, info: &ErrorInfo) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&shape.name);
        let label = &shape.name;
        let id = &shape.id;
        let status = info.status;
        let mut info_expr = if info.server_fault {
            quote!(#rt::ErrorInfo::server(#id, #status))
        } else {
            quote!(#rt::ErrorInfo::client(#id, #status))
        };
        if let Some(header) = &info.query_error {
            info_expr = quote!(#info_expr.with_query_error(#header));
        }
        let message = match &info.message {
            Some(message) if message.optional => {
                let field = ident(&message.field);
                quote!(self.#field.as_deref())
            }
            Some(message) => {
                let field = ident(&message.field);
                quote!(::std::option::Option::Some(&self.#field))
            }
            None => quote!(::std::option::Option::None),
        };
        let write_headers = self.error_headers(&shape.id);
        let member_writers = self.member_writers(shape, info);
        let constructor = info.message.as_ref().filter(|m| m.constructible).map(|message| {
            let field = ident(&message.field);
            let value = if message.optional {
                quote!(::std::option::Option::Some(message.into()))
            } else {
                quote!(message.into())
            };
            let Kind::Structure(members) = &shape.kind else {
                return TokenStream::new();
            };
            let rest = members
                .iter()
                .filter(|m| m.rust_name != message.field)
                .map(|m| {
                    let other = ident(&m.rust_name);
                    quote!(#other: ::std::option::Option::None,)
                });
            quote! {
                impl #name {
                    /// The error with this message.
                    pub fn new(message: impl ::std::convert::Into<::std::string::String>) -> Self {
                        Self { #field: #value, #(#rest)* }
                    }
                }
            }
        });
        quote! {
            #constructor
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    #rt::fmt_error(f, #label, #message)
                }
            }
            impl ::std::error::Error for #name {}
            impl #rt::ErrorShape for #name {
                fn info(&self) -> &'static #rt::ErrorInfo {
                    const INFO: #rt::ErrorInfo = #info_expr;
                    &INFO
                }
                #member_writers
                #write_headers
            }
        }
    }

    /// An error's `write_members` (JSON) and `write_members_cbor`, each filling the members the
    /// generator was told to fill when the handler left them unset.
    fn member_writers(&self, shape: &Shape, info: &ErrorInfo) -> TokenStream {
        let rt = &self.rt;
        let label = &shape.name;
        let fills = info.fills.iter().map(|fill| {
            let field = ident(&fill.field);
            let key = &fill.key;
            let value = match fill.value {
                FillValue::RequestId => quote!(request_id),
                FillValue::ErrorName => quote!(#label),
            };
            quote! {
                if self.#field.is_none() {
                    object.key(#key).string(#value);
                }
            }
        });
        let request_id = if info.fills.iter().any(|f| f.value == FillValue::RequestId) {
            quote!(request_id)
        } else {
            quote!(_request_id)
        };
        let write_members = Self::function(
            shape
                .functions
                .write_body
                .as_ref()
                .or(shape.functions.write_members.as_ref()),
        );
        let fills: Vec<TokenStream> = fills.collect();
        let json_members = if self.service.json.is_some() {
            quote! {
                fn write_members(&self, object: &mut #rt::ObjectWriter<'_>, #request_id: &str) {
                    super::json::#write_members(self, object);
                    #(#fills)*
                }
            }
        } else {
            quote! {
                fn write_members(&self, _object: &mut #rt::ObjectWriter<'_>, _request_id: &str) {}
            }
        };
        let cbor_members = self.service.cbor_written.contains(&shape.id).then(|| {
            quote! {
                fn write_members_cbor(&self, object: &mut #rt::CborObjectWriter<'_>, #request_id: &str) {
                    super::cbor::#write_members(self, object);
                    #(#fills)*
                }
            }
        });
        quote! {
            #json_members
            #cbor_members
        }
    }

    fn operation_error(&self, op: &Operation) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&op.error_name);
        let doc = format!(" Errors of the `{}` operation.", op.name);
        let shapes: Vec<&Shape> = op.errors.iter().map(|id| self.shape(id)).collect();
        let variants: Vec<_> = shapes.iter().map(|s| ident(&s.name)).collect();
        let docs = shapes.iter().map(|s| format!(" A [`{}`].", s.name));
        let unmodeled = ident(&op.unmodeled_variant);
        let froms = variants.iter().map(|variant| {
            quote! {
                impl ::std::convert::From<#variant> for #name {
                    fn from(error: #variant) -> Self {
                        Self::#variant(error)
                    }
                }
            }
        });
        quote! {
            #[doc = #doc]
            #[derive(Debug)]
            pub enum #name {
                #(#[doc = #docs] #variants(#variants),)*
                /// An error the model does not list for the operation, answered as the refusal
                /// says: what a service's own code raises, as AWS services answer a
                /// `ValidationException` the model does not declare.
                #unmodeled(#rt::Refusal),
            }
            impl #rt::OperationError for #name {
                fn answer(&self) -> #rt::ErrorAnswer<'_> {
                    match self {
                        #(Self::#variants(error) => #rt::ErrorAnswer::Modeled(error),)*
                        Self::#unmodeled(refusal) => #rt::ErrorAnswer::Refused(refusal),
                    }
                }
            }
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match #rt::OperationError::answer(self) {
                        #rt::ErrorAnswer::Modeled(error) => ::std::fmt::Display::fmt(error, f),
                        #rt::ErrorAnswer::Refused(refusal) => ::std::fmt::Display::fmt(refusal, f),
                    }
                }
            }
            impl ::std::error::Error for #name {
                fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                    match #rt::OperationError::answer(self) {
                        #rt::ErrorAnswer::Modeled(error) => ::std::option::Option::Some(error),
                        #rt::ErrorAnswer::Refused(refusal) => ::std::option::Option::Some(refusal),
                    }
                }
            }
            #(#froms)*
            impl ::std::convert::From<#rt::Refusal> for #name {
                fn from(refusal: #rt::Refusal) -> Self {
                    Self::#unmodeled(refusal)
                }
            }
        }
    }
}
