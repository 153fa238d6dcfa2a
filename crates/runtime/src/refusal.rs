//! Why a request is answered without reaching its handler, in no protocol's form: each protocol
//! renders a [`Refusal`] its own way (awsJson with `__type` in the body, restJson1 with
//! `X-Amzn-Errortype`).

use std::borrow::Cow;
use std::fmt;

use crate::operation::{DecodeError, ErrorShape};

/// A request refused before (or instead of) its handler: by routing, by the body's limits, by a
/// context resolver (authentication, authorization, rate limits), or by a layer.
pub struct Refusal {
    kind: RefusalKind,
}

enum RefusalKind {
    /// An error of the framework (not in the model): a status, a type and a message.
    Framework {
        status: u16,
        error_type: Cow<'static, str>,
        message: String,
    },
    /// An error structure of the model, with its members.
    Modeled(Box<dyn ErrorShape>),
}

impl Refusal {
    /// An error of the framework: a status, an error type (`UnknownOperationException`,
    /// `AccessDeniedException`, ...) and a message.
    pub fn new(
        status: u16,
        error_type: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind: RefusalKind::Framework {
                status,
                error_type: error_type.into(),
                message: message.into(),
            },
        }
    }

    /// A modeled error (an error structure of the service's model), answered with its status and
    /// members as the protocol writes that error.
    pub fn modeled(error: impl ErrorShape) -> Self {
        Self {
            kind: RefusalKind::Modeled(Box::new(error)),
        }
    }

    /// AWS's `ValidationException` with a message: what a service answers when its own code
    /// finds the input invalid (a key that does not match a table's schema, say), whether or
    /// not the operation models the error.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(400, "ValidationException", message)
    }

    /// A request that failed to decode, for operations that report constraint violations in
    /// AWS's dialect: `SerializationException` or `ValidationException`.
    pub fn decode_failure(error: &DecodeError) -> Self {
        let (status, error_type, message) = error.framework_answer();
        Self::new(status, error_type, message)
    }

    /// A failure the model does not describe: `InternalFailure`.
    pub fn internal_failure() -> Self {
        Self::new(500, "InternalFailure", "Internal server error")
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match &self.kind {
            RefusalKind::Framework { status, .. } => *status,
            RefusalKind::Modeled(error) => error.http_status(),
        }
    }

    /// What the refusal is, for a protocol to write.
    pub fn form(&self) -> RefusalForm<'_> {
        match &self.kind {
            RefusalKind::Framework {
                status,
                error_type,
                message,
            } => RefusalForm::Framework {
                status: *status,
                error_type,
                message,
            },
            RefusalKind::Modeled(error) => RefusalForm::Modeled(error.as_ref()),
        }
    }
}

/// A refusal's content, as a protocol reads it to write the refusal in its form.
#[derive(Debug)]
pub enum RefusalForm<'a> {
    /// An error of the framework.
    Framework {
        /// The HTTP status.
        status: u16,
        /// The error type.
        error_type: &'a str,
        /// The message.
        message: &'a str,
    },
    /// A modeled error.
    Modeled(&'a dyn ErrorShape),
}

impl fmt::Debug for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            RefusalKind::Framework {
                status,
                error_type,
                message,
            } => f
                .debug_struct("Refusal")
                .field("status", status)
                .field("error_type", error_type)
                .field("message", message)
                .finish(),
            RefusalKind::Modeled(error) => f
                .debug_struct("Refusal")
                .field("status", &error.http_status())
                .field("error", &error.shape_id())
                .finish(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            RefusalKind::Framework {
                error_type,
                message,
                ..
            } => write!(f, "{error_type}: {message}"),
            RefusalKind::Modeled(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for Refusal {}
