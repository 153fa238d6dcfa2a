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
/// having no application; wrapped to count heap operations per thread (a thread-local add each),
/// so that `bench routes` can show that route matching allocates nothing.
#[global_allocator]
static ALLOCATOR: densa_alloc::CountingAllocator<mimalloc::MiMalloc> =
    densa_alloc::CountingAllocator::new(mimalloc::MiMalloc);

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ceiling") => {
            let body = std::fs::read(args.get(1).context("bench ceiling BODY_FILE")?)?;
            bench::ceiling::serve(SocketAddr::from(([127, 0, 0, 1], 0)), body)
        }
        Some("run") => run(&args[1..]),
        Some("idl") => {
            print_targets(&idl_loading(9)?);
            Ok(())
        }
        Some("rest-inproc") => {
            let count: usize = match args.get(1) {
                Some(count) => count.parse()?,
                None => 10_000,
            };
            let started = std::time::Instant::now();
            bench::rest::in_process(count)?;
            let per_request = started.elapsed().as_nanos() as f64 / count as f64;
            println!(
                "restJson1 PutItem in process: {per_request:.0} ns per request ({count} requests)"
            );
            Ok(())
        }
        Some("routes") => {
            print_targets(&route_matching()?);
            Ok(())
        }
        Some("rpc-forecasts") => bench::rpc::serve(SocketAddr::from(([127, 0, 0, 1], 0))),
        Some("rpc") => {
            let timing = options(&args[1..])?.timing();
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            bench::rpc::section(&runtime, timing, &CONNECTIONS)
        }
        Some("faces") => {
            print_targets(&faces(args.get(1).map(String::as_str) == Some("--quick"))?);
            Ok(())
        }
        Some("rest-generated") => {
            bench::rest::serve_generated(SocketAddr::from(([127, 0, 0, 1], 0)))
        }
        Some("rest-axum") => bench::rest::serve_axum(SocketAddr::from(([127, 0, 0, 1], 0))),
        Some("rest") => {
            let options = options(&args[1..])?;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rest_load(&runtime, options.timing())
        }
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
             | bench load ADDRESS CONNECTIONS SECONDS [OPERATION BODY] (ListCollections by default, for \
             profiling) | bench memory | bench idl | bench routes | bench faces [--quick] | bench rpc [--quick] | bench rest [--quick] | bench rest-inproc [COUNT]"
        ),
    }
}

