//! Serves the bookmarks service inside an axum `Router`, next to an axum route of its own, on
//! 127.0.0.1 (the port is the first argument; a free one by default) until Ctrl-C.

use axum::routing::get;
use rest_axum_example::{Shelf, server::BookmarksServer};
use smithy_server_runtime::FixedContext;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let context = FixedContext {
        account_id: "123456789012".to_owned(),
        region: "us-east-1".to_owned(),
    };
    let bookmarks = BookmarksServer::new(Shelf::default()).context(context);
    // The service routes on the whole path and answers 404 and 405 in the restJson1 error form,
    // so it takes every request axum's own routes do not.
    let app = axum::Router::new()
        .route("/version", get(|| async { env!("CARGO_PKG_VERSION") }))
        .fallback_service(bookmarks);

    let port = std::env::args().nth(1).unwrap_or_else(|| "0".to_owned());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!("bookmarks listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(smithy_server_runtime::serve::shutdown_signal())
        .await?;
    Ok(())
}
