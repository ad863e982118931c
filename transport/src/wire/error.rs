//! Errors of the wire layer. Each variant names the message kind and the numbers involved, so a
//! log line is enough to see what a peer sent.

use super::messages::{ErrorCode, MessageKind};

/// Why bytes from a peer could not be turned into a [`super::Message`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The frame header's tag byte names no known message kind.
    #[error("unknown message kind tag {tag} in frame header")]
    UnknownKind {
        /// The tag byte received.
        tag: u8,
    },
    /// The frame header announces more bytes than the limit for its kind.
    #[error("{kind} frame of {length} bytes exceeds the {limit}-byte limit for that kind")]
    TooLarge {
        /// The announced kind.
        kind: MessageKind,
        /// The announced payload length.
        length: u32,
        /// The limit it broke.
        limit: u32,
    },
    /// The input ended inside a frame header or body.
    #[error("truncated frame: {what} needs {needed} bytes, only {available} available")]
    Truncated {
        /// Which part was cut ("frame header" or the kind's name).
        what: &'static str,
        /// Bytes needed.
        needed: usize,
        /// Bytes that were there.
        available: usize,
    },
    /// The body does not decode as the announced kind (bad field, trailing bytes, ...).
    #[error("malformed {kind} body ({length} bytes): {source}")]
    Body {
        /// The announced kind.
        kind: MessageKind,
        /// Body length.
        length: u32,
        /// What bincode found wrong.
        #[source]
        source: bincode::Error,
    },
}

impl DecodeError {
    /// The [`ErrorCode`] to send back to a peer that caused this error.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            DecodeError::TooLarge { .. } => ErrorCode::TooLarge,
            _ => ErrorCode::Malformed,
        }
    }
}

/// Why a message could not be framed for sending.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The encoded body is larger than the limit for its kind (the peer would refuse it).
    #[error("{kind} message encodes to {length} bytes, over the {limit}-byte limit for that kind")]
    TooLarge {
        /// The kind.
        kind: MessageKind,
        /// Encoded body length.
        length: usize,
        /// The limit.
        limit: u32,
    },
    /// bincode could not serialize the body (should not happen for our types).
    #[error("cannot serialize {kind} message: {source}")]
    Serialize {
        /// The kind.
        kind: MessageKind,
        /// The cause.
        #[source]
        source: bincode::Error,
    },
}

/// Why reading a frame from a stream failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadFrameError {
    /// The bytes were read but are not a valid frame.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The stream failed (reset by the peer, connection lost).
    #[error("stream read failed: {0}")]
    Io(#[source] std::io::Error),
}

/// Why writing a frame to a stream failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteFrameError {
    /// The message could not be framed.
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// The stream failed.
    #[error("stream write failed: {0}")]
    Io(#[source] std::io::Error),
}