/// Load on a server started by hand, for profiling it: `ListCollections`, or any operation with
/// its JSON body.
fn load_only(args: &[String]) -> Result<()> {
    let (address, connections, seconds, operation, body) = match args {
        [address, connections, seconds] => (address, connections, seconds, "ListCollections", "{}"),
        [address, connections, seconds, operation, body] => (
            address,
            connections,
            seconds,
            operation.as_str(),
            body.as_str(),
        ),
        _ => bail!("bench load ADDRESS CONNECTIONS SECONDS [OPERATION BODY]"),
    };
    let address: SocketAddr = address.parse()?;
    let timing = Timing {
        warmup: Duration::ZERO,
        measure: Duration::from_secs(seconds.parse()?),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let request = load::request(address, operation, body);
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
    targets.extend(idl_loading(options.codegen_runs())?);
    targets.extend(route_matching()?);
    targets.extend(faces(options.quick)?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let servers = Servers::start(&runtime)?;
    let rows = load_table(&servers, &runtime, timing)?;
    targets.extend(load_targets(&rows));
    rest_load(&runtime, timing)?;
    bench::rpc::section(&runtime, timing, &CONNECTIONS)?;
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

/// Face inference per image on the photos `FACE_TEST_IMAGES` names (`cargo xtask bench` downloads
/// them), and searching collections of 10,000 and 100,000 faces; the target is the search at
/// 100,000 faces.
fn faces(quick: bool) -> Result<Vec<Target>> {
    println!("\n## faces");
    match std::env::var_os("FACE_TEST_IMAGES") {
        Some(photos) => {
            let timed = bench::faces::inference(std::path::Path::new(&photos))?;
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            println!(
                "networks loaded in {:.0} ms; per image (median of {} photos): decode {:.1} ms, \
                 detect {:.1} ms, descriptor {:.1} ms, expressions {:.1} ms",
                ms(timed.load),
                timed.photos,
                ms(timed.decode),
                ms(timed.detect),
                ms(timed.embed),
                ms(timed.expressions)
            );
        }
        None => println!("inference: FACE_TEST_IMAGES is not set; skipped"),
    }
    let mut targets = Vec::new();
    let runs = if quick { 50 } else { 200 };
    for count in [10_000, 100_000] {
        let searched = bench::faces::search(&scratch_dir("face-search")?, count, runs)?;
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "search at {count:>7} faces: {:.2} ms median, {:.2} ms p99 ({runs} runs; first search, \
             loading the collection, {:.0} ms; storing {:.1} s); {:.0} B in memory and {:.0} B on disk per face",
            ms(searched.median),
            ms(searched.p99),
            ms(searched.first),
            searched.store.as_secs_f64(),
            searched.bytes_per_face,
            searched.disk_per_face
        );
        if count == 100_000 {
            targets.push(Target {
                name: "face search at 100,000 faces < 20 ms (median)".into(),
                met: searched.median < Duration::from_millis(20),
                figure: format!("{:.2} ms", ms(searched.median)),
            });
        }
    }
    Ok(targets)
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

/// The protocol-test suite's IDL sources (with the trait definitions they use) beside the
/// repository, each as (name, text).
fn protocol_test_idl() -> Result<Vec<(String, String)>> {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/smithy-idl");
    let mut paths = Vec::new();
    let mut folders = vec![shared.join("aws-protocol-tests"), shared.join("traits")];
    while let Some(folder) = folders.pop() {
        for entry in
            std::fs::read_dir(&folder).with_context(|| format!("reading {}", folder.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "smithy") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)?;
            Ok((path.display().to_string(), text))
        })
        .collect()
}

/// Times loading the protocol-test suite from its IDL files (already read) against parsing its
/// JSON AST; the target is the IDL's.
fn idl_loading(runs: usize) -> Result<Vec<Target>> {
    println!("\n## loading Smithy IDL (median of runs, files already read)");
    let files = protocol_test_idl()?;
    let bytes: usize = files.iter().map(|(_, text)| text.len()).sum();
    let json_path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/protocol-tests/aws-protocol-tests.json");
    let json = std::fs::read_to_string(&json_path)
        .with_context(|| format!("reading {}", json_path.display()))?;
    let median = |mut times: Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    let mut idl_times = Vec::new();
    let mut shapes = 0;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let model = smithy_idl::load(&files).map_err(|errors| {
            anyhow::anyhow!("the protocol-test IDL does not load: {}", errors[0])
        })?;
        idl_times.push(started.elapsed());
        shapes = model["shapes"].as_object().map_or(0, serde_json::Map::len);
    }
    let mut json_times = Vec::new();
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let model: serde_json::Value = serde_json::from_str(&json)?;
        json_times.push(started.elapsed());
        std::hint::black_box(model);
    }
    let (idl, json_time) = (median(idl_times), median(json_times));
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "protocol-test IDL: {} files, {:.1} MB, {shapes} shapes: {:.1} ms; its JSON AST ({:.1} MB) parsed: {:.1} ms",
        files.len(),
        bytes as f64 / 1e6,
        ms(idl),
        json.len() as f64 / 1e6,
        ms(json_time)
    );
    Ok(vec![Target {
        name: "loading the protocol-test IDL < 50 ms".to_owned(),
        met: idl < Duration::from_millis(50),
        figure: format!("{:.1} ms", ms(idl)),
    }])
}

/// Times the restJson1 router over the RestJson service's request tests; the target is the time
/// per match, with no allocation.
fn route_matching() -> Result<Vec<Target>> {
    println!("\n## route matching (fastest of short passes)");
    let timing = bench::routes::route_matching(301, 20)?;
    let allocations = timing
        .allocations_per_match
        .map_or_else(|| "uncounted".to_owned(), |n| format!("{n}"));
    println!(
        "route matching (RestJson, {} operations): {:.0} ns per request (target < 200 ns), \
         {allocations} allocations per match ({} request tests in turn; median of {} passes \
         {:.0} ns)",
        timing.operations,
        timing.best_ns_per_match,
        timing.requests,
        timing.passes,
        timing.median_ns_per_match
    );
    Ok(vec![Target {
        name: "matching a RestJson route < 200 ns, no allocation".to_owned(),
        met: timing.best_ns_per_match < 200.0 && timing.allocations_per_match == Some(0.0),
        figure: format!(
            "{:.0} ns, {allocations} allocations",
            timing.best_ns_per_match
        ),
    }])
}

