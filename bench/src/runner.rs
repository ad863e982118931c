//! Runs one JVM: spawns the driver in a mode, reads its protocol lines (and, for the
//! service, drives wrk and fetches one response for the checksum), and returns a record.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::{BenchError, Result};
use crate::layout::Layout;
use crate::modes::{Launch, Phase};
use crate::protocol::DriverReport;
use crate::workloads::{Kind, Workload};
use crate::wrk::{self, SecondSample};

/// Main class of every driver.
const MAIN_CLASS: &str = "jitfleet.bench.Bench";
/// The request the service is loaded with (and whose body is the service's checksum).
pub const SERVICE_PATH: &str = "/catalog?category=7";

/// Everything measured in one JVM run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunRecord {
    pub workload: String,
    pub mode: String,
    /// 0-based round; training runs carry the round they preceded (0).
    pub round: u32,
    pub training: bool,
    /// Per-iteration wall time. For the service: nanoseconds per request in each second
    /// (10⁹ / throughput), so that the warm-up metrics apply unchanged.
    pub iteration_ns: Vec<u64>,
    /// The service's per-second load figures (empty for batch workloads).
    pub seconds: Vec<SecondSample>,
    pub checksum: String,
    /// From spawning `java` to the first statement of `main`.
    pub time_to_main_ms: f64,
    /// From spawning `java` to the service accepting requests.
    pub time_to_ready_ms: Option<f64>,
    /// From spawning `java` to its exit.
    pub process_wall_ms: f64,
    pub cpu_ms: f64,
    pub c1_cpu_ms: f64,
    pub c2_cpu_ms: f64,
    pub peak_rss_mb: f64,
    /// The jitfleet agent's capture / install summary lines from the run's stderr, if any.
    #[serde(default)]
    pub agent_summary: Option<String>,
    /// Microseconds of each method the agent installed (its `installed … in N us` lines).
    #[serde(default)]
    pub install_latencies_us: Vec<u64>,
}

impl RunRecord {
    pub fn jit_cpu_ms(&self) -> f64 {
        self.c1_cpu_ms + self.c2_cpu_ms
    }
}

/// One run to make.
pub struct RunSpec<'a> {
    pub workload: &'a Workload,
    pub mode_name: &'a str,
    pub launch: Launch,
    pub phase: Phase,
    pub iterations: u32,
    pub round: u32,
}

impl RunSpec<'_> {
    fn label(&self) -> String {
        let phase = if self.phase == Phase::Training { "-training" } else { "" };
        format!("r{}-{}-{}{}", self.round, self.workload.name, self.mode_name, phase)
    }
}

