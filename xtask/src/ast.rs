//! `cargo xtask ast FILES...`: loads a model from `.smithy` IDL and `.json` JSON AST files and
//! folders and prints its JSON AST, as `smithy ast` does, for other tools to read.

use std::path::PathBuf;

use anyhow::{Result, bail};

/// The files and folders of the model.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// `.smithy` and `.json` files, and folders of them, that form one model.
    #[arg(required = true, value_name = "FILE|DIR")]
    files: Vec<PathBuf>,
}

pub(crate) fn run(args: &Args) -> Result<()> {
    match smithy_idl::load_paths(&args.files) {
        Ok(model) => {
            println!("{}", serde_json::to_string_pretty(&model)?);
            Ok(())
        }
        Err(errors) => {
            for error in &errors {
                eprintln!("{error}");
            }
            bail!("the model did not load: {} error(s)", errors.len())
        }
    }
}
