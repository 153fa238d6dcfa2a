//! The properties the fuzz targets (`fuzz/`) check on arbitrary bytes, as plain functions: the
//! targets call them under libFuzzer, and `tests/replay.rs` calls them on the seed inputs and on
//! every input a fuzzer ever crashed, so each find stays a regression test.

use rekognition_faces as faces;
use rekognition_server_sdk::operation::{
    CreateCollection, CreateDataset, DeleteCollection, ListCollections,
};
use smithy_server_runtime::codegen::aws_json::{self, Operation};
use smithy_server_runtime::codegen::{DecodeError, Protocol};
use smithy_server_runtime::sigv4::{SigningInput, Verifier, parse_authorization};
use smithy_server_runtime::{Refusal, RefusalForm, Timestamp};

mod rpc_v2;

pub use rpc_v2::{generated as forecasts, rpcv2_request};

/// Request decoding and validation: the first byte picks an operation, the rest is its body.
/// Decoding never panics; a refusal is a `SerializationException` or a `ValidationException`
/// with a message; an accepted input decodes the same way twice.
pub fn decode_request(data: &[u8]) {
    let Some((selector, body)) = data.split_first() else {
        return;
    };
    let _ = smithy_server_runtime::json::check_structure(body, 64);
    match selector % 4 {
        0 => check::<CreateCollection>(body),
        1 => check::<DeleteCollection>(body),
        2 => check::<ListCollections>(body),
        _ => check::<CreateDataset>(body),
    }
}

fn check<O: Operation>(body: &[u8])
where
    O::Input: PartialEq + std::fmt::Debug,
{
    match O::decode_input(body) {
        Ok(input) => {
            let again = O::decode_input(body).ok();
            assert_eq!(
                again.as_ref(),
                Some(&input),
                "decoding is not deterministic"
            );
        }
        Err(error) => {
            let refusal = Refusal::decode_failure(&error);
            let RefusalForm::Framework {
                status,
                error_type,
                message,
            } = refusal.form()
            else {
                panic!("a decode failure is the framework's error");
            };
            assert_eq!(status, 400);
            let expected = match error {
                DecodeError::Malformed(_) => "SerializationException",
                DecodeError::Invalid(_) => "ValidationException",
            };
            assert_eq!(error_type, expected);
            let reply =
                aws_json::framework_error(Protocol::AwsJson1_1, status, error_type, message);
            assert!(!reply.body.is_empty());
        }
    }
}

/// The SigV4 `Authorization` parser and verifier: arbitrary bytes become a request (method,
/// path, query, headers, body, separated by newlines); neither parsing nor verification panics,
/// and nothing but the one right signature is accepted.
pub fn sigv4_request(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = parse_authorization(&text);
    let mut lines = text.split('\n');
    let method = lines.next().unwrap_or("");
    let path = lines.next().unwrap_or("");
    let query = lines.next().unwrap_or("");
    let mut headers = Vec::new();
    let mut body = "";
    for line in lines.by_ref() {
        match line.split_once(':') {
            Some((name, value)) => headers.push((name.to_ascii_lowercase(), value.to_owned())),
            None => {
                body = line;
                break;
            }
        }
    }
    let input = SigningInput {
        method,
        path,
        query,
        headers,
        payload: body.as_bytes(),
    };
    for normalize_path in [true, false] {
        let verifier = Verifier {
            normalize_path,
            ..Verifier::new("rekognition")
        };
        let now = Timestamp::from_secs(1_440_938_160);
        let verified = verifier.verify(&input, now, |_| Some("secret"));
        // Arbitrary bytes do not carry the right HMAC: acceptance would be a forgery.
        assert!(verified.is_err(), "accepted a signature the fuzzer made up");
        let _ = verifier.verify(&input, now, |_| None);
    }
}

/// The Smithy IDL loader on arbitrary text (bytes read as lossy UTF-8): loaded as one IDL file,
/// split into two IDL files (the first byte picks where), and as a JSON AST file, it never
/// panics and answers with a model or with errors. Every error renders (the caret snippet
/// included) and points inside its file. A hang shows as a libFuzzer timeout.
pub fn idl_loader(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    check_load(&[("fuzz.smithy".to_owned(), text.clone())]);
    let split = data
        .first()
        .map_or(0, |b| usize::from(*b) * text.len() / 256);
    let split = (0..=split)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let (first, second) = text.split_at(split);
    check_load(&[
        ("a.smithy".to_owned(), first.to_owned()),
        ("b.smithy".to_owned(), second.to_owned()),
    ]);
    check_load(&[("fuzz.json".to_owned(), text)]);
}

