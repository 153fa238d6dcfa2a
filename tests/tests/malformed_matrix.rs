//! Hostile and malformed requests against the reference server, over raw HTTP: each is answered
//! with the right status and `__type`, and a normal request succeeds right after it. Then the
//! connection-level limits: head size, slow heads and bodies, connection count.

use std::time::Duration;

use integration_tests::{TempDir, raw_exchange};
use rekognition_server::{Config, Running, start};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

const JSON: &str = "application/x-amz-json-1.1";

fn head(method: &str, path: &str, content_type: Option<&str>, target: Option<&str>) -> String {
    let mut head = format!("{method} {path} HTTP/1.1");
    if let Some(content_type) = content_type {
        head.push_str(&format!("\r\nContent-Type: {content_type}"));
    }
    if let Some(target) = target {
        head.push_str(&format!("\r\nX-Amz-Target: {target}"));
    }
    head
}

fn create() -> String {
    head(
        "POST",
        "/",
        Some(JSON),
        Some("RekognitionService.CreateCollection"),
    )
}

fn list() -> String {
    head(
        "POST",
        "/",
        Some(JSON),
        Some("RekognitionService.ListCollections"),
    )
}

fn status_and_type(response: &str) -> (u16, String) {
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("");
    let error_type = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["__type"].as_str().map(str::to_owned))
        .unwrap_or_default();
    (status, error_type)
}

async fn still_serving(running: &Running) {
    let response = raw_exchange(running.address, &list(), b"{}").await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}

