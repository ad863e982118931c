//! `jitfleet doctor`: starts `java -version` with the agent in doctor mode and prints what it
//! found, so a person learns in one command whether this JVM can take part.

use jitfleet_transport::doctor::DoctorReport;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Finds libjitfleet.so: the explicit path, then next to this executable (cargo puts both in
/// the same target directory), then `$JITFLEET_AGENT`.
pub fn find_agent(explicit: Option<PathBuf>) -> Result<PathBuf, String> {
    if let Some(p) = explicit {
        return if p.is_file() { Ok(p) } else { Err(format!("agent {} not found", p.display())) };
    }
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("libjitfleet.so")))
        .filter(|p| p.is_file());
    let from_env = std::env::var_os("JITFLEET_AGENT").map(PathBuf::from).filter(|p| p.is_file());
    beside.or(from_env).ok_or_else(|| {
        "libjitfleet.so not found next to jitfleet nor in $JITFLEET_AGENT; pass --agent PATH".into()
    })
}

pub fn run(java: &Path, agent: Option<PathBuf>, json: bool, jvm_args: &[String]) -> Result<ExitCode, String> {
    let agent = find_agent(agent)?;
    let agent = agent.canonicalize().map_err(|e| format!("{}: {e}", agent.display()))?;
    let report_path = std::env::temp_dir().join(format!("jitfleet-doctor-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&report_path);
    let output = Command::new(java)
        .arg(format!("-agentpath:{}=mode=doctor,doctor_out={}", agent.display(), report_path.display()))
        .args(jvm_args)
        .arg("-version")
        // The report is about this JVM, not about whatever JITFLEET_* the shell has.
        .env_remove("JITFLEET_MODE")
        .env_remove("JAVA_TOOL_OPTIONS")
        .output()
        .map_err(|e| format!("cannot start {}: {e}", java.display()))?;
    let text = std::fs::read_to_string(&report_path).map_err(|e| {
        format!(
            "the agent wrote no report ({e}); java exited with {} and said:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    let _ = std::fs::remove_file(&report_path);
    let report: DoctorReport =
        serde_json::from_str(&text).map_err(|e| format!("unreadable doctor report: {e}"))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?);
    } else {
        print_report(&report);
    }
    Ok(if report.can_take_part() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn print_report(report: &DoctorReport) {
    println!("jitfleet {} in {} ({})", report.agent_version, report.java_home, report.vm_name);
    match &report.compat {
        Some(key) => print!("{key}"),
        None => println!("compat key: unavailable"),
    }
    println!("features:");
    for f in &report.features {
        let state = if f.available { "yes" } else { "no" };
        match &f.reason {
            Some(r) => println!("  {:<14} {state} ({r})", f.name),
            None => println!("  {:<14} {state}", f.name),
        }
    }
    if report.can_take_part() {
        println!("verdict: this JVM can take part");
    } else {
        println!("verdict: this JVM cannot take part:");
        for p in &report.problems {
            println!("  - {p}");
        }
    }
}
