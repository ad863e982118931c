//! `jitfleet cache verify DIR [-- JVM options]`: starts `java -version` of the given
//! configuration with the agent in verify mode (like `jitfleet doctor`), which checks every
//! portable nmethod of DIR against that JVM without running the application: format version,
//! payload hash and file name, compat key, and the bytes of the classes the code names where
//! the class path given can load them. Prints one verdict per file and a summary; exits 1 when
//! a file is corrupt, 0 otherwise.

use crate::doctor::find_agent;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

pub fn run(java: &Path, agent: Option<PathBuf>, dir: &Path, json: bool, jvm_args: &[String]) -> Result<ExitCode, String> {
    let agent = find_agent(agent)?;
    let agent = agent.canonicalize().map_err(|e| format!("{}: {e}", agent.display()))?;
    let dir = dir.canonicalize().map_err(|e| format!("cache directory {}: {e}", dir.display()))?;
    if dir.to_string_lossy().contains(',') {
        return Err(format!("{}: a cache directory with ',' in its path cannot be passed to the agent", dir.display()));
    }
    let report_path = std::env::temp_dir().join(format!("jitfleet-verify-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&report_path);
    let output = Command::new(java)
        .arg(format!("-agentpath:{}=mode=verify,cache_dir={},doctor_out={}", agent.display(), dir.display(), report_path.display()))
        .args(jvm_args)
        .arg("-version")
        .env_remove("JITFLEET_MODE")
        .env_remove("JITFLEET_DENY")
        .env_remove("JAVA_TOOL_OPTIONS")
        .output()
        .map_err(|e| format!("cannot start {}: {e}", java.display()))?;
    let text = std::fs::read_to_string(&report_path).map_err(|e| {
        format!("the agent wrote no report ({e}); java exited with {} and said:\n{}", output.status, String::from_utf8_lossy(&output.stderr))
    })?;
    let _ = std::fs::remove_file(&report_path);
    let report: Value = serde_json::from_str(&text).map_err(|e| format!("unreadable verify report: {e}"))?;
    if json {
        println!("{text}");
    } else {
        print!("{}", render(&report));
    }
    let corrupt = report["summary"]["corrupt"].as_u64().unwrap_or(0);
    Ok(if corrupt > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// One line per file (`VERDICT  METHOD  FILE  detail`), then the summary.
fn render(report: &Value) -> String {
    let mut out = String::new();
    let empty = Vec::new();
    let files = report["files"].as_array().unwrap_or(&empty);
    for f in files {
        let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
        out.push_str(&format!("{:<20} {}  {}  {}\n", s("verdict"), s("method"), s("file"), s("detail")));
    }
    let summary: Vec<String> = report["summary"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| format!("{k}={v}")).collect())
        .unwrap_or_default();
    out.push_str(&format!("{} files in {}: {}\n", files.len(), report["dir"].as_str().unwrap_or(""), summary.join(" ")));
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_one_line_per_file_and_a_summary() {
        let report = serde_json::json!({
            "dir": "/c",
            "files": [{ "file": "ab.jfnm", "method": "A.m()V", "verdict": "ok", "detail": "2 classes checked" }],
            "summary": { "ok": 1 }
        });
        let text = super::render(&report);
        assert!(text.starts_with("ok                   A.m()V  ab.jfnm  2 classes checked\n"), "{text}");
        assert!(text.ends_with("1 files in /c: ok=1\n"), "{text}");
    }
}
