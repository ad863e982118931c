//! JDK classes defined before VMInit (before the agent's class load hook is on) get
//! fingerprints derived from the runtime image (`agent/src/runtime_image.rs`), so code of and
//! inlined from `String`, `StringLatin1`, ... can be shared like application code.

use jitfleet_tests::*;

const JVMCI: [&str; 2] = ["-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI"];

fn index_lines(dir: &std::path::Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(dir.join("index.jsonl")).expect("capture wrote an index");
    text.lines().map(|l| serde_json::from_str(l).expect("index lines are JSON")).collect()
}

#[test]
fn code_of_early_jdk_classes_is_fingerprinted_captured_and_installed() {
    let dir = scratch("image-classes");
    let program = ["ShareArrays", "20000", "1500"];
    let vanilla = run(java_cmd().args(program));
    assert!(vanilla.status.success());
    let donor = run(java_cmd()
        .args(JVMCI)
        .arg(agent_arg(&format!("mode=capture,cache_dir={},log=debug", dir.display())))
        .args(program));
    let donor_log = stderr(&donor);
    assert!(donor.status.success(), "{donor_log}");
    assert!(donor_log.contains("JDK classes defined before VMInit get runtime-image fingerprints"), "{donor_log}");
    let lines = index_lines(&dir);
    let method = |l: &serde_json::Value| l["method"].as_str().unwrap_or_default().to_string();
    // No JDK method is refused for a missing fingerprint any more...
    let unfingerprinted: Vec<String> =
        lines.iter().filter(|l| l["refused"] == "no_fingerprint" && method(l).starts_with("java/")).map(method).collect();
    assert!(unfingerprinted.is_empty(), "{unfingerprinted:?}");
    // ...and some of them are captured (the program's string handling makes them hot).
    let captured_jdk: Vec<String> = lines.iter().filter(|l| l["file"].is_string() && method(l).starts_with("java/")).map(method).collect();
    assert!(!captured_jdk.is_empty(), "{lines:?}");

    let receiver = run(java_cmd()
        .args(JVMCI)
        .arg(agent_arg(&format!("mode=install,cache_dir={},log=info", dir.display())))
        .args(program));
    let log = stderr(&receiver);
    assert!(receiver.status.success(), "{log}");
    assert_eq!(stdout(&receiver), stdout(&vanilla), "{log}");
    for m in &captured_jdk {
        assert!(log.contains(&format!("installed {m}")), "{m} not installed: {log}");
    }
}
