//! Route matching: the restJson1 router built from the 113 `@http` traits of the protocol tests'
//! `aws.protocoltests.restjson#RestJson` service, timed over every server request test case of
//! those operations in turn, with the heap operations of matching counted on this thread.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use http::Method;
use smithy_server_runtime::rest_json::router::{Match, Router};

const SERVICE: &str = "aws.protocoltests.restjson#RestJson";

/// What [`route_matching`] measured.
#[derive(Debug, Clone, Copy)]
pub struct RouteTiming {
    /// Routes (operations) in the router.
    pub operations: usize,
    /// Distinct requests matched in each pass.
    pub requests: usize,
    /// Nanoseconds per match in the fastest pass: the router's own cost, least disturbed by
    /// whatever else the machine runs.
    pub best_ns_per_match: f64,
    /// Nanoseconds per match in the median pass.
    pub median_ns_per_match: f64,
    /// How many passes were timed.
    pub passes: usize,
    /// Heap operations per match over one pass, or `None` when the binary's global allocator
    /// does not count them.
    pub allocations_per_match: Option<f64>,
}

/// One request of a request test case.
struct Request {
    operation: String,
    method: Method,
    path: String,
    query: Option<String>,
}

/// The RestJson service's routes and server request tests.
struct Service {
    /// `(method, @http uri, operation shape id)`.
    routes: Vec<(Method, String, String)>,
    requests: Vec<Request>,
}

/// The RestJson service, from the protocol tests' JSON AST beside the repository.
fn rest_json() -> Result<Service> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/protocol-tests/aws-protocol-tests.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let model: serde_json::Value = serde_json::from_str(&text)?;
    let shapes = &model["shapes"];
    let operations = shapes[SERVICE]["operations"]
        .as_array()
        .context("RestJson lists no operations")?;
    let method = |text: &serde_json::Value| -> Result<Method> {
        Ok(Method::from_bytes(
            text.as_str().context("a method")?.as_bytes(),
        )?)
    };
    let mut routes = Vec::new();
    let mut requests = Vec::new();
    for operation in operations {
        let id = operation["target"]
            .as_str()
            .context("an operation target")?;
        let traits = &shapes[id]["traits"];
        let http = &traits["smithy.api#http"];
        let uri = http["uri"].as_str().context("an @http uri")?;
        routes.push((method(&http["method"])?, uri.to_owned(), id.to_owned()));
        let cases = traits["smithy.test#httpRequestTests"].as_array();
        for case in cases.into_iter().flatten() {
            if !matches!(case["appliesTo"].as_str(), None | Some("server")) {
                continue;
            }
            let uri = case["uri"].as_str().context("a test uri")?;
            let (path, mut query) = match uri.split_once('?') {
                Some((path, query)) => (path, vec![query.to_owned()]),
                None => (uri, Vec::new()),
            };
            for param in case["queryParams"].as_array().into_iter().flatten() {
                query.push(param.as_str().context("a query param")?.to_owned());
            }
            requests.push(Request {
                operation: id.to_owned(),
                method: method(&case["method"])?,
                path: path.to_owned(),
                query: (!query.is_empty()).then(|| query.join("&")),
            });
        }
    }
    Ok(Service { routes, requests })
}

/// Builds the RestJson router, checks that every request reaches its own operation, then times
/// `passes` passes of `rounds` rounds over all the requests. Short passes, so that some run
/// undisturbed on a busy machine.
pub fn route_matching(passes: usize, rounds: usize) -> Result<RouteTiming> {
    let Service { routes, requests } = rest_json()?;
    let router = Router::new(
        routes
            .iter()
            .map(|(method, uri, id)| (method.clone(), uri.as_str(), id.as_str())),
    )?;
    for request in &requests {
        match find(&router, request) {
            Match::Found { value, .. } if *value == request.operation => {}
            other => bail!(
                "{} {} routed to {other:?}, not {}",
                request.method,
                request.path,
                request.operation
            ),
        }
    }
    let pass = || {
        let mut found = 0usize;
        for request in &requests {
            found += usize::from(matches!(find(&router, request), Match::Found { .. }));
        }
        black_box(found)
    };
    let allocations_per_match = densa_alloc::is_active().then(|| {
        let (_, stats) = densa_alloc::measure(pass);
        (stats.allocs + stats.reallocs + stats.deallocs) as f64 / requests.len() as f64
    });
    for _ in 0..rounds {
        pass();
    }
    let mut times: Vec<Duration> = (0..passes.max(1))
        .map(|_| {
            let started = Instant::now();
            for _ in 0..rounds {
                pass();
            }
            started.elapsed()
        })
        .collect();
    times.sort();
    let per_match = |time: Duration| time.as_secs_f64() * 1e9 / (rounds * requests.len()) as f64;
    Ok(RouteTiming {
        operations: router.len(),
        requests: requests.len(),
        best_ns_per_match: per_match(times[0]),
        median_ns_per_match: per_match(times[times.len() / 2]),
        passes: times.len(),
        allocations_per_match,
    })
}

/// One match, its inputs hidden from the optimizer.
fn find<'a, T>(router: &'a Router<T>, request: &'a Request) -> Match<'a, T> {
    router.find(
        black_box(&request.method),
        black_box(&request.path),
        black_box(request.query.as_deref()),
    )
}
