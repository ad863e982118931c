//! Observe mode on real JVMs: the application is unchanged, bad settings disable the agent with
//! one line, and what the agent records (counters, MethodData, inline records, compat key)
//! matches what the Java programs are known to do.

use jitfleet_tests::*;
use jitfleet_transport::profile::{read_profile_file, MethodProfile, ProfileData, ProfileFile};
use std::process::Command;

const PROBE: &str = "ObserveProbe";

/// Runs the probe with the agent writing a profile at exit; returns the profile.
fn profile_of(mode: &str, n: u32, extra_jvm: &[&str]) -> ProfileFile {
    let dir = scratch(&format!("profile-{mode}"));
    let out = dir.join("p.jfprof");
    let o = run(java_cmd()
        .arg(agent_arg(&format!("profile_out={},profile_top=100000", out.display())))
        .args(extra_jvm)
        .args([PROBE, mode, &n.to_string()]));
    assert!(o.status.success(), "probe failed: {}", stderr(&o));
    assert!(stdout(&o).starts_with("checksum"), "{}", stdout(&o));
    read_profile_file(&out).unwrap_or_else(|e| panic!("profile not readable: {e}"))
}

fn method<'a>(p: &'a ProfileFile, name: &str) -> &'a MethodProfile {
    p.methods
        .iter()
        .find(|m| m.method.class.name == PROBE && m.method.name == name)
        .unwrap_or_else(|| panic!("{name} not in the profile"))
}

#[test]
fn application_output_and_exit_status_are_unchanged() {
    let vanilla = run(java_cmd().args([PROBE, "output", "3"]));
    let with_agent = run(java_cmd().arg(agent_arg("")).args([PROBE, "output", "3"]));
    assert_eq!(vanilla.status.code(), Some(3));
    assert_eq!(with_agent.status.code(), Some(3));
    assert_eq!(stdout(&vanilla), stdout(&with_agent));
    assert_eq!(stderr(&vanilla), stderr(&with_agent));
    assert!(stdout(&vanilla).contains("line0,line1"));
}

/// A bad setting: the application still runs, exits with its own status, and stderr has
/// exactly one extra line that names the setting.
fn assert_disabled_with_one_line(cmd: &mut Command, names: &str) {
    let vanilla = run(java_cmd().args([PROBE, "output", "5"]));
    let o = run(cmd.args([PROBE, "output", "5"]));
    assert_eq!(o.status.code(), Some(5));
    assert_eq!(stdout(&o), stdout(&vanilla));
    let extra: Vec<String> = stderr(&o)
        .lines()
        .filter(|l| !stderr(&vanilla).lines().any(|v| v == *l))
        .map(str::to_string)
        .collect();
    assert_eq!(extra.len(), 1, "expected one line, got {extra:?}");
    assert!(extra[0].starts_with("jitfleet: disabled: "), "{}", extra[0]);
    assert!(extra[0].contains(names), "{} should name {names}", extra[0]);
}

#[test]
fn bad_option_disables_the_agent_with_one_line() {
    assert_disabled_with_one_line(java_cmd().arg(agent_arg("mode=fast")), "'mode'");
    assert_disabled_with_one_line(java_cmd().arg(agent_arg("profile_top=lots")), "'profile_top'");
}

#[test]
fn bad_environment_variable_disables_the_agent_with_one_line() {
    assert_disabled_with_one_line(java_cmd().arg(agent_arg("")).env("JITFLEET_MOED", "observe"), "JITFLEET_MOED");
    assert_disabled_with_one_line(java_cmd().arg(agent_arg("")).env("JITFLEET_LOG", "loud"), "JITFLEET_LOG");
}

#[test]
fn mode_off_writes_nothing() {
    let dir = scratch("off");
    let out = dir.join("p.jfprof");
    let o = run(java_cmd()
        .arg(agent_arg(&format!("profile_out={}", out.display())))
        .env("JITFLEET_MODE", "off")
        .args([PROBE, "counts", "10"]));
    assert!(o.status.success());
    assert!(!out.exists(), "mode=off must not write a profile");
}

