//! The example as a user runs it: the binary serves the generated restJson1 service inside an
//! axum `Router`, and requests over HTTP get axum's own route, the modeled statuses, headers and
//! errors, validation, and the protocol's 404 and 405.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

mod common;

use common::{Answer, send};

const JSON: (&str, &str) = ("Content-Type", "application/json");

/// The example binary on a free port; killed when dropped.
struct Served {
    child: Child,
    address: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rest-axum-example"))
        .arg("0")
        .stdout(Stdio::piped())
        .spawn()
        .expect("the example starts");
    let stdout = child.stdout.take().expect("its stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("it prints its address");
    let address = first
        .trim()
        .strip_prefix("bookmarks listening on http://")
        .expect("the address line")
        .to_owned();
    Served { child, address }
}

#[tokio::test]
async fn the_generated_service_answers_inside_axum() {
    let served = start();
    let address = served.address.as_str();

    // axum's own route.
    let version = send(address, "GET", "/version", &[], "").await;
    assert_eq!(
        (version.status, version.body.as_str()),
        (200, env!("CARGO_PKG_VERSION"))
    );

    // A label, a query parameter, a header and a JSON body in; the modeled 201 and `Location`
    // header out.
    let created = send(
        address,
        "POST",
        "/folders/reading/bookmarks?pinned=true",
        &[JSON, ("X-Saved-By", "ana")],
        r#"{"url":"https://smithy.io/2.0/spec/","title":"Smithy","tags":["docs","idl"]}"#,
    )
    .await;
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(
        created.header("location"),
        Some("/folders/reading/bookmarks/1")
    );
    assert_eq!(created.header("content-type"), Some("application/json"));
    assert!(created.header("x-amzn-requestid").is_some());
    assert_eq!(
        created.json(),
        serde_json::json!({"bookmark": {
            "id": 1,
            "folder": "reading",
            "url": "https://smithy.io/2.0/spec/",
            "title": "Smithy",
            "pinned": true,
            "savedBy": "ana",
            "tags": ["docs", "idl"],
        }})
    );
    let second = send(
        address,
        "POST",
        "/folders/reading/bookmarks",
        &[JSON],
        r#"{"url":"https://docs.rs/axum","tags":["docs"]}"#,
    )
    .await;
    assert_eq!(second.status, 201, "{second:?}");

    let got = send(address, "GET", "/folders/reading/bookmarks/1", &[], "").await;
    assert_eq!(got.status, 200);
    assert_eq!(got.json()["bookmark"]["savedBy"], "ana");

    // A list query parameter (`?tag=a&tag=b`) and an integer one.
    let both = send(
        address,
        "GET",
        "/folders/reading/bookmarks?tag=docs&tag=idl",
        &[],
        "",
    )
    .await;
    let ids = |answer: &Answer| -> Vec<i64> {
        answer.json()["bookmarks"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|b| b["id"].as_i64().expect("an id"))
            .collect()
    };
    assert_eq!(ids(&both), [1]);
    let first = send(
        address,
        "GET",
        "/folders/reading/bookmarks?tag=docs&maxResults=1",
        &[],
        "",
    )
    .await;
    assert_eq!(ids(&first), [1], "pinned first");

    // A modeled error: its `@httpError` status and `X-Amzn-Errortype`.
    let missing = send(address, "GET", "/folders/reading/bookmarks/9", &[], "").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("x-amzn-errortype"), Some("NoSuchBookmark"));
    assert_eq!(
        missing.json(),
        serde_json::json!({"message": "no bookmark 9 in folder reading"})
    );

    // Deleting answers the modeled 204, then the bookmark is gone.
    let deleted = send(address, "DELETE", "/folders/reading/bookmarks/2", &[], "").await;
    assert_eq!((deleted.status, deleted.body.as_str()), (204, ""));
    let again = send(address, "DELETE", "/folders/reading/bookmarks/2", &[], "").await;
    assert_eq!(again.status, 404);
    assert_eq!(again.header("x-amzn-errortype"), Some("NoSuchBookmark"));

    // Every constraint, in the label, the query and the body, is checked before the
    // implementation runs; the operation's `smithy.framework#ValidationException` lists them.
    let invalid = send(
        address,
        "POST",
        "/folders/Reading!/bookmarks",
        &[JSON],
        r#"{"url":"ftp://example.com","tags":["Docs"]}"#,
    )
    .await;
    assert_eq!(invalid.status, 400);
    assert_eq!(
        invalid.header("x-amzn-errortype"),
        Some("ValidationException")
    );
    let body = invalid.json();
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("3 validation errors detected.")),
        "{body}"
    );
    let mut paths: Vec<&str> = body["fieldList"]
        .as_array()
        .expect("a fieldList")
        .iter()
        .map(|field| field["path"].as_str().expect("a path"))
        .collect();
    paths.sort_unstable();
    assert_eq!(paths, ["/folder", "/tags/0", "/url"]);
    let out_of_range = send(
        address,
        "GET",
        "/folders/reading/bookmarks?maxResults=0",
        &[],
        "",
    )
    .await;
    assert_eq!(out_of_range.status, 400);
    assert_eq!(
        out_of_range.json()["fieldList"][0]["path"],
        serde_json::json!("/maxResults")
    );

    // No route: the restJson1 404 and 405, not axum's empty ones.
    let unknown = send(address, "GET", "/nowhere", &[], "").await;
    assert_eq!(unknown.status, 404);
    assert_eq!(
        unknown.header("x-amzn-errortype"),
        Some("UnknownOperationException")
    );
    assert!(unknown.json()["message"].is_string());
    let wrong_method = send(address, "PATCH", "/folders/reading/bookmarks/1", &[], "").await;
    assert_eq!(wrong_method.status, 405);
    assert_eq!(
        wrong_method.header("x-amzn-errortype"),
        Some("UnknownOperationException")
    );
    assert!(wrong_method.json()["message"].is_string());

    // The runtime's body limit holds inside axum too: a declared length over it is refused
    // before any byte of the body is read.
    let too_large = send(
        address,
        "POST",
        "/folders/reading/bookmarks",
        &[JSON, ("Content-Length", "30000000")],
        "",
    )
    .await;
    assert_eq!(too_large.status, 413);
    assert_eq!(
        too_large.header("x-amzn-errortype"),
        Some("RequestEntityTooLargeException")
    );
}
