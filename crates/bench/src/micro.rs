//! Reading back what the criterion benches (`benches/micro.rs`) measured: the mean time per
//! iteration of each, from `target/criterion/**/new/{benchmark,estimates}.json`.

use std::path::Path;

use anyhow::{Context as _, Result};

/// The bench the validation target is judged on.
pub const VALIDATE_TARGET: &str = "validate/CreateCollection with tags";

/// Every benchmark's full id and mean nanoseconds per iteration, sorted by id.
pub fn read_estimates(dir: &Path) -> Result<Vec<(String, f64)>> {
    let mut found = Vec::new();
    visit(dir, &mut found)?;
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found)
}

fn visit(dir: &Path, found: &mut Vec<(String, f64)>) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry?.path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name().is_some_and(|n| n == "new") {
            let benchmark: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(path.join("benchmark.json"))?)?;
            let estimates: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(path.join("estimates.json"))?)?;
            let id = benchmark["full_id"]
                .as_str()
                .context("benchmark.json without full_id")?
                .to_owned();
            let mean = estimates["mean"]["point_estimate"]
                .as_f64()
                .context("estimates.json without a mean")?;
            found.push((id, mean));
        } else {
            visit(&path, found)?;
        }
    }
    Ok(())
}

/// Nanoseconds as ns, µs or ms.
pub fn human(nanos: f64) -> String {
    if nanos < 1_000.0 {
        format!("{nanos:.0} ns")
    } else if nanos < 1_000_000.0 {
        format!("{:.2} µs", nanos / 1_000.0)
    } else {
        format!("{:.2} ms", nanos / 1_000_000.0)
    }
}
