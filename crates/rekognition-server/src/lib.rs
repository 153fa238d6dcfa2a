//! A local Amazon Rekognition endpoint: the generated `RekognitionService` trait implemented with
//! the real service's semantics and durable storage, served over awsJson 1.1 so that boto3, the
//! AWS CLI and the AWS SDKs talk to it as they talk to AWS.
//!
//! [`start`] binds, provisions the configured projects and serves until [`Running::shutdown`] (or
//! the process's SIGINT/SIGTERM, in the binary).

pub mod arn;
pub mod auth;
pub mod context;
pub mod entries;
pub mod faces;
pub mod manifest;
pub mod pagination;
pub mod service;
pub mod store;
pub mod throttle;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use rekognition_server_sdk::server::RekognitionServiceServer;
use smithy_server_runtime::Settings;
use smithy_server_runtime::serve::ServeSettings;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::context::{AuthMode, Gate};
use crate::manifest::Objects;
use crate::service::{Quotas, Rekognition};
use crate::store::{Scope, SqliteStore, Store};
use crate::throttle::{RateLimit, Throttle};

/// Where data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// SQLite (WAL) in this folder.
    Directory(PathBuf),
    /// Nothing outlives the process.
    InMemory,
}

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address to listen on.
    pub listen: SocketAddr,
    /// Where data lives.
    pub storage: Storage,
    /// The region of unsigned requests, and of provisioned projects.
    pub region: String,
    /// The account of unsigned requests and unknown access keys, and of provisioned projects.
    pub account_id: String,
    /// Custom Labels projects to provision at start: `NAME` (default account and region) or
    /// `ACCOUNT:REGION:NAME`.
    pub projects: Vec<String>,
    /// The folder that stands in for S3 (one sub-folder per bucket).
    pub s3_root: PathBuf,
    /// The declared-results file for face operations, if any (see [`faces::DeclaredFaces`]).
    pub declared_faces: Option<PathBuf>,
    /// How callers are authenticated.
    pub auth: AuthMode,
    /// The per-account request-rate limit, if any.
    pub rate_limit: Option<RateLimit>,
    /// Per-account quotas.
    pub quotas: Quotas,
    /// Request limits (body size and read time, JSON depth).
    pub http: Settings,
    /// Connection limits (count, head size, head read time).
    pub serve: ServeSettings,
}

impl Config {
    /// Defaults for tests and embedding: loopback on any free port, in memory.
    pub fn in_memory(s3_root: PathBuf) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            storage: Storage::InMemory,
            region: "us-east-1".to_owned(),
            account_id: "123456789012".to_owned(),
            projects: Vec::new(),
            s3_root,
            declared_faces: None,
            auth: AuthMode::Development {
                access_keys: BTreeMap::new(),
            },
            rate_limit: None,
            quotas: Quotas::default(),
            http: Settings::default(),
            serve: ServeSettings::default(),
        }
    }
}

