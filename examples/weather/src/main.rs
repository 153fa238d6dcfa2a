//! Serves the weather service on 127.0.0.1 (the port is the first argument, 8080 by default)
//! until Ctrl-C.

use smithy_server_runtime::FixedContext;
use weather_example::{Forecasts, server::WeatherServer};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or_else(|| "8080".to_owned());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!("weather listening on http://{}", listener.local_addr()?);
    let context = FixedContext {
        account_id: "123456789012".to_owned(),
        region: "us-east-1".to_owned(),
    };
    let service = WeatherServer::new(Forecasts::default()).context(context);
    smithy_server_runtime::serve::serve(
        listener,
        service,
        smithy_server_runtime::serve::shutdown_signal(),
    )
    .await;
    Ok(())
}
