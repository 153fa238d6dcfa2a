//! `cargo xtask test`: every test and check, in the order that fails fastest.

use std::process::Command;

use anyhow::Result;

use crate::{Flags, run_command};

pub(crate) fn run(flags: &Flags) -> Result<()> {
    flags.expect_only(&[])?;
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
