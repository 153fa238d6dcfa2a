//! Everything that can stop generation, each naming the shape at fault and why.

/// Why a model could not be turned into Rust.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The loaded model's shapes do not have the JSON AST's form.
    #[error("the model is not a valid Smithy JSON AST: {0}")]
    Syntax(#[from] serde_json::Error),
    /// The model's files could not be loaded (IDL syntax, unresolved names, unreadable files):
    /// every problem found, each shown at its file, line and column.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Load(Vec<smithy_idl::Error>),
    /// A shape refers to a shape the model does not define.
    #[error("{shape}: refers to {target}, which the model does not define")]
    MissingShape {
        /// The referring shape.
        shape: String,
        /// The missing shape.
        target: String,
    },
    /// A shape is of a kind, or uses a feature, the generator does not support.
    #[error("{shape}: {reason}")]
    Unsupported {
        /// The shape at fault.
        shape: String,
        /// What is not supported.
        reason: String,
    },
    /// No service, or more than one, to generate for.
    #[error("{0}")]
    Service(String),
    /// Two shapes end up with the same Rust name.
    #[error(
        "{first} and {second} both become the Rust name `{name}`; add a `rename` to the service"
    )]
    NameCollision {
        /// The first shape.
        first: String,
        /// The second shape.
        second: String,
        /// The name both would get.
        name: String,
    },
    /// A `@pattern` the generator cannot translate.
    #[error("{shape}: pattern {pattern:?}: {reason}")]
    Pattern {
        /// The shape or member with the pattern.
        shape: String,
        /// The pattern.
        pattern: String,
        /// What in it is not supported.
        reason: String,
    },
    /// The generated file could not be written.
    #[error("{0}")]
    Output(String),
    /// Generated tokens did not parse back as Rust (a generator bug, reported instead of
    /// writing broken code).
    #[error("generated code for {0} is not valid Rust: {1}")]
    Emit(String, String),
}

/// Generation's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
