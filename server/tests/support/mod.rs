//! Simulated replicas for the server's integration tests: a development PKI, a server on
//! loopback, and a client that speaks the protocol through the transport's `Client`.

#![allow(dead_code)] // Each test binary uses a different subset of these helpers.

pub mod process;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use jitfleet_server::{RunningServer, ServerConfig};
use jitfleet_transport::certs::{init_dev_pki, DevPki, DevPkiOptions};
use jitfleet_transport::compat::CompatKey;
use jitfleet_transport::profile::{BciProfile, ClassId, Counters, LoaderId, MethodData, MethodId, MethodProfile, ProfileData};
use jitfleet_transport::quic::{Client, Connection, Inbound, TransportOptions};
use jitfleet_transport::tls::{ClientTls, ServerTls, TrustAnchors};
use jitfleet_transport::wire::samples::compat_key;
use jitfleet_transport::wire::*;

/// Application name the simulated fleet uses.
pub const APP: &str = "petclinic";

/// A development PKI with a donor, two receivers and a worker.
pub struct TestPki {
    pub dir: tempfile::TempDir,
    pub pki: DevPki,
}

impl TestPki {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let options = DevPkiOptions {
            clients: vec![
                ("donor".into(), Role::Donor),
                ("client".into(), Role::Receiver),
                ("client2".into(), Role::Receiver),
            ],
            ..DevPkiOptions::default()
        };
        let pki = init_dev_pki(dir.path(), &options).expect("development PKI");
        Self { dir, pki }
    }

    pub fn server_tls(&self) -> ServerTls {
        ServerTls::from_pem_files(&self.pki.ca.cert, &self.pki.server.cert, &self.pki.server.key).unwrap()
    }

    pub fn client_tls(&self, name: &str) -> ClientTls {
        let files = &self.pki.clients.iter().find(|(n, _, _)| n == name).expect("client in the PKI").2;
        ClientTls::from_pem_files(&self.pki.ca.cert, &files.cert, &files.key).unwrap()
    }

    pub fn anonymous_client_tls(&self) -> ClientTls {
        ClientTls::new(&TrustAnchors::from_pem_file(&self.pki.ca.cert).unwrap(), None).unwrap()
    }
}

/// Short timeouts so that failing tests fail fast.
pub fn fast_options() -> TransportOptions {
    TransportOptions {
        handshake_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(5),
        ..TransportOptions::default()
    }
}

/// A server configuration on loopback (ephemeral ports) over `store`.
pub fn config(pki: &TestPki, store: &Path) -> ServerConfig {
    let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), pki.server_tls(), store.to_owned());
    config.metrics = Some("127.0.0.1:0".parse().unwrap());
    config.transport = fast_options();
    config
}

pub async fn start(pki: &TestPki, store: &Path) -> RunningServer {
    RunningServer::start(config(pki, store)).await.expect("server starts")
}

pub fn hello(role: Role) -> Hello {
    Hello {
        protocol_version: PROTOCOL_VERSION,
        application: APP.into(),
        compat_key: compat_key(),
        agent_version: "test".into(),
        role,
        replica_id: format!("test-{role:?}"),
    }
}

/// A replica that has said Hello and received its first catalog and policy.
pub struct Replica {
    pub connection: Connection,
    pub ack: HelloAck,
    pub catalog: CodeCatalog,
    pub policy: Policy,
    sequence: u64,
}

impl Replica {
    /// Connects with `name`'s certificate and says Hello asking for `role`.
    pub async fn join(addr: SocketAddr, pki: &TestPki, name: &str, role: Role) -> Self {
        Self::join_with(addr, pki.client_tls(name), hello(role)).await
    }

    pub async fn join_with(addr: SocketAddr, tls: ClientTls, hello: Hello) -> Self {
        Self::join_with_options(addr, tls, hello, fast_options()).await
    }

