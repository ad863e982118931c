//! `capture-survey`: how much of real workloads' C2 code the capture side decodes and
//! captures, and whether capturing ever harms the JVM. Each workload runs once without the
//! agent (the reference checksum) and then N times in `mode=capture`, each capture run with a
//! fresh cache directory, interleaved across workloads. Per workload it reports the C2
//! nmethods the agent saw (its `index.jsonl`), how many decoded without error, captured,
//! refused by reason (counts and weighted by heat: invocations + back-edges when C2 compiled
//! the method), OSR compilations, scope disagreements with JVMTI, relocation self-check
//! violations, and JVM crashes, other failed runs and checksum mismatches against vanilla.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::agent::Agent;
use crate::error::{BenchError, Result};
use crate::layout::Layout;
use crate::modes::{Jdk, Launch, Phase, COMMON_JVM_ARGS};
use crate::runner::{self, RunSpec};
use crate::workloads::Workload;

/// Workloads of the survey: real applications from Debian's Java packages.
pub const SURVEY_WORKLOADS: &[&str] = &["h2", "xalan", "lucene", "javac"];

/// What to run.
pub struct SurveyPlan {
    pub workloads: Vec<&'static Workload>,
    pub runs: u32,
    pub iterations: u32,
    pub agent: Agent,
}

/// What one index line says (the fields the survey needs; see agent/src/capture/store.rs).
#[derive(Debug, Clone, Deserialize)]
struct IndexLine {
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    refused: Option<String>,
    #[serde(default)]
    decoded: bool,
    #[serde(default)]
    osr: bool,
    #[serde(default)]
    invocations: u64,
    #[serde(default)]
    backedges: u64,
    #[serde(default)]
    scope_disagreement: Option<String>,
    #[serde(default)]
    reloc_checked: u64,
    #[serde(default)]
    reloc_violations: u64,
}

/// One capture run's outcome.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RunTally {
    pub run: u32,
    /// `None` when the run completed; else crash / failed / timeout with the error.
    pub failure: Option<(String, String)>,
    pub checksum: Option<String>,
    pub nmethods: u64,
    pub decoded: u64,
    pub captured: u64,
    pub osr: u64,
    pub heat: u64,
    pub captured_heat: u64,
    pub scope_disagreements: u64,
    pub reloc_checked: u64,
    pub reloc_violations: u64,
    pub methods_with_reloc_violations: u64,
    /// Refusal name → (count, heat).
    pub refused: BTreeMap<String, (u64, u64)>,
    /// Lines that did not parse.
    pub bad_lines: u64,
}

/// Everything the survey measured, per workload.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WorkloadSurvey {
    pub workload: String,
    pub vanilla_checksum: Option<String>,
    pub vanilla_error: Option<String>,
    pub runs: Vec<RunTally>,
}

/// The survey's raw results.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Survey {
    pub date: String,
    pub command: String,
    pub iterations: u32,
    pub runs: u32,
    pub agent: String,
    pub workloads: Vec<WorkloadSurvey>,
}

/// Reads one run's `index.jsonl` into a tally (missing file: no nmethods).
fn tally_index(path: &Path, tally: &mut RunTally) {
    let Ok(text) = std::fs::read_to_string(path) else { return };
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(l) = serde_json::from_str::<IndexLine>(line) else {
            tally.bad_lines += 1;
            continue;
        };
        let heat = l.invocations.saturating_add(l.backedges);
        tally.nmethods += 1;
        tally.heat += heat;
        tally.decoded += u64::from(l.decoded);
        tally.osr += u64::from(l.osr);
        tally.scope_disagreements += u64::from(l.scope_disagreement.is_some());
        tally.reloc_checked += l.reloc_checked;
        tally.reloc_violations += l.reloc_violations;
        tally.methods_with_reloc_violations += u64::from(l.reloc_violations > 0);
        match (&l.file, &l.refused) {
            (Some(_), _) => {
                tally.captured += 1;
                tally.captured_heat += heat;
            }
            (None, Some(reason)) => {
                let e = tally.refused.entry(reason.clone()).or_default();
                e.0 += 1;
                e.1 += heat;
            }
            (None, None) => tally.bad_lines += 1,
        }
    }
}

