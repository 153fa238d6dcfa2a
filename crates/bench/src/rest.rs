//! The restJson1 benchmark: one operation (`PutItem`: two path labels, a query parameter, a
//! header and a JSON body, each with constraints; `model/items.smithy`) served two ways, each
//! as its own process (`bench rest-generated`, `bench rest-axum`):
//!
//! - generated from the model by `build.rs` and served by its generated `ItemsServer`;
//! - written by hand in axum with serde and hand-written validation, the way a user would
//!   write it without the generator, answering the same bytes for the same request.
//!
//! Both echo the item with an `ETag` header; the benchmark loads each beside a ceiling serving
//! the same answer.

use std::net::SocketAddr;

use anyhow::Result;
use smithy_server_runtime::{FixedContext, RequestContext};
use tokio::net::TcpListener;

/// The code generated from `model/items.smithy`.
#[allow(missing_docs, unreachable_pub)]
pub mod generated {
    smithy_server_runtime::include_service!("items");
}

use generated::error::PutItemError;
use generated::model::{PutItemInput, PutItemOutput};

/// The body every benchmark request sends.
pub const BODY: &str = r#"{"name":"widget","count":12,"labels":["red","small","sale"]}"#;

/// The `PutItem` request the benchmark sends to `address`.
pub fn request(address: SocketAddr) -> Vec<u8> {
    format!(
        "PUT /tables/orders/items/item-42?version=3 HTTP/1.1\r\nHost: {address}\r\n\
         Content-Type: application/json\r\nX-Request-Tag: bench\r\nContent-Length: {}\r\n\r\n{BODY}",
        BODY.len()
    )
    .into_bytes()
}

/// The entity tag of a stored item.
fn etag(table: &str, key: &str, version: Option<i32>) -> String {
    format!("\"{table}/{key}/{}\"", version.unwrap_or(0))
}

/// The generated service's implementation: echoes the item.
#[derive(Debug, Clone, Copy)]
struct Items;

impl generated::server::Items for Items {
    async fn put_item(
        &self,
        input: PutItemInput,
        _context: RequestContext,
    ) -> Result<PutItemOutput, PutItemError> {
        Ok(PutItemOutput {
            etag: Some(etag(&input.table, &input.key, input.version)),
            table: input.table,
            key: input.key,
            version: input.version,
            name: input.name,
            count: input.count,
            labels: input.labels,
        })
    }
}

/// Serves the generated service on `listen` forever, printing the bound address first.
pub fn serve_generated(listen: SocketAddr) -> Result<()> {
    tokio::runtime::Runtime::new()?.block_on(async move {
        let listener = TcpListener::bind(listen).await?;
        println!(
            "restJson1 (generated) listening on http://{}",
            listener.local_addr()?
        );
        let context = FixedContext {
            account_id: "123456789012".to_owned(),
            region: "us-east-1".to_owned(),
        };
        let service = generated::server::ItemsServer::new(Items).context(context);
        smithy_server_runtime::serve::serve(listener, service, std::future::pending()).await;
        Ok(())
    })
}

/// The same operation written by hand in axum, as a user would without the generator.
mod by_hand {
    use axum::Json;
    use axum::extract::{Path, Query};
    use axum::http::{HeaderMap, StatusCode, header};
    use axum::response::{IntoResponse, Response};
    use serde::{Deserialize, Serialize};

    #[derive(Deserialize)]
    pub(super) struct Version {
        version: Option<i32>,
    }

    #[derive(Deserialize)]
    pub(super) struct Body {
        name: String,
        count: Option<i32>,
        labels: Option<Vec<String>>,
    }

    #[derive(Serialize)]
    struct Item {
        count: Option<i32>,
        key: String,
        labels: Option<Vec<String>>,
        name: String,
        table: String,
        version: Option<i32>,
    }

    #[derive(Serialize)]
    struct Field {
        message: String,
        path: String,
    }

    /// Checks one constraint, recording a violation.
    fn check(ok: bool, path: &str, constraint: &str, errors: &mut Vec<Field>) {
        if !ok {
            errors.push(Field {
                message: format!("Value at '{path}' failed to satisfy constraint: {constraint}"),
                path: path.to_owned(),
            });
        }
    }

    fn length(text: &str, min: usize, max: usize) -> bool {
        (min..=max).contains(&text.chars().count())
    }