fn check_load(files: &[(String, String)]) {
    match smithy_idl::load(files) {
        Ok(model) => assert!(
            model.get("shapes").is_some_and(|s| s.is_object()),
            "a loaded model has a `shapes` object"
        ),
        Err(errors) => {
            assert!(!errors.is_empty(), "a refusal names at least one error");
            for error in &errors {
                let _ = error.to_string();
                let Some((_, text)) = files.iter().find(|(name, _)| *name == error.file) else {
                    panic!("error in a file that was not loaded: {error:?}");
                };
                // Line breaks as the loader counts them: `\r\n`, `\n` and `\r` alone.
                let lines = text
                    .replace("\r\n", "\n")
                    .replace('\r', "\n")
                    .split('\n')
                    .count();
                assert!(error.line <= lines, "error past the last line: {error:?}");
            }
        }
    }
}

/// A restJson1 service end to end: arbitrary bytes become an HTTP request (a first line
/// `METHOD TARGET`, then `Name: value` header lines up to an empty line, then the body) sent
/// through the generated `BookmarksServer` of `examples/rest-axum` (labels, a list
/// query, headers, JSON bodies with constraints) and its implementation. Whatever arrives, the
/// service routes, reads and validates it without a panic or an internal failure: the answer is
/// one of the statuses the protocol gives, and every error names its type in
/// `X-Amzn-Errortype` with a JSON `message`.
pub fn rest_request(data: &[u8]) {
    use rest_axum_example::server::BookmarksServer;
    use smithy_server_runtime::FixedContext;
    use tower::ServiceExt as _;

    let Some(request) = rest_http_request(data) else {
        return;
    };
    let context = FixedContext {
        account_id: "123456789012".to_owned(),
        region: "us-east-1".to_owned(),
    };
    let service = BookmarksServer::new(rest_axum_example::Shelf::default()).context(context);
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    let (head, body) = runtime.block_on(async move {
        let response = service
            .oneshot(request)
            .await
            .unwrap_or_else(|never| match never {});
        let (head, body) = response.into_parts();
        let body = http_body_util::BodyExt::collect(body)
            .await
            .map(|collected| collected.to_bytes())
            .unwrap_or_else(|never| match never {});
        (head, body)
    });
    let status = head.status.as_u16();
    assert!(
        [200, 201, 204, 400, 404, 405, 406, 413, 415].contains(&status),
        "unexpected status {status}: {}",
        String::from_utf8_lossy(&body)
    );
    if status >= 400 {
        assert!(
            head.headers.contains_key("x-amzn-errortype"),
            "an error without its type"
        );
        let json: serde_json::Value =
            serde_json::from_slice(&body).expect("an error's body is JSON");
        assert!(
            json.get("message").is_some(),
            "an error without a message: {json}"
        );
    }
}

/// The request the bytes describe, if they describe a valid one.
fn rest_http_request(data: &[u8]) -> Option<http::Request<http_body_util::Full<bytes::Bytes>>> {
    let split = data
        .windows(2)
        .position(|w| w == b"\n\n")
        .map_or((data, &[][..]), |at| (&data[..at], &data[at + 2..]));
    let (head, body) = split;
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split('\n');
    let (method, target) = lines.next()?.split_once(' ')?;
    let mut builder = http::Request::builder().method(method).uri(target);
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            builder = builder.header(name.trim(), value.trim());
        }
    }
    builder
        .body(http_body_util::Full::new(bytes::Bytes::copy_from_slice(
            body,
        )))
        .ok()
}