/// A failed run, classified: a JVM crash (fatal signal or HotSpot's abort exit code 134), a
/// timeout, or another failure (non-zero exit, bad driver output).
fn classify(e: &BenchError) -> (String, String) {
    let kind = match e {
        BenchError::ToolFailed { status, .. } if status.contains("signal") || status.contains("134") => "crash",
        BenchError::Timeout { .. } => "timeout",
        _ => "failed",
    };
    (kind.to_string(), e.to_string())
}

fn launch(agent: Option<(&Path, &Path)>) -> Launch {
    let mut jvm_args: Vec<String> = COMMON_JVM_ARGS.iter().map(|s| s.to_string()).collect();
    let mut env = Vec::new();
    if let Some((library, cache)) = agent {
        // As the offline mode's training run: JVMCI on (part of the compat key a receiver
        // must match), capture to a fresh directory, the summary line in the run's log.
        jvm_args.extend(["-XX:+UnlockExperimentalVMOptions".to_string(), "-XX:+EnableJVMCI".to_string()]);
        jvm_args.push(format!("-agentpath:{}", library.display()));
        env.push(("JITFLEET_MODE".to_string(), "capture".to_string()));
        env.push(("JITFLEET_CACHE_DIR".to_string(), cache.display().to_string()));
        env.push(("JITFLEET_LOG".to_string(), "info".to_string()));
    }
    Launch { java: Jdk::Jdk17.java(), jvm_args, env }
}

/// Runs the survey. Individual run failures are recorded, not fatal.
pub fn execute(layout: &Layout, plan: &SurveyPlan, date: String, command: String) -> Result<Survey> {
    let cache_root = layout.work_dir.join("capture-survey");
    let _ = std::fs::remove_dir_all(&cache_root);
    std::fs::create_dir_all(&cache_root).map_err(BenchError::io(&cache_root))?;
    let mut surveys: Vec<WorkloadSurvey> = Vec::new();
    for w in &plan.workloads {
        let spec = RunSpec { workload: w, mode_name: "survey-vanilla", launch: launch(None), phase: Phase::Measured, iterations: plan.iterations, round: 0 };
        eprintln!("capture-survey: {} vanilla", w.name);
        let (vanilla_checksum, vanilla_error) = match runner::run(layout, &spec) {
            Ok(r) => (Some(r.checksum), None),
            Err(e) => (None, Some(e.to_string())),
        };
        surveys.push(WorkloadSurvey { workload: w.name.to_string(), vanilla_checksum, vanilla_error, runs: Vec::new() });
    }
    for run in 0..plan.runs {
        for (w, survey) in plan.workloads.iter().zip(surveys.iter_mut()) {
            let cache: PathBuf = cache_root.join(format!("{}-{run}", w.name));
            let spec = RunSpec {
                workload: w,
                mode_name: "survey-capture",
                launch: launch(Some((&plan.agent.library, &cache))),
                phase: Phase::Measured,
                iterations: plan.iterations,
                round: run,
            };
            let mut tally = RunTally { run, ..Default::default() };
            match runner::run(layout, &spec) {
                Ok(r) => tally.checksum = Some(r.checksum),
                Err(e) => tally.failure = Some(classify(&e)),
            }
            tally_index(&cache.join("index.jsonl"), &mut tally);
            eprintln!(
                "capture-survey: run {run} {}: {} nmethods, {} decoded, {} captured{}",
                w.name,
                tally.nmethods,
                tally.decoded,
                tally.captured,
                tally.failure.as_ref().map(|(k, e)| format!(", {k}: {e}")).unwrap_or_default()
            );
            survey.runs.push(tally);
            // Portable files are not needed after the tally; keep the index and the disk small.
            remove_portable_files(&cache);
        }
    }
    Ok(Survey { date, command, iterations: plan.iterations, runs: plan.runs, agent: plan.agent.library.display().to_string(), workloads: surveys })
}

