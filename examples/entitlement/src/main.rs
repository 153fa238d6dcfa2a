//! Serves the Marketplace Entitlement Service over a seed of entitlements in rpcv2Cbor and
//! awsJson 1.1 on one port until Ctrl-C; each request is answered in the protocol it is in.
//! Flags are also environment variables; `--listen 127.0.0.1:0` takes a free port, and the
//! first line printed says which.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use entitlement_example::server::AwsmpEntitlementServiceServer;
use entitlement_example::{DEFAULT_SEED, Entitlements};
use smithy_server_runtime::FixedContext;

/// A local AWS Marketplace Entitlement Service for boto3 and the AWS SDKs.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Address to listen on.
    #[arg(long, env = "ENTITLEMENT_LISTEN", default_value = "127.0.0.1:4620")]
    listen: SocketAddr,
    /// A JSON file of entitlements (`{"Entitlements": [...]}`, as GetEntitlements answers in
    /// awsJson) to serve instead of the built-in seed.
    #[arg(long, env = "ENTITLEMENT_SEED")]
    seed: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cli = Cli::parse();
    let seed = match &cli.seed {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        None => DEFAULT_SEED.to_owned(),
    };
    let entitlements = Entitlements::from_seed(&seed)?;
    let listener = tokio::net::TcpListener::bind(cli.listen).await?;
    println!(
        "Marketplace Entitlement Service listening on http://{} ({} entitlements)",
        listener.local_addr()?,
        entitlements.len()
    );
    let context = FixedContext {
        account_id: "123456789012".to_owned(),
        region: "us-east-1".to_owned(),
    };
    let service = AwsmpEntitlementServiceServer::new(entitlements).context(context);
    smithy_server_runtime::serve::serve(
        listener,
        service,
        smithy_server_runtime::serve::shutdown_signal(),
    )
    .await;
    Ok(())
}
