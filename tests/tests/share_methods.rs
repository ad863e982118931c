//! `Method*` constants in shared code. `ShareHash.mix` calls `hashCode()` on receivers of
//! many classes; C2 inlines the `Object.hashCode` intrinsic behind a guard that compares the
//! receiver class's vtable entry with the `Method*` of `Object.hashCode`, embedded as a
//! `movabs r, imm64` metadata constant. The capture names it by class, name and descriptor;
//! the receiver patches in its own `Method*` through JVMCI. The receiver runs with its CDS
//! archive relocated (`ArchiveRelocationMode=1`), so `Object.hashCode`'s `Method*` is at
//! another address than in the donor: the donor's value left in place would match no vtable
//! entry, and the agent's read-back of the installed operand would say so.

use jitfleet_tests::*;

const JVMCI: [&str; 2] = ["-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI"];
/// The limit of the receiver's pause, which ends when `mix` is installed (`InstallWait`).
const WAIT_MS: &str = "60000";
const MIX: &str = "ShareHash.mix([Ljava/lang/Object;)I";

#[test]
fn the_object_hashcode_guard_is_shared_with_this_jvms_method_and_dispatches_overrides() {
    let flags = ["-XX:CompileCommand=quiet", "-XX:CompileCommand=dontinline,ShareHash*::*"];
    let dir = scratch("share-methods");
    let vanilla = run(java_cmd().args(flags).args(["ShareHash", "400000", "0"]));
    assert!(vanilla.status.success(), "{}", stderr(&vanilla));
    let expected = stdout(&vanilla);
    assert_eq!(expected.lines().count(), 8, "{expected}");

    let donor = run(java_cmd()
        .args(JVMCI)
        .args(flags)
        .arg(agent_arg(&format!("mode=capture,cache_dir={},log=info", dir.display())))
        .args(["ShareHash", "400000", "0"]));
    let donor_log = stderr(&donor);
    assert!(donor.status.success(), "{donor_log}");
    assert_eq!(stdout(&donor), expected);
    let captured: Vec<&str> = donor_log.lines().filter(|l| l.contains(&format!("captured {MIX}"))).collect();
    assert!(!captured.is_empty(), "{donor_log}");
    assert!(captured.iter().all(|l| l.contains(" 1 method constants")), "{captured:?}");

    let receiver = run(java_cmd()
        .args(JVMCI)
        .args(flags)
        .args(["-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=1"])
        .args(storm_args())
        .arg(agent_arg(&format!("mode=install,cache_dir={},log=info", dir.display())))
        .args(["ShareHash", "400000", WAIT_MS]));
    let log = stderr(&receiver);
    assert!(receiver.status.success(), "{log}");
    // Identity hashes counted as 1 and overriding hashes (String, Integer, and Late, loaded
    // after the install) added: a guard with the wrong method changes the sums.
    assert_eq!(stdout(&receiver), expected, "{log}");
    let installed: Vec<&str> = log.lines().filter(|l| l.contains(&format!("installed {MIX} (donor"))).collect();
    assert_eq!(installed.len(), 1, "{log}");
    assert!(installed[0].contains("1 of 1 method constants hold this JVM's Method*"), "{log}");
    assert!(log.contains(&format!("at exit {MIX}: Method::_code is still the installed nmethod")), "{log}");
    assert!(!log.contains("jvmci_error") && !log.contains("Method* constant at pc"), "{log}");
}
