//! What generated code implements in every protocol: error structures and operation error
//! enums, what a decode finds wrong, and the protocol variant; with the generic decode and
//! encode of a generated reader or writer.

use std::fmt;

use crate::cbor::CborObjectWriter;
use crate::validation::{Path, Violations};
use crate::write::{JsonWriter, ObjectWriter};

/// The protocol a service speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `aws.protocols#awsJson1_0`.
    AwsJson1_0,
    /// `aws.protocols#awsJson1_1`.
    AwsJson1_1,
    /// `aws.protocols#restJson1`.
    RestJson1,
    /// `smithy.protocols#rpcv2Cbor`.
    RpcV2Cbor,
    /// `smithy.protocols#rpcv2Json`.
    RpcV2Json,
}

impl Protocol {
    /// The `Content-Type` of requests and responses.
    pub fn content_type(self) -> &'static str {
        match self {
            Protocol::AwsJson1_0 => "application/x-amz-json-1.0",
            Protocol::AwsJson1_1 => "application/x-amz-json-1.1",
            Protocol::RestJson1 | Protocol::RpcV2Json => "application/json",
            Protocol::RpcV2Cbor => "application/cbor",
        }
    }

    /// The protocol's trait name, for logs (`awsJson1_0`, `rpcv2Cbor`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Protocol::AwsJson1_0 => "awsJson1_0",
            Protocol::AwsJson1_1 => "awsJson1_1",
            Protocol::RestJson1 => "restJson1",
            Protocol::RpcV2Cbor => "rpcv2Cbor",
            Protocol::RpcV2Json => "rpcv2Json",
        }
    }

    /// The type of a modeled error as sent: the full shape id in awsJson 1.0 and both RPC v2
    /// protocols, the shape name in awsJson 1.1 (all as `__type`) and restJson1 (as
    /// `X-Amzn-Errortype`).
    pub fn error_type(self, shape_id: &'static str) -> &'static str {
        match self {
            Protocol::AwsJson1_0 | Protocol::RpcV2Cbor | Protocol::RpcV2Json => shape_id,
            Protocol::AwsJson1_1 | Protocol::RestJson1 => {
                shape_id.rsplit_once('#').map_or(shape_id, |(_, name)| name)
            }
        }
    }
}

/// Who is to blame for an error, from `@error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `@error("client")`: HTTP 400 unless `@httpError` says otherwise.
    Client,
    /// `@error("server")`: HTTP 500 unless `@httpError` says otherwise.
    Server,
}

/// What the model says of an error structure: its shape id, who is at fault, its HTTP status,
/// and for query-compatible services its `x-amzn-query-error` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorInfo {
    /// The absolute shape id, e.g. `com.amazonaws.rekognition#ResourceNotFoundException`.
    pub shape_id: &'static str,
    /// Client or server.
    pub fault: Fault,
    /// The HTTP status: `@httpError`, else 400 or 500 by fault.
    pub http_status: u16,
    /// `<code>;<Sender|Receiver>` from `@awsQueryError`, for `@awsQueryCompatible` services.
    pub query_error: Option<&'static str>,
}

impl ErrorInfo {
    /// A client error (`@error("client")`).
    pub const fn client(shape_id: &'static str, http_status: u16) -> Self {
        Self {
            shape_id,
            fault: Fault::Client,
            http_status,
            query_error: None,
        }
    }

    /// A server error (`@error("server")`).
    pub const fn server(shape_id: &'static str, http_status: u16) -> Self {
        Self {
            shape_id,
            fault: Fault::Server,
            http_status,
            query_error: None,
        }
    }

    /// The same, with an `x-amzn-query-error` header value.
    pub const fn with_query_error(self, header: &'static str) -> Self {
        Self {
            query_error: Some(header),
            ..self
        }
    }
}

