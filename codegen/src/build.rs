//! Generating from a `build.rs`, in the style of `tonic-build`: configure, then compile model
//! files into `OUT_DIR`, telling cargo which files to watch and which operations were left out;
//! `smithy_server_runtime::include_service!` includes the result.
//!
//! ```no_run
//! // build.rs's main: every .smithy and .json file under model/ forms the model
//! if let Err(error) = smithy_server_codegen::build::compile(&["model"]) {
//!     panic!("model/ does not generate:\n{error}");
//! }
//! ```
//!
//! and in the crate, `smithy_server_runtime::include_service!("weather");` for the service
//! `Weather`.

use std::path::{Path, PathBuf};

use heck::ToSnakeCase as _;

use crate::error::{Error, Result};
use crate::{Generated, Model, Settings};

/// What to generate from a `build.rs`, and where.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    settings: Settings,
    out_dir: Option<PathBuf>,
    file_name: Option<String>,
}

/// A builder with the default settings: the model's only service, into `OUT_DIR`.
pub fn configure() -> Builder {
    Builder::default()
}

/// Compiles the model of `paths` (files and folders) with the default settings.
pub fn compile<P: AsRef<Path>>(paths: &[P]) -> Result<Generated> {
    configure().compile(paths)
}

impl Builder {
    /// Generates the service of this shape id (needed where the model has several).
    pub fn service(mut self, shape_id: impl Into<String>) -> Self {
        self.settings.service = Some(shape_id.into());
        self
    }

    /// Generates with these settings.
    pub fn settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// Writes into this folder instead of `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Names the file this way instead of after the service (`weather.rs` for `Weather`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Loads the model of `paths` (every `.smithy` and `.json` file under a folder), generates
    /// its service into the output folder, and prints for cargo `rerun-if-changed` for each
    /// path and each file loaded, and a `warning` for each operation left out.
    pub fn compile<P: AsRef<Path>>(self, paths: &[P]) -> Result<Generated> {
        for path in paths {
            println!("cargo:rerun-if-changed={}", path.as_ref().display());
        }
        let files = smithy_idl::model_files(paths).map_err(Error::Load)?;
        for file in &files {
            println!("cargo:rerun-if-changed={}", file.display());
        }
        let model = Model::from_files(&files)?;
        let generated = crate::generate_loaded(&model, &self.settings)?;
        for skipped in &generated.skipped {
            println!("cargo:warning=operation left out: {skipped}");
        }
        let out_dir = match self.out_dir {
            Some(dir) => dir,
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    Error::Output("OUT_DIR is not set: run from a build script".into())
                })?,
        };
        let file_name = self.file_name.unwrap_or_else(|| {
            let name = generated.trait_name.to_snake_case();
            format!("{name}.rs")
        });
        let path = out_dir.join(file_name);
        std::fs::write(&path, &generated.source)
            .map_err(|error| Error::Output(format!("cannot write {}: {error}", path.display())))?;
        Ok(generated)
    }
}
