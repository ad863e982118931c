//! Errors of the QUIC layer and the application close / stream error codes we use.

use std::net::SocketAddr;
use std::time::Duration;

use crate::tls::TlsError;
use crate::wire::{MessageKind, ReadFrameError, WriteFrameError};

/// Application error codes in CONNECTION_CLOSE frames sent by jitfleet.
pub mod close_code {
    /// Orderly shutdown.
    pub const NORMAL: u32 = 0;
    /// The peer sent malformed or oversized frames (reason text says which).
    pub const PROTOCOL_VIOLATION: u32 = 1;
    /// The application refused the peer (e.g. a `Refuse` after `Hello`).
    pub const REFUSED: u32 = 2;
    /// The peer has no usable certificate identity.
    pub const NO_IDENTITY: u32 = 3;
}

/// Application error codes for STOP_SENDING / RESET_STREAM on one stream.
pub mod stream_code {
    /// The frame on this stream was over the limit; the rest of it is not wanted.
    pub const TOO_LARGE: u32 = 0x10;
    /// The frame on this stream was malformed.
    pub const MALFORMED: u32 = 0x11;
}

/// What went wrong in the QUIC layer. Variants carry the address or message kind involved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QuicError {
    /// The TLS configuration is unusable.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The UDP socket could not be bound.
    #[error("cannot bind UDP socket on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A `host:port` target could not be parsed or resolved.
    #[error("cannot resolve server address {target:?}: {detail}")]
    Resolve {
        /// What was given.
        target: String,
        /// Why it failed.
        detail: String,
    },
    /// The connection attempt could not even start (e.g. invalid server name).
    #[error("cannot connect to {addr} as {server_name:?}: {source}")]
    Connect {
        /// The address.
        addr: SocketAddr,
        /// The TLS server name.
        server_name: String,
        /// Why.
        #[source]
        source: quinn::ConnectError,
    },
    /// The handshake failed or the peer refused us (bad certificate, wrong CA, ALPN, ...).
    #[error("handshake with {addr} failed: {source}")]
    Handshake {
        /// The peer.
        addr: SocketAddr,
        /// quinn's account, including the TLS alert text.
        #[source]
        source: quinn::ConnectionError,
    },
    /// The connection is gone (closed by either side, timed out, reset).
    #[error("connection to {addr} lost: {source}")]
    ConnectionLost {
        /// The peer.
        addr: SocketAddr,
        /// How it ended.
        #[source]
        source: quinn::ConnectionError,
    },
    /// Writing a frame failed.
    #[error("sending {kind} to {addr}: {source}")]
    Send {
        /// The peer.
        addr: SocketAddr,
        /// The message kind.
        kind: MessageKind,
        /// Why.
        #[source]
        source: WriteFrameError,
    },
    /// Reading a frame failed.
    #[error("reading the reply to {kind} from {addr}: {source}")]
    Receive {
        /// The peer.
        addr: SocketAddr,
        /// The request kind.
        kind: MessageKind,
        /// Why.
        #[source]
        source: ReadFrameError,
    },
    /// The peer finished the reply stream without sending a reply.
    #[error("{addr} sent no reply to {kind}")]
    NoReply {
        /// The peer.
        addr: SocketAddr,
        /// The request kind.
        kind: MessageKind,
    },
    /// Something took longer than allowed.
    #[error("{what} with {addr} timed out after {after:?}")]
    Timeout {
        /// What was being waited for.
        what: &'static str,
        /// The peer.
        addr: SocketAddr,
        /// The limit.
        after: Duration,
    },
    /// The peer answered our liveness probe with something other than the matching `Pong`.
    #[error("{addr} answered Ping with {kind}")]
    UnexpectedReply {
        /// The peer.
        addr: SocketAddr,
        /// What came back.
        kind: MessageKind,
    },
}