/// Loads the restJson1 `PutItem` (labels, a query parameter, a header and a JSON body) served by
/// the generated service and by the same operation written by hand in axum, each beside a
/// ceiling answering the generated service's exact bytes, and prints the throughput ratio.
fn rest_load(runtime: &tokio::runtime::Runtime, timing: Timing) -> Result<()> {
    println!(
        "\n## restJson1 PutItem under load (two labels, a query parameter, a header, a JSON body)"
    );
    let program = std::env::current_exe()?;
    let generated = Served::start(&program, &["rest-generated"])?;
    let by_hand = Served::start(&program, &["rest-axum"])?;
    // The ceiling answers what the generated service answers, read from it once.
    let answer = runtime.block_on(one_body(
        generated.address,
        &bench::rest::request(generated.address),
    ))?;
    let scratch = scratch_dir("rest")?;
    let body_file = scratch.join("ceiling-put-item.json");
    std::fs::write(&body_file, &answer)?;
    let ceiling = Served::start(&program, &["ceiling", path(&body_file)?])?;
    println!(
        "PutItem answers {} bytes; the ceiling answers the same bytes",
        answer.len()
    );
    println!(
        "{:<34} {:>5} {:>11} {:>9} {:>9} {:>9} {:>7}",
        "workload", "conns", "req/s", "p50 ms", "p99 ms", "vs ceil", "errors"
    );
    let mut ratios = Vec::new();
    for connections in CONNECTIONS {
        let mut rates = Vec::new();
        for (name, served) in [
            ("ceiling: PutItem", &ceiling),
            ("PutItem (generated)", &generated),
            ("PutItem (axum by hand)", &by_hand),
        ] {
            let workload = Workload::Fixed(bench::rest::request(served.address));
            let label = format!("rest-c{connections}-{name}");
            let measured = runtime.block_on(load::run(
                served.address,
                connections,
                &workload,
                timing,
                &label,
            ))?;
            let rate = measured.rate();
            let versus = rates.first().map_or("-".to_owned(), |ceiling: &f64| {
                format!("{:.0}%", 100.0 * rate / ceiling)
            });
            println!(
                "{name:<34} {connections:>5} {rate:>11.0} {:>9.2} {:>9.2} {versus:>9} {:>7}",
                measured.percentile_ms(50.0),
                measured.percentile_ms(99.0),
                measured.errors
            );
            rates.push(rate);
        }
        ratios.push((connections, rates[1] / rates[2]));
    }
    for (connections, ratio) in ratios {
        println!(
            "restJson1 PutItem at {connections} connections: generated / axum by hand = {:.2}",
            ratio
        );
    }
    drop((generated, by_hand, ceiling));
    Ok(())
}

/// How many entries the benchmark's dataset holds.
const DATASET_ENTRIES: usize = 1000;

/// A read of the durable server and the ceiling serving the same response bytes.
struct Read {
    /// The workload's name in the table.
    name: &'static str,
    /// Its ceiling's name in the table.
    ceiling_name: &'static str,
    /// The request to the reference server.
    request: Vec<u8>,
    /// The ceiling answering the reference server's response bytes.
    ceiling: Served,
    /// The same request, addressed to the ceiling.
    ceiling_request: Vec<u8>,
    /// The response body both answer.
    body: Vec<u8>,
}

impl Read {
    /// Reads the durable server's answer to `request` and starts a ceiling answering it.
    fn start(
        runtime: &tokio::runtime::Runtime,
        durable: SocketAddr,
        scratch: &std::path::Path,
        (name, ceiling_name): (&'static str, &'static str),
        (operation, body): (&str, &str),
    ) -> Result<Self> {
        let request = load::request(durable, operation, body);
        let answer = runtime.block_on(one_body(durable, &request))?;
        let body_file = scratch.join(format!("ceiling-{operation}.json"));
        std::fs::write(&body_file, &answer)?;
        let ceiling = Served::start(&std::env::current_exe()?, &["ceiling", path(&body_file)?])?;
        let ceiling_request = load::request(ceiling.address, operation, body);
        Ok(Self {
            name,
            ceiling_name,
            request,
            ceiling,
            ceiling_request,
            body: answer,
        })
    }
}

/// The servers under load: the reference server on a durable store and in memory, and for each
/// read a ceiling answering the same bytes: `ListCollections` of 100 collections,
/// `DescribeDataset` and `ListDatasetEntries` (a page of 100) of a dataset of
/// [`DATASET_ENTRIES`] entries imported from a manifest.
struct Servers {
    /// The release-built reference server.
    binary: PathBuf,
    durable_dir: PathBuf,
    durable: Served,
    in_memory: Served,
    reads: Vec<Read>,
}

/// One load run: its name, where it goes, what it sends, and the run whose rate it is compared
/// with.
struct Run {
    name: &'static str,
    address: SocketAddr,
    workload: Workload,
    baseline: Option<&'static str>,
}

