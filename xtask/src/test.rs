//! `cargo xtask test`: installs what the tests need (a JDK for the pattern oracle, a Python venv
//! with boto3, the AWS CLI and pytest, the JavaScript SDK's node modules), then every test and
//! check, in the order that fails fastest.

use std::process::{Command, Stdio};

use anyhow::{Context as _, Result, bail};

use crate::{Flags, project_root, run_command};

const REQUIREMENTS: &str = "tests/python/requirements.txt";

pub(crate) fn run(flags: &Flags) -> Result<()> {
    flags.expect_only(&[])?;
    ensure_java()?;
    ensure_python_venv()?;
    ensure_node_modules()?;
    crate::codegen::run(&Flags::default().with_check())?;
    run_command(Command::new("cargo").args(["fmt", "--all", "--", "--check"]))?;
    run_command(Command::new("cargo").args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    run_command(Command::new("cargo").args(["test", "--workspace"]))?;
    run_command(Command::new("cargo").args(["build", "-p", "rekognition-server"]))?;
    let root = project_root();
    let venv_bin = root.join(".venv").join("bin");
    let path = std::env::join_paths(std::iter::once(venv_bin.clone()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))?;
    run_command(
        Command::new(venv_bin.join("pytest"))
            .args(["tests/python", "-q"])
            .env("PATH", path)
            .env(
                "REKOGNITION_SERVER_BIN",
                root.join("target/debug/rekognition-server"),
            ),
    )?;
    run_command(Command::new("node").args(["--test", "tests/js/"]).env(
        "REKOGNITION_SERVER_BIN",
        root.join("target/debug/rekognition-server"),
    ))?;
    eprintln!("all tests and checks passed");
    Ok(())
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
