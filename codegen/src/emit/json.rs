//! The private `json` module: for every shape an input reaches, a function that reads it from
//! JSON and checks every constraint on the way (recording all violations, never stopping at the
//! first); for every shape an output or error reaches, a function that writes it. Patterns are
//! statics here, compiled once on first use.
//!
//! This module defines nothing but `de_*` and `ser_*` functions and `PATTERN_*` statics, so
//! prelude names (`Some`, `Ok`, `Vec`) cannot be shadowed here and are used bare.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::{Emitter, ident};
use crate::ir::{Kind, Member, Shape, Simple, TimestampFormat};
use smithy_patterns::Engine;

impl Emitter<'_> {
    pub(super) fn json_module(&self) -> TokenStream {
        let rt = &self.rt;
        let patterns = self
            .service
            .patterns
            .iter()
            .enumerate()
            .map(|(index, pattern)| {
                let name = format_ident!("PATTERN_{index}");
                let source = &pattern.source;
                let text = &pattern.text;
                let constructor = match pattern.engine {
                    Engine::Linear => {
                        let end = pattern.final_terminator;
                        match &pattern.forbidden_prefix {
                            Some(prefix) => {
                                quote!(linear_unless_prefix(#source, #text, #end, #prefix))
                            }
                            None => quote!(linear(#source, #text, #end)),
                        }
                    }
                    Engine::Backtracking => {
                        let end = pattern.final_terminator;
                        quote!(backtracking(#source, #text, #end))
                    }
                    Engine::Counted { min, max } => quote!(counted(#source, #text, #min, #max)),
                };
                quote!(static #name: #rt::Pattern = #rt::Pattern::#constructor;)
            });
        let written = self.written_as_values();
        let mut functions = Vec::new();
        for shape in self.service.shapes.values() {
            if shape.in_input {
                functions.push(self.deserializer(shape));
            }
            if shape.in_output {
                functions.push(self.serializer(shape, written.contains(&shape.id)));
            }
        }
        let runtime = &self.runtime_use;
        quote! {
            mod json {
                #runtime
                #(#patterns)*
                #(#functions)*
            }
        }
    }

    /// Shapes written as a whole value (outputs, and members of what is written); error
    /// structures that are only ever errors only need their members written.
    fn written_as_values(&self) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = self
            .service
            .operations
            .iter()
            .filter_map(|op| op.output.clone())
            .collect();
        for shape in self.service.shapes.values().filter(|s| s.in_output) {
            for member in crate::lower::members(&shape.kind) {
                out.insert(member.target.clone());
            }
        }
        out
    }

    // Reading.

    fn deserializer(&self, shape: &Shape) -> TokenStream {
        let rt = &self.rt;
        let name = self.function("de", &shape.id);
        let ty = match &shape.kind {
            Kind::Structure(_) | Kind::Union(_) | Kind::List { .. } | Kind::Map { .. } => {
                self.value_type(&shape.id)
            }
            _ => return TokenStream::new(),
        };
        let body = match &shape.kind {
            Kind::Structure(members) => self.read_structure(shape, members),
            Kind::Union(members) => self.read_union(shape, members),
            Kind::List {
                member,
                sparse,
                unique,
            } => self.read_list(member, *sparse, *unique),
            Kind::Map { key, value, sparse } => self.read_map(key, value, *sparse),
            _ => TokenStream::new(),
        };
        quote! {
            pub(super) fn #name(
                value: #rt::Value,
                path: &#rt::Path<'_>,
                v: &mut #rt::Violations,
            ) -> ::std::option::Option<#ty> {
                #body
            }
        }
    }

    fn member_path(&self, member: &Member, parent: TokenStream) -> TokenStream {
        let name = &member.name;
        if member.sensitive {
            quote!(#parent.member(#name).sensitive())
        } else {
            quote!(#parent.member(#name))
        }
    }

    fn read_structure(&self, shape: &Shape, members: &[Member]) -> TokenStream {
        let rt = &self.rt;
        let ty = self.type_path(shape);
        if members.is_empty() {
            return quote! {
                #rt::json::object(value, path, v)?;
                Some(#ty {})
            };
        }
        let locals: Vec<_> = members
            .iter()
            .map(|m| format_ident!("member_{}", m.rust_name.trim_start_matches("r#")))
            .collect();
        let reads = members.iter().zip(&locals).map(|(member, local)| {
            let key = &member.name;
            let member_path = self.member_path(member, quote!(path));
            let read = self.read_value(member);
            let absent = if let Some(default) = &member.default {
                let default = self.default_value(member, default);
                quote!(Some(#default))
            } else if member.required {
                quote! {{
                    v.required(&path);
                    None
                }}
            } else {
                quote!(None)
            };
            quote! {
                let #local = {
                    let path = #member_path;
                    match #rt::json::take(&mut object, #key) {
                        Some(value) => #read,
                        None => #absent,
                    }
                };
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
            let mut object = #rt::json::object(value, path, v)?;
            #(#reads)*
            Some(#ty { #(#fields)* })
        }
    }

    fn read_union(&self, shape: &Shape, members: &[Member]) -> TokenStream {
        let rt = &self.rt;
        let ty = self.type_path(shape);
        let arms = members.iter().map(|member| {
            let key = &member.name;
            let variant = ident(&member.rust_name);
            let member_path = self.member_path(member, quote!(path));
            if self.is_unit(member) {
                quote! {
                    #key => {
                        let path = #member_path;
                        #rt::json::object(value, &path, v).map(|_| #ty::#variant)
                    }
                }
            } else {
                let read = self.read_value(member);
                quote! {
                    #key => {
                        let path = #member_path;
                        #read.map(#ty::#variant)
                    }
                }
            }
        });
        quote! {
            let mut object = #rt::json::object(value, path, v)?;
            object.remove("__type");
            let mut set = object.into_iter().filter(|(_, value)| !value.is_null());
            let (Some((name, value)), None) = (set.next(), set.next()) else {
                v.malformed(path, "a union must have exactly one member set");
                return None;
            };
            match name.as_str() {
                #(#arms)*
                _ => {
                    v.malformed(path, format_args!("unknown union member {name:?}"));
                    None
                }
            }
        }
    }

    fn read_list(&self, member: &Member, sparse: bool, unique: bool) -> TokenStream {
        let rt = &self.rt;
        let read = self.read_value(member);
        let unique = unique.then(|| {
            quote! {
                if #rt::has_duplicates(&items) {
                    v.unique_items(path, Some(&items));
                }
            }
        });
        let grouped = self.has_checks(member) && self.printable(&member.target);
        let (mark, describe) = if grouped {
            (
                quote!(let mark = v.mark();),
                quote!(v.describe_container(mark, &list);),
            )
        } else {
            (TokenStream::new(), TokenStream::new())
        };
        let push = if sparse {
            quote! {
                if value.is_null() {
                    list.push(None);
                    continue;
                }
                if let Some(item) = #read {
                    list.push(Some(item));
                }
            }
        } else {
            quote! {
                let Some(value) = #rt::json::not_null(value, &path, v) else {
                    continue;
                };
                if let Some(item) = #read {
                    list.push(item);
                }
            }
        };
        let item_path = if member.sensitive {
            quote!(path.index(index).sensitive())
        } else {
            quote!(path.index(index))
        };
        quote! {
            let items = #rt::json::array(value, path, v)?;
            #unique
            let mut list = Vec::with_capacity(items.len());
            #mark
            for (index, value) in items.into_iter().enumerate() {
                let path = #item_path;
                #push
            }
            #describe
            Some(list)
        }
    }

    fn read_map(&self, key: &Member, value: &Member, sparse: bool) -> TokenStream {
        let rt = &self.rt;
        let key_path = if key.sensitive {
            quote!(path.key(&key).sensitive())
        } else {
            quote!(path.key(&key))
        };
        let value_path = if value.sensitive {
            quote!(path.value(&key).sensitive())
        } else {
            quote!(path.value(&key))
        };
        let key_is_enum = matches!(self.shape(&key.target).kind, Kind::Enum(_));
        let (key_check, key_final) = if key_is_enum {
            let ty = self.value_type(&key.target);
            (
                quote! {
                    let parsed_key = {
                        let path = #key_path;
                        match key.parse::<#ty>() {
                            Ok(parsed) => Some(parsed),
                            Err(_) => {
                                v.enumeration(&path, #ty::ADVERTISED_VALUES, Some(&key));
                                None
                            }
                        }
                    };
                },
                quote!(parsed_key),
            )
        } else {
            let checks = self.checks(key, quote!(value));
            let check = (!checks.is_empty()).then(|| {
                quote! {
                    {
                        let path = #key_path;
                        let value = &key;
                        #checks
                    }
                }
            });
            (quote!(#check), quote!(Some(key)))
        };
        let read = self.read_value(value);
        let read_value = if sparse {
            quote! {
                if value.is_null() {
                    Some(None)
                } else {
                    #read.map(Some)
                }
            }
        } else {
            quote! {
                match #rt::json::not_null(value, &path, v) {
                    Some(value) => #read,
                    None => None,
                }
            }
        };
        let grouped =
            (self.has_checks(key) || self.has_checks(value)) && self.printable(&value.target);
        let (mark, describe) = if grouped {
            (
                quote!(let mark = v.mark();),
                quote!(v.describe_container(mark, &map);),
            )
        } else {
            (TokenStream::new(), TokenStream::new())
        };
        quote! {
            let object = #rt::json::object(value, path, v)?;
            let mut map = ::std::collections::HashMap::with_capacity(object.len());
            #mark
            for (key, value) in object {
                #key_check
                let parsed_value = {
                    let path = #value_path;
                    #read_value
                };
                if let (Some(key), Some(value)) = (#key_final, parsed_value) {
                    map.insert(key, value);
                }
            }
            #describe
            Some(map)
        }
    }

    /// Reads one member's value from `value` at `path`, checking its constraints: an expression
    /// of type `Option<T>` (boxed where the member is).
    fn read_value(&self, member: &Member) -> TokenStream {
        let rt = &self.rt;
        let target = self.shape(&member.target);
        let base = match &target.kind {
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
                    Simple::BigInteger => quote!(big_integer),
                    Simple::BigDecimal => quote!(big_decimal),
                    Simple::Document => quote!(document),
                    Simple::Timestamp => {
                        let format = self.timestamp_format(member.timestamp_format);
                        return self.with_checks(
                            member,
                            quote!(#rt::json::timestamp(value, #format, &path, v)),
                        );
                    }
                };
                quote!(#rt::json::#reader(value, &path, v))
            }
            Kind::Enum(_) => {
                let ty = self.type_path(target);
                quote! {
                    #rt::json::string(value, &path, v).and_then(|text| match text.parse::<#ty>() {
                        Ok(parsed) => Some(parsed),
                        Err(_) => {
                            v.enumeration(&path, #ty::ADVERTISED_VALUES, Some(&text));
                            None
                        }
                    })
                }
            }
            Kind::IntEnum(_) => {
                let ty = self.type_path(target);
                quote! {
                    #rt::json::int(value, &path, v).and_then(|number| match #ty::from_value(number) {
                        Some(parsed) => Some(parsed),
                        None => {
                            v.enumeration(&path, #ty::ADVERTISED_VALUES, Some(&number));
                            None
                        }
                    })
                }
            }
            Kind::Structure(_) | Kind::Union(_) | Kind::List { .. } | Kind::Map { .. } => {
                let function = self.function("de", &member.target);
                quote!(#function(value, &path, v))
            }
        };
        let checked = self.with_checks(member, base);
        if member.boxed {
            quote!(#checked.map(::std::boxed::Box::new))
        } else {
            checked
        }
    }

    fn with_checks(&self, member: &Member, read: TokenStream) -> TokenStream {
        let checks = self.checks(member, quote!(value));
        if checks.is_empty() {
            return read;
        }
        quote! {{
            let parsed = #read;
            if let Some(value) = &parsed {
                #checks
            }
            parsed
        }}
    }

    /// The length, pattern and range checks of a member, on `value: &T` at `path`.
    fn checks(&self, member: &Member, value: TokenStream) -> TokenStream {
        let target = self.shape(&member.target);
        let shown = if self.printable(&member.target) {
            quote!(Some(#value))
        } else {
            quote!(None)
        };
        let mut out = TokenStream::new();
        if let Some((min, max)) = member.length {
            let length = match &target.kind {
                Kind::Simple(Simple::String) => Some(quote!(#value.chars().count())),
                Kind::Simple(Simple::Blob) | Kind::List { .. } | Kind::Map { .. } => {
                    Some(quote!(#value.len()))
                }
                _ => None,
            };
            if let Some(length) = length {
                let min = option_u64(min);
                let max = option_u64(max);
                out.extend(quote!(v.length(&path, #length, #min, #max, #shown);));
            }
        }
        if let (Some(pattern), Kind::Simple(Simple::String)) = (&member.pattern, &target.kind) {
            let index = self
                .service
                .patterns
                .iter()
                .position(|p| p.source == pattern.source)
                .unwrap_or(0);
            let name = format_ident!("PATTERN_{index}");
            out.extend(quote!(v.pattern(&path, &#name, #value, #shown);));
        }
        if let (Some((min, max)), Kind::Simple(simple)) = (&member.range, &target.kind) {
            out.extend(self.range_check(*simple, min.as_deref(), max.as_deref(), value, shown));
        }
        out
    }

    fn range_check(
        &self,
        simple: Simple,
        min: Option<&str>,
        max: Option<&str>,
        value: TokenStream,
        shown: TokenStream,
    ) -> TokenStream {
        let integral = matches!(
            simple,
            Simple::Byte | Simple::Short | Simple::Integer | Simple::Long
        );
        let float = matches!(simple, Simple::Float | Simple::Double);
        let big = matches!(simple, Simple::BigInteger | Simple::BigDecimal);
        if !(integral || float || big) {
            return TokenStream::new();
        }
        let as_integer = |bound: &str| bound.parse::<i128>().ok();
        let use_integers = integral
            && min.is_none_or(|b| as_integer(b).is_some())
            && max.is_none_or(|b| as_integer(b).is_some());
        let (min_text, max_text) = (option_str(min), option_str(max));
        if use_integers {
            let bound = |b: Option<&str>| match b.and_then(as_integer) {
                Some(n) => {
                    let lit = Literal::i128_suffixed(n);
                    quote!(Some(#lit))
                }
                None => quote!(None),
            };
            let (low, high) = (bound(min), bound(max));
            return quote!(v.range(&path, i128::from(*#value), (#low, #high), (#min_text, #max_text), #shown););
        }
        let number = match simple {
            Simple::Double => quote!(*#value),
            Simple::Float => quote!(f64::from(*#value)),
            Simple::BigInteger | Simple::BigDecimal => quote!(#value.to_f64()),
            _ => quote!((*#value as f64)),
        };
        let bound = |b: Option<&str>| match b.and_then(|b| b.parse::<f64>().ok()) {
            Some(n) => {
                let lit = Literal::f64_suffixed(n);
                quote!(Some(#lit))
            }
            None => quote!(None),
        };
        let (low, high) = (bound(min), bound(max));
        quote!(v.range(&path, #number, (#low, #high), (#min_text, #max_text), #shown);)
    }

    fn timestamp_format(&self, format: TimestampFormat) -> TokenStream {
        let rt = &self.rt;
        match format {
            TimestampFormat::EpochSeconds => quote!(#rt::TimestampFormat::EpochSeconds),
            TimestampFormat::DateTime => quote!(#rt::TimestampFormat::DateTime),
            TimestampFormat::HttpDate => quote!(#rt::TimestampFormat::HttpDate),
        }
    }

    /// The `@default` of a member as a Rust expression of its field type.
    fn default_value(&self, member: &Member, default: &serde_json::Value) -> TokenStream {
        let value = self.default_of(&member.target, member.timestamp_format, default);
        if member.boxed {
            quote!(::std::boxed::Box::new(#value))
        } else {
            value
        }
    }

    fn default_of(
        &self,
        target: &str,
        format: TimestampFormat,
        default: &serde_json::Value,
    ) -> TokenStream {
        let rt = &self.rt;
        let shape = self.shape(target);
        let text = default.as_str().unwrap_or_default();
        match &shape.kind {
            Kind::Simple(Simple::String) => quote!(::std::string::String::from(#text)),
            Kind::Simple(Simple::Boolean) => {
                let flag = default.as_bool().unwrap_or(false);
                quote!(#flag)
            }
            Kind::Simple(Simple::Byte | Simple::Short | Simple::Integer | Simple::Long) => {
                let lit = Literal::i64_unsuffixed(default.as_i64().unwrap_or(0));
                quote!(#lit)
            }
            Kind::Simple(Simple::Float | Simple::Double) => {
                let lit = Literal::f64_unsuffixed(default.as_f64().unwrap_or(0.0));
                quote!(#lit)
            }
            Kind::Simple(Simple::BigInteger | Simple::BigDecimal) => {
                let digits = default.to_string();
                quote!(#rt::BigNumber::parse(#digits).unwrap_or_default())
            }
            Kind::Simple(Simple::Blob) => quote!(#rt::Blob::from_base64(#text).unwrap_or_default()),
            Kind::Simple(Simple::Timestamp) => {
                let parse = match (default, format) {
                    (serde_json::Value::Number(number), _) => {
                        let digits = number.to_string();
                        quote!(#rt::Timestamp::parse_epoch_seconds(#digits))
                    }
                    (_, TimestampFormat::HttpDate) => {
                        quote!(#rt::Timestamp::parse_http_date(#text))
                    }
                    _ => quote!(#rt::Timestamp::parse_date_time(#text)),
                };
                quote!(#parse.unwrap_or_else(|| #rt::Timestamp::from_secs(0)))
            }
            Kind::Simple(Simple::Document) => {
                let json = default.to_string();
                quote!(#rt::json::literal(#json))
            }
            Kind::Enum(values) => {
                let ty = self.type_path(shape);
                let variant = values
                    .iter()
                    .find(|v| v.value == text)
                    .map(|v| ident(&v.variant));
                match variant {
                    Some(variant) => quote!(#ty::#variant),
                    None => quote!(::std::default::Default::default()),
                }
            }
            Kind::IntEnum(values) => {
                let ty = self.type_path(shape);
                let number = default.as_i64().unwrap_or(0);
                let variant = values
                    .iter()
                    .find(|v| i64::from(v.value) == number)
                    .map(|v| ident(&v.variant));
                match variant {
                    Some(variant) => quote!(#ty::#variant),
                    None => quote!(::std::default::Default::default()),
                }
            }
            Kind::List { .. } => quote!(::std::vec::Vec::new()),
            Kind::Map { .. } => quote!(::std::collections::HashMap::new()),
            Kind::Structure(_) | Kind::Union(_) => quote!(::std::default::Default::default()),
        }
    }

    // Writing.

    fn serializer(&self, shape: &Shape, as_value: bool) -> TokenStream {
        let rt = &self.rt;
        let ser = self.function("ser", &shape.id);
        match &shape.kind {
            Kind::Structure(members) => {
                let ser_members = self.function("ser_members", &shape.id);
                let ty = self.type_path(shape);
                let writes = members.iter().map(|member| {
                    let field = ident(&member.rust_name);
                    let key = &member.name;
                    let write = self.write_value(
                        &member.target,
                        member.timestamp_format,
                        quote!(value),
                        quote!(object.key(#key)),
                    );
                    if member.optional() {
                        quote! {
                            if let Some(value) = &input.#field {
                                #write;
                            }
                        }
                    } else {
                        quote! {{
                            let value = &input.#field;
                            #write;
                        }}
                    }
                });
                let (input, object) = if members.is_empty() {
                    (quote!(_input), quote!(_object))
                } else {
                    (quote!(input), quote!(object))
                };
                let whole = as_value.then(|| {
                    quote! {
                        pub(super) fn #ser(input: &#ty, writer: &mut #rt::JsonWriter) {
                            let mut object = writer.object();
                            #ser_members(input, &mut object);
                        }
                    }
                });
                quote! {
                    #whole
                    pub(super) fn #ser_members(#input: &#ty, #object: &mut #rt::ObjectWriter<'_>) {
                        #(#writes)*
                    }
                }
            }
            Kind::Union(members) => {
                let ty = self.type_path(shape);
                let arms = members.iter().map(|member| {
                    let variant = ident(&member.rust_name);
                    let key = &member.name;
                    if self.is_unit(member) {
                        quote!(#ty::#variant => { object.key(#key).object(); })
                    } else {
                        let write = self.write_value(
                            &member.target,
                            member.timestamp_format,
                            quote!(value),
                            quote!(object.key(#key)),
                        );
                        quote!(#ty::#variant(value) => { #write; })
                    }
                });
                quote! {
                    pub(super) fn #ser(input: &#ty, writer: &mut #rt::JsonWriter) {
                        let mut object = writer.object();
                        match input {
                            #(#arms)*
                        }
                    }
                }
            }
            Kind::List { member, sparse, .. } => {
                let item = self.value_type(&member.target);
                let write = self.write_value(
                    &member.target,
                    member.timestamp_format,
                    quote!(item),
                    quote!(array.item()),
                );
                let (item_type, body) = if *sparse {
                    (
                        quote!(::std::option::Option<#item>),
                        quote! {
                            match item {
                                Some(item) => { #write; }
                                None => array.item().null(),
                            }
                        },
                    )
                } else {
                    (item, quote!(#write;))
                };
                quote! {
                    pub(super) fn #ser(input: &[#item_type], writer: &mut #rt::JsonWriter) {
                        let mut array = writer.array();
                        for item in input {
                            #body
                        }
                    }
                }
            }
            Kind::Map { key, value, sparse } => {
                let ty = self.value_type(&shape.id);
                let key_text = if matches!(self.shape(&key.target).kind, Kind::Enum(_)) {
                    quote!(key.as_str())
                } else {
                    quote!(key)
                };
                let write = self.write_value(
                    &value.target,
                    value.timestamp_format,
                    quote!(item),
                    quote!(object.key(#key_text)),
                );
                let body = if *sparse {
                    quote! {
                        match item {
                            Some(item) => { #write; }
                            None => object.key(#key_text).null(),
                        }
                    }
                } else {
                    quote!(#write;)
                };
                quote! {
                    pub(super) fn #ser(input: &#ty, writer: &mut #rt::JsonWriter) {
                        let mut object = writer.object();
                        for (key, item) in input {
                            #body
                        }
                    }
                }
            }
            _ => TokenStream::new(),
        }
    }

    /// Writes `value: &T` of a target shape into the writer `writer` (an expression).
    fn write_value(
        &self,
        target: &str,
        format: TimestampFormat,
        value: TokenStream,
        writer: TokenStream,
    ) -> TokenStream {
        let shape = self.shape(target);
        match &shape.kind {
            Kind::Simple(simple) => match simple {
                Simple::String => quote!(#writer.string(#value)),
                Simple::Boolean => quote!(#writer.boolean(*#value)),
                Simple::Byte | Simple::Short | Simple::Integer | Simple::Long => {
                    quote!(#writer.integer(*#value))
                }
                Simple::Float => quote!(#writer.float(*#value)),
                Simple::Double => quote!(#writer.double(*#value)),
                Simple::BigInteger | Simple::BigDecimal => quote!(#writer.big_number(#value)),
                Simple::Blob => quote!(#writer.blob(#value)),
                Simple::Document => quote!(#writer.document(#value)),
                Simple::Timestamp => {
                    let format = self.timestamp_format(format);
                    quote!(#writer.timestamp(#value, #format))
                }
            },
            Kind::Enum(_) => quote!(#writer.string(#value.as_str())),
            Kind::IntEnum(_) => quote!(#writer.integer(#value.value())),
            Kind::Structure(_) | Kind::Union(_) | Kind::List { .. } | Kind::Map { .. } => {
                let function = self.function("ser", target);
                quote!(#function(#value, #writer))
            }
        }
    }
}

fn option_u64(value: Option<u64>) -> TokenStream {
    match value {
        Some(n) => quote!(Some(#n)),
        None => quote!(None),
    }
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(text) => quote!(Some(#text)),
        None => quote!(None),
    }
}
