//! Markdown reports: the warm-up table (`results.md`) and the observe-cost report.

use std::fmt::Write;

use crate::campaign::Results;
use crate::metrics::{ROLLING_WINDOW, STEADY_TOLERANCE};
use crate::modes::BASELINE;
use crate::summary::{self, baseline_of, Row};
use crate::workloads::{self, Kind};

/// The full results page.
pub fn results_markdown(results: &Results) -> String {
    let rows = summary::rows(results);
    let mut out = String::new();
    let m = &results.meta;
    let _ = writeln!(out, "# jitfleet warm-up benchmark, {} ({:?} mode)\n", m.date, m.profile);
    let _ = writeln!(out, "- command: `{}`", m.command);
    let _ = writeln!(out, "- machine: {}", m.machine);
    let _ = writeln!(out, "- {} interleaved rounds (mode order rotated each round); every figure is the median over rounds; `(×r)` is the ratio to `{BASELINE}` from the same campaign", m.rounds);
    let _ = writeln!(out, "- steady state: median of the last third of the iterations; steady from = first iteration at or below {:.0}% of it after which every rolling median of {ROLLING_WINDOW} stays there (README.md)", (1.0 + STEADY_TOLERANCE) * 100.0);
    if let Some(agent) = &m.agent {
        let _ = writeln!(out, "- agent: {agent}");
    }
    let _ = writeln!(out, "\n## JDK builds\n");
    for (mode, version) in &m.jdk_builds {
        let _ = writeln!(out, "- `{mode}`: {version}");
    }

    let _ = writeln!(out, "\n## Batch workloads (times in ms, CPU in s)\n");
    let _ = writeln!(out, "| workload | mode | first iter | steady iter | steady from | time to steady | sum of N | warm-up excess | time to main | CPU | JIT CPU | peak RSS MB |");
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows.iter().filter(|r| kind_of(&r.workload) == Kind::Batch) {
        let base = baseline_of(&rows, &row.workload);
        let ratio = |f: fn(&Row) -> f64| with_ratio(f(row), base.map(f), row.mode == BASELINE, 0);
        let _ = writeln!(
            out,
            "| {} (N={}) | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0} |",
            row.workload,
            row.iterations,
            row.mode,
            ratio(|r| r.first_ms),
            ratio(|r| r.steady_ms),
            row.steady_from_iteration.map_or("not reached".to_string(), |k| format!("{k:.0}")),
            row.time_to_steady_ms.map_or("not reached".to_string(), |t| format!("{t:.0}")),
            ratio(|r| r.sum_ms),
            ratio(|r| r.excess_ms),
            ratio(|r| r.time_to_main_ms),
            with_ratio(row.cpu_ms / 1e3, base.map(|b| b.cpu_ms / 1e3), row.mode == BASELINE, 1),
            with_ratio(row.jit_cpu_ms / 1e3, base.map(|b| b.jit_cpu_ms / 1e3), row.mode == BASELINE, 1),
            row.peak_rss_mb
        );
    }

    let service: Vec<&Row> = rows.iter().filter(|r| kind_of(&r.workload) == Kind::Service).collect();
    if !service.is_empty() {
        let _ = writeln!(out, "\n## Service under load (Tomcat 10 + wrk, 1 s samples from the first request)\n");
        let _ = writeln!(out, "| mode | time to ready ms | 1st second req/s | steady req/s | 1st second p99 ms | steady p99 ms | steady from second | req in first N s ÷ N×steady | CPU s | JIT CPU s | peak RSS MB |");
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for row in service {
            let base = baseline_of(&rows, &row.workload);
            let opt = |v: Option<f64>, b: Option<f64>, digits: usize| match v {
                Some(v) => with_ratio(v, b, row.mode == BASELINE, digits),
                None => "-".into(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {:.1} | {:.1} | {:.0} |",
                row.mode,
                opt(row.time_to_ready_ms, base.and_then(|b| b.time_to_ready_ms), 0),
                opt(row.first_rps, base.and_then(|b| b.first_rps), 0),
                opt(row.steady_rps, base.and_then(|b| b.steady_rps), 0),
                opt(row.first_p99_ms, base.and_then(|b| b.first_p99_ms), 1),
                opt(row.steady_p99_ms, base.and_then(|b| b.steady_p99_ms), 1),
                row.steady_from_iteration.map_or("not reached".to_string(), |k| format!("{k:.0}")),
                row.served_share.map_or("-".to_string(), |s| format!("{s:.2}")),
                row.cpu_ms / 1e3,
                row.jit_cpu_ms / 1e3,
                row.peak_rss_mb
            );
        }
    }

    let startup: Vec<&Row> = rows.iter().filter(|r| kind_of(&r.workload) == Kind::Startup).collect();
    if !startup.is_empty() {
        let _ = writeln!(out, "\n## Start-up (empty main)\n");
        let _ = writeln!(out, "| mode | time to main ms | whole run ms | CPU s | peak RSS MB |");
        let _ = writeln!(out, "|---|---:|---:|---:|---:|");
        for row in startup {
            let base = baseline_of(&rows, &row.workload);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.2} | {:.0} |",
                row.mode,
                with_ratio(row.time_to_main_ms, base.map(|b| b.time_to_main_ms), row.mode == BASELINE, 0),
                with_ratio(row.process_wall_ms, base.map(|b| b.process_wall_ms), row.mode == BASELINE, 0),
                row.cpu_ms / 1e3,
                row.peak_rss_mb
            );
        }
    }

    checks_and_plots(&mut out, results);
    out
}

