//! `bench`: the benchmark runner `cargo xtask bench` calls (after building the server and running
//! the criterion benches). It times code generation, measures the release-built reference server
//! under load beside a minimal hyper server (the machine's ceiling), reads server memory, prints
//! every figure and target with pass or miss, and draws the chart. `bench ceiling` is the
//! ceiling server itself, run as its own process.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use bench::chart::{self, Line};
use bench::load::{self, Measurement, Timing, Workload};
use bench::process::{Served, scratch_dir, sibling_binary};
use bench::{codegen_timing, micro};

const CONNECTIONS: [usize; 3] = [1, 16, 64];

/// The same allocator as the reference server, so that the ceiling differs from it only in
/// having no application.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ceiling") => {
            let body = std::fs::read(args.get(1).context("bench ceiling BODY_FILE")?)?;
            bench::ceiling::serve(SocketAddr::from(([127, 0, 0, 1], 0)), body)
        }
        Some("run") => run(&args[1..]),
        Some("load") => load_only(&args[1..]),
        Some("memory") => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let figures = memory(&sibling_binary("rekognition-server")?, &runtime)?;
            figures.print();
            Ok(())
        }
        _ => bail!(
            "usage: bench run [--quick] [--chart FILE] [--criterion DIR] | bench ceiling BODY_FILE \
             | bench load ADDRESS CONNECTIONS SECONDS (ListCollections, for profiling) | bench memory"
        ),
    }
}

/// `ListCollections` load on a server started by hand, for profiling it.
fn load_only(args: &[String]) -> Result<()> {
    let [address, connections, seconds] = args else {
        bail!("bench load ADDRESS CONNECTIONS SECONDS");
    };
    let address: SocketAddr = address.parse()?;
    let timing = Timing {
        warmup: Duration::ZERO,
        measure: Duration::from_secs(seconds.parse()?),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let request = load::request(address, "ListCollections", "{}");
    let measured = runtime.block_on(load::run(
        address,
        connections.parse()?,
        &Workload::Fixed(request),
        timing,
        "load",
    ))?;
    println!(
        "{:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} errors",
        measured.rate(),
        measured.percentile_ms(50.0),
        measured.percentile_ms(99.0),
        measured.errors
    );
    Ok(())
}

struct Options {
    quick: bool,
    chart: Option<PathBuf>,
    criterion: Option<PathBuf>,
}

fn options(args: &[String]) -> Result<Options> {
    let mut options = Options {
        quick: false,
        chart: None,
        criterion: None,
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--chart" => options.chart = Some(iter.next().context("--chart FILE")?.into()),
            "--criterion" => {
                options.criterion = Some(iter.next().context("--criterion DIR")?.into());
            }
            other => bail!("unknown argument {other:?}"),
        }
    }
    Ok(options)
}

impl Options {
    /// Warm-up and measurement of each load run.
    fn timing(&self) -> Timing {
        if self.quick {
            Timing {
                warmup: Duration::from_millis(500),
                measure: Duration::from_secs(2),
            }
        } else {
            Timing {
                warmup: Duration::from_secs(2),
                measure: Duration::from_secs(8),
            }
        }
    }

    /// How many times each model is generated.
    fn codegen_runs(&self) -> usize {
        if self.quick { 3 } else { 7 }
    }
}

/// One row of the load table.
struct Row {
    workload: &'static str,
    connections: usize,
    measured: Measurement,
}

/// A goal the figures are held to, and whether it is met.
struct Target {
    name: String,
    met: bool,
    figure: String,
}

/// `bench run`: every section in turn, then the targets and the chart.
fn run(args: &[String]) -> Result<()> {
    let options = options(args)?;
    let timing = options.timing();
    print_mode(&options, timing);
    let mut targets = codegen(options.codegen_runs())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let servers = Servers::start(&runtime)?;
    let rows = load_table(&servers, &runtime, timing)?;
    targets.extend(load_targets(&rows));
    let figures = memory(&servers.binary, &runtime)?;
    figures.print();
    targets.push(figures.target());
    if let Some(dir) = &options.criterion {
        targets.extend(micro_figures(dir)?);
    }
    print_targets(&targets);
    if let Some(chart_path) = &options.chart {
        draw_chart(chart_path, &rows)?;
    }
    servers.stop();
    Ok(())
}

