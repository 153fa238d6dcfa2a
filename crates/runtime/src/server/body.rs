//! Reading a request's whole body within its operation's limits: a declared or actual size over
//! the limit is a 413, a body that does not arrive in time a 408, a broken one a 400. The limit
//! is checked before anything is allocated for a declared length.

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
    let too_large = || {
        Refusal::new(
            413,
            "RequestEntityTooLargeException",
            format!(
                "Request body is larger than the limit of {} bytes",
                limits.body_limit
            ),
        )
    };
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
