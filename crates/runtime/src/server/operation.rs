//! Operations as tower services: what one receives ([`OperationRequest`]), the boxed service
//! every generated operation becomes ([`OperationService`]), and [`Plugin`]s, which are told
//! each operation and may wrap its service (metrics, authorization or rate limits per
//! operation, as smithy-rs's plugins do).

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use tower::util::BoxCloneSyncService;

use crate::context::{OperationId, RequestContext};
use crate::operation::Protocol;
use crate::protocol::ServiceProtocol;
use crate::refusal::Refusal;
use crate::response::Response;

/// A request routed to an operation, its body read and its context resolved.
pub struct OperationRequest {
    /// The method, URI, headers and extensions.
    pub head: http::request::Parts,
    /// The URI's labels, in the route's order (restJson1), still percent-encoded.
    pub labels: Vec<String>,
    /// The whole body.
    pub body: Bytes,
    /// Who is calling: what the handler gets.
    pub context: RequestContext,
    /// The operation.
    pub operation: OperationId,
    /// The deepest nesting of JSON (or CBOR) the operation accepts.
    pub max_json_depth: usize,
    pub(crate) protocol: Arc<dyn ServiceProtocol>,
    pub(crate) internal_error: fn() -> Refusal,
}

impl OperationRequest {
    /// The refusal written in the request's protocol: what a layer answers instead of calling
    /// the operation.
    pub fn refuse(&self, refusal: &Refusal) -> Response {
        self.protocol.refuse(refusal, &self.context.request_id)
    }

    /// The wire protocol the request came in: what the generated operation of a service that
    /// speaks several dispatches on, to decode and answer it in that protocol.
    pub fn wire(&self) -> Protocol {
        self.protocol.wire()
    }

    /// The service's answer to a failure of its own: the model's internal error if it has one,
    /// else `InternalFailure`.
    pub fn internal_error(&self) -> Response {
        self.refuse(&(self.internal_error)())
    }
}

impl std::fmt::Debug for OperationRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OperationRequest")
            .field("operation", &self.operation)
            .field("head", &self.head)
            .field("labels", &self.labels)
            .field("body_len", &self.body.len())
            .field("context", &self.context)
            .field("protocol", &self.protocol.name())
            .finish()
    }
}

/// One operation as a tower service, boxed: what plugins wrap.
pub type OperationService = BoxCloneSyncService<OperationRequest, Response, Infallible>;

/// The service of an operation whose answer `serve` computes.
pub fn operation<F, Fut>(serve: F) -> OperationService
where
    F: Fn(OperationRequest) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    BoxCloneSyncService::new(tower::service_fn(move |request| {
        let answer = serve(request);
        async move { Ok::<_, Infallible>(answer.await) }
    }))
}

/// Told each operation of a service, a plugin may wrap the operation's service.
pub trait Plugin: Send + Sync + 'static {
    /// The operation's service, wrapped (or as it is).
    fn apply(&self, operation: OperationId, service: OperationService) -> OperationService;
}

impl<F> Plugin for F
where
    F: Fn(OperationId, OperationService) -> OperationService + Send + Sync + 'static,
{
    fn apply(&self, operation: OperationId, service: OperationService) -> OperationService {
        self(operation, service)
    }
}

/// A tower layer around every operation's service, as a plugin.
#[derive(Debug, Clone)]
pub struct LayerPlugin<L>(pub L);

impl<L> Plugin for LayerPlugin<L>
where
    L: tower::Layer<OperationService> + Send + Sync + 'static,
    L::Service: tower::Service<OperationRequest, Response = Response, Error = Infallible>
        + Clone
        + Send
        + Sync
        + 'static,
    <L::Service as tower::Service<OperationRequest>>::Future: Send + 'static,
{
    fn apply(&self, _operation: OperationId, service: OperationService) -> OperationService {
        BoxCloneSyncService::new(self.0.layer(service))
    }
}

/// The text a panic was raised with, if it was text.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}
