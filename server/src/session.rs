//! One replica's conversation with the server, from `Hello` to disconnect.
//!
//! 1. The first message must be a `Hello` request (within `hello_timeout`). A wrong protocol
//!    version or a bad application name gets a `Refuse` naming the reason, then the
//!    connection is closed with [`close_code::REFUSED`].
//! 2. On acceptance the server replies `HelloAck` and sends, one-way, the fleet's
//!    `CodeCatalog` and the `Policy` to apply (each on its own stream, so in either order).
//! 3. Then, in order of arrival:
//!    - `ProfileDelta`, `CompileEvents`, `InstallReport` — one-way, or as requests answered
//!      with the current `Policy` (an acknowledgement);
//!    - `CodeUpload` — from donors and workers only; as a request it is answered with a
//!      one-entry `CodeCatalog` once the blob is durable, or with an `Error`
//!      (`Forbidden` for a non-donor); one-way, an error is sent back one-way;
//!    - `CodeRequest` — one `CodeResponse` per hash, or an `Error` (`NotFound`) for that hash;
//!    - anything else — an `Error` (`UnexpectedMessage`).
//! 4. When a donor stores new code for the fleet, or a method with stored code becomes hot
//!    enough for the push policy, every open session of the fleet is sent a fresh catalog
//!    (unless it is the same as the one it last sent); announcements within 200 ms are
//!    batched into one push.

use std::sync::Arc;
use std::time::Instant;

use jitfleet_transport::quic::{close_code, Connection, Inbound, Responder};
use jitfleet_transport::wire::*;
use tokio::sync::broadcast;

use crate::service::{Grant, HelloOutcome, Service};

/// How long a refused replica is given to read the `Refuse` before the connection closes.
const REFUSE_LINGER: std::time::Duration = std::time::Duration::from_secs(2);

/// Runs one connection to its end.
pub async fn run(service: Arc<Service>, connection: Connection) {
    let Some(grant) = handshake(&service, &connection).await else { return };
    tracing::info!(
        session = grant.session_id,
        fleet = %grant.fleet,
        role = grant.role.as_str(),
        remote = %connection.remote_address(),
        "session started"
    );
    let mut code_added = service.code_added.subscribe();
    let mut pushed = PushedCatalog::default();
    pushed.push(&service, &connection, &grant).await;
    let _ = connection.send(&service.policy(&grant).into()).await;
    let mut last_sequence = None;
    let mut bad_frames = BadFrameTally::default();
    // When the next catalog push is due; announcements arriving before then are folded in.
    let mut push_due: Option<tokio::time::Instant> = None;
    let mut announcements_open = true;
    loop {
        tokio::select! {
            inbound = connection.next_inbound() => {
                bad_frames.update(&service, &connection);
                let Some(inbound) = inbound else { break };
                let started = Instant::now();
                let kind = match &inbound {
                    Inbound::Request { message, .. } | Inbound::OneWay(message) => message.kind(),
                };
                handle(&service, &connection, &grant, &mut last_sequence, inbound).await;
                service.metrics.observe_handling(kind, started.elapsed());
            }
            added = code_added.recv(), if announcements_open => match added {
                // Missed announcements (Lagged): one fresh catalog covers them all.
                Ok(fleet) if fleet == grant.fleet => schedule_push(&mut push_due),
                Err(broadcast::error::RecvError::Lagged(_)) => schedule_push(&mut push_due),
                Ok(_) => {}
                Err(broadcast::error::RecvError::Closed) => announcements_open = false,
            },
            () = sleep_until_due(push_due), if push_due.is_some() => {
                push_due = None;
                pushed.push(&service, &connection, &grant).await;
            }
        }
    }
    bad_frames.update(&service, &connection);
    service.goodbye(&grant);
    tracing::info!(session = grant.session_id, reason = ?connection.close_reason(), "session ended");
}

/// A donor uploading a burst of methods would otherwise make every session of the fleet
/// compute and send one catalog per upload; pushes are batched over this window instead.
const PUSH_DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(200);

fn schedule_push(push_due: &mut Option<tokio::time::Instant>) {
    push_due.get_or_insert_with(|| tokio::time::Instant::now() + PUSH_DEBOUNCE);
}

async fn sleep_until_due(push_due: Option<tokio::time::Instant>) {
    match push_due {
        Some(due) => tokio::time::sleep_until(due).await,
        None => std::future::pending().await,
    }
}

