//! The restJson1 protocol as the service shell uses it ([`RestJson`]): a request routed by
//! method, path segments and query literals (404 and 405 in the protocol's error form), and a
//! refusal written with `X-Amzn-Errortype` and a JSON `message`.

use http::Method;

use super::response;
use super::router::{Match, RouteError, Router};
use crate::operation::Protocol;
use crate::protocol::{Route, ServiceProtocol};
use crate::refusal::Refusal;
use crate::response::Response;

/// Why a service's routes cannot be served.
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

/// The restJson1 protocol of one service: its routes, built once into a segment tree.
#[derive(Debug)]
pub struct RestJson {
    router: Router<usize>,
}

impl RestJson {
    /// Routes each `(method, URI pattern)` of `routes` to its index, refusing a method that is
    /// not one, an invalid pattern, or routes that conflict.
    pub fn try_new(routes: &[(&str, &str)]) -> Result<Self, RoutesError> {
        let mut table = Vec::with_capacity(routes.len());
        for (index, (method, uri)) in routes.iter().enumerate() {
            let method = Method::from_bytes(method.as_bytes())
                .map_err(|_| RoutesError::Method((*method).to_owned()))?;
            table.push((method, *uri, index));
        }
        let router = Router::new(table).map_err(RoutesError::Route)?;
        Ok(Self { router })
    }

    /// Routes a generated service's routes, which the generator has already checked as
    /// [`try_new`](Self::try_new) does.
    ///
    /// # Panics
    ///
    /// If they do not pass those checks: routes that did not come from the generator.
    pub fn new(routes: &'static [(&'static str, &'static str)]) -> Self {
        Self::try_new(routes)
            .unwrap_or_else(|error| panic!("the generator checks the routes it writes: {error}"))
    }
}

impl ServiceProtocol for RestJson {
    fn name(&self) -> &'static str {
        "restJson1"
    }

    fn wire(&self) -> Protocol {
        Protocol::RestJson1
    }

    fn route(&self, head: &http::request::Parts) -> Route {
        let path = head.uri.path();
        match self.router.find(&head.method, path, head.uri.query()) {
            Match::Found { value, labels } => Route::Operation {
                index: *value,
                labels: labels.as_slice().iter().map(|l| (*l).to_owned()).collect(),
            },
            Match::MethodNotAllowed => Route::Refused(Refusal::new(
                405,
                "UnknownOperationException",
                format!("{} is not allowed on {path}", head.method),
            )),
            Match::NotFound => Route::NoRoute(Refusal::new(
                404,
                "UnknownOperationException",
                format!("No operation at {} {path}", head.method),
            )),
        }
    }

    fn refuse(&self, refusal: &Refusal, request_id: &str) -> Response {
        response::refused(refusal, request_id)
    }
}
