//! Deciding whether a request is authentic: the `Authorization` header is complete, the key is
//! known, the credential scope names this service and the request's day, the request time is
//! within the allowed clock skew, and the signature is the one the secret gives. Each failure is
//! the error AWS services answer with, as a [`Refusal`].

use std::time::Duration;

use super::canonical::{
    SigningInput, canonical_request, signature_matches, signing_key, string_to_sign,
};
use super::header::{Authorization, parse_authorization};
use crate::refusal::Refusal;
use crate::timestamp::Timestamp;

/// Why a request is not authentic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// No `Authorization` header (`MissingAuthenticationTokenException`).
    MissingAuthenticationToken,
    /// A malformed `Authorization` header or a missing date (`IncompleteSignatureException`).
    IncompleteSignature(String),
    /// An access key id nobody issued (`UnrecognizedClientException`).
    UnrecognizedClient,
    /// A wrong signature, a scope for another service or day, or a request time outside the
    /// allowed skew (`InvalidSignatureException`).
    InvalidSignature(String),
}

impl AuthError {
    /// The error's `__type`.
    pub fn error_type(&self) -> &'static str {
        match self {
            AuthError::MissingAuthenticationToken => "MissingAuthenticationTokenException",
            AuthError::IncompleteSignature(_) => "IncompleteSignatureException",
            AuthError::UnrecognizedClient => "UnrecognizedClientException",
            AuthError::InvalidSignature(_) => "InvalidSignatureException",
        }
    }

    /// The error's message.
    pub fn message(&self) -> &str {
        match self {
            AuthError::MissingAuthenticationToken => "Request is missing Authentication Token",
            AuthError::UnrecognizedClient => {
                "The security token included in the request is invalid."
            }
            AuthError::IncompleteSignature(message) | AuthError::InvalidSignature(message) => {
                message
            }
        }
    }

    /// The refusal: the error type and message, with HTTP 403 for a missing token (AWS's
    /// common errors) and 400 for the rest (as AWS JSON services send them).
    pub fn refusal(&self) -> Refusal {
        let status = match self {
            AuthError::MissingAuthenticationToken => 403,
            _ => 400,
        };
        Refusal::new(status, self.error_type(), self.message().to_owned())
    }
}

/// Reads an `Authorization` header; a malformed one is `IncompleteSignatureException`, quoting
/// the header as AWS does.
pub fn read_authorization(header: &str) -> Result<Authorization, AuthError> {
    parse_authorization(header).map_err(|malformed| {
        AuthError::IncompleteSignature(format!("{malformed}. Authorization={header}"))
    })
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error_type(), self.message())
    }
}

impl std::error::Error for AuthError {}

/// Checks SigV4 signatures for one service.
#[derive(Debug, Clone)]
pub struct Verifier {
    /// The service name the credential scope must carry, e.g. `rekognition`.
    pub service: String,
    /// How far the request time may be from the server's clock, either way.
    pub max_skew: Duration,
    /// Whether the path is normalized before signing (true for every service but S3).
    pub normalize_path: bool,
}

