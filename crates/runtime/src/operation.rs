//! What generated code implements and a transport calls: operations, their errors, the context a
//! handler gets, and the protocol variant.

use std::fmt;

use crate::validation::{Dialect, Violations};
use crate::write::ObjectWriter;

/// The awsJson variant a service speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `aws.protocols#awsJson1_0`.
    AwsJson1_0,
    /// `aws.protocols#awsJson1_1`.
    AwsJson1_1,
}

impl Protocol {
    /// The `Content-Type` of requests and responses.
    pub fn content_type(self) -> &'static str {
        match self {
            Protocol::AwsJson1_0 => "application/x-amz-json-1.0",
            Protocol::AwsJson1_1 => "application/x-amz-json-1.1",
        }
    }

    /// The `__type` of a modeled error: the full shape id in 1.0, the shape name in 1.1.
    pub fn error_type(self, shape_id: &'static str) -> &'static str {
        match self {
            Protocol::AwsJson1_0 => shape_id,
            Protocol::AwsJson1_1 => shape_id.rsplit_once('#').map_or(shape_id, |(_, name)| name),
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

/// A modeled error: an error structure, or an operation's enum of them.
pub trait ErrorShape: std::error::Error + Send + Sync + 'static {
    /// The absolute shape id, e.g. `com.amazonaws.rekognition#ResourceNotFoundException`.
    fn shape_id(&self) -> &'static str;
    /// Client or server.
    fn fault(&self) -> Fault;
    /// The HTTP status: `@httpError`, else 400 or 500 by fault.
    fn http_status(&self) -> u16;
    /// Writes the error's members (not `__type`) into the response object. Members named
    /// `Logref` and `Code`, where the shape has them and they are unset, are filled with the
    /// request id and the error name, as AWS services do.
    fn write_members(&self, object: &mut ObjectWriter<'_>, request_id: &str);
    /// For services marked `@awsQueryCompatible`, the `x-amzn-query-error` header value
    /// (`<code>;<Sender|Receiver>`) of errors with an `@awsQueryError` code.
    fn query_error(&self) -> Option<&'static str> {
        None
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

/// One operation of a service, as generated from the model.
pub trait Operation {
    /// The operation's shape name.
    const NAME: &'static str;
    /// The `X-Amz-Target` header that selects it: `<ServiceName>.<OperationName>`.
    const TARGET: &'static str;
    /// How its constraint violations are reported.
    const DIALECT: Dialect;
    /// The validated input.
    type Input;
    /// The output.
    type Output;
    /// Its modeled errors.
    type Error: ErrorShape;

    /// Parses and validates a request body, reporting every violation at once.
    fn decode_input(body: &[u8]) -> Result<Self::Input, DecodeError> {
        let value = crate::json::parse_body(body).map_err(DecodeError::Malformed)?;
        Self::decode_value(value)
    }
    /// Validates a parsed request body into the input: types, then every constraint, all
    /// violations at once.
    fn decode_value(value: serde_json::Value) -> Result<Self::Input, DecodeError>;
    /// Writes an output as the response body.
    fn encode_output(output: &Self::Output) -> Vec<u8>;
}

/// Who is calling and where: what a handler knows besides the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestContext {
    /// The request's id, also sent back as `x-amzn-RequestId`.
    pub request_id: String,
    /// The account the request acts in.
    pub account_id: String,
    /// The region the request was sent to.
    pub region: String,
    /// The access key id that signed the request, if it was signed.
    pub caller: Option<String>,
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
