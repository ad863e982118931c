//! `jitfleet cache` against a real capture directory, made by a real JVM with the real agent:
//! javac (through javax.tools, `tests/java/ShareJavac.java`) compiling the JDK's JVMCI sources
//! with `mode=capture`. On that real workload the test also asserts the capture self-checks
//! of issue 4 — every decoded nmethod's scopes agree with JVMTI's inline records and every
//! call/oop/metadata relocation matches its instruction — and that OSR compilations are
//! copied, decoded and indexed with their entry bci. Then the directory is damaged (a bad
//! index line, a truncated portable file) and the command must say so per line, not fail.

use jitfleet_tests::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

const JVMCI: [&str; 2] = ["-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI"];

fn jvmci_sources() -> Vec<String> {
    let root = std::env::var("JITFLEET_JDK_SRC").unwrap_or_else(|_| "/root/.cache/jitfleet/openjdk-17/src/jdk.internal.vm.ci".to_string());
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::from(root)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "java") && p.to_string_lossy().contains("/share/classes/") {
                out.push(p.display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// Runs javac twice over the JVMCI sources in capture mode into `dir/cache`.
fn capture_javac(dir: &Path) -> PathBuf {
    let sources = jvmci_sources();
    assert!(sources.len() > 100, "JVMCI sources not found (set JITFLEET_JDK_SRC)");
    let list = dir.join("files.txt");
    std::fs::write(&list, sources.join("\n")).unwrap();
    let cache = dir.join("cache");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let o = run(java_cmd()
        .args(JVMCI)
        .arg(agent_arg(&format!("mode=capture,cache_dir={},log=info", cache.display())))
        .args(["ShareJavac", list.to_str().unwrap(), "2", out.to_str().unwrap()]));
    assert!(o.status.success(), "capture run failed: {}", stderr(&o));
    assert!(stdout(&o).contains("round 1 rc 0"), "{}", stdout(&o));
    cache
}

fn jitfleet(args: &[&str]) -> Output {
    run(std::process::Command::new(jitfleet_cli()).args(args))
}

fn index_lines(cache: &Path) -> Vec<Value> {
    std::fs::read_to_string(cache.join("index.jsonl"))
        .expect("index written")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("agent wrote a bad index line ({e}): {l}")))
        .collect()
}