fn checks_and_plots(out: &mut String, results: &Results) {
    let _ = writeln!(out, "\n## Checks\n");
    let mismatches = summary::checksum_mismatches(results);
    if mismatches.is_empty() {
        let _ = writeln!(out, "- checksums: every run of a workload (all modes, training runs included) printed the same checksum");
    } else {
        for m in &mismatches {
            let _ = writeln!(out, "- **CHECKSUM MISMATCH** {m}");
        }
    }
    // One line per (workload, mode, phase): the first round's summary.
    let mut shown: Vec<(&str, &str, bool)> = Vec::new();
    for r in results.records.iter().filter(|r| r.round == 0) {
        let key = (r.workload.as_str(), r.mode.as_str(), r.training);
        if let (Some(summary), false) = (&r.agent_summary, shown.contains(&key)) {
            shown.push(key);
            let what = if r.training { "training" } else { "round 1" };
            let _ = writeln!(out, "- jitfleet agent, {} / {} ({what}): {summary}", r.workload, r.mode);
        }
    }
    // Install latency per method: all measured runs of a (workload, mode) pooled.
    let mut pools: Vec<((&str, &str), Vec<u64>)> = Vec::new();
    for r in results.records.iter().filter(|r| !r.training && !r.install_latencies_us.is_empty()) {
        let key = (r.workload.as_str(), r.mode.as_str());
        match pools.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.extend(&r.install_latencies_us),
            None => pools.push((key, r.install_latencies_us.clone())),
        }
    }
    for ((workload, mode), mut v) in pools {
        v.sort_unstable();
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize] as f64 / 1e3;
        let _ = writeln!(out, "- install latency per method, {workload} / {mode}: median {:.2} ms, p99 {:.2} ms over {} installs", at(0.5), at(0.99), v.len());
    }
    for s in &results.skipped {
        let _ = writeln!(out, "- skipped mode `{}`: {}", s.mode, s.reason);
    }
    for f in &results.failures {
        let what = if f.training { "training" } else { "run" };
        let _ = writeln!(out, "- failed {what} {} / {} (round {}): {}", f.workload, f.mode, f.round + 1, f.error);
    }
    let _ = writeln!(out, "\n## Plots (median over rounds of each iteration; log scale)\n");
    for w in &results.workloads {
        if workloads::find(w).is_some_and(|w| w.kind != Kind::Startup) {
            let _ = writeln!(out, "![{w}](plots/{w}.png)");
        }
    }
}

