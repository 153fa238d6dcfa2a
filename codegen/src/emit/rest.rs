//! restJson1's generated glue: each operation's `HttpOperation` impl (its route, the media
//! types of its bodies, the reading of its input from labels, query, headers and body, and the
//! writing of its output as status, headers and body), the header members of errors, and the
//! server module's route table, dispatch and `Router`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Emitter, ident};
use crate::ir::{
    Binding, HttpOperation, Kind, Location, Member, MessageBindings, Operation, PayloadKind,
    Simple, TimestampFormat,
};

/// Where a bound member's text comes from, for [`Emitter::text_kind`].
#[derive(Clone, Copy)]
enum Place {
    Header { base64: bool },
    Other,
}

impl Emitter<'_> {
    /// The bindings of a structure written as an output or error.
    fn message_bindings(&self, id: &str) -> Option<&MessageBindings> {
        let output = self.service.operations.iter().find_map(|op| {
            let http = op.http.as_ref()?;
            (op.output.as_deref() == Some(id)).then_some(http.output.as_ref())?
        });
        output.or_else(|| self.shape(id).error.as_ref()?.http.as_ref())
    }

    /// The members of an output or error that its JSON body carries.
    pub(super) fn body_members(&self, id: &str) -> Vec<&str> {
        self.message_bindings(id)
            .map(|bindings| {
                bindings
                    .members
                    .iter()
                    .filter(|b| matches!(b.location, Location::Body { .. }))
                    .map(|b| b.member.as_str())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn members_of(&self, id: &str) -> &[Member] {
        match &self.shape(id).kind {
            Kind::Structure(members) => members,
            _ => &[],
        }
    }

    fn member<'m>(&self, members: &'m [Member], name: &str) -> Option<&'m Member> {
        members.iter().find(|m| m.name == name)
    }

    /// `rt::rest::TextKind` of a bound scalar member (or list item) of `target`.
    fn text_kind(
        &self,
        target: &str,
        wire: TimestampFormat,
        json: TimestampFormat,
        place: Place,
    ) -> TokenStream {
        let rt = &self.rt;
        let kind = match &self.shape(target).kind {
            Kind::Enum(_) => quote!(String),
            Kind::IntEnum(_) => quote!(Integer),
            Kind::Simple(simple) => match simple {
                Simple::String => match place {
                    Place::Header { base64: true } => quote!(MediaTypeString),
                    _ => quote!(String),
                },
                Simple::Boolean => quote!(Boolean),
                Simple::Byte => quote!(Byte),
                Simple::Short => quote!(Short),
                Simple::Integer => quote!(Integer),
                Simple::Long => quote!(Long),
                Simple::Float => quote!(Float),
                Simple::Double => quote!(Double),
                Simple::BigInteger => quote!(BigInteger),
                Simple::BigDecimal => quote!(BigDecimal),
                Simple::Blob => quote!(Blob),
                Simple::Timestamp => {
                    let wire = self.timestamp_format(wire);
                    let json = self.timestamp_format(json);
                    return quote!(#rt::rest::TextKind::Timestamp { wire: #wire, json: #json });
                }
                Simple::Document => quote!(String),
            },
            _ => quote!(String),
        };
        quote!(#rt::rest::TextKind::#kind)
    }

    /// The list item member of a list target, if the target is a list.
    fn list_item(&self, target: &str) -> Option<&Member> {
        match &self.shape(target).kind {
            Kind::List { member, .. } => Some(member),
            _ => None,
        }
    }

    /// What a request or response body is, for its media-type checks.
    fn body_media(&self, bindings: Option<&MessageBindings>) -> TokenStream {
        let rt = &self.rt;
        let Some(bindings) = bindings else {
            return quote!(#rt::rest::text::BodyMedia::None);
        };
        let content_type_header = bindings.members.iter().any(|b| {
            matches!(&b.location, Location::Header { name, .. } if name.eq_ignore_ascii_case("content-type"))
        });
        let payload = bindings.members.iter().find_map(|b| match &b.location {
            Location::Payload { kind, media_type } => Some((*kind, media_type)),
            _ => None,
        });
        if let Some((kind, media_type)) = payload {
            return match kind {
                PayloadKind::Json | PayloadKind::Document => {
                    quote!(#rt::rest::text::BodyMedia::Json)
                }
                _ if content_type_header => quote!(#rt::rest::text::BodyMedia::Any),
                PayloadKind::Blob { .. } if media_type == "application/octet-stream" => {
                    quote!(#rt::rest::text::BodyMedia::Any)
                }
                PayloadKind::Blob { .. } | PayloadKind::Text => {
                    quote!(#rt::rest::text::BodyMedia::Exact(#media_type))
                }
            };
        }
        if bindings.members.is_empty() || bindings.has_body_members() {
            quote!(#rt::rest::text::BodyMedia::Json)
        } else {
            quote!(#rt::rest::text::BodyMedia::None)
        }
    }

    /// The `HttpOperation` impl of a restJson1 operation.
    pub(super) fn http_operation(&self, op: &Operation, http: &HttpOperation) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&op.type_name);
        let op_name = &op.name;
        let method = &http.method;
        let uri = &http.uri.text;
        let input = self.io_type(op.input.as_ref());
        let output = self.io_type(op.output.as_ref());
        let error = ident(&op.error_name);
        let request_body = self.body_media(http.input.as_ref());
        let response_body = self.body_media(http.output.as_ref());
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
            impl #rt::rest::HttpOperation for #name {
                const NAME: &'static str = #op_name;
                const METHOD: &'static str = #method;
                const URI: &'static str = #uri;
                const REQUEST_BODY: #rt::rest::text::BodyMedia = #request_body;
                const RESPONSE_BODY: #rt::rest::text::BodyMedia = #response_body;
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
                fn decode_request(_request: &#rt::rest::RestRequest) -> ::std::result::Result<Self::Input, #rt::DecodeError> {
                    ::std::result::Result::Ok(())
                }
            };
        };
        let members = self.members_of(input_id);
        let read = Self::function(self.shape(input_id).functions.read.as_ref());
        let labels: Vec<&str> =
            http.uri
                .segments
                .iter()
                .filter_map(|s| match s {
                    crate::ir::UriSegment::Label(name)
                    | crate::ir::UriSegment::GreedyLabel(name) => Some(name.as_str()),
                    crate::ir::UriSegment::Literal(_) => None,
                })
                .collect();
        let body = bindings
            .has_body_members()
            .then(|| quote!(input.json_body();));
        let steps: Vec<TokenStream> = bindings
            .members
            .iter()
            .filter_map(|binding| {
                let member = self.member(members, &binding.member)?;
                let key = &member.key;
                let json = member.timestamp_format;
                Some(match &binding.location {
                    Location::Body { .. } | Location::ResponseCode => return None,
                    Location::Label { greedy: true, .. } => {
                        let index = labels.iter().position(|l| *l == binding.member)?;
                        quote!(input.greedy_label(#key, #index);)
                    }
                    Location::Label { format, .. } => {
                        let index = labels.iter().position(|l| *l == binding.member)?;
                        let kind = self.text_kind(&member.target, *format, json, Place::Other);
                        quote!(input.label(#key, #index, #kind);)
                    }
                    Location::Query { key: name, format } => match self.list_item(&member.target) {
                        Some(item) => {
                            let kind = self.text_kind(
                                &item.target,
                                *format,
                                item.timestamp_format,
                                Place::Other,
                            );
                            quote!(input.query_list(#key, #name, #kind);)
                        }
                        None => {
                            let kind = self.text_kind(&member.target, *format, json, Place::Other);
                            quote!(input.query(#key, #name, #kind);)
                        }
                    },
                    Location::QueryParams => {
                        let lists = match &self.shape(&member.target).kind {
                            Kind::Map { value, .. } => self.list_item(&value.target).is_some(),
                            _ => false,
                        };
                        quote!(input.query_params(#key, #lists);)
                    }
                    Location::Header {
                        name,
                        format,
                        base64,
                    } => {
                        let lower = name.to_ascii_lowercase();
                        match self.list_item(&member.target) {
                            Some(item) => {
                                let kind = self.text_kind(
                                    &item.target,
                                    *format,
                                    item.timestamp_format,
                                    Place::Header { base64: false },
                                );
                                quote!(input.header_list(#key, #lower, #kind);)
                            }
                            None => {
                                let kind = self.text_kind(
                                    &member.target,
                                    *format,
                                    json,
                                    Place::Header { base64: *base64 },
                                );
                                quote!(input.header(#key, #lower, #kind);)
                            }
                        }
                    }
                    Location::PrefixHeaders { prefix } => {
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
                        quote!(input.payload(#key, #rt::rest::Payload::#payload);)
                    }
                })
            })
            .collect();
        let binding = if body.is_none() && steps.is_empty() {
            quote!(input)
        } else {
            quote!(mut input)
        };
        quote! {
            fn decode_request(request: &#rt::rest::RestRequest) -> ::std::result::Result<Self::Input, #rt::DecodeError> {
                let #binding = #rt::rest::InputBuilder::new(request);
                #body
                #(#steps)*
                input.finish(super::json::#read)
            }
        }
    }

    /// The text of a scalar value `value: &T` for a header.
    fn header_text(&self, target: &str, format: TimestampFormat, base64: bool) -> TokenStream {
        let rt = &self.rt;
        match &self.shape(target).kind {
            Kind::Enum(_) => quote!(value.as_str()),
            Kind::IntEnum(_) => quote!(value.value().to_string()),
            Kind::Simple(Simple::String) if base64 => {
                quote!(#rt::rest::text::format_media_type_string(value))
            }
            Kind::Simple(Simple::String) => quote!(value.as_str()),
            Kind::Simple(Simple::Timestamp) => {
                let format = self.timestamp_format(format);
                quote!(#rt::rest::text::format_timestamp(value, #format))
            }
            _ => quote!(#rt::rest::ToText::to_text(value)),
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
            Location::Header {
                name,
                format,
                base64,
            } => match self.list_item(&member.target) {
                Some(item) => {
                    let sparse = matches!(
                        self.shape(&member.target).kind,
                        Kind::List { sparse: true, .. }
                    );
                    let items = if sparse {
                        quote!(value.iter().flatten())
                    } else {
                        quote!(value.iter())
                    };
                    if matches!(
                        self.shape(&item.target).kind,
                        Kind::Simple(Simple::Timestamp)
                    ) {
                        let format = self.timestamp_format(*format);
                        quote!(response.timestamp_list(#name, #items, #format);)
                    } else {
                        let text = self.header_text(&item.target, *format, false);
                        quote!(response.header_list(#name, #items.map(|value| #text));)
                    }
                }
                None => {
                    let text = self.header_text(&member.target, *format, *base64);
                    quote!(response.header(#name, #text);)
                }
            },
            Location::PrefixHeaders { prefix } => {
                let sparse = matches!(
                    self.shape(&member.target).kind,
                    Kind::Map { sparse: true, .. }
                );
                if sparse {
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
            | Location::QueryParams => {
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
        let code = http.code;
        let (Some(output_id), Some(bindings)) = (&op.output, &http.output) else {
            return quote! {
                fn encode_response(output: &Self::Output) -> #rt::rest::RestResponse {
                    let () = output;
                    #rt::rest::RestResponse::new(#code)
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
        let writes = ordered.into_iter().filter_map(|binding| {
            let member = self.member(members, &binding.member)?;
            self.write_binding(&source, member, binding)
        });
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
            fn encode_response(output: &Self::Output) -> #rt::rest::RestResponse {
                let mut response = #rt::rest::RestResponse::new(#code);
                #(#writes)*
                #body
                response
            }
        }
    }

    /// An error's `write_headers`, when it has members bound to headers.
    pub(super) fn error_headers(&self, id: &str) -> TokenStream {
        let rt = &self.rt;
        let Some(bindings) = self.shape(id).error.as_ref().and_then(|e| e.http.as_ref()) else {
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
            .filter_map(|binding| {
                let member = self.member(members, &binding.member)?;
                self.write_binding(&source, member, binding)
            })
            .collect();
        if writes.is_empty() {
            return TokenStream::new();
        }
        quote! {
            fn write_headers(&self, response: &mut #rt::rest::RestResponse) {
                #(#writes)*
            }
        }
    }

    /// The server module's restJson1 items: the route table, the dispatch, and `Router`.
    pub(super) fn rest_server_items(&self, internal_error: TokenStream) -> TokenStream {
        let rt = &self.rt;
        let trait_name = ident(&self.service.trait_name);
        let routes = self.service.operations.iter().filter_map(|op| {
            let http = op.http.as_ref()?;
            let method = &http.method;
            let uri = &http.uri.text;
            Some(quote!((#method, #uri)))
        });
        let arms = self.service.operations.iter().enumerate().map(|(index, op)| {
            let name = ident(&op.type_name);
            let method = ident(&op.method);
            quote! {
                #index => #rt::rest::call::<super::operation::#name, _, _>(request, context, |input, context| service.#method(input, context)).await,
            }
        });
        quote! {
            /// Every operation's method and URI pattern, in the order `dispatch` numbers them.
            pub const ROUTES: &[(&str, &str)] = &[#(#routes),*];

            /// Reads and validates the request routed to `ROUTES[route]`, calls the service, and
            /// encodes its answer.
            pub async fn dispatch<S: #trait_name + ?::std::marker::Sized>(
                service: &S,
                route: usize,
                request: #rt::rest::RestRequest,
                context: #rt::RequestContext,
            ) -> #rt::rest::RestResponse {
                match route {
                    #(#arms)*
                    _ => #rt::rest::RestResponse::framework_error(404, "UnknownOperationException", "No such route"),
                }
            }

            /// Routes restJson1 requests to an implementation of the service trait: give it to
            /// the runtime's `rest::RestJsonService`.
            #[derive(Debug, Clone)]
            pub struct Router<S>(pub S);

            impl<S: #trait_name> #rt::rest::RestDispatch for Router<S> {
                fn routes(&self) -> &'static [(&'static str, &'static str)] {
                    ROUTES
                }

                async fn dispatch(&self, route: usize, request: #rt::rest::RestRequest, context: #rt::RequestContext) -> #rt::rest::RestResponse {
                    dispatch(&self.0, route, request, context).await
                }

                fn internal_error(&self, request_id: &str) -> #rt::rest::RestResponse {
                    #internal_error
                }
            }
        }
    }
}
