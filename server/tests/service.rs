//! The server over loopback with real mutual TLS and simulated replicas: code sharing, roles,
//! refusals, bad input, restarts, store damage and profile aggregation.

mod support;

use std::time::Duration;

use jitfleet_server::fleet::FleetKey;
use jitfleet_server::http::fetch;
use jitfleet_server::metrics::sample_value;
use jitfleet_server::RunningServer;
use jitfleet_transport::profile::{ProfileData, ReceiverRow};
use jitfleet_transport::quic::{Client, QuicError};
use jitfleet_transport::wire::*;
use support::*;

fn metrics_page(server: &RunningServer) -> String {
    fetch(&format!("http://{}/metrics", server.metrics_addr().unwrap()), Duration::from_secs(5)).unwrap()
}

fn fleet() -> FleetKey {
    FleetKey::new(APP, ContentHash::of_compat_key(&compat())).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_donor_uploads_code_and_a_new_receiver_gets_the_catalog_and_identical_bytes() {
    let pki = TestPki::new();
    let store = tempfile::tempdir().unwrap();
    let server = start(&pki, store.path()).await;
    let addr = server.quic_addr();

    let donor = Replica::join(addr, &pki, "donor", Role::Donor).await;
    assert_eq!(donor.ack.granted_role, Role::Donor);
    assert!(donor.policy.upload_code);
    assert!(donor.catalog.entries.is_empty());
    let blobs = [code(1, 70_000), code(2, 300)];
    for (n, bytes) in blobs.iter().enumerate() {
        let Message::CodeCatalog(stored) = donor.upload(&wire_name(&format!("m{n}")), bytes.clone()).await else {
            panic!("upload not acknowledged")
        };
        assert_eq!(stored.entries[0].content_hash, ContentHash::of(bytes));
        assert_eq!(stored.entries[0].size, bytes.len() as u64);
    }

    let receiver = Replica::join(addr, &pki, "client", Role::Receiver).await;
    assert_eq!(receiver.ack.granted_role, Role::Receiver);
    assert!(!receiver.policy.upload_code);
    assert_eq!(receiver.catalog.compat_key_hash, ContentHash::of_compat_key(&compat()));
    assert_eq!(receiver.catalog.entries.len(), 2);
    let hashes: Vec<ContentHash> = receiver.catalog.entries.iter().map(|e| e.content_hash).collect();
    let replies = receiver.fetch(hashes.clone()).await;
    assert_eq!(replies.len(), 2);
    for (reply, hash) in replies.iter().zip(&hashes) {
        let Message::CodeResponse(response) = reply else { panic!("expected code, got {reply:?}") };
        assert_eq!(response.hash, *hash);
        assert!(response.is_intact());
        let original = blobs.iter().find(|b| ContentHash::of(b) == *hash).unwrap();
        assert_eq!(&response.bytes, original, "byte-identical");
    }
    // An unknown hash is a NotFound error for that hash only.
    let replies = receiver.fetch(vec![ContentHash([0xEE; 32]), hashes[0]]).await;
    assert!(matches!(&replies[0], Message::Error(ErrorMessage { code: ErrorCode::NotFound, .. })), "{replies:?}");
    assert!(matches!(&replies[1], Message::CodeResponse(_)));

    let page = metrics_page(&server);
    assert_eq!(sample_value(&page, "jitfleet_code_uploads_stored_total"), Some(2.0));
    assert_eq!(sample_value(&page, "jitfleet_code_served_total"), Some(3.0));
    assert_eq!(sample_value(&page, "jitfleet_store_blobs"), Some(2.0));
    assert_eq!(sample_value(&page, "jitfleet_sessions_open"), Some(2.0));
    assert_eq!(sample_value(&page, "jitfleet_messages_total{kind=\"CodeUpload\"}"), Some(2.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connected_receiver_is_pushed_a_fresh_catalog_when_new_code_arrives() {
    let pki = TestPki::new();
    let store = tempfile::tempdir().unwrap();
    let server = start(&pki, store.path()).await;
    let receiver = Replica::join(server.quic_addr(), &pki, "client", Role::Receiver).await;
    assert!(receiver.catalog.entries.is_empty());
    let donor = Replica::join(server.quic_addr(), &pki, "donor", Role::Donor).await;
    // A burst of uploads is pushed as one catalog, not one per upload.
    for n in 0..5 {
        donor.upload(&wire_name(&format!("late{n}")), code(n, 1000)).await;
    }
    let mut pushes = 1;
    let mut pushed = next_catalog(&receiver.connection).await;
    while pushed.entries.len() < 5 {
        // Only on a disk slow enough that five durable uploads take longer than the batching window.
        pushed = next_catalog(&receiver.connection).await;
        pushes += 1;
    }
    assert!(pushes < 5, "uploads are batched into fewer pushes ({pushes})");
    assert_eq!(pushed.entries.len(), 5, "{pushed:?}");
    assert_eq!(pushed.entries[0].method, wire_name("late0"));
    let quiet = tokio::time::timeout(Duration::from_millis(600), receiver.connection.next_inbound()).await;
    assert!(quiet.is_err(), "no second, redundant push: {quiet:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_upload_is_refused_and_counted_and_nothing_is_stored() {
    let pki = TestPki::new();
    let store = tempfile::tempdir().unwrap();
    let server = start(&pki, store.path()).await;
    // Asking for the donor role with a receiver certificate gets the receiver role.
    let receiver = Replica::join(server.quic_addr(), &pki, "client", Role::Donor).await;
    assert_eq!(receiver.ack.granted_role, Role::Receiver);
    let reply = receiver.upload(&wire_name("evil"), code(3, 500)).await;
    let Message::Error(error) = reply else { panic!("expected an error, got {reply:?}") };
    assert_eq!(error.code, ErrorCode::Forbidden);
    assert!(error.message.contains("may not upload"), "{}", error.message);
    // One-way, the refusal comes back as a one-way error.
    let bytes = code(4, 500);
    receiver.connection.send(&CodeUpload { hash: ContentHash::of(&bytes), method: wire_name("evil2"), bytes }.into()).await.unwrap();
    assert!(matches!(next_one_way(&receiver.connection).await, Message::Error(ErrorMessage { code: ErrorCode::Forbidden, .. })));
    assert_eq!(server.service().metrics.error_count("forbidden_upload"), 2);
    assert_eq!(server.service().store.usage().blobs, 0);
    // The receiver's connection is still usable.
    assert!(receiver.connection.ping().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_without_a_certificate_is_refused_at_the_handshake() {
    let pki = TestPki::new();
    let store = tempfile::tempdir().unwrap();
    let server = start(&pki, store.path()).await;
    let error = Client::for_addr(server.quic_addr(), pki.anonymous_client_tls(), fast_options()).connect().await.unwrap_err();
    assert!(matches!(error, QuicError::Handshake { .. }), "{error}");
    let rogue = TestPki::new();
    let error = Client::for_addr(server.quic_addr(), rogue.client_tls("donor"), fast_options()).connect().await.unwrap_err();
    assert!(matches!(error, QuicError::Handshake { .. }), "{error}");
    assert!(
        eventually(|| sample_value(&metrics_page(&server), "jitfleet_handshakes_refused_tls_total") == Some(2.0)).await,
        "{}",
        metrics_page(&server)
    );
    assert_eq!(server.service().metrics.sessions_started.load(std::sync::atomic::Ordering::Relaxed), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_protocol_version_is_refused_with_the_reason() {
    let pki = TestPki::new();
    let store = tempfile::tempdir().unwrap();
    let server = start(&pki, store.path()).await;
    let connection = Client::for_addr(server.quic_addr(), pki.client_tls("client"), fast_options()).connect().await.unwrap();
    let mut future = hello(Role::Receiver);
    future.protocol_version = PROTOCOL_VERSION + 1;
    let Message::Refuse(refuse) = connection.request(&future.into()).await.unwrap() else { panic!("expected Refuse") };
    assert_eq!(refuse.reason, RefuseReason::ProtocolVersion);
    assert!(refuse.detail.contains(&format!("protocol {PROTOCOL_VERSION}")), "{}", refuse.detail);
    // The server closes the connection after the refusal.
    let closed = tokio::time::timeout(Duration::from_secs(5), connection.closed()).await;
    assert!(closed.is_ok(), "connection closed after Refuse");
    assert_eq!(server.service().metrics.refused_count("protocol_version"), 1);

    // A new fleet beyond the server's limit is refused as overloaded; a known fleet is not.
    let mut limited = config(&pki, store.path());
    limited.max_fleets = 1;
    drop(server);
    let server = RunningServer::start(limited).await.unwrap();
    Replica::join(server.quic_addr(), &pki, "client", Role::Receiver).await;
    let connection = Client::for_addr(server.quic_addr(), pki.client_tls("client2"), fast_options()).connect().await.unwrap();
    let mut other_app = hello(Role::Receiver);
    other_app.application = "another-app".into();
    let Message::Refuse(refuse) = connection.request(&other_app.into()).await.unwrap() else { panic!("expected Refuse") };
    assert_eq!(refuse.reason, RefuseReason::Overloaded);
    Replica::join(server.quic_addr(), &pki, "client2", Role::Receiver).await;

    // A message other than Hello first is refused too.
    let connection = Client::for_addr(server.quic_addr(), pki.client_tls("client"), fast_options()).connect().await.unwrap();
    let reply = connection.request(&CodeRequest { hashes: vec![] }.into()).await.unwrap();
    assert!(matches!(reply, Message::Error(ErrorMessage { code: ErrorCode::UnexpectedMessage, .. })), "{reply:?}");
    assert_eq!(server.service().metrics.refused_count("no_hello"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_oversized_messages_are_rejected_while_other_clients_carry_on() {
    let pki = TestPki::new();
    let store = tempfile::tempdir().unwrap();
    let mut config = config(&pki, store.path());
    config.transport.limits.max_code_frame = 256 * 1024;
    let server = RunningServer::start(config).await.unwrap();
    let addr = server.quic_addr();
    let donor = Replica::join(addr, &pki, "donor", Role::Donor).await;
    donor.upload(&wire_name("ok"), code(1, 10_000)).await;
    let receiver = Replica::join(addr, &pki, "client", Role::Receiver).await;
    let hash = receiver.catalog.entries[0].content_hash;

    let hostile = async {
        // Oversized: refused from the frame header with TooLarge.
        let reply = donor.upload(&wire_name("huge"), code(9, 1024 * 1024)).await;
        let Message::Error(error) = reply else { panic!("expected an error, got {reply:?}") };
        assert_eq!(error.code, ErrorCode::TooLarge);
        // Malformed: a ProfileDelta header with a garbage body.
        let (mut send, mut recv) = donor.connection.quinn().open_bi().await.unwrap();
        let body = [0xFFu8; 16];
        let mut frame = vec![MessageKind::ProfileDelta.tag()];
        frame.extend_from_slice(&(body.len() as u32).to_be_bytes());
        frame.extend_from_slice(&body);
        send.write_all(&frame).await.unwrap();
        send.finish().unwrap();
        let reply = recv.read_to_end(64 * 1024).await.unwrap();
        let (message, _) = decode_frame(&reply, &FrameLimits::default()).unwrap();
        let Message::Error(error) = message else { panic!("expected an error, got {message:?}") };
        assert_eq!(error.code, ErrorCode::Malformed);
        assert!(error.message.contains("ProfileDelta"), "{}", error.message);
    };
    let polite = async {
        for _ in 0..10 {
            let replies = receiver.fetch(vec![hash]).await;
            assert!(matches!(&replies[0], Message::CodeResponse(r) if r.is_intact()));
        }
    };
    tokio::join!(hostile, polite);
    assert_eq!(server.service().store.usage().blobs, 1, "the oversized upload was not stored");
    // The donor is still served after its bad frames, which are counted.
    assert!(matches!(donor.upload(&wire_name("after"), code(2, 100)).await, Message::CodeCatalog(_)));
    assert_eq!(sample_value(&metrics_page(&server), "jitfleet_bad_frames_total"), Some(2.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crashed_server_restarted_on_the_same_store_loses_no_code() {
    let pki = TestPki::new();
    let store = tempfile::tempdir().unwrap();
    let blobs: Vec<Vec<u8>> = (0..20).map(|seed| code(seed, 2_000 + seed as usize * 100)).collect();
    {
        let server = start(&pki, store.path()).await;
        let donor = Replica::join(server.quic_addr(), &pki, "donor", Role::Donor).await;
        for (n, bytes) in blobs.iter().enumerate() {
            assert!(matches!(donor.upload(&wire_name(&format!("m{n}")), bytes.clone()).await, Message::CodeCatalog(_)));
        }
        // Dropped without shutdown: every task stops at once, as in a crash.
        drop(server);
    }
    let server = start(&pki, store.path()).await;
    assert_eq!(server.scan_report().blobs, 20);
    assert!(server.scan_report().quarantined.is_empty());
    let receiver = Replica::join(server.quic_addr(), &pki, "client", Role::Receiver).await;
    assert_eq!(receiver.catalog.entries.len(), 20);
    let replies = receiver.fetch(receiver.catalog.entries.iter().map(|e| e.content_hash).collect()).await;
    let mut served: Vec<Vec<u8>> =
        replies.into_iter().map(|m| if let Message::CodeResponse(r) = m { r.bytes } else { panic!("{m:?}") }).collect();
    let mut expected = blobs.clone();
    served.sort();
    expected.sort();
    assert_eq!(served, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_store_file_is_detected_and_skipped_at_start() {
    let pki = TestPki::new();
    let store = tempfile::tempdir().unwrap();
    let (good, bad) = (code(1, 4000), code(2, 4000));
    {
        let server = start(&pki, store.path()).await;
        let donor = Replica::join(server.quic_addr(), &pki, "donor", Role::Donor).await;
        donor.upload(&wire_name("good"), good.clone()).await;
        donor.upload(&wire_name("bad"), bad.clone()).await;
        server.shutdown().await.unwrap();
    }
    let bad_hex = ContentHash::of(&bad).to_string();
    let bad_file = std::fs::read_dir(store.path().join("code").join(&bad_hex[..2]))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(&bad_hex))
        .expect("blob file of the bad upload");
    let len = std::fs::metadata(&bad_file).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&bad_file).unwrap().set_len(len / 2).unwrap();

    let server = start(&pki, store.path()).await;
    assert_eq!(server.scan_report().blobs, 1);
    assert_eq!(server.scan_report().quarantined.len(), 1);
    assert_eq!(server.scan_report().quarantined[0].0, bad_file);
    assert_eq!(sample_value(&metrics_page(&server), "jitfleet_store_quarantined_total"), Some(1.0));
    let receiver = Replica::join(server.quic_addr(), &pki, "client", Role::Receiver).await;
    assert_eq!(receiver.catalog.entries.len(), 1);
    assert_eq!(receiver.catalog.entries[0].content_hash, ContentHash::of(&good));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_profiles_merge_and_survive_a_restart_and_heat_gates_the_catalog() {
    let pki = TestPki::new();
    let store = tempfile::tempdir().unwrap();
    let rows = |r: &[(&str, u64)]| r.iter().map(|(c, n)| ReceiverRow { class: (*c).into(), count: *n }).collect::<Vec<_>>();
    let call = |count, r: &[(&str, u64)]| jitfleet_transport::profile::BciProfile {
        bci: 9,
        data: ProfileData::Receivers { virtual_call: true, null_seen: false, count, rows: rows(r) },
    };
    {
        let mut config = config(&pki, store.path());
        config.merge_limits.receiver_rows = 2;
        config.push_min_heat = 1_000;
        let server = RunningServer::start(config).await.unwrap();
        let mut a = Replica::join(server.quic_addr(), &pki, "client", Role::Receiver).await;
        let mut b = Replica::join(server.quic_addr(), &pki, "client2", Role::Receiver).await;
        let donor = Replica::join(server.quic_addr(), &pki, "donor", Role::Donor).await;
        donor.upload(&wire_name("hot"), code(1, 100)).await;
        donor.upload(&wire_name("cold"), code(2, 100)).await;

        let reply = a.send_delta(vec![profile("hot", 600, vec![branch(3, 90, 10), call(1, &[("A", 50), ("B", 5)])])]).await;
        assert!(matches!(reply, Message::Policy(_)), "{reply:?}");
        b.send_delta(vec![profile("hot", 500, vec![branch(3, 10, 30), call(2, &[("C", 30), ("B", 20)])]), profile("cold", 10, vec![])]).await;

        // 1100 >= 1000: "hot" is pushed, "cold" (10) is not — to `a`, already connected, as
        // soon as the heat crossed the threshold (its first catalog was empty)...
        assert!(a.catalog.entries.is_empty());
        let pushed = next_catalog(&a.connection).await;
        let methods: Vec<&str> = pushed.entries.iter().map(|e| e.method.as_str()).collect();
        assert_eq!(methods, vec![wire_name("hot")]);
        // ... and to a replica joining later.
        let late = Replica::join(server.quic_addr(), &pki, "client", Role::Receiver).await;
        let methods: Vec<&str> = late.catalog.entries.iter().map(|e| e.method.as_str()).collect();
        assert_eq!(methods, vec![wire_name("hot")]);
        server.shutdown().await.unwrap();
    }
    let server = start(&pki, store.path()).await;
    let merged = server.service().registry.with_profile(&fleet(), |p| p.method(&method_id("hot")).cloned()).flatten().unwrap();
    assert_eq!(merged.counters.invocations, 1100);
    let cells = merged.method_data.unwrap().cells;
    assert_eq!(cells[0].data, ProfileData::Branch { taken: 100, not_taken: 40 });
    // A=50, C=30 kept; B=25 falls off into the remainder 1+2.
    assert_eq!(cells[1].data, ProfileData::Receivers { virtual_call: true, null_seen: false, count: 28, rows: rows(&[("A", 50), ("C", 30)]) });
    let page = metrics_page(&server);
    let label = format!("jitfleet_fleet_profile_methods{{application=\"{APP}\",compat=\"{}\"}}", fleet().short_compat());
    assert_eq!(sample_value(&page, &label), Some(2.0), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_profile_delta_is_not_counted_twice() {
    let pki = TestPki::new();
    let store = tempfile::tempdir().unwrap();
    let server = start(&pki, store.path()).await;
    let replica = Replica::join(server.quic_addr(), &pki, "client", Role::Receiver).await;
    let delta = ProfileDelta { sequence: 7, uptime_ms: 1, methods: vec![profile("m", 100, vec![])] };
    for _ in 0..3 {
        replica.connection.request(&delta.clone().into()).await.unwrap();
    }
    let merged = server.service().registry.with_profile(&fleet(), |p| p.method(&method_id("m")).cloned()).flatten().unwrap();
    assert_eq!(merged.counters.invocations, 100);
    assert_eq!(server.service().metrics.error_count("duplicate_delta"), 2);
}
