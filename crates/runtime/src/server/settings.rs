//! The shell's limits, for every operation and per operation, and which built-in concerns run.

use std::collections::BTreeMap;
use std::time::Duration;

/// Limits and built-in concerns of a served service.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The largest request body accepted; larger ones get a 413. The default, 20 MiB, takes
    /// what AWS's services take (DynamoDB's 16 MB `BatchWriteItem`).
    pub body_limit: usize,
    /// How long the whole body may take to arrive; slower ones get a 408.
    pub body_read_timeout: Duration,
    /// The deepest nesting of JSON arrays and objects accepted (of CBOR arrays, maps and tags
    /// in rpcv2Cbor); deeper is a `SerializationException`. The default, 128, takes what AWS's
    /// services take (a DynamoDB item nests maps 32 deep, each two JSON levels).
    pub max_json_depth: usize,
    /// Limits of single operations, by operation name, over the ones above.
    pub operations: BTreeMap<String, OperationLimits>,
    /// A path answering `GET` with `200 {"status":"ok"}`, for load balancers, where no modeled
    /// route matches the request (a model's own route of that path wins).
    pub health_path: Option<String>,
    /// One log line per request (`tracing`, target `smithy_server_runtime::access`). Off, each
    /// response carries its `OperationId` as an extension, for a layer that logs instead.
    pub access_log: bool,
    /// A panicking handler is answered with the model's internal error (or `InternalFailure`)
    /// instead of dropping the connection.
    pub catch_panics: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            body_limit: 20 * 1024 * 1024,
            body_read_timeout: Duration::from_secs(30),
            max_json_depth: 128,
            operations: BTreeMap::new(),
            health_path: Some("/health".to_owned()),
            access_log: true,
            catch_panics: true,
        }
    }
}

/// One operation's limits; those unset are the service's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OperationLimits {
    /// The largest request body accepted.
    pub body_limit: Option<usize>,
    /// How long the whole body may take to arrive.
    pub body_read_timeout: Option<Duration>,
    /// The deepest nesting of JSON (or CBOR) accepted.
    pub max_json_depth: Option<usize>,
}

/// The limits a request is read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest request body accepted.
    pub body_limit: usize,
    /// How long the whole body may take to arrive.
    pub body_read_timeout: Duration,
    /// The deepest nesting of JSON (or CBOR) accepted.
    pub max_json_depth: usize,
}

impl Settings {
    /// Sets one operation's limits.
    pub fn with_operation_limits(mut self, operation: &str, limits: OperationLimits) -> Self {
        self.operations.insert(operation.to_owned(), limits);
        self
    }

    /// The limits of a request for `operation` (the service's, where it has none of its own,
    /// or for a request routed to no operation).
    pub fn limits(&self, operation: Option<&str>) -> Limits {
        let own = operation
            .and_then(|name| self.operations.get(name))
            .copied()
            .unwrap_or_default();
        Limits {
            body_limit: own.body_limit.unwrap_or(self.body_limit),
            body_read_timeout: own.body_read_timeout.unwrap_or(self.body_read_timeout),
            max_json_depth: own.max_json_depth.unwrap_or(self.max_json_depth),
        }
    }
}