    /// Joins with the given transport options (the load test allows slow replies).
    pub async fn join_with_options(addr: SocketAddr, tls: ClientTls, hello: Hello, options: TransportOptions) -> Self {
        let wait = options.request_timeout;
        let connection = Client::for_addr(addr, tls, options).connect().await.expect("connects");
        let ack = match connection.request(&hello.into()).await.expect("Hello answered") {
            Message::HelloAck(ack) => ack,
            other => panic!("expected HelloAck, got {other:?}"),
        };
        // Catalog and policy travel on separate streams: either may arrive first.
        let (mut catalog, mut policy) = (None, None);
        while catalog.is_none() || policy.is_none() {
            match next_one_way_within(&connection, wait).await {
                Message::CodeCatalog(first) if catalog.is_none() => catalog = Some(first),
                Message::Policy(first) if policy.is_none() => policy = Some(first),
                other => panic!("expected the first catalog and policy, got {other:?}"),
            }
        }
        let (catalog, policy) = (catalog.unwrap(), policy.unwrap());
        Self { connection, ack, catalog, policy, sequence: 0 }
    }

    /// Uploads code as a request; returns the server's reply.
    pub async fn upload(&self, method: &str, bytes: Vec<u8>) -> Message {
        let upload = CodeUpload { hash: ContentHash::of(&bytes), method: method.into(), bytes };
        self.connection.request(&upload.into()).await.expect("upload answered")
    }

    /// Sends a profile delta as a request (answered with the policy).
    pub async fn send_delta(&mut self, methods: Vec<MethodProfile>) -> Message {
        self.sequence += 1;
        let delta = ProfileDelta { sequence: self.sequence, uptime_ms: self.sequence * 1000, methods };
        self.connection.request(&delta.into()).await.expect("delta answered")
    }

    /// Requests blobs; returns every reply frame.
    pub async fn fetch(&self, hashes: Vec<ContentHash>) -> Vec<Message> {
        let mut replies = self.connection.request_stream(&CodeRequest { hashes }.into()).await.expect("request sent");
        let mut out = Vec::new();
        while let Some(reply) = replies.next().await.expect("reply readable") {
            out.push(reply);
        }
        out
    }
}

/// The next one-way message from the server (within 5 s).
pub async fn next_one_way(connection: &Connection) -> Message {
    next_one_way_within(connection, Duration::from_secs(5)).await
}

/// The next one-way message from the server, waiting at most `wait`.
pub async fn next_one_way_within(connection: &Connection, wait: Duration) -> Message {
    match tokio::time::timeout(wait, connection.next_inbound()).await {
        Ok(Some(Inbound::OneWay(message))) => message,
        Ok(other) => panic!("expected a one-way message, got {other:?}"),
        Err(_) => panic!("no message from the server within {wait:?}"),
    }
}

/// The next catalog pushed by the server.
pub async fn next_catalog(connection: &Connection) -> CodeCatalog {
    match next_one_way(connection).await {
        Message::CodeCatalog(catalog) => catalog,
        other => panic!("expected CodeCatalog, got {other:?}"),
    }
}

/// Deterministic pseudo-code bytes.
pub fn code(seed: u8, len: usize) -> Vec<u8> {
    (0..len).map(|i| ((i as u32).wrapping_mul(2_654_435_761) >> 13) as u8 ^ seed).collect()
}

/// A method of class `pkg/Work` named `name`.
pub fn method_id(name: &str) -> MethodId {
    MethodId {
        class: ClassId { name: "pkg/Work".into(), loader: LoaderId::Named("app".into()), bytes_hash: Some([5; 32]) },
        name: name.into(),
        descriptor: "(I)I".into(),
    }
}

/// Wire name of [`method_id`].
pub fn wire_name(name: &str) -> String {
    format!("Lpkg/Work;{name}(I)I")
}

/// A profile of `name` with the given counts and cells.
pub fn profile(name: &str, invocations: u64, cells: Vec<BciProfile>) -> MethodProfile {
    MethodProfile {
        method: method_id(name),
        counters: Counters { invocations, backedges: 0 },
        method_data: Some(MethodData { invocations: invocations / 10, backedges: 0, decompiles: 0, cells }),
        highest_tier: 3,
        code_size: 42,
    }
}

pub fn branch(bci: u32, taken: u64, not_taken: u64) -> BciProfile {
    BciProfile { bci, data: ProfileData::Branch { taken, not_taken } }
}

pub fn compat() -> CompatKey {
    compat_key()
}

/// Waits (briefly) until `condition` holds.
pub async fn eventually(mut condition: impl FnMut() -> bool) -> bool {
    for _ in 0..150 {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    condition()
}
