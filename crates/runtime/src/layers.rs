//! The built-in concerns around a served service, as tower layers: one access log line per
//! request, and the health route where no modeled route matches. [`crate::server::Server`] runs
//! the same code by default, without a layer's cost ([`crate::Settings`]); turned off, these
//! layers or any other can stand in their place (`tower_http::trace::TraceLayer`, a route of
//! axum's).

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http::{HeaderValue, Method, Request, StatusCode};
use http_body_util::Full;

use crate::context::OperationId;
use crate::response::ResponseBody;

/// The request's id, when a layer in front chose it: the shell uses it (and sends it back as
/// `x-amzn-requestid`) instead of making one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// On a response: no modeled route matched its request (the health route may answer it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unrouted;

/// Answers `GET` on a path with `200 {"status":"ok"}` where the service has no route for it.
#[derive(Debug, Clone)]
pub struct HealthLayer {
    path: String,
}

impl HealthLayer {
    /// The health route at `path`.
    pub fn new(path: impl Into<String>) -> Self {
        Self { path: path.into() }
    }
}

impl<S> tower::Layer<S> for HealthLayer {
    type Service = Health<S>;

    fn layer(&self, inner: S) -> Health<S> {
        Health {
            inner,
            path: self.path.clone(),
        }
    }
}

/// See [`HealthLayer`].
#[derive(Debug, Clone)]
pub struct Health<S> {
    inner: S,
    path: String,
}

type BoxedFuture<T> = Pin<Box<dyn Future<Output = Result<T, Infallible>> + Send>>;

impl<S, B> tower::Service<Request<B>> for Health<S>
where
    S: tower::Service<Request<B>, Response = http::Response<ResponseBody>, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = http::Response<ResponseBody>;
    type Error = Infallible;
    type Future = BoxedFuture<Self::Response>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let health = is_health_request(&request, &self.path);
        let answer = self.inner.call(request);
        Box::pin(async move {
            let response = answer.await?;
            Ok(if health {
                health_answer(response)
            } else {
                response
            })
        })
    }
}

/// Whether a request asks for the health route at `path` (a `GET` of that path).
pub(crate) fn is_health_request<B>(request: &Request<B>, path: &str) -> bool {
    request.method() == Method::GET && request.uri().path() == path
}

/// The answer to a health request: `200 {"status":"ok"}` where the service routed it nowhere,
/// else the service's own answer.
pub(crate) fn health_answer(
    response: http::Response<ResponseBody>,
) -> http::Response<ResponseBody> {
    if response.extensions().get::<Unrouted>().is_none() {
        return response;
    }
    let body = br#"{"status":"ok"}"#;
    let mut ok = http::Response::new(Full::new(Bytes::from_static(body)));
    *ok.status_mut() = StatusCode::OK;
    let headers = ok.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(http::header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    if let Some(id) = response.headers().get("x-amzn-requestid") {
        headers.insert("x-amzn-requestid", id.clone());
    }
    ok
}

/// Logs one line per request (`tracing` at info, target `smithy_server_runtime::access`): the
/// request id, the operation (which the server puts on responses as an extension when its own
/// access log is off), the status, the error type and the latency.
#[derive(Debug, Clone, Copy, Default)]
pub struct AccessLogLayer;

impl<S> tower::Layer<S> for AccessLogLayer {
    type Service = AccessLog<S>;

    fn layer(&self, inner: S) -> AccessLog<S> {
        AccessLog { inner }
    }
}

/// See [`AccessLogLayer`].
#[derive(Debug, Clone)]
pub struct AccessLog<S> {
    inner: S,
}

impl<S, B> tower::Service<Request<B>> for AccessLog<S>
where
    S: tower::Service<Request<B>, Response = http::Response<ResponseBody>, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = http::Response<ResponseBody>;
    type Error = Infallible;
    type Future = BoxedFuture<Self::Response>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let started = Instant::now();
        let answer = self.inner.call(request);
        Box::pin(async move {
            let response = answer.await?;
            let operation = response.extensions().get::<OperationId>().copied();
            log_access(started, &response, operation);
            Ok(response)
        })
    }
}

/// Logs a request's line: its id, status and error type (from the response), its operation, and
/// its latency since `started`.
pub(crate) fn log_access(
    started: Instant,
    response: &http::Response<ResponseBody>,
    operation: Option<OperationId>,
) {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let operation = operation.map_or("", |id| id.name);
    tracing::info!(
        target: "smithy_server_runtime::access",
        request_id = header("x-amzn-requestid"),
        operation,
        status = response.status().as_u16(),
        error = header("x-amzn-errortype"),
        latency_us = started.elapsed().as_micros() as u64,
        "request"
    );
}
