//! What serving AWS's own models to boto3 found wrong, each checked with HTTP requests to a
//! generated service on loopback: the test service `Objects` (restJson1, MediaStore-like, from
//! `model/objects.smithy`) and the `Weather` example (awsJson 1.1).

use std::net::SocketAddr;

use integration_tests::objects::Store;
use integration_tests::objects::server::ObjectsServer;
use integration_tests::raw_exchange;
use smithy_server_runtime::{OperationLimits, Settings};
use weather_example::server::WeatherServer;

/// Serves `service` on a free port of loopback for the rest of the test.
async fn serve<S>(service: S) -> SocketAddr
where
    S: tower::Service<
            http::Request<hyper::body::Incoming>,
            Response = http::Response<smithy_server_runtime::ResponseBody>,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(smithy_server_runtime::serve::serve(
        listener,
        service,
        std::future::pending(),
    ));
    address
}

fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let (head, _) = response.split_once("\r\n\r\n")?;
    head.lines().find_map(|line| {
        line.split_once(": ")
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

fn body(response: &str) -> &str {
    response.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}

fn status(response: &str) -> &str {
    response.get(9..12).unwrap_or("")
}

async fn objects() -> SocketAddr {
    serve(ObjectsServer::new(Store::default())).await
}

async fn put(address: SocketAddr, path: &str, bytes: &[u8]) -> String {
    let head = format!("PUT {path} HTTP/1.1\r\nContent-Type: text/plain");
    raw_exchange(address, &head, bytes).await
}

/// A `HEAD` whose output binds `Content-Length` answers the object's length, with no body of
/// its own (it used to carry `{}` and have its length, 2, overwrite the member).
#[tokio::test]
async fn a_head_answers_the_modeled_content_length() {
    let address = objects().await;
    let put = put(address, "/docs/readme.txt", b"twelve bytes").await;
    assert_eq!(status(&put), "200", "{put}");
    let head = raw_exchange(address, "HEAD /docs/readme.txt HTTP/1.1", b"").await;
    assert_eq!(status(&head), "200", "{head}");
    assert_eq!(header(&head, "content-length"), Some("12"), "{head}");
    assert_eq!(header(&head, "content-type"), Some("text/plain"), "{head}");
    assert_eq!(body(&head), "");
}

/// The health route never shadows a modeled route: `GET /{path+}` serves an object named
/// `health` (it used to answer `{"status":"ok"}` before routing).
#[tokio::test]
async fn the_health_route_never_shadows_a_modeled_route() {
    let address = objects().await;
    let missing = raw_exchange(address, "GET /health HTTP/1.1", b"").await;
    assert_eq!(status(&missing), "404", "{missing}");
    assert_eq!(header(&missing, "x-amzn-errortype"), Some("ObjectNotFound"));
    put(address, "/health", b"stored under health").await;
    let got = raw_exchange(address, "GET /health HTTP/1.1", b"").await;
    assert_eq!(status(&got), "200", "{got}");
    assert_eq!(body(&got), "stored under health");
    // Where no route matches, it still answers.
    let weather = serve(WeatherServer::new(weather_example::Forecasts::default())).await;
    let health = raw_exchange(weather, "GET /health HTTP/1.1", b"").await;
    assert_eq!(body(&health), r#"{"status":"ok"}"#);
}

/// Doubles stay floating-point numbers on the wire: `2.0`, not `2` (boto3 hands an integer to
/// the user for `2`).
#[tokio::test]
async fn doubles_are_written_as_floating_point_numbers() {
    let address = objects().await;
    put(address, "/a", b"x").await;
    put(address, "/b", b"y").await;
    let listed = raw_exchange(
        address,
        "POST /list HTTP/1.1\r\nContent-Type: application/json",
        b"{}",
    )
    .await;
    assert_eq!(status(&listed), "200", "{listed}");
    let text = body(&listed);
    assert!(text.contains(r#""totalBytes":2.0"#), "{text}");
    assert!(text.contains(r#""averageBytes":1.0"#), "{text}");
}

/// `http-date` headers have whole seconds (they used to carry nanoseconds).
#[tokio::test]
async fn http_date_headers_have_whole_seconds() {
    let address = objects().await;
    put(address, "/dated", b"x").await;
    let got = raw_exchange(address, "GET /dated HTTP/1.1", b"").await;
    let modified = header(&got, "last-modified").expect("a Last-Modified header");
    // IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
    assert_eq!(modified.len(), 29, "{modified}");
    assert!(!modified.contains('.'), "{modified}");
    assert!(
        smithy_server_runtime::Timestamp::parse_http_date(modified).is_some(),
        "{modified}"
    );
}

/// A validation message quotes the list or map as it was sent, items that broke the
/// constraint included (it used to quote what was left once they were dropped).
#[tokio::test]
async fn validation_messages_quote_what_was_sent() {
    let address = objects().await;
    let list = raw_exchange(
        address,
        "POST /list HTTP/1.1\r\nContent-Type: application/json",
        br#"{"attributes":["Bogus","All"]}"#,
    )
    .await;
    assert_eq!(status(&list), "400", "{list}");
    let message = serde_json::from_str::<serde_json::Value>(body(&list)).unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("Value '[Bogus, All]' at 'attributes'"),
        "{message}"
    );
    let map = raw_exchange(
        address,
        "POST /list HTTP/1.1\r\nContent-Type: application/json",
        br#"{"options":{"NotAnOption":1,"Delay":0}}"#,
    )
    .await;
    let message = serde_json::from_str::<serde_json::Value>(body(&map)).unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("NotAnOption=1"), "{message}");
    assert!(message.contains("Delay=0"), "{message}");
}

/// A handler can answer AWS's `ValidationException` though the operation's errors do not list
/// it, as services raise it from their own code (it used to have only a 500 for that).
#[tokio::test]
async fn a_handler_answers_an_unmodeled_validation_exception() {
    let address = objects().await;
    let refused = put(address, "/docs/../etc", b"x").await;
    assert_eq!(status(&refused), "400", "{refused}");
    assert_eq!(
        header(&refused, "x-amzn-errortype"),
        Some("ValidationException")
    );
    assert!(
        body(&refused).contains("Path segments may not be `..`"),
        "{refused}"
    );
}

/// The default limits take what AWS's services take: a 16 MB body and JSON nested 100 deep;
/// one operation can have limits of its own.
#[tokio::test]
async fn default_limits_take_what_aws_takes_and_operations_have_their_own() {
    let weather = serve(WeatherServer::new(weather_example::Forecasts::default())).await;
    let put_forecast = "POST / HTTP/1.1\r\nX-Amz-Target: Weather.PutForecast\r\nContent-Type: application/x-amz-json-1.1";
    let mut big = br#"{"cityId":"paris","forecast":{"chanceOfRain":0.5}}"#.to_vec();
    big.resize(16_000_000, b' ');
    let accepted = raw_exchange(weather, put_forecast, &big).await;
    assert_eq!(status(&accepted), "200", "{}", body(&accepted));

    let nested = format!(
        r#"{{"cityId":"paris","forecast":{{"chanceOfRain":0.5}},"extra":{}{}}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    let deep = raw_exchange(weather, put_forecast, nested.as_bytes()).await;
    assert_eq!(status(&deep), "200", "{}", body(&deep));

    let settings = Settings::default().with_operation_limits(
        "PutForecast",
        OperationLimits {
            body_limit: Some(64),
            ..OperationLimits::default()
        },
    );
    let limited =
        serve(WeatherServer::new(weather_example::Forecasts::default()).settings(settings)).await;
    let mut padded = br#"{"cityId":"paris","forecast":{"chanceOfRain":0.5}}"#.to_vec();
    padded.resize(100, b' ');
    let refused = raw_exchange(limited, put_forecast, &padded).await;
    assert_eq!(status(&refused), "413", "{refused}");
    let list = "POST / HTTP/1.1\r\nX-Amz-Target: Weather.ListCities\r\nContent-Type: application/x-amz-json-1.1";
    let mut padded_list = b"{}".to_vec();
    padded_list.resize(100, b' ');
    let other = raw_exchange(limited, list, &padded_list).await;
    assert_eq!(status(&other), "200", "{other}");
}
