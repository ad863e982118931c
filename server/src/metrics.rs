//! Server counters and their Prometheus text rendering.
//!
//! Hand-written rather than a metrics crate: a handful of counters, one histogram, and the
//! text exposition format (version 0.0.4) are all the server needs. Label values come from
//! closed sets (message kinds, error kinds, refusal reasons) or from fleet keys, whose
//! application names [`crate::fleet::FleetKey::new`] already restricts.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use jitfleet_transport::quic::ServerStats;
use jitfleet_transport::wire::MessageKind;

use crate::registry::FleetSummary;
use crate::store::StoreUsage;

/// Upper bounds of the latency histogram buckets, in seconds.
pub const LATENCY_BUCKETS: [f64; 15] =
    [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

/// A fixed-bucket histogram of durations.
#[derive(Debug, Default)]
pub struct Histogram {
    /// One count per bucket of [`LATENCY_BUCKETS`], plus the `+Inf` bucket (not cumulative).
    buckets: [AtomicU64; LATENCY_BUCKETS.len() + 1],
    sum_nanos: AtomicU64,
    count: AtomicU64,
}

impl Histogram {
    /// Records one observation.
    pub fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let bucket = LATENCY_BUCKETS.iter().position(|bound| seconds <= *bound).unwrap_or(LATENCY_BUCKETS.len());
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.sum_nanos.fetch_add(u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX), Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    /// Observations so far.
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// The upper bound of the bucket holding quantile `q` (0..=1): an over-estimate by at
    /// most one bucket. `None` without observations; `f64::INFINITY` past the last bound.
    pub fn quantile_upper_bound(&self, q: f64) -> Option<f64> {
        let total = self.count();
        if total == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (index, bucket) in self.buckets.iter().enumerate() {
            seen += bucket.load(Ordering::Relaxed);
            if seen >= rank {
                return Some(LATENCY_BUCKETS.get(index).copied().unwrap_or(f64::INFINITY));
            }
        }
        Some(f64::INFINITY)
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        let sep = if labels.is_empty() { "" } else { "," };
        for (index, bucket) in self.buckets.iter().enumerate() {
            cumulative += bucket.load(Ordering::Relaxed);
            let bound = LATENCY_BUCKETS.get(index).map_or_else(|| "+Inf".to_string(), f64::to_string);
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {cumulative}");
        }
        let sum = self.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9;
        let braces = if labels.is_empty() { String::new() } else { format!("{{{labels}}}") };
        let _ = writeln!(out, "{name}_sum{braces} {sum}");
        let _ = writeln!(out, "{name}_count{braces} {}", self.count());
    }
}

/// Everything the server counts.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Connections that completed the Hello handshake.
    pub sessions_started: AtomicU64,
    /// Sessions open now.
    pub sessions_open: AtomicI64,
    refused: Mutex<BTreeMap<&'static str, u64>>,
    messages: Mutex<BTreeMap<&'static str, u64>>,
    errors: Mutex<BTreeMap<&'static str, u64>>,
    installs: Mutex<BTreeMap<&'static str, u64>>,
    /// Code uploads stored (new bytes).
    pub code_stored: AtomicU64,
    /// Code uploads that were already present.
    pub code_duplicates: AtomicU64,
    /// Code blobs sent to receivers.
    pub code_served: AtomicU64,
    /// Bytes of code sent to receivers.
    pub code_served_bytes: AtomicU64,
    /// Profile methods merged.
    pub profile_methods_merged: AtomicU64,
    /// Malformed or oversized frames the transport refused (seen by sessions).
    pub bad_frames: AtomicU64,
    /// Handling time of inbound messages, by message kind (indexed by tag).
    latency: [Histogram; 16],
}

impl Metrics {
    /// Counts a refused Hello (or a connection closed before one) by reason.
    pub fn refused(&self, reason: &'static str) {
        bump(&self.refused, reason);
    }

    /// Counts an inbound message by kind.
    pub fn message(&self, kind: MessageKind) {
        bump(&self.messages, kind.name());
    }

    /// Counts an error by kind (`forbidden_upload`, `malformed`, `not_found`, ...).
    pub fn error(&self, kind: &'static str) {
        bump(&self.errors, kind);
    }

    /// Records how long handling one message of `kind` took.
    pub fn observe_handling(&self, kind: MessageKind, elapsed: Duration) {
        self.latency_of(kind).observe(elapsed);
    }

    /// The handling-time histogram of one message kind.
    pub fn latency_of(&self, kind: MessageKind) -> &Histogram {
        // Tags are small (see MessageKind); an unexpectedly large one shares the last slot.
        &self.latency[usize::from(kind.tag()).min(self.latency.len() - 1)]
    }

    /// Counts one install record a receiver reported, by outcome.
    pub fn install_outcome(&self, outcome: &'static str) {
        bump(&self.installs, outcome);
    }

