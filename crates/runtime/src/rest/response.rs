//! A restJson1 response as generated code builds it: a status, headers (members bound with
//! `@httpHeader` and `@httpPrefixHeaders`), and a body (the JSON members, or the payload member
//! with its media type); and the error form (`X-Amzn-Errortype`, the error's status, its members).

use std::borrow::Cow;

use http::{HeaderMap, HeaderName, HeaderValue};

use super::text;
use crate::number::BigNumber;
use crate::operation::{DecodeError, ErrorShape};
use crate::timestamp::{Timestamp, TimestampFormat};
use crate::write::JsonWriter;
use crate::{Blob, Protocol, Reply};

/// The JSON media type.
pub const JSON: &str = "application/json";

/// A response, before it becomes HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestResponse {
    /// The status.
    pub status: u16,
    /// Headers bound from members (and the content type, once there is a body).
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
    /// For errors, the error's name, sent as `X-Amzn-Errortype`.
    pub error_type: Option<String>,
}

impl RestResponse {
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

    fn set_content_type(&mut self, media_type: &str) {
        if !self.headers.contains_key(http::header::CONTENT_TYPE)
            && let Ok(value) = HeaderValue::from_str(media_type)
        {
            self.headers.insert(http::header::CONTENT_TYPE, value);
        }
    }

    /// A modeled error: its status, `X-Amzn-Errortype`, its header members and its other
    /// members as a JSON body.
    pub fn error(error: &dyn ErrorShape, request_id: &str) -> Self {
        let mut writer = JsonWriter::new();
        {
            let mut object = writer.object();
            error.write_members(&mut object, request_id);
        }
        let mut response = Self::new(error.http_status());
        error.write_headers(&mut response);
        response.json_body(writer.finish());
        response.error_type = Some(Protocol::RestJson1.error_type(error.shape_id()).to_owned());
        response
    }

    /// An error of the framework itself (not in the model): a status, a type and a message.
    pub fn framework_error(status: u16, error_type: &str, message: &str) -> Self {
        let mut writer = JsonWriter::new();
        {
            let mut object = writer.object();
            object.key("message").string(message);
        }
        let mut response = Self::new(status);
        response.json_body(writer.finish());
        response.error_type = Some(error_type.to_owned());
        response
    }

    /// The restJson1 form of a refusal given in the awsJson form (a [`Reply`] of a
    /// [`crate::http::ResolveContext`], such as a SigV4 failure): the same status and error type,
    /// the type sent as `X-Amzn-Errortype` and not as a `__type` member of the body.
    pub fn from_reply(reply: Reply) -> Self {
        let body = match serde_json::from_slice::<serde_json::Value>(&reply.body) {
            Ok(serde_json::Value::Object(mut members)) => {
                members.remove("__type");
                serde_json::Value::Object(members).to_string().into_bytes()
            }
            _ => reply.body,
        };
        let mut response = Self::new(reply.status);
        response.json_body(body);
        response.error_type = reply.error_type;
        response
    }

    /// A request that failed to decode, for operations without a modeled
    /// `smithy.framework#ValidationException`: `SerializationException` or AWS's
    /// `ValidationException`.
    pub fn decode_failure(error: &DecodeError) -> Self {
        let (status, error_type, message) = error.framework_answer();
        Self::framework_error(status, error_type, &message)
    }

    /// A handler failed in a way the model does not describe.
    pub fn internal_failure() -> Self {
        Self::framework_error(500, "InternalFailure", "Internal server error")
    }
}

/// A scalar's text in a header, label or query parameter.
pub trait ToText {
    /// The text.
    fn to_text(&self) -> Cow<'_, str>;
}

impl ToText for String {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl ToText for bool {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(text::format_boolean(*self))
    }
}

macro_rules! integer_text {
    ($($ty:ty)*) => {
        $(impl ToText for $ty {
            fn to_text(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        })*
    };
}

integer_text!(i8 i16 i32 i64);

impl ToText for f32 {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Owned(text::format_float(*self))
    }
}

impl ToText for f64 {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Owned(text::format_double(*self))
    }
}

impl ToText for BigNumber {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.as_str())
    }
}

impl ToText for Blob {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Owned(text::format_blob(self))
    }
}