impl Servers {
    fn start(runtime: &tokio::runtime::Runtime) -> Result<Self> {
        let binary = sibling_binary("rekognition-server")?;
        let durable_dir = scratch_dir("durable")?;
        let durable = Served::start(
            &binary,
            &["--listen", "127.0.0.1:0", "--data-dir", path(&durable_dir)?],
        )?;
        let in_memory = Served::start(&binary, &["--listen", "127.0.0.1:0", "--in-memory"])?;
        runtime.block_on(load::fill(durable.address, 4, 100, "listed"))?;
        let dataset_arn = runtime.block_on(import_dataset(durable.address, &durable_dir))?;
        let dataset = format!("{{\"DatasetArn\":\"{dataset_arn}\"}}");
        let entries = format!("{{\"DatasetArn\":\"{dataset_arn}\",\"MaxResults\":100}}");
        let reads = vec![
            Read::start(
                runtime,
                durable.address,
                &durable_dir,
                ("ListCollections (durable)", "ceiling: ListCollections"),
                ("ListCollections", "{}"),
            )?,
            Read::start(
                runtime,
                durable.address,
                &durable_dir,
                ("DescribeDataset (durable)", "ceiling: DescribeDataset"),
                ("DescribeDataset", &dataset),
            )?,
            Read::start(
                runtime,
                durable.address,
                &durable_dir,
                (
                    "ListDatasetEntries (durable)",
                    "ceiling: ListDatasetEntries",
                ),
                ("ListDatasetEntries", &entries),
            )?,
        ];
        Ok(Self {
            binary,
            durable_dir,
            durable,
            in_memory,
            reads,
        })
    }

    /// Every run at each connection count: each read after its ceiling, then the writes.
    fn runs(&self) -> Vec<Run> {
        let mut runs = Vec::new();
        for read in &self.reads {
            runs.push(Run {
                name: read.ceiling_name,
                address: read.ceiling.address,
                workload: Workload::Fixed(read.ceiling_request.clone()),
                baseline: None,
            });
            runs.push(Run {
                name: read.name,
                address: self.durable.address,
                workload: Workload::Fixed(read.request.clone()),
                baseline: Some(read.ceiling_name),
            });
        }
        runs.push(Run {
            name: "Create+DeleteCollection (durable)",
            address: self.durable.address,
            workload: Workload::CreateDelete,
            baseline: None,
        });
        runs.push(Run {
            name: "Create+DeleteCollection (memory)",
            address: self.in_memory.address,
            workload: Workload::CreateDelete,
            baseline: None,
        });
        runs
    }

    /// Stops the servers, then removes the durable store.
    fn stop(self) {
        let ceilings: Vec<Served> = self.reads.into_iter().map(|read| read.ceiling).collect();
        drop((self.durable, self.in_memory, ceilings));
        let _ = std::fs::remove_dir_all(self.durable_dir);
    }
}

/// Writes a manifest of [`DATASET_ENTRIES`] labeled images where the server's S3 stand-in
/// reads it (`DATA_DIR/s3`), creates a project and a training dataset from it, and waits for
/// the import to complete; the dataset's ARN.
async fn import_dataset(address: SocketAddr, data_dir: &std::path::Path) -> Result<String> {
    let bucket = data_dir.join("s3").join("bench-images");
    std::fs::create_dir_all(&bucket)?;
    let labels = ["cat", "dog", "bird", "fish", "horse"];
    let manifest: String = (0..DATASET_ENTRIES)
        .map(|i| {
            let label = labels[i % labels.len()];
            format!(
                "{{\"source-ref\":\"s3://bench-images/photos/{i:05}.jpg\",\"animal\":{},\
                 \"animal-metadata\":{{\"class-name\":\"{label}\",\"confidence\":1,\
                 \"type\":\"groundtruth/image-classification\",\"human-annotated\":\"yes\",\
                 \"creation-date\":\"2024-01-01T00:00:00.000\",\"job-name\":\"labeling-job/animals\"}}}}\n",
                i % labels.len()
            )
        })
        .collect();
    std::fs::write(bucket.join("train.manifest"), manifest)?;
    let answer = |operation: &'static str, body: String| {
        let request = load::request(address, operation, &body);
        async move {
            let bytes = one_body(address, &request).await?;
            let value: serde_json::Value = serde_json::from_slice(&bytes).with_context(|| {
                format!("{operation} answered {}", String::from_utf8_lossy(&bytes))
            })?;
            Ok::<_, anyhow::Error>(value)
        }
    };
    let project = answer("CreateProject", r#"{"ProjectName":"bench"}"#.to_owned()).await?;
    let project_arn = project["ProjectArn"]
        .as_str()
        .with_context(|| format!("CreateProject answered {project}"))?
        .to_owned();
    let created = answer(
        "CreateDataset",
        format!(
            "{{\"ProjectArn\":\"{project_arn}\",\"DatasetType\":\"TRAIN\",\"DatasetSource\":\
             {{\"GroundTruthManifest\":{{\"S3Object\":{{\"Bucket\":\"bench-images\",\"Name\":\"train.manifest\"}}}}}}}}"
        ),
    )
    .await?;
    let dataset_arn = created["DatasetArn"]
        .as_str()
        .with_context(|| format!("CreateDataset answered {created}"))?
        .to_owned();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let described = answer(
            "DescribeDataset",
            format!("{{\"DatasetArn\":\"{dataset_arn}\"}}"),
        )
        .await?;
        let description = &described["DatasetDescription"];
        match description["Status"].as_str() {
            Some("CREATE_COMPLETE") => {
                let total = description["DatasetStats"]["TotalEntries"].as_u64();
                if total != Some(DATASET_ENTRIES as u64) {
                    bail!("the benchmark dataset holds {total:?} entries, not {DATASET_ENTRIES}");
                }
                return Ok(dataset_arn);
            }
            Some("CREATE_IN_PROGRESS") if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            _ => bail!("the benchmark dataset did not import: {described}"),
        }
    }
}

