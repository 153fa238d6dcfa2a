//! The `model` module (structures, unions, enums) and the `error` module's structures.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Emitter, docs, docs_or, ident};
use crate::ir::{EnumValue, IntEnumValue, Kind, Member, Shape};

const REDACTED: &str = "*** Sensitive Data Redacted ***";

impl Emitter<'_> {
    pub(super) fn model_module(&self) -> TokenStream {
        let items: TokenStream = self
            .service
            .shapes
            .values()
            .filter(|shape| shape.error.is_none())
            .map(|shape| self.model_item(shape))
            .collect();
        let runtime = self.model_uses_runtime().then_some(&self.runtime_use);
        quote! {
            /// Structures, unions and enums of the service's operations.
            pub mod model {
                #runtime
                #items
            }
        }
    }

    /// Whether the model module names the runtime: enums implement its traits, and fields may
    /// be of its types.
    fn model_uses_runtime(&self) -> bool {
        self.service
            .shapes
            .values()
            .filter(|shape| shape.error.is_none())
            .any(|shape| match &shape.kind {
                Kind::Enum(_) | Kind::IntEnum(_) => true,
                Kind::Structure(members) | Kind::Union(members) => members
                    .iter()
                    .any(|member| self.holds_runtime_type(&member.target)),
                Kind::Simple(_) | Kind::List { .. } | Kind::Map { .. } | Kind::Unit => false,
            })
    }

    /// A shape's type, if it has one of its own.
    fn model_item(&self, shape: &Shape) -> TokenStream {
        match &shape.kind {
            Kind::Structure(members) => self.structure(shape, members),
            Kind::Union(members) => self.union(shape, members),
            Kind::Enum(values) => self.string_enum(shape, values),
            Kind::IntEnum(values) => self.int_enum(shape, values),
            Kind::Simple(_) | Kind::List { .. } | Kind::Map { .. } | Kind::Unit => {
                TokenStream::new()
            }
        }
    }

    pub(super) fn structure(&self, shape: &Shape, members: &[Member]) -> TokenStream {
        let name = ident(&shape.name);
        let doc = docs_or(&shape.docs, format!("The `{}` structure.", shape.name));
        let fields = members.iter().map(|member| {
            let field = ident(&member.rust_name);
            let ty = self.field_type(member);
            let doc = docs_or(&member.docs, format!("The `{}` member.", member.name));
            quote!(#doc pub #field: #ty,)
        });
        let hidden = |member: &Member| {
            shape.sensitive || member.sensitive || self.holds_sensitive(&member.target)
        };
        let redact = members.iter().any(hidden) || shape.sensitive;
        let all_optional = members.iter().all(Member::optional);
        let mut derives = vec![quote!(Clone), quote!(PartialEq)];
        if !redact {
            derives.insert(0, quote!(Debug));
        }
        if all_optional {
            derives.push(quote!(Default));
        }
        let debug = redact.then(|| {
            let label = &shape.name;
            let entries = members.iter().map(|member| {
                let field = ident(&member.rust_name);
                let key = member.rust_name.trim_start_matches("r#");
                if hidden(member) {
                    quote!(.field(#key, &#REDACTED))
                } else {
                    quote!(.field(#key, &self.#field))
                }
            });
            quote! {
                impl ::std::fmt::Debug for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.debug_struct(#label) #(#entries)* .finish()
                    }
                }
            }
        });
        quote! {
            #doc
            #[derive(#(#derives),*)]
            pub struct #name {
                #(#fields)*
            }
            #debug
        }
    }

    /// Whether values of a list or map shape hold `@sensitive` items (structures and unions
    /// redact their own members).
    fn holds_sensitive(&self, id: &str) -> bool {
        let sensitive = |member: &Member| {
            member.sensitive
                || self
                    .service
                    .shapes
                    .get(&member.target)
                    .is_some_and(|s| s.sensitive)
        };
        match self.service.shapes.get(id).map(|s| &s.kind) {
            Some(Kind::List { member, .. }) => {
                sensitive(member) || self.holds_sensitive(&member.target)
            }
            Some(Kind::Map { key, value, .. }) => {
                sensitive(key) || sensitive(value) || self.holds_sensitive(&value.target)
            }
            _ => false,
        }
    }

    fn union(&self, shape: &Shape, members: &[Member]) -> TokenStream {
        let name = ident(&shape.name);
        let doc = docs_or(&shape.docs, format!("The `{}` union.", shape.name));
        let variants = members.iter().map(|member| {
            let variant = ident(&member.rust_name);
            let doc = docs_or(&member.docs, format!("The `{}` member.", member.name));
            if self.is_unit(member) {
                quote!(#doc #variant,)
            } else {
                let ty = self.member_value_type(member);
                quote!(#doc #variant(#ty),)
            }
        });
        let hidden = |member: &Member| {
            shape.sensitive || member.sensitive || self.holds_sensitive(&member.target)
        };
        let redact = members.iter().any(hidden);
        let derive = if redact {
            quote!(#[derive(Clone, PartialEq)])
        } else {
            quote!(#[derive(Debug, Clone, PartialEq)])
        };
        let debug = redact.then(|| {
            let arms = members.iter().map(|member| {
                let variant = ident(&member.rust_name);
                let label = member.rust_name.trim_start_matches("r#");
                match (self.is_unit(member), hidden(member)) {
                    (true, _) => quote!(Self::#variant => f.write_str(#label),),
                    (false, true) => quote!(Self::#variant(_) => f.debug_tuple(#label).field(&#REDACTED).finish(),),
                    (false, false) => quote!(Self::#variant(value) => f.debug_tuple(#label).field(value).finish(),),
                }
            });
            quote! {
                impl ::std::fmt::Debug for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match self { #(#arms)* }
                    }
                }
            }
        });
        // A union's variants are as large as the model makes them; boxing them would make
        // every value harder to build and match for the sake of a lint.
        let carrying = members
            .iter()
            .filter(|member| !self.is_unit(member))
            .count();
        let allow = (carrying > 1).then(|| quote!(#[allow(clippy::large_enum_variant)]));
        quote! {
            #doc
            #derive
            #allow
            pub enum #name {
                #(#variants)*
            }
            #debug
        }
    }

    fn string_enum(&self, shape: &Shape, values: &[EnumValue]) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&shape.name);
        let label = &shape.name;
        let doc = docs_or(&shape.docs, format!("The `{}` enum.", shape.name));
        let variants = values.iter().map(|value| {
            let variant = ident(&value.variant);
            let doc = docs(&value.docs);
            let wire = &value.value;
            let wire_doc = format!(" `{wire}`");
            if value.docs.is_empty() {
                quote!(#[doc = #wire_doc] #variant,)
            } else {
                quote!(#doc #variant,)
            }
        });
        let wires: Vec<&String> = values.iter().map(|v| &v.value).collect();
        let advertised = values.iter().filter(|v| !v.internal).map(|v| &v.value);
        let idents: Vec<_> = values.iter().map(|v| ident(&v.variant)).collect();
        let as_str = if values.is_empty() {
            quote!(match *self {})
        } else {
            quote!(match self { #(Self::#idents => #wires,)* })
        };
        quote! {
            #doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum #name {
                #(#variants)*
            }
            impl #name {
                /// Every value, as sent on the wire.
                pub const VALUES: &'static [&'static str] = &[#(#wires),*];

                /// The value as sent on the wire.
                pub fn as_str(&self) -> &'static str {
                    #as_str
                }
            }
            impl ::std::str::FromStr for #name {
                type Err = #rt::UnknownEnumValue;

                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    match value {
                        #(#wires => ::std::result::Result::Ok(Self::#idents),)*
                        _ => ::std::result::Result::Err(#rt::UnknownEnumValue {
                            enum_name: #label,
                            value: value.to_owned(),
                        }),
                    }
                }
            }
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
            impl #rt::StringEnum for #name {
                const ADVERTISED_VALUES: &'static [&'static str] = &[#(#advertised),*];
            }
            impl #rt::ValueText for #name {
                fn write_text(&self, out: &mut ::std::string::String) {
                    out.push_str(self.as_str());
                }
            }
        }
    }

    fn int_enum(&self, shape: &Shape, values: &[IntEnumValue]) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&shape.name);
        let doc = docs_or(&shape.docs, format!("The `{}` intEnum.", shape.name));
        let variants = values.iter().map(|value| {
            let variant = ident(&value.variant);
            let doc = docs(&value.docs);
            let wire_doc = format!(" `{}`", value.value);
            if value.docs.is_empty() {
                quote!(#[doc = #wire_doc] #variant,)
            } else {
                quote!(#doc #variant,)
            }
        });
        let numbers: Vec<i32> = values.iter().map(|v| v.value).collect();
        let texts: Vec<String> = numbers.iter().map(ToString::to_string).collect();
        let idents: Vec<_> = values.iter().map(|v| ident(&v.variant)).collect();
        let value_body = if values.is_empty() {
            quote!(match *self {})
        } else {
            quote!(match self { #(Self::#idents => #numbers,)* })
        };
        quote! {
            #doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum #name {
                #(#variants)*
            }
            impl #name {
                /// Every value, as text.
                pub const VALUES: &'static [&'static str] = &[#(#texts),*];

                /// The value as sent on the wire.
                pub fn value(&self) -> i32 {
                    #value_body
                }

                /// The variant for a wire value.
                pub fn from_value(value: i32) -> ::std::option::Option<Self> {
                    match value {
                        #(#numbers => ::std::option::Option::Some(Self::#idents),)*
                        _ => ::std::option::Option::None,
                    }
                }
            }
            impl #rt::ValueText for #name {
                fn write_text(&self, out: &mut ::std::string::String) {
                    out.push_str(&self.value().to_string());
                }
            }
            impl #rt::IntEnum for #name {
                const ADVERTISED_VALUES: &'static [&'static str] = Self::VALUES;

                fn from_value(value: i32) -> ::std::option::Option<Self> {
                    Self::from_value(value)
                }
            }
        }
    }
}
