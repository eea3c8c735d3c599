//! `splitline`: a terminal client on the Splitline core.
//!
//! It signs in through the gateway, keeps syncing in the background, and reads
//! commands from standard input (`/help` lists them). The password comes from
//! `SPLITLINE_PASSWORD` or a prompt, never from the command line.

mod address_book_commands;
mod call_commands;
mod commands;
mod contact_commands;

use std::{io::IsTerminal, path::PathBuf, process::ExitCode};

use clap::Parser;
use splitline_core::{client::Client, sync::SyncConfig};
use tokio::io::{AsyncBufReadExt, BufReader};

/// A terminal client for Splitline.
#[derive(Debug, Parser)]
#[command(name = "splitline", version)]
struct Args {
    /// The account's address, user@domain.
    #[arg(long, env = "SPLITLINE_JID")]
    jid: String,
    /// A gateway base address; repeat for fallbacks, in order of preference.
    #[arg(
        long = "gateway",
        env = "SPLITLINE_GATEWAYS",
        value_delimiter = ',',
        required = true
    )]
    gateways: Vec<String>,
    /// The local store file.
    #[arg(long, env = "SPLITLINE_STORE", default_value = "splitline.db")]
    store: PathBuf,
    /// This installation's id.
    #[arg(long, env = "SPLITLINE_DEVICE_ID", default_value = "terminal")]
    device_id: String,
    /// An extra trusted root certificate (PEM file) for the gateway.
    #[arg(long, env = "SPLITLINE_CA")]
    ca: Option<PathBuf>,
    /// The country you are in and your SIM's (ISO 3166, like GB), for `/plan`.
    #[arg(long, env = "SPLITLINE_COUNTRY")]
    country: Option<String>,
    /// Your verified mobile number (E.164), for `/plan`.
    #[arg(long, env = "SPLITLINE_MOBILE")]
    mobile: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("SPLITLINE_LOG"))
        .with_writer(std::io::stderr)
        .init();
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("splitline: {message}");
            ExitCode::FAILURE
        }
    }
}

fn password() -> Result<String, String> {
    if let Ok(password) = std::env::var("SPLITLINE_PASSWORD") {
        return Ok(password);
    }
    if !std::io::stdin().is_terminal() {
        return Err("set SPLITLINE_PASSWORD (no terminal to prompt on)".into());
    }
    rpassword::prompt_password("password: ").map_err(|e| format!("cannot read the password: {e}"))
}

async fn run(args: Args) -> Result<(), String> {
    let extra_root_pem = match &args.ca {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        ),
        None => None,
    };
    let config = SyncConfig {
        endpoints: args.gateways,
        extra_root_pem,
        jid: args.jid,
        device_id: args.device_id,
        build_id: concat!("splitline-cli ", env!("CARGO_PKG_VERSION")).to_owned(),
        ..SyncConfig::default()
    };
    let client =
        Client::start(args.store, config, password()?.into()).map_err(|e| e.to_string())?;
    let mut updates = client.subscribe();
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut terminal = commands::Terminal::new(args.country, args.mobile);
    println!("splitline: type /help for commands");
    loop {
        tokio::select! {
            update = updates.recv() => match update {
                Ok(update) => terminal.show_update(&client, &update),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            },
            line = lines.next_line() => match line {
                Ok(Some(line)) => {
                    if !terminal.handle(&client, &line).await {
                        break;
                    }
                }
                Ok(None) | Err(_) => break,
            },
        }
    }
    client.stop().await.map_err(|e| e.to_string())
}
