//! Knobs shared by both ends of a connection.

use std::sync::Arc;
use std::time::Duration;

use crate::wire::FrameLimits;

/// Transport settings; [`Default`] suits the agent and the server.
#[derive(Debug, Clone)]
pub struct TransportOptions {
    /// Frame ceilings for what we *receive* (and refuse to send above).
    pub limits: FrameLimits,
    /// QUIC keep-alive interval: keeps NAT bindings and the idle timer alive on a quiet link.
    pub keep_alive: Duration,
    /// The connection is dropped after this long without any packet from the peer.
    pub idle_timeout: Duration,
    /// How long a TLS handshake may take before the attempt is abandoned.
    pub handshake_timeout: Duration,
    /// How long a request waits for its reply, and a received frame for its last byte.
    pub request_timeout: Duration,
    /// Bidirectional streams the peer may have open at once.
    pub max_concurrent_bi_streams: u32,
    /// Unidirectional streams the peer may have open at once.
    pub max_concurrent_uni_streams: u32,
    /// Inbound messages buffered per connection before the peer is slowed down (QUIC flow
    /// control: we stop reading, its streams fill up).
    pub inbound_queue: usize,
    /// Malformed or oversized frames tolerated from one peer before closing the connection.
    pub max_protocol_errors: u32,
}

impl Default for TransportOptions {
    fn default() -> Self {
        Self {
            limits: FrameLimits::default(),
            keep_alive: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(30),
            handshake_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_concurrent_bi_streams: 64,
            max_concurrent_uni_streams: 256,
            inbound_queue: 256,
            max_protocol_errors: 8,
        }
    }
}

impl TransportOptions {
    /// The quinn transport configuration these options describe.
    pub(crate) fn quinn_transport(&self) -> Arc<quinn::TransportConfig> {
        let mut config = quinn::TransportConfig::default();
        config
            .keep_alive_interval(Some(self.keep_alive))
            // A duration beyond QUIC's range (2^62 ms) is clamped to the largest one, never
            // turned into "no idle timeout".
            .max_idle_timeout(Some(
                quinn::IdleTimeout::try_from(self.idle_timeout)
                    .unwrap_or_else(|_| quinn::IdleTimeout::from(quinn::VarInt::MAX)),
            ))
            .max_concurrent_bidi_streams(quinn::VarInt::from_u32(self.max_concurrent_bi_streams))
            .max_concurrent_uni_streams(quinn::VarInt::from_u32(self.max_concurrent_uni_streams));
        Arc::new(config)
    }
}
