//! What a handler knows besides its input ([`RequestContext`]), which operation a request was
//! routed to ([`OperationId`]), and the hook that builds the context or refuses the request
//! ([`ResolveContext`]): the place for authentication, authorization and rate limits.

use std::future::Future;

use crate::refusal::Refusal;

/// An operation of a service: its absolute shape id and its name (after the service's
/// renames).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OperationId {
    /// The absolute shape id, e.g. `com.amazonaws.rekognition#CreateCollection`.
    pub shape_id: &'static str,
    /// The name, e.g. `CreateCollection`.
    pub name: &'static str,
}

impl OperationId {
    /// An operation's id.
    pub const fn new(shape_id: &'static str, name: &'static str) -> Self {
        Self { shape_id, name }
    }
}

/// Who is calling and where: what a handler knows besides the input.
///
/// The AWS fields serve services that authenticate with SigV4; any other principal (a user, a
/// tenant, a token's claims) travels in [`extensions`](Self::extensions), put there by a
/// [`ResolveContext`] or a layer and read by the handler by its type.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// The request's id, also sent back as `x-amzn-RequestId`.
    pub request_id: String,
    /// The account the request acts in.
    pub account_id: String,
    /// The region the request was sent to.
    pub region: String,
    /// The access key id that signed the request, if it was signed.
    pub caller: Option<String>,
    /// Values of any type, one per type: what a resolver or a layer hands the handler.
    pub extensions: http::Extensions,
}

impl RequestContext {
    /// A context with only a request id.
    pub fn new(request_id: impl Into<String>) -> Self {
        Self {
            request_id: request_id.into(),
            ..Self::default()
        }
    }
}

/// What a [`ResolveContext`] is told of a request: its head, its body, the request id already
/// chosen, and the operation it was routed to (`None` when it names no operation of the
/// service, which is answered after the resolver lets it through).
#[derive(Debug, Clone, Copy)]
pub struct ContextRequest<'a> {
    /// The method, URI, headers and extensions.
    pub head: &'a http::request::Parts,
    /// The whole body.
    pub body: &'a [u8],
    /// The request's id.
    pub request_id: &'a str,
    /// The operation the request was routed to.
    pub operation: Option<OperationId>,
}

/// Builds the [`RequestContext`] of a request (who is calling, where) from its head and body,
/// or refuses it: authentication, authorization and rate limits, which run after routing and
/// before the body is decoded. It may await (a credential store over the network, say).
pub trait ResolveContext: Send + Sync + 'static {
    /// Resolves the context, or refuses the request (the protocol writes the refusal).
    fn resolve(
        &self,
        request: ContextRequest<'_>,
    ) -> impl Future<Output = Result<RequestContext, Refusal>> + Send;
}

/// A context with the request id alone: for services that need nothing else.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultContext;

impl ResolveContext for DefaultContext {
    async fn resolve(&self, request: ContextRequest<'_>) -> Result<RequestContext, Refusal> {
        Ok(RequestContext::new(request.request_id))
    }
}

/// A fixed account and region for every request.
#[derive(Debug, Clone)]
pub struct FixedContext {
    /// The account id.
    pub account_id: String,
    /// The region.
    pub region: String,
}

impl ResolveContext for FixedContext {
    async fn resolve(&self, request: ContextRequest<'_>) -> Result<RequestContext, Refusal> {
        Ok(RequestContext {
            request_id: request.request_id.to_owned(),
            account_id: self.account_id.clone(),
            region: self.region.clone(),
            caller: None,
            extensions: http::Extensions::new(),
        })
    }
}
