//! The restJson1 router against the official `aws.protocoltests.restjson#RestJson` service: built
//! from all of its operations' `@http` traits, it must route every server request test case to its
//! own operation, and allocate nothing while doing so (counted per thread by a counting global
//! allocator).

use std::path::PathBuf;

use densa_alloc::{AllocStats, CountingAllocator, is_active, measure};
use http::Method;
use serde_json::Value;
use smithy_server_runtime::rest_json::router::{Match, Router};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator::system();

const SERVICE: &str = "aws.protocoltests.restjson#RestJson";

/// One `smithy.test#httpRequestTests` case that servers must pass.
struct Case {
    id: String,
    operation: String,
    method: Method,
    path: String,
    query: Option<String>,
}

struct Service {
    /// `(method, uri, operation shape id)`, in the service's order.
    routes: Vec<(Method, String, String)>,
    cases: Vec<Case>,
}

fn service() -> Service {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/protocol-tests/aws-protocol-tests.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
    let model: Value = serde_json::from_str(&text).expect("the protocol tests are JSON");
    let shapes = &model["shapes"];
    let operations = shapes[SERVICE]["operations"]
        .as_array()
        .expect("the service lists its operations");
    let mut routes = Vec::new();
    let mut cases = Vec::new();
    for operation in operations {
        let id = operation["target"].as_str().expect("operation target");
        let traits = &shapes[id]["traits"];
        let http = &traits["smithy.api#http"];
        let method = http["method"].as_str().expect("@http method");
        let method = Method::from_bytes(method.as_bytes()).expect("a valid method");
        let uri = http["uri"].as_str().expect("@http uri");
        routes.push((method, uri.to_owned(), id.to_owned()));
        let tests = traits["smithy.test#httpRequestTests"].as_array();
        for case in tests.into_iter().flatten() {
            if !matches!(case["appliesTo"].as_str(), None | Some("server")) {
                continue;
            }
            let uri = case["uri"].as_str().expect("test uri");
            let (path, mut query) = match uri.split_once('?') {
                Some((path, query)) => (path, vec![query.to_owned()]),
                None => (uri, Vec::new()),
            };
            for param in case["queryParams"].as_array().into_iter().flatten() {
                query.push(param.as_str().expect("query param").to_owned());
            }
            let method = case["method"].as_str().expect("test method");
            cases.push(Case {
                id: case["id"].as_str().expect("test id").to_owned(),
                operation: id.to_owned(),
                method: Method::from_bytes(method.as_bytes()).expect("a valid method"),
                path: path.to_owned(),
                query: (!query.is_empty()).then(|| query.join("&")),
            });
        }
    }
    Service { routes, cases }
}

fn router(service: &Service) -> Router<String> {
    Router::new(
        service
            .routes
            .iter()
            .map(|(method, uri, id)| (method.clone(), uri.as_str(), id.clone())),
    )
    .unwrap_or_else(|error| panic!("the RestJson routes build: {error}"))
}

#[test]
fn every_rest_json_request_test_routes_to_its_operation_without_allocating() {
    assert!(is_active(), "the counting allocator must be installed");
    let service = service();
    assert_eq!(service.routes.len(), 113, "RestJson's operations");
    let router = router(&service);
    assert_eq!(router.len(), 113);
    assert!(service.cases.len() > 100, "{} cases", service.cases.len());

    let mut total = AllocStats::ZERO;
    let mut failures = Vec::new();
    for case in &service.cases {
        let (routed, stats) = measure(|| {
            match router.find(&case.method, &case.path, case.query.as_deref()) {
                Match::Found { value, labels } => {
                    // Every label of the route's pattern is captured.
                    assert_eq!(labels.len(), labels.pattern().label_count(), "{}", case.id);
                    Ok(value)
                }
                other => Err(format!("{other:?}")),
            }
        });
        total = AllocStats {
            allocs: total.allocs + stats.allocs,
            deallocs: total.deallocs + stats.deallocs,
            reallocs: total.reallocs + stats.reallocs,
            bytes_allocated: total.bytes_allocated + stats.bytes_allocated,
        };
        match routed {
            Ok(operation) if *operation == case.operation => {}
            Ok(operation) => failures.push(format!("{}: routed to {operation}", case.id)),
            Err(error) => failures.push(format!(
                "{} ({} {} {:?}): {error}",
                case.id, case.method, case.path, case.query
            )),
        }
    }
    assert!(failures.is_empty(), "misrouted:\n{}", failures.join("\n"));
    assert!(total.is_zero(), "find allocated: {total:?}");
    println!(
        "{} request tests of {} operations routed, 0 allocations",
        service.cases.len(),
        router.len()
    );
}

#[test]
fn rest_json_labels_are_raw_path_slices() {
    let service = service();
    let router = router(&service);
    let find = |method: Method, path: &'static str, query: Option<&'static str>| {
        let (_, stats) = measure(|| {
            std::hint::black_box(router.find(&method, path, query));
        });
        assert!(stats.is_zero(), "{path}: {stats:?}");
        match router.find(&method, path, query) {
            Match::Found { value, labels } => {
                let labels: Vec<String> = labels
                    .iter()
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect();
                Some((value.clone(), labels.join(" ")))
            }
            _ => None,
        }
    };
    assert_eq!(
        find(
            Method::GET,
            "/HttpRequestWithGreedyLabelInPath/foo/hello%2Fescape/baz/there/guy",
            None
        ),
        Some((
            "aws.protocoltests.restjson#HttpRequestWithGreedyLabelInPath".to_owned(),
            "foo=hello%2Fescape baz=there/guy".to_owned()
        ))
    );
    assert_eq!(
        find(
            Method::GET,
            "/ConstantQueryString/hi",
            Some("foo=bar&hello")
        ),
        Some((
            "aws.protocoltests.restjson#ConstantQueryString".to_owned(),
            "hello=hi".to_owned()
        ))
    );
    assert_eq!(
        find(
            Method::GET,
            "/ConstantQueryString/hi",
            Some("foo=baz&hello")
        ),
        None
    );
}

#[test]
fn rest_json_unknown_routes_and_methods_without_allocating() {
    let service = service();
    let router = router(&service);
    let cases = [
        (
            Method::GET,
            "/NoSuchOperation",
            None,
            Some((404, "UnknownOperationException")),
        ),
        (
            Method::DELETE,
            "/HttpPrefixHeaders",
            None,
            Some((405, "UnknownOperationException")),
        ),
        (Method::GET, "/HttpPrefixHeaders", None::<&str>, None),
        (Method::GET, "/HttpPrefixHeaders/", None, None),
    ];
    for (method, path, query, expected) in cases {
        let (rejection, stats) = measure(|| router.find(&method, path, query).rejection());
        assert_eq!(rejection, expected, "{method} {path}");
        assert!(stats.is_zero(), "{method} {path}: {stats:?}");
    }
}
