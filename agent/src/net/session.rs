//! The network thread's conversation with the server: connect (with backoff), `Hello`, then
//! serve the connection — push what the JVM threads queued, take catalogs and fetch code —
//! until it ends, and start again. Runs on a current-thread tokio runtime owned by the
//! `jitfleet-net` thread; nothing here is called from a JVM thread.

use super::{summary, Inboxes, LinkState, Net};
use crate::config::Mode;
use jitfleet_relocator::portable::decode_portable;
use jitfleet_transport::quic::{close_code, Backoff, Client, Connection, Inbound, QuicError};
use jitfleet_transport::wire::*;
use std::collections::{HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// How often queued items are looked at (they are pushed without waking anyone).
const FLUSH_TICK: Duration = Duration::from_millis(50);
/// Hashes asked for in one `CodeRequest`.
const REQUEST_BATCH: usize = 32;
/// Compile events in one batch.
const EVENT_BATCH: usize = 512;
/// Uploads kept on this thread across a lost connection, beyond which the oldest go.
const PENDING_UPLOADS: usize = 1024;

/// The thread body: never returns while the process lives.
pub(super) fn run(net: &'static Net, client: Client, inboxes: Inboxes) {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!("network is off: cannot start its runtime: {e}");
            return;
        }
    };
    runtime.block_on(async move {
        tokio::spawn(summaries(net));
        Conversation::new(net, client, inboxes).run_forever().await;
    });
}

/// One summary line per interval; the first after one interval.
async fn summaries(net: &'static Net) {
    let mut tick = tokio::time::interval(net.summary_interval);
    tick.tick().await;
    loop {
        tick.tick().await;
        tracing::info!("{}", summary(net));
    }
}

/// Why a connection ended, for the one log line.
type Ended = String;

/// What survives reconnections.
struct Conversation {
    net: &'static Net,
    client: Client,
    inboxes: Inboxes,
    backoff: Backoff,
    /// Uploads taken from the queue and not yet confirmed, oldest first.
    pending_uploads: VecDeque<PathBuf>,
    /// Blobs already fetched (or refused): a later catalog does not fetch them again.
    fetched: HashSet<ContentHash>,
    /// Queue drops of compile events already reported to the server.
    events_dropped_reported: u64,
    /// The server's latest policy (defaults until the first one arrives).
    upload_code: bool,
    install_code: bool,
}

impl Conversation {
    fn new(net: &'static Net, client: Client, inboxes: Inboxes) -> Self {
        Conversation {
            net,
            client,
            inboxes,
            backoff: Backoff::default(),
            pending_uploads: VecDeque::new(),
            fetched: HashSet::new(),
            events_dropped_reported: 0,
            upload_code: true,
            install_code: true,
        }
    }

    async fn run_forever(mut self) {
        // One line when the server cannot be reached, not one per attempt; one line again
        // once it can.
        let mut quiet = false;
        loop {
            match self.join().await {
                Err((state, why)) => {
                    self.net.stats.set_state(state);
                    if !quiet {
                        tracing::warn!(
                            "network: jitfleet server {} {}: {why}; the application runs without it, retrying in the background",
                            self.net.target,
                            if state == LinkState::Refused { "refused this replica" } else { "is unreachable" }
                        );
                        quiet = true;
                    } else {
                        tracing::debug!("network: still no server: {why}");
                    }
                    // Keep draining so the queues' drop-oldest stays the only memory cost.
                    let delay = self.backoff.next_delay();
                    self.idle(delay).await;
                }
                Ok((connection, ack)) => {
                    quiet = false;
                    self.backoff.reset();
                    self.net.stats.set_state(LinkState::Connected);
                    self.net.stats.connects.fetch_add(1, Ordering::Relaxed);
                    tracing::info!(
                        "network: connected to {} (session {}, role {}, {})",
                        self.net.target,
                        ack.session_id,
                        ack.granted_role.as_str(),
                        ack.server_version
                    );
                    if ack.granted_role != self.net.role {
                        tracing::warn!(
                            "network: asked for role {} but the server granted {}: code is not uploaded",
                            self.net.role.as_str(),
                            ack.granted_role.as_str()
                        );
                        self.upload_code = false;
                    }
                    let ended = self.serve(&connection).await;
                    connection.close(close_code::NORMAL, "agent reconnects");
                    self.net.stats.set_state(LinkState::Connecting);
                    tracing::warn!("network: connection to {} lost ({ended}); reconnecting in the background", self.net.target);
                }
            }
        }
    }

    /// Waits `delay` without a connection, trimming the pending uploads to their cap.
    async fn idle(&mut self, delay: Duration) {
        let until = tokio::time::Instant::now() + delay;
        while tokio::time::Instant::now() < until {
            self.take_uploads();
            tokio::time::sleep(FLUSH_TICK.max(Duration::from_millis(200)).min(delay)).await;
        }
    }