/// The observe-cost report of the foundation issue: vanilla JDK 17 against the agent in
/// observe mode. Goals: ≤ 2% steady-state throughput cost, ≤ 30 ms start-up cost.
pub fn observe_cost_markdown(results: &Results, observe_mode: &str) -> String {
    // "observe" or "capture": the agent mode whose cost this page shows.
    let label = observe_mode.rsplit('-').next().unwrap_or("agent");
    let rows = summary::rows(results);
    let mut out = String::new();
    let m = &results.meta;
    let _ = writeln!(out, "# jitfleet {label}-mode cost, {}\n", m.date);
    let _ = writeln!(out, "- command: `{}`", m.command);
    let _ = writeln!(out, "- machine: {}", m.machine);
    let _ = writeln!(out, "- {} interleaved rounds of `{BASELINE}` and `{observe_mode}`; medians over rounds", m.rounds);
    if let Some(agent) = &m.agent {
        let _ = writeln!(out, "- agent: {agent}");
    }
    for (mode, version) in &m.jdk_builds {
        let _ = writeln!(out, "- `{mode}`: {version}");
    }
    let observed: Vec<&Row> = rows.iter().filter(|r| r.mode == observe_mode).collect();
    if observed.is_empty() {
        let _ = writeln!(out, "\n**No {label}-mode results.**");
        checks_and_plots(&mut out, results);
        return out;
    }
    let _ = writeln!(out, "\n## Steady-state throughput\n");
    let _ = writeln!(out, "Cost = median over rounds of ({label} steady ÷ vanilla steady) − 1, each ratio taken within one round (adjacent runs); the medians of each mode alone are shown for reference.\n");
    let _ = writeln!(out, "Two estimators that resist a shared machine better are shown beside it: *best-iteration cost* compares the fastest iteration of the second half of each run (other processes only add time), *CPU cost* compares the process CPU time of whole runs (same work, so extra CPU is the agent's).\n");
    let _ = writeln!(out, "| workload | N | vanilla steady ms/iter | {label} steady ms/iter | per-round cost (each round) | cost (median) | throughput ratio | goal ≤ 2% | best-iteration cost | CPU cost | vanilla sum of N ms | {label} sum of N ms |");
    let _ = writeln!(out, "|---|---:|---:|---:|---|---:|---:|---|---:|---:|---:|---:|");
    for row in observed.iter().filter(|r| kind_of(&r.workload) != Kind::Startup) {
        let Some(base) = baseline_of(&rows, &row.workload) else { continue };
        let paired = summary::paired_steady_ratios(results, &row.workload, BASELINE, observe_mode);
        let slowdown = crate::metrics::median(&paired).unwrap_or(row.steady_ms / base.steady_ms);
        let cost = (slowdown - 1.0) * 100.0;
        let each: Vec<String> = paired.iter().map(|r| format!("{:+.0}%", (r - 1.0) * 100.0)).collect();
        let percent = |ratios: Vec<f64>| crate::metrics::median(&ratios).map_or("-".to_string(), |m| format!("{:+.1}%", (m - 1.0) * 100.0));
        let best = percent(summary::paired_best_ratios(results, &row.workload, BASELINE, observe_mode));
        let cpu = percent(summary::paired_cpu_ratios(results, &row.workload, BASELINE, observe_mode));
        let _ = writeln!(
            out,
            "| {} | {} | {:.2} | {:.2} | {} | {:+.1}% | {:.3} | {} | {} | {} | {:.0} | {:.0} |",
            row.workload,
            row.iterations,
            base.steady_ms,
            row.steady_ms,
            each.join(" "),
            cost,
            1.0 / slowdown,
            if cost <= 2.0 { "met" } else { "missed" },
            best,
            cpu,
            base.sum_ms,
            row.sum_ms
        );
    }
    let _ = writeln!(out, "\n## Start-up cost (time from spawning `java` to `main`; whole run for the empty program)\n");
    let _ = writeln!(out, "| workload | vanilla ms | {label} ms | cost ms | goal ≤ 30 ms |");
    let _ = writeln!(out, "|---|---:|---:|---:|---|");
    for row in &observed {
        let Some(base) = baseline_of(&rows, &row.workload) else { continue };
        let cost = row.time_to_main_ms - base.time_to_main_ms;
        let _ = writeln!(out, "| {} (time to main) | {:.1} | {:.1} | {:+.1} | {} |", row.workload, base.time_to_main_ms, row.time_to_main_ms, cost, if cost <= 30.0 { "met" } else { "missed" });
        if kind_of(&row.workload) == Kind::Startup {
            let whole = row.process_wall_ms - base.process_wall_ms;
            let _ = writeln!(out, "| {} (whole run) | {:.1} | {:.1} | {:+.1} | {} |", row.workload, base.process_wall_ms, row.process_wall_ms, whole, if whole <= 30.0 { "met" } else { "missed" });
        }
    }
    checks_and_plots(&mut out, results);
    out
}

