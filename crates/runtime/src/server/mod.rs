//! The one service shell of every protocol: a tower `Service` that routes a request with its
//! protocol ([`ServiceProtocol`]; for a service of several, the one [`Protocols`] picks for the
//! request), reads its body within its operation's limits, resolves its
//! context (told the operation), and calls the operation's service, which plugins may have
//! wrapped; with the built-in concerns (access log, health route, panics answered) as layers
//! and plugins that [`Settings`] turns on. Generated `<Service>Server`s are built on it; mount
//! one in hyper ([`crate::serve`]), axum, or behind any tower middleware.

mod body;
mod operation;
mod settings;

use std::convert::Infallible;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use futures_util::FutureExt as _;
use http::Request;
use tower::ServiceExt as _;

pub use body::read_body;

use body::decode_content;
use operation::panic_message;
pub use operation::{LayerPlugin, OperationRequest, OperationService, Plugin, operation};
pub use settings::{Limits, OperationLimits, Settings};

use crate::context::{ContextRequest, DefaultContext, OperationId, ResolveContext};
use crate::layers::{RequestId, Unrouted, health_answer, is_health_request, log_access};
use crate::protocol::{Protocols, Route, ServiceProtocol};
use crate::refusal::Refusal;
use crate::response::{Response, ResponseBody, to_http_for};

/// A service's operations as generated: each one's id and its service, in the order the
/// protocol's routes number them, and the answer to a failure of the service's own.
pub struct Operations {
    ids: &'static [OperationId],
    services: Vec<OperationService>,
    internal_error: fn() -> Refusal,
}

impl Operations {
    /// The operations: `ids[i]` is served by `services[i]`; `internal_error` is the model's own
    /// internal error, or [`Refusal::internal_failure`].
    pub fn new(
        ids: &'static [OperationId],
        services: Vec<OperationService>,
        internal_error: fn() -> Refusal,
    ) -> Self {
        assert_eq!(ids.len(), services.len(), "one service per operation");
        Self {
            ids,
            services,
            internal_error,
        }
    }
}

impl std::fmt::Debug for Operations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Operations")
            .field("ids", &self.ids)
            .finish()
    }
}

/// A service in one protocol or several, with its context resolver `C`.
pub struct Server<C = DefaultContext> {
    shell: Arc<Shell<C>>,
    /// The operations as generated, before plugins.
    generated: Arc<[OperationService]>,
    plugins: Vec<Arc<dyn Plugin>>,
}

impl<C> Clone for Server<C> {
    fn clone(&self) -> Self {
        Self {
            shell: Arc::clone(&self.shell),
            generated: Arc::clone(&self.generated),
            plugins: self.plugins.clone(),
        }
    }
}

impl<C> std::fmt::Debug for Server<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("protocols", &self.shell.protocols)
            .field("operations", &self.shell.ids)
            .field("plugins", &self.plugins.len())
            .field("settings", &self.shell.settings)
            .finish()
    }
}

struct Shell<C> {
    protocols: Protocols,
    ids: &'static [OperationId],
    /// The operations with their plugins (and the built-in ones) around them.
    operations: Vec<OperationService>,
    internal_error: fn() -> Refusal,
    resolver: Arc<C>,
    settings: Settings,
}

impl Server<DefaultContext> {
    /// Serves `operations` in `protocol`, with the default context and settings.
    pub fn new(protocol: impl ServiceProtocol, operations: Operations) -> Self {
        Self::with_protocols(Protocols::single(protocol), operations)
    }

    /// Serves `operations` in each of `protocols` (each request in the one
    /// [`Protocols::select`] picks), with the default context and settings.
    pub fn with_protocols(protocols: Protocols, operations: Operations) -> Self {
        let generated: Arc<[OperationService]> = operations.services.into();
        let shell = Shell {
            protocols,
            ids: operations.ids,
            operations: Vec::new(),
            internal_error: operations.internal_error,
            resolver: Arc::new(DefaultContext),
            settings: Settings::default(),
        };
        Self::assemble(shell, generated, Vec::new())
    }
}

impl<C> Server<C> {
    fn assemble(
        mut shell: Shell<C>,
        generated: Arc<[OperationService]>,
        plugins: Vec<Arc<dyn Plugin>>,
    ) -> Self {
        shell.operations = generated
            .iter()
            .zip(shell.ids)
            .map(|(service, &id)| {
                plugins
                    .iter()
                    .fold(service.clone(), |service, plugin| plugin.apply(id, service))
            })
            .collect();
        Self {
            shell: Arc::new(shell),
            generated,
            plugins,
        }
    }

    fn rebuild<D>(
        self,
        resolver: Arc<D>,
        settings: Settings,
        plugins: Vec<Arc<dyn Plugin>>,
    ) -> Server<D> {
        let shell = Shell {
            protocols: self.shell.protocols.clone(),
            ids: self.shell.ids,
            operations: Vec::new(),
            internal_error: self.shell.internal_error,
            resolver,
            settings,
        };
        Server::assemble(shell, self.generated, plugins)
    }

    /// The same service with another context resolver: authentication, authorization, rate
    /// limits, any principal handed to handlers.
    pub fn context<D: ResolveContext>(self, resolver: D) -> Server<D> {
        let settings = self.shell.settings.clone();
        let plugins = self.plugins.clone();
        self.rebuild(Arc::new(resolver), settings, plugins)
    }

