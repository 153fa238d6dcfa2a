//! Stage 3, emit: IR to tokens. Infallible and deterministic: it walks `BTreeMap`s and
//! `Vec`s in the IR's order. One submodule per generated module.

mod errors;
mod json;
mod model;
mod server;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Kind, Member, Service, Shape, Simple};

/// Emits a service's modules, in order, as one file.
pub(crate) fn emit(service: &Service, runtime_crate: &str) -> TokenStream {
    let krate = ident(runtime_crate);
    let emitter = Emitter {
        service,
        rt: quote!(rt),
        runtime_use: quote!(use ::#krate::codegen as rt;),
    };
    let model = emitter.model_module();
    let errors = emitter.error_module();
    let operations = emitter.operation_module();
    let server = emitter.server_module();
    let json = emitter.json_module();
    quote! {
        #model
        #errors
        #operations
        #server
        #json
    }
}

struct Emitter<'a> {
    service: &'a Service,
    /// Path to the runtime's re-export module, as generated code names it.
    rt: TokenStream,
    /// The `use` that brings the runtime's re-export module in as `rt`. Model names are
    /// `UpperCamelCase`, so none can shadow it.
    runtime_use: TokenStream,
}

/// An identifier, raw when it is written `r#name`.
fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = "..."]` lines.
fn docs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|line| {
        let text = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #text])
    });
    quote!(#(#lines)*)
}

impl Emitter<'_> {
    /// The runtime `use` for a module body that needs it.
    fn runtime_use_for(&self, body: &TokenStream) -> Option<&TokenStream> {
        body.to_string()
            .contains("rt ::")
            .then_some(&self.runtime_use)
    }

    fn shape(&self, id: &str) -> &Shape {
        &self.service.shapes[id]
    }

    fn is_unit(&self, member: &Member) -> bool {
        member.target == "smithy.api#Unit"
    }

    /// The path to a named type from any generated module.
    fn type_path(&self, shape: &Shape) -> TokenStream {
        let name = ident(&shape.name);
        if shape.error.is_some() {
            quote!(super::error::#name)
        } else {
            quote!(super::model::#name)
        }
    }

    /// The Rust type of a value of a shape.
    fn value_type(&self, id: &str) -> TokenStream {
        let rt = &self.rt;
        let shape = self.shape(id);
        match &shape.kind {
            Kind::Simple(simple) => match simple {
                Simple::Blob => quote!(#rt::Blob),
                Simple::Boolean => quote!(bool),
                Simple::String => quote!(::std::string::String),
                Simple::Byte => quote!(i8),
                Simple::Short => quote!(i16),
                Simple::Integer => quote!(i32),
                Simple::Long => quote!(i64),
                Simple::Float => quote!(f32),
                Simple::Double => quote!(f64),
                Simple::BigInteger | Simple::BigDecimal => quote!(#rt::BigNumber),
                Simple::Timestamp => quote!(#rt::Timestamp),
                Simple::Document => quote!(#rt::Document),
            },
            Kind::Enum(_) | Kind::IntEnum(_) | Kind::Structure(_) | Kind::Union(_) => {
                self.type_path(shape)
            }
            Kind::List { member, sparse, .. } => {
                let item = self.value_type(&member.target);
                if *sparse {
                    quote!(::std::vec::Vec<::std::option::Option<#item>>)
                } else {
                    quote!(::std::vec::Vec<#item>)
                }
            }
            Kind::Map { key, value, sparse } => {
                let key = self.value_type(&key.target);
                let value = self.value_type(&value.target);
                if *sparse {
                    quote!(::std::collections::HashMap<#key, ::std::option::Option<#value>>)
                } else {
                    quote!(::std::collections::HashMap<#key, #value>)
                }
            }
        }
    }

    /// A member's value type, boxed when it closes a cycle (not wrapped in `Option`).
    fn member_value_type(&self, member: &Member) -> TokenStream {
        let inner = self.value_type(&member.target);
        if member.boxed {
            quote!(::std::boxed::Box<#inner>)
        } else {
            inner
        }
    }

    /// A structure field's type.
    fn field_type(&self, member: &Member) -> TokenStream {
        let inner = self.member_value_type(member);
        if member.optional() {
            quote!(::std::option::Option<#inner>)
        } else {
            inner
        }
    }

    /// Whether values of a shape can be printed in an AWS-dialect message (scalars, enums, and
    /// lists and maps of them).
    fn printable(&self, id: &str) -> bool {
        match &self.shape(id).kind {
            Kind::Simple(_) | Kind::Enum(_) | Kind::IntEnum(_) => true,
            Kind::List { member, .. } => self.printable(&member.target),
            Kind::Map { value, .. } => self.printable(&value.target),
            Kind::Structure(_) | Kind::Union(_) => false,
        }
    }

    /// Whether a member carries a check on its own value (beyond its type and nesting).
    fn has_checks(&self, member: &Member) -> bool {
        member.length.is_some()
            || member.pattern.is_some()
            || member.range.is_some()
            || matches!(
                self.shape(&member.target).kind,
                Kind::Enum(_) | Kind::IntEnum(_)
            )
    }

    fn function(&self, prefix: &str, id: &str) -> Ident {
        format_ident!("{prefix}_{}", self.shape(id).function_stem)
    }
}
