//! `cargo xtask test`: installs what the tests need (a JDK for the pattern oracle, a Python venv
//! with boto3, the AWS CLI and pytest, the JavaScript SDK's node modules), then every test and
//! check (generated code fresh, fmt, clippy, the protocol compliance suite, the pattern checks
//! against Java, the Rust, Python and JavaScript tests), in the order that fails fastest.

use std::collections::BTreeSet;
use std::process::{Command, Stdio};

use anyhow::{Context as _, Result, bail};

use crate::{captured, project_root, run_command};

const REQUIREMENTS: &str = "tests/python/requirements.txt";

pub(crate) fn run() -> Result<()> {
    ensure_java()?;
    ensure_python_venv()?;
    ensure_node_modules()?;
    crate::codegen::run(&crate::codegen::Args {
        check: true,
        ..crate::codegen::Args::default()
    })?;
    run_command(Command::new("cargo").args(["fmt", "--all", "--", "--check"]))?;
    run_command(Command::new("cargo").args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    crate::compliance::runner::protocol_compliance("compliance", &project_root(), &[])?;
    // Hand-written restJson1 cases beyond the official suite (not counted in its line).
    run_command(Command::new("cargo").args([
        "test",
        "-p",
        "protocol-compliance",
        "--test",
        "rest_payloads",
    ]))?;
    // The same suite generated from the protocol-test model's IDL, in a scratch workspace.
    crate::compliance::from_source::run(&crate::compliance::from_source::Args {
        from: crate::protocol_tests::Source::Idl,
    })?;
    idl_loader_corpus()?;
    // Every pattern of this repository's model, then of all AWS service models botocore ships
    // (in .venv), against java.util.regex; the large check runs optimized.
    run_command(Command::new("cargo").args([
        "run",
        "-q",
        "-p",
        "xtask",
        "--",
        "patterns",
        "--model",
        "model/rekognition.json",
    ]))?;
    run_command(Command::new("cargo").args([
        "run",
        "-q",
        "--release",
        "-p",
        "xtask",
        "--",
        "patterns",
        "--botocore",
        "--no-node",
    ]))?;
    let face_images = face_images()?;
    run_command(
        Command::new("cargo")
            .args(["test", "--workspace", "--exclude", "protocol-compliance"])
            .env("FACE_TEST_IMAGES", &face_images),
    )?;
    user_build()?;
    run_command(Command::new("cargo").args([
        "build",
        "-p",
        "rekognition-server",
        "-p",
        "monitoring-example",
        "-p",
        "entitlement-example",
    ]))?;
    let root = project_root();
    let venv_bin = root.join(".venv").join("bin");
    let path = std::env::join_paths(std::iter::once(venv_bin.clone()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))?;
    run_command(
        Command::new(venv_bin.join("pytest"))
            .args(["tests/python", "-q"])
            .env("PATH", path)
            .env("FACE_TEST_IMAGES", &face_images)
            .envs(server_binaries()),
    )?;
    run_command(
        Command::new("node")
            .args(["--test", "tests/js/"])
            .env("FACE_TEST_IMAGES", &face_images)
            .envs(server_binaries()),
    )?;
    eprintln!("all tests and checks passed");
    Ok(())
}

/// The server binaries the Python and JavaScript tests start, as the variables they read them
/// from: the Rekognition server and the RPC v2 examples (CloudWatch, Marketplace Entitlement).
fn server_binaries() -> [(&'static str, std::path::PathBuf); 3] {
    let debug = crate::target_dir().join("debug");
    [
        ("REKOGNITION_SERVER_BIN", debug.join("rekognition-server")),
        ("MONITORING_SERVER_BIN", debug.join("monitoring-example")),
        ("ENTITLEMENT_SERVER_BIN", debug.join("entitlement-example")),
    ]
}

/// The photos the face models are measured on: the test images of face_recognition 1.3.0's
/// source distribution (PyPI, MIT; three photos of one person, one of another, two partial
/// faces and an RGBA copy), downloaded once into the target folder with the venv's pip.
pub(crate) fn face_images() -> Result<std::path::PathBuf> {
    let dir = crate::target_dir().join("face-images");
    let images = dir.join("face_recognition-1.3.0/tests/test_images");
    if images.join("biden.jpg").exists() {
        return Ok(images);
    }
    std::fs::create_dir_all(&dir)?;
    let pip = project_root().join(".venv").join("bin").join("pip");
    run_command(
        Command::new(pip)
            .args([
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
            ])
            .args(["--no-binary", ":all:", "-d"])
            .arg(&dir)
            .arg("face_recognition==1.3.0"),
    )?;
    run_command(
        Command::new("tar")
            .arg("-xzf")
            .arg(dir.join("face_recognition-1.3.0.tar.gz"))
            .arg("-C")
            .arg(&dir)
            .arg("face_recognition-1.3.0/tests/test_images"),
    )?;
    Ok(images)
}

/// Tests a crate built as a user builds one (`tests/user-build`, a workspace of its own, so the
/// repository's features do not reach it): depending on the runtime and generating a service
/// leaves the user's serde as it was. Its lock file starts as a copy of the repository's.
fn user_build() -> Result<()> {
    let dir = project_root().join("tests").join("user-build");
    let lock = dir.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(project_root().join("Cargo.lock"), &lock).context("copying Cargo.lock")?;
    }
    let manifest = dir.join("Cargo.toml");
    run_command(
        Command::new("cargo")
            .args(["fmt", "--manifest-path"])
            .arg(&manifest)
            .args(["--", "--check"]),
    )?;
    run_command(
        Command::new("cargo")
            .args(["test", "--manifest-path"])
            .arg(&manifest)
            .env("CARGO_TARGET_DIR", crate::target_dir().join("user-build")),
    )
}

/// Runs Smithy's IDL loader tests (`../shared/smithy-idl/loader/`, one generated test per case)
/// and prints how many valid cases load equal, how many invalid ones are refused, and how many
/// are excluded.
fn idl_loader_corpus() -> Result<()> {
    let cases = crate::idl_corpus::cases()?;
    let run = captured(Command::new("cargo").args([
        "test",
        "-p",
        "smithy-idl",
        "--test",
        "loader_corpus",
    ]))?;
    let (summary, failing) = idl_loader_summary(&cases, &run);
    println!("{summary}");
    if !failing.is_empty() || !run.contains("test result: ok") {
        bail!(
            "{summary}\n{} cases did not pass:\n{}\n{run}",
            failing.len(),
            failing.join("\n")
        );
    }
    Ok(())
}

/// The `idl loader: …` line from the tests libtest reports passing (an excluded case passes when
/// it fails as required), and the cases whose test did not pass.
fn idl_loader_summary(cases: &[crate::idl_corpus::Case], run: &str) -> (String, Vec<String>) {
    use crate::idl_corpus::Kind;
    let passed: BTreeSet<&str> = run
        .lines()
        .filter_map(|l| l.strip_prefix("test ")?.strip_suffix(" ... ok"))
        .collect();
    let (mut valid, mut invalid, mut excluded) = (0, 0, 0);
    let mut failing = Vec::new();
    for case in cases {
        if !passed.contains(case.test.as_str()) {
            failing.push(format!("  {} ({})", case.test, case.path));
        } else if case.exclusion.is_some() {
            excluded += 1;
        } else if case.kind == Kind::Valid {
            valid += 1;
        } else {
            invalid += 1;
        }
    }
    let summary =
        format!("idl loader: {valid} valid equal, {invalid} invalid refused, {excluded} excluded");
    (summary, failing)
}

fn works(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// The pattern tests use `java.util.regex` as their oracle: a JDK 17 or later.
fn ensure_java() -> Result<()> {
    if works("java", "-version") {
        return Ok(());
    }
    eprintln!("java not found: installing a JDK (Debian's openjdk-17-jdk-headless)");
    run_command(Command::new("apt-get").arg("update"))?;
    run_command(Command::new("apt-get").args([
        "install",
        "-y",
        "--no-install-recommends",
        "openjdk-17-jdk-headless",
    ]))?;
    if !works("java", "-version") {
        bail!("java is still missing after installing openjdk-17-jdk-headless");
    }
    Ok(())
}

/// `tests/js/node_modules` from the lock file, reinstalled when the lock file changes.
fn ensure_node_modules() -> Result<()> {
    let folder = project_root().join("tests").join("js");
    let lock = std::fs::read_to_string(folder.join("package-lock.json"))
        .context("reading tests/js/package-lock.json")?;
    let stamp = folder.join("node_modules").join(".installed-lock.json");
    if std::fs::read_to_string(&stamp).is_ok_and(|installed| installed == lock) {
        return Ok(());
    }
    run_command(Command::new("npm").args([
        "ci",
        "--silent",
        "--no-audit",
        "--no-fund",
        "--prefix",
        "tests/js",
    ]))?;
    std::fs::write(&stamp, lock)?;
    Ok(())
}

/// `.venv` with the pinned Python requirements, reinstalled when the requirements change.
fn ensure_python_venv() -> Result<()> {
    let root = project_root();
    let venv = root.join(".venv");
    let requirements = std::fs::read_to_string(root.join(REQUIREMENTS))
        .with_context(|| format!("reading {REQUIREMENTS}"))?;
    let stamp = venv.join("requirements.installed");
    if std::fs::read_to_string(&stamp).is_ok_and(|installed| installed == requirements) {
        return Ok(());
    }
    if !venv.join("bin").join("python").exists() {
        run_command(Command::new("python3").args(["-m", "venv", ".venv"]))?;
    }
    let pip = venv.join("bin").join("pip");
    run_command(Command::new(&pip).args([
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "-r",
        REQUIREMENTS,
    ]))?;
    std::fs::write(&stamp, requirements)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::idl_corpus::{Case, Kind};

    fn case(test: &str, kind: Kind, exclusion: Option<&str>) -> Case {
        Case {
            path: format!("{test}.smithy"),
            kind,
            test: test.to_owned(),
            exclusion: exclusion.map(str::to_owned),
        }
    }

    #[test]
    fn the_idl_loader_summary_counts_passing_tests() {
        let cases = [
            case("valid_a", Kind::Valid, None),
            case("valid_b", Kind::Valid, None),
            case("invalid_a", Kind::Invalid, None),
            case("invalid_b", Kind::Invalid, Some("not refused yet")),
            case("invalid_c", Kind::Invalid, None),
        ];
        let run = "running 5 tests\ntest valid_a ... ok\ntest invalid_b ... ok\n\
                   test valid_b ... FAILED\ntest invalid_a ... ok\n\
                   test invalid_c ... ignored\n";
        let (summary, failing) = super::idl_loader_summary(&cases, run);
        assert_eq!(
            summary,
            "idl loader: 1 valid equal, 1 invalid refused, 1 excluded"
        );
        assert_eq!(
            failing,
            [
                "  valid_b (valid_b.smithy)",
                "  invalid_c (invalid_c.smithy)"
            ]
        );
    }
}
