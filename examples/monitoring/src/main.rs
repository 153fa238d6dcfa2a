//! Serves CloudWatch (metrics and metric alarms in memory) in rpcv2Cbor and awsJson 1.0 on one
//! port until Ctrl-C; each request is answered in the protocol it is in. Flags are also
//! environment variables; `--listen 127.0.0.1:0` takes a free port, and the first line printed
//! says which.

use std::net::SocketAddr;

use clap::Parser;
use monitoring_example::CloudWatch;
use monitoring_example::server::GraniteServiceVersion20100801Server;
use smithy_server_runtime::FixedContext;

/// A local Amazon CloudWatch (metrics and metric alarms) for boto3 and the AWS SDKs.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Address to listen on.
    #[arg(long, env = "MONITORING_LISTEN", default_value = "127.0.0.1:4610")]
    listen: SocketAddr,
    /// The account every request is in (alarm ARNs name it).
    #[arg(long, env = "MONITORING_ACCOUNT_ID", default_value = "123456789012")]
    account_id: String,
    /// The region every request is in (alarm ARNs name it).
    #[arg(long, env = "MONITORING_REGION", default_value = "us-east-1")]
    region: String,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let cli = Cli::parse();
    let listener = tokio::net::TcpListener::bind(cli.listen).await?;
    println!("CloudWatch listening on http://{}", listener.local_addr()?);
    let context = FixedContext {
        account_id: cli.account_id,
        region: cli.region,
    };
    let service = GraniteServiceVersion20100801Server::new(CloudWatch::default()).context(context);
    smithy_server_runtime::serve::serve(
        listener,
        service,
        smithy_server_runtime::serve::shutdown_signal(),
    )
    .await;
    Ok(())
}
