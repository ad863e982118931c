//! A load smoke test, ignored by default (it measures, it does not gate):
//! `cargo test --release -p jitfleet-transport --test load -- --ignored --nocapture`
//!
//! 200 clients connect at once (mutual TLS each), send profile deltas one-way, and make
//! requests; prints connect time and request latency percentiles, and checks nothing is lost.

mod support;

use std::time::{Duration, Instant};

use jitfleet_transport::quic::Client;
use jitfleet_transport::wire::samples::method_profile;
use jitfleet_transport::wire::*;
use support::*;

const CLIENTS: usize = 200;
const DELTAS_PER_CLIENT: usize = 5;
const REQUESTS_PER_CLIENT: usize = 5;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "load measurement; run explicitly"]
async fn two_hundred_clients_connect_send_deltas_and_request() {
    let pki = TestPki::new();
    let (addr, mut seen) = start_server(&pki, fast_options());
    let tls = pki.client_tls("client");
    let delta: Message =
        ProfileDelta { sequence: 0, uptime_ms: 1, methods: vec![method_profile(); 50] }.into();
    let catalog: Message = CodeCatalog {
        compat_key_hash: ContentHash::of(b"k"),
        entries: (0..100)
            .map(|i| CatalogEntry { content_hash: ContentHash::of(&[i]), method: format!("LApp;m{i}()V"), size: 4096 })
            .collect(),
    }
    .into();

    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (tls, delta, catalog) = (tls.clone(), delta.clone(), catalog.clone());
        tasks.push(tokio::spawn(async move {
            let connect_started = Instant::now();
            let connection = Client::for_addr(addr, tls, fast_options()).connect().await.expect("connects");
            let connect_time = connect_started.elapsed();
            let mut latencies = Vec::new();
            for _ in 0..DELTAS_PER_CLIENT {
                connection.send(&delta).await.expect("delta sent");
            }
            for _ in 0..REQUESTS_PER_CLIENT {
                let t = Instant::now();
                assert_eq!(connection.request(&catalog).await.expect("reply"), catalog);
                latencies.push(t.elapsed());
            }
            (connect_time, latencies, connection)
        }));
    }
    let mut connect_times = Vec::new();
    let mut latencies = Vec::new();
    let mut connections = Vec::new();
    for task in tasks {
        let (connect_time, mut l, connection) = task.await.unwrap();
        connect_times.push(connect_time);
        latencies.append(&mut l);
        connections.push(connection);
    }
    let all_done = started.elapsed();

    let mut deltas = 0;
    while deltas < CLIENTS * DELTAS_PER_CLIENT {
        match tokio::time::timeout(Duration::from_secs(10), seen.recv()).await.expect("all deltas arrive") {
            Some(Seen::OneWay { message: Message::ProfileDelta(_), .. }) => deltas += 1,
            Some(_) => {}
            None => panic!("server stopped"),
        }
    }
    connect_times.sort();
    latencies.sort();
    println!(
        "{CLIENTS} clients: all connected+done in {all_done:?}; connect p50 {:?} p99 {:?} max {:?}; \
         {} requests p50 {:?} p99 {:?}; {deltas} deltas received",
        percentile(&connect_times, 0.5),
        percentile(&connect_times, 0.99),
        connect_times.last().unwrap(),
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
    );
    assert_eq!(deltas, CLIENTS * DELTAS_PER_CLIENT);
}