/// Whether `account` is an AWS account id: 12 digits.
fn is_account_id(account: &str) -> bool {
    account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `region` is written as AWS regions are: lower-case words and a number joined by
/// dashes (`us-east-1`, `cn-north-1`, `us-gov-west-1`).
fn is_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    let Some((number, words)) = parts.split_last() else {
        return false;
    };
    words.len() >= 2
        && words
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `name` satisfies the `ProjectName` constraints: 1 to 255 of `a-zA-Z0-9_.-`.
fn is_project_name(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

impl Config {
    /// Checks the account, region and provisioned projects, naming what is wrong; the projects
    /// to provision, each with its scope and name.
    fn check(&self) -> Result<Vec<(String, Scope, String)>> {
        if !is_account_id(&self.account_id) {
            anyhow::bail!(
                "the account id must be 12 digits, not {:?}",
                self.account_id
            );
        }
        if !is_region(&self.region) {
            anyhow::bail!(
                "{:?} is not a region name (such as us-east-1 or eu-west-2)",
                self.region
            );
        }
        if let AuthMode::Development { access_keys } = &self.auth {
            for (key, account) in access_keys {
                if !is_account_id(account) {
                    anyhow::bail!(
                        "access key {key} maps to {account:?}: an account id is 12 digits"
                    );
                }
            }
        }
        self.projects
            .iter()
            .map(|spec| {
                let (scope, name) = match spec.split(':').collect::<Vec<_>>().as_slice() {
                    [name] => (
                        Scope {
                            account: self.account_id.clone(),
                            region: self.region.clone(),
                        },
                        *name,
                    ),
                    [account, region, name] => {
                        if !is_account_id(account) {
                            anyhow::bail!(
                                "project {spec:?}: the account id must be 12 digits, not {account:?}"
                            );
                        }
                        if !is_region(region) {
                            anyhow::bail!("project {spec:?}: {region:?} is not a region name");
                        }
                        (
                            Scope {
                                account: (*account).to_owned(),
                                region: (*region).to_owned(),
                            },
                            *name,
                        )
                    }
                    _ => anyhow::bail!("a project is NAME or ACCOUNT:REGION:NAME, not {spec:?}"),
                };
                if !is_project_name(name) {
                    anyhow::bail!(
                        "project {spec:?}: a project name is 1 to 255 letters, digits, '_', '.' or '-'"
                    );
                }
                Ok((spec.clone(), scope, name.to_owned()))
            })
            .collect()
    }
}

/// A started server.
pub struct Running {
    /// The address it listens on.
    pub address: SocketAddr,
    /// Provisioned projects: name and ARN.
    pub projects: Vec<(String, String)>,
    /// The store it serves from, for inspection.
    pub store: Arc<dyn Store>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("address", &self.address)
            .field("projects", &self.projects)
            .finish_non_exhaustive()
    }
}

impl Running {
    /// The endpoint URL clients use.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Stops accepting connections, lets in-flight requests finish, and waits for that.
    pub async fn shutdown(mut self) {
        if let Some(sender) = self.shutdown.take() {
            let _ = sender.send(());
        }
        let _ = (&mut self.task).await;
    }

    /// Waits until the server stops (after `signal` completes).
    pub async fn serve_until(mut self, signal: impl std::future::Future<Output = ()>) {
        signal.await;
        if let Some(sender) = self.shutdown.take() {
            let _ = sender.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Opens storage, provisions projects, resumes interrupted dataset imports, binds and serves.
pub async fn start(config: Config) -> Result<Running> {
    let provisioned = config.check()?;
    let store: Arc<dyn Store> = match &config.storage {
        Storage::Directory(dir) => {
            Arc::new(SqliteStore::open(dir).with_context(|| format!("opening {}", dir.display()))?)
        }
        Storage::InMemory => Arc::new(SqliteStore::in_memory()?),
    };
    let objects = Objects::local(&config.s3_root)
        .with_context(|| format!("opening the S3 root {}", config.s3_root.display()))?;
    let credentials = match &config.auth {
        AuthMode::Strict(credentials) => Some(Arc::new(credentials.clone())),
        AuthMode::Development { .. } => None,
    };
    let declared = match &config.declared_faces {
        Some(path) => faces::DeclaredFaces::load(path)?,
        None => faces::DeclaredFaces::default(),
    };
    let engine = faces::FaceEngine::new(objects.clone(), declared);
    let rekognition = Rekognition::new(
        Arc::clone(&store),
        objects,
        engine,
        config.quotas,
        credentials,
    )?;
    let mut projects = Vec::new();
    for (spec, scope, name) in provisioned {
        let arn = rekognition.ensure_project(scope, name).await?;
        projects.push((spec, arn));
    }
    let resumed = rekognition.resume_imports().await?;
    if resumed > 0 {
        tracing::info!(resumed, "resumed interrupted dataset imports");
    }
    let mut gate = Gate::new(
        config.auth.clone(),
        config.account_id.clone(),
        config.region.clone(),
    );
    gate.throttle = config.rate_limit.map(Throttle::new);
    let service = RekognitionServiceServer::new(rekognition)
        .context(gate)
        .settings(config.http.clone());
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("binding {}", config.listen))?;
    let address = listener.local_addr()?;
    let (sender, receiver) = oneshot::channel::<()>();
    let task = tokio::spawn(smithy_server_runtime::serve::serve_with(
        listener,
        service,
        async move {
            let _ = receiver.await;
        },
        config.serve.clone(),
    ));
    Ok(Running {
        address,
        projects,
        store,
        shutdown: Some(sender),
        task,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::in_memory(PathBuf::from("s3"))
    }

    /// The error `check` gives for `config`, which must be refused.
    fn refusal(config: &Config) -> String {
        match config.check() {
            Ok(projects) => panic!("accepted: {projects:?}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn check_reads_the_projects_to_provision_with_their_scopes() {
        let mut config = config();
        config.projects = vec![
            "demo".into(),
            "210987654321:eu-west-2:other".into(),
            "111122223333:cn-north-1:china".into(),
            "111122223333:us-gov-west-1:a_b.c-1".into(),
            "x".repeat(255),
        ];
        let checked = config.check().unwrap();
        let read: Vec<(&str, &str, &str)> = checked
            .iter()
            .map(|(_, scope, name)| (scope.account.as_str(), scope.region.as_str(), name.as_str()))
            .collect();
        let long = "x".repeat(255);
        assert_eq!(
            read,
            [
                ("123456789012", "us-east-1", "demo"),
                ("210987654321", "eu-west-2", "other"),
                ("111122223333", "cn-north-1", "china"),
                ("111122223333", "us-gov-west-1", "a_b.c-1"),
                ("123456789012", "us-east-1", long.as_str()),
            ]
        );
        // Each is named by the text it was configured as.
        assert_eq!(checked[1].0, "210987654321:eu-west-2:other");
    }

    #[test]
    fn check_refuses_account_ids_that_are_not_twelve_digits() {
        for account in [
            "",
            "12345678901",
            "1234567890123",
            "12345678901a",
            "１２３４５６７８９０１２",
        ] {
            let mut config = config();
            config.account_id = account.into();
            assert!(refusal(&config).contains("12 digits"), "{account:?}");
        }
        let mut config = config();
        config.auth = AuthMode::Development {
            access_keys: [("AKIDX".to_owned(), "4444".to_owned())].into(),
        };
        let message = refusal(&config);
        assert!(
            message.contains("access key AKIDX maps to \"4444\""),
            "{message}"
        );
    }

    #[test]
    fn check_refuses_region_names_aws_would_not_use() {
        for region in [
            "",
            "us-east",
            "useast1",
            "US-EAST-1",
            "us--1",
            "us-east-1a",
            "us-east-",
            "-east-1",
            "us_east_1",
        ] {
            let mut config = config();
            config.region = region.into();
            assert!(
                refusal(&config).contains("is not a region name"),
                "{region:?}"
            );
        }
        for region in [
            "us-east-1",
            "eu-isoe-west-1",
            "us-gov-east-1",
            "ap-southeast-10",
        ] {
            let mut config = config();
            config.region = region.into();
            assert!(config.check().is_ok(), "{region:?}");
        }
    }

    #[test]
    fn check_refuses_malformed_project_specifications() {
        for (spec, expected) in [
            ("a:b", "a project is NAME or ACCOUNT:REGION:NAME"),
            ("1:2:3:4", "a project is NAME or ACCOUNT:REGION:NAME"),
            ("1234:us-east-1:p", "the account id must be 12 digits"),
            ("111122223333:mars:p", "\"mars\" is not a region name"),
            ("", "a project name is 1 to 255"),
            ("111122223333:us-east-1:", "a project name is 1 to 255"),
            ("bad name!", "a project name is 1 to 255"),
            ("p/q", "a project name is 1 to 255"),
        ] {
            let mut config = config();
            config.projects = vec!["fine".into(), spec.into()];
            let message = refusal(&config);
            assert!(message.contains(expected), "{spec:?}: {message}");
        }
        let mut config = config();
        config.projects = vec!["x".repeat(256)];
        assert!(refusal(&config).contains("a project name is 1 to 255"));
    }
}