    /// Connects and says hello.
    async fn join(&mut self) -> Result<(Connection, HelloAck), (LinkState, String)> {
        self.net.stats.set_state(LinkState::Connecting);
        let connection = self.client.connect().await.map_err(|e| (state_of(&e), e.to_string()))?;
        let hello = Hello {
            protocol_version: PROTOCOL_VERSION,
            application: self.net.app.clone(),
            compat_key: self.net.compat.clone(),
            agent_version: concat!("jitfleet-agent ", env!("CARGO_PKG_VERSION")).to_string(),
            role: self.net.role,
            replica_id: format!("{}-{}", hostname(), std::process::id()),
        };
        let reply = connection.request(&hello.into()).await.map_err(|e| (state_of(&e), e.to_string()))?;
        self.net.stats.sent.fetch_add(1, Ordering::Relaxed);
        self.net.stats.received.fetch_add(1, Ordering::Relaxed);
        match reply {
            Message::HelloAck(ack) => Ok((connection, ack)),
            Message::Refuse(refuse) => Err((LinkState::Refused, format!("{:?}: {}", refuse.reason, refuse.detail))),
            Message::Error(e) => Err((LinkState::Refused, format!("{:?}: {}", e.code, e.message))),
            other => Err((LinkState::Refused, format!("answered Hello with {}", other.kind()))),
        }
    }

    /// Serves one connection until it ends; returns why.
    async fn serve(&mut self, connection: &Connection) -> Ended {
        let mut tick = tokio::time::interval(FLUSH_TICK);
        loop {
            tokio::select! {
                inbound = connection.next_inbound() => {
                    let Some(inbound) = inbound else {
                        return connection.close_reason().map(|r| r.to_string()).unwrap_or_else(|| "closed".into());
                    };
                    self.net.stats.received.fetch_add(1, Ordering::Relaxed);
                    if let Err(e) = self.inbound(connection, inbound).await {
                        return e.to_string();
                    }
                }
                _ = tick.tick() => {
                    if let Err(e) = self.flush(connection).await {
                        return e.to_string();
                    }
                }
            }
        }
    }

    async fn inbound(&mut self, connection: &Connection, inbound: Inbound) -> Result<(), QuicError> {
        match inbound {
            Inbound::OneWay(Message::CodeCatalog(catalog)) => self.catalog(connection, catalog).await,
            Inbound::OneWay(Message::Policy(policy)) => {
                self.upload_code = self.upload_code && policy.upload_code;
                self.install_code = policy.install_code;
                self.net.delta_policy.apply(&policy);
                tracing::debug!("network: policy {policy:?}");
                Ok(())
            }
            Inbound::OneWay(Message::Error(e)) => {
                tracing::warn!("network: the server reports {:?}: {}", e.code, e.message);
                Ok(())
            }
            Inbound::OneWay(other) => {
                tracing::debug!("network: ignored one-way {} from the server", other.kind());
                Ok(())
            }
            Inbound::Request { message, responder } => {
                let reply = Message::error(ErrorCode::UnexpectedMessage, format!("the agent does not serve {}", message.kind()));
                responder.reply(&reply).await
            }
        }
    }

    /// A catalog: fetch what is new, check it, hand it to the installer.
    async fn catalog(&mut self, connection: &Connection, catalog: CodeCatalog) -> Result<(), QuicError> {
        if self.net.mode != Mode::Install || !self.install_code {
            return Ok(());
        }
        if catalog.compat_key_hash != ContentHash::of_compat_key(&self.net.compat) {
            tracing::warn!("network: ignored a catalog for another compat key");
            return Ok(());
        }
        let wanted: Vec<ContentHash> = catalog
            .entries
            .iter()
            .map(|e| e.content_hash)
            .filter(|h| !self.fetched.contains(h))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        tracing::debug!("network: catalog of {} entries, {} new", catalog.entries.len(), wanted.len());
        for batch in wanted.chunks(REQUEST_BATCH) {
            let mut replies = connection.request_stream(&CodeRequest { hashes: batch.to_vec() }.into()).await?;
            self.net.stats.sent.fetch_add(1, Ordering::Relaxed);
            while let Some(reply) = replies.next().await? {
                self.net.stats.received.fetch_add(1, Ordering::Relaxed);
                match reply {
                    Message::CodeResponse(response) => self.code(response),
                    Message::Error(e) => tracing::debug!("network: code request: {:?}: {}", e.code, e.message),
                    other => tracing::debug!("network: unexpected {} in a code response", other.kind()),
                }
            }
        }
        Ok(())
    }

