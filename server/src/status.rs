//! `jitfleet-server status`: a short report for operators, from a running server's metrics
//! page or from a store directory on disk.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use crate::http::{fetch, FetchError};
use crate::metrics::{quantile_from_page, sample_value};
use crate::store::{inspect, StoreError};
use jitfleet_transport::wire::MessageKind;

/// Report on a running server, from its Prometheus page.
pub fn from_metrics_url(url: &str) -> Result<String, FetchError> {
    let page = fetch(url, Duration::from_secs(5))?;
    Ok(summarise_page(&page))
}

/// Turns a metrics page into a few lines a person reads.
pub fn summarise_page(page: &str) -> String {
    let value = |name: &str| sample_value(page, name).unwrap_or(0.0);
    let mut out = String::new();
    let _ = writeln!(out, "sessions    {} open, {} started", value("jitfleet_sessions_open"), value("jitfleet_sessions_started_total"));
    let _ = writeln!(
        out,
        "connections {} accepted, {} refused at TLS",
        value("jitfleet_connections_accepted_total"),
        value("jitfleet_handshakes_refused_tls_total")
    );
    let _ = writeln!(
        out,
        "store       {} blobs, {} of {} bytes, {} evicted, {} quarantined",
        value("jitfleet_store_blobs"),
        value("jitfleet_store_bytes"),
        value("jitfleet_store_max_bytes"),
        value("jitfleet_store_evictions_total"),
        value("jitfleet_store_quarantined_total")
    );
    let _ = writeln!(
        out,
        "code        {} stored, {} served ({} bytes)",
        value("jitfleet_code_uploads_stored_total"),
        value("jitfleet_code_served_total"),
        value("jitfleet_code_served_bytes_total")
    );
    for kind in MessageKind::ALL {
        let labels = format!("kind=\"{}\"", kind.name());
        if let Some(p99) = quantile_from_page(page, "jitfleet_message_handling_seconds", &labels, 0.99) {
            let count = value(&format!("jitfleet_message_handling_seconds_count{{{labels}}}"));
            let _ = writeln!(out, "latency     {:<14} p99 <= {:.3} ms over {count} messages", kind.name(), p99 * 1e3);
        }
    }
    for prefix in ["jitfleet_fleet_profile_methods{", "jitfleet_messages_total{", "jitfleet_errors_total{", "jitfleet_hello_refused_total{"] {
        for line in page.lines().filter(|line| line.starts_with(prefix)) {
            let _ = writeln!(out, "  {}", line.trim_start_matches("jitfleet_"));
        }
    }
    out
}

/// Report on a store directory, read-only.
pub fn from_store(dir: &Path) -> Result<String, StoreError> {
    let inspection = inspect(dir)?;
    let mut out = String::new();
    let (blobs, bytes) = inspection.fleets.values().fold((0, 0), |(b, s), (blobs, bytes)| (b + blobs, s + bytes));
    let _ = writeln!(out, "store {}: {blobs} intact blobs, {bytes} bytes, {} in quarantine", dir.display(), inspection.quarantined);
    for (fleet, (blobs, bytes)) in &inspection.fleets {
        let _ = writeln!(out, "  fleet {fleet}: {blobs} blobs, {bytes} bytes");
    }
    for (path, reason) in &inspection.damaged {
        let _ = writeln!(out, "  DAMAGED {}: {reason} (quarantined at the next start)", path.display());
    }
    Ok(out)
}
