//! `cargo xtask codegen`: regenerates the committed generated crates, checks them for
//! staleness, or generates a standalone crate for any model.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use smithy_server_codegen::{CrateSettings, Protocol, Settings};

use crate::files::{Destination, Mode, Outcome, ensure_file_contents};
use crate::project_root;
use crate::protocol_tests::{ProtocolTests, SmithySuite, Source};

const COMMAND: &str = "cargo xtask codegen";

/// A generated crate kept in this repository.
struct Target {
    model: Model,
    service: Option<&'static str>,
    protocol_override: Option<Protocol>,
    /// The crate folder, relative to the project root.
    out: &'static str,
    package: &'static str,
    /// The compliance tests generated from the service's protocol test cases: a file of
    /// `tests/protocol/compliance/tests/`.
    tests: Option<&'static str>,
}

/// Where a target's model comes from.
enum Model {
    /// A JSON AST file, relative to the project root.
    File(&'static str),
    /// The protocol-test suite, from the source asked for (the committed crates: the JSON AST).
    ProtocolTests,
    /// One of Smithy's own protocol-test suites, which exist only as IDL.
    Smithy(SmithySuite),
}

fn targets() -> Vec<Target> {
    [
        Target {
            model: Model::File("model/rekognition.json"),
            service: Some("com.amazonaws.rekognition#RekognitionService"),
            protocol_override: None,
            out: "crates/rekognition-server-sdk",
            package: "rekognition-server-sdk",
            tests: None,
        },
        Target {
            model: Model::ProtocolTests,
            service: Some("aws.protocoltests.json#JsonProtocol"),
            protocol_override: None,
            out: "tests/protocol/json-protocol-server-sdk",
            package: "json-protocol-server-sdk",
            tests: Some("json_protocol.rs"),
        },
        Target {
            model: Model::ProtocolTests,
            service: Some("aws.protocoltests.json10#JsonRpc10"),
            protocol_override: None,
            out: "tests/protocol/json-rpc10-server-sdk",
            package: "json-rpc10-server-sdk",
            tests: Some("json_rpc10.rs"),
        },
        Target {
            model: Model::ProtocolTests,
            service: Some("aws.protocoltests.json10#QueryCompatibleJsonRpc10"),
            protocol_override: None,
            out: "tests/protocol/query-compatible-json-rpc10-server-sdk",
            package: "query-compatible-json-rpc10-server-sdk",
            tests: Some("query_compatible_json_rpc10.rs"),
        },
        Target {
            model: Model::ProtocolTests,
            service: Some("aws.protocoltests.restjson#RestJson"),
            protocol_override: None,
            out: "tests/protocol/rest-json-server-sdk",
            package: "rest-json-server-sdk",
            tests: Some("rest_json.rs"),
        },
        Target {
            model: Model::ProtocolTests,
            service: Some("aws.protocoltests.restjson.validation#RestJsonValidation"),
            protocol_override: None,
            out: "tests/protocol/rest-json-validation-server-sdk",
            package: "rest-json-validation-server-sdk",
            tests: Some("rest_json_validation.rs"),
        },
        // The same validation service served as awsJson 1.1: its operations take plain JSON
        // bodies, so every constraint case also checks the awsJson path.
        Target {
            model: Model::ProtocolTests,
            service: Some("aws.protocoltests.restjson.validation#RestJsonValidation"),
            protocol_override: Some(Protocol::AwsJson1_1),
            out: "tests/protocol/aws-json-validation-server-sdk",
            package: "aws-json-validation-server-sdk",
            tests: None,
        },
    ]
    .into_iter()
    .chain(rpc_v2_targets())
    .collect()
}

/// The RPC v2 services: Smithy's own suites of rpcv2Cbor and rpcv2Json, and the AWS suite's
/// two rpcv2Cbor services (query-compatible and not).
fn rpc_v2_targets() -> [Target; 4] {
    [
        Target {
            model: Model::Smithy(SmithySuite::RpcV2Cbor),
            service: Some("smithy.protocoltests.rpcv2Cbor#RpcV2Protocol"),
            protocol_override: None,
            out: "tests/protocol/rpcv2-cbor-server-sdk",
            package: "rpcv2-cbor-server-sdk",
            tests: Some("rpcv2_cbor.rs"),
        },
        Target {
            model: Model::Smithy(SmithySuite::RpcV2Json),
            service: Some("smithy.protocoltests.rpcv2Json#RpcV2JsonProtocol"),
            protocol_override: None,
            out: "tests/protocol/rpcv2-json-server-sdk",
            package: "rpcv2-json-server-sdk",
            tests: Some("rpcv2_json.rs"),
        },
        Target {
            model: Model::ProtocolTests,
            service: Some("aws.protocoltests.rpcv2cbor#QueryCompatibleRpcV2Protocol"),
            protocol_override: None,
            out: "tests/protocol/query-compatible-rpcv2-cbor-server-sdk",
            package: "query-compatible-rpcv2-cbor-server-sdk",
            tests: Some("query_compatible_rpcv2_cbor.rs"),
        },
        Target {
            model: Model::ProtocolTests,
            service: Some("aws.protocoltests.rpcv2cbor#NonQueryCompatibleRpcV2Protocol"),
            protocol_override: None,
            out: "tests/protocol/non-query-compatible-rpcv2-cbor-server-sdk",
            package: "non-query-compatible-rpcv2-cbor-server-sdk",
            tests: Some("non_query_compatible_rpcv2_cbor.rs"),
        },
    ]
}

#[derive(Debug, Default, clap::Args)]
pub(crate) struct Args {
    /// Write nothing; fail, naming every stale file, if a generated crate is out of date.
    #[arg(long)]
    pub(crate) check: bool,
    /// Generate a standalone crate from this model instead: a `.smithy` IDL or `.json` JSON AST
    /// file, or a folder of them; repeat it to give several, which form one model.
    #[arg(long, value_name = "FILE|DIR", requires = "out")]
    pub(crate) model: Vec<PathBuf>,
    /// The folder of the standalone crate (with --model).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// The service shape to generate, when the model has several (with --model).
    #[arg(long, value_name = "SHAPE_ID")]
    pub(crate) service: Option<String>,
    /// The standalone crate's package name (with --model; by default from the service's name).
    #[arg(long, value_name = "NAME")]
    pub(crate) package: Option<String>,
}

pub(crate) fn run(args: &Args) -> Result<()> {
    if !args.model.is_empty() {
        let out = args.out.as_deref().context("--model needs --out DIR")?;
        return standalone(
            &args.model,
            args.service.as_deref(),
            out,
            args.package.as_deref(),
        );
    }
    let mode = if args.check { Mode::Check } else { Mode::Write };
    let destination = Destination {
        root: project_root(),
        command: COMMAND,
        mode,
    };
    let mut stale = Vec::new();
    for target in targets() {
        if let Model::File(model) = target.model {
            let path = project_root().join(model);
            let loaded = smithy_server_codegen::Model::from_files(&[&path])
                .with_context(|| format!("loading {}", path.display()))?;
            stale.extend(write_target(&target, &loaded, model, &destination)?);
        }
    }
    let suite = ProtocolTests {
        source: Source::Json,
        model: Source::Json.model()?,
    };
    stale.extend(write_protocol_suite(&suite, &destination)?);
    stale.extend(crate::idl_corpus::generate(mode)?);
    if !stale.is_empty() {
        let list: Vec<String> = stale.iter().map(|p| format!("  {}", p.display())).collect();
        bail!(
            "generated code is stale:\n{}\nrun `{COMMAND}` and commit the result",
            list.join("\n")
        );
    }
    Ok(())
}

/// Generates one target's crate from `model` (named `label` in its headers) under
/// `destination`. Returns the stale files (check mode).
fn write_target(
    target: &Target,
    model: &smithy_server_codegen::Model,
    label: &str,
    destination: &Destination<'_>,
) -> Result<Vec<PathBuf>> {
    let settings = Settings {
        service: target.service.map(str::to_owned),
        protocol_override: target.protocol_override,
        source: label.to_owned(),
        command: destination.command.to_owned(),
        ..Settings::default()
    };
    let generated = smithy_server_codegen::generate_loaded(model, &settings)
        .with_context(|| format!("generating {}", target.out))?;
    let out = destination.root.join(target.out);
    // Relative to the crate where it is under the project root, as committed.
    let runtime_path = match out.strip_prefix(project_root()) {
        Ok(inside) => format!(
            "{}crates/runtime",
            "../".repeat(inside.components().count())
        ),
        Err(_) => project_root().join("crates/runtime").display().to_string(),
    };
    let krate = CrateSettings {
        package: target.package.to_owned(),
        runtime_path,
        in_workspace: true,
    };
    let mut stale = Vec::new();
    for (relative, contents) in smithy_server_codegen::crate_files(&generated, &settings, &krate) {
        let path = out.join(relative);
        if ensure_file_contents(&path, &contents, destination.mode)? == Outcome::Stale {
            stale.push(path);
        }
    }
    Ok(stale)
}

/// The crate folders generated from the protocol-test suites, relative to a destination's root.
pub(crate) fn protocol_crates() -> Vec<&'static str> {
    targets()
        .into_iter()
        .filter(|t| !matches!(t.model, Model::File(_)))
        .map(|t| t.out)
        .collect()
}

