//! The listening end: accepts QUIC connections, completes mutual TLS, and hands out only
//! connections whose peer identity could be read.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc;

use super::connection::Connection;
use super::error::{close_code, QuicError};
use super::options::TransportOptions;
use crate::tls::{PeerIdentity, ServerTls, TlsError};

/// How many handshakes may be waiting for [`Server::accept`] at once.
const ACCEPT_BACKLOG: usize = 128;

/// Counters a server keeps about connection attempts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ServerStats {
    /// Connections that completed mutual TLS and were handed to [`Server::accept`].
    pub accepted: u64,
    /// Attempts refused during the handshake (no certificate, unknown CA, wrong ALPN, timeout).
    pub refused: u64,
}

#[derive(Debug, Default)]
struct Counters {
    accepted: AtomicU64,
    refused: AtomicU64,
}

/// A bound QUIC server. Dropping it stops accepting; established connections live on.
#[derive(Debug)]
pub struct Server {
    endpoint: quinn::Endpoint,
    accepted: mpsc::Receiver<Connection>,
    counters: Arc<Counters>,
}

impl Server {
    /// Binds `addr` (use port 0 for an ephemeral port) and starts accepting in the background.
    /// Must be called from within a tokio runtime.
    pub fn bind(addr: SocketAddr, tls: &ServerTls, options: TransportOptions) -> Result<Self, QuicError> {
        let mut config = tls.quic_server_config()?;
        config.transport_config(options.quinn_transport());
        let endpoint = quinn::Endpoint::server(config, addr).map_err(|source| QuicError::Bind { addr, source })?;
        let (sender, accepted) = mpsc::channel(ACCEPT_BACKLOG);
        let counters = Arc::new(Counters::default());
        tokio::spawn(accept_loop(endpoint.clone(), sender, options, counters.clone()));
        Ok(Self { endpoint, accepted, counters })
    }

    /// The bound address (with the real port when bound to port 0).
    pub fn local_addr(&self) -> Result<SocketAddr, QuicError> {
        let fallback = SocketAddr::from(([0, 0, 0, 0], 0));
        self.endpoint.local_addr().map_err(|source| QuicError::Bind { addr: fallback, source })
    }

    /// The next authenticated connection; `None` after [`Server::close`].
    pub async fn accept(&mut self) -> Option<Connection> {
        self.accepted.recv().await
    }

    /// Connection-attempt counters.
    pub fn stats(&self) -> ServerStats {
        ServerStats {
            accepted: self.counters.accepted.load(Ordering::Relaxed),
            refused: self.counters.refused.load(Ordering::Relaxed),
        }
    }

    /// Closes every connection and stops accepting.
    pub fn close(&self, reason: &str) {
        self.endpoint.close(quinn::VarInt::from_u32(close_code::NORMAL), reason.as_bytes());
    }
}

async fn accept_loop(
    endpoint: quinn::Endpoint,
    accepted: mpsc::Sender<Connection>,
    options: TransportOptions,
    counters: Arc<Counters>,
) {
    while let Some(incoming) = endpoint.accept().await {
        // Handshakes run concurrently so that one slow or hostile client cannot hold up others.
        tokio::spawn(handshake(incoming, accepted.clone(), options.clone(), counters.clone()));
    }
}

async fn handshake(
    incoming: quinn::Incoming,
    accepted: mpsc::Sender<Connection>,
    options: TransportOptions,
    counters: Arc<Counters>,
) {
    let remote = incoming.remote_address();
    let connection = match tokio::time::timeout(options.handshake_timeout, incoming).await {
        Ok(Ok(connection)) => connection,
        Ok(Err(error)) => {
            counters.refused.fetch_add(1, Ordering::Relaxed);
            tracing::info!(%remote, %error, "refused connection during the TLS handshake");
            return;
        }
        Err(_) => {
            counters.refused.fetch_add(1, Ordering::Relaxed);
            tracing::info!(%remote, after = ?options.handshake_timeout, "handshake timed out");
            return;
        }
    };
    let peer = match PeerIdentity::from_connection(&connection) {
        Ok(peer) => Some(peer),
        // Only reachable with ClientAuth::Optional: an anonymous but admitted client.
        Err(TlsError::NoPeerCertificate) => None,
        Err(error) => {
            counters.refused.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(%remote, %error, "closing connection: unreadable client certificate");
            connection.close(quinn::VarInt::from_u32(close_code::NO_IDENTITY), error.to_string().as_bytes());
            return;
        }
    };
    let name = peer.as_ref().map_or_else(|| "<anonymous>".to_string(), PeerIdentity::display_name);
    let role = peer.as_ref().and_then(PeerIdentity::role).map(|role| role.as_str());
    tracing::info!(%remote, peer = %name, ?role, "accepted connection");
    counters.accepted.fetch_add(1, Ordering::Relaxed);
    let _ = accepted.send(Connection::start(connection, peer, options, None)).await;
}
