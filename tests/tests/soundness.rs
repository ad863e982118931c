//! Install soundness: code is installed only where what C2 assumed when it compiled still
//! holds. Each test compares a run with installed code against a run of the same program
//! without the agent, in the receiver's configuration.
//!
//! - Folded static finals: `ShareFolded.mix` uses `ShareFoldedConf.FACTOR`, a `static final
//!   int` set from `-Djf.folded`. C2 folds it into an immediate. Captured with one value, the
//!   code must be refused where the property has another value (else the sums differ), and
//!   installed where it is the same.

use jitfleet_tests::*;
use std::path::Path;
use std::process::Output;

const JVMCI: [&str; 2] = ["-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI"];
const ROUNDS: &str = "20000";
/// Pause after the first call: time for the installer before the method gets hot.
const PAUSE_MS: &str = "1500";

fn run_folded(factor: u32, agent: Option<String>, pause: &str) -> Output {
    let mut cmd = java_cmd();
    cmd.args(JVMCI).arg(format!("-Djf.folded={factor}"));
    if let Some(a) = agent {
        cmd.arg(agent_arg(&a));
    }
    let o = run(cmd.args(["ShareFolded", ROUNDS, pause]));
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

fn capture_folded(dir: &Path, factor: u32) -> Output {
    let o = run_folded(factor, Some(format!("mode=capture,cache_dir={},log=info", dir.display())), "0");
    assert!(stderr(&o).contains("captured ShareFolded.mix(I)I"), "{}", stderr(&o));
    o
}

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
    assert!(log.contains("not installed ShareFolded.mix(I)I: C2 may have folded ShareFoldedConf.FACTOR = 31 (donor); here it is 37"), "{log}");
    assert!(log.contains("static_value_differs=1"), "{log}");
    assert!(!log.contains("installed ShareFolded.mix(I)I (donor"), "{log}");
}

#[test]
fn code_with_a_folded_static_final_is_installed_where_the_value_is_the_same() {
    let dir = scratch("sound-folded-same");
    capture_folded(&dir, 31);
    let expected = stdout(&run_folded(31, None, "0"));
    let receiver = install_folded(&dir, 31);
    let log = stderr(&receiver);
    assert_eq!(stdout(&receiver), expected, "{log}");
    assert!(log.contains("installed ShareFolded.mix(I)I (donor"), "{log}");
    assert!(log.contains("at exit ShareFolded.mix(I)I: Method::_code is still the installed nmethod"), "{log}");
}
