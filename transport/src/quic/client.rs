//! The dialling end: resolves the server, completes mutual TLS, confirms the server accepted
//! our certificate, and retries with backoff.

use std::net::{IpAddr, SocketAddr};

use super::backoff::Backoff;
use super::connection::Connection;
use super::error::QuicError;
use super::options::TransportOptions;
use crate::tls::{ClientTls, PeerIdentity};

/// Where to connect: an address to resolve and the name the server's certificate must carry.
#[derive(Debug, Clone)]
enum Target {
    Addr(SocketAddr),
    Host { host: String, port: u16 },
}

/// Connects to one server. Holds no connection itself: each [`Client::connect`] makes one.
#[derive(Debug, Clone)]
pub struct Client {
    target: Target,
    server_name: String,
    tls: ClientTls,
    options: TransportOptions,
}

impl Client {
    /// A client for `target` given as `host:port`, `ipv4:port` or `[ipv6]:port` (the
    /// `JITFLEET_SERVER` syntax). The server certificate must name the host (or the IP).
    pub fn new(target: &str, tls: ClientTls, options: TransportOptions) -> Result<Self, QuicError> {
        let resolve_error = |detail: &str| QuicError::Resolve { target: target.to_owned(), detail: detail.to_owned() };
        if let Ok(addr) = target.parse::<SocketAddr>() {
            return Ok(Self::for_addr(addr, tls, options));
        }
        let (host, port) = target.rsplit_once(':').ok_or_else(|| resolve_error("expected host:port"))?;
        let port: u16 = port.parse().map_err(|_| resolve_error("the port is not a number 0-65535"))?;
        if host.is_empty() {
            return Err(resolve_error("the host is empty"));
        }
        Ok(Self {
            target: Target::Host { host: host.to_owned(), port },
            server_name: host.to_owned(),
            tls,
            options,
        })
    }

    /// A client for a socket address; the server certificate must carry the IP as a SAN.
    pub fn for_addr(addr: SocketAddr, tls: ClientTls, options: TransportOptions) -> Self {
        Self { target: Target::Addr(addr), server_name: addr.ip().to_string(), tls, options }
    }

    /// Verifies the server certificate against `name` instead of the dialled host.
    pub fn with_server_name(mut self, name: impl Into<String>) -> Self {
        self.server_name = name.into();
        self
    }

    /// One connection attempt. Returns only once the server has shown that it accepted our
    /// certificate (a `Ping` round trip): with TLS 1.3 the client finishes its handshake
    /// before the server has judged the client certificate, so without this a refused client
    /// would look connected until its first request.
    pub async fn connect(&self) -> Result<Connection, QuicError> {
        let addr = self.resolve().await?;
        let bind: SocketAddr = match addr.ip() {
            IpAddr::V4(_) => SocketAddr::from(([0, 0, 0, 0], 0)),
            IpAddr::V6(_) => SocketAddr::from(([0u16; 8], 0)),
        };
        let mut endpoint = quinn::Endpoint::client(bind).map_err(|source| QuicError::Bind { addr: bind, source })?;
        let mut config = self.tls.quic_client_config()?;
        config.transport_config(self.options.quinn_transport());
        endpoint.set_default_client_config(config);
        let connecting = endpoint.connect(addr, &self.server_name).map_err(|source| QuicError::Connect {
            addr,
            server_name: self.server_name.clone(),
            source,
        })?;
        let timeout = self.options.handshake_timeout;
        let quinn = match tokio::time::timeout(timeout, connecting).await {
            Err(_) => return Err(QuicError::Timeout { what: "TLS handshake", addr, after: timeout }),
            Ok(Err(source)) => return Err(QuicError::Handshake { addr, source }),
            Ok(Ok(quinn)) => quinn,
        };
        // The server's certificate was verified against the CA; its identity is informational.
        let peer = PeerIdentity::from_connection(&quinn).ok();
        let connection = Connection::start(quinn, peer, self.options.clone(), Some(endpoint));
        match tokio::time::timeout(timeout, connection.ping()).await {
            Err(_) => Err(QuicError::Timeout { what: "confirming the handshake", addr, after: timeout }),
            Ok(Err(QuicError::ConnectionLost { source, .. })) => Err(QuicError::Handshake { addr, source }),
            Ok(Err(other)) => Err(other),
            Ok(Ok(rtt)) => {
                tracing::debug!(%addr, ?rtt, "connected");
                Ok(connection)
            }
        }
    }

    /// Connects, retrying with `backoff` delays until success or `max_attempts` failures
    /// (`None`: forever). The backoff is reset on success. Returns the last error.
    pub async fn connect_with_backoff(
        &self,
        backoff: &mut Backoff,
        max_attempts: Option<u32>,
    ) -> Result<Connection, QuicError> {
        let mut failures = 0u32;
        loop {
            match self.connect().await {
                Ok(connection) => {
                    backoff.reset();
                    return Ok(connection);
                }
                Err(error) => {
                    failures = failures.saturating_add(1);
                    if max_attempts.is_some_and(|max| failures >= max) {
                        return Err(error);
                    }
                    let delay = backoff.next_delay();
                    tracing::info!(%error, ?delay, attempt = failures, "cannot reach the jitfleet server; retrying");
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    async fn resolve(&self) -> Result<SocketAddr, QuicError> {
        match &self.target {
            Target::Addr(addr) => Ok(*addr),
            Target::Host { host, port } => {
                let target = format!("{host}:{port}");
                let mut addrs = tokio::net::lookup_host((host.as_str(), *port))
                    .await
                    .map_err(|err| QuicError::Resolve { target: target.clone(), detail: err.to_string() })?;
                addrs.next().ok_or(QuicError::Resolve { target, detail: "no addresses".into() })
            }
        }
    }
}