/// Runs one JVM to completion; stdout and stderr are kept in `bench/work/logs/`.
pub fn run(layout: &Layout, spec: &RunSpec) -> Result<RunRecord> {
    let label = spec.label();
    let logs = layout.logs_dir();
    std::fs::create_dir_all(&logs).map_err(BenchError::io(&logs))?;
    let stdout_log_path = logs.join(format!("{label}.stdout"));
    let stderr_log_path = logs.join(format!("{label}.stderr"));
    let mut stdout_log = File::create(&stdout_log_path).map_err(BenchError::io(&stdout_log_path))?;
    let stderr_log = File::create(&stderr_log_path).map_err(BenchError::io(&stderr_log_path))?;

    let mut command = Command::new(&spec.launch.java);
    command
        .args(&spec.launch.jvm_args)
        .arg("-cp")
        .arg(layout.run_classpath())
        .arg(MAIN_CLASS)
        .arg(spec.workload.name)
        .arg(spec.iterations.to_string())
        .args(spec.workload.driver_args(layout))
        .envs(spec.launch.env.iter().map(|(k, v)| (k, v)))
        .current_dir(&layout.work_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(stderr_log);

    let spawned_at_us = epoch_us();
    let started = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|source| BenchError::Spawn { program: spec.launch.java.display().to_string(), source })?;
    // Generous: a loaded 2-core machine can make an iteration take several seconds.
    let timeout_s = 120 + 10 * u64::from(spec.iterations);
    let deadline = started + Duration::from_secs(timeout_s);
    let lines = read_lines_in_background(&mut child, &label)?;
    let mut session = Session { label: label.clone(), lines, deadline, timeout_s, report: DriverReport::default(), stdout_log: &mut stdout_log };

    let outcome = drive(&mut child, &mut session, spec, started);
    if outcome.is_err() {
        // Best effort: the run already failed; a child that is gone cannot be killed twice.
        let _ = child.kill();
        let _ = child.wait();
    }
    let (seconds, service_checksum, time_to_ready_ms) = outcome?;
    let status = child.wait().map_err(BenchError::io(&spec.launch.java))?;
    let process_wall_ms = started.elapsed().as_secs_f64() * 1e3;
    if !status.success() {
        return Err(BenchError::ToolFailed {
            what: format!("run {label}"),
            status: status.to_string(),
            detail: tail(&stderr_log_path, 6),
        });
    }
    let report = session.report;
    if !report.problems.is_empty() {
        return Err(BenchError::Protocol { run: label, detail: report.problems.join("; ") });
    }
    let missing = |what: &str| BenchError::Protocol { run: label.clone(), detail: format!("no {what} line (see {})", stdout_log_path.display()) };
    let main_epoch_us = report.main_epoch_us.ok_or_else(|| missing("main_epoch_us"))?;
    let cpu_ns = report.cpu_ns.ok_or_else(|| missing("cpu_ns"))?;
    let checksum = match spec.workload.kind {
        Kind::Service => service_checksum.ok_or_else(|| missing("service response"))?,
        _ => report.checksum.clone().ok_or_else(|| missing("checksum"))?,
    };
    let iteration_ns = match spec.workload.kind {
        Kind::Service => seconds.iter().map(|s| (1e9 / s.requests_per_s.max(1e-9)).round() as u64).collect(),
        _ => report.iteration_ns.clone(),
    };
    if iteration_ns.len() != spec.iterations as usize {
        return Err(BenchError::Protocol { run: label, detail: format!("{} iterations reported, {} asked", iteration_ns.len(), spec.iterations) });
    }
    Ok(RunRecord {
        workload: spec.workload.name.to_string(),
        mode: spec.mode_name.to_string(),
        round: spec.round,
        training: spec.phase == Phase::Training,
        iteration_ns,
        seconds,
        checksum,
        time_to_main_ms: (main_epoch_us as f64 - spawned_at_us as f64) / 1e3,
        time_to_ready_ms,
        process_wall_ms,
        cpu_ms: cpu_ns as f64 / 1e6,
        c1_cpu_ms: report.c1_cpu_ns.unwrap_or(0) as f64 / 1e6,
        c2_cpu_ms: report.c2_cpu_ns.unwrap_or(0) as f64 / 1e6,
        peak_rss_mb: report.rss_hwm_kb.unwrap_or(-1) as f64 / 1024.0,
        agent_summary: agent_summary(&stderr_log_path),
        install_latencies_us: install_latencies_us(&stderr_log_path),
    })
}

/// The `N` of every `installed <method> (...) as nmethod 0x... in N us` line the agent logs.
fn install_latencies_us(stderr_log: &Path) -> Vec<u64> {
    let Ok(text) = std::fs::read_to_string(stderr_log) else { return Vec::new() };
    text.lines()
        .filter(|l| l.contains("jitfleet: info: installed "))
        .filter_map(|l| {
            let rest = &l[l.rfind(" in ")? + 4..];
            rest.strip_suffix(" us").or_else(|| rest.split(" us;").next()).and_then(|n| n.trim().parse().ok())
        })
        .collect()
}

/// The agent's `capture summary:` / `install summary:` lines (it logs them at `info`).
fn agent_summary(stderr_log: &Path) -> Option<String> {
    let text = std::fs::read_to_string(stderr_log).ok()?;
    let lines: Vec<&str> = text
        .lines()
        .filter_map(|l| ["capture summary:", "install summary:"].iter().find_map(|k| l.find(k).map(|i| &l[i..])))
        .collect();
    (!lines.is_empty()).then(|| lines.join("; "))
}

type Driven = (Vec<SecondSample>, Option<String>, Option<f64>);

