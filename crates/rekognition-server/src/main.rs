//! `rekognition-server`: a local Amazon Rekognition endpoint. Every flag is also an environment
//! variable.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, bail};
use clap::{Parser, ValueEnum};
use rekognition_server::auth::Credentials;
use rekognition_server::context::AuthMode;
use rekognition_server::service::Quotas;
use rekognition_server::throttle::RateLimit;
use rekognition_server::{Config, Storage};
use smithy_server_runtime::Settings;
use smithy_server_runtime::serve::ServeSettings;

/// Requests allocate many small strings (ids, headers, JSON): mimalloc serves them with less
/// contention and fragmentation than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A local Amazon Rekognition endpoint for boto3, the AWS CLI and the AWS SDKs.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Address to listen on.
    #[arg(long, env = "REKOGNITION_LISTEN", default_value = "127.0.0.1:4600")]
    listen: SocketAddr,
    /// Folder of the durable store (created if missing).
    #[arg(long, env = "REKOGNITION_DATA_DIR", default_value = "rekognition-data")]
    data_dir: PathBuf,
    /// Keep everything in memory; nothing survives the process.
    #[arg(long, env = "REKOGNITION_IN_MEMORY")]
    in_memory: bool,
    /// Region of unsigned requests and of provisioned projects.
    #[arg(long, env = "REKOGNITION_REGION", default_value = "us-east-1")]
    region: String,
    /// Account of unsigned requests, unknown access keys and provisioned projects.
    #[arg(long, env = "REKOGNITION_ACCOUNT_ID", default_value = "123456789012")]
    account_id: String,
    /// A Custom Labels project to provision at start (repeatable; comma-separated in the
    /// environment variable).
    #[arg(long = "project", env = "REKOGNITION_PROJECTS", value_delimiter = ',')]
    projects: Vec<String>,
    /// Folder standing in for S3, one sub-folder per bucket [default: DATA_DIR/s3].
    #[arg(long, env = "REKOGNITION_S3_ROOT")]
    s3_root: Option<PathBuf>,
    /// Declared results for face operations: a TOML or JSON file naming images (by SHA-256 or
    /// s3://bucket/key) with their faces and who each is; those images skip the networks.
    #[arg(long, env = "REKOGNITION_DECLARED_FACES")]
    declared_faces: Option<PathBuf>,
    /// Development mode: map an access key id to an account, ACCESS_KEY_ID=ACCOUNT_ID
    /// (repeatable).
    #[arg(
        long = "access-key",
        env = "REKOGNITION_ACCESS_KEYS",
        value_delimiter = ',',
        conflicts_with = "credentials_file"
    )]
    access_keys: Vec<String>,
    /// Strict mode: verify every request's SigV4 signature against this TOML file of
    /// credentials (key, secret, account, allowed actions).
    #[arg(long, env = "REKOGNITION_CREDENTIALS_FILE")]
    credentials_file: Option<PathBuf>,
    /// Requests per second allowed per account (token bucket); unlimited when absent.
    #[arg(long, env = "REKOGNITION_RATE_LIMIT")]
    rate_limit: Option<f64>,
    /// Requests an account may send at once above the rate [default: the rate, at least 1].
    #[arg(long, env = "REKOGNITION_RATE_BURST", requires = "rate_limit")]
    rate_burst: Option<f64>,
    /// Collections an account may hold per Region; unlimited when absent.
    #[arg(long, env = "REKOGNITION_MAX_COLLECTIONS")]
    max_collections: Option<u64>,
    /// Custom Labels projects an account may hold per Region; unlimited when absent.
    #[arg(long, env = "REKOGNITION_MAX_PROJECTS")]
    max_projects: Option<u64>,
    /// Faces a collection may hold [default: AWS's 20,000,000].
    #[arg(
        long,
        env = "REKOGNITION_MAX_FACES_PER_COLLECTION",
        default_value_t = 20_000_000
    )]
    max_faces_per_collection: u64,
    /// Users a collection may hold [default: AWS's 10,000,000].
    #[arg(
        long,
        env = "REKOGNITION_MAX_USERS_PER_COLLECTION",
        default_value_t = 10_000_000
    )]
    max_users_per_collection: u64,
    /// Faces a user may have [default: AWS's 100].
    #[arg(long, env = "REKOGNITION_MAX_FACES_PER_USER", default_value_t = 100)]
    max_faces_per_user: u64,
    /// Dataset imports an account may have in progress per Region.
    #[arg(long, env = "REKOGNITION_MAX_CONCURRENT_IMPORTS", default_value_t = 20)]
    max_concurrent_imports: u64,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "REKOGNITION_BODY_LIMIT", default_value_t = 8 * 1024 * 1024)]
    body_limit: usize,
    /// Seconds a request body may take to arrive.
    #[arg(long, env = "REKOGNITION_BODY_TIMEOUT", default_value_t = 30.0)]
    body_timeout: f64,
    /// Deepest JSON nesting accepted.
    #[arg(long, env = "REKOGNITION_MAX_JSON_DEPTH", default_value_t = 64)]
    max_json_depth: usize,
    /// Seconds a request head (line and headers) may take to arrive.
    #[arg(long, env = "REKOGNITION_HEADER_TIMEOUT", default_value_t = 10.0)]
    header_timeout: f64,
    /// Largest request head accepted, in bytes (at least 8192).
    #[arg(long, env = "REKOGNITION_MAX_HEADER_BYTES", default_value_t = 16 * 1024)]
    max_header_bytes: usize,
    /// Connections served at once.
    #[arg(long, env = "REKOGNITION_MAX_CONNECTIONS", default_value_t = 1024)]
    max_connections: usize,
    /// Log line format.
    #[arg(long, env = "REKOGNITION_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    let auth = match &cli.credentials_file {
        Some(path) => AuthMode::Strict(Credentials::load(path)?),
        None => {
            let mut access_keys = BTreeMap::new();
            for pair in &cli.access_keys {
                let Some((key, account)) = pair.split_once('=') else {
                    bail!("--access-key takes ACCESS_KEY_ID=ACCOUNT_ID, not {pair:?}");
                };
                access_keys.insert(key.to_owned(), account.to_owned());
            }
            AuthMode::Development { access_keys }
        }
    };
    let seconds = |name: &str, value: f64| {
        if value.is_finite() && value > 0.0 {
            Ok(Duration::from_secs_f64(value))
        } else {
            Err(anyhow::anyhow!(
                "{name} must be a positive number of seconds"
            ))
        }
    };
    let rate_limit = match cli.rate_limit {
        None => None,
        Some(rate) if rate.is_finite() && rate > 0.0 => Some(RateLimit {
            per_second: rate,
            burst: cli.rate_burst.unwrap_or(rate).max(1.0),
        }),
        Some(_) => bail!("--rate-limit must be a positive number of requests per second"),
    };
    let mode = auth.describe();
    let config = Config {
        listen: cli.listen,
        storage: if cli.in_memory {
            Storage::InMemory
        } else {
            Storage::Directory(cli.data_dir.clone())
        },
        region: cli.region,
        account_id: cli.account_id,
        projects: cli.projects,
        s3_root: cli.s3_root.unwrap_or_else(|| cli.data_dir.join("s3")),
        declared_faces: cli.declared_faces,
        auth,
        rate_limit,
        quotas: Quotas {
            max_collections: cli.max_collections,
            max_projects: cli.max_projects,
            max_concurrent_imports: Some(cli.max_concurrent_imports),
            max_faces_per_collection: Some(cli.max_faces_per_collection),
            max_users_per_collection: Some(cli.max_users_per_collection),
            max_faces_per_user: Some(cli.max_faces_per_user),
        },
        http: Settings {
            body_limit: cli.body_limit,
            body_read_timeout: seconds("--body-timeout", cli.body_timeout)?,
            max_json_depth: cli.max_json_depth,
            ..Settings::default()
        },
        serve: ServeSettings {
            max_connections: cli.max_connections,
            header_read_timeout: seconds("--header-timeout", cli.header_timeout)?,
            max_header_bytes: cli.max_header_bytes,
        },
    };
    let storage = match &config.storage {
        Storage::InMemory => "in memory".to_owned(),
        Storage::Directory(dir) => format!("in {}", dir.display()),
    };
    let s3_root = config.s3_root.display().to_string();
    tokio::runtime::Runtime::new()?.block_on(async move {
        let running = rekognition_server::start(config).await?;
        println!(
            "Rekognition listening on {} (data {storage}, S3 root {s3_root})",
            running.url()
        );
        for (name, arn) in &running.projects {
            println!("Project {name}: {arn}");
        }
        println!("Authentication: {mode}");
        running
            .serve_until(smithy_server_runtime::serve::shutdown_signal())
            .await;
        Ok(())
    })
}
