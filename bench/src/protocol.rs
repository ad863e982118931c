//! The line protocol the Java drivers print (see `java/src/jitfleet/bench/Bench.java`):
//! lines starting with `JF-BENCH ` carry `key=value` facts; every other line is the
//! application's own output and is ignored.

/// Prefix of every protocol line.
pub const PREFIX: &str = "JF-BENCH ";

/// Everything a driver reported during one run.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct DriverReport {
    /// Wall-clock time of the first statement of `main`, in microseconds since the epoch.
    pub main_epoch_us: Option<u64>,
    /// Port of the service, once it is ready.
    pub ready_port: Option<u16>,
    pub iteration_ns: Vec<u64>,
    pub checksum: Option<String>,
    pub cpu_ns: Option<i64>,
    pub c1_cpu_ns: Option<i64>,
    pub c2_cpu_ns: Option<i64>,
    pub rss_hwm_kb: Option<i64>,
    /// `error=` lines (a checksum that changed between iterations) and warnings.
    pub problems: Vec<String>,
}

impl DriverReport {
    /// Folds one output line into the report; returns what was wrong with a protocol line
    /// that could not be read.
    pub fn absorb(&mut self, line: &str) -> Result<(), String> {
        let Some(facts) = line.strip_prefix(PREFIX) else {
            return Ok(());
        };
        if let Some(problem) = facts.strip_prefix("error=").or_else(|| facts.strip_prefix("warning=")) {
            self.problems.push(problem.to_string());
            return Ok(());
        }
        let mut iteration = None;
        for fact in facts.split_whitespace() {
            if fact == "ready" {
                // `ready port=N`: the word itself carries no value.
                continue;
            }
            let (key, value) = fact.split_once('=').ok_or_else(|| format!("no '=' in {fact:?} of {line:?}"))?;
            let bad = |e: std::num::ParseIntError| format!("bad {key} value {value:?}: {e}");
            match key {
                "main_epoch_us" => self.main_epoch_us = Some(value.parse().map_err(bad)?),
                "port" => self.ready_port = Some(value.parse().map_err(|e| format!("bad port {value:?}: {e}"))?),
                "iter" => iteration = Some(value.parse::<usize>().map_err(|e| format!("bad iter {value:?}: {e}"))?),
                "ns" => {
                    let expected = self.iteration_ns.len();
                    if iteration != Some(expected) {
                        return Err(format!("iteration {iteration:?} out of order, expected {expected}"));
                    }
                    self.iteration_ns.push(value.parse().map_err(bad)?);
                }
                "checksum" => self.checksum = Some(value.to_string()),
                "cpu_ns" => self.cpu_ns = Some(value.parse().map_err(bad)?),
                "c1_cpu_ns" => self.c1_cpu_ns = Some(value.parse().map_err(bad)?),
                "c2_cpu_ns" => self.c2_cpu_ns = Some(value.parse().map_err(bad)?),
                "rss_hwm_kb" => self.rss_hwm_kb = Some(value.parse().map_err(bad)?),
                // Unknown keys from a newer driver are ignored.
                _ => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_batch_run() {
        let mut report = DriverReport::default();
        for line in [
            "JF-BENCH main_epoch_us=1795435289634143",
            "some application output",
            "JF-BENCH iter=0 ns=2776596807",
            "JF-BENCH iter=1 ns=921243769",
            "JF-BENCH checksum=c097d1d6b072027e",
            "JF-BENCH cpu_ns=11900000000 c1_cpu_ns=780000000 c2_cpu_ns=5180000000 rss_hwm_kb=442436",
        ] {
            report.absorb(line).unwrap();
        }
        assert_eq!(report.main_epoch_us, Some(1795435289634143));
        assert_eq!(report.iteration_ns, vec![2776596807, 921243769]);
        assert_eq!(report.checksum.as_deref(), Some("c097d1d6b072027e"));
        assert_eq!(report.cpu_ns, Some(11_900_000_000));
        assert_eq!(report.c2_cpu_ns, Some(5_180_000_000));
        assert_eq!(report.rss_hwm_kb, Some(442436));
    }

    #[test]
    fn reads_ready_port_and_problems() {
        let mut report = DriverReport::default();
        report.absorb("JF-BENCH ready port=39705").unwrap();
        report.absorb("JF-BENCH error=iteration 3 checksum 1 differs from 2").unwrap();
        assert_eq!(report.ready_port, Some(39705));
        assert_eq!(report.problems.len(), 1);
    }

    #[test]
    fn rejects_bad_lines() {
        let mut report = DriverReport::default();
        assert!(report.absorb("JF-BENCH iter=0 ns=abc").is_err());
        assert!(report.absorb("JF-BENCH iter=5 ns=10").is_err(), "out-of-order iteration");
        assert!(report.absorb("JF-BENCH garbage").is_err());
    }
}
