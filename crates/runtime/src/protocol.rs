//! What a wire protocol does for the service shell ([`crate::server`]): route a request head to
//! an operation, and write a refusal in its own form. Decoding inputs and encoding outputs is
//! the protocol's too, in the generic body each generated operation calls
//! ([`crate::aws_json::serve`], [`crate::rest_json::serve`], [`crate::rpc_v2::serve_cbor`],
//! [`crate::rpc_v2::serve_json`]).

use crate::operation::Protocol;
use crate::refusal::Refusal;
use crate::response::Response;

/// A wire protocol, as the service shell uses it.
pub trait ServiceProtocol: Send + Sync + 'static {
    /// The protocol's name, for logs (`awsJson1_1`, `restJson1`, ...).
    fn name(&self) -> &'static str;
    /// Which wire protocol this is.
    fn wire(&self) -> Protocol;
    /// Which operation a request is for, from its head alone (its body is read after).
    fn route(&self, head: &http::request::Parts) -> Route;
    /// The refusal, written in the protocol's form (a modeled error's members may name the
    /// request id).
    fn refuse(&self, refusal: &Refusal, request_id: &str) -> Response;
}

/// Where a request goes.
#[derive(Debug)]
pub enum Route {
    /// To the operation at this index of the service's operations, with the URI's labels (in
    /// the route's order, still percent-encoded; none in protocols without labels).
    Operation {
        /// The operation's index.
        index: usize,
        /// The labels.
        labels: Vec<String>,
    },
    /// No operation's route matches the request (a 404): the health route may answer it.
    NoRoute(Refusal),
    /// Refused now: a route matches, but not this way (a 405, a 415).
    Refused(Refusal),
    /// It names no operation of the service, and is answered so once its body has arrived and
    /// the context resolver has let it through (awsJson's unknown `X-Amz-Target`): a caller
    /// learns nothing of the service before it is authenticated.
    Unknown(Refusal),
}