/// Drives every run at each of [`CONNECTIONS`], printing the table as it goes.
fn load_table(
    servers: &Servers,
    runtime: &tokio::runtime::Runtime,
    timing: Timing,
) -> Result<Vec<Row>> {
    println!("\n## load (closed loop, keep-alive HTTP/1.1; the generator shares the machine)");
    for read in &servers.reads {
        println!(
            "{} answers {} bytes; its ceiling answers the same bytes",
            read.name,
            read.body.len()
        );
    }
    println!(
        "ListCollections lists 100 collections; DescribeDataset and ListDatasetEntries (a page of \
         100) read a dataset of {DATASET_ENTRIES} entries"
    );
    println!(
        "{:<34} {:>5} {:>11} {:>9} {:>9} {:>9} {:>7}",
        "workload", "conns", "req/s", "p50 ms", "p99 ms", "vs ceil", "errors"
    );
    let mut rows: Vec<Row> = Vec::new();
    for connections in CONNECTIONS {
        for run in servers.runs() {
            let label = format!("c{connections}-{}", rows.len());
            let measured = runtime.block_on(load::run(
                run.address,
                connections,
                &run.workload,
                timing,
                &label,
            ))?;
            let rate = measured.rate();
            let ratio = run
                .baseline
                .and_then(|baseline| {
                    rows.iter()
                        .find(|r| r.workload == baseline && r.connections == connections)
                })
                .map_or("-".to_owned(), |ceiling| {
                    format!("{:.0}%", 100.0 * rate / ceiling.measured.rate())
                });
            println!(
                "{:<34} {connections:>5} {rate:>11.0} {:>9.2} {:>9.2} {ratio:>9} {:>7}",
                run.name,
                measured.percentile_ms(50.0),
                measured.percentile_ms(99.0),
                measured.errors
            );
            rows.push(Row {
                workload: run.name,
                connections,
                measured,
            });
        }
    }
    Ok(rows)
}

/// The read targets (each against its ceiling at 64 connections) and the durable write scaling.
fn load_targets(rows: &[Row]) -> Vec<Target> {
    let find = |workload: &str, connections: usize| {
        rows.iter()
            .find(|r| r.workload.starts_with(workload) && r.connections == connections)
            .map(|r| &r.measured)
    };
    let mut targets = Vec::new();
    for read in ["ListCollections", "DescribeDataset", "ListDatasetEntries"] {
        let (Some(ceiling), Some(measured)) =
            (find(&format!("ceiling: {read}"), 64), find(read, 64))
        else {
            continue;
        };
        let ratio = measured.rate() / ceiling.rate();
        targets.push(Target {
            name: format!("{read} req/s at 64 connections >= 60% of its ceiling"),
            met: ratio >= 0.6,
            figure: format!(
                "{:.0} vs {:.0} req/s ({:.0}%)",
                measured.rate(),
                ceiling.rate(),
                100.0 * ratio
            ),
        });
        let p99 = measured.percentile_ms(99.0);
        let ceiling_p99 = ceiling.percentile_ms(99.0);
        targets.push(Target {
            name: format!("{read} p99 at 64 connections <= 2x its ceiling's"),
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
