//! Reduces the raw records to one row per (workload, mode): medians over the measured
//! rounds, and ratios against the baseline mode of the same campaign.

use std::collections::BTreeMap;

use crate::campaign::Results;
use crate::metrics::{self, median, median_of_optional};
use crate::modes::BASELINE;
use crate::runner::RunRecord;

/// Medians over the rounds of one (workload, mode).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub workload: String,
    pub mode: String,
    pub rounds: usize,
    pub iterations: usize,
    pub first_ms: f64,
    pub steady_ms: f64,
    /// 1-based iteration from which the run is steady (median over rounds).
    pub steady_from_iteration: Option<f64>,
    pub time_to_steady_ms: Option<f64>,
    pub sum_ms: f64,
    pub excess_ms: f64,
    pub time_to_main_ms: f64,
    pub time_to_ready_ms: Option<f64>,
    pub process_wall_ms: f64,
    pub cpu_ms: f64,
    pub jit_cpu_ms: f64,
    pub peak_rss_mb: f64,
    /// Service only: requests per second in the first and in the steady seconds, p99 latency.
    pub first_rps: Option<f64>,
    pub steady_rps: Option<f64>,
    pub first_p99_ms: Option<f64>,
    pub steady_p99_ms: Option<f64>,
    /// Service only: requests served in the N seconds ÷ (N × steady requests per second),
    /// the share of a warm server's work that this JVM did from its first request on.
    pub served_share: Option<f64>,
}

/// One row per (workload, mode) that has measured records, in the campaign's order.
pub fn rows(results: &Results) -> Vec<Row> {
    let mut groups: BTreeMap<(usize, usize), Vec<&RunRecord>> = BTreeMap::new();
    for record in results.records.iter().filter(|r| !r.training) {
        let (Some(w), Some(m)) = (
            results.workloads.iter().position(|x| *x == record.workload),
            results.modes.iter().position(|x| *x == record.mode),
        ) else {
            continue;
        };
        groups.entry((w, m)).or_default().push(record);
    }
    groups.into_values().filter_map(|runs| row(&runs)).collect()
}

fn row(runs: &[&RunRecord]) -> Option<Row> {
    let first = runs.first()?;
    let warmups: Vec<metrics::Warmup> = runs.iter().filter_map(|r| metrics::warmup(&r.iteration_ns)).collect();
    let of = |f: &dyn Fn(&metrics::Warmup) -> f64| median(&warmups.iter().map(f).collect::<Vec<_>>()).unwrap_or(f64::NAN);
    let of_runs = |f: &dyn Fn(&RunRecord) -> f64| median(&runs.iter().map(|r| f(r)).collect::<Vec<_>>()).unwrap_or(f64::NAN);
    let service = !first.seconds.is_empty();
    let seconds_median = |pick: &dyn Fn(&RunRecord) -> Option<f64>| -> Option<f64> {
        let values: Vec<f64> = runs.iter().filter_map(|r| pick(r)).collect();
        median(&values)
    };
    Some(Row {
        workload: first.workload.clone(),
        mode: first.mode.clone(),
        rounds: runs.len(),
        iterations: first.iteration_ns.len(),
        first_ms: of(&|w| w.first_ms),
        steady_ms: of(&|w| w.steady_ms),
        steady_from_iteration: median_of_optional(&warmups.iter().map(|w| w.steady_from.map(|k| k as f64 + 1.0)).collect::<Vec<_>>()),
        time_to_steady_ms: median_of_optional(&warmups.iter().map(|w| w.time_to_steady_ms).collect::<Vec<_>>()),
        sum_ms: of(&|w| w.sum_ms),
        excess_ms: of(&|w| w.excess_ms),
        time_to_main_ms: of_runs(&|r| r.time_to_main_ms),
        time_to_ready_ms: seconds_median(&|r| r.time_to_ready_ms),
        process_wall_ms: of_runs(&|r| r.process_wall_ms),
        cpu_ms: of_runs(&|r| r.cpu_ms),
        jit_cpu_ms: of_runs(&|r| r.jit_cpu_ms()),
        peak_rss_mb: of_runs(&|r| r.peak_rss_mb),
        first_rps: service.then(|| seconds_median(&|r| r.seconds.first().map(|s| s.requests_per_s))).flatten(),
        steady_rps: service.then(|| seconds_median(&|r| steady_seconds(r).map(|(rps, _)| rps))).flatten(),
        first_p99_ms: service.then(|| seconds_median(&|r| r.seconds.first().map(|s| s.p99_us / 1e3))).flatten(),
        steady_p99_ms: service.then(|| seconds_median(&|r| steady_seconds(r).map(|(_, p99)| p99))).flatten(),
        served_share: service.then(|| seconds_median(&served_share)).flatten(),
    })
}

