//! QUIC endpoints (being written).
