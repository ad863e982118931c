//! QUIC endpoints for jitfleet: mutually authenticated connections carrying [`crate::wire`]
//! frames.
//!
//! # Model
//!
//! * A [`Server`] binds a UDP address, completes mutual TLS with every client (see
//!   [`crate::tls`]) and yields [`Connection`]s whose [`Connection::peer`] is the client's
//!   verified certificate identity (CN, role OU, SANs). Refused handshakes are counted in
//!   [`Server::stats`] and logged, never handed out.
//! * A [`Client`] dials one server (`host:port`), and [`Client::connect`] returns only once the
//!   server has accepted the client certificate. [`Client::connect_with_backoff`] retries with
//!   a capped, jittered exponential [`Backoff`].
//! * A [`Connection`] is symmetric: either end may
//!   - [`request`](Connection::request) — one frame on a new bidirectional stream, one reply
//!     back (or [`request_stream`](Connection::request_stream) for several replies);
//!   - [`send`](Connection::send) — one frame on a new unidirectional stream, no reply;
//!   - [`next_inbound`](Connection::next_inbound) — what the peer sent: [`Inbound::Request`]
//!     with a [`Responder`], or [`Inbound::OneWay`].
//!
//!   `Ping` is answered by the transport itself ([`Connection::ping`] measures the RTT).
//!   Frames over the receiver's [`crate::wire::FrameLimits`] are refused from the header,
//!   before their body is read; a bad request frame gets an `Error` reply naming the problem,
//!   a bad one-way frame closes the connection with that text as the close reason
//!   ([`close_code::PROTOCOL_VIOLATION`]), and too many bad frames close it too. Other
//!   connections are unaffected.
//! * QUIC keep-alives and an idle timeout ([`TransportOptions`]) detect dead peers.
//!
//! # Use from the agent (no async outside the network thread)
//!
//! The agent owns one OS thread running a current-thread tokio runtime; JVM threads hand work
//! to it through bounded channels and never wait on the network:
//!
//! ```no_run
//! # use jitfleet_transport::{quic::*, tls::ClientTls, wire::*};
//! # fn run(tls: ClientTls, outbox: std::sync::mpsc::Receiver<Message>) -> std::io::Result<()> {
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! runtime.block_on(async {
//!     let client = Client::new("jitfleet.internal:7443", tls, TransportOptions::default()).unwrap();
//!     let mut backoff = Backoff::default();
//!     loop {
//!         let Ok(connection) = client.connect_with_backoff(&mut backoff, None).await else { continue };
//!         // ... Hello / HelloAck with connection.request(..), then drain `outbox` with
//!         // connection.send(..) and serve connection.next_inbound() until it returns None.
//!         let _ = connection.closed().await;
//!     }
//! });
//! # Ok(()) }
//! ```
//!
//! Every function that spawns (`Server::bind`, `Client::connect`) must run inside a tokio
//! runtime; a current-thread runtime is enough.

mod backoff;
mod client;
mod connection;
mod error;
mod options;
mod server;

pub use backoff::Backoff;
pub use client::Client;
pub use connection::{Connection, Inbound, Responder, ResponseStream};
pub use error::{close_code, stream_code, QuicError};
pub use options::TransportOptions;
pub use server::{Server, ServerStats};
