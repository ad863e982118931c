//! Makes the jitfleet agent available to the observe mode: builds it in release mode from
//! the repository root (into `<repo>/target/release/libjitfleet.so`) and checks that a JVM
//! starts with it. Any failure is a reason to skip the mode, never to stop the benchmark.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::layout::{Layout, JDK17_HOME};

/// A usable agent library, with what the probe JVM printed about it.
#[derive(Debug, Clone)]
pub struct Agent {
    pub library: PathBuf,
    pub probe_output: String,
}

/// Finds (or builds, when `explicit` is `None` and `build` is set) and probes the agent.
/// `Err` carries the one-line reason shown to the user when the mode is skipped.
pub fn prepare(layout: &Layout, explicit: Option<PathBuf>, build: bool) -> Result<Agent, String> {
    let library = match explicit {
        Some(path) => path,
        None => {
            if build {
                build_release(&layout.repo_root)?;
            }
            layout.repo_root.join("target/release/libjitfleet.so")
        }
    };
    if !library.exists() {
        return Err(format!("{} does not exist", library.display()));
    }
    let probe_output = probe(&library)?;
    Ok(Agent { library, probe_output })
}

fn build_release(repo_root: &Path) -> Result<(), String> {
    eprintln!("building the agent: cargo build --release -p jitfleet-agent (in {})", repo_root.display());
    let output = Command::new("cargo")
        .args(["build", "--release", "-p", "jitfleet-agent"])
        .current_dir(repo_root)
        // The benchmark documents <repo>/target/release; a target dir inherited from the
        // shell that started the harness would put the library elsewhere.
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first_error = stderr.lines().find(|l| l.starts_with("error")).unwrap_or("see cargo output");
    Err(format!("the agent does not build yet ({first_error})"))
}

/// Starts `java -version` with the agent in observe mode; the JVM must start and exit 0.
fn probe(library: &Path) -> Result<String, String> {
    let output = Command::new(Path::new(JDK17_HOME).join("bin/java"))
        .arg(format!("-agentpath:{}", library.display()))
        .arg("-version")
        .env("JITFLEET_MODE", "observe")
        .output()
        .map_err(|e| format!("cannot start java: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let agent_lines: Vec<&str> = stderr.lines().filter(|l| !l.contains("openjdk") && !l.contains("OpenJDK")).collect();
    if !output.status.success() || stderr.contains("Could not find agent library") {
        return Err(format!("the agent does not load: {} ({})", output.status, agent_lines.join(" | ")));
    }
    if agent_lines.is_empty() {
        return Ok("java -version starts and exits 0 with the agent, nothing printed".into());
    }
    Ok(agent_lines.join(" | "))
}
