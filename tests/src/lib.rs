//! Helpers for the integration tests. (Being written.)
