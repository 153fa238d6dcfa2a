//! The API around a generated service, in both protocols (the awsJson `Weather` example and the
//! restJson1 `Bookmarks` example): plugins told each operation (one counting requests by
//! operation, one refusing a single operation in the protocol's error form), a context resolver
//! that awaits before answering and hands the handlers a principal of its own type, and a
//! tower-http layer standing in for a built-in one.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use rest_axum_example::server::{Bookmarks, BookmarksServer};
use smithy_server_runtime::{
    ContextRequest, OperationId, OperationRequest, OperationService, Refusal, RequestContext,
    ResolveContext, Settings,
};
use tower::ServiceExt as _;
use tower::util::BoxCloneSyncService;
use weather_example::server::{Weather, WeatherServer};

/// What a test reads of an answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: http::HeaderMap,
    body: serde_json::Value,
}

async fn send<S>(service: &S, request: http::Request<Full<Bytes>>) -> Answer
where
    S: tower::Service<
            http::Request<Full<Bytes>>,
            Response = http::Response<Full<Bytes>>,
            Error = Infallible,
        > + Clone,
{
    let Ok(response) = service.clone().oneshot(request).await;
    let (head, body) = response.into_parts();
    let Ok(collected) = body.collect().await;
    let bytes = collected.to_bytes();
    Answer {
        status: head.status.as_u16(),
        headers: head.headers,
        body: serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    }
}

/// An awsJson request to the weather service.
fn weather(operation: &str, body: &str) -> http::Request<Full<Bytes>> {
    http::Request::post("/")
        .header("x-amz-target", format!("Weather.{operation}"))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-tenant", "ana")
        .body(Full::new(Bytes::from(body.to_owned())))
        .unwrap()
}

/// A restJson1 request to the bookmarks service.
fn bookmarks(method: &str, uri: &str, body: &str) -> http::Request<Full<Bytes>> {
    let mut request = http::Request::builder()
        .method(method)
        .uri(uri)
        .header("x-tenant", "ana");
    if !body.is_empty() {
        request = request.header("content-type", "application/json");
    }
    request
        .body(Full::new(Bytes::from(body.to_owned())))
        .unwrap()
}

const PUT_FORECAST: &str = r#"{"cityId":"paris","forecast":{"chanceOfRain":0.3}}"#;
const CREATE_BOOKMARK: &str = r#"{"url":"https://example.com/","title":"Example"}"#;

