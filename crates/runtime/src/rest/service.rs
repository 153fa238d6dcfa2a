//! The restJson1 protocol over HTTP, as a tower `Service`: each request routed by method, path
//! and query literals to a generated [`RestDispatch`] (404 and 405 answered in the protocol's
//! error form), with the same body limits, context resolution, request ids, panic handling and
//! log line as the awsJson service. Mount it in hyper ([`crate::serve`]), axum, or behind any
//! tower middleware.

use std::convert::Infallible;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use futures_util::FutureExt as _;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::Full;

use super::operation::RestDispatch;
use super::request::RestRequest;
use super::response::RestResponse;
use super::router::{Match, RouteError, Router};
use crate::http::{HttpSettings, ResolveContext, ResponseBody, panic_message, read_body};

/// Why a dispatcher's routes cannot be served.
#[derive(Debug)]
pub enum RoutesError {
    /// A route's method is not an HTTP method.
    Method(String),
    /// A route's pattern is invalid, or two routes conflict.
    Route(RouteError),
}

impl std::fmt::Display for RoutesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RoutesError::Method(method) => write!(f, "`{method}` is not an HTTP method"),
            RoutesError::Route(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for RoutesError {}

/// The restJson1 HTTP service around a generated dispatcher.
#[derive(Debug)]
pub struct RestJsonService<D, C> {
    inner: Arc<Inner<D, C>>,
}

#[derive(Debug)]
struct Inner<D, C> {
    dispatcher: D,
    router: Router<usize>,
    resolver: C,
    settings: HttpSettings,
}

impl<D, C> Clone for RestJsonService<D, C> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<D: RestDispatch, C: ResolveContext> RestJsonService<D, C> {
    /// Serves `dispatcher`, resolving each request's context with `resolver`. Builds the router
    /// from the dispatcher's routes; a route that is not a valid method, or routes that
    /// conflict, are refused (the generator refuses them first, so generated code never is).
    pub fn new(dispatcher: D, resolver: C, settings: HttpSettings) -> Result<Self, RoutesError> {
        let mut routes = Vec::new();
        for (index, (method, uri)) in dispatcher.routes().iter().enumerate() {
            let method = Method::from_bytes(method.as_bytes())
                .map_err(|_| RoutesError::Method((*method).to_owned()))?;
            routes.push((method, *uri, index));
        }
        let router = Router::new(routes).map_err(RoutesError::Route)?;
        Ok(Self {
            inner: Arc::new(Inner {
                dispatcher,
                router,
                resolver,
                settings,
            }),
        })
    }

    /// The dispatcher (the generated router around the implementation).
    pub fn dispatcher(&self) -> &D {
        &self.inner.dispatcher
    }
}

impl<D, C, B> tower::Service<Request<B>> for RestJsonService<D, C>
where
    D: RestDispatch,
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

impl<D: RestDispatch, C: ResolveContext> Inner<D, C> {
    async fn handle<B>(&self, request: Request<B>) -> Response<ResponseBody>
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: std::error::Error + Send + Sync + 'static,
    {
        let started = Instant::now();
        let request_id = uuid::Uuid::new_v4().to_string();
        let (head, body) = request.into_parts();
        let (response, operation) = self.respond(head, body, &request_id).await;
        tracing::info!(
            request_id = %request_id,
            operation = operation.unwrap_or(""),
            status = response.status,
            error = response.error_type.as_deref().unwrap_or(""),
            latency_us = started.elapsed().as_micros() as u64,
            "request"
        );
        to_http(response, &request_id)
    }

    /// The response, and the route's URI pattern when the request was routed.
    async fn respond<B>(
        &self,
        head: http::request::Parts,
        body: B,
        request_id: &str,
    ) -> (RestResponse, Option<&'static str>)
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: std::error::Error + Send + Sync + 'static,
    {
        let health = self.settings.health_path.as_deref();
        if health == Some(head.uri.path()) && head.method == Method::GET {
            let mut response = RestResponse::new(200);
            response.json_body(br#"{"status":"ok"}"#.to_vec());
            return (response, None);
        }
        let (route, labels) =
            match self
                .router
                .find(&head.method, head.uri.path(), head.uri.query())
            {
                Match::Found { value, labels } => (
                    *value,
                    labels.as_slice().iter().map(|l| (*l).to_owned()).collect(),
                ),
                rejected => {
                    let (status, error_type) = rejected
                        .rejection()
                        .unwrap_or((404, "UnknownOperationException"));
                    let message = if status == 405 {
                        format!("{} is not allowed on {}", head.method, head.uri.path())
                    } else {
                        format!("No operation at {} {}", head.method, head.uri.path())
                    };
                    return (
                        RestResponse::framework_error(status, error_type, &message),
                        None,
                    );
                }
            };
        let uri = self.dispatcher.routes().get(route).map(|(_, uri)| *uri);
        let body = match read_body(&head, body, &self.settings).await {
            Ok(body) => body,
            Err(refusal) => {
                let response = RestResponse::framework_error(
                    refusal.status,
                    refusal.error_type,
                    &refusal.message,
                );
                return (response, uri);
            }
        };
        let context = match self.resolver.resolve(&head, &body, request_id.to_owned()) {
            Ok(context) => context,
            Err(reply) => return (RestResponse::from_reply(reply), uri),
        };
        // The JSON structure checks (depth, repeated keys) apply where the operation reads JSON:
        // a blob or text payload is not JSON.
        let request =
            RestRequest::new(head, labels, body).with_max_json_depth(self.settings.max_json_depth);
        let dispatched = AssertUnwindSafe(self.dispatcher.dispatch(route, request, context))
            .catch_unwind()
            .await;
        let response = match dispatched {
            Ok(response) => response,
            Err(panic) => {
                let message = panic_message(panic.as_ref());
                tracing::error!(request_id = %request_id, operation = uri.unwrap_or(""), panic = %message, "handler panicked");
                self.dispatcher.internal_error(request_id)
            }
        };
        (response, uri)
    }
}

/// The HTTP response of a [`RestResponse`]: its status, headers and body, with
/// `Content-Length`, `x-amzn-requestid` and, for errors, `X-Amzn-Errortype`.
///
/// A status that carries no content (204, 304, 1xx) is sent without a body, `Content-Length`
/// or `Content-Type`, as HTTP requires, whatever the output wrote.
pub fn to_http(response: RestResponse, request_id: &str) -> Response<ResponseBody> {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let no_content = status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED
        || status.is_informational();
    let body = if no_content {
        Vec::new()
    } else {
        response.body
    };
    let length = HeaderValue::from(body.len());
    let mut http = Response::new(Full::new(Bytes::from(body)));
    *http.status_mut() = status;
    let headers = http.headers_mut();
    *headers = response.headers;
    if no_content {
        headers.remove(http::header::CONTENT_TYPE);
    } else {
        headers.insert(http::header::CONTENT_LENGTH, length);
    }
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    if let Some(error_type) = response
        .error_type
        .as_deref()
        .and_then(|t| HeaderValue::from_str(t).ok())
    {
        headers.insert("x-amzn-errortype", error_type);
    }
    http
}

#[cfg(test)]
mod tests {
    use super::{RestResponse, to_http};
    use crate::Reply;

    #[test]
    fn no_content_is_sent_without_body_length_or_type() {
        let mut response = RestResponse::new(204);
        response.json_body(b"{}".to_vec());
        let http = to_http(response, "request-id");
        assert_eq!(http.status(), 204);
        assert!(!http.headers().contains_key(http::header::CONTENT_LENGTH));
        assert!(!http.headers().contains_key(http::header::CONTENT_TYPE));
        let mut ok = RestResponse::new(200);
        ok.json_body(b"{}".to_vec());
        let http = to_http(ok, "request-id");
        assert_eq!(http.headers()[http::header::CONTENT_LENGTH], "2");
    }

    #[test]
    fn a_refused_context_is_answered_in_rest_json_form() {
        let reply = Reply::framework_error(
            403,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        );
        let response = RestResponse::from_reply(reply);
        assert_eq!(response.status, 403);
        assert_eq!(
            response.error_type.as_deref(),
            Some("MissingAuthenticationTokenException")
        );
        let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap_or_default();
        assert_eq!(
            body,
            serde_json::json!({"message": "Missing Authentication Token"})
        );
        let http = to_http(response, "request-id");
        assert_eq!(
            http.headers()["x-amzn-errortype"],
            "MissingAuthenticationTokenException"
        );
    }
}
