//! The awsJson protocol (1.0 and 1.1): `POST /` routed on `X-Amz-Target`, JSON bodies of the
//! protocol's media type, errors with `__type`. [`AwsJson`] is its [`ServiceProtocol`], and
//! [`serve`] the one generic body every generated operation calls: check the JSON's structure,
//! decode and validate the input, call the handler, encode its output or error.

use std::collections::HashMap;
use std::future::Future;

use http::{HeaderValue, Method};

use crate::context::RequestContext;
use crate::operation::{DecodeError, ErrorAnswer, ErrorShape, OperationError, Protocol};
use crate::protocol::{Route, ServiceProtocol};
use crate::refusal::{Refusal, RefusalForm};
use crate::response::Response;
use crate::server::OperationRequest;
use crate::validation::Violations;
use crate::write::JsonWriter;

/// One awsJson operation, as generated from the model.
pub trait Operation {
    /// The operation's shape name.
    const NAME: &'static str;
    /// The `X-Amz-Target` header that selects it: `<ServiceName>.<OperationName>`.
    const TARGET: &'static str;
    /// The validated input.
    type Input;
    /// The output.
    type Output;
    /// Its modeled errors.
    type Error: OperationError;

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
    /// For operations that list `smithy.framework#ValidationException`: that error, built from
    /// the violations. `None` (the default) answers them in AWS's `ValidationException` dialect.
    fn validation_error(_violations: &Violations) -> Option<Self::Error> {
        None
    }
}

/// The awsJson protocol of one service: its version and its operations' targets.
#[derive(Debug, Clone)]
pub struct AwsJson {
    protocol: Protocol,
    targets: HashMap<&'static str, usize>,
}

impl AwsJson {
    /// The protocol `protocol` (awsJson 1.0 or 1.1) routing `targets[i]` to operation `i`.
    pub fn new(protocol: Protocol, targets: &'static [&'static str]) -> Self {
        Self {
            protocol,
            targets: targets
                .iter()
                .enumerate()
                .map(|(index, target)| (*target, index))
                .collect(),
        }
    }
}

impl ServiceProtocol for AwsJson {
    fn name(&self) -> &'static str {
        self.protocol.name()
    }

    fn wire(&self) -> Protocol {
        self.protocol
    }

    fn route(&self, head: &http::request::Parts) -> Route {
        let path = head.uri.path();
        if path != "/" {
            return Route::NoRoute(Refusal::new(
                404,
                "UnknownOperationException",
                format!("No operation at {path}: awsJson operations are POST /"),
            ));
        }
        if head.method != Method::POST {
            return Route::Refused(Refusal::new(
                405,
                "UnknownOperationException",
                format!(
                    "{} is not allowed: awsJson operations are POST /",
                    head.method
                ),
            ));
        }
        if let Some(content_type) = head.headers.get(http::header::CONTENT_TYPE) {
            let expected = self.protocol.content_type();
            let media_type = content_type
                .to_str()
                .unwrap_or("")
                .split(';')
                .next()
                .unwrap_or("")
                .trim();
            if !media_type.eq_ignore_ascii_case(expected) {
                return Route::Refused(Refusal::new(
                    415,
                    "UnsupportedMediaTypeException",
                    format!("Content-Type must be {expected}"),
                ));
            }
        }
        let target = head
            .headers
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        match self.targets.get(target) {
            Some(&index) => Route::Operation {
                index,
                labels: Vec::new(),
            },
            None => Route::Unknown(unknown_operation(target)),
        }
    }

    fn refuse(&self, refusal: &Refusal, request_id: &str) -> Response {
        refused(self.protocol, refusal, request_id)
    }
}

/// A refusal's response.
pub fn refused(protocol: Protocol, refusal: &Refusal, request_id: &str) -> Response {
    match refusal.form() {
        RefusalForm::Framework {
            status,
            error_type,
            message,
        } => framework_error(protocol, status, error_type, message),
        RefusalForm::Modeled(error) => modeled_error(protocol, error, request_id),
    }
}

/// An operation error's response: its error structure's, or its refusal's.
pub fn operation_error(
    protocol: Protocol,
    error: &dyn OperationError,
    request_id: &str,
) -> Response {
    match error.answer() {
        ErrorAnswer::Modeled(error) => modeled_error(protocol, error, request_id),
        ErrorAnswer::Refused(refusal) => refused(protocol, refusal, request_id),
    }
}

/// The refusal of an `X-Amz-Target` that names no operation of the service.
pub fn unknown_operation(target: &str) -> Refusal {
    let message = if target.is_empty() {
        "Missing X-Amz-Target header".to_owned()
    } else {
        format!("Unknown operation {target}")
    };
    Refusal::new(400, "UnknownOperationException", message)
}

/// A successful output's response.
pub fn ok(protocol: Protocol, body: Vec<u8>) -> Response {
    let mut response = Response::new(200);
    response.payload(body, protocol.content_type());
    response
}

/// A modeled error's response: `__type` plus its members, its status, and for
/// query-compatible services `x-amzn-query-error`.
pub fn modeled_error(protocol: Protocol, error: &dyn ErrorShape, request_id: &str) -> Response {
    let error_type = protocol.error_type(error.shape_id());
    let mut writer = JsonWriter::new();
    {
        let mut object = writer.object();
        object.key("__type").string(error_type);
        error.write_members(&mut object, request_id);
    }
    let mut response = Response::new(error.http_status());
    response.payload(writer.finish(), protocol.content_type());
    response.error_type = Some(error_type.to_owned());
    if let Some(query_error) = error.query_error() {
        response
            .headers
            .insert("x-amzn-query-error", HeaderValue::from_static(query_error));
    }
    response
}

/// An error of the framework itself (not in the model): `__type` and `message`.
pub fn framework_error(
    protocol: Protocol,
    status: u16,
    error_type: &str,
    message: &str,
) -> Response {
    let mut writer = JsonWriter::new();
    {
        let mut object = writer.object();
        object.key("__type").string(error_type);
        object.key("message").string(message);
    }
    let mut response = Response::new(status);
    response.payload(writer.finish(), protocol.content_type());
    response.error_type = Some(error_type.to_owned());
    response
}

/// Serves one request for operation `O`: checks the body's JSON structure (depth, repeated
/// keys), decodes and validates the input, calls `handler`, and encodes its output or error.
/// Every generated awsJson operation is this call.
pub async fn serve<O, F, Fut>(protocol: Protocol, request: OperationRequest, handler: F) -> Response
where
    O: Operation,
    F: FnOnce(O::Input, RequestContext) -> Fut,
    Fut: Future<Output = Result<O::Output, O::Error>>,
{
    let request_id = request.context.request_id.clone();
    if let Err(reason) = crate::json::check_structure(&request.body, request.max_json_depth) {
        return framework_error(protocol, 400, "SerializationException", &reason);
    }
    let input = match O::decode_input(&request.body) {
        Ok(input) => input,
        Err(error) => {
            let modeled = match &error {
                DecodeError::Invalid(violations) => O::validation_error(violations),
                DecodeError::Malformed(_) => None,
            };
            return match modeled {
                Some(modeled) => operation_error(protocol, &modeled, &request_id),
                None => {
                    let (status, error_type, message) = error.framework_answer();
                    framework_error(protocol, status, error_type, &message)
                }
            };
        }
    };
    let OperationRequest { context, .. } = request;
    match handler(input, context).await {
        Ok(output) => ok(protocol, O::encode_output(&output)),
        Err(error) => operation_error(protocol, &error, &request_id),
    }
}
