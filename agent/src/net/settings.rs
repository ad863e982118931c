//! The network part of the configuration: where the server is, which certificates prove who
//! we are, and the two timing knobs. Filled key by key by `config.rs`, then [`NetSettings::check`]
//! makes sure the combination is usable before the agent starts.

use std::path::PathBuf;
use std::time::Duration;

/// Network settings; all `None` (the default) means the agent never opens a socket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetSettings {
    /// `host:port`, `ipv4:port` or `[ipv6]:port` of `jitfleet-server`.
    pub server: Option<String>,
    /// CA certificate(s) (PEM) the server's certificate must chain to.
    pub tls_ca: Option<PathBuf>,
    /// This replica's certificate (PEM); its OU (`donor`/`receiver`) is the role the server grants.
    pub tls_cert: Option<PathBuf>,
    /// The private key of `tls_cert` (PEM).
    pub tls_key: Option<PathBuf>,
    /// Name the server certificate must carry, when it differs from the dialled host.
    pub server_name: Option<String>,
    /// Interval of the summary line (one per minute by default; tests use 1 s).
    pub summary_interval: Duration,
    /// At VMDeath, how long a connected agent may hold the exit for code uploads still queued.
    pub exit_flush: Duration,
}

impl Default for NetSettings {
    fn default() -> Self {
        NetSettings {
            server: None,
            tls_ca: None,
            tls_cert: None,
            tls_key: None,
            server_name: None,
            summary_interval: Duration::from_secs(60),
            exit_flush: Duration::from_millis(2000),
        }
    }
}

impl NetSettings {
    /// Takes one key (already known to be a network key); the error is the problem text.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let path = |v: &str| if v.is_empty() { Err("empty path".to_string()) } else { Ok(PathBuf::from(v)) };
        match key {
            "server" => {
                check_target(value)?;
                self.server = Some(value.to_string());
            }
            "tls_ca" => self.tls_ca = Some(path(value)?),
            "tls_cert" => self.tls_cert = Some(path(value)?),
            "tls_key" => self.tls_key = Some(path(value)?),
            "server_name" => {
                if value.is_empty() || value.len() > 253 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    return Err(format!("'{value}' is not a host name"));
                }
                self.server_name = Some(value.to_string());
            }
            "summary_interval" => self.summary_interval = Duration::from_secs(bounded(value, 1, 86_400)?),
            "exit_flush_ms" => self.exit_flush = Duration::from_millis(bounded(value, 0, 60_000)?),
            _ => return Err("unknown key".to_string()),
        }
        Ok(())
    }

    /// The combination is usable: a server needs all three certificate files, and certificate
    /// files without a server are a mistake worth naming (the user meant to connect).
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let files = [("tls_ca", &self.tls_ca), ("tls_cert", &self.tls_cert), ("tls_key", &self.tls_key)];
        match &self.server {
            Some(server) => {
                for (key, value) in files {
                    if value.is_none() {
                        return Err((key, format!("server={server} needs {key} (mutual TLS: the CA, this replica's certificate and its key)")));
                    }
                }
            }
            None => {
                for (key, value) in files {
                    if value.is_some() {
                        return Err((key, "given without server=host:port".to_string()));
                    }
                }
                if self.server_name.is_some() {
                    return Err(("server_name", "given without server=host:port".to_string()));
                }
            }
        }
        Ok(())
    }
}

/// `host:port` with a port 1-65535 and a non-empty host (resolution happens later, on the
/// network thread: a name that does not resolve is a connection failure, not a bad setting).
fn check_target(value: &str) -> Result<(), String> {
    if value.parse::<std::net::SocketAddr>().is_ok() {
        return Ok(());
    }
    let bad = || format!("'{value}' is not host:port");
    let (host, port) = value.rsplit_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    if host.is_empty() || port == 0 || host.contains(':') || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    Ok(())
}

fn bounded(value: &str, min: u64, max: u64) -> Result<u64, String> {
    match value.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("'{value}' is not a whole number from {min} to {max}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_checked_for_shape_only() {
        for ok in ["127.0.0.1:7420", "[::1]:7420", "jitfleet.internal:7443"] {
            assert!(check_target(ok).is_ok(), "{ok}");
        }
        for bad in ["", "host", "host:", ":7420", "host:0", "host:99999", "a b:1", "::1:7420"] {
            assert!(check_target(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_server_needs_all_three_certificate_files() {
        let mut s = NetSettings::default();
        s.set("server", "127.0.0.1:7420").unwrap();
        s.set("tls_ca", "/pki/ca.pem").unwrap();
        assert_eq!(s.check().unwrap_err().0, "tls_cert");
        s.set("tls_cert", "/pki/c.pem").unwrap();
        s.set("tls_key", "/pki/c-key.pem").unwrap();
        assert!(s.check().is_ok());
        let mut lone = NetSettings::default();
        lone.set("tls_key", "/k.pem").unwrap();
        assert_eq!(lone.check().unwrap_err(), ("tls_key", "given without server=host:port".to_string()));
    }

    #[test]
    fn intervals_are_bounded() {
        let mut s = NetSettings::default();
        assert!(s.set("summary_interval", "0").is_err());
        s.set("summary_interval", "1").unwrap();
        assert_eq!(s.summary_interval, Duration::from_secs(1));
        assert!(s.set("exit_flush_ms", "60001").is_err());
        s.set("exit_flush_ms", "0").unwrap();
        assert_eq!(s.exit_flush, Duration::ZERO);
    }
}
