//! `ShareFolded` (a static final from a system property, folded by C2) run with or without the
//! agent: shared by the soundness and operations tests.

use crate::{agent_arg, java_cmd, run, stderr, storm_args};
use std::path::Path;
use std::process::Output;

pub const JVMCI: [&str; 2] = ["-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI"];
pub const ROUNDS: &str = "20000";
/// Pause after the first call: time for the installer before the method gets hot.
pub const PAUSE_MS: &str = "1500";

/// `ShareFolded ROUNDS pause` with `-Djf.folded=factor` and, if given, the agent's options.
pub fn run_folded(factor: u32, agent: Option<String>, pause: &str) -> Output {
    let mut cmd = java_cmd();
    cmd.args(JVMCI).arg(format!("-Djf.folded={factor}"));
    if let Some(a) = agent {
        cmd.arg(agent_arg(&a));
    }
    let o = run(cmd.args(["ShareFolded", ROUNDS, pause]));
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

/// An installing run that must install `ShareFolded.mix`: its pause ends when `mix` has
/// level-4 code (`InstallWait`, WhiteBox on), at most a minute.
pub fn run_folded_installing(factor: u32, agent: String) -> Output {
    let mut cmd = java_cmd();
    cmd.args(JVMCI).arg(format!("-Djf.folded={factor}")).args(storm_args()).arg(agent_arg(&agent));
    let o = run(cmd.args(["ShareFolded", ROUNDS, "60000"]));
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

/// A capturing run that must have captured `ShareFolded.mix`.
pub fn capture_folded(dir: &Path, factor: u32) -> Output {
    let o = run_folded(factor, Some(format!("mode=capture,cache_dir={},log=info", dir.display())), "0");
    assert!(stderr(&o).contains("captured ShareFolded.mix(I)I"), "{}", stderr(&o));
    o
}
