//! A campaign: training runs for the modes that need them, then interleaved rounds in
//! which every (workload, mode) runs once, the mode order rotated each round so that no
//! mode always runs first (or last) on a machine whose load drifts.

use std::path::Path;
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::agent::Agent;
use crate::layout::Layout;
use crate::fleet_server::ServerProcess;
use crate::modes::{Addition, Mode, Phase, ServerAccess};
use jitfleet_transport::certs::{init_dev_pki, DevPkiOptions};
use jitfleet_transport::wire::Role;
use crate::runner::{self, RunRecord, RunSpec};
use crate::workloads::{Kind, Profile, Workload};

/// What to run.
pub struct Plan {
    pub profile: Profile,
    pub rounds: u32,
    pub workloads: Vec<&'static Workload>,
    pub modes: Vec<&'static Mode>,
    /// Runs of the `startup` workload per mode and round: it takes well under a second and
    /// its figures are the noisiest, so it gets more samples.
    pub startup_repeats: u32,
    /// Timed iterations (service: seconds) of measured batch and service runs, instead of
    /// the profile's.
    pub iterations: Option<u32>,
    /// Iterations of every training run (class archives, AOT caches, jitfleet captures),
    /// instead of the profile's.
    pub training_iterations: Option<u32>,
    /// The agent for the jitfleet modes, or why it is unavailable.
    pub agent: Result<Agent, String>,
}

/// A mode left out, with the reason shown in the report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Skipped {
    pub mode: String,
    pub reason: String,
}

/// A run that failed; the campaign goes on without it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Failure {
    pub workload: String,
    pub mode: String,
    pub round: u32,
    pub training: bool,
    pub error: String,
}

/// Facts about the run that a reader needs to judge the numbers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    pub date: String,
    pub profile: Profile,
    pub rounds: u32,
    pub command: String,
    /// `java -version` of each JDK used, by mode.
    pub jdk_builds: Vec<(String, String)>,
    pub machine: String,
    pub agent: Option<String>,
}

/// Everything a campaign produced: the raw material of the tables and plots.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Results {
    pub meta: Meta,
    pub workloads: Vec<String>,
    pub modes: Vec<String>,
    pub records: Vec<RunRecord>,
    pub skipped: Vec<Skipped>,
    pub failures: Vec<Failure>,
}