/// Median throughput and p99 (ms) of the last third of a service run's seconds.
fn steady_seconds(record: &RunRecord) -> Option<(f64, f64)> {
    let n = record.seconds.len();
    let tail = &record.seconds[n - (n / 3).max(1).min(n)..];
    let rps = median(&tail.iter().map(|s| s.requests_per_s).collect::<Vec<_>>())?;
    let p99 = median(&tail.iter().map(|s| s.p99_us / 1e3).collect::<Vec<_>>()).unwrap_or(f64::NAN);
    Some((rps, p99))
}

fn served_share(record: &RunRecord) -> Option<f64> {
    let (steady_rps, _) = steady_seconds(record)?;
    let served: f64 = record.seconds.iter().map(|s| s.requests_per_s).sum();
    (steady_rps > 0.0).then(|| served / (record.seconds.len() as f64 * steady_rps))
}

/// Per round, `mode`'s steady state divided by `baseline`'s for `workload`: runs of one
/// round are adjacent in time, so the ratio cancels most of the machine's slow load drift.
pub fn paired_steady_ratios(results: &Results, workload: &str, baseline: &str, mode: &str) -> Vec<f64> {
    paired_ratios(results, workload, baseline, mode, &|r| metrics::warmup(&r.iteration_ns).map(|w| w.steady_ms))
}

/// Like [`paired_steady_ratios`] for the fastest iteration of the second half of each run:
/// on a shared machine, other processes only ever add time, so the minimum is the estimate
/// of steady-state speed least disturbed by them.
pub fn paired_best_ratios(results: &Results, workload: &str, baseline: &str, mode: &str) -> Vec<f64> {
    paired_ratios(results, workload, baseline, mode, &|r| {
        let half = &r.iteration_ns[r.iteration_ns.len() / 2..];
        half.iter().min().map(|&ns| ns as f64)
    })
}

/// Like [`paired_steady_ratios`] for the process CPU time of whole runs.
pub fn paired_cpu_ratios(results: &Results, workload: &str, baseline: &str, mode: &str) -> Vec<f64> {
    paired_ratios(results, workload, baseline, mode, &|r| Some(r.cpu_ms))
}

fn paired_ratios(results: &Results, workload: &str, baseline: &str, mode: &str, value: &dyn Fn(&RunRecord) -> Option<f64>) -> Vec<f64> {
    let steady = |m: &str, round: u32| -> Option<f64> {
        let values: Vec<f64> = results
            .records
            .iter()
            .filter(|r| !r.training && r.workload == workload && r.mode == m && r.round == round)
            .filter_map(value)
            .collect();
        median(&values)
    };
    let rounds: std::collections::BTreeSet<u32> = results.records.iter().map(|r| r.round).collect();
    rounds.into_iter().filter_map(|round| Some(steady(mode, round)? / steady(baseline, round)?)).collect()
}

/// The baseline row of the same workload, if the baseline ran.
pub fn baseline_of<'a>(rows: &'a [Row], workload: &str) -> Option<&'a Row> {
    rows.iter().find(|r| r.workload == workload && r.mode == BASELINE)
}

