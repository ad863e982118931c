//! Install soundness: code is installed only where what C2 assumed when it compiled still
//! holds. Each test compares a run with installed code against a run of the same program
//! without the agent, in the receiver's configuration.
//!
//! - Folded static finals: `ShareFolded.mix` uses `ShareFoldedConf.FACTOR`, a `static final
//!   int` set from `-Djf.folded`. C2 folds it into an immediate. Captured with one value, the
//!   code must be refused where the property has another value (else the sums differ), and
//!   installed where it is the same.

use jitfleet_tests::folded::*;
use jitfleet_tests::*;
use std::path::Path;
use std::process::Output;

fn install_folded(dir: &Path, factor: u32) -> Output {
    run_folded(factor, Some(format!("mode=install,cache_dir={},log=info", dir.display())), PAUSE_MS)
}

#[test]
fn code_with_a_folded_static_final_is_refused_where_the_value_differs() {
    let dir = scratch("sound-folded");
    capture_folded(&dir, 31);
    let expected = stdout(&run_folded(37, None, "0"));
    assert!(expected.starts_with("factor 37\n"), "{expected}");

    let receiver = install_folded(&dir, 37);
    let log = stderr(&receiver);
    assert_eq!(stdout(&receiver), expected, "installed code computed with the donor's constant: {log}");
    // Once per cached compilation that folded a value that differs here: mix's normal one,
    // its OSR one when the donor's loop had one — and JDK code too: CI saw
    // `ImmutableCollections.REVERSE` (from a per-JVM random salt) refused the same way.
    let folded = "C2 may have folded ShareFoldedConf.FACTOR = 31 (donor); here it is 37";
    let refused = log.lines().filter(|l| l.contains("not installed ") && l.contains(": C2 may have folded ")).count();
    assert!(log.contains(&format!("not installed ShareFolded.mix(I)I: {folded}")), "{log}");
    assert!(log.contains(&format!("static_value_differs={refused}")), "{log}");
    assert!(!log.contains("installed ShareFolded.mix(I)I (donor"), "{log}");
}

#[test]
fn code_with_a_folded_static_final_is_installed_where_the_value_is_the_same() {
    let dir = scratch("sound-folded-same");
    capture_folded(&dir, 31);
    let expected = stdout(&run_folded(31, None, "0"));
    let receiver = run_folded_installing(31, format!("mode=install,cache_dir={},log=info", dir.display()));
    let log = stderr(&receiver);
    assert_eq!(stdout(&receiver), expected, "{log}");
    assert!(log.contains("installed ShareFolded.mix(I)I (donor"), "{log}");
    assert!(log.contains("at exit ShareFolded.mix(I)I: Method::_code is still the installed nmethod"), "{log}");
}

/// Class-hierarchy analysis: `ShareCha.total` inlines `ShareChaCounter.step` because no
/// subclass overrides it (C2's unique-concrete-method dependency, passed to JVMCI as a
/// `ConcreteMethod` assumption). The receiver loads such a subclass half-way: the installed
/// code must be deoptimised (JVMCI's dependency check on class loading) and every total
/// right, as without the agent.
#[test]
fn installed_code_under_a_cha_assumption_is_deoptimised_when_a_subclass_arrives() {
    let dir = scratch("sound-cha");
    let vanilla = run(java_cmd().args(["ShareCha", ROUNDS, "0", "switch"]));
    assert!(vanilla.status.success(), "{}", stderr(&vanilla));
    let expected = stdout(&vanilla);
    assert!(expected.contains("switched to ShareChaFast"), "{expected}");

    let donor = run(java_cmd()
        .args(JVMCI)
        .arg(agent_arg(&format!("mode=capture,cache_dir={},log=debug", dir.display())))
        .args(["ShareCha", ROUNDS, "0"]));
    let log = stderr(&donor);
    assert!(donor.status.success(), "{log}");
    assert!(log.contains("captured ShareCha.total(LShareChaCounter;I)I"), "{log}");
    assert!(log.contains("assumptions: [ConcreteMethod { context: ClassRef { name: \"ShareChaCounter\""), "{log}");

    let receiver = run(java_cmd()
        .args(JVMCI)
        .args(["-XX:+UnlockDiagnosticVMOptions", "-XX:+DisplayVMOutputToStderr", "-XX:+PrintCompilation"])
        .arg(agent_arg(&format!("mode=install,cache_dir={},log=info", dir.display())))
        .args(["ShareCha", ROUNDS, PAUSE_MS, "switch"]));
    let log = stderr(&receiver);
    assert!(receiver.status.success(), "{log}");
    assert_eq!(stdout(&receiver), expected, "{log}");
    assert!(log.contains("installed ShareCha.total(LShareChaCounter;I)I (donor"), "{log}");
    // The installed nmethod (JVMCI ids from 900000000) was made not entrant; the method no
    // longer runs it at exit.
    let total: Vec<&str> = log.lines().filter(|l| l.contains("ShareCha::total") && l.contains(" 9000000")).collect();
    assert!(total.iter().any(|l| l.contains("made not entrant")), "{total:?}\n{log}");
    assert!(log.contains("at exit ShareCha.total(LShareChaCounter;I)I: Method::_code is no longer the installed nmethod"), "{log}");
}

