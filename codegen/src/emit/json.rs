//! The private `json` and `cbor` modules, one per wire format the service uses: the patterns
//! (statics, compiled once on first use), the readers ([`super::read`]), and for every shape an
//! output or error reaches, a function that writes it. Both modules are the same walk of the IR,
//! against the runtime's readers and writers of their format, whose APIs mirror each other.
//!
//! These modules define nothing but reader and writer functions and `PATTERN_*` statics, so
//! prelude names (`Some`, `Ok`, `Vec`) cannot be shadowed here and are used bare.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Emitter, ident};
use crate::ir::{Kind, Location, Member, Shape, Simple, TimestampFormat};
use smithy_patterns::Engine;

impl Emitter<'_> {
    pub(super) fn format_module(&self) -> TokenStream {
        let rt = &self.rt;
        // The cbor module reads and writes only what the operations served in CBOR reach.
        let json = self.format == super::Format::Json;
        let read: Vec<&Shape> = self
            .service
            .shapes
            .values()
            .filter(|shape| json || self.service.cbor_read.contains(&shape.id))
            .collect();
        let used = self.patterns_used(&read);
        let patterns = self
            .service
            .patterns
            .iter()
            .enumerate()
            .filter(|(index, _)| used.contains(index))
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
        let mut functions = Vec::new();
        for shape in self.service.shapes.values() {
            if let Some(reader) = &shape.functions.read
                && (json || self.service.cbor_read.contains(&shape.id))
            {
                functions.push(self.reader(shape, reader));
            }
            if json || self.service.cbor_written.contains(&shape.id) {
                functions.push(self.writers(shape));
            }
        }
        let runtime = (!functions.iter().all(TokenStream::is_empty)).then_some(&self.runtime_use);
        let name = self.format_name();
        quote! {
            mod #name {
                #runtime
                #(#patterns)*
                #(#functions)*
            }
        }
    }

    /// The patterns the readers of `shapes` check (every pattern, in the json module).
    fn patterns_used(&self, shapes: &[&Shape]) -> std::collections::BTreeSet<usize> {
        if self.format == super::Format::Json {
            return (0..self.service.patterns.len()).collect();
        }
        shapes
            .iter()
            .filter(|shape| shape.functions.read.is_some())
            .flat_map(|shape| -> Vec<&Member> {
                match &shape.kind {
                    Kind::Structure(members) | Kind::Union(members) => members.iter().collect(),
                    Kind::List { member, .. } => vec![&**member],
                    Kind::Map { key, value, .. } => vec![&**key, &**value],
                    _ => Vec::new(),
                }
            })
            .filter_map(|member| member.constraints.pattern)
            .collect()
    }

    // Writing.

    /// The functions that write a shape: as a value, and a structure's members.
    fn writers(&self, shape: &Shape) -> TokenStream {
        let functions = &shape.functions;
        if functions.write.is_none()
            && functions.write_members.is_none()
            && functions.write_body.is_none()
        {
            return TokenStream::new();
        }
        match &shape.kind {
            Kind::Structure(members) => self.structure_writers(shape, members),
            Kind::Union(members) => self.union_writer(shape, members),
            Kind::List { member, sparse, .. } => self.list_writer(shape, member, *sparse),
            Kind::Map { key, value, sparse } => self.map_writer(shape, key, value, *sparse),
            Kind::Simple(_) | Kind::Enum(_) | Kind::IntEnum(_) | Kind::Unit => TokenStream::new(),
        }
    }

    /// A structure's writers: of its members into an open object (all of them, or in restJson1
    /// only those its body carries), and of the whole value.
    fn structure_writers(&self, shape: &Shape, members: &[Member]) -> TokenStream {
        let functions = &shape.functions;
        let body = functions.write_body.as_ref().map(|ser_body| {
            let in_body: Vec<&Member> = shape
                .http
                .iter()
                .flat_map(|bindings| &bindings.members)
                .filter(|b| matches!(b.location, Location::Body { .. }))
                .map(|b| &members[b.member])
                .collect();
            self.members_writer(shape, ser_body, &in_body)
        });
        let all_members = functions.write_members.as_ref().map(|ser_members| {
            let ty = self.type_path(shape);
            let all: Vec<&Member> = members.iter().collect();
            let writer = self.members_writer(shape, ser_members, &all);
            let (writer_type, _) = self.writers_of();
            let whole = functions.write.as_ref().map(|ser| {
                let ser = ident(ser);
                let ser_members = ident(ser_members);
                quote! {
                    pub(super) fn #ser(input: &#ty, writer: &mut #writer_type) {
                        let mut object = writer.object();
                        #ser_members(input, &mut object);
                    }
                }
            });
            quote! {
                #whole
                #writer
            }
        });
        quote! {
            #all_members
            #body
        }
    }

    /// The function `name` writing `members` of a structure into an open object.
    fn members_writer(&self, shape: &Shape, name: &str, members: &[&Member]) -> TokenStream {
        let (_, object_writer) = self.writers_of();
        let ty = self.type_path(shape);
        let name = ident(name);
        let writes = self.member_writes(members);
        let (input, object) = if members.is_empty() {
            (quote!(_input), quote!(_object))
        } else {
            (quote!(input), quote!(object))
        };
        quote! {
            pub(super) fn #name(#input: &#ty, #object: &mut #object_writer<'_>) {
                #(#writes)*
            }
        }
    }

    fn union_writer(&self, shape: &Shape, members: &[Member]) -> TokenStream {
        let (writer_type, _) = self.writers_of();
        let ser = Self::function(shape.functions.write.as_ref());
        let ty = self.type_path(shape);
        let arms = members.iter().map(|member| {
            let variant = ident(&member.rust_name);
            let key = &member.key;
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
            pub(super) fn #ser(input: &#ty, writer: &mut #writer_type) {
                let mut object = writer.object();
                match input {
                    #(#arms)*
                }
            }
        }
    }

    fn list_writer(&self, shape: &Shape, member: &Member, sparse: bool) -> TokenStream {
        let (writer_type, _) = self.writers_of();
        let ser = Self::function(shape.functions.write.as_ref());
        let item = self.value_type(&member.target);
        let write = self.write_value(
            &member.target,
            member.timestamp_format,
            quote!(item),
            quote!(array.item()),
        );
        let (item_type, body) = if sparse {
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
            pub(super) fn #ser(input: &[#item_type], writer: &mut #writer_type) {
                let mut array = writer.array();
                for item in input {
                    #body
                }
            }
        }
    }

    fn map_writer(&self, shape: &Shape, key: &Member, value: &Member, sparse: bool) -> TokenStream {
        let (writer_type, _) = self.writers_of();
        let ser = Self::function(shape.functions.write.as_ref());
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
        let body = if sparse {
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
            pub(super) fn #ser(input: &#ty, writer: &mut #writer_type) {
                let mut object = writer.object();
                for (key, item) in input {
                    #body
                }
            }
        }
    }

    /// The statements writing structure members into `object` from `input`.
    fn member_writes(&self, members: &[&Member]) -> Vec<TokenStream> {
        members
            .iter()
            .map(|member| {
                let field = ident(&member.rust_name);
                let key = &member.key;
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
            })
            .collect()
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
                Simple::BigInteger | Simple::BigDecimal if self.rpc_v2_json() => {
                    quote!(#writer.big_number_text(#value))
                }
                Simple::BigInteger | Simple::BigDecimal => quote!(#writer.big_number(#value)),
                Simple::Blob => quote!(#writer.blob(#value)),
                Simple::Document => quote!(#writer.document(#value)),
                Simple::Timestamp => {
                    let format = self.timestamp_format(self.wire_format(format));
                    quote!(#writer.timestamp(#value, #format))
                }
            },
            Kind::Enum(_) => quote!(#writer.string(#value.as_str())),
            Kind::IntEnum(_) => quote!(#writer.integer(#value.value())),
            Kind::Structure(_) | Kind::Union(_) | Kind::List { .. } | Kind::Map { .. } => {
                let function = Self::function(shape.functions.write.as_ref());
                quote!(#function(#value, #writer))
            }
            Kind::Unit => quote!(#writer.object()),
        }
    }
}
