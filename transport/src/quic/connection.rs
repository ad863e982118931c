//! One authenticated connection, symmetric for both ends: requests on bidirectional streams,
//! one-way messages on unidirectional streams, and a bounded queue of what the peer sent.
//!
//! A background task (spawned on the current tokio runtime) accepts the peer's streams, reads
//! one frame from each under the frame limits, answers `Ping` itself, answers undecodable
//! frames with an `Error` reply (or closes the connection when there is no stream to reply
//! on), and queues everything else for [`Connection::next_inbound`].

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, Mutex};

use super::error::{close_code, stream_code, QuicError};
use super::options::TransportOptions;
use crate::tls::PeerIdentity;
use crate::wire::{
    read_frame, write_frame, DecodeError, ErrorCode, FrameLimits, Message, MessageKind, Ping, Pong,
    ReadFrameError, WriteFrameError,
};

/// Longest close reason we send: it must fit in one packet with room to spare.
const MAX_CLOSE_REASON: usize = 512;

/// Something the peer sent us.
#[derive(Debug)]
pub enum Inbound {
    /// A message on a bidirectional stream: the peer waits for a reply through `responder`.
    Request {
        /// The request.
        message: Message,
        /// Where the reply goes. Dropping it finishes the stream without a reply.
        responder: Responder,
    },
    /// A message on a unidirectional stream: no reply possible.
    OneWay(Message),
}

/// The reply half of an inbound request.
#[derive(Debug)]
pub struct Responder {
    send: quinn::SendStream,
    limits: FrameLimits,
    peer: SocketAddr,
}

impl Responder {
    /// Sends `message` as the only reply and finishes the stream.
    pub async fn reply(mut self, message: &Message) -> Result<(), QuicError> {
        self.send_part(message).await?;
        self.finish();
        Ok(())
    }

    /// Sends one of several reply frames (e.g. one `CodeResponse` per requested hash).
    ///
    /// A reply that cannot be framed (over the limit) is replaced on the wire by an `Error`
    /// reply saying so, so the requester is never left guessing; the error is still returned.
    pub async fn send_part(&mut self, message: &Message) -> Result<(), QuicError> {
        match write_frame(&mut self.send, message, &self.limits).await {
            Err(WriteFrameError::Encode(encode)) => {
                let notice = Message::error(ErrorCode::Internal, format!("reply not sent: {encode}"));
                // Best effort: the original error is what the caller needs to see.
                let _ = write_frame(&mut self.send, &notice, &self.limits).await;
                Err(QuicError::Send { addr: self.peer, kind: message.kind(), source: encode.into() })
            }
            Err(source) => Err(QuicError::Send { addr: self.peer, kind: message.kind(), source }),
            Ok(()) => Ok(()),
        }
    }

    /// Finishes the reply stream (also done on drop).
    pub fn finish(mut self) {
        // Already finished or reset by the peer: nothing left to do either way.
        let _ = self.send.finish();
    }
}

/// The replies to one request, read one frame at a time.
#[derive(Debug)]
pub struct ResponseStream {
    recv: quinn::RecvStream,
    connection: quinn::Connection,
    limits: FrameLimits,
    request_kind: MessageKind,
    timeout: Duration,
}

impl ResponseStream {
    /// The next reply; `Ok(None)` once the peer has finished the stream.
    pub async fn next(&mut self) -> Result<Option<Message>, QuicError> {
        let addr = self.connection.remote_address();
        let read = tokio::time::timeout(self.timeout, read_frame(&mut self.recv, &self.limits)).await;
        match read {
            Err(_) => Err(QuicError::Timeout { what: "waiting for a reply", addr, after: self.timeout }),
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(source)) => Err(lost_or(&self.connection, || QuicError::Receive { addr, kind: self.request_kind, source })),
        }
    }
}

#[derive(Debug, Default)]
struct Counters {
    protocol_errors: AtomicU32,
}

#[derive(Debug)]
struct Shared {
    quinn: quinn::Connection,
    peer: Option<PeerIdentity>,
    options: TransportOptions,
    inbound: Mutex<mpsc::Receiver<Inbound>>,
    counters: Arc<Counters>,
    /// The client's own endpoint, kept alive as long as the connection is used.
    _endpoint: Option<quinn::Endpoint>,
}

/// An established, authenticated connection. Cheap to clone; all clones share one connection.
#[derive(Debug, Clone)]
pub struct Connection {
    shared: Arc<Shared>,
}

impl Connection {
    /// Wraps an established quinn connection and starts serving the peer's streams.
    /// Must be called from within a tokio runtime.
    pub(crate) fn start(
        quinn: quinn::Connection,
        peer: Option<PeerIdentity>,
        options: TransportOptions,
        endpoint: Option<quinn::Endpoint>,
    ) -> Self {
        let (sender, receiver) = mpsc::channel(options.inbound_queue.max(1));
        let counters = Arc::new(Counters::default());
        tokio::spawn(accept_streams(quinn.clone(), sender, options.clone(), counters.clone()));
        Self {
            shared: Arc::new(Shared {
                quinn,
                peer,
                options,
                inbound: Mutex::new(receiver),
                counters,
                _endpoint: endpoint,
            }),
        }
    }

