//! The server's configuration: the command-line options and their validation into a
//! [`ServerConfig`], with errors that name the option and the value.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jitfleet_transport::quic::TransportOptions;
use jitfleet_transport::tls::{ServerTls, TlsError};

use crate::profiles::merge::MergeLimits;

/// Default store budget: 2 GiB.
pub const DEFAULT_MAX_STORE_BYTES: u64 = 2 << 30;
/// Smallest store budget accepted: below this one real nmethod may not fit.
pub const MIN_STORE_BYTES: u64 = 1 << 20;

/// Everything a running server needs, validated.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// UDP address for QUIC.
    pub listen: SocketAddr,
    /// TLS identity and client CA.
    pub tls: ServerTls,
    /// Store directory (code blobs, fleet profiles).
    pub store_dir: PathBuf,
    /// TCP address for Prometheus metrics; `None` for none.
    pub metrics: Option<SocketAddr>,
    /// Code store budget in bytes.
    pub max_store_bytes: u64,
    /// Certificate common names granted the donor role even without a donor OU.
    pub donor_identities: Vec<String>,
    /// Fleet-wide heat (invocations + back-edges) a method needs before its code is pushed.
    pub push_min_heat: u64,
    /// Most catalog entries sent to one receiver (hottest first).
    pub max_catalog_entries: usize,
    /// How much profile detail is kept.
    pub merge_limits: MergeLimits,
    /// Distinct methods kept per fleet.
    pub max_methods_per_fleet: usize,
    /// Fleets the server keeps; a `Hello` for a new fleet beyond this is refused
    /// (`Overloaded`): a bound on what authenticated but careless clients can make it hold.
    pub max_fleets: usize,
    /// How often changed fleet profiles are written to disk.
    pub flush_interval: Duration,
    /// How long a new connection may take to send its `Hello`.
    pub hello_timeout: Duration,
    /// Profile delta interval the server asks replicas for (`Policy`).
    pub profile_interval: Duration,
    /// Methods per delta the server asks replicas for at most (`Policy`).
    pub max_methods_per_delta: u32,
    /// QUIC and frame-limit settings.
    pub transport: TransportOptions,
}

impl ServerConfig {
    /// A configuration with defaults for everything but the essentials (tests start here).
    pub fn new(listen: SocketAddr, tls: ServerTls, store_dir: PathBuf) -> Self {
        Self {
            listen,
            tls,
            store_dir,
            metrics: None,
            max_store_bytes: DEFAULT_MAX_STORE_BYTES,
            donor_identities: Vec::new(),
            push_min_heat: 0,
            max_catalog_entries: 50_000,
            merge_limits: MergeLimits::default(),
            max_methods_per_fleet: 200_000,
            max_fleets: 1_024,
            flush_interval: Duration::from_secs(5),
            hello_timeout: Duration::from_secs(10),
            profile_interval: Duration::from_secs(60),
            max_methods_per_delta: 2_000,
            transport: TransportOptions::default(),
        }
    }
}

/// A configuration problem; the message names the option.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The TLS files are missing or unusable.
    #[error("--cert/--key/--ca: {0}")]
    Tls(#[from] TlsError),
    /// The store directory is unusable.
    #[error("--store {path}: {detail}")]
    Store {
        /// The directory.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// A numeric option is out of range.
    #[error("{option} {value}: {detail}")]
    OutOfRange {
        /// The option.
        option: &'static str,
        /// The value given.
        value: String,
        /// The allowed range.
        detail: String,
    },
    /// A donor identity is empty.
    #[error("--donor-identities: empty name in the list")]
    EmptyDonorIdentity,
}

/// Parses a byte size: a number with an optional `K`, `M`, `G` or `T` suffix (powers of 1024).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, ""),
    };
    let shift = match unit.trim_end_matches(['B', 'b', 'i']).to_ascii_uppercase().as_str() {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        other => return Err(format!("unknown size unit {other:?} (use K, M, G or T)")),
    };
    let number: u64 = digits.parse().map_err(|_| format!("{text:?} is not a size like 512M or 2G"))?;
    number.checked_mul(1u64 << shift).ok_or_else(|| format!("{text:?} is too large"))
}

/// Checks that `dir` exists or can be created, is a directory, and is writable.
pub fn check_store_dir(dir: &Path) -> Result<(), ConfigError> {
    let problem = |detail: String| ConfigError::Store { path: dir.to_owned(), detail };
    if dir.exists() && !dir.is_dir() {
        return Err(problem("exists and is not a directory".into()));
    }
    std::fs::create_dir_all(dir).map_err(|error| problem(format!("cannot create it: {error}")))?;
    let probe = dir.join(format!("{}write-probe", crate::durable::TEMP_PREFIX));
    std::fs::write(&probe, b"probe").map_err(|error| problem(format!("not writable: {error}")))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Checks the numbers and addresses of a configuration.
pub fn validate(config: &ServerConfig) -> Result<(), ConfigError> {
    if config.max_store_bytes < MIN_STORE_BYTES {
        return Err(ConfigError::OutOfRange {
            option: "--max-store-bytes",
            value: config.max_store_bytes.to_string(),
            detail: format!("must be at least {MIN_STORE_BYTES} (1M)"),
        });
    }
    if config.donor_identities.iter().any(|name| name.trim().is_empty()) {
        return Err(ConfigError::EmptyDonorIdentity);
    }
    if config.merge_limits.receiver_rows == 0 {
        return Err(ConfigError::OutOfRange {
            option: "--receiver-rows",
            value: "0".into(),
            detail: "must be at least 1".into(),
        });
    }
    check_store_dir(&config.store_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_and_without_units() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("3k"), Ok(3 << 10));
        assert!(parse_size("12X").unwrap_err().contains("unknown size unit"));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999T").unwrap_err().contains("too large"));
    }

    #[test]
    fn a_file_where_the_store_should_be_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain-file");
        std::fs::write(&file, b"x").unwrap();
        let error = check_store_dir(&file).unwrap_err().to_string();
        assert!(error.contains("not a directory"), "{error}");
        check_store_dir(&dir.path().join("new/store")).unwrap();
    }
}
