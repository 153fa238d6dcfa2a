//! Runs a generated protocol compliance suite with cargo (the repository's, or one generated
//! from another source into a scratch workspace) and prints how many of its cases pass, fail and
//! are excluded, per protocol.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use anyhow::{Result, bail};

use crate::captured;

/// Runs the official protocol suites' cases in the workspace `dir` (the repository, or a scratch
/// one generated from another source), with `envs` set, and prints how many pass, fail and are
/// excluded, per protocol: `protocol {label}` for awsJson (with the validation cases served as
/// awsJson), `restJson1 {label}` for restJson1 and `rpcv2 {label}` for rpcv2Cbor and rpcv2Json
/// (Smithy's suites and the AWS suite's rpcv2Cbor services) (`label` is `compliance`, or says
/// the source).
pub(crate) fn protocol_compliance(label: &str, dir: &Path, envs: &[(&str, &OsStr)]) -> Result<()> {
    let cargo = || {
        let mut command = Command::new("cargo");
        command.current_dir(dir).envs(envs.iter().copied());
        command
    };
    let tests = dir.join("tests/protocol/compliance/tests");
    // Each generated file's excluded cases are those it runs through `expect_failure`; they pass
    // when they fail as expected, and are reported apart.
    let run_generated = |files: &[&str]| -> Result<(usize, usize, usize, String)> {
        let mut args = vec!["test", "-p", "protocol-compliance"];
        let mut excluded = 0;
        for name in files {
            args.extend(["--test", name]);
            let source = std::fs::read_to_string(tests.join(format!("{name}.rs")))?;
            excluded += source.matches("::expect_failure(").count();
        }
        let run = captured(cargo().args(&args))?;
        let (mut passed, mut failed) = (0, 0);
        for line in run.lines().filter(|l| l.starts_with("test result:")) {
            passed += count_before(line, " passed");
            failed += count_before(line, " failed");
        }
        Ok((passed - excluded.min(passed), failed, excluded, run))
    };
    let (json_passed, json_failed, json_excluded, json_run) =
        run_generated(&["json_protocol", "json_rpc10", "query_compatible_json_rpc10"])?;
    let malformed_run = captured(cargo().args([
        "test",
        "-p",
        "protocol-compliance",
        "--test",
        "malformed_requests",
        "--",
        "--nocapture",
    ]))?;
    let malformed = malformed_run
        .lines()
        .find_map(|l| l.strip_prefix("malformed requests: "))
        .map(|rest| {
            (
                count_before(rest, " passed"),
                count_before(rest, " failed"),
                count_before(rest, " excluded"),
            )
        });
    let Some((malformed_passed, malformed_failed, malformed_excluded)) = malformed else {
        bail!("the malformed-request cases did not report their counts:\n{malformed_run}");
    };
    let json_summary = format!(
        "protocol {label}: {} passed, {} failed, {} excluded",
        json_passed + malformed_passed,
        json_failed + malformed_failed,
        json_excluded + malformed_excluded
    );
    println!("{json_summary}");
    let (rest_passed, rest_failed, rest_excluded, rest_run) =
        run_generated(&["rest_json", "rest_json_validation"])?;
    let rest_summary = format!(
        "restJson1 {label}: {rest_passed} passed, {rest_failed} failed, {rest_excluded} excluded"
    );
    println!("{rest_summary}");
    let (rpc_passed, rpc_failed, rpc_excluded, rpc_run) = run_generated(&[
        "rpcv2_cbor",
        "rpcv2_json",
        "query_compatible_rpcv2_cbor",
        "non_query_compatible_rpcv2_cbor",
    ])?;
    let rpc_summary =
        format!("rpcv2 {label}: {rpc_passed} passed, {rpc_failed} failed, {rpc_excluded} excluded");
    println!("{rpc_summary}");
    if json_failed + malformed_failed > 0
        || !json_run.contains("test result: ok")
        || !malformed_run.contains("test result: ok")
    {
        bail!("{json_summary}\n{json_run}\n{malformed_run}");
    }
    if rest_failed > 0 || !rest_run.contains("test result: ok") {
        bail!("{rest_summary}\n{rest_run}");
    }
    if rpc_failed > 0 || !rpc_run.contains("test result: ok") {
        bail!("{rpc_summary}\n{rpc_run}");
    }
    Ok(())
}

/// The number just before `label` in `text` (`"3 passed"` gives 3 for `" passed"`).
fn count_before(text: &str, label: &str) -> usize {
    text.find(label)
        .and_then(|end| {
            text[..end]
                .rsplit(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}