fn remove_portable_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for p in entries.flatten().map(|e| e.path()) {
        if p.extension().is_some_and(|e| e == "jfnm") {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "-".to_string()
    } else {
        format!("{:.1}%", 100.0 * part as f64 / whole as f64)
    }
}

/// The survey as a markdown page.
pub fn markdown(s: &Survey) -> String {
    let mut out = String::new();
    out.push_str(&format!("# Capture survey, {}\n\n", s.date));
    out.push_str(&format!(
        "`{}` — {} capture runs per workload ({} iterations each, JDK 17, `-XX:+EnableJVMCI`, `JITFLEET_MODE=capture`, a fresh cache directory per run), interleaved; one vanilla run per workload gives the reference checksum. Agent: `{}`.\n\n",
        s.command, s.runs, s.iterations, s.agent
    ));
    out.push_str("Heat = invocations + back-edges of the method when C2 compiled it (HotSpot's counters; C2 code counts nothing afterwards). Counts are summed over all runs.\n\n");
    out.push_str("| workload | runs ok | crashes | other failures | checksum mismatches | C2 nmethods | decoded | captured | captured (heat) | OSR | scope disagreements | relocations checked | relocation violations (methods) |\n");
    out.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for w in &s.workloads {
        let t = total(&w.runs);
        let ok = w.runs.iter().filter(|r| r.failure.is_none()).count();
        let crashes = w.runs.iter().filter(|r| r.failure.as_ref().is_some_and(|(k, _)| k == "crash")).count();
        let others = w.runs.iter().filter(|r| r.failure.as_ref().is_some_and(|(k, _)| k != "crash")).count();
        let mismatches = w.runs.iter().filter(|r| r.checksum.is_some() && r.checksum != w.vanilla_checksum).count();
        out.push_str(&format!(
            "| {} | {ok}/{} | {crashes} | {others} | {mismatches} | {} ({:.0}/run) | {} ({}) | {} ({}) | {} | {} | {} | {} | {} ({}) |\n",
            w.workload,
            w.runs.len(),
            t.nmethods,
            t.nmethods as f64 / w.runs.len().max(1) as f64,
            t.decoded,
            pct(t.decoded, t.nmethods),
            t.captured,
            pct(t.captured, t.nmethods),
            pct(t.captured_heat, t.heat),
            t.osr,
            t.scope_disagreements,
            t.reloc_checked,
            t.reloc_violations,
            t.methods_with_reloc_violations,
        ));
    }
    out.push_str("\n## Refusal reasons (count, share of nmethods, share of heat)\n\n");
    for w in &s.workloads {
        let t = total(&w.runs);
        out.push_str(&format!("**{}** ({} nmethods, {} refused):\n\n", w.workload, t.nmethods, t.nmethods - t.captured));
        let mut reasons: Vec<_> = t.refused.iter().collect();
        reasons.sort_by_key(|r| std::cmp::Reverse(r.1 .0));
        for (reason, (count, heat)) in reasons {
            out.push_str(&format!("- `{reason}`: {count} ({}, heat {})\n", pct(*count, t.nmethods), pct(*heat, t.heat)));
        }
        out.push('\n');
    }
    let problems: Vec<String> = s
        .workloads
        .iter()
        .flat_map(|w| {
            let vanilla = w.vanilla_error.iter().map(move |e| format!("- {} vanilla: {e}", w.workload));
            let runs = w.runs.iter().filter_map(move |r| r.failure.as_ref().map(|(k, e)| format!("- {} run {}: {k}: {e}", w.workload, r.run)));
            vanilla.chain(runs)
        })
        .collect();
    out.push_str("## Failed runs\n\n");
    if problems.is_empty() {
        out.push_str("None.\n");
    } else {
        out.push_str(&problems.join("\n"));
        out.push('\n');
    }
    out
}