fn kind_of(workload: &str) -> Kind {
    workloads::find(workload).map_or(Kind::Batch, |w| w.kind)
}

/// `value (×ratio)`, or just the value for the baseline row or without a baseline.
fn with_ratio(value: f64, base: Option<f64>, is_baseline: bool, digits: usize) -> String {
    let shown = format!("{value:.digits$}");
    match base {
        Some(b) if !is_baseline && b.abs() > f64::EPSILON && value.is_finite() => format!("{shown} (×{:.2})", value / b),
        _ => shown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::{Meta, Results};
    use crate::runner::RunRecord;
    use crate::workloads::Profile;

    fn record(mode: &str, ms: &[u64], checksum: &str, main_ms: f64) -> RunRecord {
        RunRecord {
            workload: "h2".into(),
            mode: mode.into(),
            round: 0,
            training: false,
            iteration_ns: ms.iter().map(|m| m * 1_000_000).collect(),
            seconds: Vec::new(),
            checksum: checksum.into(),
            time_to_main_ms: main_ms,
            time_to_ready_ms: None,
            process_wall_ms: 1000.0,
            cpu_ms: 2000.0,
            c1_cpu_ms: 100.0,
            c2_cpu_ms: 300.0,
            peak_rss_mb: 100.0,
            agent_summary: None,
            install_latencies_us: Vec::new(),
        }
    }

    fn results(records: Vec<RunRecord>, second_mode: &str) -> Results {
        Results {
            meta: Meta { date: "2026-01-01".into(), profile: Profile::Quick, rounds: 1, command: "x".into(), jdk_builds: vec![], machine: "m".into(), agent: None },
            workloads: vec!["h2".into()],
            modes: vec!["jdk17".into(), second_mode.into()],
            records,
            skipped: vec![],
            failures: vec![],
        }
    }

    #[test]
    fn results_page_shows_ratios_and_mismatches() {
        let page = results_markdown(&results(
            vec![record("jdk17", &[400, 100, 100, 100], "a", 100.0), record("jdk25", &[200, 50, 50, 50], "b", 80.0)],
            "jdk25",
        ));
        assert!(page.contains("| h2 (N=4) | jdk17 | 400 | 100 |"), "{page}");
        assert!(page.contains("| h2 (N=4) | jdk25 | 200 (×0.50) | 50 (×0.50) |"), "{page}");
        assert!(page.contains("CHECKSUM MISMATCH"), "{page}");
    }

    #[test]
    fn observe_cost_compares_steady_state_and_start_up() {
        let page = observe_cost_markdown(
            &results(
                vec![record("jdk17", &[400, 100, 100, 100], "a", 100.0), record("obs", &[400, 110, 110, 110], "a", 150.0)],
                "obs",
            ),
            "obs",
        );
        assert!(page.contains("| h2 | 4 | 100.00 | 110.00 | +10% | +10.0% | 0.909 | missed | +10.0% | +0.0% |"), "{page}");
        assert!(page.contains("| h2 (time to main) | 100.0 | 150.0 | +50.0 | missed |"), "{page}");
        assert!(!page.contains("MISMATCH"));
    }

    #[test]
    fn ratio_formatting() {
        assert_eq!(with_ratio(50.0, Some(100.0), false, 0), "50 (×0.50)");
        assert_eq!(with_ratio(100.0, Some(100.0), true, 1), "100.0");
        assert_eq!(with_ratio(3.0, None, false, 0), "3");
    }
}