impl Verifier {
    /// A verifier for `service` with AWS's 15-minute skew and path normalization.
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            max_skew: Duration::from_secs(15 * 60),
            normalize_path: true,
        }
    }

    /// Verifies `input` at time `now`, returning who signed it; `secret` gives the secret access
    /// key of a key id, or `None` for a key nobody issued.
    pub fn verify<'k>(
        &self,
        input: &SigningInput<'_>,
        now: Timestamp,
        secret: impl FnOnce(&str) -> Option<&'k str>,
    ) -> Result<Authorization, AuthError> {
        let mut headers = input.header_values("authorization");
        let Some(header) = headers.next() else {
            return Err(AuthError::MissingAuthenticationToken);
        };
        if headers.next().is_some() {
            return Err(AuthError::IncompleteSignature(
                "Only one Authorization header may be sent.".to_owned(),
            ));
        }
        let authorization = read_authorization(header)?;
        let (timestamp, request_time) = request_time(input, header)?;
        if !authorization.signed_headers.iter().any(|h| h == "host") {
            return Err(AuthError::IncompleteSignature(format!(
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization. Authorization={header}"
            )));
        }
        let credential = &authorization.credential;
        let Some(secret) = secret(&credential.access_key_id) else {
            return Err(AuthError::UnrecognizedClient);
        };
        if credential.service != self.service {
            return Err(AuthError::InvalidSignature(format!(
                "Credential should be scoped to correct service: '{}'. ",
                self.service
            )));
        }
        if credential.date != timestamp[..8] {
            return Err(AuthError::InvalidSignature(format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from '{timestamp}'.",
                credential.date,
                &timestamp[..8]
            )));
        }
        self.check_skew(&timestamp, request_time, now)?;
        let canonical =
            canonical_request(input, &authorization.signed_headers, self.normalize_path);
        let scope = format!(
            "{}/{}/{}/aws4_request",
            credential.date, credential.region, credential.service
        );
        let to_sign = string_to_sign(&timestamp, &scope, &canonical);
        let key = signing_key(
            secret,
            &credential.date,
            &credential.region,
            &credential.service,
        );
        if !signature_matches(&key, &to_sign, &authorization.signature) {
            return Err(AuthError::InvalidSignature(format!(
                "The request signature we calculated does not match the signature you provided. \
                 Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n\
                 The Canonical String for this request should have been\n'{canonical}'\n\n\
                 The String-to-Sign should have been\n'{to_sign}'\n"
            )));
        }
        Ok(authorization)
    }

    fn check_skew(
        &self,
        timestamp: &str,
        request_time: Timestamp,
        now: Timestamp,
    ) -> Result<(), AuthError> {
        let skew = self.max_skew.as_secs() as i64;
        let minutes = self.max_skew.as_secs() / 60;
        let now_text = basic(now);
        if request_time.secs() < now.secs() - skew {
            return Err(AuthError::InvalidSignature(format!(
                "Signature expired: {timestamp} is now earlier than {} ({now_text} - {minutes} min.)",
                basic(Timestamp::from_secs(now.secs() - skew))
            )));
        }
        if request_time.secs() > now.secs() + skew {
            return Err(AuthError::InvalidSignature(format!(
                "Signature not yet current: {timestamp} is still later than {} ({now_text} + {minutes} min.)",
                basic(Timestamp::from_secs(now.secs() + skew))
            )));
        }
        Ok(())
    }
}

/// The request time from `X-Amz-Date` (ISO 8601 basic), else `Date` (IMF-fixdate), as basic
/// text and as a timestamp.
fn request_time(
    input: &SigningInput<'_>,
    authorization: &str,
) -> Result<(String, Timestamp), AuthError> {
    if let Some(value) = input.header_values("x-amz-date").next() {
        return parse_basic(value)
            .map(|time| (value.to_owned(), time))
            .ok_or_else(|| {
                AuthError::IncompleteSignature(format!(
                    "Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601"
                ))
            });
    }
    if let Some(value) = input.header_values("date").next() {
        return Timestamp::parse_http_date(value)
            .map(|time| (basic(time), time))
            .ok_or_else(|| {
                AuthError::IncompleteSignature(format!(
                    "Date must be an RFC 7231 date. Got '{value}'."
                ))
            });
    }
    Err(AuthError::IncompleteSignature(format!(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={authorization}"
    )))
}

/// Parses `YYYYMMDD'T'HHMMSS'Z'`.
fn parse_basic(text: &str) -> Option<Timestamp> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    if !b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit) {
        return None;
    }
    let extended = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &text[0..4],
        &text[4..6],
        &text[6..8],
        &text[9..11],
        &text[11..13],
        &text[13..15]
    );
    Timestamp::parse_date_time(&extended)
}

/// Writes `YYYYMMDD'T'HHMMSS'Z'` (whole seconds).
fn basic(time: Timestamp) -> String {
    Timestamp::from_secs(time.secs())
        .format_date_time()
        .replace(['-', ':'], "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_basic_timestamps() {
        let time = parse_basic("20150830T123600Z").unwrap();
        assert_eq!(basic(time), "20150830T123600Z");
        for bad in [
            "20150830T123600",
            "2015-08-30T12:36:00Z",
            "20151330T123600Z",
            "2015083aT123600Z",
        ] {
            assert!(parse_basic(bad).is_none(), "{bad}");
        }
    }
}
