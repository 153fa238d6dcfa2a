//! restJson1's generated glue: each operation's `HttpOperation` impl (its route, the media
//! types of its bodies, the reading of its input from labels, query, headers and body, and the
//! writing of its output as status, headers and body), the header members of errors, and the
//! server module's route table, dispatch and `Router`. Every fact comes settled from lower (the
//! member a binding names is an index, a label's place, a value's text kind, a body's media):
//! this module only walks the bindings and spells them as tokens.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Emitter, ident};
use crate::ir::{
    Binding, BodyMedia, HttpOperation, Items, Kind, Location, Member, Operation, PayloadKind,
    TextKind,
};

impl Emitter<'_> {
    /// The members of a message structure, which its bindings name by index.
    fn members_of(&self, id: &str) -> &[Member] {
        match &self.shape(id).kind {
            Kind::Structure(members) => members,
            _ => &[],
        }
    }

    /// `rt::rest_json::TextKind` of a value bound to text.
    fn text_kind(&self, text: TextKind) -> TokenStream {
        let rt = &self.rt;
        let kind = match text {
            TextKind::String | TextKind::Enum => quote!(String),
            TextKind::MediaTypeString => quote!(MediaTypeString),
            TextKind::IntEnum | TextKind::Integer => quote!(Integer),
            TextKind::Boolean => quote!(Boolean),
            TextKind::Byte => quote!(Byte),
            TextKind::Short => quote!(Short),
            TextKind::Long => quote!(Long),
            TextKind::Float => quote!(Float),
            TextKind::Double => quote!(Double),
            TextKind::BigInteger => quote!(BigInteger),
            TextKind::BigDecimal => quote!(BigDecimal),
            TextKind::Blob => quote!(Blob),
            TextKind::Timestamp { wire, json } => {
                let wire = self.timestamp_format(wire);
                let json = self.timestamp_format(json);
                return quote!(#rt::rest_json::TextKind::Timestamp { wire: #wire, json: #json });
            }
        };
        quote!(#rt::rest_json::TextKind::#kind)
    }

    /// `rt::rest_json::text::BodyMedia` of a body.
    fn body_media(&self, media: &BodyMedia) -> TokenStream {
        let rt = &self.rt;
        match media {
            BodyMedia::None => quote!(#rt::rest_json::text::BodyMedia::None),
            BodyMedia::Json => quote!(#rt::rest_json::text::BodyMedia::Json),
            BodyMedia::Any => quote!(#rt::rest_json::text::BodyMedia::Any),
            BodyMedia::Exact(media_type) => {
                quote!(#rt::rest_json::text::BodyMedia::Exact(#media_type))
            }
        }
    }

    /// The `HttpOperation` impl of a restJson1 operation.
    pub(super) fn http_operation(&self, op: &Operation, http: &HttpOperation) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&op.type_name);
        let op_name = &op.name;
        let method = http.method.as_str();
        let uri = &http.uri.text;
        let input = self.io_type(op.input.as_ref());
        let output = self.io_type(op.output.as_ref());
        let error = ident(&op.error_name);
        let request_body = self.body_media(&http.request_body);
        let response_body = self.body_media(&http.response_body);
        let decode = self.decode_request(op, http);
        let encode = self.encode_response(op, http);
        let validation_error = (op.dialect == crate::ir::Dialect::Smithy).then(|| {
            quote! {
                fn validation_error(violations: &#rt::Violations) -> ::std::option::Option<Self::Error> {
                    ::std::option::Option::Some(super::server::validation_exception(violations).into())
                }
            }
        });
        quote! {
            impl #rt::rest_json::HttpOperation for #name {
                const NAME: &'static str = #op_name;
                const METHOD: &'static str = #method;
                const URI: &'static str = #uri;
                const REQUEST_BODY: #rt::rest_json::text::BodyMedia = #request_body;
                const RESPONSE_BODY: #rt::rest_json::text::BodyMedia = #response_body;
                type Input = #input;
                type Output = #output;
                type Error = super::error::#error;

                #decode

                #encode

                #validation_error
            }
        }
    }

    fn decode_request(&self, op: &Operation, http: &HttpOperation) -> TokenStream {
        let rt = &self.rt;
        let (Some(input_id), Some(bindings)) = (&op.input, &http.input) else {
            return quote! {
                fn decode_request(_request: &#rt::rest_json::RestRequest) -> ::std::result::Result<Self::Input, #rt::DecodeError> {
                    ::std::result::Result::Ok(())
                }
            };
        };
        let members = self.members_of(input_id);
        let read = Self::function(self.shape(input_id).functions.read.as_ref());
        let body = bindings
            .has_body_members()
            .then(|| quote!(input.json_body();));
        let steps: Vec<TokenStream> = bindings
            .members
            .iter()
            .filter_map(|binding| self.read_binding(&members[binding.member], &binding.location))
            .collect();
        let binding = if body.is_none() && steps.is_empty() {
            quote!(input)
        } else {
            quote!(mut input)
        };
        quote! {
            fn decode_request(request: &#rt::rest_json::RestRequest) -> ::std::result::Result<Self::Input, #rt::DecodeError> {
                let #binding = #rt::rest_json::InputBuilder::new(request);
                #body
                #(#steps)*
                input.finish(super::json::#read)
            }
        }
    }

    /// The statement reading one input member from where it travels (none for the body's
    /// members, which the JSON body carries).
    fn read_binding(&self, member: &Member, location: &Location) -> Option<TokenStream> {
        let rt = &self.rt;
        let key = &member.key;
        Some(match location {
            Location::Body { .. } | Location::ResponseCode => return None,
            Location::Label {
                index,
                greedy: true,
                ..
            } => quote!(input.greedy_label(#key, #index);),
            Location::Label { index, text, .. } => {
                let kind = self.text_kind(*text);
                quote!(input.label(#key, #index, #kind);)
            }
            Location::Query {
                key: name,
                text,
                items,
            } => {
                let kind = self.text_kind(*text);
                match items {
                    Items::List { .. } => quote!(input.query_list(#key, #name, #kind);),
                    Items::One => quote!(input.query(#key, #name, #kind);),
                }
            }
            Location::QueryParams { lists } => quote!(input.query_params(#key, #lists);),
            Location::Header { name, text, items } => {
                let lower = name.to_ascii_lowercase();
                let kind = self.text_kind(*text);
                match items {
                    Items::List { .. } => quote!(input.header_list(#key, #lower, #kind);),
                    Items::One => quote!(input.header(#key, #lower, #kind);),
                }
            }
            Location::PrefixHeaders { prefix, .. } => {
                let lower = prefix.to_ascii_lowercase();
                quote!(input.prefix_headers(#key, #lower);)
            }
            Location::Payload { kind, .. } => {
                let payload = match kind {
                    PayloadKind::Json => quote!(Json),
                    PayloadKind::Document => quote!(Document),
                    PayloadKind::Blob { .. } => quote!(Blob),
                    PayloadKind::Text => quote!(Text),
                };
                quote!(input.payload(#key, #rt::rest_json::Payload::#payload);)
            }
        })
    }

    /// The text of a scalar value `value: &T` for a header.
    fn header_text(&self, text: TextKind) -> TokenStream {
        let rt = &self.rt;
        match text {
            TextKind::Enum | TextKind::String => quote!(value.as_str()),
            TextKind::IntEnum => quote!(value.value().to_string()),
            TextKind::MediaTypeString => {
                quote!(#rt::rest_json::text::format_media_type_string(value))
            }
            TextKind::Timestamp { wire, .. } => {
                let format = self.timestamp_format(wire);
                quote!(#rt::rest_json::text::format_timestamp(value, #format))
            }
            TextKind::Boolean
            | TextKind::Byte
            | TextKind::Short
            | TextKind::Integer
            | TextKind::Long
            | TextKind::Float
            | TextKind::Double
            | TextKind::BigInteger
            | TextKind::BigDecimal
            | TextKind::Blob => quote!(#rt::rest_json::ToText::to_text(value)),
        }
    }

    /// Statements adding one output or error member to `response`, taken from `source`
    /// (`output` or `self`).
    fn write_binding(
        &self,
        source: &TokenStream,
        member: &Member,
        binding: &Binding,
    ) -> Option<TokenStream> {
        let rt = &self.rt;
        let field = ident(&member.rust_name);
        let write = match &binding.location {
            Location::Header { name, text, items } => match items {
                Items::List { sparse } => {
                    let values = if *sparse {
                        quote!(value.iter().flatten())
                    } else {
                        quote!(value.iter())
                    };
                    if let TextKind::Timestamp { wire, .. } = text {
                        let format = self.timestamp_format(*wire);
                        quote!(response.timestamp_list(#name, #values, #format);)
                    } else {
                        let text = self.header_text(*text);
                        quote!(response.header_list(#name, #values.map(|value| #text));)
                    }
                }
                Items::One => {
                    let text = self.header_text(*text);
                    quote!(response.header(#name, #text);)
                }
            },
            Location::PrefixHeaders { prefix, sparse } => {
                if *sparse {
                    quote!(response.prefix_headers(#prefix, value.iter().filter_map(|(k, v)| v.as_ref().map(|v| (k, v))));)
                } else {
                    quote!(response.prefix_headers(#prefix, value);)
                }
            }
            Location::ResponseCode => quote!(response.set_status(*value);),
            Location::Payload { kind, media_type } => match kind {
                PayloadKind::Json => {
                    let write = Self::function(self.shape(&member.target).functions.write.as_ref());
                    quote!(response.json_body(#rt::encode(value, super::json::#write));)
                }
                PayloadKind::Document => {
                    quote!(response.json_body(#rt::encode(value, |value, writer| writer.document(value)));)
                }
                PayloadKind::Blob { .. } => {
                    quote!(response.payload(value.as_bytes().to_vec(), #media_type);)
                }
                PayloadKind::Text => {
                    let text = if matches!(self.shape(&member.target).kind, Kind::Enum(_)) {
                        quote!(value.as_str())
                    } else {
                        quote!(value)
                    };
                    quote!(response.payload(#text.as_bytes().to_vec(), #media_type);)
                }
            },
            Location::Body { .. }
            | Location::Label { .. }
            | Location::Query { .. }
            | Location::QueryParams { .. } => {
                return None;
            }
        };
        Some(if member.optional() {
            quote! {
                if let ::std::option::Option::Some(value) = &#source.#field {
                    #write
                }
            }
        } else {
            quote! {{
                let value = &#source.#field;
                #write
            }}
        })
    }

    fn encode_response(&self, op: &Operation, http: &HttpOperation) -> TokenStream {
        let rt = &self.rt;
        let code = http.code.as_u16();
        let Some((output_id, bindings)) = op
            .output
            .as_ref()
            .and_then(|id| Some((id, self.shape(id).http.as_ref()?)))
        else {
            return quote! {
                fn encode_response(output: &Self::Output) -> #rt::Response {
                    let () = output;
                    #rt::Response::new(#code)
                }
            };
        };
        let members = self.members_of(output_id);
        let source = quote!(output);
        // Prefix headers after the named ones: a header a member sets by name wins over the
        // map's entry. The payload last: a `Content-Type` member, wherever the model puts it,
        // is then set before the payload's media type would be.
        let rank = |b: &&Binding| match b.location {
            Location::PrefixHeaders { .. } => 1,
            Location::Payload { .. } => 2,
            _ => 0,
        };
        let mut ordered: Vec<&Binding> = bindings.members.iter().collect();
        ordered.sort_by_key(rank);
        let writes = ordered
            .into_iter()
            .filter_map(|binding| self.write_binding(&source, &members[binding.member], binding));
        let body = if bindings.payload().is_some() {
            TokenStream::new()
        } else {
            let shape = self.shape(output_id);
            let function = shape
                .functions
                .write_body
                .as_ref()
                .or(shape.functions.write_members.as_ref());
            let function = Self::function(function);
            quote! {
                let mut writer = #rt::JsonWriter::new();
                {
                    let mut object = writer.object();
                    super::json::#function(output, &mut object);
                }
                response.json_body(writer.finish());
            }
        };
        quote! {
            fn encode_response(output: &Self::Output) -> #rt::Response {
                let mut response = #rt::Response::new(#code);
                #(#writes)*
                #body
                response
            }
        }
    }

    /// An error's `write_headers`, when it has members bound to headers.
    pub(super) fn error_headers(&self, id: &str) -> TokenStream {
        let rt = &self.rt;
        let Some(bindings) = self.shape(id).http.as_ref() else {
            return TokenStream::new();
        };
        let members = self.members_of(id);
        let source = quote!(self);
        let headers = bindings
            .members
            .iter()
            .filter(|b| matches!(b.location, Location::Header { .. }));
        let prefixed = bindings
            .members
            .iter()
            .filter(|b| matches!(b.location, Location::PrefixHeaders { .. }));
        let writes: Vec<TokenStream> = headers
            .chain(prefixed)
            .filter_map(|binding| self.write_binding(&source, &members[binding.member], binding))
            .collect();
        if writes.is_empty() {
            return TokenStream::new();
        }
        quote! {
            fn write_headers(&self, response: &mut #rt::Response) {
                #(#writes)*
            }
        }
    }

    /// The route table of a restJson1 server module.
    pub(super) fn rest_routes(&self) -> TokenStream {
        let routes = self.service.operations.iter().filter_map(|op| {
            let http = op.http.as_ref()?;
            let method = http.method.as_str();
            let uri = &http.uri.text;
            Some(quote!((#method, #uri)))
        });
        quote! {
            /// Every operation's method and URI pattern, in the order of `OPERATIONS`.
            pub const ROUTES: &[(&str, &str)] = &[#(#routes),*];
        }
    }
}
