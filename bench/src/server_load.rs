//! `jitfleet-bench server-load`: the remote compile service under a fleet's load, over real
//! QUIC on loopback (moved here from the server's ignored load test, so that it is run on
//! purpose and its figures are kept under `bench/results/`).
//!
//! The server runs as a child process (its CPU time is its own). Simulated replicas, each with
//! its own QUIC connection and mutual TLS: `clients` replicas send a profile delta (50 methods)
//! once a second for `seconds`; halfway through, `receivers` replicas connect at once, take
//! the catalog (`blobs` blobs uploaded by a donor at the start) and fetch every blob.
//! Reported: server CPU, p99 message handling latency (the server's histogram, and the delta
//! round trip seen by the clients), and the time until every receiver holds all its code.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jitfleet_server::http::fetch;
use jitfleet_server::metrics::{quantile_from_page, sample_value};
use jitfleet_transport::certs::{init_dev_pki, DevPkiOptions};
use jitfleet_transport::profile::{BciProfile, ClassId, Counters, LoaderId, MethodData, MethodId, MethodProfile, ProfileData};
use jitfleet_transport::quic::{Client, Connection, Inbound, TransportOptions};
use jitfleet_transport::tls::ClientTls;
use jitfleet_transport::wire::samples::compat_key;
use jitfleet_transport::wire::*;
use tokio::sync::Mutex;

use crate::error::{BenchError, Result};
use crate::fleet_server::ServerProcess;

/// What to simulate.
#[derive(Debug, Clone)]
pub struct LoadPlan {
    pub clients: usize,
    pub receivers: usize,
    pub seconds: u64,
    pub blobs: usize,
    pub blob_bytes: usize,
    pub methods_per_delta: usize,
    /// The `jitfleet-server` binary.
    pub server: PathBuf,
    /// Scratch directory (PKI, store).
    pub work: PathBuf,
}

const APP: &str = "server-load";

/// Runs the load and returns the report (plain text, one figure per line).
pub fn run(plan: &LoadPlan) -> Result<String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| BenchError::Usage(format!("cannot start the tokio runtime: {e}")))?;
    runtime.block_on(run_async(plan))
}

fn failed(what: impl std::fmt::Display) -> BenchError {
    BenchError::Usage(format!("server-load: {what}"))
}

