//! The server binary as a child process, for tests that need a real `kill -9` or a server
//! whose CPU time is measured apart from the clients'.

use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use jitfleet_server::http::fetch;

use super::TestPki;

/// The binary under test.
pub const BINARY: &str = env!("CARGO_BIN_EXE_jitfleet-server");

/// A free UDP port and a free TCP port on loopback (released just before use: a tiny race
/// that other tests on this machine are unlikely to lose against).
pub fn free_ports() -> (SocketAddr, SocketAddr) {
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let tcp = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    (udp, tcp)
}

pub struct ServerProcess {
    pub child: Child,
    pub quic: SocketAddr,
    pub metrics: SocketAddr,
}

impl ServerProcess {
    pub fn spawn(pki: &TestPki, store: &Path, extra_args: &[&str]) -> Self {
        let (quic, metrics) = free_ports();
        let child = Command::new(BINARY)
            .args(["serve", "--listen", &quic.to_string(), "--metrics", &metrics.to_string()])
            .arg("--cert")
            .arg(&pki.pki.server.cert)
            .arg("--key")
            .arg(&pki.pki.server.key)
            .arg("--ca")
            .arg(&pki.pki.ca.cert)
            .arg("--store")
            .arg(store)
            // Flush profiles every second unless the test chooses.
            .args(if extra_args.contains(&"--flush-seconds") { &[][..] } else { &["--flush-seconds", "1"][..] })
            .args(extra_args)
            .env("JITFLEET_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("server binary starts");
        let mut server = Self { child, quic, metrics };
        let deadline = Instant::now() + Duration::from_secs(20);
        while fetch(&server.url("/healthz"), Duration::from_secs(1)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("server exited during start-up with {status} (its stderr is above)");
            }
            assert!(Instant::now() < deadline, "server did not come up within 20 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.metrics)
    }

    /// CPU time (user + system) the server process has used, from `/proc/<pid>/stat`.
    pub fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).expect("/proc stat of the server");
        // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
        let rest = &stat[stat.rfind(')').expect("stat format") + 2..];
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
        ticks / clock_ticks_per_second()
    }

    /// SIGTERM, then waits for the exit; returns whether the server exited successfully.
    pub fn terminate(mut self) -> bool {
        let sent = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status().expect("kill runs");
        assert!(sent.success());
        self.child.wait().expect("server exits").success()
    }

    /// SIGKILL: no shutdown path runs.
    pub fn kill_9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|output| String::from_utf8_lossy(&output.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}