/// Counts the requests each operation serves.
#[derive(Debug, Clone, Default)]
struct Counter(Arc<Mutex<BTreeMap<&'static str, usize>>>);

impl smithy_server_runtime::Plugin for Counter {
    fn apply(&self, operation: OperationId, service: OperationService) -> OperationService {
        let counts = Arc::clone(&self.0);
        BoxCloneSyncService::new(tower::service_fn(move |request: OperationRequest| {
            *counts.lock().unwrap().entry(operation.name).or_default() += 1;
            service.clone().oneshot(request)
        }))
    }
}

/// Refuses one operation (by name) with `AccessDeniedException`, in the request's protocol.
#[derive(Debug, Clone)]
struct Deny(&'static str);

impl smithy_server_runtime::Plugin for Deny {
    fn apply(&self, operation: OperationId, service: OperationService) -> OperationService {
        if operation.name != self.0 {
            return service;
        }
        BoxCloneSyncService::new(tower::service_fn(move |request: OperationRequest| {
            let refusal = Refusal::new(403, "AccessDeniedException", "not for you");
            let answer = request.refuse(&refusal);
            async move { Ok::<_, Infallible>(answer) }
        }))
    }
}

#[tokio::test]
async fn a_plugin_counts_requests_by_operation_in_both_protocols() {
    let counter = Counter::default();
    let weather_server = WeatherServer::new(weather_example::Forecasts::default())
        .context(Tenants)
        .plugin(counter.clone());
    for _ in 0..2 {
        let answer = send(&weather_server, weather("PutForecast", PUT_FORECAST)).await;
        assert_eq!(answer.status, 200, "{answer:?}");
    }
    send(&weather_server, weather("ListCities", "{}")).await;
    // A request that names no operation reaches none.
    send(&weather_server, weather("Nothing", "{}")).await;

    let bookmarks_server = BookmarksServer::new(rest_axum_example::Shelf::default())
        .context(Tenants)
        .plugin(counter.clone());
    let created = send(
        &bookmarks_server,
        bookmarks("POST", "/folders/reading/bookmarks", CREATE_BOOKMARK),
    )
    .await;
    assert_eq!(created.status, 201, "{created:?}");
    send(
        &bookmarks_server,
        bookmarks("GET", "/folders/reading/bookmarks", ""),
    )
    .await;
    send(
        &bookmarks_server,
        bookmarks("GET", "/folders/reading/bookmarks", ""),
    )
    .await;

    let counts = counter.0.lock().unwrap().clone();
    assert_eq!(
        counts,
        BTreeMap::from([
            ("CreateBookmark", 1),
            ("ListBookmarks", 2),
            ("ListCities", 1),
            ("PutForecast", 2),
        ])
    );
}

#[tokio::test]
async fn a_plugin_refuses_one_operation_in_each_protocol_s_form() {
    let weather_server = WeatherServer::new(weather_example::Forecasts::default())
        .context(Tenants)
        .plugin(Deny("PutForecast"));
    let denied = send(&weather_server, weather("PutForecast", PUT_FORECAST)).await;
    assert_eq!(denied.status, 403);
    assert_eq!(denied.body["__type"], "AccessDeniedException");
    assert_eq!(denied.body["message"], "not for you");
    let allowed = send(&weather_server, weather("ListCities", "{}")).await;
    assert_eq!(allowed.status, 200);

    let bookmarks_server = BookmarksServer::new(rest_axum_example::Shelf::default())
        .context(Tenants)
        .plugin(Deny("CreateBookmark"));
    let denied = send(
        &bookmarks_server,
        bookmarks("POST", "/folders/reading/bookmarks", CREATE_BOOKMARK),
    )
    .await;
    assert_eq!(denied.status, 403);
    assert_eq!(
        denied.headers["x-amzn-errortype"], "AccessDeniedException",
        "restJson1 names the error in a header"
    );
    assert_eq!(denied.body, serde_json::json!({"message": "not for you"}));
    let allowed = send(
        &bookmarks_server,
        bookmarks("GET", "/folders/reading/bookmarks", ""),
    )
    .await;
    assert_eq!(allowed.status, 200);
}

/// A principal of the service's own: which tenant calls.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Tenant(String);

/// Reads the tenant from `X-Tenant` after a pause (standing for a lookup over the network),
/// refuses requests without one, and refuses `ListCities` and `ListBookmarks` to tenant `ben`
/// (it is told the operation).
#[derive(Debug, Clone, Copy)]
struct Tenants;

impl ResolveContext for Tenants {
    async fn resolve(&self, request: ContextRequest<'_>) -> Result<RequestContext, Refusal> {
        tokio::time::sleep(Duration::from_millis(5)).await;
        let Some(tenant) = request
            .head
            .headers
            .get("x-tenant")
            .and_then(|v| v.to_str().ok())
        else {
            return Err(Refusal::new(
                401,
                "UnauthenticatedException",
                "who are you?",
            ));
        };
        let operation = request.operation.map(|id| id.name);
        if tenant == "ben" && matches!(operation, Some("ListCities" | "ListBookmarks")) {
            return Err(Refusal::new(
                403,
                "AccessDeniedException",
                format!("ben may not call {}", operation.unwrap_or_default()),
            ));
        }
        let mut context = RequestContext::new(request.request_id);
        context.extensions.insert(Tenant(tenant.to_owned()));
        Ok(context)
    }
}

/// The weather service, keeping each tenant's forecasts apart: it reads the resolver's
/// principal and hands the example the tenant as the account.
struct ByTenant(weather_example::Forecasts);

fn as_tenant(mut context: RequestContext) -> RequestContext {
    let tenant = context
        .extensions
        .get::<Tenant>()
        .expect("the resolver put the tenant there")
        .0
        .clone();
    context.account_id = tenant;
    context
}

impl Weather for ByTenant {
    async fn put_forecast(
        &self,
        input: weather_example::model::PutForecastInput,
        context: RequestContext,
    ) -> Result<weather_example::model::PutForecastOutput, weather_example::error::PutForecastError>
    {
        self.0.put_forecast(input, as_tenant(context)).await
    }

    async fn get_forecast(
        &self,
        input: weather_example::model::GetForecastInput,
        context: RequestContext,
    ) -> Result<weather_example::model::GetForecastOutput, weather_example::error::GetForecastError>
    {
        self.0.get_forecast(input, as_tenant(context)).await
    }

    async fn list_cities(
        &self,
        input: weather_example::model::ListCitiesInput,
        context: RequestContext,
    ) -> Result<weather_example::model::ListCitiesOutput, weather_example::error::ListCitiesError>
    {
        self.0.list_cities(input, as_tenant(context)).await
    }
}

#[tokio::test]
async fn an_awaiting_resolver_hands_handlers_its_own_principal() {
    let server =
        WeatherServer::new(ByTenant(weather_example::Forecasts::default())).context(Tenants);
    let put = send(&server, weather("PutForecast", PUT_FORECAST)).await;
    assert_eq!(put.status, 200, "{put:?}");
    let ana = send(&server, weather("ListCities", "{}")).await;
    assert_eq!(ana.body["cities"], serde_json::json!(["paris"]));

    let mut as_carl = weather("ListCities", "{}");
    as_carl
        .headers_mut()
        .insert("x-tenant", http::HeaderValue::from_static("carl"));
    let carl = send(&server, as_carl).await;
    assert_eq!(carl.body["cities"], serde_json::json!([]), "{carl:?}");

    let mut as_ben = weather("ListCities", "{}");
    as_ben
        .headers_mut()
        .insert("x-tenant", http::HeaderValue::from_static("ben"));
    let ben = send(&server, as_ben).await;
    assert_eq!(ben.status, 403);
    assert_eq!(ben.body["message"], "ben may not call ListCities");

    let mut anonymous = weather("ListCities", "{}");
    anonymous.headers_mut().remove("x-tenant");
    let refused = send(&server, anonymous).await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.body["__type"], "UnauthenticatedException");
}

#[tokio::test]
async fn the_resolver_is_told_the_operation_in_rest_json_too() {
    let server = BookmarksServer::new(rest_axum_example::Shelf::default()).context(Tenants);
    let mut as_ben = bookmarks("GET", "/folders/reading/bookmarks", "");
    as_ben
        .headers_mut()
        .insert("x-tenant", http::HeaderValue::from_static("ben"));
    let ben = send(&server, as_ben).await;
    assert_eq!(ben.status, 403);
    assert_eq!(ben.headers["x-amzn-errortype"], "AccessDeniedException");
    assert_eq!(ben.body["message"], "ben may not call ListBookmarks");
    let ana = send(&server, bookmarks("GET", "/folders/reading/bookmarks", "")).await;
    assert_eq!(ana.status, 200);
}

/// Panics on every call.
struct Panicking;

impl Bookmarks for Panicking {
    async fn create_bookmark(
        &self,
        _: rest_axum_example::model::CreateBookmarkInput,
        _: RequestContext,
    ) -> Result<
        rest_axum_example::model::CreateBookmarkOutput,
        rest_axum_example::error::CreateBookmarkError,
    > {
        panic!("create")
    }

    async fn get_bookmark(
        &self,
        _: rest_axum_example::model::GetBookmarkInput,
        _: RequestContext,
    ) -> Result<
        rest_axum_example::model::GetBookmarkOutput,
        rest_axum_example::error::GetBookmarkError,
    > {
        panic!("get")
    }

    async fn list_bookmarks(
        &self,
        _: rest_axum_example::model::ListBookmarksInput,
        _: RequestContext,
    ) -> Result<
        rest_axum_example::model::ListBookmarksOutput,
        rest_axum_example::error::ListBookmarksError,
    > {
        panic!("list")
    }

    async fn delete_bookmark(
        &self,
        _: rest_axum_example::model::DeleteBookmarkInput,
        _: RequestContext,
    ) -> Result<
        rest_axum_example::model::DeleteBookmarkOutput,
        rest_axum_example::error::DeleteBookmarkError,
    > {
        panic!("delete")
    }
}

#[tokio::test]
async fn tower_http_s_catch_panic_stands_in_for_the_built_in_one() {
    let list = || bookmarks("GET", "/folders/reading/bookmarks", "");
    // Built in: the protocol's internal error.
    let built_in = BookmarksServer::new(Panicking);
    let answer = send(&built_in, list()).await;
    assert_eq!(answer.status, 500);
    assert_eq!(answer.headers["x-amzn-errortype"], "InternalFailure");

    // Turned off, and tower-http's layer around the whole service instead: its answer.
    let settings = Settings {
        catch_panics: false,
        ..Settings::default()
    };
    let replaced = BookmarksServer::new(Panicking)
        .settings(settings)
        .layer(tower_http::catch_panic::CatchPanicLayer::new());
    let Ok(response) = replaced.oneshot(list()).await;
    assert_eq!(response.status(), 500);
    assert!(
        !response.headers().contains_key("x-amzn-errortype"),
        "tower-http's answer, not the built-in one"
    );
}