async fn run_async(plan: &LoadPlan) -> Result<String> {
    let _ = std::fs::remove_dir_all(&plan.work);
    std::fs::create_dir_all(&plan.work).map_err(BenchError::io(&plan.work))?;
    let options = DevPkiOptions {
        clients: vec![("donor".into(), Role::Donor), ("client".into(), Role::Receiver), ("client2".into(), Role::Receiver)],
        ..DevPkiOptions::default()
    };
    let pki = Arc::new(init_dev_pki(&plan.work.join("pki"), &options).map_err(failed)?);
    let server = ServerProcess::spawn(&plan.server, &pki, &plan.work.join("store")).map_err(failed)?;
    let addr = server.quic;
    let tls = |name: &str| -> Result<ClientTls> {
        let files = &pki.clients.iter().find(|(n, _, _)| n == name).ok_or_else(|| failed(format!("no client {name}")))?.2;
        ClientTls::from_pem_files(&pki.ca.cert, &files.cert, &files.key).map_err(failed)
    };

    let donor = Replica::join(addr, tls("donor")?, Role::Donor).await?;
    for n in 0..plan.blobs {
        let bytes = code(n as u8, plan.blob_bytes + n);
        let upload = CodeUpload { hash: ContentHash::of(&bytes), method: wire_name(&format!("m{n}")), bytes };
        match donor.connection.request(&upload.into()).await.map_err(failed)? {
            Message::CodeCatalog(_) => {}
            other => return Err(failed(format!("upload answered with {other:?}"))),
        }
    }

    let connect_started = Instant::now();
    let client_tls = tls("client")?;
    let mut replicas = Vec::with_capacity(plan.clients);
    for chunk in (0..plan.clients).collect::<Vec<_>>().chunks(25) {
        let joins: Vec<_> = chunk.iter().map(|_| tokio::spawn(Replica::join(addr, client_tls.clone(), Role::Receiver))).collect();
        for join in joins {
            replicas.push(join.await.map_err(failed)??);
        }
    }
    let connect_time = connect_started.elapsed();

    let cpu_before = server.cpu_seconds();
    let window = Instant::now();
    let round_trips = Arc::new(Mutex::new(Vec::<(Duration, Duration)>::new()));
    let mut senders = Vec::new();
    for (index, mut replica) in replicas.into_iter().enumerate() {
        let round_trips = round_trips.clone();
        let (clients, seconds, methods) = (plan.clients, plan.seconds, plan.methods_per_delta);
        senders.push(tokio::spawn(async move {
            // Spread the clients over the second, as independent replicas would be.
            tokio::time::sleep(Duration::from_millis((index as u64 * 1000) / clients as u64)).await;
            let mut ticks = tokio::time::interval(Duration::from_secs(1));
            let mut mine = Vec::new();
            let mut errors = 0u32;
            for _ in 0..seconds {
                ticks.tick().await;
                let sent = Instant::now();
                match replica.send_delta(delta_methods(index, methods)).await {
                    Ok(Message::Policy(_)) => mine.push((sent - window, sent.elapsed())),
                    _ => errors += 1,
                }
            }
            round_trips.lock().await.extend(mine);
            errors
        }));
    }

    tokio::time::sleep(Duration::from_secs(plan.seconds / 2)).await;
    let burst = Instant::now();
    let receiver_tls = tls("client2")?;
    let receivers: Vec<_> = (0..plan.receivers)
        .map(|_| {
            let tls = receiver_tls.clone();
            tokio::spawn(async move {
                let receiver = Replica::join(addr, tls, Role::Receiver).await?;
                let hashes: Vec<ContentHash> = receiver.catalog.entries.iter().map(|e| e.content_hash).collect();
                let mut replies = receiver.connection.request_stream(&CodeRequest { hashes }.into()).await.map_err(failed)?;
                let mut intact = 0usize;
                while let Some(reply) = replies.next().await.map_err(failed)? {
                    if matches!(&reply, Message::CodeResponse(r) if r.is_intact()) {
                        intact += 1;
                    }
                }
                Ok::<_, BenchError>((intact, burst.elapsed()))
            })
        })
        .collect();
    let mut slowest = Duration::ZERO;
    let mut incomplete = 0;
    let mut finish_times = Vec::new();
    for handle in receivers {
        let (intact, took) = handle.await.map_err(failed)??;
        if intact != plan.blobs {
            incomplete += 1;
        }
        slowest = slowest.max(took);
        finish_times.push(took);
    }
    finish_times.sort();
    let mut delta_errors = 0;
    for sender in senders {
        delta_errors += sender.await.map_err(failed)?;
    }
    let elapsed = window.elapsed();
    let cpu = server.cpu_seconds() - cpu_before;

    let page = fetch(&server.url("/metrics"), Duration::from_secs(5)).map_err(failed)?;
    let burst_window = (burst - window)..(burst - window + slowest);
    let all = round_trips.lock().await.clone();
    let (during, outside): (Vec<_>, Vec<_>) = all.iter().partition(|(at, _)| burst_window.contains(at));
    let mut during: Vec<Duration> = during.into_iter().map(|(_, rtt)| rtt).collect();
    let mut outside: Vec<Duration> = outside.into_iter().map(|(_, rtt)| rtt).collect();
    during.sort();
    outside.sort();
    let deltas = sample_value(&page, "jitfleet_messages_total{kind=\"ProfileDelta\"}").unwrap_or(0.0);

    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!("--- jitfleet-server load ({} cores on this machine, load average {}) ---", cores(), load_average()));
    line(format!("replicas                   {} sending deltas, {} receivers joining at once, donor uploaded {} blobs of ~{} KiB", plan.clients, plan.receivers, plan.blobs, plan.blob_bytes / 1024));
    line(format!("{} replicas connected in   {connect_time:.2?} (mutual TLS, Hello, catalog, policy)", plan.clients));
    line(format!("window                     {elapsed:.2?}"));
    line(format!("profile deltas handled     {deltas} of {} sent ({} methods each), {delta_errors} failed", plan.clients as u64 * plan.seconds, plan.methods_per_delta));
    line(format!("server CPU                 {cpu:.2} s = {:.0}% of one core", 100.0 * cpu / elapsed.as_secs_f64()));
    for kind in ["ProfileDelta", "CodeRequest"] {
        let labels = format!("kind=\"{kind}\"");
        let p99 = quantile_from_page(&page, "jitfleet_message_handling_seconds", &labels, 0.99).unwrap_or(f64::NAN);
        let bound = if p99.is_infinite() { "> 2500 ms (above the largest bucket)".to_string() } else { format!("<= {:.2} ms", p99 * 1e3) };
        line(format!(
            "server handling p99        {kind}: {bound} (histogram bucket bound, {} messages{})",
            sample_value(&page, &format!("jitfleet_message_handling_seconds_count{{{labels}}}")).unwrap_or(0.0),
            if kind == "CodeRequest" { "; one request streams every blob of the catalog" } else { "" }
        ));
    }
    for (label, samples) in [("outside the burst", &outside), ("during the burst", &during)] {
        line(format!(
            "delta round trip (client)  {label}: n={} p50 {:.2?}  p99 {:.2?}  max {:.2?}",
            samples.len(),
            percentile(samples, 0.5),
            percentile(samples, 0.99),
            samples.last().copied().unwrap_or_default()
        ));
    }
    line(format!(
        "all receivers have code    {} receivers x {} blobs ({} KiB each receiver) in {slowest:.2?} from the burst start{}",
        plan.receivers,
        plan.blobs,
        (0..plan.blobs).map(|n| plan.blob_bytes + n).sum::<usize>() / 1024,
        if incomplete > 0 { format!(" -- {incomplete} receivers INCOMPLETE") } else { String::new() }
    ));
    line(format!(
        "receiver done (from burst) p50 {:.2?}  p99 {:.2?}  first {:.2?}",
        percentile(&finish_times, 0.5),
        percentile(&finish_times, 0.99),
        finish_times.first().copied().unwrap_or_default()
    ));
    drop(server);
    if incomplete > 0 || delta_errors > 0 {
        eprint!("{out}");
        return Err(failed(format!("{incomplete} receivers incomplete, {delta_errors} deltas failed")));
    }
    Ok(out)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(0, |n| n.get())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" ")).unwrap_or_default()
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// Deterministic pseudo-code bytes (the server stores blobs opaquely).
fn code(seed: u8, len: usize) -> Vec<u8> {
    (0..len).map(|i| ((i as u32).wrapping_mul(2_654_435_761) >> 13) as u8 ^ seed).collect()
}

