//! An operation's answer in any protocol, before it becomes HTTP: a status, headers (the
//! protocol's, and members bound to headers), a body, and for errors the error's type; and
//! [`to_http`], which makes it an HTTP response with the request id.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use http_body_util::Full;

use crate::rest_json::text;
use crate::timestamp::{Timestamp, TimestampFormat};

/// The JSON media type.
pub(crate) const JSON: &str = "application/json";

/// The body of every response.
pub type ResponseBody = Full<Bytes>;

/// An answer, before it becomes HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status.
    pub status: u16,
    /// Headers bound from members (and the content type, once there is a body).
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
    /// For errors, the error's name, sent as `X-Amzn-Errortype`.
    pub error_type: Option<String>,
}

impl Response {
    /// An empty response with a status.
    pub fn new(status: u16) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body: Vec::new(),
            error_type: None,
        }
    }

    /// Sets the status from an `@httpResponseCode` member, when it is an HTTP status.
    pub fn set_status(&mut self, code: i32) {
        if let Some(code) = u16::try_from(code).ok().filter(|c| (100..600).contains(c)) {
            self.status = code;
        }
    }

    /// Adds a header. A value no header can carry (a line break, say) is left out and logged.
    pub fn header(&mut self, name: &str, value: impl AsRef<str>) {
        let value = value.as_ref();
        match (
            HeaderName::from_bytes(name.as_bytes()),
            text::header_value(value),
        ) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            (Err(_), _) => tracing::warn!(header = name, "not a header name; left out"),
            (_, Err(error)) => tracing::warn!(header = name, %error, "header left out"),
        }
    }

    /// Adds a header holding a list, its items quoted where they must be.
    pub fn header_list<I, S>(&mut self, name: &str, items: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.header(name, text::format_header_list(items));
    }

    /// Adds a header holding a list of timestamps.
    pub fn timestamp_list<'a>(
        &mut self,
        name: &str,
        items: impl IntoIterator<Item = &'a Timestamp>,
        format: TimestampFormat,
    ) {
        self.header(name, text::format_timestamp_list(items, format));
    }

    /// Adds one header per map entry, named by the prefix and the entry's key; a header a
    /// member already set with `@httpHeader` keeps that member's value
    /// (`RestJsonHttpEmptyPrefixHeadersResponseServer`).
    pub fn prefix_headers<'a, V: AsRef<str> + 'a>(
        &mut self,
        prefix: &str,
        entries: impl IntoIterator<Item = (&'a String, &'a V)>,
    ) {
        for (suffix, value) in entries {
            let name = format!("{prefix}{suffix}");
            if !self
                .headers
                .contains_key(name.to_ascii_lowercase().as_str())
            {
                self.header(&name, value.as_ref());
            }
        }
    }

    /// The body is a JSON document.
    pub fn json_body(&mut self, body: Vec<u8>) {
        self.set_content_type(JSON);
        self.body = body;
    }

    /// The body is a payload member's bytes, of a media type (unless a header member already
    /// set `Content-Type`).
    pub fn payload(&mut self, body: Vec<u8>, media_type: &str) {
        self.set_content_type(media_type);
        self.body = body;
    }

    /// Sets `Content-Type`, unless a header member already did.
    pub fn set_content_type(&mut self, media_type: &str) {
        if !self.headers.contains_key(http::header::CONTENT_TYPE)
            && let Ok(value) = HeaderValue::from_str(media_type)
        {
            self.headers.insert(http::header::CONTENT_TYPE, value);
        }
    }
}

/// The HTTP response of a [`Response`]: its status, headers and body, with `Content-Length`,
/// `x-amzn-requestid` and, for errors, `X-Amzn-Errortype`.
///
/// A status that carries no content (204, 304, 1xx) is sent without a body, `Content-Length`
/// or `Content-Type`, as HTTP requires, whatever the output wrote.
pub fn to_http(response: Response, request_id: &str) -> http::Response<ResponseBody> {
    to_http_for(response, request_id, false)
}

/// [`to_http`], for a request of method `HEAD` when `head` is true: the response has no body,
/// and its `Content-Length` is the one an output member set (the length of what a `GET` would
/// send, as MediaStore's `DescribeObject` answers), else the length of the body left out.
pub fn to_http_for(
    response: Response,
    request_id: &str,
    head: bool,
) -> http::Response<ResponseBody> {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let no_content = status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED
        || status.is_informational();
    let modeled_length = head && response.headers.contains_key(http::header::CONTENT_LENGTH);
    let length = HeaderValue::from(if no_content { 0 } else { response.body.len() });
    let body = if no_content || head {
        Vec::new()
    } else {
        response.body
    };
    let mut http = http::Response::new(Full::new(Bytes::from(body)));
    *http.status_mut() = status;
    let headers = http.headers_mut();
    *headers = response.headers;
    if no_content {
        headers.remove(http::header::CONTENT_TYPE);
        headers.remove(http::header::CONTENT_LENGTH);
    } else if !modeled_length {
        headers.insert(http::header::CONTENT_LENGTH, length);
    }
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    if let Some(error_type) = response
        .error_type
        .as_deref()
        .and_then(|t| HeaderValue::from_str(t).ok())
    {
        headers.insert("x-amzn-errortype", error_type);
    }
    http
}
