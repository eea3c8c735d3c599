//! The `splitline-gateway` binary.

use std::process::ExitCode;

use clap::Parser;
use splitline_gateway::{Gateway, config::Settings, log_guard};
use tracing_subscriber::util::SubscriberInitExt;

#[tokio::main]
async fn main() -> ExitCode {
    // The network libraries log raw traffic (message text, PLAIN credentials,
    // SIP messages) below info: the guard keeps them at info whatever RUST_LOG says.
    log_guard::subscriber(log_guard::env_filter(), std::io::stderr).init();
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
