//! Rust expressions for values of a service's shapes, from the JSON form Smithy's protocol tests
//! write `params` in (blobs as plain text, timestamps as epoch seconds, unions as one-member
//! objects, floats' `NaN` and infinities as strings). Used to generate compliance tests.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::{Map, Value};

use smithy_server_codegen::internal::ir::{Kind, Member, Service, Shape, Simple};

/// Builds literals for one generated crate, named `krate` where the tests live.
#[derive(Debug)]
pub(super) struct Literals<'a> {
    service: &'a Service,
    krate: TokenStream,
    runtime_crate: &'a str,
    rt: TokenStream,
    harness: TokenStream,
}

fn ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => proc_macro2::Ident::new(name, proc_macro2::Span::call_site()),
    }
}

impl<'a> Literals<'a> {
    /// Literals for `service`'s types in crate `krate`, with the runtime crate and the test
    /// harness crate (which parses documents).
    pub(super) fn new(
        service: &'a Service,
        krate: &str,
        runtime_crate: &'a str,
        harness: &str,
    ) -> Self {
        let (krate, runtime, harness) = (ident(krate), ident(runtime_crate), ident(harness));
        Self {
            service,
            krate: quote!(::#krate),
            runtime_crate,
            rt: quote!(::#runtime::codegen),
            harness: quote!(::#harness),
        }
    }

    fn shape(&self, id: &str) -> Result<&Shape, String> {
        self.service
            .shapes
            .get(id)
            .ok_or_else(|| format!("{id} is not reached by the service"))
    }

    /// The path of a named type.
    fn type_path(&self, id: &str) -> Result<TokenStream, String> {
        let shape = self.shape(id)?;
        let krate = &self.krate;
        let name = ident(&shape.name);
        Ok(if shape.error.is_some() {
            quote!(#krate::error::#name)
        } else {
            quote!(#krate::model::#name)
        })
    }

    /// A structure value from a JSON object of its members.
    pub(super) fn structure(&self, id: &str, value: &Value) -> Result<TokenStream, String> {
        self.value(id, value)
    }

    /// A value of the shape `id`, from its JSON form.
    fn value(&self, id: &str, value: &Value) -> Result<TokenStream, String> {
        let shape = self.shape(id)?;
        let read = match (&shape.kind, value) {
            (Kind::Simple(simple), _) => self.scalar(*simple, value)?,
            (Kind::Enum(values), Value::String(text)) => {
                let ty = self.type_path(id)?;
                let variant = values
                    .iter()
                    .find(|v| &v.value == text)
                    .ok_or_else(|| format!("{text:?} is not a value of {id}"))?;
                let variant = ident(&variant.variant);
                Some(quote!(#ty::#variant))
            }
            (Kind::IntEnum(values), Value::Number(n)) => {
                let ty = self.type_path(id)?;
                let number = n.as_i64().ok_or("intEnum values are integers")?;
                let variant = values
                    .iter()
                    .find(|v| i64::from(v.value) == number)
                    .ok_or_else(|| format!("{number} is not a value of {id}"))?;
                let variant = ident(&variant.variant);
                Some(quote!(#ty::#variant))
            }
            (Kind::List { member, sparse, .. }, Value::Array(items)) => {
                Some(self.list(member, *sparse, items)?)
            }
            (
                Kind::Map {
                    key,
                    value: value_member,
                    sparse,
                },
                Value::Object(entries),
            ) => Some(self.map(key, value_member, *sparse, entries)?),
            (Kind::Structure(members), Value::Object(fields)) => {
                Some(self.structure_value(id, members, fields)?)
            }
            (Kind::Union(members), Value::Object(fields)) => {
                Some(self.union_value(id, members, fields)?)
            }
            _ => None,
        };
        read.ok_or_else(|| format!("{id}: cannot read {value} as {}", kind_name(&shape.kind)))
    }

    /// A scalar value, or `None` where the JSON value is not of the scalar's type.
    fn scalar(&self, simple: Simple, value: &Value) -> Result<Option<TokenStream>, String> {
        let rt = &self.rt;
        Ok(Some(match (simple, value) {
            (Simple::String, Value::String(text)) => {
                quote!(::std::string::String::from(#text))
            }
            (Simple::Boolean, Value::Bool(flag)) => quote!(#flag),
            (Simple::Byte, Value::Number(n)) => {
                let n = Literal::i8_suffixed(
                    n.as_i64()
                        .and_then(|n| i8::try_from(n).ok())
                        .ok_or("byte out of range")?,
                );
                quote!(#n)
            }
            (Simple::Short, Value::Number(n)) => {
                let n = Literal::i16_suffixed(
                    n.as_i64()
                        .and_then(|n| i16::try_from(n).ok())
                        .ok_or("short out of range")?,
                );
                quote!(#n)
            }
            (Simple::Integer, Value::Number(n)) => {
                let n = Literal::i32_suffixed(
                    n.as_i64()
                        .and_then(|n| i32::try_from(n).ok())
                        .ok_or("integer out of range")?,
                );
                quote!(#n)
            }
            (Simple::Long, Value::Number(n)) => {
                let n = Literal::i64_suffixed(n.as_i64().ok_or("long out of range")?);
                quote!(#n)
            }
            (Simple::Float, _) => float(value, true)?,
            (Simple::Double, _) => float(value, false)?,
            (Simple::BigInteger | Simple::BigDecimal, Value::Number(n)) => {
                let digits = n.to_string();
                quote!(#rt::BigNumber::parse(#digits).unwrap())
            }
            (Simple::Blob, Value::String(text)) => {
                let bytes = Literal::byte_string(text.as_bytes());
                quote!(#rt::Blob::new(#bytes.to_vec()))
            }
            (Simple::Timestamp, Value::Number(n)) => {
                let digits = n.to_string();
                quote!(#rt::Timestamp::parse_epoch_seconds(#digits).unwrap())
            }
            (Simple::Document, _) => {
                let harness = &self.harness;
                let json = value.to_string();
                quote!(#harness::document(#json))
            }
            _ => return Ok(None),
        }))
    }

    /// A list value; a sparse list's items are options.
    fn list(&self, member: &Member, sparse: bool, items: &[Value]) -> Result<TokenStream, String> {
        let items = items
            .iter()
            .map(|item| match (item, sparse) {
                (Value::Null, true) => Ok(quote!(::std::option::Option::None)),
                (item, true) => self
                    .value(&member.target, item)
                    .map(|v| quote!(::std::option::Option::Some(#v))),
                (item, false) => self.value(&member.target, item),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(quote!(::std::vec![#(#items),*]))
    }

    /// A map value from a JSON object; a sparse map's values are options.
    fn map(
        &self,
        key: &Member,
        value_member: &Member,
        sparse: bool,
        entries: &Map<String, Value>,
    ) -> Result<TokenStream, String> {
        let pairs = entries
            .iter()
            .map(|(k, v)| {
                let key = self.value(&key.target, &Value::String(k.clone()))?;
                let value = match (v, sparse) {
                    (Value::Null, true) => quote!(::std::option::Option::None),
                    (v, true) => {
                        let v = self.value(&value_member.target, v)?;
                        quote!(::std::option::Option::Some(#v))
                    }
                    (v, false) => self.value(&value_member.target, v)?,
                };
                Ok(quote!((#key, #value)))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(quote!(::std::collections::HashMap::from([#(#pairs),*])))
    }

    /// A structure value from a JSON object of its members.
    fn structure_value(
        &self,
        id: &str,
        members: &[Member],
        fields: &Map<String, Value>,
    ) -> Result<TokenStream, String> {
        let ty = self.type_path(id)?;
        let assigned = members
            .iter()
            .map(|member| self.field(id, member, fields.get(&member.name)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(quote!(#ty { #(#assigned)* }))
    }

    /// A union value from a JSON object of its one member.
    fn union_value(
        &self,
        id: &str,
        members: &[Member],
        fields: &Map<String, Value>,
    ) -> Result<TokenStream, String> {
        let ty = self.type_path(id)?;
        let (name, inner) = fields
            .iter()
            .next()
            .ok_or("a union value needs one member")?;
        let member = members
            .iter()
            .find(|m| &m.name == name)
            .ok_or_else(|| format!("{id} has no member {name}"))?;
        let variant = ident(&member.rust_name);
        Ok(if member.target == "smithy.api#Unit" {
            quote!(#ty::#variant)
        } else {
            let inner = self.boxed(member, self.value(&member.target, inner)?);
            quote!(#ty::#variant(#inner))
        })
    }

    fn boxed(&self, member: &Member, value: TokenStream) -> TokenStream {
        if member.boxed {
            quote!(::std::boxed::Box::new(#value))
        } else {
            value
        }
    }

    fn field(
        &self,
        owner: &str,
        member: &Member,
        value: Option<&Value>,
    ) -> Result<TokenStream, String> {
        let field = ident(&member.rust_name);
        let value = match value.filter(|v| !v.is_null()) {
            Some(value) => Some(self.boxed(member, self.value(&member.target, value)?)),
            None => None,
        };
        Ok(match (value, member.optional()) {
            (Some(value), true) => quote!(#field: ::std::option::Option::Some(#value),),
            (None, true) => quote!(#field: ::std::option::Option::None,),
            (Some(value), false) => quote!(#field: #value,),
            (None, false) => {
                let default = smithy_server_codegen::internal::default_expr(
                    self.service,
                    member,
                    self.runtime_crate,
                    self.krate.clone(),
                )
                .ok_or_else(|| {
                    format!(
                        "{owner}${}: required, but the case gives no value",
                        member.name
                    )
                })?;
                quote!(#field: #default,)
            }
        })
    }
}

fn float(value: &Value, narrow: bool) -> Result<TokenStream, String> {
    let ty = if narrow {
        format_ident!("f32")
    } else {
        format_ident!("f64")
    };
    Ok(match value {
        Value::String(text) if text == "NaN" => quote!(#ty::NAN),
        Value::String(text) if text == "Infinity" => quote!(#ty::INFINITY),
        Value::String(text) if text == "-Infinity" => quote!(#ty::NEG_INFINITY),
        Value::Number(n) => {
            let n = n.as_f64().ok_or("not a number")?;
            let lit = if narrow {
                Literal::f32_suffixed(n as f32)
            } else {
                Literal::f64_suffixed(n)
            };
            quote!(#lit)
        }
        other => return Err(format!("{other} is not a float")),
    })
}

fn kind_name(kind: &Kind) -> &'static str {
    match kind {
        Kind::Simple(_) => "a scalar of another type",
        Kind::Enum(_) => "an enum",
        Kind::IntEnum(_) => "an intEnum",
        Kind::List { .. } => "a list",
        Kind::Map { .. } => "a map",
        Kind::Structure(_) => "a structure",
        Kind::Union(_) => "a union",
        Kind::Unit => "smithy.api#Unit",
    }
}
