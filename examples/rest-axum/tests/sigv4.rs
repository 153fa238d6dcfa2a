//! SigV4 with restJson1: the generated `BookmarksServer`, served by the runtime's
//! hyper server, with a `ResolveContext` that verifies signatures with the runtime's
//! `sigv4::Verifier`. Requests are signed by the `aws-sigv4` crate the AWS SDKs use, so the
//! verifier is checked against an independent signer: the method, the labels in the path, the
//! query string, the signed headers and the body are all covered.

mod common;

use std::collections::BTreeMap;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use common::{Answer, send};
use rest_axum_example::{Shelf, server::BookmarksServer};
use smithy_server_runtime::sigv4::{SigningInput, Verifier};
use smithy_server_runtime::{ContextRequest, Refusal, RequestContext, ResolveContext, Timestamp};

/// An issued access key.
#[derive(Debug)]
struct Key {
    secret: &'static str,
    account_id: &'static str,
}

/// Authenticates every request: a valid signature of a known key, whose account the request
/// then acts in.
#[derive(Debug)]
struct Signed {
    verifier: Verifier,
    keys: BTreeMap<&'static str, Key>,
}

impl ResolveContext for Signed {
    async fn resolve(&self, request: ContextRequest<'_>) -> Result<RequestContext, Refusal> {
        let input = SigningInput::from_parts(request.head, request.body);
        let credential = self
            .verifier
            .verify(&input, Timestamp::now(), |key| {
                self.keys.get(key).map(|key| key.secret)
            })
            .map_err(|error| error.refusal())?
            .credential;
        let key = &self.keys[credential.access_key_id.as_str()];
        Ok(RequestContext {
            request_id: request.request_id.to_owned(),
            account_id: key.account_id.to_owned(),
            region: credential.region,
            caller: Some(credential.access_key_id),
            extensions: http::Extensions::new(),
        })
    }
}

const ANA: (&str, &str) = ("AKIDANA", "ana-secret");
const BEN: (&str, &str) = ("AKIDBEN", "ben-secret");

/// The service on a free port, until the returned sender is dropped.
async fn start() -> (String, tokio::sync::oneshot::Sender<()>) {
    let keys = BTreeMap::from([
        (
            ANA.0,
            Key {
                secret: ANA.1,
                account_id: "111111111111",
            },
        ),
        (
            BEN.0,
            Key {
                secret: BEN.1,
                account_id: "222222222222",
            },
        ),
    ]);
    let signed = Signed {
        verifier: Verifier::new("bookmarks"),
        keys,
    };
    let service = BookmarksServer::new(Shelf::default()).context(signed);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().expect("its address").to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(smithy_server_runtime::serve::serve(
        listener,
        service,
        async move {
            let _ = stopped.await;
        },
    ));
    (address, stop)
}

/// One request's method, target (path and query), headers and body.
#[derive(Debug, Clone, Copy)]
struct Request<'a> {
    method: &'a str,
    target: &'a str,
    headers: &'a [(&'a str, &'a str)],
    body: &'a str,
}

/// A request with no headers or body.
fn get(target: &str) -> Request<'_> {
    Request {
        method: "GET",
        target,
        headers: &[],
        body: "",
    }
}

