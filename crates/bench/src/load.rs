//! The load generator: keep-alive HTTP/1.1 connections, each sending its next request as soon
//! as the previous answer is read (a closed loop, like wrk), written from pre-built bytes and
//! read with `httparse`, so the generator spends as little of the shared CPU as possible.
//! Latencies go into an HDR histogram per connection, merged at the end.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use hdrhistogram::Histogram;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// What each connection sends.
#[derive(Debug, Clone)]
pub enum Workload {
    /// The same request over and over.
    Fixed(Vec<u8>),
    /// `CreateCollection` of a fresh id, then `DeleteCollection` of it: two writes.
    CreateDelete,
    /// `CreateCollection` of fresh ids only.
    Create,
}

/// How long to run, and for how long to warm up first (unmeasured).
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Unmeasured time first.
    pub warmup: Duration,
    /// Measured time.
    pub measure: Duration,
}

/// What one run measured.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// Requests answered 200 in the measured time.
    pub requests: u64,
    /// Requests answered otherwise.
    pub errors: u64,
    /// The measured time.
    pub elapsed: Duration,
    /// Latencies in microseconds.
    pub latency: Histogram<u64>,
}

impl Measurement {
    /// Requests per second.
    pub fn rate(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    /// A latency percentile, in milliseconds.
    pub fn percentile_ms(&self, percentile: f64) -> f64 {
        self.latency.value_at_percentile(percentile) as f64 / 1000.0
    }
}

/// An awsJson 1.1 request for `operation` with `body`.
pub fn request(address: SocketAddr, operation: &str, body: &str) -> Vec<u8> {
    format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: RekognitionService.{operation}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Runs `workload` over `connections` connections to `address`.
pub async fn run(
    address: SocketAddr,
    connections: usize,
    workload: &Workload,
    timing: Timing,
    label: &str,
) -> Result<Measurement> {
    let started = Instant::now();
    let measure_from = started + timing.warmup;
    let until = measure_from + timing.measure;
    let mut tasks = Vec::with_capacity(connections);
    for connection in 0..connections {
        let workload = workload.clone();
        let label = format!("{label}-{connection}");
        tasks.push(tokio::spawn(async move {
            drive(address, &workload, &label, measure_from, until, None).await
        }));
    }
    let mut merged = latency_histogram()?;
    let (mut requests, mut errors) = (0, 0);
    for task in tasks {
        let (histogram, ok, failed) = task.await??;
        merged.add(&histogram)?;
        requests += ok;
        errors += failed;
    }
    Ok(Measurement {
        requests,
        errors,
        elapsed: until.saturating_duration_since(measure_from),
        latency: merged,
    })
}

/// Sends `total` `CreateCollection` requests over `connections` connections, as fast as the
/// server answers; returns how many succeeded.
pub async fn fill(address: SocketAddr, connections: usize, total: u64, label: &str) -> Result<u64> {
    let per_connection = total.div_ceil(connections as u64);
    let mut tasks = Vec::new();
    for connection in 0..connections {
        let label = format!("{label}-{connection}");
        tasks.push(tokio::spawn(async move {
            let far = Instant::now() + Duration::from_secs(3600);
            drive(
                address,
                &Workload::Create,
                &label,
                Instant::now(),
                far,
                Some(per_connection),
            )
            .await
        }));
    }
    let mut created = 0;
    for task in tasks {
        created += task.await??.1;
    }
    Ok(created)
}

async fn drive(
    address: SocketAddr,
    workload: &Workload,
    label: &str,
    measure_from: Instant,
    until: Instant,
    limit: Option<u64>,
) -> Result<(Histogram<u64>, u64, u64)> {
    let mut stream = TcpStream::connect(address)
        .await
        .with_context(|| format!("connecting to {address}"))?;
    stream.set_nodelay(true)?;
    let mut histogram = latency_histogram()?;
    let mut buffer = Vec::with_capacity(64 * 1024);
    let (mut ok, mut failed) = (0u64, 0u64);
    let mut n: u64 = 0;
    loop {
        let now = Instant::now();
        if now >= until || limit.is_some_and(|limit| n >= limit) {
            break;
        }
        let requests: Vec<std::borrow::Cow<'_, [u8]>> = match workload {
            Workload::Fixed(bytes) => vec![bytes.as_slice().into()],
            Workload::CreateDelete => {
                let body = format!(r#"{{"CollectionId":"{label}-{n}"}}"#);
                vec![
                    request(address, "CreateCollection", &body).into(),
                    request(address, "DeleteCollection", &body).into(),
                ]
            }
            Workload::Create => {
                let body = format!(r#"{{"CollectionId":"{label}-{n}"}}"#);
                vec![request(address, "CreateCollection", &body).into()]
            }
        };
        n += 1;
        for bytes in requests {
            let sent = Instant::now();
            stream.write_all(&bytes).await?;
            let status = read_response(&mut stream, &mut buffer).await?;
            if sent >= measure_from {
                if status == 200 {
                    ok += 1;
                } else {
                    failed += 1;
                }
                histogram.saturating_record(sent.elapsed().as_micros() as u64);
            }
        }
    }
    Ok((histogram, ok, failed))
}

/// Microseconds from 1 µs to 60 s, three significant digits.
fn latency_histogram() -> Result<Histogram<u64>> {
    Ok(Histogram::new_with_bounds(1, 60_000_000, 3)?)
}

/// Reads one response (the server always sends `Content-Length`); returns its status.
async fn read_response(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<u16> {
    buffer.clear();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 16];
        let mut response = httparse::Response::new(&mut headers);
        if let httparse::Status::Complete(head) = response.parse(buffer)? {
            let status = response.code.unwrap_or(0);
            let length = response
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                .and_then(|h| std::str::from_utf8(h.value).ok()?.parse::<usize>().ok())
                .context("a response without Content-Length")?;
            while buffer.len() < head + length {
                let read = stream.read(&mut chunk).await?;
                if read == 0 {
                    bail!("the server closed the connection mid-response");
                }
                buffer.extend_from_slice(&chunk[..read]);
            }
            return Ok(status);
        }
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            bail!("the server closed the connection");
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
}
