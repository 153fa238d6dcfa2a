//! Generates a Rust server crate from a Smithy model (IDL files, JSON AST, or both): one type per
//! structure, union and enum; a validator for every constraint trait that reports all violations
//! at once; one error enum per operation; a service trait; and `<Service>Server`, which serves an
//! implementation of it in the service's protocol (awsJson 1.0/1.1 or restJson1).
//!
//! From a `build.rs`, [`build::compile`] writes the code into `OUT_DIR` and
//! `smithy_server_runtime::include_service!` includes it:
//!
//! ```no_run
//! // build.rs's main
//! if let Err(error) = smithy_server_codegen::build::compile(&["model"]) {
//!     panic!("model/ does not generate:\n{error}");
//! }
//! ```
//!
//! [`generate`], [`generate_from_files`] and [`generate_loaded`] give the source as a string, and
//! [`crate_files`] a whole crate around it. Inside, four stages each in a module of its own: load
//! (the shapes of a [`Model`], which the `smithy-idl` crate reads from IDL or JSON AST), lower
//! (the IR, every fact and name decided), emit (tokens) and render (prettyplease).

pub mod build;
mod docs;
mod emit;
pub mod error;
mod ir;
mod load;
mod lower;
mod naming;
mod render;
mod smithy;

pub use error::{Error, Result};
pub use ir::{FillValue, Protocol};
use smithy_patterns as pattern;

/// The generator's stages, for this project's own tools (`xtask`, its tests and benches): not
/// an API; anything here may change with any release.
#[doc(hidden)]
pub mod internal {
    /// See the crate's `docs`.
    pub mod docs {
        pub use crate::docs::*;
    }
    /// See the crate's `ir`.
    pub mod ir {
        pub use crate::ir::*;
    }
    /// See the crate's `load`.
    pub mod load {
        pub use crate::load::*;
    }
    /// See the crate's `lower`.
    pub mod lower {
        pub use crate::lower::*;
    }
    /// See the crate's `naming`.
    pub mod naming {
        pub use crate::naming::*;
    }
    /// See the crate's `render`.
    pub mod render {
        pub use crate::render::*;
    }
    /// See the crate's `smithy`.
    pub mod smithy {
        pub use crate::smithy::*;
    }
    pub use crate::emit::default_expr;
    /// Pattern translation (the `smithy-patterns` crate).
    pub use smithy_patterns as pattern;
}

use std::time::{Duration, Instant};

/// What to generate, and how to label it.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The service shape id; `None` picks the model's only service.
    pub service: Option<String>,
    /// Serve the service with this protocol whatever its traits say (for test suites whose
    /// validation cases are written for another protocol).
    pub protocol_override: Option<Protocol>,
    /// Members of error structures filled in when the handler leaves them unset, by member
    /// name: an optional `String` member of that name gets the value. By default `Logref` gets
    /// the request id and `Code` the error's name, as AWS services answer.
    pub error_fills: Vec<(String, FillValue)>,
    /// The names of the model's own error for a failure of the server, in order of preference:
    /// the first server-fault error structure of one of these names whose members are all
    /// optional answers when a handler panics (with the message `Internal server error`);
    /// without one, the framework's `InternalFailure` does.
    pub internal_errors: Vec<String>,
    /// The name the runtime crate is imported under.
    pub runtime_crate: String,
    /// The model, as named in the generated-file header.
    pub source: String,
    /// The command that regenerates the output, as named in the header.
    pub command: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            service: None,
            protocol_override: None,
            error_fills: vec![
                ("Logref".to_owned(), FillValue::RequestId),
                ("Code".to_owned(), FillValue::ErrorName),
            ],
            internal_errors: [
                "InternalServerError",
                "InternalServerException",
                "InternalFailure",
                "InternalError",
            ]
            .map(str::to_owned)
            .to_vec(),
            runtime_crate: "smithy_server_runtime".to_owned(),
            source: "a Smithy model".to_owned(),
            command: "smithy-server-codegen".to_owned(),
        }
    }
}

/// The generated code for one service.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The service's shape id.
    pub service_id: String,
    /// The service trait's name.
    pub trait_name: String,
    /// The Rust source: modules `model`, `error`, `operation`, `server` (and a private `json`).
    pub source: String,
    /// Operations left out, each with the reason.
    pub skipped: Vec<String>,
    /// How many shapes the service reaches.
    pub shape_count: usize,
    /// Whether the service has `bigInteger` or `bigDecimal` values, whose digits the runtime
    /// keeps only with its `arbitrary-precision` feature.
    pub big_numbers: bool,
    /// How long each stage took.
    pub timings: StageTimings,
}

/// The time each stage of [`generate`] took.
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimings {
    /// Loading the model (the IDL loader reading its files or text) and its shapes.
    pub load: Duration,
    /// Resolving it into the IR (including translating every pattern).
    pub lower: Duration,
    /// Emitting tokens.
    pub emit: Duration,
    /// Formatting with prettyplease.
    pub render: Duration,
}

