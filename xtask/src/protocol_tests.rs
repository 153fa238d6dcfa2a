//! The protocol-test suite's model: where it is read from (the published JSON AST, or its Smithy
//! IDL with the trait definitions it uses), and its JSON AST text once loaded. Both
//! `cargo xtask codegen` and `cargo xtask compliance` generate from it, with Smithy's own RPC v2
//! suites, which exist only as IDL.

use std::path::PathBuf;

use anyhow::{Context as _, Result};

use crate::shared_dir;

/// Where the protocol-test suite's model is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Source {
    /// The published JSON AST, `../shared/protocol-tests/aws-protocol-tests.json`.
    Json,
    /// The Smithy IDL sources, `../shared/smithy-idl/aws-protocol-tests/` with the trait
    /// definitions of `../shared/smithy-idl/traits/` (the prelude is implicit).
    Idl,
}

impl Source {
    /// The files and folders the model is loaded from.
    pub(crate) fn files(self) -> Vec<PathBuf> {
        match self {
            Self::Json => vec![
                shared_dir()
                    .join("protocol-tests")
                    .join("aws-protocol-tests.json"),
            ],
            Self::Idl => {
                let idl = shared_dir().join("smithy-idl");
                vec![idl.join("aws-protocol-tests"), idl.join("traits")]
            }
        }
    }

    /// How generated headers name the model.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Json => "../shared/protocol-tests/aws-protocol-tests.json",
            Self::Idl => "../shared/smithy-idl/aws-protocol-tests and ../shared/smithy-idl/traits",
        }
    }

    /// How the summary line names the source.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Json => "JSON AST",
            Self::Idl => "IDL",
        }
    }

    /// The flag value that selects it.
    pub(crate) fn flag(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Idl => "idl",
        }
    }

    /// The model, loaded from its files.
    pub(crate) fn model(self) -> Result<smithy_server_codegen::Model> {
        let files = self.files();
        smithy_server_codegen::Model::from_files(&files).with_context(|| {
            let shown: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            format!("loading {}", shown.join(", "))
        })
    }
}

/// The protocol-test suite's model, loaded from one of its sources.
pub(crate) struct ProtocolTests {
    pub(crate) source: Source,
    /// The model, loaded.
    pub(crate) model: smithy_server_codegen::Model,
}

/// One of Smithy's own protocol-test suites (`../shared/smithy-idl/smithy-protocol-tests/`),
/// published only as IDL: loaded from its folder, the types it shares with the other suites and
/// the trait definitions, whichever source the AWS suite is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SmithySuite {
    /// `smithy.protocoltests.rpcv2Cbor#RpcV2Protocol`.
    RpcV2Cbor,
    /// `smithy.protocoltests.rpcv2Json#RpcV2JsonProtocol`.
    RpcV2Json,
}

impl SmithySuite {
    /// The suite's folder under `smithy-protocol-tests/`.
    fn folder(self) -> &'static str {
        match self {
            Self::RpcV2Cbor => "rpcv2Cbor",
            Self::RpcV2Json => "rpcv2Json",
        }
    }

    /// The files and folders the model is loaded from.
    pub(crate) fn files(self) -> Vec<PathBuf> {
        let idl = shared_dir().join("smithy-idl");
        let suites = idl.join("smithy-protocol-tests");
        vec![
            suites.join(self.folder()),
            suites.join("shared-types.smithy"),
            idl.join("traits"),
        ]
    }

    /// How generated headers name the model.
    pub(crate) fn label(self) -> String {
        format!(
            "../shared/smithy-idl/smithy-protocol-tests/{}, \
             ../shared/smithy-idl/smithy-protocol-tests/shared-types.smithy and \
             ../shared/smithy-idl/traits",
            self.folder()
        )
    }

    /// The model, loaded from its files.
    pub(crate) fn model(self) -> Result<smithy_server_codegen::Model> {
        let files = self.files();
        smithy_server_codegen::Model::from_files(&files).with_context(|| {
            let shown: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            format!("loading {}", shown.join(", "))
        })
    }
}