fn print_mode(options: &Options, timing: Timing) {
    println!("machine: {}", machine());
    println!(
        "mode: {} ({} s measured after {} s warm-up per run)",
        if options.quick { "quick" } else { "full" },
        timing.measure.as_secs_f64(),
        timing.warmup.as_secs_f64()
    );
}

/// Times generating the Rekognition model and two synthetic ones, each `runs` times; the target
/// is about the model of about 600 shapes.
fn codegen(runs: usize) -> Result<Vec<Target>> {
    println!("\n## code generation (load, lower, emit, render; median of runs)");
    let model = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../model/rekognition.json"),
    )?;
    let mut six_hundred = None;
    for (name, text) in [
        ("model/rekognition.json".to_owned(), model),
        (
            "synthetic, 75 operations".to_owned(),
            synthetic_models::model(75).to_string(),
        ),
        (
            "synthetic, 260 operations".to_owned(),
            synthetic_models::model(260).to_string(),
        ),
    ] {
        let timed = codegen_timing(&text, runs)?;
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let [load, lower, emit, render] = timed.stages;
        println!(
            "{name:<28} {:>6} shapes {:>8.1} ms  (load {:.1}, lower {:.1}, emit {:.1}, render {:.1} ms; {} lines)",
            timed.shapes,
            ms(timed.median),
            ms(load),
            ms(lower),
            ms(emit),
            ms(render),
            timed.lines
        );
        if (550..=700).contains(&timed.shapes) {
            six_hundred = Some(timed);
        }
    }
    Ok(six_hundred
        .map(|timed| Target {
            name: format!("generating a {}-shape model < 1 s", timed.shapes),
            met: timed.median < Duration::from_secs(1),
            figure: format!("{:.0} ms", timed.median.as_secs_f64() * 1000.0),
        })
        .into_iter()
        .collect())
}

/// The servers under load: the reference server on a durable store and in memory, and the
/// ceiling answering the bytes of the durable one's `ListCollections` of 100 collections.
struct Servers {
    /// The release-built reference server.
    binary: PathBuf,
    durable_dir: PathBuf,
    durable: Served,
    in_memory: Served,
    ceiling: Served,
    list_request: Vec<u8>,
    ceiling_request: Vec<u8>,
    list_body: Vec<u8>,
}

impl Servers {
    fn start(runtime: &tokio::runtime::Runtime) -> Result<Self> {
        let binary = sibling_binary("rekognition-server")?;
        let me = std::env::current_exe()?;
        let durable_dir = scratch_dir("durable")?;
        let durable = Served::start(
            &binary,
            &["--listen", "127.0.0.1:0", "--data-dir", path(&durable_dir)?],
        )?;
        let in_memory = Served::start(&binary, &["--listen", "127.0.0.1:0", "--in-memory"])?;
        let list_request = load::request(durable.address, "ListCollections", "{}");
        let list_body = runtime.block_on(async {
            load::fill(durable.address, 4, 100, "listed").await?;
            one_body(durable.address, &list_request).await
        })?;
        let body_file = durable_dir.join("ceiling-body.json");
        std::fs::write(&body_file, &list_body)?;
        let ceiling = Served::start(&me, &["ceiling", path(&body_file)?])?;
        let ceiling_request = load::request(ceiling.address, "ListCollections", "{}");
        Ok(Self {
            binary,
            durable_dir,
            durable,
            in_memory,
            ceiling,
            list_request,
            ceiling_request,
            list_body,
        })
    }

