//! Shared helpers for the end-to-end tests: a blocking executor for in-memory dispatch, a
//! reference server with an AWS SDK client pointed at it, and the generated test services
//! [`objects`] (restJson1) and [`forecasts`] (rpcv2Cbor, rpcv2Json and awsJson 1.0).

pub mod forecasts;
pub mod objects;

use std::future::Future;
use std::path::PathBuf;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Runs a future that never waits on I/O (the generated dispatch over an in-memory service) to
/// completion on the current thread.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
        std::thread::yield_now();
    }
}

/// A fresh, empty folder under the target directory, removed when dropped.
#[derive(Debug)]
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// Creates `target/test-tmp/<name>-<pid>-<n>`.
    pub fn new(name: &str) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../target/test-tmp")
            .join(format!(
                "{name}-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An `aws-sdk-rekognition` client for `endpoint`, signing with `access_key` for `region`, over
/// plain HTTP.
pub fn rekognition_client(
    endpoint: &str,
    access_key: &str,
    region: &str,
) -> aws_sdk_rekognition::Client {
    signed_client(
        endpoint,
        &Signer {
            access_key,
            secret: "secret",
            session_token: None,
            region,
            clock: None,
        },
    )
}

/// The error code and message of a failed SDK call.
pub fn failure<E: aws_sdk_rekognition::error::ProvideErrorMetadata>(error: E) -> (String, String) {
    (
        error.code().unwrap_or_default().to_owned(),
        error.message().unwrap_or_default().to_owned(),
    )
}

/// How a test client signs its requests.
#[derive(Debug, Clone, Copy)]
pub struct Signer<'a> {
    /// The access key id.
    pub access_key: &'a str,
    /// The secret access key.
    pub secret: &'a str,
    /// A session token, sent as `X-Amz-Security-Token`.
    pub session_token: Option<&'a str>,
    /// The region signed for.
    pub region: &'a str,
    /// The time the client believes it is (for skew tests); the real time when `None`.
    pub clock: Option<std::time::SystemTime>,
}

/// An `aws-sdk-rekognition` client for `endpoint` signing as `signer` says, over plain HTTP,
/// without retries (so that each refusal is seen as sent).
pub fn signed_client(endpoint: &str, signer: &Signer<'_>) -> aws_sdk_rekognition::Client {
    let credentials = aws_credential_types::Credentials::new(
        signer.access_key,
        signer.secret,
        signer.session_token.map(str::to_owned),
        None,
        "tests",
    );
    let mut config = aws_sdk_rekognition::Config::builder()
        .behavior_version(aws_sdk_rekognition::config::BehaviorVersion::latest())
        .region(aws_sdk_rekognition::config::Region::new(
            signer.region.to_owned(),
        ))
        .credentials_provider(credentials)
        .endpoint_url(endpoint)
        .retry_config(aws_sdk_rekognition::config::retry::RetryConfig::disabled())
        .http_client(aws_smithy_http_client::Builder::new().build_http());
    if let Some(clock) = signer.clock {
        config = config.time_source(aws_smithy_async::time::StaticTimeSource::new(clock));
    }
    aws_sdk_rekognition::Client::from_conf(config.build())
}

/// Sends one raw HTTP/1.1 request (with `Connection: close`) and returns the raw response.
pub async fn raw_exchange(
    address: std::net::SocketAddr,
    request_head: &str,
    body: &[u8],
) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "{request_head}\r\nHost: {address}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    // A server may answer (and close) before it has read everything, as it does for heads or
    // bodies over its limits: what it answered is read either way.
    if stream.write_all(head.as_bytes()).await.is_ok() {
        let _ = stream.write_all(body).await;
    }
    let mut response = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => response.extend_from_slice(&chunk[..n]),
        }
    }
    String::from_utf8_lossy(&response).into_owned()
}

/// A raw response with what changes from run to run (dates, request ids, the milliseconds in
/// ARNs) replaced by placeholders, and headers in a stable order.
pub fn redact(response: &str) -> String {
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((response, ""));
    let mut lines = head.lines();
    let status = lines.next().unwrap_or_default().to_owned();
    let mut headers: Vec<String> = lines
        .map(|line| {
            let (name, value) = line.split_once(": ").unwrap_or((line, ""));
            let name = name.to_ascii_lowercase();
            let value = match name.as_str() {
                "date" => "[date]".to_owned(),
                "x-amzn-requestid" => "[request-id]".to_owned(),
                _ => value.to_owned(),
            };
            format!("{name}: {value}")
        })
        .collect();
    headers.sort();
    let body = match serde_json::from_str::<serde_json::Value>(body) {
        Ok(mut json) => {
            if let Some(logref) = json.get_mut("Logref") {
                *logref = serde_json::Value::String("[request-id]".to_owned());
            }
            let text = serde_json::to_string_pretty(&json).unwrap();
            redact_millis(&text)
        }
        Err(_) => body.to_owned(),
    };
    format!("{status}\n{}\n\n{body}", headers.join("\n"))
}

fn redact_millis(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        let digits = part.chars().take_while(char::is_ascii_digit).count();
        if digits >= 12 {
            out.push_str("[millis]");
            out.push_str(&part[digits..]);
        } else {
            out.push_str(part);
        }
    }
    out
}
