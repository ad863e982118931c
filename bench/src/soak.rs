//! `jitfleet-bench soak`: the correctness soak of installed code on real workloads. Per
//! workload: one vanilla JDK 17 run gives the reference checksum; one training run captures
//! C2 code into a cache directory; then N runs install that cache and must print the same
//! checksum, exit cleanly and leave no `hs_err` file. Every run of the soak (training
//! included) carries the deoptimisation storm (`tests/java/stress/`): every compiled frame of
//! every thread is deoptimised every `--storm-micros` and a young GC runs every 16th time, so
//! wrong debug information or oop maps in installed code show up as a different checksum or
//! a crash instead of staying latent. Not a timing benchmark: the storm dominates the time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{BenchError, Result};
use crate::layout::{Layout, JDK17_HOME};
use crate::modes::{Launch, Phase, COMMON_JVM_ARGS};
use crate::runner::{self, RunRecord, RunSpec};
use crate::workloads::Workload;

/// What the soak was asked to do.
pub struct SoakPlan<'a> {
    pub workloads: Vec<&'static Workload>,
    pub runs: u32,
    pub iterations: u32,
    pub storm_micros: u32,
    pub agent: &'a Path,
    pub storm_jar: PathBuf,
}

/// One install run's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct SoakRun {
    pub run: u32,
    /// `ok`, `checksum` (a different result), or `failed: <why>` (crash, non-zero exit, protocol).
    pub verdict: String,
    pub installed: Option<u64>,
    pub deoptimised_frames: Option<u64>,
    pub young_gcs: Option<u64>,
}

/// A workload's soak.
#[derive(Debug, Clone, Serialize)]
pub struct SoakWorkload {
    pub workload: String,
    pub reference_checksum: Option<String>,
    pub capture_summary: Option<String>,
    pub runs: Vec<SoakRun>,
    pub error: Option<String>,
}

impl SoakWorkload {
    fn count(&self, prefix: &str) -> usize {
        self.runs.iter().filter(|r| r.verdict.starts_with(prefix)).count()
    }
}

/// Storm and JVMCI flags shared by the training and the install runs (the compat key of the
/// captured code must match the install runs').
fn storm_args(plan: &SoakPlan) -> Vec<String> {
    let mut args: Vec<String> = COMMON_JVM_ARGS.iter().map(|s| s.to_string()).collect();
    args.extend([
        "-XX:+UnlockExperimentalVMOptions".to_string(),
        "-XX:+EnableJVMCI".to_string(),
        "-XX:+UnlockDiagnosticVMOptions".to_string(),
        "-XX:+WhiteBoxAPI".to_string(),
        // HotSpot names WhiteBox natives the storm does not declare on its tty: keep stdout clean.
        "-XX:+DisplayVMOutputToStderr".to_string(),
        format!("-javaagent:{}={}", plan.storm_jar.display(), plan.storm_micros),
        format!("-agentpath:{}", plan.agent.display()),
    ]);
    args
}

fn java17() -> PathBuf {
    Path::new(JDK17_HOME).join("bin/java")
}

/// Runs the soak; one entry per workload.
pub fn soak(layout: &Layout, plan: &SoakPlan) -> Vec<SoakWorkload> {
    let cache_root = layout.work_dir.join("archives/soak");
    let mut out = Vec::new();
    for workload in &plan.workloads {
        let mut result = SoakWorkload { workload: workload.name.to_string(), reference_checksum: None, capture_summary: None, runs: Vec::new(), error: None };
        let vanilla = Launch { java: java17(), jvm_args: COMMON_JVM_ARGS.iter().map(|s| s.to_string()).collect(), env: Vec::new() };
        let reference = run_one(layout, workload, "soak-vanilla", vanilla, Phase::Measured, plan.iterations, 0);
        let reference = match reference {
            Ok(r) => r.checksum,
            Err(e) => {
                result.error = Some(format!("vanilla run: {e}"));
                out.push(result);
                continue;
            }
        };
        result.reference_checksum = Some(reference.clone());
        let cache = cache_root.join(workload.name);
        // A cache of an older agent or driver jar would test the wrong code: start empty.
        let _ = std::fs::remove_dir_all(&cache);
        if let Err(e) = std::fs::create_dir_all(&cache) {
            result.error = Some(format!("cannot create {}: {e}", cache.display()));
            out.push(result);
            continue;
        }
        let launch = |mode: &str| Launch {
            java: java17(),
            jvm_args: storm_args(plan),
            env: vec![
                ("JITFLEET_MODE".to_string(), mode.to_string()),
                ("JITFLEET_CACHE_DIR".to_string(), cache.display().to_string()),
                ("JITFLEET_LOG".to_string(), "info".to_string()),
            ],
        };
        eprintln!("soak {}: training (capture under the storm)", workload.name);
        match run_one(layout, workload, "soak-capture", launch("capture"), Phase::Training, plan.iterations, 0) {
            Ok(r) if r.checksum == reference => result.capture_summary = r.agent_summary,
            Ok(r) => {
                result.error = Some(format!("the capturing run printed checksum {} instead of {reference}", r.checksum));
                out.push(result);
                continue;
            }
            Err(e) => {
                result.error = Some(format!("capture run: {e}"));
                out.push(result);
                continue;
            }
        }
        for run in 0..plan.runs {
            let record = run_one(layout, workload, "soak-install", launch("install"), Phase::Measured, plan.iterations, run);
            let stderr_log = layout.logs_dir().join(format!("r{run}-{}-soak-install.stderr", workload.name));
            let stderr = std::fs::read_to_string(&stderr_log).unwrap_or_default();
            let verdict = match &record {
                Ok(r) if r.checksum == reference => "ok".to_string(),
                Ok(r) => format!("checksum {} (log {})", r.checksum, stderr_log.display()),
                Err(e) => format!("failed: {e}"),
            };
            let (deoptimised_frames, young_gcs) = storm_counts(&stderr);
            let entry = SoakRun { run, verdict, installed: installed_count(&stderr), deoptimised_frames, young_gcs };
            eprintln!(
                "soak {} run {}/{}: {} (installed {:?}, {:?} frames deoptimised, {:?} young GCs)",
                workload.name,
                run + 1,
                plan.runs,
                entry.verdict,
                entry.installed,
                entry.deoptimised_frames,
                entry.young_gcs
            );
            result.runs.push(entry);
        }
        out.push(result);
    }
    out
}

