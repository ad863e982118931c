//! Helpers for the integration tests: build the agent and the `jitfleet` command, compile the
//! Java test programs, run real JVMs with and without the agent.
//!
//! Nothing about the JVM is mocked: every test starts `java` (Debian's OpenJDK 17 unless
//! `JAVA_HOME` says otherwise) with the real `libjitfleet.so`.

pub mod folded;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The workspace root (parent of this crate).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// Cargo's target directory; a relative `CARGO_TARGET_DIR` is relative to the workspace (where
/// cargo was started), not to this crate (where tests run).
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace().join(dir),
        None => workspace().join("target"),
    }
}

/// Builds the agent and the CLI once per test binary (debug profile) and returns the target
/// directory holding `libjitfleet.so` and `jitfleet`.
pub fn built() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .args(["build", "-q", "-p", "jitfleet-agent", "-p", "jitfleet-cli"])
            .current_dir(workspace())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the agent failed");
        target_dir().join("debug")
    })
}

pub fn agent() -> PathBuf {
    built().join("libjitfleet.so")
}

pub fn jitfleet_cli() -> PathBuf {
    built().join("jitfleet")
}

/// The `java` launcher under test.
pub fn java() -> PathBuf {
    match std::env::var_os("JAVA_HOME") {
        Some(home) => PathBuf::from(home).join("bin/java"),
        None => PathBuf::from("java"),
    }
}

fn javac() -> PathBuf {
    match std::env::var_os("JAVA_HOME") {
        Some(home) => PathBuf::from(home).join("bin/javac"),
        None => PathBuf::from("javac"),
    }
}

/// Compiles every `tests/java/*.java` once per test binary; returns the class directory.
pub fn classes() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = scratch("classes");
        let sources: Vec<PathBuf> = std::fs::read_dir(workspace().join("tests/java"))
            .expect("tests/java exists")
            .map(|e| e.expect("readable dir").path())
            .filter(|p| p.extension().is_some_and(|e| e == "java"))
            .collect();
        let status = Command::new(javac())
            .arg("-d")
            .arg(&out)
            .args(&sources)
            .status()
            .expect("javac runs (install a JDK: openjdk-17-jdk-headless)");
        assert!(status.success(), "javac failed");
        out
    })
}

/// Compiles the deoptimisation storm (`tests/java/stress/`) once per test binary; returns the
/// directory to put on the boot class path (see [`storm_args`]).
pub fn storm_classes() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = scratch("storm-classes");
        let root = workspace().join("tests/java/stress");
        let sources = [root.join("sun/hotspot/WhiteBox.java"), root.join("jitfleet/stress/Storm.java")];
        let status = Command::new(javac()).arg("-d").arg(&out).args(&sources).status().expect("javac runs");
        assert!(status.success(), "javac (storm) failed");
        out
    })
}

/// The stress configuration of the differential suites: a tiny Serial heap (frequent GCs),
/// every GC verified, and a safepoint every millisecond.
pub const STRESS_FLAGS: [&str; 6] = [
    "-XX:+UseSerialGC",
    "-Xmx16m",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+VerifyBeforeGC",
    "-XX:+VerifyAfterGC",
    "-XX:GuaranteedSafepointInterval=1",
];

/// JVM arguments that let `jitfleet.stress.Storm` run: it on the boot class path and the
/// WhiteBox API on, with HotSpot's own messages (warnings about WhiteBox natives the storm
/// does not declare) on stderr. Launch as `jitfleet.stress.Storm PERIOD_MICROS MAIN ARGS...`.
pub fn storm_args() -> Vec<String> {
    vec![
        format!("-Xbootclasspath/a:{}", storm_classes().display()),
        "-XX:+UnlockDiagnosticVMOptions".to_string(),
        "-XX:+WhiteBoxAPI".to_string(),
        "-XX:+DisplayVMOutputToStderr".to_string(),
    ]
}

/// A fresh directory for one test under the target directory.
pub fn scratch(name: &str) -> PathBuf {
    let dir = target_dir().join("test-scratch").join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A `java` command with the test classes on the class path and no inherited agent settings.
pub fn java_cmd() -> Command {
    let mut cmd = Command::new(java());
    cmd.arg("-cp").arg(classes());
    for (k, _) in std::env::vars() {
        if k.starts_with("JITFLEET_") {
            cmd.env_remove(k);
        }
    }
    // Cargo points LD_LIBRARY_PATH at its target and toolchain directories for test binaries;
    // a JVM under test should see the machine as a user's shell does.
    cmd.env_remove("LD_LIBRARY_PATH");
    cmd.env_remove("JAVA_TOOL_OPTIONS").env_remove("_JAVA_OPTIONS").env_remove("JDK_JAVA_OPTIONS");
    cmd
}

/// `-agentpath:<libjitfleet.so>[=options]`.
pub fn agent_arg(options: &str) -> String {
    if options.is_empty() {
        format!("-agentpath:{}", agent().display())
    } else {
        format!("-agentpath:{}={options}", agent().display())
    }
}

/// Runs a command, returning its output; panics only if it cannot start.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Builds `jitfleet-server` once per test binary (debug profile) and returns its path.
pub fn server_bin() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let status = Command::new(env!("CARGO"))
                .args(["build", "-q", "-p", "jitfleet-server"])
                .current_dir(workspace())
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building jitfleet-server failed");
            target_dir().join("debug/jitfleet-server")
        })
        .clone()
}

/// The deoptimisation storm's report in a log — its `storm: R rounds, F frames deoptimised, G
/// young GCs` line — and `F`; panics (failing the test) when the line is missing or malformed.
/// The report may share its line with the agent's log: the storm prints it from a shutdown
/// hook while the agent's threads may still write to stderr.
pub fn storm_frames(log: &str) -> (&str, u64) {
    let line = log
        .lines()
        .find_map(|l| l.find("storm: ").map(|at| &l[at..]).filter(|r| r.contains(" frames deoptimised")))
        .unwrap_or_else(|| panic!("no storm line: {log}"));
    let frames = line.split_whitespace().nth(3).and_then(|w| w.parse().ok()).unwrap_or_else(|| panic!("{line}"));
    (line, frames)
}
