//! Loads Smithy IDL files (2.0, and the 1.0 form) into the Smithy JSON AST, the same value
//! Smithy's own loader serializes, so anything that reads the JSON AST can read IDL models.
//!
//! Several files form one model: shape ids resolve across files, `apply` and mixins may
//! reach shapes in other files, and the prelude's names resolve without a `use`. JSON AST
//! files (names ending in `.json`) may be loaded alongside, as Smithy's model assembler allows.
//! A shape may be defined more than once, as Smithy's loader allows: an identical definition
//! (a file shared by two models, say) is ignored, one that builds the same shape with other
//! traits adds them, and one that builds another shape is refused, naming both definitions.
//!
//! The result is always a 2.0 model: shapes from 1.0 files (IDL or JSON AST) get the `@default`
//! traits that give them the nullability they had in 1.0, as Smithy's loader upgrades them.
//! Every trait applied must be defined: a shape marked `@trait` in the inputs or the prelude,
//! or a trait of one of Smithy's own trait packages (`aws.protocols`, `aws.auth`, `aws.api`,
//! `smithy.test`, `smithy.waiters`, ...), which resolve as if those packages were loaded; so do
//! the shapes of Smithy's validation package (`smithy.framework#ValidationException`).
//!
//! ```
//! let model = smithy_idl::load(&[(
//!     "weather.smithy".to_string(),
//!     "$version: \"2\"\nnamespace example\n\nstring CityId\n".to_string(),
//! )])
//! .unwrap();
//! assert_eq!(model["shapes"]["example#CityId"]["type"], "string");
//! ```

mod assemble;
mod error;
mod lexer;
mod parser;
mod prelude;

use std::path::{Path, PathBuf};

pub use error::{Error, ErrorKind, Warning};

/// Loads files given as (name, text) pairs into one JSON AST value:
/// `{"smithy": "2.0", "metadata": {...}, "shapes": {...}}`.
///
/// Names are used in errors; a name ending in `.json` marks a JSON AST file. Every problem
/// found is returned, not just the first.
pub fn load(files: &[(String, String)]) -> Result<serde_json::Value, Vec<Error>> {
    load_with_warnings(files).map(|(model, _)| model)
}

/// Loads files as [`load`] does, and also returns what Smithy's loader warns about in a model
/// it accepts: unknown control statements and service or resource properties, `use` of shapes
/// defined nowhere, the deprecated `@enum` trait in 2.0 files.
///
/// ```
/// let (model, warnings) = smithy_idl::load_with_warnings(&[(
///     "a.smithy".to_string(),
///     "$version: \"2\"\n$owner: \"me\"\nnamespace a\n\nstring S\n".to_string(),
/// )])
/// .unwrap();
/// assert_eq!(model["shapes"]["a#S"]["type"], "string");
/// assert_eq!(warnings[0].line, 2);
/// assert!(warnings[0].message.starts_with("Unknown control statement `owner`"));
/// ```
pub fn load_with_warnings(
    files: &[(String, String)],
) -> Result<(serde_json::Value, Vec<Warning>), Vec<Error>> {
    let mut sources: Vec<assemble::Source<'_>> = files
        .iter()
        .map(|(name, text)| assemble::Source { name, text })
        .collect();
    match assemble::assemble(&sources) {
        Err(errors) if needs_validation_package(&errors) => {
            sources.push(assemble::Source {
                name: VALIDATION_PACKAGE_NAME,
                text: VALIDATION_PACKAGE,
            });
            assemble::assemble(&sources)
        }
        result => result,
    }
}

/// Smithy's validation model package (`smithy.framework#ValidationException` and the shapes of
/// its field list), which servers list among an operation's errors to report constraint
/// violations. Like Smithy's trait packages, it resolves without its file: a model that refers
/// to its shapes without defining them is loaded with it.
const VALIDATION_PACKAGE: &str = include_str!("framework.smithy");

/// How errors in [`VALIDATION_PACKAGE`] name it.
const VALIDATION_PACKAGE_NAME: &str = "smithy.framework (built in)";

/// Whether the only thing missing is the validation package: some reference to one of its
/// shapes is unresolved, and the package is not among the inputs.
fn needs_validation_package(errors: &[Error]) -> bool {
    errors.iter().any(|e| {
        matches!(&e.kind, ErrorKind::UnresolvedShape { id } if id.starts_with("smithy.framework#"))
    })
}

/// Loads `.smithy` and `.json` files, and every such file under the given folders (sorted by
/// path, so the result does not depend on the order the file system lists them).
pub fn load_paths<P: AsRef<Path>>(paths: &[P]) -> Result<serde_json::Value, Vec<Error>> {
    load_paths_with_warnings(paths).map(|(model, _)| model)
}

/// The files [`load_paths`] reads for `paths`: each file given, and every `.smithy` and `.json`
/// file under each folder given, sorted by path within a folder.
pub fn model_files<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<PathBuf>, Vec<Error>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        collect(path.as_ref(), &mut files, &mut errors, 0);
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

/// Loads files and folders as [`load_paths`] does, with the warnings of [`load_with_warnings`].
pub fn load_paths_with_warnings<P: AsRef<Path>>(
    paths: &[P],
) -> Result<(serde_json::Value, Vec<Warning>), Vec<Error>> {
    let files = model_files(paths)?;
    let mut errors = Vec::new();
    let mut loaded = Vec::new();
    for file in files {
        let name = file.display().to_string();
        match std::fs::read_to_string(&file) {
            Ok(text) => loaded.push((name, text)),
            Err(e) => errors.push(Error {
                kind: ErrorKind::Io,
                file: name,
                line: 0,
                column: 0,
                message: format!("cannot read the file: {e}"),
                source_line: None,
            }),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    load_with_warnings(&loaded)
}

/// How deep folders are followed, so a link cycle cannot loop forever.
const MAX_FOLDER_DEPTH: usize = 32;

fn collect(path: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<Error>, depth: usize) {
    if !path.is_dir() {
        files.push(path.to_path_buf());
        return;
    }
    if depth > MAX_FOLDER_DEPTH {
        return;
    }
    let entries = match std::fs::read_dir(path) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(Error {
                kind: ErrorKind::Io,
                file: path.display().to_string(),
                line: 0,
                column: 0,
                message: format!("cannot read the folder: {e}"),
                source_line: None,
            });
            return;
        }
    };
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for child in children {
        if child.is_dir() {
            collect(&child, files, errors, depth + 1);
        } else if child
            .extension()
            .is_some_and(|ext| ext == "smithy" || ext == "json")
        {
            files.push(child);
        }
    }
}

/// The prelude's value shapes (`smithy.api#String`, `smithy.api#PrimitiveInteger`,
/// `smithy.api#Unit`, ...) as JSON AST shapes by absolute id, with the traits Smithy's prelude
/// gives them. A loaded model leaves the prelude out, as Smithy's JSON AST does; a reader that
/// resolves members' targets adds these.
///
/// ```
/// let shapes = smithy_idl::prelude_value_shapes();
/// assert_eq!(shapes["smithy.api#PrimitiveInteger"]["traits"]["smithy.api#default"], 0);
/// ```
pub fn prelude_value_shapes() -> serde_json::Map<String, serde_json::Value> {
    prelude::value_shapes()
}

/// The shapes of the prelude (`smithy.api`) that every model can name, as (name, shape type).
pub fn prelude_shape_names() -> &'static [(&'static str, &'static str)] {
    prelude::PRELUDE_SHAPES
}