/// HotSpot 17, tiered: the interpreter counts every entry and back-edge in MethodCounters
/// until a compiled tier takes over. Below the tier-3 thresholds (200 invocations, 60000
/// back-edges... see README) nothing compiles, so the counts are exact.
#[test]
fn counters_match_known_call_and_loop_counts() {
    let n = 150;
    let p = profile_of("counts", n, &[]);
    let called = method(&p, "countedMethod");
    assert_eq!(called.counters.invocations, n as u64, "{called:?}");
    assert_eq!(called.counters.backedges, 0);
    let looped = method(&p, "countedLoop");
    assert_eq!(looped.counters.invocations, 1, "{looped:?}");
    assert_eq!(looped.counters.backedges, n as u64, "{looped:?}");
    let main = method(&p, "main");
    assert_eq!(main.counters.invocations, 1);
    assert!(main.counters.backedges >= n as u64, "{main:?}");
}

#[test]
fn ninety_ten_branch_shows_a_taken_ratio_near_0_9() {
    let p = profile_of("branch", 20_000, &[]);
    let m = method(&p, "branch9010");
    let md = m.method_data.as_ref().expect("branch9010 has MethodData once tier 3 profiled it");
    let (taken, not_taken) = md
        .cells
        .iter()
        .find_map(|c| match c.data {
            ProfileData::Branch { taken, not_taken } => Some((taken, not_taken)),
            _ => None,
        })
        .expect("a branch cell");
    let total = taken + not_taken;
    assert!(total >= 100, "too few profiled executions: {taken}/{not_taken}");
    let ratio = taken as f64 / total as f64;
    assert!((0.88..=0.92).contains(&ratio), "taken ratio {ratio} ({taken}/{not_taken})");
}

#[test]
fn virtual_call_site_shows_both_receivers_near_3_to_1() {
    let p = profile_of("receivers", 20_000, &[]);
    let m = method(&p, "callShape");
    let md = m.method_data.as_ref().expect("callShape has MethodData");
    let rows = md
        .cells
        .iter()
        .find_map(|c| match &c.data {
            ProfileData::Receivers { virtual_call: true, rows, .. } => Some(rows.clone()),
            _ => None,
        })
        .expect("a virtual call cell");
    let count = |class: &str| rows.iter().find(|r| r.class == class).map(|r| r.count).unwrap_or(0);
    let (square, circle) = (count("ObserveProbe$Square"), count("ObserveProbe$Circle"));
    assert!(circle >= 50, "rows {rows:?}");
    let ratio = square as f64 / circle as f64;
    assert!((2.7..=3.3).contains(&ratio), "Square:Circle = {square}:{circle} in {rows:?}");
}

#[test]
fn inlined_method_appears_in_the_inline_records() {
    let p = profile_of("inline", 400, &[]);
    let inlined = p.compilations.iter().any(|c| {
        c.methods[0].name == "sumOfSquares"
            && c.edges.iter().any(|e| c.methods[e.callee as usize].name == "square" && e.caller == 0)
    });
    assert!(inlined, "no compilation of sumOfSquares with square inlined: {:#?}", p.compilations);
    let c2 = p.compilations.iter().any(|c| c.methods[0].name == "sumOfSquares" && c.tier == 4);
    assert!(c2, "sumOfSquares was not seen compiled by C2");
    assert_eq!(method(&p, "sumOfSquares").highest_tier, 4);
}

#[test]
fn class_fingerprints_and_loader_are_recorded() {
    // 100 calls: above the profile's 32-event floor, below any compile threshold.
    let p = profile_of("counts", 100, &[]);
    let m = method(&p, "countedMethod");
    let bytes = std::fs::read(classes().join("ObserveProbe.class")).unwrap();
    assert_eq!(m.method.class.bytes_hash, Some(*blake3_hash(&bytes)));
    assert_eq!(m.method.class.loader.to_string(), "jdk/internal/loader/ClassLoaders$AppClassLoader/app");
    assert_eq!(m.method.descriptor, "(I)I");
}

fn blake3_hash(bytes: &[u8]) -> Box<[u8; 32]> {
    // The same hash the agent uses, computed here independently of the agent's code path.
    Box::new(*blake3::hash(bytes).as_bytes())
}