/// The sum of a workload's runs.
fn total(runs: &[RunTally]) -> RunTally {
    let mut t = RunTally::default();
    for r in runs {
        t.nmethods += r.nmethods;
        t.decoded += r.decoded;
        t.captured += r.captured;
        t.osr += r.osr;
        t.heat += r.heat;
        t.captured_heat += r.captured_heat;
        t.scope_disagreements += r.scope_disagreements;
        t.reloc_checked += r.reloc_checked;
        t.reloc_violations += r.reloc_violations;
        t.methods_with_reloc_violations += r.methods_with_reloc_violations;
        t.bad_lines += r.bad_lines;
        for (k, (c, h)) in &r.refused {
            let e = t.refused.entry(k.clone()).or_default();
            e.0 += c;
            e.1 += h;
        }
    }
    t
}

/// Whether the issue's bar is met: every workload ≥ 90% decoded, no crash, no checksum
/// mismatch, no scope disagreement, no relocation violation.
pub fn problems(s: &Survey) -> Vec<String> {
    let mut out = Vec::new();
    for w in &s.workloads {
        let t = total(&w.runs);
        if t.nmethods == 0 || t.decoded * 10 < t.nmethods * 9 {
            out.push(format!("{}: {} of {} nmethods decoded", w.workload, t.decoded, t.nmethods));
        }
        for r in &w.runs {
            if let Some((kind, e)) = &r.failure {
                out.push(format!("{} run {}: {kind}: {e}", w.workload, r.run));
            }
            if r.checksum.is_some() && r.checksum != w.vanilla_checksum {
                out.push(format!("{} run {}: checksum {:?} differs from vanilla {:?}", w.workload, r.run, r.checksum, w.vanilla_checksum));
            }
        }
        if t.scope_disagreements > 0 || t.reloc_violations > 0 {
            out.push(format!("{}: {} scope disagreements, {} relocation violations", w.workload, t.scope_disagreements, t.reloc_violations));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_lines_are_tallied_with_heat() {
        let dir = std::env::temp_dir().join(format!("survey-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let index = dir.join("index.jsonl");
        std::fs::write(
            &index,
            concat!(
                r#"{"method":"A.a()V","file":"x.jfnm","decoded":true,"invocations":90,"backedges":10,"reloc_checked":3,"reloc_violations":0}"#,
                "\n",
                r#"{"method":"A.b()V","refused":"osr","decoded":true,"osr":true,"invocations":1,"backedges":99,"reloc_checked":2,"reloc_violations":1}"#,
                "\n",
                r#"{"method":"A.c()V","refused":"undecodable","decoded":false,"scope_disagreement":"x"}"#,
                "\n",
                "not json\n",
            ),
        )
        .unwrap();
        let mut t = RunTally::default();
        tally_index(&index, &mut t);
        assert_eq!((t.nmethods, t.decoded, t.captured, t.osr, t.heat, t.captured_heat), (3, 2, 1, 1, 200, 100));
        assert_eq!((t.scope_disagreements, t.reloc_checked, t.reloc_violations, t.methods_with_reloc_violations, t.bad_lines), (1, 5, 1, 1, 1));
        assert_eq!(t.refused.get("osr"), Some(&(1, 100)));
        let survey = Survey {
            date: "d".into(),
            command: "c".into(),
            iterations: 1,
            runs: 1,
            agent: "a".into(),
            workloads: vec![WorkloadSurvey { workload: "h2".into(), vanilla_checksum: Some("1".into()), vanilla_error: None, runs: vec![t] }],
        };
        let page = markdown(&survey);
        assert!(page.contains("| h2 | 1/1 | 0 | 0 | 0 | 3 (3/run) | 2 (66.7%) | 1 (33.3%) | 50.0% |"), "{page}");
        assert!(page.contains("- `osr`: 1 (33.3%, heat 50.0%)"), "{page}");
        assert!(!problems(&survey).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
