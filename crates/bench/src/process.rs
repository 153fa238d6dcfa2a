//! Child processes under test: the release-built reference server and the ceiling server,
//! started on a free port, their address read from the first line they print, their memory read
//! from `/proc`.

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context as _, Result, bail};

/// A running child serving HTTP.
#[derive(Debug)]
pub struct Served {
    /// The child.
    pub child: Child,
    /// Where it listens.
    pub address: SocketAddr,
}

impl Served {
    /// Starts `program` with `args`; it must print a line with `http://ADDRESS` first.
    pub fn start(program: &Path, args: &[&str]) -> Result<Self> {
        let mut child = Command::new(program)
            .args(args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", program.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().context("no output")??;
        let Some(url) = first.split_whitespace().find(|w| w.starts_with("http://")) else {
            bail!("no address in {first:?}");
        };
        let address = url.trim_start_matches("http://").parse()?;
        std::thread::spawn(move || for _ in lines {});
        Ok(Self { child, address })
    }

    /// Resident memory, in bytes.
    pub fn rss(&self) -> Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let line = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .context("no VmRSS")?;
        let kib: u64 = line
            .split_whitespace()
            .nth(1)
            .context("no VmRSS value")?
            .parse()?;
        Ok(kib * 1024)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A binary built beside the running one (`target/release/<name>`).
pub fn sibling_binary(name: &str) -> Result<PathBuf> {
    let me = std::env::current_exe()?;
    let path = me.with_file_name(name);
    if !path.exists() {
        bail!(
            "{} is missing: build it with `cargo build --release -p rekognition-server`",
            path.display()
        );
    }
    Ok(path)
}

/// A fresh, empty folder under the system's temporary folder.
pub fn scratch_dir(name: &str) -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("rekognition-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
