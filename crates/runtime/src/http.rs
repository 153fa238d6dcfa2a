//! The awsJson protocol over HTTP, as a tower `Service`: `POST /` routed on `X-Amz-Target` to a
//! generated [`Dispatch`], a body-size limit, a request id on every response, panics turned into
//! 500s, and one log line per request. Mount it in hyper (see [`crate::serve`]), axum, or behind
//! any tower middleware.

use std::convert::Infallible;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::FutureExt as _;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt as _, Full, Limited};

use crate::operation::{Protocol, RequestContext};
use crate::reply::Reply;

/// A generated service's entry point: what its `server::Router` implements.
pub trait Dispatch: Send + Sync + 'static {
    /// The protocol variant.
    fn protocol(&self) -> Protocol;
    /// Decodes, validates and serves one request for `target`.
    fn dispatch(
        &self,
        target: &str,
        body: Bytes,
        context: RequestContext,
    ) -> impl Future<Output = Reply> + Send;
    /// The answer when a handler panicked: the model's own internal error if it has one, else
    /// the framework's `InternalFailure`.
    fn internal_error(&self, request_id: &str) -> Reply;
}

/// Builds the [`RequestContext`] of a request (who is calling, where) from its head and body, or
/// refuses the request with a reply: the place for authentication, authorization and rate
/// limits, which run before the body is decoded.
pub trait ResolveContext: Send + Sync + 'static {
    /// Resolves the context; `request_id` is already chosen.
    fn resolve(
        &self,
        head: &http::request::Parts,
        body: &[u8],
        request_id: String,
    ) -> Result<RequestContext, Reply>;
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
    fn resolve(
        &self,
        _head: &http::request::Parts,
        _body: &[u8],
        request_id: String,
    ) -> Result<RequestContext, Reply> {
        Ok(RequestContext {
            request_id,
            account_id: self.account_id.clone(),
            region: self.region.clone(),
            caller: None,
        })
    }
}

/// Limits and extra routes.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// The largest request body accepted; larger ones get a 413.
    pub body_limit: usize,
    /// How long the whole body may take to arrive; slower ones get a 408.
    pub body_read_timeout: Duration,
    /// The deepest nesting of JSON arrays and objects accepted; deeper is a
    /// `SerializationException`.
    pub max_json_depth: usize,
    /// A path answering `GET` with `200 {"status":"ok"}`, for load balancers.
    pub health_path: Option<String>,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            body_limit: 8 * 1024 * 1024,
            body_read_timeout: Duration::from_secs(30),
            max_json_depth: 64,
            health_path: Some("/health".to_owned()),
        }
    }
}

/// The response body type.
pub type ResponseBody = Full<Bytes>;

/// The awsJson HTTP service around a generated dispatcher.
#[derive(Debug)]
pub struct AwsJsonService<D, C> {
    inner: Arc<Inner<D, C>>,
}

#[derive(Debug)]
struct Inner<D, C> {
    dispatcher: D,
    resolver: C,
    settings: HttpSettings,
}

impl<D, C> Clone for AwsJsonService<D, C> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<D: Dispatch, C: ResolveContext> AwsJsonService<D, C> {
    /// Serves `dispatcher`, resolving each request's context with `resolver`.
    pub fn new(dispatcher: D, resolver: C, settings: HttpSettings) -> Self {
        Self {
            inner: Arc::new(Inner {
                dispatcher,
                resolver,
                settings,
            }),
        }
    }

    /// The dispatcher (the generated router around the implementation).
    pub fn dispatcher(&self) -> &D {
        &self.inner.dispatcher
    }
}

impl<D, C, B> tower::Service<Request<B>> for AwsJsonService<D, C>
where
    D: Dispatch,
    C: ResolveContext,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    type Response = Response<ResponseBody>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move { Ok(inner.handle(request).await) })
    }
}

impl<D: Dispatch, C: ResolveContext> Inner<D, C> {
    async fn handle<B>(&self, request: Request<B>) -> Response<ResponseBody>
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: std::error::Error + Send + Sync + 'static,
    {
        let started = Instant::now();
        let request_id = uuid::Uuid::new_v4().to_string();
        let (head, body) = request.into_parts();
        let target = head
            .headers
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let reply = self.reply(head, body, &target, &request_id).await;
        let status = reply.status;
        tracing::info!(
            request_id = %request_id,
            target = %target,
            status,
            error = reply.error_type.as_deref().unwrap_or(""),
            latency_us = started.elapsed().as_micros() as u64,
            "request"
        );
        self.response(reply, &request_id)
    }

