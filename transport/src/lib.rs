//! jitfleet's shared vocabulary and its transport.
//!
//! - [`compat`]: the compat key that decides which JVMs may share code.
//! - [`profile`]: symbolic method profiles and their versioned file format.
//!
//! Every type here is plain data that the agent, the server and the `jitfleet` command share.

pub mod compat;
pub mod doctor;
pub mod profile;
pub mod certs;
pub mod quic;
pub mod tls;
pub mod wire;