fn doctor_json(jvm_args: &[&str]) -> serde_json::Value {
    let o = run(Command::new(jitfleet_cli())
        .args(["doctor", "--json", "--agent"])
        .arg(agent())
        .arg("--")
        .args(jvm_args));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("doctor output: {e}: {}", stderr(&o)))
}

#[test]
fn compat_key_is_stable_and_changes_without_compressed_oops() {
    let a = doctor_json(&[]);
    let b = doctor_json(&[]);
    let plain = doctor_json(&["-XX:-UseCompressedOops"]);
    assert!(a["compat"].is_object(), "{a}");
    assert_eq!(a["compat"], b["compat"]);
    assert_eq!(a["compat"]["compressed_oops"], true);
    assert_eq!(plain["compat"]["compressed_oops"], false);
    assert_ne!(a["compat"], plain["compat"]);
    assert!(a["compat"]["libjvm_build_id"].as_str().is_some_and(|s| s.len() >= 32), "{a}");
}

#[test]
fn profile_show_prints_text_and_json() {
    let dir = scratch("show");
    let out = dir.join("p.jfprof");
    let o = run(java_cmd()
        .arg(agent_arg(&format!("profile_out={}", out.display())))
        .args([PROBE, "branch", "20000"]));
    assert!(o.status.success());
    let text = run(Command::new(jitfleet_cli()).args(["profile", "show"]).arg(&out));
    assert!(text.status.success(), "{}", stderr(&text));
    assert!(stdout(&text).contains("ObserveProbe.branch9010(I)I"), "{}", stdout(&text));
    assert!(stdout(&text).contains("branch taken"));
    let json = run(Command::new(jitfleet_cli()).args(["profile", "show", "--json"]).arg(&out));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("valid JSON");
    assert!(v["methods"].as_array().is_some_and(|m| !m.is_empty()));
    // A damaged file is refused with a message, not shown.
    let mut bytes = std::fs::read(&out).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    let bad = dir.join("bad.jfprof");
    std::fs::write(&bad, bytes).unwrap();
    let o = run(Command::new(jitfleet_cli()).args(["profile", "show"]).arg(&bad));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("corrupt"), "{}", stderr(&o));
}

#[test]
fn periodic_profiles_and_log_file() {
    let dir = scratch("periodic");
    let out = dir.join("p-%p.jfprof");
    let log = dir.join("agent.log");
    let o = run(java_cmd()
        .arg(agent_arg(&format!(
            "profile_out={},profile_interval=1,log=info,log_file={}",
            out.display(),
            log.display()
        )))
        .args([PROBE, "sleep", "3500"]));
    assert!(o.status.success());
    assert!(!stderr(&o).contains("jitfleet"), "log lines must go to the file: {}", stderr(&o));
    let log = std::fs::read_to_string(&log).unwrap();
    let writes = log.lines().filter(|l| l.contains("profile of") && l.contains("written")).count();
    assert!(writes >= 3, "expected periodic writes plus the final one, log:\n{log}");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    assert!(files.iter().any(|f| f.to_string_lossy().starts_with("p-") && f.to_string_lossy().ends_with(".jfprof")), "{files:?}");
    assert!(log.contains("summary:"), "{log}");
}

/// Agent_OnAttach: the probe attaches the agent to itself through the JDK's Attach API (the
/// path `jcmd PID JVMTI.agent_load` takes), after its hot loop was already compiled.
#[test]
fn attach_to_a_running_jvm_observes_it() {
    let dir = scratch("attach");
    let out = dir.join("p.jfprof");
    let o = run(java_cmd()
        .arg("-Djdk.attach.allowAttachSelf=true")
        .args([PROBE, "selfattach", "500"])
        .arg(agent())
        .arg(format!("profile_out={},log=info", out.display())));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("started (OnAttach"), "{}", stderr(&o));
    let p = read_profile_file(&out).expect("attached agent wrote a profile at exit");
    // Compilations from before the attach were replayed by GenerateEvents.
    assert!(
        p.compilations.iter().any(|c| c.methods[0].name == "sumOfSquares"),
        "{} compilations, none of sumOfSquares",
        p.compilations.len()
    );
    assert!(method(&p, "sumOfSquares").counters.invocations > 0);
}
