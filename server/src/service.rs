//! The state every session shares and the handlers for what replicas send, one function per
//! message kind. Sessions ([`crate::session`]) own the conversation; this module owns the
//! decisions: who may upload, what goes into a catalog, how a delta is merged.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use jitfleet_transport::quic::ServerStats;
use jitfleet_transport::tls::PeerIdentity;
use jitfleet_transport::wire::*;
use tokio::sync::broadcast;

use crate::config::ServerConfig;
use crate::fleet::FleetKey;
use crate::metrics::Metrics;
use crate::registry::Registry;
use crate::store::{CodeStore, PutOutcome, StoreError};

/// Version string the server reports in `HelloAck`.
pub const SERVER_VERSION: &str = concat!("jitfleet-server ", env!("CARGO_PKG_VERSION"));

/// Everything shared by the sessions of one server.
#[derive(Debug)]
pub struct Service {
    /// The validated configuration.
    pub config: ServerConfig,
    /// Code blobs.
    pub store: CodeStore,
    /// Fleets and their profiles.
    pub registry: Registry,
    /// Counters.
    pub metrics: Metrics,
    /// The transport's connection counters, refreshed by the accept loop.
    pub transport_stats: Mutex<ServerStats>,
    /// Announces fleets that received new code, so their sessions push a fresh catalog.
    pub code_added: broadcast::Sender<FleetKey>,
    next_session: AtomicU64,
}

/// What a session is allowed to do, decided at `Hello`.
#[derive(Debug, Clone)]
pub struct Grant {
    /// The fleet.
    pub fleet: FleetKey,
    /// The role granted.
    pub role: Role,
    /// The session number.
    pub session_id: u64,
}

impl Grant {
    /// Donors and compile workers may upload code.
    pub fn may_upload(&self) -> bool {
        matches!(self.role, Role::Donor | Role::Worker)
    }
}

/// The answer to a `Hello`.
#[derive(Debug)]
pub enum HelloOutcome {
    /// Accepted: reply with the ack.
    Accepted(Grant, HelloAck),
    /// Refused: reply with this, then close.
    Refused(Refuse),
}

impl Service {
    /// Shared state over an opened store and registry.
    pub fn new(config: ServerConfig, store: CodeStore, registry: Registry) -> Self {
        let (code_added, _) = broadcast::channel(1024);
        Self {
            config,
            store,
            registry,
            metrics: Metrics::default(),
            transport_stats: Mutex::new(ServerStats::default()),
            code_added,
            next_session: AtomicU64::new(1),
        }
    }

    /// Decides on a `Hello`: protocol version, fleet, role.
    pub fn hello(&self, hello: &Hello, peer: Option<&PeerIdentity>) -> HelloOutcome {
        if hello.protocol_version != PROTOCOL_VERSION {
            self.metrics.refused("protocol_version");
            return HelloOutcome::Refused(Refuse {
                reason: RefuseReason::ProtocolVersion,
                detail: format!(
                    "this server speaks jitfleet protocol {PROTOCOL_VERSION}, the replica sent {}; \
                     upgrade the agent or the server so that they match",
                    hello.protocol_version
                ),
            });
        }
        let Some(fleet) = FleetKey::new(&hello.application, hello.compat_key_hash()) else {
            self.metrics.refused("bad_application");
            return HelloOutcome::Refused(Refuse {
                reason: RefuseReason::UnknownApplication,
                detail: format!(
                    "application name {:?} must be 1-{} printable characters without quotes or backslashes",
                    hello.application,
                    crate::fleet::MAX_APPLICATION_LEN
                ),
            });
        };
        let allowed = self.allowed_role(peer);
        let role = if hello.role == allowed { allowed } else { Role::Receiver };
        if role != hello.role {
            tracing::info!(asked = hello.role.as_str(), allowed = allowed.as_str(), replica = %hello.replica_id, "role not allowed for this certificate; granting receiver");
        }
        if !self.registry.join(&fleet, &hello.compat_key, self.config.max_fleets) {
            self.metrics.refused("too_many_fleets");
            return HelloOutcome::Refused(Refuse {
                reason: RefuseReason::Overloaded,
                detail: format!("this server already holds its limit of {} fleets; fleet {fleet} is not admitted", self.config.max_fleets),
            });
        }
        let session_id = self.next_session.fetch_add(1, Ordering::Relaxed);
        self.metrics.sessions_started.fetch_add(1, Ordering::Relaxed);
        self.metrics.sessions_open.fetch_add(1, Ordering::Relaxed);
        let ack = HelloAck { protocol_version: PROTOCOL_VERSION, server_version: SERVER_VERSION.into(), granted_role: role, session_id };
        HelloOutcome::Accepted(Grant { fleet, role, session_id }, ack)
    }