    /// The count of one error kind (for tests and `status`).
    pub fn error_count(&self, kind: &str) -> u64 {
        lock(&self.errors).get(kind).copied().unwrap_or(0)
    }

    /// The count of one refusal reason.
    pub fn refused_count(&self, reason: &str) -> u64 {
        lock(&self.refused).get(reason).copied().unwrap_or(0)
    }

    /// The count of one message kind.
    pub fn message_count(&self, kind: MessageKind) -> u64 {
        lock(&self.messages).get(kind.name()).copied().unwrap_or(0)
    }

    /// The Prometheus text exposition of everything, with the figures other parts own.
    pub fn render(&self, transport: ServerStats, store: StoreUsage, fleets: &[FleetSummary]) -> String {
        let mut out = String::with_capacity(4096);
        let counter = |out: &mut String, name: &str, help: &str, value: u64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}");
        };
        let gauge = |out: &mut String, name: &str, help: &str, value: i64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
        };
        counter(&mut out, "jitfleet_connections_accepted_total", "QUIC connections that passed mutual TLS.", transport.accepted);
        counter(&mut out, "jitfleet_handshakes_refused_tls_total", "Connection attempts refused during the TLS handshake.", transport.refused);
        counter(&mut out, "jitfleet_sessions_started_total", "Connections whose Hello was accepted.", self.sessions_started.load(Ordering::Relaxed));
        gauge(&mut out, "jitfleet_sessions_open", "Sessions open now.", self.sessions_open.load(Ordering::Relaxed));
        labelled(&mut out, "jitfleet_hello_refused_total", "Hello messages refused, by reason.", "reason", &lock(&self.refused));
        labelled(&mut out, "jitfleet_messages_total", "Inbound messages, by kind.", "kind", &lock(&self.messages));
        labelled(&mut out, "jitfleet_errors_total", "Errors, by kind.", "kind", &lock(&self.errors));
        labelled(&mut out, "jitfleet_install_reports_total", "Install records reported by receivers, by outcome.", "outcome", &lock(&self.installs));
        counter(&mut out, "jitfleet_code_uploads_stored_total", "Code uploads stored as new blobs.", self.code_stored.load(Ordering::Relaxed));
        counter(&mut out, "jitfleet_code_uploads_duplicate_total", "Code uploads already in the store.", self.code_duplicates.load(Ordering::Relaxed));
        counter(&mut out, "jitfleet_code_served_total", "Code blobs sent to replicas.", self.code_served.load(Ordering::Relaxed));
        counter(&mut out, "jitfleet_code_served_bytes_total", "Bytes of code sent to replicas.", self.code_served_bytes.load(Ordering::Relaxed));
        counter(&mut out, "jitfleet_bad_frames_total", "Malformed or oversized frames refused by the transport.", self.bad_frames.load(Ordering::Relaxed));
        counter(&mut out, "jitfleet_profile_methods_merged_total", "Method profiles merged.", self.profile_methods_merged.load(Ordering::Relaxed));
        gauge(&mut out, "jitfleet_store_blobs", "Code blobs in the store.", store.blobs as i64);
        gauge(&mut out, "jitfleet_store_bytes", "Bytes of blob files in the store.", store.bytes as i64);
        gauge(&mut out, "jitfleet_store_max_bytes", "The store budget.", store.max_bytes as i64);
        counter(&mut out, "jitfleet_store_evictions_total", "Blobs evicted to stay within the budget.", store.evictions);
        counter(&mut out, "jitfleet_store_quarantined_total", "Damaged store files moved aside.", store.quarantined);
        let _ = writeln!(out, "# HELP jitfleet_fleet_profile_methods Distinct methods in a fleet's merged profile.");
        let _ = writeln!(out, "# TYPE jitfleet_fleet_profile_methods gauge");
        for fleet in fleets {
            let _ = writeln!(out, "jitfleet_fleet_profile_methods{{{}}} {}", fleet_labels(fleet), fleet.methods);
        }
        let _ = writeln!(out, "# HELP jitfleet_fleet_replicas_connected Replicas of a fleet connected now.");
        let _ = writeln!(out, "# TYPE jitfleet_fleet_replicas_connected gauge");
        for fleet in fleets {
            let _ = writeln!(out, "jitfleet_fleet_replicas_connected{{{}}} {}", fleet_labels(fleet), fleet.connected);
        }
        let _ = writeln!(out, "# HELP jitfleet_message_handling_seconds Time to handle one inbound message, by kind.");
        let _ = writeln!(out, "# TYPE jitfleet_message_handling_seconds histogram");
        for &kind in MessageKind::ALL {
            let histogram = self.latency_of(kind);
            if histogram.count() > 0 {
                histogram.render(&mut out, "jitfleet_message_handling_seconds", &format!("kind=\"{}\"", kind.name()));
            }
        }
        out
    }
}