/// The models of the protocol-test suites: the AWS suite from its source, and Smithy's own
/// suites from their IDL, each loaded once.
struct SuiteModels<'a> {
    aws: &'a ProtocolTests,
    smithy: Vec<(SmithySuite, smithy_server_codegen::Model)>,
}

impl<'a> SuiteModels<'a> {
    fn load(aws: &'a ProtocolTests) -> Result<Self> {
        let smithy = [SmithySuite::RpcV2Cbor, SmithySuite::RpcV2Json]
            .into_iter()
            .map(|suite| Ok((suite, suite.model()?)))
            .collect::<Result<_>>()?;
        Ok(Self { aws, smithy })
    }

    /// A target's model and how generated headers name it; `None` for a model of its own.
    fn of(&self, target: &Target) -> Option<(&smithy_server_codegen::Model, String)> {
        match target.model {
            Model::File(_) => None,
            Model::ProtocolTests => Some((&self.aws.model, self.aws.source.label().to_owned())),
            Model::Smithy(suite) => self
                .smithy
                .iter()
                .find(|(loaded, _)| *loaded == suite)
                .map(|(_, model)| (model, suite.label())),
        }
    }
}

/// Generates the protocol-test suites' server crates and compliance tests (the AWS suite from
/// `suite`, Smithy's own from their IDL) under `destination`. Returns the stale files (check
/// mode).
pub(crate) fn write_protocol_suite(
    suite: &ProtocolTests,
    destination: &Destination<'_>,
) -> Result<Vec<PathBuf>> {
    let models = SuiteModels::load(suite)?;
    let mut stale = Vec::new();
    for target in targets() {
        if let Some((model, label)) = models.of(&target) {
            stale.extend(write_target(&target, model, &label, destination)?);
        }
    }
    stale.extend(compliance_tests(&models, destination)?);
    Ok(stale)
}

