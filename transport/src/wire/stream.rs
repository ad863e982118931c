//! Reading and writing frames on async byte streams (QUIC streams in practice).

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::error::{DecodeError, ReadFrameError, WriteFrameError};
use super::frame::{decode_body, encode_frame, FrameHeader, HEADER_LEN};
use super::limits::FrameLimits;
use super::messages::Message;

/// Body buffer reserved up front; larger bodies grow as their bytes arrive.
const INITIAL_BODY_CAPACITY: usize = 64 * 1024;

/// Reads one frame. `Ok(None)` means the stream ended cleanly before a new frame began.
///
/// The header is validated against `limits` before the body buffer is allocated.
pub async fn read_frame<R>(
    reader: &mut R,
    limits: &FrameLimits,
) -> Result<Option<Message>, ReadFrameError>
where
    R: AsyncRead + Unpin + ?Sized,
{
    let mut header = [0u8; HEADER_LEN];
    let mut filled = 0;
    while filled < HEADER_LEN {
        let n = reader.read(&mut header[filled..]).await.map_err(ReadFrameError::Io)?;
        if n == 0 {
            if filled == 0 {
                return Ok(None);
            }
            return Err(DecodeError::Truncated {
                what: "frame header",
                needed: HEADER_LEN,
                available: filled,
            }
            .into());
        }
        filled += n;
    }
    let header = FrameHeader::parse(header, limits)?;
    // Grow with the bytes that actually arrive: a header announcing 64 MiB costs nothing until
    // the peer really sends them (many streams could each announce the maximum).
    let expected = header.length as usize;
    let mut body = Vec::with_capacity(expected.min(INITIAL_BODY_CAPACITY));
    let received = (&mut *reader)
        .take(u64::from(header.length))
        .read_to_end(&mut body)
        .await
        .map_err(ReadFrameError::Io)?;
    if received < expected {
        return Err(DecodeError::Truncated { what: header.kind.name(), needed: expected, available: received }.into());
    }
    Ok(Some(decode_body(header, &body)?))
}

/// Encodes and writes one frame (does not finish the stream).
pub async fn write_frame<W>(
    writer: &mut W,
    message: &Message,
    limits: &FrameLimits,
) -> Result<(), WriteFrameError>
where
    W: AsyncWrite + Unpin + ?Sized,
{
    let frame = encode_frame(message, limits)?;
    writer.write_all(&frame).await.map_err(WriteFrameError::Io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::messages::{MessageKind, Ping, Pong};

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
    }

    #[test]
    fn frames_written_back_to_back_are_read_in_order_then_clean_end() {
        let limits = FrameLimits::default();
        block_on(async {
            let mut buffer = Vec::new();
            write_frame(&mut buffer, &Message::Ping(Ping { nonce: 1 }), &limits).await.unwrap();
            write_frame(&mut buffer, &Message::Pong(Pong { nonce: 2 }), &limits).await.unwrap();
            let mut reader = buffer.as_slice();
            assert_eq!(read_frame(&mut reader, &limits).await.unwrap(), Some(Message::Ping(Ping { nonce: 1 })));
            assert_eq!(read_frame(&mut reader, &limits).await.unwrap(), Some(Message::Pong(Pong { nonce: 2 })));
            assert_eq!(read_frame(&mut reader, &limits).await.unwrap(), None);
        });
    }

    #[test]
    fn a_stream_cut_inside_the_body_is_truncated_not_clean() {
        let limits = FrameLimits::default();
        block_on(async {
            let mut buffer = Vec::new();
            write_frame(&mut buffer, &Message::Ping(Ping { nonce: u64::MAX }), &limits).await.unwrap();
            buffer.pop();
            let mut reader = buffer.as_slice();
            match read_frame(&mut reader, &limits).await {
                Err(ReadFrameError::Decode(DecodeError::Truncated { what, .. })) => {
                    assert_eq!(what, MessageKind::Ping.name())
                }
                other => panic!("expected Truncated, got {other:?}"),
            }
        });
    }
}
