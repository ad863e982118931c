//! A development PKI, a test server application and client helpers, all on loopback.

#![allow(dead_code)] // Each test binary uses a different subset of these helpers.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use jitfleet_transport::certs::{init_dev_pki, CertFiles, DevPki, DevPkiOptions};
use jitfleet_transport::quic::{Client, Connection, Inbound, Server, TransportOptions};
use jitfleet_transport::tls::{ClientTls, Identity, PeerIdentity, ServerTls, TrustAnchors};
use jitfleet_transport::wire::*;
use tokio::sync::mpsc;

/// A PKI in a temporary directory, removed on drop.
pub struct TestPki {
    pub dir: tempfile::TempDir,
    pub pki: DevPki,
}

impl TestPki {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let pki = init_dev_pki(dir.path(), &DevPkiOptions::default()).expect("development PKI");
        Self { dir, pki }
    }

    pub fn client_files(&self, name: &str) -> &CertFiles {
        &self.pki.clients.iter().find(|(n, _, _)| n == name).expect("client in the PKI").2
    }

    pub fn server_tls(&self) -> ServerTls {
        ServerTls::from_pem_files(&self.pki.ca.cert, &self.pki.server.cert, &self.pki.server.key).unwrap()
    }

    /// A client that trusts `self`'s CA and presents `name`'s certificate from `identity_pki`.
    pub fn client_tls_with_identity_from(&self, identity_pki: &TestPki, name: &str) -> ClientTls {
        let files = identity_pki.client_files(name);
        let anchors = TrustAnchors::from_pem_file(&self.pki.ca.cert).unwrap();
        let identity = Identity::from_pem_files(&files.cert, &files.key).unwrap();
        ClientTls::new(&anchors, Some(&identity)).unwrap()
    }

    pub fn client_tls(&self, name: &str) -> ClientTls {
        let files = self.client_files(name);
        ClientTls::from_pem_files(&self.pki.ca.cert, &files.cert, &files.key).unwrap()
    }

    pub fn anonymous_client_tls(&self) -> ClientTls {
        ClientTls::new(&TrustAnchors::from_pem_file(&self.pki.ca.cert).unwrap(), None).unwrap()
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
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

pub fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

/// What the test server application saw.
#[derive(Debug)]
pub enum Seen {
    Connected(Option<PeerIdentity>),
    OneWay { from: Option<String>, message: Message },
}

/// Runs a small server application on `server`:
/// - `Hello` → `HelloAck` granting the role of the client certificate;
/// - `CodeRequest` → one `CodeResponse` per hash (bytes derived from the hash);
/// - any other request → echoed back unchanged;
/// - one-way messages and new connections → reported on the returned channel.
pub fn run_test_app(mut server: Server) -> mpsc::UnboundedReceiver<Seen> {
    let (seen, report) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(connection) = server.accept().await {
            let _ = seen.send(Seen::Connected(connection.peer().cloned()));
            tokio::spawn(serve_connection(connection, seen.clone()));
        }
    });
    report
}

async fn serve_connection(connection: Connection, seen: mpsc::UnboundedSender<Seen>) {
    let from = connection.peer().and_then(|peer| peer.common_name.clone());
    while let Some(inbound) = connection.next_inbound().await {
        match inbound {
            Inbound::OneWay(message) => {
                let _ = seen.send(Seen::OneWay { from: from.clone(), message });
            }
            Inbound::Request { message: Message::Hello(hello), responder } => {
                let granted = connection.peer().and_then(PeerIdentity::role).unwrap_or(Role::Receiver);
                let reply = HelloAck {
                    protocol_version: PROTOCOL_VERSION,
                    server_version: format!("test for {}", hello.application),
                    granted_role: granted,
                    session_id: 1,
                };
                let _ = responder.reply(&reply.into()).await;
            }
            Inbound::Request { message: Message::CodeRequest(request), mut responder } => {
                for hash in request.hashes {
                    let bytes = blob_for(&hash);
                    let _ = responder.send_part(&CodeResponse { hash: ContentHash::of(&bytes), bytes }.into()).await;
                }
                responder.finish();
            }
            Inbound::Request { message, responder } => {
                let _ = responder.reply(&message).await;
            }
        }
    }
}

/// The bytes the test app serves for a requested hash.
pub fn blob_for(hash: &ContentHash) -> Vec<u8> {
    hash.0.iter().cycle().take(1000).copied().collect()
}

/// Binds a server with the PKI's server identity and the given options, runs the test app.
pub fn start_server(pki: &TestPki, options: TransportOptions) -> (SocketAddr, mpsc::UnboundedReceiver<Seen>) {
    let server = Server::bind(loopback(), &pki.server_tls(), options).unwrap();
    let addr = server.local_addr().unwrap();
    (addr, run_test_app(server))
}

pub async fn connect(addr: SocketAddr, tls: ClientTls) -> Connection {
    Client::for_addr(addr, tls, fast_options()).connect().await.expect("connects")
}