/// An error structure of the model.
pub trait ErrorShape: std::error::Error + Send + Sync + 'static {
    /// What the model says of it.
    fn info(&self) -> &'static ErrorInfo;
    /// Writes the error's members (not `__type`) into the response object, with the members
    /// the generator was told to fill (by default `Logref` with the request id and `Code` with
    /// the error's name) where the handler left them unset.
    fn write_members(&self, object: &mut ObjectWriter<'_>, request_id: &str);
    /// [`write_members`](Self::write_members) in CBOR, for services that speak rpcv2Cbor
    /// (generated code overrides it there). Writes nothing by default: the error is sent with
    /// its `__type` alone.
    fn write_members_cbor(&self, _object: &mut CborObjectWriter<'_>, _request_id: &str) {}

    /// The absolute shape id.
    fn shape_id(&self) -> &'static str {
        self.info().shape_id
    }
    /// Client or server.
    fn fault(&self) -> Fault {
        self.info().fault
    }
    /// The HTTP status.
    fn http_status(&self) -> u16 {
        self.info().http_status
    }
    /// The `x-amzn-query-error` header value, for query-compatible services.
    fn query_error(&self) -> Option<&'static str> {
        self.info().query_error
    }
    /// Adds the members bound to headers (restJson1's `@httpHeader` and `@httpPrefixHeaders`)
    /// to a response; `write_members` leaves them out. None by default.
    fn write_headers(&self, _response: &mut crate::response::Response) {}
}

/// An operation's error enum: one of the error structures it may return, or a refusal the
/// model does not list.
pub trait OperationError: std::error::Error + Send + Sync + 'static {
    /// What to answer.
    fn answer(&self) -> ErrorAnswer<'_>;
}

/// What an operation's error is answered with.
#[derive(Debug)]
pub enum ErrorAnswer<'a> {
    /// An error structure of the model.
    Modeled(&'a dyn ErrorShape),
    /// A refusal the model does not list (AWS's `ValidationException` from service code, say).
    Refused(&'a crate::refusal::Refusal),
}

/// Writes an error structure's `Display`: its name, then `: message` when it has one.
pub fn fmt_error(f: &mut fmt::Formatter<'_>, name: &str, message: Option<&str>) -> fmt::Result {
    f.write_str(name)?;
    match message {
        Some(message) => write!(f, ": {message}"),
        None => Ok(()),
    }
}

/// A request that could not be turned into an operation's input.
#[derive(Debug, Clone, PartialEq)]
pub enum DecodeError {
    /// Not JSON, or JSON of the wrong shape: a `SerializationException`.
    Malformed(String),
    /// Well-formed, but breaking constraints: a `ValidationException`.
    Invalid(Violations),
}

impl DecodeError {
    /// How the framework answers it: the status, the error type and the message, for
    /// operations that do not model `smithy.framework#ValidationException`
    /// (`SerializationException`, or AWS's `ValidationException`).
    pub fn framework_answer(&self) -> (u16, &'static str, String) {
        match self {
            DecodeError::Malformed(reason) => (400, "SerializationException", reason.clone()),
            DecodeError::Invalid(violations) => {
                (400, "ValidationException", violations.aws_message())
            }
        }
    }

    /// Sorts what a decode found.
    pub fn from_violations(violations: Violations) -> Self {
        match violations.malformed_reason() {
            Some(reason) => DecodeError::Malformed(reason.to_owned()),
            None if violations.is_empty() => {
                DecodeError::Malformed("the input could not be read".to_owned())
            }
            None => DecodeError::Invalid(violations),
        }
    }
}

/// Reads and validates a parsed body with a generated reader: the input, or every violation.
pub fn decode<T>(
    value: serde_json::Value,
    read: fn(serde_json::Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> Result<T, DecodeError> {
    let mut violations = Violations::new();
    match read(value, &Path::root(), &mut violations) {
        Some(input) if violations.is_empty() => Ok(input),
        _ => Err(DecodeError::from_violations(violations)),
    }
}

/// Writes an output with a generated writer.
pub fn encode<T: ?Sized>(output: &T, write: fn(&T, &mut JsonWriter)) -> Vec<u8> {
    let mut writer = JsonWriter::new();
    write(output, &mut writer);
    writer.finish()
}

/// A string that names no value of an enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEnumValue {
    /// The enum's shape name.
    pub enum_name: &'static str,
    /// The value given.
    pub value: String,
}

impl fmt::Display for UnknownEnumValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}' is not a value of {}", self.value, self.enum_name)
    }
}

impl std::error::Error for UnknownEnumValue {}
