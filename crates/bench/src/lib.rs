//! Benchmarks of the toolkit and the reference server, run by `cargo xtask bench`: a load
//! generator ([`load`]), the machine's ceiling ([`ceiling`]), child processes ([`process`]),
//! the chart ([`chart`]), code-generation timing (of the models of the `synthetic-models` crate
//! among others), the criterion figures read back ([`micro`]), restJson1 route matching
//! ([`routes`]), a restJson1 operation generated and written by hand in axum ([`rest`]), one
//! operation in rpcv2Cbor, rpcv2Json and awsJson ([`rpc`]), and face inference and search
//! ([`faces`]).
//! The criterion benches themselves are in `benches/micro.rs`.

pub mod ceiling;
pub mod chart;
pub mod faces;
pub mod load;
pub mod micro;
pub mod process;
pub mod rest;
pub mod routes;
pub mod rpc;

use std::time::{Duration, Instant};

use anyhow::Result;
use smithy_server_codegen::{Settings, generate};

/// How long generating one model takes.
#[derive(Debug, Clone, Copy)]
pub struct CodegenTiming {
    /// Shapes in the model.
    pub shapes: usize,
    /// Lines generated.
    pub lines: usize,
    /// The median over the runs.
    pub median: Duration,
    /// Load, lower, emit and render, each the median over the runs.
    pub stages: [Duration; 4],
}

/// Generates `model` (a JSON AST) `runs` times: the median time, from text to formatted source.
pub fn codegen_timing(model: &str, runs: usize) -> Result<CodegenTiming> {
    let mut times = Vec::with_capacity(runs);
    let mut stages: [Vec<Duration>; 4] = Default::default();
    let mut shapes = 0;
    let mut lines = 0;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let generated = generate(model, &Settings::default())?;
        times.push(started.elapsed());
        let t = generated.timings;
        for (stage, time) in stages.iter_mut().zip([t.load, t.lower, t.emit, t.render]) {
            stage.push(time);
        }
        shapes = generated.shape_count;
        lines = generated.source.lines().count();
    }
    let median = |mut times: Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    Ok(CodegenTiming {
        shapes,
        lines,
        median: median(times),
        stages: stages.map(median),
    })
}