/// The same code where this JVM has loaded the subclass before the code could be installed
/// (`-Dsharecha.early=true` loads it while ShareCha is initialised): JVMCI finds the assumption
/// broken at install, the method is refused `assumptions_failed` (not a JVMCI error), and the
/// program prints what it prints without the agent.
#[test]
fn code_whose_cha_assumption_this_jvm_already_breaks_is_refused() {
    let dir = scratch("sound-cha-early");
    let donor = run(java_cmd()
        .args(JVMCI)
        .arg(agent_arg(&format!("mode=capture,cache_dir={},log=info", dir.display())))
        .args(["ShareCha", ROUNDS, "0"]));
    assert!(donor.status.success(), "{}", stderr(&donor));
    assert!(stderr(&donor).contains("captured ShareCha.total(LShareChaCounter;I)I"), "{}", stderr(&donor));
    let vanilla = run(java_cmd().arg("-Dsharecha.early=true").args(["ShareCha", ROUNDS, "0"]));
    assert!(vanilla.status.success(), "{}", stderr(&vanilla));
    let receiver = run(java_cmd()
        .args(JVMCI)
        .arg("-Dsharecha.early=true")
        .arg(agent_arg(&format!("mode=install,cache_dir={},log=info", dir.display())))
        .args(["ShareCha", ROUNDS, PAUSE_MS]));
    let log = stderr(&receiver);
    assert!(receiver.status.success(), "{log}");
    assert_eq!(stdout(&receiver), stdout(&vanilla), "{log}");
    assert!(!log.contains("installed ShareCha.total(LShareChaCounter;I)I (donor"), "{log}");
    assert!(log.contains("not installed ShareCha.total(LShareChaCounter;I)I: ") && log.contains("dependencies failed"), "{log}");
    let summary = log.lines().find(|l| l.contains("install summary:")).unwrap_or_else(|| panic!("no summary: {log}"));
    assert!(summary.contains("assumptions_failed=1"), "{summary}");
    assert!(!summary.contains("jvmci_error"), "{summary}");
}