    /// A session ended.
    pub fn goodbye(&self, grant: &Grant) {
        self.registry.leave(&grant.fleet);
        self.metrics.sessions_open.fetch_sub(1, Ordering::Relaxed);
    }

    /// The role a peer's certificate (or the configuration) allows.
    pub fn allowed_role(&self, peer: Option<&PeerIdentity>) -> Role {
        allowed_role(peer, &self.config.donor_identities)
    }

    /// The knobs a replica with this grant should apply.
    pub fn policy(&self, grant: &Grant) -> Policy {
        Policy {
            profile_interval_ms: u32::try_from(self.config.profile_interval.as_millis()).unwrap_or(u32::MAX),
            max_methods_per_delta: self.config.max_methods_per_delta,
            upload_code: grant.may_upload(),
            install_code: true,
        }
    }

    /// The catalog for a fleet: code whose method is hot enough fleet-wide, hottest first,
    /// at most `max_catalog_entries`.
    pub fn catalog(&self, fleet: &FleetKey) -> CodeCatalog {
        let entries = self.store.catalog(fleet);
        let min_heat = self.config.push_min_heat;
        let mut rated: Vec<(u64, CatalogEntry)> = self
            .registry
            .with_profile(fleet, |profile| entries.into_iter().map(|entry| (profile.heat_of(&entry.method), entry)).collect())
            .unwrap_or_default();
        rated.retain(|(heat, _)| *heat >= min_heat);
        // Stable sort: equal heat keeps the store's method order.
        rated.sort_by_key(|(heat, _)| std::cmp::Reverse(*heat));
        rated.truncate(self.config.max_catalog_entries);
        CodeCatalog { compat_key_hash: fleet.compat, entries: rated.into_iter().map(|(_, entry)| entry).collect() }
    }

    /// Stores a donor's upload; the reply is a one-entry catalog confirming what was stored,
    /// or an error.
    pub async fn upload(self: &Arc<Self>, grant: &Grant, upload: CodeUpload) -> Message {
        if !grant.may_upload() {
            self.metrics.error("forbidden_upload");
            tracing::warn!(session = grant.session_id, role = grant.role.as_str(), method = %upload.method, "refused a code upload from a non-donor");
            return Message::error(
                ErrorCode::Forbidden,
                format!(
                    "role {} may not upload code; a donor certificate (OU=donor) or --donor-identities grants it",
                    grant.role.as_str()
                ),
            );
        }
        let found = ContentHash::of(&upload.bytes);
        if found != upload.hash {
            self.metrics.error("upload_hash_mismatch");
            return Message::error(ErrorCode::Malformed, format!("upload of {} hashes to {found}, message says {}", upload.method, upload.hash));
        }
        if upload.bytes.is_empty() {
            self.metrics.error("upload_empty");
            return Message::error(ErrorCode::Malformed, format!("upload of {} has no bytes", upload.method));
        }
        let service = Arc::clone(self);
        let fleet = grant.fleet.clone();
        let method = upload.method.clone();
        let size = upload.bytes.len() as u64;
        let put = tokio::task::spawn_blocking(move || service.store.put(&fleet, &method, &upload.bytes)).await;
        match put {
            Ok(Ok(outcome)) => {
                let entry = CatalogEntry { content_hash: found, method: upload.method, size };
                if outcome == PutOutcome::Stored {
                    self.metrics.code_stored.fetch_add(1, Ordering::Relaxed);
                    // Nobody listening is fine: no receiver session is open.
                    let _ = self.code_added.send(grant.fleet.clone());
                } else {
                    self.metrics.code_duplicates.fetch_add(1, Ordering::Relaxed);
                }
                CodeCatalog { compat_key_hash: grant.fleet.compat, entries: vec![entry] }.into()
            }
            Ok(Err(error)) => {
                let (kind, code) = match &error {
                    StoreError::LargerThanStore { .. } => ("upload_too_large", ErrorCode::TooLarge),
                    StoreError::BadMethod { .. } => ("upload_bad_method", ErrorCode::Malformed),
                    _ => ("store_write", ErrorCode::Internal),
                };
                self.metrics.error(kind);
                tracing::warn!(%error, "code upload not stored");
                Message::error(code, format!("code not stored: {error}"))
            }
            Err(join) => {
                self.metrics.error("internal");
                Message::error(ErrorCode::Internal, format!("code not stored: {join}"))
            }
        }
    }

