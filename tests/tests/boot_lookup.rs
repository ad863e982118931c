//! Capture looks classes up by name to read a compilation's code facts, and must never load
//! one to do so (agent/src/boot_classes.rs). `tests/java/ShareLatin.java` lowers Latin-1 text
//! in a hot method; the `Character.toLowerCase` C2 inlines names `java.lang.CharacterData00`,
//! which the program never loads. Capture used to load it through the boot loader, found it
//! unprepared and refused the method ("static field ... not found"). Now the method is
//! captured, the class stays unloaded (class-load log), and the code installs in a second JVM
//! with the same output.

use jitfleet_tests::*;

const PROGRAM: &str = "ShareLatin";
const METHOD: &str = "ShareLatin.lower(Ljava/lang/String;)I";
const JVMCI: [&str; 2] = ["-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI"];
const UNLOADED: &str = "java.lang.CharacterData00 ";

fn loads(log: &std::path::Path) -> String {
    std::fs::read_to_string(log).unwrap_or_else(|e| panic!("{}: {e}", log.display()))
}

#[test]
fn capture_reads_code_facts_without_loading_classes() {
    let dir = scratch("boot-lookup");
    let flags = ["-XX:CompileCommand=quiet", "-XX:CompileCommand=dontinline,ShareLatin::lower"];
    let vanilla_loads = dir.join("vanilla-loads.log");
    let vanilla = run(java_cmd().args(flags).arg(format!("-Xlog:class+load=info:file={}", vanilla_loads.display())).args([PROGRAM, "200000", "0"]));
    assert!(vanilla.status.success(), "{}", stderr(&vanilla));
    // Guard: the program alone never loads the class, or the test would prove nothing.
    assert!(!loads(&vanilla_loads).contains(UNLOADED), "the program itself loads {UNLOADED}");

    let cache = dir.join("cache");
    let donor_loads = dir.join("donor-loads.log");
    let donor = run(java_cmd()
        .args(JVMCI)
        .args(flags)
        .arg(format!("-Xlog:class+load=info:file={}", donor_loads.display()))
        .arg(agent_arg(&format!("mode=capture,cache_dir={},log=debug", cache.display())))
        .args([PROGRAM, "5000000", "0"]));
    let donor_log = stderr(&donor);
    assert!(donor.status.success(), "{donor_log}");
    assert!(donor_log.contains(&format!("captured {METHOD} ")), "{METHOD} not captured: {donor_log}");
    assert!(!donor_log.contains("CharacterData00.instance"), "capture still looks for CharacterData00's field: {donor_log}");
    assert!(!loads(&donor_loads).contains(UNLOADED), "capture loaded {UNLOADED}");

    let receiver = run(java_cmd().args(JVMCI).args(flags).arg(agent_arg(&format!("mode=install,cache_dir={},log=info", cache.display()))).args([PROGRAM, "200000", "1500"]));
    let log = stderr(&receiver);
    assert!(receiver.status.success(), "{log}");
    assert!(log.contains(&format!("installed {METHOD} (donor")), "{METHOD} not installed: {log}");
    assert_eq!(stdout(&receiver), stdout(&vanilla), "{log}");
}