    /// The peer's certificate identity (`None` only for an anonymous client admitted by a
    /// server configured with [`crate::tls::ClientAuth::Optional`]).
    pub fn peer(&self) -> Option<&PeerIdentity> {
        self.shared.peer.as_ref()
    }

    /// The peer's UDP address.
    pub fn remote_address(&self) -> SocketAddr {
        self.shared.quinn.remote_address()
    }

    /// Sends a request on a new bidirectional stream and waits for the single reply.
    ///
    /// The reply may be an `Error` message (e.g. the peer found our frame too large); that is a
    /// successful exchange and is returned as such.
    pub async fn request(&self, message: &Message) -> Result<Message, QuicError> {
        let mut replies = self.request_stream(message).await?;
        replies.next().await?.ok_or(QuicError::NoReply { addr: self.remote_address(), kind: message.kind() })
    }

    /// Sends a request and returns the stream of its replies (for requests answered by
    /// several frames, such as `CodeRequest`).
    pub async fn request_stream(&self, message: &Message) -> Result<ResponseStream, QuicError> {
        let addr = self.remote_address();
        let kind = message.kind();
        let quinn = &self.shared.quinn;
        let (mut send, recv) = quinn.open_bi().await.map_err(|source| QuicError::ConnectionLost { addr, source })?;
        let written = write_frame(&mut send, message, &self.shared.options.limits).await;
        let _ = send.finish();
        let replies = ResponseStream {
            recv,
            connection: quinn.clone(),
            limits: self.shared.options.limits,
            request_kind: kind,
            timeout: self.shared.options.request_timeout,
        };
        match written {
            Ok(()) => Ok(replies),
            Err(WriteFrameError::Encode(encode)) => Err(QuicError::Send { addr, kind, source: encode.into() }),
            // The peer stopped reading (it refused the frame); its reply says why, if it sent one.
            Err(WriteFrameError::Io(_)) if quinn.close_reason().is_none() => Ok(replies),
            Err(source) => Err(lost_or(quinn, || QuicError::Send { addr, kind, source })),
        }
    }

    /// Sends a one-way message on a new unidirectional stream.
    pub async fn send(&self, message: &Message) -> Result<(), QuicError> {
        let addr = self.remote_address();
        let quinn = &self.shared.quinn;
        let mut send = quinn.open_uni().await.map_err(|source| QuicError::ConnectionLost { addr, source })?;
        write_frame(&mut send, message, &self.shared.options.limits)
            .await
            .map_err(|source| lost_or(quinn, || QuicError::Send { addr, kind: message.kind(), source }))?;
        let _ = send.finish();
        Ok(())
    }

    /// The next message the peer sent; `None` once the connection is closed.
    ///
    /// Meant for one consumer; concurrent callers take turns.
    pub async fn next_inbound(&self) -> Option<Inbound> {
        self.shared.inbound.lock().await.recv().await
    }

    /// Round-trip time of a `Ping` (answered by the peer's transport, not its application).
    pub async fn ping(&self) -> Result<Duration, QuicError> {
        let nonce = fastrand::u64(..);
        let started = Instant::now();
        match self.request(&Message::Ping(Ping { nonce })).await? {
            Message::Pong(Pong { nonce: echoed }) if echoed == nonce => Ok(started.elapsed()),
            other => Err(QuicError::UnexpectedReply { addr: self.remote_address(), kind: other.kind() }),
        }
    }

    /// Closes the connection with an application code ([`close_code`]) and a reason.
    pub fn close(&self, code: u32, reason: &str) {
        close_with(&self.shared.quinn, code, reason);
    }

    /// Waits until the connection is closed, by either side, and says how.
    pub async fn closed(&self) -> quinn::ConnectionError {
        self.shared.quinn.closed().await
    }

    /// How the connection ended, if it has.
    pub fn close_reason(&self) -> Option<quinn::ConnectionError> {
        self.shared.quinn.close_reason()
    }

    /// Malformed or oversized frames received from the peer so far.
    pub fn protocol_errors(&self) -> u32 {
        self.shared.counters.protocol_errors.load(Ordering::Relaxed)
    }

    /// The underlying quinn connection, for diagnostics and for tests that must send bytes the
    /// API refuses to produce.
    pub fn quinn(&self) -> &quinn::Connection {
        &self.shared.quinn
    }
}

/// When the connection itself is gone, that is the error to report, not the stream's symptom.
fn lost_or(connection: &quinn::Connection, otherwise: impl FnOnce() -> QuicError) -> QuicError {
    match connection.close_reason() {
        Some(source) => QuicError::ConnectionLost { addr: connection.remote_address(), source },
        None => otherwise(),
    }
}

