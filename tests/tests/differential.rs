//! The differential suite: `DiffSuite` (tests/java/DiffSuite.java — arrays, allocation,
//! mono/bi/megamorphic virtual calls, interface calls, exceptions, synchronized, strings,
//! table and lookup switches, lambdas and streams, a branch that flips after the capture, and
//! ShareOsr's loops in methods entered once, which C2 compiles only OSR) runs
//! without the agent, then captured, then with the captured code installed — under Serial,
//! Parallel and G1, and under stress (16 MB heap, heap verification before and after every GC,
//! a safepoint every millisecond). Each installing run must print exactly what the run without
//! the agent prints, and exit normally.
//!
//! Many of the suite's methods are refused today (named reasons in the capture summary); each
//! case reports how many methods it installed (stderr, and `differential-report.txt` in the
//! scratch directory), so that widening translation shows up here.

use jitfleet_tests::*;
use std::process::Output;

const JVMCI: [&str; 2] = ["-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI"];
/// `sync` (a synchronized block calling a static synchronized method) stays its own nmethod
/// instead of disappearing into `main`'s on-stack-replacement code, so that the synchronized
/// case is installed code; and C2 compiles it early enough in the short Serial and Parallel
/// donor runs (it did not always before they ended).
const KEEP_SYNC: [&str; 3] = [
    "-XX:CompileCommand=quiet",
    "-XX:CompileCommand=dontinline,DiffSuite::sync",
    "-XX:CompileCommand=CompileThresholdScaling,DiffSuite::sync,0.1",
];
const ROUNDS: &str = "4000";
/// Pause after the first round: time for the installer before the kernels get hot.
const PAUSE_MS: &str = "1500";

fn suite(flags: &[&str], agent: Option<String>, pause: &str, flip: bool) -> Output {
    let mut cmd = java_cmd();
    cmd.args(JVMCI).args(KEEP_SYNC).args(flags);
    if let Some(a) = agent {
        cmd.arg(agent_arg(&a));
    }
    cmd.args(["DiffSuite", ROUNDS, pause]);
    if flip {
        cmd.arg("flip");
    }
    let o = run(&mut cmd);
    assert!(o.status.success(), "{flags:?} {:?}: {}", o.status, stderr(&o));
    o
}

/// vanilla, capture (no flip: the flipped branch is never taken there), install (flip);
/// returns the number of methods installed.
fn differential(case: &str, flags: &[&str]) -> usize {
    let dir = scratch(&format!("diff-{case}"));
    let vanilla = suite(flags, None, "0", true);
    let expected = stdout(&vanilla);
    assert_eq!(expected.lines().count(), 18, "{expected}");

    let donor = suite(flags, Some(format!("mode=capture,cache_dir={},log=info", dir.display())), "0", false);
    let capture_summary = stderr(&donor).lines().find(|l| l.contains("capture summary")).unwrap_or("").to_string();

    let receiver = suite(flags, Some(format!("mode=install,cache_dir={},log=info", dir.display())), PAUSE_MS, true);
    let log = stderr(&receiver);
    assert_eq!(stdout(&receiver), expected, "{case}: the run with installed code printed something else\n{log}");
    let installed: Vec<&str> = log.lines().filter_map(|l| l.strip_prefix("jitfleet: info: installed ")).collect();
    let summary = log.lines().find(|l| l.contains("install summary")).unwrap_or("no install summary");
    let report = format!(
        "differential {case}: installed {} methods: {}\n  {capture_summary}\n  {summary}\n",
        installed.len(),
        installed.iter().map(|l| l.split(' ').next().unwrap_or("")).collect::<Vec<_>>().join(", ")
    );
    eprint!("{report}");
    use std::io::Write;
    let path = dir.parent().unwrap().join("differential-report.txt");
    let _ = std::fs::OpenOptions::new().create(true).append(true).open(path).and_then(|mut f| f.write_all(report.as_bytes()));
    assert!(log.contains("install summary"), "{log}");
    assert!(log.contains("installed DiffSuite.sync(I)I (donor"), "{case}: the synchronized case was not installed\n{log}");
    // The OSR kernels (ShareOsr, entered once): at least the plain arithmetic loop's OSR code
    // is shared, and the output above is what it computed.
    assert!(log.contains("installed ShareOsr.arith(I)J (OSR at bci 6)"), "{case}: {log}");
    // The flipped branch is an uncommon trap in the captured code: once taken, the installed
    // nmethod is made not entrant (and the result above was still right).
    if log.contains("installed DiffSuite.flip(IZ)I (donor") {
        assert!(log.contains("at exit DiffSuite.flip(IZ)I: Method::_code is no longer the installed nmethod"), "{case}: {log}");
    }
    installed.len()
}

#[test]
fn serial() {
    assert!(differential("serial", &["-XX:+UseSerialGC"]) >= 1);
}

#[test]
fn parallel() {
    assert!(differential("parallel", &["-XX:+UseParallelGC"]) >= 1);
}

#[test]
fn g1() {
    assert!(differential("g1", &["-XX:+UseG1GC"]) >= 1);
}

#[test]
fn stress_tiny_heap_verified_gcs_frequent_safepoints() {
    assert!(differential("stress", &STRESS_FLAGS) >= 1);
}