async fn server(configure: impl FnOnce(&mut Config)) -> (TempDir, Running) {
    let s3 = TempDir::new("malformed");
    let mut config = Config::in_memory(s3.0.clone());
    configure(&mut config);
    let running = start(config).await.unwrap();
    (s3, running)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_malformed_request_gets_its_error_and_the_server_keeps_serving() {
    let (_s3, running) = server(|config| config.http.body_limit = 64 * 1024).await;
    let deep = format!(
        "{{\"CollectionId\":\"x\",\"Tags\":{}{}}}",
        "[".repeat(100),
        "]".repeat(100)
    );
    let very_deep = "[".repeat(50_000);
    let mut invalid_utf8 = br#"{"CollectionId":""#.to_vec();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe, 0x80]);
    invalid_utf8.extend_from_slice(br#""}"#);
    let oversized = format!("{{\"CollectionId\":\"{}\"}}", "a".repeat(70 * 1024));
    let cases: Vec<(&str, String, Vec<u8>, u16, &str)> = vec![
        (
            "wrong method",
            head(
                "GET",
                "/",
                Some(JSON),
                Some("RekognitionService.ListCollections"),
            ),
            b"{}".to_vec(),
            405,
            "UnknownOperationException",
        ),
        (
            "PUT",
            head(
                "PUT",
                "/",
                Some(JSON),
                Some("RekognitionService.ListCollections"),
            ),
            b"{}".to_vec(),
            405,
            "UnknownOperationException",
        ),
        (
            "wrong path",
            head(
                "POST",
                "/collections",
                Some(JSON),
                Some("RekognitionService.ListCollections"),
            ),
            b"{}".to_vec(),
            404,
            "UnknownOperationException",
        ),
        (
            "no target",
            head("POST", "/", Some(JSON), None),
            b"{}".to_vec(),
            400,
            "UnknownOperationException",
        ),
        (
            "unknown target",
            head(
                "POST",
                "/",
                Some(JSON),
                Some("RekognitionService.DetectLabels"),
            ),
            b"{}".to_vec(),
            400,
            "UnknownOperationException",
        ),
        (
            "another service's target",
            head(
                "POST",
                "/",
                Some(JSON),
                Some("DynamoDB_20120810.ListTables"),
            ),
            b"{}".to_vec(),
            400,
            "UnknownOperationException",
        ),
        (
            "wrong content type",
            head(
                "POST",
                "/",
                Some("text/plain"),
                Some("RekognitionService.ListCollections"),
            ),
            b"{}".to_vec(),
            415,
            "UnsupportedMediaTypeException",
        ),
        (
            "awsJson 1.0 content type",
            head(
                "POST",
                "/",
                Some("application/x-amz-json-1.0"),
                Some("RekognitionService.ListCollections"),
            ),
            b"{}".to_vec(),
            415,
            "UnsupportedMediaTypeException",
        ),
        (
            "invalid JSON",
            create(),
            b"{\"CollectionId\":".to_vec(),
            400,
            "SerializationException",
        ),
        (
            "trailing garbage",
            create(),
            b"{\"CollectionId\":\"a\"} x".to_vec(),
            400,
            "SerializationException",
        ),
        (
            "not an object",
            create(),
            b"[\"CollectionId\"]".to_vec(),
            400,
            "SerializationException",
        ),
        (
            "a bare null",
            create(),
            b"null".to_vec(),
            400,
            "SerializationException",
        ),
        (
            "invalid UTF-8",
            create(),
            invalid_utf8,
            400,
            "SerializationException",
        ),
        (
            "a number for a string",
            create(),
            br#"{"CollectionId":5}"#.to_vec(),
            400,
            "SerializationException",
        ),
        (
            "an object for a string",
            create(),
            br#"{"CollectionId":{"a":1}}"#.to_vec(),
            400,
            "SerializationException",
        ),
        (
            "a string for a map",
            create(),
            br#"{"CollectionId":"a","Tags":"k=v"}"#.to_vec(),
            400,
            "SerializationException",
        ),
        (
            "a null required member",
            create(),
            br#"{"CollectionId":null}"#.to_vec(),
            400,
            "ValidationException",
        ),
        (
            "a null map value",
            create(),
            br#"{"CollectionId":"a","Tags":{"k":null}}"#.to_vec(),
            400,
            "SerializationException",
        ),
        (
            "a string for an integer",
            list(),
            br#"{"MaxResults":"10"}"#.to_vec(),
            400,
            "SerializationException",
        ),
        (
            "a fraction for an integer",
            list(),
            br#"{"MaxResults":1.5}"#.to_vec(),
            400,
            "SerializationException",
        ),
        (
            "a huge integer",
            list(),
            br#"{"MaxResults":123456789012345678901234567890}"#.to_vec(),
            400,
            "SerializationException",
        ),
        (
            "a huge exponent",
            list(),
            br#"{"MaxResults":1e999999999}"#.to_vec(),
            400,
            "SerializationException",
        ),
        (
            "an integer out of range",
            list(),
            br#"{"MaxResults":4097}"#.to_vec(),
            400,
            "ValidationException",
        ),
        (
            "a negative integer",
            list(),
            br#"{"MaxResults":-1}"#.to_vec(),
            400,
            "ValidationException",
        ),
        (
            "duplicate keys",
            create(),
            br#"{"CollectionId":"a","CollectionId":"b"}"#.to_vec(),
            400,
            "SerializationException",
        ),
        (
            "duplicate map keys",
            create(),
            br#"{"CollectionId":"a","Tags":{"k":"1","k":"2"}}"#.to_vec(),
            400,
            "SerializationException",
        ),
        (
            "deep nesting",
            create(),
            deep.into_bytes(),
            400,
            "SerializationException",
        ),
        (
            "very deep nesting",
            create(),
            very_deep.into_bytes(),
            400,
            "SerializationException",
        ),
        (
            "an oversized body",
            create(),
            oversized.into_bytes(),
            413,
            "RequestEntityTooLargeException",
        ),
        (
            "an invalid id",
            create(),
            br#"{"CollectionId":"bad id!"}"#.to_vec(),
            400,
            "ValidationException",
        ),
    ];
    for (name, head, body, status, error_type) in cases {
        let response = raw_exchange(running.address, &head, &body).await;
        assert_eq!(
            status_and_type(&response),
            (status, error_type.to_owned()),
            "{name}: {response}"
        );
        assert!(
            response.to_ascii_lowercase().contains("x-amzn-requestid"),
            "{name}: {response}"
        );
        still_serving(&running).await;
    }
    // Nothing malformed was stored.
    let response = raw_exchange(running.address, &list(), b"{}").await;
    assert!(
        response.ends_with(r#"{"CollectionIds":[],"FaceModelVersions":[]}"#),
        "{response}"
    );
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_heads_are_refused_with_431() {
    let (_s3, running) = server(|config| config.serve.max_header_bytes = 8192).await;
    let big = format!("{}\r\nX-Padding: {}", list(), "p".repeat(20_000));
    let response = raw_exchange(running.address, &big, b"{}").await;
    assert!(response.starts_with("HTTP/1.1 431"), "{response}");
    still_serving(&running).await;
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn slow_heads_are_cut_off_and_slow_bodies_get_408() {
    let (_s3, running) = server(|config| {
        config.serve.header_read_timeout = Duration::from_millis(300);
        config.http.body_read_timeout = Duration::from_millis(300);
    })
    .await;
    // A client that connects and says nothing, or only the first byte of a request: closed.
    for sent in [&b""[..], b"P"] {
        let mut silent = TcpStream::connect(running.address).await.unwrap();
        silent.write_all(sent).await.unwrap();
        let mut buffer = Vec::new();
        let read =
            tokio::time::timeout(Duration::from_secs(5), silent.read_to_end(&mut buffer)).await;
        assert!(read.is_ok(), "a silent client kept its connection");
    }
    // A keep-alive connection left idle after its request: closed.
    let mut idle = TcpStream::connect(running.address).await.unwrap();
    let request = format!("{}\r\nHost: x\r\nContent-Length: 2\r\n\r\n{{}}", list());
    idle.write_all(request.as_bytes()).await.unwrap();
    let mut answered = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), idle.read_to_end(&mut answered)).await;
    assert!(read.is_ok(), "an idle keep-alive connection was kept");
    assert!(answered.starts_with(b"HTTP/1.1 200"));
    // A head that never ends: the connection is closed.
    let mut slow = TcpStream::connect(running.address).await.unwrap();
    slow.write_all(b"POST / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buffer)).await;
    assert!(read.is_ok(), "a slow head kept its connection");
    // A body that never arrives in full: 408.
    let mut slow = TcpStream::connect(running.address).await.unwrap();
    let head = format!(
        "{}\r\nHost: x\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{{",
        list()
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut response))
        .await
        .expect("a slow body kept its connection")
        .unwrap();
    let response = String::from_utf8_lossy(&response);
    assert_eq!(
        status_and_type(&response),
        (408, "RequestTimeoutException".to_owned()),
        "{response}"
    );
    still_serving(&running).await;
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn connections_over_the_limit_get_503_and_the_rest_are_served() {
    let (_s3, running) = server(|config| config.serve.max_connections = 4).await;
    // Four idle keep-alive connections take every place.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(TcpStream::connect(running.address).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let response = raw_exchange(running.address, &list(), b"{}").await;
    assert_eq!(
        status_and_type(&response),
        (503, "ServiceUnavailableException".to_owned()),
        "{response}"
    );
    // Once they go, new connections are served again.
    drop(held);
    let mut served = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if raw_exchange(running.address, &list(), b"{}")
            .await
            .starts_with("HTTP/1.1 200")
        {
            served = true;
            break;
        }
    }
    assert!(served, "connections were not released");
    running.shutdown().await;
}
