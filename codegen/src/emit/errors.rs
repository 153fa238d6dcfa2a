//! The `error` module: error structures with their `Display`, `Error` and `ErrorShape` impls,
//! and one error enum per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Emitter, ident};
use crate::ir::{Kind, Operation, Shape, Simple};

impl Emitter<'_> {
    pub(super) fn error_module(&self) -> TokenStream {
        let items: TokenStream = self
            .service
            .shapes
            .values()
            .filter(|shape| shape.error.is_some())
            .map(|shape| self.error_struct(shape))
            .chain(
                self.service
                    .operations
                    .iter()
                    .map(|op| self.operation_error(op)),
            )
            .collect();
        let runtime = self.runtime_use_for(&items);
        quote! {
            /// Modeled errors, and one enum per operation of the errors it can return.
            #[allow(clippy::large_enum_variant)]
            pub mod error {
                #runtime
                #items
            }
        }
    }

    fn string_member(&self, shape: &Shape, names: &[&str]) -> Option<(proc_macro2::Ident, bool)> {
        let Kind::Structure(members) = &shape.kind else {
            return None;
        };
        members
            .iter()
            .find(|m| {
                names.contains(&m.name.as_str())
                    && matches!(self.shape(&m.target).kind, Kind::Simple(Simple::String))
            })
            .map(|m| (ident(&m.rust_name), m.optional()))
    }

    fn error_struct(&self, shape: &Shape) -> TokenStream {
        let rt = &self.rt;
        let definition = match &shape.kind {
            Kind::Structure(members) => self.model_item(&Shape {
                kind: Kind::Structure(members.clone()),
                ..shape.clone()
            }),
            _ => TokenStream::new(),
        };
        let name = ident(&shape.name);
        let label = &shape.name;
        let id = &shape.id;
        let info = shape.error.unwrap_or(crate::ir::ErrorInfo {
            server_fault: false,
            status: 400,
        });
        let fault = if info.server_fault {
            quote!(#rt::Fault::Server)
        } else {
            quote!(#rt::Fault::Client)
        };
        let status = info.status;
        let display = match self.string_member(shape, &["message", "Message"]) {
            Some((field, true)) => quote! {
                if let ::std::option::Option::Some(message) = &self.#field {
                    write!(f, ": {message}")?;
                }
            },
            Some((field, false)) => quote!(write!(f, ": {}", self.#field)?;),
            None => TokenStream::new(),
        };
        let ser_members = self.function("ser_members", &shape.id);
        let query_error = match (&shape.query_error, self.service.query_compatible) {
            (Some(code), true) => {
                let header = format!(
                    "{code};{}",
                    if info.server_fault {
                        "Receiver"
                    } else {
                        "Sender"
                    }
                );
                quote! {
                    fn query_error(&self) -> ::std::option::Option<&'static str> {
                        ::std::option::Option::Some(#header)
                    }
                }
            }
            _ => TokenStream::new(),
        };
        let mut fills = Vec::new();
        if let Some((field, true)) = self.string_member(shape, &["Logref"]) {
            fills.push(quote! {
                if self.#field.is_none() {
                    object.key("Logref").string(request_id);
                }
            });
        }
        if let Some((field, true)) = self.string_member(shape, &["Code"]) {
            fills.push(quote! {
                if self.#field.is_none() {
                    object.key("Code").string(#label);
                }
            });
        }
        let request_id = if fills.iter().any(|f| f.to_string().contains("request_id")) {
            quote!(request_id)
        } else {
            quote!(_request_id)
        };
        quote! {
            #definition
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(#label)?;
                    #display
                    ::std::result::Result::Ok(())
                }
            }
            impl ::std::error::Error for #name {}
            impl #rt::ErrorShape for #name {
                fn shape_id(&self) -> &'static str {
                    #id
                }
                fn fault(&self) -> #rt::Fault {
                    #fault
                }
                fn http_status(&self) -> u16 {
                    #status
                }
                fn write_members(&self, object: &mut #rt::ObjectWriter<'_>, #request_id: &str) {
                    super::json::#ser_members(self, object);
                    #(#fills)*
                }
                #query_error
            }
        }
    }

    fn operation_error(&self, op: &Operation) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&op.error_name);
        let doc = format!(" Errors of the `{}` operation.", op.name);
        let shapes: Vec<&Shape> = op.errors.iter().map(|id| self.shape(id)).collect();
        let variants: Vec<_> = shapes.iter().map(|s| ident(&s.name)).collect();
        let docs = shapes.iter().map(|s| format!(" A [`{}`].", s.name));
        let matched = |body: TokenStream| {
            if variants.is_empty() {
                quote!(match *self {})
            } else {
                quote!(match self { #(Self::#variants(error) => #body,)* })
            }
        };
        let display = matched(quote!(::std::fmt::Display::fmt(error, f)));
        let source = matched(quote!(::std::option::Option::Some(error)));
        let shape_id = matched(quote!(#rt::ErrorShape::shape_id(error)));
        let fault = matched(quote!(#rt::ErrorShape::fault(error)));
        let status = matched(quote!(#rt::ErrorShape::http_status(error)));
        let write = matched(quote!(#rt::ErrorShape::write_members(error, object, request_id)));
        let query_error = matched(quote!(#rt::ErrorShape::query_error(error)));
        let froms = variants.iter().map(|variant| {
            quote! {
                impl ::std::convert::From<#variant> for #name {
                    fn from(error: #variant) -> Self {
                        Self::#variant(error)
                    }
                }
            }
        });
        let (object, request_id, f) = if variants.is_empty() {
            (quote!(_object), quote!(_request_id), quote!(_f))
        } else {
            (quote!(object), quote!(request_id), quote!(f))
        };
        quote! {
            #[doc = #doc]
            #[derive(Debug)]
            pub enum #name {
                #(#[doc = #docs] #variants(#variants),)*
            }
            impl ::std::fmt::Display for #name {
                fn fmt(&self, #f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    #display
                }
            }
            impl ::std::error::Error for #name {
                fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                    #source
                }
            }
            #(#froms)*
            impl #rt::ErrorShape for #name {
                fn shape_id(&self) -> &'static str {
                    #shape_id
                }
                fn fault(&self) -> #rt::Fault {
                    #fault
                }
                fn http_status(&self) -> u16 {
                    #status
                }
                fn write_members(&self, #object: &mut #rt::ObjectWriter<'_>, #request_id: &str) {
                    #write
                }
                fn query_error(&self) -> ::std::option::Option<&'static str> {
                    #query_error
                }
            }
        }
    }
}
