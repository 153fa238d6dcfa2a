//! Reading a request's whole body within its operation's limits: a declared or actual size over
//! the limit is a 413, a body that does not arrive in time a 408, a broken one a 400. The limit
//! is checked before anything is allocated for a declared length. Then, once the context resolver
//! has seen the body as sent (SigV4 signs it so), [`decode_content`] undoes a gzip
//! `Content-Encoding`, which AWS SDKs apply to large bodies of operations with
//! `@requestCompression` (CloudWatch's PutMetricData), within the same limit.

use std::io::Read as _;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Limited};

use super::settings::Limits;
use crate::refusal::Refusal;

/// Reads a whole request body within `limits`.
pub async fn read_body<B>(
    head: &http::request::Parts,
    body: B,
    limits: &Limits,
) -> Result<Bytes, Refusal>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let too_large = || too_large(limits);
    let declared = head
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limits.body_limit) {
        return Err(too_large());
    }
    let collect = Limited::new(body, limits.body_limit).collect();
    match tokio::time::timeout(limits.body_read_timeout, collect).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(error)) if is_length_limit(error.as_ref()) => Err(too_large()),
        Ok(Err(error)) => Err(Refusal::new(
            400,
            "SerializationException",
            format!("could not read the body: {error}"),
        )),
        Err(_) => Err(Refusal::new(
            408,
            "RequestTimeoutException",
            format!(
                "The request body did not arrive within {} seconds",
                limits.body_read_timeout.as_secs_f64()
            ),
        )),
    }
}

/// The refusal of a body over the limit.
fn too_large(limits: &Limits) -> Refusal {
    Refusal::new(
        413,
        "RequestEntityTooLargeException",
        format!(
            "Request body is larger than the limit of {} bytes",
            limits.body_limit
        ),
    )
}

/// The body with its `Content-Encoding` undone when every coding listed is `gzip` or
/// `identity` (in the order they were applied, last first); any other body is returned as it
/// is. A body that does not decompress is a 400, one that decompresses past the limit a 413.
pub(crate) fn decode_content(
    head: &http::request::Parts,
    body: Bytes,
    limits: &Limits,
) -> Result<Bytes, Refusal> {
    let Some(codings) = head
        .headers
        .get(http::header::CONTENT_ENCODING)
        .and_then(|value| value.to_str().ok())
    else {
        return Ok(body);
    };
    let codings: Vec<&str> = codings
        .split(',')
        .map(str::trim)
        .filter(|coding| !coding.is_empty())
        .collect();
    let known = |coding: &&str| {
        coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("identity")
    };
    if !codings.iter().all(known) {
        return Ok(body);
    }
    let mut body = body;
    for coding in codings.iter().rev() {
        if coding.eq_ignore_ascii_case("gzip") {
            body = gunzip(&body, limits)?;
        }
    }
    Ok(body)
}

/// A gzip body (one member or several) decompressed, within the limit.
fn gunzip(compressed: &[u8], limits: &Limits) -> Result<Bytes, Refusal> {
    let mut plain = Vec::new();
    let most = u64::try_from(limits.body_limit).unwrap_or(u64::MAX);
    let read = flate2::read::MultiGzDecoder::new(compressed)
        .take(most.saturating_add(1))
        .read_to_end(&mut plain);
    match read {
        Err(error) => Err(Refusal::new(
            400,
            "SerializationException",
            format!("The gzip-encoded body does not decompress: {error}"),
        )),
        Ok(_) if plain.len() > limits.body_limit => Err(too_large(limits)),
        Ok(_) => Ok(Bytes::from(plain)),
    }
}

/// Whether a body failed for being over a length limit: this shell's, or a layer's in front of
/// it (`tower_http::limit`, which uses the same error).
fn is_length_limit(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if error.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        current = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    fn head(encoding: Option<&str>) -> http::request::Parts {
        let mut request = http::Request::post("/");
        if let Some(encoding) = encoding {
            request = request.header("content-encoding", encoding);
        }
        request.body(()).expect("a request").into_parts().0
    }

    fn gzip(data: &[u8]) -> Bytes {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).expect("compresses");
        Bytes::from(encoder.finish().expect("compresses"))
    }

    fn limits(body_limit: usize) -> Limits {
        Limits {
            body_limit,
            body_read_timeout: std::time::Duration::from_secs(1),
            max_json_depth: 64,
        }
    }

    #[test]
    fn gzip_bodies_are_decompressed_and_others_left_alone() {
        let plain = Bytes::from_static(b"{\"Namespace\":\"Shop\"}");
        let decoded = decode_content(&head(Some("gzip")), gzip(&plain), &limits(1024));
        assert_eq!(decoded.expect("decodes"), plain);
        let twice = gzip(&gzip(&plain));
        let decoded = decode_content(&head(Some("gzip, identity,gzip")), twice, &limits(1024));
        assert_eq!(decoded.expect("decodes"), plain);
        for encoding in [None, Some("identity"), Some("aws-chunked, gzip")] {
            let kept = decode_content(&head(encoding), plain.clone(), &limits(1024));
            assert_eq!(kept.expect("kept"), plain);
        }
    }

    #[test]
    fn a_broken_or_oversized_gzip_body_is_refused() {
        let broken = decode_content(
            &head(Some("gzip")),
            Bytes::from_static(b"{}"),
            &limits(1024),
        );
        assert_eq!(broken.expect_err("not gzip").status(), 400);
        let bomb = gzip(&vec![b' '; 10_000]);
        assert!(bomb.len() < 1024);
        let refused = decode_content(&head(Some("gzip")), bomb.clone(), &limits(1024));
        assert_eq!(refused.expect_err("too large").status(), 413);
        let taken = decode_content(&head(Some("gzip")), bomb, &limits(10_000));
        assert_eq!(taken.expect("at the limit").len(), 10_000);
    }
}
