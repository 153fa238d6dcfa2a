//! `cargo xtask bench [--quick]`: builds the reference server and the bench runner in release
//! mode, runs the criterion micro benches, then the runner (code generation, face inference and
//! search, load against the machine's ceiling, memory, every target with pass or miss, the
//! chart). The full run writes
//! the chart the README shows (`docs/performance.svg`); `--quick` (a few minutes) writes it under
//! `target/bench/`.

use std::process::Command;

use anyhow::Result;

use crate::{project_root, run_command};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A few minutes instead of about eight: shorter runs, the chart under target/bench/.
    #[arg(long)]
    quick: bool,
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let quick = args.quick;
    let root = project_root();
    run_command(Command::new("cargo").args([
        "build",
        "--release",
        "-p",
        "rekognition-server",
        "-p",
        "bench",
    ]))?;
    let mut criterion = Command::new("cargo");
    criterion.args(["bench", "-p", "bench", "--bench", "micro", "--"]);
    if quick {
        criterion.args(["--warm-up-time", "0.3", "--measurement-time", "1"]);
    }
    criterion.arg("--noplot");
    run_command(&mut criterion)?;
    let chart = if quick {
        std::fs::create_dir_all(root.join("target/bench"))?;
        root.join("target/bench/performance.svg")
    } else {
        root.join("docs/performance.svg")
    };
    let mut runner = Command::new(crate::target_dir().join("release/bench"));
    runner
        .arg("run")
        .env("FACE_TEST_IMAGES", crate::test::face_images()?);
    if quick {
        runner.arg("--quick");
    }
    runner
        .arg("--chart")
        .arg(chart)
        .arg("--criterion")
        .arg(root.join("target/criterion"));
    run_command(&mut runner)
}
