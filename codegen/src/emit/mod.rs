//! Stage 3, emit: IR to tokens. Infallible and deterministic: a plain walk over the IR's
//! `BTreeMap`s and `Vec`s, in their order, deciding nothing the IR has not settled. One
//! submodule per generated module.

mod errors;
mod json;
mod model;
mod read;
mod rest;
mod server;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::ir::{DefaultValue, DocumentDefault, Kind, Member, Service, Shape, Simple};

/// Emits a service's modules, in order, as one file.
pub(crate) fn emit(service: &Service, runtime_crate: &str) -> TokenStream {
    let emitter = Emitter::new(service, runtime_crate, quote!(super));
    let model = emitter.model_module();
    let errors = emitter.error_module();
    let operations = emitter.operation_module();
    let server = emitter.server_module();
    let json = service.json.is_some().then(|| emitter.format_module());
    let cbor = service.cbor.then(|| {
        Emitter {
            format: Format::Cbor,
            ..emitter.clone()
        }
        .format_module()
    });
    quote! {
        #model
        #errors
        #operations
        #server
        #json
        #cbor
    }
}

/// A member's `@default` as a Rust expression of its field type, for code outside the generated
/// crate that builds its values (tests): types are named from `crate_path`, the runtime from
/// `runtime_crate`.
pub fn default_expr(
    service: &Service,
    member: &Member,
    runtime_crate: &str,
    crate_path: TokenStream,
) -> Option<TokenStream> {
    let emitter = Emitter::new(service, runtime_crate, crate_path);
    let rt = ident(runtime_crate);
    let emitter = Emitter {
        rt: quote!(::#rt::codegen),
        ..emitter
    };
    member
        .default
        .as_ref()
        .map(|default| emitter.default_value(member, default))
}

/// The wire format a `json` or `cbor` module reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Cbor,
}

#[derive(Clone)]
struct Emitter<'a> {
    service: &'a Service,
    /// The format of the module being emitted (readers and writers).
    format: Format,
    /// Path to the runtime's re-export module, as generated code names it.
    rt: TokenStream,
    /// The `use` that brings the runtime's re-export module in as `rt`. Model names are
    /// `UpperCamelCase` and function names are prefixed, so none can shadow it.
    runtime_use: TokenStream,
    /// What generated types are named under: `super` inside the generated modules.
    root: TokenStream,
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

/// Documentation lines, or one line of `fallback` when the model gives none.
fn docs_or(lines: &[String], fallback: String) -> TokenStream {
    if lines.is_empty() {
        docs(&[fallback])
    } else {
        docs(lines)
    }
}