/// Waits for the `Hello` and answers it; `None` if the session does not go ahead.
async fn handshake(service: &Service, connection: &Connection) -> Option<Grant> {
    let first = tokio::time::timeout(service.config.hello_timeout, connection.next_inbound()).await;
    let (hello, responder) = match first {
        Err(_) => {
            service.metrics.refused("hello_timeout");
            connection.close(close_code::REFUSED, "no Hello in time");
            return None;
        }
        Ok(None) => return None,
        Ok(Some(Inbound::Request { message: Message::Hello(hello), responder })) => (hello, responder),
        Ok(Some(Inbound::Request { message, responder })) => {
            service.metrics.refused("no_hello");
            let reply = Message::error(ErrorCode::UnexpectedMessage, format!("expected Hello first, got {}", message.kind()));
            let _ = responder.reply(&reply).await;
            linger_then_close(connection, "expected Hello first").await;
            return None;
        }
        Ok(Some(Inbound::OneWay(message))) => {
            service.metrics.refused("no_hello");
            connection.close(close_code::PROTOCOL_VIOLATION, &format!("expected a Hello request first, got one-way {}", message.kind()));
            return None;
        }
    };
    service.metrics.message(MessageKind::Hello);
    match service.hello(&hello, connection.peer()) {
        HelloOutcome::Accepted(grant, ack) => {
            if responder.reply(&ack.into()).await.is_err() {
                service.goodbye(&grant);
                return None;
            }
            Some(grant)
        }
        HelloOutcome::Refused(refuse) => {
            tracing::info!(remote = %connection.remote_address(), reason = ?refuse.reason, detail = %refuse.detail, "refused Hello");
            let detail = refuse.detail.clone();
            let _ = responder.reply(&refuse.into()).await;
            linger_then_close(connection, &detail).await;
            None
        }
    }
}

/// Gives the peer a moment to read our last reply (it usually closes first), then closes.
async fn linger_then_close(connection: &Connection, reason: &str) {
    let _ = tokio::time::timeout(REFUSE_LINGER, connection.closed()).await;
    connection.close(close_code::REFUSED, reason);
}

/// Carries the transport's per-connection count of refused frames into the server metrics.
/// The transport answers bad frames itself; the session notices them at its next message
/// and at its end.
#[derive(Debug, Default)]
struct BadFrameTally {
    seen: u32,
}

impl BadFrameTally {
    fn update(&mut self, service: &Service, connection: &Connection) {
        let now = connection.protocol_errors();
        if now > self.seen {
            service.metrics.bad_frames.fetch_add(u64::from(now - self.seen), std::sync::atomic::Ordering::Relaxed);
            self.seen = now;
        }
    }
}

/// What the session last pushed, so that an unchanged catalog is not sent again (an upload
/// of code the policy holds back changes nothing for this replica).
#[derive(Debug, Default)]
struct PushedCatalog {
    last: Option<Vec<ContentHash>>,
}

impl PushedCatalog {
    async fn push(&mut self, service: &Service, connection: &Connection, grant: &Grant) {
        let catalog = service.catalog(&grant.fleet);
        let hashes: Vec<ContentHash> = catalog.entries.iter().map(|entry| entry.content_hash).collect();
        if self.last.as_ref() == Some(&hashes) {
            return;
        }
        match connection.send(&catalog.into()).await {
            Ok(()) => self.last = Some(hashes),
            Err(error) => tracing::debug!(session = grant.session_id, %error, "cannot push the catalog"),
        }
    }
}

async fn handle(
    service: &Arc<Service>,
    connection: &Connection,
    grant: &Grant,
    last_sequence: &mut Option<u64>,
    inbound: Inbound,
) {
    let (message, responder) = match inbound {
        Inbound::Request { message, responder } => (message, Some(responder)),
        Inbound::OneWay(message) => (message, None),
    };
    service.metrics.message(message.kind());
    let reply: Option<Message> = match message {
        Message::ProfileDelta(delta) => {
            if last_sequence.is_some_and(|last| delta.sequence <= last) {
                // A replayed delta would count the same executions twice.
                service.metrics.error("duplicate_delta");
                tracing::debug!(session = grant.session_id, sequence = delta.sequence, "ignored a replayed profile delta");
            } else {
                *last_sequence = Some(delta.sequence);
                service.profile_delta(grant, &delta);
            }
            Some(service.policy(grant).into())
        }
        Message::CompileEvents(events) => {
            if events.dropped > 0 {
                tracing::debug!(session = grant.session_id, dropped = events.dropped, "replica dropped compile events");
            }
            Some(service.policy(grant).into())
        }
        Message::InstallReport(report) => {
            service.install_report(&report);
            Some(service.policy(grant).into())
        }
        Message::CodeUpload(upload) => Some(service.upload(grant, upload).await),
        Message::CodeRequest(request) => {
            if let Some(responder) = responder {
                serve_code_request(service, grant, request, responder).await;
            } else {
                service.metrics.error("unexpected_message");
                let _ = connection.send(&Message::error(ErrorCode::UnexpectedMessage, "CodeRequest must be a request")).await;
            }
            return;
        }
        Message::Hello(_) => {
            service.metrics.error("unexpected_message");
            Some(Message::error(ErrorCode::UnexpectedMessage, "Hello was already accepted on this connection"))
        }
        other => {
            service.metrics.error("unexpected_message");
            Some(Message::error(ErrorCode::UnexpectedMessage, format!("the server does not accept {} from replicas", other.kind())))
        }
    };
    let Some(reply) = reply else { return };
    match responder {
        Some(responder) => {
            let _ = responder.reply(&reply).await;
        }
        // A one-way message has no reply stream; only errors are worth a message back.
        None if matches!(reply, Message::Error(_)) => {
            let _ = connection.send(&reply).await;
        }
        None => {}
    }
}

async fn serve_code_request(service: &Arc<Service>, grant: &Grant, request: CodeRequest, mut responder: Responder) {
    for hash in request.hashes {
        let reply = service.fetch(&grant.fleet, hash).await;
        if responder.send_part(&reply).await.is_err() {
            // The requester went away or the reply could not be framed (already told).
            break;
        }
    }
    responder.finish();
}