/// The headers `aws-sigv4` adds to sign a request (`X-Amz-Date`, `Authorization`) with a key,
/// for the service `bookmarks` in `eu-west-1`; `Host` and the request's own headers are signed.
fn signature(
    (key, secret): (&str, &str),
    address: &str,
    request: Request<'_>,
) -> Vec<(String, String)> {
    let uri = format!("http://{address}{}", request.target);
    let headers = [("host", address)]
        .into_iter()
        .chain(request.headers.iter().copied());
    let signable = SignableRequest::new(
        request.method,
        uri,
        headers,
        SignableBody::Bytes(request.body.as_bytes()),
    )
    .expect("a signable request");
    let identity = Credentials::new(key, secret, None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("eu-west-1")
        .name("bookmarks")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .expect("signing parameters")
        .into();
    let (instructions, _) = sign(signable, &params).expect("signs").into_parts();
    instructions
        .headers()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

/// Sends `sent` with the signature of `signed`.
async fn send_signed(
    key: (&str, &str),
    address: &str,
    sent: Request<'_>,
    signed: Request<'_>,
) -> Answer {
    let signature = signature(key, address, signed);
    let mut headers = sent.headers.to_vec();
    headers.extend(signature.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    send(address, sent.method, sent.target, &headers, sent.body).await
}

/// Sends a correctly signed request.
async fn call(key: (&str, &str), address: &str, request: Request<'_>) -> Answer {
    send_signed(key, address, request, request).await
}

/// A create with a label, a query parameter, a header and a body.
const CREATE: Request<'static> = Request {
    method: "POST",
    target: "/folders/work/bookmarks?pinned=true",
    headers: &[("content-type", "application/json"), ("x-saved-by", "ana")],
    body: r#"{"url":"https://example.com/a","title":"Report"}"#,
};

#[tokio::test]
async fn signed_requests_are_served_in_the_signers_account() {
    let (address, _stop) = start().await;
    let address = address.as_str();

    let created = call(ANA, address, CREATE).await;
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(created.json()["bookmark"]["pinned"], true);
    assert_eq!(created.json()["bookmark"]["savedBy"], "ana");

    // A query string with a list parameter and percent-encoded text, signed and verified.
    let none = call(
        ANA,
        address,
        get("/folders/work/bookmarks?maxResults=10&tag=a%2Db"),
    )
    .await;
    assert_eq!(none.status, 200, "{none:?}");
    assert_eq!(none.json(), serde_json::json!({"bookmarks": []}));
    let listed = call(ANA, address, get("/folders/work/bookmarks")).await;
    assert_eq!(listed.json()["bookmarks"][0]["title"], "Report");

    // The context the resolver built decides whose bookmarks these are.
    let other = call(BEN, address, get("/folders/work/bookmarks/1")).await;
    assert_eq!(other.status, 404);
    assert_eq!(other.header("x-amzn-errortype"), Some("NoSuchBookmark"));
    let own = call(ANA, address, get("/folders/work/bookmarks/1")).await;
    assert_eq!(own.status, 200, "{own:?}");
}

/// A refusal of a signature that does not match the request.
fn assert_signature_refused(answer: &Answer) {
    assert_eq!(answer.status, 400, "{answer:?}");
    assert_eq!(
        answer.header("x-amzn-errortype"),
        Some("InvalidSignatureException")
    );
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let body = answer.json();
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("The request signature we calculated does not match"),
        "{body}"
    );
}

#[tokio::test]
async fn tampered_and_unsigned_requests_are_refused() {
    let (address, _stop) = start().await;
    let address = address.as_str();

    // The body changed after signing (same length: only the payload hash differs).
    let body = CREATE.body.replace("Report", "Rep0rt");
    let sent = Request {
        body: &body,
        ..CREATE
    };
    assert_signature_refused(&send_signed(ANA, address, sent, CREATE).await);

    // The query string changed after signing.
    let sent = Request {
        target: "/folders/work/bookmarks?pinned=false",
        ..CREATE
    };
    assert_signature_refused(&send_signed(ANA, address, sent, CREATE).await);

    // A signed header changed after signing.
    let sent = Request {
        headers: &[("content-type", "application/json"), ("x-saved-by", "eve")],
        ..CREATE
    };
    assert_signature_refused(&send_signed(ANA, address, sent, CREATE).await);

    // A label in the path changed after signing.
    let signed = get("/folders/work/bookmarks/1");
    let sent = get("/folders/work/bookmarks/2");
    assert_signature_refused(&send_signed(ANA, address, sent, signed).await);

    // The method changed after signing.
    let sent = Request {
        method: "DELETE",
        ..signed
    };
    assert_signature_refused(&send_signed(ANA, address, sent, signed).await);

    // A correct signature with a key nobody issued.
    let stranger = call(("AKIDEVE", "eve-secret"), address, CREATE).await;
    assert_eq!(stranger.status, 400, "{stranger:?}");
    assert_eq!(
        stranger.header("x-amzn-errortype"),
        Some("UnrecognizedClientException")
    );

    // No signature at all.
    let unsigned = send(address, "GET", "/folders/work/bookmarks", &[], "").await;
    assert_eq!(unsigned.status, 403, "{unsigned:?}");
    assert_eq!(
        unsigned.header("x-amzn-errortype"),
        Some("MissingAuthenticationTokenException")
    );

    // None of them reached the implementation.
    let listed = call(ANA, address, get("/folders/work/bookmarks")).await;
    assert_eq!(listed.json(), serde_json::json!({"bookmarks": []}));
}
