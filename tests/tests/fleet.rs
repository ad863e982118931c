//! The fleet over the network, with real JVMs and a real `jitfleet-server` on loopback.
//!
//! - A donor JVM (`mode=capture`) uploads its C2 code; a receiver JVM started afterwards, with
//!   no cache directory, receives it from the server and installs it: same output as a run
//!   without the agent, the installed nmethod is the method's code, and the receiver never
//!   compiles that method itself.
//! - Profile deltas reach the server and its fleet profile survives a SIGKILL (restart test).
//! - Faults: no server at all; a server killed with SIGKILL and restarted while a replica runs
//!   (its store keeps every blob, the replica reconnects); a client whose certificate comes
//!   from another CA (refused and counted by the server, the JVM unaffected).
//!
//! Certificates come from `jitfleet certs init`, as a user would make them.

use jitfleet_tests::*;
use std::io::{Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const JVMCI: [&str; 2] = ["-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI"];
const PRINT_COMPILATION: [&str; 3] = ["-XX:+UnlockDiagnosticVMOptions", "-XX:+DisplayVMOutputToStderr", "-XX:+PrintCompilation"];

/// A development PKI made by the `jitfleet` command.
fn make_pki(dir: &Path) -> PathBuf {
    let pki = dir.join("pki");
    let o = run(Command::new(jitfleet_cli()).arg("certs").arg("init").arg(&pki));
    assert!(o.status.success(), "certs init: {}", stderr(&o));
    pki
}

/// A free port (UDP for QUIC, or TCP for metrics), released for the server to take.
fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn free_tcp_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running `jitfleet-server`, killed (SIGKILL) on drop.
struct Server {
    child: Child,
    quic: u16,
    metrics: u16,
    log: PathBuf,
}

impl Server {
    fn start(pki: &Path, store: &Path, quic: u16, metrics: u16, log: &Path) -> Server {
        let log_file = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
        let child = Command::new(server_bin())
            .arg("serve")
            .args(["--listen", &format!("127.0.0.1:{quic}"), "--metrics", &format!("127.0.0.1:{metrics}")])
            .arg("--cert")
            .arg(pki.join("server.pem"))
            .arg("--key")
            .arg(pki.join("server-key.pem"))
            .arg("--ca")
            .arg(pki.join("ca.pem"))
            .arg("--store")
            .arg(store)
            .args(["--flush-seconds", "1", "--profile-interval", "1"])
            .env_remove("JITFLEET_LOG")
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .expect("jitfleet-server starts");
        let server = Server { child, quic, metrics, log: log.to_path_buf() };
        let deadline = Instant::now() + Duration::from_secs(30);
        while server.metrics_page().is_none() {
            assert!(Instant::now() < deadline, "server did not come up: {}", std::fs::read_to_string(log).unwrap_or_default());
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.quic)
    }

    /// `GET /metrics`, or `None` while the server is not listening.
    fn metrics_page(&self) -> Option<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.metrics)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        stream.write_all(b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
        let mut page = String::new();
        stream.read_to_string(&mut page).ok()?;
        page.contains("200").then_some(page)
    }

    /// The value of an unlabelled metric (0 when absent).
    fn metric(&self, name: &str) -> f64 {
        let page = self.metrics_page().unwrap_or_default();
        page.lines()
            .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')).and_then(|v| v.trim().parse().ok()))
            .unwrap_or(0.0)
    }

    fn kill(&mut self) {
        let _ = self.child.kill(); // SIGKILL
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Agent options for a replica of this server with the named client certificate.
fn net_options(server: &str, pki: &Path, cert: &str) -> String {
    format!(
        "server={server},tls_ca={},tls_cert={},tls_key={},summary_interval=1",
        pki.join("ca.pem").display(),
        pki.join(format!("{cert}.pem")).display(),
        pki.join(format!("{cert}-key.pem")).display()
    )
}

fn lines(o: &Output) -> Vec<String> {
    stdout(o).lines().map(str::to_string).collect()
}

/// The figures of the last `network summary` line of a log.
fn last_summary(log: &str) -> String {
    log.lines().filter(|l| l.contains("network summary:")).last().unwrap_or("").to_string()
}

/// The number after `label ` in a summary line.
fn figure(summary: &str, label: &str) -> u64 {
    let at = summary.find(&format!("{label} ")).unwrap_or_else(|| panic!("no {label} in {summary:?}"));
    summary[at + label.len() + 1..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap()
}

fn store_blobs(store: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "blob") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&store.join("code"), &mut out);
    out.sort();
    out
}

/// ShareLeaf and ShareArrays: a donor uploads, a later receiver installs from the server only.
#[test]
fn code_captured_by_a_donor_is_installed_by_a_later_receiver_through_the_server() {
    let dir = scratch("fleet-e2e");
    let pki = make_pki(&dir);
    let server = Server::start(&pki, &dir.join("store"), free_udp_port(), free_tcp_port(), &dir.join("server.log"));
    for (program, method, args, heap) in [
        ("ShareLeaf", "ShareLeaf.mix(I)I", ["100000", "0", "3000"], "-Xmx256m"),
        ("ShareArrays", "ShareArrays.dot([J[JI)J", ["100000", "0", "3000"], "-Xmx64m"),
    ] {
        let vanilla = run(java_cmd().arg(heap).args([program, args[0], args[2]]));
        assert!(vanilla.status.success());
        let expected = lines(&vanilla);

        let donor = run(java_cmd()
            .args(JVMCI)
            .arg(heap)
            .arg(agent_arg(&format!(
                "mode=capture,cache_dir={},log=info,{}",
                dir.join(format!("donor-{program}")).display(),
                net_options(&server.addr(), &pki, "donor")
            )))
            .args([program, args[0], args[1]]));
        let donor_log = stderr(&donor);
        assert!(donor.status.success(), "{donor_log}");
        assert_eq!(lines(&donor), expected, "{donor_log}");
        assert!(donor_log.contains(&format!("captured {method}")), "{donor_log}");
        let summary = last_summary(&donor_log);
        assert!(figure(&summary, "uploads confirmed") >= 1, "{donor_log}");

        // No cache_dir: everything comes over QUIC.
        let receiver = run(java_cmd()
            .args(JVMCI)
            .arg(heap)
            .args(PRINT_COMPILATION)
            .arg(agent_arg(&format!("mode=install,log=info,{}", net_options(&server.addr(), &pki, "client"))))
            .args([program, args[0], args[2]]));
        let log = stderr(&receiver);
        assert!(receiver.status.success(), "{log}");
        assert_eq!(lines(&receiver), expected, "{log}");
        assert!(log.contains(&format!("installed {method}")), "{log}");
        assert!(log.contains("Method::_code is the installed nmethod"), "{log}");
        assert!(!log.contains("jvmci_error"), "{log}");
        let summary = last_summary(&log);
        assert!(summary.contains("network summary: connected"), "{summary}");
        assert!(figure(&summary, "code") >= 1 && figure(&summary, "installed") >= 1, "{summary}");
        assert_eq!(figure(&summary, "rejected"), 0, "{summary}");
        // The receiver never compiled the shared method's normal entry itself: every such
        // compilation PrintCompilation shows is the installed one (JVMCI ids from 900000000).
        // (A long run may still OSR-compile its loop, `%`: installed code has no OSR entry.)
        let short = method.split('(').next().unwrap().replace('.', "::");
        let own: Vec<&str> =
            log.lines().filter(|l| l.contains(&short) && !l.contains(" 9000000") && !l.contains(" % ")).collect();
        assert!(own.is_empty(), "the receiver compiled {method} itself: {own:?}");
    }
    assert!(server.metric("jitfleet_code_uploads_stored_total") >= 2.0);
    let page = server.metrics_page().unwrap();
    assert!(page.contains("jitfleet_install_reports_total{outcome=\"installed\"}"), "{page}");
}

/// No server listening: output and exit status are the application's, one warning names the
/// problem, and the exit is not held up.
#[test]
fn an_unreachable_server_changes_nothing_but_one_log_line() {
    let dir = scratch("fleet-unreachable");
    let pki = make_pki(&dir);
    let vanilla = run(java_cmd().args(["FleetExit", "4000", "3"]));
    assert_eq!(vanilla.status.code(), Some(3));
    for mode in ["install", "capture"] {
        let started = Instant::now();
        let o = run(java_cmd().args(JVMCI).arg(agent_arg(&format!(
            "mode={mode},cache_dir={},log=info,{}",
            dir.join("cache").display(),
            net_options(&format!("127.0.0.1:{}", free_udp_port()), &pki, "donor")
        ))).args(["FleetExit", "4000", "3"]));
        let log = stderr(&o);
        assert_eq!(o.status.code(), Some(3), "{log}");
        assert_eq!(stdout(&o), stdout(&vanilla), "{log}");
        let warnings: Vec<&str> = log.lines().filter(|l| l.contains("warn: network:")).collect();
        assert_eq!(warnings.len(), 2, "one line when the server is unreachable, one at exit: {log}");
        assert!(warnings[0].contains("is unreachable") && warnings[0].contains("the application runs without it"), "{log}");
        assert!(warnings[1].contains("never reached jitfleet server"), "{log}");
        assert!(last_summary(&log).contains("connects 0"), "{log}");
        assert!(started.elapsed() < Duration::from_secs(30), "exit held up");
    }
}

/// The server dies (SIGKILL) while a donor runs and comes back on the same store and port:
/// every stored blob is intact, the donor reconnects and uploads what it captured meanwhile,
/// and a receiver then installs from the restarted server.
#[test]
fn a_server_killed_and_restarted_mid_run_keeps_its_code_and_replicas_reconnect() {
    let dir = scratch("fleet-restart");
    let pki = make_pki(&dir);
    let store = dir.join("store");
    let (quic, metrics) = (free_udp_port(), free_tcp_port());
    let log_path = dir.join("server.log");
    let mut server = Server::start(&pki, &store, quic, metrics, &log_path);
    let addr = server.addr();

    // A first donor fills the store.
    let first = run(java_cmd().args(JVMCI).arg(agent_arg(&format!(
        "mode=capture,cache_dir={},log=info,{}",
        dir.join("cache1").display(),
        net_options(&addr, &pki, "donor")
    ))).args(["ShareLeaf", "20000", "0"]));
    assert!(first.status.success(), "{}", stderr(&first));
    let before = store_blobs(&store);
    assert!(!before.is_empty(), "{}", stderr(&first));
    let bytes_before: Vec<Vec<u8>> = before.iter().map(|p| std::fs::read(p).unwrap()).collect();

    // A long-running donor: connected, then the server dies under it and comes back. It
    // compiles (and captures) its hot code only after its pause, by when the server is back.
    let donor_log = dir.join("donor.log");
    let donor = java_cmd()
        .args(JVMCI)
        .arg(agent_arg(&format!(
            // A long interval of its own: the deltas below arrive every second only because
            // the server's policy (`--profile-interval 1`) replaces it.
            "mode=capture,cache_dir={},log=info,log_file={},profile_interval=600,{}",
            dir.join("cache2").display(),
            donor_log.display(),
            net_options(&addr, &pki, "donor")
        )))
        .args(["ShareArrays", "20000", "15000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_log(&donor_log, "network: connected", 1);
    // Its first profile delta reached the server; the server flushes fleet profiles every
    // second, so two seconds later it is on disk.
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.metric("jitfleet_messages_total{kind=\"ProfileDelta\"}") < 1.0 {
        assert!(Instant::now() < deadline, "no profile delta arrived: {:?}", server.metrics_page());
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(2));
    server.kill();
    std::thread::sleep(Duration::from_secs(1));
    let server = Server::start(&pki, &store, quic, metrics, &log_path);
    // Nothing lost, nothing quarantined.
    for (path, bytes) in before.iter().zip(&bytes_before) {
        assert_eq!(&std::fs::read(path).unwrap(), bytes, "{} changed", path.display());
    }
    assert_eq!(server.metric("jitfleet_store_quarantined_total"), 0.0);
    let status = run(Command::new(server_bin()).arg("status").arg("--store").arg(&store));
    assert!(status.status.success(), "{}", stderr(&status));
    wait_for_log(&donor_log, "network: connected", 2);
    let donor = donor.wait_with_output().unwrap();
    let log = std::fs::read_to_string(&donor_log).unwrap();
    assert!(donor.status.success(), "{log}");
    assert!(log.contains("network: connection to"), "the donor saw the loss: {log}");
    let summary = last_summary(&log);
    assert!(figure(&summary, "connects") >= 2, "the donor reconnected: {log}");
    assert!(log.contains("captured ShareArrays.dot("), "{log}");
    assert!(figure(&summary, "uploads confirmed") >= 1, "{log}");
    assert!(store_blobs(&store).len() > before.len(), "the uploads after the restart were stored");
    // The fleet profile the donor's deltas built survived the SIGKILL (reloaded from the store).
    let page = server.metrics_page().unwrap_or_default();
    let methods = page
        .lines()
        .find(|l| l.starts_with("jitfleet_fleet_profile_methods{application=\"app\""))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0);
    assert!(methods > 0.0, "{page}");

    // And the restarted server serves the code stored before the crash.
    let receiver = run(java_cmd()
        .args(JVMCI)
        .arg(agent_arg(&format!("mode=install,log=info,{}", net_options(&addr, &pki, "client"))))
        .args(["ShareLeaf", "20000", "3000"]));
    let rlog = stderr(&receiver);
    assert!(receiver.status.success(), "{rlog}");
    assert!(rlog.contains("installed ShareLeaf.mix(I)I"), "{rlog}");
}

/// A certificate from another CA: the server refuses the handshake and counts it; the JVM
/// prints what it prints without the agent and exits with its own status.
#[test]
fn a_client_with_an_unknown_certificate_is_refused_and_its_jvm_runs_normally() {
    let dir = scratch("fleet-badcert");
    let pki = make_pki(&dir);
    let strangers = make_pki(&dir.join("other"));
    let server = Server::start(&pki, &dir.join("store"), free_udp_port(), free_tcp_port(), &dir.join("server.log"));
    let vanilla = run(java_cmd().args(["FleetExit", "3000", "0"]));
    // Our CA (so the server is trusted), a stranger's client certificate.
    let options = format!(
        "server={},tls_ca={},tls_cert={},tls_key={},summary_interval=1",
        server.addr(),
        pki.join("ca.pem").display(),
        strangers.join("donor.pem").display(),
        strangers.join("donor-key.pem").display()
    );
    let o = run(java_cmd().args(JVMCI).arg(agent_arg(&format!(
        "mode=capture,cache_dir={},log=info,{options}",
        dir.join("cache").display()
    ))).args(["FleetExit", "3000", "0"]));
    let log = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{log}");
    assert_eq!(stdout(&o), stdout(&vanilla), "{log}");
    assert!(log.contains("refused this replica"), "{log}");
    assert!(last_summary(&log).contains("network summary: refused"), "{log}");
    assert!(server.metric("jitfleet_handshakes_refused_tls_total") >= 1.0);
    assert_eq!(server.metric("jitfleet_sessions_open"), 0.0);
    let server_log = std::fs::read_to_string(&server.log).unwrap();
    assert!(!server_log.contains("session started"), "{server_log}");
}

/// Waits (at most 60 s) until `log` holds `count` lines containing `text`.
fn wait_for_log(log: &Path, text: &str, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let content = std::fs::read_to_string(log).unwrap_or_default();
        if content.lines().filter(|l| l.contains(text)).count() >= count {
            return;
        }
        assert!(Instant::now() < deadline, "no {count} x {text:?} in {}: {content}", log.display());
        std::thread::sleep(Duration::from_millis(100));
    }
}
