//! The machine's ceiling: a minimal hyper server that answers every request with one fixed
//! awsJson body (the reference server's own `ListCollections` answer), on the same runtime
//! shape as the reference server. Whatever the load generator gets from it is the most any
//! HTTP server on this machine could give it.

use std::convert::Infallible;
use std::net::SocketAddr;

use anyhow::Result;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;

/// Serves `body` on `listen` forever, printing the bound address first.
pub fn serve(listen: SocketAddr, body: Vec<u8>) -> Result<()> {
    tokio::runtime::Runtime::new()?.block_on(async move {
        let listener = TcpListener::bind(listen).await?;
        println!("ceiling listening on http://{}", listener.local_addr()?);
        run(listener, Bytes::from(body)).await
    })
}

/// Answers every request on `listener` with `body`, until accepting fails.
pub async fn run(listener: TcpListener, body: Bytes) -> Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        let body = body.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                let body = body.clone();
                async move {
                    // Read the request body, as any server must.
                    let _ = request.into_body().collect().await;
                    let mut response = Response::new(Full::new(body));
                    response.headers_mut().insert(
                        hyper::header::CONTENT_TYPE,
                        hyper::header::HeaderValue::from_static("application/x-amz-json-1.1"),
                    );
                    Ok::<_, Infallible>(response)
                }
            });
            let _ = auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
