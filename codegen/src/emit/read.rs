//! Readers of the `json` module: for every shape an input reaches, a function that reads it
//! from JSON and checks every constraint on the way, recording all violations and never
//! stopping at the first. The walking itself is the runtime's (`Members`, `list`, `map`);
//! what is generated is the shape of each value and its checks.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::{Emitter, ident};
use crate::ir::{
    Kind, Length, Measure, Member, Range, RangeCompare, Shape, Simple, TimestampFormat,
};

impl Emitter<'_> {
    pub(super) fn reader(&self, shape: &Shape, name: &str) -> TokenStream {
        let rt = &self.rt;
        let name = ident(name);
        let ty = self.value_type(&shape.id);
        let body = match &shape.kind {
            Kind::Structure(members) => self.read_structure(shape, members),
            Kind::Union(members) => self.read_union(shape, members),
            Kind::List {
                member,
                sparse,
                unique,
            } => self.read_list(member, *sparse, *unique),
            Kind::Map { key, value, sparse } => self.read_map(key, value, *sparse),
            Kind::Simple(_) | Kind::Enum(_) | Kind::IntEnum(_) | Kind::Unit => {
                return TokenStream::new();
            }
        };
        let node = self.node();
        quote! {
            pub(super) fn #name(
                value: #node,
                path: &#rt::Path<'_>,
                v: &mut #rt::Violations,
            ) -> Option<#ty> {
                #body
            }
        }
    }

    fn read_structure(&self, shape: &Shape, members: &[Member]) -> TokenStream {
        let members_reader = self.members_reader();
        let ty = self.type_path(shape);
        if members.is_empty() {
            return quote! {
                #members_reader::read(value, path, v)?;
                Some(#ty {})
            };
        }
        let locals: Vec<_> = members
            .iter()
            .map(|m| format_ident!("member_{}", m.rust_name.trim_start_matches("r#")))
            .collect();
        let reads = members.iter().zip(&locals).map(|(member, local)| {
            let field = self.field_key(member);
            let read = self.read_value(member);
            let read = if member.boxed {
                quote!(|value, path, v| (#read)(value, path, v).map(::std::boxed::Box::new))
            } else {
                read
            };
            match &member.default {
                Some(default) => {
                    let default = self.default_value(member, default);
                    quote!(let #local = object.with_default(#field, path, v, #read, #default);)
                }
                None if member.required => {
                    quote!(let #local = object.required(#field, path, v, #read);)
                }
                None => quote!(let #local = object.optional(#field, path, v, #read);),
            }
        });
        let fields = members.iter().zip(&locals).map(|(member, local)| {
            let field = ident(&member.rust_name);
            if member.optional() {
                quote!(#field: #local,)
            } else {
                quote!(#field: #local?,)
            }
        });
        quote! {
            let mut object = #members_reader::read(value, path, v)?;
            #(#reads)*
            Some(#ty { #(#fields)* })
        }
    }

    /// How a member's key is passed to the runtime: the name, marked when `@sensitive`.
    fn field_key(&self, member: &Member) -> TokenStream {
        let rt = &self.rt;
        let name = &member.key;
        if member.sensitive {
            quote!(#rt::Field::sensitive(#name))
        } else {
            quote!(#name)
        }
    }

    fn read_union(&self, shape: &Shape, members: &[Member]) -> TokenStream {
        let readers = self.readers();
        let members_reader = self.members_reader();
        let ty = self.type_path(shape);
        let arms = members.iter().map(|member| {
            let key = &member.key;
            let variant = ident(&member.rust_name);
            let field = self.field_key(member);
            if self.is_unit(member) {
                quote! {
                    #key => object.optional(#field, path, v, #readers::unit).map(|()| #ty::#variant),
                }
            } else {
                let read = self.read_value(member);
                let boxed = member.boxed.then(|| quote!(.map(::std::boxed::Box::new)));
                quote! {
                    #key => object.optional(#field, path, v, #read)#boxed.map(#ty::#variant),
                }
            }
        });
        quote! {
            let mut object = #readers::object(value, path, v)?;
            object.remove("__type");
            let set: Vec<&str> = object.iter().filter(|(_, value)| !value.is_null()).map(|(name, _)| name.as_str()).collect();
            let [name] = set.as_slice() else {
                v.malformed(path, "a union must have exactly one member set");
                return None;
            };
            let name = (*name).to_owned();
            let mut object = #members_reader::from(object);
            match name.as_str() {
                #(#arms)*
                _ => {
                    v.malformed(path, format_args!("unknown union member {name:?}"));
                    None
                }
            }
        }
    }

    /// The runtime's `Items` for a list or map.
    fn items(&self, unique: bool, sensitive_keys: bool, sensitive: bool) -> TokenStream {
        let rt = &self.rt;
        let unique = unique.then(|| quote!(.unique()));
        let keys = sensitive_keys.then(|| quote!(.sensitive_keys()));
        let sensitive = sensitive.then(|| quote!(.sensitive()));
        quote!(#rt::Items::new() #unique #keys #sensitive)
    }

    fn read_list(&self, member: &Member, sparse: bool, unique: bool) -> TokenStream {
        let read = self.read_value(member);
        let read = if member.boxed {
            quote!(|value, path, v| (#read)(value, path, v).map(::std::boxed::Box::new))
        } else {
            read
        };
        let described = member.shown_in_messages && self.has_checks(member);
        let function = match (described, sparse) {
            (false, false) => quote!(list),
            (false, true) => quote!(sparse_list),
            (true, false) => quote!(described_list),
            (true, true) => quote!(described_sparse_list),
        };
        let items = self.items(unique, false, member.sensitive);
        let readers = self.readers();
        quote!(#readers::#function(value, path, v, #items, #read))
    }

    fn read_map(&self, key: &Member, value: &Member, sparse: bool) -> TokenStream {
        let rt = &self.rt;
        let readers = self.readers();
        let read_key = match &self.shape(&key.target).kind {
            Kind::Enum(_) => {
                let checks = self.checks(key, quote!(text));
                quote! {
                    |text: ::std::string::String, path: &#rt::Path<'_>, v: &mut #rt::Violations| {
                        #checks
                        #readers::parse_enum(text, path, v)
                    }
                }
            }
            _ if key.constraints.is_empty() => quote!(#readers::key),
            _ => {
                let checks = self.checks(key, quote!(text));
                quote! {
                    |text: ::std::string::String, path: &#rt::Path<'_>, v: &mut #rt::Violations| {
                        #checks
                        Some(text)
                    }
                }
            }
        };
        let read = self.read_value(value);
        let described = value.shown_in_messages && (self.has_checks(key) || self.has_checks(value));
        let function = match (described, sparse) {
            (false, false) => quote!(map),
            (false, true) => quote!(sparse_map),
            (true, false) => quote!(described_map),
            (true, true) => quote!(described_sparse_map),
        };
        let items = self.items(false, key.sensitive, value.sensitive);
        quote!(#readers::#function(value, path, v, #items, #read_key, #read))
    }

    /// Whether a member carries a check on its own value (beyond its type and nesting).
    fn has_checks(&self, member: &Member) -> bool {
        !member.constraints.is_empty()
            || matches!(
                self.shape(&member.target).kind,
                Kind::Enum(_) | Kind::IntEnum(_)
            )
    }

    /// A reader of one member's value, checking its constraints: a function path, or a closure
    /// `|value, path, v| -> Option<T>` (not boxed; callers box).
    fn read_value(&self, member: &Member) -> TokenStream {
        let readers = self.readers();
        let target = self.shape(&member.target);
        let checks = self.checks(member, quote!(value));
        let (base, text) = match &target.kind {
            Kind::Simple(Simple::Timestamp) => {
                let format = self.timestamp_format(self.wire_format(member.timestamp_format));
                let read = quote!(#readers::timestamp(value, #format, path, v));
                if checks.is_empty() {
                    return quote!(|value, path, v| #read);
                }
                (read, false)
            }
            Kind::Simple(simple) => {
                let reader = match simple {
                    Simple::Blob => quote!(blob),
                    Simple::Boolean => quote!(boolean),
                    Simple::String => quote!(string),
                    Simple::Byte => quote!(byte),
                    Simple::Short => quote!(short),
                    Simple::Integer => quote!(int),
                    Simple::Long => quote!(long),
                    Simple::Float => quote!(float),
                    Simple::Double => quote!(double),
                    Simple::BigInteger if self.rpc_v2_json() => quote!(big_integer_text),
                    Simple::BigDecimal if self.rpc_v2_json() => quote!(big_decimal_text),
                    Simple::BigInteger => quote!(big_integer),
                    Simple::BigDecimal => quote!(big_decimal),
                    Simple::Document => quote!(document),
                    Simple::Timestamp => quote!(timestamp),
                };
                if checks.is_empty() {
                    return quote!(#readers::#reader);
                }
                (quote!(#readers::#reader(value, path, v)), false)
            }
            Kind::Enum(_) => {
                if member.constraints.is_empty() {
                    return quote!(#readers::string_enum);
                }
                (quote!(#readers::string(value, path, v)), true)
            }
            Kind::IntEnum(_) => {
                if member.constraints.is_empty() {
                    return quote!(#readers::int_enum);
                }
                (quote!(#readers::int(value, path, v)), false)
            }
            Kind::Structure(_) | Kind::Union(_) | Kind::List { .. } | Kind::Map { .. } => {
                let read = Self::function(target.functions.read.as_ref());
                if checks.is_empty() {
                    return quote!(#read);
                }
                (quote!(#read(value, path, v)), false)
            }
            Kind::Unit => return quote!(#readers::unit),
        };
        let finish = match (&target.kind, text) {
            (Kind::Enum(_), true) => quote!(#readers::parse_enum(value, path, v)),
            (Kind::IntEnum(_), _) => quote!(#readers::parse_int_enum(value, path, v)),
            _ => quote!(Some(value)),
        };
        quote! {
            |value, path, v| {
                let value = #base?;
                #checks
                #finish
            }
        }
    }

    /// The length, pattern and range checks of a member, on the local `value` (of type `T`) at
    /// `path`.
    fn checks(&self, member: &Member, value: TokenStream) -> TokenStream {
        let shown = if member.shown_in_messages {
            quote!(Some(&#value))
        } else {
            quote!(None)
        };
        let mut out = TokenStream::new();
        if let Some(Length { min, max, measure }) = member.constraints.length {
            let length = match measure {
                Measure::Chars => quote!(#value.chars().count()),
                Measure::Items => quote!(#value.len()),
            };
            let (min, max) = (option(min), option(max));
            out.extend(quote!(v.length(path, #length, #min, #max, #shown);));
        }
        if let Some(index) = member.constraints.pattern {
            let name = format_ident!("PATTERN_{index}");
            out.extend(quote!(v.pattern(path, &#name, &#value, #shown);));
        }
        if let Some(range) = &member.constraints.range {
            out.extend(self.range_check(member, range, value, shown));
        }
        out
    }

    fn range_check(
        &self,
        member: &Member,
        range: &Range,
        value: TokenStream,
        shown: TokenStream,
    ) -> TokenStream {
        let text = (
            option(range.min_text.as_deref()),
            option(range.max_text.as_deref()),
        );
        let (min_text, max_text) = text;
        match range.compare {
            RangeCompare::Integer { min, max } => {
                let bound = |b: Option<i128>| match b {
                    Some(n) => {
                        let lit = Literal::i128_suffixed(n);
                        quote!(Some(#lit))
                    }
                    None => quote!(None),
                };
                let (low, high) = (bound(min), bound(max));
                quote!(v.range(path, i128::from(#value), (#low, #high), (#min_text, #max_text), #shown);)
            }
            RangeCompare::Float { min, max } => {
                let number = match &self.shape(&member.target).kind {
                    Kind::Simple(Simple::Double) => quote!(#value),
                    Kind::Simple(Simple::Float) => quote!(f64::from(#value)),
                    Kind::Simple(Simple::BigInteger | Simple::BigDecimal) => {
                        quote!(#value.to_f64())
                    }
                    _ => quote!((#value as f64)),
                };
                let bound = |b: Option<f64>| match b {
                    Some(n) => {
                        let lit = Literal::f64_suffixed(n);
                        quote!(Some(#lit))
                    }
                    None => quote!(None),
                };
                let (low, high) = (bound(min), bound(max));
                quote!(v.range(path, #number, (#low, #high), (#min_text, #max_text), #shown);)
            }
        }
    }

    /// The format a timestamp is read and written in: its own, except in rpcv2Json, which
    /// always uses epoch seconds (CBOR's writer and readers ignore the format).
    pub(super) fn wire_format(&self, format: TimestampFormat) -> TimestampFormat {
        if self.rpc_v2_json() {
            TimestampFormat::EpochSeconds
        } else {
            format
        }
    }

    pub(super) fn timestamp_format(&self, format: TimestampFormat) -> TokenStream {
        let rt = &self.rt;
        match format {
            TimestampFormat::EpochSeconds => quote!(#rt::TimestampFormat::EpochSeconds),
            TimestampFormat::DateTime => quote!(#rt::TimestampFormat::DateTime),
            TimestampFormat::HttpDate => quote!(#rt::TimestampFormat::HttpDate),
        }
    }
}

fn option<T: quote::ToTokens>(value: Option<T>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}
