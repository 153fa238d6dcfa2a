//! Serving a tower service over HTTP/1.1 and HTTP/2 with hyper, with connection-level limits
//! (how many connections, how large and how slow a request head may be) and graceful shutdown:
//! on the shutdown signal the listener closes, in-flight requests finish, then the server
//! returns.

use std::convert::Infallible;
use std::future::Future;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// How long in-flight requests may take to finish after the shutdown signal.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Connection-level limits.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    /// Connections served at once; one more is answered `503` and closed.
    pub max_connections: usize,
    /// How long a client may take to send a request head (HTTP/1.1); slower connections are
    /// closed.
    pub header_read_timeout: Duration,
    /// The largest request head (request line and headers) accepted; larger is answered `431`.
    pub max_header_bytes: usize,
}

impl Default for ServeSettings {
    fn default() -> Self {
        Self {
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(10),
            max_header_bytes: 16 * 1024,
        }
    }
}

/// The body of the answer to a connection over [`ServeSettings::max_connections`].
const BUSY_BODY: &str =
    r#"{"__type":"ServiceUnavailableException","message":"Too many connections; try again."}"#;

/// The answer to a connection over [`ServeSettings::max_connections`], written as soon as the
/// connection is accepted and followed by closing it. It is not served through hyper, which
/// would first wait for a request head: a connection there is no room for must not be held that
/// long. Its `content-length` is measured from the body, never written by hand.
static BUSY_RESPONSE: LazyLock<Vec<u8>> = LazyLock::new(|| {
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
         connection: close\r\ncontent-length: {}\r\n\r\n{BUSY_BODY}",
        BUSY_BODY.len()
    )
    .into_bytes()
});

/// [`serve_with`] default [`ServeSettings`].
pub async fn serve<S, B>(listener: TcpListener, service: S, shutdown: impl Future<Output = ()>)
where
    S: tower::Service<Request<Incoming>, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    serve_with(listener, service, shutdown, ServeSettings::default()).await;
}

/// Accepts connections on `listener` and serves each with a clone of `service` until `shutdown`
/// completes; then waits (up to [`DRAIN_TIMEOUT`]) for in-flight requests.
pub async fn serve_with<S, B>(
    listener: TcpListener,
    service: S,
    shutdown: impl Future<Output = ()>,
    settings: ServeSettings,
) where
    S: tower::Service<Request<Incoming>, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let graceful = GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(settings.header_read_timeout)
        .max_buf_size(settings.max_header_bytes.max(8192));
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(u32::try_from(settings.max_header_bytes).unwrap_or(u32::MAX));
    let permits = Arc::new(Semaphore::new(settings.max_connections));
    // Tells connections still waiting for their first bytes that the server is stopping.
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // Out of file descriptors and the like: pause instead of spinning.
                        tracing::warn!(%error, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
                    tracing::warn!(limit = settings.max_connections, "connection refused: too many connections");
                    tokio::spawn(async move {
                        let mut stream = stream;
                        let _ = stream.write_all(&BUSY_RESPONSE).await;
                        let _ = stream.shutdown().await;
                    });
                    continue;
                };
                let builder = builder.clone();
                let service = service.clone();
                let watcher = graceful.watcher();
                let timeout = settings.header_read_timeout;
                let mut stopping = stopping.clone();
                tokio::spawn(async move {
                    // hyper bounds the time to read a head once it knows the HTTP version; the
                    // bytes that tell it are bounded here, so a silent client cannot hold a place
                    // (nor hold up a shutdown: a connection that has sent nothing yet is closed).
                    let recognized = tokio::select! {
                        biased;
                        recognized = recognizable_within(&stream, timeout) => recognized,
                        _ = stopping.wait_for(|stopping| *stopping) => false,
                    };
                    if recognized {
                        let connection = builder
                            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
                            .into_owned();
                        if let Err(error) = watcher.watch(connection).await {
                            tracing::debug!(%error, "connection ended with an error");
                        }
                    }
                    drop(permit);
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    let _ = stop.send(true);
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("in-flight requests did not finish within {DRAIN_TIMEOUT:?}");
    }
}

/// The first bytes of every HTTP/2 connection.
const H2_PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// Whether the client sends enough to tell HTTP/1 from HTTP/2 within `timeout` (false when it
/// stays silent or hangs up).
async fn recognizable_within(stream: &tokio::net::TcpStream, timeout: Duration) -> bool {
    let wait = async {
        let mut first = [0u8; 24];
        loop {
            match stream.peek(&mut first).await {
                Ok(0) | Err(_) => return false,
                Ok(n) if n == first.len() || first[..n] != H2_PREFACE[..n] => return true,
                // A prefix of the HTTP/2 preface: wait for the rest.
                Ok(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        }
    };
    tokio::time::timeout(timeout, wait).await.unwrap_or(false)
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_busy_answer_declares_the_length_of_its_body() {
        let response = std::str::from_utf8(&BUSY_RESPONSE).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        assert!(
            head.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
            "{head}"
        );
        let declared = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length: "))
            .expect("a content-length");
        assert_eq!(declared.parse::<usize>().unwrap(), body.len());
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(body["__type"], "ServiceUnavailableException");
    }
}
