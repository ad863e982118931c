//! Warm-up metrics of one run and their aggregation over interleaved rounds. Pure functions.
//!
//! Definitions (also in README.md):
//! - *steady state*: the median of the last third of the iterations;
//! - *steady from iteration k*: the first iteration k that is itself at or below
//!   (1 + [`STEADY_TOLERANCE`]) × steady state and from which on every rolling median of
//!   [`ROLLING_WINDOW`] consecutive iterations stays at or below that limit (the median lets
//!   one noisy iteration pass, the first condition keeps it from hiding a slow start). Only
//!   the upper bound counts: an iteration faster than the steady state is not warm-up;
//! - *time to steady state*: the wall time of the iterations before k (JVM start-up excluded);
//! - *warm-up excess*: sum of all N iterations minus N × steady state, i.e. the time lost to
//!   interpretation, profiling and compilation compared with a JVM that started warm.

/// Width of the rolling median used to decide when steady state is reached.
pub const ROLLING_WINDOW: usize = 3;
/// How far above the steady state a rolling median may be and still count as steady.
pub const STEADY_TOLERANCE: f64 = 0.05;

/// Warm-up figures of one run, in milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Warmup {
    pub first_ms: f64,
    pub steady_ms: f64,
    /// Index (0-based) of the first steady iteration; `None` if the run never settled.
    pub steady_from: Option<usize>,
    /// Wall time of the iterations before `steady_from`.
    pub time_to_steady_ms: Option<f64>,
    pub sum_ms: f64,
    pub excess_ms: f64,
}

/// Computes the warm-up figures of one run; `None` for a run without iterations.
pub fn warmup(iteration_ns: &[u64]) -> Option<Warmup> {
    let ms: Vec<f64> = iteration_ns.iter().map(|&ns| ns as f64 / 1e6).collect();
    let n = ms.len();
    let first_ms = *ms.first()?;
    let last_third = (n / 3).max(1);
    let steady_ms = median(&ms[n - last_third..])?;
    let sum_ms: f64 = ms.iter().sum();
    let steady_from = steady_from(&ms, steady_ms);
    Some(Warmup {
        first_ms,
        steady_ms,
        steady_from,
        time_to_steady_ms: steady_from.map(|k| ms[..k].iter().sum()),
        sum_ms,
        excess_ms: sum_ms - n as f64 * steady_ms,
    })
}

fn steady_from(ms: &[f64], steady_ms: f64) -> Option<usize> {
    let limit = steady_ms * (1.0 + STEADY_TOLERANCE);
    let window = ROLLING_WINDOW.min(ms.len());
    let rolling: Vec<f64> = ms.windows(window).filter_map(median).collect();
    // Walk back from the end while the rolling median stays within the limit...
    let mut settled_from = None;
    for (start, value) in rolling.iter().enumerate().rev() {
        if *value > limit {
            break;
        }
        settled_from = Some(start);
    }
    // ...then take the first iteration from there that is itself within the limit.
    (settled_from?..ms.len()).find(|&k| ms[k] <= limit)
}

/// Median of the values (mean of the two middle ones for an even count); `None` if empty
/// or if a value is NaN.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() || values.iter().any(|v| v.is_nan()) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let mid = sorted.len() / 2;
    Some(if mid * 2 == sorted.len() { (sorted[mid - 1] + sorted[mid]) / 2.0 } else { sorted[mid] })
}

/// Median over rounds of an optional value, where `None` ("never reached") sorts above
/// every number: the median is `None` when at least half of the rounds never reached it.
pub fn median_of_optional(values: &[Option<f64>]) -> Option<f64> {
    let mut keys: Vec<f64> = values.iter().map(|v| v.unwrap_or(f64::INFINITY)).collect();
    keys.sort_by(|a, b| a.total_cmp(b));
    let m = median(&keys)?;
    m.is_finite().then_some(m)
}

/// Per-iteration median over rounds (the curve drawn in the plots); rounds of different
/// lengths contribute to the indices they have.
pub fn median_curve(rounds: &[Vec<f64>]) -> Vec<f64> {
    let longest = rounds.iter().map(Vec::len).max().unwrap_or(0);
    (0..longest)
        .filter_map(|i| {
            let column: Vec<f64> = rounds.iter().filter_map(|r| r.get(i).copied()).collect();
            median(&column)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns(ms: &[f64]) -> Vec<u64> {
        ms.iter().map(|m| (m * 1e6) as u64).collect()
    }

    #[test]
    fn warmup_of_a_decaying_run() {
        let run = ns(&[100.0, 50.0, 30.0, 12.0, 10.0, 10.0, 11.0, 10.0, 10.0]);
        let w = warmup(&run).unwrap();
        assert_eq!(w.first_ms, 100.0);
        assert_eq!(w.steady_ms, 10.0);
        // Windows: [100,50,30]=50 [50,30,12]=30 [30,12,10]=12 [12,10,10]=10 ... settle at
        // index 3, but iteration 3 itself (12 ms) is above 10.5 ms: steady from index 4.
        assert_eq!(w.steady_from, Some(4));
        assert_eq!(w.time_to_steady_ms, Some(192.0));
        assert_eq!(w.sum_ms, 243.0);
        assert!((w.excess_ms - (243.0 - 90.0)).abs() < 1e-9);
    }

    #[test]
    fn a_late_spike_moves_steady_state_later() {
        let calm = warmup(&ns(&[40.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0])).unwrap();
        let spiky = warmup(&ns(&[40.0, 10.0, 10.0, 10.0, 30.0, 30.0, 10.0, 10.0, 10.0])).unwrap();
        assert_eq!(calm.steady_from, Some(1));
        assert_eq!(spiky.steady_from, Some(6));
    }

    #[test]
    fn faster_than_steady_counts_as_steady() {
        let w = warmup(&ns(&[5.0, 5.0, 5.0, 10.0, 10.0, 10.0])).unwrap();
        assert_eq!(w.steady_from, Some(0));
        assert_eq!(w.time_to_steady_ms, Some(0.0));
    }

    #[test]
    fn never_steady_when_the_end_is_noisy() {
        // The last window's median is above the steady state (median of the last third).
        let w = warmup(&ns(&[10.0, 10.0, 10.0, 10.0, 10.0, 30.0, 30.0, 10.0, 10.0])).unwrap();
        assert_eq!(w.steady_ms, 10.0);
        // Rolling medians settle at window 6 ([30,10,10]); iteration 6 itself is slow.
        assert_eq!(w.steady_from, Some(7));
        let never = warmup(&ns(&[10.0, 10.0, 30.0, 30.0, 30.0, 10.0])).unwrap();
        assert_eq!(never.steady_ms, 20.0);
        assert_eq!(never.steady_from, None);
    }

    #[test]
    fn empty_run_has_no_metrics() {
        assert_eq!(warmup(&[]), None);
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(median_of_optional(&[Some(1.0), None, Some(3.0)]), Some(3.0));
        assert_eq!(median_of_optional(&[Some(1.0), None, None]), None);
        assert_eq!(median_curve(&[vec![1.0, 5.0], vec![3.0], vec![2.0, 7.0]]), vec![2.0, 6.0]);
    }
}
