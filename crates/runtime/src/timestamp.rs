//! The `timestamp` shape: its type and formats live in `smithy-timestamp` and are re-exported
//! here, so `smithy_server_runtime::Timestamp` and `timestamp::Timestamp` keep their paths.

pub use smithy_timestamp::{Timestamp, TimestampFormat};
