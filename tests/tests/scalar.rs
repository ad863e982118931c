//! Shared code whose debug information holds scalar-replaced objects (tests/java/ShareScalar.java):
//! kernels allocate objects that never escape their C2 code — an instance with int, long,
//! double, float, string and object fields and a nested instance only it refers to, small int,
//! long, double and char arrays and an Object[] holding two of them, a Long from valueOf, a lock
//! on a non-escaping object, objects live across a call —
//! and at the end take a branch never taken before, so the installed code deoptimises with the
//! objects live and the interpreter prints what the VM rebuilt. Each run is done without the
//! agent, captured, then with the captured code installed, under Serial, Parallel, G1, the stress
//! flags and the deoptimisation storm (which also deoptimises frames stopped in a call with
//! objects live). The installing run must print what the plain run prints; the donor must have
//! captured object descriptions; the kernels must have been installed, and made not entrant
//! while installed (PrintCompilation: JVMCI ids from 900000000, never a compile of the
//! receiver's own) — the deoptimisation happened in the shared code.

use jitfleet_tests::*;
use std::process::Output;

const JVMCI: [&str; 2] = ["-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI"];
/// Kernels as nmethods of their own; the `show*` methods stay calls out of the trap branches.
const KEEP_KERNELS: [&str; 3] = ["-XX:CompileCommand=quiet", "-XX:CompileCommand=dontinline,ShareScalar::k*", "-XX:CompileCommand=dontinline,ShareScalar::show*"];
const PRINT_COMPILATION: [&str; 3] = ["-XX:+UnlockDiagnosticVMOptions", "-XX:+DisplayVMOutputToStderr", "-XX:+PrintCompilation"];
const ROUNDS: &str = "300000";
/// The donor runs longer: capture happens on a background thread, after C2 is done.
const DONOR_ROUNDS: &str = "3000000";
/// Time for the installer before the kernels get hot.
const PAUSE_MS: &str = "1500";
/// The limit of an installing run's pause when it waits for the installs (`InstallWait`).
const WAIT_MS: &str = "60000";
/// (kernel, whether C2 scalar-replaces objects in it and the flip deoptimises it).
const KERNELS: [(&str, bool); 6] = [
    ("ShareScalar.kFields(II)J", true),
    ("ShareScalar.kArrays(II)J", true),
    ("ShareScalar.kLock(II)J", true),
    ("ShareScalar.kAcross(I)J", true),
    ("ShareScalar.kLongBox(II)J", true),
    ("ShareScalar.kBoxes(II)J", false),
];

fn program(flags: &[&str], storm: bool, agent: Option<String>, rounds: &str, pause: &str) -> Output {
    let mut cmd = java_cmd();
    cmd.args(JVMCI).args(KEEP_KERNELS).args(flags).args(PRINT_COMPILATION);
    // WhiteBox for the storm, and for InstallWait in installing runs.
    let installing = agent.as_deref().is_some_and(|a| a.starts_with("mode=install"));
    if storm || installing {
        cmd.args(storm_args());
    }
    if let Some(a) = agent {
        cmd.arg(agent_arg(&a));
    }
    if storm {
        cmd.args(["jitfleet.stress.Storm", "200"]);
    }
    let o = run(cmd.args(["ShareScalar", rounds, pause]));
    assert!(o.status.success(), "{flags:?} storm={storm} {:?}: {}\n{}", o.status, stdout(&o), stderr(&o));
    o
}

/// Plain, capturing and installing runs; returns the installing run's log.
fn differential(case: &str, flags: &[&str], storm: bool) -> String {
    let vanilla = program(flags, storm, None, ROUNDS, "0");
    let want = stdout(&vanilla);
    for shown in ["point ShareScalar$Point x=", "arrays int[][", "boxes ", "locked held=true other thread got it while held=false"] {
        assert!(want.contains(shown), "{case}: the plain run printed no '{shown}': {want}");
    }
    let dir = scratch(&format!("scalar-{case}"));
    let options = |mode: &str| format!("mode={mode},cache_dir={},log=info", dir.display());
    let donor = program(flags, storm, Some(options("capture")), DONOR_ROUNDS, "0");
    let donor_log = stderr(&donor);
    for (kernel, replaced) in KERNELS {
        let line = donor_log.lines().find(|l| l.contains(&format!("captured {kernel} "))).unwrap_or_else(|| panic!("{case}: {kernel} not captured\n{donor_log}"));
        let count: u32 = line.split(" static finals, ").nth(1).and_then(|t| t.split(' ').next()).and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{line}"));
        assert!(!replaced || count > 0, "{case}: C2 scalar-replaced nothing in {kernel}: {line}");
        eprintln!("scalar {case}: {kernel}: {count} scalar-replaced object descriptions");
    }
    // Under the storm the wait keeps the plain pause as its limit: it may deoptimise the
    // kernels while the program waits.
    let receiver = program(flags, storm, Some(options("install")), ROUNDS, if storm { PAUSE_MS } else { WAIT_MS });
    let log = stderr(&receiver);
    assert_eq!(stdout(&receiver), want, "{case}: the run with installed code\n{log}");
    assert!(!log.contains("jvmci_error"), "{case}: {log}");
    for (kernel, flipped) in KERNELS {
        assert!(log.contains(&format!("installed {kernel} (donor")), "{case}: {kernel} was not installed\n{log}");
        // PrintCompilation names the method `ShareScalar::kFields`.
        let short = kernel.split('(').next().unwrap_or(kernel).replacen('.', "::", 1);
        let lines: Vec<&str> = log.lines().filter(|l| l.contains(&format!("{short} ("))).collect();
        assert!(lines.iter().all(|l| l.contains(" 9000000")), "{case}: the receiver compiled {kernel} itself: {lines:?}");
        if flipped && kernel != "ShareScalar.kAcross(I)J" {
            assert!(lines.iter().any(|l| l.contains("made not entrant")), "{case}: {kernel} did not deoptimise: {lines:?}");
        }
    }
    log
}

#[test]
fn serial() {
    differential("serial", &["-XX:+UseSerialGC"], false);
}

#[test]
fn parallel() {
    differential("parallel", &["-XX:+UseParallelGC"], false);
}

#[test]
fn g1() {
    differential("g1", &["-XX:+UseG1GC"], false);
}

#[test]
fn stress_tiny_heap_verified_gcs_frequent_safepoints() {
    differential("stress", &STRESS_FLAGS, false);
}

/// Every compiled frame of every thread deoptimised every 200 µs: frames of installed kernels
/// stopped with objects live (in kAcross's call) are rebuilt with rematerialised objects.
#[test]
fn under_the_deoptimisation_storm() {
    let log = differential("storm", &["-Xmx64m", "-XX:+UseG1GC"], true);
    let (line, frames) = storm_frames(&log);
    eprintln!("scalar storm: {line}");
    assert!(frames > 0, "{line}");
}
