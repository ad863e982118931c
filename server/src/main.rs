//! The `jitfleet-server` command: `serve` runs the service until SIGINT/SIGTERM, `status`
//! reports on a running server or a store directory.

use std::process::ExitCode;

use clap::Parser;
use jitfleet_server::cli::{Cli, Command, ServeArgs, StatusArgs};
use jitfleet_server::{status, RunningServer};

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("JITFLEET_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve(args),
        Command::Status(args) => show_status(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("jitfleet-server: {message}");
            ExitCode::FAILURE
        }
    }
}

fn serve(args: ServeArgs) -> Result<(), String> {
    let config = args.into_config().map_err(|error| error.to_string())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the async runtime: {error}"))?;
    runtime.block_on(async {
        let server = RunningServer::start(config).await.map_err(|error| error.to_string())?;
        wait_for_stop_signal().await;
        server.shutdown().await.map_err(|error| error.to_string())
    })
}

async fn wait_for_stop_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut terminate) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
    tracing::info!("stop signal received");
}

fn show_status(args: StatusArgs) -> Result<(), String> {
    let report = match (args.metrics_url, args.store) {
        (Some(url), _) => status::from_metrics_url(&url).map_err(|error| error.to_string())?,
        (None, Some(dir)) => status::from_store(&dir).map_err(|error| error.to_string())?,
        (None, None) => return Err("give --metrics-url or --store".into()),
    };
    print!("{report}");
    Ok(())
}
