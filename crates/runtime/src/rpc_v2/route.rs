//! [`RpcV2`], the RPC v2 protocol of one service as the service shell uses it: a request routed
//! by the last four segments of its path and checked by its headers, as the module's table
//! says, and a refusal written in the format.

use std::collections::HashMap;

use http::Method;
use http::header::{ACCEPT, CONTENT_TYPE};

use super::SMITHY_PROTOCOL;
use crate::operation::Protocol;
use crate::protocol::{Route, ServiceProtocol};
use crate::refusal::Refusal;
use crate::response::Response;

/// The RPC v2 protocol (CBOR or JSON) of one service: its names and its operations'.
#[derive(Debug, Clone)]
pub struct RpcV2 {
    protocol: Protocol,
    service_name: &'static str,
    /// The absolute shape id with `#` written `.`, which the path may name instead.
    service_path_id: String,
    operations: HashMap<&'static str, usize>,
}

impl RpcV2 {
    /// The protocol `protocol` ([`Protocol::RpcV2Cbor`] or [`Protocol::RpcV2Json`]) of the
    /// service `service_name`, whose absolute shape id is `service_id`, routing the operation
    /// named `operations[i]` (a shape name) to operation `i`.
    ///
    /// # Panics
    ///
    /// If `protocol` is not an RPC v2 protocol.
    pub fn new(
        protocol: Protocol,
        service_name: &'static str,
        service_id: &'static str,
        operations: &'static [&'static str],
    ) -> Self {
        assert!(
            matches!(protocol, Protocol::RpcV2Cbor | Protocol::RpcV2Json),
            "RpcV2 serves rpcv2Cbor or rpcv2Json, not {}",
            protocol.name()
        );
        Self {
            protocol,
            service_name,
            service_path_id: service_id.replace('#', "."),
            operations: operations
                .iter()
                .enumerate()
                .map(|(index, name)| (*name, index))
                .collect(),
        }
    }

    /// The `smithy-protocol` value of the format.
    fn format(&self) -> &'static str {
        match self.protocol {
            Protocol::RpcV2Cbor => "rpc-v2-cbor",
            _ => "rpc-v2-json",
        }
    }

    /// Why a request for a known route is refused by its method or headers, if it is.
    fn check_head(&self, head: &http::request::Parts) -> Option<Refusal> {
        let name = self.protocol.name();
        if head.method != Method::POST {
            let message = format!("{} is not allowed: {name} operations are POST", head.method);
            return Some(Refusal::new(405, "UnknownOperationException", message));
        }
        if let Some(header) = ["x-amz-target", "x-amzn-target"]
            .into_iter()
            .find(|header| head.headers.contains_key(*header))
        {
            let message = format!("{name} requests must not carry {header}");
            return Some(Refusal::new(400, "UnknownOperationException", message));
        }
        let format = self.format();
        let message = match head.headers.get(SMITHY_PROTOCOL) {
            None => Some(format!(
                "Missing smithy-protocol header: {name} requests carry smithy-protocol: {format}"
            )),
            Some(value) if value.as_bytes() != format.as_bytes() => {
                Some(format!("smithy-protocol must be {format}"))
            }
            Some(_) => None,
        };
        if let Some(message) = message {
            return Some(Refusal::new(415, "UnsupportedMediaTypeException", message));
        }
        let expected = self.protocol.content_type();
        if let Some(content_type) = head.headers.get(CONTENT_TYPE)
            && !media_type(content_type.to_str().unwrap_or("")).eq_ignore_ascii_case(expected)
        {
            let message = format!("Content-Type must be {expected}");
            return Some(Refusal::new(415, "UnsupportedMediaTypeException", message));
        }
        if !accepts(head, expected) {
            let message = format!("Accept must allow {expected}");
            return Some(Refusal::new(406, "NotAcceptableException", message));
        }
        None
    }
}

/// The media type of a `Content-Type` or `Accept` entry: without parameters, trimmed.
fn media_type(value: &str) -> &str {
    value.split(';').next().unwrap_or("").trim()
}

/// Whether the request's `Accept` headers, if any, take `media` (or `application/*`, `*/*`).
fn accepts(head: &http::request::Parts, media: &str) -> bool {
    let mut values = head.headers.get_all(ACCEPT).iter().peekable();
    if values.peek().is_none() {
        return true;
    }
    values
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(media_type)
        .any(|range| {
            range.is_empty()
                || range == "*/*"
                || range.eq_ignore_ascii_case("application/*")
                || range.eq_ignore_ascii_case(media)
        })
}

/// The service and operation segments of `{prefix?}/service/{service}/operation/{operation}`.
fn split_path(path: &str) -> Option<(&str, &str)> {
    let mut segments = path.rsplitn(5, '/');
    let operation = segments.next()?;
    let operation_word = segments.next()?;
    let service = segments.next()?;
    let service_word = segments.next()?;
    // The fifth piece is the prefix: whatever stands before `/service`.
    segments.next()?;
    let routed = operation_word == "operation"
        && service_word == "service"
        && !service.is_empty()
        && !operation.is_empty();
    routed.then_some((service, operation))
}

impl ServiceProtocol for RpcV2 {
    fn name(&self) -> &'static str {
        self.protocol.name()
    }

    fn wire(&self) -> Protocol {
        self.protocol
    }

    fn route(&self, head: &http::request::Parts) -> Route {
        let path = head.uri.path();
        let service = self.service_name;
        let Some((_, operation)) = split_path(path)
            .filter(|(named, _)| *named == service || *named == self.service_path_id)
        else {
            let name = self.protocol.name();
            let message = format!(
                "No operation at {path}: {name} operations are POST \
                 /service/{service}/operation/<operation>"
            );
            return Route::NoRoute(Refusal::new(404, "UnknownOperationException", message));
        };
        if let Some(refusal) = self.check_head(head) {
            return Route::Refused(refusal);
        }
        match self.operations.get(operation) {
            Some(&index) => Route::Operation {
                index,
                labels: Vec::new(),
            },
            None => Route::Unknown(crate::aws_json::unknown_operation(operation)),
        }
    }

    fn refuse(&self, refusal: &Refusal, request_id: &str) -> Response {
        super::refused(self.protocol, refusal, request_id)
    }
}
