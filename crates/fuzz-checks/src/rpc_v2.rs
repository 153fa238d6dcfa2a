//! Requests of arbitrary bytes to a generated service served in rpcv2Cbor, rpcv2Json and
//! awsJson 1.0 (`tests/rpcv2-model`): the first byte picks the protocol and the operation, the
//! rest is the body. Whatever the bytes, the service answers; it never panics or answers 500;
//! a refusal is a 4xx whose body, in the request's format, names its `__type`.

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use smithy_server_runtime::{FixedContext, RequestContext};
use tower::ServiceExt as _;

/// The generated service.
pub mod generated {
    smithy_server_runtime::include_service!("forecasts");
}

use generated::error::{ForecastNotFound, GetForecastError, PingError, PutForecastError};
use generated::model::{GetForecastInput, GetForecastOutput, PutForecastInput, PutForecastOutput};
use generated::server::{Forecasts, ForecastsServer};

/// A handler that stores nothing: what is checked is the service in front of it.
struct Nothing;

impl Forecasts for Nothing {
    async fn put_forecast(
        &self,
        _input: PutForecastInput,
        _context: RequestContext,
    ) -> Result<PutForecastOutput, PutForecastError> {
        Ok(PutForecastOutput { id: "f-1".into() })
    }

    async fn get_forecast(
        &self,
        input: GetForecastInput,
        _context: RequestContext,
    ) -> Result<GetForecastOutput, GetForecastError> {
        Err(ForecastNotFound {
            message: Some(format!("no forecast {}", input.id)),
        }
        .into())
    }

    async fn ping(&self, _input: (), _context: RequestContext) -> Result<(), PingError> {
        Ok(())
    }
}

const OPERATIONS: [&str; 3] = ["PutForecast", "GetForecast", "Ping"];

/// The request the bytes describe: protocol and operation from the first byte, the body after.
fn request(data: &[u8]) -> Option<(u8, http::Request<Full<Bytes>>)> {
    let (selector, body) = data.split_first()?;
    let operation = OPERATIONS[usize::from(selector % 3)];
    let flavour = (selector / 3) % 3;
    let builder = match flavour {
        0 => http::Request::post(format!("/service/Forecasts/operation/{operation}"))
            .header("smithy-protocol", "rpc-v2-cbor")
            .header("content-type", "application/cbor"),
        1 => http::Request::post(format!("/service/Forecasts/operation/{operation}"))
            .header("smithy-protocol", "rpc-v2-json")
            .header("content-type", "application/json"),
        _ => http::Request::post("/")
            .header("x-amz-target", format!("Forecasts.{operation}"))
            .header("content-type", "application/x-amz-json-1.0"),
    };
    let request = builder.body(Full::new(Bytes::copy_from_slice(body))).ok()?;
    Some((flavour, request))
}

/// One request through the service; see the module's documentation for what must hold.
pub fn rpcv2_request(data: &[u8]) {
    let Some((flavour, request)) = request(data) else {
        return;
    };
    let context = FixedContext {
        account_id: "123456789012".to_owned(),
        region: "us-east-1".to_owned(),
    };
    let service = ForecastsServer::new(Nothing).context(context);
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    let (head, body) = runtime.block_on(async move {
        let response = service
            .oneshot(request)
            .await
            .unwrap_or_else(|never| match never {});
        let (head, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .map(|collected| collected.to_bytes())
            .unwrap_or_else(|never| match never {});
        (head, body)
    });
    let status = head.status.as_u16();
    assert!(
        [200, 400, 404, 413].contains(&status),
        "unexpected status {status}: {body:?}"
    );
    if status < 400 {
        return;
    }
    let error_type = match flavour {
        0 => match smithy_cbor::decode_value(&body) {
            Ok(value) => match value.get("__type") {
                Some(smithy_cbor::Value::Text(text)) => Some(text.clone()),
                _ => None,
            },
            Err(error) => panic!("an error's body is not CBOR ({error}): {body:?}"),
        },
        _ => serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|json| json["__type"].as_str().map(str::to_owned)),
    };
    assert!(
        error_type.is_some(),
        "an error without its __type: {body:?}"
    );
}
