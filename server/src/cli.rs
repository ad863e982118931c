//! The command line of `jitfleet-server`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use jitfleet_transport::tls::ServerTls;

use crate::config::{parse_size, ConfigError, ServerConfig, DEFAULT_MAX_STORE_BYTES};
use crate::profiles::merge::MergeLimits;

/// jitfleet's remote compile service: fleet profiles, shared C2 code, push to new replicas.
#[derive(Debug, Parser)]
#[command(name = "jitfleet-server", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the service.
    Serve(ServeArgs),
    /// Show a running server's figures (from its metrics port) or a store's contents.
    Status(StatusArgs),
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// UDP address for QUIC connections from replicas.
    #[arg(long, default_value = "127.0.0.1:7420")]
    pub listen: SocketAddr,
    /// PEM server certificate (it must name the host replicas dial).
    #[arg(long)]
    pub cert: PathBuf,
    /// PEM private key of the server certificate.
    #[arg(long)]
    pub key: PathBuf,
    /// PEM CA certificate(s) that client certificates must chain to.
    #[arg(long)]
    pub ca: PathBuf,
    /// Store directory (code blobs, fleet profiles); created if missing.
    #[arg(long)]
    pub store: PathBuf,
    /// TCP address for Prometheus metrics (`GET /metrics`); omit to serve none.
    #[arg(long)]
    pub metrics: Option<SocketAddr>,
    /// Code store budget, e.g. `512M`, `2G`; least recently used code is evicted past it.
    #[arg(long, value_parser = parse_size, default_value_t = DEFAULT_MAX_STORE_BYTES)]
    pub max_store_bytes: u64,
    /// Certificate common names granted the donor role even without `OU=donor`, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub donor_identities: Vec<String>,
    /// Fleet-wide invocations + back-edges a method needs before its code is pushed.
    #[arg(long, default_value_t = 0)]
    pub push_min_heat: u64,
    /// Receiver-type rows kept per call site in merged profiles.
    #[arg(long, default_value_t = 8)]
    pub receiver_rows: usize,
    /// Fleets (application x compat key) the server admits at most.
    #[arg(long, default_value_t = 1024)]
    pub max_fleets: usize,
    /// Seconds between writes of changed fleet profiles.
    #[arg(long, default_value_t = 5)]
    pub flush_seconds: u64,
    /// Seconds between profile deltas the server asks every replica for (its `Policy`; a
    /// replica applies at least 0.1 s); 0 asks replicas to send none. Each delta walks all of a
    /// replica's methods, so short intervals cost the replicas CPU.
    #[arg(long, default_value_t = 60.0)]
    pub profile_interval: f64,
    /// Methods one profile delta may carry at most (the replica sends those that grew most).
    #[arg(long, default_value_t = 2000)]
    pub max_methods_per_delta: u32,
}

/// Options of `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The server's metrics URL, e.g. `http://127.0.0.1:9420/metrics`.
    #[arg(long, conflicts_with = "store", required_unless_present = "store")]
    pub metrics_url: Option<String>,
    /// Inspect a store directory instead (read-only; works while the server is down).
    #[arg(long)]
    pub store: Option<PathBuf>,
}

impl ServeArgs {
    /// Loads the TLS files and builds the configuration (validated by the server at start).
    pub fn into_config(self) -> Result<ServerConfig, ConfigError> {
        if self.flush_seconds == 0 {
            return Err(ConfigError::OutOfRange {
                option: "--flush-seconds",
                value: "0".into(),
                detail: "must be at least 1".into(),
            });
        }
        if !(0.0..=86_400.0).contains(&self.profile_interval) {
            return Err(ConfigError::OutOfRange {
                option: "--profile-interval",
                value: self.profile_interval.to_string(),
                detail: "must be 0 to 86400 seconds".into(),
            });
        }
        if self.max_methods_per_delta == 0 {
            return Err(ConfigError::OutOfRange {
                option: "--max-methods-per-delta",
                value: "0".into(),
                detail: "must be at least 1 (use --profile-interval 0 for no deltas)".into(),
            });
        }
        let tls = ServerTls::from_pem_files(&self.ca, &self.cert, &self.key)?;
        let mut config = ServerConfig::new(self.listen, tls, self.store);
        config.metrics = self.metrics;
        config.max_store_bytes = self.max_store_bytes;
        config.donor_identities = self.donor_identities.into_iter().map(|name| name.trim().to_owned()).collect();
        config.push_min_heat = self.push_min_heat;
        config.merge_limits = MergeLimits { receiver_rows: self.receiver_rows, ..MergeLimits::default() };
        config.flush_interval = Duration::from_secs(self.flush_seconds);
        config.max_fleets = self.max_fleets;
        config.profile_interval = Duration::from_secs_f64(self.profile_interval);
        config.max_methods_per_delta = self.max_methods_per_delta;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_options_parse_sizes_and_lists() {
        let cli = Cli::try_parse_from([
            "jitfleet-server", "serve", "--cert", "c", "--key", "k", "--ca", "a", "--store", "s",
            "--max-store-bytes", "64M", "--donor-identities", "donor-1,donor-2",
        ])
        .unwrap();
        let Command::Serve(args) = cli.command else { panic!("serve") };
        assert_eq!(args.max_store_bytes, 64 << 20);
        assert_eq!(args.donor_identities, vec!["donor-1", "donor-2"]);
        assert_eq!(args.listen, "127.0.0.1:7420".parse().unwrap());
    }

    #[test]
    fn missing_tls_files_are_named() {
        let cli = Cli::try_parse_from([
            "jitfleet-server", "serve", "--cert", "/nonexistent/c.pem", "--key", "k", "--ca", "/nonexistent/ca.pem",
            "--store", "s",
        ])
        .unwrap();
        let Command::Serve(args) = cli.command else { panic!("serve") };
        let error = args.into_config().unwrap_err().to_string();
        assert!(error.contains("/nonexistent/"), "{error}");
    }

    #[test]
    fn status_needs_a_source() {
        assert!(Cli::try_parse_from(["jitfleet-server", "status"]).is_err());
        assert!(Cli::try_parse_from(["jitfleet-server", "status", "--store", "s"]).is_ok());
    }
}
