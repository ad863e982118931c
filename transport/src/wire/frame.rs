//! Framing: `[kind: u8][length: u32 big-endian][body: length bytes]`.
//!
//! The header is read and checked against [`FrameLimits`] before a single body byte is
//! buffered, so an announced length can never make us allocate more than the limit for the
//! announced kind. The body is decoded with bincode under a byte limit equal to the body length
//! and trailing bytes are rejected, so a body must be exactly one value of its kind.

use bincode::Options;

use super::error::{DecodeError, EncodeError};
use super::limits::FrameLimits;
use super::messages::{Message, MessageKind};

/// Bytes in a frame header.
pub const HEADER_LEN: usize = 5;

/// A validated frame header: the kind is known and the length within its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    /// Kind of the body.
    pub kind: MessageKind,
    /// Body length in bytes.
    pub length: u32,
}

impl FrameHeader {
    /// Parses and validates a header; the limit check happens here, before any allocation.
    pub fn parse(bytes: [u8; HEADER_LEN], limits: &FrameLimits) -> Result<Self, DecodeError> {
        let tag = bytes[0];
        let kind = MessageKind::from_tag(tag).ok_or(DecodeError::UnknownKind { tag })?;
        let length = u32::from_be_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]);
        let limit = limits.limit_for(kind);
        if length > limit {
            return Err(DecodeError::TooLarge { kind, length, limit });
        }
        Ok(Self { kind, length })
    }

    /// The header's bytes.
    pub fn to_bytes(self) -> [u8; HEADER_LEN] {
        let [a, b, c, d] = self.length.to_be_bytes();
        [self.kind.tag(), a, b, c, d]
    }
}

/// The bincode configuration of every body: varint integers, little endian, no trailing bytes.
fn body_options() -> impl Options {
    bincode::DefaultOptions::new()
        .with_varint_encoding()
        .with_little_endian()
        .reject_trailing_bytes()
}

/// Encodes `message` as one frame, refusing a body the peer's limits (assumed equal to ours)
/// would reject.
pub fn encode_frame(message: &Message, limits: &FrameLimits) -> Result<Vec<u8>, EncodeError> {
    let kind = message.kind();
    let limit = limits.limit_for(kind);
    // The message is already in memory, so encoding it unbounded costs at most its own size.
    let body = message
        .encode_body(body_options())
        .map_err(|source| EncodeError::Serialize { kind, source })?;
    let length = u32::try_from(body.len())
        .ok()
        .filter(|&length| length <= limit)
        .ok_or(EncodeError::TooLarge { kind, length: body.len(), limit })?;
    let mut frame = Vec::with_capacity(HEADER_LEN + body.len());
    frame.extend_from_slice(&FrameHeader { kind, length }.to_bytes());
    frame.extend_from_slice(&body);
    Ok(frame)
}

/// Decodes the body of a frame whose header has been validated.
pub fn decode_body(header: FrameHeader, body: &[u8]) -> Result<Message, DecodeError> {
    debug_assert_eq!(body.len(), header.length as usize, "caller passes exactly the body");
    // The byte limit stops a length prefix inside the body from claiming more than the body.
    let options = body_options().with_limit(u64::from(header.length));
    Message::decode_body(header.kind, body, options).map_err(|source| {
        DecodeError::Body { kind: header.kind, length: header.length, source }
    })
}

/// Decodes one frame from the front of `input`; returns the message and the bytes consumed.
///
/// Never panics, whatever `input` holds: this is the fuzz target's entry point.
pub fn decode_frame(input: &[u8], limits: &FrameLimits) -> Result<(Message, usize), DecodeError> {
    let header_bytes: [u8; HEADER_LEN] = input
        .get(..HEADER_LEN)
        .and_then(|slice| slice.try_into().ok())
        .ok_or(DecodeError::Truncated {
            what: "frame header",
            needed: HEADER_LEN,
            available: input.len(),
        })?;
    let header = FrameHeader::parse(header_bytes, limits)?;
    let body_len = header.length as usize;
    let body = input.get(HEADER_LEN..HEADER_LEN + body_len).ok_or(DecodeError::Truncated {
        what: header.kind.name(),
        needed: body_len,
        available: input.len() - HEADER_LEN,
    })?;
    let message = decode_body(header, body)?;
    Ok((message, HEADER_LEN + body_len))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::messages::*;

    fn sample_upload(len: usize) -> Message {
        let bytes = vec![0xAB; len];
        Message::CodeUpload(CodeUpload { hash: ContentHash::of(&bytes), method: "LFoo;bar()V".into(), bytes })
    }

    #[test]
    fn a_frame_round_trips_and_reports_its_length() {
        let limits = FrameLimits::default();
        let message = Message::Ping(Ping { nonce: 0xDEAD_BEEF });
        let frame = encode_frame(&message, &limits).unwrap();
        assert_eq!(frame[0], MessageKind::Ping.tag());
        let (decoded, used) = decode_frame(&frame, &limits).unwrap();
        assert_eq!(decoded, message);
        assert_eq!(used, frame.len());
    }

    #[test]
    fn an_oversized_header_is_refused_before_the_body_is_needed() {
        let limits = FrameLimits { max_control_frame: 16, ..FrameLimits::default() };
        let header = FrameHeader { kind: MessageKind::Ping, length: 17 }.to_bytes();
        // Only the header is supplied: the limit check must fire without looking for a body.
        match decode_frame(&header, &limits) {
            Err(DecodeError::TooLarge { kind: MessageKind::Ping, length: 17, limit: 16 }) => {}
            other => panic!("expected TooLarge, got {other:?}"),
        }
    }

    #[test]
    fn the_sender_refuses_to_encode_a_message_over_its_limit() {
        let limits = FrameLimits { max_code_frame: 1000, ..FrameLimits::default() };
        assert!(encode_frame(&sample_upload(900), &limits).is_ok());
        match encode_frame(&sample_upload(1000), &limits) {
            Err(EncodeError::TooLarge { kind: MessageKind::CodeUpload, limit: 1000, .. }) => {}
            other => panic!("expected TooLarge, got {other:?}"),
        }
    }

    #[test]
    fn trailing_bytes_inside_a_body_are_malformed() {
        let limits = FrameLimits::default();
        let mut frame = encode_frame(&Message::Ping(Ping { nonce: 7 }), &limits).unwrap();
        frame.push(0);
        let length = (frame.len() - HEADER_LEN) as u32;
        frame[1..5].copy_from_slice(&length.to_be_bytes());
        match decode_frame(&frame, &limits) {
            Err(DecodeError::Body { kind: MessageKind::Ping, .. }) => {}
            other => panic!("expected Body error, got {other:?}"),
        }
    }

    #[test]
    fn an_unknown_tag_is_named_in_the_error() {
        let err = decode_frame(&[200, 0, 0, 0, 0], &FrameLimits::default()).unwrap_err();
        assert!(matches!(err, DecodeError::UnknownKind { tag: 200 }));
        assert_eq!(err.to_string(), "unknown message kind tag 200 in frame header");
    }
}