fn wire_name(name: &str) -> String {
    format!("Lpkg/Work;{name}(I)I")
}

fn delta_methods(client: usize, methods: usize) -> Vec<MethodProfile> {
    (0..methods)
        .map(|m| {
            let name = format!("m{}", (client * 7 + m) % 400);
            let invocations = 100 + m as u64;
            MethodProfile {
                method: MethodId {
                    class: ClassId { name: "pkg/Work".into(), loader: LoaderId::Named("app".into()), bytes_hash: Some([5; 32]) },
                    name,
                    descriptor: "(I)I".into(),
                },
                counters: Counters { invocations, backedges: 0 },
                method_data: Some(MethodData {
                    invocations: invocations / 10,
                    backedges: 0,
                    decompiles: 0,
                    cells: vec![
                        BciProfile { bci: 3, data: ProfileData::Branch { taken: 90, not_taken: 10 } },
                        BciProfile { bci: 17, data: ProfileData::Branch { taken: 5, not_taken: 50 } },
                    ],
                }),
                highest_tier: 3,
                code_size: 42,
            }
        })
        .collect()
}

/// A simulated replica that has said Hello and received its first catalog and policy.
struct Replica {
    connection: Connection,
    catalog: CodeCatalog,
    sequence: u64,
}

impl Replica {
    async fn join(addr: SocketAddr, tls: ClientTls, role: Role) -> Result<Replica> {
        // The transport defaults (30 s per request): under load we measure, not time out.
        let options = TransportOptions::default();
        let wait = options.request_timeout;
        let connection = Client::for_addr(addr, tls, options).connect().await.map_err(failed)?;
        let hello = Hello {
            protocol_version: PROTOCOL_VERSION,
            application: APP.into(),
            compat_key: compat_key(),
            agent_version: "jitfleet-bench".into(),
            role,
            replica_id: format!("bench-{role:?}"),
        };
        match connection.request(&hello.into()).await.map_err(failed)? {
            Message::HelloAck(_) => {}
            other => return Err(failed(format!("expected HelloAck, got {other:?}"))),
        }
        // Catalog and policy travel on separate streams: either may arrive first.
        let (mut catalog, mut policy) = (None, None);
        while catalog.is_none() || policy.is_none() {
            match tokio::time::timeout(wait, connection.next_inbound()).await {
                Ok(Some(Inbound::OneWay(Message::CodeCatalog(c)))) if catalog.is_none() => catalog = Some(c),
                Ok(Some(Inbound::OneWay(Message::Policy(p)))) if policy.is_none() => policy = Some(p),
                Ok(Some(Inbound::OneWay(_))) => {}
                other => return Err(failed(format!("expected the first catalog and policy, got {other:?}"))),
            }
        }
        Ok(Replica { connection, catalog: catalog.unwrap_or(CodeCatalog { compat_key_hash: ContentHash::default(), entries: vec![] }), sequence: 0 })
    }

    async fn send_delta(&mut self, methods: Vec<MethodProfile>) -> Result<Message> {
        self.sequence += 1;
        let delta = ProfileDelta { sequence: self.sequence, uptime_ms: self.sequence * 1000, methods };
        self.connection.request(&delta.into()).await.map_err(failed)
    }
}

