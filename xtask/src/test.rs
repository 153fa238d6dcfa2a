//! `cargo xtask test`: installs what the tests need, then every test and check, in the order
//! that fails fastest.

use std::process::{Command, Stdio};

use anyhow::{Result, bail};

use crate::{Flags, run_command};

pub(crate) fn run(flags: &Flags) -> Result<()> {
    flags.expect_only(&[])?;
    ensure_java()?;
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
