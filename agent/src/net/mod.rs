//! The agent's network client: one background thread (`jitfleet-net`, not a JVM thread) owns
//! the QUIC connection to `jitfleet-server`; everything else only pushes into bounded queues
//! ([`queue`]) that drop their oldest item when full, so no JVM thread ever waits on the network.
//!
//! - Donor side (`mode=capture`): every portable nmethod capture writes is uploaded
//!   ([`code_captured`]); compile events are sent in batches ([`compiled`]).
//! - Receiver side (`mode=install`): the server's catalog is fetched, each blob checked (hash,
//!   format, compat key) and handed to the installer ([`crate::install::offer`]); what the
//!   installer did comes back through [`install_outcome`] and goes out as install reports.
//! - The server being down, slow or refusing costs one log line; the thread retries with the
//!   transport's backoff and the application runs as without jitfleet.
//! - One summary line per `summary_interval` at info level ([`summary`]).
//!
//! [`session`] holds the conversation itself; this module holds the shared state and the entry
//! points JVM threads call.

mod deltas;
pub mod queue;
mod session;
pub mod settings;

pub use settings::NetSettings;

use crate::config::Mode;
use crate::lifecycle::Agent;
use jitfleet_transport::compat::CompatKey;
use jitfleet_transport::quic::{Client, TransportOptions};
use jitfleet_transport::tls::ClientTls;
use jitfleet_transport::wire::{CompileEvent, CompileEventKind, ContentHash, InstallOutcome, InstallRecord, ProfileDelta, Role};
use once_cell::sync::OnceCell;
use queue::{Inbox, Outbox};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Captured code files waiting for upload (each a few KiB; the newest matter most).
const UPLOAD_QUEUE: usize = 1024;
/// Compile events waiting to be batched.
const EVENT_QUEUE: usize = 4096;
/// Install results waiting to be reported.
const REPORT_QUEUE: usize = 4096;
/// Profile deltas waiting (each up to `profile_top` methods; old ones are worth little).
const DELTA_QUEUE: usize = 4;

/// Where the connection stands, for the summary line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum LinkState {
    Connecting = 0,
    Connected = 1,
    Unreachable = 2,
    Refused = 3,
}

impl LinkState {
    fn from_u8(v: u8) -> LinkState {
        match v {
            1 => LinkState::Connected,
            2 => LinkState::Unreachable,
            3 => LinkState::Refused,
            _ => LinkState::Connecting,
        }
    }

    fn name(self) -> &'static str {
        match self {
            LinkState::Connecting => "connecting",
            LinkState::Connected => "connected",
            LinkState::Unreachable => "unreachable",
            LinkState::Refused => "refused",
        }
    }
}

/// Counters shown in the summary line.
#[derive(Default, Debug)]
pub struct NetStats {
    state: AtomicU8,
    /// Messages sent (uploads, event batches, reports, requests).
    pub sent: AtomicU64,
    /// Messages received from the server.
    pub received: AtomicU64,
    /// Code uploads the server confirmed durable.
    pub uploaded: AtomicU64,
    /// Code blobs received intact.
    pub code_received: AtomicU64,
    /// Code blobs refused before the installer (bad hash, format, compat key).
    pub code_rejected: AtomicU64,
    /// Successful connections (the first one included).
    pub connects: AtomicU64,
    /// Uploads finished one way or another on the network thread (confirmed, refused by the
    /// server, unreadable, dropped); with the queue's counts this tells what is still to go.
    pub uploads_done: AtomicU64,
    /// Items dropped on the network thread (pending uploads over the cap, uploads the server
    /// forbade); queue drops are counted by the queues.
    pub dropped_local: AtomicU64,
}

impl NetStats {
    fn set_state(&self, state: LinkState) {
        self.state.store(state as u8, Ordering::Relaxed);
    }

    /// The current connection state.
    pub fn state(&self) -> LinkState {
        LinkState::from_u8(self.state.load(Ordering::Relaxed))
    }
}