/// The compliance tests generated from the protocol suites' services, with the exclusion list
/// (of the harness crate under `destination`) applied. Returns the stale files (check mode).
fn compliance_tests(
    models: &SuiteModels<'_>,
    destination: &Destination<'_>,
) -> Result<Vec<PathBuf>> {
    let folder = destination.root.join("tests/protocol/compliance");
    let exclusions = read_exclusions(&folder.join("exclusions.txt"))?;
    let mut stale = Vec::new();
    let mut unknown: Option<Vec<String>> = None;
    for target in targets() {
        let (Some(file), Some(service), Some((model, label))) =
            (target.tests, target.service, models.of(&target))
        else {
            continue;
        };
        let settings = Settings {
            service: Some(service.to_owned()),
            source: label,
            command: destination.command.to_owned(),
            ..Settings::default()
        };
        let compliance = crate::compliance::ComplianceSettings {
            sdk_crate: target.package.replace('-', "_"),
            harness_crate: "protocol_compliance".to_owned(),
            exclusions: exclusions.clone(),
        };
        let tests = crate::compliance::generate_tests(model, &settings, &compliance)
            .with_context(|| format!("generating the compliance tests of {service}"))?;
        // An exclusion must name a case of some service.
        let mine: BTreeSet<String> = tests.unknown_exclusions.into_iter().collect();
        unknown = Some(match unknown {
            None => mine.into_iter().collect(),
            Some(previous) => previous
                .into_iter()
                .filter(|id| mine.contains(id))
                .collect(),
        });
        let path = folder.join("tests").join(file);
        if ensure_file_contents(&path, &tests.source, destination.mode)? == Outcome::Stale {
            stale.push(path);
        }
    }
    if let Some(unknown) = unknown.filter(|u| !u.is_empty()) {
        bail!(
            "exclusions.txt names cases that do not exist: {}",
            unknown.join(", ")
        );
    }
    Ok(stale)
}

