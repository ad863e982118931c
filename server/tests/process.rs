//! The `jitfleet-server` binary as an operator runs it: started as a child process, killed
//! with SIGKILL mid-run, restarted on the same store; `status`; configuration errors.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use jitfleet_server::http::fetch;
use jitfleet_server::metrics::sample_value;
use jitfleet_transport::wire::*;
use support::process::{ServerProcess, BINARY};
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_killed_with_sigkill_and_restarted_loses_no_acknowledged_code_or_flushed_profile() {
    let pki = TestPki::new();
    let store = tempfile::tempdir().unwrap();
    let blobs: Vec<Vec<u8>> = (0..10).map(|seed| code(seed, 30_000)).collect();

    let server = ServerProcess::spawn(&pki, store.path(), &[]);
    let donor = Replica::join(server.quic, &pki, "donor", Role::Donor).await;
    let mut replica = Replica::join(server.quic, &pki, "client", Role::Receiver).await;
    replica.send_delta(vec![profile("hot", 5_000, vec![branch(1, 4, 1)])]).await;
    for (n, bytes) in blobs.iter().enumerate() {
        assert!(matches!(donor.upload(&wire_name(&format!("m{n}")), bytes.clone()).await, Message::CodeCatalog(_)));
    }
    // Profiles are flushed every second; code is durable once acknowledged.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill_9();
    assert!(donor.connection.ping().await.is_err(), "the server is gone");

    let server = ServerProcess::spawn(&pki, store.path(), &[]);
    let receiver = Replica::join(server.quic, &pki, "client2", Role::Receiver).await;
    assert_eq!(receiver.catalog.entries.len(), blobs.len());
    let replies = receiver.fetch(receiver.catalog.entries.iter().map(|e| e.content_hash).collect()).await;
    for reply in replies {
        let Message::CodeResponse(response) = reply else { panic!("expected code, got {reply:?}") };
        assert!(blobs.contains(&response.bytes), "served bytes are one of the uploads, unchanged");
    }
    let page = fetch(&server.url("/metrics"), Duration::from_secs(5)).unwrap();
    assert_eq!(sample_value(&page, "jitfleet_store_blobs"), Some(blobs.len() as f64));
    assert_eq!(sample_value(&page, "jitfleet_store_quarantined_total"), Some(0.0));
    let methods = page.lines().find(|l| l.starts_with("jitfleet_fleet_profile_methods{")).unwrap_or_default().to_owned();
    assert!(methods.ends_with(" 1"), "the flushed profile was reloaded: {methods:?}");

    // `status` against the running server.
    let output = Command::new(BINARY).args(["status", "--metrics-url", &server.url("/metrics")]).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    assert!(text.contains(&format!("store       {} blobs", blobs.len())), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_flushes_the_fleet_profiles_before_exiting() {
    let pki = TestPki::new();
    let store = tempfile::tempdir().unwrap();
    // No periodic flush within the test: only the shutdown path can write the profile.
    let server = ServerProcess::spawn(&pki, store.path(), &["--flush-seconds", "3600"]);
    let mut replica = Replica::join(server.quic, &pki, "client", Role::Receiver).await;
    replica.send_delta(vec![profile("a", 10, vec![]), profile("b", 20, vec![])]).await;
    assert!(server.terminate(), "clean exit on SIGTERM");

    let server = ServerProcess::spawn(&pki, store.path(), &[]);
    let page = fetch(&server.url("/metrics"), Duration::from_secs(5)).unwrap();
    let methods = page.lines().find(|l| l.starts_with("jitfleet_fleet_profile_methods{")).unwrap_or_default().to_owned();
    assert!(methods.ends_with(" 2"), "both methods were flushed at shutdown: {methods:?}");
}

#[test]
fn status_reads_a_store_offline_and_names_damaged_files() {
    let store = tempfile::tempdir().unwrap();
    {
        let (code_store, _) = jitfleet_server::store::CodeStore::open(store.path(), 1 << 30).unwrap();
        let fleet = jitfleet_server::fleet::FleetKey::new(APP, ContentHash([1; 32])).unwrap();
        code_store.put(&fleet, "La;a()V", &code(1, 1000)).unwrap();
        code_store.put(&fleet, "La;b()V", &code(2, 1000)).unwrap();
    }
    let victim = std::fs::read_dir(store.path().join("code")).unwrap().next().unwrap().unwrap().path();
    let victim = std::fs::read_dir(victim).unwrap().next().unwrap().unwrap().path();
    std::fs::write(&victim, b"JFBLOB").unwrap();
    let output = Command::new(BINARY).arg("status").arg("--store").arg(store.path()).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(text.contains("1 intact blobs"), "{text}");
    assert!(text.contains("DAMAGED"), "{text}");
    // Read-only: the damaged file is still there for the server to quarantine.
    assert!(victim.exists());
}

#[test]
fn bad_configuration_fails_with_a_message_naming_the_option() {
    let pki = TestPki::new();
    let store = tempfile::tempdir().unwrap();
    let run = |extra: &[&str], cert: &Path| {
        let output = Command::new(BINARY)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .arg("--cert")
            .arg(cert)
            .arg("--key")
            .arg(&pki.pki.server.key)
            .arg("--ca")
            .arg(&pki.pki.ca.cert)
            .arg("--store")
            .arg(store.path())
            .args(extra)
            .env("JITFLEET_LOG", "off")
            .output()
            .unwrap();
        assert!(!output.status.success());
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let missing = run(&[], Path::new("/nonexistent/server.pem"));
    assert!(missing.contains("--cert") && missing.contains("/nonexistent/server.pem"), "{missing}");
    let tiny = run(&["--max-store-bytes", "10K"], &pki.pki.server.cert);
    assert!(tiny.contains("--max-store-bytes"), "{tiny}");
    let unit = run(&["--max-store-bytes", "10Q"], &pki.pki.server.cert);
    assert!(unit.contains("unknown size unit"), "{unit}");
    let file_store = store.path().join("file");
    std::fs::write(&file_store, b"x").unwrap();
    let output = Command::new(BINARY)
        .arg("serve")
        .arg("--cert")
        .arg(&pki.pki.server.cert)
        .arg("--key")
        .arg(&pki.pki.server.key)
        .arg("--ca")
        .arg(&pki.pki.ca.cert)
        .arg("--store")
        .arg(&file_store)
        .args(["--listen", "127.0.0.1:0"])
        .env("JITFLEET_LOG", "off")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success() && text.contains("--store") && text.contains("not a directory"), "{text}");
}