fn fleet_labels(fleet: &FleetSummary) -> String {
    format!("application=\"{}\",compat=\"{}\"", fleet.key.application, fleet.key.short_compat())
}

fn labelled(out: &mut String, name: &str, help: &str, label: &str, values: &BTreeMap<&'static str, u64>) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
    for (value, count) in values {
        let _ = writeln!(out, "{name}{{{label}=\"{value}\"}} {count}");
    }
}

fn bump(map: &Mutex<BTreeMap<&'static str, u64>>, key: &'static str) {
    *lock(map).entry(key).or_default() += 1;
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Reads one sample's value from a Prometheus text page: the line `name value` (the name
/// including any `{labels}` exactly as rendered). For `status` and tests.
pub fn sample_value(page: &str, name: &str) -> Option<f64> {
    page.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| line.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .and_then(|value| value.trim().parse().ok())
}

/// Estimates quantile `q` of a histogram from a Prometheus text page: the upper bound of the
/// first cumulative bucket reaching the rank (`None` if the histogram is absent or empty).
/// `labels` selects one series (`kind="ProfileDelta"`), written as rendered; empty for none.
pub fn quantile_from_page(page: &str, histogram: &str, labels: &str, q: f64) -> Option<f64> {
    let sep = if labels.is_empty() { "" } else { "," };
    let prefix = format!("{histogram}_bucket{{{labels}{sep}le=\"");
    let buckets: Vec<(f64, f64)> = page
        .lines()
        .filter_map(|line| line.strip_prefix(prefix.as_str()))
        .filter_map(|rest| {
            let (bound, count) = rest.split_once("\"} ")?;
            let bound = if bound == "+Inf" { f64::INFINITY } else { bound.parse().ok()? };
            Some((bound, count.trim().parse().ok()?))
        })
        .collect();
    let total = buckets.last()?.1;
    if total <= 0.0 {
        return None;
    }
    let rank = (q.clamp(0.0, 1.0) * total).ceil().max(1.0);
    buckets.iter().find(|(_, cumulative)| *cumulative >= rank).map(|(bound, _)| *bound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_come_from_the_right_bucket() {
        let histogram = Histogram::default();
        for _ in 0..98 {
            histogram.observe(Duration::from_micros(80));
        }
        histogram.observe(Duration::from_millis(3));
        histogram.observe(Duration::from_millis(40));
        assert_eq!(histogram.quantile_upper_bound(0.5), Some(0.0001));
        assert_eq!(histogram.quantile_upper_bound(0.99), Some(0.005));
        assert_eq!(histogram.quantile_upper_bound(1.0), Some(0.05));
        assert_eq!(Histogram::default().quantile_upper_bound(0.99), None);
    }

    #[test]
    fn the_page_carries_labelled_counters_and_a_cumulative_histogram() {
        let metrics = Metrics::default();
        metrics.message(MessageKind::ProfileDelta);
        metrics.message(MessageKind::ProfileDelta);
        metrics.error("forbidden_upload");
        metrics.observe_handling(MessageKind::ProfileDelta, Duration::from_micros(30));
        metrics.observe_handling(MessageKind::ProfileDelta, Duration::from_secs(10));
        metrics.observe_handling(MessageKind::CodeRequest, Duration::from_millis(3));
        let page = metrics.render(ServerStats { accepted: 3, refused: 1 }, StoreUsage::default(), &[]);
        assert_eq!(sample_value(&page, "jitfleet_messages_total{kind=\"ProfileDelta\"}"), Some(2.0));
        assert_eq!(sample_value(&page, "jitfleet_errors_total{kind=\"forbidden_upload\"}"), Some(1.0));
        assert_eq!(sample_value(&page, "jitfleet_connections_accepted_total"), Some(3.0));
        let delta = "kind=\"ProfileDelta\"";
        assert_eq!(sample_value(&page, &format!("jitfleet_message_handling_seconds_bucket{{{delta},le=\"0.00005\"}}")), Some(1.0));
        assert_eq!(sample_value(&page, &format!("jitfleet_message_handling_seconds_bucket{{{delta},le=\"+Inf\"}}")), Some(2.0));
        assert_eq!(sample_value(&page, &format!("jitfleet_message_handling_seconds_count{{{delta}}}")), Some(2.0));
        assert_eq!(quantile_from_page(&page, "jitfleet_message_handling_seconds", delta, 0.5), Some(0.00005));
        assert_eq!(quantile_from_page(&page, "jitfleet_message_handling_seconds", delta, 0.99), Some(f64::INFINITY));
        assert_eq!(quantile_from_page(&page, "jitfleet_message_handling_seconds", "kind=\"CodeRequest\"", 0.99), Some(0.005));
        assert_eq!(quantile_from_page("", "jitfleet_message_handling_seconds", delta, 0.99), None);
    }
}