    /// Reads one blob for a `CodeRequest`: a `CodeResponse`, or an error naming the hash.
    pub async fn fetch(self: &Arc<Self>, fleet: &FleetKey, hash: ContentHash) -> Message {
        let service = Arc::clone(self);
        let key = fleet.clone();
        match tokio::task::spawn_blocking(move || service.store.get(&key, &hash)).await {
            Ok(Ok(Some(bytes))) => {
                self.metrics.code_served.fetch_add(1, Ordering::Relaxed);
                self.metrics.code_served_bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
                CodeResponse { hash, bytes }.into()
            }
            Ok(Ok(None)) => {
                self.metrics.error("not_found");
                Message::error(ErrorCode::NotFound, format!("no code {hash} for fleet {fleet}"))
            }
            Ok(Err(error)) => {
                self.metrics.error("store_read");
                Message::error(ErrorCode::Internal, format!("cannot read code {hash}: {error}"))
            }
            Err(join) => {
                self.metrics.error("internal");
                Message::error(ErrorCode::Internal, format!("cannot read code {hash}: {join}"))
            }
        }
    }

    /// Merges a profile delta into the fleet. When a method with stored code becomes hot
    /// enough to be pushed, the fleet's sessions are told to push a fresh catalog.
    pub fn profile_delta(&self, grant: &Grant, delta: &ProfileDelta) {
        match self.registry.apply_delta(&grant.fleet, &delta.methods, self.config.push_min_heat) {
            Some(outcome) => {
                if !outcome.crossed_threshold.is_empty() {
                    let catalog = self.store.catalog(&grant.fleet);
                    if catalog.iter().any(|entry| outcome.crossed_threshold.contains(&entry.method)) {
                        let _ = self.code_added.send(grant.fleet.clone());
                    }
                }
                self.metrics.profile_methods_merged.fetch_add(u64::from(outcome.merged), Ordering::Relaxed);
                if outcome.refused > 0 {
                    self.metrics.error("profile_fleet_full");
                }
                if outcome.cells.conflicting_cells > 0 {
                    self.metrics.error("profile_cell_conflict");
                }
            }
            None => self.metrics.error("profile_unknown_fleet"),
        }
    }

    /// Counts what receivers did with pushed code.
    pub fn install_report(&self, report: &InstallReport) {
        for record in &report.records {
            self.metrics.install_outcome(match record.outcome {
                InstallOutcome::Installed => "installed",
                InstallOutcome::Skipped { .. } => "skipped",
                InstallOutcome::Failed { .. } => "failed",
                InstallOutcome::Deoptimized { .. } => "deoptimized",
            });
        }
    }

    /// The Prometheus page.
    pub fn render_metrics(&self) -> String {
        let transport = *self.transport_stats.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.metrics.render(transport, self.store.usage(), &self.registry.summaries())
    }
}

/// The role a peer may have: the role its certificate names in an OU; else donor if its
/// common name is listed in `donor_identities`; else receiver.
pub fn allowed_role(peer: Option<&PeerIdentity>, donor_identities: &[String]) -> Role {
    if let Some(role) = peer.and_then(PeerIdentity::role) {
        return role;
    }
    let name = peer.and_then(|peer| peer.common_name.as_deref());
    if name.is_some_and(|name| donor_identities.iter().any(|donor| donor == name)) {
        return Role::Donor;
    }
    Role::Receiver
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(common_name: &str, units: &[&str]) -> PeerIdentity {
        PeerIdentity {
            common_name: Some(common_name.into()),
            organizational_units: units.iter().map(|unit| (*unit).to_string()).collect(),
            dns_names: Vec::new(),
            ip_addresses: Vec::new(),
            certificate_hash: ContentHash::default(),
        }
    }

    #[test]
    fn the_certificate_role_wins_then_the_donor_list_then_receiver() {
        let donors = vec!["build-box".to_string()];
        assert_eq!(allowed_role(Some(&peer("x", &["worker"])), &donors), Role::Worker);
        assert_eq!(allowed_role(Some(&peer("build-box", &["receiver"])), &donors), Role::Receiver);
        assert_eq!(allowed_role(Some(&peer("build-box", &["team-a"])), &donors), Role::Donor);
        assert_eq!(allowed_role(Some(&peer("other", &[])), &donors), Role::Receiver);
        assert_eq!(allowed_role(None, &donors), Role::Receiver);
    }
}