fn close_with(connection: &quinn::Connection, code: u32, reason: &str) {
    let mut end = reason.len().min(MAX_CLOSE_REASON);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    connection.close(quinn::VarInt::from_u32(code), &reason.as_bytes()[..end]);
}

/// Accepts the peer's streams until the connection ends or nobody holds the connection.
async fn accept_streams(
    connection: quinn::Connection,
    inbound: mpsc::Sender<Inbound>,
    options: TransportOptions,
    counters: Arc<Counters>,
) {
    loop {
        tokio::select! {
            bi = connection.accept_bi() => match bi {
                Ok((send, recv)) => {
                    tokio::spawn(serve_bi(connection.clone(), send, recv, inbound.clone(), options.clone(), counters.clone()));
                }
                Err(_) => break,
            },
            uni = connection.accept_uni() => match uni {
                Ok(recv) => {
                    tokio::spawn(serve_uni(connection.clone(), recv, inbound.clone(), options.clone(), counters.clone()));
                }
                Err(_) => break,
            },
            () = inbound.closed() => {
                // Every `Connection` handle is gone: nobody will read or reply any more.
                close_with(&connection, close_code::NORMAL, "connection dropped by its owner");
                break;
            }
        }
    }
}

async fn read_one(
    recv: &mut quinn::RecvStream,
    options: &TransportOptions,
) -> Option<Result<Option<Message>, ReadFrameError>> {
    tokio::time::timeout(options.request_timeout, read_frame(recv, &options.limits)).await.ok()
}

async fn serve_bi(
    connection: quinn::Connection,
    mut send: quinn::SendStream,
    mut recv: quinn::RecvStream,
    inbound: mpsc::Sender<Inbound>,
    options: TransportOptions,
    counters: Arc<Counters>,
) {
    let peer = connection.remote_address();
    match read_one(&mut recv, &options).await {
        None => {
            tracing::debug!(%peer, "request stream timed out before a whole frame arrived");
            let _ = recv.stop(quinn::VarInt::from_u32(stream_code::MALFORMED));
        }
        Some(Ok(Some(Message::Ping(Ping { nonce })))) => {
            let _ = write_frame(&mut send, &Message::Pong(Pong { nonce }), &options.limits).await;
            let _ = send.finish();
        }
        Some(Ok(Some(message))) => {
            let responder = Responder { send, limits: options.limits, peer };
            // Waits when the queue is full: that is the backpressure on the peer.
            let _ = inbound.send(Inbound::Request { message, responder }).await;
        }
        Some(Ok(None)) | Some(Err(ReadFrameError::Io(_))) => {}
        Some(Err(ReadFrameError::Decode(error))) => {
            let reply = Message::error(error.error_code(), error.to_string());
            // Stop the peer's sending first: for an oversized frame, the body is not wanted.
            let _ = recv.stop(quinn::VarInt::from_u32(stream_code_for(&error)));
            let _ = write_frame(&mut send, &reply, &options.limits).await;
            let _ = send.finish();
            count_protocol_error(&connection, &options, &counters, &error);
        }
    }
}

async fn serve_uni(
    connection: quinn::Connection,
    mut recv: quinn::RecvStream,
    inbound: mpsc::Sender<Inbound>,
    options: TransportOptions,
    counters: Arc<Counters>,
) {
    loop {
        match read_one(&mut recv, &options).await {
            None => {
                let _ = recv.stop(quinn::VarInt::from_u32(stream_code::MALFORMED));
                return;
            }
            Some(Ok(Some(message))) => {
                if inbound.send(Inbound::OneWay(message)).await.is_err() {
                    return;
                }
            }
            Some(Ok(None)) | Some(Err(ReadFrameError::Io(_))) => return,
            Some(Err(ReadFrameError::Decode(error))) => {
                // No stream to reply on: the close reason is the only way to tell the peer.
                counters.protocol_errors.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(peer = %connection.remote_address(), %error, "closing connection: bad one-way frame");
                close_with(&connection, close_code::PROTOCOL_VIOLATION, &format!("bad one-way frame: {error}"));
                return;
            }
        }
    }
}

fn stream_code_for(error: &DecodeError) -> u32 {
    match error {
        DecodeError::TooLarge { .. } => stream_code::TOO_LARGE,
        _ => stream_code::MALFORMED,
    }
}

fn count_protocol_error(
    connection: &quinn::Connection,
    options: &TransportOptions,
    counters: &Counters,
    error: &DecodeError,
) {
    let count = counters.protocol_errors.fetch_add(1, Ordering::Relaxed) + 1;
    let peer = connection.remote_address();
    tracing::warn!(%peer, %error, count, "refused a request frame");
    if count > options.max_protocol_errors {
        close_with(
            connection,
            close_code::PROTOCOL_VIOLATION,
            &format!("{count} bad frames (limit {}); last: {error}", options.max_protocol_errors),
        );
    }
}
