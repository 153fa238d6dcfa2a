//! `rekognition-server`: a local Amazon Rekognition endpoint. Every flag is also an environment
//! variable.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::{Parser, ValueEnum};
use rekognition_server::{Config, Storage};

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
    /// Map an access key id to an account: ACCESS_KEY_ID=ACCOUNT_ID (repeatable).
    #[arg(
        long = "access-key",
        env = "REKOGNITION_ACCESS_KEYS",
        value_delimiter = ','
    )]
    access_keys: Vec<String>,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "REKOGNITION_BODY_LIMIT", default_value_t = 8 * 1024 * 1024)]
    body_limit: usize,
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
    let mut access_keys = BTreeMap::new();
    for pair in &cli.access_keys {
        let Some((key, account)) = pair.split_once('=') else {
            bail!("--access-key takes ACCESS_KEY_ID=ACCOUNT_ID, not {pair:?}");
        };
        access_keys.insert(key.to_owned(), account.to_owned());
    }
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
        access_keys,
        body_limit: cli.body_limit,
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
        running
            .serve_until(smithy_server_runtime::serve::shutdown_signal())
            .await;
        Ok(())
    })
}