#[test]
fn real_javac_capture_passes_the_self_checks_and_cache_commands_report_it() {
    let dir = scratch("cache-real");
    let cache = capture_javac(&dir);
    let lines = index_lines(&cache);
    let count = |f: &dyn Fn(&Value) -> bool| lines.iter().filter(|l| f(l)).count();
    let n = lines.len();
    assert!(n >= 200, "only {n} C2 compilations indexed");

    // Issue 4's self-checks on a real workload.
    let decoded = count(&|l| l["decoded"] == true);
    assert!(decoded * 100 >= n * 95, "{decoded} of {n} decoded");
    let disagreements: Vec<&Value> = lines.iter().filter(|l| l.get("scope_disagreement").is_some()).collect();
    assert!(disagreements.is_empty(), "scopes disagree with JVMTI: {disagreements:#?}");
    let with_scopes = count(&|l| l["scope_pcs"].as_u64().is_some_and(|p| p > 0));
    assert_eq!(with_scopes, decoded, "every decoded nmethod has scopes compared with JVMTI");
    let checked: u64 = lines.iter().map(|l| l["reloc_checked"].as_u64().unwrap_or(0)).sum();
    let violations: Vec<&Value> = lines.iter().filter(|l| l["reloc_violations"].as_u64().unwrap_or(0) > 0).collect();
    assert!(violations.is_empty(), "relocations that do not match their instruction: {violations:#?}");
    assert!(checked >= 2000, "only {checked} relocations checked");
    // Heat is recorded for (nearly) every compilation.
    let hot = count(&|l| l["invocations"].as_u64().unwrap_or(0) + l["backedges"].as_u64().unwrap_or(0) > 0);
    assert!(hot * 100 >= n * 95, "{hot} of {n} compilations have heat");

    // OSR compilations are copied, decoded and indexed with their entry bci.
    let osr: Vec<&Value> = lines.iter().filter(|l| l["osr"] == true).collect();
    assert!(!osr.is_empty(), "javac's loops get OSR compilations; none indexed");
    for l in &osr {
        assert!(l["entry_bci"].as_i64().is_some_and(|b| b >= 0), "{l}");
        // An OSR nmethod made not entrant while it was being copied is refused before decoding.
        if l["refused"] == "not_in_use" {
            continue;
        }
        assert_eq!(l["decoded"], true, "{l}");
        // OSR compilations translate (entry shape checked): never refused for being OSR.
        assert!(l["refused"] != "osr" && l["refused"] != "osr_shape", "{l}");
    }
    let osr_captured = osr.iter().filter(|l| l.get("file").is_some()).count();
    assert!(lines.iter().filter(|l| l["osr"] == false).all(|l| l["entry_bci"] == -1));

    // `cache stats --json` agrees with the index.
    let o = jitfleet(&["cache", "stats", cache.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stats: Value = serde_json::from_str(&stdout(&o)).expect("stats --json prints JSON");
    let captured = count(&|l| l.get("file").is_some());
    assert!(captured > 10, "only {captured} captured");
    assert_eq!(stats["compilations"]["count"], n);
    assert_eq!(stats["captured"]["count"], captured);
    assert_eq!(stats["shareable"]["count"], captured, "every captured file reads back");
    assert_eq!(stats["refused"]["count"], n - captured);
    assert_eq!(stats["osr"]["count"], osr.len());
    assert_eq!(stats["osr_captured"]["count"], osr_captured);
    assert_eq!(stats["decoded"]["count"], decoded);
    assert_eq!(stats["scope_disagreements"], 0);
    assert_eq!(stats["reloc_violations"], 0);
    let total_heat = stats["compilations"]["heat"].as_u64().unwrap();
    let captured_heat = stats["captured"]["heat"].as_u64().unwrap();
    assert!(captured_heat > 0 && captured_heat < total_heat, "{stats}");
    let reasons_sum: u64 = stats["reasons"].as_object().unwrap().values().map(|t| t["count"].as_u64().unwrap()).sum();
    assert_eq!(reasons_sum as usize, n - captured);

    // The text form names the same numbers.
    let o = jitfleet(&["cache", "stats", cache.to_str().unwrap()]);
    let text = stdout(&o);
    assert!(text.contains(&format!("{n} C2 compilations")), "{text}");
    assert!(text.contains("0 scope disagreements with JVMTI, 0 relocation violations"), "{text}");

    // `show` of an OSR method and a captured one.
    let osr_method = osr[0]["method"].as_str().unwrap();
    let o = jitfleet(&["cache", "show", cache.to_str().unwrap(), osr_method]);
    assert!(o.status.success(), "{}", stderr(&o));
    let shown = stdout(&o);
    assert!(shown.contains(&format!("OSR at bci {}", osr[0]["entry_bci"])), "{shown}");
    assert!(shown.contains("inline tree:") && shown.contains("heat when compiled:"), "{shown}");
    let captured_line = lines.iter().find(|l| l.get("file").is_some()).unwrap();
    let o = jitfleet(&["cache", "show", cache.to_str().unwrap(), captured_line["method"].as_str().unwrap()]);
    assert!(stdout(&o).contains("reads back, compat "), "{}", stdout(&o));

    // Damage: a bad index line and a truncated portable file are reported, not fatal.
    let file = cache.join(captured_line["file"].as_str().unwrap());
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
    let mut index = std::fs::read_to_string(cache.join("index.jsonl")).unwrap();
    index.push_str("{\"method\": 12}\n");
    std::fs::write(cache.join("index.jsonl"), index).unwrap();
    let o = jitfleet(&["cache", "stats", cache.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains(&format!("index.jsonl:{}: skipped: `method` is 12, not a string", n + 1)), "{text}");
    assert!(text.contains("bad file (index line"), "{text}");
    let o = jitfleet(&["cache", "show", cache.to_str().unwrap(), "NoSuchClass.nothing"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no method matching \"NoSuchClass.nothing\""), "{}", stderr(&o));
    let o = jitfleet(&["cache", "stats", dir.join("nowhere").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is ") && stderr(&o).contains("a capture directory?"), "{}", stderr(&o));
}
