//! The `splitline-gateway` binary.

use std::process::ExitCode;

use clap::Parser;
use splitline_gateway::{Gateway, config::Settings};
use tracing_subscriber::EnvFilter;

/// The most tokio-xmpp may log: its debug and trace output carries stream traffic.
const TOKIO_XMPP_LOG_LEVEL: &str = "tokio_xmpp=info";

#[tokio::main]
async fn main() -> ExitCode {
    // tokio-xmpp logs raw stream traffic (message text, PLAIN credentials) at
    // debug and trace: it stays at info whatever RUST_LOG says.
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info"))
        .add_directive(TOKIO_XMPP_LOG_LEVEL.parse().unwrap_or_default());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let config = match Settings::parse().resolve() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("splitline-gateway: {error}");
            return ExitCode::from(2);
        }
    };
    let gateway = match Gateway::start(config).await {
        Ok(gateway) => gateway,
        Err(error) => {
            eprintln!("splitline-gateway: {error}");
            return ExitCode::from(1);
        }
    };
    println!(
        "splitline-gateway listening on {}://{}",
        if gateway.tls { "https" } else { "http" },
        gateway.addr
    );
    wait_for_stop_signal().await;
    gateway.shutdown().await;
    ExitCode::SUCCESS
}

async fn wait_for_stop_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