    /// One blob: never handed on unless its hash, format and compat key are right.
    fn code(&mut self, response: CodeResponse) {
        if !self.fetched.insert(response.hash) {
            return;
        }
        let reject = |net: &Net, detail: String| {
            net.stats.code_rejected.fetch_add(1, Ordering::Relaxed);
            tracing::warn!("network: code blob {:?} not installed: {detail}", response.hash);
            net.reports.push(InstallRecord { hash: response.hash, outcome: InstallOutcome::Failed { reason: detail } });
        };
        if !response.is_intact() {
            return reject(self.net, "its bytes do not hash to its name".into());
        }
        let nm = match decode_portable(&response.bytes) {
            Ok(nm) => nm,
            Err(e) => return reject(self.net, format!("not a readable portable nmethod: {e}")),
        };
        if nm.compat_key != self.net.compat.digest() {
            return reject(self.net, "made for another compat key".into());
        }
        let Some(root) = nm.root().map(|m| m.to_string()) else {
            return reject(self.net, "names no method".into());
        };
        self.net.stats.code_received.fetch_add(1, Ordering::Relaxed);
        self.net.delivered.lock().unwrap_or_else(|e| e.into_inner()).entry(root.clone()).or_default().push(response.hash);
        if !crate::install::offer(nm) {
            super::install_outcome(&root, InstallOutcome::Skipped { reason: "install is off in this JVM".into() });
        }
    }

    /// Moves queued uploads to the pending list, dropping the oldest past its cap.
    fn take_uploads(&mut self) {
        for path in self.inboxes.uploads.drain(usize::MAX) {
            if self.pending_uploads.len() >= PENDING_UPLOADS {
                self.pending_uploads.pop_front();
                self.net.stats.dropped_local.fetch_add(1, Ordering::Relaxed);
                self.net.stats.uploads_done.fetch_add(1, Ordering::Relaxed);
            }
            self.pending_uploads.push_back(path);
        }
    }

    /// Sends what the JVM threads queued. A transport error ends the connection; the items
    /// not yet sent wait (uploads) or are lost (events and reports: the queues are lossy).
    async fn flush(&mut self, connection: &Connection) -> Result<(), QuicError> {
        self.take_uploads();
        while let Some(path) = self.pending_uploads.front().cloned() {
            if !self.upload_code {
                self.pending_uploads.clear();
                let n = self.net.uploads.counts().pushed.load(Ordering::Relaxed);
                self.net.stats.uploads_done.store(n, Ordering::Relaxed);
                break;
            }
            self.upload(connection, &path).await?;
            self.pending_uploads.pop_front();
            self.net.stats.uploads_done.fetch_add(1, Ordering::Relaxed);
        }
        let events = self.inboxes.events.drain(EVENT_BATCH);
        let dropped_now = self.inboxes.events.counts().dropped.load(Ordering::Relaxed);
        if !events.is_empty() {
            let batch = CompileEvents { events, dropped: dropped_now - self.events_dropped_reported };
            connection.send(&batch.into()).await?;
            self.events_dropped_reported = dropped_now;
            self.net.stats.sent.fetch_add(1, Ordering::Relaxed);
        }
        for delta in self.inboxes.deltas.drain(usize::MAX) {
            connection.send(&delta.into()).await?;
            self.net.stats.sent.fetch_add(1, Ordering::Relaxed);
        }
        let records = self.inboxes.reports.drain(usize::MAX);
        if !records.is_empty() {
            connection.send(&InstallReport { records }.into()).await?;
            self.net.stats.sent.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Uploads one captured file and waits for the server to confirm it durable. A file that
    /// cannot be read or decoded, or that the server refuses, is skipped with a log line.
    async fn upload(&mut self, connection: &Connection, path: &PathBuf) -> Result<(), QuicError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!("network: not uploaded {}: {e}", path.display());
                return Ok(());
            }
        };
        let method = match decode_portable(&bytes) {
            Ok(nm) => match nm.root() {
                Some(root) => format!("L{};{}{}", root.class.name, root.name, root.descriptor),
                None => return Ok(()),
            },
            Err(e) => {
                tracing::warn!("network: not uploaded {}: {e}", path.display());
                return Ok(());
            }
        };
        let upload = CodeUpload { hash: ContentHash::of(&bytes), method: method.clone(), bytes };
        let reply = connection.request(&upload.into()).await?;
        self.net.stats.sent.fetch_add(1, Ordering::Relaxed);
        self.net.stats.received.fetch_add(1, Ordering::Relaxed);
        match reply {
            Message::CodeCatalog(_) => {
                self.net.stats.uploaded.fetch_add(1, Ordering::Relaxed);
                tracing::debug!("network: uploaded {method}");
            }
            Message::Error(e) => tracing::warn!("network: the server refused the upload of {method}: {:?}: {}", e.code, e.message),
            other => tracing::debug!("network: upload of {method} answered with {}", other.kind()),
        }
        Ok(())
    }
}

/// A certificate the server (or we) reject shows up as a handshake closed by TLS or by the
/// peer; silence and timeouts mean unreachable.
fn state_of(error: &QuicError) -> LinkState {
    use jitfleet_transport::quic::QuicError as E;
    match error {
        E::Handshake { source: quinn_error, .. } if !is_silence(quinn_error) => LinkState::Refused,
        _ => LinkState::Unreachable,
    }
}

fn is_silence(error: &impl std::fmt::Display) -> bool {
    // quinn's ConnectionError is not re-exported by the transport; its text is stable enough
    // for a state label ("timed out", "reset by peer"), and nothing else depends on it.
    let text = error.to_string();
    text.contains("timed out") || text.contains("reset")
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname").map(|h| h.trim().to_string()).unwrap_or_else(|_| "host".into())
}
