//! `jitfleet-server` as a child process on free loopback ports, for the `server-load`
//! subcommand and the `jdk17-jitfleet-server` mode: its CPU time is its own, and it is killed
//! when dropped.

use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use jitfleet_server::http::fetch;
use jitfleet_transport::certs::DevPki;

/// Builds `<repo>/target/release/jitfleet-server` (unless told not to) and returns its path.
pub fn release_binary(repo_root: &Path, build: bool) -> Result<PathBuf, String> {
    if build {
        eprintln!("building the server: cargo build --release -p jitfleet-server (in {})", repo_root.display());
        let status = Command::new("cargo")
            .args(["build", "--release", "-q", "-p", "jitfleet-server"])
            .current_dir(repo_root)
            .env_remove("CARGO_TARGET_DIR")
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("cargo build -p jitfleet-server failed with {status}"));
        }
    }
    let binary = repo_root.join("target/release/jitfleet-server");
    if binary.exists() {
        Ok(binary)
    } else {
        Err(format!("{} does not exist", binary.display()))
    }
}

/// `jitfleet-server serve` as a child process on free loopback ports, killed on drop.
pub struct ServerProcess {
    child: Child,
    /// Where replicas connect.
    pub quic: SocketAddr,
    /// Where `/metrics` is served.
    pub metrics: SocketAddr,
}

impl ServerProcess {
    pub fn spawn(binary: &Path, pki: &DevPki, store: &Path) -> Result<ServerProcess, String> {
        let quic = UdpSocket::bind("127.0.0.1:0").and_then(|s| s.local_addr()).map_err(|e| e.to_string())?;
        let metrics = TcpListener::bind("127.0.0.1:0").and_then(|s| s.local_addr()).map_err(|e| e.to_string())?;
        let child = Command::new(binary)
            .args(["serve", "--listen", &quic.to_string(), "--metrics", &metrics.to_string(), "--flush-seconds", "1"])
            .arg("--cert")
            .arg(&pki.server.cert)
            .arg("--key")
            .arg(&pki.server.key)
            .arg("--ca")
            .arg(&pki.ca.cert)
            .arg("--store")
            .arg(store)
            .env("JITFLEET_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let mut server = ServerProcess { child, quic, metrics };
        let deadline = Instant::now() + Duration::from_secs(20);
        while fetch(&server.url("/healthz"), Duration::from_secs(1)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!("the server exited during start-up with {status}"));
            }
            if Instant::now() > deadline {
                return Err("the server did not come up within 20 s".to_string());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(server)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.metrics)
    }

    /// User + system CPU seconds of the server process (`/proc/<pid>/stat`, fields 14 and 15).
    pub fn cpu_seconds(&self) -> f64 {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())) else { return f64::NAN };
        let Some(close) = stat.rfind(')') else { return f64::NAN };
        let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
        let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(f64::NAN);
        (ticks(11) + ticks(12)) / clock_ticks_per_second()
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
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}