/// The network side's shared state, created at VMInit.
pub struct Net {
    target: String,
    app: String,
    role: Role,
    mode: Mode,
    compat: CompatKey,
    summary_interval: Duration,
    exit_flush: Duration,
    started: Instant,
    uploads: Outbox<PathBuf>,
    events: Outbox<CompileEvent>,
    reports: Outbox<InstallRecord>,
    deltas: Outbox<ProfileDelta>,
    /// Blobs handed to the installer, by root method (`Class.name(desc)`, as the installer
    /// names it), so that its outcome can be reported against the blob's hash.
    delivered: Mutex<HashMap<String, Vec<ContentHash>>>,
    stats: NetStats,
    /// The server's `Policy` for profile deltas, once one arrived.
    delta_policy: deltas::DeltaPolicy,
}

/// What the network thread drains.
struct Inboxes {
    uploads: Inbox<PathBuf>,
    events: Inbox<CompileEvent>,
    reports: Inbox<InstallRecord>,
    deltas: Inbox<ProfileDelta>,
}

static NET: OnceCell<Net> = OnceCell::new();

/// VMInit (after the mode's own start): connect in the background if a server is configured.
/// Any problem here turns the network off with one line; the agent's local work goes on.
pub fn start(agent: &'static Agent, jni: crate::jni::Jni) {
    let settings = &agent.config.net;
    let Some(target) = settings.server.clone() else { return };
    let mode = agent.config.mode;
    if !matches!(mode, Mode::Observe | Mode::Capture | Mode::Install) {
        return;
    }
    let Some(Some(compat)) = agent.compat.get().cloned() else {
        tracing::warn!("network is off: this JVM has no compat key, so no fleet to join");
        return;
    };
    let client = match client(settings, &target) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("network is off: {e}");
            return;
        }
    };
    let (uploads, uploads_in) = queue::bounded(UPLOAD_QUEUE);
    let (events, events_in) = queue::bounded(EVENT_QUEUE);
    let (reports, reports_in) = queue::bounded(REPORT_QUEUE);
    let (deltas, deltas_in) = queue::bounded(DELTA_QUEUE);
    let net = Net {
        target: target.clone(),
        app: agent.config.app.clone(),
        role: if mode == Mode::Capture { Role::Donor } else { Role::Receiver },
        mode,
        compat,
        summary_interval: settings.summary_interval,
        exit_flush: settings.exit_flush,
        started: agent.started,
        uploads,
        events,
        reports,
        deltas,
        delivered: Mutex::new(HashMap::new()),
        stats: NetStats::default(),
        delta_policy: deltas::DeltaPolicy::default(),
    };
    let Ok(net) = NET.try_insert(net) else { return };
    let inboxes = Inboxes { uploads: uploads_in, events: events_in, reports: reports_in, deltas: deltas_in };
    let spawned = std::thread::Builder::new().name("jitfleet-net".into()).spawn(move || {
        crate::guard("network thread", || session::run(net, client, inboxes));
    });
    match spawned {
        Ok(_) => tracing::info!("network: connecting to {target} as {} in the background", net.role.as_str()),
        Err(e) => {
            tracing::warn!("network is off: cannot start its thread: {e}");
            return;
        }
    }
    deltas::start(agent, jni);
}

fn client(settings: &NetSettings, target: &str) -> Result<Client, String> {
    let (Some(ca), Some(cert), Some(key)) = (&settings.tls_ca, &settings.tls_cert, &settings.tls_key) else {
        return Err("server is set without tls_ca, tls_cert and tls_key".into());
    };
    let tls = ClientTls::from_pem_files(ca, cert, key).map_err(|e| format!("cannot load the TLS files: {e}"))?;
    let client = Client::new(target, tls, agent_transport()).map_err(|e| e.to_string())?;
    Ok(match &settings.server_name {
        Some(name) => client.with_server_name(name.clone()),
        None => client,
    })
}

/// The transport defaults, with quicker verdicts: a replica should learn within seconds that
/// the server is silent (a killed server sends no close; only the idle timeout tells), and a
/// handshake that takes longer than 3 s on loopback or in a data centre will not succeed.
fn agent_transport() -> TransportOptions {
    TransportOptions {
        keep_alive: Duration::from_secs(2),
        idle_timeout: Duration::from_secs(8),
        handshake_timeout: Duration::from_secs(3),
        request_timeout: Duration::from_secs(15),
        ..TransportOptions::default()
    }
}

/// Capture wrote a portable nmethod: queue it for upload (the network thread reads the file).
pub fn code_captured(path: &std::path::Path) {
    let Some(net) = NET.get() else { return };
    net.uploads.push(path.to_path_buf());
}