impl<'a> Emitter<'a> {
    fn new(service: &'a Service, runtime_crate: &str, root: TokenStream) -> Self {
        let krate = ident(runtime_crate);
        Emitter {
            service,
            format: Format::Json,
            rt: quote!(rt),
            runtime_use: quote!(use ::#krate::codegen as rt;),
            root,
        }
    }

    fn shape(&self, id: &str) -> &Shape {
        &self.service.shapes[id]
    }

    /// The generated module of the current format: `json` or `cbor`.
    fn format_name(&self) -> Ident {
        match self.format {
            Format::Json => ident("json"),
            Format::Cbor => ident("cbor"),
        }
    }

    /// The runtime's readers of the current format.
    fn readers(&self) -> TokenStream {
        let rt = &self.rt;
        match self.format {
            Format::Json => quote!(#rt::json),
            Format::Cbor => quote!(#rt::cbor),
        }
    }

    /// The parsed value the current format's readers take.
    fn node(&self) -> TokenStream {
        let rt = &self.rt;
        match self.format {
            Format::Json => quote!(#rt::Value),
            Format::Cbor => quote!(#rt::CborValue),
        }
    }

    /// A structure's members being read, in the current format.
    fn members_reader(&self) -> TokenStream {
        let rt = &self.rt;
        match self.format {
            Format::Json => quote!(#rt::Members),
            Format::Cbor => quote!(#rt::cbor::Members),
        }
    }

    /// The writer of a value, and of an open object's members, in the current format.
    fn writers_of(&self) -> (TokenStream, TokenStream) {
        let rt = &self.rt;
        match self.format {
            Format::Json => (quote!(#rt::JsonWriter), quote!(#rt::ObjectWriter)),
            Format::Cbor => (quote!(#rt::CborWriter), quote!(#rt::CborObjectWriter)),
        }
    }

    /// Whether JSON is written in rpcv2Json's dialect (timestamps in epoch seconds whatever
    /// their format, big numbers as strings).
    fn rpc_v2_json(&self) -> bool {
        self.format == Format::Json && self.service.json == Some(crate::ir::JsonDialect::RpcV2)
    }

    fn is_unit(&self, member: &Member) -> bool {
        matches!(self.shape(&member.target).kind, Kind::Unit)
    }

    /// The path to a named type from any generated module.
    fn type_path(&self, shape: &Shape) -> TokenStream {
        let root = &self.root;
        let name = ident(&shape.name);
        if shape.error.is_some() {
            quote!(#root::error::#name)
        } else {
            quote!(#root::model::#name)
        }
    }

    /// Whether a value of a shape is of a runtime type (or holds one), so a module defining a
    /// field of it names the runtime.
    fn holds_runtime_type(&self, id: &str) -> bool {
        match &self.shape(id).kind {
            Kind::Simple(simple) => matches!(
                simple,
                Simple::Blob
                    | Simple::BigInteger
                    | Simple::BigDecimal
                    | Simple::Timestamp
                    | Simple::Document
            ),
            Kind::List { member, .. } => self.holds_runtime_type(&member.target),
            Kind::Map { key, value, .. } => {
                self.holds_runtime_type(&key.target) || self.holds_runtime_type(&value.target)
            }
            Kind::Enum(_) | Kind::IntEnum(_) | Kind::Structure(_) | Kind::Union(_) | Kind::Unit => {
                false
            }
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
            Kind::Unit => quote!(()),
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

    /// A `json` module function of a shape, as the lowering named it. The lowering names one
    /// for every shape that needs it, so a missing name is a bug in the generator.
    fn function(name: Option<&String>) -> Ident {
        ident(name.expect("the lowering names every json function emit calls"))
    }

    /// The `@default` of a member as a Rust expression of its field type.
    fn default_value(&self, member: &Member, default: &DefaultValue) -> TokenStream {
        let rt = &self.rt;
        let value = match default {
            DefaultValue::Boolean(flag) => quote!(#flag),
            DefaultValue::Integer(number) => {
                let literal = Literal::i64_unsuffixed(*number);
                quote!(#literal)
            }
            DefaultValue::Float(number) => {
                let literal = Literal::f64_unsuffixed(*number);
                quote!(#literal)
            }
            DefaultValue::BigNumber(digits) => quote!(#rt::BigNumber::from_model(#digits)),
            DefaultValue::String(text) => quote!(::std::string::String::from(#text)),
            DefaultValue::Blob(bytes) => {
                let bytes = Literal::byte_string(bytes);
                quote!(#rt::Blob::new(#bytes.to_vec()))
            }
            DefaultValue::Timestamp { seconds, nanos } => {
                quote!(#rt::Timestamp::new(#seconds, #nanos))
            }
            DefaultValue::Document(document) => match document {
                DocumentDefault::Boolean(flag) => quote!(#rt::Document::Bool(#flag)),
                DocumentDefault::Integer(number) => {
                    let literal = Literal::i64_suffixed(*number);
                    quote!(#rt::Document::from(#literal))
                }
                DocumentDefault::Float(number) => {
                    let literal = Literal::f64_suffixed(*number);
                    quote!(#rt::Document::from(#literal))
                }
                DocumentDefault::String(text) => {
                    quote!(#rt::Document::String(::std::string::String::from(#text)))
                }
                DocumentDefault::EmptyList => quote!(#rt::Document::Array(::std::vec::Vec::new())),
                DocumentDefault::EmptyMap => {
                    quote!(#rt::Document::Object(::std::default::Default::default()))
                }
            },
            DefaultValue::Variant(variant) => {
                let ty = self.type_path(self.shape(&member.target));
                let variant = ident(variant);
                quote!(#ty::#variant)
            }
            DefaultValue::EmptyList => quote!(::std::vec::Vec::new()),
            DefaultValue::EmptyMap => quote!(::std::collections::HashMap::new()),
        };
        if member.boxed {
            quote!(::std::boxed::Box::new(#value))
        } else {
            value
        }
    }
}