/// Workloads whose runs (measured and training, all modes) did not all agree on the checksum.
pub fn checksum_mismatches(results: &Results) -> Vec<String> {
    let mut by_workload: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for r in &results.records {
        by_workload.entry(&r.workload).or_default().entry(&r.checksum).or_default().push(&r.mode);
    }
    by_workload
        .into_iter()
        .filter(|(_, sums)| sums.len() > 1)
        .map(|(workload, sums)| {
            let detail: Vec<String> = sums.iter().map(|(sum, modes)| format!("{sum} from {}", dedup(modes).join(", "))).collect();
            format!("{workload}: {}", detail.join("; "))
        })
        .collect()
}

fn dedup<'a>(modes: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = modes.to_vec();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::{Meta, Results};
    use crate::workloads::Profile;

    fn record(workload: &str, mode: &str, round: u32, ms: &[u64], checksum: &str) -> RunRecord {
        RunRecord {
            workload: workload.into(),
            mode: mode.into(),
            round,
            training: false,
            iteration_ns: ms.iter().map(|m| m * 1_000_000).collect(),
            seconds: Vec::new(),
            checksum: checksum.into(),
            time_to_main_ms: 50.0 + f64::from(round),
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

    fn results(records: Vec<RunRecord>) -> Results {
        Results {
            meta: Meta { date: "d".into(), profile: Profile::Quick, rounds: 3, command: String::new(), jdk_builds: vec![], machine: String::new(), agent: None },
            workloads: vec!["h2".into()],
            modes: vec!["jdk17".into(), "fast".into()],
            records,
            skipped: vec![],
            failures: vec![],
        }
    }

    #[test]
    fn rows_take_medians_over_rounds() {
        let r = results(vec![
            record("h2", "jdk17", 0, &[100, 20, 10, 10, 10, 10], "a"),
            record("h2", "jdk17", 1, &[300, 20, 10, 10, 10, 10], "a"),
            record("h2", "jdk17", 2, &[200, 20, 10, 10, 10, 10], "a"),
            record("h2", "fast", 0, &[20, 10, 10, 10, 10, 10], "a"),
        ]);
        let rows = rows(&r);
        assert_eq!(rows.len(), 2);
        let base = baseline_of(&rows, "h2").unwrap();
        assert_eq!(base.rounds, 3);
        assert_eq!(base.first_ms, 200.0);
        assert_eq!(base.steady_ms, 10.0);
        assert_eq!(base.steady_from_iteration, Some(3.0));
        assert_eq!(base.time_to_main_ms, 51.0);
        assert_eq!(base.jit_cpu_ms, 400.0);
        assert_eq!(rows[1].mode, "fast");
        assert_eq!(rows[1].excess_ms, 10.0);
        assert!(checksum_mismatches(&r).is_empty());
    }

    #[test]
    fn paired_ratios_compare_within_a_round() {
        let r = results(vec![
            record("h2", "jdk17", 0, &[10, 10, 10], "a"),
            record("h2", "fast", 0, &[5, 5, 5], "a"),
            record("h2", "jdk17", 1, &[40, 40, 40], "a"),
            record("h2", "fast", 1, &[30, 30, 30], "a"),
        ]);
        assert_eq!(paired_steady_ratios(&r, "h2", "jdk17", "fast"), vec![0.5, 0.75]);
        assert_eq!(paired_best_ratios(&r, "h2", "jdk17", "fast"), vec![0.5, 0.75]);
        assert_eq!(paired_cpu_ratios(&r, "h2", "jdk17", "fast"), vec![1.0, 1.0]);
    }

    #[test]
    fn a_different_checksum_is_reported() {
        let r = results(vec![record("h2", "jdk17", 0, &[1], "a"), record("h2", "fast", 0, &[1], "b")]);
        let mismatches = checksum_mismatches(&r);
        assert_eq!(mismatches.len(), 1);
        assert!(mismatches[0].contains("b from fast"), "{mismatches:?}");
    }
}
