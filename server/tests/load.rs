//! Load test (ignored by default; run it on purpose):
//!
//! ```text
//! CARGO_TARGET_DIR=... cargo test -p jitfleet-server --release --test load -- --ignored --nocapture
//! ```
//!
//! The server runs as a child process so that its CPU time is its own. 200 simulated
//! replicas send a profile delta (50 methods) once a second for ~10 s; halfway through, 50
//! receivers connect at once, take the catalog (200 blobs of 16 KiB) and fetch every blob.
//! Printed: server CPU, p99 handling latency (server histogram, and delta round trip measured
//! by the clients), and the time until every receiver holds all its code.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use jitfleet_server::http::fetch;
use jitfleet_server::metrics::{quantile_from_page, sample_value};
use jitfleet_transport::quic::TransportOptions;
use jitfleet_transport::wire::*;
use support::process::ServerProcess;
use support::*;
use tokio::sync::Mutex;

const DELTA_CLIENTS: usize = 200;
const RECEIVERS: usize = 50;
const SECONDS: u64 = 10;
const BLOBS: usize = 200;
const BLOB_BYTES: usize = 16 * 1024;
const METHODS_PER_DELTA: usize = 50;

fn delta_methods(client: usize) -> Vec<jitfleet_transport::profile::MethodProfile> {
    (0..METHODS_PER_DELTA)
        .map(|m| profile(&format!("m{}", (client * 7 + m) % 400), 100 + m as u64, vec![branch(3, 90, 10), branch(17, 5, 50)]))
        .collect()
}

/// The transport defaults (30 s per request): under load the test measures, not times out.
fn patient() -> TransportOptions {
    TransportOptions::default()
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1]
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "load test: minutes of CPU; run with --ignored --nocapture"]
async fn two_hundred_replicas_sending_deltas_and_fifty_receivers_fetching_at_once() {
    let pki = Arc::new(TestPki::new());
    let store = tempfile::tempdir().unwrap();
    let server = ServerProcess::spawn(&pki, store.path(), &[]);
    let addr = server.quic;

    let donor = Replica::join(addr, &pki, "donor", Role::Donor).await;
    let blobs: Vec<Vec<u8>> = (0..BLOBS).map(|n| code(n as u8, BLOB_BYTES + n)).collect();
    for (n, bytes) in blobs.iter().enumerate() {
        assert!(matches!(donor.upload(&wire_name(&format!("m{n}")), bytes.clone()).await, Message::CodeCatalog(_)));
    }

    let connect_started = Instant::now();
    let mut replicas = Vec::with_capacity(DELTA_CLIENTS);
    for chunk in (0..DELTA_CLIENTS).collect::<Vec<_>>().chunks(25) {
        let joins = chunk
            .iter()
            .map(|_| Replica::join_with_options(addr, pki.client_tls("client"), hello(Role::Receiver), patient()));
        replicas.extend(futures_join_all(joins).await);
    }
    println!("{DELTA_CLIENTS} replicas connected in {:?}", connect_started.elapsed());

    let cpu_before = server.cpu_seconds();
    let window = Instant::now();
    let round_trips = Arc::new(Mutex::new(Vec::<(Duration, Duration)>::new()));
    let mut senders = Vec::new();
    for (index, mut replica) in replicas.into_iter().enumerate() {
        let round_trips = round_trips.clone();
        senders.push(tokio::spawn(async move {
            // Spread the clients over the second, as independent replicas would be.
            tokio::time::sleep(Duration::from_millis((index as u64 * 1000) / DELTA_CLIENTS as u64)).await;
            let mut ticks = tokio::time::interval(Duration::from_secs(1));
            let mut mine = Vec::new();
            for _ in 0..SECONDS {
                ticks.tick().await;
                let sent = Instant::now();
                let reply = replica.send_delta(delta_methods(index)).await;
                assert!(matches!(reply, Message::Policy(_)), "{reply:?}");
                mine.push((sent - window, sent.elapsed()));
            }
            round_trips.lock().await.extend(mine);
            replica
        }));
    }

    tokio::time::sleep(Duration::from_secs(SECONDS / 2)).await;
    let burst = Instant::now();
    let receivers = (0..RECEIVERS).map(|_| {
        let pki = pki.clone();
        tokio::spawn(async move {
            let receiver = Replica::join_with_options(addr, pki.client_tls("client2"), hello(Role::Receiver), patient()).await;
            let hashes: Vec<ContentHash> = receiver.catalog.entries.iter().map(|e| e.content_hash).collect();
            let replies = receiver.fetch(hashes).await;
            let intact = replies.iter().filter(|m| matches!(m, Message::CodeResponse(r) if r.is_intact())).count();
            (intact, burst.elapsed())
        })
    });
    let mut slowest = Duration::ZERO;
    for handle in receivers.collect::<Vec<_>>() {
        let (intact, took) = handle.await.unwrap();
        assert_eq!(intact, BLOBS, "every receiver got every blob intact");
        slowest = slowest.max(took);
    }
    for sender in senders {
        sender.await.unwrap();
    }
    let elapsed = window.elapsed();
    let cpu = server.cpu_seconds() - cpu_before;

    let page = fetch(&server.url("/metrics"), Duration::from_secs(5)).unwrap();
    let burst_window = (burst - window)..(burst - window + slowest);
    let (mut during, mut outside): (Vec<_>, Vec<_>) =
        round_trips.lock().await.iter().partition(|(at, _)| burst_window.contains(at));
    let mut during: Vec<Duration> = during.drain(..).map(|(_, rtt)| rtt).collect();
    let mut outside: Vec<Duration> = outside.drain(..).map(|(_, rtt)| rtt).collect();
    during.sort();
    outside.sort();
    let deltas = sample_value(&page, "jitfleet_messages_total{kind=\"ProfileDelta\"}").unwrap_or(0.0);
    assert_eq!(deltas as usize, DELTA_CLIENTS * SECONDS as usize);
    println!("--- jitfleet-server load ({} cores on this machine) ---", std::thread::available_parallelism().map_or(0, |n| n.get()));
    println!("window                     {elapsed:.2?}");
    println!("profile deltas handled     {deltas} ({METHODS_PER_DELTA} methods each)");
    println!("server CPU                 {cpu:.2} s = {:.0}% of one core", 100.0 * cpu / elapsed.as_secs_f64());
    for kind in ["ProfileDelta", "CodeRequest"] {
        let labels = format!("kind=\"{kind}\"");
        println!(
            "server handling p99        {kind}: <= {:.2} ms (histogram bucket bound, {} messages)",
            quantile_from_page(&page, "jitfleet_message_handling_seconds", &labels, 0.99).unwrap_or(f64::NAN) * 1e3,
            sample_value(&page, &format!("jitfleet_message_handling_seconds_count{{{labels}}}")).unwrap_or(0.0)
        );
    }
    for (label, samples) in [("outside the burst", &outside), ("during the burst", &during)] {
        println!(
            "delta round trip (client)  {label}: n={} p50 {:.2?}  p99 {:.2?}  max {:.2?}",
            samples.len(),
            percentile(samples, 0.5),
            percentile(samples, 0.99),
            samples.last().copied().unwrap_or_default()
        );
    }
    println!("{RECEIVERS} receivers x {BLOBS} blobs ({} KiB) all fetched in {slowest:.2?}", BLOBS * BLOB_BYTES / 1024);
}

/// Runs futures concurrently and collects their outputs in order (no `futures` crate needed).
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await.expect("task"));
    }
    out
}
