//! The workload table: what each driver runs, and how long in quick and full mode.

use crate::layout::Layout;

/// How a workload is driven and measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// N timed iterations in one JVM.
    Batch,
    /// A server under `wrk` load, measured second by second from the first request.
    Service,
    /// A JVM that does nothing: start-up and shut-down cost only.
    Startup,
}

/// One row of the workload table.
#[derive(Debug, Clone, Copy)]
pub struct Workload {
    /// Name used on the command line, in the driver (`Bench <name>`) and in the results.
    pub name: &'static str,
    pub kind: Kind,
    pub summary: &'static str,
}

pub const WORKLOADS: &[Workload] = &[
    Workload { name: "startup", kind: Kind::Startup, summary: "empty main: JVM start-up and exit" },
    Workload { name: "h2", kind: Kind::Batch, summary: "H2 2.1 in-memory SQL: create, batch insert 5.5k rows, index, joins, aggregates, update" },
    Workload { name: "xalan", kind: Kind::Batch, summary: "Xalan-J 2.7 XSLT: compile a stylesheet, transform a 1k-item catalogue (keys, sorts, sums)" },
    Workload { name: "lucene", kind: Kind::Batch, summary: "Lucene 4.10: index 1k generated documents in a RAMDirectory, run 200 queries" },
    Workload { name: "rhino", kind: Kind::Batch, summary: "Rhino 1.7 JavaScript: expression interpreter, sieve, sort, JSON round trip" },
    Workload { name: "javac", kind: Kind::Batch, summary: "javac (javax.tools, in memory): compile the bench's own 13 driver sources" },
    Workload { name: "service", kind: Kind::Service, summary: "Tomcat 10 embedded, one JSON servlet, wrk -t1 -c4 from a second process" },
];

/// Looks a workload up by name.
pub fn find(name: &str) -> Option<&'static Workload> {
    WORKLOADS.iter().find(|w| w.name == name)
}

/// How much to run: `quick` (about five minutes on two cores) or `full`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
pub enum Profile {
    Quick,
    Full,
}

impl Profile {
    /// Interleaved rounds (every mode runs once per round).
    pub fn rounds(self) -> u32 {
        match self {
            Profile::Quick => 2,
            Profile::Full => 5,
        }
    }

    /// Timed iterations of a measured run (seconds of load for a service).
    pub fn iterations(self, kind: Kind) -> u32 {
        match (self, kind) {
            (_, Kind::Startup) => 1,
            (Profile::Quick, Kind::Batch) => 10,
            (Profile::Full, Kind::Batch) => 60,
            (Profile::Quick, Kind::Service) => 10,
            (Profile::Full, Kind::Service) => 30,
        }
    }

    /// Iterations (seconds of load) of a training run for class archives and AOT caches.
    pub fn training_iterations(self, kind: Kind) -> u32 {
        match (self, kind) {
            (_, Kind::Startup) => 1,
            (Profile::Quick, _) => 3,
            (Profile::Full, _) => 15,
        }
    }
}

impl Workload {
    /// Arguments after `Bench <name> <iterations>`.
    pub fn driver_args(&self, layout: &Layout) -> Vec<String> {
        match self.name {
            "rhino" => vec![layout.rhino_script().display().to_string()],
            "javac" => vec![layout.java_sources().display().to_string(), Layout::library_classpath()],
            _ => Vec::new(),
        }
    }
}