/// Batch: read to the end. Service: wait for `ready`, load it second by second, fetch
/// the checksum response, then ask it to stop and read its exit figures.
fn drive(child: &mut Child, session: &mut Session, spec: &RunSpec, started: Instant) -> Result<Driven> {
    let stdin = child.stdin.take();
    if spec.workload.kind != Kind::Service {
        drop(stdin);
        session.pump(|_| false)?;
        return Ok((Vec::new(), None, None));
    }
    if !session.pump(|r| r.ready_port.is_some())? {
        return Err(BenchError::Protocol { run: session.label.clone(), detail: "service exited before it was ready".into() });
    }
    let time_to_ready_ms = started.elapsed().as_secs_f64() * 1e3;
    let port = session.report.ready_port.unwrap_or_default();
    let url = format!("http://127.0.0.1:{port}{SERVICE_PATH}");
    let mut seconds = Vec::new();
    for _ in 0..spec.iterations {
        seconds.push(wrk::one_second(&url)?);
    }
    let body = http_get_body(port, SERVICE_PATH).map_err(|e| BenchError::Protocol { run: session.label.clone(), detail: format!("checksum request failed: {e}") })?;
    stop_service(stdin, &session.label)?;
    session.pump(|_| false)?;
    Ok((seconds, Some(format!("{:016x}", fnv1a(&body))), Some(time_to_ready_ms)))
}

fn stop_service(stdin: Option<ChildStdin>, label: &str) -> Result<()> {
    let mut stdin = stdin.ok_or_else(|| BenchError::Protocol { run: label.to_string(), detail: "no stdin to stop the service".into() })?;
    stdin.write_all(b"stop\n").map_err(BenchError::io("service stdin"))?;
    Ok(())
}

/// Lines of a child's stdout, read by a helper thread so that the harness can time out.
struct Session<'a> {
    label: String,
    lines: Receiver<std::io::Result<String>>,
    deadline: Instant,
    timeout_s: u64,
    report: DriverReport,
    stdout_log: &'a mut File,
}

impl Session<'_> {
    /// Absorbs lines until `until` holds (true) or the output ends (false).
    fn pump(&mut self, until: impl Fn(&DriverReport) -> bool) -> Result<bool> {
        loop {
            if until(&self.report) {
                return Ok(true);
            }
            let remaining = self.deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(remaining) {
                Ok(Ok(line)) => {
                    writeln!(self.stdout_log, "{line}").map_err(BenchError::io("stdout log"))?;
                    self.report.absorb(&line).map_err(|detail| BenchError::Protocol { run: self.label.clone(), detail })?;
                }
                Ok(Err(e)) => return Err(BenchError::Io { path: format!("stdout of {}", self.label).into(), source: e }),
                Err(RecvTimeoutError::Disconnected) => return Ok(false),
                Err(RecvTimeoutError::Timeout) => {
                    return Err(BenchError::Timeout { run: self.label.clone(), seconds: self.timeout_s });
                }
            }
        }
    }
}

fn read_lines_in_background(child: &mut Child, label: &str) -> Result<Receiver<std::io::Result<String>>> {
    let stdout = child.stdout.take().ok_or_else(|| BenchError::Protocol { run: label.to_string(), detail: "no stdout pipe".into() })?;
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    Ok(receiver)
}

/// A plain HTTP/1.0 GET (the connection closes after the response): returns the body.
fn http_get_body(port: u16, path: &str) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(|| std::io::Error::other("no header end"))?;
    let status_ok = response.starts_with(b"HTTP/1.1 200") || response.starts_with(b"HTTP/1.0 200");
    if !status_ok {
        return Err(std::io::Error::other(String::from_utf8_lossy(&response[..split]).into_owned()));
    }
    Ok(response[split + 4..].to_vec())
}

/// 64-bit FNV-1a, the same function the Java drivers use.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100000001b3))
}

fn epoch_us() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as u64).unwrap_or(0)
}

/// The last `n` lines of a log, for error messages.
fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    format!("{} (log: {})", lines[lines.len().saturating_sub(n)..].join(" | "), path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_install_latencies_from_the_agent_log() {
        let path = std::env::temp_dir().join(format!("jf-bench-latency-{}.log", std::process::id()));
        std::fs::write(
            &path,
            "jitfleet: info: installed a/B.c()V (donor compile 1) as nmethod 0x7f in 54989 us; Method::_code is the installed nmethod\n\
             jitfleet: info: install: JVMCI runtime ready in 64 ms\n\
             jitfleet: info: installed a/B.d(I)I (donor compile 2) as nmethod 0x80 in 772 us; Method::_code is the installed nmethod\n",
        )
        .unwrap();
        assert_eq!(install_latencies_us(&path), vec![54989, 772]);
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x85944171f73967e8);
    }
}
