//! Where things are: the bench directory, its scratch space, the third-party jars.

use std::path::{Path, PathBuf};

use crate::error::{BenchError, Result};

/// Third-party jars of the workloads, as installed by `bench/setup.sh` (Debian packages
/// libh2-java, libxalan2-java, liblucene4.10-java, rhino, libtomcat10-embed-java,
/// libjakarta-annotation-api-java). Jars only: class archives (AppCDS, AOT cache) accept
/// no directories on the class path.
pub const LIBRARY_JARS: &[&str] = &[
    "/usr/share/java/h2.jar",
    "/usr/share/java/xalan2.jar",
    "/usr/share/java/serializer.jar",
    "/usr/share/java/lucene-core-4.10.4.jar",
    "/usr/share/java/lucene-analyzers-common-4.10.4.jar",
    "/usr/share/java/js.jar",
    "/usr/share/java/tomcat10-embed-core.jar",
    "/usr/share/java/jakarta-annotation-api.jar",
];

/// JDK 17 from Debian (the JDK jitfleet targets).
pub const JDK17_HOME: &str = "/usr/lib/jvm/java-17-openjdk-amd64";
/// JDK 25 (Temurin), optional: its modes are skipped when it is absent.
pub const JDK25_HOME: &str = "/usr/lib/jvm/temurin-25-jdk-amd64";

/// Paths of one benchmark checkout.
#[derive(Debug, Clone)]
pub struct Layout {
    /// `bench/` of the repository.
    pub bench_dir: PathBuf,
    /// The repository root (where `cargo build -p jitfleet-agent` runs).
    pub repo_root: PathBuf,
    /// `bench/work/`: compiled drivers, class archives, logs. Not committed.
    pub work_dir: PathBuf,
}

impl Layout {
    /// The layout around `bench_dir` (by default the directory this crate was built from).
    pub fn new(bench_dir: Option<PathBuf>) -> Layout {
        let bench_dir = bench_dir.unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
        let repo_root = bench_dir.parent().map(Path::to_path_buf).unwrap_or_else(|| bench_dir.clone());
        let work_dir = bench_dir.join("work");
        Layout { bench_dir, repo_root, work_dir }
    }

    pub fn java_sources(&self) -> PathBuf {
        self.bench_dir.join("java/src")
    }

    pub fn rhino_script(&self) -> PathBuf {
        self.bench_dir.join("java/js/workload.js")
    }

    pub fn drivers_jar(&self) -> PathBuf {
        self.work_dir.join("drivers.jar")
    }

    pub fn logs_dir(&self) -> PathBuf {
        self.work_dir.join("logs")
    }

    /// Class path of the third-party libraries only (what javac compiles against).
    pub fn library_classpath() -> String {
        LIBRARY_JARS.join(":")
    }

    /// Class path of a workload run: the drivers, then the libraries.
    pub fn run_classpath(&self) -> String {
        format!("{}:{}", self.drivers_jar().display(), Self::library_classpath())
    }

    /// Fails with a pointer to `setup.sh` when a library jar is missing.
    pub fn check_libraries() -> Result<()> {
        for jar in LIBRARY_JARS {
            if !Path::new(jar).exists() {
                return Err(BenchError::Missing { path: jar.into(), hint: "run bench/setup.sh (installs the Debian packages)" });
            }
        }
        Ok(())
    }
}