/// Field offsets: `ShareLayout.weigh` reads two int fields of `ShareLayoutBox`, whose offsets
/// C2 compiles into the code. The receiver runs with another version of that class (a long
/// field first, so the ints move) ahead on the class path: the code must be refused
/// (class_mismatch), and the program print what it prints without the agent.
#[test]
fn code_reading_fields_is_refused_where_the_class_layout_differs() {
    let dir = scratch("sound-layout");
    // `weigh` kept out of line and compiled in the foreground: otherwise C2 may inline it into
    // main's OSR code and the short donor exit before `weigh` has its own C2 code (CI saw that
    // once). Neither flag is part of the compat key.
    let donor = run(java_cmd()
        .args(JVMCI)
        .args(["-Xbatch", "-XX:CompileCommand=quiet", "-XX:CompileCommand=dontinline,ShareLayout::weigh"])
        .arg(agent_arg(&format!("mode=capture,cache_dir={},log=info", dir.display())))
        .args(["ShareLayout", ROUNDS, "0"]));
    assert!(donor.status.success(), "{}", stderr(&donor));
    assert!(stderr(&donor).contains("captured ShareLayout.weigh(LShareLayoutBox;I)I"), "{}", stderr(&donor));

    // The other version of the box, compiled next to the test classes.
    let variant = dir.join("variant");
    std::fs::create_dir_all(&variant).unwrap();
    let source = variant.join("ShareLayoutBox.java");
    std::fs::write(
        &source,
        "class ShareLayoutBox { long pad = 1; int a; int b; ShareLayoutBox(int a, int b) { this.a = a; this.b = b; } }\n",
    )
    .unwrap();
    let javac = match std::env::var_os("JAVA_HOME") {
        Some(home) => std::path::PathBuf::from(home).join("bin/javac"),
        None => "javac".into(),
    };
    let status = std::process::Command::new(javac).arg("-d").arg(&variant).arg(&source).status().unwrap();
    assert!(status.success());
    let class_path = format!("{}:{}", variant.display(), classes().display());

    let vanilla = run(java_cmd().args(["-cp", &class_path, "ShareLayout", ROUNDS, "0"]));
    assert!(vanilla.status.success(), "{}", stderr(&vanilla));
    let receiver = run(java_cmd()
        .args(["-cp", &class_path])
        .args(JVMCI)
        .arg(agent_arg(&format!("mode=install,cache_dir={},log=info", dir.display())))
        .args(["ShareLayout", ROUNDS, PAUSE_MS]));
    let log = stderr(&receiver);
    assert!(receiver.status.success(), "{log}");
    assert_eq!(stdout(&receiver), stdout(&vanilla), "{log}");
    assert!(log.contains("not installed ShareLayout.weigh(LShareLayoutBox;I)I: ShareLayoutBox: the class bytes differ"), "{log}");
    assert!(!log.contains("installed ShareLayout.weigh(LShareLayoutBox;I)I (donor"), "{log}");
}

/// `ShareMirror` with `-Djf.wide=wide`, with the agent's options if given.
fn run_mirror(wide: bool, agent: Option<String>, rounds: &str, pause: &str) -> std::process::Output {
    let mut cmd = java_cmd();
    cmd.args(["-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI", "-XX:CompileCommand=quiet", "-XX:CompileCommand=dontinline,ShareMirror::widen"]);
    cmd.arg(format!("-Djf.wide={wide}"));
    if let Some(a) = agent {
        cmd.arg(a);
    }
    run(cmd.args(["ShareMirror", rounds, pause]))
}

/// A folded `static final Class<?>` is compared by the class it stands for: the same class
/// installs, another class refuses (the code would take the wrong arm).
#[test]
fn code_with_a_folded_class_constant_runs_only_where_it_is_the_same_class() {
    let dir = scratch("sound-mirror");
    let donor = run_mirror(false, Some(agent_arg(&format!("mode=capture,cache_dir={},log=info", dir.display()))), "200000", "0");
    assert!(stderr(&donor).contains("captured ShareMirror.widen(I)J"), "{}", stderr(&donor));
    for wide in [false, true] {
        let expected = stdout(&run_mirror(wide, None, "20000", "0"));
        let receiver = run_mirror(wide, Some(agent_arg(&format!("mode=install,cache_dir={},log=info", dir.display()))), "20000", "1500");
        let log = stderr(&receiver);
        assert!(receiver.status.success(), "{log}");
        assert_eq!(stdout(&receiver), expected, "wide={wide}: {log}");
        if wide {
            assert!(log.contains("not installed ShareMirror.widen(I)J: C2 may have folded ShareMirror.KIND = the class int (donor); here it is the class long"), "{log}");
        } else {
            assert!(log.contains("installed ShareMirror.widen(I)J (donor"), "{log}");
        }
    }
}
