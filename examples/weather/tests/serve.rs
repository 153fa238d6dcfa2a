//! The example as a user runs it: the binary serves the generated service over HTTP, and
//! awsJson requests get validated inputs, outputs and modeled errors.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

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
    let mut child = Command::new(env!("CARGO_BIN_EXE_weather-example"))
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
        .strip_prefix("weather listening on http://")
        .expect("the address line")
        .to_owned();
    Served { child, address }
}

/// Sends one awsJson 1.1 request; the status and the JSON body of the answer.
async fn call(address: &str, operation: &str, body: &str) -> (u16, serde_json::Value) {
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connects");
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: Weather.{operation}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("sends");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("reads");
    let (head, body) = response.split_once("\r\n\r\n").expect("a response");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    (status, serde_json::from_str(body).expect("a JSON body"))
}

#[tokio::test]
async fn the_generated_service_answers_over_http() {
    let served = start();
    let address = served.address.as_str();

    let forecast = r#"{"cityId":"paris","forecast":{"chanceOfRain":0.3,"high":24}}"#;
    let (status, body) = call(address, "PutForecast", forecast).await;
    assert_eq!((status, body), (200, serde_json::json!({})));

    let (status, body) = call(address, "GetForecast", r#"{"cityId":"paris"}"#).await;
    assert_eq!(status, 200);
    assert_eq!(body["forecast"]["chanceOfRain"], 0.3);
    assert_eq!(body["forecast"]["high"], 24);

    // A modeled error.
    let (status, body) = call(address, "GetForecast", r#"{"cityId":"oslo"}"#).await;
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "NoSuchCity");

    // Every constraint of the model is checked before the implementation runs, all at once.
    let invalid = r#"{"cityId":"Paris!","forecast":{"chanceOfRain":2}}"#;
    let (status, body) = call(address, "PutForecast", invalid).await;
    assert_eq!(status, 400);
    let message = body.to_string();
    assert!(message.contains("ValidationException"), "{message}");
    assert!(message.contains("2 validation errors"), "{message}");

    let (status, body) = call(address, "ListCities", "{}").await;
    assert_eq!(
        (status, body),
        (200, serde_json::json!({"cities": ["paris"]}))
    );
}