/// Runs the plan; individual failures are recorded, not fatal.
pub fn execute(layout: &Layout, plan: &Plan, date: String, command: String) -> Results {
    let machine = machine_summary();
    let mut skipped = Vec::new();
    let mut active: Vec<&'static Mode> = Vec::new();
    for mode in &plan.modes {
        match unavailable_because(mode, &plan.agent) {
            Some(reason) => {
                eprintln!("skipping mode {}: {reason}", mode.name);
                skipped.push(Skipped { mode: mode.name.to_string(), reason });
            }
            None => active.push(mode),
        }
    }
    let agent_library = plan.agent.as_ref().ok().map(|a| a.library.clone());
    let archives = layout.work_dir.join("archives");
    // The server mode's jitfleet-server, alive for the whole campaign (killed on drop).
    let mut fleet = None;
    if active.iter().any(|m| m.uses_server()) {
        match start_fleet_server(layout, &archives) {
            Ok(started) => fleet = Some(started),
            Err(reason) => {
                eprintln!("skipping mode jdk17-jitfleet-server: {reason}");
                active.retain(|m| {
                    if m.uses_server() {
                        skipped.push(Skipped { mode: m.name.to_string(), reason: reason.clone() });
                    }
                    !m.uses_server()
                });
            }
        }
    }
    let server_access = fleet.as_ref().map(|(_, access)| access.clone());
    let mut records = Vec::new();
    let mut failures = Vec::new();
    // (mode, workload) pairs whose training failed are not measured.
    let mut blocked: Vec<(&str, &str)> = Vec::new();

    for mode in active.iter().filter(|m| m.needs_training()) {
        for workload in &plan.workloads {
            if let Some(old) = mode.archive(&archives, workload.name) {
                // A stale archive from an older driver jar would be rejected or, worse, used.
                // Best effort: a missing file or directory is what we want anyway.
                let _ = std::fs::remove_file(&old);
                let _ = std::fs::remove_dir_all(&old);
                let dir = if matches!(mode.addition, Addition::JitfleetOffline | Addition::JitfleetServer) { Some(old.as_path()) } else { old.parent() };
                if let Some(dir) = dir {
                    let _ = std::fs::create_dir_all(dir);
                }
            }
            let spec = RunSpec {
                workload,
                mode_name: mode.name,
                launch: mode.launch(Phase::Training, &archives, workload.name, agent_library.as_deref(), server_access.as_ref()),
                phase: Phase::Training,
                iterations: match (plan.training_iterations, workload.kind) {
                    (Some(n), Kind::Batch | Kind::Service) => n,
                    _ => plan.profile.training_iterations(workload.kind),
                },
                round: 0,
            };
            eprintln!("training {} for {}", mode.name, workload.name);
            let result = runner::run(layout, &spec).and_then(|record| {
                let archive = mode.archive(&archives, workload.name).unwrap_or_default();
                if archive.exists() {
                    Ok(record)
                } else {
                    Err(crate::error::BenchError::Missing { path: archive, hint: "the training run wrote no archive (see its stderr log)" })
                }
            });
            match result {
                Ok(record) => records.push(record),
                Err(e) => {
                    eprintln!("  training failed: {e}");
                    failures.push(Failure { workload: workload.name.into(), mode: mode.name.into(), round: 0, training: true, error: e.to_string() });
                    blocked.push((mode.name, workload.name));
                }
            }
        }
    }

    for round in 0..plan.rounds {
        let mut order = active.clone();
        if !order.is_empty() {
            let shift = round as usize % order.len();
            order.rotate_left(shift);
        }
        for workload in &plan.workloads {
            let repeats = if workload.kind == Kind::Startup { plan.startup_repeats.max(1) } else { 1 };
            let interleaved = (0..repeats).flat_map(|_| order.iter());
            for mode in interleaved {
                if blocked.contains(&(mode.name, workload.name)) {
                    continue;
                }
                let spec = RunSpec {
                    workload,
                    mode_name: mode.name,
                    launch: mode.launch(Phase::Measured, &archives, workload.name, agent_library.as_deref(), server_access.as_ref()),
                    phase: Phase::Measured,
                    iterations: match (plan.iterations, workload.kind) {
                        (Some(n), Kind::Batch | Kind::Service) => n,
                        _ => plan.profile.iterations(workload.kind),
                    },
                    round,
                };
                match runner::run(layout, &spec) {
                    Ok(record) => {
                        eprintln!(
                            "[round {}/{}] {:8} {:24} first {:8.1} ms  last {:8.1} ms  main at {:6.1} ms  wall {:6.1} s",
                            round + 1,
                            plan.rounds,
                            workload.name,
                            mode.name,
                            record.iteration_ns.first().copied().unwrap_or(0) as f64 / 1e6,
                            record.iteration_ns.last().copied().unwrap_or(0) as f64 / 1e6,
                            record.time_to_main_ms,
                            record.process_wall_ms / 1e3
                        );
                        records.push(record);
                    }
                    Err(e) => {
                        eprintln!("[round {}/{}] {} {} FAILED: {e}", round + 1, plan.rounds, workload.name, mode.name);
                        failures.push(Failure { workload: workload.name.into(), mode: mode.name.into(), round, training: false, error: e.to_string() });
                    }
                }
            }
        }
    }

    let meta = Meta {
        date,
        profile: plan.profile,
        rounds: plan.rounds,
        command,
        jdk_builds: active.iter().map(|m| (m.name.to_string(), java_version(&m.jdk.java()))).collect(),
        machine,
        agent: plan.agent.as_ref().ok().map(|a| format!("{} (probe: {})", a.library.display(), a.probe_output)),
    };
    Results {
        meta,
        workloads: plan.workloads.iter().map(|w| w.name.to_string()).collect(),
        modes: active.iter().map(|m| m.name.to_string()).collect(),
        records,
        skipped,
        failures,
    }
}

/// Starts the server mode's `jitfleet-server` on loopback over a fresh store, with a fresh
/// development PKI (the training runs fill the store; measured runs only read it).
fn start_fleet_server(layout: &Layout, archives: &Path) -> Result<(ServerProcess, ServerAccess), String> {
    let binary = crate::fleet_server::release_binary(&layout.repo_root, true)?;
    let dir = archives.join("jdk17-jitfleet-server-service");
    let _ = std::fs::remove_dir_all(&dir);
    let options = DevPkiOptions {
        clients: vec![("donor".into(), Role::Donor), ("client".into(), Role::Receiver)],
        ..DevPkiOptions::default()
    };
    let pki = init_dev_pki(&dir.join("pki"), &options).map_err(|e| format!("cannot make the PKI: {e}"))?;
    let server = ServerProcess::spawn(&binary, &pki, &dir.join("store"))?;
    eprintln!("jitfleet-server for jdk17-jitfleet-server listening on {}", server.quic);
    let access = ServerAccess { address: server.quic.to_string(), pki: dir.join("pki") };
    Ok((server, access))
}

fn unavailable_because(mode: &Mode, agent: &Result<Agent, String>) -> Option<String> {
    if !mode.jdk.java().exists() {
        return Some(format!("{} not found", mode.jdk.java().display()));
    }
    if mode.uses_agent() {
        if let Err(reason) = agent {
            return Some(reason.clone());
        }
    }
    None
}

/// `java -version` (stderr) as one line.
pub fn java_version(java: &Path) -> String {
    match Command::new(java).arg("-version").output() {
        Ok(out) => String::from_utf8_lossy(&out.stderr).lines().map(str::trim).collect::<Vec<_>>().join(" / "),
        Err(e) => format!("cannot run {}: {e}", java.display()),
    }
}

fn machine_summary() -> String {
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| t.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string()))
        .unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    format!("{cpus} CPUs ({model}), load average at start {}", load.join(" "))
}
