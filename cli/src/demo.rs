//! `jitfleet demo`: the agent observing a real workload — javac compiling a few hundred
//! generated classes — shown side by side with a run without the agent.
//!
//! What a person sees: that the application's result is byte-identical with and without the
//! agent, what it cost, and what the agent learned (hottest methods, their branch and receiver
//! profiles, what the JIT compiled and inlined).

use crate::doctor::find_agent;
use jitfleet_transport::profile::{read_profile_file, ProfileData};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Generates `count` Java classes with a mix of loops, branches, virtual calls and lambdas.
fn generate_sources(dir: &Path, count: usize) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut files = Vec::new();
    for i in 0..count {
        let next = (i + 1) % count;
        let src = format!(
            r#"package demo;
import java.util.*;
import java.util.function.*;
public class C{i} implements Comparable<C{i}> {{
    private final int v; private final List<String> names = new ArrayList<>();
    public C{i}(int v) {{ this.v = v; for (int k = 0; k < v % 7; k++) names.add("n" + k); }}
    public int compareTo(C{i} o) {{ return Integer.compare(v, o.v); }}
    public static long sum(int[] a) {{ long s = 0; for (int x : a) {{ if ((x & 1) == 0) s += x; else s -= x; }} return s; }}
    public Map<String, Integer> index() {{
        Map<String, Integer> m = new HashMap<>();
        for (String n : names) m.merge(n, 1, Integer::sum);
        return m;
    }}
    public Optional<C{next}> link(Function<Integer, C{next}> f) {{ return v > 0 ? Optional.of(f.apply(v - 1)) : Optional.empty(); }}
    public String describe() {{
        switch (v % 4) {{ case 0: return "zero"; case 1: return "one"; case 2: return "two"; default: return "many" + v; }}
    }}
}}
"#
        );
        let path = dir.join(format!("C{i}.java"));
        std::fs::write(&path, src)?;
        files.push(path);
    }
    Ok(files)
}

fn javac_run(java: &Path, agent_arg: Option<&str>, out: &Path, sources: &[PathBuf]) -> Result<(f64, String), String> {
    let _ = std::fs::remove_dir_all(out);
    let mut cmd = Command::new(java);
    if let Some(a) = agent_arg {
        cmd.arg(a);
    }
    let start = Instant::now();
    let o = cmd
        .args(["-m", "jdk.compiler/com.sun.tools.javac.Main", "-d"])
        .arg(out)
        .args(sources)
        .env_remove("JAVA_TOOL_OPTIONS")
        .output()
        .map_err(|e| format!("cannot start {}: {e}", java.display()))?;
    let secs = start.elapsed().as_secs_f64();
    if !o.status.success() {
        return Err(format!("javac failed: {}", String::from_utf8_lossy(&o.stderr)));
    }
    Ok((secs, String::from_utf8_lossy(&o.stderr).into_owned()))
}

/// blake3 over every class file, in name order: "the application's result".
fn digest_dir(dir: &Path) -> String {
    let mut files: Vec<PathBuf> = walk(dir);
    files.sort();
    let mut h = blake3::Hasher::new();
    for f in files {
        h.update(f.strip_prefix(dir).unwrap_or(&f).to_string_lossy().as_bytes());
        h.update(&std::fs::read(&f).unwrap_or_default());
    }
    h.finalize().to_hex()[..16].to_string()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

pub fn run(java: &Path, agent: Option<PathBuf>, classes: usize) -> Result<ExitCode, String> {
    let agent = find_agent(agent)?.canonicalize().map_err(|e| e.to_string())?;
    let work = std::env::temp_dir().join(format!("jitfleet-demo-{}", std::process::id()));
    let sources = generate_sources(&work.join("src"), classes).map_err(|e| e.to_string())?;
    let profile = work.join("javac.jfprof");
    println!("== jitfleet demo: javac compiling {classes} generated classes, with and without the agent\n");

    let (vanilla_secs, _) = javac_run(java, None, &work.join("out-vanilla"), &sources)?;
    let agent_arg = format!("-agentpath:{}=app=javac-demo,profile_out={},log=info", agent.display(), profile.display());
    let (agent_secs, log) = javac_run(java, Some(&agent_arg), &work.join("out-agent"), &sources)?;
    let (a, b) = (digest_dir(&work.join("out-vanilla")), digest_dir(&work.join("out-agent")));
    println!("without agent: {vanilla_secs:.2} s, class files {a}");
    println!("with agent:    {agent_secs:.2} s, class files {b}  ({})", if a == b { "identical" } else { "DIFFERENT" });
    println!("\nagent log:");
    for line in log.lines().filter(|l| l.starts_with("jitfleet:")) {
        println!("  {line}");
    }

    let p = read_profile_file(&profile).map_err(|e| e.to_string())?;
    println!("\nwhat the agent learned (compat key {}):", p.compat.short_id());
    println!("  {} hot methods profiled, {} compilations seen", p.methods.len(), p.compilations.len());
    let c2 = p.compilations.iter().filter(|c| c.tier == 4).count();
    let inlined: usize = p.compilations.iter().map(|c| c.edges.len()).sum();
    println!("  {c2} C2 compilations, {inlined} inlining decisions");
    println!("\n  hottest methods (invocations + back-edges before C2 took over):");
    for m in p.methods.iter().take(10) {
        println!(
            "    {:>9} {:>9}  tier {}  {}",
            m.counters.invocations, m.counters.backedges, m.highest_tier, m.method
        );
    }
    if let Some((m, (taken, not_taken))) = p.methods.iter().find_map(|m| {
        m.method_data.as_ref()?.cells.iter().find_map(|c| match c.data {
            ProfileData::Branch { taken, not_taken } if taken + not_taken > 10_000 => Some((m, (taken, not_taken))),
            _ => None,
        })
    }) {
        println!("\n  a hot branch in {}: taken {taken}, not taken {not_taken}", m.method);
    }
    if let Some((m, rows)) = p.methods.iter().find_map(|m| {
        m.method_data.as_ref()?.cells.iter().find_map(|c| match &c.data {
            ProfileData::Receivers { virtual_call: true, rows, .. } if rows.len() >= 2 => Some((m, rows.clone())),
            _ => None,
        })
    }) {
        let rows: Vec<String> = rows.iter().map(|r| format!("{} x{}", r.class, r.count)).collect();
        println!("  a polymorphic call in {}: {}", m.method, rows.join(", "));
    }
    println!("\nthe full profile: jitfleet profile show {}", profile.display());
    Ok(if a == b { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
