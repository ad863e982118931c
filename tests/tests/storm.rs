//! Installed code under the deoptimisation storm (`tests/java/stress/`): while the program runs,
//! every compiled frame of every thread is deoptimised every 200 µs — the interpreter frames are
//! rebuilt from the translated debug information at the pc the frame stopped at — and a young
//! GC walks the oop maps every 16th time. Wrong debug values or missing references in
//! installed code then change the program's output (or crash it) instead of staying latent.

use jitfleet_tests::*;
use std::path::Path;
use std::process::Output;

const JVMCI: [&str; 2] = ["-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI"];
const PERIOD_MICROS: &str = "200";

fn storm_run(agent_options: Option<&str>, program: &[&str]) -> Output {
    let mut cmd = java_cmd();
    // G1: fill's reference stores go through G1's write barrier (card table, and a leaf call
    // into libjvm that C2 emits without relocation).
    cmd.args(JVMCI).args(["-Xmx64m", "-XX:+UseG1GC"]).args(storm_args());
    if let Some(options) = agent_options {
        cmd.arg(agent_arg(options));
    }
    let o = run(cmd.args(["jitfleet.stress.Storm", PERIOD_MICROS]).args(program));
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

/// `F` of the storm's `storm: R rounds, F frames deoptimised, G young GCs` line.
fn frames_deoptimised(o: &Output) -> u64 {
    storm_frames(&stderr(o)).1
}

fn capture_then_install(dir: &Path, program: &[&str]) -> (Output, Output) {
    let options = |mode: &str| format!("mode={mode},cache_dir={},log=info", dir.display());
    let donor = storm_run(Some(&options("capture")), program);
    let receiver = storm_run(Some(&options("install")), program);
    (donor, receiver)
}

#[test]
fn installed_array_code_gives_the_same_output_while_every_frame_keeps_being_deoptimised() {
    let program = ["ShareArrays", "20000", "1500"];
    let vanilla = storm_run(None, &program);
    let dir = scratch("storm-arrays");
    let (donor, receiver) = capture_then_install(&dir, &program);
    assert_eq!(stdout(&donor), stdout(&vanilla), "{}", stderr(&donor));
    let log = stderr(&receiver);
    assert_eq!(stdout(&receiver), stdout(&vanilla), "{log}");
    assert!(log.contains("installed ShareArrays.dot([J[JI)J"), "{log}");
    assert!(log.contains("installed ShareArrays.fill("), "{log}");
    assert!(!log.contains("jvmci_error"), "{log}");
    // The storm really ran: compiled frames were rebuilt by deoptimisation during the run (a
    // few dozen here; `jitfleet-bench soak` runs it over real workloads, thousands per run).
    assert!(frames_deoptimised(&receiver) > 0, "{log}");
}
