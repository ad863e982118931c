//! `jitfleet-server`: the remote compile service of jitfleet (design.md, "Aggregate and
//! decide").
//!
//! Replicas connect over QUIC with mutual TLS ([`jitfleet_transport::quic`]), say `Hello`,
//! and join their *fleet* — the replicas of one application with one compat key. The server
//!
//! - merges their profile deltas into one fleet-wide profile ([`profiles`], [`registry`]),
//!   persisted crash-safely and reloaded at start;
//! - stores the code donors upload in a content-addressed, self-verifying, size-bounded
//!   store on local disk ([`store`]);
//! - pushes the fleet's code catalog to every replica at `Hello` (and again when new code
//!   arrives), filtered by policy, and serves the blobs on request ([`session`], [`service`]);
//! - counts everything and serves Prometheus text metrics ([`metrics`], [`http`]).
//!
//! [`RunningServer::start`] runs a server inside a tokio runtime; the `jitfleet-server` binary
//! wraps it with a command line ([`cli`]).
//!
//! Not yet here: remote compile workers and withdrawal of code that deoptimises in the field.

pub mod cli;
pub mod config;
pub mod durable;
pub mod fleet;
pub mod http;
pub mod metrics;
pub mod profiles;
pub mod registry;
pub mod server;
pub mod service;
pub mod session;
pub mod status;
pub mod store;

pub use config::ServerConfig;
pub use server::{RunningServer, ServerError};