/// Image decoding ([`rekognition_faces::decode`]) on arbitrary bytes, under Rekognition's limits
/// (the pixel count lowered to 2048 × 2048, so that no input makes the fuzzer allocate hundreds
/// of megabytes) and under small ones that let tiny images reach the pixel decoders. It never
/// panics; an error is one of the three kinds, with the dimensions that earned it; an image
/// has `3 · width · height` bytes and sides within the limits; bytes without a JPEG or PNG
/// signature never decode; the same bytes decode the same way twice.
pub fn image_decode(data: &[u8]) {
    let service = faces::DecodeLimits {
        max_pixels: 2048 * 2048,
        ..faces::DecodeLimits::REKOGNITION
    };
    let tiny = faces::DecodeLimits {
        max_dimension: 1024,
        max_pixels: 1 << 16,
        min_dimension: 1,
    };
    for limits in [service, tiny] {
        let result = faces::decode(data, &limits);
        match &result {
            Ok(decoded) => {
                let (width, height) = (decoded.image.width(), decoded.image.height());
                assert_eq!(
                    decoded.image.rgb().len(),
                    3 * width as usize * height as usize
                );
                assert!(width.max(height) <= limits.max_dimension);
                assert!(width.min(height) >= limits.min_dimension);
                assert!(u64::from(width) * u64::from(height) <= limits.max_pixels);
                assert_eq!(Some(decoded.format), faces::ImageFormat::sniff(data));
                if decoded.format == faces::ImageFormat::Png {
                    assert_eq!(decoded.orientation, faces::Orientation::Upright);
                }
            }
            Err(faces::DecodeError::InvalidFormat { reason }) => assert!(!reason.is_empty()),
            Err(faces::DecodeError::TooLarge {
                width,
                height,
                max_dimension,
                max_pixels,
            }) => {
                assert_eq!(
                    (*max_dimension, *max_pixels),
                    (limits.max_dimension, limits.max_pixels)
                );
                assert!(
                    (*width).max(*height) > *max_dimension
                        || u64::from(*width) * u64::from(*height) > *max_pixels
                );
            }
            Err(faces::DecodeError::TooSmall {
                width,
                height,
                min_dimension,
            }) => {
                assert_eq!(*min_dimension, limits.min_dimension);
                assert!((*width).min(*height) < *min_dimension);
            }
        }
        if faces::ImageFormat::sniff(data).is_none() {
            assert!(matches!(
                result,
                Err(faces::DecodeError::InvalidFormat { .. })
            ));
        }
        if let Err(error) = &result {
            assert!(!error.to_string().ends_with('.'), "{error}");
        }
        let again = faces::decode(data, &limits);
        assert_eq!(again, result, "decoding is not deterministic");
    }
}

/// CBOR decoding of arbitrary bytes: never panics; `decode_value` and `skip` accept the same
/// inputs with the same error; a typed walk (the reads generated code makes) accepts whatever
/// decodes; and what decodes re-encodes to an equal value.
pub fn cbor_decode(data: &[u8]) {
    use smithy_cbor::{Decoder, decode_value};

    let value = decode_value(data);
    let mut decoder = Decoder::new(data);
    let skipped = decoder.skip().and_then(|()| decoder.finish());
    assert_eq!(
        value.as_ref().err(),
        skipped.as_ref().err(),
        "decode_value and skip disagree"
    );
    let mut decoder = Decoder::new(data);
    let walked = walk(&mut decoder, 0).and_then(|()| decoder.finish());
    if let Ok(value) = value {
        assert!(
            walked.is_ok(),
            "the typed walk refused what decodes: {walked:?}"
        );
        let again = decode_value(&value.to_vec()).expect("a re-encoded value decodes");
        assert_eq!(again, value, "re-encoding changed the value");
    }
}

/// Reads one item with the typed methods, as a reader that knows nothing of the model would.
/// Tags add no nesting level in the decoder, so the walk bounds them itself.
fn walk(d: &mut smithy_cbor::Decoder<'_>, tags: usize) -> Result<(), smithy_cbor::Error> {
    use smithy_cbor::Kind;

    match d.peek()? {
        Kind::Unsigned | Kind::Negative => d.integer().map(drop),
        Kind::Float16 | Kind::Float32 | Kind::Float64 => d.f64().map(drop),
        Kind::Text => d.str().map(drop),
        Kind::Bytes => d.bytes().map(drop),
        Kind::Bool => d.bool().map(drop),
        Kind::Null | Kind::Undefined => d.try_null().map(drop),
        Kind::Simple | Kind::Break => d.skip(),
        Kind::Array | Kind::Map => {
            let is_map = d.peek()? == Kind::Map;
            let mut container = if is_map { d.map()? } else { d.array()? };
            while d.has_next(&mut container)? {
                walk(d, tags)?;
                if is_map {
                    walk(d, tags)?;
                }
            }
            Ok(())
        }
        Kind::Tag if tags >= smithy_cbor::DEFAULT_MAX_DEPTH => d.skip(),
        Kind::Tag => {
            let mut probe = d.clone();
            if probe.timestamp().is_ok() {
                *d = probe;
                return Ok(());
            }
            d.tag()?;
            walk(d, tags + 1)
        }
    }
}
