//! Shared code that holds monitors (tests/java/ShareMonitors.java): four threads contend for
//! locks in installed kernels (synchronized blocks, an inlined synchronized method, nested and
//! reentrant locks, a static synchronized method, a call made with two locks held), throw out
//! of a synchronized block, and two more pass values through wait/notify. Each run is done
//! without the agent, captured, then with the captured code installed, under Serial, Parallel,
//! G1, the differential suite's stress flags and the deoptimisation storm. The installing run
//! must print what the plain run prints, the totals must be the exact ones (no lost update, no
//! leaked monitor), and the kernels must really have been installed.

use jitfleet_tests::*;
use std::process::Output;

const JVMCI: [&str; 2] = ["-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI"];
/// Keep the kernels separate nmethods: inlined into the workers' loops they would only run
/// as on-stack-replacement code, which is not shared.
const KEEP_KERNELS: [&str; 2] = ["-XX:CompileCommand=quiet", "-XX:CompileCommand=dontinline,ShareMonitors*::k*"];
const ROUNDS: u64 = 60_000;
const WORKERS: u64 = 4;
/// Time for the installer before the kernels get hot.
const PAUSE_MS: &str = "1500";

fn program(flags: &[&str], storm: bool, agent: Option<String>, pause: &str) -> Output {
    let mut cmd = java_cmd();
    cmd.args(JVMCI).args(KEEP_KERNELS).args(flags);
    if storm {
        cmd.args(storm_args());
    }
    if let Some(a) = agent {
        cmd.arg(agent_arg(&a));
    }
    if storm {
        cmd.args(["jitfleet.stress.Storm", "200"]);
    }
    let o = run(cmd.args(["ShareMonitors", &ROUNDS.to_string(), pause]));
    assert!(o.status.success(), "{flags:?} storm={storm} {:?}: {}\n{}", o.status, stdout(&o), stderr(&o));
    o
}

/// What ShareMonitors must print: every total computed here, independently of any JVM.
fn expected() -> String {
    let sum = |f: &dyn Fn(u64) -> u64| WORKERS * (0..ROUNDS).map(f).sum::<u64>();
    let thrown = WORKERS * (0..ROUNDS).filter(|i| i % 97 == 0).count() as u64;
    let n = WORKERS * ROUNDS;
    format!(
        "locks free afterwards true\nrounds {n}\nshared {}\ndeposits {}\nnested {n} {}\nstatics {}\nodd {} own {}\nthrowing {n} thrown {thrown} leaked 0\nmailbox {}\n",
        sum(&|i| i & 15),
        sum(&|i| i & 7),
        sum(&|i| i & 3),
        sum(&|i| i & 1),
        sum(&|i| u64::from(i.count_ones() & 1)),
        sum(&|i| u64::from(i.count_ones() & 1) + 1),
        ROUNDS * (ROUNDS - 1) / 2,
    )
}

/// Plain, capturing and installing runs; returns the installing run's log.
fn differential(case: &str, flags: &[&str], storm: bool) -> String {
    let want = expected();
    let vanilla = program(flags, storm, None, "0");
    assert_eq!(stdout(&vanilla), want, "{case}: the plain run");
    let dir = scratch(&format!("monitors-{case}"));
    let options = |mode: &str| format!("mode={mode},cache_dir={},log=info", dir.display());
    let donor = program(flags, storm, Some(options("capture")), "0");
    assert_eq!(stdout(&donor), want, "{case}: the capturing run\n{}", stderr(&donor));
    let capture_summary = stderr(&donor).lines().find(|l| l.contains("capture summary")).unwrap_or("").to_string();
    eprintln!("monitors {case}: {capture_summary}");
    let receiver = program(flags, storm, Some(options("install")), PAUSE_MS);
    let log = stderr(&receiver);
    assert_eq!(stdout(&receiver), want, "{case}: the run with installed code\n{log}");
    let installed: Vec<&str> = log.lines().filter_map(|l| l.strip_prefix("jitfleet: info: installed ")).collect();
    eprintln!("monitors {case}: installed {}: {}", installed.len(), installed.iter().map(|l| l.split(' ').next().unwrap_or("")).collect::<Vec<_>>().join(", "));
    for kernel in ["ShareMonitors.kRound(", "ShareMonitors.kOwn(", "ShareMonitors.kSpin(", "ShareMonitors.kThrowing(", "ShareMonitors$Mailbox.kPut(", "ShareMonitors$Mailbox.kTake("] {
        assert!(installed.iter().any(|l| l.starts_with(kernel)), "{case}: {kernel} was not installed\n{log}");
    }
    assert!(!log.contains("jvmci_error"), "{case}: {log}");
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

/// Every compiled frame of every thread deoptimised every 200 µs: frames of installed code
/// that hold locks are rebuilt as interpreter frames, their locks moved from C2's BasicLock
/// slots into the interpreter's monitor block — a wrong slot loses or corrupts the lock.
#[test]
fn under_the_deoptimisation_storm() {
    let log = differential("storm", &["-Xmx64m", "-XX:+UseG1GC"], true);
    let (line, frames) = storm_frames(&log);
    eprintln!("monitors storm: {line}");
    assert!(frames > 0, "{line}");
}
