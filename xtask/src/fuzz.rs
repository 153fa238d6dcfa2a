//! `cargo xtask fuzz [--time SECONDS] [--target NAME]`: runs the cargo-fuzz targets in `fuzz/`
//! (libFuzzer with AddressSanitizer) for the given time each, starting from the committed seeds
//! and regressions, installing cargo-fuzz first if it is missing. Every crash libFuzzer finds is
//! copied to `fuzz/regressions/<target>/`, where `crates/fuzz-checks/tests/replay.rs` replays it
//! in every test run; the command then fails, naming the inputs. An input that runs longer than
//! [`TIMEOUT_SECONDS`] counts as a failure too (a hang). The IDL loader's target also starts
//! from Smithy's loader tests beside the repository (`../shared/smithy-idl/loader/`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, Result, bail};

use crate::{project_root, run_command};

const TARGETS: &[&str] = &[
    "decode_request",
    "sigv4_request",
    "idl_loader",
    "rest_request",
    "image_decode",
    "cbor_decode",
    "rpcv2_request",
];

/// How long one input may run before libFuzzer reports it as a hang.
const TIMEOUT_SECONDS: u64 = 10;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// How long to run each target, in whole seconds.
    #[arg(long = "time", value_name = "SECONDS", default_value_t = 60)]
    seconds: u64,
    /// Run only this target (all of them by default).
    #[arg(long, value_name = "NAME", value_parser = clap::builder::PossibleValuesParser::new(TARGETS))]
    target: Option<String>,
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let seconds = args.seconds;
    let targets: Vec<&str> = match &args.target {
        Some(name) => vec![name.as_str()],
        None => TARGETS.to_vec(),
    };
    ensure_cargo_fuzz()?;
    let root = project_root();
    let mut crashes = Vec::new();
    for target in targets {
        let folders = Folders::create(&root, target)?;
        let before = files(&folders.artifacts)?;
        eprintln!("fuzzing {target} for {seconds} s");
        // cargo-fuzz passes nightly-only flags (sanitizers); the machine's stable toolchain
        // accepts them when told it may.
        let status = Command::new("cargo")
            .current_dir(&root)
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "run", target])
            .arg(&folders.corpus)
            .args(&folders.seeds)
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .arg(format!("-timeout={TIMEOUT_SECONDS}"))
            .arg(format!("-artifact_prefix={}/", folders.artifacts.display()))
            .arg("-print_final_stats=1")
            .status()
            .context("could not start cargo fuzz")?;
        for found in files(&folders.artifacts)? {
            if before.contains(&found) {
                continue;
            }
            let name = found.file_name().unwrap_or_default();
            let kept = folders.regressions.join(name);
            std::fs::copy(&found, &kept)?;
            crashes.push(kept.display().to_string());
        }
        if !status.success() && crashes.is_empty() {
            bail!("cargo fuzz run {target} failed ({status})");
        }
    }
    if !crashes.is_empty() {
        bail!(
            "the fuzzers found {} failing input(s), kept as regression tests:\n  {}",
            crashes.len(),
            crashes.join("\n  ")
        );
    }
    eprintln!("no failures");
    Ok(())
}

/// The folders one target's run reads and writes, under `fuzz/`.
#[derive(Debug)]
struct Folders {
    /// Where libFuzzer keeps the inputs it finds interesting (the first corpus folder, the only
    /// one it writes to).
    corpus: PathBuf,
    /// Where libFuzzer writes the inputs that fail.
    artifacts: PathBuf,
    /// Where failing inputs are kept as regression tests, replayed by
    /// `crates/fuzz-checks/tests/replay.rs`.
    regressions: PathBuf,
    /// The folders the run starts from besides the corpus: the committed seeds and regressions,
    /// and for the IDL loader, Smithy's loader tests beside the repository when present.
    seeds: Vec<PathBuf>,
}

impl Folders {
    /// The folders of `target` under the project `root`, each created where it is missing: git
    /// keeps no empty folder, so a fresh clone has no regressions folder for a target that never
    /// failed (and no corpus or artifacts), and libFuzzer refuses a corpus folder that does not
    /// exist.
    fn create(root: &Path, target: &str) -> Result<Self> {
        let fuzz = root.join("fuzz");
        let corpus = fuzz.join("corpus").join(target);
        let artifacts = fuzz.join("artifacts").join(target);
        let regressions = fuzz.join("regressions").join(target);
        let mut seeds = vec![fuzz.join("seeds").join(target), regressions.clone()];
        for folder in [&corpus, &artifacts].into_iter().chain(&seeds) {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("creating {}", folder.display()))?;
        }
        let smithy_loader_tests = root.join("../shared/smithy-idl/loader");
        if target == "idl_loader" && smithy_loader_tests.is_dir() {
            // libFuzzer reads seed folders recursively and writes only to the first one.
            seeds.push(smithy_loader_tests);
        }
        Ok(Self {
            corpus,
            artifacts,
            regressions,
            seeds,
        })
    }
}

fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        found.push(entry?.path());
    }
    Ok(found)
}

fn ensure_cargo_fuzz() -> Result<()> {
    let present = Command::new("cargo")
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !present {
        run_command(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Folders;

    #[test]
    fn a_fresh_clone_gets_every_folder_a_run_reads_or_writes() {
        let root = std::env::temp_dir().join(format!("xtask-fuzz-{}", std::process::id()));
        // As git checks out `rest_request`: seeds committed, no regressions folder.
        std::fs::create_dir_all(root.join("fuzz/seeds/rest_request")).unwrap();

        let folders = Folders::create(&root, "rest_request").unwrap();

        let fuzz = root.join("fuzz");
        assert_eq!(folders.corpus, fuzz.join("corpus/rest_request"));
        assert_eq!(folders.artifacts, fuzz.join("artifacts/rest_request"));
        assert_eq!(folders.regressions, fuzz.join("regressions/rest_request"));
        assert_eq!(
            folders.seeds,
            [
                fuzz.join("seeds/rest_request"),
                fuzz.join("regressions/rest_request")
            ]
        );
        for folder in [&folders.corpus, &folders.artifacts, &folders.regressions]
            .into_iter()
            .chain(&folders.seeds)
        {
            assert!(folder.is_dir(), "{} is missing", folder.display());
        }
        std::fs::remove_dir_all(&root).unwrap();
    }
}