fn run_one(layout: &Layout, workload: &Workload, mode: &str, launch: Launch, phase: Phase, iterations: u32, round: u32) -> Result<RunRecord> {
    let spec = RunSpec { workload, mode_name: mode, launch, phase, iterations, round };
    let record = runner::run(layout, &spec)?;
    // A JVM that crashed late may still have printed everything: look for its error file.
    let hs_err: Vec<_> = std::fs::read_dir(&layout.work_dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("hs_err"))).collect())
        .unwrap_or_default();
    if let Some(file) = hs_err.first() {
        let moved = layout.logs_dir().join(format!("r{round}-{}-{mode}.hs_err.log", workload.name));
        let _ = std::fs::rename(file, &moved);
        return Err(BenchError::Protocol { run: format!("{mode} {}", workload.name), detail: format!("JVM crash report {}", moved.display()) });
    }
    Ok(record)
}

/// `installed=N` of the agent's install summary line.
fn installed_count(stderr: &str) -> Option<u64> {
    let line = stderr.lines().find(|l| l.contains("install summary:"))?;
    line.split_whitespace().find_map(|w| w.strip_prefix("installed=")).and_then(|n| n.parse().ok())
}

/// The storm's `storm: R rounds, F frames deoptimised, G young GCs` line.
fn storm_counts(stderr: &str) -> (Option<u64>, Option<u64>) {
    let Some(line) = stderr.lines().find(|l| l.starts_with("storm: ")) else { return (None, None) };
    let words: Vec<&str> = line.split_whitespace().collect();
    let before = |label: &str| words.iter().position(|w| w.starts_with(label)).and_then(|i| i.checked_sub(1)).and_then(|i| words[i].parse().ok());
    (before("frames"), before("young"))
}

/// The markdown report.
pub fn report(results: &[SoakWorkload], command: &str) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Soak: installed code under a deoptimisation storm\n");
    let _ = writeln!(md, "Command: `{command}`\n");
    let _ = writeln!(md, "| workload | runs | identical | different result | failed | installed (median) | frames deoptimised (median) | young GCs (median) |");
    let _ = writeln!(md, "|---|---|---|---|---|---|---|---|");
    for w in results {
        if let Some(e) = &w.error {
            let _ = writeln!(md, "| {} | – | – | – | – | – | – | – ({e}) |", w.workload);
            continue;
        }
        let median = |f: &dyn Fn(&SoakRun) -> Option<u64>| {
            let mut v: Vec<u64> = w.runs.iter().filter_map(f).collect();
            v.sort_unstable();
            v.get(v.len() / 2).map_or("–".to_string(), |m| m.to_string())
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            w.workload,
            w.runs.len(),
            w.count("ok"),
            w.count("checksum"),
            w.count("failed"),
            median(&|r| r.installed),
            median(&|r| r.deoptimised_frames),
            median(&|r| r.young_gcs)
        );
    }
    let _ = writeln!(md, "\nCapture summaries (training run, under the storm):\n");
    for w in results {
        let _ = writeln!(md, "- {}: {}", w.workload, w.capture_summary.as_deref().unwrap_or("–"));
    }
    let bad: Vec<String> = results.iter().flat_map(|w| w.runs.iter().filter(|r| r.verdict != "ok").map(move |r| format!("- {} run {}: {}", w.workload, r.run, r.verdict))).collect();
    if !bad.is_empty() {
        let _ = writeln!(md, "\nRuns that were not identical:\n\n{}", bad.join("\n"));
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_agent_and_storm_lines() {
        let stderr = "jitfleet: info: install summary: found=35 installed=33 still_installed_at_exit=31\nstorm: 5058 rounds, 15883 frames deoptimised, 316 young GCs\n";
        assert_eq!(installed_count(stderr), Some(33));
        assert_eq!(storm_counts(stderr), (Some(15883), Some(316)));
        assert_eq!(installed_count("nothing"), None);
        assert_eq!(storm_counts("storm: broken"), (None, None));
    }
}