    /// The same service with other settings (limits, per operation too; the built-in concerns).
    pub fn settings(self, settings: Settings) -> Self {
        let resolver = Arc::clone(&self.shell.resolver);
        let plugins = self.plugins.clone();
        self.rebuild(resolver, settings, plugins)
    }

    /// The same service with a plugin around every operation (inside those given before).
    pub fn plugin(self, plugin: impl Plugin) -> Self {
        let resolver = Arc::clone(&self.shell.resolver);
        let settings = self.shell.settings.clone();
        let mut plugins = self.plugins.clone();
        plugins.push(Arc::new(plugin));
        self.rebuild(resolver, settings, plugins)
    }

    /// The service's settings.
    pub fn current_settings(&self) -> &Settings {
        &self.shell.settings
    }

    /// The service's operations.
    pub fn operations(&self) -> &'static [OperationId] {
        self.shell.ids
    }
}

impl<C, B> tower::Service<Request<B>> for Server<C>
where
    C: ResolveContext,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = http::Response<ResponseBody>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let shell = Arc::clone(&self.shell);
        Box::pin(async move {
            let settings = &shell.settings;
            let started = Instant::now();
            let health = settings
                .health_path
                .as_deref()
                .is_some_and(|path| is_health_request(&request, path));
            let (mut response, operation) = shell.handle(request).await;
            if health {
                response = health_answer(response);
            }
            if settings.access_log {
                log_access(started, &response, operation);
            }
            Ok(response)
        })
    }
}

/// How a request was answered: the response, and the operation it reached, if any.
enum Answered {
    Operation(Response, OperationId),
    Refused(Response),
    NoRoute(Response),
}

impl<C: ResolveContext> Shell<C> {
    /// The response, and the operation the request reached, if any. The response carries the
    /// operation as an extension when the built-in access log is off (for a layer that logs
    /// instead), and [`Unrouted`] when no route matched (for a health route).
    async fn handle<B>(
        &self,
        request: Request<B>,
    ) -> (http::Response<ResponseBody>, Option<OperationId>)
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let request_id = match request.extensions().get::<RequestId>() {
            Some(RequestId(id)) => id.clone(),
            None => uuid::Uuid::new_v4().to_string(),
        };
        let (head, body) = request.into_parts();
        let is_head = head.method == http::Method::HEAD;
        match self.answer(head, body, &request_id).await {
            Answered::Operation(response, id) => {
                let mut http = to_http_for(response, &request_id, is_head);
                if !self.settings.access_log {
                    http.extensions_mut().insert(id);
                }
                (http, Some(id))
            }
            Answered::Refused(response) => (to_http_for(response, &request_id, is_head), None),
            Answered::NoRoute(response) => {
                let mut http = to_http_for(response, &request_id, is_head);
                http.extensions_mut().insert(Unrouted);
                (http, None)
            }
        }
    }

    async fn answer<B>(&self, head: http::request::Parts, body: B, request_id: &str) -> Answered
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let protocol = Arc::clone(self.protocols.select(&head));
        let refuse = |refusal: &Refusal| protocol.refuse(refusal, request_id);
        let (index, labels, unknown) = match protocol.route(&head) {
            Route::Operation { index, labels } => (Some(index), labels, None),
            Route::NoRoute(refusal) => return Answered::NoRoute(refuse(&refusal)),
            Route::Refused(refusal) => return Answered::Refused(refuse(&refusal)),
            Route::Unknown(refusal) => (None, Vec::new(), Some(refusal)),
        };
        let operation = index.and_then(|index| self.ids.get(index).copied());
        let limits = self.settings.limits(operation.map(|id| id.name));
        let done = |response| match operation {
            Some(id) => Answered::Operation(response, id),
            None => Answered::Refused(response),
        };
        let body = match read_body(&head, body, &limits).await {
            Ok(body) => body,
            Err(refusal) => return done(refuse(&refusal)),
        };
        let asked = ContextRequest {
            head: &head,
            body: &body,
            request_id,
            operation,
        };
        let context = match self.resolver.resolve(asked).await {
            Ok(context) => context,
            Err(refusal) => return done(refuse(&refusal)),
        };
        let body = match decode_content(&head, body, &limits) {
            Ok(body) => body,
            Err(refusal) => return done(refuse(&refusal)),
        };
        let (Some(index), Some(id)) = (index, operation) else {
            let refusal = unknown.unwrap_or_else(Refusal::internal_failure);
            return Answered::Refused(refuse(&refusal));
        };
        let request = OperationRequest {
            head,
            labels,
            body,
            context,
            operation: id,
            max_json_depth: limits.max_json_depth,
            protocol: Arc::clone(&protocol),
            internal_error: self.internal_error,
        };
        let service = self.operations[index].clone();
        if !self.settings.catch_panics {
            let Ok(response) = service.oneshot(request).await;
            return Answered::Operation(response, id);
        }
        // A panicking handler (or plugin) is answered with the service's internal error, so
        // one bad request never drops the connection.
        let answer = std::panic::catch_unwind(AssertUnwindSafe(|| service.oneshot(request)));
        let answered = match answer {
            Ok(answer) => AssertUnwindSafe(answer).catch_unwind().await,
            Err(panic) => Err(panic),
        };
        let response = match answered {
            Ok(Ok(response)) => response,
            Err(panic) => {
                let message = panic_message(panic.as_ref());
                tracing::error!(request_id = %request_id, operation = id.name, panic = %message, "handler panicked");
                refuse(&(self.internal_error)())
            }
        };
        Answered::Operation(response, id)
    }
}
