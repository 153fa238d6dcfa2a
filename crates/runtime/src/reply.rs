//! The protocol-level answer to a request: a status and a JSON body, built from an output, a
//! modeled error or one of the framework's own errors.

use crate::operation::{DecodeError, ErrorShape, Protocol};
use crate::write::JsonWriter;

/// A status, a body, and for errors the `__type` sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: Vec<u8>,
    /// The error's `__type`, for errors.
    pub error_type: Option<String>,
    /// The `x-amzn-query-error` header, for errors of query-compatible services.
    pub query_error: Option<&'static str>,
}

impl Reply {
    /// A successful output.
    pub fn ok(body: Vec<u8>) -> Self {
        Self {
            status: 200,
            body,
            error_type: None,
            query_error: None,
        }
    }

    /// A modeled error: `__type` plus its members.
    pub fn error(protocol: Protocol, error: &dyn ErrorShape, request_id: &str) -> Self {
        let error_type = protocol.error_type(error.shape_id());
        let mut w = JsonWriter::new();
        {
            let mut object = w.object();
            object.key("__type").string(error_type);
            error.write_members(&mut object, request_id);
        }
        Self {
            status: error.http_status(),
            body: w.finish(),
            error_type: Some(error_type.to_owned()),
            query_error: error.query_error(),
        }
    }

    /// An error of the framework itself (not in the model): `__type` and `message`.
    pub fn framework_error(status: u16, error_type: &str, message: &str) -> Self {
        let mut w = JsonWriter::new();
        {
            let mut object = w.object();
            object.key("__type").string(error_type);
            object.key("message").string(message);
        }
        Self {
            status,
            body: w.finish(),
            error_type: Some(error_type.to_owned()),
            query_error: None,
        }
    }

    /// The `X-Amz-Target` names no operation of the service.
    pub fn unknown_operation(target: &str) -> Self {
        let message = if target.is_empty() {
            "Missing X-Amz-Target header".to_owned()
        } else {
            format!("Unknown operation {target}")
        };
        Self::framework_error(400, "UnknownOperationException", &message)
    }

    /// A request that failed to decode, for operations that report constraint violations in
    /// the AWS dialect (operations with a modeled `smithy.framework#ValidationException` build
    /// that error instead).
    pub fn decode_failure(error: &DecodeError) -> Self {
        let (status, error_type, message) = error.framework_answer();
        Self::framework_error(status, error_type, &message)
    }

    /// A handler failed in a way the model does not describe.
    pub fn internal_failure() -> Self {
        Self::framework_error(500, "InternalFailure", "Internal server error")
    }
}