/// A compilation was loaded: queue a compile event. Names the methods here (three JVMTI
/// calls each, on the thread posting the event); does nothing without a server.
pub fn compiled(agent: &Agent, methods: &[usize], tier: u8, code_size: u32) {
    let Some(net) = NET.get() else { return };
    let Some((&root, inlined)) = methods.split_first() else { return };
    let Some(method) = wire_name(agent, root) else { return };
    let inlined = inlined.iter().take(64).filter_map(|&m| wire_name(agent, m)).collect();
    net.events.push(CompileEvent {
        method,
        tier,
        code_size,
        kind: CompileEventKind::Loaded,
        inlined,
        uptime_ms: net.started.elapsed().as_millis() as u64,
    });
}

/// `Lpkg/Class;name(desc)`, the wire notation of a method.
fn wire_name(agent: &Agent, method: usize) -> Option<String> {
    let id = method as jvmti_sys::jmethodID;
    let (name, descriptor) = agent.jvmti.method_name(id).ok()?;
    let class = agent.jvmti.method_declaring_class(id).ok()?;
    let class = crate::loaders::internal_name(&agent.jvmti.class_signature(class).ok()?);
    Some(format!("L{class};{name}{descriptor}"))
}

/// The installer's verdict on a method (`Class.name(desc)`); reported if the code came from
/// the server.
pub fn install_outcome(method: &str, outcome: InstallOutcome) {
    let Some(net) = NET.get() else { return };
    let hash = {
        let mut delivered = net.delivered.lock().unwrap_or_else(|e| e.into_inner());
        let Some(hashes) = delivered.get_mut(method) else { return };
        let hash = hashes.pop();
        if hashes.is_empty() {
            delivered.remove(method);
        }
        hash
    };
    if let Some(hash) = hash {
        net.reports.push(InstallRecord { hash, outcome });
    }
}

impl Net {
    /// Uploads queued or pending, not yet finished.
    fn uploads_outstanding(&self) -> u64 {
        let counts = self.uploads.counts();
        counts.pushed.load(Ordering::Relaxed).saturating_sub(
            counts.dropped.load(Ordering::Relaxed) + self.stats.uploads_done.load(Ordering::Relaxed),
        )
    }
}

/// The summary line: connection state, message counts, drops, install results.
pub fn summary(net: &Net) -> String {
    let s = &net.stats;
    let dropped = net.uploads.counts().dropped.load(Ordering::Relaxed)
        + net.events.counts().dropped.load(Ordering::Relaxed)
        + net.reports.counts().dropped.load(Ordering::Relaxed)
        + net.deltas.counts().dropped.load(Ordering::Relaxed)
        + s.dropped_local.load(Ordering::Relaxed);
    let installs = crate::install::outcome_counts();
    let installed = installs.get("installed").copied().unwrap_or(0);
    let refused: u64 = installs.iter().filter(|(k, _)| !matches!(k.as_str(), "installed" | "found")).map(|(_, v)| v).sum();
    format!(
        "network summary: {} {} as {}, connects {}, sent {} (uploads confirmed {}), dropped {}, received {} (code {}, rejected {}), installed {}, refused {}",
        s.state().name(),
        net.target,
        net.role.as_str(),
        s.connects.load(Ordering::Relaxed),
        s.sent.load(Ordering::Relaxed),
        s.uploaded.load(Ordering::Relaxed),
        dropped,
        s.received.load(Ordering::Relaxed),
        s.code_received.load(Ordering::Relaxed),
        s.code_rejected.load(Ordering::Relaxed),
        installed,
        refused,
    )
}

/// VMDeath: give queued code uploads a bounded moment to leave (only while connected: an
/// unreachable server never delays the exit), then one last summary line.
pub fn vm_death() {
    let Some(net) = NET.get() else { return };
    let deadline = Instant::now() + net.exit_flush;
    while net.stats.state() == LinkState::Connected
        && net.uploads_outstanding() > 0
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    if net.stats.connects.load(Ordering::Relaxed) == 0 {
        tracing::warn!("network: never reached jitfleet server {}; this run used no shared code", net.target);
    }
    tracing::info!("{}", summary(net));
}