fn read_exclusions(path: &Path) -> Result<BTreeMap<String, String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = BTreeMap::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let Some((id, reason)) = line.split_once(':') else {
            bail!("{}: `{line}` is not `CaseId: reason`", path.display());
        };
        out.insert(id.trim().to_owned(), reason.trim().to_owned());
    }
    Ok(out)
}

fn standalone(
    model: &[PathBuf],
    service: Option<&str>,
    out: &Path,
    package: Option<&str>,
) -> Result<()> {
    let written = write_standalone(model, service, out, package, false)?;
    for skipped in &written.generated.skipped {
        eprintln!("skipped operation {skipped}");
    }
    eprintln!(
        "generated {} ({} shapes) into {} in {:.0?}",
        written.generated.service_id,
        written.generated.shape_count,
        written.out.display(),
        written.elapsed
    );
    Ok(())
}

/// A crate generated from a model by [`write_standalone`].
pub(crate) struct Standalone {
    pub(crate) generated: smithy_server_codegen::Generated,
    /// How long generation took (not counting the writes).
    pub(crate) elapsed: std::time::Duration,
    /// The crate folder, canonical.
    pub(crate) out: PathBuf,
    /// The files written (or already up to date), relative to `out`, with their contents.
    pub(crate) files: Vec<(String, String)>,
}

/// Generates a crate for the model of `files` (IDL or JSON AST files and folders) into `out`,
/// depending on this repository's runtime by absolute path. `in_workspace` makes it inherit the
/// lints of the workspace around `out` instead of being a workspace of its own.
pub(crate) fn write_standalone(
    files: &[PathBuf],
    service: Option<&str>,
    out: &Path,
    package: Option<&str>,
    in_workspace: bool,
) -> Result<Standalone> {
    let shown: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let settings = Settings {
        service: service.map(str::to_owned),
        source: shown.join(", "),
        command: format!("{COMMAND} --model {}", shown.join(" --model ")),
        ..Settings::default()
    };
    let started = std::time::Instant::now();
    let generated = smithy_server_codegen::generate_from_files(files, &settings)?;
    let elapsed = started.elapsed();
    std::fs::create_dir_all(out)?;
    let out = out.canonicalize()?;
    let runtime = project_root()
        .join("crates")
        .join("runtime")
        .canonicalize()?;
    let package = match package {
        Some(name) => name.to_owned(),
        None => default_package(&generated.trait_name),
    };
    let krate = CrateSettings {
        package,
        runtime_path: runtime.display().to_string(),
        in_workspace,
    };
    let files = smithy_server_codegen::crate_files(&generated, &settings, &krate);
    for (relative, contents) in &files {
        ensure_file_contents(&out.join(relative), contents, Mode::Write)?;
    }
    Ok(Standalone {
        generated,
        elapsed,
        out,
        files,
    })
}

fn default_package(trait_name: &str) -> String {
    let mut name = String::new();
    for (i, c) in trait_name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            name.push('-');
        }
        name.push(c.to_ascii_lowercase());
    }
    format!("{name}-server-sdk")
}

#[cfg(test)]
mod tests {
    /// `cargo test` fails when a committed generated crate is stale.
    #[test]
    fn generated_code_is_fresh() {
        let check = super::Args {
            check: true,
            ..super::Args::default()
        };
        if let Err(error) = super::run(&check) {
            panic!("{error:#}");
        }
    }
}
