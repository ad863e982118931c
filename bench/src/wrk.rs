//! Drives `wrk` (HTTP load generator) one second at a time and reads its summary, so that
//! a service run yields throughput and latency for every second from the first request on.

use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::error::{BenchError, Result};

/// Load settings: one wrk thread (the machine has two cores; the service needs the other)
/// and a few keep-alive connections (closed-loop load).
pub const THREADS: u32 = 1;
pub const CONNECTIONS: u32 = 4;

/// One second of load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecondSample {
    pub requests_per_s: f64,
    pub p50_us: f64,
    pub p99_us: f64,
    /// Socket errors and non-2xx/3xx responses reported by wrk.
    pub errors: u64,
}

/// Runs wrk for one second against `url`.
pub fn one_second(url: &str) -> Result<SecondSample> {
    let output = Command::new("wrk")
        .args(["-t", &THREADS.to_string(), "-c", &CONNECTIONS.to_string(), "-d", "1s", "--latency", url])
        .output()
        .map_err(|source| BenchError::Spawn { program: "wrk".into(), source })?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        return Err(BenchError::ToolFailed {
            what: format!("wrk {url}"),
            status: output.status.to_string(),
            detail: format!("{}{}", text, String::from_utf8_lossy(&output.stderr)),
        });
    }
    parse(&text)
}

/// Reads `Requests/sec`, the 50% and 99% latency lines and error counts of wrk's summary.
pub fn parse(text: &str) -> Result<SecondSample> {
    let fail = |detail: &str| BenchError::Wrk { detail: detail.to_string(), output: text.to_string() };
    let mut requests_per_s = None;
    let mut p50_us = None;
    let mut p99_us = None;
    let mut errors = 0u64;
    for line in text.lines().map(str::trim) {
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("Requests/sec:"), Some(v)) => requests_per_s = v.parse::<f64>().ok(),
            (Some("50%"), Some(v)) => p50_us = duration_us(v),
            (Some("99%"), Some(v)) => p99_us = duration_us(v),
            (Some("Non-2xx"), _) => errors += line.rsplit(' ').next().and_then(|v| v.parse::<u64>().ok()).unwrap_or(0),
            (Some("Socket"), Some("errors:")) => {
                // "Socket errors: connect 0, read 0, write 0, timeout 0"
                errors += line
                    .split(',')
                    .filter_map(|part| part.rsplit(' ').next()?.parse::<u64>().ok())
                    .sum::<u64>();
            }
            _ => {}
        }
    }
    Ok(SecondSample {
        requests_per_s: requests_per_s.ok_or_else(|| fail("no Requests/sec line"))?,
        // No latency lines when not a single request completed.
        p50_us: p50_us.unwrap_or(f64::NAN),
        p99_us: p99_us.unwrap_or(f64::NAN),
        errors,
    })
}

/// wrk prints durations as `812.00us`, `3.89ms` or `1.02s`.
fn duration_us(text: &str) -> Option<f64> {
    let (number, scale) = if let Some(n) = text.strip_suffix("us") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1e3)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60e6)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1e6)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|v| v * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "Running 1s test @ http://127.0.0.1:39705/catalog?category=7
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.54ms    5.60ms  32.07ms   84.77%
    Req/Sec     0.93k   552.07     1.75k    50.00%
  Latency Distribution
     50%    3.89ms
     75%    8.36ms
     90%   13.28ms
     99%   1.02s
  927 requests in 1.01s, 1.46MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 5
Requests/sec:    921.13
Transfer/sec:      1.45MB
";

    #[test]
    fn parses_a_summary() {
        let s = parse(SAMPLE).unwrap();
        assert_eq!(s.requests_per_s, 921.13);
        assert!((s.p50_us - 3890.0).abs() < 1e-6);
        assert!((s.p99_us - 1_020_000.0).abs() < 1e-6);
        assert_eq!(s.errors, 8);
    }

    #[test]
    fn durations() {
        assert_eq!(duration_us("812.00us"), Some(812.0));
        assert_eq!(duration_us("2.50ms"), Some(2500.0));
        assert_eq!(duration_us("abc"), None);
    }

    #[test]
    fn summary_without_throughput_is_an_error() {
        assert!(parse("Running 1s test\n").is_err());
    }
}
