//! restJson1's forms of a response: an error (its status, `X-Amzn-Errortype`, its header
//! members and its other members as a JSON body), an error of the framework (a JSON `message`),
//! and the text of a scalar bound to a header, label or query parameter ([`ToText`]).

use std::borrow::Cow;

use super::text;
use crate::number::BigNumber;
use crate::operation::{DecodeError, ErrorAnswer, ErrorShape, OperationError};
use crate::refusal::{Refusal, RefusalForm};
use crate::response::Response;
use crate::write::JsonWriter;
use crate::{Blob, Protocol};

/// A modeled error: its status, `X-Amzn-Errortype`, its header members and its other members
/// as a JSON body.
pub fn modeled_error(error: &dyn ErrorShape, request_id: &str) -> Response {
    let mut writer = JsonWriter::new();
    {
        let mut object = writer.object();
        error.write_members(&mut object, request_id);
    }
    let mut response = Response::new(error.http_status());
    error.write_headers(&mut response);
    response.json_body(writer.finish());
    response.error_type = Some(Protocol::RestJson1.error_type(error.shape_id()).to_owned());
    response
}

/// An error of the framework itself (not in the model): a status, a type and a message.
pub fn framework_error(status: u16, error_type: &str, message: &str) -> Response {
    let mut writer = JsonWriter::new();
    {
        let mut object = writer.object();
        object.key("message").string(message);
    }
    let mut response = Response::new(status);
    response.json_body(writer.finish());
    response.error_type = Some(error_type.to_owned());
    response
}

/// A refusal's response.
pub fn refused(refusal: &Refusal, request_id: &str) -> Response {
    match refusal.form() {
        RefusalForm::Framework {
            status,
            error_type,
            message,
        } => framework_error(status, error_type, message),
        RefusalForm::Modeled(error) => modeled_error(error, request_id),
    }
}

/// An operation error's response: its error structure's, or its refusal's.
pub fn operation_error(error: &dyn OperationError, request_id: &str) -> Response {
    match error.answer() {
        ErrorAnswer::Modeled(error) => modeled_error(error, request_id),
        ErrorAnswer::Refused(refusal) => refused(refusal, request_id),
    }
}

/// A request that failed to decode, for operations without a modeled
/// `smithy.framework#ValidationException`: `SerializationException` or AWS's
/// `ValidationException`.
pub fn decode_failure(error: &DecodeError) -> Response {
    let (status, error_type, message) = error.framework_answer();
    framework_error(status, error_type, &message)
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