    /// The four runs at each connection count, the ceiling first.
    fn runs(&self) -> [(&'static str, SocketAddr, Workload); 4] {
        [
            (
                "ceiling (fixed body, hyper)",
                self.ceiling.address,
                Workload::Fixed(self.ceiling_request.clone()),
            ),
            (
                "ListCollections (durable)",
                self.durable.address,
                Workload::Fixed(self.list_request.clone()),
            ),
            (
                "Create+DeleteCollection (durable)",
                self.durable.address,
                Workload::CreateDelete,
            ),
            (
                "Create+DeleteCollection (memory)",
                self.in_memory.address,
                Workload::CreateDelete,
            ),
        ]
    }

    /// Stops the servers, then removes the durable store.
    fn stop(self) {
        drop((self.durable, self.in_memory, self.ceiling));
        let _ = std::fs::remove_dir_all(self.durable_dir);
    }
}

/// Drives every run at each of [`CONNECTIONS`], printing the table as it goes.
fn load_table(
    servers: &Servers,
    runtime: &tokio::runtime::Runtime,
    timing: Timing,
) -> Result<Vec<Row>> {
    println!(
        "\n## load (closed loop, keep-alive HTTP/1.1; the generator shares the machine)\n\
         ListCollections answers 100 collections ({} bytes); the ceiling answers the same bytes",
        servers.list_body.len()
    );
    println!(
        "{:<34} {:>5} {:>11} {:>9} {:>9} {:>9} {:>7}",
        "workload", "conns", "req/s", "p50 ms", "p99 ms", "vs ceil", "errors"
    );
    let mut rows: Vec<Row> = Vec::new();
    for connections in CONNECTIONS {
        let mut ceiling_rate = None;
        for (workload, address, kind) in servers.runs() {
            let label = format!("c{connections}-{}", rows.len());
            let measured =
                runtime.block_on(load::run(address, connections, &kind, timing, &label))?;
            let rate = measured.rate();
            let ratio = match ceiling_rate {
                None => {
                    ceiling_rate = Some(rate);
                    "-".to_owned()
                }
                Some(ceiling) => format!("{:.0}%", 100.0 * rate / ceiling),
            };
            println!(
                "{workload:<34} {connections:>5} {rate:>11.0} {:>9.2} {:>9.2} {ratio:>9} {:>7}",
                measured.percentile_ms(50.0),
                measured.percentile_ms(99.0),
                measured.errors
            );
            rows.push(Row {
                workload,
                connections,
                measured,
            });
        }
    }
    Ok(rows)
}

/// The read targets (against the ceiling at 64 connections) and the durable write scaling.
fn load_targets(rows: &[Row]) -> Vec<Target> {
    let find = |workload: &str, connections: usize| {
        rows.iter()
            .find(|r| r.workload.starts_with(workload) && r.connections == connections)
            .map(|r| &r.measured)
    };
    let mut targets = Vec::new();
    if let (Some(ceiling), Some(read)) = (find("ceiling", 64), find("ListCollections", 64)) {
        let ratio = read.rate() / ceiling.rate();
        targets.push(Target {
            name: "read req/s at 64 connections >= 60% of the ceiling".to_owned(),
            met: ratio >= 0.6,
            figure: format!(
                "{:.0} vs {:.0} req/s ({:.0}%)",
                read.rate(),
                ceiling.rate(),
                100.0 * ratio
            ),
        });
        let p99 = read.percentile_ms(99.0);
        let ceiling_p99 = ceiling.percentile_ms(99.0);
        targets.push(Target {
            name: "read p99 at 64 connections <= 2x the ceiling's".to_owned(),
            met: p99 <= 2.0 * ceiling_p99,
            figure: format!("{p99:.2} ms vs {ceiling_p99:.2} ms"),
        });
    }
    if let (Some(one), Some(many)) = (
        find("Create+DeleteCollection (durable)", 1),
        find("Create+DeleteCollection (durable)", 64),
    ) {
        let factor = many.rate() / one.rate();
        targets.push(Target {
            name: "durable writes at 64 connections >= 5x 1 connection".to_owned(),
            met: factor >= 5.0,
            figure: format!(
                "{:.0} vs {:.0} req/s ({factor:.1}x)",
                many.rate(),
                one.rate()
            ),
        });
    }
    targets
}

/// Criterion's own figures, read back from `dir` and printed; the target is validation's.
fn micro_figures(dir: &std::path::Path) -> Result<Vec<Target>> {
    println!("\n## micro (criterion, mean per iteration)");
    let estimates = micro::read_estimates(dir)?;
    for (name, nanos) in &estimates {
        println!("{name:<58} {:>10}", micro::human(*nanos));
    }
    Ok(estimates
        .iter()
        .find(|(name, _)| name == micro::VALIDATE_TARGET)
        .map(|(_, nanos)| Target {
            name: "validating a CreateCollection input with tags < 1 µs".to_owned(),
            met: *nanos < 1000.0,
            figure: micro::human(*nanos),
        })
        .into_iter()
        .collect())
}

fn print_targets(targets: &[Target]) {
    println!("\n## targets");
    for Target { name, met, figure } in targets {
        println!(
            "{:<4} {name:<58} {figure}",
            if *met { "pass" } else { "MISS" }
        );
    }
}

/// Requests per second and p99 against connections, one line per workload.
fn draw_chart(chart_path: &std::path::Path, rows: &[Row]) -> Result<()> {
    let mut lines: Vec<Line> = Vec::new();
    for row in rows {
        let name = row.workload.to_owned();
        let point = (
            row.connections,
            row.measured.rate(),
            row.measured.percentile_ms(99.0),
        );
        match lines.iter_mut().find(|l| l.name == name) {
            Some(line) => line.points.push(point),
            None => lines.push(Line {
                name,
                points: vec![point],
            }),
        }
    }
    chart::draw(
        chart_path,
        &lines,
        &format!("reference server vs ceiling: {}", machine()),
    )?;
    println!("\nchart: {}", chart_path.display());
    Ok(())
}

/// Server memory: idle, then after 100,000 collections.
struct MemoryFigures {
    idle: u64,
    busy: u64,
    settled: u64,
    created: u64,
    elapsed: Duration,
}

impl MemoryFigures {
    fn print(&self) {
        println!("\n## memory (resident set of the server process, durable store)");
        println!("idle:                          {:>7.1} MB", mb(self.idle));
        println!(
            "after {} collections:      {:>7.1} MB (10 s later; {:.1} MB as the last one is acknowledged)",
            self.created,
            mb(self.settled),
            mb(self.busy)
        );
        println!(
            "created at 64 connections in {:.1} s ({:.0}/s)",
            self.elapsed.as_secs_f64(),
            self.created as f64 / self.elapsed.as_secs_f64()
        );
    }