    pub(super) async fn put_item(
        Path((table, key)): Path<(String, String)>,
        Query(query): Query<Version>,
        headers: HeaderMap,
        Json(body): Json<Body>,
    ) -> Response {
        let tag = headers
            .get("x-request-tag")
            .and_then(|value| value.to_str().ok());
        let mut errors = Vec::new();
        check_bindings(&table, &key, query.version, tag, &mut errors);
        check_body(&body, &mut errors);
        if !errors.is_empty() {
            return validation_error(&errors);
        }
        let etag = super::etag(&table, &key, query.version);
        let item = Item {
            count: body.count,
            key,
            labels: body.labels,
            name: body.name,
            table,
            version: query.version,
        };
        ([(header::ETAG, etag)], Json(item)).into_response()
    }

    /// Checks the members bound to the path labels, the query and the header.
    fn check_bindings(
        table: &str,
        key: &str,
        version: Option<i32>,
        tag: Option<&str>,
        errors: &mut Vec<Field>,
    ) {
        check(
            length(table, 3, 64),
            "/table",
            "Member must have length between 3 and 64, inclusive",
            errors,
        );
        let pattern = table.starts_with(|c: char| c.is_ascii_lowercase())
            && table
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        check(
            pattern,
            "/table",
            "Member must satisfy regular expression pattern: ^[a-z][a-z0-9-]*$",
            errors,
        );
        check(
            length(key, 1, 256),
            "/key",
            "Member must have length between 1 and 256, inclusive",
            errors,
        );
        check(
            version.is_none_or(|v| v >= 1),
            "/version",
            "Member must be greater than or equal to 1",
            errors,
        );
        check(
            tag.is_none_or(|t| length(t, 0, 64)),
            "/tag",
            "Member must have length less than or equal to 64",
            errors,
        );
    }

    /// Checks the members of the JSON body.
    fn check_body(body: &Body, errors: &mut Vec<Field>) {
        check(
            length(&body.name, 1, 1024),
            "/name",
            "Member must have length between 1 and 1024, inclusive",
            errors,
        );
        check(
            body.count.is_none_or(|c| (0..=1_000_000).contains(&c)),
            "/count",
            "Member must be between 0 and 1000000, inclusive",
            errors,
        );
        if let Some(labels) = &body.labels {
            check(
                labels.len() <= 16,
                "/labels",
                "Member must have length less than or equal to 16",
                errors,
            );
            for (index, label) in labels.iter().enumerate() {
                check(
                    length(label, 1, 32),
                    &format!("/labels/{index}"),
                    "Member must have length between 1 and 32, inclusive",
                    errors,
                );
            }
        }
    }

    /// The `ValidationException` answer listing every violation, as the generated service
    /// answers it.
    fn validation_error(errors: &[Field]) -> Response {
        let message = format!(
            "{} validation error{} detected. {}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            errors
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        );
        let body = serde_json::json!({ "message": message, "fieldList": errors });
        (
            StatusCode::BAD_REQUEST,
            [("x-amzn-errortype", "ValidationException")],
            Json(body),
        )
            .into_response()
    }
}

/// Serves the hand-written axum version on `listen` forever, printing the bound address first.
pub fn serve_axum(listen: SocketAddr) -> Result<()> {
    tokio::runtime::Runtime::new()?.block_on(async move {
        let listener = TcpListener::bind(listen).await?;
        println!(
            "restJson1 (axum by hand) listening on http://{}",
            listener.local_addr()?
        );
        let app = axum::Router::new().route(
            "/tables/{table}/items/{key}",
            axum::routing::put(by_hand::put_item),
        );
        axum::serve(listener, app).await?;
        Ok(())
    })
}

/// Sends `count` `PutItem` requests through the generated service in this process (no sockets,
/// no hyper): the cost of the service itself, for `valgrind --tool=callgrind` to count
/// instructions per request (run it with two counts and divide the difference).
pub fn in_process(count: usize) -> Result<()> {
    use tower::ServiceExt as _;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let context = FixedContext {
        account_id: "123456789012".to_owned(),
        region: "us-east-1".to_owned(),
    };
    let service = generated::server::ItemsServer::new(Items).context(context);
    runtime.block_on(async {
        for _ in 0..count {
            let request = http::Request::put("/tables/orders/items/item-42?version=3")
                .header("content-type", "application/json")
                .header("x-request-tag", "bench")
                .body(http_body_util::Full::new(bytes::Bytes::from_static(
                    BODY.as_bytes(),
                )))?;
            let Ok(response) = service.clone().oneshot(request).await;
            std::hint::black_box(response);
        }
        Ok(())
    })
}