    async fn reply<B>(
        &self,
        head: http::request::Parts,
        body: B,
        target: &str,
        request_id: &str,
    ) -> Reply
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: std::error::Error + Send + Sync + 'static,
    {
        let health = self.settings.health_path.as_deref();
        if health == Some(head.uri.path()) && head.method == Method::GET {
            return Reply::ok(br#"{"status":"ok"}"#.to_vec());
        }
        if head.uri.path() != "/" {
            return Reply::framework_error(
                404,
                "UnknownOperationException",
                &format!(
                    "No operation at {}: awsJson operations are POST /",
                    head.uri.path()
                ),
            );
        }
        if head.method != Method::POST {
            return Reply::framework_error(
                405,
                "UnknownOperationException",
                &format!(
                    "{} is not allowed: awsJson operations are POST /",
                    head.method
                ),
            );
        }
        if let Some(content_type) = head.headers.get(http::header::CONTENT_TYPE) {
            let expected = self.dispatcher.protocol().content_type();
            let media_type = content_type
                .to_str()
                .unwrap_or("")
                .split(';')
                .next()
                .unwrap_or("")
                .trim();
            if !media_type.eq_ignore_ascii_case(expected) {
                return Reply::framework_error(
                    415,
                    "UnsupportedMediaTypeException",
                    &format!("Content-Type must be {expected}"),
                );
            }
        }
        let body = match read_body(&head, body, &self.settings).await {
            Ok(body) => body,
            Err(refusal) => {
                return Reply::framework_error(
                    refusal.status,
                    refusal.error_type,
                    &refusal.message,
                );
            }
        };
        let context = match self.resolver.resolve(&head, &body, request_id.to_owned()) {
            Ok(context) => context,
            Err(reply) => return reply,
        };
        if let Err(reason) = crate::json::check_structure(&body, self.settings.max_json_depth) {
            return Reply::framework_error(400, "SerializationException", &reason);
        }
        let dispatched = AssertUnwindSafe(self.dispatcher.dispatch(target, body, context))
            .catch_unwind()
            .await;
        match dispatched {
            Ok(reply) => reply,
            Err(panic) => {
                let message = panic_message(panic.as_ref());
                tracing::error!(request_id = %request_id, target = %target, panic = %message, "handler panicked");
                self.dispatcher.internal_error(request_id)
            }
        }
    }

    fn response(&self, reply: Reply, request_id: &str) -> Response<ResponseBody> {
        let length = HeaderValue::from(reply.body.len());
        let mut response = Response::new(Full::new(Bytes::from(reply.body)));
        *response.status_mut() =
            StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        headers.insert(http::header::CONTENT_LENGTH, length);
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static(self.dispatcher.protocol().content_type()),
        );
        if let Ok(id) = HeaderValue::from_str(request_id) {
            headers.insert("x-amzn-requestid", id);
        }
        if let Some(error_type) = reply
            .error_type
            .as_deref()
            .and_then(|t| HeaderValue::from_str(t).ok())
        {
            headers.insert("x-amzn-errortype", error_type);
        }
        if let Some(query_error) = reply.query_error {
            headers.insert("x-amzn-query-error", HeaderValue::from_static(query_error));
        }
        response
    }
}

/// Why a request's body was not read: the status, error type and message to answer with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyRefusal {
    /// The HTTP status.
    pub status: u16,
    /// The error type.
    pub error_type: &'static str,
    /// What happened.
    pub message: String,
}

/// Reads a whole request body within the settings' size limit and time: a declared or actual
/// size over the limit is a 413, a body that does not arrive in time a 408, a broken one a 400.
pub async fn read_body<B>(
    head: &http::request::Parts,
    body: B,
    settings: &HttpSettings,
) -> Result<Bytes, BodyRefusal>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let too_large = || BodyRefusal {
        status: 413,
        error_type: "RequestEntityTooLargeException",
        message: format!(
            "Request body is larger than the limit of {} bytes",
            settings.body_limit
        ),
    };
    let declared = head
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > settings.body_limit) {
        return Err(too_large());
    }
    let collect = Limited::new(body, settings.body_limit).collect();
    match tokio::time::timeout(settings.body_read_timeout, collect).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Ok(Err(error)) => Err(BodyRefusal {
            status: 400,
            error_type: "SerializationException",
            message: format!("could not read the body: {error}"),
        }),
        Err(_) => Err(BodyRefusal {
            status: 408,
            error_type: "RequestTimeoutException",
            message: format!(
                "The request body did not arrive within {} seconds",
                settings.body_read_timeout.as_secs_f64()
            ),
        }),
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