/// A model loaded by the IDL loader (`smithy-idl`) from IDL files, JSON AST files, or JSON AST
/// text: one Smithy 2.0 JSON AST whatever it was read from (1.0 models upgraded), every
/// reference resolved and every trait checked. The generator reads only this.
#[derive(Debug, Clone)]
pub struct Model(serde_json::Value);

impl Model {
    /// Loads a model from JSON AST text.
    pub fn from_json(json: &str) -> Result<Self> {
        let files = [(JSON_MODEL_NAME.to_owned(), json.to_owned())];
        smithy_idl::load(&files).map(Model).map_err(Error::Load)
    }

    /// Loads a model given as files and folders: `.smithy` IDL files and `.json` JSON AST
    /// files, together one model (the prelude is implicit; every such file under a folder is
    /// read).
    pub fn from_files<P: AsRef<std::path::Path>>(paths: &[P]) -> Result<Self> {
        smithy_idl::load_paths(paths)
            .map(Model)
            .map_err(Error::Load)
    }

    /// The model as a JSON AST value.
    pub fn as_json(&self) -> &serde_json::Value {
        &self.0
    }
}

/// How errors in a model given as JSON AST text name it.
const JSON_MODEL_NAME: &str = "model.json";

/// Generates the Rust source for a model's service, the model given as JSON AST text.
pub fn generate(model_json: &str, settings: &Settings) -> Result<Generated> {
    let started = Instant::now();
    let model = Model::from_json(model_json)?;
    generate_model(&model, settings, started)
}

/// Generates the Rust source for a model given as files and folders (see
/// [`Model::from_files`]).
pub fn generate_from_files<P: AsRef<std::path::Path>>(
    paths: &[P],
    settings: &Settings,
) -> Result<Generated> {
    let started = Instant::now();
    let model = Model::from_files(paths)?;
    generate_model(&model, settings, started)
}

/// Generates the Rust source for a loaded model's service.
pub fn generate_loaded(model: &Model, settings: &Settings) -> Result<Generated> {
    generate_model(model, settings, Instant::now())
}

fn generate_model(model: &Model, settings: &Settings, started: Instant) -> Result<Generated> {
    let shapes = load::load(&model.0)?;
    let loaded = Instant::now();
    let service = lower::lower(shapes, settings)?;
    let lowered = Instant::now();
    let tokens = emit::emit(&service, &settings.runtime_crate);
    let emitted = Instant::now();
    let header = render::header(&settings.source, &settings.command, "//");
    let source = render::render(&service.id, tokens, &header)?;
    let rendered = Instant::now();
    Ok(Generated {
        service_id: service.id.clone(),
        trait_name: service.trait_name.clone(),
        source,
        skipped: service.skipped.clone(),
        shape_count: service.shapes.len(),
        big_numbers: service.big_numbers,
        timings: StageTimings {
            load: loaded - started,
            lower: lowered - loaded,
            emit: emitted - lowered,
            render: rendered - emitted,
        },
    })
}

/// The JSON AST text of a model given as files and folders (see [`Model::from_files`]).
pub fn model_json<P: AsRef<std::path::Path>>(paths: &[P]) -> Result<String> {
    Model::from_files(paths).map(|model| model.0.to_string())
}

/// How to package generated code as a crate.
#[derive(Debug, Clone)]
pub struct CrateSettings {
    /// The package name.
    pub package: String,
    /// The runtime crate's path, relative to the generated crate.
    pub runtime_path: String,
    /// Inside this project's workspace (inherit its lints), or a workspace of its own.
    pub in_workspace: bool,
}

/// The files of a crate around generated code: `Cargo.toml`, `src/lib.rs`, `src/generated.rs`.
pub fn crate_files(
    generated: &Generated,
    settings: &Settings,
    krate: &CrateSettings,
) -> Vec<(String, String)> {
    let toml_header = render::header(&settings.source, &settings.command, "#");
    let workspace = if krate.in_workspace {
        "\n[lints]\nworkspace = true\n".to_owned()
    } else {
        "\n# A workspace of its own, so it builds wherever it is written.\n[workspace]\n".to_owned()
    };
    let features = if generated.big_numbers {
        ", features = [\"arbitrary-precision\"]"
    } else {
        ""
    };
    let cargo_toml = format!(
        "{toml_header}[package]\nname = \"{package}\"\nversion = \"0.1.0\"\ndescription = \"Server SDK for {service}, generated from its Smithy model\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nsmithy-server-runtime = {{ path = \"{runtime}\"{features} }}\n{workspace}",
        package = krate.package,
        service = generated.service_id,
        runtime = krate.runtime_path,
    );
    let rust_header = render::header(&settings.source, &settings.command, "//");
    let lib_rs = format!(
        "{rust_header}//! Server SDK for `{service}`, generated from its Smithy model: the shapes (`model`,\n//! `error`), the operations (`operation`), and the trait to implement with the dispatch that\n//! calls it (`server`).\n\n#[rustfmt::skip]\nmod generated;\n\npub use generated::*;\n",
        service = generated.service_id,
    );
    vec![
        ("Cargo.toml".to_owned(), cargo_toml),
        ("src/lib.rs".to_owned(), lib_rs),
        ("src/generated.rs".to_owned(), generated.source.clone()),
    ]
}