    fn target(&self) -> Target {
        Target {
            name: "idle RSS < 30 MB".to_owned(),
            met: self.idle < 30 * 1024 * 1024,
            figure: format!("{:.1} MB", mb(self.idle)),
        }
    }
}

fn memory(server: &std::path::Path, runtime: &tokio::runtime::Runtime) -> Result<MemoryFigures> {
    let dir = scratch_dir("memory")?;
    let served = Served::start(
        server,
        &["--listen", "127.0.0.1:0", "--data-dir", path(&dir)?],
    )?;
    std::thread::sleep(Duration::from_secs(1));
    let idle = served.rss()?;
    let started = Instant::now();
    let created = runtime.block_on(load::fill(served.address, 64, 100_000, "mem"))?;
    let elapsed = started.elapsed();
    let busy = served.rss()?;
    std::thread::sleep(Duration::from_secs(10));
    let settled = served.rss()?;
    drop(served);
    let _ = std::fs::remove_dir_all(dir);
    Ok(MemoryFigures {
        idle,
        busy,
        settled,
        created,
        elapsed,
    })
}

/// One request; the response body.
async fn one_body(address: SocketAddr, request: &[u8]) -> Result<Vec<u8>> {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    let text =
        String::from_utf8_lossy(request).replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n");
    stream.write_all(text.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let at = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("no response head")?;
    Ok(response[at + 4..].to_vec())
}

fn path(dir: &std::path::Path) -> Result<&str> {
    dir.to_str().context("a non-UTF-8 temporary path")
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// The CPU model and core count.
fn machine() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{model}, {cores} cores")
}
